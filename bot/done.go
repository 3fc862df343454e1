package bot

import (
	"context"

	"github.com/cohortbot/cohortbot/bot/plan"
)

// DoneFunc tells whether a trainee's group has done a deadline: handed in
// its report, sent its photos. Each feature that makes a kind of deadline
// doable registers one for that kind (the plan's deadline `kind`).
type DoneFunc func(ctx context.Context, c *Cohort, d plan.Deadline, group string) (bool, error)

// DoneChecker is the seam the reminders and /deadlines ask: until a kind
// of deadline can be done, nobody has done it and everyone is reminded.
type DoneChecker map[string]DoneFunc

// Done reports whether the group has done the deadline.
func (dc DoneChecker) Done(ctx context.Context, c *Cohort, d plan.Deadline, group string) (bool, error) {
	f := dc[d.Kind]
	if f == nil || group == "" {
		return false, nil
	}
	return f(ctx, c, d, group)
}

// Doable reports whether some feature can mark this kind of deadline done.
func (dc DoneChecker) Doable(kind string) bool { return dc[kind] != nil }
