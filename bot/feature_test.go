package bot

import (
	"context"
	"strings"
	"testing"
	"time"
)

// TestFeaturesFitTogether: New refuses features that would step on each
// other or on the core: a text key outside the feature's prefix or taken
// twice, a button prefix, a due kind or a deadline kind owned twice.
func TestFeaturesFitTogether(t *testing.T) {
	run := func(context.Context, DueItem, time.Time) (DueOutcome, time.Time, error) {
		return DueSent, time.Time{}, nil
	}
	for _, tt := range []struct {
		name string
		fs   Features
		want string
	}{
		{"fine", Features{{Name: "a", Buttons: []string{"aa"}, Texts: Catalogue{VI: {"a.x": "x"}, EN: {"a.x": "x"}}}, {Name: "b", Buttons: []string{"bb"}}}, ""},
		{"a key outside the prefix", Features{{Name: "a", Texts: Catalogue{VI: {"b.x": "x"}}}}, "lacks the prefix"},
		{"a key of the core", Features{{Name: "err", Texts: Catalogue{VI: {"err.internal": "x"}}}}, "is taken"},
		{"a name twice", Features{{Name: "a"}, {Name: "a"}}, "taken"},
		{"a prefix twice", Features{{Name: "a", Buttons: []string{"x"}}, {Name: "b", Buttons: []string{"x"}}}, `button prefix "x" is a's`},
		{"a core prefix", Features{{Name: "a", Buttons: []string{"mb"}}}, `button prefix "mb" is core's`},
		{"a start prefix an invite could take", Features{{Name: "a", Start: map[string]HandlerFunc{"ck": nil}}}, "holds neither"},
		{"start prefixes that overlap", Features{{Name: "a", Start: map[string]HandlerFunc{"ck-": nil}}, {Name: "b", Start: map[string]HandlerFunc{"ck-x": nil}}}, "overlaps"},
		{"start prefixes apart", Features{{Name: "a", Start: map[string]HandlerFunc{"ck-": nil}}, {Name: "b", Start: map[string]HandlerFunc{"sc_": nil}}}, ""},
		{"a due kind twice", Features{{Name: "a", Due: map[string]DueFunc{"k": run}}, {Name: "b", Due: map[string]DueFunc{"k": run}}}, `due kind "k" is taken`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			b := &Bot{}
			err := b.install(tt.fs)
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("install: %v", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Fatalf("install: %v, want an error with %q", err, tt.want)
			}
		})
	}
}
