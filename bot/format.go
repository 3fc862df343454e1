// Shared formatting of dates, names and missing values in texts.

package bot

import (
	"time"
	"unicode/utf8"
)

// formatWhen writes an instant in the cohort's zone: "25/10/2017 17:00".
func FormatWhen(t time.Time, c *Context) string {
	return t.In(c.Cohort.Plan.Location).Format("02/01/2006 15:04")
}

func OrDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// formatDate writes a date the way Vietnamese readers expect ("Thứ Hai,
// 10/07/2017"), or in English ("Mon 10 Jul 2017").
func FormatDate(t time.Time, l Lang) string {
	if l == EN {
		return t.Format("Mon 2 Jan 2006")
	}
	days := [...]string{"Chủ nhật", "Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy"}
	return days[t.Weekday()] + ", " + t.Format("02/01/2006")
}

func FormatDateTime(t time.Time, l Lang) string {
	return FormatDate(t, l) + " " + t.Format("15:04")
}

// truncate cuts s to at most n runes, adding an ellipsis.
func Truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
