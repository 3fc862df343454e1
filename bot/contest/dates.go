package contest

import "github.com/cohortbot/cohortbot/bot"

import (
	"context"
	"slices"

	"github.com/cohortbot/cohortbot/bot/plan"
)

// DeadlinePhotos is the kind of the deadline for the contest's photos.
const DeadlinePhotos = "photos"

// WithContestDates returns the plan as organisers have changed it from
// /contest: a deadline of kind photos that the plan puts at the close of
// submissions moves with that close, so /deadlines, its calendar file and
// the reminders say what the bot will actually accept. It returns p
// itself when nothing moved; p is never changed.
func WithContestDates(p *plan.Plan, meta ContestMeta) *plan.Plan {
	if p == nil || p.Contest == nil || meta.SubCloses == nil {
		return p
	}
	planned, closes := p.Contest.Submissions.Closes, *meta.SubCloses
	if closes.Equal(planned) {
		return p
	}
	i := slices.IndexFunc(p.Deadlines, func(d plan.Deadline) bool { return d.Kind == DeadlinePhotos && d.Due.Equal(planned) })
	if i < 0 {
		return p
	}
	q := *p
	q.Deadlines = slices.Clone(p.Deadlines)
	for i := range q.Deadlines {
		if d := &q.Deadlines[i]; d.Kind == DeadlinePhotos && d.Due.Equal(planned) {
			d.Due = closes
		}
	}
	return &q
}

// contestDates moves the photos deadline with organisers' changes of
// the submissions (WithContestDates), reading the contest only when the
// plan has a photos deadline that could move.
func contestDates(cs Store) func(ctx context.Context, c *bot.Cohort) (*bot.Cohort, error) {
	return func(ctx context.Context, c *bot.Cohort) (*bot.Cohort, error) {
		p := c.Plan
		if p == nil || p.Contest == nil ||
			!slices.ContainsFunc(p.Deadlines, func(d plan.Deadline) bool { return d.Kind == DeadlinePhotos }) {
			return c, nil
		}
		meta, err := cs.ContestMeta(ctx, c.ID)
		if err != nil {
			return nil, err
		}
		q := WithContestDates(p, meta)
		if q == p {
			return c, nil
		}
		d := *c
		d.Plan = q
		return &d, nil
	}
}
