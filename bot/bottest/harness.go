package bottest

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cohortbot/cohortbot/bot"
	"github.com/cohortbot/cohortbot/bot/console"
	"github.com/cohortbot/cohortbot/internal/redistest"
	"github.com/cohortbot/cohortbot/store"
)

// Clock is a movable clock, safe for concurrent use.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock returns a clock that reads t until moved.
func NewClock(t time.Time) *Clock { return &Clock{now: t} }

// Now reads the clock.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

// Add moves the clock on by d.
func (c *Clock) Add(d time.Duration) { c.Set(c.Now().Add(d)) }

// Harness is a bot on a real Redis, with a recording sender and a movable
// clock. Updates are handled at once, in the test's goroutine: no
// platform, no per-chat pacing.
type Harness struct {
	T      testing.TB
	Bot    *bot.Bot
	Store  *store.Store
	Sender *Sender
	Clock  *Clock
	ids    atomic.Int64
}

// New starts a Redis for the test and a bot on it with the features that
// features makes on the store, at start on the clock.
func New(tb testing.TB, start time.Time, features func(*store.Store) bot.Features, opts ...bot.Option) *Harness {
	tb.Helper()
	st := store.New(redistest.Start(tb).Client())
	tb.Cleanup(func() { st.Close() })
	h := &Harness{T: tb, Store: st, Sender: &Sender{}, Clock: NewClock(start)}
	var fs bot.Features
	if features != nil {
		fs = features(st)
	}
	h.Bot = bot.New(bot.Config{}, st, h.Sender, fs, append([]bot.Option{bot.WithClock(h.Clock.Now)}, opts...)...)
	return h
}

// Demo creates the console's demo cohort and people (console.CreateDemo).
func (h *Harness) Demo() *console.Demo {
	h.T.Helper()
	d, err := console.CreateDemo(context.Background(), h.Store, h.Clock.Now())
	if err != nil {
		h.T.Fatal(err)
	}
	return d
}

// User is one person writing to the bot in a private chat. Demo people
// are User(handle) on the console platform.
type User struct {
	h   *Harness
	Key bot.UserKey
}

// User returns the console person with the handle.
func (h *Harness) User(handle string) *User {
	return &User{h: h, Key: bot.NewUserKey(bot.Console, handle)}
}

// Handle sends one update from the user, filling in who and where.
func (u *User) Handle(up bot.Update) {
	u.h.T.Helper()
	up.ID = u.h.ids.Add(1)
	up.Platform, up.User, up.Chat, up.ChatType = u.Key.Platform(), u.Key, u.Key.PrivateChat(), bot.Private
	if up.Time.IsZero() {
		up.Time = u.h.Clock.Now()
	}
	if err := u.h.Bot.Handle(context.Background(), &up); err != nil {
		u.h.T.Fatal(err)
	}
}

// Say sends a line as the console does: a command when it starts with /.
func (u *User) Say(line string) {
	u.h.T.Helper()
	up := bot.Update{Kind: bot.KindText, Text: line}
	if name, ok := strings.CutPrefix(line, "/"); ok {
		name, args, _ := strings.Cut(name, " ")
		up.Kind, up.Command, up.Args = bot.KindCommand, name, args
	}
	u.Handle(up)
}

// Press presses a button with the data, on message 1.
func (u *User) Press(data string) {
	u.h.T.Helper()
	u.Handle(bot.Update{Kind: bot.KindCallback, Callback: &bot.Callback{ID: data, Data: data, MessageID: 1}})
}

// Send sends a file with a caption: a photo when it has dimensions, else
// a document.
func (u *User) Send(f *bot.File, caption string) {
	u.h.T.Helper()
	up := bot.Update{Kind: bot.KindDocument, Text: caption, Document: f}
	if f.Width > 0 {
		up = bot.Update{Kind: bot.KindPhoto, Text: caption, Photo: f}
	}
	u.Handle(up)
}
