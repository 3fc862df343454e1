package contest

import (
	"context"
	"errors"
	"time"

	"github.com/cohortbot/cohortbot/bot"
	"github.com/cohortbot/cohortbot/bot/plan"
)

// Entry is one photo of the contest.
type Entry struct {
	N          int64       `json:"n"` // the entry number people see
	Cohort     string      `json:"cohort"`
	Author     bot.UserKey `json:"author"`
	Group      string      `json:"group,omitempty"`
	Category   string      `json:"category,omitempty"`
	Caption    string      `json:"caption,omitempty"`
	Enterprise string      `json:"enterprise,omitempty"`
	FileID     string      `json:"file_id"`
	UniqueID   string      `json:"unique_id"` // Telegram file_unique_id, or a content hash
	Album      string      `json:"album,omitempty"`
	Status     string      `json:"status"`
	Reason     string      `json:"reason,omitempty"`
	Created    time.Time   `json:"created"`
	// Document is set for a JPEG or PNG sent as a file: it is shown again
	// as a document, since a platform refuses a document's id as a photo.
	Document bool `json:"doc,omitempty"`
}

// File is the entry's picture as it is sent again.
func (e *Entry) File() *bot.File { return &bot.File{ID: e.FileID, UniqueID: e.UniqueID} }

// Entry states.
const (
	EntryDraft     = "draft"     // waiting for its category
	EntryPending   = "pending"   // waiting for moderation
	EntryApproved  = "approved"  // shown to voters
	EntryRejected  = "rejected"  // refused by an organiser
	EntryWithdrawn = "withdrawn" // taken back by its author
)

// countsTowardLimit reports whether an entry in status s counts toward its
// author's limit of photos: a withdrawn or rejected photo does not, so a
// trainee whose blurry photo was refused may send a better one.
func countsTowardLimit(s string) bool { return s != EntryWithdrawn && s != EntryRejected }

// Contest phases, as the leaderboard reports them.
const (
	PhaseSubmissions = "submissions"
	PhaseVoting      = "voting"
	PhaseClosed      = "closed"
)

// Standing is an approved entry with its counts and rank.
type Standing struct {
	Entry
	Rank  int     // 1-based, by score, then more voters, then earlier submission
	Votes int     // number of voters
	Score float64 // weighted total: a lecturer's vote counts the plan's lecturer_weight
}

// Leaderboard is the contest as the projector page and its JSON show it.
// While totals are hidden (plan totals: hidden and voting not closed),
// Standings come in entry order with Rank, Votes and Score zero, and
// TotalsVisible is false.
type Leaderboard struct {
	State         string // PhaseSubmissions, PhaseVoting or PhaseClosed
	TotalsVisible bool
	Prizes        int
	Standings     []Standing
}

// The phases whose windows organisers can change, as the store names
// them.
const (
	PhaseSub  = "sub"
	PhaseVote = "vote"
)

// ErrWindowClosed is returned by the store when a change needs a window
// that is shut.
var ErrWindowClosed = errors.New("window closed")

