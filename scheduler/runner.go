package scheduler

import (
	"context"
	"log/slog"
	"time"

	"github.com/cohortbot/cohortbot/bot"
)

// Store is what the runner needs from Redis (store.Store).
type Store interface {
	ClaimDue(ctx context.Context, now time.Time, lease time.Duration, n int) ([]bot.DueItem, error)
	FinishDue(ctx context.Context, it bot.DueItem) error
	DeferDue(ctx context.Context, id string, at time.Time) error
	ReplaceDue(ctx context.Context, cohort, prefix string, items []bot.DueItem) (added, removed int, err error)
	ClaimRun(ctx context.Context, job string, instant time.Time) (bool, error)
	Cohorts(ctx context.Context) ([]*bot.Cohort, error)
	PendingDue(ctx context.Context, cohort, prefix string) ([]bot.DueItem, error)
}

// Bot is the domain side of the jobs (bot.Bot): it runs a due item
// through the feature that owns its kind, and writes the digests.
type Bot interface {
	RunDue(ctx context.Context, it bot.DueItem, now time.Time) (bot.DueOutcome, time.Time, error)
	Digest(ctx context.Context, c *bot.Cohort, since, now time.Time) error
}

// Runner runs due items and the daily digests. Its methods take the
// instant to act for, so tests call them at exact times.
type Runner struct {
	Store Store
	Bot   Bot
	Log   *slog.Logger
	// Lease bounds the processing of one claimed item; an item whose
	// processing died is claimed again after it.
	Lease time.Duration
}

// DigestWindow is how long after digest_at the digest may still go out
// (when the bot was busy or restarting at the minute itself).
const DigestWindow = 10 * time.Minute

// FinishedAfter is how long after the last date of its plan a cohort
// still gets the daily digest.
const FinishedAfter = 7 * 24 * time.Hour

// Register adds the runner's jobs to the scheduler: due items every 15
// seconds, digests every minute.
func (r *Runner) Register(s *Scheduler) error {
	if err := s.Add("*/15 * * * * *", "due", r.Tick); err != nil {
		return err
	}
	return s.Add("0 * * * * *", "digest", r.Digests)
}

func (r *Runner) lease() time.Duration {
	if r.Lease > 0 {
		return r.Lease
	}
	return 2 * time.Minute
}

// Tick claims the items due by now and runs each. Several replicas may
// tick at once: each item is claimed by one.
func (r *Runner) Tick(ctx context.Context, now time.Time) error {
	for {
		items, err := r.Store.ClaimDue(ctx, now, r.lease(), 50)
		if err != nil {
			return err
		}
		for _, it := range items {
			if err := r.run(ctx, it, now); err != nil {
				// Left claimed: the lease expires and it is tried again.
				r.Log.Error("due item failed", "item", it.ID, "err", err)
			}
		}
		if len(items) < 50 {
			return nil
		}
	}
}

func (r *Runner) run(ctx context.Context, it bot.DueItem, now time.Time) error {
	out, at, err := r.Bot.RunDue(ctx, it, now)
	switch {
	case err != nil:
		return err
	case out == bot.DueDeferred:
		r.Log.Info("due item deferred", "item", it.ID, "kind", it.Kind, "at", at)
		return r.Store.DeferDue(ctx, it.ID, at)
	case out == bot.DueUnknown:
		r.Log.Warn("unknown due item dropped", "item", it.ID, "kind", it.Kind)
	}
	return r.Store.FinishDue(ctx, it)
}

// Digests sends each cohort's daily digest once, in the window after its
// digest_at (in the cohort's zone).
func (r *Runner) Digests(ctx context.Context, now time.Time) error {
	cohorts, err := r.Store.Cohorts(ctx)
	if err != nil {
		return err
	}
	for _, c := range cohorts {
		p := c.Plan
		if p.DigestAt == nil {
			continue
		}
		// A course over for a week gets no more digests.
		if _, last := p.Span(); !last.IsZero() && now.After(last.Add(FinishedAfter)) {
			continue
		}
		local := now.In(p.Location)
		at := time.Date(local.Year(), local.Month(), local.Day(), p.DigestAt.Hour, p.DigestAt.Minute, 0, 0, p.Location)
		if now.Before(at) || !now.Before(at.Add(DigestWindow)) {
			continue
		}
		ok, err := r.Store.ClaimRun(ctx, "digest:"+c.ID, at)
		if err != nil {
			return err
		}
		if !ok {
			continue
		}
		if err := r.Bot.Digest(ctx, c, at.Add(-24*time.Hour), now); err != nil {
			r.Log.Error("digest failed", "cohort", c.ID, "err", err)
		}
	}
	return nil
}

// Sync plans a cohort's due items again from its current plan, through
// every feature's plans (bot.Features.Sync): what a feature planned for a
// moved or removed event is dropped, new items added, items already run
// never added again.
func Sync(ctx context.Context, st Store, fs bot.Features, c *bot.Cohort, now time.Time) (bot.Planned, error) {
	return fs.Sync(ctx, st, c, now)
}

// SyncAll plans every cohort's due items again (at start).
func SyncAll(ctx context.Context, st Store, fs bot.Features, now time.Time) error {
	cohorts, err := st.Cohorts(ctx)
	if err != nil {
		return err
	}
	for _, c := range cohorts {
		if _, err := Sync(ctx, st, fs, c, now); err != nil {
			return err
		}
	}
	return nil
}
