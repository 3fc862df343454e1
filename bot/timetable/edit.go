package timetable

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/cohortbot/cohortbot/bot"
	"github.com/cohortbot/cohortbot/bot/plan"
)

// Small changes to the course in chat, for organisers: move a session or
// change its place, move a deadline, add a deadline or a group. Each is
// asked with buttons and one typed value, shown as a preview, and saved
// on confirmation, with or without telling the members through the
// outbox; the reminders are planned again at once. Every button names
// the plan's version it was drawn from, so a button of a plan changed
// since (another organiser, `plan apply`) is stale.
//
// Buttons ("tte:<action>:<version>:<index>:<cohort>"): menu, s (a
// session), st/sp (its time, its place), d (a deadline), nd (a new
// deadline), ng (a new group), ok/okn (save; and tell everyone), no.

const flowEdit = "tt.edit"

// Steps of the edit conversation: the value asked, then the preview.
const (
	stepTime     = "time"
	stepPlace    = "place"
	stepDue      = "due"
	stepNewTitle = "ntitle"
	stepNewDue   = "ndue"
	stepGroup    = "group"
	stepConfirm  = "confirm"
)

// maxTitleRunes and maxPlaceRunes bound typed titles, places and groups.
const (
	maxTitleRunes = 120
	maxPlaceRunes = 120
)

func (b *Timetable) editRoutes(g *bot.RouteGroup) {
	org := bot.RequireRole(bot.Organiser)
	g.Handle(bot.Press("tte", "menu"), b.editMenu, org)
	g.Handle(bot.Press("tte", "s"), b.editPress(b.editSession), org)
	g.Handle(bot.Press("tte", "st"), b.editPress(b.askValue(stepTime)), org)
	g.Handle(bot.Press("tte", "sp"), b.editPress(b.askValue(stepPlace)), org)
	g.Handle(bot.Press("tte", "d"), b.editPress(b.askValue(stepDue)), org)
	g.Handle(bot.Press("tte", "nd"), b.editPress(b.askValue(stepNewTitle)), org)
	g.Handle(bot.Press("tte", "ng"), b.editPress(b.askValue(stepGroup)), org)
	g.Handle(bot.Press("tte", "ok"), b.editSave(false), org)
	g.Handle(bot.Press("tte", "okn"), b.editSave(true), org)
	g.Handle(bot.Press("tte", "no"), b.editCancel, org)
	g.Handle(bot.CallbackPrefix("tte:"), func(c *bot.Context) error { return c.Refuse(c.T("err.stale_button")) }, org)
	g.Handle(bot.And(bot.InFlow(flowEdit), bot.IsKind(bot.KindText)), b.editTyped, org)
}

// editButton is an edit button of the plan's version v.
func editButton(c *bot.Context, text, action string, v int64, idx int) bot.Button {
	return bot.Button{Text: text, Data: bot.Data("tte", action, c.Cohort.ID, strconv.FormatInt(v, 10), strconv.Itoa(idx))}
}

// editMenu lists what an organiser may change.
func (b *Timetable) editMenu(c *bot.Context) error {
	if _, ok := b.pressed(c); !ok {
		return c.Refuse(c.T("err.stale_button"))
	}
	p, v := c.Cohort.Plan, c.Cohort.Version
	var rows [][]bot.Button
	for i, s := range p.Sessions {
		if len(rows) >= 40 {
			break
		}
		at := s.Starts.In(p.Location)
		rows = append(rows, []bot.Button{editButton(c, fmt.Sprintf("🗓 %s %s", at.Format("02/01"), bot.Truncate(s.Title, 36)), "s", v, i)})
	}
	for i, d := range p.Deadlines {
		if len(rows) >= 60 {
			break
		}
		at := d.Due.In(p.Location)
		rows = append(rows, []bot.Button{editButton(c, fmt.Sprintf("⏰ %s %s", at.Format("02/01"), bot.Truncate(d.Title, 36)), "d", v, i)})
	}
	rows = append(rows, []bot.Button{
		editButton(c, c.T("timetable.edit.btn.new_deadline"), "nd", v, 0),
		editButton(c, c.T("timetable.edit.btn.new_group"), "ng", v, 0),
	})
	return c.Reply(c.T("timetable.edit.menu"), rows...)
}

