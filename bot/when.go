package bot

import (
	"cmp"
	"regexp"
	"strings"
	"time"
)

// WhenProblem is what is wrong with a typed time.
type WhenProblem int

// Problems with a typed time.
const (
	WhenOK WhenProblem = iota
	WhenBad
	WhenPast
	WhenFar
)

var (
	// "9h30", "9h" → "9:30", "9:00", as Vietnamese often write times.
	hourH  = regexp.MustCompile(`(?i)\b(\d{1,2})h(\d{2})?\b`)
	spaces = regexp.MustCompile(`\s+`)
)

// ParseWhen reads "DD/MM/YYYY HH:MM", "DD/MM HH:MM" (this year) or "HH:MM"
// (today, or tomorrow when that time has passed) in now's zone. It
// returns the time and whether it is unreadable, past, or more than a
// year ahead.
func ParseWhen(input string, now time.Time) (time.Time, WhenProblem) {
	s := strings.TrimSpace(spaces.ReplaceAllString(input, " "))
	s = hourH.ReplaceAllStringFunc(s, func(m string) string {
		p := hourH.FindStringSubmatch(m)
		return p[1] + ":" + cmp.Or(p[2], "00")
	})
	s = strings.NewReplacer("-", "/", ".", "/").Replace(s)
	loc := now.Location()
	var t time.Time
	if p, err := time.ParseInLocation("2/1/2006 15:04", s, loc); err == nil {
		t = p
	} else if p, err := time.ParseInLocation("2/1 15:04", s, loc); err == nil {
		t = time.Date(now.Year(), p.Month(), p.Day(), p.Hour(), p.Minute(), 0, 0, loc)
		if t.Day() != p.Day() {
			// 29/02 in a year without it.
			return time.Time{}, WhenBad
		}
	} else if p, err := time.ParseInLocation("15:04", s, loc); err == nil {
		t = time.Date(now.Year(), now.Month(), now.Day(), p.Hour(), p.Minute(), 0, 0, loc)
		if !t.After(now) {
			t = time.Date(now.Year(), now.Month(), now.Day()+1, p.Hour(), p.Minute(), 0, 0, loc)
		}
	} else {
		return time.Time{}, WhenBad
	}
	switch {
	case !t.After(now):
		return t, WhenPast
	case t.After(now.AddDate(1, 0, 0)):
		return t, WhenFar
	}
	return t, WhenOK
}
