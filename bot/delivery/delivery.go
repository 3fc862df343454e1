// Package delivery sends everything the bot says within the platforms'
// limits. Every send, direct or queued, passes one limiter per platform
// kept in Redis (shared by all replicas): SEND_RATE messages a second for
// the whole bot, one a second per private chat, twenty a minute per group.
// Direct answers have a larger burst allowance than queued messages, so a
// button answer never waits behind a broadcast. The Worker drains the
// durable outbox: each job is leased while in flight and resolved after,
// so a crash loses nothing and repeats at most what was in flight.
package delivery

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/cohortbot/cohortbot/bot"
	"github.com/cohortbot/cohortbot/store"
)

// Buckets is what the limiter needs from Redis (store.Store).
type Buckets interface {
	Take(ctx context.Context, p bot.Platform, chat bot.ChatKey, global, perChat store.Rate) (time.Duration, error)
	Pause(ctx context.Context, p bot.Platform, d time.Duration) error
}

// Priority orders sends: direct answers before queued messages.
type Priority int

// Priorities.
const (
	Queued Priority = iota
	Answer
)

// Limiter paces one platform's sends.
type Limiter struct {
	Buckets  Buckets
	Platform bot.Platform
	// Rate is messages per second for the whole bot (SEND_RATE).
	Rate int
}

// rates returns the bot-wide and per-chat buckets for a send. Queued
// sends may use only part of the bot's burst and none of a chat's, which
// keeps room for direct answers at every instant.
func (l *Limiter) rates(chat bot.ChatKey, p Priority) (store.Rate, store.Rate) {
	rate := max(l.Rate, 1)
	interval := time.Second / time.Duration(rate)
	global := store.Rate{Interval: interval, Tolerance: time.Second - interval}
	if p == Queued {
		global.Tolerance = time.Second/2 - interval
	}
	perChat := store.Rate{Interval: time.Second}
	if strings.HasPrefix(chat.NativeID(), "-") {
		perChat.Interval = 3 * time.Second // groups: 20 a minute
	}
	if p == Answer {
		perChat.Tolerance = 3 * time.Second
	}
	return global, perChat
}

// Wait blocks until a send to chat may go, or ctx ends.
func (l *Limiter) Wait(ctx context.Context, chat bot.ChatKey, p Priority) error {
	global, perChat := l.rates(chat, p)
	for {
		wait, err := l.Buckets.Take(ctx, l.Platform, chat, global, perChat)
		if err != nil {
			return err
		}
		if wait <= 0 {
			return nil
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
}

// Classified is the error of a failed send as adapters report it
// (telegram.APIError).
type Classified interface {
	error
	Unreachable() bool
	Temporary() bool
}

// retryAfter reports a 429's wait.
func retryAfter(err error) (time.Duration, bool) {
	var ra interface{ RateLimitedFor() time.Duration }
	if errors.As(err, &ra) && ra.RateLimitedFor() > 0 {
		return ra.RateLimitedFor(), true
	}
	return 0, false
}

func classify(err error) (unreachable, temporary bool) {
	var c Classified
	if errors.As(err, &c) {
		return c.Unreachable(), c.Temporary()
	}
	// Network errors, timeouts: try again.
	return false, true
}

// Reachability records who blocked the bot (store.Store).
type Reachability interface {
	SetUnreachable(ctx context.Context, user bot.UserKey, unreachable bool) error
}

// Direct wraps a platform's sender for direct answers: it waits for the
// limiter with direct priority, honours one 429 by pausing the platform
// and trying again, and marks a person who blocked the bot.
type Direct struct {
	Sender  bot.Sender
	Limiter *Limiter
	Reach   Reachability
	Log     *slog.Logger
	// MaxWait bounds how long a direct answer waits for a 429 to pass.
	MaxWait time.Duration
}

// Send implements bot.Sender.
func (d *Direct) Send(ctx context.Context, m bot.Message) (bot.Sent, error) {
	for attempt := 0; ; attempt++ {
		if err := d.Limiter.Wait(ctx, m.Chat, Answer); err != nil {
			return bot.Sent{}, err
		}
		sent, err := d.Sender.Send(ctx, m)
		if err == nil {
			return sent, nil
		}
		if wait, ok := retryAfter(err); ok {
			if perr := d.Limiter.Buckets.Pause(ctx, d.Limiter.Platform, wait); perr != nil {
				d.Log.Warn("pause sending", "err", perr)
			}
			if attempt == 0 && wait <= d.maxWait() {
				continue
			}
			return sent, err
		}
		if unreachable, _ := classify(err); unreachable && d.Reach != nil {
			if rerr := d.Reach.SetUnreachable(ctx, bot.UserKey(m.Chat), true); rerr != nil {
				d.Log.Warn("mark unreachable", "chat", m.Chat, "err", rerr)
			}
		}
		return sent, err
	}
}

func (d *Direct) maxWait() time.Duration {
	if d.MaxWait > 0 {
		return d.MaxWait
	}
	return 10 * time.Second
}

// Answer implements bot.Sender. Callback answers are not messages and do
// not count against the limits.
func (d *Direct) Answer(ctx context.Context, a bot.Answer) error { return d.Sender.Answer(ctx, a) }

// backoff is the wait before attempt n+1 of a temporary failure: 2s, 4s,
// ... up to 5 minutes, with jitter so retries of a broadcast spread out.
func backoff(attempts int) time.Duration {
	d := 2 * time.Second << min(attempts-1, 8)
	d = min(d, 5*time.Minute)
	return d/2 + time.Duration(rand.Int64N(int64(d/2)+1))
}

// MaxAttempts is how many times a temporary failure is retried before the
// job is given up as failed.
const MaxAttempts = 10

func reasonOf(err error) string {
	msg := err.Error()
	if len(msg) > 200 {
		msg = msg[:200]
	}
	return msg
}

var errNoSender = errors.New("no sender for platform")

func noSender(p bot.Platform) error { return fmt.Errorf("%w %q", errNoSender, p) }
