package cert

import (
	"context"
	"fmt"
	"strings"

	"github.com/cohortbot/cohortbot/bot"
	"github.com/cohortbot/cohortbot/bot/plan"
)

// A trainee's certificate: /certificate says whether they qualify and
// what is missing; when they do, it asks them to confirm the name to
// print (a button, or a corrected name typed, checked like at
// registration), then issues and sends the PDF. Asking again re-sends the
// same certificate.

// flowName is the conversation that confirms the printed name.
const flowName = "cert"

func (c *Cert) routes(g *bot.RouteGroup) {
	organiser := bot.RequireRole(bot.Organiser)
	g.Handle(bot.Command("certificate"), c.certificate, bot.RequireMember)
	g.Handle(bot.And(bot.InFlow(flowName), bot.IsKind(bot.KindText)), c.nameTyped, bot.RequireMember)
	g.Handle(bot.Press("cert", "ok"), c.confirmPress, bot.RequireMember)
	g.Handle(bot.Command("certificates"), c.overview, organiser)
	g.Handle(bot.Press("cert", "all"), c.issueAllPress, organiser)
	g.Handle(bot.Press("cert", "ls"), c.listPress, organiser)
	g.Handle(bot.Press("cert", "rv"), c.revokeAsk, organiser)
	g.Handle(bot.Press("cert", "rvy"), c.revokePress, organiser)
	g.Handle(bot.CallbackPrefix("cert:"), func(ctx *bot.Context) error { return ctx.Refuse(ctx.T("err.stale_button")) }, bot.RequireMember)
}

// standing assesses a trainee now.
func (c *Cert) standing(ctx *bot.Context, co *bot.Cohort, m *bot.Member) (Standing, error) {
	now := c.core.Now()
	attended, ended, err := c.attendance.Attended(ctx.Context, co, m.User, now)
	if err != nil {
		return Standing{}, fmt.Errorf("attendance of %s: %w", m.User, err)
	}
	return Assess(ctx.Context, co.Plan, m.Group, attended, ended, func(cx context.Context, d plan.Deadline, group string) (bool, error) {
		return c.core.Done(cx, co, d, group)
	})
}

// certificate is /certificate.
func (c *Cert) certificate(ctx *bot.Context) error {
	co, m := ctx.Cohort, ctx.Member
	if m.Role != bot.Trainee {
		return ctx.Reply(ctx.T("cert.trainees_only"))
	}
	if co.Plan.Certificate == nil {
		return ctx.Reply(ctx.T("cert.none"))
	}
	had, err := c.store.Certificate(ctx.Context, co.ID, m.User)
	switch {
	case err == nil && !had.Revoked.IsZero():
		return ctx.Reply(ctx.T("cert.revoked", bot.FormatDate(had.Revoked.In(co.Plan.Location), ctx.Lang)))
	case err == nil:
		return c.sendPDF(ctx, had)
	case !bot.IsNotFound(err):
		return fmt.Errorf("read certificate: %w", err)
	}
	st, err := c.standing(ctx, co, m)
	if err != nil {
		return err
	}
	if !st.Qualifies {
		return ctx.Reply(ctx.T("cert.not_yet") + "\n• " + strings.Join(st.Missing(ctx.Lang), "\n• "))
	}
	return c.askName(ctx, m.Name)
}

// askName shows the name to print with the button that confirms it.
func (c *Cert) askName(ctx *bot.Context, name string) error {
	if err := ctx.SetConv(flowName, "name", map[string]string{"cohort": ctx.Cohort.ID, "name": name}); err != nil {
		return err
	}
	return ctx.Reply(ctx.T("cert.confirm_name", name),
		[]bot.Button{{Text: ctx.T("cert.btn_confirm"), Data: bot.Data("cert", "ok", ctx.Cohort.ID)}})
}

// pending is the name being confirmed, when the conversation belongs to
// the active cohort.
func pending(ctx *bot.Context) (string, bool) {
	if ctx.Conv == nil || ctx.Conv.Flow != flowName || ctx.Cohort == nil || ctx.Conv.Data["cohort"] != ctx.Cohort.ID {
		return "", false
	}
	name := ctx.Conv.Data["name"]
	return name, name != ""
}

