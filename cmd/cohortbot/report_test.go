package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cohortbot/cohortbot/bot"
	"github.com/cohortbot/cohortbot/bot/bottest"
	"github.com/cohortbot/cohortbot/bot/report"
	"github.com/cohortbot/cohortbot/bot/telegram/telegramtest"
	"github.com/cohortbot/cohortbot/bot/timetable"
)

// The groups' reports end to end (issue 11): `serve` against the fake
// Telegram and a real Redis. The files are built in the test with the
// bytes the type detection reads (bot/bottest): a minimal PDF, Office
// Open XML packages made with archive/zip, an OLE2 compound file.

// sendFile puts raw on the fake server as fileID and sends it as a
// document named name in the person's private chat.
func (p *person) sendFile(fileID, name, mime string, raw []byte) {
	p.e.tg.AddFile(fileID, "uq-"+fileID, raw)
	p.push(telegramtest.Document(p.user, p.user.ID, fileID, "uq-"+fileID, name, mime, len(raw)))
}

// reports reads a group's versions for a deadline from Redis.
func (e *env) reports(cohort, deadline, group string) []*report.Version {
	e.t.Helper()
	vs, err := e.store().GroupReports(context.Background(), cohort, deadline, group)
	if err != nil {
		e.t.Fatal(err)
	}
	return vs
}

// deadlineLine is the part of a /deadlines answer about the deadline
// titled title.
func deadlineLine(text, title string) string {
	for _, part := range strings.Split(text, "\n\n") {
		if strings.Contains(part, title) {
			return part
		}
	}
	return ""
}

const (
	reportTitle = "Nộp báo cáo đánh giá sản xuất sạch hơn"
	mimeDOCX    = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	mimeXLSX    = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
)

