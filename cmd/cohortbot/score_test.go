package main

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/cohortbot/cohortbot/bot"
	"github.com/cohortbot/cohortbot/bot/report"
	"github.com/cohortbot/cohortbot/bot/score"
)

// Report scoring end to end (issue 11). The sample plan scores three
// criteria out of 10 from 30 October 2017 08:00 to 31 October 17:00,
// lecturers weighing 0.6 and trainees 0.4, the ranking hidden. Groups:
// 0 Bà Rịa – Vũng Tàu, 1 Lạng Sơn, 2 Hải Phòng, 3 Thanh Hóa, 4 Đà Nẵng,
// 5 Cần Thơ.

// scorerMarks reads a scorer's marks for a group from Redis.
func (e *env) scorerMarks(cohort string, id int64, group string) []int {
	e.t.Helper()
	ms, _, err := e.store().ScorerMarks(context.Background(), cohort, key(id), group, 3)
	if err != nil {
		e.t.Fatal(err)
	}
	return ms
}

// seedMarks gives the scorer's marks (one per criterion) straight in
// Redis.
func (e *env) seedMarks(cohort string, id int64, side score.Side, group string, marks ...int) {
	e.t.Helper()
	for k, v := range marks {
		if err := e.store().SetMark(context.Background(), cohort, score.Mark{Scorer: key(id), Side: side, Group: group, Criterion: k, Value: v}); err != nil {
			e.t.Fatal(err)
		}
	}
}

