package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cohortbot/cohortbot/bot"
	"github.com/cohortbot/cohortbot/bot/telegram/telegramtest"
)

var inviteCodeRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,32}$`)

// jsonObjectKeys returns the keys of a JSON object in the order they are
// written, and for each value that is an object, its keys in order.
func jsonObjectKeys(t *testing.T, raw string) (keys []string, nested map[string][]string) {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(raw))
	fail := func(err error) { t.Fatalf("read JSON keys of %s: %v", raw, err) }
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		t.Fatalf("%s is not a JSON object (%v)", raw, err)
	}
	nested = map[string][]string{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			fail(err)
		}
		k := tok.(string)
		keys = append(keys, k)
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			fail(err)
		}
		if bytes.HasPrefix(bytes.TrimSpace(v), []byte("{")) {
			sub, _ := jsonObjectKeys(t, string(v))
			if sub == nil {
				sub = []string{}
			}
			nested[k] = sub
		}
	}
	return keys, nested
}

func TestCohortCreateJSON(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	e.clock = func() time.Time { return now }
	code, out, errs := e.run("cohort", "create", "--plan", samplePlan, "--json")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, errs)
	}
	if !strings.HasSuffix(out, "\n") || strings.Count(out, "\n") != 1 {
		t.Fatalf("want exactly one line, got %q", out)
	}
	keys, nested := jsonObjectKeys(t, out)
	if want := []string{"id", "name", "invites", "links", "view_key"}; !slices.Equal(keys, want) {
		t.Errorf("keys = %v, want %v", keys, want)
	}
	if want := []string{"trainee", "lecturer", "organiser"}; !slices.Equal(nested["invites"], want) {
		t.Errorf("invites keys = %v, want %v", nested["invites"], want)
	}
	var c cohortJSON
	if err := json.Unmarshal([]byte(out), &c); err != nil {
		t.Fatal(err)
	}
	if c.ID == "" || c.ViewKey == "" || !strings.Contains(c.Name, "sản xuất sạch hơn") {
		t.Errorf("cohort = %+v", c)
	}
	codes := map[bot.Role]string{bot.Trainee: c.Invites.Trainee, bot.Lecturer: c.Invites.Lecturer, bot.Organiser: c.Invites.Organiser}
	if len(c.Links) != 3 {
		t.Errorf("links = %v, want one per role", c.Links)
	}
	st := e.store()
	bg := context.Background()
	for role, code := range codes {
		if !inviteCodeRE.MatchString(code) {
			t.Errorf("%s invite %q does not match %s", role, code, inviteCodeRE)
		}
		if want := "https://t.me/" + telegramtest.DefaultBotUsername + "?start=" + code; c.Links[string(role)] != want {
			t.Errorf("%s link = %q, want %q", role, c.Links[string(role)], want)
		}
		inv, err := st.Invite(bg, code)
		if err != nil {
			t.Fatalf("%s invite: %v", role, err)
		}
		if inv.Cohort != c.ID || inv.Role != role {
			t.Errorf("%s invite = %+v", role, inv)
		}
		switch role {
		case bot.Organiser, bot.Lecturer:
			// Personal: their votes weigh more, and they run the course.
			if inv.Uses != 1 || !inv.Expires.Equal(now.Add(7*24*time.Hour)) {
				t.Errorf("%s invite = %+v, want one use, 7 days", role, inv)
			}
		default:
			if inv.Uses != -1 || !inv.Expires.IsZero() {
				t.Errorf("%s invite = %+v, want reusable without expiry", role, inv)
			}
		}
	}
	if stored, err := st.Cohort(bg, c.ID); err != nil || stored.Name != c.Name || stored.ViewKey != c.ViewKey {
		t.Errorf("stored cohort = %+v (%v)", stored, err)
	}

	t.Run("without TELEGRAM_TOKEN", func(t *testing.T) {
		e := newEnv(t)
		delete(e.vars, "TELEGRAM_TOKEN")
		code, out, errs := e.run("cohort", "create", "--plan", samplePlan, "--json")
		if code != 0 {
			t.Fatalf("exit %d\n%s", code, errs)
		}
		if !strings.Contains(out, `,"links":{},`) {
			t.Errorf("links not {}: %s", out)
		}
		if keys, _ := jsonObjectKeys(t, out); !slices.Equal(keys, []string{"id", "name", "invites", "links", "view_key"}) {
			t.Errorf("keys = %v", keys)
		}
		if calls := e.tg.Calls(); len(calls) != 0 {
			t.Errorf("Telegram was called without a token: %d calls", len(calls))
		}
	})
}

// TestCohortCreateGalleryLink: with PUBLIC_URL set, cohort create prints
// the projector page's address of a plan with a contest, ready to open.
func TestCohortCreateGalleryLink(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.vars["PUBLIC_URL"] = "https://bot.example.org/"
	code, out, errs := e.run("cohort", "create", "--plan", samplePlan)
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, errs)
	}
	m := regexp.MustCompile(`(?m)^\s*id:\s+(\S+)\n\s*view key:\s+(\S+)\n\s*gallery:\s+(\S+)$`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no id, view key and gallery in %q", out)
	}
	if want := "https://bot.example.org/c/" + m[1] + "/gallery?key=" + m[2]; m[3] != want {
		t.Errorf("gallery = %q, want %q", m[3], want)
	}
	// Without a contest there is no gallery.
	if _, out, _ := e.run("cohort", "create", "--name", "Không có cuộc thi"); strings.Contains(out, "gallery:") {
		t.Errorf("a cohort without a contest prints a gallery:\n%s", out)
	}
}

func TestCohortCreateByNameAndList(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	code, out, errs := e.run("cohort", "create", "--name", "Khóa thử nghiệm <A&B>")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, errs)
	}
	m := regexp.MustCompile(`(?m)^\s*id:\s+(\S+)$`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no id in %q", out)
	}
	id := m[1]
	c, err := e.store().Cohort(context.Background(), id)
	if err != nil || c.Name != "Khóa thử nghiệm <A&B>" {
		t.Fatalf("stored cohort = %+v (%v)", c, err)
	}
	if c.Plan.Location == nil || c.Plan.Location.String() != "Asia/Ho_Chi_Minh" {
		t.Errorf("default plan zone = %v", c.Plan.Location)
	}

	code, out, errs = e.run("cohort", "list")
	if code != 0 {
		t.Fatalf("list: exit %d\n%s", code, errs)
	}
	if !regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(id) + `\s+Khóa thử nghiệm <A&B>\s+0\s`).MatchString(out) {
		t.Errorf("list does not show %s with its name and no members:\n%s", id, out)
	}

	for _, args := range [][]string{
		{"cohort", "create"},
		{"cohort", "create", "--name", "X", "--plan", samplePlan},
		{"cohort", "create", "--name", "   "},
		{"cohort", "create", "--plan", "no-such-plan.yaml"},
		{"cohort", "create", "--bogus"},
		{"cohort", "frobnicate"},
	} {
		if code, _, errs := e.run(args...); code != 2 || errs == "" {
			t.Errorf("%v: exit %d, stderr %q; want 2 with a message", args, code, errs)
		}
	}
	if cs, _ := e.store().Cohorts(context.Background()); len(cs) != 1 {
		t.Errorf("cohorts after refused commands = %d, want 1", len(cs))
	}
}

func TestInviteCreateAndRevoke(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	e.clock = func() time.Time { return now }
	c := e.createCohort(samplePlan)

	code, out, errs := e.run("invite", "create", "--cohort", c.ID, "--role", "trainee", "--uses", "3", "--expires", "48h", "--json")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, errs)
	}
	if strings.Count(out, "\n") != 1 {
		t.Errorf("want one line, got %q", out)
	}
	var inv inviteJSON
	if err := json.Unmarshal([]byte(out), &inv); err != nil {
		t.Fatal(err)
	}
	want := inviteJSON{Code: inv.Code, Cohort: c.ID, Role: "trainee", Uses: 3, Expires: "2026-03-04T09:00:00Z",
		Link: "https://t.me/" + telegramtest.DefaultBotUsername + "?start=" + inv.Code}
	if inv != want {
		t.Errorf("invite = %+v\nwant     %+v", inv, want)
	}
	if !inviteCodeRE.MatchString(inv.Code) {
		t.Errorf("code %q does not match %s", inv.Code, inviteCodeRE)
	}
	st := e.store()
	bg := context.Background()
	stored, err := st.Invite(bg, inv.Code)
	if err != nil {
		t.Fatal(err)
	}
	if stored.Uses != 3 || stored.Role != bot.Trainee || stored.Cohort != c.ID || !stored.Expires.Equal(now.Add(48*time.Hour)) || stored.Revoked {
		t.Errorf("stored invite = %+v", stored)
	}
	if invs, _ := st.Invites(bg, c.ID); len(invs) != 4 {
		t.Errorf("cohort has %d invites, want 4", len(invs))
	}

	for name, args := range map[string][]string{
		"bad role":       {"invite", "create", "--cohort", c.ID, "--role", "dean"},
		"unknown cohort": {"invite", "create", "--cohort", "nosuchcohort", "--role", "trainee"},
		"no cohort":      {"invite", "create", "--role", "trainee"},
		"negative uses":  {"invite", "create", "--cohort", c.ID, "--role", "trainee", "--uses", "-1"},
		"bad expiry":     {"invite", "create", "--cohort", c.ID, "--role", "trainee", "--expires", "2 days"},
		"unknown code":   {"invite", "revoke", "NoSuchCode123"},
		"revoke no code": {"invite", "revoke"},
	} {
		if code, _, errs := e.run(args...); code != 2 || errs == "" {
			t.Errorf("%s: exit %d, stderr %q; want 2 with a message", name, code, errs)
		}
	}
	if invs, _ := st.Invites(bg, c.ID); len(invs) != 4 {
		t.Errorf("after refused commands the cohort has %d invites, want 4", len(invs))
	}

	code, out, errs = e.run("invite", "revoke", inv.Code)
	if code != 0 || !strings.Contains(out, inv.Code) {
		t.Fatalf("revoke: exit %d, out %q\n%s", code, out, errs)
	}
	if stored, err := st.Invite(bg, inv.Code); err != nil || !stored.Revoked {
		t.Errorf("after revoke: %+v (%v)", stored, err)
	}
}

// writePlan writes a plan file in a temporary directory.
func writePlan(t *testing.T, name, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestPlanCheckAndApply(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	code, out, errs := e.run("plan", "check", samplePlan)
	if code != 0 || !strings.Contains(out, "ok (16 sessions, 4 deadlines, 6 groups)") {
		t.Fatalf("plan check: exit %d, out %q\n%s", code, out, errs)
	}

	c := e.createCohort(samplePlan)
	sample, err := os.ReadFile(samplePlan)
	if err != nil {
		t.Fatal(err)
	}
	const before = `starts: "2017-07-10 13:30", ends: "2017-07-10 17:00"`
	if !strings.Contains(string(sample), before) {
		t.Fatalf("sample plan no longer has %s", before)
	}
	moved := writePlan(t, "moved.yaml", strings.Replace(string(sample), before, `starts: "2017-07-10 14:00", ends: "2017-07-10 17:30"`, 1))

	st := e.store()
	bg := context.Background()
	old, err := st.Cohort(bg, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	code, out, errs = e.run("plan", "apply", "--cohort", c.ID, moved)
	if code != 0 {
		t.Fatalf("plan apply: exit %d\n%s", code, errs)
	}
	if !strings.Contains(out, "moved 1 (p1-d1-pm)") || strings.Contains(out, "added") || strings.Contains(out, "removed") {
		t.Errorf("plan apply said %q, want it to report moved 1 (p1-d1-pm) only", out)
	}
	now, err := st.Cohort(bg, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if now.Version != old.Version+1 {
		t.Errorf("plan version %d → %d, want a bump", old.Version, now.Version)
	}
	var got string
	for _, s := range now.Plan.Sessions {
		if s.ID == "p1-d1-pm" {
			got = s.Starts.In(now.Plan.Location).Format("2006-01-02 15:04") + "–" + s.Ends.In(now.Plan.Location).Format("15:04")
		}
	}
	if got != "2017-07-10 14:00–17:30" {
		t.Errorf("stored p1-d1-pm = %q, want 2017-07-10 14:00–17:30", got)
	}

	// Applying the same file again changes no session.
	if code, out, _ = e.run("plan", "apply", "--cohort", c.ID, moved); code != 0 || !strings.Contains(out, "no session or deadline changed") {
		t.Errorf("second apply: exit %d, %q", code, out)
	}
	if code, _, errs := e.run("plan", "apply", "--cohort", "nosuchcohort", moved); code != 2 || errs == "" {
		t.Errorf("apply to an unknown cohort: exit %d, stderr %q; want 2", code, errs)
	}
	if code, _, _ := e.run("plan", "apply", moved); code != 2 {
		t.Errorf("apply without --cohort: exit %d, want 2", code)
	}
}

// badPlan has one of each problem the issue names, on known lines.
const badPlan = `name: "Bad plan"
timezone: Mars/Olympus_Mons
groups: ["A", "B"]
sessions:
  - {id: s1, title: "One", starts: "2017-07-10 11:00", ends: "2017-07-10 09:00"}
  - {title: "No id", starts: "2017-07-11 08:00", ends: "2017-07-11 09:00"}
  - {id: s1, title: "Dup", starts: "2017-07-12 08:00", ends: "2017-07-12 09:00"}
  - {id: s4, starts: "2017-07-13 08:00", ends: "2017-07-13 09:00"}
