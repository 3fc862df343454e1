package report

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cohortbot/cohortbot/bot"
	"github.com/cohortbot/cohortbot/bot/plan"
)

// Handing in a report. A trainee of a group sends /report; when the plan
// has several deadlines of kind report they pick one with a button (one:
// no question); then they send the file. Its declared size is checked
// before anything is downloaded, its type from its bytes
// (bot.DetectDocument), and the store records it as the next version of
// the group's report for that deadline, marked late after the deadline.
// Every other member of the group is told through the outbox.

const flowReport = "rp"

// Steps of the report conversation.
const (
	stepPick = "pick" // waiting for the deadline's button
	stepFile = "file" // waiting for the file
)

const (
	// MaxBytes is the largest report taken: the Bot API lets a bot
	// download no more.
	MaxBytes = 20 << 20
	// MaxVersions bounds the versions of one group's report for one
	// deadline.
	MaxVersions = 50
)

// Version is one file handed in as a group's report for a deadline.
type Version struct {
	Cohort   string      `json:"cohort"`
	Deadline string      `json:"deadline"`
	Group    string      `json:"group"`
	Version  int         `json:"v,omitempty"` // set from the store's numbering
	FileID   string      `json:"file_id"`
	UniqueID string      `json:"unique_id"`
	Name     string      `json:"name,omitempty"`
	Size     int64       `json:"size"`
	Type     bot.DocType `json:"type"`
	// Uploader and UploaderName are "" once the uploader left the cohort
	// (Store.ForgetReporter).
	Uploader     bot.UserKey `json:"uploader,omitempty"`
	UploaderName string      `json:"uploader_name,omitempty"`
	At           time.Time   `json:"at"`
	Late         bool        `json:"late,omitempty"`
}

// Outcomes of Store.AddReport.
const (
	AddOK    = "ok"
	AddDup   = "dup"   // the file is version Version already
	AddLimit = "limit" // the group has MaxVersions versions
)

// AddResult is what AddReport did.
type AddResult struct {
	Status  string
	Version int
}

// reportDeadlines are the plan's deadlines of kind report, earliest
// first.
func reportDeadlines(p *plan.Plan) []plan.Deadline {
	var out []plan.Deadline
	for _, d := range p.Deadlines {
		if d.Kind == DeadlineKind {
			out = append(out, d)
		}
	}
	slices.SortStableFunc(out, func(a, b plan.Deadline) int { return a.Due.Compare(b.Due) })
	return out
}

func reportDeadline(p *plan.Plan, id string) (plan.Deadline, bool) {
	d, ok := p.Deadline(id)
	return d, ok && d.Kind == DeadlineKind
}

// canHandIn returns the refusal for a member who may not hand in a
// report, "" for a trainee with a group.
func canHandIn(c *bot.Context) string {
	switch {
	case c.Member.Role != bot.Trainee:
		return c.T("report.staff")
	case c.Member.Group == "":
		return c.T("report.no_group")
	}
	return ""
}

// report is /report: staff get the groups' reports; a trainee with a
// group is asked for the deadline, then the file.
func (r *Reports) report(c *bot.Context) error {
	if c.Member.Role != bot.Trainee {
		return r.overview(c, c.T("report.staff")+"\n\n")
	}
	if refusal := canHandIn(c); refusal != "" {
		return c.Reply(refusal)
	}
	dls := reportDeadlines(c.Cohort.Plan)
	switch len(dls) {
	case 0:
		return c.Reply(c.T("report.no_deadline"))
	case 1:
		return r.askFile(c, dls[0])
	}
	rows := make([][]bot.Button, 0, len(dls))
	for _, d := range dls {
		label := d.Title + " (" + bot.FormatWhen(d.Due, c) + ")"
		rows = append(rows, []bot.Button{{Text: bot.Truncate(label, 60), Data: bot.Data("rp", "d", c.Cohort.ID, d.ID)}})
	}
	if err := c.SetConv(flowReport, stepPick, map[string]string{"co": c.Cohort.ID}); err != nil {
		return err
	}
	return c.Reply(c.T("report.pick_deadline"), rows...)
}

