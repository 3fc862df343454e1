package bot

import (
	"context"
	"time"
)

// DueItem is a one-off thing to do at a time: a reminder, a scheduled
// announcement. The scheduler claims each once, whatever the number of
// replicas.
type DueItem struct {
	ID      string
	Kind    string
	Cohort  string
	Ref     string        // the session, deadline or announcement id
	At      time.Time     // when the event itself happens
	Lead    time.Duration // how long before the event the item is meant to run
	Due     time.Time
	Payload string
}

// Due-item kinds.
const (
	DueSessionReminder  = "rs"
	DueDeadlineReminder = "rd"
	DueAnnouncement     = "an"
)

// Schedule is the store of due items the handlers use (store.Store).
type Schedule interface {
	AddDue(ctx context.Context, it DueItem) error
	CancelDue(ctx context.Context, cohort, id string) (bool, error)
	PendingDue(ctx context.Context, cohort, prefix string) ([]DueItem, error)
}

// WithSchedule sets the due-item store (scheduled announcements).
func WithSchedule(s Schedule) Option { return func(b *Bot) { b.due = s } }

// WithReplan sets how a cohort's reminders are planned again
// (scheduler.Sync), after organisers move the close of submissions and so
// the photos deadline.
func WithReplan(f func(ctx context.Context, c *Cohort) error) Option {
	return func(b *Bot) { b.replan = f }
}
