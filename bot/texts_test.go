package bot

import (
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestCatalogues: both catalogues hold the same keys with the same format
// verbs, and every form for one (".one") has its general form.
func TestCatalogues(t *testing.T) {
	for k, vi := range textsVI {
		en, ok := textsEN[k]
		if !ok {
			t.Errorf("%s is in Vietnamese only", k)
			continue
		}
		if got, want := verbs.FindAllString(en, -1), verbs.FindAllString(vi, -1); !slices.Equal(got, want) {
			t.Errorf("%s: English verbs %v, Vietnamese %v", k, got, want)
		}
	}
	for k := range textsEN {
		if _, ok := textsVI[k]; !ok {
			t.Errorf("%s is in English only", k)
		}
		if base, ok := strings.CutSuffix(k, ".one"); ok {
			if _, ok := textsEN[base]; !ok {
				t.Errorf("%s has no general form %s", k, base)
			}
		}
	}
}

var verbs = regexp.MustCompile(`%[-+# 0]*[0-9]*(\.[0-9]+)?[a-zA-Z%]`)

// countNouns are the things English texts count; after "1" they must be
// singular, after "2" plural.
var (
	pluralAfterOne   = regexp.MustCompile(`\b1 (people|persons|days|hours|minutes|photos|votes|voters|uses|times|trainees|lecturers|organisers|members|prizes|points)\b|\(s\)`)
	singularAfterTwo = regexp.MustCompile(`\b2 (person|day|hour|minute|photo|vote|voter|use|time|trainee|lecturer|organiser|member|prize|point)\b`)
)

// render fills a catalogue text with n for every number and "x" for
// everything else.
func render(s string, n string) string {
	return verbs.ReplaceAllStringFunc(s, func(v string) string {
		if strings.HasSuffix(v, "d") {
			return n
		}
		return "x"
	})
}

// TestEnglishCounts: an English text about a count reads right for one
// and for many, as TextN picks its form ("1 photos", "1 uses left" and
// "3 day(s)" were shown once).
func TestEnglishCounts(t *testing.T) {
	for k, en := range textsEN {
		if strings.HasSuffix(k, ".one") {
			continue
		}
		one := en
		if s, ok := textsEN[k+".one"]; ok {
			one = s
		}
		if got := render(one, "1"); pluralAfterOne.MatchString(got) {
			t.Errorf("%s for 1 reads %q", k, got)
		}
		if got := render(en, "2"); singularAfterTwo.MatchString(got) {
			t.Errorf("%s for 2 reads %q", k, got)
		}
	}

}
