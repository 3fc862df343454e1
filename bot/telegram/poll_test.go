package telegram_test

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/cohortbot/cohortbot/bot"
	"github.com/cohortbot/cohortbot/bot/telegram"
	"github.com/cohortbot/cohortbot/bot/telegram/telegramtest"
)

// flakyRecorder fails its first reads of the offset, as Redis does while
// it restarts, then records in memory.
type flakyRecorder struct {
	mu       sync.Mutex
	failures int
	recorded []bot.Update
	got      chan struct{}
}

func (r *flakyRecorder) Offset(context.Context, bot.Platform) (int64, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.failures > 0 {
		r.failures--
		return 0, errors.New("dial tcp: connection refused")
	}
	return 0, nil
}

func (r *flakyRecorder) Record(_ context.Context, _ bot.Platform, us []bot.Update, _ int64) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.recorded = append(r.recorded, us...)
	select {
	case r.got <- struct{}{}:
	default:
	}
	return len(us), nil
}

// TestPollWaitsForTheOffset: when the store cannot say the offset at the
// start (Redis restarting), polling waits and retries instead of stopping
// the bot, and then records what Telegram holds.
func TestPollWaitsForTheOffset(t *testing.T) {
	s := telegramtest.New(t)
	s.PushUpdate(telegramtest.TextMessage(voter, voter.ID, "/help"))
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := telegram.New(ctx, s.Token(), s.URL(), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	rec := &flakyRecorder{failures: 3, got: make(chan struct{}, 1)}
	done := make(chan error, 1)
	go func() { done <- c.Poll(ctx, rec) }()
	select {
	case <-rec.got:
	case err := <-done:
		t.Fatalf("Poll returned %v before recording anything", err)
	case <-ctx.Done():
		t.Fatal("nothing recorded")
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Poll after the stop: %v", err)
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if len(rec.recorded) != 1 || rec.failures != 0 {
		t.Errorf("recorded %d updates with %d failures left", len(rec.recorded), rec.failures)
	}
}
