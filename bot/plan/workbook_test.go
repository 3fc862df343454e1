package plan_test

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/unicode/norm"

	"github.com/cohortbot/cohortbot/bot/plan"
	"github.com/cohortbot/cohortbot/docs"
)

// planJSON is a plan's stored form, to compare two plans whole.
func planJSON(tb testing.TB, p *plan.Plan) string {
	tb.Helper()
	b, err := json.MarshalIndent(p, "", " ")
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

func TestWorkbookRoundTrip(t *testing.T) {
	want := mustSample(t)
	for _, lang := range []string{plan.VI, plan.EN} {
		t.Run(lang, func(t *testing.T) {
			raw, err := plan.Workbook(want, lang)
			if err != nil {
				t.Fatal(err)
			}
			got, err := plan.ParseWorkbook("course.xlsx", raw)
			if err != nil {
				t.Fatalf("ParseWorkbook: %v", err)
			}
			if g, w := planJSON(t, got), planJSON(t, want); g != w {
				t.Errorf("round trip:\n got %s\nwant %s", g, w)
			}
		})
	}
}

// sheet is one sheet of a test workbook: rows of cells from A1.
type sheet struct {
	name string
	rows [][]any
}

// book writes a workbook of the given sheets with excelize, as Excel or
// LibreOffice would save it: numbers as numbers, texts as texts. A cell
// given as formula{...} is a formula with its cached value.
func book(tb testing.TB, sheets ...sheet) []byte {
	tb.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, s := range sheets {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", s.name); err != nil {
				tb.Fatal(err)
			}
		} else if _, err := f.NewSheet(s.name); err != nil {
			tb.Fatal(err)
		}
		for r, row := range s.rows {
			for c, v := range row {
				cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
				var err error
				switch v := v.(type) {
				case nil:
				case formula:
					if err = f.SetCellValue(s.name, cell, v.cached); err == nil {
						err = f.SetCellFormula(s.name, cell, v.expr)
					}
				case merged:
					err = f.MergeCell(s.name, cell, string(v))
				default:
					err = f.SetCellValue(s.name, cell, v)
				}
				if err != nil {
					tb.Fatal(err)
				}
			}
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// formula is a formula cell with the value Excel cached for it.
type formula struct {
	expr   string
	cached any
}

// merged merges the cell with the cells up to the one named.
type merged string

// serial is an Excel date number: days since 1899-12-30, the clock as a
// fraction.
func serial(s string) float64 {
	t, err := time.Parse("2006-01-02 15:04", s)
	if err != nil {
		panic(err)
	}
	return float64(t.Sub(time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC))) / float64(24*time.Hour)
}

// course is a small valid workbook, Vietnamese, as an organiser fills it:
// instruction rows, then the header, dates as Excel dates.
func course() []sheet {
	return []sheet{
		{"Khóa học", [][]any{
			{"Thông tin chung"},
			{},
			{"Mục", "Giá trị", "Ghi chú"},
			{"Tên khóa học", "Khóa SXSH"},
			{"Múi giờ", "Asia/Ho_Chi_Minh"},
			{"Nhắc trước buổi học", "1d, 1h"},
			{"Ảnh: mở nhận ảnh", serial("2017-07-15 00:00")},
			{"Ảnh: đóng nhận ảnh", serial("2017-10-25 17:00")},
			{"Ảnh: số giải", 19},
			{"Ảnh: duyệt trước khi hiện", "có"},
		}},
		{"Nhóm", [][]any{
			{"Mỗi dòng một nhóm"},
			{},
			{"Nhóm", "Doanh nghiệp đánh giá"},
			{"Lạng Sơn", "Công ty Xi măng Đồng Bành"},
			{"Hải Phòng"},
		}},
		{"Buổi học", [][]any{
			{"Mỗi dòng một buổi"},
			{},
			{"Mã", "Đợt", "Tiêu đề", "Bắt đầu", "Kết thúc", "Địa điểm"},
			{"p1-am", 1, "Khai giảng", serial("2017-07-10 08:00"), serial("2017-07-10 11:30"), "Hà Nội"},
			{"p1-pm", "1", "Phương pháp luận", "10/07/2017 13:30", "2017-07-10 17:00", "Hà Nội"},
		}},
		{"Hạn nộp", [][]any{
			{"Mỗi dòng một hạn"},
			{},
			{"Mã", "Tiêu đề", "Hạn", "Loại", "Nhóm"},
			{"report", "Nộp báo cáo", serial("2017-10-25 17:00"), "báo cáo"},
			{"visit", "Đăng ký doanh nghiệp", "28/07/2017", "đăng ký", "Lạng Sơn"},
		}},
		{"Danh sách", [][]any{
			{"Danh sách"},
			{},
			{"Họ và tên", "Đơn vị", "Nhóm", "Vai trò", "Điện thoại hoặc e-mail"},
			{"Nguyễn Văn An", "Sở Công Thương", "Lạng Sơn", "học viên", 912345678},
			{"Trần Thị Bích", "", "Hải Phòng", "", "bich@example.vn"},
			{"Phạm Dũng", "EPRO", "", "giảng viên"},
		}},
	}
}

// withCell returns the sheets with one cell of one sheet set (row and
// column 1-based), adding rows as needed.
func withCell(sheets []sheet, name string, row, col int, v any) []sheet {
	out := make([]sheet, len(sheets))
	for i, s := range sheets {
		rows := make([][]any, len(s.rows))
		for r := range s.rows {
			rows[r] = append([]any(nil), s.rows[r]...)
		}
		if s.name == name {
			for len(rows) < row {
				rows = append(rows, nil)
			}
			for len(rows[row-1]) < col {
				rows[row-1] = append(rows[row-1], nil)
			}
			rows[row-1][col-1] = v
		}
		out[i] = sheet{s.name, rows}
	}
	return out
}

func mustWorkbook(tb testing.TB, data []byte) *plan.Plan {
	tb.Helper()
	p, err := plan.ParseWorkbook("course.xlsx", data)
	if err != nil {
		tb.Fatalf("ParseWorkbook:\n%v", err)
	}
	return p
}

// workbookProblems parses a workbook that must be refused and returns its
// problems' lines.
func workbookProblems(tb testing.TB, data []byte) []string {
	tb.Helper()
	p, err := plan.ParseWorkbook("course.xlsx", data)
	if err == nil {
		tb.Fatalf("ParseWorkbook accepted the workbook, want problems")
	}
	if p != nil {
		tb.Errorf("ParseWorkbook returned a plan along with problems")
	}
	var errs plan.Errors
	if !errors.As(err, &errs) {
		tb.Fatalf("error is %T, want plan.Errors", err)
	}
	lines := make([]string, len(errs))
	for i, pr := range errs {
		lines[i] = pr.String()
	}
	return lines
}

func TestParseWorkbook(t *testing.T) {
	p := mustWorkbook(t, book(t, course()...))
	loc := hcm(t)
	at := func(s string) time.Time {
		v, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	if p.Name != "Khóa SXSH" || p.Location.String() != "Asia/Ho_Chi_Minh" {
		t.Errorf("name %q, zone %v", p.Name, p.Location)
	}
	if got, want := p.Groups, []string{"Lạng Sơn", "Hải Phòng"}; !slices.Equal(got, want) {
		t.Errorf("Groups = %q, want %q", got, want)
	}
	if got := p.Enterprises; len(got) != 1 || got["Lạng Sơn"] != "Công ty Xi măng Đồng Bành" {
		t.Errorf("Enterprises = %v", got)
	}
	// An Excel date, a number phase; a typed day-first date, a text phase
	// and an ISO date.
	want := []plan.Session{
		{ID: "p1-am", Phase: 1, Title: "Khai giảng", Starts: at("2017-07-10 08:00"), Ends: at("2017-07-10 11:30"), Place: "Hà Nội"},
		{ID: "p1-pm", Phase: 1, Title: "Phương pháp luận", Starts: at("2017-07-10 13:30"), Ends: at("2017-07-10 17:00"), Place: "Hà Nội"},
	}
	if len(p.Sessions) != 2 {
		t.Fatalf("Sessions = %+v", p.Sessions)
	}
	for i := range want {
		if g, w := p.Sessions[i], want[i]; g.ID != w.ID || g.Phase != w.Phase || g.Title != w.Title || !g.Starts.Equal(w.Starts) || !g.Ends.Equal(w.Ends) || g.Place != w.Place {
			t.Errorf("session %d = %+v, want %+v", i, g, w)
		}
	}
	// A day alone is due at 23:59 that day; kinds in Vietnamese.
	if d, ok := p.Deadline("visit"); !ok || !d.Due.Equal(at("2017-07-28 23:59")) || d.Kind != "registration" || d.Group != "Lạng Sơn" {
		t.Errorf("visit = %+v", d)
	}
	if d, ok := p.Deadline("report"); !ok || !d.Due.Equal(at("2017-10-25 17:00")) || d.Kind != "report" {
		t.Errorf("report = %+v", d)
	}
	if c := p.Contest; c == nil || c.Prizes != 19 || !c.Moderation || !c.Submissions.Closes.Equal(at("2017-10-25 17:00")) || c.LecturerWeight != 1 {
		t.Errorf("Contest = %+v", p.Contest)
	}
	if got, want := p.Reminders.Sessions, []time.Duration{24 * time.Hour, time.Hour}; !slices.Equal(got, want) {
		t.Errorf("session reminders = %v", got)
	}
	wantRoster := []plan.Person{
		{Name: "Nguyễn Văn An", Org: "Sở Công Thương", Group: "Lạng Sơn", Role: plan.Trainee, Contact: "0912345678"},
		{Name: "Trần Thị Bích", Group: "Hải Phòng", Role: plan.Trainee, Contact: "bich@example.vn"},
		{Name: "Phạm Dũng", Org: "EPRO", Role: plan.Lecturer},
	}
	if !slices.Equal(p.Roster, wantRoster) {
		t.Errorf("Roster = %+v, want %+v", p.Roster, wantRoster)
	}
}

// TestParseWorkbookForms: English names, headers in another order and
// case without diacritics, merged cells, a formula, an extra sheet, NFD
// names; the plan is the same.
func TestParseWorkbookForms(t *testing.T) {
	want := planJSON(t, mustWorkbook(t, book(t, course()...)))
	nfd := norm.NFD.String("Nguyễn Văn An")
	english := []sheet{
		{"Notes", [][]any{{"anything"}}},
		{"COURSE", [][]any{
			{"Settings", merged("C1")},
			{"setting", "value"},
			{"Course name", "Khóa SXSH"},
			{"time zone", "Asia/Ho_Chi_Minh"},
			{"Session reminders", "1 ngày; 1 giờ"},
			{"Contest: submissions open", "15/07/2017"},
			{"Contest: submissions close", "25/10/2017 17:00"},
			{"Contest: prizes", formula{"=10+9", 19}},
			{"Contest: moderation", true},
		}},
		{"groups", [][]any{{"group", "ENTERPRISE"}, {"Lạng Sơn", "Công ty Xi măng Đồng Bành"}, {"Hải Phòng"}}},
		{"buoi hoc", [][]any{
			{"Place", "Title", "id", "starts", "ends", "phase"},
			{"Hà Nội", "Khai giảng", "p1-am", "2017-07-10 08:00", "10/7/2017 11:30", 1.0},
			{"Hà Nội", "Phương pháp luận", "p1-pm", serial("2017-07-10 13:30"), serial("2017-07-10 17:00"), "1"},
		}},
		{"Deadlines", [][]any{
			{"ID", "Title", "Due", "Kind", "Group"},
			{"report", "Nộp báo cáo", "25/10/2017 17:00", "report"},
			{"visit", "Đăng ký doanh nghiệp", serial("2017-07-28 23:59"), "registration", "Lạng Sơn"},
		}},
		{"Roster", [][]any{
			{"Full name", "Organisation", "Group", "Role", "Phone or e-mail"},
			{nfd, "Sở Công Thương", "Lạng Sơn", "trainee", "0912345678"},
			{"  Trần  Thị Bích ", nil, "Hải Phòng", nil, "bich@example.vn"},
			{"Phạm Dũng", "EPRO", nil, "Lecturer"},
		}},
	}
	if got := planJSON(t, mustWorkbook(t, book(t, english...))); got != want {
		t.Errorf("English workbook:\n got %s\nwant %s", got, want)
	}
}

func TestParseWorkbookProblems(t *testing.T) {
	tests := []struct {
		name   string
		sheets []sheet
		want   []string
	}{
		{"a date that is not a date", withCell(course(), "Buổi học", 4, 4, "mai"),
			[]string{`course.xlsx: Buổi học!D4: not a date and time: "mai"; want DD/MM/YYYY HH:MM`}},
		{"a session without its clock", withCell(course(), "Buổi học", 4, 4, "10/07/2017"),
			[]string{`course.xlsx: Buổi học!D4: not a date and time: "10/07/2017"; want DD/MM/YYYY HH:MM`}},
		{"a session that ends before it starts", withCell(course(), "Buổi học", 5, 5, "10/07/2017 12:00"),
			[]string{`course.xlsx: Buổi học!E5: before starts`}},
		{"a group in the roster not in Nhóm", withCell(course(), "Danh sách", 5, 3, "Hà Nam"),
			[]string{`course.xlsx: Danh sách!C5: unknown group "Hà Nam": not among the groups`}},
		{"a deadline's group not in Nhóm", withCell(course(), "Hạn nộp", 5, 5, "Hà Nam"),
			[]string{`course.xlsx: Hạn nộp!E5: unknown group "Hà Nam": not among the groups`}},
		{"a duplicate id", withCell(course(), "Hạn nộp", 5, 1, "p1-am"),
			[]string{`course.xlsx: Hạn nộp!A5: duplicate id "p1-am" (first at Buổi học!A4)`}},
		{"a duplicate group", withCell(course(), "Nhóm", 6, 1, "Lạng Sơn"),
			[]string{`course.xlsx: Nhóm!A6: duplicate group "Lạng Sơn" (first at Nhóm!A4)`}},
		{"an unknown deadline kind", withCell(course(), "Hạn nộp", 4, 4, "tiệc"),
			[]string{`course.xlsx: Hạn nộp!D4: unknown deadline kind "tiệc": want registration or data or report or photos or other`}},
		{"a missing value", withCell(course(), "Buổi học", 5, 3, nil),
			[]string{`course.xlsx: Buổi học!C5: required`}},
		{"a missing column", withCell(course(), "Buổi học", 3, 3, "Ghi chú"),
			[]string{`course.xlsx: Buổi học!A3: missing column «Tiêu đề»`}},
		{"a missing name", withCell(course(), "Khóa học", 4, 2, nil),
			[]string{`course.xlsx: Khóa học: missing «Tên khóa học» (Course name)`}},
		{"an unknown role", withCell(course(), "Danh sách", 6, 4, "khách"),
			[]string{`course.xlsx: Danh sách!D6: unknown role "khách": want trainee or lecturer or organiser`}},
		{"a lecturer in a group", withCell(course(), "Danh sách", 6, 3, "Lạng Sơn"),
			[]string{`course.xlsx: Danh sách!C6: only trainees have a group`}},
		{"a trainee without a group", withCell(course(), "Danh sách", 5, 3, nil),
			[]string{`course.xlsx: Danh sách!C5: required`}},
		{"two identical names in a group", withCell(withCell(course(), "Danh sách", 5, 1, norm.NFD.String("nguyễn văn an")), "Danh sách", 5, 3, "Lạng Sơn"),
			[]string{`course.xlsx: Danh sách!A5: duplicate name "nguyễn văn an" in group "Lạng Sơn" (first at Danh sách!A4)`}},
		{"an unknown label", withCell(course(), "Khóa học", 11, 1, "Ảnh: số giả"),
			[]string{`course.xlsx: Khóa học!A11: unknown setting "Ảnh: số giả" (did you mean "Ảnh: số giải"?)`}},
		{"an unknown label, nothing near", withCell(course(), "Khóa học", 11, 1, "Bữa trưa"),
			[]string{`course.xlsx: Khóa học!A11: unknown setting "Bữa trưa"`}},
		{"a bad duration", withCell(course(), "Khóa học", 6, 2, "1 tuần"),
			[]string{`course.xlsx: Khóa học!B6: bad duration "1tuần": want a whole number and m, h or d, such as 90m, 1h or 7d`}},
		{"not yes or no", withCell(course(), "Khóa học", 10, 2, "tùy"),
			[]string{`course.xlsx: Khóa học!B10: want true or false, got "tùy"`}},
		{"a window that closes before it opens", withCell(course(), "Khóa học", 8, 2, serial("2017-07-01 00:00")),
			[]string{`course.xlsx: Khóa học!B8: before opens`}},
		{"a setting that needs another", withCell(withCell(course(), "Khóa học", 7, 2, nil), "Khóa học", 8, 2, nil),
			[]string{`course.xlsx: Khóa học: missing «Ảnh: mở nhận ảnh» (Contest: submissions open)`}},
		{"a phase that is not a number", withCell(course(), "Buổi học", 4, 2, "một"),
			[]string{`course.xlsx: Buổi học!B4: want a whole number, got "một"`}},
		{"no course sheet", course()[1:],
			[]string{`course.xlsx: no sheet "Khóa học" (or "Course"): it holds the course's name`}},
		{"no header row", []sheet{{"Khóa học", [][]any{{"Tên khóa học", "x"}}}},
			[]string{`course.xlsx: Khóa học: no header row: want a row with «Mục» and «Giá trị» in the first 10 rows`}},
		{"every problem, in reading order", withCell(withCell(withCell(course(), "Danh sách", 5, 3, "Hà Nam"), "Buổi học", 4, 4, "mai"), "Khóa học", 11, 1, "Bữa trưa"),
			[]string{
				`course.xlsx: Khóa học!A11: unknown setting "Bữa trưa"`,
				`course.xlsx: Buổi học!D4: not a date and time: "mai"; want DD/MM/YYYY HH:MM`,
				`course.xlsx: Danh sách!C5: unknown group "Hà Nam": not among the groups`,
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := workbookProblems(t, book(t, tt.sheets...))
			if !slices.Equal(got, tt.want) {
				t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

// rezip rewrites one member of a ZIP file.
func rezip(tb testing.TB, data []byte, name string, edit func([]byte) []byte) []byte {
	tb.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		tb.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, zf := range zr.File {
		rc, err := zf.Open()
		if err != nil {
			tb.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			tb.Fatal(err)
		}
		if zf.Name == name {
			b = edit(b)
		}
		w, err := zw.Create(zf.Name)
		if err != nil {
			tb.Fatal(err)
		}
		if _, err := w.Write(b); err != nil {
			tb.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

func TestParseWorkbookRefusesWhatIsNotAWorkbook(t *testing.T) {
	good := book(t, course()...)
	xlsm := rezip(t, good, "[Content_Types].xml", func(b []byte) []byte {
		return bytes.Replace(b, []byte("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"),
			[]byte("application/vnd.ms-excel.sheet.macroEnabled.main+xml"), 1)
	})
	docx := rezip(t, good, "[Content_Types].xml", func(b []byte) []byte {
		return bytes.Replace(b, []byte("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"),
			[]byte("application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"), 1)
	})
	var zipOnly bytes.Buffer
	zw := zip.NewWriter(&zipOnly)
	if w, err := zw.Create("hello.txt"); err != nil {
		t.Fatal(err)
	} else {
		w.Write([]byte("hi"))
	}
	zw.Close()
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"a YAML plan renamed .xlsx", docs.SamplePlan, "course.xlsx: not an Excel workbook (.xlsx)"},
		{"a PNG", []byte("\x89PNG\r\n\x1a\n...."), "course.xlsx: not an Excel workbook (.xlsx)"},
		{"a ZIP that is no workbook", zipOnly.Bytes(), "course.xlsx: not an Excel workbook (.xlsx)"},
		{"a Word document", docx, "course.xlsx: not an Excel workbook (.xlsx)"},
		{"a workbook with macros", xlsm, "course.xlsx: a workbook with macros (.xlsm) is refused: save it as an Excel workbook (.xlsx)"},
		{"an old .xls", append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 512)...), "course.xlsx: an old Excel file (.xls) or a protected workbook: save it as an Excel workbook (.xlsx) without a password"},
		{"too big", append(append([]byte(nil), good...), make([]byte, plan.MaxWorkbookBytes)...), "course.xlsx: workbook of 10.0 MB: at most 10 MB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := workbookProblems(t, tt.data)
			if len(got) != 1 || got[0] != tt.want {
				t.Errorf("problems %q, want %q", got, tt.want)
			}
		})
	}
	if !plan.IsWorkbook(good) || !plan.IsWorkbook(xlsm) || plan.IsWorkbook(docs.SamplePlan) {
		t.Errorf("IsWorkbook: want true for ZIP files only")
	}
}

// TestParseWorkbookRosterBound: a roster beyond MaxRoster rows is refused
// with one problem, read as a stream.
func TestParseWorkbookRosterBound(t *testing.T) {
	sheets := course()
	roster := &sheets[len(sheets)-1]
	for i := 0; i <= plan.MaxRoster; i++ {
		roster.rows = append(roster.rows, []any{fmt.Sprintf("Học viên %d", i), "", "Lạng Sơn"})
	}
	got := workbookProblems(t, book(t, sheets...))
	if want := []string{"course.xlsx: Danh sách: more than 5000 rows: at most 5000"}; !slices.Equal(got, want) {
		t.Errorf("problems %q, want %q", got, want)
	}
}

// TestWorkbookProblemsInVietnamese: every problem has its Vietnamese
// text, with the same place.
func TestWorkbookProblemsInVietnamese(t *testing.T) {
	data := book(t, withCell(withCell(course(), "Hạn nộp", 5, 1, "p1-am"), "Buổi học", 4, 4, "mai")...)
	_, err := plan.ParseWorkbook("course.xlsx", data)
	var errs plan.Errors
	if !errors.As(err, &errs) || len(errs) != 2 {
		t.Fatalf("err = %v, want two problems", err)
	}
	want := []string{
		`Buổi học!D4: không phải ngày giờ: "mai"; cần DD/MM/YYYY HH:MM`,
		`Hạn nộp!A5: mã "p1-am" bị lặp (lần đầu ở Buổi học!A4)`,
	}
	for i, p := range errs {
		if got := p.Place() + ": " + p.Text(plan.VI); got != want[i] {
			t.Errorf("problem %d in Vietnamese = %q, want %q", i, got, want[i])
		}
	}
	// YAML problems too, with their line.
	_, err = plan.Parse("plan.yaml", []byte("name: x\nsessions:\n  - {id: a, title: A, starts: \"2017-07-10 08:00\", ends: \"2017-07-10 07:00\"}\n  - {id: a, title: B, starts: \"2017-07-10 08:00\", ends: \"2017-07-10 09:00\"}\n"))
	if !errors.As(err, &errs) || len(errs) != 2 {
		t.Fatalf("err = %v, want two problems", err)
	}
	if got, want := errs[0].Text(plan.VI), "trước giờ bắt đầu"; got != want {
		t.Errorf("Text(vi) = %q, want %q", got, want)
	}
	if got, want := errs[1].Text(plan.VI), `mã "a" bị lặp (lần đầu ở dòng 3)`; got != want {
		t.Errorf("Text(vi) = %q, want %q", got, want)
	}
	if got, want := errs[1].String(), `plan.yaml:4: sessions[1].id: duplicate id "a" (first at line 3)`; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
}

// TestWorkbookRoundTripRoster: the roster, the groups' enterprises and a
// deadline's group come back, in both languages.
func TestWorkbookRoundTripRoster(t *testing.T) {
	want := mustWorkbook(t, book(t, course()...))
	for _, lang := range []string{plan.VI, plan.EN} {
		raw, err := plan.Workbook(want, lang)
		if err != nil {
			t.Fatal(err)
		}
		if got, w := planJSON(t, mustWorkbook(t, raw)), planJSON(t, want); got != w {
			t.Errorf("%s round trip:\n got %s\nwant %s", lang, got, w)
		}
	}
}

// TestWorkbookExampleInDocs: the filled example under docs/ is a clean
// course, its roster in every group.
func TestWorkbookExampleInDocs(t *testing.T) {
	raw, err := os.ReadFile("../../docs/course.example.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	p := mustWorkbook(t, raw)
	perGroup := map[string]int{}
	for _, pr := range p.Roster {
		perGroup[pr.Group]++
	}
	for _, g := range p.Groups {
		if perGroup[g] == 0 {
			t.Errorf("group %s has nobody on the example roster", g)
		}
	}
	if len(p.Sessions) != 16 || len(p.Enterprises) == 0 {
		t.Errorf("example: %d sessions, enterprises %v", len(p.Sessions), p.Enterprises)
	}
}

// TestParseWorkbookRefusesAZipBomb: a small file that unzips to more than
// the bound is refused before its sheets are read.
func TestParseWorkbookRefusesAZipBomb(t *testing.T) {
	good := book(t, course()...)
	bomb := rezip(t, good, "xl/worksheets/sheet1.xml", func(b []byte) []byte {
		return bytes.Replace(b, []byte("<sheetData>"), append([]byte("<sheetData>"), bytes.Repeat([]byte(" "), 70<<20)...), 1)
	})
	if len(bomb) > 1<<20 {
		t.Fatalf("the bomb is %d bytes, want a small file", len(bomb))
	}
	got := workbookProblems(t, bomb)
	if want := []string{"course.xlsx: the workbook unzips to more than 64 MB: is it a workbook at all?"}; !slices.Equal(got, want) {
		t.Errorf("problems %q, want %q", got, want)
	}
}
