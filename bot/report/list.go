package report

import (
	"strconv"
	"strings"

	"github.com/cohortbot/cohortbot/bot"
)

// The staff's view. Lecturers and organisers list the groups with what
// each handed in, open a group's versions, and fetch any version: the
// file is sent again by its platform file id. Every press re-checks the
// role (the route's middleware), the cohort and that the version exists.

// maxVersionButtons bounds the fetch buttons of one deadline in a
// group's view: the newest ones; the text lists them all.
const maxVersionButtons = 10

// overview lists the groups and what each handed in, with a button per
// group.
func (r *Reports) overview(c *bot.Context, intro string) error {
	p := c.Cohort.Plan
	dls := reportDeadlines(p)
	if len(dls) == 0 {
		return c.Reply(intro + c.T("report.no_deadline"))
	}
	if len(p.Groups) == 0 {
		return c.Reply(intro + c.T("report.no_groups"))
	}
	counts, err := r.store.ReportCounts(c.Context, c.Cohort.ID)
	if err != nil {
		return err
	}
	var sb strings.Builder
	sb.WriteString(intro)
	sb.WriteString(c.T("report.list_title", c.Cohort.Name))
	var rows [][]bot.Button
	for gi, g := range p.Groups {
		var parts []string
		for _, d := range dls {
			n := counts[d.ID][g]
			part := c.T("report.list_none")
			if n > 0 {
				part = c.T("report.list_versions", n)
			}
			if len(dls) > 1 {
				part = d.ID + ": " + part
			}
			parts = append(parts, part)
		}
		sb.WriteString("\n• " + g + ": " + strings.Join(parts, "; "))
		b := bot.Button{Text: bot.Truncate(g, 30), Data: bot.Data("rp", "g", c.Cohort.ID, strconv.Itoa(gi))}
		if len(rows) > 0 && len(rows[len(rows)-1]) < 2 {
			rows[len(rows)-1] = append(rows[len(rows)-1], b)
		} else {
			rows = append(rows, []bot.Button{b})
		}
	}
	return c.Reply(sb.String(), rows...)
}

// overviewPress is "rp:all:<cohort>".
func (r *Reports) overviewPress(c *bot.Context) error {
	if d, ok := c.Button(); !ok || len(d.Args) != 0 || c.OtherCohort() {
		return c.Refuse(c.T("err.stale_button"))
	}
	if err := c.Answer("", false); err != nil {
		return err
	}
	return r.overview(c, "")
}

// pressGroup reads the group a press names by its index in the plan.
func pressGroup(c *bot.Context, arg string) (string, bool) {
	gi, err := strconv.Atoi(arg)
	if err != nil || gi < 0 || gi >= len(c.Cohort.Plan.Groups) {
		return "", false
	}
	return c.Cohort.Plan.Groups[gi], true
}

// groupPress is "rp:g:<group>:<cohort>": a group's versions, by deadline.
func (r *Reports) groupPress(c *bot.Context) error {
	d, ok := c.Button()
	if !ok || len(d.Args) != 1 || c.OtherCohort() {
		return c.Refuse(c.T("err.stale_button"))
	}
	group, ok := pressGroup(c, d.Args[0])
	if !ok {
		return c.Refuse(c.T("err.stale_button"))
	}
	if err := c.Answer("", false); err != nil {
		return err
	}
	var sb strings.Builder
	sb.WriteString(c.T("report.group_title", group))
	var rows [][]bot.Button
	for _, dl := range reportDeadlines(c.Cohort.Plan) {
		vs, err := r.store.GroupReports(c.Context, c.Cohort.ID, dl.ID, group)
		if err != nil {
			return err
		}
		sb.WriteString("\n\n" + c.T("report.group_deadline", dl.Title, bot.FormatWhen(dl.Due, c)))
		if len(vs) == 0 {
			sb.WriteString("\n" + c.T("report.list_none"))
			continue
		}
		for i, v := range vs {
			line := c.T("report.version_line", v.Version, bot.OrDash(v.Name), v.Type.Label(), megabytes(v.Size), bot.FormatWhen(v.At, c), bot.OrDash(v.UploaderName))
			if v.Late {
				line += " " + c.T("report.late_mark")
			}
			sb.WriteString("\n" + line)
			if i >= len(vs)-maxVersionButtons {
				label := c.T("report.btn.fetch", v.Version, bot.Truncate(dl.Title, 24))
				rows = append(rows, []bot.Button{{Text: label, Data: bot.Data("rp", "f", c.Cohort.ID, dl.ID, d.Args[0], strconv.Itoa(v.Version))}})
			}
		}
	}
	rows = append(rows, []bot.Button{{Text: c.T("report.btn.all"), Data: bot.Data("rp", "all", c.Cohort.ID)}})
	return c.Reply(sb.String(), rows...)
}

// filePress is "rp:f:<deadline>:<group>:<version>:<cohort>": the version
// sent again by its file id.
func (r *Reports) filePress(c *bot.Context) error {
	d, ok := c.Button()
	if !ok || len(d.Args) != 3 || c.OtherCohort() {
		return c.Refuse(c.T("err.stale_button"))
	}
	group, ok := pressGroup(c, d.Args[1])
	dl, dok := reportDeadline(c.Cohort.Plan, d.Args[0])
	n, err := strconv.Atoi(d.Args[2])
	if !ok || !dok || err != nil {
		return c.Refuse(c.T("err.stale_button"))
	}
	vs, err := r.store.GroupReports(c.Context, c.Cohort.ID, dl.ID, group)
	if err != nil {
		return err
	}
	for _, v := range vs {
		if v.Version != n {
			continue
		}
		if err := c.Answer("", false); err != nil {
			return err
		}
		caption := c.T("report.caption", group, v.Version, dl.Title, bot.FormatWhen(v.At, c))
		if v.Late {
			caption += " " + c.T("report.late_mark")
		}
		_, err := c.Send(bot.Message{Document: &bot.File{ID: v.FileID, UniqueID: v.UniqueID, Name: v.Name}, Text: caption})
		return err
	}
	return c.Refuse(c.T("report.no_version"))
}
