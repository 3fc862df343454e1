package timetable

import "github.com/cohortbot/cohortbot/bot"

import (
	"fmt"
	"strings"
	"time"

	"github.com/cohortbot/cohortbot/bot/plan"
)

// schedule lists the sessions by phase in the cohort's zone, marking the
// next one.
// timetableRoutes installs the schedule's and the deadlines' routes.
func (b *Timetable) timetableRoutes(g *bot.RouteGroup) {
	g.Handle(bot.Command("schedule"), b.schedule, bot.RequireMember)
	g.Handle(bot.Command("deadlines"), b.deadlines, bot.RequireMember)
	// Calendar files: the whole course, the next session, one session or
	// deadline; any other press of a calendar button is stale.
	g.Handle(bot.Press("ics", "all"), b.calendar(calendarAll), bot.RequireMember)
	g.Handle(bot.Press("ics", "next"), b.calendar(calendarNext), bot.RequireMember)
	g.Handle(bot.Press("ics", "s"), b.calendar(calendarSession), bot.RequireMember)
	g.Handle(bot.Press("ics", "d"), b.calendar(calendarDeadline), bot.RequireMember)
	g.Handle(bot.CallbackPrefix("ics:"), func(c *bot.Context) error { return c.Refuse(c.T("err.stale_button")) }, bot.RequireMember)
	b.editRoutes(g)
}

func (b *Timetable) schedule(c *bot.Context) error {
	p := c.Cohort.Plan
	if len(p.Sessions) == 0 {
		return c.Reply(c.T("timetable.schedule.none"))
	}
	now := b.core.Now().In(p.Location)
	next, nextStarts := "", time.Time{}
	for _, s := range p.Sessions {
		if s.Ends.After(now) && (next == "" || s.Starts.Before(nextStarts)) {
			next, nextStarts = s.ID, s.Starts
		}
	}
	var sb strings.Builder
	sb.WriteString(c.T("timetable.schedule.title", c.Cohort.Name))
	phase := -1
	for _, s := range p.Sessions {
		if s.Phase != phase {
			phase = s.Phase
			sb.WriteString("\n\n" + c.T("timetable.schedule.phase", phase))
		}
		mark := "•"
		switch {
		case s.ID == next:
			mark = "👉"
		case s.Ends.Before(now):
			mark = "✓"
		}
		starts, ends := s.Starts.In(p.Location), s.Ends.In(p.Location)
		fmt.Fprintf(&sb, "\n%s %s, %s–%s: %s", mark, bot.FormatDate(starts, c.Lang), starts.Format("15:04"), endClock(starts, ends, c.Lang), s.Title)
		if s.Place != "" {
			sb.WriteString(" — " + s.Place)
		}
	}
	if next == "" {
		sb.WriteString("\n\n" + c.T("timetable.schedule.all_done"))
	}
	row := []bot.Button{{Text: c.T("timetable.btn.ics_all"), Data: bot.Data("ics", "all", "")}}
	if next != "" {
		row = append(row, bot.Button{Text: c.T("timetable.btn.ics_next"), Data: bot.Data("ics", "next", "")})
	}
	rows := [][]bot.Button{row}
	if c.IsOrganiser() {
		rows = append(rows, []bot.Button{{Text: c.T("timetable.edit.btn.edit"), Data: bot.Data("tte", "menu", c.Cohort.ID)}})
	}
	return c.Reply(sb.String(), rows...)
}

// calendar sends an .ics file: the whole course ("ics:all:"), the next
// session ("ics:next:"), or one item ("ics:s:<id>:", "ics:d:<id>:"),
// as pick chooses it.
func (b *Timetable) calendar(pick func(c *bot.Context, p *plan.Plan, now time.Time) (sessions []plan.Session, deadlines []plan.Deadline, name, refusal string)) bot.HandlerFunc {
	return func(c *bot.Context) error {
		co, err := b.core.Dated(c.Context, c.Cohort)
		if err != nil {
			return err
		}
		now := b.core.Now()
		sessions, deadlines, name, refusal := pick(c, co.Plan, now)
		if refusal != "" {
			return c.Refuse(c.T(refusal))
		}
		if len(sessions)+len(deadlines) == 0 {
			return c.Refuse(c.T("timetable.schedule.none"))
		}
		doc := &bot.File{Name: name + ".ics", MIME: "text/calendar", Bytes: ICS(co, sessions, deadlines, now, c.Lang)}
		_, err = c.Send(bot.Message{Text: c.T("timetable.ics.caption"), Document: doc})
		return err
	}
}

