package main

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cohortbot/cohortbot/bot"
	"github.com/cohortbot/cohortbot/bot/timetable"
)

// TestContestDatesFollowThePanel: when organisers extend submissions from
// /contest, the photos deadline that the plan puts at their close moves
// with them: /deadlines shows the new time and its reminders are planned
// again for it, the old ones dropped.
func TestContestDatesFollowThePanel(t *testing.T) {
	t.Parallel()
	r := newContestRig(t, hanoi(t, 2017, 10, 20, 10, 0))
	e := r.e
	org := e.seed(r.c.ID, 7601, bot.Organiser, "Trần Văn Hùng", "")
	lan := e.seed(r.c.ID, 7602, bot.Trainee, "Lê Thị Lan", "Lạng Sơn")
	e.serve()
	planned, extended := hanoi(t, 2017, 10, 25, 17, 0), hanoi(t, 2017, 10, 26, 17, 0)
	reminders := func() []time.Time {
		t.Helper()
		items, err := e.store().PendingDue(context.Background(), r.c.ID, timetable.DueDeadlineReminder)
		if err != nil {
			t.Fatal(err)
		}
		var at []time.Time
		for _, it := range items {
			if it.Ref == "photos" && !slices.ContainsFunc(at, it.At.Equal) {
				at = append(at, it.At)
			}
		}
		return at
	}
	if got := reminders(); len(got) != 1 || !got[0].Equal(planned) {
		t.Fatalf("photos reminders before the change are for %v, want %v", got, planned)
	}

	so := len(e.tg.Sent(org.user.ID))
	org.say("/contest")
	panel := org.reply(&so, catalogueVI("contest.phase", catalogueVI("contest.phase_submissions")))
	e.toast(org.press(e.mediaID(org.user.ID, panel), dataOf(t, buttons(t, panel), "ct:sx:")), catalogueVI("contest.changed.sub_extend"))

	sl := len(e.tg.Sent(lan.user.ID))
	lan.say("/deadlines")
	text := lan.reply(&sl, catalogueVI("timetable.deadlines.title", r.c.Name)).Params["text"]
	if !strings.Contains(text, "26/10/2017 17:00: Hạn gửi ảnh dự thi") || strings.Contains(text, "25/10/2017 17:00: Hạn gửi ảnh dự thi") {
		t.Errorf("/deadlines after the extension:\n%s\nwant the photos deadline on 26/10/2017 17:00", text)
	}
	if !strings.Contains(text, "25/10/2017 17:00: Nộp báo cáo") {
		t.Errorf("/deadlines moved another deadline:\n%s", text)
	}
	if got := reminders(); len(got) != 1 || !got[0].Equal(extended) {
		t.Errorf("photos reminders after the change are for %v, want only %v", got, extended)
	}
}
