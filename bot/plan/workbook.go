package plan

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/unicode/norm"
	"gopkg.in/yaml.v3"
)

// The course workbook is the plan as Excel: what ministry staff fill in.
// The reader does not check a plan itself: it turns the sheets into the
// node tree a YAML plan would have, each node's line standing for a cell,
// and runs the YAML parser's checks on it, so that both forms give the
// same Plan and the same problems, placed at a cell instead of a line.

// Bounds of a workbook.
const (
	MaxWorkbookBytes = 10 << 20 // the file as sent
	maxUnzipped      = 64 << 20 // a 5,000-row roster is a few MB unzipped; more is a ZIP bomb
	maxSheetRows     = 1000     // data rows of a sheet other than the roster
	headerRows       = 10       // instruction rows allowed above a sheet's header
)

// Content types of a workbook's main part ([Content_Types].xml).
const (
	xlsxMain = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
	xlsmMain = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
)

// IsWorkbook reports whether data looks like a workbook rather than a YAML
// plan: a ZIP file (.xlsx, .xlsm) or an old binary .xls. ParseWorkbook
// then says which it is.
func IsWorkbook(data []byte) bool {
	return bytes.HasPrefix(data, []byte("PK\x03\x04")) || bytes.HasPrefix(data, oleMagic)
}

var oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}

// sheetKind is one of the workbook's sheets, by what it holds.
type sheetKind int

const (
	sheetCourse sheetKind = iota
	sheetGroups
	sheetSessions
	sheetDeadlines
	sheetCriteria
	sheetRoster
	sheetKinds
)

// sheetNames are the sheets' names, Vietnamese first: the writer uses
// them, the reader accepts either, whatever the case and diacritics.
var sheetNames = [sheetKinds][2]string{
	{"Khóa học", "Course"},
	{"Nhóm", "Groups"},
	{"Buổi học", "Sessions"},
	{"Hạn nộp", "Deadlines"},
	{"Tiêu chí chấm", "Criteria"},
	{"Danh sách", "Roster"},
}

// column is a column of a table sheet: its key in the YAML item, its
// headers (Vietnamese first, then English, then other accepted forms).
type column struct {
	key      string
	headers  []string
	required bool
	kind     valueKind
}

type valueKind int

const (
	textValue valueKind = iota
	intValue
	numberValue
	boolValue
	timeValue      // a time that needs its clock
	timeOpensValue // a time; a date alone is 00:00
	timeDueValue   // a time; a date alone is 23:59
	listValue      // texts separated by ; or new lines
	durationsValue // reminder leads separated by , or ;
	clockValue     // HH:MM, or an Excel time
	shareValue     // a share from 0 to 1, or a percentage
	enumValue      // a word of words
	phoneValue     // a phone number or an e-mail address
)

// tables are the columns of each table sheet; the first is the key column
// that finds the header row.
var tables = map[sheetKind][]column{
	sheetGroups: {
		{key: "name", headers: []string{"Nhóm", "Group", "Tên nhóm", "Group name"}, required: true},
		{key: "enterprise", headers: []string{"Doanh nghiệp đánh giá", "Enterprise", "Doanh nghiệp"}},
	},
	sheetSessions: {
		{key: "id", headers: []string{"Mã", "ID", "Mã buổi"}, required: true},
		{key: "phase", headers: []string{"Đợt", "Phase"}, kind: intValue},
		{key: "title", headers: []string{"Tiêu đề", "Title", "Nội dung"}, required: true},
		{key: "starts", headers: []string{"Bắt đầu", "Starts", "Start"}, required: true, kind: timeValue},
		{key: "ends", headers: []string{"Kết thúc", "Ends", "End"}, required: true, kind: timeValue},
		{key: "place", headers: []string{"Địa điểm", "Place", "Location"}},
	},
	sheetDeadlines: {
		{key: "id", headers: []string{"Mã", "ID", "Mã hạn"}, required: true},
		{key: "title", headers: []string{"Tiêu đề", "Title", "Nội dung"}, required: true},
		{key: "due", headers: []string{"Hạn", "Due", "Hạn nộp", "Thời hạn"}, required: true, kind: timeDueValue},
		{key: "kind", headers: []string{"Loại", "Kind", "Type"}, kind: enumValue},
		{key: "group", headers: []string{"Nhóm", "Group"}},
	},
	sheetCriteria: {
		{key: "name", headers: []string{"Tiêu chí", "Criterion", "Tên tiêu chí"}, required: true},
		{key: "max", headers: []string{"Điểm tối đa", "Max", "Tối đa", "Max score"}, required: true, kind: intValue},
	},
	sheetRoster: {
		{key: "name", headers: []string{"Họ và tên", "Full name", "Họ tên", "Name"}, required: true},
		{key: "org", headers: []string{"Đơn vị", "Organisation", "Organization", "Cơ quan"}},
		{key: "group", headers: []string{"Nhóm", "Group"}},
		{key: "role", headers: []string{"Vai trò", "Role"}, kind: enumValue},
		{key: "contact", headers: []string{"Điện thoại hoặc e-mail", "Phone or e-mail", "Liên hệ", "Contact", "Điện thoại", "Phone", "E-mail", "Email"}, kind: phoneValue},
	},
}

