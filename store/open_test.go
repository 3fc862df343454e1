package store_test

import (
	"strings"
	"testing"

	"github.com/cohortbot/cohortbot/store"
)

// TestOpenBadURLHidesPassword: a mistyped REDIS_URL is reported without
// its password, whatever the mistake.
func TestOpenBadURLHidesPassword(t *testing.T) {
	const pw = "s3cr3t-Pa55word"
	for _, raw := range []string{
		"redis://default:" + pw + "@localhost:63x79/0",
		"redis://default:" + pw + "@localhost:6379/zero",
		"rediss//default:" + pw + "@localhost:6379",
		"redis://default:" + pw + "@localhost:6379/0?dial_timeout=soon",
		"redis://:" + pw + "@[::1:6379",
		"http://default:" + pw + "@localhost:6379",
	} {
		_, err := store.Open(raw, nil)
		if err == nil {
			t.Errorf("Open(%q) opened", store.RedactURL(raw))
			continue
		}
		if strings.Contains(err.Error(), pw) || strings.Contains(err.Error(), "Pa55") {
			t.Errorf("Open error shows the password: %v", err)
		}
		t.Logf("%v", err)
	}
	if got, want := store.RedactURL("redis://u:"+pw+"@h:6379/0"), "redis://u:xxxxx@h:6379/0"; got != want {
		t.Errorf("RedactURL = %q, want %q", got, want)
	}
}
