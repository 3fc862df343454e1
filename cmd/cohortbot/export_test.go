package main

import (
	"bytes"
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/cohortbot/cohortbot/bot"
	"github.com/cohortbot/cohortbot/bot/contest"
	"github.com/cohortbot/cohortbot/bot/report"
	"github.com/cohortbot/cohortbot/bot/score"
)

// sheetRows reads a sheet of a workbook and finds the row whose first
// cells hold want, failing when there is none.
func sheetRow(t *testing.T, f *excelize.File, sheet string, want ...string) []string {
	t.Helper()
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatalf("sheet %q: %v", sheet, err)
	}
	for _, r := range rows {
		if len(r) >= len(want) && slices.Equal(r[:len(want)], want) {
			return r
		}
	}
	t.Fatalf("sheet %q has no row starting %q; rows:\n%q", sheet, want, rows)
	return nil
}

// TestExport: an organiser's /export sends the cohort's workbook, read
// back here cell by cell: the summary first, the members with their
// Vietnamese names intact, the photos with the votes the test cast, the
// audit log; first rows frozen; text that starts like a formula kept as
// text. A trainee's /export is refused, and `cohortbot export` writes the
// same workbook to a file.
func TestExport(t *testing.T) {
	t.Parallel()
	r := newContestRig(t, hanoi(t, 2017, 10, 30, 9, 0)) // voting is open
	e := r.e
	org := e.seed(r.c.ID, 7401, bot.Organiser, "Trần Quốc Toản", "")
	lan := e.seed(r.c.ID, 7402, bot.Trainee, "Lê Thị Lan", "Lạng Sơn")
	hai := e.seed(r.c.ID, 7403, bot.Trainee, "Phạm Văn Hải", "Hải Phòng")
	gv := e.seed(r.c.ID, 7404, bot.Lecturer, "Nguyễn Minh Đức", "")
	evil := `=HYPERLINK("http://x.example","bấm")`
	if _, err := e.store().PatchMember(context.Background(), r.c.ID, key(hai.user.ID), bot.MemberPatch{Org: &evil}, ""); err != nil {
		t.Fatal(err)
	}
	n := e.seedEntry(r.c.ID, hai, entrySeed{file: "ex-hai", caption: "+1 van hơi rò rỉ", category: "Nước", status: contest.EntryApproved})
	e.seedVote(r.c.ID, lan, n)
	e.seedVote(r.c.ID, gv, n)
	ctx := context.Background()
	if _, err := e.store().AddReport(ctx, &report.Version{Cohort: r.c.ID, Deadline: "report", Group: "Hải Phòng", FileID: "rp-hai", UniqueID: "uq-rp-hai",
		Name: "bao-cao-hai-phong.pdf", Size: 2 << 20, Type: bot.DocPDF, Uploader: key(hai.user.ID), UploaderName: "Phạm Văn Hải", At: hanoi(t, 2017, 10, 26, 9, 0), Late: true}, 50); err != nil {
		t.Fatal(err)
	}
	if err := e.store().SetMark(ctx, r.c.ID, score.Mark{Scorer: key(gv.user.ID), Side: score.Lecturers, Group: "Hải Phòng", Criterion: 0, Value: 8}); err != nil {
		t.Fatal(err)
	}
	e.serve()

	seen := 0
	org.say("/export")
	got := org.reply(&seen, "📊")
	raw := got.Files["document"]
	if got.Method != "sendDocument" || len(raw) == 0 {
		t.Fatalf("/export answered %s %q with %d bytes", got.Method, got.Params["caption"], len(raw))
	}
	f, err := excelize.OpenReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("the workbook does not open: %v", err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	for _, want := range []string{"Tổng hợp", "Thành viên", "Ảnh dự thi", "Nhật ký", "Báo cáo", "Điểm chấm", "Xếp hạng báo cáo"} {
		if !slices.Contains(sheets, want) {
			t.Errorf("sheets %q lack %q", sheets, want)
		}
	}
	if sheets[0] != "Tổng hợp" {
		t.Errorf("first sheet %q, want the summary", sheets[0])
	}
	if row := sheetRow(t, f, "Tổng hợp", "Lạng Sơn"); row[1] != "1" {
		t.Errorf("summary row of Lạng Sơn = %q, want 1 trainee", row)
	}
	if a1, _ := f.GetCellValue("Tổng hợp", "A1"); !strings.HasPrefix(a1, "Khóa «Nâng cao") {
		t.Errorf("the summary starts %q, want the course's name", a1)
	}
	lanRow := sheetRow(t, f, "Thành viên", "Lê Thị Lan")
	if lanRow[2] != "Lạng Sơn" || lanRow[3] != tx(bot.VI, "role.trainee") || lanRow[4] != "Telegram" {
		t.Errorf("Lan's row = %q", lanRow)
	}
	haiRow := sheetRow(t, f, "Thành viên", "Phạm Văn Hải")
	if haiRow[1] != evil {
		t.Errorf("Hải's organisation = %q, want %q", haiRow[1], evil)
	}
	if row := sheetRow(t, f, "Báo cáo", "Nộp báo cáo đánh giá sản xuất sạch hơn", "Hải Phòng", "1"); row[3] != "bao-cao-hai-phong.pdf" || row[6] != "Phạm Văn Hải" || row[8] != "có" {
		t.Errorf("the report's row = %q", row)
	}
	if row := sheetRow(t, f, "Điểm chấm", "Hải Phòng", "Chất lượng số liệu", "Nguyễn Minh Đức"); row[3] != "giảng viên" || row[4] != "8" {
		t.Errorf("the mark's row = %q", row)
	}
	if row := sheetRow(t, f, "Xếp hạng báo cáo", "1", "Hải Phòng"); row[2] != "8" {
		t.Errorf("the ranking's row = %q", row)
	}
	cell := formulaCell(t, f, "Thành viên", evil)
	if formula, _ := f.GetCellFormula("Thành viên", cell); formula != "" {
		t.Errorf("cell %s became the formula %q", cell, formula)
	}
	if typ, _ := f.GetCellType("Thành viên", cell); typ != excelize.CellTypeSharedString && typ != excelize.CellTypeInlineString {
		t.Errorf("cell %s is of type %v, want text", cell, typ)
	}
	photo := sheetRow(t, f, "Ảnh dự thi", "1", "Phạm Văn Hải", "Hải Phòng")
	// Number, author, group, category, enterprise, caption, status,
	// submitted, voters, score, rank.
	if photo[5] != "+1 van hơi rò rỉ" || photo[8] != "2" || photo[9] != "2" || photo[10] != "1" {
		t.Errorf("the photo's row = %q, want its caption, 2 voters, score 2, rank 1", photo)
	}
	entry, err := e.store().Entry(context.Background(), r.c.ID, n)
	if err != nil {
		t.Fatal(err)
	}
	if want := entry.Created.In(hanoi(t, 2017, 1, 1, 0, 0).Location()).Format("02/01/2006 15:04"); photo[7] != want {
		t.Errorf("submitted %q, want %q in the cohort's zone", photo[7], want)
	}
	votes := 0
	rows, _ := f.GetRows("Nhật ký")
	for _, row := range rows {
		if len(row) > 2 && row[1] == "vote" {
			votes++
			if row[2] != "Lê Thị Lan" && row[2] != "Nguyễn Minh Đức" {
				t.Errorf("audit vote by %q, want a voter's name", row[2])
			}
		}
	}
	if votes != 2 {
		t.Errorf("%d votes in the audit sheet, want 2", votes)
	}
	for _, s := range []string{"Thành viên", "Ảnh dự thi"} {
		if p, err := f.GetPanes(s); err != nil || !p.Freeze || p.YSplit != 1 {
			t.Errorf("sheet %s panes %+v %v, want the first row frozen", s, p, err)
		}
		if w, err := f.GetColWidth(s, "A"); err != nil || w < 8 {
			t.Errorf("sheet %s column A width %v %v", s, w, err)
		}
	}

	// A trainee asks for it: refused, no file.
	ls := 0
	lan.say("/export")
	if got := lan.reply(&ls, ""); got.Params["text"] != textRole || len(e.tg.Calls("sendDocument")) != 1 {
		t.Errorf("a trainee's /export answered %q (%d documents sent)", got.Params["text"], len(e.tg.Calls("sendDocument")))
	}

	// The command line writes the same sheets.
	out := filepath.Join(t.TempDir(), "khoa.xlsx")
	if code, stdout, errs := e.run("export", "--cohort", r.c.ID, "--out", out); code != 0 || !strings.Contains(stdout, "khoa.xlsx") {
		t.Fatalf("cohortbot export: exit %d\n%s%s", code, stdout, errs)
	}
	g, err := excelize.OpenFile(out)
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	if !slices.Equal(g.GetSheetList(), sheets) {
		t.Errorf("the file's sheets %q, the chat's %q", g.GetSheetList(), sheets)
	}
	for _, bad := range [][]string{
		{"export", "--cohort", r.c.ID, "--out", "khoa.csv"},
		{"export", "--cohort", "nosuch", "--out", out},
		{"export", "--out", out},
		{"export", "--cohort", r.c.ID, "--out", out, "--lang", "fr"},
	} {
		if code, _, errs := e.run(bad...); code != 2 || errs == "" {
			t.Errorf("%q: exit %d %q, want 2 with a message", bad, code, errs)
		}
	}
}

// formulaCell finds the cell of a sheet that holds value.
func formulaCell(t *testing.T, f *excelize.File, sheet, value string) string {
	t.Helper()
	cells, err := f.SearchSheet(sheet, value)
	if err != nil || len(cells) == 0 {
		t.Fatalf("no cell %q in %s: %v", value, sheet, err)
	}
	return cells[0]
}
