package store_test

import (
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cohortbot/cohortbot/bot"
	"github.com/cohortbot/cohortbot/bot/plan"
	"github.com/cohortbot/cohortbot/bot/report"
	"github.com/cohortbot/cohortbot/bot/score"
)

// docKeyPatterns reads the key list of the package doc (doc.go) and turns
// each documented key into a regexp, so that the test and the doc cannot
// drift apart.
func docKeyPatterns(t *testing.T) map[string]*regexp.Regexp {
	t.Helper()
	src, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatalf("read doc.go: %v", err)
	}
	holes := strings.NewReplacer(
		"ID", `[^{}]+`, // a cohort id, an update id or a due item id
		"COHORT", `[^{}]+`,
		"CODE", `[A-Za-z0-9_-]+`,
		"USER", `[a-z]+:[^{}]+`,
		"CHAT", `[a-z]+:[^{}]+`,
		"PLATFORM", `[a-z]+`,
		"JOB", `[^{}]+`,
		"BATCH", `[^{}]+`,
		"UNIX", `[0-9]+`,
		"ENTRY", `[0-9]+`, // a photo-contest entry number
		"CONSUMER", `[A-Za-z0-9._-]+`,
		"SESSION", `[A-Za-z0-9_-]+`, // a plan's session id
		"SERIAL", `[A-Z2-7]+`, // a certificate's serial
	)
	out := make(map[string]*regexp.Regexp)
	for _, line := range strings.Split(string(src), "\n") {
		line = strings.TrimSpace(strings.TrimPrefix(line, "//"))
		if !strings.HasPrefix(line, "{") {
			continue
		}
		key := strings.Fields(line)[0]
		out[key] = regexp.MustCompile("^" + holes.Replace(regexp.QuoteMeta(key)) + "$")
	}
	if len(out) < 14 {
		t.Fatalf("found %d documented keys in doc.go, want the whole list", len(out))
	}
	return out
}

