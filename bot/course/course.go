// Package course lets organisers run the course from its workbook in
// the chat: a workbook sent to the bot is read (plan.ParseWorkbook), its
// problems listed cell by cell in the organiser's language or, when it is
// clean, a preview shown of what changes, applied on confirmation with
// the reminders planned again; /plan sends the course back as the same
// workbook, so the organiser edits the last version.
package course

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/cohortbot/cohortbot/bot"
	"github.com/cohortbot/cohortbot/bot/plan"
)

// MaxBytes bounds a workbook sent in chat, as ParseWorkbook does.
const MaxBytes = 10 << 20

// maxProblems bounds the problems listed in one answer.
const maxProblems = 30

// flowApply is the conversation that waits for «Apply».
const flowApply = "workbook"

// Store is what the course feature reads and changes (store.Store).
type Store interface {
	SavePlan(ctx context.Context, id string, p *plan.Plan) (int64, error)
}

// Files downloads a platform file (the platform client's Fetch).
type Files interface {
	Fetch(ctx context.Context, fileID string) ([]byte, error)
}

// Course is the workbook in chat.
type Course struct {
	core  *bot.Bot
	store Store
	files Files
}

// New returns the feature on its store.
func New(st Store) *Course { return &Course{store: st} }

// UseFiles gives the feature the platform's downloads (serve).
func (x *Course) UseFiles(f Files) { x.files = f }

// Feature plugs the workbook into the core: it takes documents that are
// not pictures, outside any conversation that takes files.
func (x *Course) Feature() bot.Feature {
	return bot.Feature{
		Name:      "course",
		Texts:     texts(),
		Attach:    func(core *bot.Bot) { x.core = core },
		Buttons:   []string{"crs"},
		Documents: x.document,
		Routes: func(g *bot.RouteGroup) {
			org := bot.RequireRole(bot.Organiser)
			g.Handle(bot.Command("plan"), x.sendPlan, org)
			g.Handle(bot.Press("crs", "ok"), x.apply, org)
			g.Handle(bot.Press("crs", "no"), x.cancel, org)
			g.Handle(bot.CallbackPrefix("crs:"), func(c *bot.Context) error { return c.Refuse(c.T("err.stale_button")) }, org)
		},
	}
}

// sendPlan is /plan: the cohort's plan as the course workbook.
func (x *Course) sendPlan(c *bot.Context) error {
	raw, err := plan.Workbook(c.Cohort.Plan, string(c.Lang))
	if err != nil {
		return err
	}
	_, err = c.Send(bot.Message{Text: c.T("course.plan.sent", c.Cohort.Name), Document: &bot.File{
		Name: fmt.Sprintf("khoa-hoc-%s.xlsx", c.Cohort.ID), MIME: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", Bytes: raw,
	}})
	return err
}

// document takes a document sent outside any conversation: an
// organiser's workbook; anything else gets the core's answer.
func (x *Course) document(c *bot.Context) error {
	d := c.U.Document
	if c.Member == nil || !c.IsOrganiser() || d == nil {
		return c.Reply(c.T("err.what_file"))
	}
	if d.Size > MaxBytes {
		return c.Reply(c.T("course.too_big", MaxBytes>>20))
	}
	p, refusal, err := x.read(c.Context, c, d)
	if err != nil || refusal != "" {
		if refusal != "" {
			return c.Reply(refusal)
		}
		return err
	}
	data := map[string]string{"f": d.ID, "n": d.Name, "v": strconv.FormatInt(c.Cohort.Version, 10), "co": c.Cohort.ID}
	if err := c.SetConv(flowApply, "confirm", data); err != nil {
		return err
	}
	return c.Reply(preview(c, c.Cohort.Plan, p), []bot.Button{
		{Text: c.T("course.btn.apply"), Data: bot.Data("crs", "ok", c.Cohort.ID)},
		{Text: c.T("course.btn.cancel"), Data: bot.Data("crs", "no", c.Cohort.ID)},
	})
}

// read downloads and reads a workbook. A refusal is the answer to send
// (not a workbook, or its problems); err is for the operator.
func (x *Course) read(ctx context.Context, c *bot.Context, d *bot.File) (*plan.Plan, string, error) {
	raw := d.Bytes
	if raw == nil {
		if x.files == nil {
			return nil, c.T("course.cannot_read"), nil
		}
		var err error
		if raw, err = x.files.Fetch(ctx, d.ID); err != nil {
			return nil, "", fmt.Errorf("download workbook: %w", err)
		}
	}
	if len(raw) > MaxBytes {
		return nil, c.T("course.too_big", MaxBytes>>20), nil
	}
	if !plan.IsWorkbook(raw) {
		return nil, c.T("course.not_workbook"), nil
	}
	name := d.Name
	if name == "" {
		name = "workbook.xlsx"
	}
	p, err := plan.ParseWorkbook(name, raw)
	var problems plan.Errors
	if errors.As(err, &problems) {
		return nil, problemsText(c, problems), nil
	}
	if err != nil {
		return nil, "", err
	}
	return p, "", nil
}

