package telegramtest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// pendingUpdate is an update waiting for the bot, encoded when it was pushed.
type pendingUpdate struct {
	id  int
	raw json.RawMessage
}

// PushUpdate queues an update for getUpdates and returns the update_id it was given. Like
// Telegram, the fake numbers updates, gives messages without an id the chat's next message
// id and a date, completes a callback query's message from the chat's history and gives the
// query an id. Chats, users and files in the update become known to the fake. While a webhook
// is set the update waits, counted in getWebhookInfo; use PostWebhook to deliver updates.
func (s *Server) PushUpdate(u tgbotapi.Update) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	u.UpdateID = s.nextUpdateID
	s.nextUpdateID++
	raw, err := s.prepare(&u, s.now())
	if err != nil {
		s.tb.Errorf("telegramtest: push update %d: %v", u.UpdateID, err)
		return u.UpdateID
	}
	s.pending = append(s.pending, pendingUpdate{id: u.UpdateID, raw: raw})
	s.notify()
	return u.UpdateID
}

// Pending is the number of updates not yet confirmed by getUpdates' offset.
func (s *Server) Pending() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.pending)
}

// prepare completes an update as Telegram would send it and encodes it; callers hold s.mu.
// The update's messages are copied, so the caller's values are left as they were.
func (s *Server) prepare(u *tgbotapi.Update, now time.Time) (json.RawMessage, error) {
	for _, m := range []**tgbotapi.Message{&u.Message, &u.EditedMessage, &u.ChannelPost, &u.EditedChannelPost} {
		if *m != nil {
			*m = s.adopt(**m, now)
		}
	}
	if u.CallbackQuery != nil {
		q := *u.CallbackQuery
		if q.ID == "" {
			q.ID = strconv.FormatInt(4_000_000_000_000_000_000+int64(s.nextSeq()), 10)
		}
		if q.From != nil {
			s.users[q.From.ID] = *q.From
		}
		if q.Message != nil && q.Message.Chat != nil {
			c := s.chat(q.Message.Chat.ID)
			if stored := c.msgs[q.Message.MessageID]; stored != nil {
				m := *stored
				q.Message = &m
			} else {
				m := *q.Message
				info := c.info
				m.Chat = &info
				if m.Date == 0 {
					m.Date = int(now.Unix())
				}
				q.Message = &m
			}
			if q.ChatInstance == "" {
				q.ChatInstance = strconv.FormatInt(-7_000_000_000_000_000_000+q.Message.Chat.ID, 10)
			}
		}
		s.callbacks[q.ID] = false
		u.CallbackQuery = &q
	}
	return json.Marshal(u)
}

// adopt stores an incoming message in its chat and returns the copy that goes in the update.
func (s *Server) adopt(m tgbotapi.Message, now time.Time) *tgbotapi.Message {
	if m.From != nil {
		s.users[m.From.ID] = *m.From
	}
	if m.Chat == nil {
		if m.From == nil {
			return &m
		}
		m.Chat = &tgbotapi.Chat{ID: m.From.ID, Type: "private", FirstName: m.From.FirstName, LastName: m.From.LastName, UserName: m.From.UserName}
	}
	c := s.chat(m.Chat.ID)
	mergeChat(&c.info, *m.Chat)
	info := c.info
	m.Chat = &info
	c.seen = true
	if m.From != nil {
		if _, set := c.members[m.From.ID]; !set {
			c.members[m.From.ID] = "member"
		}
	}
	if m.Date == 0 {
		m.Date = int(now.Unix())
	}
	if m.ReplyToMessage != nil {
		if stored := c.msgs[m.ReplyToMessage.MessageID]; stored != nil {
			quoted := *stored
			quoted.ReplyToMessage = nil
			m.ReplyToMessage = &quoted
		}
	}
	for _, p := range m.Photo {
		f := s.knowFile(p.FileID, p.FileUniqueID, "photo")
		if f.width == 0 {
			f.width, f.height = p.Width, p.Height
		}
		if !f.hasData {
			f.size = p.FileSize
		}
	}
	if d := m.Document; d != nil {
		f := s.knowFile(d.FileID, d.FileUniqueID, "document")
		f.name, f.mimeType = d.FileName, d.MimeType
		if !f.hasData {
			f.size = d.FileSize
		}
	}
	c.add(&m)
	out := m
	return &out
}

