package timetable

import "github.com/cohortbot/cohortbot/bot"

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/cohortbot/cohortbot/bot/plan"
)

// The due-item kinds of reminders.
const (
	DueSessionReminder  = "rs"
	DueDeadlineReminder = "rd"
)

// ReminderItems plans the reminders of a cohort's sessions and deadlines
// at the plan's leads, moved out of quiet hours, keeping only those still
// to come after now. An item's id holds the event's time, so a session
// moved by plan apply gets new reminders, while one left alone keeps the
// ids of the reminders already sent.
func ReminderItems(c *bot.Cohort, now time.Time) []bot.DueItem {
	p := c.Plan
	var out []bot.DueItem
	add := func(kind, ref string, at time.Time, leads []time.Duration) {
		for _, lead := range leads {
			due := QuietAdjust(at.Add(-lead), at, p.QuietHours, p.Location)
			if !due.After(now) {
				continue
			}
			id := kind + ":" + c.ID + ":" + ref + ":" + strconv.FormatInt(int64(lead/time.Minute), 10) + "m:" + strconv.FormatInt(at.Unix(), 10)
			out = append(out, bot.DueItem{ID: id, Kind: kind, Cohort: c.ID, Ref: ref, At: at, Lead: lead, Due: due})
		}
	}
	for _, s := range p.Sessions {
		add(DueSessionReminder, s.ID, s.Starts, p.Reminders.Sessions)
	}
	for _, d := range p.Deadlines {
		add(DueDeadlineReminder, d.ID, d.Due, p.Reminders.Deadlines)
	}
	return out
}

// QuietAdjust moves a reminder out of quiet hours: it goes out when they
// end, unless that is not before the event, in which case it goes out
// just before they start.
func QuietAdjust(due, event time.Time, q *plan.ClockRange, loc *time.Location) time.Time {
	if q == nil {
		return due
	}
	local := due.In(loc)
	if !q.Contains(local) {
		return due
	}
	if end := q.End(local); end.Before(event) {
		return end
	}
	return quietStart(local, q).Add(-time.Minute)
}

// quietStart is when the quiet hours containing t began.
func quietStart(t time.Time, q *plan.ClockRange) time.Time {
	s := q.Start(t.Add(-24 * time.Hour))
	for {
		next := q.Start(s.Add(time.Minute))
		if next.After(t) {
			return s
		}
		s = next
	}
}

