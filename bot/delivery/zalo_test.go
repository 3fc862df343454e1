package delivery_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/cohortbot/cohortbot/bot"
	"github.com/cohortbot/cohortbot/bot/delivery"
	"github.com/cohortbot/cohortbot/bot/zalo"
	"github.com/cohortbot/cohortbot/bot/zalo/zalotest"
)

// zaloRig adds Zalo to the rig as serve wires it: its own limiter.
func zaloRig(t *testing.T, r *rig, tries int) (*zalotest.Server, *delivery.Worker) {
	t.Helper()
	z := zalotest.New(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	zc, err := zalo.New(ctx, z.Token(), z.URL(), r.log)
	if err != nil {
		t.Fatal(err)
	}
	w := r.worker(nil)
	w.Limiters[bot.Zalo] = &delivery.Limiter{Buckets: r.st, Platform: bot.Zalo, Rate: 5, Burst: 1, Ahead: 4, QuotaTries: tries}
	w.Senders[bot.Zalo] = zc
	return z, w
}

func (r *rig) enqueueZalo(batch string, users ...string) {
	r.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var jobs []bot.Job
	for _, id := range users {
		u := bot.NewUserKey(bot.Zalo, id)
		jobs = append(jobs, bot.Job{ID: id, User: u, Msg: bot.Message{Chat: u.PrivateChat(), Text: "Thông báo " + batch}})
	}
	if _, err := r.st.Enqueue(ctx, bot.Batch{ID: batch}, jobs); err != nil {
		r.t.Fatal(err)
	}
}

// TestWorkerZaloQuota: Zalo's 429 comes without retry_after; the worker
// pauses Zalo and tries again, and a message refused on every try fails
// after the bounded tries with the reason the report names "Zalo quota".
// Telegram is not paused by it.
func TestWorkerZaloQuota(t *testing.T) {
	t.Parallel()
	r := newRig(t, 100)
	z, w := zaloRig(t, r, 2)
	z.Fail("", 429, 1)
	r.enqueueZalo("zl:once", zalotest.UserID(1))
	r.run(w)
	rep := r.waitBatch("zl:once", 30*time.Second)
	if rep.Delivered != 1 || len(z.Refused(429)) != 1 {
		t.Fatalf("one 429: report %+v, 429s %d", rep, len(z.Refused(429)))
	}

	z.Fail("", 429, 100)
	r.enqueueZalo("zl:storm", zalotest.UserID(2))
	rep = r.waitBatch("zl:storm", 60*time.Second)
	if len(rep.Failed) != 1 || !strings.HasPrefix(rep.Failed[0].Reason, bot.ReasonZaloQuota) {
		t.Fatalf("storm: report %+v", rep)
	}
	if n := len(z.Refused(429)); n != 1+2 {
		t.Errorf("429s = %d, want 3 (1, then the 2 bounded tries)", n)
	}
	// The pause is Zalo's: Telegram sends meanwhile.
	r.enqueue(bot.Batch{ID: "tg:during"}, chatIDs(700_000, 1))
	if rep := r.waitBatch("tg:during", 10*time.Second); rep.Delivered != 1 {
		t.Errorf("telegram during the zalo pause: %+v", rep)
	}
}

// TestWorkerZaloTransient: 403 (Zalo's internal server error) and 5xx are
// retried with backoff and delivered once.
func TestWorkerZaloTransient(t *testing.T) {
	t.Parallel()
	r := newRig(t, 100)
	z, w := zaloRig(t, r, 0)
	z.Fail("", 403, 1)
	z.Fail("", 502, 1)
	r.enqueueZalo("zl:403", zalotest.UserID(3))
	r.run(w)
	rep := r.waitBatch("zl:403", 30*time.Second)
	if rep.Delivered != 1 || len(z.Sent(zalotest.UserID(3))) != 1 {
		t.Errorf("report %+v, sent %d", rep, len(z.Sent(zalotest.UserID(3))))
	}
}