// listKeys are the YAML lists the table sheets fill.
var listKeys = map[sheetKind]string{
	sheetGroups: "groups", sheetSessions: "sessions", sheetDeadlines: "deadlines",
	sheetCriteria: "scoring.criteria", sheetRoster: "roster",
}

// courseHeaders are the columns of the Khóa học sheet.
var (
	labelHeaders = []string{"Mục", "Setting", "Thông tin"}
	valueHeaders = []string{"Giá trị", "Value"}
	noteHeaders  = []string{"Ghi chú", "Note", "Notes", "Hướng dẫn"}
)

// setting is one label/value row of the Khóa học sheet.
type setting struct {
	path  string    // YAML path, such as "contest.submissions.opens"
	label [2]string // Vietnamese, English
	kind  valueKind
	note  [2]string // what the writer puts in the note column
}

var settings = []setting{
	{"name", [2]string{"Tên khóa học", "Course name"}, textValue, [2]string{"bắt buộc", "required"}},
	{"timezone", [2]string{"Múi giờ", "Time zone"}, textValue, [2]string{"mặc định Asia/Ho_Chi_Minh", "Asia/Ho_Chi_Minh when empty"}},
	{"quiet_hours", [2]string{"Giờ yên lặng", "Quiet hours"}, textValue, [2]string{"HH:MM-HH:MM, không gửi nhắc trong khoảng này", "HH:MM-HH:MM, no reminders inside"}},
	{"digest_at", [2]string{"Giờ gửi bản tin", "Digest time"}, clockValue, [2]string{"HH:MM, bản tin hằng ngày cho ban tổ chức", "HH:MM, the organisers' daily digest"}},
	{"reminders.sessions", [2]string{"Nhắc trước buổi học", "Session reminders"}, durationsValue, [2]string{"ví dụ 1d, 1h (d ngày, h giờ, m phút); «không»: không nhắc", "e.g. 1d, 1h (d days, h hours, m minutes); «none»: no reminders"}},
	{"reminders.deadlines", [2]string{"Nhắc trước hạn nộp", "Deadline reminders"}, durationsValue, [2]string{"ví dụ 7d, 1d, 2h", "e.g. 7d, 1d, 2h"}},
	{"contest.submissions.opens", [2]string{"Ảnh: mở nhận ảnh", "Contest: submissions open"}, timeOpensValue, [2]string{"DD/MM/YYYY HH:MM; để trống cả phần Ảnh nếu không thi ảnh", "DD/MM/YYYY HH:MM; leave the Contest rows empty for no contest"}},
	{"contest.submissions.closes", [2]string{"Ảnh: đóng nhận ảnh", "Contest: submissions close"}, timeDueValue, [2]string{"DD/MM/YYYY HH:MM", "DD/MM/YYYY HH:MM"}},
	{"contest.voting.opens", [2]string{"Ảnh: mở bình chọn", "Contest: voting opens"}, timeOpensValue, [2]string{"sau khi đóng nhận ảnh", "after submissions close"}},
	{"contest.voting.closes", [2]string{"Ảnh: đóng bình chọn", "Contest: voting closes"}, timeDueValue, [2]string{"DD/MM/YYYY HH:MM", "DD/MM/YYYY HH:MM"}},
	{"contest.prizes", [2]string{"Ảnh: số giải", "Contest: prizes"}, intValue, [2]string{"số ảnh được giải", "how many photos win"}},
	{"contest.moderation", [2]string{"Ảnh: duyệt trước khi hiện", "Contest: moderation"}, boolValue, [2]string{"có / không", "yes / no"}},
	{"contest.max_photos_per_member", [2]string{"Ảnh: tối đa mỗi người", "Contest: max photos per member"}, intValue, [2]string{"0: không giới hạn", "0: no limit"}},
	{"contest.votes_per_voter", [2]string{"Ảnh: số phiếu mỗi người", "Contest: votes per voter"}, intValue, [2]string{"0: một phiếu cho mỗi ảnh, không giới hạn số ảnh", "0: no quota (one vote per photo)"}},
	{"contest.lecturer_weight", [2]string{"Ảnh: hệ số phiếu giảng viên", "Contest: lecturer weight"}, numberValue, [2]string{"phiếu học viên tính 1", "a trainee's vote counts 1"}},
	{"contest.totals", [2]string{"Ảnh: hiện số phiếu", "Contest: totals"}, enumValue, [2]string{"ẩn / công khai", "hidden / live"}},
	{"contest.show_group", [2]string{"Ảnh: hiện nhóm khi bình chọn", "Contest: show group"}, boolValue, [2]string{"có / không", "yes / no"}},
	{"contest.categories", [2]string{"Ảnh: hạng mục", "Contest: categories"}, listValue, [2]string{"cách nhau bởi dấu ;", "separated by ;"}},
	{"scoring.window.opens", [2]string{"Chấm báo cáo: mở", "Scoring: opens"}, timeOpensValue, [2]string{"DD/MM/YYYY HH:MM; tiêu chí ở trang «Tiêu chí chấm»", "DD/MM/YYYY HH:MM; criteria on the «Criteria» sheet"}},
	{"scoring.window.closes", [2]string{"Chấm báo cáo: đóng", "Scoring: closes"}, timeDueValue, [2]string{"DD/MM/YYYY HH:MM", "DD/MM/YYYY HH:MM"}},
	{"scoring.weights.lecturer", [2]string{"Chấm báo cáo: trọng số giảng viên", "Scoring: lecturer weight"}, numberValue, [2]string{"ví dụ 0,6", "e.g. 0.6"}},
	{"scoring.weights.trainee", [2]string{"Chấm báo cáo: trọng số học viên", "Scoring: trainee weight"}, numberValue, [2]string{"ví dụ 0,4", "e.g. 0.4"}},
	{"scoring.ranking", [2]string{"Chấm báo cáo: xếp hạng", "Scoring: ranking"}, enumValue, [2]string{"ẩn / công khai (ban tổ chức luôn xem được)", "hidden / live (organisers always see it)"}},
	{"certificate.requires.attendance", [2]string{"Chứng nhận: tỉ lệ chuyên cần", "Certificate: attendance"}, shareValue, [2]string{"ví dụ 80%", "e.g. 80%"}},
	{"certificate.requires.report", [2]string{"Chứng nhận: cần nộp báo cáo", "Certificate: report required"}, boolValue, [2]string{"có / không", "yes / no"}},
	{"certificate.issuer", [2]string{"Chứng nhận: đơn vị cấp", "Certificate: issuer"}, textValue, [2]string{"in trên giấy chứng nhận", "printed on each certificate"}},
}

