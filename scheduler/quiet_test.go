package scheduler_test

import (
	"testing"
	"time"

	"github.com/cohortbot/cohortbot/bot"
	"github.com/cohortbot/cohortbot/bot/plan"
	"github.com/cohortbot/cohortbot/bot/timetable"
)

// TestQuietAdjust checks timetable.QuietAdjust, which plans every reminder, at
// exact instants in Asia/Ho_Chi_Minh with quiet hours 21:30-06:30 (and one
// range that does not wrap over midnight).
func TestQuietAdjust(t *testing.T) {
	t.Parallel()
	sec := func(tm time.Time, s int) time.Time { return tm.Add(time.Duration(s) * time.Second) }
	lunch := &plan.ClockRange{From: plan.Clock{Hour: 12}, To: plan.Clock{Hour: 13, Minute: 30}}
	tests := []struct {
		name       string
		due, event time.Time
		quiet      *plan.ClockRange
		want       time.Time
	}{
		{name: "outside quiet hours", due: at(10, 8, 0), event: at(10, 9, 0), quiet: quiet(), want: at(10, 8, 0)},
		{name: "no quiet hours", due: at(10, 23, 0), event: at(11, 9, 0), quiet: nil, want: at(10, 23, 0)},
		{name: "a minute before they start", due: at(10, 21, 29), event: at(11, 9, 0), quiet: quiet(), want: at(10, 21, 29)},
		{name: "at their end", due: at(10, 6, 30), event: at(10, 9, 0), quiet: quiet(), want: at(10, 6, 30)},
		{name: "early morning, event later: at the end", due: at(10, 6, 0), event: at(10, 9, 0), quiet: quiet(), want: at(10, 6, 30)},
		{name: "06:45 event, 1h lead: at the end", due: at(10, 5, 45), event: at(10, 6, 45), quiet: quiet(), want: at(10, 6, 30)},
		{name: "06:10 event, 1h lead: the evening before", due: at(10, 5, 10), event: at(10, 6, 10), quiet: quiet(), want: at(9, 21, 29)},
		{name: "event at the end itself: the evening before", due: at(10, 5, 30), event: at(10, 6, 30), quiet: quiet(), want: at(9, 21, 29)},
		{name: "a second before the end", due: sec(at(10, 6, 29), 59), event: at(10, 7, 0), quiet: quiet(), want: at(10, 6, 30)},
		{name: "at their start, event next morning", due: at(10, 21, 30), event: at(11, 8, 0), quiet: quiet(), want: at(11, 6, 30)},
		{name: "late evening, event next morning", due: at(10, 23, 0), event: at(11, 9, 0), quiet: quiet(), want: at(11, 6, 30)},
		{name: "late evening, event the same night", due: at(10, 22, 0), event: at(10, 23, 0), quiet: quiet(), want: at(10, 21, 29)},
		{name: "after midnight, event before the end", due: sec(at(10, 0, 0), 1), event: at(10, 2, 0), quiet: quiet(), want: at(9, 21, 29)},
		{name: "range within a day: at its end", due: at(10, 12, 15), event: at(10, 14, 0), quiet: lunch, want: at(10, 13, 30)},
		{name: "range within a day: before it", due: at(10, 12, 15), event: at(10, 13, 0), quiet: lunch, want: at(10, 11, 59)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			// The instant given in UTC must give the same answer: the
			// clock of the plan's zone decides, not the caller's.
			for _, due := range []time.Time{tc.due, tc.due.UTC()} {
				got := timetable.QuietAdjust(due, tc.event, tc.quiet, hcm)
				if !got.Equal(tc.want) {
					t.Errorf("QuietAdjust(%s, event %s) = %s, want %s", due.In(hcm).Format(time.DateTime), tc.event.Format(time.DateTime),
						got.In(hcm).Format(time.DateTime), tc.want.Format(time.DateTime))
				}
				if got.After(tc.event) || (tc.quiet != nil && !got.Equal(tc.event) && tc.quiet.Contains(got.In(hcm))) {
					t.Errorf("QuietAdjust(%s) = %s: after the event or in quiet hours", due.In(hcm).Format(time.DateTime), got.In(hcm).Format(time.DateTime))
				}
			}
		})
	}
}

// TestReminderItemsInQuietHours: the planned reminders of a plan never
// fall in its quiet hours, and are never after their event.
func TestReminderItemsInQuietHours(t *testing.T) {
	t.Parallel()
	p := newPlan([]time.Duration{24 * time.Hour, 3 * time.Hour, time.Hour, 30 * time.Minute}, []time.Duration{7 * 24 * time.Hour, 24 * time.Hour, 2 * time.Hour})
	p.QuietHours = quiet()
	// A session starting at every quarter hour of a day, and deadlines too.
	for m := 0; m < 24*60; m += 15 {
		starts := at(20, 0, 0).Add(time.Duration(m) * time.Minute)
		p.Sessions = append(p.Sessions, session(starts.Format("1504"), starts))
		p.Deadlines = append(p.Deadlines, plan.Deadline{ID: "d" + starts.Format("1504"), Title: "Hạn", Due: starts})
	}
	c := &bot.Cohort{ID: "c1", Plan: p}
	items := timetable.ReminderItems(c, at(1, 0, 0))
	if len(items) != len(p.Sessions)*4+len(p.Deadlines)*3 {
		t.Errorf("%d items, want %d", len(items), len(p.Sessions)*4+len(p.Deadlines)*3)
	}
	ids := map[string]bool{}
	for _, it := range items {
		if ids[it.ID] {
			t.Errorf("duplicate id %s", it.ID)
		}
		ids[it.ID] = true
		if p.QuietHours.Contains(it.Due.In(hcm)) {
			t.Errorf("%s due %s, in quiet hours", it.ID, it.Due.In(hcm).Format(time.DateTime))
		}
		if !it.Due.Before(it.At) {
			t.Errorf("%s due %s, not before its event %s", it.ID, it.Due.In(hcm).Format(time.DateTime), it.At.In(hcm).Format(time.DateTime))
		}
		if it.Due.After(it.At.Add(-it.Lead)) && it.Due.In(hcm).Format("15:04") != "06:30" {
			t.Errorf("%s due %s, later than its lead and not at the end of quiet hours", it.ID, it.Due.In(hcm).Format(time.DateTime))
		}
	}
	// Only reminders still to come after now are planned.
	later := timetable.ReminderItems(c, at(20, 12, 0))
	for _, it := range later {
		if !it.Due.After(at(20, 12, 0)) {
			t.Errorf("%s due %s, before now", it.ID, it.Due.In(hcm).Format(time.DateTime))
		}
	}
	if len(later) == 0 || len(later) >= len(items) {
		t.Errorf("%d items planned at noon on the day, want some but fewer than %d", len(later), len(items))
	}
}
