package timetable

import (
	"testing"
	"time"

	"github.com/cohortbot/cohortbot/bot"
)

// TestLeadText: how far ahead something is, in both languages, for one
// and for many.
func TestLeadText(t *testing.T) {
	tests := []struct {
		name string
		lang bot.Lang
		d    time.Duration
		want string
	}{
		{"one day", bot.EN, 24 * time.Hour, "1 day"},
		{"days", bot.EN, 72 * time.Hour, "3 days"},
		{"one hour", bot.EN, time.Hour, "1 hour"},
		{"hours", bot.EN, 5 * time.Hour, "5 hours"},
		{"one minute", bot.EN, 30 * time.Second, "1 minute"},
		{"minutes", bot.EN, 45 * time.Minute, "45 minutes"},
		{"Vietnamese one day", bot.VI, 24 * time.Hour, "1 ngày"},
		{"Vietnamese days", bot.VI, 72 * time.Hour, "3 ngày"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := leadText(tt.d, tt.lang); got != tt.want {
				t.Errorf("leadText(%v, %s) = %q, want %q", tt.d, tt.lang, got, tt.want)
			}
		})
	}
}
