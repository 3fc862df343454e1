package timetable

import "github.com/cohortbot/cohortbot/bot"

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/cohortbot/cohortbot/bot/plan"
)

// ICS writes an iCalendar file (RFC 5545) with the given sessions and
// deadlines, which phones import into their calendar. Times are written in
// UTC, so no time-zone block is needed; each event has an alarm at the
// plan's shortest reminder lead.
func ICS(c *bot.Cohort, sessions []plan.Session, deadlines []plan.Deadline, now time.Time, lang bot.Lang) []byte {
	var b strings.Builder
	line := func(s string) { b.WriteString(foldICS(s)) }
	line("BEGIN:VCALENDAR")
	line("VERSION:2.0")
	line("PRODID:-//cohortbot//" + c.ID + "//VI")
	line("CALSCALE:GREGORIAN")
	line("METHOD:PUBLISH")
	line("X-WR-CALNAME:" + escapeICS(c.Name))
	stamp := now.UTC().Format("20060102T150405Z")
	event := func(uid, summary, place string, start, end time.Time, alarm time.Duration) {
		line("BEGIN:VEVENT")
		line("UID:" + uid + "@" + c.ID + ".cohortbot")
		line("DTSTAMP:" + stamp)
		line("DTSTART:" + start.UTC().Format("20060102T150405Z"))
		line("DTEND:" + end.UTC().Format("20060102T150405Z"))
		line("SUMMARY:" + escapeICS(summary))
		if place != "" {
			line("LOCATION:" + escapeICS(place))
		}
		line("DESCRIPTION:" + escapeICS(c.Name))
		if alarm > 0 {
			line("BEGIN:VALARM")
			line("ACTION:DISPLAY")
			line("DESCRIPTION:" + escapeICS(summary))
			line(fmt.Sprintf("TRIGGER:-PT%dM", int(alarm/time.Minute)))
			line("END:VALARM")
		}
		line("END:VEVENT")
	}
	shortest := func(ds []time.Duration) time.Duration {
		if len(ds) == 0 {
			return 0
		}
		return ds[len(ds)-1]
	}
	for _, s := range sessions {
		event("s-"+s.ID, s.Title, s.Place, s.Starts, s.Ends, shortest(c.Plan.Reminders.Sessions))
	}
	for _, d := range deadlines {
		event("d-"+d.ID, tx(lang, "timetable.ics.deadline", d.Title), "", d.Due.Add(-30*time.Minute), d.Due, shortest(c.Plan.Reminders.Deadlines))
	}
	line("END:VCALENDAR")
	return []byte(b.String())
}

// escapeICS escapes a TEXT value: backslash, semicolon, comma, new line.
func escapeICS(s string) string {
	r := strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\r\n", `\n`, "\n", `\n`, "\r", `\n`)
	return r.Replace(s)
}

// foldICS ends a content line with CRLF, folding it at 75 octets without
// splitting a UTF-8 character (RFC 5545 section 3.1).
func foldICS(s string) string {
	var b strings.Builder
	n := 0
	for _, r := range s {
		w := utf8.RuneLen(r)
		if n+w > 75 {
			b.WriteString("\r\n ")
			n = 1
		}
		b.WriteRune(r)
		n += w
	}
	b.WriteString("\r\n")
	return b.String()
}
