package delivery

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/cohortbot/cohortbot/bot"
	"github.com/cohortbot/cohortbot/store"
)

// Outbox is the durable queue the worker drains (store.Store).
type Outbox interface {
	ClaimJobs(ctx context.Context, owner string, now time.Time, lease time.Duration, n int) ([]store.OutJob, error)
	ResolveJob(ctx context.Context, id string, o store.Outcome, reason string, retryAt time.Time) error
	RequeueOwned(ctx context.Context, owner string) (int, error)
	FinishedBatches(ctx context.Context) ([]string, error)
	BatchReport(ctx context.Context, id string) (bot.BatchReport, error)
	Reported(ctx context.Context, batch string) error
	Enqueue(ctx context.Context, b bot.Batch, jobs []bot.Job) (int, error)
}

// Worker sends queued jobs.
type Worker struct {
	Outbox   Outbox
	Reach    Reachability
	Limiters map[bot.Platform]*Limiter
	Senders  map[bot.Platform]bot.Sender
	// Report turns a finished batch into the message for its ReportTo.
	Report func(ctx context.Context, r bot.BatchReport) (bot.Message, error)
	// Owner names this replica; after a restart it takes back its own
	// leased jobs at once instead of waiting for the leases to expire.
	Owner       string
	Concurrency int
	Lease       time.Duration
	Log         *slog.Logger
	// Idle is how often an empty outbox is polled.
	Idle time.Duration
}

func (w *Worker) defaults() {
	if w.Concurrency <= 0 {
		w.Concurrency = 8
	}
	if w.Lease <= 0 {
		w.Lease = time.Minute
	}
	if w.Idle <= 0 {
		w.Idle = 200 * time.Millisecond
	}
	if w.Log == nil {
		w.Log = slog.New(slog.DiscardHandler)
	}
}

// Run sends until ctx is done, then lets the sends in flight finish.
func (w *Worker) Run(ctx context.Context) error {
	w.defaults()
	if n, err := w.Outbox.RequeueOwned(ctx, w.Owner); err != nil {
		w.Log.Warn("take back own jobs", "err", err)
	} else if n > 0 {
		w.Log.Info("took back jobs in flight at the last stop", "jobs", n)
	}
	jobs := make(chan store.OutJob)
	free := make(chan struct{}, w.Concurrency)
	var wg sync.WaitGroup
	// Sends already claimed finish even after shutdown begins, each within
	// its own timeout.
	sendCtx := context.WithoutCancel(ctx)
	for range w.Concurrency {
		free <- struct{}{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				w.send(sendCtx, j)
				free <- struct{}{}
			}
		}()
	}
	defer func() {
		close(jobs)
		wg.Wait()
	}()
	lastReports := time.Time{}
	for ctx.Err() == nil {
		if time.Since(lastReports) > time.Second {
			w.reports(ctx)
			lastReports = time.Now()
		}
		// Claim only as many jobs as there are free senders, so few are
		// in flight at any instant.
		n := 0
	take:
		for n < w.Concurrency {
			select {
			case <-free:
				n++
			default:
				break take
			}
		}
		if n == 0 {
			select {
			case <-ctx.Done():
				return nil
			case <-free:
				n = 1
			}
		}
		claimed, err := w.Outbox.ClaimJobs(ctx, w.Owner, time.Now(), w.Lease, n)
		if err != nil {
			if ctx.Err() == nil {
				w.Log.Warn("claim jobs", "err", err)
			}
			claimed = nil
		}
		for range n - len(claimed) {
			free <- struct{}{}
		}
		for _, j := range claimed {
			jobs <- j
		}
		if len(claimed) == 0 {
			t := time.NewTimer(w.Idle)
			select {
			case <-ctx.Done():
				t.Stop()
			case <-t.C:
			}
		}
	}
	return nil
}

// send delivers one job and records the outcome.
func (w *Worker) send(ctx context.Context, j store.OutJob) {
	ctx, cancel := context.WithTimeout(ctx, w.Lease/2)
	defer cancel()
	p := j.Msg.Chat.Platform()
	sender, lim := w.Senders[p], w.Limiters[p]
	if sender == nil || lim == nil {
		w.resolve(ctx, j, store.Failed, noSender(p).Error(), time.Time{})
		return
	}
	if err := lim.Wait(ctx, j.Msg.Chat, Queued); err != nil {
		// Shutting down or Redis away: the job goes back for later.
		w.resolve(ctx, j, store.Retry, "limiter: "+err.Error(), time.Now())
		return
	}
	_, err := sender.Send(ctx, j.Msg)
	switch unreachable, temporary := classify(err); {
	case err == nil:
		w.resolve(ctx, j, store.Sent, "", time.Time{})
	default:
		if wait, ok := retryAfter(err); ok {
			if perr := lim.Buckets.Pause(ctx, p, wait); perr != nil {
				w.Log.Warn("pause sending", "err", perr)
			}
			// A 429 is the limiter's miss, not the job's fault: it does
			// not use up attempts unless it repeats without end.
			if j.Attempts < 4*MaxAttempts {
				w.resolve(ctx, j, store.Retry, reasonOf(err), time.Now().Add(wait))
				return
			}
		}
		switch {
		case unreachable:
			if j.User != "" && w.Reach != nil {
				if rerr := w.Reach.SetUnreachable(ctx, j.User, true); rerr != nil {
					w.Log.Warn("mark unreachable", "user", j.User, "err", rerr)
				}
			}
			w.resolve(ctx, j, store.Unreachable, reasonOf(err), time.Time{})
		case temporary && j.Attempts < MaxAttempts:
			w.resolve(ctx, j, store.Retry, reasonOf(err), time.Now().Add(backoff(j.Attempts)))
		default:
			w.Log.Warn("message not delivered", "job", j.ID, "chat", j.Msg.Chat, "attempts", j.Attempts, "err", err)
			w.resolve(ctx, j, store.Failed, reasonOf(err), time.Time{})
		}
	}
}

func (w *Worker) resolve(ctx context.Context, j store.OutJob, o store.Outcome, reason string, retryAt time.Time) {
	if err := w.Outbox.ResolveJob(context.WithoutCancel(ctx), j.ID, o, reason, retryAt); err != nil {
		// The lease will expire and the job will be tried again.
		w.Log.Warn("resolve job", "job", j.ID, "err", err)
	}
}

// reports queues the delivery report of each finished batch.
func (w *Worker) reports(ctx context.Context) {
	if w.Report == nil {
		return
	}
	ids, err := w.Outbox.FinishedBatches(ctx)
	if err != nil {
		return
	}
	for _, id := range ids {
		r, err := w.Outbox.BatchReport(ctx, id)
		if err != nil {
			w.Log.Warn("read batch report", "batch", id, "err", err)
			_ = w.Outbox.Reported(ctx, id)
			continue
		}
		msg, err := w.Report(ctx, r)
		if err != nil {
			w.Log.Warn("write batch report", "batch", id, "err", err)
			continue
		}
		b := bot.Batch{ID: "report:" + id, Cohort: r.Batch.Cohort, Kind: "report"}
		if _, err := w.Outbox.Enqueue(ctx, b, []bot.Job{{ID: "r", Msg: msg}}); err != nil {
			w.Log.Warn("queue batch report", "batch", id, "err", err)
			continue
		}
		if err := w.Outbox.Reported(ctx, id); err != nil {
			w.Log.Warn("mark batch reported", "batch", id, "err", err)
		}
	}
}
