package bot

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

// TestCBCohort: the load middleware reads the cohort of a feature's button,
// and of no other.
func TestCBCohort(t *testing.T) {
	tests := []struct {
		name string
		u    *Update
		want string
	}{
		{"cast", &Update{Callback: &Callback{Data: "vt:c:12:coh7"}}, "coh7"},
		{"results", &Update{Callback: &Callback{Data: "res:ok:coh7"}}, "coh7"},
		{"moderation", &Update{Callback: &Callback{Data: "mod:no:3:coh7"}}, "coh7"},
		{"other feature", &Update{Callback: &Callback{Data: "lang:en"}}, ""},
		{"no colon", &Update{Callback: &Callback{Data: "vt"}}, ""},
		{"no cohort", &Update{Callback: &Callback{Data: "vt:c:"}}, ""},
		{"a command", &Update{Kind: KindCommand, Command: "vote"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := &Bot{buttons: map[string]string{"vt": "contest", "res": "contest", "mod": "contest", "lang": "core"}}
			if got := b.cbCohort(tt.u); got != tt.want {
				t.Errorf("cbCohort(%+v) = %q, want %q", tt.u.Callback, got, tt.want)
			}
		})
	}
}

// TestButtonData: the codec round-trips, and refuses data Telegram would
// refuse (over 64 bytes) or that would not read back (a ":" in a part).
func TestButtonData(t *testing.T) {
	for _, tt := range []struct {
		name string
		d    ButtonData
		want string
		bad  bool
	}{
		{name: "vote", d: ButtonData{Prefix: "vt", Action: "c", Args: []string{"12"}, Cohort: "coh7"}, want: "vt:c:12:coh7"},
		{name: "no args", d: ButtonData{Prefix: "res", Action: "ok", Cohort: "coh7"}, want: "res:ok:coh7"},
		{name: "no cohort", d: ButtonData{Prefix: "ann", Action: "x", Args: []string{"t1"}}, want: "ann:x:t1:"},
		{name: "two args", d: ButtonData{Prefix: "ph", Action: "cat", Args: []string{"1", "4"}, Cohort: "c"}, want: "ph:cat:1:4:c"},
		{name: "64 bytes", d: ButtonData{Prefix: "ics", Action: "d", Args: []string{strings.Repeat("x", 57)}}, want: "ics:d:" + strings.Repeat("x", 57) + ":"},
		{name: "65 bytes", d: ButtonData{Prefix: "ics", Action: "d", Args: []string{strings.Repeat("x", 58)}}, bad: true},
		{name: "colon in an argument", d: ButtonData{Prefix: "mb", Action: "v", Args: []string{"telegram:1"}}, bad: true},
		{name: "colon in the cohort", d: ButtonData{Prefix: "vt", Action: "c", Cohort: "a:b"}, bad: true},
		{name: "no action", d: ButtonData{Prefix: "vt"}, bad: true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.d.Encode()
			if tt.bad {
				if !errors.Is(err, ErrButtonData) {
					t.Fatalf("Encode = %q, %v; want ErrButtonData", got, err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("Encode = %q, %v; want %q", got, err, tt.want)
			}
			back, ok := ParseButton(got)
			if !ok || back.Prefix != tt.d.Prefix || back.Action != tt.d.Action || back.Cohort != tt.d.Cohort || !slices.Equal(back.Args, tt.d.Args) {
				t.Errorf("ParseButton(%q) = %+v, %v; want %+v", got, back, ok, tt.d)
			}
		})
	}
	for _, s := range []string{"", "vt", "vt:c", ":c:x", "vt::x", strings.Repeat("a", 65) + ":b:c"} {
		if d, ok := ParseButton(s); ok {
			t.Errorf("ParseButton(%q) = %+v, want refused", s, d)
		}
	}
}
