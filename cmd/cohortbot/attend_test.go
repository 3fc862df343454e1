package main

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/cohortbot/cohortbot/bot"
	"github.com/cohortbot/cohortbot/bot/telegram/telegramtest"
)

// Attendance end to end (bot/attend): `serve` against the fake Telegram
// and a real Redis, on a clock inside the sample plan's first session
// (10 July 2017, 08:00–11:30 in Hà Nội).

// attendRig is a course of the sample plan with an organiser and three
// trainees seeded, and the clock it runs on.
type attendRig struct {
	e                 *env
	clk               *movableClock
	c                 cohortJSON
	org, an, binh, cu *person
}

func newAttendRig(t *testing.T, now time.Time, edits ...string) *attendRig {
	t.Helper()
	r := newContestRig(t, now, edits...)
	a := &attendRig{e: r.e, clk: r.clk, c: r.c}
	a.org = r.e.seed(r.c.ID, 9101, bot.Organiser, "Trần Văn Hùng", "")
	a.an = r.e.seed(r.c.ID, 9102, bot.Trainee, "Nguyễn Thị Hồng Nhung", "Lạng Sơn")
	a.binh = r.e.seed(r.c.ID, 9103, bot.Trainee, "Lê Văn Bình", "Lạng Sơn")
	a.cu = r.e.seed(r.c.ID, 9104, bot.Trainee, "Phạm Thị Cúc", "Hải Phòng")
	return a
}

var checkinCode = regexp.MustCompile(`: ([A-Z2-9]{6})\n`)

// code asks for a check-in code as the organiser and returns it with the
// message that showed it.
func (a *attendRig) code(t *testing.T, seen *int) (string, telegramtest.Call) {
	t.Helper()
	a.org.say("/checkincode")
	msg := a.org.reply(seen, "Mã điểm danh")
	m := checkinCode.FindStringSubmatch(msg.Params["caption"] + msg.Params["text"])
	if m == nil {
		t.Fatalf("no code in %q", msg.Params["caption"]+msg.Params["text"])
	}
	return m[1], msg
}

// present is who Redis holds present at a session.
func (a *attendRig) present(t *testing.T, session string) map[bot.UserKey]bool {
	t.Helper()
	got, err := a.e.store().Present(context.Background(), a.c.ID, session)
	if err != nil {
		t.Fatal(err)
	}
	out := map[bot.UserKey]bool{}
	for u := range got {
		out[u] = true
	}
	return out
}

// TestAttendCheckin: a code and its QR code for the session that is on;
// a check-in by code (typed in lower case with spaces) and by the QR
// code's deep link, each recorded once however often repeated; a wrong
// code, an expired one, a non-member's link and a trainee asking for a
// code are refused in words that say why.
func TestAttendCheckin(t *testing.T) {
	t.Parallel()
	a := newAttendRig(t, hanoi(t, 2017, 7, 10, 8, 10))
	a.e.serve()
	var so, sa, sb, sc int
	code, msg := a.code(t, &so)
	if msg.Method != "sendPhoto" || !bytes.HasPrefix(msg.Files["photo"], []byte("\x89PNG")) {
		t.Errorf("the code came as %s with %d bytes of photo, want a PNG QR code", msg.Method, len(msg.Files["photo"]))
	}
	link := "https://t.me/" + telegramtest.DefaultBotUsername + "?start=ck-" + a.c.ID + "-" + code
	if !strings.Contains(msg.Params["caption"], link) || !strings.Contains(msg.Params["caption"], "Khai giảng đợt 1") {
		t.Errorf("caption %q lacks the session or the link %s", msg.Params["caption"], link)
	}

	// By code, typed loosely; twice records once.
	a.an.say("/checkin " + strings.ToLower(code[:3]) + " " + strings.ToLower(code[3:]))
	a.an.reply(&sa, "Đã điểm danh buổi «Khai giảng đợt 1")
	a.an.say("/checkin " + code)
	a.an.reply(&sa, "Bạn đã điểm danh buổi")

	// By the deep link, twice.
	a.binh.say("/start ck-" + a.c.ID + "-" + code)
	a.binh.reply(&sb, "Đã điểm danh buổi")
	a.binh.say("/start ck-" + a.c.ID + "-" + code)
	a.binh.reply(&sb, "Bạn đã điểm danh buổi")

	// A wrong code, a malformed one, and a trainee asking for a code.
	a.cu.say("/checkin ABCDEF")
	a.cu.reply(&sc, "không đúng")
	a.cu.say("/checkin 12")
	a.cu.reply(&sc, "không đúng")
	a.cu.say("/checkincode")
	a.cu.reply(&sc, textRole)

	// Someone who is not a member opens the link.
	stranger := a.e.person(9199, "Khách", "", "vi")
	var ss int
	stranger.say("/start ck-" + a.c.ID + "-" + code)
	stranger.reply(&ss, "chưa phải là học viên")

	// The code expires after 15 minutes.
	a.clk.Set(hanoi(t, 2017, 7, 10, 8, 26))
	a.cu.say("/checkin " + code)
	a.cu.reply(&sc, "hết hạn")

	got := a.present(t, "p1-d1-am")
	if len(got) != 2 || !got[key(a.an.user.ID)] || !got[key(a.binh.user.ID)] {
		t.Errorf("present at p1-d1-am: %v, want An and Bình", got)
	}
}

