package telegramtest

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Call is one recorded Bot API call. Its maps are shared with the recorder: read, don't write.
type Call struct {
	// Method is the method's canonical name ("sendMessage") whatever case the bot used.
	Method string
	// Params holds every parameter as a string; JSON values (reply_markup, media, ...) stay raw.
	Params map[string]string
	// Files holds the bytes of files uploaded in a multipart body, by field name.
	Files map[string][]byte
	// Status is the HTTP status answered: 200, a Telegram error code, or 499 for a long poll
	// whose client went away.
	Status int
	// Description is the error description answered, empty on success.
	Description string
	// Time is when the call arrived, by the server's clock.
	Time time.Time
}

// OK reports whether the call succeeded.
func (c Call) OK() bool { return c.Status == http.StatusOK }

// ChatID is the call's chat_id parameter as a number, 0 when absent or not numeric.
func (c Call) ChatID() int64 {
	id, _ := strconv.ParseInt(c.Params["chat_id"], 10, 64)
	return id
}

func (s *Server) record(req *request, rep reply, start time.Time) {
	var files map[string][]byte
	if len(req.files) > 0 {
		files = make(map[string][]byte, len(req.files))
		for name, f := range req.files {
			files[name] = f.data
		}
	}
	call := Call{
		Method:      req.method,
		Params:      req.params,
		Files:       files,
		Status:      rep.status,
		Description: rep.description,
		Time:        start,
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = append(s.calls, call)
	if rep.status == http.StatusTooManyRequests {
		s.count429++
	}
	s.notify()
}

// notify wakes every waiter; callers hold s.mu.
func (s *Server) notify() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// Calls returns the recorded calls of the given methods (case-insensitive), or all calls.
func (s *Server) Calls(methods ...string) []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return filterCalls(s.calls, methods...)
}

func filterCalls(calls []Call, methods ...string) []Call {
	var out []Call
	for _, c := range calls {
		if len(methods) == 0 || slices.ContainsFunc(methods, func(m string) bool { return strings.EqualFold(m, c.Method) }) {
			out = append(out, c)
		}
	}
	return out
}

// isMessageMethod tells the methods that put or change a message in a chat: the ones Sent
// reports and the rate limiters count.
func isMessageMethod(method string) bool {
	switch method {
	case "sendMessage", "sendPhoto", "sendDocument", "sendMediaGroup",
		"editMessageText", "editMessageCaption", "editMessageReplyMarkup", "editMessageMedia":
		return true
	}
	return false
}

// Sent returns the successful send and edit calls to a chat, in order. sendChatAction is left
// out: it shows no message.
func (s *Server) Sent(chatID int64) []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Call
	for _, c := range s.calls {
		if c.OK() && isMessageMethod(c.Method) && c.ChatID() == chatID {
			out = append(out, c)
		}
	}
	return out
}

// Count429 is the number of calls answered 429 Too Many Requests, injected or by the limiter.
func (s *Server) Count429() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.count429
}

// Reset forgets the recorded calls and the 429 count. Chats, messages, pending updates, files,
// the webhook and programmed failures stay.
func (s *Server) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = nil
	s.count429 = 0
	s.notify()
}

// WaitFor blocks until cond, given the calls recorded so far, returns true, or until ctx ends
// or the server closes. cond runs without the server's lock and may be called many times.
func (s *Server) WaitFor(ctx context.Context, cond func([]Call) bool) error {
	if err := s.waitFor(ctx, cond); err != nil {
		return fmt.Errorf("telegramtest: wait for calls: %w", err)
	}
	return nil
}

func (s *Server) waitFor(ctx context.Context, cond func([]Call) bool) error {
	for {
		s.mu.Lock()
		calls := slices.Clone(s.calls)
		changed := s.changed
		s.mu.Unlock()
		if cond(calls) {
			return nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return ctx.Err()
		case <-s.done:
			return errors.New("server closed")
		}
	}
}

// WaitCalls blocks until at least n calls of method (whatever their outcome) were recorded and
// returns all calls of that method.
func (s *Server) WaitCalls(ctx context.Context, method string, n int) ([]Call, error) {
	var got []Call
	err := s.waitFor(ctx, func(calls []Call) bool {
		got = filterCalls(calls, method)
		return len(got) >= n
	})
	if err != nil {
		return got, fmt.Errorf("telegramtest: wait for %d %s calls, got %d: %w", n, method, len(got), err)
	}
	return got, nil
}

// CallsFrom returns the calls recorded after the first from, and the number recorded so far:
// a test that follows the traffic passes that number back next time.
func (s *Server) CallsFrom(from int) ([]Call, int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if from > len(s.calls) {
		from = len(s.calls)
	}
	return slices.Clone(s.calls[from:]), len(s.calls)
}

// WaitMore blocks until more than n calls are recorded, or ctx is done: a
// test that follows the traffic with CallsFrom waits for the next call
// without copying every call on each change.
func (s *Server) WaitMore(ctx context.Context, n int) error {
	for {
		s.mu.Lock()
		more, changed := len(s.calls) > n, s.changed
		s.mu.Unlock()
		if more {
			return nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return ctx.Err()
		case <-s.done:
			return errors.New("server closed")
		}
	}
}
