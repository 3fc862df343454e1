// Package delivery sends everything the bot says within the platforms'
// limits, and loses none of it.
//
// Every send, direct or queued, passes one limiter per platform kept in
// Redis (shared by all replicas): SEND_RATE messages a second for the
// whole bot with a small burst, one a second per private chat, twenty a
// minute per group. The limiter hands out places first come, first served,
// so that a crowd is served in order without a thundering herd, and it
// adapts: a 429 pauses every replica for its retry_after and lowers the
// shared rate, which then climbs back. Direct answers reserve any place;
// queued messages only places close to now, so an answer never waits
// behind a broadcast.
//
// Direct answers are sent by Direct within their update's deadline; one
// that cannot go in time (a crowd, a long 429) is handed over to the
// durable outbox with the place it reserved, and still reaches its chat
// in the order the bot produced it. The Worker drains the outbox: each job
// is leased while in flight and resolved after, so a crash loses nothing
// and repeats at most what was in flight. No message is dropped because of
// a 429, a 5xx or a network error.
package delivery

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strings"
	"sync"
	"time"

	"github.com/cohortbot/cohortbot/bot"
	"github.com/cohortbot/cohortbot/store"
)

// Buckets is what the limiter needs from Redis (store.Store).
type Buckets interface {
	Reserve(ctx context.Context, p bot.Platform, chat bot.ChatKey, pace store.Pace) (store.Slot, error)
	ReserveUnlessHeld(ctx context.Context, p bot.Platform, chat bot.ChatKey, pace store.Pace) (store.Slot, bool, error)
	Slow(ctx context.Context, p bot.Platform, retry time.Duration, pace store.Pace, factor, floor float64) (store.Slowdown, error)
	PauseGen(ctx context.Context, p bot.Platform) (int64, error)
	Release(ctx context.Context, p bot.Platform, chat bot.ChatKey, slot store.Slot) error
}

// Priority orders sends: direct answers before queued messages.
type Priority int

// Priorities.
const (
	Queued Priority = iota
	Answer
)

// Defaults of the limiter.
const (
	// DefaultBurst is how many messages the bot sends at once after a
	// quiet moment. Telegram publishes rates, not bursts, and answers a
	// burst with 429: a small one keeps the server's own slack for the
	// jitter between the limiter and the wire.
	DefaultBurst = 3
	// chatBurst is the most messages a private chat gets at once; with the
	// one the limiter may let through while a reserved send waits for the
	// bot-wide place, a chat sees at most three at once.
	chatBurst = 2
	// slowFactor is how much a 429 lowers the shared rate; climb is the
	// share of SEND_RATE it regains per second (back in 20 s).
	slowFactor = 0.8
	climb      = 0.01
)

// Limiter paces one platform's sends.
type Limiter struct {
	Buckets  Buckets
	Platform bot.Platform
	// Rate is messages per second for the whole bot (SEND_RATE).
	Rate int
	// Burst is the bot-wide burst (SEND_BURST), DefaultBurst when zero.
	Burst int
	// Ahead is how many places ahead of now queued sends may reserve: the
	// outbox worker's concurrency. Answers may reserve any place.
	Ahead int
	// QuotaTries is how many times a queued message meeting a quota
	// refusal without retry_after (Zalo's 429) is tried before it fails
	// and is reported (DefaultQuotaTries when zero).
	QuotaTries int
	Log        *slog.Logger

	mu sync.Mutex
	// The growing pause of quota refusals: streak of them, the last one.
	quotaStreak int
	quotaLast   time.Time
	gen         int64         // newest pause generation seen here
	changed     chan struct{} // closed when gen moves: sleepers reserve again
}

// pace is the limiter's rule for one send.
func (l *Limiter) pace(chat bot.ChatKey, cost int, p Priority) store.Pace {
	pace := store.Pace{
		Rate: float64(max(l.Rate, 1)), Burst: l.Burst, Cost: max(cost, 1), Climb: climb,
		ChatInterval: time.Second, ChatBurst: chatBurst,
	}
	if pace.Burst <= 0 {
		pace.Burst = DefaultBurst
	}
	if strings.HasPrefix(chat.NativeID(), "-") {
		pace.ChatInterval, pace.ChatBurst = 3*time.Second, 1 // groups: 20 a minute
	}
	if p == Queued {
		// Queued messages take no burst, of the chat either: an answer
		// waiting for its chat's turn goes before a notice to the chat.
		pace.Ahead = max(l.Ahead, 1)
		pace.ChatBurst = 1
	}
	return pace
}

