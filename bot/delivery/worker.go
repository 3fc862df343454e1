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
	ClaimJobs(ctx context.Context, owner string, now time.Time, lease time.Duration, n int, kind store.JobKind) ([]store.OutJob, error)
	ResolveJob(ctx context.Context, id string, o store.Outcome, reason string, retryAt time.Time) error
	Progress(ctx context.Context, id string, part int) error
	Reschedule(ctx context.Context, id string, slot time.Time, gen int64) error
	RequeueOwned(ctx context.Context, owner string) (int, error)
	FinishedBatches(ctx context.Context) ([]string, error)
	BatchReport(ctx context.Context, id string) (bot.BatchReport, error)
	Reported(ctx context.Context, batch string) error
	Enqueue(ctx context.Context, b bot.Batch, jobs []bot.Job) (int, error)
}

// Worker sends queued jobs: handed-over answers first, on time for the
// places they reserved, then everything else.
type Worker struct {
	Outbox   Outbox
	Reach    Reachability
	Limiters map[bot.Platform]*Limiter
	Senders  map[bot.Platform]bot.Sender
	// Report turns a finished batch into the message for its ReportTo.
	Report func(ctx context.Context, r bot.BatchReport) (bot.Message, error)
	// Owner names this replica; after a restart it takes back its own
	// leased jobs at once instead of waiting for the leases to expire.
	Owner string
	// Concurrency is how many queued jobs are sent at once; Answers how
	// many handed-over answers (each mostly sleeps until its place).
	Concurrency int
	Answers     int
	Lease       time.Duration
	// Shutdown bounds how long the sends in flight may take once ctx is
	// done (20 s when zero); the jobs they leave go back to the queue.
	Shutdown time.Duration
	Log      *slog.Logger
	// Idle is how often an empty outbox is polled.
	Idle time.Duration
}

func (w *Worker) defaults() {
	if w.Concurrency <= 0 {
		w.Concurrency = 8
	}
	if w.Answers <= 0 {
		w.Answers = 256
	}
	if w.Lease <= 0 {
		w.Lease = time.Minute
	}
	if w.Shutdown <= 0 {
		w.Shutdown = 20 * time.Second
	}
	if w.Idle <= 0 {
		w.Idle = 100 * time.Millisecond
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
	// Sends in flight finish after ctx is done, until Shutdown has passed.
	sendCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	defer cancel()
	stop := context.AfterFunc(ctx, func() {
		t := time.NewTimer(w.Shutdown)
		defer t.Stop()
		select {
		case <-t.C:
			cancel()
		case <-sendCtx.Done():
		}
	})
	defer stop()
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		w.lane(ctx, sendCtx, store.AnswerJobs, w.Answers)
	}()
	go func() {
		defer wg.Done()
		w.lane(ctx, sendCtx, store.QueuedJobs, w.Concurrency)
	}()
	wg.Wait()
	return nil
}

// lane claims jobs of one kind, as many as it has free senders, and sends
// them until ctx is done; the sends already claimed then finish on
// sendCtx, each within its own timeout.
func (w *Worker) lane(ctx, sendCtx context.Context, kind store.JobKind, senders int) {
	free := make(chan struct{}, senders)
	for range senders {
		free <- struct{}{}
	}
	var wg sync.WaitGroup
	defer wg.Wait()
	lastReports := time.Time{}
	for ctx.Err() == nil {
		if kind == store.QueuedJobs && time.Since(lastReports) > time.Second {
			w.reports(ctx)
			lastReports = time.Now()
		}
		n := 0
	take:
		for n < senders {
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
				return
			case <-free:
				n = 1
			}
		}
		claimed, err := w.Outbox.ClaimJobs(ctx, w.Owner, time.Now(), w.Lease, n, kind)
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
			wg.Add(1)
			go func() {
				defer wg.Done()
				w.send(sendCtx, j)
				free <- struct{}{}
			}()
		}
		if len(claimed) < n {
			t := time.NewTimer(w.Idle)
			select {
			case <-ctx.Done():
				t.Stop()
			case <-t.C:
			}
		}
	}
}

