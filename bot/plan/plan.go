// Package plan owns the course plan: the YAML file in which organisers describe
// a cohort (sessions, deadlines, reminders, the photo contest, report scoring
// and certificates), its validation, and the Plan value that the rest of the
// bot reads. It knows nothing of Redis or chat platforms; the stored form of a
// Plan is its JSON (see MarshalJSON).
//
// # File format
//
// A plan is one YAML mapping. Only name is required; see docs/plan.sample.yaml
// for every field. Values are read as follows:
//
//   - times are "YYYY-MM-DD HH:MM" in the plan's zone (timezone, default
//     Asia/Ho_Chi_Minh), wherever the timezone field stands in the file;
//   - durations (reminders) are a whole number followed by m, h or d
//     ("90m", "1h", "7d"); fractions ("1.5h"), combinations ("1h30m"), zero
//     and negative durations are refused, and so is anything beyond 365d;
//   - clocks are "HH:MM" (24-hour; a one-digit hour is accepted), and quiet
//     hours are "HH:MM-HH:MM", which may wrap over midnight;
//   - ids of sessions and deadlines are 1 to 32 of A-Z a-z 0-9 _ - and are
//     unique across sessions and deadlines together: reminders and buttons
//     refer to an item by id alone;
//   - a field given as null (or left empty) counts as absent;
//   - unknown fields are refused, so that a typo does not silently drop a
//     section.
//
// Parse reports every problem it finds, each with its line and field path, so
// that an organiser fixes a plan in one round.
//
// Groups are names, or {name, enterprise} for a group that assesses a known
// enterprise; a deadline's kind is one of Kinds and its optional group one of
// the groups; roster lists the people expected on the course ({name, org,
// group, role, contact}: trainees have a group, lecturers and organisers
// none; no two people of one name in a group).
//
// # The course workbook
//
// ParseWorkbook reads the same plan from an Excel workbook (.xlsx), the
// form organisers fill in, and Workbook writes one; see workbook.go for the
// sheets. The reader builds the node tree a YAML file would have and runs the
// same checks on it, so both forms give the same Plan; its problems name a
// sheet and a cell ("Buổi học!D7") instead of a line.
//
// # Problems in two languages
//
// Each Problem has a Key (its English format, constant for the kind of
// problem) and Args; Msg is the English text the command line prints, and
// Text(VI) the Vietnamese one the bot shows an organiser.
package plan

import (
	"time"
)

// DefaultTimezone is the zone of a plan that names none: the bot was made for
// Vietnamese courses.
const DefaultTimezone = "Asia/Ho_Chi_Minh"

// Visibility values of Contest.Totals and Scoring.Ranking.
const (
	Hidden = "hidden" // only organisers see totals or the ranking until the window closes
	Live   = "live"   // everyone sees them while the window is open
)

// Plan is a validated course plan. Every time in it is in Location.
type Plan struct {
	Name       string         `json:"name"`
	Timezone   string         `json:"timezone"` // IANA name; DefaultTimezone when the file names none
	Location   *time.Location `json:"-"`        // loaded from Timezone
	QuietHours *ClockRange    `json:"quiet_hours,omitempty"`
	DigestAt   *Clock         `json:"digest_at,omitempty"` // 07:30 when the file sets none
	Groups     []string       `json:"groups,omitempty"`
	// Enterprises is the enterprise each group assesses, by group name, for
	// the groups that name one; a photo's enterprise defaults to it.
	Enterprises map[string]string `json:"enterprises,omitempty"`
	Sessions    []Session         `json:"sessions,omitempty"`
	Deadlines   []Deadline        `json:"deadlines,omitempty"`
	Reminders   Reminders         `json:"reminders"`
	Contest     *Contest          `json:"contest,omitempty"`
	Scoring     *Scoring          `json:"scoring,omitempty"`
	Certificate *Certificate      `json:"certificate,omitempty"`
	// Roster is who is expected on the course (the workbook's Danh sách).
	Roster []Person `json:"roster,omitempty"`
}

// Roles of a Person: the values of bot.Role.
const (
	Trainee   = "trainee"
	Lecturer  = "lecturer"
	Organiser = "organiser"
)