// seen records a pause generation; a newer one wakes every sleeper so
// that it reserves its place again after the pause.
func (l *Limiter) seen(gen int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if gen <= l.gen {
		return
	}
	l.gen = gen
	if l.changed != nil {
		close(l.changed)
		l.changed = nil
	}
}

func (l *Limiter) watch() (int64, <-chan struct{}) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.changed == nil {
		l.changed = make(chan struct{})
	}
	return l.gen, l.changed
}

// place is a reserved send.
type place struct {
	// late is set when the place is after the caller's deadline: at is
	// when it is, gen the pause generation it was reserved under (zero at
	// and gen when nothing was reserved).
	late bool
	at   time.Time
	gen  int64
	// held: answers handed over earlier for the chat are still to go.
	held bool
}

// acquire reserves a place for a send to chat and sleeps until it. With a
// non-zero by, it does not sleep past by: it returns the later place
// unused (late). With held, it first checks that no earlier answer of the
// chat waits in the outbox. onWait is told how long the send will wait,
// before the wait.
func (l *Limiter) acquire(ctx context.Context, chat bot.ChatKey, cost int, p Priority, by time.Time, held bool, onWait func(time.Duration)) (place, error) {
	pace := l.pace(chat, cost, p)
	for {
		var slot store.Slot
		var err error
		if held {
			var h bool
			slot, h, err = l.Buckets.ReserveUnlessHeld(ctx, l.Platform, chat, pace)
			if err == nil && h {
				return place{held: true}, nil
			}
			held = false
		} else {
			slot, err = l.Buckets.Reserve(ctx, l.Platform, chat, pace)
		}
		if err != nil {
			return place{}, err
		}
		l.seen(slot.Gen)
		now := time.Now()
		at := now.Add(slot.Wait)
		if !by.IsZero() && at.After(by) {
			if !slot.Reserved {
				return place{late: true}, nil
			}
			return place{late: true, at: at, gen: slot.Gen}, nil
		}
		if onWait != nil && slot.Reserved {
			onWait(slot.Wait)
			onWait = nil
		}
		if slot.Wait <= 0 && slot.Reserved {
			return place{}, nil
		}
		_, changed := l.watch()
		if err := sleep(ctx, slot.Wait, changed); err != nil {
			return place{}, err
		}
		// Woken at the place, or early by a 429 elsewhere (the generation
		// moved): only a place still valid and on time is used.
		if !slot.Reserved {
			continue
		}
		if gen, _ := l.watch(); gen <= slot.Gen && !time.Now().Before(at) && time.Since(at) <= l.lateness() {
			return place{}, nil
		}
		// The place goes unused: the chat's turn is given back, so the
		// next reservation is not held behind it.
		if err := l.Buckets.Release(ctx, l.Platform, chat, slot); err != nil {
			l.log().Warn("release chat turn", "chat", chat, "err", err)
		}
		// Not reserved (the chat's or the queue's turn was later), a 429
		// paused sending meanwhile, or this sender woke too late for its
		// place (a loaded machine): ask again. Sending late would bunch
		// with the sends after it into a burst the server answers with
		// 429; the place missed stays a gap.
	}
}

// Quota refusals (Zalo's 429 "Quota exceeded") carry no retry_after: the
// platform pauses for a wait of its own, which grows with each refusal in
// a row, from quotaFirst doubling up to quotaMax.
const (
	DefaultQuotaTries = 8
	quotaFirst        = 2 * time.Second
	quotaMax          = 5 * time.Minute
)

// quotaWait is the pause after one more quota refusal. A refusal long
// after the previous one (past twice its pause) starts the streak again.
func (l *Limiter) quotaWait() time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := time.Now()
	if l.quotaStreak > 0 && now.Sub(l.quotaLast) > 2*quotaPause(l.quotaStreak)+30*time.Second {
		l.quotaStreak = 0
	}
	l.quotaStreak++
	l.quotaLast = now
	return quotaPause(l.quotaStreak)
}

func quotaPause(streak int) time.Duration {
	return min(quotaFirst<<min(max(streak-1, 0), 10), quotaMax)
}

func (l *Limiter) quotaTries() int {
	if l.QuotaTries > 0 {
		return l.QuotaTries
	}
	return DefaultQuotaTries
}

// quotaExceeded reports a quota refusal without retry_after.
func quotaExceeded(err error) bool {
	var q interface{ QuotaExceeded() bool }
	return errors.As(err, &q) && q.QuotaExceeded()
}