// TestScoreFlow: a trainee scores another group criterion by criterion
// (buttons and typed marks; a non-number and an out-of-range mark are
// refused), adds a note, and revises a mark; a forged press for her own
// group, and any press outside the window, write nothing; organisers do
// not score.
func TestScoreFlow(t *testing.T) {
	t.Parallel()
	r := newContestRig(t, hanoi(t, 2017, 10, 29, 10, 0))
	e, c := r.e, r.c
	org := e.seed(c.ID, 8301, bot.Organiser, "Trần Văn Hùng", "")
	lan := e.seed(c.ID, 8302, bot.Trainee, "Lê Thị Lan", "Lạng Sơn")
	ann := e.seed(c.ID, 8303, bot.Trainee, "Ann Smith", "Hải Phòng")
	if err := e.store().SetLang(context.Background(), key(8303), bot.EN); err != nil {
		t.Fatal(err)
	}
	e.serve()
	var so, sl, sa int

	lan.say("/score")
	lan.reply(&sl, "Chưa đến thời gian chấm điểm báo cáo: bắt đầu lúc 30/10/2017 08:00")
	ann.say("/score")
	ann.reply(&sa, "Report scoring has not started yet")
	r.clk.Set(hanoi(t, 2017, 10, 30, 9, 0))
	org.say("/score")
	org.reply(&so, "Ban tổ chức không chấm điểm báo cáo")

	lan.say("/score")
	list := lan.reply(&sl, "Chọn nhóm bạn muốn chấm")
	if hasButton(t, list, r.cb("sc:g:1")) || !hasButton(t, list, r.cb("sc:g:0")) || !hasButton(t, list, r.cb("sc:g:2")) {
		t.Errorf("group buttons %v: want every group but Lạng Sơn", buttons(t, list))
	}
	// Forged presses for her own group: refused, nothing written.
	e.alert(lan.pressData(r.cb("sc:g:1")), "Bạn không được chấm điểm nhóm của chính mình")
	e.alert(lan.pressData(r.cb("sc:m:1:0:10")), "Bạn không được chấm điểm nhóm của chính mình")
	if ms := e.scorerMarks(c.ID, 8302, "Lạng Sơn"); !slices.Equal(ms, []int{-1, -1, -1}) {
		t.Errorf("marks for her own group %v, want none", ms)
	}

	lan.press(e.messageID(lan.user.ID, list), r.cb("sc:g:2"))
	ask := lan.reply(&sl, "Tiêu chí 1/3: «Chất lượng số liệu» — chọn điểm từ 0 đến 10")
	if got := buttons(t, ask); len(got) != 11 || got[8] != r.cb("sc:m:2:0:8") {
		t.Fatalf("mark buttons %v", got)
	}
	lan.press(e.messageID(lan.user.ID, ask), r.cb("sc:m:2:0:8"))
	lan.reply(&sl, "Tiêu chí 2/3: «Giải pháp SXSH»")
	lan.say("bảy")
	lan.reply(&sl, "Điểm phải là một số nguyên từ 0 đến 10")
	lan.say("11")
	lan.reply(&sl, "Điểm phải từ 0 đến 10")
	lan.say("7")
	lan.reply(&sl, "Tiêu chí 3/3: «Trình bày»")
	lan.pressData(r.cb("sc:m:2:2:9"))
	lan.reply(&sl, "Bạn có nhận xét gì về báo cáo của nhóm Hải Phòng")
	lan.say("Số liệu đo đạc đầy đủ")
	saved := lan.reply(&sl, "Đã lưu điểm của bạn cho nhóm Hải Phòng")
	if !strings.Contains(saved.Params["text"], "Chất lượng số liệu 8 · Giải pháp SXSH 7 · Trình bày 9 (tổng 24/30)") {
		t.Errorf("saved: %q", saved.Params["text"])
	}

	// A revision shows the current marks and replaces one.
	lan.say("/score")
	lan.reply(&sl, "Chọn nhóm")
	lan.pressData(r.cb("sc:g:2"))
	cur := lan.reply(&sl, "Điểm bạn đã chấm cho nhóm Hải Phòng: Chất lượng số liệu 8 · Giải pháp SXSH 7 · Trình bày 9")
	if !strings.Contains(cur.Params["text"], "(Điểm hiện tại của bạn: 8)") {
		t.Errorf("revision: %q", cur.Params["text"])
	}
	lan.pressData(r.cb("sc:m:2:0:6"))
	lan.reply(&sl, "Tiêu chí 2/3")
	lan.say("/cancel")
	lan.reply(&sl, tx(bot.VI, "cancel.done"))
	if ms := e.scorerMarks(c.ID, 8302, "Hải Phòng"); !slices.Equal(ms, []int{6, 7, 9}) {
		t.Errorf("marks after the revision %v, want [6 7 9]", ms)
	}
	// A forged mark outside the range is refused too.
	e.alert(lan.pressData(r.cb("sc:m:2:1:11")), "Điểm phải từ 0 đến 10")

	// Ann leaves while scoring runs: her marks go with her.
	e.seedMarks(c.ID, 8303, score.Trainees, "Lạng Sơn", 5, 5, 5)
	ann.say("/leave")
	ann.reply(&sa, "Do you really want to leave")
	ann.pressData("leave:yes:" + c.ID)
	ann.reply(&sa, "Your data has been deleted")
	e.notMember(c.ID, ann.user.ID)
	if ms := e.scorerMarks(c.ID, 8303, "Lạng Sơn"); !slices.Equal(ms, []int{-1, -1, -1}) {
		t.Errorf("the marks of a trainee who left while scoring ran: %v, want none", ms)
	}

	// After the close nothing changes, whatever is pressed.
	r.clk.Set(hanoi(t, 2017, 10, 31, 17, 0))
	e.alert(lan.pressData(r.cb("sc:m:2:0:10")), "Đã hết thời gian chấm điểm báo cáo (kết thúc lúc 31/10/2017 17:00)")
	lan.say("/score")
	lan.reply(&sl, "Đã hết thời gian chấm điểm báo cáo")
	if ms := e.scorerMarks(c.ID, 8302, "Hải Phòng"); !slices.Equal(ms, []int{6, 7, 9}) {
		t.Errorf("marks after the close %v, want [6 7 9]", ms)
	}
}

