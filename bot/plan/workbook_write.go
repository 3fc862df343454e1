package plan

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// WorkbookMIME is the type of what Workbook writes.
const WorkbookMIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// dataRow is the first row of data on a table sheet: two rows of
// instructions and the header come first.
const dataRow = 4

// listRows is how far down the drop-down lists and date formats reach
// below the data, so that rows an organiser adds get them too.
const listRows = 300

// Workbook writes the plan as the course workbook that ParseWorkbook
// reads back to the same plan: the sheets, headers and instructions in
// lang (VI or EN), date cells with a date format, drop-down lists where a
// value comes from a list, the header rows frozen and the columns sized.
func Workbook(p *Plan, lang string) ([]byte, error) {
	li := 0
	if lang == EN {
		li = 1
	}
	w, err := newBookWriter(p, li)
	if err != nil {
		return nil, err
	}
	defer w.f.Close()
	steps := []func() error{w.course, w.groups, w.sessions, w.deadlines, w.criteria, w.roster}
	for _, step := range steps {
		if err := step(); err != nil {
			return nil, fmt.Errorf("write workbook: %w", err)
		}
	}
	w.f.SetActiveSheet(0)
	var buf bytes.Buffer
	if err := w.f.Write(&buf); err != nil {
		return nil, fmt.Errorf("write workbook: %w", err)
	}
	return buf.Bytes(), nil
}

type bookWriter struct {
	f    *excelize.File
	p    *Plan
	li   int // 0 Vietnamese, 1 English
	lang string
	// styles
	head, note, date, text, title, left, pct int
}

func newBookWriter(p *Plan, li int) (*bookWriter, error) {
	f := excelize.NewFile()
	w := &bookWriter{f: f, p: p, li: li, lang: [2]string{VI, EN}[li]}
	dateFmt := "dd/mm/yyyy hh:mm"
	left := &excelize.Alignment{Horizontal: "left"}
	styles := []struct {
		id *int
		s  *excelize.Style
	}{
		{&w.head, &excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}},
			Border: []excelize.Border{{Type: "bottom", Color: "8EA9DB", Style: 1}}}},
		{&w.note, &excelize.Style{Font: &excelize.Font{Italic: true, Color: "595959"}}},
		{&w.title, &excelize.Style{Font: &excelize.Font{Bold: true, Size: 13}}},
		{&w.date, &excelize.Style{CustomNumFmt: &dateFmt, Alignment: left}},
		{&w.left, &excelize.Style{Alignment: left}},
		{&w.pct, &excelize.Style{NumFmt: 9, Alignment: left}}, // 0%
		// Text ("@"): an id, a phone number or a clock stays as typed.
		{&w.text, &excelize.Style{NumFmt: 49, Alignment: left}},
	}
	for _, st := range styles {
		id, err := f.NewStyle(st.s)
		if err != nil {
			f.Close()
			return nil, err
		}
		*st.id = id
	}
	return w, nil
}

func (w *bookWriter) name(k sheetKind) string { return sheetNames[k][w.li] }