func TestKeysFollowTheDocumentedLayout(t *testing.T) {
	t.Parallel()
	st, _ := MustStore(t)
	ctx := MustContext(t)
	patterns := docKeyPatterns(t)

	// Exercise every operation that writes.
	cohorts := []string{"Coh7xQ", "Coh9zR"}
	for i, id := range cohorts {
		c := MustCohort(t, st, id, t0.Add(time.Duration(i)*time.Hour))
		if _, err := st.SavePlan(ctx, id, MustSamplePlan(t)); err != nil {
			t.Fatalf("SavePlan: %v", err)
		}
		if err := st.SetGroupChat(ctx, c.ID, bot.ChatKey("telegram:-100"+c.ID)); err != nil {
			t.Fatalf("SetGroupChat: %v", err)
		}
		MustMember(t, st, id, alice, t0)
		MustMember(t, st, id, carol, t0)
		code := "Inv" + strconv.Itoa(i)
		MustInvite(t, st, &bot.Invite{Code: code, Cohort: id, Role: bot.Trainee, Uses: -1, Created: t0})
		if _, err := st.RedeemInvite(ctx, code, bob, t0); err != nil {
			t.Fatalf("RedeemInvite: %v", err)
		}
	}
	MustMember(t, st, cohorts[0], bob, t0)
	for _, u := range []bot.UserKey{alice, bob, carol} {
		if _, err := st.Load(ctx, u, time.Minute, time.Time{}); err != nil {
			t.Fatalf("Load: %v", err)
		}
		if err := st.SetLang(ctx, u, bot.EN); err != nil {
			t.Fatalf("SetLang: %v", err)
		}
		if err := st.SetActive(ctx, u, cohorts[0]); err != nil {
			t.Fatalf("SetActive: %v", err)
		}
		if err := st.TouchProfile(ctx, u, "N", "n"); err != nil {
			t.Fatalf("TouchProfile: %v", err)
		}
		if err := st.SetConv(ctx, u, &bot.Conv{Flow: "f", Step: "s"}, time.Hour); err != nil {
			t.Fatalf("SetConv: %v", err)
		}
	}
	if err := st.Heartbeat(ctx, "replica-1", time.Minute); err != nil {
		t.Fatalf("Heartbeat: %v", err)
	}
	if err := st.RemoveMember(ctx, cohorts[1], carol); err != nil {
		t.Fatalf("RemoveMember: %v", err)
	}
	if err := st.EnsureInbox(ctx); err != nil {
		t.Fatalf("EnsureInbox: %v", err)
	}
	if _, err := st.Record(ctx, bot.Telegram, []bot.Update{textUpdate(bot.Telegram, 10)}, 11); err != nil {
		t.Fatalf("Record: %v", err)
	}
	if _, err := st.Record(ctx, bot.Zalo, []bot.Update{textUpdate(bot.Zalo, 10)}, 0); err != nil {
		t.Fatalf("Record: %v", err)
	}

	// The reports' and the scores' keys.
	if _, err := st.AddReport(ctx, &report.Version{Cohort: cohorts[0], Deadline: "report", Group: "Lạng Sơn", FileID: "f", UniqueID: "u", At: t0}, 50); err != nil {
		t.Fatalf("AddReport: %v", err)
	}
	for _, u := range []bot.UserKey{alice, bob} {
		if err := st.SetMark(ctx, cohorts[0], score.Mark{Scorer: u, Side: score.Lecturers, Group: "Lạng Sơn", Criterion: 0, Value: 7}); err != nil {
			t.Fatalf("SetMark: %v", err)
		}
	}
	if err := st.SetScoreNote(ctx, cohorts[0], bob, "Lạng Sơn", "Tốt"); err != nil {
		t.Fatalf("SetScoreNote: %v", err)
	}
	if _, err := st.MarkScoreResults(ctx, cohorts[0], "announced", "1"); err != nil {
		t.Fatalf("MarkScoreResults: %v", err)
	}
	if err := st.ForgetScorer(ctx, cohorts[0], alice, plan.Window{Opens: t0, Closes: t0.Add(time.Hour)}, t0.Add(2*time.Hour)); err != nil {
		t.Fatalf("ForgetScorer: %v", err)
	}

	keys := MustKeys(t, st.Client(), "*")
	seen := make(map[string]bool)
	for _, k := range keys {
		matched := ""
		for doc, re := range patterns {
			if re.MatchString(k) {
				matched = doc
				break
			}
		}
		if matched == "" {
			t.Errorf("key %q matches no key documented in doc.go", k)
		}
		seen[matched] = true
		for _, id := range cohorts {
			if strings.Contains(k, id) && !strings.HasPrefix(k, "{c:"+id+"}:") {
				t.Errorf("key %q names cohort %s without the {c:%s} hash tag", k, id, id)
			}
		}
		// Redis Cluster hashes the first {...}: every key must have one.
		if open, end := strings.Index(k, "{"), strings.Index(k, "}"); open != 0 || end < 2 {
			t.Errorf("key %q does not start with a hash tag", k)
		}
	}
	// The keys of the operations exercised here are all documented and
	// were all produced, so each pattern was really tried. (The outbox,
	// limiter and due-item keys belong to other operations, not exercised here.)
	for _, doc := range []string{
		"{g}:cohorts", "{c:ID}:meta", "{c:ID}:members", "{c:ID}:invites", "{i:CODE}", "{i:CODE}:users",
		"{u:USER}", "{u:USER}:cohorts", "{u:USER}:conv", "{u:USER}:floodlog",
		"{in}:stream", "{in}:seen:PLATFORM:ID", "{in}:offset:PLATFORM", "{in}:u:USER", "{in}:alive:CONSUMER",
		"{c:ID}:rp:v", "{c:ID}:rp:n", "{c:ID}:rp:uid", "{c:ID}:rp:first",
		"{c:ID}:sc:m", "{c:ID}:sc:note", "{c:ID}:sc:meta", "{c:ID}:sc:anon",
	} {
		if patterns[doc] == nil {
			t.Errorf("key %s is not documented in doc.go", doc)
		}
		if !seen[doc] {
			t.Errorf("no key of the documented form %s was written", doc)
		}
	}
}
