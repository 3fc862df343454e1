package plan_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cohortbot/cohortbot/bot/plan"
	"github.com/cohortbot/cohortbot/docs"
)

// mustParse parses src or fails the test with every problem.
func mustParse(tb testing.TB, src string) *plan.Plan {
	tb.Helper()
	p, err := plan.Parse("plan.yaml", []byte(src))
	if err != nil {
		tb.Fatalf("Parse: %v", err)
	}
	return p
}

// mustSample parses the embedded sample plan.
func mustSample(tb testing.TB) *plan.Plan {
	tb.Helper()
	return mustParse(tb, string(docs.SamplePlan))
}

// problems parses src, which must be refused, and returns its problems as
// "FILE:LINE: FIELD: problem" lines.
func problems(tb testing.TB, src string) []string {
	tb.Helper()
	p, err := plan.Parse("plan.yaml", []byte(src))
	if err == nil {
		tb.Fatalf("Parse accepted the plan, want problems")
	}
	if p != nil {
		tb.Errorf("Parse returned a plan along with problems")
	}
	var errs plan.Errors
	if !errors.As(err, &errs) {
		tb.Fatalf("Parse error is %T, want plan.Errors", err)
	}
	lines := make([]string, len(errs))
	for i, pr := range errs {
		lines[i] = pr.String()
	}
	if got, want := err.Error(), strings.Join(lines, "\n"); got != want {
		tb.Errorf("Error() = %q, want the problems one per line %q", got, want)
	}
	return lines
}

func hcm(tb testing.TB) *time.Location {
	tb.Helper()
	loc, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		tb.Fatal(err)
	}
	return loc
}

func TestParseSample(t *testing.T) {
	p := mustSample(t)
	at := func(s string) time.Time {
		t.Helper()
		v, err := time.ParseInLocation("2006-01-02 15:04", s, p.Location)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}

	if !strings.Contains(p.Name, "Nâng cao kỹ năng thực hành đánh giá sản xuất sạch hơn") {
		t.Errorf("Name = %q, want the 2017 course", p.Name)
	}
	if got, want := p.Location.String(), "Asia/Ho_Chi_Minh"; got != want {
		t.Errorf("Location = %q, want %q", got, want)
	}
	if p.QuietHours == nil || p.QuietHours.String() != "21:30-06:30" {
		t.Errorf("QuietHours = %v, want 21:30-06:30", p.QuietHours)
	}
	if p.DigestAt == nil || p.DigestAt.String() != "07:30" {
		t.Errorf("DigestAt = %v, want 07:30", p.DigestAt)
	}
	for _, g := range []string{"Bà Rịa – Vũng Tàu", "Lạng Sơn", "Hải Phòng", "Thanh Hóa", "Đà Nẵng", "Cần Thơ"} {
		if !p.HasGroup(g) {
			t.Errorf("HasGroup(%q) = false, want true", g)
		}
	}
	if p.HasGroup("Hà Nội") {
		t.Errorf(`HasGroup("Hà Nội") = true, want false`)
	}

	// Phase 1: lectures in Hà Nội in July 2017; phase 2 over by 1 November.
	var phase1, phase2 int
	for _, s := range p.Sessions {
		switch s.Phase {
		case 1:
			phase1++
			if s.Starts.Month() != time.July || s.Starts.Year() != 2017 || s.Place != "Hà Nội" {
				t.Errorf("phase 1 session %s at %v in %q, want July 2017 in Hà Nội", s.ID, s.Starts, s.Place)
			}
		case 2:
			phase2++
			if s.Ends.After(at("2017-11-01 23:59")) || s.Starts.Before(at("2017-10-01 00:00")) {
				t.Errorf("phase 2 session %s at %v, want late October to 1 November 2017", s.ID, s.Starts)
			}
		default:
			t.Errorf("session %s has phase %d, want 1 or 2", s.ID, s.Phase)
		}
	}
	if phase1 < 4 || phase2 < 3 {
		t.Errorf("got %d phase 1 and %d phase 2 sessions, want several of each", phase1, phase2)
	}
	if s, ok := p.Session("p1-d1-am"); !ok || !s.Starts.Equal(at("2017-07-10 08:00")) {
		t.Errorf(`Session("p1-d1-am") = %+v, %v; want it to start 2017-07-10 08:00`, s, ok)
	}
	if _, ok := p.Session("report"); ok {
		t.Errorf(`Session("report") found a session, want only the deadline`)
	}

	report, ok := p.Deadline("report")
	if !ok || !report.Due.Equal(at("2017-10-25 17:00")) || report.Kind != "report" {
		t.Errorf(`Deadline("report") = %+v, %v; want due 2017-10-25 17:00, kind report`, report, ok)
	}
	var photos *plan.Deadline
	for i, d := range p.Deadlines {
		if d.Kind == "photos" {
			photos = &p.Deadlines[i]
		}
	}
	c := p.Contest
	if c == nil {
		t.Fatal("Contest = nil, want the photo contest")
	}
	if photos == nil || !photos.Due.Equal(c.Submissions.Closes) {
		t.Errorf("photos deadline = %+v, want one due when submissions close (%v)", photos, c.Submissions.Closes)
	}
	if c.Prizes != 19 || !c.Moderation || c.Totals != plan.Hidden || c.LecturerWeight != 1 {
		t.Errorf("Contest = %+v, want 19 prizes, moderation, hidden totals, lecturer weight 1", c)
	}
	if got, want := c.Categories, []string{"Năng lượng", "Nước", "Nguyên vật liệu", "Hóa chất", "Chất thải"}; !slices.Equal(got, want) {
		t.Errorf("Categories = %q, want %q", got, want)
	}
	if got, want := c.Voting, (plan.Window{Opens: at("2017-10-30 08:00"), Closes: at("2017-11-01 12:00")}); got != want {
		t.Errorf("Voting = %v, want %v", got, want)
	}

	s := p.Scoring
	if s == nil || len(s.Criteria) != 3 || s.Weights != (plan.Weights{Lecturer: 0.6, Trainee: 0.4}) || s.Ranking != plan.Hidden {
		t.Errorf("Scoring = %+v, want 3 criteria, weights 0.6/0.4, hidden ranking", s)
	}
	cert := p.Certificate
	if cert == nil || cert.Requires != (plan.Requirements{Attendance: 0.8, Report: true}) ||
		cert.Issuer != "Vụ Khoa học và Công nghệ – Bộ Công Thương và Công ty Cổ phần tư vấn EPRO" {
		t.Errorf("Certificate = %+v, want attendance 0.8, report, issued by the ministry and EPRO", cert)
	}
	if got, want := p.Reminders, plan.DefaultReminders(); !slices.Equal(got.Sessions, want.Sessions) || !slices.Equal(got.Deadlines, want.Deadlines) {
		t.Errorf("Reminders = %v, want %v", got, want)
	}
}