// nameTyped takes a corrected name.
func (c *Cert) nameTyped(ctx *bot.Context) error {
	if _, ok := pending(ctx); !ok {
		if err := ctx.EndConv(); err != nil {
			return err
		}
		return ctx.Reply(ctx.T("cert.start_again"))
	}
	name, ok := bot.ValidName(ctx.U.Text)
	if !ok {
		return ctx.Reply(ctx.T("cert.bad_name"))
	}
	return c.askName(ctx, name)
}

// confirmPress is "cert:ok:<cohort>": everything is checked again, then
// the certificate is issued with the confirmed name and sent.
func (c *Cert) confirmPress(ctx *bot.Context) error {
	d, _ := ctx.Button()
	name, ok := pending(ctx)
	if len(d.Args) != 0 || ctx.OtherCohort() || !ok {
		return ctx.Refuse(ctx.T("err.stale_button"))
	}
	co, m := ctx.Cohort, ctx.Member
	if m.Role != bot.Trainee || co.Plan.Certificate == nil {
		return ctx.Refuse(ctx.T("cert.trainees_only"))
	}
	st, err := c.standing(ctx, co, m)
	if err != nil {
		return err
	}
	if !st.Qualifies {
		if err := ctx.EndConv(); err != nil {
			return err
		}
		return ctx.Refuse(ctx.T("cert.not_yet") + "\n• " + strings.Join(st.Missing(ctx.Lang), "\n• "))
	}
	got, issued, err := c.issue(ctx.Context, co, m, name, "")
	if err != nil {
		return err
	}
	if issued {
		c.core.Log().Info("certificate issued", "cohort", co.ID, "user", m.User, "serial", got.Serial, "update", ctx.U.ID)
	}
	if err := ctx.EndConv(); err != nil {
		return err
	}
	if err := ctx.Answer("", false); err != nil {
		return err
	}
	if !got.Revoked.IsZero() {
		return ctx.Reply(ctx.T("cert.revoked", bot.FormatDate(got.Revoked.In(co.Plan.Location), ctx.Lang)))
	}
	return c.sendPDF(ctx, got)
}

// issue records the member's certificate with name, or returns the one
// they have.
func (c *Cert) issue(ctx context.Context, co *bot.Cohort, m *bot.Member, name, batch string) (*Certificate, bool, error) {
	starts, ends := courseDates(co.Plan)
	cert := &Certificate{
		Serial: NewSerial(), Cohort: co.ID, User: m.User, Name: name, Course: co.Plan.Name,
		Starts: starts, Ends: ends, Zone: co.Plan.Location.String(), Issuer: co.Plan.Certificate.Issuer,
		Issued: c.core.Now(), Batch: batch,
	}
	if cert.Course == "" {
		cert.Course = co.Name
	}
	got, issued, err := c.store.IssueCertificate(ctx, cert)
	if err != nil {
		return nil, false, fmt.Errorf("issue certificate of %s: %w", m.User, err)
	}
	return got, issued, nil
}

// message is the certificate as a PDF document with its caption in lang.
func (c *Cert) message(cert *Certificate, lang bot.Lang, chat bot.ChatKey) (bot.Message, error) {
	url := c.VerifyURL(cert.Serial)
	pdf, err := c.render(cert, url)
	if err != nil {
		return bot.Message{}, fmt.Errorf("render certificate %s: %w", cert.Serial, err)
	}
	text := tx(lang, "cert.sent", cert.Name, FormatSerial(cert.Serial))
	if url != "" {
		text += "\n" + tx(lang, "cert.sent_verify", url)
	}
	return bot.Message{Chat: chat, Text: text, Document: &bot.File{
		Name: "giay-chung-nhan-" + FormatSerial(cert.Serial) + ".pdf", MIME: "application/pdf", Bytes: pdf,
	}}, nil
}

func (c *Cert) sendPDF(ctx *bot.Context, cert *Certificate) error {
	m, err := c.message(cert, ctx.Lang, "")
	if err != nil {
		return err
	}
	_, err = ctx.Send(m)
	return err
}
