package timetable

import (
	"github.com/cohortbot/cohortbot/bot"
	"github.com/cohortbot/cohortbot/bot/plan"
)

import (
	"context"
	"time"
)

// Timetable is the course's schedule and deadlines: /schedule,
// /deadlines, their calendar files, and the reminders before each
// session and deadline.
type Timetable struct {
	core  *bot.Bot
	store Store
}

// TimetableStore is what the timetable reads (store.Store).
type Store interface {
	Members(ctx context.Context, cohort string) ([]*bot.Member, error)
	Profiles(ctx context.Context, users []bot.UserKey) (map[bot.UserKey]bot.Profile, error)
	// SavePlan replaces the cohort's plan (organisers' changes in chat)
	// and returns its new version.
	SavePlan(ctx context.Context, id string, p *plan.Plan) (int64, error)
}

// NewTimetable returns the timetable on its store.
func New(st Store) *Timetable { return &Timetable{store: st} }

// Feature plugs the timetable into the core.
func (b *Timetable) Feature() bot.Feature {
	return bot.Feature{
		Name:    "timetable",
		Texts:   texts(),
		Attach:  func(core *bot.Bot) { b.core = core },
		Routes:  b.timetableRoutes,
		Buttons: []string{"ics", "tte"},
		Due:     map[string]bot.DueFunc{DueSessionReminder: b.RunReminder, DueDeadlineReminder: b.RunReminder},
		Plans:   []bot.DuePlan{{Name: "reminders", Prefix: reminderPrefix, Items: reminderPlan}},
		Digest: func(_ context.Context, c *bot.Cohort, _, now time.Time, l bot.Lang) (string, error) {
			if next := nextEvent(c.Plan, now); next != "" {
				return tx(l, "timetable.digest.next", next), nil
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
func reminderPlan(c *bot.Cohort, now time.Time, pending []bot.DueItem) []bot.DueItem {
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