// Store is the contest's state (store.Store). Every check that
// must hold at the moment of a change (the window, the picture not yet
// entered, the limit, the status, the voter's group and quota) is made
// inside the store in one atomic step; the handlers' own checks only
// choose the answer.
type Store interface {
	// The members and profiles the contest names and tells.
	Member(ctx context.Context, cohort string, user bot.UserKey) (*bot.Member, error)
	Members(ctx context.Context, cohort string) ([]*bot.Member, error)
	Profile(ctx context.Context, user bot.UserKey) (bot.Profile, error)

	ContestMeta(ctx context.Context, cohort string) (ContestMeta, error)
	ContestSnapshot(ctx context.Context, cohort string) (*ContestSnapshot, error)
	// ContestBoard reads what the leaderboard shows; the tallies only
	// when asked for.
	ContestBoard(ctx context.Context, cohort string, tallies bool) (*ContestBoard, error)
	// SetContestWindows stores an organiser's change of the windows. It
	// reports false, changing nothing, when ch.Seen is set and the windows
	// were changed since (ContestMeta.WindowVersion).
	SetContestWindows(ctx context.Context, cohort string, ch WindowChange) (bool, error)
	MarkResults(ctx context.Context, cohort, field, value string, by bot.UserKey, now time.Time) (bool, error)

	// SubmitEntry records e as a draft with a new number, checking the
	// submissions window w (the plan's; the store applies overrides),
	// that its picture is not an entry yet, and that the author has
	// fewer than limit entries not withdrawn (0: no limit).
	SubmitEntry(ctx context.Context, e *Entry, limits SubmitLimits, w plan.Window, now time.Time) (SubmitResult, error)
	Entry(ctx context.Context, cohort string, n int64) (*Entry, error)
	AuthorEntries(ctx context.Context, cohort string, author bot.UserKey) ([]*Entry, error)
	// UpdateEntries applies the changes whose entry still has the
	// expected status and belongs to author (anyone when empty), and
	// returns the numbers changed. With a window it returns
	// ErrWindowClosed, changing nothing, once submissions are shut.
	UpdateEntries(ctx context.Context, cohort string, author bot.UserKey, changes []EntryChange, window *plan.Window, audit string, now time.Time) ([]int64, error)
	// DecideEntry moves a pending entry to approved or rejected. It
	// reports false and the entry's status when it was not pending.
	DecideEntry(ctx context.Context, cohort string, n int64, approve bool, reason string, by bot.UserKey, now time.Time) (ok bool, status, decision string, err error)

	Vote(ctx context.Context, v VoteRequest) (VoteResult, error)
	// VoteAndView votes, then reads the voter's page of the entry as it
	// is after the vote.
	VoteAndView(ctx context.Context, v VoteRequest) (VoteResult, VoteView, error)
	VoteView(ctx context.Context, cohort string, n int64, voter bot.UserKey) (VoteView, error)
	PhotoVoters(ctx context.Context, cohort string, n int64) (map[bot.UserKey]float64, error)
	// ContestAudit returns the cohort's audit log, oldest first.
	ContestAudit(ctx context.Context, cohort string) ([]AuditEntry, error)
	// VoterVotes returns the numbers of the entries the voter voted for.
	VoterVotes(ctx context.Context, cohort string, voter bot.UserKey) ([]int64, error)
	GroupEntries(ctx context.Context, cohort, group string) (int, error)
	// ForgetContestant deletes a leaving member's photos and votes.
	ForgetContestant(ctx context.Context, cohort string, user bot.UserKey, voting plan.Window, now time.Time) error
}

// ContestMeta is what organisers changed and what the contest counts. A
// nil window bound means the plan's.
type ContestMeta struct {
	SubOpens, SubCloses   *time.Time
	VoteOpens, VoteCloses *time.Time
	// Proposed is the voting close (unix ms) whose results were sent to
	// the organisers for confirmation.
	Proposed  int64
	Announced bool
	Votes     int64 // votes cast and not withdrawn
	Voters    int64 // people with at least one vote
	// WindowVersion counts the organisers' changes of the windows: the
	// panel's buttons carry it, so a double tap or a replayed press does
	// not extend twice.
	WindowVersion int64
}

// WindowChange is an organiser's change of the contest's windows: each
// phase's new window (nil: unchanged), applied only while the windows are
// still at version *Seen (when set).
type WindowChange struct {
	Sub, Vote *plan.Window
	Seen      *int64
	By        bot.UserKey
	Now       time.Time
	Action    string
}

// Windows returns the effective submissions and voting windows: the
// plan's, with the organisers' overrides.
func (m ContestMeta) Windows(pc *plan.Contest) (sub, vote plan.Window) {
	sub, vote = pc.Submissions, pc.Voting
	pick := func(t *time.Time, def time.Time) time.Time {
		if t != nil {
			return *t
		}
		return def
	}
	sub.Opens, sub.Closes = pick(m.SubOpens, sub.Opens), pick(m.SubCloses, sub.Closes)
	vote.Opens, vote.Closes = pick(m.VoteOpens, vote.Opens), pick(m.VoteCloses, vote.Closes)
	return sub, vote
}

// Phase is the contest's state at now, as the leaderboard reports it:
// closed once voting has closed, voting while it is open, submissions
// otherwise.
func Phase(vote plan.Window, now time.Time) string {
	switch {
	case !vote.Closes.IsZero() && !now.Before(vote.Closes):
		return PhaseClosed
	case vote.Open(now):
		return PhaseVoting
	}
	return PhaseSubmissions
}

// ContestSnapshot is the whole contest at one moment.
type ContestSnapshot struct {
	Entries []*Entry // every entry, by number
	Tally   map[int64]Tally
	Meta    ContestMeta
}

// ContestBoard is the contest as the leaderboard reads it. Unlike a
// snapshot's, its entries are shared with other readers (the store's
// cache), so they must never be changed.
type ContestBoard struct {
	Entries []*Entry // every entry, by number; read-only
	Tallies []Tally  // Tallies[i] is Entries[i]'s; nil when not read
	Meta    ContestMeta
}

