package zalo

import (
	"bytes"
	"encoding/json"
	"errors"
	"hash/fnv"
	"strings"
	"time"

	"github.com/cohortbot/cohortbot/bot"
)

// Event names of the Bot Platform.
const (
	EventText        = "message.text.received"
	EventImage       = "message.image.received"
	EventSticker     = "message.sticker.received"
	EventVoice       = "message.voice.received"
	EventUnsupported = "message.unsupported.received"
)

// Event is one update of the Bot Platform.
type Event struct {
	EventName string   `json:"event_name"`
	Message   *Message `json:"message"`
}

// Message is the message of an event.
type Message struct {
	From      User   `json:"from"`
	Chat      Chat   `json:"chat"`
	MessageID string `json:"message_id"`
	// Date is in milliseconds.
	Date    int64  `json:"date"`
	Text    string `json:"text,omitempty"`
	Caption string `json:"caption,omitempty"`
	// PhotoURL is where real traffic puts an image; the documentation
	// says Photo. Both are read.
	PhotoURL string `json:"photo_url,omitempty"`
	Photo    string `json:"photo,omitempty"`
	Sticker  string `json:"sticker,omitempty"`
	VoiceURL string `json:"voice_url,omitempty"`
}

// User is the sender of a message.
type User struct {
	ID          string `json:"id"`
	DisplayName string `json:"display_name,omitempty"`
	// FirstName is in some of the documentation's samples.
	FirstName string `json:"first_name,omitempty"`
	IsBot     bool   `json:"is_bot,omitempty"`
}

// Chat is where a message was written.
type Chat struct {
	ID       string `json:"id"`
	ChatType string `json:"chat_type"`
}

// ErrNoEvent is a body that holds no event (Zalo's empty verification
// probe, "{}", {"ok":true} without a result).
var ErrNoEvent = errors.New("no zalo event in the body")

// DecodeBody reads a webhook body or a getUpdates result: the event bare
// ({"event_name":…,"message":…}), wrapped ({"ok":true,"result":event}), or
// a list of either.
func DecodeBody(raw []byte) ([]Event, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return nil, ErrNoEvent
	}
	return decodeEvents(raw)
}

func decodeEvents(raw json.RawMessage) ([]Event, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return nil, ErrNoEvent
	}
	if raw[0] == '[' {
		var items []json.RawMessage
		if err := json.Unmarshal(raw, &items); err != nil {
			return nil, err
		}
		var out []Event
		for _, it := range items {
			evs, err := decodeEvents(it)
			if errors.Is(err, ErrNoEvent) {
				continue
			}
			if err != nil {
				return out, err
			}
			out = append(out, evs...)
		}
		if len(out) == 0 {
			return nil, ErrNoEvent
		}
		return out, nil
	}
	var probe struct {
		Event
		OK     *bool           `json:"ok"`
		Result json.RawMessage `json:"result"`
	}
	if err := json.Unmarshal(raw, &probe); err != nil {
		return nil, err
	}
	if probe.Message == nil && len(probe.Result) > 0 {
		return decodeEvents(probe.Result)
	}
	if probe.Message == nil {
		return nil, ErrNoEvent
	}
	return []Event{probe.Event}, nil
}

// Normalize turns an event into a bot.Update. It reports false for events
// the bot drops at once: without a sender or a message id, from a bot
// (its own messages echoed back: from.is_bot, or from.id equal to selfID),
// and from group chats (a beta that delivers only mentions). A photo
// keeps its URL; Download fetches it.
func Normalize(ev Event, selfID string) (bot.Update, bool) {
	m := ev.Message
	if m == nil || m.From.ID == "" || m.MessageID == "" {
		return bot.Update{}, false
	}
	if m.From.IsBot || (selfID != "" && m.From.ID == selfID) {
		return bot.Update{}, false
	}
	if t := strings.ToUpper(m.Chat.ChatType); t != "" && t != "PRIVATE" {
		return bot.Update{}, false
	}
	id := MessageKey(m.MessageID)
	u := bot.Update{
		ID:        id,
		Platform:  bot.Zalo,
		User:      bot.NewUserKey(bot.Zalo, m.From.ID),
		UserName:  strings.TrimSpace(firstNonEmpty(m.From.DisplayName, m.From.FirstName)),
		ChatType:  bot.Private,
		MessageID: id,
		Time:      time.UnixMilli(m.Date),
	}
	// A private chat is the user's: answers, the outbox and the pending
	// choices all name it by the user id (Zalo's chat.id is the same).
	u.Chat = u.User.PrivateChat()
	if m.Date == 0 {
		u.Time = time.Time{}
	}
	name := ev.EventName
	if name == "" {
		// getUpdates samples of the documentation carry no event name.
		switch {
		case m.PhotoURL != "" || m.Photo != "":
			name = EventImage
		case m.Text != "":
			name = EventText
		}
	}
	switch name {
	case EventText:
		u.Kind, u.Text = bot.KindText, m.Text
		bot.ParseTyped(&u)
	case EventImage:
		url := firstNonEmpty(m.PhotoURL, m.Photo)
		if url == "" {
			u.Kind = bot.KindOther
			break
		}
		u.Kind = bot.KindPhoto
		u.Text = firstNonEmpty(m.Caption, m.Text)
		u.Photo = &bot.File{ID: url, URL: url, MIME: "image/jpeg"}
	default:
		// Stickers, voice messages, unsupported content (protected
		// users, some links) and events not known yet: the core answers
		// with what the bot understands.
		u.Kind = bot.KindOther
	}
	return u, true
}

// MessageKey maps Zalo's message_id (20 hex digits, more than an int64
// holds) to the update id the inbox deduplicates on: a 63-bit FNV-1a hash,
// positive, so two deliveries of one message are one update.
func MessageKey(messageID string) int64 {
	h := fnv.New64a()
	h.Write([]byte(messageID))
	n := int64(h.Sum64() >> 1)
	if n == 0 {
		n = 1
	}
	return n
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}