deadlines:
  - {id: d1, title: "D", due: "2017-07-20 17:00", kind: report}
reminders: {sessions: [1x], deadlines: [1d]}
contest:
  submissions: {opens: "2017-07-15 00:00", closes: "2017-07-14 00:00"}
`

func TestBadPlanRefused(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.createCohort(samplePlan)
	path := writePlan(t, "bad.yaml", badPlan)
	want := []string{
		path + ":2: timezone: ",
		path + ":5: sessions[0].ends: ",
		path + ":6: sessions[1].id: ",
		path + ":7: sessions[2].id: ",
		path + ":8: sessions[3].title: ",
		path + ":11: reminders.sessions[0]: ",
		path + ":13: contest.submissions.closes: ",
	}
	line := regexp.MustCompile(`^` + regexp.QuoteMeta(path) + `:\d+: [A-Za-z0-9_.\[\]]+: \S.*$`)
	check := func(what string, code int, stderr string) {
		t.Helper()
		if code != 2 {
			t.Errorf("%s: exit %d, want 2", what, code)
		}
		lines := strings.Split(strings.TrimRight(stderr, "\n"), "\n")
		if len(lines) != len(want) {
			t.Errorf("%s: %d lines, want %d:\n%s", what, len(lines), len(want), stderr)
		}
		for i, l := range lines {
			if !line.MatchString(l) {
				t.Errorf("%s: line %q is not FILE:LINE: FIELD: problem", what, l)
			}
			if i < len(want) && !strings.HasPrefix(l, want[i]) {
				t.Errorf("%s: line %d = %q, want it to start with %q", what, i+1, l, want[i])
			}
		}
	}

	code, _, errs := e.run("plan", "check", path)
	check("plan check", code, errs)

	st := e.store()
	bg := context.Background()
	rdb := e.redis.Client()
	rawBefore, err := rdb.HGetAll(bg, "{c:"+c.ID+"}:meta").Result()
	if err != nil {
		t.Fatal(err)
	}
	code, _, errs = e.run("plan", "apply", "--cohort", c.ID, path)
	check("plan apply", code, errs)
	rawAfter, err := rdb.HGetAll(bg, "{c:"+c.ID+"}:meta").Result()
	if err != nil {
		t.Fatal(err)
	}
	if rawAfter["plan"] != rawBefore["plan"] || rawAfter["version"] != rawBefore["version"] {
		t.Errorf("a refused plan apply changed the cohort: version %s → %s", rawBefore["version"], rawAfter["version"])
	}

	keysBefore, _ := rdb.DBSize(bg).Result()
	code, _, errs = e.run("cohort", "create", "--plan", path, "--json")
	check("cohort create", code, errs)
	if cs, _ := st.Cohorts(bg); len(cs) != 1 {
		t.Errorf("cohorts after a refused create = %d, want 1", len(cs))
	}
	if keysAfter, _ := rdb.DBSize(bg).Result(); keysAfter != keysBefore {
		t.Errorf("a refused create wrote %d keys", keysAfter-keysBefore)
	}
}

func TestCohortDelete(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	doomed := e.createCohort(samplePlan)
	kept := e.createCohort(samplePlan)
	extra := e.createInviteJSON(doomed.ID, "lecturer")
	st := e.store()
	bg := context.Background()
	user := bot.NewUserKey(bot.Telegram, "9001")
	for _, id := range []string{doomed.ID, kept.ID} {
		if err := st.PutMember(bg, &bot.Member{User: user, Cohort: id, Role: bot.Trainee, Name: "Lê Văn Tám", Registered: true, Joined: time.Now()}); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.SetActive(bg, user, doomed.ID); err != nil {
		t.Fatal(err)
	}

	code, out, errs := e.run("cohort", "delete", doomed.ID)
	if code != 0 || !strings.Contains(out, doomed.ID) {
		t.Fatalf("delete: exit %d, out %q\n%s", code, out, errs)
	}
	rdb := e.redis.Client()
	keys, err := rdb.Keys(bg, "*").Result()
	if err != nil {
		t.Fatal(err)
	}
	gone := []string{"{c:" + doomed.ID + "}"}
	for _, code := range []string{doomed.Invites.Trainee, doomed.Invites.Lecturer, doomed.Invites.Organiser, extra} {
		gone = append(gone, "{i:"+code+"}")
	}
	for _, k := range keys {
		for _, g := range gone {
			if strings.Contains(k, g) {
				t.Errorf("key %s is left after deleting cohort %s", k, doomed.ID)
			}
		}
	}
	if _, err := st.Cohort(bg, kept.ID); err != nil {
		t.Errorf("the other cohort: %v", err)
	}
	if _, err := st.Invite(bg, kept.Invites.Trainee); err != nil {
		t.Errorf("the other cohort's invite: %v", err)
	}
	if m, err := st.Member(bg, kept.ID, user); err != nil || m.Name != "Lê Văn Tám" {
		t.Errorf("member of the other cohort: %+v (%v)", m, err)
	}
	p, err := st.Profile(bg, user)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(p.Cohorts, []string{kept.ID}) || p.Active != kept.ID {
		t.Errorf("profile after delete = %+v, want only %s, active", p, kept.ID)
	}
	_, out, _ = e.run("cohort", "list")
	if strings.Contains(out, doomed.ID) || !strings.Contains(out, kept.ID) {
		t.Errorf("list after delete:\n%s", out)
	}

	for _, args := range [][]string{{"cohort", "delete", doomed.ID}, {"cohort", "delete", "nosuchcohort"}, {"cohort", "delete"}} {
		if code, _, errs := e.run(args...); code != 2 || errs == "" {
			t.Errorf("%v: exit %d, stderr %q; want 2", args, code, errs)
		}
	}
}

// createInviteJSON runs invite create --json and returns the code.
func (e *env) createInviteJSON(cohort, role string) string {
	e.t.Helper()
	code, out, errs := e.run("invite", "create", "--cohort", cohort, "--role", role, "--json")
	if code != 0 {
		e.t.Fatalf("invite create: exit %d\n%s", code, errs)
	}
	var inv inviteJSON
	if err := json.Unmarshal([]byte(out), &inv); err != nil {
		e.t.Fatal(err)
	}
	return inv.Code
}

func TestUsage(t *testing.T) {
	e := newEnv(t)
	for _, args := range [][]string{nil, {"frobnicate"}, {"cohort"}, {"invite"}, {"plan"}, {"plan", "check"}} {
		code, _, errs := e.run(args...)
		if code != 2 {
			t.Errorf("%q: exit %d, want 2", args, code)
		}
		if len(args) == 0 && !strings.Contains(errs, "Usage:") {
			t.Errorf("no arguments: stderr has no usage:\n%s", errs)
		}
	}
	code, out, _ := e.run("help")
	if code != 0 || !strings.Contains(out, "cohortbot cohort create") {
		t.Errorf("help: exit %d\n%s", code, out)
	}
	// Commands that need Redis say so (exit 2) when REDIS_URL is unset.
	delete(e.vars, "REDIS_URL")
	if code, _, errs := e.run("cohort", "list"); code != 2 || !strings.Contains(errs, "REDIS_URL") {
		t.Errorf("cohort list without Redis: exit %d\n%s", code, errs)
	}
}

// TestCohortRotateKey: `cohort rotate-key ID` gives the projector page a
// new view key; the running server refuses the old one at the next
// request, and serves the new one.
func TestCohortRotateKey(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.createCohort(samplePlan)
	s := e.serve()
	page := func(key string) string { return s.url("/c/" + c.ID + "/gallery?key=" + key) }
	board := func(key string) string { return s.url("/api/c/" + c.ID + "/leaderboard?key=" + key) }
	for _, u := range []string{page(c.ViewKey), board(c.ViewKey)} {
		if code, _ := httpGet(t, u); code != http.StatusOK {
			t.Fatalf("before rotating: %s = %d", u, code)
		}
	}
	code, out, errs := e.run("cohort", "rotate-key", c.ID)
	if code != 0 {
		t.Fatalf("rotate-key exit %d: %s%s", code, out, errs)
	}
	_, newKey, ok := strings.Cut(strings.TrimSpace(out), ": ")
	if !ok || newKey == "" || newKey == c.ViewKey || strings.ContainsAny(newKey, " \n") {
		t.Fatalf("rotate-key printed %q", out)
	}
	for _, u := range []string{page(c.ViewKey), board(c.ViewKey)} {
		if code, _ := httpGet(t, u); code != http.StatusNotFound {
			t.Errorf("old key after rotating: %s = %d, want 404", u, code)
		}
	}
	for _, u := range []string{page(newKey), board(newKey)} {
		if code, _ := httpGet(t, u); code != http.StatusOK {
			t.Errorf("new key: %s = %d, want 200", u, code)
		}
	}
	if got := e.store(); got != nil {
		co, err := got.Cohort(context.Background(), c.ID)
		if err != nil || co.ViewKey != newKey {
			t.Errorf("stored view key = %v, %v; want %q", co, err, newKey)
		}
	}
	for _, args := range [][]string{{"cohort", "rotate-key"}, {"cohort", "rotate-key", "nosuchcohort"}, {"cohort", "rotate-key", c.ID, "extra"}} {
		if code, _, _ := e.run(args...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}