// lateness is how late after its place a send may still go: two
// intervals at SEND_RATE.
func (l *Limiter) lateness() time.Duration {
	return 2 * time.Second / time.Duration(max(l.Rate, 1))
}

// slow records a 429 on the platform: every replica pauses for its
// retry_after, and the shared rate drops.
func (l *Limiter) slow(ctx context.Context, retry time.Duration) {
	pace := l.pace("", 1, Answer)
	sd, err := l.Buckets.Slow(context.WithoutCancel(ctx), l.Platform, retry, pace, slowFactor, 1)
	if err != nil {
		l.log().Warn("pause sending", "platform", l.Platform, "err", err)
		return
	}
	l.seen(sd.Gen)
	l.log().Info("rate limited: pausing", "platform", l.Platform, "retry_after", retry, "rate", sd.Rate)
}

func (l *Limiter) log() *slog.Logger {
	if l.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return l.Log
}

// sleep waits d, or until ctx is done (its error) or changed is closed.
func sleep(ctx context.Context, d time.Duration, changed <-chan struct{}) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-changed:
	case <-t.C:
	}
	return nil
}

// Splitter cuts a message into parts that each take one call of the
// platform (telegram.Client): they are paced and retried one by one.
type Splitter interface {
	Split(m bot.Message) []bot.Message
}

func parts(s bot.Sender, m bot.Message) []bot.Message {
	if sp, ok := s.(Splitter); ok {
		if ps := sp.Split(m); len(ps) > 0 {
			return ps
		}
	}
	return []bot.Message{m}
}

// cost is how many messages a part counts for: an album's items.
func cost(m bot.Message) int { return max(len(m.Media), 1) }

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

// Handover is the durable queue of direct answers that could not go in
// time (store.Store).
type Handover interface {
	HandOver(ctx context.Context, chat bot.ChatKey, answers []store.Answer) (int, error)
}

// ErrUndelivered wraps the failure to send an answer or to hand it over
// (Redis away): the update was not completed and must be handled again.
var ErrUndelivered = bot.ErrUndelivered

// Direct wraps a platform's sender for direct answers. It waits for the
// limiter with direct priority within the update's deadline, answers a
// pending button press before it waits, retries 429s (pausing the
// platform), 5xx and network errors while time remains, and hands what
// cannot go in time over to the outbox, in order. It marks a person who
// blocked the bot.
type Direct struct {
	Sender   bot.Sender
	Limiter  *Limiter
	Reach    Reachability
	Handover Handover
	Log      *slog.Logger
	// Margin is kept before the update's deadline for handing over and for
	// the rest of the handler (2 s when zero).
	Margin time.Duration
}

// Paced implements bot.Paced.
func (d *Direct) Paced() bool { return true }

// Send implements bot.Sender. A message handed over to the outbox returns
// a Sent without a message id and no error.
func (d *Direct) Send(ctx context.Context, m bot.Message) (bot.Sent, error) {
	info, _ := bot.SendInfoFrom(ctx)
	ack := info.Ack
	defer func() {
		if ack != nil {
			ack(false)
		}
	}()
	onWait := func(wait time.Duration) {
		if ack != nil {
			ack(wait > time.Second)
			ack = nil
		}
	}
	by := time.Time{}
	if dl, ok := ctx.Deadline(); ok {
		by = dl.Add(-d.margin())
	}
	ps := parts(d.Sender, m)
	var sent bot.Sent
	for i := 0; i < len(ps); i++ {
		part := ps[i]
		backoff := 250 * time.Millisecond
		for {
			pl, err := d.Limiter.acquire(ctx, m.Chat, cost(part), Answer, by, i == 0, onWait)
			switch {
			case err != nil && ctx.Err() != nil:
				// Shutting down or out of time while waiting: the answer
				// goes to the outbox rather than nowhere.
				onWait(time.Hour)
				return d.handOver(ctx, m.Chat, info.ID, ps[i:], i, place{})
			case err != nil:
				return sent, fmt.Errorf("%w: %w", ErrUndelivered, err)
			case pl.held || pl.late:
				onWait(time.Hour)
				return d.handOver(ctx, m.Chat, info.ID, ps[i:], i, pl)
			}
			s, err := d.Sender.Send(ctx, part)
			if err == nil {
				// The photo a message uploaded (its first part) stays known
				// when a long caption's rest followed as text.
				if s.Photo == nil {
					s.Photo = sent.Photo
				}
				sent = s
				break
			}
			if wait, ok := retryAfter(err); ok {
				d.Limiter.slow(ctx, wait)
				continue
			}
			if quotaExceeded(err) {
				// Zalo's quota: the platform pauses for a growing wait; the
				// answer waits within its deadline, else in the outbox,
				// which gives up after bounded tries.
				d.Limiter.slow(ctx, d.Limiter.quotaWait())
				continue
			}
			unreachable, temporary := classify(err)
			switch {
			case unreachable:
				if d.Reach != nil {
					if rerr := d.Reach.SetUnreachable(context.WithoutCancel(ctx), bot.UserKey(m.Chat), true); rerr != nil {
						d.log().Warn("mark unreachable", "chat", m.Chat, "err", rerr)
					}
				}
				return sent, err
			case !temporary:
				return sent, err
			}
			// 5xx or the network: try again shortly while there is time,
			// else the outbox tries on.
			d.log().Warn("send failed, retrying", "chat", m.Chat, "err", err)
			if !by.IsZero() && time.Now().Add(backoff).After(by) {
				return d.handOver(ctx, m.Chat, info.ID, ps[i:], i, place{})
			}
			if err := sleep(ctx, backoff, nil); err != nil {
				return d.handOver(ctx, m.Chat, info.ID, ps[i:], i, place{})
			}
			backoff = min(2*backoff, 4*time.Second)
		}
	}
	return sent, nil
}

