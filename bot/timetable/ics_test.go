package timetable

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/cohortbot/cohortbot/bot"
	"github.com/cohortbot/cohortbot/bot/plan"
	"github.com/cohortbot/cohortbot/docs"
)

func TestICS(t *testing.T) {
	p, err := plan.Parse("sample", docs.SamplePlan)
	if err != nil {
		t.Fatal(err)
	}
	c := &bot.Cohort{ID: "abc", Name: "Khóa; thử, nghiệm\\ SXSH", Plan: p}
	now := time.Date(2017, 7, 1, 0, 0, 0, 0, time.UTC)
	raw := string(ICS(c, p.Sessions[:2], p.Deadlines[2:3], now, bot.VI))

	if !strings.HasPrefix(raw, "BEGIN:VCALENDAR\r\n") || !strings.HasSuffix(raw, "END:VCALENDAR\r\n") {
		t.Fatalf("not a calendar:\n%s", raw)
	}
	if got := strings.Count(raw, "BEGIN:VEVENT"); got != 3 {
		t.Errorf("events = %d, want 3", got)
	}
	// 2017-07-10 08:00 in Hà Nội is 01:00 UTC.
	for _, want := range []string{
		"DTSTART:20170710T010000Z", "DTEND:20170710T043000Z", "UID:s-p1-d1-am@abc.cohortbot",
		"UID:d-report@abc.cohortbot", "DTEND:20171025T100000Z", "TRIGGER:-PT60M", "TRIGGER:-PT120M",
		`X-WR-CALNAME:Khóa\; thử\, nghiệm\\ SXSH`, "LOCATION:Hà Nội",
	} {
		if !strings.Contains(raw, want) {
			t.Errorf("missing %q", want)
		}
	}
	for i, line := range strings.Split(strings.TrimSuffix(raw, "\r\n"), "\r\n") {
		if len(line) > 75 {
			t.Errorf("line %d is %d octets: %q", i, len(line), line)
		}
		if !utf8.ValidString(line) {
			t.Errorf("line %d splits a character: %q", i, line)
		}
	}
	unfolded := strings.ReplaceAll(raw, "\r\n ", "")
	if !strings.Contains(unfolded, "SUMMARY:"+escapeICS(p.Sessions[1].Title)) {
		t.Errorf("long summary not folded back whole:\n%s", unfolded)
	}
}

func TestFoldICS(t *testing.T) {
	long := strings.Repeat("ệ", 60) // 3 octets each
	got := foldICS("SUMMARY:" + long)
	for _, l := range strings.Split(strings.TrimSuffix(got, "\r\n"), "\r\n") {
		if len(l) > 75 || !utf8.ValidString(l) {
			t.Fatalf("bad fold %q", l)
		}
	}
	if strings.ReplaceAll(got, "\r\n ", "") != "SUMMARY:"+long+"\r\n" {
		t.Fatalf("unfold differs")
	}
}
