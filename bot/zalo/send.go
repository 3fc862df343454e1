package zalo

import (
	"context"
	"fmt"
	"strings"

	"github.com/cohortbot/cohortbot/bot"
)

// MaxText is Zalo's limit on a text and on a photo's caption. Zalo says
// "characters"; counting UTF-16 units is the safe reading (an emoji is
// two).
const MaxText = 2000

// Split cuts a message into the parts that each take one call: photos by
// URL (the first with the text as its caption when all of it fits), then
// texts of at most MaxText UTF-16 units, the numbered choices at the end
// of the last. The delivery layer paces and retries each part on its own.
// Zalo cannot edit: an edit is sent as a new message. Documents and
// photos known only by another platform's file id cannot be shown on
// Zalo: a line says so (TODO: links under PUBLIC_URL from the file store).
func (c *Client) Split(m bot.Message) []bot.Message {
	m.Edit = 0
	var photos []*bot.File
	missing := 0
	for _, f := range append([]*bot.File{m.Photo}, m.Media...) {
		switch {
		case f == nil:
		case isURL(f.URL):
			photos = append(photos, f)
		case isURL(f.ID) && f.Bytes == nil:
			// A photo that came from Zalo keeps its link as its id.
			photos = append(photos, &bot.File{ID: f.ID, URL: f.ID})
		default:
			missing++
		}
	}
	text := m.Text
	var notes []string
	if missing > 0 {
		notes = append(notes, bot.Text(bot.VI, "zalo.no_photo"))
	}
	if m.Document != nil {
		notes = append(notes, bot.Text(bot.VI, "zalo.no_document", documentName(m.Document)))
	}
	if len(notes) > 0 {
		text = strings.TrimSpace(strings.Join(notes, "\n") + "\n\n" + text)
	}
	list := strings.Join(bot.ChoiceLines(m.Buttons), "\n")
	var parts []bot.Message
	for i, f := range photos {
		p := bot.Message{Chat: m.Chat, Photo: f}
		if i == 0 && units(join(text, list)) <= MaxText {
			p.Text, p.Buttons = text, m.Buttons
			text, list = "", ""
		}
		parts = append(parts, p)
	}
	if text == "" && list == "" {
		return parts
	}
	chunks := splitText(text, MaxText)
	last := chunks[len(chunks)-1]
	if list != "" && units(join(last, list)) > MaxText {
		// The list does not fit under the last chunk: it goes alone.
		chunks = append(chunks, "")
	}
	for _, t := range chunks {
		parts = append(parts, bot.Message{Chat: m.Chat, Text: t})
	}
	if list != "" {
		parts[len(parts)-1].Buttons = m.Buttons
	}
	return parts
}

// render is the text (or caption) of one part: its text and, under it,
// its numbered choices.
func render(m bot.Message) string {
	return join(m.Text, strings.Join(bot.ChoiceLines(m.Buttons), "\n"))
}

func join(text, list string) string {
	switch {
	case list == "":
		return text
	case text == "":
		return list
	}
	return text + "\n\n" + list
}

// Send implements bot.Sender: each part of Split is one call. A part with
// choices records them (ChoiceStore) once it is sent, so that the number
// typed next is the press of that choice.
func (c *Client) Send(ctx context.Context, m bot.Message) (bot.Sent, error) {
	if m.Chat.Platform() != bot.Zalo || m.Chat.NativeID() == "" {
		return bot.Sent{}, fmt.Errorf("not a zalo chat: %q", m.Chat)
	}
	var sent bot.Sent
	for _, p := range c.Split(m) {
		s, err := c.sendPart(ctx, p)
		if err != nil {
			return sent, err
		}
		sent = s
	}
	return sent, nil
}

func (c *Client) sendPart(ctx context.Context, p bot.Message) (bot.Sent, error) {
	chat := p.Chat.NativeID()
	text := render(p)
	var zs Sent
	var err error
	switch {
	case p.Photo != nil:
		zs, err = c.SendPhoto(ctx, chat, p.Photo.URL, truncateUnits(text, MaxText))
	case strings.TrimSpace(text) == "":
		return bot.Sent{Chat: p.Chat}, nil
	default:
		zs, err = c.SendMessage(ctx, chat, truncateUnits(text, MaxText))
	}
	if err != nil {
		return bot.Sent{}, err
	}
	sent := bot.Sent{Chat: p.Chat}
	if zs.MessageID != "" {
		sent.MessageID = MessageKey(zs.MessageID)
	}
	if choices := bot.Choices(p.Buttons); len(choices) > 0 && c.Choices != nil {
		data := make([]string, len(choices))
		for i, b := range choices {
			data[i] = b.Data
		}
		// The message went out: a failure here costs the numbers, not the
		// message, so it is logged rather than retried (which would send
		// the message twice).
		if err := c.Choices.SetChoices(context.WithoutCancel(ctx), bot.UserKey(p.Chat), sent.MessageID, data, c.choicesTTL()); err != nil {
			c.log.Warn("keep zalo choices", "chat", p.Chat, "err", err)
		}
	}
	return sent, nil
}

// Answer implements bot.Sender. Zalo has no toasts: an answer with text
// (an alert such as "voting has closed") is sent as a message, one
// without text is nothing.
func (c *Client) Answer(ctx context.Context, a bot.Answer) error {
	if strings.TrimSpace(a.Text) == "" || a.Chat.Platform() != bot.Zalo {
		return nil
	}
	_, err := c.SendMessage(ctx, a.Chat.NativeID(), truncateUnits(a.Text, MaxText))
	return err
}

func isURL(s string) bool { return strings.HasPrefix(s, "https://") || strings.HasPrefix(s, "http://") }

func documentName(f *bot.File) string {
	if f.Name != "" {
		return f.Name
	}
	return "tệp"
}

func units(s string) int { return bot.Units(s) }

func splitText(s string, max int) []string { return bot.SplitUnits(s, max) }

func truncateUnits(s string, max int) string { return bot.TruncateUnits(s, max) }
