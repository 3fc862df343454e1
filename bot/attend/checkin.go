package attend

import (
	"fmt"
	"strings"

	"github.com/skip2/go-qrcode"

	"github.com/cohortbot/cohortbot/bot"
	"github.com/cohortbot/cohortbot/bot/plan"
)

// Checking in: an organiser makes a code for a session that is near
// (/checkincode); a trainee sends /checkin CODE or opens the QR code's
// link. The store checks the code, the membership and the one presence
// per person in one step, so two taps of the link record one presence.

func (a *Attend) routes(g *bot.RouteGroup) {
	organiser := bot.RequireRole(bot.Organiser)
	g.Handle(bot.Command("checkin"), a.checkin, bot.RequireMember)
	g.Handle(bot.Command("checkincode"), a.checkinCode, organiser)
	g.Handle(bot.Press("att", "cc"), a.codePress, organiser)
	g.Handle(bot.Command("attendance"), a.attendance, organiser)
	g.Handle(bot.Press("att", "l"), a.listPress, organiser)
	g.Handle(bot.Press("att", "s"), a.sessionPress, organiser)
	g.Handle(bot.Press("att", "m", "u"), a.markPress, organiser)
	g.Handle(bot.CallbackPrefix("att:"), func(c *bot.Context) error { return c.Refuse(c.T("err.stale_button")) }, organiser)
}

// checkin is /checkin CODE.
func (a *Attend) checkin(c *bot.Context) error {
	if strings.TrimSpace(c.U.Args) == "" {
		return c.Reply(c.T("attend.usage"))
	}
	if c.Member.Role != bot.Trainee {
		return c.Reply(c.T("attend.trainees_only"))
	}
	code, ok := NormalizeCode(c.U.Args)
	if !ok {
		return c.Reply(c.T("attend.wrong"))
	}
	return a.checkInto(c, c.Cohort, code)
}

// checkinLink is /start ck-<cohort>-<code>, from the QR code on the
// projector: it checks in to that cohort even when it is not the
// person's active one.
func (a *Attend) checkinLink(c *bot.Context) error {
	rest := strings.TrimPrefix(strings.TrimSpace(c.U.Args), linkPrefix)
	cohort, raw, ok := strings.Cut(rest, "-")
	code, valid := NormalizeCode(raw)
	if !ok || !valid || cohort == "" {
		return c.Reply(c.T("attend.wrong"))
	}
	m, err := a.store.Member(c.Context, cohort, c.U.User)
	switch {
	case bot.IsNotFound(err):
		return c.Reply(c.T("attend.link_not_member"))
	case err != nil:
		return fmt.Errorf("read member: %w", err)
	case !m.Registered:
		return c.Reply(c.T("err.finish_registration"))
	case m.Role != bot.Trainee:
		return c.Reply(c.T("attend.trainees_only"))
	}
	co, err := a.core.Cohort(c.Context, cohort)
	if bot.IsNotFound(err) {
		return c.Reply(c.T("attend.link_not_member"))
	}
	if err != nil {
		return err
	}
	return a.checkInto(c, co, code)
}

func (a *Attend) checkInto(c *bot.Context, co *bot.Cohort, code string) error {
	res, err := a.store.CheckIn(c.Context, co.ID, code, c.U.User, a.core.Now())
	if err != nil {
		return fmt.Errorf("check in %s: %w", co.ID, err)
	}
	title := res.Session
	if s, ok := co.Plan.Session(res.Session); ok {
		title = s.Title
	}
	switch res.Status {
	case CheckOK:
		a.core.Log().Info("checked in", "cohort", co.ID, "session", res.Session, "user", c.U.User, "update", c.U.ID)
		return c.Reply(c.T("attend.checked_in", title, co.Name))
	case CheckAlready:
		return c.Reply(c.T("attend.already", title))
	case CheckExpired:
		return c.Reply(c.T("attend.expired"))
	case CheckNotMember:
		return c.Reply(c.T("attend.link_not_member"))
	}
	return c.Reply(c.T("attend.wrong"))
}

// checkinCode is /checkincode: a code for the session that is near, or a
// choice when several are.
func (a *Attend) checkinCode(c *bot.Context) error {
	p := c.Cohort.Plan
	now := a.core.Now()
	ns := near(p, now)
	switch len(ns) {
	case 0:
		if s, ok := next(p, now); ok {
			return c.Reply(c.T("attend.none_near_next", s.Title, bot.FormatDateTime(s.Starts.In(p.Location), c.Lang)))
		}
		return c.Reply(c.T("attend.none_near"))
	case 1:
		return a.issue(c, ns[0])
	}
	var rows [][]bot.Button
	for _, s := range ns {
		rows = append(rows, []bot.Button{{Text: sessionLabel(s, p, c.Lang), Data: bot.Data("att", "cc", c.Cohort.ID, sessionRef(s.ID))}})
	}
	return c.Reply(c.T("attend.pick_for_code"), rows...)
}

// codePress is "att:cc:<session>:<cohort>": the session is checked to be
// near again.
func (a *Attend) codePress(c *bot.Context) error {
	d, _ := c.Button()
	if len(d.Args) != 1 || c.OtherCohort() {
		return c.Refuse(c.T("err.stale_button"))
	}
	s, ok := sessionByRef(c.Cohort.Plan, d.Args[0])
	if !ok {
		return c.Refuse(c.T("err.stale_button"))
	}
	now := a.core.Now()
	if now.Before(s.Starts.Add(-NearBefore)) || !now.Before(s.Ends) {
		return c.Refuse(c.T("attend.not_near", s.Title))
	}
	if err := c.Answer("", false); err != nil {
		return err
	}
	return a.issue(c, s)
}

// issue makes a new code for the session and shows it with its QR code.
func (a *Attend) issue(c *bot.Context, s plan.Session) error {
	now := a.core.Now()
	expires := now.Add(CodeTTL)
	code := ""
	for range 8 {
		try := NewCode()
		ok, err := a.store.NewCheckinCode(c.Context, c.Cohort.ID, try, Code{Session: s.ID, By: c.U.User, Expires: expires})
		if err != nil {
			return fmt.Errorf("new check-in code: %w", err)
		}
		if ok {
			code = try
			break
		}
	}
	if code == "" {
		return fmt.Errorf("new check-in code for %s: every try was taken", c.Cohort.ID)
	}
	a.core.Log().Info("check-in code", "cohort", c.Cohort.ID, "session", s.ID, "by", c.U.User, "expires", expires)
	until := expires.In(c.Cohort.Plan.Location).Format("15:04")
	text := c.T("attend.code", s.Title, code, until, code)
	link := a.core.Link(linkPrefix + c.Cohort.ID + "-" + code)
	if link == "" {
		return c.Reply(text)
	}
	png, err := qrcode.Encode(link, qrcode.Medium, 512)
	if err != nil {
		return fmt.Errorf("check-in qr code: %w", err)
	}
	_, err = c.Send(bot.Message{Text: text + "\n" + link, Photo: &bot.File{Name: "diem-danh-" + code + ".png", MIME: "image/png", Bytes: png}})
	return err
}

// sessionLabel names a session on a button: its day, start and title.
func sessionLabel(s plan.Session, p *plan.Plan, l bot.Lang) string {
	st := s.Starts.In(p.Location)
	return st.Format("02/01 15:04") + " · " + bot.Truncate(s.Title, 40)
}
