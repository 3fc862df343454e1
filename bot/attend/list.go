package attend

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/cohortbot/cohortbot/bot"
	"github.com/cohortbot/cohortbot/bot/plan"
)

// The organisers' attendance: /attendance lists the sessions that have
// begun (or are near); a session shows the count per group and the
// trainees a page at a time, each with a button that marks them present
// or takes the mark back. A press carries its intent (mark or unmark), so
// pressing twice records once; every mark by hand is audited.

// pageSize is how many trainees a page of a session shows.
const pageSize = 8

// listMax bounds the sessions /attendance offers, newest first.
const listMax = 20

func (a *Attend) attendance(c *bot.Context) error { return a.sessionList(c, 0) }

func (a *Attend) listPress(c *bot.Context) error {
	d, _ := c.Button()
	if len(d.Args) != 0 || c.OtherCohort() {
		return c.Refuse(c.T("err.stale_button"))
	}
	return a.sessionList(c, c.U.Callback.MessageID)
}

// sessionList offers the sessions that have begun or are near, newest
// first.
func (a *Attend) sessionList(c *bot.Context, edit int64) error {
	p := c.Cohort.Plan
	now := a.core.Now()
	var begun []plan.Session
	for _, s := range p.Sessions {
		if !now.Before(s.Starts.Add(-NearBefore)) {
			begun = append(begun, s)
		}
	}
	if len(begun) == 0 {
		if s, ok := next(p, now); ok {
			return c.Reply(c.T("attend.none_begun_next", s.Title, bot.FormatDateTime(s.Starts.In(p.Location), c.Lang)))
		}
		return c.Reply(c.T("attend.none_begun"))
	}
	slices.SortStableFunc(begun, func(x, y plan.Session) int { return y.Starts.Compare(x.Starts) })
	if len(begun) > listMax {
		begun = begun[:listMax]
	}
	var rows [][]bot.Button
	for _, s := range begun {
		rows = append(rows, []bot.Button{{Text: sessionLabel(s, p, c.Lang), Data: bot.Data("att", "s", c.Cohort.ID, sessionRef(s.ID), "0")}})
	}
	_, err := c.Send(bot.Message{Text: c.T("attend.pick_session"), Buttons: rows, Edit: edit})
	return err
}

// sessionPress is "att:s:<session>:<page>:<cohort>".
func (a *Attend) sessionPress(c *bot.Context) error {
	d, _ := c.Button()
	if len(d.Args) != 2 || c.OtherCohort() {
		return c.Refuse(c.T("err.stale_button"))
	}
	s, ok := sessionByRef(c.Cohort.Plan, d.Args[0])
	page, err := strconv.Atoi(d.Args[1])
	if !ok || err != nil || page < 0 {
		return c.Refuse(c.T("err.stale_button"))
	}
	return a.sessionView(c, s, page, c.U.Callback.MessageID)
}

// markPress is "att:m|u:<session>:<page>:<user>:<cohort>": mark the
// trainee present, or take the mark back.
func (a *Attend) markPress(c *bot.Context) error {
	d, _ := c.Button()
	if len(d.Args) != 3 || c.OtherCohort() {
		return c.Refuse(c.T("err.stale_button"))
	}
	s, ok := sessionByRef(c.Cohort.Plan, d.Args[0])
	page, err := strconv.Atoi(d.Args[1])
	user, uok := bot.ArgUser(d.Args[2])
	if !ok || err != nil || !uok || page < 0 {
		return c.Refuse(c.T("err.stale_button"))
	}
	now := a.core.Now()
	if now.Before(s.Starts.Add(-NearBefore)) {
		return c.Refuse(c.T("attend.not_begun", s.Title))
	}
	m, err := a.store.Member(c.Context, c.Cohort.ID, user)
	if bot.IsNotFound(err) || err == nil && (!m.Registered || m.Role != bot.Trainee) {
		return c.Refuse(c.T("attend.gone"))
	}
	if err != nil {
		return fmt.Errorf("read member: %w", err)
	}
	present := d.Action == "m"
	changed, err := a.store.Mark(c.Context, c.Cohort.ID, s.ID, user, c.U.User, present, now)
	if err != nil {
		return fmt.Errorf("mark attendance: %w", err)
	}
	if changed {
		a.core.Log().Info("attendance by hand", "cohort", c.Cohort.ID, "session", s.ID, "user", user, "present", present, "by", c.U.User)
	}
	key := "attend.unmarked"
	if present {
		key = "attend.marked"
	}
	if err := c.Answer(c.T(key, m.Name), false); err != nil {
		return err
	}
	return a.sessionView(c, s, page, c.U.Callback.MessageID)
}