// Tally is an entry's votes.
type Tally struct {
	Votes int     // voters
	Score float64 // weighted
}

// Outcomes of SubmitEntry.
const (
	SubmitOK     = "ok"
	SubmitDup    = "dup"    // the picture is entry N already
	SubmitLimit  = "limit"  // the author has Count entries not withdrawn
	SubmitClosed = "closed" // submissions are shut
	SubmitDrafts = "drafts" // the author has Count drafts waiting for their category
	SubmitCap    = "cap"    // the author sent MaxEntriesPerMember entries, withdrawn and rejected ones too
	SubmitFull   = "full"   // the cohort holds MaxEntriesPerCohort entries
)

// Caps that hold whatever the plan says (a plan's max_photos_per_member
// of 0 sets no limit of its own), so that neither one member nor one
// cohort can make the contest's data, and the work of the scripts that
// go over it, grow without end. An album brings at most ten drafts at
// once.
const (
	MaxDraftsPerMember  = 20
	MaxEntriesPerMember = 60
	MaxEntriesPerCohort = 5000
)

// SubmitLimits are the limits a submission is checked against.
type SubmitLimits struct {
	Photos  int // the plan's max_photos_per_member: entries neither withdrawn nor rejected; 0 for none
	Drafts  int // drafts waiting for their category
	Entries int // every entry of the member
	Cohort  int // every entry of the cohort
}

// Limits returns the limits of submissions under the plan's rules.
func Limits(pc *plan.Contest) SubmitLimits {
	return SubmitLimits{Photos: pc.MaxPhotosPerMember, Drafts: MaxDraftsPerMember, Entries: MaxEntriesPerMember, Cohort: MaxEntriesPerCohort}
}

// SubmitResult is what SubmitEntry did.
type SubmitResult struct {
	Status string
	N      int64
	// Author and Current are the existing entry's, for a duplicate.
	Author  bot.UserKey
	Current string
	Count   int
}

// EntryChange is one entry's checked transition.
type EntryChange struct {
	N    int64
	From string // the status the entry must still have
	To   string // the new status, "" to keep it
	// Entry, when set, replaces the entry's fields (caption, category,
	// enterprise).
	Entry *Entry
	// Free lets the picture be entered again (a withdrawal).
	Free bool
}

// VoteRequest is one press of a cast or withdraw button.
type VoteRequest struct {
	Cohort string
	Voter  bot.UserKey
	Group  string // the voter's group, "" for lecturers
	N      int64
	Cast   bool // false withdraws
	Weight float64
	Quota  int         // votes per voter, 0 for no quota
	Window plan.Window // the plan's voting window; the store applies overrides
	Now    time.Time
}

// VoteResult is what a vote press did.
type VoteResult string

// Vote outcomes. Only VoteOK changed anything.
const (
	VoteOK          VoteResult = "ok"
	VoteNoop        VoteResult = "noop"        // cast twice, or withdrawn without a vote
	VoteClosed      VoteResult = "closed"      // outside the voting window
	VoteMissing     VoteResult = "missing"     // no such entry
	VoteUnavailable VoteResult = "unavailable" // not approved (pending, rejected, withdrawn)
	VoteOwn         VoteResult = "own"         // the voter's own group's photo
	VoteQuota       VoteResult = "quota"       // votes_per_voter used up
	VoteKept        VoteResult = "kept"        // the voter left after voting closed, and their votes stood
)

// VoteView is what a voter's page shows about one approved entry.
type VoteView struct {
	Entry *Entry // nil when the entry does not exist
	// Position is the entry's place among the approved ones, 1-based,
	// of Total; 0 when it is not approved.
	Position, Total int
	// Prev and Next are the neighbouring approved entries, wrapping
	// around; 0 when there is none other.
	Prev, Next int64
	Voted      bool  // the voter voted for it
	Used       int   // the voter's votes
	Tally      Tally // its voters only: the page never shows a score
	// Meta carries the organisers' overrides of the voting window, read
	// with the page; nothing else of it is filled in.
	Meta ContestMeta
}

// AuditEntry is one line of a cohort's contest audit log.
type AuditEntry struct {
	ID   string
	Kind string // submit, withdraw, recaption, approve, reject, vote, unvote, phase, results_proposed, results_announced
	// Who is the person's pseudonym in the cohort's audit ("#12"); User
	// is who it names, empty once the person left and was forgotten.
	Who    string
	User   bot.UserKey
	Photo  int64
	Time   time.Time
	Fields map[string]string
}

