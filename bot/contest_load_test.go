package bot

import "testing"

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