// RunReminder sends a due reminder to its recipients through the outbox.
// One that is no longer useful (the event has begun, or was moved or
// removed) is skipped; one that falls due in quiet hours waits for their
// end when that is still before the event.
func (b *Timetable) RunReminder(ctx context.Context, it bot.DueItem, now time.Time) (bot.DueOutcome, time.Time, error) {
	c, err := b.core.CohortAt(ctx, it.Cohort, 0)
	if bot.IsNotFound(err) {
		return bot.DueSkipped, time.Time{}, nil
	}
	if err != nil {
		return 0, time.Time{}, err
	}
	// The photos deadline moves with organisers' changes of submissions.
	if c, err = b.core.Dated(ctx, c); err != nil {
		return 0, time.Time{}, err
	}
	p := c.Plan
	var title, place string
	switch it.Kind {
	case DueSessionReminder:
		s, ok := p.Session(it.Ref)
		if !ok || !s.Starts.Equal(it.At) {
			return bot.DueSkipped, time.Time{}, nil
		}
		title, place = s.Title, s.Place
	case DueDeadlineReminder:
		d, ok := p.Deadline(it.Ref)
		if !ok || !d.Due.Equal(it.At) {
			return bot.DueSkipped, time.Time{}, nil
		}
		title = d.Title
	default:
		return bot.DueSkipped, time.Time{}, fmt.Errorf("not a reminder: %s", it.Kind)
	}
	if !now.Before(it.At) {
		b.core.Log().Warn("stale reminder skipped", "item", it.ID, "due", it.Due, "event", it.At)
		return bot.DueSkipped, time.Time{}, nil
	}
	if q := p.QuietHours; q != nil && q.Contains(now.In(p.Location)) {
		if end := q.End(now.In(p.Location)); end.Before(it.At) {
			return bot.DueDeferred, end, nil
		}
	}
	if now.Sub(it.Due) > time.Minute {
		// After downtime the 1-day and the 1-hour reminder of one event
		// may both be overdue: only the nearest one goes out.
		leads := p.Reminders.Sessions
		if it.Kind == DueDeadlineReminder {
			leads = p.Reminders.Deadlines
		}
		for _, l := range leads {
			if l < it.Lead && !QuietAdjust(it.At.Add(-l), it.At, p.QuietHours, p.Location).After(now) {
				b.core.Log().Info("late reminder superseded by a nearer one", "item", it.ID, "nearer", l)
				return bot.DueSkipped, time.Time{}, nil
			}
		}
		b.core.Log().Info("late reminder sent", "item", it.ID, "due", it.Due, "late", now.Sub(it.Due).Round(time.Second))
	}
	members, err := b.store.Members(ctx, c.ID)
	if err != nil {
		return 0, time.Time{}, fmt.Errorf("reminder recipients: %w", err)
	}
	var to []*bot.Member
	for _, m := range members {
		if !m.Registered {
			continue
		}
		if it.Kind == DueDeadlineReminder {
			if m.Role != bot.Trainee {
				continue
			}
			d, _ := p.Deadline(it.Ref)
			done, err := b.core.Done(ctx, c, d, m.Group)
			if err != nil {
				return 0, time.Time{}, err
			}
			if done {
				continue
			}
		}
		to = append(to, m)
	}
	langs, err := b.core.Langs(ctx, to)
	if err != nil {
		return 0, time.Time{}, err
	}
	jobs := make([]bot.Job, 0, len(to))
	for _, m := range to {
		lang := langs[m.User]
		at := it.At.In(p.Location)
		var text string
		if it.Kind == DueSessionReminder {
			text = tx(lang, "timetable.remind.session", title, bot.FormatDate(at, lang), at.Format("15:04"), leadText(it.At.Sub(now), lang))
			if place != "" {
				text += "\n" + tx(lang, "timetable.remind.place", place)
			}
		} else {
			text = tx(lang, "timetable.remind.deadline", title, bot.FormatDate(at, lang), at.Format("15:04"), leadText(it.At.Sub(now), lang))
		}
		jobs = append(jobs, bot.Job{ID: string(m.User), User: m.User, Msg: bot.Message{Chat: m.User.PrivateChat(), Text: text}})
	}
	if err := b.core.Deliver(ctx, bot.Batch{ID: it.ID, Cohort: c.ID, Kind: "reminder", Title: title}, jobs); err != nil {
		return 0, time.Time{}, fmt.Errorf("queue reminder: %w", err)
	}
	return bot.DueSent, time.Time{}, nil
}

// leadText says how far ahead something is: "1 ngày", "2 giờ", "45 phút".
func leadText(d time.Duration, l bot.Lang) string {
	switch {
	case d >= 24*time.Hour:
		n := int((d + time.Hour) / (24 * time.Hour))
		return txN(l, "timetable.remind.days", n, n)
	case d >= time.Hour:
		n := int((d + 5*time.Minute) / time.Hour)
		return txN(l, "timetable.remind.hours", n, n)
	default:
		n := max(1, int(d/time.Minute))
		return txN(l, "timetable.remind.minutes", n, n)
	}
}

func nextEvent(p *plan.Plan, now time.Time) string {
	best, title := time.Time{}, ""
	for _, s := range p.Sessions {
		if s.Starts.After(now) && (best.IsZero() || s.Starts.Before(best)) {
			best, title = s.Starts, s.Title
		}
	}
	for _, d := range p.Deadlines {
		if d.Due.After(now) && (best.IsZero() || d.Due.Before(best)) {
			best, title = d.Due, d.Title
		}
	}
	if title == "" {
		return ""
	}
	t := best.In(p.Location)
	return t.Format("02/01 15:04") + " " + title
}
