package plan_test

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/cohortbot/cohortbot/bot/plan"
	"github.com/cohortbot/cohortbot/docs"
)

// times lists every time of a plan in a fixed order, zero ones included, so
// that two plans can be compared time by time.
func times(p *plan.Plan) []time.Time {
	var out []time.Time
	for _, s := range p.Sessions {
		out = append(out, s.Starts, s.Ends)
	}
	for _, d := range p.Deadlines {
		out = append(out, d.Due)
	}
	if c := p.Contest; c != nil {
		out = append(out, c.Submissions.Opens, c.Submissions.Closes, c.Voting.Opens, c.Voting.Closes)
	}
	if s := p.Scoring; s != nil {
		out = append(out, s.Window.Opens, s.Window.Closes)
	}
	return out
}

func TestShift(t *testing.T) {
	tests := []struct {
		name string
		src  string
		d    time.Duration
	}{
		{name: "sample forward by years", src: string(docs.SamplePlan), d: 8*365*24*time.Hour + 3*time.Hour + 17*time.Minute},
		{name: "sample backward", src: string(docs.SamplePlan), d: -40 * 24 * time.Hour},
		{name: "contest without voting", src: `name: x
contest:
  submissions: {opens: "2017-07-15 00:00", closes: "2017-10-25 17:00"}
`, d: 24 * time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			orig := mustParse(t, tt.src)
			got := orig.Shift(tt.d)

			before, after := times(orig), times(got)
			if len(before) != len(after) {
				t.Fatalf("shifted plan has %d times, want %d", len(after), len(before))
			}
			for i := range before {
				if before[i].IsZero() {
					if !after[i].IsZero() {
						t.Errorf("time %d = %v, want it to stay zero", i, after[i])
					}
					continue
				}
				if got := after[i].Sub(before[i]); got != tt.d {
					t.Errorf("time %d moved by %v, want %v", i, got, tt.d)
				}
				if after[i].Location() != orig.Location {
					t.Errorf("time %d is in %v, want the plan's zone", i, after[i].Location())
				}
			}
			for i, s := range got.Sessions {
				if got, want := s.Ends.Sub(s.Starts), orig.Sessions[i].Ends.Sub(orig.Sessions[i].Starts); got != want {
					t.Errorf("session %s lasts %v, want %v", s.ID, got, want)
				}
			}

			// The original is untouched, and the copy shares nothing with it.
			if !reflect.DeepEqual(orig, mustParse(t, tt.src)) {
				t.Errorf("Shift changed the original plan")
			}
			back := got.Shift(-tt.d)
			if !reflect.DeepEqual(back, orig) {
				t.Errorf("Shift(d) then Shift(-d) = %+v, want the original %+v", back, orig)
			}
			if len(got.Groups) > 0 {
				got.Groups[0] = "changed"
				if orig.Groups[0] == "changed" {
					t.Errorf("the shifted plan shares Groups with the original")
				}
			}
			if got.Contest != nil {
				got.Contest.Prizes = 99
				if orig.Contest.Prizes == 99 {
					t.Errorf("the shifted plan shares Contest with the original")
				}
			}
		})
	}
}

func TestSpan(t *testing.T) {
	p := mustSample(t)
	first, last := p.Span()
	if got, want := first.Format("2006-01-02 15:04"), "2017-07-10 08:00"; got != want {
		t.Errorf("first = %s, want %s", got, want)
	}
	if got, want := last.Format("2006-01-02 15:04"), "2017-11-01 16:30"; got != want {
		t.Errorf("last = %s, want %s", got, want)
	}
	if first, last := mustParse(t, "name: x\n").Span(); !first.IsZero() || !last.IsZero() {
		t.Errorf("Span of a plan without times = %v, %v; want zero", first, last)
	}
}

func TestJSONRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		src  string
	}{
		{name: "sample", src: string(docs.SamplePlan)},
		{name: "minimal", src: "name: x\n"},
		{name: "zone with summer time", src: `name: x
timezone: Europe/Paris
quiet_hours: "22:00-07:00"
sessions:
  - {id: winter, title: W, starts: "2017-01-10 08:00", ends: "2017-01-10 11:30"}
  - {id: summer, title: S, starts: "2017-07-10 08:00", ends: "2017-07-10 11:30"}
reminders: {sessions: [], deadlines: [90m]}
contest:
  submissions: {opens: "2017-07-15 00:00", closes: "2017-10-25 17:00"}
`},
		{name: "UTC", src: "name: x\ntimezone: UTC\ndeadlines: [{id: d, title: D, due: \"2017-10-25 17:00\"}]\n"},
		{name: "roster and enterprises", src: `name: x
groups: [A, {name: B, enterprise: "Công ty B"}]
deadlines: [{id: d, title: D, due: "2017-10-25 17:00", kind: report, group: B}]
roster: [{name: "Nguyễn Văn An", org: O, group: A, contact: "0912345678"}, {name: L, role: lecturer}]
`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := mustParse(t, tt.src)
			b, err := json.Marshal(want)
			if err != nil {
				t.Fatalf("Marshal: %v", err)
			}
			// A Plan value marshals like a pointer to it.
			if b2, err := json.Marshal(*want); err != nil || string(b2) != string(b) {
				t.Errorf("Marshal(Plan) = %s, %v; want %s", b2, err, b)
			}
			var got plan.Plan
			if err := json.Unmarshal(b, &got); err != nil {
				t.Fatalf("Unmarshal: %v", err)
			}
			if got.Location.String() != want.Location.String() {
				t.Errorf("Location = %q, want %q", got.Location, want.Location)
			}
			if !reflect.DeepEqual(&got, want) {
				t.Errorf("round trip:\n got %+v\nwant %+v\njson %s", &got, want, b)
			}
		})
	}
}

func TestUnmarshalJSONRefusesUnknownZone(t *testing.T) {
	var p plan.Plan
	if err := json.Unmarshal([]byte(`{"name":"x","timezone":"Asia/Hanoii"}`), &p); err == nil {
		t.Errorf("Unmarshal accepted an unknown zone")
	}
}

func TestClockRange(t *testing.T) {
	loc := hcm(t)
	at := func(s string) time.Time {
		t.Helper()
		v, err := time.ParseInLocation("2006-01-02 15:04:05", s, loc)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	quiet := plan.ClockRange{From: plan.Clock{Hour: 21, Minute: 30}, To: plan.Clock{Hour: 6, Minute: 30}}
	lunch := plan.ClockRange{From: plan.Clock{Hour: 11, Minute: 30}, To: plan.Clock{Hour: 13, Minute: 30}}
	tests := []struct {
		name      string
		r         plan.ClockRange
		t         time.Time
		contains  bool
		end, strt time.Time
	}{
		{name: "evening before quiet hours", r: quiet, t: at("2017-10-30 21:29:59"), contains: false,
			end: at("2017-10-31 06:30:00"), strt: at("2017-10-30 21:30:00")},
		{name: "quiet hours begin", r: quiet, t: at("2017-10-30 21:30:00"), contains: true,
			end: at("2017-10-31 06:30:00"), strt: at("2017-10-30 21:30:00")},
		{name: "late evening", r: quiet, t: at("2017-10-30 23:59:59"), contains: true,
			end: at("2017-10-31 06:30:00"), strt: at("2017-10-31 21:30:00")},
		{name: "midnight", r: quiet, t: at("2017-10-31 00:00:00"), contains: true,
			end: at("2017-10-31 06:30:00"), strt: at("2017-10-31 21:30:00")},
		{name: "last second of quiet hours", r: quiet, t: at("2017-10-31 06:29:59"), contains: true,
			end: at("2017-10-31 06:30:00"), strt: at("2017-10-31 21:30:00")},
		{name: "quiet hours end", r: quiet, t: at("2017-10-31 06:30:00"), contains: false,
			end: at("2017-10-31 06:30:00"), strt: at("2017-10-31 21:30:00")},
		{name: "midday", r: quiet, t: at("2017-10-31 12:00:00"), contains: false,
			end: at("2017-11-01 06:30:00"), strt: at("2017-10-31 21:30:00")},
		{name: "across a month and a year", r: quiet, t: at("2017-12-31 22:00:00"), contains: true,
			end: at("2018-01-01 06:30:00"), strt: at("2018-01-01 21:30:00")},
		{name: "same span in UTC is read in UTC", r: quiet, t: at("2017-10-30 22:00:00").UTC(), contains: false,
			end: at("2017-10-30 22:00:00").UTC().Add(15*time.Hour + 30*time.Minute), strt: at("2017-10-30 22:00:00").UTC().Add(6*time.Hour + 30*time.Minute)},
		{name: "range within a day, inside", r: lunch, t: at("2017-10-31 12:00:00"), contains: true,
			end: at("2017-10-31 13:30:00"), strt: at("2017-11-01 11:30:00")},
		{name: "range within a day, after", r: lunch, t: at("2017-10-31 13:30:00"), contains: false,
			end: at("2017-10-31 13:30:00"), strt: at("2017-11-01 11:30:00")},
		{name: "range within a day, before", r: lunch, t: at("2017-10-31 02:00:00"), contains: false,
			end: at("2017-10-31 13:30:00"), strt: at("2017-10-31 11:30:00")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.r.Contains(tt.t); got != tt.contains {
				t.Errorf("%v.Contains(%v) = %v, want %v", tt.r, tt.t, got, tt.contains)
			}
			if got := tt.r.End(tt.t); !got.Equal(tt.end) {
				t.Errorf("%v.End(%v) = %v, want %v", tt.r, tt.t, got, tt.end)
			}
			if got := tt.r.Start(tt.t); !got.Equal(tt.strt) {
				t.Errorf("%v.Start(%v) = %v, want %v", tt.r, tt.t, got, tt.strt)
			}
		})
	}
}