func TestParseRefusals(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []string
	}{
		{
			name: "unknown time zone",
			src:  "name: x\ntimezone: Asia/Hanoii\n",
			want: []string{`plan.yaml:2: timezone: unknown time zone "Asia/Hanoii"`},
		},
		{
			name: "machine time zone",
			src:  "name: x\ntimezone: Local\n",
			want: []string{`plan.yaml:2: timezone: "Local" depends on the machine: name a zone such as "Asia/Ho_Chi_Minh"`},
		},
		{
			name: "bad time format",
			src: `name: x
sessions:
  - id: s1
    title: T
    starts: "10/07/2017 08:00"
    ends: "2017-07-10 11:30"
`,
			want: []string{`plan.yaml:5: sessions[0].starts: bad time "10/07/2017 08:00": want YYYY-MM-DD HH:MM`},
		},
		{
			name: "time on a day that does not exist",
			src: `name: x
deadlines:
  - {id: d1, title: T, due: "2017-02-30 17:00"}
`,
			want: []string{`plan.yaml:3: deadlines[0].due: bad time "2017-02-30 17:00": want YYYY-MM-DD HH:MM`},
		},
		{
			name: "time with seconds",
			src: `name: x
deadlines:
  - {id: d1, title: T, due: "2017-10-25 17:00:00"}
`,
			want: []string{`plan.yaml:3: deadlines[0].due: bad time "2017-10-25 17:00:00": want YYYY-MM-DD HH:MM`},
		},
		{
			name: "year out of range",
			src: `name: x
deadlines:
  - {id: d1, title: T, due: "0217-10-25 17:00"}
`,
			want: []string{`plan.yaml:3: deadlines[0].due: year 217 out of range 1970 to 9999`},
		},
		{
			name: "duration in weeks",
			src:  "name: x\nreminders: {sessions: [1w]}\n",
			want: []string{`plan.yaml:2: reminders.sessions[0]: bad duration "1w": want a whole number and m, h or d, such as 90m, 1h or 7d`},
		},
		{
			name: "fractional duration",
			src:  "name: x\nreminders:\n  deadlines:\n    - 1d\n    - 1.5h\n",
			want: []string{`plan.yaml:5: reminders.deadlines[1]: bad duration "1.5h": want a whole number and m, h or d, such as 90m, 1h or 7d`},
		},
		{
			name: "combined duration",
			src:  "name: x\nreminders: {sessions: [1h30m]}\n",
			want: []string{`plan.yaml:2: reminders.sessions[0]: bad duration "1h30m": want a whole number and m, h or d, such as 90m, 1h or 7d`},
		},
		{
			name: "zero duration",
			src:  "name: x\nreminders: {sessions: [0h]}\n",
			want: []string{`plan.yaml:2: reminders.sessions[0]: duration "0h": want more than zero`},
		},
		{
			name: "negative duration",
			src:  "name: x\nreminders: {sessions: [-1h]}\n",
			want: []string{`plan.yaml:2: reminders.sessions[0]: bad duration "-1h": want a whole number and m, h or d, such as 90m, 1h or 7d`},
		},
		{
			name: "duration beyond a year",
			src:  "name: x\nreminders: {deadlines: [366d]}\n",
			want: []string{`plan.yaml:2: reminders.deadlines[0]: duration "366d": want at most 365d`},
		},
		{
			name: "same duration twice",
			src:  "name: x\nreminders: {sessions: [1d, 24h]}\n",
			want: []string{`plan.yaml:2: reminders.sessions[1]: duplicate 24h (same as reminders.sessions[0])`},
		},
		{
			name: "bad quiet hours clock",
			src:  "name: x\nquiet_hours: \"21:30-6:3\"\n",
			want: []string{`plan.yaml:2: quiet_hours: bad clock range "21:30-6:3": want HH:MM-HH:MM`},
		},
		{
			name: "quiet hours without an end",
			src:  "name: x\nquiet_hours: \"21:30\"\n",
			want: []string{`plan.yaml:2: quiet_hours: bad clock range "21:30": want HH:MM-HH:MM`},
		},
		{
			name: "quiet hours that end where they start",
			src:  "name: x\nquiet_hours: \"06:30-06:30\"\n",
			want: []string{`plan.yaml:2: quiet_hours: clock range "06:30-06:30" starts where it ends`},
		},
		{
			name: "bad digest clock",
			src:  "name: x\ndigest_at: \"25:00\"\n",
			want: []string{`plan.yaml:2: digest_at: bad clock "25:00": want HH:MM`},
		},
		{
			name: "session ends before it starts",
			src: `name: x
sessions:
  - {id: a, title: A, starts: "2017-07-10 08:00", ends: "2017-07-10 11:30"}
  - {id: b, title: B, starts: "2017-07-10 13:30", ends: "2017-07-10 17:00"}
  - id: c
    title: C
    starts: "2017-07-11 08:00"
    ends: "2017-07-10 11:30"
`,
			want: []string{`plan.yaml:8: sessions[2].ends: before starts`},
		},
		{
			name: "session ends when it starts",
			src: `name: x
sessions:
  - {id: a, title: A, starts: "2017-07-10 08:00", ends: "2017-07-10 08:00"}
`,
			want: []string{`plan.yaml:3: sessions[0].ends: same as starts`},
		},
		{
			name: "submissions close before they open",
			src: `name: x
contest:
  submissions:
    opens: "2017-07-15 00:00"
    closes: "2017-07-14 17:00"
`,
			want: []string{`plan.yaml:5: contest.submissions.closes: before opens`},
		},
		{
			name: "voting closes when it opens",
			src: `name: x
contest:
  submissions: {opens: "2017-07-15 00:00", closes: "2017-10-25 17:00"}
  voting: {opens: "2017-10-30 08:00", closes: "2017-10-30 08:00"}
  categories: [Nước]
`,
			want: []string{`plan.yaml:4: contest.voting.closes: same as opens`},
		},
		{
			name: "scoring window closes before it opens",
			src: `name: x
scoring:
  window: {opens: "2017-10-31 17:00", closes: "2017-10-30 08:00"}
  criteria: [{name: A, max: 10}]
`,
			want: []string{`plan.yaml:3: scoring.window.closes: before opens`},
		},
		{
			name: "window without closes",
			src: `name: x
scoring:
  window: {opens: "2017-10-31 17:00"}
  criteria: [{name: A, max: 10}]
`,
			want: []string{`plan.yaml:3: scoring.window.closes: required`},
		},
		{
			name: "session without id",
			src: `name: x
sessions:
  - title: A
    starts: "2017-07-10 08:00"
    ends: "2017-07-10 11:30"
`,
			want: []string{`plan.yaml:3: sessions[0].id: required`},
		},
		{
			name: "session without title, starts and ends",
			src: `name: x
sessions:
  - id: a
    place: Hà Nội
`,
			want: []string{
				`plan.yaml:3: sessions[0].title: required`,
				`plan.yaml:3: sessions[0].starts: required`,
				`plan.yaml:3: sessions[0].ends: required`,
			},
		},
		{
			name: "blank and null titles",
			src: `name: x
deadlines:
  - {id: a, title: "  ", due: "2017-10-25 17:00"}
  - id: b
    title:
    due: "2017-10-25 17:00"
`,
			want: []string{
				`plan.yaml:3: deadlines[0].title: required`,
				`plan.yaml:5: deadlines[1].title: required`,
			},
		},
		{
			name: "deadline without id, title and due",
			src: `name: x
deadlines:
  - {kind: report}
`,
			want: []string{
				`plan.yaml:3: deadlines[0].id: required`,
				`plan.yaml:3: deadlines[0].title: required`,
				`plan.yaml:3: deadlines[0].due: required`,
			},
		},
		{
			name: "duplicate session id",
			src: `name: x
sessions:
  - {id: p1-open, title: A, starts: "2017-07-10 08:00", ends: "2017-07-10 11:30"}
  - {id: p1-open, title: B, starts: "2017-07-10 13:30", ends: "2017-07-10 17:00"}
`,
			want: []string{`plan.yaml:4: sessions[1].id: duplicate id "p1-open" (first at line 3)`},
		},
		{
			name: "deadline id taken by a session",
			src: `name: x
deadlines:
  - {id: report, title: B, due: "2017-10-25 17:00"}
sessions:
  - {id: report, title: A, starts: "2017-07-10 08:00", ends: "2017-07-10 11:30"}
`,
			// Sessions are read first, so the deadline is the duplicate even
			// though it comes first in the file.
			want: []string{`plan.yaml:3: deadlines[0].id: duplicate id "report" (first at line 5)`},
		},
		{
			name: "id with a space",
			src: `name: x
deadlines:
  - {id: "bao cao", title: B, due: "2017-10-25 17:00"}
`,
			want: []string{`plan.yaml:3: deadlines[0].id: bad id "bao cao": want 1 to 32 of A-Z a-z 0-9 _ -`},
		},
		{
			name: "id with diacritics",
			src: `name: x
deadlines:
  - {id: báo-cáo, title: B, due: "2017-10-25 17:00"}
`,
			want: []string{`plan.yaml:3: deadlines[0].id: bad id "báo-cáo": want 1 to 32 of A-Z a-z 0-9 _ -`},
		},
		{
			name: "id longer than 32",
			src: `name: x
deadlines:
  - {id: abcdefghijklmnopqrstuvwxyz0123456, title: B, due: "2017-10-25 17:00"}
`,
			want: []string{`plan.yaml:3: deadlines[0].id: bad id "abcdefghijklmnopqrstuvwxyz0123456": want 1 to 32 of A-Z a-z 0-9 _ -`},
		},
		{
			name: "missing name",
			src:  "timezone: Asia/Ho_Chi_Minh\n",
			want: []string{`plan.yaml:1: name: required`},
		},
		{
			name: "empty name",
			src:  "timezone: Asia/Ho_Chi_Minh\nname: \"\"\n",
			want: []string{`plan.yaml:2: name: required`},
		},
		{
			name: "mistyped top-level field",
			src: `name: x
sesions:
  - {id: a, title: A, starts: "2017-07-10 08:00", ends: "2017-07-10 11:30"}
`,
			want: []string{`plan.yaml:2: sesions: unknown field (did you mean "sessions"?)`},
		},
		{
			name: "mistyped nested field",
			src: `name: x
sessions:
  - {id: a, titel: A, starts: "2017-07-10 08:00", ends: "2017-07-10 11:30"}
`,
			want: []string{
				`plan.yaml:3: sessions[0].titel: unknown field (did you mean "title"?)`,
				`plan.yaml:3: sessions[0].title: required`,
			},
		},
		{
			name: "unknown field like no other",
			src:  "name: x\ncolour: blue\n",
			want: []string{`plan.yaml:2: colour: unknown field`},
		},
		{
			name: "merge key",
			src: `name: x
sessions:
  - &base {id: a, title: A, starts: "2017-07-10 08:00", ends: "2017-07-10 11:30"}
  - <<: *base
    id: b
`,
			want: []string{
				`plan.yaml:4: sessions[1]."<<": merge keys are not supported: write the fields out`,
				`plan.yaml:4: sessions[1].title: required`,
				`plan.yaml:4: sessions[1].starts: required`,
				`plan.yaml:4: sessions[1].ends: required`,
			},
		},
		{
			name: "field given twice",
			src:  "name: x\ngroups: [A]\nname: y\n",
			want: []string{`plan.yaml:3: name: duplicate field (first at line 1)`},
		},
		{
			name: "duplicate group",
			src: `name: x
groups:
  - Lạng Sơn
  - Hải Phòng
  - "Lạng Sơn "
`,
			want: []string{`plan.yaml:5: groups[2]: duplicate group "Lạng Sơn" (first at line 3)`},
		},
		{
			name: "empty group",
			src:  "name: x\ngroups: [Lạng Sơn, \"\"]\n",
			want: []string{`plan.yaml:2: groups[1]: empty group name`},
		},
		{
			name: "groups not a list",
			src:  "name: x\ngroups: Lạng Sơn\n",
			want: []string{`plan.yaml:2: groups: want a list, got "Lạng Sơn"`},
		},
		{
			name: "session not a mapping",
			src:  "name: x\nsessions:\n  - p1-open\n",
			want: []string{`plan.yaml:3: sessions[0]: want a mapping, got "p1-open"`},
		},
		{
			name: "negative phase",
			src: `name: x
sessions:
  - {id: a, phase: -1, title: A, starts: "2017-07-10 08:00", ends: "2017-07-10 11:30"}
`,
			want: []string{`plan.yaml:3: sessions[0].phase: want 0 or more, got -1`},
		},
		{
			name: "contest counts below zero",
			src: `name: x
contest:
  submissions: {opens: "2017-07-15 00:00", closes: "2017-10-25 17:00"}
  prizes: -1
  max_photos_per_member: -5
  votes_per_voter: -2
`,
			want: []string{
				`plan.yaml:4: contest.prizes: want 0 or more, got -1`,
				`plan.yaml:5: contest.max_photos_per_member: want 0 or more, got -5`,
				`plan.yaml:6: contest.votes_per_voter: want 0 or more, got -2`,
			},
		},
		{
			name: "prizes not a number",
			src: `name: x
contest:
  submissions: {opens: "2017-07-15 00:00", closes: "2017-10-25 17:00"}
  prizes: many
  moderation: maybe
`,
			want: []string{
				`plan.yaml:4: contest.prizes: want a whole number, got "many"`,
				`plan.yaml:5: contest.moderation: want true or false, got "maybe"`,
			},
		},
		{
			name: "zero lecturer weight",
			src: `name: x
contest:
  submissions: {opens: "2017-07-15 00:00", closes: "2017-10-25 17:00"}
  lecturer_weight: 0
`,
			want: []string{`plan.yaml:4: contest.lecturer_weight: want more than zero, got 0`},
		},
		{
			name: "negative lecturer weight",
			src: `name: x
contest:
  submissions: {opens: "2017-07-15 00:00", closes: "2017-10-25 17:00"}
  lecturer_weight: -1.5
`,
			want: []string{`plan.yaml:4: contest.lecturer_weight: want more than zero, got -1.5`},
		},
		{
			name: "totals neither hidden nor live",
			src: `name: x
contest:
  submissions: {opens: "2017-07-15 00:00", closes: "2017-10-25 17:00"}
  totals: public
`,
			want: []string{`plan.yaml:4: contest.totals: want hidden or live, got "public"`},
		},
		{
			name: "contest without submissions",
			src:  "name: x\ncontest:\n  prizes: 19\n",
			want: []string{`plan.yaml:3: contest.submissions: required`},
		},
		{
			name: "voting before submissions close",
			src: `name: x
contest:
  submissions: {opens: "2017-07-15 00:00", closes: "2017-10-25 17:00"}
  voting: {opens: "2017-10-25 08:00", closes: "2017-11-01 12:00"}
  categories: [Nước]
`,
			want: []string{`plan.yaml:4: contest.voting.opens: before submissions close (2017-10-25 17:00)`},
		},
		{
			name: "voting without categories",
			src: `name: x
contest:
  submissions: {opens: "2017-07-15 00:00", closes: "2017-10-25 17:00"}
  voting: {opens: "2017-10-30 08:00", closes: "2017-11-01 12:00"}
`,
			want: []string{`plan.yaml:3: contest.categories: required`},
		},
		{
			name: "voting with an empty list of categories",
			src: `name: x
contest:
  submissions: {opens: "2017-07-15 00:00", closes: "2017-10-25 17:00"}
  voting: {opens: "2017-10-30 08:00", closes: "2017-11-01 12:00"}
  categories: []
`,
			want: []string{`plan.yaml:5: contest.categories: want at least one category`},
		},
		{
			name: "duplicate and empty categories",
			src: `name: x
contest:
  submissions: {opens: "2017-07-15 00:00", closes: "2017-10-25 17:00"}
  voting: {opens: "2017-10-30 08:00", closes: "2017-11-01 12:00"}
  categories: [Nước, "", Nước]
`,
			want: []string{
				`plan.yaml:5: contest.categories[1]: empty category name`,
				`plan.yaml:5: contest.categories[2]: duplicate category "Nước" (first at line 5)`,
			},
		},
		{
			name: "criterion max zero",
			src: `name: x
scoring:
  window: {opens: "2017-10-30 08:00", closes: "2017-10-31 17:00"}
  criteria:
    - {name: A, max: 10}
    - {name: B, max: 0}
`,
			want: []string{`plan.yaml:6: scoring.criteria[1].max: want more than zero, got 0`},
		},
		{
			name: "criterion without name or max",
			src: `name: x
scoring:
  window: {opens: "2017-10-30 08:00", closes: "2017-10-31 17:00"}
  criteria:
    - {}
`,
			want: []string{
				`plan.yaml:5: scoring.criteria[0].name: required`,
				`plan.yaml:5: scoring.criteria[0].max: required`,
			},
		},
		{
			name: "duplicate criterion",
			src: `name: x
scoring:
  window: {opens: "2017-10-30 08:00", closes: "2017-10-31 17:00"}
  criteria: [{name: A, max: 10}, {name: A, max: 5}]
`,
			want: []string{`plan.yaml:4: scoring.criteria[1].name: duplicate criterion "A" (first at line 4)`},
		},
		{
			name: "scoring without criteria",
			src: `name: x
scoring:
  window: {opens: "2017-10-30 08:00", closes: "2017-10-31 17:00"}
`,
			want: []string{`plan.yaml:3: scoring.criteria: required`},
		},
		{
			name: "scoring with an empty list of criteria",
			src: `name: x
scoring:
  window: {opens: "2017-10-30 08:00", closes: "2017-10-31 17:00"}
  criteria: []
`,
			want: []string{`plan.yaml:4: scoring.criteria: want at least one criterion`},
		},
		{
			name: "negative weight",
			src: `name: x
scoring:
  window: {opens: "2017-10-30 08:00", closes: "2017-10-31 17:00"}
  criteria: [{name: A, max: 10}]
  weights: {lecturer: 1.2, trainee: -0.2}
`,
			want: []string{`plan.yaml:5: scoring.weights.trainee: want 0 or more, got -0.2`},
		},
		{
			name: "both weights zero",
			src: `name: x
scoring:
  window: {opens: "2017-10-30 08:00", closes: "2017-10-31 17:00"}
  criteria: [{name: A, max: 10}]
  weights: {lecturer: 0, trainee: 0}
`,
			want: []string{`plan.yaml:5: scoring.weights: lecturer and trainee are both zero`},
		},
		{
			name: "ranking neither hidden nor live",
			src: `name: x
scoring:
  window: {opens: "2017-10-30 08:00", closes: "2017-10-31 17:00"}
  criteria: [{name: A, max: 10}]
  ranking: open
`,
			want: []string{`plan.yaml:5: scoring.ranking: want hidden or live, got "open"`},
		},
		{
			name: "attendance above one",
			src: `name: x
certificate:
  requires: {attendance: 80, report: true}
  issuer: EPRO
`,
			want: []string{`plan.yaml:3: certificate.requires.attendance: want a share from 0 to 1, got 80`},
		},
		{
			name: "attendance below zero",
			src: `name: x
certificate:
  requires:
    attendance: -0.1
  issuer: EPRO
`,
			want: []string{`plan.yaml:4: certificate.requires.attendance: want a share from 0 to 1, got -0.1`},
		},
		{
			name: "certificate without issuer",
			src:  "name: x\ncertificate:\n  requires: {attendance: 0.8}\n",
			want: []string{`plan.yaml:3: certificate.issuer: required`},
		},
		{
			name: "not YAML",
			src:  "name: x\ngroups: [Lạng Sơn, Hải Phòng\n",
			want: []string{`plan.yaml:2: bad YAML: did not find expected ',' or ']'`},
		},
		{
			name: "not YAML on the first line",
			src:  "{{{",
			want: []string{`plan.yaml:1: bad YAML: did not find expected node content`},
		},
		{
			name: "badly indented YAML",
			src:  "name: x\ngroups: [A]\n  sessions: []\n",
			want: []string{`plan.yaml:3: bad YAML: did not find expected key`},
		},
		{
			name: "mapping inside a text",
			src:  "name: x\ntimezone: Asia/Ho_Chi_Minh\n  place: Hà Nội\n",
			want: []string{`plan.yaml:3: bad YAML: mapping values are not allowed in this context`},
		},
		{
			name: "YAML that is not a plan",
			src:  "just some words\n",
			want: []string{`plan.yaml:1: want a mapping of plan fields, got "just some words"`},
		},
		{
			name: "two YAML documents",
			src:  "name: x\n---\nname: y\n",
			want: []string{`plan.yaml:2: a second YAML document: a plan is one document`},
		},
		{
			name: "field name with a space",
			src:  "name: x\n\"sess ions\": []\n",
			want: []string{`plan.yaml:2: "sess ions": unknown field (did you mean "sessions"?)`},
		},
		{
			name: "long wrong value",
			src:  "name: x\ngroups: " + strings.Repeat("Lạng Sơn ", 10) + "\n",
			want: []string{`plan.yaml:2: groups: want a list, got "Lạng Sơn Lạng Sơn Lạng Sơn Lạng Sơn Lạng…"`},
		},
		{
			name: "empty file",
			src:  "# nothing yet\n",
			want: []string{`plan.yaml: empty plan`},
		},
		{
			name: "deadline kind and group",
			src: `name: x
groups: ["A", {name: "B", enterprise: "Công ty B"}, {enterprise: "C"}, {name: "A"}]
deadlines:
  - {id: d1, title: D, due: "2017-07-20 17:00", kind: party, group: Z}
`,
			want: []string{
				`plan.yaml:2: groups[2].name: required`,
				`plan.yaml:2: groups[3]: duplicate group "A" (first at line 2)`,
				`plan.yaml:4: deadlines[0].kind: unknown deadline kind "party": want registration or data or report or photos or other`,
				`plan.yaml:4: deadlines[0].group: unknown group "Z": not among the groups`,
			},
		},
		{
			name: "roster",
			src: `name: x
groups: [A, B]
roster:
  - {name: "Nguyễn Văn An", group: A}
  - {name: " nguyễn  văn an ", group: A}
  - {name: "Nguyễn Văn An", group: B}
  - {name: "Lê Bình", group: C}
  - {name: "Trần Chi"}
  - {name: "Phạm Dũng", role: lecturer, group: A}
  - {name: "Hà", role: guest}
  - {org: "EPRO"}
`,
			want: []string{
				`plan.yaml:5: roster[1].name: duplicate name "nguyễn văn an" in group "A" (first at line 4)`,
				`plan.yaml:7: roster[3].group: unknown group "C": not among the groups`,
				`plan.yaml:8: roster[4].group: required`,
				`plan.yaml:9: roster[5].group: only trainees have a group`,
				`plan.yaml:10: roster[6].role: unknown role "guest": want trainee or lecturer or organiser`,
				`plan.yaml:11: roster[7].name: required`,
				`plan.yaml:11: roster[7].group: required`,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := problems(t, tt.src)
			if !slices.Equal(got, tt.want) {
				t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

func TestParseReportsEveryProblemInLineOrder(t *testing.T) {
	// The zone is read first and the contest after the sessions, but the
	// problems come out in the order of the file.
	src := `sessions:
  - {id: a, title: A, starts: "2017-07-10 08:00", ends: "2017-07-10 07:00"}
  - {id: a, title: B, starts: "2017-07-10 25:00", ends: "2017-07-10 17:00"}
contest:
  submissions: {opens: "2017-07-15 00:00", closes: "2017-10-25 17:00"}
  prizes: -19
deadlines:
  - {id: report, title: "Nộp báo cáo", due: "2017-10-25 17:00", kidn: report}
timezone: Asia/Hanoii
`
	want := []string{
		`plan.yaml:1: name: required`,
		`plan.yaml:2: sessions[0].ends: before starts`,
		`plan.yaml:3: sessions[1].id: duplicate id "a" (first at line 2)`,
		`plan.yaml:3: sessions[1].starts: bad time "2017-07-10 25:00": want YYYY-MM-DD HH:MM`,
		`plan.yaml:6: contest.prizes: want 0 or more, got -19`,
		`plan.yaml:8: deadlines[0].kidn: unknown field (did you mean "kind"?)`,
		`plan.yaml:9: timezone: unknown time zone "Asia/Hanoii"`,
	}
	if got := problems(t, src); !slices.Equal(got, want) {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestParseDefaults(t *testing.T) {
	p := mustParse(t, `name: x
contest:
  submissions: {opens: "2017-07-15 00:00", closes: "2017-10-25 17:00"}
scoring:
  window: {opens: "2017-10-30 08:00", closes: "2017-10-31 17:00"}
  criteria: [{name: A, max: 10}]
certificate: {issuer: EPRO}
`)
	if got, want := p.Timezone, plan.DefaultTimezone; got != want {
		t.Errorf("Timezone = %q, want %q", got, want)
	}
	if got, want := p.Location.String(), "Asia/Ho_Chi_Minh"; got != want {
		t.Errorf("Location = %q, want %q", got, want)
	}
	if p.QuietHours != nil {
		t.Errorf("QuietHours = %v, want nil", p.QuietHours)
	}
	if got, want := p.DigestAt, (plan.Clock{Hour: 7, Minute: 30}); got == nil || *got != want {
		t.Errorf("DigestAt = %v, want %v", got, want)
	}
	wantRem := plan.Reminders{
		Sessions:  []time.Duration{24 * time.Hour, time.Hour},
		Deadlines: []time.Duration{7 * 24 * time.Hour, 24 * time.Hour, 2 * time.Hour},
	}
	if !slices.Equal(p.Reminders.Sessions, wantRem.Sessions) || !slices.Equal(p.Reminders.Deadlines, wantRem.Deadlines) {
		t.Errorf("Reminders = %v, want %v", p.Reminders, wantRem)
	}
	c := p.Contest
	if c.LecturerWeight != 1 || c.Totals != plan.Hidden || c.Prizes != 0 || c.Moderation || c.ShowGroup || c.MaxPhotosPerMember != 0 || c.VotesPerVoter != 0 {
		t.Errorf("Contest = %+v, want lecturer weight 1, hidden totals, the rest zero", c)
	}
	if c.Voting != (plan.Window{}) || c.Voting.Open(c.Submissions.Opens) {
		t.Errorf("Voting = %v, want the zero window, never open", c.Voting)
	}
	if got, want := p.Scoring.Weights, (plan.Weights{Lecturer: 0.5, Trainee: 0.5}); got != want {
		t.Errorf("Weights = %v, want %v", got, want)
	}
	if p.Scoring.Ranking != plan.Hidden {
		t.Errorf("Ranking = %q, want hidden", p.Scoring.Ranking)
	}
	if got, want := p.Certificate.Requires, (plan.Requirements{}); got != want {
		t.Errorf("Requires = %+v, want none", got)
	}

	t.Run("absent sections", func(t *testing.T) {
		p := mustParse(t, "name: x\ncontest:\nscoring: ~\n")
		if p.Contest != nil || p.Scoring != nil || p.Certificate != nil || p.Groups != nil || p.Sessions != nil || p.Deadlines != nil {
			t.Errorf("got %+v, want no contest, scoring, certificate, groups, sessions or deadlines", p)
		}
	})
	t.Run("one reminder list given", func(t *testing.T) {
		p := mustParse(t, "name: x\nreminders: {sessions: [90m, 2h, 15m]}\n")
		if got, want := p.Reminders.Sessions, []time.Duration{2 * time.Hour, 90 * time.Minute, 15 * time.Minute}; !slices.Equal(got, want) {
			t.Errorf("Sessions = %v, want %v (longest first)", got, want)
		}
		if got, want := p.Reminders.Deadlines, wantRem.Deadlines; !slices.Equal(got, want) {
			t.Errorf("Deadlines = %v, want the default %v", got, want)
		}
	})
	t.Run("no reminders", func(t *testing.T) {
		p := mustParse(t, "name: x\nreminders: {sessions: [], deadlines: []}\n")
		if len(p.Reminders.Sessions) != 0 || len(p.Reminders.Deadlines) != 0 {
			t.Errorf("Reminders = %v, want none", p.Reminders)
		}
	})
	t.Run("zone given after the times", func(t *testing.T) {
		p := mustParse(t, `name: x
deadlines:
  - {id: d, title: D, due: "2017-10-25 17:00"}
timezone: Europe/Paris
`)
		d, _ := p.Deadline("d")
		if got, want := d.Due.Format(time.RFC3339), "2017-10-25T17:00:00+02:00"; got != want {
			t.Errorf("Due = %s, want %s", got, want)
		}
		if got := d.Due.Location().String(); got != "Europe/Paris" {
			t.Errorf("Due is in %s, want Europe/Paris", got)
		}
	})
	t.Run("lenient forms", func(t *testing.T) {
		p := mustParse(t, `name: "  x  "
digest_at: "6:05"
quiet_hours: 22:00 - 06:00
contest:
  submissions: {opens: "2017-07-15 00:00", closes: "2017-10-25 17:00"}
  prizes: "19"
`)
		if p.Name != "x" || p.DigestAt.String() != "06:05" || p.QuietHours.String() != "22:00-06:00" || p.Contest.Prizes != 19 {
			t.Errorf("got name %q, digest %v, quiet %v, prizes %d; want x, 06:05, 22:00-06:00, 19", p.Name, p.DigestAt, p.QuietHours, p.Contest.Prizes)
		}
	})
}
