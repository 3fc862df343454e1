package attend

import (
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/cohortbot/cohortbot/bot/plan"
)

// TestCode: codes are 6 characters of the unambiguous alphabet, read back
// whatever the case, spaces or dashes; anything else is no code.
func TestCode(t *testing.T) {
	re := regexp.MustCompile(`^[ABCDEFGHJKMNPQRSTUVWXYZ2-9]{6}$`)
	for range 500 {
		c := NewCode()
		if !re.MatchString(c) {
			t.Fatalf("code %q", c)
		}
	}
	for _, tt := range []struct {
		in, want string
		ok       bool
	}{
		{"K7P2QX", "K7P2QX", true},
		{" k7p 2qx ", "K7P2QX", true},
		{"k7p-2qx", "K7P2QX", true},
		{"K7P2Q", "", false},
		{"K7P2QXX", "", false},
		{"K7P2Q0", "", false}, // 0 is not in the alphabet
		{"K7P2QĐ", "", false},
	} {
		got, ok := NormalizeCode(tt.in)
		if ok != tt.ok || ok && got != tt.want {
			t.Errorf("NormalizeCode(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

// TestNear: a session is near from 30 minutes before its start to its end.
func TestNear(t *testing.T) {
	at := func(h, m int) time.Time { return time.Date(2017, 7, 10, h, m, 0, 0, time.UTC) }
	p := &plan.Plan{Sessions: []plan.Session{
		{ID: "am", Starts: at(8, 0), Ends: at(11, 30)},
		{ID: "pm", Starts: at(13, 30), Ends: at(17, 0)},
		{ID: "talk", Starts: at(11, 0), Ends: at(12, 0)},
	}}
	ids := func(ss []plan.Session) []string {
		var out []string
		for _, s := range ss {
			out = append(out, s.ID)
		}
		return out
	}
	for _, tt := range []struct {
		now  time.Time
		want []string
	}{
		{at(7, 29), nil},
		{at(7, 30), []string{"am"}},
		{at(10, 45), []string{"am", "talk"}},
		{at(11, 30), []string{"talk"}},
		{at(12, 30), nil},
		{at(13, 0), []string{"pm"}},
		{at(17, 0), nil},
	} {
		if got := ids(near(p, tt.now)); !slices.Equal(got, tt.want) {
			t.Errorf("near at %s: %v, want %v", tt.now.Format("15:04"), got, tt.want)
		}
	}
	if s, ok := next(p, at(12, 0)); !ok || s.ID != "pm" {
		t.Errorf("next at 12:00: %v %v", s.ID, ok)
	}
	if sessionRef("am") == sessionRef("pm") || len(sessionRef("a-very-long-session-id-of-32-chars")) != 8 {
		t.Error("session refs")
	}
}

// TestAttendTexts: both catalogues hold the same keys.
func TestAttendTexts(t *testing.T) {
	for k := range textsVI {
		if textsEN[k] == "" {
			t.Errorf("%s is missing in English", k)
		}
	}
	for k := range textsEN {
		if textsVI[k] == "" {
			t.Errorf("%s is in English only", k)
		}
	}
}
