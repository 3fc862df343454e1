package report

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/cohortbot/cohortbot/bot"
	"github.com/cohortbot/cohortbot/bot/plan"
)

// Reports is the groups' reports: a trainee hands in the group's report
// as a document (a new file is a new version, the history kept), the
// group is told, the deadline counts as done for the group, and
// lecturers and organisers list and fetch every version.
type Reports struct {
	core  *bot.Bot
	store Store
	files Files
}

// Store is what the reports keep (store.Store). AddReport makes each
// check that must hold at the moment of the change (the file not yet a
// version, the limit of versions) in one atomic step.
type Store interface {
	Members(ctx context.Context, cohort string) ([]*bot.Member, error)
	// AddReport records v as the next version of its deadline and group,
	// unless the same file is a version already (AddDup, its number) or
	// the group has limit versions (AddLimit). v.Version is set by the
	// store.
	AddReport(ctx context.Context, v *Version, limit int) (AddResult, error)
	// GroupReports returns the versions of a group's report for a
	// deadline, oldest first.
	GroupReports(ctx context.Context, cohort, deadline, group string) ([]*Version, error)
	// ReportCounts returns, by deadline id and group, how many versions
	// were handed in.
	ReportCounts(ctx context.Context, cohort string) (map[string]map[string]int, error)
	// ReportCount is how many versions the group handed in for the
	// deadline.
	ReportCount(ctx context.Context, cohort, deadline, group string) (int, error)
	// ForgetReporter de-identifies the versions a leaving member
	// uploaded: the group's work stays, their name and key go.
	ForgetReporter(ctx context.Context, cohort string, user bot.UserKey) error
}

// Files downloads a platform file, at most MaxBytes of it (cmd gives the
// platform client's Fetch). A file over the platform's limit fails with
// ErrTooLarge (wrapped).
type Files interface {
	Fetch(ctx context.Context, fileID string) ([]byte, error)
}

// ErrTooLarge is what Files returns for a file over the platform's
// download limit: the sender is told to compress it or send a link.
var ErrTooLarge = errors.New("file too large to download")

// UseFiles sets where documents are downloaded; call it before the bot
// starts. Without it a file's bytes are read from the update only (the
// console carries them).
func (r *Reports) UseFiles(f Files) { r.files = f }

// New returns the reports on their store.
func New(st Store) *Reports { return &Reports{store: st} }

// DeadlineKind is the kind of the deadlines a report hands in.
const DeadlineKind = "report"

// Feature plugs the reports into the core.
func (r *Reports) Feature() bot.Feature {
	return bot.Feature{
		Name:      "report",
		Texts:     texts(),
		Attach:    func(core *bot.Bot) { r.core = core },
		Routes:    r.routes,
		Buttons:   []string{"rp"},
		FileFlows: map[string]bot.HandlerFunc{flowReport: r.reportFile},
		Done:      map[string]bot.DoneFunc{DeadlineKind: r.done},
		Export:    r.export,
		MyData:    r.myData,
		Digest:    r.digest,
		Forget: func(ctx context.Context, co *bot.Cohort, user bot.UserKey, _ time.Time) error {
			return r.store.ForgetReporter(ctx, co.ID, user)
		},
	}
}

// done is the done seam for deadlines of kind report: a group is done
// once it handed in a version, on time or late.
func (r *Reports) done(ctx context.Context, c *bot.Cohort, d plan.Deadline, group string) (bool, error) {
	n, err := r.store.ReportCount(ctx, c.ID, d.ID, group)
	return n > 0, err
}

// digest is the reports' line of the organisers' daily digest: how many
// groups handed in each report deadline.
func (r *Reports) digest(ctx context.Context, c *bot.Cohort, _, _ time.Time, l bot.Lang) (string, error) {
	dls := reportDeadlines(c.Plan)
	if len(dls) == 0 || len(c.Plan.Groups) == 0 {
		return "", nil
	}
	counts, err := r.store.ReportCounts(ctx, c.ID)
	if err != nil {
		return "", fmt.Errorf("digest reports: %w", err)
	}
	var parts []string
	for _, d := range dls {
		done := 0
		for _, g := range c.Plan.Groups {
			if counts[d.ID][g] > 0 {
				done++
			}
		}
		parts = append(parts, tx(l, "report.digest", d.Title, done, len(c.Plan.Groups)))
	}
	return strings.Join(parts, "\n"), nil
}

func (r *Reports) routes(g *bot.RouteGroup) {
	staff := bot.RequireRole(bot.Lecturer, bot.Organiser)
	g.Handle(bot.Command("report"), r.report, bot.RequireMember)
	g.Handle(bot.Press("rp", "d"), r.pickDeadline, bot.RequireMember)
	g.Handle(bot.Press("rp", "g"), r.groupPress, staff)
	g.Handle(bot.Press("rp", "f"), r.filePress, staff)
	g.Handle(bot.Press("rp", "all"), r.overviewPress, staff)
	g.Handle(bot.CallbackPrefix("rp:"), func(c *bot.Context) error { return c.Refuse(c.T("err.stale_button")) }, bot.RequireMember)
	g.Handle(bot.And(bot.InFlow(flowReport), bot.Or(bot.IsKind(bot.KindText), bot.Command("skip"))), r.reportText, bot.RequireMember)
}
