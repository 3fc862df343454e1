package telegramtest_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/cohortbot/cohortbot/bot/telegram/telegramtest"
)

func TestFailNext(t *testing.T) {
	s := telegramtest.New(t)
	bot := mustBot(t, s)
	s.FailNext("sendMessage", 2, http.StatusTooManyRequests, "", 7)
	s.FailNext("", 1, http.StatusInternalServerError, "", 0)
	s.FailNext("getMe", 1, http.StatusBadGateway, "", 0)

	for range 2 {
		_, err := bot.Send(tgbotapi.NewMessage(alice.ID, "x"))
		apiErr := mustAPIError(t, err, http.StatusTooManyRequests, "Too Many Requests: retry after 7")
		if apiErr.RetryAfter != 7 {
			t.Errorf("RetryAfter = %d, want 7", apiErr.RetryAfter)
		}
	}
	// The failure for any method comes first in line now.
	_, err := bot.Send(tgbotapi.NewMessage(alice.ID, "x"))
	mustAPIError(t, err, http.StatusInternalServerError, "Internal Server Error")
	_, err = bot.GetMe()
	mustAPIError(t, err, http.StatusBadGateway, "Bad Gateway")
	if _, err := bot.Send(tgbotapi.NewMessage(alice.ID, "x")); err != nil {
		t.Fatalf("Send after the programmed failures: %v", err)
	}
	if got := s.Count429(); got != 2 {
		t.Errorf("Count429() = %d, want 2", got)
	}
	if got := len(s.Sent(alice.ID)); got != 1 {
		t.Errorf("Sent(alice) = %d calls, want the one that succeeded", got)
	}
}

func TestGlobalRateLimit(t *testing.T) {
	clk := newClock()
	s := telegramtest.New(t, telegramtest.WithClock(clk.Now))
	bot := mustBot(t, s)
	s.SetRateLimit(2)
	send := func(chatID int64) error {
		_, err := bot.Send(tgbotapi.NewMessage(chatID, "nhắc lịch"))
		return err
	}

	for _, chatID := range []int64{alice.ID, bob.ID} {
		if err := send(chatID); err != nil {
			t.Fatalf("send within the burst: %v", err)
		}
	}
	apiErr := mustAPIError(t, send(alice.ID), http.StatusTooManyRequests, "Too Many Requests: retry after 1")
	if apiErr.RetryAfter != 1 {
		t.Errorf("RetryAfter = %d, want 1", apiErr.RetryAfter)
	}
	clk.Advance(500 * time.Millisecond) // one token back at 2 per second
	if err := send(alice.ID); err != nil {
		t.Fatalf("send after the refill: %v", err)
	}
	mustAPIError(t, send(bob.ID), http.StatusTooManyRequests, "Too Many Requests: retry after 1")

	// Chat actions and reads are not limited.
	if _, err := bot.Request(tgbotapi.NewChatAction(alice.ID, tgbotapi.ChatTyping)); err != nil {
		t.Errorf("sendChatAction under the limit: %v", err)
	}
	if got := s.Count429(); got != 2 {
		t.Errorf("Count429() = %d, want 2", got)
	}

	s.SetRateLimit(0)
	for range 5 {
		if err := send(alice.ID); err != nil {
			t.Fatalf("send without a limit: %v", err)
		}
	}
}

func TestChatRateLimit(t *testing.T) {
	clk := newClock()
	s := telegramtest.New(t, telegramtest.WithClock(clk.Now))
	bot := mustBot(t, s)
	s.SetChatRateLimit(20.0 / 60) // Telegram's limit in a group

	// By default a chat takes a burst of three.
	const group = -1001000000001
	for i := range telegramtest.StrictChatBurst {
		if _, err := bot.Send(tgbotapi.NewMessage(group, fmt.Sprint(i))); err != nil {
			t.Fatalf("message %d of the burst: %v", i+1, err)
		}
	}
	if _, err := bot.Send(tgbotapi.NewMessage(group, "4")); err == nil {
		t.Fatal("fourth message of a burst to a group was accepted")
	}
	clk.Advance(9 * time.Second)

	s.SetBursts(0, 1)
	if _, err := bot.Send(tgbotapi.NewMessage(group, "1")); err != nil {
		t.Fatal(err)
	}
	_, err := bot.Send(tgbotapi.NewMessage(group, "2"))
	apiErr := mustAPIError(t, err, http.StatusTooManyRequests, "Too Many Requests: retry after 3")
	if apiErr.RetryAfter != 3 {
		t.Errorf("RetryAfter = %d, want 3", apiErr.RetryAfter)
	}
	if _, err := bot.Send(tgbotapi.NewMessage(alice.ID, "other chat")); err != nil {
		t.Errorf("another chat is limited apart: %v", err)
	}
	clk.Advance(3 * time.Second)
	if _, err := bot.Send(tgbotapi.NewMessage(group, "2")); err != nil {
		t.Errorf("send after retry_after: %v", err)
	}
}

func TestAlbumCountsEachItem(t *testing.T) {
	clk := newClock()
	s := telegramtest.New(t, telegramtest.WithClock(clk.Now))
	bot := mustBot(t, s)
	s.PushUpdate(telegramtest.Photo(alice, alice.ID, "AgACa", "AQADa", "", ""))
	s.SetRateLimit(3)

	album := tgbotapi.NewMediaGroup(bob.ID, []any{
		tgbotapi.NewInputMediaPhoto(tgbotapi.FileID("AgACa")),
		tgbotapi.NewInputMediaPhoto(tgbotapi.FileID("AgACa")),
	})
	if _, err := bot.SendMediaGroup(album); err != nil {
		t.Fatalf("album within the burst: %v", err)
	}
	if _, err := bot.Send(tgbotapi.NewMessage(bob.ID, "x")); err != nil {
		t.Fatalf("third message within the burst: %v", err)
	}
	_, err := bot.Send(tgbotapi.NewMessage(bob.ID, "x"))
	mustAPIError(t, err, http.StatusTooManyRequests, "Too Many Requests: retry after 1")
}
