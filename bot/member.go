package bot

import (
	"errors"
	"time"

	"github.com/cohortbot/cohortbot/bot/plan"
)

// Role is what a member may do in a cohort.
type Role string

// The roles. Organisers run the course; lecturers teach, vote and score;
// trainees belong to a group, submit photos and reports, vote and score.
const (
	Trainee   Role = "trainee"
	Lecturer  Role = "lecturer"
	Organiser Role = "organiser"
)

// Roles lists every role, lowest first.
var Roles = []Role{Trainee, Lecturer, Organiser}

// ParseRole accepts the English role names and their Vietnamese and
// American spellings.
func ParseRole(s string) (Role, bool) {
	switch s {
	case "trainee", "hocvien", "học viên", "hv":
		return Trainee, true
	case "lecturer", "giangvien", "giảng viên", "gv":
		return Lecturer, true
	case "organiser", "organizer", "btc", "bantochuc", "ban tổ chức":
		return Organiser, true
	}
	return "", false
}

// Lang is a user's language.
type Lang string

// The languages. Vietnamese is the default.
const (
	VI Lang = "vi"
	EN Lang = "en"
)

// Cohort is one run of a course.
type Cohort struct {
	ID      string
	Name    string
	Plan    *plan.Plan
	ViewKey string
	Created time.Time
	// Version increases with every plan change, so cached copies can be
	// checked cheaply.
	Version int64
	// GroupChat is the linked platform group for announcements, if any.
	GroupChat ChatKey
}

// Member is a person in a cohort.
type Member struct {
	User   UserKey   `json:"user"`
	Cohort string    `json:"cohort"`
	Role   Role      `json:"role"`
	Name   string    `json:"name,omitempty"` // as printed on the certificate
	Org    string    `json:"org,omitempty"`
	Group  string    `json:"group,omitempty"`
	Joined time.Time `json:"joined"`
	// Registered is false until the registration conversation ends.
	Registered bool `json:"registered"`
	// Invite is the code the member joined with.
	Invite string `json:"invite,omitempty"`
	// Unreachable is set when the platform said the user blocked the bot.
	Unreachable bool `json:"unreachable,omitempty"`
	// Consent is when the person agreed to the privacy notice, before
	// which nothing about them was kept; zero for members of before the
	// notice asked (they were shown it at joining).
	Consent time.Time `json:"consent,omitzero"`
	// Person is the member's row of the plan's roster, counted from 1; 0
	// for someone who registered by typing.
	Person int `json:"person,omitempty"`
}

// Profile is what the bot keeps about a person across cohorts.
type Profile struct {
	User     UserKey
	Lang     Lang   // empty until chosen or guessed
	Active   string // active cohort id
	Name     string // platform profile name, last seen
	Username string
	Cohorts  []string
	// Unreachable is set when the platform said the person blocked the
	// bot; it is cleared when they write again.
	Unreachable bool
}

// Invite lets people join a cohort with a role.
type Invite struct {
	Code    string    `json:"code"`
	Cohort  string    `json:"cohort"`
	Role    Role      `json:"role"`
	Uses    int       `json:"uses"` // remaining uses; -1 for unlimited
	Expires time.Time `json:"expires,omitempty"`
	Revoked bool      `json:"revoked,omitempty"`
	Created time.Time `json:"created"`
	Used    int       `json:"used"`
	// Person, when set, makes it the personal link of the roster's row
	// Person (from 1): it joins that person directly.
	Person int `json:"person,omitempty"`
}

// Check reports whether the invite can still be redeemed at now, as the
// store's redeeming would decide for someone who never used it.
func (inv *Invite) Check(now time.Time) error {
	switch {
	case inv.Revoked:
		return ErrInviteRevoked
	case !inv.Expires.IsZero() && !now.Before(inv.Expires):
		return ErrInviteExpired
	case inv.Uses == 0:
		return ErrInviteUsedUp
	}
	return nil
}

// Invite problems, as returned by the store when redeeming.
var (
	ErrInviteUnknown = errors.New("invite unknown")
	ErrInviteRevoked = errors.New("invite revoked")
	ErrInviteUsedUp  = errors.New("invite used up")
	ErrInviteExpired = errors.New("invite expired")
)

// ErrNotFound is what the store returns for a missing record.
var ErrNotFound = errors.New("not found")

// Member changes the store refuses.
var (
	// ErrLastOrganiser: the change would leave the cohort without a
	// registered organiser.
	ErrLastOrganiser = errors.New("last organiser")
	// ErrMemberChanged: the member's role changed since it was read.
	ErrMemberChanged = errors.New("member changed meanwhile")
)

// MemberPatch is a change to some of a member's fields; nil fields stay.
// An empty string clears a field.
type MemberPatch struct {
	Role       *Role
	Name       *string
	Org        *string
	Group      *string
	Registered *bool
}

// Past is what a cohort keeps of a former member, so that leaving and
// coming back never yields another group, another role or a fresh start
// after an organiser removed them.
type Past struct {
	User    UserKey
	Role    Role
	Group   string
	Removed bool // by an organiser, not by themself
	At      time.Time
}

// ErrUndelivered is the failure to send a direct answer or to queue it for
// later (the store is away): the update is handled again.
var ErrUndelivered = errors.New("answer not delivered")

// Conv is the state of a conversation: which flow, which step, what has
// been collected so far. It lives in Redis with a TTL.
type Conv struct {
	Flow string            `json:"flow"`
	Step string            `json:"step"`
	Data map[string]string `json:"data,omitempty"`
	// Last is the id of the update that set this state. A redelivered
	// update with this id re-asks the question instead of applying twice.
	Last int64 `json:"last,omitempty"`
}
