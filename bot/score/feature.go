package score

import (
	"context"
	"time"

	"github.com/cohortbot/cohortbot/bot"
	"github.com/cohortbot/cohortbot/bot/plan"
)

// Scores is the scoring of the groups' reports at the defence: lecturers
// and trainees mark each criterion of the other groups' reports during
// the plan's scoring window, and the ranking weighs the two sides.
type Scores struct {
	core    *bot.Bot
	store   Store
	reports Reports
}

// Store is what the scores keep (store.Store). SetMark is one atomic
// write per (scorer, group, criterion); AllMarks reads the cohort's
// marks in one round trip.
type Store interface {
	Members(ctx context.Context, cohort string) ([]*bot.Member, error)
	SetMark(ctx context.Context, cohort string, m Mark) error
	SetScoreNote(ctx context.Context, cohort string, scorer bot.UserKey, group, note string) error
	// ScorerMarks returns one scorer's marks for a group's n criteria
	// (-1 where none) and their note.
	ScorerMarks(ctx context.Context, cohort string, scorer bot.UserKey, group string, n int) ([]int, string, error)
	// AllMarks returns every mark of the cohort and, with notes, every
	// note by scorer and group.
	AllMarks(ctx context.Context, cohort string, notes bool) ([]Mark, map[NoteKey]string, error)
	ScoreMeta(ctx context.Context, cohort string) (Meta, error)
	// MarkScoreResults sets a field of the scores' meta once: it reports
	// false when it was set already.
	MarkScoreResults(ctx context.Context, cohort, field, value string) (bool, error)
	// ForgetScorer removes a leaving member's marks and notes while the
	// window is open, and after it de-identifies their marks (see the
	// package doc).
	ForgetScorer(ctx context.Context, cohort string, user bot.UserKey, w plan.Window, now time.Time) error
}

// NoteKey names a scorer's note on a group.
type NoteKey struct {
	Scorer bot.UserKey
	Group  string
}

// Meta is what happened to the results.
type Meta struct {
	// Proposed is the window close (unix ms) whose ranking went to the
	// organisers.
	Proposed  int64
	Announced bool
}

// Reports are the facts of the reports the tie-break needs; cmd gives
// the store, which keeps the reports (a feature never imports another).
type Reports interface {
	// FirstReport is when the group handed in its first report version;
	// ok is false when it handed in none.
	FirstReport(ctx context.Context, cohort, group string) (time.Time, bool, error)
}

// New returns the scores on their store and the reports' facts.
func New(st Store, rp Reports) *Scores { return &Scores{store: st, reports: rp} }

// Feature plugs the scores into the core.
func (s *Scores) Feature() bot.Feature {
	return bot.Feature{
		Name:    "score",
		Texts:   texts(),
		Attach:  func(core *bot.Bot) { s.core = core },
		Routes:  s.routes,
		Buttons: []string{"sc"},
		Due:     map[string]bot.DueFunc{DueScoreClose: s.RunClose},
		Plans:   []bot.DuePlan{{Name: "scoring close", Prefix: closePrefix, Items: closePlan}},
		Export:  s.export,
		MyData:  s.myData,
		Digest:  s.digest,
		Forget: func(ctx context.Context, co *bot.Cohort, user bot.UserKey, now time.Time) error {
			if co.Plan.Scoring == nil {
				return nil
			}
			return s.store.ForgetScorer(ctx, co.ID, user, co.Plan.Scoring.Window, now)
		},
	}
}

// digest is the scores' line of the organisers' daily digest, once the
// window has opened and until the results are announced: how many people
// gave how many marks.
func (s *Scores) digest(ctx context.Context, c *bot.Cohort, _, now time.Time, l bot.Lang) (string, error) {
	sc := c.Plan.Scoring
	if sc == nil || now.Before(sc.Window.Opens) {
		return "", nil
	}
	meta, err := s.store.ScoreMeta(ctx, c.ID)
	if err != nil || meta.Announced {
		return "", err
	}
	marks, _, err := s.store.AllMarks(ctx, c.ID, false)
	if err != nil {
		return "", err
	}
	scorers := map[bot.UserKey]bool{}
	for _, m := range marks {
		scorers[m.Scorer] = true
	}
	return tx(l, "score.digest", len(scorers), len(marks)), nil
}

func (s *Scores) routes(g *bot.RouteGroup) {
	organiser := bot.RequireRole(bot.Organiser)
	g.Handle(bot.Command("score"), s.score, bot.RequireMember)
	g.Handle(bot.Command("ranking"), s.ranking, bot.RequireMember)
	g.Handle(bot.Press("sc", "g"), s.groupPress, bot.RequireMember)
	g.Handle(bot.Press("sc", "m"), s.markPress, bot.RequireMember)
	g.Handle(bot.Press("sc", "skip"), s.skipNote, bot.RequireMember)
	g.Handle(bot.Press("sc", "who"), s.whoPress, organiser)
	g.Handle(bot.Press("sc", "ann"), s.announcePress, organiser)
	g.Handle(bot.CallbackPrefix("sc:"), func(c *bot.Context) error { return c.Refuse(c.T("err.stale_button")) }, bot.RequireMember)
	g.Handle(bot.And(bot.InFlow(flowScore), bot.Or(bot.IsKind(bot.KindText), bot.Command("skip"))), s.scoreText, bot.RequireMember)
}