// Person is one row of the roster. Names are in NFC with single spaces, so
// that a name typed on another keyboard matches; no two people of a group
// (or, for lecturers and organisers, of the course) share a name.
type Person struct {
	Name    string `json:"name"`
	Org     string `json:"org,omitempty"`
	Group   string `json:"group,omitempty"`   // trainees only; one of Groups when the plan has groups
	Role    string `json:"role"`              // Trainee, Lecturer or Organiser
	Contact string `json:"contact,omitempty"` // a phone number or an e-mail address, as written
}

// Session is one meeting of the cohort: a lecture, a field visit, a defence.
type Session struct {
	ID     string    `json:"id"`
	Phase  int       `json:"phase,omitempty"` // 0 when the plan has no phases
	Title  string    `json:"title"`
	Starts time.Time `json:"starts"`
	Ends   time.Time `json:"ends"` // after Starts
	Place  string    `json:"place,omitempty"`
}

// Deadline is something trainees must hand in or do by a time.
type Deadline struct {
	ID    string    `json:"id"`
	Title string    `json:"title"`
	Due   time.Time `json:"due"`
	Kind  string    `json:"kind,omitempty"` // one of Kinds, e.g. "report" or "photos"
	// Group, when set, is the one group the deadline is for (one of Groups).
	Group string `json:"group,omitempty"`
}

// Kinds are the deadline kinds a plan may name: what the features mark done
// (reports, photos) or only remind of.
var Kinds = []string{"registration", "data", "report", "photos", "other"}

// Reminders says how long before a session or a deadline members are
// reminded. Each list is sorted from the longest lead to the shortest, with
// no repeats; an empty list means no reminders.
type Reminders struct {
	Sessions  []time.Duration `json:"sessions"`
	Deadlines []time.Duration `json:"deadlines"`
}

// DefaultReminders are used for whichever list the file leaves out.
func DefaultReminders() Reminders {
	return Reminders{
		Sessions:  []time.Duration{24 * time.Hour, time.Hour},
		Deadlines: []time.Duration{7 * 24 * time.Hour, 24 * time.Hour, 2 * time.Hour},
	}
}

// Window is a span of time during which something is allowed, such as
// sending photos or voting.
type Window struct {
	Opens  time.Time `json:"opens"`
	Closes time.Time `json:"closes"` // after Opens
}

// Open reports whether now falls in the window: Opens <= now < Closes.
// The zero Window is never open.
func (w Window) Open(now time.Time) bool {
	return !now.Before(w.Opens) && now.Before(w.Closes)
}

// Contest is the photo contest: trainees send photos of resource waste seen
// at enterprises, then lecturers and trainees vote.
type Contest struct {
	Submissions Window `json:"submissions"`
	Voting      Window `json:"voting"` // zero when the contest has no vote
	Prizes      int    `json:"prizes"`
	Moderation  bool   `json:"moderation"` // entries wait for an organiser before they are shown
	// MaxPhotosPerMember is 0 for no limit.
	MaxPhotosPerMember int `json:"max_photos_per_member"`
	// VotesPerVoter is 0 for no quota: one vote per photo and voter.
	VotesPerVoter int `json:"votes_per_voter"`
	// LecturerWeight is how much a lecturer's vote counts in a photo's score
	// (a trainee's counts 1); 1 when the file sets none.
	LecturerWeight float64  `json:"lecturer_weight"`
	Totals         string   `json:"totals"` // Hidden (the default) or Live
	ShowGroup      bool     `json:"show_group"`
	Categories     []string `json:"categories,omitempty"` // non-empty when there is a vote
}

// Criterion is one line of the report scoring sheet.
type Criterion struct {
	Name string `json:"name"`
	Max  int    `json:"max"` // > 0
}

// Weights say how much the lecturers' and the trainees' mean scores count in
// a report's total.
type Weights struct {
	Lecturer float64 `json:"lecturer"`
	Trainee  float64 `json:"trainee"`
}

// Scoring is how reports are scored and ranked at the defence.
type Scoring struct {
	Window   Window      `json:"window"`
	Criteria []Criterion `json:"criteria"`
	// Weights are 0.5 each when the file sets none; a weight the file leaves
	// out of a weights mapping is 0.
	Weights Weights `json:"weights"`
	Ranking string  `json:"ranking"` // Hidden (the default) or Live; organisers always see it
}

