package bot

import (
	"fmt"
	"strings"
	"time"
)

// schedule lists the sessions by phase in the cohort's zone, marking the
// next one.
func (b *Bot) schedule(c *Context) error {
	p := c.Cohort.Plan
	if len(p.Sessions) == 0 {
		return c.Reply(c.T("schedule.none"))
	}
	now := b.clock().In(p.Location)
	next, nextStarts := "", time.Time{}
	for _, s := range p.Sessions {
		if s.Ends.After(now) && (next == "" || s.Starts.Before(nextStarts)) {
			next, nextStarts = s.ID, s.Starts
		}
	}
	var sb strings.Builder
	sb.WriteString(c.T("schedule.title", c.Cohort.Name))
	phase := -1
	for _, s := range p.Sessions {
		if s.Phase != phase {
			phase = s.Phase
			sb.WriteString("\n\n" + c.T("schedule.phase", phase))
		}
		mark := "•"
		switch {
		case s.ID == next:
			mark = "👉"
		case s.Ends.Before(now):
			mark = "✓"
		}
		starts, ends := s.Starts.In(p.Location), s.Ends.In(p.Location)
		fmt.Fprintf(&sb, "\n%s %s, %s–%s: %s", mark, formatDate(starts, c.Lang), starts.Format("15:04"), endClock(starts, ends, c.Lang), s.Title)
		if s.Place != "" {
			sb.WriteString(" — " + s.Place)
		}
	}
	if next == "" {
		sb.WriteString("\n\n" + c.T("schedule.all_done"))
	}
	return c.Reply(sb.String())
}

// endClock shows the end time, with the date when it is another day.
func endClock(starts, ends time.Time, l Lang) string {
	if starts.YearDay() == ends.YearDay() && starts.Year() == ends.Year() {
		return ends.Format("15:04")
	}
	return formatDate(ends, l) + " " + ends.Format("15:04")
}

// deadlines lists what is due and when.
func (b *Bot) deadlines(c *Context) error {
	p := c.Cohort.Plan
	if len(p.Deadlines) == 0 {
		return c.Reply(c.T("deadlines.none"))
	}
	now := b.clock().In(p.Location)
	var sb strings.Builder
	sb.WriteString(c.T("deadlines.title", c.Cohort.Name))
	for _, d := range p.Deadlines {
		due := d.Due.In(p.Location)
		mark := "⏰"
		if due.Before(now) {
			mark = "✓"
		}
		fmt.Fprintf(&sb, "\n%s %s %s: %s", mark, formatDate(due, c.Lang), due.Format("15:04"), d.Title)
	}
	return c.Reply(sb.String())
}

// formatDate writes a date the way Vietnamese readers expect ("Thứ Hai,
// 10/07/2017"), or in English ("Mon 10 Jul 2017").
func formatDate(t time.Time, l Lang) string {
	if l == EN {
		return t.Format("Mon 2 Jan 2006")
	}
	days := [...]string{"Chủ nhật", "Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy"}
	return days[t.Weekday()] + ", " + t.Format("02/01/2006")
}

func formatDateTime(t time.Time, l Lang) string {
	return formatDate(t, l) + " " + t.Format("15:04")
}