// send delivers one job, part by part, and records the outcome.
func (w *Worker) send(ctx context.Context, j store.OutJob) {
	ctx, cancel := context.WithTimeout(ctx, w.Lease/2)
	defer cancel()
	p := j.Msg.Chat.Platform()
	sender, lim := w.Senders[p], w.Limiters[p]
	if sender == nil || lim == nil {
		w.resolve(ctx, j, store.Failed, noSender(p).Error(), time.Time{})
		return
	}
	prio := Queued
	if j.Answer {
		prio = Answer
	}
	ps := parts(sender, j.Msg)
	for i := j.Part; i < len(ps); i++ {
		// A handed-over answer's first part uses the place it reserved.
		if i != j.Part || !w.onTime(ctx, lim, j) {
			// An answer's place may be far ahead in a crowd: it waits in
			// the queue for it rather than in a sender.
			by := time.Time{}
			if j.Answer {
				by = time.Now().Add(store.AnswerHorizon)
			}
			pl, err := lim.acquire(ctx, j.Msg.Chat, cost(ps[i]), prio, by, false, nil)
			if err != nil {
				// Shutting down or Redis away: the job goes back for later.
				w.resolve(ctx, j, store.Retry, "limiter: "+err.Error(), time.Now())
				return
			}
			if pl.late {
				w.later(ctx, j, pl)
				return
			}
		}
		_, err := sender.Send(ctx, ps[i])
		if err == nil {
			if i+1 < len(ps) {
				if err := w.Outbox.Progress(ctx, j.ID, i+1); err != nil {
					w.Log.Warn("record progress", "job", j.ID, "err", err)
				}
			}
			continue
		}
		w.failed(ctx, lim, j, err)
		return
	}
	w.resolve(ctx, j, store.Sent, "", time.Time{})
}

// later puts a handed-over answer back until its place, reserved now, or
// until its chat's turn when nothing could be reserved yet.
func (w *Worker) later(ctx context.Context, j store.OutJob, pl place) {
	if pl.at.IsZero() {
		w.resolve(ctx, j, store.Retry, "", time.Now().Add(store.AnswerHorizon))
		return
	}
	if err := w.Outbox.Reschedule(context.WithoutCancel(ctx), j.ID, pl.at, pl.gen); err != nil {
		w.Log.Warn("reschedule answer", "job", j.ID, "err", err)
	}
}

// onTime waits for the place a handed-over answer reserved, and reports
// whether it may be used: no 429 paused sending since, and it has not
// passed by more than the limiter's lateness (a send long after its place
// would bunch with the sends after it).
func (w *Worker) onTime(ctx context.Context, lim *Limiter, j store.OutJob) bool {
	if j.Slot.IsZero() {
		return false
	}
	if time.Since(j.Slot) > lim.lateness() {
		return false
	}
	gen, err := lim.Buckets.PauseGen(ctx, lim.Platform)
	if err != nil || gen != j.Gen {
		return false
	}
	lim.seen(gen)
	local, changed := lim.watch()
	if local != j.Gen {
		return false
	}
	if err := sleep(ctx, time.Until(j.Slot), changed); err != nil {
		return false
	}
	local, _ = lim.watch()
	return local == j.Gen && time.Since(j.Slot) <= lim.lateness()
}

// failed records a failed send: a 429 or a temporary error is tried again
// (a 429 however many times it takes: it is the limiter's miss, not the
// message's fault), a person who blocked the bot is marked, anything else
// fails the job.
func (w *Worker) failed(ctx context.Context, lim *Limiter, j store.OutJob, err error) {
	if wait, ok := retryAfter(err); ok {
		lim.slow(ctx, wait)
		w.resolve(ctx, j, store.Retry, reasonOf(err), time.Now().Add(wait))
		return
	}
	if quotaExceeded(err) {
		// A quota refusal without retry_after (Zalo): the platform pauses
		// for a growing wait; the message is tried a bounded number of
		// times, then reported ("Zalo quota").
		wait := lim.quotaWait()
		lim.slow(ctx, wait)
		if j.Attempts >= lim.quotaTries() {
			w.Log.Warn("message not delivered: quota", "job", j.ID, "chat", j.Msg.Chat, "attempts", j.Attempts, "err", err)
			w.resolve(ctx, j, store.Failed, reasonOf(err), time.Time{})
			return
		}
		w.resolve(ctx, j, store.Retry, reasonOf(err), time.Now().Add(wait))
		return
	}
	switch unreachable, temporary := classify(err); {
	case unreachable:
		if j.User != "" && w.Reach != nil {
			if rerr := w.Reach.SetUnreachable(ctx, j.User, true); rerr != nil {
				w.Log.Warn("mark unreachable", "user", j.User, "err", rerr)
			}
		}
		w.resolve(ctx, j, store.Unreachable, reasonOf(err), time.Time{})
	case temporary && (j.Created.IsZero() || time.Since(j.Created) < GiveUpAfter):
		w.resolve(ctx, j, store.Retry, reasonOf(err), time.Now().Add(backoff(j.Attempts)))
	default:
		w.Log.Warn("message not delivered", "job", j.ID, "chat", j.Msg.Chat, "attempts", j.Attempts, "err", err)
		w.resolve(ctx, j, store.Failed, reasonOf(err), time.Time{})
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