// Requirements are what a trainee must meet to receive a certificate.
type Requirements struct {
	Attendance float64 `json:"attendance"` // share of sessions attended, in [0, 1]
	Report     bool    `json:"report"`     // the trainee's group handed in its report
}

// Certificate describes the certificates of completion.
type Certificate struct {
	Requires Requirements `json:"requires"`
	Issuer   string       `json:"issuer"`
}

// Session returns the session with the given id.
func (p *Plan) Session(id string) (Session, bool) {
	for _, s := range p.Sessions {
		if s.ID == id {
			return s, true
		}
	}
	return Session{}, false
}

// Deadline returns the deadline with the given id.
func (p *Plan) Deadline(id string) (Deadline, bool) {
	for _, d := range p.Deadlines {
		if d.ID == id {
			return d, true
		}
	}
	return Deadline{}, false
}

// HasGroup reports whether the plan has a group of exactly that name.
func (p *Plan) HasGroup(name string) bool {
	for _, g := range p.Groups {
		if g == name {
			return true
		}
	}
	return false
}

// Span returns the earliest and the latest time the plan mentions (session
// starts and ends, deadlines, windows); both are zero when it mentions none.
// The console demo uses it to shift the sample course around today.
func (p *Plan) Span() (first, last time.Time) {
	p.eachTime(func(t *time.Time) {
		if first.IsZero() || t.Before(first) {
			first = *t
		}
		if last.IsZero() || t.After(last) {
			last = *t
		}
	})
	return first, last
}

// Shift returns a deep copy of the plan with every time (sessions, deadlines,
// windows) moved by d; durations, clocks and the zone stay as they are. The
// receiver is not changed.
func (p *Plan) Shift(d time.Duration) *Plan {
	q := p.clone()
	q.eachTime(func(t *time.Time) { *t = t.Add(d) })
	return q
}

// clone copies everything the plan refers to except the Location, which is
// never changed once loaded.
func (p *Plan) clone() *Plan {
	q := *p
	if p.QuietHours != nil {
		qh := *p.QuietHours
		q.QuietHours = &qh
	}
	if p.DigestAt != nil {
		d := *p.DigestAt
		q.DigestAt = &d
	}
	q.Groups = clip(p.Groups)
	if p.Enterprises != nil {
		q.Enterprises = make(map[string]string, len(p.Enterprises))
		for k, v := range p.Enterprises {
			q.Enterprises[k] = v
		}
	}
	q.Roster = clip(p.Roster)
	q.Sessions = clip(p.Sessions)
	q.Deadlines = clip(p.Deadlines)
	q.Reminders = Reminders{Sessions: clip(p.Reminders.Sessions), Deadlines: clip(p.Reminders.Deadlines)}
	if p.Contest != nil {
		c := *p.Contest
		c.Categories = clip(c.Categories)
		q.Contest = &c
	}
	if p.Scoring != nil {
		s := *p.Scoring
		s.Criteria = clip(s.Criteria)
		q.Scoring = &s
	}
	if p.Certificate != nil {
		c := *p.Certificate
		q.Certificate = &c
	}
	return &q
}

// clip copies s, keeping nil as nil so that a copy stays DeepEqual to its
// original.
func clip[T any](s []T) []T {
	if s == nil {
		return nil
	}
	return append(make([]T, 0, len(s)), s...)
}

// eachTime calls f on every time of the plan that is set. Zero times (the
// voting window of a contest without a vote) are left alone so that they stay
// zero through Shift and JSON.
func (p *Plan) eachTime(f func(*time.Time)) {
	at := func(t *time.Time) {
		if !t.IsZero() {
			f(t)
		}
	}
	window := func(w *Window) {
		at(&w.Opens)
		at(&w.Closes)
	}
	for i := range p.Sessions {
		at(&p.Sessions[i].Starts)
		at(&p.Sessions[i].Ends)
	}
	for i := range p.Deadlines {
		at(&p.Deadlines[i].Due)
	}
	if p.Contest != nil {
		window(&p.Contest.Submissions)
		window(&p.Contest.Voting)
	}
	if p.Scoring != nil {
		window(&p.Scoring.Window)
	}
}
