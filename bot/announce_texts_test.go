package bot

import (
	"regexp"
	"slices"
	"strings"
	"testing"
)

var verbs = regexp.MustCompile(`%[-+# 0]*[0-9]*(\.[0-9]+)?[a-zA-Z%]`)

// TestAnnounceTexts: the announcement and link texts exist in both
// catalogues with the same format verbs, and the Vietnamese ones are
// written with diacritics.
func TestAnnounceTexts(t *testing.T) {
	var keys []string
	for k := range textsVI {
		if strings.HasPrefix(k, "ann.") || strings.HasPrefix(k, "link.") {
			keys = append(keys, k)
		}
	}
	for k := range textsEN {
		if (strings.HasPrefix(k, "ann.") || strings.HasPrefix(k, "link.")) && !slices.Contains(keys, k) {
			t.Errorf("%s is in English only", k)
		}
	}
	if len(keys) < 40 {
		t.Fatalf("only %d announcement texts", len(keys))
	}
	for _, k := range append(keys, "delivery.group_chat", "btn.announce") {
		vi, en := textsVI[k], textsEN[k]
		if en == "" {
			t.Errorf("%s is missing in English", k)
			continue
		}
		if got, want := verbs.FindAllString(en, -1), verbs.FindAllString(vi, -1); !slices.Equal(got, want) {
			t.Errorf("%s: English verbs %v, Vietnamese %v", k, got, want)
		}
	}
	if !strings.Contains(Text(VI, "ann.header", "X"), "Thông báo từ Ban tổ chức — X") {
		t.Errorf("header = %q", Text(VI, "ann.header", "X"))
	}
}
