package main

import (
	"bytes"
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/cohortbot/cohortbot/bot"
	"github.com/cohortbot/cohortbot/bot/plan"
)

// xlsxMIME is the type Telegram declares for a workbook.
const xlsxMIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// TestWorkbookInChat: /plan sends the course as its workbook; sent back
// unchanged it changes nothing; a workbook with a session moved shows the
// move in the preview and, applied, moves it and its reminders; a workbook
// with a bad cell lists the problem by its cell and changes nothing; a
// file that is not a workbook, and a trainee's workbook, are refused.
func TestWorkbookInChat(t *testing.T) {
	t.Parallel()
	r := newContestRig(t, hanoi(t, 2017, 7, 1, 9, 0))
	e := r.e
	org := e.seed(r.c.ID, 7701, bot.Organiser, "Trần Quốc Toản", "")
	lan := e.seed(r.c.ID, 7702, bot.Trainee, "Lê Thị Lan", "Lạng Sơn")
	e.serve()
	ctx := context.Background()
	st := e.store()

	seen := 0
	org.say("/plan")
	got := org.reply(&seen, "📘")
	raw := got.Files["document"]
	if got.Method != "sendDocument" || len(raw) == 0 {
		t.Fatalf("/plan answered %s with %d bytes", got.Method, len(raw))
	}
	back, err := plan.ParseWorkbook("khoa.xlsx", raw)
	if err != nil {
		t.Fatalf("the workbook /plan sent does not read back: %v", err)
	}
	co, _ := st.Cohort(ctx, r.c.ID)
	if len(plan.Diff(co.Plan, back).Moved)+len(plan.Diff(co.Plan, back).Added) != 0 {
		t.Errorf("the workbook differs from the course: %+v", plan.Diff(co.Plan, back))
	}

	// Sent back unchanged: nothing changes.
	org.sendFile("wb-same", "khoa.xlsx", xlsxMIME, raw)
	org.reply(&seen, tx(bot.VI, "course.preview.nothing"))

	// A session moved by two days.
	moved := co.Plan.Shift(0)
	moved.Sessions[0].Starts = moved.Sessions[0].Starts.Add(48 * time.Hour)
	moved.Sessions[0].Ends = moved.Sessions[0].Ends.Add(48 * time.Hour)
	wb, err := plan.Workbook(moved, "vi")
	if err != nil {
		t.Fatal(err)
	}
	org.sendFile("wb-moved", "khoa-moi.xlsx", xlsxMIME, wb)
	preview := org.reply(&seen, "Xem trước kế hoạch")
	if !strings.Contains(preview.Params["text"], tx(bot.VI, "course.preview.moved", 1, moved.Sessions[0].ID)) {
		t.Errorf("preview = %q", preview.Params["text"])
	}
	org.pressPrefix(preview, "crs:ok:")
	org.reply(&seen, "Đã cập nhật khóa")
	co, _ = st.Cohort(ctx, r.c.ID)
	if !co.Plan.Sessions[0].Starts.Equal(moved.Sessions[0].Starts) {
		t.Errorf("first session at %v after applying, want %v", co.Plan.Sessions[0].Starts, moved.Sessions[0].Starts)
	}
	due, err := st.PendingDue(ctx, r.c.ID, "r")
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range due {
		if strings.Contains(it.ID, ":"+moved.Sessions[0].ID+":") && !it.At.Equal(moved.Sessions[0].Starts) {
			t.Errorf("reminder %s still for %v", it.ID, it.At)
		}
	}

	// A bad cell: its problem by its cell, nothing changed.
	f, err := excelize.OpenReader(bytes.NewReader(wb))
	if err != nil {
		t.Fatal(err)
	}
	cells, err := f.SearchSheet("Buổi học", moved.Sessions[1].ID)
	if err != nil || len(cells) == 0 {
		t.Fatalf("session %s not in the workbook: %v", moved.Sessions[1].ID, err)
	}
	_, row, _ := excelize.SplitCellName(cells[0])
	header, _ := f.SearchSheet("Buổi học", "Bắt đầu")
	col, _, _ := excelize.SplitCellName(header[0])
	bad := col + strconv.Itoa(row)
	if err := f.SetCellStr("Buổi học", bad, "mai"); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	version := co.Version
	org.sendFile("wb-bad", "khoa-loi.xlsx", xlsxMIME, buf.Bytes())
	problems := org.reply(&seen, "lỗi")
	if !strings.Contains(problems.Params["text"], "Buổi học!"+bad) || !strings.Contains(problems.Params["text"], tx(bot.VI, "course.unchanged")) {
		t.Errorf("problems = %q, want one at Buổi học!%s", problems.Params["text"], bad)
	}
	if co, _ = st.Cohort(ctx, r.c.ID); co.Version != version {
		t.Errorf("a bad workbook changed the course (version %d → %d)", version, co.Version)
	}

	// Not a workbook; a trainee's workbook.
	org.sendFile("wb-pdf", "ke-hoach.xlsx", xlsxMIME, []byte("%PDF-1.4 not a workbook"))
	org.reply(&seen, tx(bot.VI, "course.not_workbook"))
	ls := 0
	lan.sendFile("wb-lan", "khoa.xlsx", xlsxMIME, wb)
	lan.reply(&ls, tx(bot.VI, "err.what_file"))
	lan.say("/plan")
	lan.reply(&ls, textRole)
}