// pressed reads an edit button's version and index, checked against the
// cohort's plan as it is now: ok is false for a button of another plan
// version, of another cohort, or forged.
func (b *Timetable) pressed(c *bot.Context) (idx int, ok bool) {
	d, valid := c.Button()
	if !valid || c.OtherCohort() {
		return 0, false
	}
	if d.Action == "menu" {
		return 0, len(d.Args) == 0
	}
	if len(d.Args) != 2 {
		return 0, false
	}
	v, err1 := strconv.ParseInt(d.Args[0], 10, 64)
	i, err2 := strconv.Atoi(d.Args[1])
	if err1 != nil || err2 != nil || v != c.Cohort.Version || i < 0 {
		return 0, false
	}
	return i, true
}

// editPress checks an edit button, then runs next with its index.
func (b *Timetable) editPress(next func(c *bot.Context, idx int) error) bot.HandlerFunc {
	return func(c *bot.Context) error {
		idx, ok := b.pressed(c)
		if !ok {
			return c.Refuse(c.T("timetable.edit.stale"))
		}
		return next(c, idx)
	}
}

// editSession shows a session and what can change in it.
func (b *Timetable) editSession(c *bot.Context, idx int) error {
	p := c.Cohort.Plan
	if idx >= len(p.Sessions) {
		return c.Refuse(c.T("timetable.edit.stale"))
	}
	s := p.Sessions[idx]
	v := c.Cohort.Version
	return c.Reply(c.T("timetable.edit.session", s.Title, sessionWhen(c.Lang, p.Location, s), bot.OrDash(s.Place)), []bot.Button{
		editButton(c, c.T("timetable.edit.btn.time"), "st", v, idx),
		editButton(c, c.T("timetable.edit.btn.place"), "sp", v, idx),
	})
}

// sessionWhen is a session's day and hours in the cohort's zone.
func sessionWhen(l bot.Lang, loc *time.Location, s plan.Session) string {
	starts, ends := s.Starts.In(loc), s.Ends.In(loc)
	return fmt.Sprintf("%s %s–%s", bot.FormatDate(starts, l), starts.Format("15:04"), endClock(starts, ends, l))
}

// askValue starts the conversation that asks the typed value of step.
func (b *Timetable) askValue(step string) func(c *bot.Context, idx int) error {
	return func(c *bot.Context, idx int) error {
		p := c.Cohort.Plan
		switch step {
		case stepTime, stepPlace:
			if idx >= len(p.Sessions) {
				return c.Refuse(c.T("timetable.edit.stale"))
			}
		case stepDue:
			if idx >= len(p.Deadlines) {
				return c.Refuse(c.T("timetable.edit.stale"))
			}
		}
		data := map[string]string{"v": strconv.FormatInt(c.Cohort.Version, 10), "i": strconv.Itoa(idx), "co": c.Cohort.ID}
		if err := c.SetConv(flowEdit, step, data); err != nil {
			return err
		}
		if step == stepTime || step == stepDue {
			return c.Reply(c.T("timetable.edit.ask."+step, b.example(c)))
		}
		return c.Reply(c.T("timetable.edit.ask." + step))
	}
}

// example is a date and time to type, in the cohort's zone: tomorrow at
// 08:00.
func (b *Timetable) example(c *bot.Context) string {
	now := b.core.Now().In(c.Cohort.Plan.Location)
	return time.Date(now.Year(), now.Month(), now.Day()+1, 8, 0, 0, 0, now.Location()).Format("02/01/2006 15:04")
}

// edit is a change waiting for its confirmation, kept in the
// conversation.
type edit struct {
	step  string
	idx   int
	value string // the typed value, checked
	title string // a new deadline's title
}