// TestReportVersions: a trainee hands in the group's report (the sample
// plan has one report deadline, so no question is asked): a PDF, then a
// DOCX as version 2, the same file again changes nothing, an XLSX after
// the deadline is version 3 marked late, and a teammate's legacy .doc is
// version 4. The rest of the group is told each time, the other groups
// are not; /deadlines shows the deadline done for the group and its
// reminder skips the group. A lecturer lists the group's versions and
// fetches one, re-sent by its file id.
func TestReportVersions(t *testing.T) {
	t.Parallel()
	r := newContestRig(t, hanoi(t, 2017, 10, 20, 10, 0))
	e, c := r.e, r.c
	gv := e.seed(c.ID, 8101, bot.Lecturer, "Nguyễn Minh Đức", "")
	lan := e.seed(c.ID, 8102, bot.Trainee, "Lê Thị Lan", "Lạng Sơn")
	minh := e.seed(c.ID, 8103, bot.Trainee, "Đỗ Văn Minh", "Lạng Sơn")
	hai := e.seed(c.ID, 8104, bot.Trainee, "Phạm Văn Hải", "Hải Phòng")
	e.serve()
	var sg, sl, sm, sh int

	lan.say("/report")
	lan.reply(&sl, "Nộp báo cáo «"+reportTitle+"» (hạn 25/10/2017 17:00)")
	lan.sendFile("rp-pdf", "Bao cao SXSH.pdf", "application/pdf", bottest.PDF())
	got := lan.reply(&sl, "Đã nhận phiên bản 1")
	if !strings.Contains(got.Params["text"], "nhóm Lạng Sơn (PDF") {
		t.Errorf("receipt %q", got.Params["text"])
	}
	minh.reply(&sm, "Lê Thị Lan vừa nộp báo cáo của nhóm Lạng Sơn: phiên bản 1")

	// Done for Lạng Sơn, not for Hải Phòng.
	lan.say("/deadlines")
	d := lan.reply(&sl, "Các hạn nộp")
	if line := deadlineLine(d.Params["text"], reportTitle); !strings.Contains(line, "✅ Nhóm Lạng Sơn đã hoàn thành") {
		t.Errorf("/deadlines for Lạng Sơn: %q", line)
	}
	hai.say("/deadlines")
	d = hai.reply(&sh, "Các hạn nộp")
	if line := deadlineLine(d.Params["text"], reportTitle); !strings.Contains(line, "⏳ Nhóm Hải Phòng chưa hoàn thành") {
		t.Errorf("/deadlines for Hải Phòng: %q", line)
	}

	// The reminder a day ahead goes to Hải Phòng only: Lạng Sơn is done.
	st := e.store()
	ctx := context.Background()
	co, err := st.Cohort(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	var remind bot.DueItem
	for _, it := range timetable.ReminderItems(co, r.clk.Now()) {
		if it.Kind == timetable.DueDeadlineReminder && it.Ref == "report" && it.Lead == 24*time.Hour {
			remind = it
		}
	}
	if remind.ID == "" {
		t.Fatal("no reminder of the report deadline a day ahead")
	}
	b := bot.New(bot.Config{}, st, nopSender{t}, features(st).All, bot.WithOutbox(st), bot.WithSchedule(st))
	if out, _, err := b.RunDue(ctx, remind, remind.Due); err != nil || out != bot.DueSent {
		t.Fatalf("reminder: %v %v", out, err)
	}
	hai.reply(&sh, "Nhắc hạn: «"+reportTitle+"»")
	if total, err := st.Client().HGet(ctx, "{o}:b:"+remind.ID, "total").Int(); err != nil || total != 1 {
		t.Errorf("the reminder went to %d people (%v), want 1: Hải Phòng's trainee only", total, err)
	}

	// A DOCX is version 2; the same file again is refused as a duplicate.
	docx := bottest.OOXML(t, bottest.DOCXType)
	lan.say("/report")
	lan.reply(&sl, "Nhóm Lạng Sơn đã nộp 1 phiên bản; bản mới nhất là «Bao cao SXSH.pdf»")
	lan.sendFile("rp-docx", "Bao cao SXSH.docx", mimeDOCX, docx)
	lan.reply(&sl, "Đã nhận phiên bản 2")
	minh.reply(&sm, "phiên bản 2")
	lan.say("/report")
	lan.reply(&sl, "sẽ là phiên bản 3")
	lan.sendFile("rp-docx", "Bao cao SXSH (1).docx", mimeDOCX, docx)
	lan.reply(&sl, "Tệp này đã được nộp rồi: đó là phiên bản 2")

	// After the deadline: taken, marked late.
	r.clk.Set(hanoi(t, 2017, 10, 26, 9, 0))
	lan.say("/report")
	lan.reply(&sl, "Đã quá hạn nộp")
	lan.sendFile("rp-xlsx", "So lieu.xlsx", mimeXLSX, bottest.OOXML(t, bottest.XLSXType))
	late := lan.reply(&sl, "Đã nhận phiên bản 3")
	if !strings.Contains(late.Params["text"], "Nộp muộn: hạn là 25/10/2017 17:00") {
		t.Errorf("late receipt %q", late.Params["text"])
	}
	minh.reply(&sm, "phiên bản 3")
	minh.say("/report")
	minh.reply(&sm, "sẽ là phiên bản 4")
	minh.sendFile("rp-doc", "Bao cao cu.doc", "application/msword", bottest.OLE2("WordDocument"))
	minh.reply(&sm, "Đã nhận phiên bản 4")
	lan.reply(&sl, "Đỗ Văn Minh vừa nộp báo cáo của nhóm Lạng Sơn: phiên bản 4")

	vs := e.reports(c.ID, "report", "Lạng Sơn")
	if len(vs) != 4 {
		t.Fatalf("%d versions, want 4", len(vs))
	}
	for i, want := range []struct {
		typ     bot.DocType
		late    bool
		file    string
		by      bot.UserKey
		version int
	}{
		{bot.DocPDF, false, "rp-pdf", key(8102), 1}, {bot.DocDOCX, false, "rp-docx", key(8102), 2},
		{bot.DocXLSX, true, "rp-xlsx", key(8102), 3}, {bot.DocDOC, true, "rp-doc", key(8103), 4},
	} {
		v := vs[i]
		if v.Type != want.typ || v.Late != want.late || v.FileID != want.file || v.Uploader != want.by || v.Version != want.version || v.Size == 0 {
			t.Errorf("version %d: %+v, want %+v", i+1, *v, want)
		}
	}
	// The duplicate told nobody twice.
	if n := len(received(e, minh.user.ID, "vừa nộp báo cáo của nhóm Lạng Sơn: phiên bản 2")); n != 1 {
		t.Errorf("Minh was told of version 2 %d times, want once", n)
	}
	for _, call := range e.tg.Sent(hai.user.ID) {
		if strings.Contains(call.Params["text"], "vừa nộp báo cáo") {
			t.Errorf("another group was told: %q", call.Params["text"])
		}
	}

	// The lecturer's view: the groups, Lạng Sơn's versions, one fetched.
	gv.say("/report")
	list := gv.reply(&sg, "giảng viên và ban tổ chức không nộp báo cáo")
	if !strings.Contains(list.Params["text"], "• Lạng Sơn: 4 phiên bản") || !strings.Contains(list.Params["text"], "• Hải Phòng: chưa nộp") {
		t.Errorf("staff list:\n%s", list.Params["text"])
	}
	gv.press(e.messageID(gv.user.ID, list), r.cb("rp:g:1"))
	group := gv.reply(&sg, "Báo cáo của nhóm Lạng Sơn")
	for _, want := range []string{"Bản 1: Bao cao SXSH.pdf — PDF", "Bản 3: So lieu.xlsx — Excel (.xlsx)", "người nộp: Đỗ Văn Minh (nộp muộn)"} {
		if !strings.Contains(group.Params["text"], want) {
			t.Errorf("group view lacks %q:\n%s", want, group.Params["text"])
		}
	}
	if !hasButton(t, group, r.cb("rp:f:report:1:2")) {
		t.Fatalf("group view buttons %v", buttons(t, group))
	}
	gv.press(e.messageID(gv.user.ID, group), r.cb("rp:f:report:1:2"))
	doc := gv.reply(&sg, "Nhóm Lạng Sơn — phiên bản 2")
	if doc.Method != "sendDocument" || doc.Params["document"] != "rp-docx" {
		t.Errorf("fetched %s %v, want the document rp-docx by its id", doc.Method, doc.Params["document"])
	}
	// A trainee's forged fetch is refused by role.
	e.alert(hai.pressData(r.cb("rp:f:report:1:1")), textRole)
}

// TestReportRefusals: who may not hand in a report, and files that are
// not taken — a renamed executable, a plain ZIP named .docx, a file over
// 20 MB (refused by its declared size, never downloaded), a photo — each
// answered in the sender's language and changing nothing; with two report
// deadlines the trainee picks one with a button; /cancel leaves the flow;
// the 51st version is refused.
func TestReportRefusals(t *testing.T) {
	t.Parallel()
	r := newContestRig(t, hanoi(t, 2017, 9, 20, 10, 0),
		`  - {id: photos,`, `  - {id: draft, title: "Nộp bản thảo báo cáo", due: "2017-09-30 17:00", kind: report}
  - {id: photos,`)
	e, c := r.e, r.c
	org := e.seed(c.ID, 8201, bot.Organiser, "Trần Văn Hùng", "")
	lan := e.seed(c.ID, 8202, bot.Trainee, "Lê Thị Lan", "Lạng Sơn")
	tung := e.seed(c.ID, 8203, bot.Trainee, "Vũ Thanh Tùng", "")
	ann := e.seed(c.ID, 8204, bot.Trainee, "Ann Smith", "Hải Phòng")
	hai := e.seed(c.ID, 8205, bot.Trainee, "Phạm Văn Hải", "Hải Phòng")
	stranger := e.person(8299, "Lạ", "Người", "vi")
	ctx := context.Background()
	if err := e.store().SetLang(ctx, key(8204), bot.EN); err != nil {
		t.Fatal(err)
	}
	// Hải Phòng has handed in the most versions of the draft already.
	for i := range report.MaxVersions {
		v := &report.Version{Cohort: c.ID, Deadline: "draft", Group: "Hải Phòng", FileID: fmt.Sprint("old", i), UniqueID: fmt.Sprint("uold", i), Type: bot.DocPDF, At: r.clk.Now()}
		if res, err := e.store().AddReport(ctx, v, report.MaxVersions); err != nil || res.Status != report.AddOK {
			t.Fatalf("seed version %d: %+v %v", i, res, err)
		}
	}
	e.serve()
	var so, sl, st, sa, sh, ss int

	stranger.say("/report")
	stranger.reply(&ss, textNotMember)
	tung.say("/report")
	tung.reply(&st, "Bạn chưa thuộc nhóm nào nên chưa nộp được báo cáo")
	org.say("/report")
	org.reply(&so, "giảng viên và ban tổ chức không nộp báo cáo")

	lan.say("/report")
	pick := lan.reply(&sl, "Bạn nộp báo cáo cho hạn nào?")
	if got := buttons(t, pick); len(got) != 2 || got[0] != r.cb("rp:d:draft") || got[1] != r.cb("rp:d:report") {
		t.Fatalf("deadline buttons %v", got)
	}
	lan.sendFile("early", "bc.pdf", "application/pdf", bottest.PDF())
	lan.reply(&sl, "Hãy chọn hạn nộp bằng các nút")
	lan.press(e.messageID(lan.user.ID, pick), r.cb("rp:d:draft"))
	lan.reply(&sl, "Nộp báo cáo «Nộp bản thảo báo cáo» (hạn 30/09/2017 17:00)")
	lan.say("đây là báo cáo")
	lan.reply(&sl, "Mình đang chờ tệp báo cáo")

	getFiles := func() int { return len(e.tg.Calls("getFile")) }
	refuse := func(p *person, seen *int, what, want string, do func()) {
		t.Helper()
		do()
		if got := p.next(seen); !strings.Contains(got.Params["text"], want) {
			t.Errorf("%s: answer %q, want %q", what, got.Params["text"], want)
		}
	}
	refuse(lan, &sl, "a renamed executable", "không phải là tài liệu PDF, Word, Excel hay PowerPoint", func() {
		lan.sendFile("exe", "bao-cao.pdf", "application/pdf", []byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00\xb8\x00 This program cannot be run in DOS mode.\r\n"))
	})
	refuse(lan, &sl, "a plain ZIP named .docx", "«bao-cao.docx» không phải là tài liệu", func() {
		lan.sendFile("zip", "bao-cao.docx", mimeDOCX, bottest.Zip(t, map[string]string{"bao-cao.txt": "Báo cáo"}))
	})
	before := getFiles()
	refuse(lan, &sl, "a 25 MB file", "Tệp này nặng 25 MB, vượt giới hạn 20 MB", func() {
		lan.push(telegramtest.Document(lan.user, lan.user.ID, "huge", "uq-huge", "bao-cao.pdf", "application/pdf", 25<<20))
	})
	if n := getFiles(); n != before {
		t.Errorf("the oversized file was looked up (%d getFile calls), want it refused by its declared size", n-before)
	}
	refuse(lan, &sl, "a 21 MB file whose size was not declared", "Tệp này vượt giới hạn 20 MB", func() {
		e.tg.AddFile("undeclared", "uq-undeclared", make([]byte, 21<<20))
		lan.push(telegramtest.Document(lan.user, lan.user.ID, "undeclared", "uq-undeclared", "bao-cao.pdf", "application/pdf", 0))
	})
	refuse(lan, &sl, "a photo", "không phải ảnh", func() {
		lan.push(telegramtest.Photo(lan.user, lan.user.ID, "ph1", "uq-ph1", "", ""))
	})

	ann.say("/report")
	ann.reply(&sa, "Which deadline")
	ann.pressData(r.cb("rp:d:report"))
	ann.reply(&sa, "Hand in the report")
	refuse(ann, &sa, "an executable, in English", "is not a PDF, Word, Excel or PowerPoint document", func() {
		ann.sendFile("exe2", "report.docx", mimeDOCX, []byte("MZ\x90\x00 not a report"))
	})
	refuse(ann, &sa, "a 21 MB file, in English", "more than the 20 MB", func() {
		ann.push(telegramtest.Document(ann.user, ann.user.ID, "huge2", "uq-huge2", "report.pptx", "", 21<<20))
	})

	// A 51st version of Hải Phòng's draft is refused before the file is
	// asked for (the store refuses one sent anyway: store/report_test.go).
	hai.say("/report")
	hai.reply(&sh, "Bạn nộp báo cáo cho hạn nào?")
	refuse(hai, &sh, "a 51st version", "Nhóm đã nộp đủ 50 phiên bản", func() { hai.pressData(r.cb("rp:d:draft")) })

	// /cancel leaves the flow: a file afterwards is not a report.
	lan.say("/cancel")
	lan.reply(&sl, tx(bot.VI, "cancel.done"))
	refuse(lan, &sl, "a PDF after /cancel", "tệp này dùng để làm gì", func() {
		lan.sendFile("after", "bc.pdf", "application/pdf", bottest.PDF())
	})
	for _, dl := range []string{"draft", "report"} {
		if vs := e.reports(c.ID, dl, "Lạng Sơn"); len(vs) != 0 {
			t.Errorf("Lạng Sơn has %d versions of %s, want none: every file was refused", len(vs), dl)
		}
	}
	if vs := e.reports(c.ID, "report", "Hải Phòng"); len(vs) != 0 {
		t.Errorf("Hải Phòng has %d versions of the report, want none", len(vs))
	}
	if vs := e.reports(c.ID, "draft", "Hải Phòng"); len(vs) != report.MaxVersions {
		t.Errorf("Hải Phòng has %d versions of the draft, want %d", len(vs), report.MaxVersions)
	}

	// A real PDF for the draft is taken.
	lan.say("/report")
	lan.reply(&sl, "Bạn nộp báo cáo cho hạn nào?")
	lan.pressData(r.cb("rp:d:draft"))
	lan.reply(&sl, "Nộp báo cáo «Nộp bản thảo báo cáo»")
	lan.sendFile("good", "bc.pdf", "application/pdf", bottest.PDF())
	lan.reply(&sl, "Đã nhận phiên bản 1 của báo cáo «Nộp bản thảo báo cáo»")
	if vs := e.reports(c.ID, "draft", "Lạng Sơn"); len(vs) != 1 || vs[0].Late {
		t.Errorf("Lạng Sơn's draft: %d versions", len(vs))
	}
}

// TestReportAndScoreInConsole walks the demo: Lan hands in her group's
// report with /doc, the lecturer scores another group with numbered
// buttons, and the organiser sees the ranking.
func TestReportAndScoreInConsole(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "BaoCao-LangSon.pdf")
	if err := os.WriteFile(path, bottest.PDF(), 0o600); err != nil {
		t.Fatal(err)
	}
	exe := filepath.Join(t.TempDir(), "bao-cao.docx")
	if err := os.WriteFile(exe, []byte("MZ\x90\x00 not a report"), 0o600); err != nil {
		t.Fatal(err)
	}
	out := runConsole(t, "/as lan\n/report\n/doc "+exe+"\n/doc "+path+"\n"+
		"/as gv\n/score\n/press 1\n/press 9\n/press 8\n/press 10\n/skip\n"+
		"/as btc\n/ranking\n/report\n")
	for _, want := range []string{
		"không phải là tài liệu PDF, Word, Excel hay PowerPoint",
		"Đã nhận phiên bản 1 của báo cáo «" + reportTitle + "» của nhóm Lạng Sơn (PDF",
		"Tiêu chí 1/3: «Chất lượng số liệu»",
		"Đã lưu điểm của bạn cho nhóm Bà Rịa – Vũng Tàu: Chất lượng số liệu 8 · Giải pháp SXSH 7 · Trình bày 9 (tổng 24/30)",
		"🥇 1. Bà Rịa – Vũng Tàu — 24/30",
		"• Lạng Sơn: 1 phiên bản",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("%q not printed:\n%s", want, out)
		}
	}
}
