package main

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/cohortbot/cohortbot/bot"
	"github.com/cohortbot/cohortbot/bot/plan"
	"github.com/cohortbot/cohortbot/bot/telegram/telegramtest"
)

// labelsOf returns the labels of a message's buttons.
func labelsOf(e *env, c telegramtest.Call) []string { return e.labels(c) }

// TestRosterJoinInThreeTaps: with the trainees listed in the plan's
// roster, a trainee opens the shared link and joins with three taps and
// no typing: their group, their name, «I agree». They are registered with
// the roster's name, organisation and group. A name taken is not offered
// to the next person, and a forged press for it is refused; leaving
// frees it. Nothing is kept before «I agree».
func TestRosterJoinInThreeTaps(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.createCohort(samplePlan)
	ctx := context.Background()
	st := e.store()
	co, err := st.Cohort(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	p := co.Plan.Shift(0)
	p.Roster = []plan.Person{
		{Name: "Lê Thị Lan", Org: "Sở Công Thương Lạng Sơn", Group: "Lạng Sơn", Role: "trainee"},
		{Name: "Hoàng Văn Tú", Org: "Sở Công Thương Lạng Sơn", Group: "Lạng Sơn", Role: "trainee"},
		{Name: "Phạm Văn Hải", Group: "Hải Phòng", Role: "trainee"},
	}
	if _, err := st.SavePlan(ctx, c.ID, p); err != nil {
		t.Fatal(err)
	}
	e.serve()

	lan := e.person(7601, "Lan", "", "vi")
	seen := 0
	lan.say("/start " + c.Invites.Trainee)
	groups := lan.reply(&seen, "Bạn thuộc nhóm nào?")
	if got := labelsOf(e, groups); !slices.Contains(got, "Lạng Sơn") || !slices.Contains(got, "Hải Phòng") || slices.Contains(got, "Cần Thơ") {
		t.Errorf("groups offered %q, want those with trainees on the roster", got)
	}
	taps := 0
	tap := func(p *person, c telegramtest.Call, label string) {
		taps++
		p.pressLabel(c, label)
	}
	tap(lan, groups, "Lạng Sơn")
	names := lan.reply(&seen, "bạn là ai")
	tap(lan, names, "Lê Thị Lan")
	if e.member(c.ID, lan.user.ID) != nil {
		t.Fatal("a member was kept before «I agree»")
	}
	agree := lan.reply(&seen, "Bấm «Tôi đồng ý»")
	tap(lan, agree, "Tôi đồng ý")
	done := lan.reply(&seen, textRegistered)
	for _, want := range []string{"cmd:schedule:", "cmd:report:", "cmd:checkin:", "cmd:certificate:", "cmd:score:"} {
		if !hasButton(t, done, want) {
			t.Errorf("the trainee's menu %q lacks %s", buttons(t, done), want)
		}
	}
	m := e.member(c.ID, lan.user.ID)
	if m == nil || !m.Registered || m.Name != "Lê Thị Lan" || m.Org != "Sở Công Thương Lạng Sơn" || m.Group != "Lạng Sơn" || m.Person != 1 || m.Consent.IsZero() {
		t.Fatalf("member after three taps = %+v", m)
	}
	if taps != 3 {
		t.Errorf("%d taps to join, want 3", taps)
	}
	t.Logf("a rostered trainee joined in %d taps and no typed message (the link's /start aside)", taps)

	// The next person of the group is not offered Lan's name.
	tu := e.person(7602, "Tú", "", "vi")
	ts := 0
	tu.say("/start " + c.Invites.Trainee)
	g2 := tu.reply(&ts, "Bạn thuộc nhóm nào?")
	tu.pressLabel(g2, "Lạng Sơn")
	n2 := tu.reply(&ts, "bạn là ai")
	if got := labelsOf(e, n2); slices.ContainsFunc(got, func(l string) bool { return strings.Contains(l, "Lê Thị Lan") }) {
		t.Errorf("names offered after Lan joined: %q", got)
	}
	// A forged «I agree» as Lan is refused and changes nothing.
	e.alert(tu.pressData("rs:y:"+c.Invites.Trainee+":1:"), tx(bot.VI, "reg.roster_taken", "Lê Thị Lan"))
	if e.member(c.ID, tu.user.ID) != nil {
		t.Error("a forged press for a taken name added a member")
	}
	for _, bad := range []string{"rs:y:" + c.Invites.Trainee + ":9:", "rs:y:" + c.Invites.Trainee + ":x:", "rs:g:NoSuchCode1:0:", "rs:n:" + c.Invites.Trainee + ":3:4:"} {
		tu.pressData(bad)
	}
	if e.member(c.ID, tu.user.ID) != nil {
		t.Error("forged roster presses added a member")
	}

	// Lan leaves: her name is free again.
	lan.leave(&seen)
	tu.say("/start " + c.Invites.Trainee)
	g3 := tu.reply(&ts, "Bạn thuộc nhóm nào?")
	tu.pressLabel(g3, "Lạng Sơn")
	if got := labelsOf(e, tu.reply(&ts, "bạn là ai")); !slices.ContainsFunc(got, func(l string) bool { return strings.Contains(l, "Lê Thị Lan") }) {
		t.Errorf("names offered after Lan left: %q, want hers again", got)
	}
}

// TestGroupEnterpriseDefault: when the plan names the enterprise a group
// assesses, a trainee of that group submits a photo by sending it (with
// its caption) and tapping its category: the enterprise is not asked,
// and the entry carries it.
func TestGroupEnterpriseDefault(t *testing.T) {
	t.Parallel()
	r := newContestRig(t, hanoi(t, 2017, 8, 1, 9, 0))
	e := r.e
	ctx := context.Background()
	st := e.store()
	co, err := st.Cohort(ctx, r.c.ID)
	if err != nil {
		t.Fatal(err)
	}
	p := co.Plan.Shift(0)
	p.Enterprises = map[string]string{"Lạng Sơn": "Công ty Xi măng Đồng Bành"}
	if _, err := st.SavePlan(ctx, r.c.ID, p); err != nil {
		t.Fatal(err)
	}
	lan := e.seed(r.c.ID, 7801, bot.Trainee, "Lê Thị Lan", "Lạng Sơn")
	e.serve()
	e.tg.AddFile("ent-1", "uq-ent-1", smallJPEG(t))
	seen := 0
	lan.photo("ent-1", "Lò nung hở nhiệt", "")
	ask := lan.reply(&seen, "thuộc loại lãng phí nào")
	lan.pressLabel(ask, p.Contest.Categories[0])
	lan.reply(&seen, "Ban tổ chức")
	for _, c := range e.tg.Sent(lan.user.ID) {
		if strings.Contains(c.Params["text"], "doanh nghiệp nào") {
			t.Errorf("the enterprise was asked: %q", c.Params["text"])
		}
	}
	snap := e.snapshot(r.c.ID)
	if len(snap.Entries) != 1 || snap.Entries[0].Enterprise != "Công ty Xi măng Đồng Bành" || snap.Entries[0].Category != p.Contest.Categories[0] {
		t.Fatalf("entries = %+v", snap.Entries)
	}
}

// TestPersonalRosterLink: `invite create --person ROW` makes a roster
// person's own link: it shows the notice naming them, and «I agree»
// joins them, registered, in one tap; the link works once. A row the
// roster does not have, or of another role, is refused.
func TestPersonalRosterLink(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.createCohort(samplePlan)
	ctx := context.Background()
	st := e.store()
	co, err := st.Cohort(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	p := co.Plan.Shift(0)
	p.Roster = []plan.Person{
		{Name: "Lê Thị Lan", Group: "Lạng Sơn", Role: "trainee"},
		{Name: "Phạm Văn Hải", Org: "Sở Công Thương Hải Phòng", Group: "Hải Phòng", Role: "trainee"},
	}
	if _, err := st.SavePlan(ctx, c.ID, p); err != nil {
		t.Fatal(err)
	}
	for _, bad := range [][]string{
		{"--cohort", c.ID, "--role", "trainee", "--person", "3"},
		{"--cohort", c.ID, "--role", "lecturer", "--person", "2"},
		{"--cohort", c.ID, "--role", "trainee", "--person", "-1"},
	} {
		if code, _, errs := e.run(append([]string{"invite", "create"}, bad...)...); code != 2 || errs == "" {
			t.Errorf("invite create %q: exit %d %q, want 2 with a message", bad, code, errs)
		}
	}
	inv := e.createInvite("--cohort", c.ID, "--role", "trainee", "--person", "2")
	if inv.Uses != 1 {
		t.Errorf("a personal link has %d uses, want 1", inv.Uses)
	}
	e.serve()
	hai := e.person(7901, "Hải", "", "vi")
	seen := 0
	hai.say("/start " + inv.Code)
	notice := hai.reply(&seen, "Bạn là: Phạm Văn Hải")
	hai.pressPrefix(notice, "cs:y:")
	hai.reply(&seen, textRegistered)
	m := e.member(c.ID, hai.user.ID)
	if m == nil || !m.Registered || m.Name != "Phạm Văn Hải" || m.Group != "Hải Phòng" || m.Org != "Sở Công Thương Hải Phòng" || m.Person != 2 {
		t.Fatalf("member by the personal link = %+v", m)
	}
	other := e.person(7902, "Khác", "", "vi")
	os := 0
	other.say("/start " + inv.Code)
	if got := other.reply(&os, ""); got.Params["text"] != tx(bot.VI, "invite.used_up") {
		t.Errorf("a second person with the personal link got %q", got.Params["text"])
	}
}