// Words the workbook shows for a plan's codes, Vietnamese first.
var (
	enumWords = map[string][][2]string{
		"kind": {{"registration", "đăng ký"}, {"data", "số liệu"}, {"report", "báo cáo"}, {"photos", "ảnh dự thi"}, {"other", "khác"}},
		"role": {{Trainee, "học viên"}, {Lecturer, "giảng viên"}, {Organiser, "ban tổ chức"}},
		"vis":  {{Hidden, "ẩn"}, {Live, "công khai"}},
	}
	extraWords = map[string]string{ // other accepted spellings
		"tổ chức": Organiser, "btc": Organiser, "organizer": Organiser, "hv": Trainee, "gv": Lecturer,
		"trực tiếp": Live, "hiện": Live, "hiển thị": Live, "không hiện": Hidden,
		"photo": "photos", "ảnh": "photos", "dang ky": "registration",
	}
	yesWords = []string{"có", "yes", "true", "x", "1", "đúng"}
	noWords  = []string{"không", "no", "false", "0", "sai"}
)

// enumOf returns the code a word of the workbook stands for, or the word
// itself (which the YAML checks then refuse).
func enumOf(group, s string) string {
	if code, ok := enumIndex[group][fold(s)]; ok {
		return code
	}
	return s
}

// enumIndex is enumWords and extraWords by group and folded word, built
// once: the roster looks up a role on every row.
var enumIndex = func() map[string]map[string]string {
	out := map[string]map[string]string{}
	for group, words := range enumWords {
		m := map[string]string{}
		for _, w := range words {
			m[fold(w[0])], m[fold(w[1])] = w[0], w[0]
		}
		for w, code := range extraWords {
			for _, known := range words {
				if known[0] == code {
					m[fold(w)] = code
				}
			}
		}
		out[group] = m
	}
	return out
}()

// wordOf is the workbook's word for a code, in lang.
func wordOf(group, code, lang string) string {
	for _, w := range enumWords[group] {
		if w[0] == code {
			if lang == EN {
				return w[0]
			}
			return w[1]
		}
	}
	return code
}