// TestAttendCheckinNoSession: /checkincode with no session near names
// the next one; between two sessions of a day the morning is over and
// the afternoon not yet near. Refusals come in the person's language.
func TestAttendCheckinNoSession(t *testing.T) {
	t.Parallel()
	a := newAttendRig(t, hanoi(t, 2017, 7, 10, 12, 0))
	a.e.serve()
	var so int
	a.org.say("/checkincode")
	a.org.reply(&so, "Buổi tiếp theo: «Phương pháp luận đánh giá sản xuất sạch hơn»")
	// English on request.
	a.org.say("/lang en")
	a.org.reply(&so, "")
	a.org.say("/checkincode")
	a.org.reply(&so, "Next session: «Phương pháp luận")
	// A trainee who reads English is refused in English.
	var sc int
	a.cu.say("/lang en")
	a.cu.reply(&sc, "")
	a.cu.say("/checkin ABCDEF")
	a.cu.reply(&sc, "That check-in code is not right")
	a.cu.say("/certificate")
	// At noon the morning session has ended; with the sample plan's
	// report: true and no report feature yet, the group's report is missing.
	got := a.cu.reply(&sc, "attended 0 of 1 sessions, 1 needed").Params["text"]
	if !strings.Contains(got, "your group has not done «Nộp báo cáo") {
		t.Errorf("the report requirement is not named: %q", got)
	}
}

// TestAttendanceByHand: an organiser opens a session's attendance, sees
// the count per group, marks a trainee present and takes it back; a
// second press of the same mark records once; each change is audited; a
// trainee pressing the organisers' button is refused.
func TestAttendanceByHand(t *testing.T) {
	t.Parallel()
	a := newAttendRig(t, hanoi(t, 2017, 7, 10, 9, 0))
	a.e.serve()
	var so int
	a.org.say("/attendance")
	list := a.org.reply(&so, "Xem điểm danh buổi nào")
	data := buttons(t, list)
	if len(data) != 1 {
		t.Fatalf("sessions offered at 09:00 on the first day: %q, want the one begun", data)
	}
	a.org.press(a.e.messageID(a.org.user.ID, list), data[0])
	view := a.org.reply(&so, "Điểm danh buổi «Khai giảng đợt 1")
	for _, want := range []string{"Có mặt: 0/3 học viên", "Lạng Sơn: 0/2", "Hải Phòng: 0/1"} {
		if !strings.Contains(view.Params["text"], want) {
			t.Errorf("attendance view lacks %q:\n%s", want, view.Params["text"])
		}
	}
	mark := ""
	for i, l := range a.e.labels(view) {
		if strings.Contains(l, "Phạm Thị Cúc") {
			mark = buttons(t, view)[i]
		}
	}
	if !strings.HasPrefix(mark, "att:m:") {
		t.Fatalf("no mark button for Cúc among %q", buttons(t, view))
	}
	id := a.e.messageID(a.org.user.ID, view)
	a.e.answered(a.org.press(id, mark))
	view = a.org.reply(&so, "Có mặt: 1/3")
	// The same press again (the view is unchanged, so not edited): the
	// mark is recorded before the press is answered, and only once.
	a.e.answered(a.org.press(id, mark))
	if got := a.present(t, "p1-d1-am"); len(got) != 1 || !got[key(a.cu.user.ID)] {
		t.Errorf("present: %v, want Cúc", got)
	}
	unmark := strings.Replace(mark, "att:m:", "att:u:", 1)
	if !hasButton(t, view, unmark) {
		t.Fatalf("no unmark button %s in %q", unmark, buttons(t, view))
	}
	a.e.answered(a.org.press(id, unmark))
	a.org.reply(&so, "Có mặt: 0/3")
	if got := a.present(t, "p1-d1-am"); len(got) != 0 {
		t.Errorf("present after unmark: %v", got)
	}
	// A trainee forging the organisers' button.
	a.e.alert(a.cu.pressData(mark), textRole)
	if got := a.present(t, "p1-d1-am"); len(got) != 0 {
		t.Errorf("present after a forged press: %v", got)
	}
	// The audit has the mark and the unmark, by the organiser: the
	// stream names both by pseudonym, which the audit resolves while they
	// are members.
	entries, err := a.e.store().ContestAudit(context.Background(), a.c.ID)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, en := range entries {
		if en.Fields["session"] == "p1-d1-am" && en.Fields["by"] == string(key(a.org.user.ID)) {
			kinds = append(kinds, en.Kind)
		}
	}
	raw, err := a.e.store().Client().XRange(context.Background(), "{c:"+a.c.ID+"}:audit", "-", "+").Result()
	if err != nil {
		t.Fatal(err)
	}
	for _, en := range raw {
		if by, _ := en.Values["by"].(string); strings.Contains(by, "telegram:") {
			t.Errorf("the audit stream names an account: %v", en.Values)
		}
	}
	if strings.Join(kinds, ",") != "mark,unmark" {
		t.Errorf("audited %v, want mark,unmark", kinds)
	}
}
