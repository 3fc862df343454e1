package bot

import (
	"context"
	"fmt"
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

// Schedule is the store of due items the handlers use (store.Store).
type Schedule interface {
	AddDue(ctx context.Context, it DueItem) error
	CancelDue(ctx context.Context, cohort, id string) (bool, error)
	PendingDue(ctx context.Context, cohort, prefix string) ([]DueItem, error)
	// ReplaceDue makes the cohort's items under prefix exactly items.
	ReplaceDue(ctx context.Context, cohort, prefix string, items []DueItem) (added, removed int, err error)
}

// WithSchedule sets the due-item store: scheduled announcements, and
// the features' due items planned again when organisers move a date.
// Without one (console) nothing is scheduled.
func WithSchedule(s Schedule) Option { return func(b *Bot) { b.due = s } }

// Planned counts, by DuePlan name, the items a sync added and removed.
type Planned map[string]PlanCount

// PlanCount is how many items one plan added and removed.
type PlanCount struct{ Added, Removed int }

// DueStore is what planning needs of the due items (store.Store).
type DueStore interface {
	PendingDue(ctx context.Context, cohort, prefix string) ([]DueItem, error)
	ReplaceDue(ctx context.Context, cohort, prefix string, items []DueItem) (added, removed int, err error)
}

// Sync plans every feature's due items of a cohort again from its
// current plan, dated by the features (Feature.Dates).
func (fs Features) Sync(ctx context.Context, st DueStore, c *Cohort, now time.Time) (Planned, error) {
	c, err := fs.Dated(ctx, c)
	if err != nil {
		return nil, err
	}
	out := Planned{}
	for _, p := range fs.Plans() {
		pending, err := st.PendingDue(ctx, c.ID, p.Prefix)
		if err != nil {
			return nil, fmt.Errorf("pending %s of %s: %w", p.Name, c.ID, err)
		}
		added, removed, err := st.ReplaceDue(ctx, c.ID, p.Prefix, p.Items(c, now, pending))
		if err != nil {
			return nil, fmt.Errorf("plan %s of %s: %w", p.Name, c.ID, err)
		}
		n := out[p.Name]
		n.Added += added
		n.Removed += removed
		out[p.Name] = n
	}
	return out, nil
}

// Replan plans a cohort's due items again, after organisers moved a date
// (the close of submissions moves the photos deadline). Without a
// schedule there is nothing to plan.
func (b *Bot) Replan(ctx context.Context, c *Cohort) error {
	if b.due == nil {
		return nil
	}
	_, err := b.features.Sync(ctx, b.due, c, b.clock())
	return err
}

// Schedule returns the due-item store, nil when there is none (console).
func (b *Bot) Schedule() Schedule { return b.due }