// fold makes a name comparable whatever its case, diacritics, spacing and
// a trailing colon or asterisk: "Bắt đầu *" and "bat dau" are one header.
func fold(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(strings.ToLower(s)) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case r == 'đ':
			b.WriteByte('d')
		case r == '–' || r == '—':
			b.WriteByte('-')
		default:
			b.WriteRune(r)
		}
	}
	out := b.String()
	if i := strings.Index(out, "("); i > 0 {
		out = out[:i] // "Bắt đầu (DD/MM/YYYY HH:MM)"
	}
	out = strings.TrimRight(strings.TrimSpace(out), ":* ")
	return strings.Join(strings.Fields(out), " ")
}

func matches(s string, names []string) bool {
	k := fold(s)
	return k != "" && slices.ContainsFunc(names, func(n string) bool { return fold(n) == k })
}

// ParseWorkbook reads and validates a course workbook (.xlsx): the plan
// and its roster. filename is only used in problems. Like Parse it returns
// a nil Plan and every problem, in reading order (sheet by sheet, row by
// row), each placed at its sheet and cell.
func ParseWorkbook(filename string, data []byte) (*Plan, error) {
	ps := &parser{file: filename}
	wb := &workbook{ps: ps, places: []string{""}}
	fail := func(key string, args ...any) (*Plan, error) {
		return nil, Errors{newProblem(filename, 0, "", key, args...)}
	}
	if len(data) > MaxWorkbookBytes {
		return fail("workbook of %.1f MB: at most %d MB", float64(len(data))/(1<<20), MaxWorkbookBytes>>20)
	}
	if key := sniff(data); key != "" {
		return fail(key)
	}
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{
		RawCellValue: true, UnzipSizeLimit: maxUnzipped, UnzipXMLSizeLimit: 16 << 20,
	})
	if err != nil {
		if strings.Contains(err.Error(), "unzip size exceeds") {
			return fail("the workbook unzips to more than %d MB: is it a workbook at all?", maxUnzipped>>20)
		}
		return fail("cannot read the workbook: %v", err.Error())
	}
	defer f.Close()
	if props, err := f.GetWorkbookProps(); err == nil && props.Date1904 != nil {
		wb.date1904 = *props.Date1904
	}
	root := wb.read(f)
	var p *Plan
	if root != nil {
		p = ps.plan(root)
	}
	probs := wb.placed()
	if len(probs) > 0 {
		return nil, probs
	}
	return p, nil
}

// sniff says why data is not a workbook the bot reads (a problem's key),
// or "" when it is one: a ZIP whose main part is a spreadsheet without
// macros. The type comes from the bytes, never the file's name.
func sniff(data []byte) string {
	const notXLSX = "not an Excel workbook (.xlsx)"
	if bytes.HasPrefix(data, oleMagic) {
		return "an old Excel file (.xls) or a protected workbook: save it as an Excel workbook (.xlsx) without a password"
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return notXLSX
	}
	for _, zf := range zr.File {
		if zf.Name != "[Content_Types].xml" {
			continue
		}
		rc, err := zf.Open()
		if err != nil {
			return notXLSX
		}
		defer rc.Close()
		var types struct {
			Overrides []struct {
				PartName    string `xml:"PartName,attr"`
				ContentType string `xml:"ContentType,attr"`
			} `xml:"Override"`
		}
		if err := xml.NewDecoder(io.LimitReader(rc, 1<<20)).Decode(&types); err != nil {
			return notXLSX
		}
		for _, o := range types.Overrides {
			switch o.ContentType {
			case xlsxMain:
				return ""
			case xlsmMain:
				return "a workbook with macros (.xlsm) is refused: save it as an Excel workbook (.xlsx)"
			}
		}
		return notXLSX
	}
	return notXLSX
}

// workbook builds the YAML node tree of a workbook. Each node's line is an
// index into places, the cell it came from.
type workbook struct {
	ps       *parser
	places   []string // line → "Sheet!A1" or "Sheet"; 0 is the file
	date1904 bool
	noCourse bool                    // the Khóa học sheet could not be read: its settings are not "missing"
	flagged  map[int]bool            // lines with a problem of the reader's own
	missing  map[string]bool         // "sessions.title": a column the sheet lacks
	labels   map[string]int          // setting path → line of its value
	sheets   [sheetKinds]string      // the workbook's names of the sheets found
	course   map[string]*yaml.Node   // setting path → value
	lists    map[string][]*yaml.Node // list key → items
	listLine map[string]int          // list key → line of its sheet
}

// place allocates the line of a cell (or of a sheet, when col is 0).
func (wb *workbook) place(sheet string, col, row int) int {
	where := sheet
	if col > 0 {
		cell, _ := excelize.CoordinatesToCellName(col, row)
		where += "!" + cell
	}
	wb.places = append(wb.places, where)
	return len(wb.places) - 1
}