// sessionView shows who is present at a session: the count per group,
// then a page of trainees, each with the button that changes their mark.
func (a *Attend) sessionView(c *bot.Context, s plan.Session, page int, edit int64) error {
	co := c.Cohort
	members, err := a.store.Members(c.Context, co.ID)
	if err != nil {
		return fmt.Errorf("list members: %w", err)
	}
	present, err := a.store.Present(c.Context, co.ID, s.ID)
	if err != nil {
		return fmt.Errorf("read attendance: %w", err)
	}
	var trainees []*bot.Member
	for _, m := range members {
		if m.Registered && m.Role == bot.Trainee {
			trainees = append(trainees, m)
		}
	}
	groupIndex := func(g string) int {
		if i := slices.Index(co.Plan.Groups, g); i >= 0 {
			return i
		}
		return len(co.Plan.Groups)
	}
	slices.SortFunc(trainees, func(x, y *bot.Member) int {
		return cmp.Or(cmp.Compare(groupIndex(x.Group), groupIndex(y.Group)), strings.Compare(x.Name, y.Name), strings.Compare(string(x.User), string(y.User)))
	})
	type count struct{ here, all int }
	var groups []string
	counts := map[string]*count{}
	total := 0
	for _, m := range trainees {
		g := m.Group
		if counts[g] == nil {
			counts[g] = &count{}
			groups = append(groups, g)
		}
		counts[g].all++
		if _, ok := present[m.User]; ok {
			counts[g].here++
			total++
		}
	}
	p := co.Plan
	st := s.Starts.In(p.Location)
	var sb strings.Builder
	sb.WriteString(c.T("attend.view_title", s.Title, bot.FormatDateTime(st, c.Lang)))
	sb.WriteString("\n" + c.T("attend.view_total", total, len(trainees)))
	for _, g := range groups {
		name := g
		if name == "" {
			name = c.T("attend.no_group")
		}
		fmt.Fprintf(&sb, "\n• %s: %d/%d", name, counts[g].here, counts[g].all)
	}
	pages := max(1, (len(trainees)+pageSize-1)/pageSize)
	page = min(page, pages-1)
	from, to := page*pageSize, min(len(trainees), (page+1)*pageSize)
	ref := sessionRef(s.ID)
	var rows [][]bot.Button
	if len(trainees) == 0 {
		sb.WriteString("\n\n" + c.T("attend.no_trainees"))
	} else {
		sb.WriteString("\n\n" + c.T("attend.view_page", page+1, pages))
	}
	for _, m := range trainees[from:to] {
		_, here := present[m.User]
		mark, action, label := "▫️", "m", c.T("attend.btn_mark", m.Name)
		if here {
			mark, action, label = "✅", "u", c.T("attend.btn_unmark", m.Name)
		}
		line := mark + " " + m.Name
		if m.Group != "" {
			line += " (" + m.Group + ")"
		}
		sb.WriteString("\n" + line)
		rows = append(rows, []bot.Button{{Text: label, Data: bot.Data("att", action, co.ID, ref, strconv.Itoa(page), bot.UserArg(m.User))}})
	}
	var nav []bot.Button
	if page > 0 {
		nav = append(nav, bot.Button{Text: "◀️", Data: bot.Data("att", "s", co.ID, ref, strconv.Itoa(page-1))})
	}
	if page < pages-1 {
		nav = append(nav, bot.Button{Text: "▶️", Data: bot.Data("att", "s", co.ID, ref, strconv.Itoa(page+1))})
	}
	if len(nav) > 0 {
		rows = append(rows, nav)
	}
	rows = append(rows, []bot.Button{{Text: c.T("attend.btn_sessions"), Data: bot.Data("att", "l", co.ID)}})
	_, err = c.Send(bot.Message{Text: sb.String(), Buttons: rows, Edit: edit})
	return err
}