func TestWindowOpen(t *testing.T) {
	loc := hcm(t)
	opens := time.Date(2017, 10, 30, 8, 0, 0, 0, loc)
	w := plan.Window{Opens: opens, Closes: opens.Add(2 * time.Hour)}
	tests := []struct {
		name string
		now  time.Time
		want bool
	}{
		{name: "before", now: opens.Add(-time.Nanosecond), want: false},
		{name: "at opening", now: opens, want: true},
		{name: "same instant in UTC", now: opens.UTC(), want: true},
		{name: "last instant", now: w.Closes.Add(-time.Nanosecond), want: true},
		{name: "at closing", now: w.Closes, want: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := w.Open(tt.now); got != tt.want {
				t.Errorf("Open(%v) = %v, want %v", tt.now, got, tt.want)
			}
		})
	}
}

func TestParseClock(t *testing.T) {
	tests := []struct {
		in      string
		want    plan.Clock
		wantErr bool
	}{
		{in: "07:30", want: plan.Clock{Hour: 7, Minute: 30}},
		{in: "7:30", want: plan.Clock{Hour: 7, Minute: 30}},
		{in: "00:00", want: plan.Clock{}},
		{in: "23:59", want: plan.Clock{Hour: 23, Minute: 59}},
		{in: "24:00", wantErr: true},
		{in: "12:60", wantErr: true},
		{in: "12:5", wantErr: true},
		{in: "+1:30", wantErr: true},
		{in: "1230", wantErr: true},
		{in: "", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := plan.ParseClock(tt.in)
			if (err != nil) != tt.wantErr {
				t.Fatalf("ParseClock(%q) error = %v, want error %v", tt.in, err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("ParseClock(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

func TestProblemString(t *testing.T) {
	tests := []struct {
		name string
		p    plan.Problem
		want string
	}{
		{name: "full", p: plan.Problem{File: "plan.yaml", Line: 14, Field: "sessions[2].ends", Msg: "before starts"}, want: "plan.yaml:14: sessions[2].ends: before starts"},
		{name: "no field", p: plan.Problem{File: "plan.yaml", Line: 3, Msg: "bad YAML: x"}, want: "plan.yaml:3: bad YAML: x"},
		{name: "no line", p: plan.Problem{File: "plan.yaml", Msg: "empty plan"}, want: "plan.yaml: empty plan"},
		{name: "workbook cell", p: plan.Problem{File: "course.xlsx", Sheet: "Buổi học", Cell: "D7", Msg: "before starts"}, want: "course.xlsx: Buổi học!D7: before starts"},
		{name: "workbook sheet", p: plan.Problem{File: "course.xlsx", Sheet: "Danh sách", Msg: "more than 5000 rows: at most 5000"}, want: "course.xlsx: Danh sách: more than 5000 rows: at most 5000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.p.String(); got != tt.want {
				t.Errorf("String() = %q, want %q", got, tt.want)
			}
		})
	}
}
