package bot_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/cohortbot/cohortbot/bot"
	"github.com/cohortbot/cohortbot/bot/bottest"
)

// panickyStore knows a user with no profile and no cohort; every other
// call hits the nil embedded interface and panics, as a buggy handler or
// store would.
type panickyStore struct {
	bot.Store
}

func (panickyStore) Load(context.Context, bot.UserKey, time.Duration, time.Time) (bot.Loaded, error) {
	return bot.Loaded{}, nil
}

func privateText(id int64, text, command, args string) *bot.Update {
	u := &bot.Update{
		ID: id, Platform: bot.Telegram, Kind: bot.KindText, User: "telegram:7",
		Chat: "telegram:7", ChatType: bot.Private, Text: text,
	}
	if command != "" {
		u.Kind, u.Command, u.Args = bot.KindCommand, command, args
	}
	return u
}

// TestHandlePanic drives the real router: a handler that panics (here in
// the store, reading an invite) gets the user the internal-error text,
// Handle reports the update handled, and the next update is answered.
func TestHandlePanic(t *testing.T) {
	send := &bottest.Sender{}
	b := bot.New(bot.Config{}, panickyStore{}, send, nil)

	if err := b.Handle(context.Background(), privateText(1, "/start abc", "start", "abc")); err != nil {
		t.Fatalf("Handle after a panic = %v, want nil", err)
	}
	want := bot.Text(bot.VI, "err.internal")
	if len(send.Messages()) != 1 || send.Messages()[0].Text != want || send.Messages()[0].Chat != "telegram:7" {
		t.Fatalf("sent %+v, want one %q to telegram:7", send.Messages(), want)
	}

	if err := b.Handle(context.Background(), privateText(2, "/help", "help", "")); err != nil {
		t.Fatalf("Handle /help = %v", err)
	}
	if len(send.Messages()) != 2 || send.Messages()[1].Text == want {
		t.Fatalf("after the panic /help got %+v", send.Messages()[1:])
	}
}

func TestRecover(t *testing.T) {
	boom := func(*bot.Context) error { panic("boom") }
	nilMap := func(*bot.Context) error {
		var m map[string]int
		m["x"] = 1
		return nil
	}
	tests := []struct {
		name     string
		update   bot.Update
		lang     bot.Lang
		handler  bot.HandlerFunc
		messages []string
		answers  []bot.Answer
	}{
		{
			name:     "message",
			update:   *privateText(1, "hello", "", ""),
			lang:     bot.VI,
			handler:  boom,
			messages: []string{bot.Text(bot.VI, "err.internal")},
		},
		{
			name:     "runtime error in English",
			update:   *privateText(2, "hello", "", ""),
			lang:     bot.EN,
			handler:  nilMap,
			messages: []string{bot.Text(bot.EN, "err.internal")},
		},
		{
			name: "button press",
			update: bot.Update{ID: 3, Platform: bot.Telegram, Kind: bot.KindCallback, User: "telegram:7", Chat: "telegram:7",
				ChatType: bot.Private, Callback: &bot.Callback{ID: "cb1", Data: "x"}},
			lang:    bot.VI,
			handler: boom,
			answers: []bot.Answer{{CallbackID: "cb1", Chat: "telegram:7", Text: bot.Text(bot.VI, "err.internal"), Alert: true}},
		},
		{
			name: "group chat stays quiet",
			update: bot.Update{ID: 4, Platform: bot.Telegram, Kind: bot.KindCommand, Command: "help", User: "telegram:7",
				Chat: "telegram:-100", ChatType: bot.Group},
			lang:    bot.VI,
			handler: boom,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			send := &bottest.Sender{}
			b := bot.New(bot.Config{}, panickyStore{}, send, nil)
			u := tt.update
			c := &bot.Context{Context: context.Background(), Bot: b, U: &u, Lang: tt.lang}
			if err := bot.Recover(tt.handler)(c); err != nil {
				t.Errorf("Recover returned %v, want nil", err)
			}
			var got []string
			for _, m := range send.Messages() {
				if m.Chat != u.Chat {
					t.Errorf("sent to %s, want %s", m.Chat, u.Chat)
				}
				got = append(got, m.Text)
			}
			if !slices.Equal(got, tt.messages) {
				t.Errorf("messages = %q, want %q", got, tt.messages)
			}
			if !slices.Equal(send.Answers(), tt.answers) {
				t.Errorf("answers = %+v, want %+v", send.Answers(), tt.answers)
			}
		})
	}
}

// TestRecoverPassesErrors: without a panic, Recover changes nothing.
func TestRecoverPassesErrors(t *testing.T) {
	send := &bottest.Sender{}
	b := bot.New(bot.Config{}, panickyStore{}, send, nil)
	c := &bot.Context{Context: context.Background(), Bot: b, U: privateText(1, "hi", "", ""), Lang: bot.VI}
	errX := errors.New("x")
	if err := bot.Recover(func(*bot.Context) error { return errX })(c); !errors.Is(err, errX) {
		t.Errorf("Recover = %v, want %v", err, errX)
	}
	if err := bot.Recover(func(*bot.Context) error { return nil })(c); err != nil {
		t.Errorf("Recover = %v, want nil", err)
	}
	if len(send.Messages())+len(send.Answers()) != 0 {
		t.Errorf("sent %+v %+v", send.Messages(), send.Answers())
	}
}