// instructions of each sheet, two lines, Vietnamese and English.
var instructions = map[sheetKind][2][2]string{
	sheetCourse: {
		{"Thông tin chung của khóa học. Sửa cột «Giá trị»; để trống một mục là bỏ qua mục đó.", "The course's settings. Edit the «Value» column; an empty value leaves the setting out."},
		{"Gửi tệp này cho bot (hoặc cohortbot plan apply) để tạo hoặc cập nhật khóa học.", "Send this file to the bot (or cohortbot plan apply) to create or update the course."},
	},
	sheetGroups: {
		{"Mỗi dòng một nhóm (thường là một tỉnh). Doanh nghiệp đánh giá có thể để trống.", "One group per row (usually a province). The enterprise may stay empty."},
		{"Tên nhóm ở đây là danh sách chọn của cột «Nhóm» ở các trang khác.", "These names are the choices of the «Group» column on the other sheets."},
	},
	sheetSessions: {
		{"Mỗi dòng một buổi học. Mã: 1–32 ký tự a-z 0-9 - _, không trùng (kể cả với hạn nộp); giữ nguyên mã khi sửa buổi.", "One session per row. Id: 1–32 of a-z 0-9 - _, unique (deadlines included); keep it when you edit a session."},
		{"Ngày giờ: DD/MM/YYYY HH:MM (ví dụ 10/07/2017 08:00). Đợt: 1 hoặc 2.", "Dates: DD/MM/YYYY HH:MM (e.g. 10/07/2017 08:00). Phase: 1 or 2."},
	},
	sheetDeadlines: {
		{"Mỗi dòng một hạn nộp. Mã không trùng với buổi học hay hạn khác; Loại chọn trong danh sách.", "One deadline per row. Ids unique across sessions and deadlines; pick the kind from the list."},
		{"Hạn: DD/MM/YYYY HH:MM (chỉ ghi ngày là 23:59 ngày đó). Nhóm: để trống nếu hạn cho mọi nhóm.", "Due: DD/MM/YYYY HH:MM (a day alone is 23:59 that day). Group: empty for every group."},
	},
	sheetCriteria: {
		{"Các tiêu chí chấm báo cáo và điểm tối đa của mỗi tiêu chí.", "The report scoring criteria and each one's maximum."},
		{"Thời gian chấm và trọng số ở trang «Khóa học».", "The scoring window and weights are on the «Course» sheet."},
	},
	sheetRoster: {
		{"Danh sách người tham gia: học viên chọn nhóm rồi chọn tên mình khi vào bot. Hai người cùng tên trong một nhóm: thêm chữ phân biệt.", "Who takes part: trainees pick their group, then their name, when they join. Two people of one name in a group: tell them apart."},
		{"Vai trò: học viên, giảng viên hoặc ban tổ chức (trống là học viên). Chỉ học viên có nhóm.", "Role: trainee, lecturer or organiser (empty: trainee). Only trainees have a group."},
	},
}

// start names the sheet (the first renames Sheet1), writes its two
// instruction rows, and returns the name.
func (w *bookWriter) start(k sheetKind) (string, error) {
	name := w.name(k)
	if k == sheetCourse {
		if err := w.f.SetSheetName("Sheet1", name); err != nil {
			return "", err
		}
	} else if _, err := w.f.NewSheet(name); err != nil {
		return "", err
	}
	for i, line := range instructions[k] {
		cell := "A" + strconv.Itoa(i+1)
		if err := w.f.SetCellValue(name, cell, line[w.li]); err != nil {
			return "", err
		}
		style := w.note
		if i == 0 {
			style = w.title
		}
		if err := w.f.SetCellStyle(name, cell, cell, style); err != nil {
			return "", err
		}
	}
	return name, nil
}