// editTyped takes the typed value of the conversation's step: checked,
// then the preview (or, for a new deadline's title, its due time next).
func (b *Timetable) editTyped(c *bot.Context) error {
	conv := c.Conv
	if conv.Data["co"] != c.Cohort.ID || conv.Data["v"] != strconv.FormatInt(c.Cohort.Version, 10) {
		if err := c.EndConv(); err != nil {
			return err
		}
		return c.Reply(c.T("timetable.edit.stale"))
	}
	if conv.Step == stepConfirm {
		return c.Reply(c.T("timetable.edit.press"))
	}
	idx, _ := strconv.Atoi(conv.Data["i"])
	text := strings.TrimSpace(c.U.Text)
	e := edit{step: conv.Step, idx: idx, title: conv.Data["title"]}
	switch conv.Step {
	case stepTime, stepDue, stepNewDue:
		at, problem := bot.ParseWhen(text, b.core.Now().In(c.Cohort.Plan.Location))
		switch problem {
		case bot.WhenBad:
			return c.Refuse(c.T("timetable.edit.bad_time", b.example(c)))
		case bot.WhenPast:
			return c.Refuse(c.T("timetable.edit.past"))
		case bot.WhenFar:
			return c.Refuse(c.T("timetable.edit.far"))
		}
		e.value = strconv.FormatInt(at.Unix(), 10)
	case stepPlace, stepNewTitle, stepGroup:
		clean, ok := cleanLine(text, maxPlaceRunes)
		if !ok {
			return c.Refuse(c.T("timetable.edit.bad_text", maxPlaceRunes))
		}
		if conv.Step == stepGroup && c.Cohort.Plan.HasGroup(clean) {
			return c.Refuse(c.T("timetable.edit.group_taken", clean))
		}
		e.value = clean
		if conv.Step == stepNewTitle {
			data := map[string]string{"v": conv.Data["v"], "i": "0", "co": c.Cohort.ID, "title": clean}
			if err := c.SetConv(flowEdit, stepNewDue, data); err != nil {
				return err
			}
			return c.Reply(c.T("timetable.edit.ask.ndue", clean, b.example(c)))
		}
	default:
		return c.EndConv()
	}
	_, summary, problem := b.apply(c.Lang, c.Cohort.Plan, e)
	if problem != "" {
		return c.Refuse(c.T(problem))
	}
	data := map[string]string{"v": conv.Data["v"], "i": conv.Data["i"], "co": c.Cohort.ID, "step": e.step, "value": e.value, "title": e.title}
	if err := c.SetConv(flowEdit, stepConfirm, data); err != nil {
		return err
	}
	v := c.Cohort.Version
	return c.Reply(c.T("timetable.edit.preview", summary), []bot.Button{
		editButton(c, c.T("timetable.edit.btn.save"), "ok", v, idx),
		editButton(c, c.T("timetable.edit.btn.save_notify"), "okn", v, idx),
	}, []bot.Button{editButton(c, c.T("timetable.edit.btn.cancel"), "no", v, idx)})
}

// apply makes the change on a copy of p. It returns the new plan and a
// line saying what changes, or the catalogue key of why it cannot.
func (b *Timetable) apply(l bot.Lang, p *plan.Plan, e edit) (*plan.Plan, string, string) {
	q := p.Shift(0)
	loc := p.Location
	unix := func() time.Time {
		n, _ := strconv.ParseInt(e.value, 10, 64)
		return time.Unix(n, 0).In(loc)
	}
	switch e.step {
	case stepTime:
		if e.idx >= len(q.Sessions) {
			return nil, "", "timetable.edit.stale"
		}
		s := &q.Sessions[e.idx]
		before := sessionWhen(l, loc, *s)
		length := s.Ends.Sub(s.Starts)
		s.Starts = unix()
		s.Ends = s.Starts.Add(length)
		return q, tx(l, "timetable.edit.moved", s.Title, before, sessionWhen(l, loc, *s)), ""
	case stepPlace:
		if e.idx >= len(q.Sessions) {
			return nil, "", "timetable.edit.stale"
		}
		s := &q.Sessions[e.idx]
		before := s.Place
		s.Place = e.value
		return q, tx(l, "timetable.edit.placed", s.Title, bot.OrDash(before), s.Place), ""
	case stepDue:
		if e.idx >= len(q.Deadlines) {
			return nil, "", "timetable.edit.stale"
		}
		d := &q.Deadlines[e.idx]
		before := d.Due.In(loc)
		d.Due = unix()
		return q, tx(l, "timetable.edit.due_moved", d.Title, bot.FormatDateTime(before, l), bot.FormatDateTime(d.Due.In(loc), l)), ""
	case stepNewDue:
		id := newID(q)
		q.Deadlines = append(q.Deadlines, plan.Deadline{ID: id, Title: e.title, Due: unix(), Kind: "other"})
		return q, tx(l, "timetable.edit.due_added", e.title, bot.FormatDateTime(unix(), l)), ""
	case stepGroup:
		q.Groups = append(q.Groups, e.value)
		return q, tx(l, "timetable.edit.group_added", e.value), ""
	}
	return nil, "", "timetable.edit.stale"
}

