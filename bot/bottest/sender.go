// Package bottest is the harness the core's and the features' tests share:
// a recording sender, a movable clock, and a bot on a real Redis that
// users talk to (User(...).Say, Press, Send), handled at once without the
// per-chat pacing of a platform. It is imported by tests only.
package bottest

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/cohortbot/cohortbot/bot"
)

// Sender records what the bot sends instead of calling a platform. It is
// safe for concurrent use.
type Sender struct {
	mu       sync.Mutex
	messages []bot.Message
	answers  []bot.Answer
}

// Send records m; the message id is its place among the messages, from 1.
func (s *Sender) Send(_ context.Context, m bot.Message) (bot.Sent, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.messages = append(s.messages, m)
	return bot.Sent{Chat: m.Chat, MessageID: int64(len(s.messages))}, nil
}

// Answer records a.
func (s *Sender) Answer(_ context.Context, a bot.Answer) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.answers = append(s.answers, a)
	return nil
}

// Messages returns a copy of the messages sent so far.
func (s *Sender) Messages() []bot.Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]bot.Message(nil), s.messages...)
}

// Answers returns a copy of the button answers sent so far.
func (s *Sender) Answers() []bot.Answer {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]bot.Answer(nil), s.answers...)
}

// Count is how many messages were sent.
func (s *Sender) Count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.messages)
}

// Last returns the last message sent, or a zero one.
func (s *Sender) Last() bot.Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.messages) == 0 {
		return bot.Message{}
	}
	return s.messages[len(s.messages)-1]
}

// LastAnswer returns the last button answer, or a zero one.
func (s *Sender) LastAnswer() bot.Answer {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.answers) == 0 {
		return bot.Answer{}
	}
	return s.answers[len(s.answers)-1]
}

// Sent reports whether a message containing want was sent.
func (s *Sender) Sent(want string) bool {
	for _, m := range s.Messages() {
		if strings.Contains(m.Text, want) {
			return true
		}
	}
	return false
}

// To counts the messages to chat whose text contains sub.
func (s *Sender) To(chat bot.ChatKey, sub string) int {
	n := 0
	for _, m := range s.Messages() {
		if m.Chat == chat && strings.Contains(m.Text, sub) {
			n++
		}
	}
	return n
}

// Reset forgets what was sent.
func (s *Sender) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.messages, s.answers = nil, nil
}

// Counter is a sender that only counts, for benchmarks and for tests that
// check nothing was sent directly.
type Counter struct{ sent atomic.Int64 }

// Send counts m.
func (c *Counter) Send(_ context.Context, m bot.Message) (bot.Sent, error) {
	return bot.Sent{Chat: m.Chat, MessageID: c.sent.Add(1)}, nil
}

// Answer does nothing.
func (c *Counter) Answer(context.Context, bot.Answer) error { return nil }

// N is the number of messages sent.
func (c *Counter) N() int64 { return c.sent.Load() }