// calendarAll is the whole course.
func calendarAll(_ *bot.Context, p *plan.Plan, _ time.Time) ([]plan.Session, []plan.Deadline, string, string) {
	return p.Sessions, p.Deadlines, "lich-hoc", ""
}

// calendarNext is the next session not over yet.
func calendarNext(_ *bot.Context, p *plan.Plan, now time.Time) ([]plan.Session, []plan.Deadline, string, string) {
	var best *plan.Session
	for i, s := range p.Sessions {
		if s.Ends.After(now) && (best == nil || s.Starts.Before(best.Starts)) {
			best = &p.Sessions[i]
		}
	}
	if best == nil {
		return nil, nil, "", "timetable.schedule.all_done"
	}
	return []plan.Session{*best}, nil, best.ID, ""
}

// calendarSession is the session the button names.
func calendarSession(c *bot.Context, p *plan.Plan, _ time.Time) ([]plan.Session, []plan.Deadline, string, string) {
	d, _ := c.Button()
	if len(d.Args) != 1 {
		return nil, nil, "", "err.stale_button"
	}
	s, ok := p.Session(d.Args[0])
	if !ok {
		return nil, nil, "", "err.stale_button"
	}
	return []plan.Session{s}, nil, s.ID, ""
}

// calendarDeadline is the deadline the button names.
func calendarDeadline(c *bot.Context, p *plan.Plan, _ time.Time) ([]plan.Session, []plan.Deadline, string, string) {
	d, _ := c.Button()
	if len(d.Args) != 1 {
		return nil, nil, "", "err.stale_button"
	}
	dl, ok := p.Deadline(d.Args[0])
	if !ok {
		return nil, nil, "", "err.stale_button"
	}
	return nil, []plan.Deadline{dl}, dl.ID, ""
}

// endClock shows the end time, with the date when it is another day.
func endClock(starts, ends time.Time, l bot.Lang) string {
	if starts.YearDay() == ends.YearDay() && starts.Year() == ends.Year() {
		return ends.Format("15:04")
	}
	return bot.FormatDate(ends, l) + " " + ends.Format("15:04")
}

// deadlines lists what is due and when.
func (b *Timetable) deadlines(c *bot.Context) error {
	co, err := b.core.Dated(c.Context, c.Cohort)
	if err != nil {
		return err
	}
	p := co.Plan
	if len(p.Deadlines) == 0 {
		return c.Reply(c.T("timetable.deadlines.none"))
	}
	now := b.core.Now().In(p.Location)
	var sb strings.Builder
	sb.WriteString(c.T("timetable.deadlines.title", c.Cohort.Name))
	for _, d := range p.Deadlines {
		due := d.Due.In(p.Location)
		mark := "⏰"
		if due.Before(now) {
			mark = "⌛"
		}
		fmt.Fprintf(&sb, "\n\n%s %s %s: %s", mark, bot.FormatDate(due, c.Lang), due.Format("15:04"), d.Title)
		if !due.Before(now) {
			sb.WriteString(" (" + c.T("timetable.deadlines.left", leadText(due.Sub(now), c.Lang)) + ")")
		}
		// For a trainee's group, say whether it is done, where some
		// feature can tell.
		if c.Member.Group != "" && b.core.Doable(d.Kind) {
			done, err := b.core.Done(c.Context, c.Cohort, d, c.Member.Group)
			if err != nil {
				return err
			}
			status := c.T("timetable.deadlines.not_done", c.Member.Group)
			if done {
				status = c.T("timetable.deadlines.done", c.Member.Group)
			}
			sb.WriteString("\n   " + status)
		}
	}
	rows := [][]bot.Button{{{Text: c.T("timetable.btn.ics_all"), Data: bot.Data("ics", "all", "")}}}
	for _, d := range p.Deadlines {
		if d.Due.After(now) && len(rows) < 6 {
			rows = append(rows, []bot.Button{{Text: "📆 " + bot.Truncate(d.Title, 40), Data: bot.Data("ics", "d", "", d.ID)}})
		}
	}
	if c.IsOrganiser() {
		rows = append(rows, []bot.Button{{Text: c.T("timetable.edit.btn.edit"), Data: bot.Data("tte", "menu", c.Cohort.ID)}})
	}
	return c.Reply(sb.String(), rows...)
}
