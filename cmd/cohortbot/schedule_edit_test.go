package main

import (
	"context"
	"strings"
	"testing"

	"github.com/cohortbot/cohortbot/bot"
	"github.com/cohortbot/cohortbot/bot/telegram/telegramtest"
)

// pressPrefix presses the first button of the call whose data starts
// with prefix.
func (p *person) pressPrefix(c telegramtest.Call, prefix string) {
	p.e.t.Helper()
	for _, d := range buttons(p.e.t, c) {
		if strings.HasPrefix(d, prefix) {
			p.press(p.e.messageID(p.user.ID, c), d)
			return
		}
	}
	p.e.t.Fatalf("no button %s… on %q (%q)", prefix, truncateForLog(c.Params["text"]), buttons(p.e.t, c))
}

// TestScheduleEditInChat: an organiser moves the first session from
// /schedule with buttons and a typed date, sees the preview, saves and
// tells everyone: the plan holds the new time, the reminders are planned
// for it (and no longer for the old one), and a trainee gets the notice
// through the outbox. A bad date, a past one and a stale button change
// nothing; a trainee sees no edit button and a forged one is refused.
func TestScheduleEditInChat(t *testing.T) {
	t.Parallel()
	r := newContestRig(t, hanoi(t, 2017, 7, 1, 9, 0))
	e := r.e
	org := e.seed(r.c.ID, 7501, bot.Organiser, "Trần Quốc Toản", "")
	lan := e.seed(r.c.ID, 7502, bot.Trainee, "Lê Thị Lan", "Lạng Sơn")
	e.serve()
	ctx := context.Background()
	st := e.store()
	before, err := st.PendingDue(ctx, r.c.ID, "r")
	if err != nil {
		t.Fatal(err)
	}

	seen := 0
	org.say("/schedule")
	sched := org.reply(&seen, "Lịch học khóa")
	org.pressPrefix(sched, "tte:menu:")
	menu := org.reply(&seen, tx(bot.VI, "timetable.edit.menu"))
	org.pressPrefix(menu, "tte:s:")
	card := org.reply(&seen, "Bạn muốn sửa gì?")
	org.pressPrefix(card, "tte:st:")
	org.reply(&seen, "DD/MM/YYYY HH:MM")
	org.say("31/02/2017 08:00")
	org.reply(&seen, "Không đọc được ngày giờ")
	org.say("01/06/2017 08:00")
	org.reply(&seen, tx(bot.VI, "timetable.edit.past"))
	org.say("12/07/2017 08:00")
	preview := org.reply(&seen, "Xem trước thay đổi")
	if !strings.Contains(preview.Params["text"], "→") || !strings.Contains(preview.Params["text"], "12/07/2017 08:00") {
		t.Errorf("preview = %q", preview.Params["text"])
	}
	co, _ := st.Cohort(ctx, r.c.ID)
	if got := co.Plan.Sessions[0].Starts.In(co.Plan.Location).Format("02/01 15:04"); got != "10/07 08:00" {
		t.Fatalf("the plan changed before saving: first session at %s", got)
	}
	org.pressPrefix(preview, "tte:okn:")
	org.reply(&seen, "Đã lưu")

	co, err = st.Cohort(ctx, r.c.ID)
	if err != nil {
		t.Fatal(err)
	}
	s := co.Plan.Sessions[0]
	if got := s.Starts.In(co.Plan.Location).Format("02/01/2006 15:04"); got != "12/07/2017 08:00" || s.Ends.Sub(s.Starts).Hours() != 3.5 {
		t.Errorf("first session now %s for %v, want 12/07/2017 08:00 for 3h30", got, s.Ends.Sub(s.Starts))
	}
	after, err := st.PendingDue(ctx, r.c.ID, "r")
	if err != nil {
		t.Fatal(err)
	}
	// The session's reminders (1 day and 1 hour before) are for its new
	// time now, none for the old one.
	at := func(items []bot.DueItem) []string {
		var out []string
		for _, it := range items {
			if strings.Contains(it.ID, ":"+s.ID+":") {
				out = append(out, it.At.In(co.Plan.Location).Format("02/01 15:04"))
			}
		}
		return out
	}
	if got, want := at(before), "10/07 08:00 10/07 08:00"; strings.Join(got, " ") != want {
		t.Errorf("reminders before the move: %q, want %q", got, want)
	}
	if got, want := at(after), "12/07 08:00 12/07 08:00"; strings.Join(got, " ") != want {
		t.Errorf("reminders after the move: %q, want %q", got, want)
	}
	ls := 0
	notice := lan.reply(&ls, "thay đổi lịch")
	if !strings.Contains(notice.Params["text"], "12/07/2017 08:00") {
		t.Errorf("the trainee's notice = %q", notice.Params["text"])
	}
	org.reply(&seen, "Thông báo thay đổi lịch") // the delivery report

	// The old buttons are stale now: the plan's version moved.
	e.alert(org.press(e.messageID(org.user.ID, card), buttons(t, card)[0]), tx(bot.VI, "timetable.edit.stale"))

	// A trainee: no edit button, and a forged press is refused.
	lan.say("/schedule")
	if got := lan.reply(&ls, "Lịch học khóa"); strings.Contains(strings.Join(buttons(t, got), " "), "tte:") {
		t.Errorf("a trainee's /schedule has edit buttons: %q", buttons(t, got))
	}
	e.alert(lan.pressData("tte:menu:"+r.c.ID), textRole)

	// A group and a deadline added from /deadlines.
	org.say("/deadlines")
	org.pressPrefix(org.reply(&seen, "Các hạn nộp"), "tte:menu:")
	menu = org.reply(&seen, tx(bot.VI, "timetable.edit.menu"))
	org.pressPrefix(menu, "tte:ng:")
	org.reply(&seen, "tên nhóm mới")
	org.say("Lạng Sơn")
	org.reply(&seen, tx(bot.VI, "timetable.edit.group_taken", "Lạng Sơn"))
	org.say("  Quảng   Ninh ")
	org.pressPrefix(org.reply(&seen, "Nhóm mới: Quảng Ninh"), "tte:ok:")
	org.reply(&seen, "Đã lưu")
	org.say("/deadlines")
	org.pressPrefix(org.reply(&seen, "Các hạn nộp"), "tte:menu:")
	org.pressPrefix(org.reply(&seen, tx(bot.VI, "timetable.edit.menu")), "tte:nd:")
	org.reply(&seen, "tên hạn nộp mới")
	org.say("Nộp danh sách doanh nghiệp")
	org.reply(&seen, "Hạn «Nộp danh sách doanh nghiệp»")
	org.say("20/07/2017 17:00")
	org.pressPrefix(org.reply(&seen, "Hạn nộp mới"), "tte:ok:")
	org.reply(&seen, "Đã lưu")
	co, err = st.Cohort(ctx, r.c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !co.Plan.HasGroup("Quảng Ninh") {
		t.Errorf("groups %q lack the new one", co.Plan.Groups)
	}
	last := co.Plan.Deadlines[len(co.Plan.Deadlines)-1]
	if last.Title != "Nộp danh sách doanh nghiệp" || last.Due.In(co.Plan.Location).Format("02/01/2006 15:04") != "20/07/2017 17:00" {
		t.Errorf("the added deadline = %+v", last)
	}
	reminders, err := st.PendingDue(ctx, r.c.ID, "r")
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, it := range reminders {
		found = found || strings.Contains(it.ID, ":"+last.ID+":")
	}
	if !found {
		t.Errorf("no reminder planned for the added deadline %s", last.ID)
	}
}