// newID is an id for a deadline added in chat, unused in the plan.
func newID(p *plan.Plan) string {
	for i := len(p.Deadlines) + 1; ; i++ {
		id := fmt.Sprintf("chat-%d", i)
		if _, taken := p.Deadline(id); !taken {
			return id
		}
	}
}

// editSave saves the change the preview showed, if the plan is still the
// one it was made on, plans the reminders again and, with notify, tells
// every registered member through the outbox.
func (b *Timetable) editSave(notify bool) bot.HandlerFunc {
	return func(c *bot.Context) error {
		if _, ok := b.pressed(c); !ok || c.Conv == nil || c.Conv.Flow != flowEdit || c.Conv.Step != stepConfirm {
			return c.Refuse(c.T("timetable.edit.stale"))
		}
		d := c.Conv.Data
		idx, _ := strconv.Atoi(d["i"])
		e := edit{step: d["step"], idx: idx, value: d["value"], title: d["title"]}
		q, summary, problem := b.apply(c.Lang, c.Cohort.Plan, e)
		if problem != "" {
			return c.Refuse(c.T(problem))
		}
		// The same change, said in each member's language.
		say := func(l bot.Lang) string {
			_, s, _ := b.apply(l, c.Cohort.Plan, e)
			return s
		}
		if err := c.EndConv(); err != nil {
			return err
		}
		version, err := b.store.SavePlan(c.Context, c.Cohort.ID, q)
		if err != nil {
			return fmt.Errorf("save plan: %w", err)
		}
		b.core.ForgetCohort(c.Cohort.ID)
		co := *c.Cohort
		co.Plan, co.Version = q, version
		if err := b.core.Replan(c.Context, &co); err != nil {
			return err
		}
		b.core.Log().Info("plan changed in chat", "cohort", co.ID, "by", c.U.User, "change", d["step"], "version", version)
		if notify {
			n, err := b.tellMembers(c.Context, &co, c.U.User, say, version, c.Lang)
			if err != nil {
				return err
			}
			return c.Reply(c.T("timetable.edit.saved_notified", summary, n))
		}
		return c.Reply(c.T("timetable.edit.saved", summary))
	}
}

// tellMembers queues the change's notice to every registered member, in
// each one's language, with the delivery report to the organiser.
func (b *Timetable) tellMembers(ctx context.Context, co *bot.Cohort, by bot.UserKey, say func(bot.Lang) string, version int64, lang bot.Lang) (int, error) {
	members, err := b.store.Members(ctx, co.ID)
	if err != nil {
		return 0, err
	}
	var users []bot.UserKey
	for _, m := range members {
		if m.Registered && m.User != by {
			users = append(users, m.User)
		}
	}
	if len(users) == 0 {
		return 0, nil
	}
	profiles, err := b.store.Profiles(ctx, users)
	if err != nil {
		return 0, err
	}
	jobs := make([]bot.Job, 0, len(users))
	for _, u := range users {
		l := bot.VI
		if p := profiles[u]; p.Lang != "" {
			l = p.Lang
		}
		jobs = append(jobs, bot.Job{ID: string(u), User: u, Msg: bot.Message{
			Chat: u.PrivateChat(),
			Text: tx(l, "timetable.edit.notice", co.Name, say(l)),
		}})
	}
	batch := bot.Batch{ID: fmt.Sprintf("plan:%s:%d", co.ID, version), Cohort: co.ID, Kind: "notice",
		ReportTo: by.PrivateChat(), Lang: lang, Title: tx(lang, "timetable.edit.report_title")}
	return len(jobs), b.core.Deliver(ctx, batch, jobs)
}

// editCancel is "Cancel" under the preview.
func (b *Timetable) editCancel(c *bot.Context) error {
	if c.Conv != nil && c.Conv.Flow == flowEdit {
		if err := c.EndConv(); err != nil {
			return err
		}
	}
	return c.Reply(c.T("timetable.edit.cancelled"))
}

// cleanLine trims a typed line and checks it is one line of at most n
// characters, not empty.
func cleanLine(s string, n int) (string, bool) {
	s = strings.Join(strings.Fields(s), " ")
	if s == "" || utf8.RuneCountInString(s) > n || strings.ContainsAny(s, "\x00") {
		return "", false
	}
	return s, true
}