// readerField marks the reader's own problems until placed drops it.
const readerField = "\x00workbook"

// add records a problem of the reader's own at a line.
func (wb *workbook) add(line int, key string, args ...any) {
	wb.flagged[line] = true
	wb.ps.add(line, readerField, key, args...)
}

func scalar(line int, tag, value string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: value, Line: line}
}

func null(line int) *yaml.Node { return scalar(line, "!!null", "") }

func mapping(line int) *yaml.Node { return &yaml.Node{Kind: yaml.MappingNode, Line: line} }

func sequence(line int, items []*yaml.Node) *yaml.Node {
	return &yaml.Node{Kind: yaml.SequenceNode, Line: line, Content: items}
}

func setKey(m *yaml.Node, key string, v *yaml.Node) {
	m.Content = append(m.Content, scalar(v.Line, "!!str", key), v)
}

// read turns the sheets into the root mapping of a plan.
func (wb *workbook) read(f *excelize.File) *yaml.Node {
	wb.flagged, wb.missing, wb.labels = map[int]bool{}, map[string]bool{}, map[string]int{}
	wb.course, wb.lists, wb.listLine = map[string]*yaml.Node{}, map[string][]*yaml.Node{}, map[string]int{}
	for _, name := range f.GetSheetList() {
		for k, names := range sheetNames {
			if wb.sheets[k] == "" && matches(name, names[:]) {
				wb.sheets[k] = name
			}
		}
	}
	if wb.sheets[sheetCourse] == "" {
		wb.add(0, "no sheet %q (or %q): it holds the course's name", sheetNames[sheetCourse][0], sheetNames[sheetCourse][1])
		return nil
	}
	rootLine := wb.place(wb.sheets[sheetCourse], 0, 0)
	wb.readCourse(f)
	for k := sheetGroups; k < sheetKinds; k++ {
		if wb.sheets[k] != "" {
			wb.readTable(f, k)
		}
	}
	return wb.tree(rootLine)
}

// rows streams a sheet's rows (the roster may be long), calling fn with
// each row's 1-based number and cells until it returns false.
func (wb *workbook) rows(f *excelize.File, sheet string, fn func(row int, cells []string) bool) {
	rows, err := f.Rows(sheet)
	if err != nil {
		wb.add(wb.place(sheet, 0, 0), "cannot read the sheet: %v", err.Error())
		return
	}
	defer rows.Close()
	for r := 1; rows.Next(); r++ {
		cells, err := rows.Columns()
		if err != nil {
			wb.add(wb.place(sheet, 0, 0), "cannot read the sheet: %v", err.Error())
			return
		}
		for i, c := range cells {
			cells[i] = strings.TrimSpace(c)
		}
		if !fn(r, cells) {
			return
		}
	}
	if err := rows.Error(); err != nil {
		wb.add(wb.place(sheet, 0, 0), "cannot read the sheet: %v", err.Error())
	}
}

func empty(cells []string) bool {
	return !slices.ContainsFunc(cells, func(c string) bool { return c != "" })
}

// header finds the header row among the first rows: the first with a cell
// that names the key column. It returns the column of each key, 1-based.
func header(cells []string, cols []column) map[string]int {
	at := map[string]int{}
	for i, c := range cells {
		for _, col := range cols {
			if _, seen := at[col.key]; !seen && matches(c, col.headers) {
				at[col.key] = i + 1
				break
			}
		}
	}
	if _, ok := at[cols[0].key]; !ok {
		return nil
	}
	return at
}

func headerList(cols []column) []string {
	var out []string
	for _, c := range cols {
		if c.required {
			out = append(out, "«"+c.headers[0]+"»")
		}
	}
	return out
}