// TestScoreRanking: the ranking weighs the lecturers' and the trainees'
// means (0.6 and 0.4); a tie on the total goes to the higher lecturers'
// part, then to the earlier report. It is hidden from members while
// scoring runs and shown to them after the close, shown to organisers with every scorer's marks (to them
// only); at the close the organisers get it with the places and announce
// it to the course once.
func TestScoreRanking(t *testing.T) {
	t.Parallel()
	r := newContestRig(t, hanoi(t, 2017, 10, 30, 9, 0))
	e, c := r.e, r.c
	org := e.seed(c.ID, 8401, bot.Organiser, "Trần Văn Hùng", "")
	e.seed(c.ID, 8402, bot.Lecturer, "Nguyễn Minh Đức", "")
	e.seed(c.ID, 8403, bot.Lecturer, "Hoàng Thu Hà", "")
	lan := e.seed(c.ID, 8404, bot.Trainee, "Lê Thị Lan", "Lạng Sơn")
	e.seed(c.ID, 8405, bot.Trainee, "Phạm Văn Hải", "Hải Phòng")
	e.seed(c.ID, 8406, bot.Trainee, "Võ Thị Bích", "Bà Rịa – Vũng Tàu")
	L, T := score.Lecturers, score.Trainees
	// Hải Phòng: 0.6×8 + 0.4×10 = 8.8 per criterion, 26.4.
	e.seedMarks(c.ID, 8402, L, "Hải Phòng", 8, 8, 8)
	e.seedMarks(c.ID, 8404, T, "Hải Phòng", 10, 10, 10)
	// Bà Rịa – Vũng Tàu and Lạng Sơn both 23.4: 0.6×9 + 0.4×6 and
	// 0.6×7 + 0.4×9; the lecturers gave the first more.
	e.seedMarks(c.ID, 8402, L, "Bà Rịa – Vũng Tàu", 9, 9, 9)
	e.seedMarks(c.ID, 8405, T, "Bà Rịa – Vũng Tàu", 6, 6, 6)
	e.seedMarks(c.ID, 8402, L, "Lạng Sơn", 7, 7, 7)
	e.seedMarks(c.ID, 8406, T, "Lạng Sơn", 9, 9, 9)
	// Thanh Hóa and Đà Nẵng: lecturers only, (4+6)/2 = 5 each, 15 in
	// all; Đà Nẵng handed in its report first.
	for _, g := range []string{"Thanh Hóa", "Đà Nẵng"} {
		e.seedMarks(c.ID, 8402, L, g, 4, 4, 4)
		e.seedMarks(c.ID, 8403, L, g, 6, 6, 6)
	}
	st := e.store()
	ctx := context.Background()
	for i, g := range []string{"Đà Nẵng", "Thanh Hóa"} {
		v := &report.Version{Cohort: c.ID, Deadline: "report", Group: g, FileID: "f-" + g, UniqueID: "u-" + g, Type: bot.DocPDF,
			At: hanoi(t, 2017, 10, 20, 9+i, 0)}
		if _, err := st.AddReport(ctx, v, report.MaxVersions); err != nil {
			t.Fatal(err)
		}
	}
	e.serve()
	var so, sl int

	lan.say("/ranking")
	lan.reply(&sl, "Bảng xếp hạng báo cáo được giữ kín đến khi kết thúc chấm điểm (31/10/2017 17:00)")

	org.say("/ranking")
	rk := org.reply(&so, "Xếp hạng báo cáo")
	text := rk.Params["text"]
	order := []string{"1. Hải Phòng — 26.4/30", "2. Bà Rịa – Vũng Tàu — 23.4/30", "3. Lạng Sơn — 23.4/30", "4. Đà Nẵng — 15/30", "5. Thanh Hóa — 15/30", "Chưa được chấm: Cần Thơ"}
	at := -1
	for _, want := range order {
		i := strings.Index(text, want)
		if i <= at {
			t.Fatalf("organiser's ranking lacks %q after the places before it:\n%s", want, text)
		}
		at = i
	}
	if !strings.Contains(text, "Tạm thời") || !strings.Contains(text, "giảng viên 24 (1 người chấm) · học viên 30 (1 người chấm)") {
		t.Errorf("organiser's ranking details:\n%s", text)
	}
	if !hasButton(t, rk, r.cb("sc:who")) || hasButton(t, rk, r.cb("sc:ann")) {
		t.Errorf("ranking buttons while open %v: want who, no announce", buttons(t, rk))
	}
	org.press(e.messageID(org.user.ID, rk), r.cb("sc:who"))
	who := org.reply(&so, "Điểm của từng người chấm")
	for _, want := range []string{"Nhóm Hải Phòng:", "• Nguyễn Minh Đức (giảng viên): Chất lượng số liệu 8", "• Lê Thị Lan (học viên): Chất lượng số liệu 10"} {
		if !strings.Contains(who.Params["text"], want) {
			t.Errorf("who view lacks %q:\n%s", want, who.Params["text"])
		}
	}
	e.alert(lan.pressData(r.cb("sc:who")), textRole)
	e.alert(org.pressData(r.cb("sc:ann")), "Chưa kết thúc chấm điểm")

	// The close: serve planned it at start; the scheduler's call sends
	// the organisers the ranking with the announce button.
	items, err := st.PendingDue(ctx, c.ID, "sc:")
	if err != nil || len(items) != 1 || !items[0].Due.Equal(hanoi(t, 2017, 10, 31, 17, 0)) {
		t.Fatalf("pending scoring close %+v, %v", items, err)
	}
	r.clk.Set(hanoi(t, 2017, 10, 31, 17, 1))
	b := bot.New(bot.Config{}, st, nopSender{t}, features(st).All, bot.WithOutbox(st), bot.WithSchedule(st))
	if out, _, err := b.RunDue(ctx, items[0], r.clk.Now()); err != nil || out != bot.DueSent {
		t.Fatalf("close: %v %v", out, err)
	}
	closed := org.reply(&so, "Đã kết thúc chấm điểm báo cáo")
	for _, want := range []string{"🥇 1. Hải Phòng", "🥈 2. Bà Rịa – Vũng Tàu", "🥉 3. Lạng Sơn"} {
		if !strings.Contains(closed.Params["text"], want) {
			t.Errorf("close notice lacks %q:\n%s", want, closed.Params["text"])
		}
	}
	if !hasButton(t, closed, r.cb("sc:ann")) {
		t.Fatalf("close notice buttons %v", buttons(t, closed))
	}
	// Closed: members see the standing, without who gave what.
	lan.say("/ranking")
	if got := lan.reply(&sl, "Xếp hạng báo cáo").Params["text"]; !strings.Contains(got, "🥇 1. Hải Phòng — 26.4/30") || strings.Contains(got, "Tạm thời") || strings.Contains(got, "người chấm") {
		t.Errorf("a member's ranking after the close:\n%s", got)
	}

	org.press(e.mediaID(org.user.ID, closed), r.cb("sc:ann"))
	org.reply(&so, "Đang gửi kết quả tới 6 người")
	res := lan.reply(&sl, "Kết quả chấm điểm báo cáo")
	if !strings.Contains(res.Params["text"], "🥇 1. Hải Phòng — 26.4/30") || strings.Contains(res.Params["text"], "người chấm") {
		t.Errorf("announcement:\n%s", res.Params["text"])
	}
	e.alert(org.pressData(r.cb("sc:ann")), "đã được công bố rồi")
	lan.say("/ranking")
	lan.reply(&sl, "1. Hải Phòng — 26.4/30")
}

// TestScoreRankingLive: with `ranking: live` members see the standing
// while scoring runs, marked provisional, without who gave what.
func TestScoreRankingLive(t *testing.T) {
	t.Parallel()
	r := newContestRig(t, hanoi(t, 2017, 10, 30, 9, 0), "ranking: hidden", "ranking: live")
	e, c := r.e, r.c
	lan := e.seed(c.ID, 8502, bot.Trainee, "Lê Thị Lan", "Lạng Sơn")
	e.seedMarks(c.ID, 8503, score.Lecturers, "Hải Phòng", 8, 9, 10)
	e.serve()
	var sl int
	lan.say("/ranking")
	got := lan.reply(&sl, "Xếp hạng báo cáo")
	if text := got.Params["text"]; !strings.Contains(text, "Tạm thời") || !strings.Contains(text, "1. Hải Phòng — 27/30") || strings.Contains(text, "người chấm") {
		t.Errorf("live ranking:\n%s", text)
	}
	if len(buttons(t, got)) != 0 {
		t.Errorf("a member's ranking has buttons %v", buttons(t, got))
	}
}
