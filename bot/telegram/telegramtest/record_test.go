package telegramtest_test

import (
	"context"
	"errors"
	"testing"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/cohortbot/cohortbot/bot/telegram/telegramtest"
)

func TestWaitCalls(t *testing.T) {
	s := telegramtest.New(t)
	bot := mustBot(t, s)
	ctx := testContext(t)

	go func() {
		for _, chatID := range []int64{alice.ID, bob.ID} {
			if _, err := bot.Send(tgbotapi.NewMessage(chatID, "thông báo")); err != nil {
				t.Errorf("Send: %v", err)
			}
		}
	}()
	calls, err := s.WaitCalls(ctx, "sendmessage", 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(calls) != 2 || calls[0].ChatID() != alice.ID || calls[1].ChatID() != bob.ID || calls[0].Time.IsZero() {
		t.Errorf("calls = %+v", calls)
	}

	err = s.WaitFor(ctx, func(calls []telegramtest.Call) bool {
		return len(s.Sent(bob.ID)) == 1 // cond runs without the server's lock
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestWaitEndsWithContext(t *testing.T) {
	s := telegramtest.New(t)
	ctx, cancel := context.WithCancel(testContext(t))
	cancel()
	_, err := s.WaitCalls(ctx, "sendMessage", 1)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("WaitCalls error = %v, want context.Canceled", err)
	}
	if err := s.WaitPolling(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("WaitPolling error = %v, want context.Canceled", err)
	}
}

func TestCallsAndReset(t *testing.T) {
	s := telegramtest.New(t)
	bot := mustBot(t, s)
	if _, err := bot.Send(tgbotapi.NewMessage(alice.ID, "a")); err != nil {
		t.Fatal(err)
	}
	if _, err := bot.Request(tgbotapi.NewChatAction(alice.ID, tgbotapi.ChatTyping)); err != nil {
		t.Fatal(err)
	}
	s.Block(bob.ID)
	if _, err := bot.Send(tgbotapi.NewMessage(bob.ID, "b")); err == nil {
		t.Fatal("send to a blocked chat succeeded")
	}

	tests := []struct {
		name string
		got  []telegramtest.Call
		want int
	}{
		{"all", s.Calls(), 4},
		{"one method", s.Calls("sendMessage"), 2},
		{"two methods", s.Calls("getMe", "sendChatAction"), 2},
		{"sent to alice leaves out the chat action", s.Sent(alice.ID), 1},
		{"sent to bob leaves out the refused send", s.Sent(bob.ID), 0},
	}
	for _, tt := range tests {
		if len(tt.got) != tt.want {
			t.Errorf("%s: %d calls, want %d", tt.name, len(tt.got), tt.want)
		}
	}
	if blocked := s.Calls("sendMessage")[1]; blocked.Status != 403 || blocked.Description != "Forbidden: bot was blocked by the user" {
		t.Errorf("refused call recorded as %d %q", blocked.Status, blocked.Description)
	}

	s.Reset()
	if got := s.Calls(); len(got) != 0 {
		t.Errorf("Calls() after Reset = %d", len(got))
	}
	if got := s.Messages(alice.ID); len(got) != 1 {
		t.Errorf("Reset forgot the chat's messages: %d left", len(got))
	}
}