// handOver queues the parts still to send, the first at its reserved
// place when there is one. It runs even when ctx is done (shutdown): a
// few seconds of its own are enough for one script.
func (d *Direct) handOver(ctx context.Context, chat bot.ChatKey, id string, rest []bot.Message, from int, pl place) (bot.Sent, error) {
	if d.Handover == nil {
		return bot.Sent{}, fmt.Errorf("%w: no outbox for late answers", ErrUndelivered)
	}
	if id == "" {
		id = fmt.Sprintf("a:x:%d", rand.Int64())
	}
	answers := make([]store.Answer, len(rest))
	for i, p := range rest {
		answers[i] = store.Answer{ID: fmt.Sprintf("%s.%d", id, from+i), User: bot.UserKey(chat), Msg: p}
	}
	if pl.late && !pl.at.IsZero() {
		answers[0].Slot, answers[0].Gen = pl.at, pl.gen
	}
	hctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if _, err := d.Handover.HandOver(hctx, chat, answers); err != nil {
		return bot.Sent{}, fmt.Errorf("%w: hand over: %w", ErrUndelivered, err)
	}
	d.log().Debug("answer handed over to the outbox", "chat", chat, "answer", id, "parts", len(rest), "held", pl.held)
	return bot.Sent{Chat: chat}, nil
}

func (d *Direct) margin() time.Duration {
	if d.Margin > 0 {
		return d.Margin
	}
	return 2 * time.Second
}

func (d *Direct) log() *slog.Logger {
	if d.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return d.Log
}

// Answer implements bot.Sender. Callback answers are not messages and do
// not count against the limits; a network error or a 5xx is tried again
// twice.
func (d *Direct) Answer(ctx context.Context, a bot.Answer) error {
	var err error
	for attempt := range 3 {
		if err = d.Sender.Answer(ctx, a); err == nil {
			return nil
		}
		if _, temporary := classify(err); !temporary || ctx.Err() != nil {
			return err
		}
		if serr := sleep(ctx, time.Duration(attempt+1)*200*time.Millisecond, nil); serr != nil {
			return err
		}
	}
	return err
}

// backoff is the wait before attempt n+1 of a temporary failure: 2s, 4s,
// ... up to 5 minutes, with jitter so retries of a broadcast spread out.
func backoff(attempts int) time.Duration {
	d := 2 * time.Second << min(max(attempts-1, 0), 8)
	d = min(d, 5*time.Minute)
	return d/2 + time.Duration(rand.Int64N(int64(d/2)+1))
}

// GiveUpAfter is how long a message failing with temporary errors (5xx,
// the network) is tried again before it is reported as failed: a day, past
// which an answer or an announcement has lost its use.
const GiveUpAfter = 24 * time.Hour

func reasonOf(err error) string {
	msg := err.Error()
	if len(msg) > 200 {
		msg = msg[:200]
	}
	return msg
}

var errNoSender = errors.New("no sender for platform")

func noSender(p bot.Platform) error { return fmt.Errorf("%w %q", errNoSender, p) }

// Wait reserves a place for one send to chat and waits for it, or until
// ctx is done.
func (l *Limiter) Wait(ctx context.Context, chat bot.ChatKey, p Priority) error {
	_, err := l.acquire(ctx, chat, 1, p, time.Time{}, false, nil)
	return err
}