// mergeChat keeps what is known of a chat and takes what the update says.
func mergeChat(dst *tgbotapi.Chat, src tgbotapi.Chat) {
	if src.Type != "" {
		dst.Type = src.Type
	}
	if src.Title != "" {
		dst.Title = src.Title
	}
	if src.UserName != "" {
		dst.UserName = src.UserName
	}
	if src.FirstName != "" {
		dst.FirstName = src.FirstName
	}
	if src.LastName != "" {
		dst.LastName = src.LastName
	}
}

// getUpdates serves Telegram's long polling. It takes s.mu itself, to release it while waiting.
func (s *Server) getUpdates(req *request) reply {
	offset, _ := strconv.Atoi(req.params["offset"])
	limit, _ := strconv.Atoi(req.params["limit"])
	if limit <= 0 || limit > 100 {
		limit = 100
	}
	timeout, _ := strconv.Atoi(req.params["timeout"])
	wait := min(time.Duration(max(timeout, 0))*time.Second, s.pollCap)

	s.mu.Lock()
	defer s.mu.Unlock()
	if s.webhook.url != "" {
		return reply{status: http.StatusConflict, description: "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"}
	}
	// A newer getUpdates terminates an older one still waiting, as on Telegram.
	s.pollGen++
	gen := s.pollGen
	s.notify()
	s.confirm(offset)

	var expired <-chan time.Time
	if wait > 0 {
		timer := time.NewTimer(wait)
		defer timer.Stop()
		expired = timer.C
	}
	// Waiters learn when this poll starts and stops waiting; only these two changes notify,
	// or two polls would wake each other forever.
	waiting := false
	defer func() {
		if waiting {
			s.polling--
			s.notify()
		}
	}()
	for {
		switch {
		case s.webhook.url != "":
			return reply{status: http.StatusConflict, description: "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"}
		case s.pollGen != gen:
			return reply{status: http.StatusConflict, description: "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"}
		case len(s.pending) > 0 || expired == nil:
			return ok(s.take(limit))
		}
		if !waiting {
			waiting = true
			s.polling++
			s.notify()
		}
		changed := s.changed
		s.mu.Unlock()
		select {
		case <-changed:
		case <-expired:
			expired = nil
		case <-req.ctx.Done():
			s.mu.Lock()
			return reply{status: statusClientClosed, description: "client closed request"}
		case <-s.done:
			expired = nil
		}
		s.mu.Lock()
	}
}

// WaitPolling blocks until a getUpdates is waiting for updates: the bot is up and polling.
func (s *Server) WaitPolling(ctx context.Context) error {
	for {
		s.mu.Lock()
		polling, changed := s.polling > 0, s.changed
		s.mu.Unlock()
		if polling {
			return nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return fmt.Errorf("telegramtest: wait for a long poll: %w", ctx.Err())
		case <-s.done:
			return errors.New("telegramtest: wait for a long poll: server closed")
		}
	}
}

// confirm forgets the updates an offset confirms: all below a positive offset, all but the
// last -offset for a negative one.
func (s *Server) confirm(offset int) {
	switch {
	case offset > 0:
		i := 0
		for i < len(s.pending) && s.pending[i].id < offset {
			i++
		}
		s.pending = s.pending[i:]
	case offset < 0:
		if keep := -offset; keep < len(s.pending) {
			s.pending = s.pending[len(s.pending)-keep:]
		}
	}
}

func (s *Server) take(limit int) []json.RawMessage {
	n := min(limit, len(s.pending))
	out := make([]json.RawMessage, n)
	for i := range n {
		out[i] = s.pending[i].raw
	}
	return out
}

func (s *Server) answerCallbackQuery(req *request) reply {
	id := req.params["callback_query_id"]
	answered, known := s.callbacks[id]
	if !known || answered {
		return badRequest("query is too old and response timeout expired or query ID is invalid")
	}
	if utf16Len(req.params["text"]) > maxCallbackLen {
		return badRequest("MESSAGE_TOO_LONG")
	}
	s.callbacks[id] = true
	return ok(true)
}