// pickDeadline is "rp:d:<deadline>:<cohort>".
func (r *Reports) pickDeadline(c *bot.Context) error {
	d, ok := c.Button()
	if !ok || len(d.Args) != 1 || c.OtherCohort() {
		return c.Refuse(c.T("err.stale_button"))
	}
	if refusal := canHandIn(c); refusal != "" {
		return c.Refuse(refusal)
	}
	dl, ok := reportDeadline(c.Cohort.Plan, d.Args[0])
	if !ok {
		return c.Refuse(c.T("report.deadline_gone"))
	}
	if err := c.Answer("", false); err != nil {
		return err
	}
	return r.askFile(c, dl)
}

// askFile asks for the file of the deadline, saying what the group
// handed in already.
func (r *Reports) askFile(c *bot.Context, d plan.Deadline) error {
	vs, err := r.store.GroupReports(c.Context, c.Cohort.ID, d.ID, c.Member.Group)
	if err != nil {
		return err
	}
	if len(vs) >= MaxVersions {
		// Said before the file is sent; the store checks it again when
		// one comes (two teammates at once).
		if err := c.EndConv(); err != nil {
			return err
		}
		return c.Reply(c.T("report.limit", MaxVersions))
	}
	if err := c.SetConv(flowReport, stepFile, map[string]string{"co": c.Cohort.ID, "dl": d.ID}); err != nil {
		return err
	}
	text := c.T("report.ask_file", d.Title, bot.FormatWhen(d.Due, c), MaxBytes>>20)
	if n := len(vs); n > 0 {
		last := vs[n-1]
		text += "\n\n" + c.T("report.has_versions", c.Member.Group, n, bot.OrDash(last.Name), bot.FormatWhen(last.At, c), n+1)
	}
	if !r.core.Now().Before(d.Due) {
		text += "\n\n" + c.T("report.will_be_late")
	}
	return c.Reply(text)
}

// reportText answers text typed in the report conversation.
func (r *Reports) reportText(c *bot.Context) error {
	if c.Conv.Step == stepPick {
		return c.Reply(c.T("report.pick_first"))
	}
	return c.Reply(c.T("report.send_file", MaxBytes>>20))
}

// reportFile takes the file sent in the report conversation.
func (r *Reports) reportFile(c *bot.Context) error {
	if c.Cohort == nil || c.Conv.Data["co"] != c.Cohort.ID {
		if err := c.EndConv(); err != nil {
			return err
		}
		return c.Reply(c.T("report.flow_stale"))
	}
	if refusal := canHandIn(c); refusal != "" {
		return c.Reply(refusal)
	}
	if c.Conv.Step != stepFile {
		return c.Reply(c.T("report.pick_first"))
	}
	p := c.Cohort.Plan
	d, ok := reportDeadline(p, c.Conv.Data["dl"])
	if !ok {
		if err := c.EndConv(); err != nil {
			return err
		}
		return c.Reply(c.T("report.deadline_gone"))
	}
	f := c.U.Document
	if f == nil {
		return c.Reply(c.T("report.photo"))
	}
	// Refused by its declared size before anything is downloaded: the
	// platform would not hand the bot a bigger file anyway.
	if f.Size > MaxBytes {
		return c.Reply(c.T("report.too_big", megabytes(f.Size), MaxBytes>>20))
	}
	raw := f.Bytes
	if raw == nil {
		if r.files == nil {
			return errors.New("read report: no file fetcher configured")
		}
		var err error
		raw, err = r.files.Fetch(c.Context, f.ID)
		switch {
		case errors.Is(err, ErrTooLarge):
			// The declared size was missing or wrong.
			return c.Reply(c.T("report.too_big_unknown", MaxBytes>>20))
		case err != nil:
			return fmt.Errorf("read report %s: %w", f.ID, err)
		}
	}
	if len(raw) > MaxBytes {
		return c.Reply(c.T("report.too_big", megabytes(int64(len(raw))), MaxBytes>>20))
	}
	t, err := bot.DetectDocument(raw)
	if err != nil {
		r.core.Log().Info("report refused by its bytes", "user", c.U.User, "name", f.Name, "err", err)
		return c.Reply(c.T("report.bad_type", bot.OrDash(f.Name)))
	}
	now := r.core.Now()
	v := &Version{
		Cohort: c.Cohort.ID, Deadline: d.ID, Group: c.Member.Group, FileID: f.ID, UniqueID: f.UniqueID,
		Name: bot.Truncate(bot.CleanName(f.Name), 120), Size: int64(len(raw)), Type: t,
		Uploader: c.U.User, UploaderName: c.Member.Name, At: now, Late: !now.Before(d.Due),
	}
	if v.UniqueID == "" {
		v.UniqueID = f.ID
	}
	res, err := r.store.AddReport(c.Context, v, MaxVersions)
	if err != nil {
		return err
	}
	switch res.Status {
	case AddLimit:
		return c.Reply(c.T("report.limit", MaxVersions))
	case AddDup:
		if err := c.EndConv(); err != nil {
			return err
		}
		// This update again after a crash may not have told the group:
		// tell it now (the batch id is the version's, so it is queued
		// once).
		if err := r.tellAgain(c, d, res.Version); err != nil {
			return err
		}
		return c.Reply(c.T("report.dup", res.Version))
	case AddOK:
	default:
		return fmt.Errorf("add report: unexpected %q", res.Status)
	}
	v.Version = res.Version
	r.core.Log().Info("report handed in", "cohort", v.Cohort, "deadline", v.Deadline, "group", v.Group, "version", v.Version, "late", v.Late)
	if err := c.EndConv(); err != nil {
		return err
	}
	if err := r.tellGroup(c, d, v); err != nil {
		return err
	}
	text := c.T("report.received", v.Version, d.Title, v.Group, v.Type.Label(), megabytes(v.Size))
	if v.Late {
		text += "\n" + c.T("report.late", bot.FormatWhen(d.Due, c))
	}
	return c.Reply(text)
}

