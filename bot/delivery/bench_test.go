package delivery_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/cohortbot/cohortbot/bot"
	"github.com/cohortbot/cohortbot/bot/telegram/telegramtest"
)

// BenchmarkBroadcast sends one broadcast to 1,000 recipients through the
// worker, the Redis limiter and the Telegram client, against the fake Bot
// API enforcing N messages a second with Telegram-strict bursts of at
// most 5 (telegramtest.StrictBurst; 429 with retry_after beyond), with
// SEND_RATE = N. It reports the delivered rate divided by N
// ("rate/limit", target ≥ 0.95) and the share of sends answered 429
// ("429/send", target ≤ 0.01). The rate is 1,000 over the time from the
// worker's start to the last successful send.
func BenchmarkBroadcast(b *testing.B) {
	for _, n := range []int{100, 30} {
		b.Run(fmt.Sprintf("N=%d", n), func(b *testing.B) {
			benchBroadcast(b, n, 1000)
		})
	}
}

func benchBroadcast(b *testing.B, limit, recipients int) {
	r := newRig(b, limit)
	ids := chatIDs(1_000_000, recipients)
	want := setOf(ids)
	var ratio, share, perSecond float64
	for i := range b.N {
		b.StopTimer()
		ctx := context.Background()
		if err := r.st.Client().FlushDB(ctx).Err(); err != nil {
			b.Fatal(err)
		}
		r.tg.Reset()
		// A fresh bucket each run: full, as Telegram's is after a quiet
		// spell.
		r.tg.SetRateLimit(limit)
		batch := bot.Batch{ID: fmt.Sprintf("bench:%d", i), Kind: "announce"}
		r.enqueue(batch, ids)
		b.StartTimer()

		start := time.Now()
		stop := r.run(r.worker(nil))
		wctx, cancel := context.WithTimeout(ctx, time.Duration(3*recipients/limit+30)*time.Second)
		err := r.tg.WaitFor(wctx, func(calls []telegramtest.Call) bool { return deliveredTo(calls, want) >= recipients })
		cancel()
		if err != nil {
			b.Fatalf("broadcast not delivered: %v", err)
		}
		b.StopTimer()
		stop()

		calls := r.tg.Calls("sendMessage")
		var last time.Time
		for _, c := range calls {
			if c.OK() && c.Time.After(last) {
				last = c.Time
			}
		}
		counts := delivered(calls)
		for _, id := range ids {
			if counts[id] != 1 {
				b.Fatalf("chat %d got %d messages, want 1", id, counts[id])
			}
		}
		perSecond = float64(recipients) / last.Sub(start).Seconds()
		ratio += perSecond / float64(limit)
		share += float64(r.tg.Count429()) / float64(len(calls))
	}
	b.ReportMetric(ratio/float64(b.N), "rate/limit")
	b.ReportMetric(share/float64(b.N), "429/send")
	b.ReportMetric(perSecond, "msgs/s")
}
