package delivery_test

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"testing"
	"time"

	"github.com/cohortbot/cohortbot/bot"
	"github.com/cohortbot/cohortbot/bot/delivery"
	"github.com/cohortbot/cohortbot/bot/telegram"
	"github.com/cohortbot/cohortbot/bot/telegram/telegramtest"
	"github.com/cohortbot/cohortbot/internal/redistest"
	"github.com/cohortbot/cohortbot/store"
)

// rig is a real Redis, the fake Bot API, the Telegram client on it and
// one limiter for every send, as serve wires them.
type rig struct {
	t       testing.TB
	redis   *redistest.Server
	st      *store.Store
	tg      *telegramtest.Server
	client  *telegram.Client
	limiter *delivery.Limiter
	log     *slog.Logger
}

// newRig starts Redis and the fake; the limiter allows rate messages a
// second for the whole bot (SEND_RATE).
func newRig(tb testing.TB, rate int) *rig {
	tb.Helper()
	srv := redistest.Start(tb)
	st := store.New(srv.Client())
	tg := telegramtest.New(tb)
	log := slog.New(slog.DiscardHandler)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	client, err := telegram.New(ctx, tg.Token(), tg.URL(), log)
	if err != nil {
		tb.Fatalf("telegram.New: %v", err)
	}
	return &rig{
		t: tb, redis: srv, st: st, tg: tg, client: client, log: log,
		limiter: &delivery.Limiter{Buckets: st, Platform: bot.Telegram, Rate: rate, Ahead: 8},
	}
}

// direct is the direct-answer sender serve wires.
func (r *rig) direct() *delivery.Direct {
	return &delivery.Direct{Sender: r.client, Limiter: r.limiter, Reach: r.st, Handover: r.st, Log: r.log, Margin: time.Second}
}

// tinyPNG is a 1×1 PNG.
var tinyPNG = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89" +
	"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")

func statusOf(calls []telegramtest.Call) []int {
	var out []int
	for _, c := range calls {
		out = append(out, c.Status)
	}
	return out
}

// waitFor polls cond until it holds or within passes.
func waitFor(t *testing.T, within time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("condition not met within %v", within)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// worker is the delivery worker serve runs, with report writing the
// delivery reports (nil for none).
func (r *rig) worker(report func(context.Context, bot.BatchReport) (bot.Message, error)) *delivery.Worker {
	return &delivery.Worker{
		Outbox:   r.st,
		Reach:    r.st,
		Limiters: map[bot.Platform]*delivery.Limiter{bot.Telegram: r.limiter},
		Senders:  map[bot.Platform]bot.Sender{bot.Telegram: r.client},
		Report:   report,
		Owner:    "test-worker",
		Log:      r.log,
		Idle:     20 * time.Millisecond,
	}
}

// run starts the worker; the returned stop cancels it and waits for Run to
// return. The test's cleanup stops it too.
func (r *rig) run(w *delivery.Worker) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	stopped := false
	stop = func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		select {
		case err := <-done:
			if err != nil {
				r.t.Errorf("worker Run: %v", err)
			}
		case <-time.After(30 * time.Second):
			r.t.Errorf("worker did not stop")
		}
	}
	r.t.Cleanup(stop)
	return stop
}

// chatIDs are n Telegram private chat (= user) ids from base on.
func chatIDs(base int64, n int) []int64 {
	ids := make([]int64, n)
	for i := range ids {
		ids[i] = base + int64(i)
	}
	return ids
}

func userOf(id int64) bot.UserKey { return bot.NewUserKey(bot.Telegram, strconv.FormatInt(id, 10)) }

// enqueue queues one message to each chat as one batch.
func (r *rig) enqueue(b bot.Batch, ids []int64) {
	r.t.Helper()
	jobs := make([]bot.Job, len(ids))
	for i, id := range ids {
		u := userOf(id)
		jobs[i] = bot.Job{ID: string(u), User: u, Msg: bot.Message{Chat: u.PrivateChat(), Text: fmt.Sprintf("Thông báo %s cho %d", b.ID, id)}}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	n, err := r.st.Enqueue(ctx, b, jobs)
	if err != nil {
		r.t.Fatalf("Enqueue: %v", err)
	}
	if n != len(ids) {
		r.t.Fatalf("Enqueue added %d jobs, want %d", n, len(ids))
	}
}

// waitBatch polls Redis until every job of the batch is resolved.
func (r *rig) waitBatch(id string, within time.Duration) bot.BatchReport {
	r.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), within)
	defer cancel()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		rep, err := r.st.BatchReport(ctx, id)
		if err == nil && rep.Pending == 0 && rep.Total > 0 {
			return rep
		}
		select {
		case <-ctx.Done():
			r.t.Fatalf("batch %s not finished within %v: %+v (err %v); %d calls answered 429", id, within, rep, err, r.tg.Count429())
		case <-tick.C:
		}
	}
}

// delivered counts the successful sendMessage calls per chat.
func delivered(calls []telegramtest.Call) map[int64]int {
	out := map[int64]int{}
	for _, c := range calls {
		if c.Method == "sendMessage" && c.OK() {
			out[c.ChatID()]++
		}
	}
	return out
}

// deliveredTo counts the successful sendMessage calls to the chats.
func deliveredTo(calls []telegramtest.Call, ids map[int64]bool) int {
	n := 0
	for _, c := range calls {
		if c.Method == "sendMessage" && c.OK() && ids[c.ChatID()] {
			n++
		}
	}
	return n
}

func setOf(ids []int64) map[int64]bool {
	out := make(map[int64]bool, len(ids))
	for _, id := range ids {
		out[id] = true
	}
	return out
}

// recorder is a bot.Sender that records, for a Bot whose direct answers
// the test does not look at.
type recorder struct{}

func (recorder) Send(_ context.Context, m bot.Message) (bot.Sent, error) {
	return bot.Sent{Chat: m.Chat, MessageID: 1}, nil
}
func (recorder) Answer(context.Context, bot.Answer) error { return nil }
