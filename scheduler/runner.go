package scheduler

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
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
	ContestMeta(ctx context.Context, cohort string) (bot.ContestMeta, error)
}

// Bot is the domain side of the jobs (bot.Bot).
type Bot interface {
	RunReminder(ctx context.Context, it bot.DueItem, now time.Time) (bot.ReminderOutcome, time.Time, error)
	RunAnnouncement(ctx context.Context, it bot.DueItem, now time.Time) error
	RunContestClose(ctx context.Context, it bot.DueItem, now time.Time) (bot.ReminderOutcome, time.Time, error)
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

// reminderPrefix is the id prefix of both kinds of reminder items.
const reminderPrefix = "r"

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
	switch it.Kind {
	case bot.DueSessionReminder, bot.DueDeadlineReminder:
		out, at, err := r.Bot.RunReminder(ctx, it, now)
		if err != nil {
			return err
		}
		if out == bot.ReminderDeferred {
			r.Log.Info("reminder waits for the end of quiet hours", "item", it.ID, "at", at)
			return r.Store.DeferDue(ctx, it.ID, at)
		}
	case bot.DueAnnouncement:
		if err := r.Bot.RunAnnouncement(ctx, it, now); err != nil {
			return err
		}
	case bot.DueContestClose:
		out, at, err := r.Bot.RunContestClose(ctx, it, now)
		if err != nil {
			return err
		}
		if out == bot.ReminderDeferred {
			r.Log.Info("contest close waits for voting to close", "item", it.ID, "at", at)
			return r.Store.DeferDue(ctx, it.ID, at)
		}
	default:
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

// Sync re-plans a cohort's reminders from its current plan: reminders of
// moved or removed sessions and deadlines are dropped, new ones added,
// those already sent never added again. A pending reminder of an
// unchanged event is kept as it is even when its time has passed (it fell
// due while the bot was down, or waits for the end of quiet hours): it
// goes out late, as RunReminder decides, instead of being lost.
func Sync(ctx context.Context, st Store, c *bot.Cohort, now time.Time) (added, removed int, err error) {
	if c.Plan != nil && c.Plan.Contest != nil {
		// The photos deadline follows organisers' changes of submissions.
		meta, err := st.ContestMeta(ctx, c.ID)
		if err != nil {
			return 0, 0, fmt.Errorf("contest dates of %s: %w", c.ID, err)
		}
		if p := bot.WithContestDates(c.Plan, meta); p != c.Plan {
			d := *c
			d.Plan = p
			c = &d
		}
	}
	items := bot.ReminderItems(c, now)
	pending, err := st.PendingDue(ctx, c.ID, reminderPrefix)
	if err != nil {
		return 0, 0, fmt.Errorf("pending reminders of %s: %w", c.ID, err)
	}
	if len(pending) > 0 {
		listed := map[string]bool{}
		for _, it := range items {
			listed[it.ID] = true
		}
		// An id names the event's time and the lead, so an id the plan
		// still yields is a reminder of an unchanged event.
		valid := map[string]bool{}
		for _, it := range bot.ReminderItems(c, time.Time{}) {
			valid[it.ID] = true
		}
		for _, it := range pending {
			if !listed[it.ID] && valid[it.ID] && now.Before(it.At) {
				items = append(items, it)
			}
		}
	}
	added, removed, err = st.ReplaceDue(ctx, c.ID, reminderPrefix, items)
	if err != nil {
		return 0, 0, fmt.Errorf("plan reminders of %s: %w", c.ID, err)
	}
	// The close of the photo vote, when the results go to the organisers.
	// A close that organisers moved (/contest extends voting) is not in
	// the plan: a pending one still to come is kept.
	closes := bot.ContestCloseItems(c, now)
	pendingCloses, err := st.PendingDue(ctx, c.ID, bot.ContestClosePrefix())
	if err != nil {
		return 0, 0, fmt.Errorf("pending contest close of %s: %w", c.ID, err)
	}
	for _, it := range pendingCloses {
		if it.At.After(now) && !slices.ContainsFunc(closes, func(x bot.DueItem) bool { return x.ID == it.ID }) {
			closes = append(closes, it)
		}
	}
	if _, _, err := st.ReplaceDue(ctx, c.ID, bot.ContestClosePrefix(), closes); err != nil {
		return 0, 0, fmt.Errorf("plan contest close of %s: %w", c.ID, err)
	}
	return added, removed, nil
}

// SyncAll re-plans every cohort's reminders (at start).
func SyncAll(ctx context.Context, st Store, now time.Time) error {
	cohorts, err := st.Cohorts(ctx)
	if err != nil {
		return err
	}
	for _, c := range cohorts {
		if _, _, err := Sync(ctx, st, c, now); err != nil {
			return err
		}
	}
	return nil
}