// readCourse reads the label/value rows of the Khóa học sheet.
func (wb *workbook) readCourse(f *excelize.File) {
	sheet := wb.sheets[sheetCourse]
	cols := []column{{key: "label", headers: labelHeaders}, {key: "value", headers: valueHeaders}, {key: "note", headers: noteHeaders}}
	var at map[string]int
	var labels []string
	for _, s := range settings {
		labels = append(labels, fold(s.label[0]), fold(s.label[1]))
	}
	wb.rows(f, sheet, func(r int, cells []string) bool {
		if at == nil {
			if at = header(cells, cols); at == nil && r >= headerRows {
				wb.noCourse = true
				wb.add(wb.place(sheet, 0, 0), "no header row: want a row with %s and %s in the first %d rows", "«"+labelHeaders[0]+"»", "«"+valueHeaders[0]+"»", headerRows)
				return false
			}
			if at != nil && at["value"] == 0 {
				wb.noCourse = true
				wb.add(wb.place(sheet, at["label"]+1, r), "missing column %s", "«"+valueHeaders[0]+"»")
				return false
			}
			return true
		}
		label, value := cellAt(cells, at["label"]), cellAt(cells, at["value"])
		if label == "" {
			return true
		}
		labelLine := wb.place(sheet, at["label"], r)
		i := slices.IndexFunc(settings, func(s setting) bool { return matches(label, s.label[:]) })
		if i < 0 {
			if near := nearest(fold(label), labels); near != "" {
				wb.add(labelLine, "unknown setting %q (did you mean %q?)", label, labelOf(near))
			} else {
				wb.add(labelLine, "unknown setting %q", label)
			}
			return true
		}
		s := settings[i]
		if first, dup := wb.labels[s.path]; dup {
			wb.add(labelLine, "duplicate setting %q (first at %s)", label, place{line: first})
			return true
		}
		line := wb.place(sheet, at["value"], r)
		wb.labels[s.path] = line
		if value != "" {
			wb.course[s.path] = wb.value(line, s.kind, enumGroup(s.path), value)
		}
		return true
	})
	if at == nil && !wb.flaggedSheet(sheet) {
		wb.noCourse = true
		wb.add(wb.place(sheet, 0, 0), "no header row: want a row with %s and %s in the first %d rows", "«"+labelHeaders[0]+"»", "«"+valueHeaders[0]+"»", headerRows)
	}
}

func (wb *workbook) flaggedSheet(sheet string) bool {
	for line := range wb.flagged {
		if strings.HasPrefix(wb.places[line], sheet) {
			return true
		}
	}
	return false
}

// labelOf returns the label whose folded form is k.
func labelOf(k string) string {
	for _, s := range settings {
		for _, l := range s.label {
			if fold(l) == k {
				return l
			}
		}
	}
	return k
}

func enumGroup(path string) string {
	switch path {
	case "contest.totals", "scoring.ranking":
		return "vis"
	case "kind", "role":
		return path
	}
	return ""
}

func cellAt(cells []string, col int) string {
	if col < 1 || col > len(cells) {
		return ""
	}
	return cells[col-1]
}

// readTable reads one table sheet into the items of its list.
func (wb *workbook) readTable(f *excelize.File, k sheetKind) {
	sheet, cols, list := wb.sheets[k], tables[k], listKeys[k]
	limit := maxSheetRows
	if k == sheetRoster {
		limit = MaxRoster
	}
	wb.listLine[list] = wb.place(sheet, 0, 0)
	var at map[string]int
	var items []*yaml.Node
	count := 0
	wb.rows(f, sheet, func(r int, cells []string) bool {
		if at == nil {
			if at = header(cells, cols); at == nil {
				if r >= headerRows {
					wb.add(wb.place(sheet, 0, 0), "no header row: want a row with %s in the first %d rows", strings.Join(headerList(cols), ", "), headerRows)
					return false
				}
				return true
			}
			for _, c := range cols {
				if c.required && at[c.key] == 0 {
					wb.missing[list+"."+c.key] = true
					wb.add(wb.place(sheet, 1, r), "missing column %s", "«"+c.headers[0]+"»")
				}
			}
			return true
		}
		if empty(cells) {
			return true
		}
		if count++; count > limit {
			wb.add(wb.place(sheet, 0, 0), "more than %d rows: at most %d", limit, limit)
			items = nil
			return false
		}
		rowLine := wb.place(sheet, 1, r)
		// Cells are placed left to right, so that problems read in order.
		type cell struct {
			col int
			c   column
		}
		var order []cell
		for _, c := range cols {
			if at[c.key] > 0 {
				order = append(order, cell{at[c.key], c})
			}
		}
		slices.SortFunc(order, func(a, b cell) int { return a.col - b.col })
		var name string
		values := map[string]*yaml.Node{}
		for _, oc := range order {
			line := wb.place(sheet, oc.col, r)
			v := cellAt(cells, oc.col)
			if v == "" {
				values[oc.c.key] = null(line)
				continue
			}
			if oc.c.key == "name" {
				name = v
			}
			values[oc.c.key] = wb.value(line, oc.c.kind, enumGroup(oc.c.key), v)
		}
		if k == sheetGroups && (values["enterprise"] == nil || values["enterprise"].Tag == "!!null") {
			// A group without an enterprise is a plain name, as in YAML.
			n := values["name"]
			if name == "" {
				n = scalar(n.Line, "!!str", "")
			}
			items = append(items, n)
			return true
		}
		m := mapping(rowLine)
		for _, c := range cols {
			if v, ok := values[c.key]; ok {
				setKey(m, c.key, v)
			}
		}
		items = append(items, m)
		return true
	})
	if at == nil && !wb.flaggedSheet(sheet) {
		wb.add(wb.place(sheet, 0, 0), "no header row: want a row with %s in the first %d rows", strings.Join(headerList(cols), ", "), headerRows)
	}
	wb.lists[list] = items
}