// tellGroup tells the group's other members that a version arrived,
// through the outbox: it is not the answer to their own action.
func (r *Reports) tellGroup(c *bot.Context, d plan.Deadline, v *Version) error {
	members, err := r.store.Members(c.Context, c.Cohort.ID)
	if err != nil {
		return err
	}
	var to []*bot.Member
	for _, m := range members {
		if m.Registered && m.Role == bot.Trainee && m.Group == v.Group && m.User != v.Uploader {
			to = append(to, m)
		}
	}
	if len(to) == 0 {
		return nil
	}
	langs, err := r.core.Langs(c.Context, to)
	if err != nil {
		return err
	}
	loc := c.Cohort.Plan.Location
	jobs := make([]bot.Job, 0, len(to))
	for _, m := range to {
		l := langs[m.User]
		text := tx(l, "report.notify", bot.OrDash(v.UploaderName), v.Group, v.Version, d.Title, v.Type.Label(), v.At.In(loc).Format("15:04 02/01/2006"))
		if v.Late {
			text += "\n" + tx(l, "report.late", d.Due.In(loc).Format("02/01/2006 15:04"))
		}
		jobs = append(jobs, bot.Job{ID: string(m.User), User: m.User, Msg: bot.Message{Chat: m.User.PrivateChat(), Text: text}})
	}
	gi := slices.Index(c.Cohort.Plan.Groups, v.Group)
	batch := bot.Batch{ID: "rp:" + v.Cohort + ":" + d.ID + ":" + strconv.Itoa(gi) + ":" + strconv.Itoa(v.Version), Cohort: v.Cohort, Kind: "notice"}
	return r.core.Deliver(c.Context, batch, jobs)
}

// tellAgain tells the group of version n again, if it is still there.
func (r *Reports) tellAgain(c *bot.Context, d plan.Deadline, n int) error {
	vs, err := r.store.GroupReports(c.Context, c.Cohort.ID, d.ID, c.Member.Group)
	if err != nil {
		return err
	}
	for _, v := range vs {
		if v.Version == n {
			return r.tellGroup(c, d, v)
		}
	}
	return nil
}

// megabytes writes a size for people: "1.2", at least "0.1".
func megabytes(n int64) string {
	mb := float64(n) / (1 << 20)
	if mb < 0.1 {
		mb = 0.1
	}
	return strings.TrimSuffix(strconv.FormatFloat(mb, 'f', 1, 64), ".0")
}