// contestRoutes installs the contest's routes. Its photos and image
// files come through the core's file routing (Feature.Images).
func (b *Contest) contestRoutes(r *bot.RouteGroup) {
	organiser := bot.RequireRole(bot.Organiser)
	r.Handle(bot.Command("myphotos"), b.myPhotos, bot.RequireMember)
	r.Handle(bot.Command("vote"), b.vote, bot.RequireMember)
	r.Handle(bot.Command("top"), b.top, bot.RequireMember)
	r.Handle(bot.Command("pending"), b.pending, organiser)
	r.Handle(bot.Command("contest"), b.contestPanel, organiser)
	// Entering photos and /myphotos (submit.go).
	r.Handle(bot.Press("ph", "my"), b.photoMine, bot.RequireMember)
	r.Handle(bot.Press("ph", "ds"), b.draftPress(1, b.skipDesc), bot.RequireMember)
	r.Handle(bot.Press("ph", "cat"), b.draftPress(2, b.pickCategory), bot.RequireMember)
	r.Handle(bot.Press("ph", "es"), b.draftPress(1, b.skipEnterprise), bot.RequireMember)
	r.Handle(bot.Press("ph", "go"), b.draftPress(1, b.finishDraft), bot.RequireMember)
	r.Handle(bot.Press("ph", "wd"), b.entryPress(1, b.askWithdraw), bot.RequireMember)
	r.Handle(bot.Press("ph", "wdy"), b.entryPress(1, b.confirmWithdraw), bot.RequireMember)
	r.Handle(bot.Press("ph", "rc"), b.entryPress(1, b.askRecaption), bot.RequireMember)
	r.Handle(bot.CallbackPrefix("ph:"), b.entryPress(1, photoStale), bot.RequireMember)
	// Voting (vote.go): the page, the vote, and any other press of a
	// vote button.
	r.Handle(bot.Press("vt", "p"), b.votePage, bot.RequireMember)
	r.Handle(bot.Press("vt", "c", "w"), b.voteCast, bot.RequireMember)
	r.Handle(bot.CallbackPrefix("vt:"), b.voteStale, bot.RequireMember)
	r.Handle(bot.Press("mod", "ok"), b.moderateApprove, organiser)
	r.Handle(bot.Press("mod", "no"), b.moderateReject, organiser)
	r.Handle(bot.Press("mod", "ns"), b.moderateNoReason, organiser)
	r.Handle(bot.CallbackPrefix("mod:"), b.moderateStale, organiser)
	// The organisers' panel (/contest).
	r.Handle(bot.Press("ct", "top"), b.panelView(func(c *bot.Context) error { return b.showTop(c, true) }), organiser)
	r.Handle(bot.Press("ct", "who"), b.panelView(b.whoVoted), organiser)
	r.Handle(bot.Press("ct", "pend"), b.panelView(b.pending), organiser)
	r.Handle(bot.Press("ct", "res"), b.panelView(b.resultsNow), organiser)
	r.Handle(bot.Press("ct", "so", "sc", "sx", "vo", "vc", "vx"), b.windowPress, organiser)
	r.Handle(bot.CallbackPrefix("ct:"), b.panelStale, organiser)
	// "Announce the results"; any other press of a results button is
	// refused by the same checks.
	r.Handle(bot.Press("res", "ok"), b.resultsPress, organiser)
	r.Handle(bot.CallbackPrefix("res:"), b.resultsPress, organiser)
	r.Handle(bot.And(bot.InFlow(flowModerate), bot.Or(bot.IsKind(bot.KindText), bot.Command("skip")), (*bot.Context).IsOrganiser), b.rejectReason, organiser)
	r.Handle(bot.And(bot.InFlow(flowPhoto), bot.Or(bot.IsKind(bot.KindText), bot.Command("skip"))), b.photoText, bot.RequireMember)
}

// cbFields reads a contest button's data (bot.ButtonData): its action
// and arguments. ok is false when it is malformed; other is set when it
// names another course than the presser's active one.
func cbFields(c *bot.Context) (op string, args []string, ok, other bool) {
	d, ok := c.Button()
	if !ok || c.Cohort == nil {
		return "", nil, false, false
	}
	return d.Action, d.Args, true, c.OtherCohort()
}

// refuseButton answers a contest button that cannot act here.
func refuseButton(c *bot.Context, other bool) error {
	if other {
		return c.Refuse(c.T("contest.other_cohort"))
	}
	return c.Refuse(c.T("err.stale_button"))
}

// convCohort reports whether the conversation was started in the active
// course.
func convCohort(c *bot.Context) bool {
	return c.Conv != nil && c.Cohort != nil && c.Conv.Data["co"] == c.Cohort.ID
}