// problemsText lists the workbook's problems, each with its cell, in the
// organiser's language.
func problemsText(c *bot.Context, ps plan.Errors) string {
	var sb strings.Builder
	sb.WriteString(c.T("course.problems", len(ps)))
	for i, p := range ps {
		if i == maxProblems {
			sb.WriteString("\n" + c.T("course.problems_more", len(ps)-maxProblems))
			break
		}
		line := p.Text(string(c.Lang))
		if place := p.Place(); place != "" {
			line = place + ": " + line
		}
		sb.WriteString("\n• " + line)
	}
	sb.WriteString("\n\n" + c.T("course.unchanged"))
	return sb.String()
}

// preview says what the workbook holds and what changes against the
// course as it is.
func preview(c *bot.Context, old, p *plan.Plan) string {
	var sb strings.Builder
	sb.WriteString(c.T("course.preview.title", p.Name))
	phases := map[int]int{}
	for _, s := range p.Sessions {
		phases[s.Phase]++
	}
	for ph := 0; ph <= 9; ph++ {
		if n := phases[ph]; n > 0 {
			sb.WriteString("\n" + c.T("course.preview.phase", ph, n))
		}
	}
	sb.WriteString("\n" + c.T("course.preview.deadlines", len(p.Deadlines)))
	sb.WriteString("\n" + c.T("course.preview.groups", len(p.Groups), strings.Join(p.Groups, ", ")))
	if len(p.Roster) > 0 {
		per := map[string]int{}
		others := 0
		for _, r := range p.Roster {
			if r.Role == plan.Trainee {
				per[r.Group]++
			} else {
				others++
			}
		}
		parts := make([]string, 0, len(p.Groups))
		for _, g := range p.Groups {
			parts = append(parts, fmt.Sprintf("%s %d", g, per[g]))
		}
		sb.WriteString("\n" + c.T("course.preview.roster", len(p.Roster), strings.Join(parts, ", "), others))
	}
	ch := plan.Diff(old, p)
	line := func(key string, ids []string) {
		if len(ids) > 0 {
			sb.WriteString("\n" + c.T(key, len(ids), strings.Join(ids, ", ")))
		}
	}
	if len(ch.Added)+len(ch.Moved)+len(ch.Edited)+len(ch.Removed) == 0 && old.Name == p.Name && len(old.Roster) == len(p.Roster) && len(old.Groups) == len(p.Groups) {
		sb.WriteString("\n\n" + c.T("course.preview.nothing"))
	} else {
		sb.WriteString("\n\n" + c.T("course.preview.changes"))
		line("course.preview.added", ch.Added)
		line("course.preview.moved", ch.Moved)
		line("course.preview.edited", ch.Edited)
		line("course.preview.removed", ch.Removed)
	}
	return sb.String()
}

// apply is «Apply» under the preview: the workbook is read again (the
// conversation keeps its file, not the plan), saved if the course did
// not change since, and its reminders planned again.
func (x *Course) apply(c *bot.Context) error {
	conv := c.Conv
	if _, ok := c.Button(); !ok || c.OtherCohort() || conv == nil || conv.Flow != flowApply || conv.Data["co"] != c.Cohort.ID {
		return c.Refuse(c.T("course.stale"))
	}
	if conv.Data["v"] != strconv.FormatInt(c.Cohort.Version, 10) {
		if err := c.EndConv(); err != nil {
			return err
		}
		return c.Refuse(c.T("course.changed"))
	}
	p, refusal, err := x.read(c.Context, c, &bot.File{ID: conv.Data["f"], Name: conv.Data["n"]})
	if err != nil {
		return err
	}
	if refusal != "" {
		return c.Reply(refusal)
	}
	if err := c.EndConv(); err != nil {
		return err
	}
	version, err := x.store.SavePlan(c.Context, c.Cohort.ID, p)
	if err != nil {
		return fmt.Errorf("save plan: %w", err)
	}
	x.core.ForgetCohort(c.Cohort.ID)
	co := *c.Cohort
	co.Plan, co.Version = p, version
	if err := x.core.Replan(c.Context, &co); err != nil {
		return err
	}
	x.core.Log().Info("plan applied from a workbook", "cohort", co.ID, "by", c.U.User, "version", version)
	return c.Reply(c.T("course.applied", co.Name))
}

// cancel is «Cancel» under the preview.
func (x *Course) cancel(c *bot.Context) error {
	if c.Conv != nil && c.Conv.Flow == flowApply {
		if err := c.EndConv(); err != nil {
			return err
		}
	}
	return c.Reply(c.T("course.cancelled"))
}