// table writes a header in row 3 and the rows below, freezes the first
// three rows and sizes the columns.
func (w *bookWriter) table(name string, headers []string, rows [][]any) error {
	for i, h := range headers {
		cell, _ := excelize.CoordinatesToCellName(i+1, dataRow-1)
		if err := w.f.SetCellValue(name, cell, h); err != nil {
			return err
		}
	}
	last, _ := excelize.CoordinatesToCellName(len(headers), dataRow-1)
	if err := w.f.SetCellStyle(name, "A3", last, w.head); err != nil {
		return err
	}
	widths := make([]int, len(headers))
	for i, h := range headers {
		widths[i] = utf8.RuneCountInString(h)
	}
	for r, row := range rows {
		for c, v := range row {
			cell, _ := excelize.CoordinatesToCellName(c+1, dataRow+r)
			if err := w.set(name, cell, v); err != nil {
				return err
			}
			widths[c] = max(widths[c], width(v))
		}
	}
	for i, wd := range widths {
		col, _ := excelize.ColumnNumberToName(i + 1)
		if err := w.f.SetColWidth(name, col, col, float64(min(max(wd+2, 8), 60))); err != nil {
			return err
		}
	}
	if err := w.f.SetPanes(name, &excelize.Panes{Freeze: true, YSplit: dataRow - 1, TopLeftCell: "A" + strconv.Itoa(dataRow), ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	// Printed (or turned into a PDF): A4 landscape, one page wide.
	a4, landscape, one, any := 9, "landscape", 1, 0
	if err := w.f.SetPageLayout(name, &excelize.PageLayoutOptions{Size: &a4, Orientation: &landscape, FitToWidth: &one, FitToHeight: &any}); err != nil {
		return err
	}
	fit := true
	return w.f.SetSheetProps(name, &excelize.SheetPropsOptions{FitToPage: &fit})
}

func width(v any) int {
	switch v := v.(type) {
	case nil:
		return 0
	case string:
		return utf8.RuneCountInString(v)
	case time.Time:
		return 16
	}
	return len(fmt.Sprint(v))
}

// set writes one value: times as Excel dates in the plan's wall clock,
// texts as text.
func (w *bookWriter) set(sheet, cell string, v any) error {
	switch v := v.(type) {
	case nil:
		return nil
	case time.Time:
		if v.IsZero() {
			return nil
		}
		// Excel has no zones: the wall clock of the plan's zone.
		l := v.In(w.p.Location)
		wall := time.Date(l.Year(), l.Month(), l.Day(), l.Hour(), l.Minute(), 0, 0, time.UTC)
		if err := w.f.SetCellValue(sheet, cell, wall); err != nil {
			return err
		}
		return w.f.SetCellStyle(sheet, cell, cell, w.date)
	case string:
		if err := w.f.SetCellStr(sheet, cell, v); err != nil {
			return err
		}
		if formulaLike(v) || looksNumeric(v) {
			return w.f.SetCellStyle(sheet, cell, cell, w.text)
		}
		return nil
	}
	return w.f.SetCellValue(sheet, cell, v)
}

// formulaLike and looksNumeric say when a text must be marked as text,
// so that editing it in Excel keeps it (=x, an id "01", a phone number).
func formulaLike(s string) bool { return s != "" && strings.ContainsRune("=+-@", rune(s[0])) }

func looksNumeric(s string) bool {
	_, err := strconv.ParseFloat(s, 64)
	return err == nil || strings.Contains(s, ":")
}

// dropList adds a drop-down list on a column's data rows: literal values,
// or a range of another sheet when ref is set.
func (w *bookWriter) dropList(sheet string, col int, values []string, ref string) error {
	c, _ := excelize.ColumnNumberToName(col)
	dv := excelize.NewDataValidation(true)
	dv.Sqref = fmt.Sprintf("%s%d:%s%d", c, dataRow, c, dataRow+listRows)
	if ref != "" {
		dv.SetSqrefDropList(ref)
	} else if err := dv.SetDropList(values); err != nil {
		return err
	}
	return w.f.AddDataValidation(sheet, dv)
}

// dateColumn gives a column's empty rows the date format, so that a date
// typed there is shown as one.
func (w *bookWriter) dateColumn(sheet string, col, from int) error {
	c, _ := excelize.ColumnNumberToName(col)
	return w.f.SetCellStyle(sheet, fmt.Sprintf("%s%d", c, from), fmt.Sprintf("%s%d", c, dataRow+listRows), w.date)
}

func (w *bookWriter) headers(k sheetKind) []string {
	var out []string
	for _, c := range tables[k] {
		out = append(out, c.headers[w.li])
	}
	return out
}

// groupsRef is the range of group names, the source of the group lists.
func (w *bookWriter) groupsRef() string {
	return fmt.Sprintf("'%s'!$A$%d:$A$%d", w.name(sheetGroups), dataRow, dataRow+listRows)
}

func (w *bookWriter) course() error {
	name, err := w.start(sheetCourse)
	if err != nil {
		return err
	}
	p := w.p
	values := map[string]any{
		"name": p.Name, "timezone": p.Timezone,
		"reminders.sessions": durationList(p.Reminders.Sessions), "reminders.deadlines": durationList(p.Reminders.Deadlines),
	}
	if p.QuietHours != nil {
		values["quiet_hours"] = p.QuietHours.String()
	}
	if p.DigestAt != nil {
		values["digest_at"] = p.DigestAt.String()
	}
	yes := func(b bool) string {
		if b {
			return [2]string{"có", "yes"}[w.li]
		}
		return [2]string{"không", "no"}[w.li]
	}
	if c := p.Contest; c != nil {
		values["contest.submissions.opens"] = c.Submissions.Opens
		values["contest.submissions.closes"] = c.Submissions.Closes
		values["contest.voting.opens"] = c.Voting.Opens
		values["contest.voting.closes"] = c.Voting.Closes
		values["contest.prizes"] = c.Prizes
		values["contest.moderation"] = yes(c.Moderation)
		values["contest.max_photos_per_member"] = c.MaxPhotosPerMember
		values["contest.votes_per_voter"] = c.VotesPerVoter
		values["contest.lecturer_weight"] = c.LecturerWeight
		values["contest.totals"] = wordOf("vis", c.Totals, w.lang)
		values["contest.show_group"] = yes(c.ShowGroup)
		values["contest.categories"] = strings.Join(c.Categories, "; ")
	}
	if s := p.Scoring; s != nil {
		values["scoring.window.opens"] = s.Window.Opens
		values["scoring.window.closes"] = s.Window.Closes
		values["scoring.weights.lecturer"] = s.Weights.Lecturer
		values["scoring.weights.trainee"] = s.Weights.Trainee
		values["scoring.ranking"] = wordOf("vis", s.Ranking, w.lang)
	}
	if c := p.Certificate; c != nil {
		values["certificate.requires.attendance"] = c.Requires.Attendance
		values["certificate.requires.report"] = yes(c.Requires.Report)
		values["certificate.issuer"] = c.Issuer
	}
	var rows [][]any
	for _, s := range settings {
		rows = append(rows, []any{s.label[w.li], values[s.path], s.note[w.li]})
	}
	// The course sheet's header is row 3 like the others'.
	if err := w.table(name, []string{labelHeaders[w.li], valueHeaders[w.li], noteHeaders[w.li]}, rows); err != nil {
		return err
	}
	for i, s := range settings {
		cell := "B" + strconv.Itoa(dataRow+i)
		var err error
		switch s.kind {
		case boolValue:
			err = w.cellList(name, cell, [2][]string{{"có", "không"}, {"yes", "no"}}[w.li])
		case enumValue:
			err = w.cellList(name, cell, []string{wordOf("vis", Hidden, w.lang), wordOf("vis", Live, w.lang)})
		case timeValue, timeOpensValue, timeDueValue:
			err = w.f.SetCellStyle(name, cell, cell, w.date)
		case shareValue:
			err = w.f.SetCellStyle(name, cell, cell, w.pct)
		case intValue, numberValue:
			err = w.f.SetCellStyle(name, cell, cell, w.left)
		case textValue, clockValue, durationsValue:
			err = w.f.SetCellStyle(name, cell, cell, w.text)
		}
		if err != nil {
			return err
		}
	}
	if err := w.f.SetCellStyle(name, "C"+strconv.Itoa(dataRow), "C"+strconv.Itoa(dataRow+len(settings)), w.note); err != nil {
		return err
	}
	// The value column fits the longest value (the issuer, the name).
	wd := 40
	for _, v := range values {
		wd = max(wd, width(v)+2)
	}
	return w.f.SetColWidth(name, "B", "B", float64(min(wd, 80)))
}

func (w *bookWriter) cellList(sheet, cell string, values []string) error {
	dv := excelize.NewDataValidation(true)
	dv.Sqref = cell
	if err := dv.SetDropList(values); err != nil {
		return err
	}
	return w.f.AddDataValidation(sheet, dv)
}

// durationList writes reminder leads as the plan file does: "1d, 1h";
// "không" (none) for an empty list.
func durationList(ds []time.Duration) string {
	if len(ds) == 0 {
		return "không"
	}
	parts := make([]string, len(ds))
	for i, d := range ds {
		switch {
		case d%(24*time.Hour) == 0:
			parts[i] = fmt.Sprintf("%dd", d/(24*time.Hour))
		case d%time.Hour == 0:
			parts[i] = fmt.Sprintf("%dh", d/time.Hour)
		default:
			parts[i] = fmt.Sprintf("%dm", d/time.Minute)
		}
	}
	return strings.Join(parts, ", ")
}

func (w *bookWriter) groups() error {
	name, err := w.start(sheetGroups)
	if err != nil {
		return err
	}
	var rows [][]any
	for _, g := range w.p.Groups {
		rows = append(rows, []any{g, nilIfEmpty(w.p.Enterprises[g])})
	}
	return w.table(name, w.headers(sheetGroups), rows)
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func (w *bookWriter) sessions() error {
	name, err := w.start(sheetSessions)
	if err != nil {
		return err
	}
	var rows [][]any
	for _, s := range w.p.Sessions {
		var phase any
		if s.Phase != 0 {
			phase = s.Phase
		}
		rows = append(rows, []any{s.ID, phase, s.Title, s.Starts, s.Ends, nilIfEmpty(s.Place)})
	}
	if err := w.table(name, w.headers(sheetSessions), rows); err != nil {
		return err
	}
	if err := w.dropList(name, 2, []string{"1", "2"}, ""); err != nil {
		return err
	}
	if err := w.f.SetCellStyle(name, "B"+strconv.Itoa(dataRow), "B"+strconv.Itoa(dataRow+listRows), w.left); err != nil {
		return err
	}
	for _, col := range []int{4, 5} {
		if err := w.dateColumn(name, col, dataRow+len(rows)); err != nil {
			return err
		}
	}
	return nil
}

func (w *bookWriter) deadlines() error {
	name, err := w.start(sheetDeadlines)
	if err != nil {
		return err
	}
	var rows [][]any
	for _, d := range w.p.Deadlines {
		var kind any
		if d.Kind != "" {
			kind = wordOf("kind", d.Kind, w.lang)
		}
		rows = append(rows, []any{d.ID, d.Title, d.Due, kind, nilIfEmpty(d.Group)})
	}
	if err := w.table(name, w.headers(sheetDeadlines), rows); err != nil {
		return err
	}
	var kinds []string
	for _, k := range Kinds {
		kinds = append(kinds, wordOf("kind", k, w.lang))
	}
	if err := w.dropList(name, 4, kinds, ""); err != nil {
		return err
	}
	if err := w.dropList(name, 5, nil, w.groupsRef()); err != nil {
		return err
	}
	return w.dateColumn(name, 3, dataRow+len(rows))
}

func (w *bookWriter) criteria() error {
	name, err := w.start(sheetCriteria)
	if err != nil {
		return err
	}
	var rows [][]any
	if w.p.Scoring != nil {
		for _, c := range w.p.Scoring.Criteria {
			rows = append(rows, []any{c.Name, c.Max})
		}
	}
	return w.table(name, w.headers(sheetCriteria), rows)
}

func (w *bookWriter) roster() error {
	name, err := w.start(sheetRoster)
	if err != nil {
		return err
	}
	var rows [][]any
	for _, p := range w.p.Roster {
		rows = append(rows, []any{p.Name, nilIfEmpty(p.Org), nilIfEmpty(p.Group), wordOf("role", p.Role, w.lang), nilIfEmpty(p.Contact)})
	}
	if err := w.table(name, w.headers(sheetRoster), rows); err != nil {
		return err
	}
	if err := w.dropList(name, 3, nil, w.groupsRef()); err != nil {
		return err
	}
	var roles []string
	for _, r := range []string{Trainee, Lecturer, Organiser} {
		roles = append(roles, wordOf("role", r, w.lang))
	}
	if err := w.dropList(name, 4, roles, ""); err != nil {
		return err
	}
	// Phone numbers keep their leading zero.
	return w.f.SetCellStyle(name, "E"+strconv.Itoa(dataRow), "E"+strconv.Itoa(dataRow+max(listRows, len(rows))), w.text)
}
