package bot

import (
	"context"
	"slices"
	"time"

	"github.com/cohortbot/cohortbot/bot/plan"
)

// Contest is the photo contest as a feature.
func Contest(cs ContestStore) Feature {
	var b *Bot
	return Feature{
		Name:    "contest",
		Attach:  func(core *Bot) { b = core; b.cs = cs },
		Routes:  func(g *RouteGroup) { b.contestRoutes(g) },
		Buttons: []string{"ph", "vt", "mod", "ct", "res"},
		Images:  func(c *Context) error { return b.contestFile(c) },
		Due: map[string]DueFunc{
			DueContestClose: func(ctx context.Context, it DueItem, now time.Time) (DueOutcome, time.Time, error) {
				return b.RunContestClose(ctx, it, now)
			},
		},
		Plans:  []DuePlan{{Name: "contest close", Prefix: contestClosePrefix, Items: contestClosePlan}},
		Done:   map[string]DoneFunc{DeadlinePhotos: PhotosDone(cs)},
		Dates:  contestDates(cs),
		Digest: ContestDigest(cs),
		Forget: func(ctx context.Context, co *Cohort, user UserKey, now time.Time) error {
			if co.Plan.Contest == nil {
				return nil
			}
			return cs.ForgetContestant(ctx, co.ID, user, co.Plan.Contest.Voting, now)
		},
	}
}

// contestClosePlan plans the close of the photo vote, when the results
// go to the organisers. A close that organisers moved (/contest extends
// voting) is not in the plan: a pending one still to come is kept.
func contestClosePlan(c *Cohort, now time.Time, pending []DueItem) []DueItem {
	closes := ContestCloseItems(c, now)
	for _, it := range pending {
		if it.At.After(now) && !slices.ContainsFunc(closes, func(x DueItem) bool { return x.ID == it.ID }) {
			closes = append(closes, it)
		}
	}
	return closes
}

// Announce is the organisers' announcements as a feature.
func Announce() Feature {
	var b *Bot
	return Feature{
		Name:    "announce",
		Attach:  func(core *Bot) { b = core },
		Routes:  func(g *RouteGroup) { b.announceRoutes(g) },
		Buttons: []string{"ann", "lk"},
		Due: map[string]DueFunc{
			DueAnnouncement: func(ctx context.Context, it DueItem, now time.Time) (DueOutcome, time.Time, error) {
				return DueSent, time.Time{}, b.RunAnnouncement(ctx, it, now)
			},
		},
	}
}

// Timetable is the schedule, the deadlines, their calendar files and
// reminders as a feature.
func Timetable() Feature {
	var b *Bot
	run := func(ctx context.Context, it DueItem, now time.Time) (DueOutcome, time.Time, error) {
		return b.RunReminder(ctx, it, now)
	}
	return Feature{
		Name:    "timetable",
		Attach:  func(core *Bot) { b = core },
		Routes:  func(g *RouteGroup) { b.timetableRoutes(g) },
		Buttons: []string{"ics"},
		Due:     map[string]DueFunc{DueSessionReminder: run, DueDeadlineReminder: run},
		Plans:   []DuePlan{{Name: "reminders", Prefix: reminderPrefix, Items: reminderPlan}},
		Digest: func(_ context.Context, c *Cohort, _, now time.Time, l Lang) (string, error) {
			if next := nextEvent(c.Plan, now); next != "" {
				return Text(l, "digest.next", next), nil
			}
			return "", nil
		},
	}
}

// reminderPrefix is the id prefix of both kinds of reminder items.
const reminderPrefix = "r"

// reminderPlan re-plans a cohort's reminders from its current plan:
// reminders of moved or removed sessions and deadlines are dropped, new
// ones added, those already sent never added again. A pending reminder of
// an unchanged event is kept as it is even when its time has passed (it
// fell due while the bot was down, or waits for the end of quiet hours):
// it goes out late, as RunReminder decides, instead of being lost.
func reminderPlan(c *Cohort, now time.Time, pending []DueItem) []DueItem {
	items := ReminderItems(c, now)
	if len(pending) == 0 {
		return items
	}
	listed := map[string]bool{}
	for _, it := range items {
		listed[it.ID] = true
	}
	// An id names the event's time and the lead, so an id the plan
	// still yields is a reminder of an unchanged event.
	valid := map[string]bool{}
	for _, it := range ReminderItems(c, time.Time{}) {
		valid[it.ID] = true
	}
	for _, it := range pending {
		if !listed[it.ID] && valid[it.ID] && now.Before(it.At) {
			items = append(items, it)
		}
	}
	return items
}

var _ = plan.Plan{}
