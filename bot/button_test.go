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
		{"core, no cohort", &Update{Callback: &Callback{Data: "lang:en:"}}, ""},
		{"core member button", &Update{Callback: &Callback{Data: "mb:v:telegram%3A42:coh7"}}, "coh7"},
		{"old core data", &Update{Callback: &Callback{Data: "co:coh7"}}, ""},
		{"unknown prefix", &Update{Callback: &Callback{Data: "zz:c:12:coh7"}}, ""},
		{"no colon", &Update{Callback: &Callback{Data: "vt"}}, ""},
		{"no cohort", &Update{Callback: &Callback{Data: "vt:c:"}}, ""},
		{"a command", &Update{Kind: KindCommand, Command: "vote"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := &Bot{buttons: map[string]string{"vt": "contest", "res": "contest", "mod": "contest", "lang": "core", "mb": "core", "co": "core"}}
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

// TestUserArg: a user key travels in one argument and reads back exactly,
// whatever it holds; the longest member button with the longest Zalo key
// fits Telegram's 64 bytes; what UserArg cannot have made is refused.
func TestUserArg(t *testing.T) {
	for _, u := range []UserKey{"telegram:42", "zalo:" + UserKey(strings.Repeat("f", 20)), "console:lan", "x:a%3Ab:c", "%", "a%25"} {
		arg := UserArg(u)
		if strings.Contains(arg, ":") {
			t.Errorf("UserArg(%q) = %q holds the separator", u, arg)
		}
		if back, ok := ArgUser(arg); !ok || back != u {
			t.Errorf("ArgUser(UserArg(%q)) = %q, %v", u, back, ok)
		}
		d, ok := ParseButton(Data("mb", "sg", "abcdefgh", "123", arg))
		if back, _ := ArgUser(d.Args[len(d.Args)-1]); !ok || back != u {
			t.Errorf("button with %q reads back %+v", u, d)
		}
	}
	zalo := UserArg("zalo:" + UserKey(strings.Repeat("f", 20)))
	for _, action := range []string{"sg", "sr", "xx"} {
		s, err := ButtonData{Prefix: "mb", Action: action, Args: []string{"123", zalo}, Cohort: strings.Repeat("c", 8)}.Encode()
		if err != nil || len(s) > 48 {
			t.Errorf("member button %s with a Zalo key: %q (%d bytes), %v", action, s, len(s), err)
		}
	}
	for _, s := range []string{"", "telegram%3a42", "a%b", "a%", "a%2"} {
		if u, ok := ArgUser(s); ok {
			t.Errorf("ArgUser(%q) = %q, want refused", s, u)
		}
	}
}
