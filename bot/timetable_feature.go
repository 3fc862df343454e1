package bot

import (
	"context"
	"time"
)

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
