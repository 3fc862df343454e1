package attend

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"time"

	"github.com/cohortbot/cohortbot/bot"
	"github.com/cohortbot/cohortbot/bot/plan"
)

// Attend is the attendance feature.
type Attend struct {
	core  *bot.Bot
	store Store
}

// Store is what the attendance reads and changes (store.Store).
type Store interface {
	Member(ctx context.Context, cohort string, user bot.UserKey) (*bot.Member, error)
	Members(ctx context.Context, cohort string) ([]*bot.Member, error)
	// NewCheckinCode records a code for a session; false when the code is
	// taken (another live code of the cohort has it).
	NewCheckinCode(ctx context.Context, cohort, code string, c Code) (bool, error)
	// CheckIn records the user present at the session of the code, in one
	// step: the code must be known and live, the user a trainee of the
	// cohort, and a second check-in records nothing.
	CheckIn(ctx context.Context, cohort, code string, user bot.UserKey, now time.Time) (Result, error)
	// Mark records the user present (or not) at a session by an
	// organiser's hand, audited; changed is false when it already was so.
	Mark(ctx context.Context, cohort, session string, user, by bot.UserKey, present bool, now time.Time) (changed bool, err error)
	// Present lists who is present at a session.
	Present(ctx context.Context, cohort, session string) (map[bot.UserKey]Presence, error)
	// Attended lists the sessions the user was present at.
	Attended(ctx context.Context, cohort string, user bot.UserKey) ([]string, error)
	// ForgetAttendance removes the user from every session's attendance.
	ForgetAttendance(ctx context.Context, cohort string, user bot.UserKey) error
}

// Code is a live check-in code.
type Code struct {
	Session string
	By      bot.UserKey
	Expires time.Time
}

// Presence is one person present at a session.
type Presence struct {
	At  time.Time
	How string // HowCode, HowLink or HowHand
	By  bot.UserKey
}

// How a presence was recorded.
const (
	HowCode = "code"
	HowHand = "hand"
)

// Result is what a check-in did.
type Result struct {
	Status  string // one of the Check* constants
	Session string
}

// Outcomes of Store.CheckIn.
const (
	CheckOK        = "ok"
	CheckAlready   = "already"
	CheckExpired   = "expired"
	CheckUnknown   = "unknown"
	CheckNotMember = "notmember"
)

const (
	// CodeTTL is how long a check-in code works.
	CodeTTL = 15 * time.Minute
	// NearBefore is how long before its start a session is near: codes
	// can be made for it from then until it ends.
	NearBefore = 30 * time.Minute
	// CodeLen is the length of a check-in code.
	CodeLen = 6
	// codeAlphabet leaves out the letters and digits read one for
	// another on a projector (0/O, 1/I/L).
	codeAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
	// linkPrefix starts a check-in link's /start payload: "ck-<cohort>-<code>".
	linkPrefix = "ck-"
)

// New returns the attendance on its store.
func New(st Store) *Attend { return &Attend{store: st} }

// Feature plugs the attendance into the core.
func (a *Attend) Feature() bot.Feature {
	return bot.Feature{
		Name:    "attend",
		Texts:   texts(),
		Attach:  func(core *bot.Bot) { a.core = core },
		Routes:  a.routes,
		Buttons: []string{"att"},
		Start:   map[string]bot.HandlerFunc{linkPrefix: a.checkinLink},
		Export:  a.export,
		MyData:  a.myData,
		Forget: func(ctx context.Context, c *bot.Cohort, user bot.UserKey, _ time.Time) error {
			return a.store.ForgetAttendance(ctx, c.ID, user)
		},
	}
}

// Attended counts the sessions of the plan the user was present at, among
// those that ended by now, and how many ended. Certificates read it.
func (a *Attend) Attended(ctx context.Context, c *bot.Cohort, user bot.UserKey, now time.Time) (attended, ended int, err error) {
	got, err := a.store.Attended(ctx, c.ID, user)
	if err != nil {
		return 0, 0, err
	}
	present := map[string]bool{}
	for _, s := range got {
		present[s] = true
	}
	for _, s := range c.Plan.Sessions {
		if s.Ends.After(now) {
			continue
		}
		ended++
		if present[s.ID] {
			attended++
		}
	}
	return attended, ended, nil
}

// NewCode returns a random check-in code from crypto/rand.
func NewCode() string {
	buf := make([]byte, CodeLen)
	if _, err := rand.Read(buf); err != nil {
		panic("crypto/rand: " + err.Error()) // never fails on supported platforms
	}
	// 256 is not a multiple of 31: the first letters come a little more
	// often, which costs a fraction of a bit of the code's 29.
	for i, v := range buf {
		buf[i] = codeAlphabet[int(v)%len(codeAlphabet)]
	}
	return string(buf)
}

// NormalizeCode reads a typed code: case and spaces (and dashes) do not
// matter; ok is false for anything that cannot be a code.
func NormalizeCode(s string) (string, bool) {
	out := make([]byte, 0, CodeLen)
	for _, r := range s {
		switch {
		case r == ' ' || r == '-' || r == '\t':
			continue
		case r >= 'a' && r <= 'z':
			r -= 'a' - 'A'
		}
		if r > 127 || !containsByte(codeAlphabet, byte(r)) {
			return "", false
		}
		out = append(out, byte(r))
	}
	return string(out), len(out) == CodeLen
}

func containsByte(s string, b byte) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == b {
			return true
		}
	}
	return false
}

// sessionRef is the short name of a session in buttons: the session's id
// may take 32 bytes, too many beside a user key in 64. It stays the same
// when the plan changes around the session.
func sessionRef(id string) string {
	h := sha256.Sum256([]byte(id))
	return hex.EncodeToString(h[:4])
}

// sessionByRef finds the session a button names.
func sessionByRef(p *plan.Plan, ref string) (plan.Session, bool) {
	for _, s := range p.Sessions {
		if sessionRef(s.ID) == ref {
			return s, true
		}
	}
	return plan.Session{}, false
}

// near lists the sessions near now: from NearBefore before their start
// to their end.
func near(p *plan.Plan, now time.Time) []plan.Session {
	var out []plan.Session
	for _, s := range p.Sessions {
		if !now.Before(s.Starts.Add(-NearBefore)) && now.Before(s.Ends) {
			out = append(out, s)
		}
	}
	return out
}

// next is the first session that starts after now.
func next(p *plan.Plan, now time.Time) (plan.Session, bool) {
	var best plan.Session
	found := false
	for _, s := range p.Sessions {
		if s.Starts.After(now) && (!found || s.Starts.Before(best.Starts)) {
			best, found = s, true
		}
	}
	return best, found
}