// value makes the node of one cell. Cells come raw (RawCellValue): a
// number as Excel stores it, a date as its serial number.
func (wb *workbook) value(line int, kind valueKind, enum, v string) *yaml.Node {
	str := func(s string) *yaml.Node { return scalar(line, "!!str", s) }
	switch kind {
	case intValue:
		// A phase typed "1", stored 1, or shown "1.0".
		if f, err := strconv.ParseFloat(v, 64); err == nil && f == math.Trunc(f) && math.Abs(f) < 1e9 {
			return str(strconv.Itoa(int(f)))
		}
		if n, ok := strings.CutPrefix(fold(v), "dot "); ok {
			return str(n) // "Đợt 1"
		}
	case numberValue:
		return str(strings.Replace(v, ",", ".", 1)) // "0,6" as typed on a Vietnamese keyboard
	case shareValue:
		s := strings.Replace(v, ",", ".", 1)
		if pct, ok := strings.CutSuffix(s, "%"); ok {
			if f, err := strconv.ParseFloat(strings.TrimSpace(pct), 64); err == nil {
				return str(strconv.FormatFloat(f/100, 'f', -1, 64))
			}
		}
		return str(s)
	case boolValue:
		switch {
		case matches(v, yesWords):
			return scalar(line, "!!bool", "true")
		case matches(v, noWords):
			return scalar(line, "!!bool", "false")
		}
	case enumValue:
		return str(enumOf(enum, v))
	case clockValue:
		// Excel turns a typed 07:30 into a fraction of a day.
		if f, err := strconv.ParseFloat(v, 64); err == nil && f >= 0 && f < 1 {
			m := int(math.Round(f * 24 * 60))
			return str(fmt.Sprintf("%02d:%02d", m/60%24, m%60))
		}
	case timeValue, timeOpensValue, timeDueValue:
		t, ok := wb.when(v, kind)
		if !ok {
			wb.add(line, "not a date and time: %q; want DD/MM/YYYY HH:MM", v)
			return null(line)
		}
		return str(t)
	case listValue:
		var items []*yaml.Node
		for _, s := range strings.FieldsFunc(v, func(r rune) bool { return r == ';' || r == '\n' }) {
			if s = strings.TrimSpace(s); s != "" {
				items = append(items, str(s))
			}
		}
		return sequence(line, items)
	case durationsValue:
		items := []*yaml.Node{}
		if matches(v, []string{"không", "none", "no"}) {
			return sequence(line, items)
		}
		for _, s := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ';' }) {
			if s = strings.TrimSpace(s); s != "" {
				items = append(items, str(durationWord(s)))
			}
		}
		return sequence(line, items)
	case phoneValue:
		// Excel drops a phone number's leading zero when the cell holds a
		// number: 912345678 is 0912345678.
		if len(v) == 9 && strings.Trim(v, "0123456789") == "" {
			return str("0" + v)
		}
	}
	return str(v)
}

// durationWord turns "1 ngày" or "2 giờ" into "1d" or "2h".
func durationWord(s string) string {
	k := fold(s)
	for _, u := range []struct{ word, unit string }{{"ngay", "d"}, {"gio", "h"}, {"phut", "m"}} {
		if n, ok := strings.CutSuffix(k, u.word); ok {
			return strings.TrimSpace(n) + u.unit
		}
	}
	return strings.ReplaceAll(s, " ", "")
}

// Layouts of typed times, day first as in Vietnam.
var (
	dateTimeLayouts = []string{"2/1/2006 15:04", "2/1/2006 15:04:05", "2006-1-2 15:04", "2006-1-2 15:04:05", "2-1-2006 15:04", "2.1.2006 15:04"}
	dateLayouts     = []string{"2/1/2006", "2006-1-2", "2-1-2006", "2.1.2006"}
)

// when reads an Excel date or a typed time into the YAML form, in the
// plan's wall clock. A day without a clock is accepted where it has a
// plain meaning: a window opens at 00:00, a deadline or a close is at
// 23:59; a session needs its clock.
func (wb *workbook) when(v string, kind valueKind) (string, bool) {
	if f, err := strconv.ParseFloat(v, 64); err == nil {
		if f <= 0 || f > 2958465 { // 9999-12-31
			return "", false
		}
		t, err := excelize.ExcelDateToTime(f, wb.date1904)
		if err != nil {
			return "", false
		}
		// Serial numbers are exact instants (00:00 stays 00:00): only a
		// typed day alone gets the end-of-day rule.
		return t.Round(time.Minute).Format(timeLayout), true
	}
	s := strings.Join(strings.Fields(v), " ")
	for _, l := range dateTimeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.Format(timeLayout), true
		}
	}
	if kind == timeValue {
		return "", false
	}
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, s); err == nil {
			if kind == timeDueValue {
				t = t.Add(24*time.Hour - time.Minute)
			}
			return t.Format(timeLayout), true
		}
	}
	return "", false
}

