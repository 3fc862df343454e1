package announce

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/cohortbot/cohortbot/bot"
)

var verbs = regexp.MustCompile(`%[-+# 0]*[0-9]*(\.[0-9]+)?[a-zA-Z%]`)

// TestAnnounceTexts: the announcement and link texts exist in both
// catalogues with the same format verbs, and the Vietnamese ones are
// written with diacritics.
func TestAnnounceTexts(t *testing.T) {
	var keys []string
	for k := range textsVI {
		keys = append(keys, k)
	}
	for k := range textsEN {
		if !slices.Contains(keys, k) {
			t.Errorf("%s is in English only", k)
		}
	}
	if len(keys) < 40 {
		t.Fatalf("only %d announcement texts", len(keys))
	}
	// The core's texts it uses (delivery.group_chat, btn.announce) are
	// checked with the core's catalogue (TestCatalogues).
	for _, k := range keys {
		vi, en := textsVI[k], textsEN[k]
		if en == "" {
			t.Errorf("%s is missing in English", k)
			continue
		}
		if got, want := verbs.FindAllString(en, -1), verbs.FindAllString(vi, -1); !slices.Equal(got, want) {
			t.Errorf("%s: English verbs %v, Vietnamese %v", k, got, want)
		}
	}
	if !strings.Contains(tx(bot.VI, "announce.header", "X"), "Thông báo từ Ban tổ chức — X") {
		t.Errorf("header = %q", tx(bot.VI, "announce.header", "X"))
	}
}

// TestSentCounts: the answer after sending reads right for one and many.
func TestSentCounts(t *testing.T) {
	if got, want := txN(bot.EN, "announce.sent_direct", 1, 1, ""), "✅ Sent to 1 person."; got != want {
		t.Errorf("sent to one = %q, want %q", got, want)
	}
	if got, want := txN(bot.EN, "announce.sent_direct", 4, 4, ""), "✅ Sent to 4 people."; got != want {
		t.Errorf("sent to four = %q, want %q", got, want)
	}
	if got, want := txN(bot.VI, "announce.sent_direct", 1, 1, ""), tx(bot.VI, "announce.sent_direct", 1, ""); got != want {
		t.Errorf("Vietnamese sent to one = %q, want %q", got, want)
	}
}
