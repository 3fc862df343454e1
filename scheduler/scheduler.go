// Package scheduler runs cohortbot's recurring jobs with robfig/cron. A job
// is a function of the instant it was scheduled for, read from an injected
// clock, so tests call jobs at exact instants without waiting. One-off due
// items (reminders, scheduled announcements, the close of a vote) are
// claimed by a recurring job registered here and run by kind through the
// features' registry (bot.Bot.RunDue): the scheduler names no feature.
package scheduler

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/robfig/cron/v3"
)

// Job runs for the instant it was scheduled at.
type Job func(ctx context.Context, at time.Time) error

// Scheduler wraps a cron runner.
type Scheduler struct {
	cron  *cron.Cron
	clock func() time.Time
	log   *slog.Logger
	ctx   context.Context
}

// New returns a scheduler whose jobs see time through clock, in loc.
func New(ctx context.Context, loc *time.Location, clock func() time.Time, log *slog.Logger) *Scheduler {
	cl := cronLogger{log}
	return &Scheduler{
		cron: cron.New(
			cron.WithLocation(loc),
			cron.WithSeconds(),
			cron.WithLogger(cl),
			cron.WithChain(cron.Recover(cl), cron.SkipIfStillRunning(cl)),
		),
		clock: clock,
		log:   log,
		ctx:   ctx,
	}
}

// Add registers job under a cron spec with seconds ("*/15 * * * * *").
func (s *Scheduler) Add(spec, name string, job Job) error {
	_, err := s.cron.AddFunc(spec, func() {
		at := s.clock()
		if err := job(s.ctx, at); err != nil {
			s.log.Error("job failed", "job", name, "at", at, "err", err)
		}
	})
	if err != nil {
		return fmt.Errorf("schedule %s: %w", name, err)
	}
	return nil
}

// Start starts the runner in the background.
func (s *Scheduler) Start() { s.cron.Start() }

// Stop stops the runner; the returned context is done when running jobs
// have finished.
func (s *Scheduler) Stop() context.Context { return s.cron.Stop() }

// cronLogger adapts slog to cron.Logger.
type cronLogger struct{ log *slog.Logger }

func (l cronLogger) Info(msg string, kv ...any) { l.log.Debug("cron: "+msg, kv...) }
func (l cronLogger) Error(err error, msg string, kv ...any) {
	l.log.Error("cron: "+msg, append(kv, "err", err)...)
}