// tree assembles the root mapping from the settings and the lists.
func (wb *workbook) tree(rootLine int) *yaml.Node {
	root := mapping(rootLine)
	sub := map[string]*yaml.Node{"": root}
	// parent returns the mapping of a path's parent, making it (at the
	// line of its first value) when needed.
	var parent func(path string, line int) (*yaml.Node, string)
	parent = func(path string, line int) (*yaml.Node, string) {
		i := strings.LastIndex(path, ".")
		if i < 0 {
			return root, path
		}
		dir, key := path[:i], path[i+1:]
		if m, ok := sub[dir]; ok {
			return m, key
		}
		up, k := parent(dir, line)
		m := mapping(line)
		setKey(up, k, m)
		sub[dir] = m
		return m, key
	}
	for _, s := range settings {
		if v, ok := wb.course[s.path]; ok {
			m, key := parent(s.path, v.Line)
			setKey(m, key, v)
		}
	}
	for _, list := range []string{"groups", "sessions", "deadlines", "scoring.criteria", "roster"} {
		items, ok := wb.lists[list]
		if !ok || (len(items) == 0 && list == "scoring.criteria") {
			continue
		}
		m, key := parent(list, wb.listLine[list])
		setKey(m, key, sequence(wb.listLine[list], items))
	}
	return root
}

// placed turns the problems' lines into cells, in reading order, and drops
// those the workbook explains better: a second problem of a cell the
// reader already refused, and "required" for a column the sheet lacks.
func (wb *workbook) placed() Errors {
	probs := wb.ps.probs
	slices.SortStableFunc(probs, func(a, b Problem) int { return a.Line - b.Line })
	var out Errors
	seen := map[int]bool{}
	for _, p := range probs {
		own := p.Field == readerField
		if !own && (wb.flagged[p.Line] || seen[p.Line] && p.Key == "required") {
			continue
		}
		if p.Key == "required" && (wb.missingColumn(p.Field) || wb.noCourse && !strings.Contains(p.Field, "[")) {
			continue
		}
		seen[p.Line] = true
		q := p
		if p.Key == "required" && p.Field != "" {
			// A setting left out: name it, there is no cell to point at.
			if s, ok := wb.settingFor(p.Field); ok && wb.labels[s.path] != p.Line {
				q = newProblem(p.File, p.Line, "", "missing %s", label(s.label))
			} else if p.Field == "scoring.criteria" {
				q = newProblem(p.File, p.Line, "", "missing %s", label(sheetNames[sheetCriteria]))
			}
			if q.Key == "missing %s" {
				q.Sheet = wb.sheets[sheetCourse]
				q.Line, q.Field = 0, ""
				out = append(out, q)
				continue
			}
		}
		where := wb.places[min(max(p.Line, 0), len(wb.places)-1)]
		q.Sheet, q.Cell, _ = strings.Cut(where, "!")
		if q.Sheet == "" {
			q.Sheet = wb.sheets[sheetCourse] // a problem of the whole plan
		}
		q.Line, q.Field = 0, ""
		q.Args = slices.Clone(q.Args)
		for i, a := range q.Args {
			if pl, ok := a.(place); ok {
				q.Args[i] = place{cell: wb.places[min(max(pl.line, 0), len(wb.places)-1)]}
			}
		}
		q.Msg = render(EN, q.Key, q.Args)
		out = append(out, q)
	}
	return out
}

// missingColumn reports whether a field path ("sessions[3].title") is in a
// column its sheet lacks.
func (wb *workbook) missingColumn(field string) bool {
	i := strings.Index(field, "[")
	j := strings.LastIndex(field, "].")
	if i < 0 || j < 0 {
		return false
	}
	return wb.missing[field[:i]+"."+field[j+2:]]
}

// settingFor returns the setting of a field path, or the first setting
// under it ("contest.submissions" → its opening).
func (wb *workbook) settingFor(field string) (setting, bool) {
	for _, s := range settings {
		if s.path == field || strings.HasPrefix(s.path, field+".") {
			return s, true
		}
	}
	return setting{}, false
}

// label is a setting's label in a problem, in the problem's language.
type label [2]string

func (l label) local(lang string) string {
	if lang == EN {
		// The workbook may be in either language: name both.
		return "«" + l[0] + "» (" + l[1] + ")"
	}
	return "«" + l[0] + "»"
}
