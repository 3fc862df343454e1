package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cohortbot/cohortbot/bot"
	"github.com/cohortbot/cohortbot/bot/contest"
	"github.com/cohortbot/cohortbot/bot/telegram/telegramtest"
	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// The contest's rules from the plan (totals, show_group, votes_per_voter,
// moderation) and the organisers' tools, end to end: each test drives
// `serve` through the fake Telegram against a real Redis. Entries that are
// not the subject of a test are put straight in Redis (seedEntry), as
// members are (env.seed): every message to a chat costs a second of its
// send limit.

// contestRig is a course with the sample plan's contest, changed by the
// test, and the clock it runs on.
type contestRig struct {
	e   *env
	clk *movableClock
	c   cohortJSON
}

// newContestRig creates the course from the sample plan with each old
// text of edits (pairs old, new) replaced, its clock at now. The bot is
// not started: seed first, then serve.
func newContestRig(t *testing.T, now time.Time, edits ...string) *contestRig {
	t.Helper()
	e := newEnv(t)
	clk := &movableClock{t: now}
	e.clock = clk.Now
	code, out, errs := e.run("cohort", "create", "--plan", planWith(t, edits...), "--json")
	if code != 0 {
		t.Fatalf("cohort create refused the plan:\n%s", errs)
	}
	var c cohortJSON
	if err := json.Unmarshal([]byte(out), &c); err != nil {
		t.Fatalf("cohort create output %q: %v", out, err)
	}
	return &contestRig{e: e, clk: clk, c: c}
}

// cb is a contest button's data in the rig's course.
func (r *contestRig) cb(data string) string { return data + ":" + r.c.ID }

// planWith writes the sample plan with each old text of edits (pairs
// old, new) replaced once.
func planWith(t testing.TB, edits ...string) string {
	t.Helper()
	raw, err := os.ReadFile(samplePlan)
	if err != nil {
		t.Fatal(err)
	}
	s := string(raw)
	for i := 0; i+1 < len(edits); i += 2 {
		if !strings.Contains(s, edits[i]) {
			t.Fatalf("sample plan has no %q", edits[i])
		}
		s = strings.Replace(s, edits[i], edits[i+1], 1)
	}
	path := filepath.Join(t.TempDir(), "plan.yaml")
	if err := os.WriteFile(path, []byte(s), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// entrySeed is an entry put straight in Redis.
type entrySeed struct {
	file, caption, category, enterprise string
	status                              string // draft, pending, approved or rejected
	doc                                 bool
}

// seedEntry records an entry of author (a member of the cohort, whose
// group it takes) as if sent while submissions were open, moves it to
// its status, and returns its number.
func (e *env) seedEntry(cohort string, author *person, s entrySeed) int64 {
	e.t.Helper()
	ctx := context.Background()
	st := e.store()
	co, err := st.Cohort(ctx, cohort)
	if err != nil {
		e.t.Fatal(err)
	}
	w := co.Plan.Contest.Submissions
	snap := e.snapshot(cohort)
	at := w.Opens.Add(time.Duration(len(snap.Entries)+1) * time.Hour)
	m := e.member(cohort, author.user.ID)
	en := &contest.Entry{
		Cohort: cohort, Author: key(author.user.ID), Group: m.Group, Category: s.category, Caption: s.caption,
		Enterprise: s.enterprise, FileID: s.file, UniqueID: "uq-" + s.file, Created: at, Document: s.doc,
	}
	// The fake Telegram knows the picture, as if the author had sent it.
	e.tg.AddFile(s.file, "uq-"+s.file, []byte("\xff\xd8\xff\xe0 "+s.file))
	res, err := st.SubmitEntry(ctx, en, contest.SubmitLimits{Drafts: math.MaxInt32, Entries: math.MaxInt32, Cohort: math.MaxInt32}, w, at)
	if err != nil || res.Status != contest.SubmitOK {
		e.t.Fatalf("seed entry %s: %+v %v", s.file, res, err)
	}
	to := s.status
	if to == contest.EntryRejected {
		to = contest.EntryPending
	}
	if to != contest.EntryDraft {
		done, err := st.UpdateEntries(ctx, cohort, en.Author, []contest.EntryChange{{N: res.N, From: contest.EntryDraft, To: to}}, nil, "submit", at)
		if err != nil || len(done) != 1 {
			e.t.Fatalf("seed entry %s as %s: %v %v", s.file, to, done, err)
		}
	}
	if s.status == contest.EntryRejected {
		if ok, _, _, err := st.DecideEntry(ctx, cohort, res.N, false, "Ảnh mờ", "", at); !ok || err != nil {
			e.t.Fatalf("seed rejection of %s: %v", s.file, err)
		}
	}
	return res.N
}

// seedVote casts voter's vote for entry n straight in Redis, during the
// plan's voting window.
func (e *env) seedVote(cohort string, voter *person, n int64) {
	e.t.Helper()
	ctx := context.Background()
	st := e.store()
	co, err := st.Cohort(ctx, cohort)
	if err != nil {
		e.t.Fatal(err)
	}
	m := e.member(cohort, voter.user.ID)
	w := co.Plan.Contest.Voting
	res, err := st.Vote(ctx, contest.VoteRequest{Cohort: cohort, Voter: m.User, Group: m.Group, N: n, Cast: true, Weight: 1, Window: w, Now: w.Opens.Add(time.Hour)})
	if err != nil || res != contest.VoteOK {
		e.t.Fatalf("seed vote of %d for %d: %s %v", voter.user.ID, n, res, err)
	}
}

// votePage sends /vote and returns the page and its message id.
func (p *person) votePage(want string) (telegramtest.Call, int) {
	p.e.t.Helper()
	seen := len(p.e.tg.Sent(p.user.ID))
	p.say("/vote")
	page := p.reply(&seen, want)
	return page, p.e.mediaID(p.user.ID, page)
}

// pageShows waits until the person's vote page (message id) shows photo
// n with every text of want in its caption and the button data key.
func (p *person) pageShows(id int, n int64, key string, want ...string) tgbotapi.Message {
	p.e.t.Helper()
	head := fmt.Sprintf("Ảnh số %d (", n)
	return p.e.waitMessage(p.user.ID, id, fmt.Sprintf("the page of photo %d with %q and %v", n, key, want), func(m tgbotapi.Message) bool {
		if !strings.Contains(m.Caption, head) || !hasKey(m, key) {
			return false
		}
		for _, w := range want {
			if !strings.Contains(m.Caption, w) {
				return false
			}
		}
		return true
	})
}

// waitText waits until the chat's text message id contains want (an edit
// has landed) and returns it.
func (e *env) waitText(chatID int64, id int, want string) tgbotapi.Message {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	var got tgbotapi.Message
	err := e.tg.WaitFor(ctx, func([]telegramtest.Call) bool {
		for _, m := range e.tg.Messages(chatID) {
			if m.MessageID == id && strings.Contains(m.Text, want) {
				got = m
				return true
			}
		}
		return false
	})
	if err != nil {
		for _, m := range e.tg.Messages(chatID) {
			if m.MessageID == id {
				e.t.Fatalf("message %d never showed %q; it reads:\n%s\nbuttons %v", id, want, m.Text, keyboard(m))
			}
		}
		e.t.Fatalf("message %d never showed %q: gone", id, want)
	}
	return got
}

// toast waits for the answer to a press and checks it is a plain
// notification (not an alert) saying want.
func (e *env) toast(callbackID, want string) {
	e.t.Helper()
	a := e.answered(callbackID)
	if a.Params["show_alert"] == "true" || a.Params["text"] != want {
		e.t.Errorf("press %s answered show_alert=%q text=%q, want the notification %q", callbackID, a.Params["show_alert"], a.Params["text"], want)
	}
}

func catalogueVI(key string, args ...any) string { return tx(bot.VI, key, args...) }

// dataOf returns the first button data among datas that starts with prefix
// (the panel's phase buttons carry more than their operation).
func dataOf(t testing.TB, datas []string, prefix string) string {
	t.Helper()
	for _, d := range datas {
		if strings.HasPrefix(d, prefix) {
			return d
		}
	}
	t.Fatalf("no button %s… among %v", prefix, datas)
	return ""
}

// messageData is the callback data of a message's buttons.
func messageData(m tgbotapi.Message) []string {
	var out []string
	for _, k := range keyboard(m) {
		out = append(out, k[strings.LastIndex(k, "=")+1:])
	}
	return out
}

// TestContestRulesVotePage: what the vote page and /top show a trainee
// during voting follows the plan. With `totals: live` /top ranks the photos
// with their counts and the page shows the photo's number of voters,
// updated by a vote; with `totals: hidden` /top refuses and the page shows
// no count. With `show_group: true` the page (and a live /top) names the
// photo's group; with false the group appears nowhere.
func TestContestRulesVotePage(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name      string
		totals    string
		showGroup bool
	}{
		{"sample: hidden totals, no group", "hidden", false},
		{"live totals", "live", false},
		{"group shown", "hidden", true},
		{"live totals and group shown", "live", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := newContestRig(t, hanoi(t, 2017, 10, 30, 9, 0),
				"totals: hidden", "totals: "+tc.totals, "show_group: false", fmt.Sprintf("show_group: %v", tc.showGroup))
			e := r.e
			lan := e.seed(r.c.ID, 7001, bot.Trainee, "Lê Thị Lan", "Lạng Sơn")
			hai := e.seed(r.c.ID, 7002, bot.Trainee, "Phạm Văn Hải", "Hải Phòng")
			gv := e.seed(r.c.ID, 7003, bot.Lecturer, "Nguyễn Minh Đức", "")
			e.seedEntry(r.c.ID, hai, entrySeed{file: "vp-hai", caption: "Van hơi rò rỉ", category: "Nước", status: contest.EntryApproved})
			e.seedEntry(r.c.ID, lan, entrySeed{file: "vp-lan", caption: "Đèn sáng cả ngày", category: "Năng lượng", status: contest.EntryApproved})
			e.serve()
			live := tc.totals == "live"
			count := func(n int) string { return catalogueVI("contest.vote.live", n) }
			group := catalogueVI("contest.vote.group", "Hải Phòng")

			// The lecturer votes first: the page's count moves from 0 to 1.
			page, id := gv.votePage("Ảnh số 1 (1/2)")
			if got := strings.Contains(page.Params["caption"], count(0)); got != live {
				t.Errorf("totals %s: the lecturer's page shows %q: %v; caption:\n%s", tc.totals, count(0), got, page.Params["caption"])
			}
			gv.press(id, r.cb("vt:c:1"))
			m := gv.pageShows(id, 1, r.cb("vt:w:1"))
			if got := strings.Contains(m.Caption, count(1)); got != live {
				t.Errorf("totals %s: after the lecturer's vote the page shows %q: %v; caption:\n%s", tc.totals, count(1), got, m.Caption)
			}

			// Lan (Lạng Sơn) sees Hải's photo, then votes for it.
			page, id = lan.votePage("Ảnh số 1 (1/2)")
			caption := page.Params["caption"]
			if got := strings.Contains(caption, count(1)); got != live {
				t.Errorf("totals %s: Lan's page shows %q: %v; caption:\n%s", tc.totals, count(1), got, caption)
			}
			if !live && strings.Contains(caption, strings.TrimSuffix(catalogueVI("contest.vote.live", 0), "0")) {
				t.Errorf("hidden totals: Lan's page shows a count:\n%s", caption)
			}
			if got := strings.Contains(caption, group); got != tc.showGroup {
				t.Errorf("show_group %v: Lan's page shows %q: %v; caption:\n%s", tc.showGroup, group, got, caption)
			}
			if !tc.showGroup && strings.Contains(caption, "Hải Phòng") {
				t.Errorf("show_group false: Lan's page names the photo's group:\n%s", caption)
			}
			lan.press(id, r.cb("vt:c:1"))
			m = lan.pageShows(id, 1, r.cb("vt:w:1"))
			if got := strings.Contains(m.Caption, count(2)); got != live {
				t.Errorf("totals %s: after Lan's vote her page shows %q: %v; caption:\n%s", tc.totals, count(2), got, m.Caption)
			}

			// /top during voting.
			seen := len(e.tg.Sent(lan.user.ID))
			lan.say("/top")
			top := lan.next(&seen).Params["text"]
			if live {
				line := catalogueVI("contest.top.line", 1, 1, "Nước", 2, "2")
				if !strings.Contains(top, catalogueVI("contest.top.title", 2, 2)) || !strings.Contains(top, line) || !strings.Contains(top, catalogueVI("contest.top.provisional")) {
					t.Errorf("live totals: Lan's /top during voting is\n%s\nwant the ranking with %q, marked provisional", top, line)
				}
				if got := strings.Contains(top, line+" · Hải Phòng"); got != tc.showGroup {
					t.Errorf("live totals, show_group %v: /top names the group: %v:\n%s", tc.showGroup, got, top)
				}
			} else {
				if want := catalogueVI("contest.top.hidden", "01/11/2017 12:00"); top != want {
					t.Errorf("hidden totals: Lan's /top during voting is\n%s\nwant %q", top, want)
				}
				if all := e.everythingSent(lan.user.ID); strings.Contains(all, "người bình chọn") || strings.Contains(all, "Số người") {
					t.Errorf("hidden totals: counts shown to Lan during voting:\n%s", all)
				}
			}
		})
	}
}

// TestContestRulesVoteQuota: with `votes_per_voter: 2` the page counts the
// voter's votes; the third cast is refused with the quota message and
// counts nothing; withdrawing one vote frees it for another photo.
func TestContestRulesVoteQuota(t *testing.T) {
	t.Parallel()
	r := newContestRig(t, hanoi(t, 2017, 10, 30, 9, 0), "votes_per_voter: 0", "votes_per_voter: 2")
	e := r.e
	lan := e.seed(r.c.ID, 7101, bot.Trainee, "Lê Thị Lan", "Lạng Sơn")
	hai := e.seed(r.c.ID, 7102, bot.Trainee, "Phạm Văn Hải", "Hải Phòng")
	for i, cat := range []string{"Nước", "Năng lượng", "Hóa chất"} {
		e.seedEntry(r.c.ID, hai, entrySeed{file: fmt.Sprintf("q-%d", i+1), caption: "Lãng phí " + cat, category: cat, status: contest.EntryApproved})
	}
	e.serve()
	used := func(n int) string { return catalogueVI("contest.vote.quota", n, 2) }
	tally := func(n int64) contest.Tally { return e.snapshot(r.c.ID).Tally[n] }

	page, id := lan.votePage("Ảnh số 1 (1/3)")
	if !strings.Contains(page.Params["caption"], used(0)) {
		t.Errorf("first page does not count Lan's votes (%q):\n%s", used(0), page.Params["caption"])
	}
	lan.press(id, r.cb("vt:c:1"))
	lan.pageShows(id, 1, r.cb("vt:w:1"), used(1))
	lan.press(id, r.cb("vt:p:2"))
	lan.pageShows(id, 2, r.cb("vt:c:2"))
	lan.press(id, r.cb("vt:c:2"))
	lan.pageShows(id, 2, r.cb("vt:w:2"), used(2))
	lan.press(id, r.cb("vt:p:3"))
	lan.pageShows(id, 3, r.cb("vt:c:3"), used(2))

	// The third vote.
	fp := e.fingerprint(r.c.ID)
	e.alert(lan.press(id, r.cb("vt:c:3")), catalogueVI("contest.vote.quota_full", 2))
	if got := e.fingerprint(r.c.ID); got != fp {
		t.Errorf("a refused third vote changed the contest:\nbefore %s\nafter  %s", fp, got)
	}
	if got := tally(3); got != (contest.Tally{}) {
		t.Errorf("photo 3 after a refused vote: %+v, want no votes", got)
	}
	if m := lan.pageShows(id, 3, r.cb("vt:c:3"), used(2)); hasKey(m, r.cb("vt:w:3")) {
		t.Errorf("after the refusal the page offers to withdraw a vote never cast: %v", keyboard(m))
	}

	// Withdrawing the vote for photo 2 frees one.
	lan.press(id, r.cb("vt:p:2"))
	lan.pageShows(id, 2, r.cb("vt:w:2"))
	lan.press(id, r.cb("vt:w:2"))
	lan.pageShows(id, 2, r.cb("vt:c:2"), used(1))
	lan.press(id, r.cb("vt:p:3"))
	lan.pageShows(id, 3, r.cb("vt:c:3"))
	e.toast(lan.press(id, r.cb("vt:c:3")), catalogueVI("contest.vote.cast", 3))
	lan.pageShows(id, 3, r.cb("vt:w:3"), used(2))

	snap := e.snapshot(r.c.ID)
	want := map[int64]contest.Tally{1: {Votes: 1, Score: 1}, 3: {Votes: 1, Score: 1}}
	for n := int64(1); n <= 3; n++ {
		if snap.Tally[n] != want[n] {
			t.Errorf("photo %d: %+v, want %+v", n, snap.Tally[n], want[n])
		}
	}
	if snap.Meta.Votes != 2 || snap.Meta.Voters != 1 {
		t.Errorf("contest counts %d votes of %d voters, want 2 of 1", snap.Meta.Votes, snap.Meta.Voters)
	}
}

// TestContestRulesMyPhotos: while submissions are open the author
// withdraws a photo from /myphotos (it leaves voting and the organisers'
// counts) and re-captions another (it goes back to the organisers, and
// once approved voters see the new caption). Once submissions close, both
// are refused and change nothing, even from the old buttons or a
// re-caption begun before the deadline.
func TestContestRulesMyPhotos(t *testing.T) {
	t.Parallel()
	r := newContestRig(t, hanoi(t, 2017, 8, 1, 10, 0))
	e := r.e
	org := e.seed(r.c.ID, 7201, bot.Organiser, "Trần Văn Hùng", "")
	lan := e.seed(r.c.ID, 7202, bot.Trainee, "Lê Thị Lan", "Lạng Sơn")
	hai := e.seed(r.c.ID, 7203, bot.Trainee, "Phạm Văn Hải", "Hải Phòng")
	for i, cat := range []string{"Nước", "Năng lượng", "Hóa chất"} {
		e.seedEntry(r.c.ID, lan, entrySeed{file: fmt.Sprintf("my-%d", i+1), caption: fmt.Sprintf("Mô tả cũ %d", i+1), category: cat, status: contest.EntryApproved})
	}
	e.serve()
	status := func(n int64) *contest.Entry { return e.snapshot(r.c.ID).Entries[n-1] }

	sl := len(e.tg.Sent(lan.user.ID))
	lan.say("/myphotos")
	my := lan.reply(&sl, catalogueVI("contest.ph.my_title", 3, "5"))
	for _, d := range []string{"ph:wd:1", "ph:rc:2", "ph:rc:3", "ph:wd:3"} {
		if !hasButton(t, my, r.cb(d)) {
			t.Fatalf("/myphotos while open lacks %s: %v", d, buttons(t, my))
		}
	}

	// Withdraw photo 1: a confirmation, then done.
	lan.pressOn(my, r.cb("ph:wd:1"))
	confirm := lan.reply(&sl, catalogueVI("contest.ph.confirm_withdraw", 1))
	lan.pressOn(confirm, r.cb("ph:wdy:1"))
	lan.reply(&sl, catalogueVI("contest.ph.withdrawn", 1))
	if en := status(1); en.Status != contest.EntryWithdrawn {
		t.Errorf("photo 1 after withdrawing: %s", en.Status)
	}

	// Re-caption photo 2: it goes back to the organiser, who approves it.
	lan.pressOn(my, r.cb("ph:rc:2"))
	lan.reply(&sl, catalogueVI("contest.ph.ask_recaption", "2"))
	lan.say("Máy sấy chạy cả khi không có hàng")
	lan.reply(&sl, catalogueVI("contest.ph.recaptioned_moderated", 2))
	if en := status(2); en.Status != contest.EntryPending || en.Caption != "Máy sấy chạy cả khi không có hàng" {
		t.Errorf("photo 2 after re-captioning: %s %q, want pending with the new caption", en.Status, en.Caption)
	}
	mod := org.find(catalogueVI("contest.mod.title", 2))
	if !strings.Contains(mod.Params["caption"], "Máy sấy chạy cả khi không có hàng") {
		t.Errorf("the organiser is asked to approve photo 2 without its new caption:\n%s", mod.Params["caption"])
	}
	org.pressOn(mod, r.cb("mod:ok:2"))
	lan.find(catalogueVI("contest.ph.approved_notice", 2))

	// A re-caption of photo 3 begun before the deadline and sent after.
	lan.pressOn(my, r.cb("ph:rc:3"))
	lan.reply(&sl, catalogueVI("contest.ph.ask_recaption", "3"))
	r.clk.Set(hanoi(t, 2017, 10, 26, 9, 0))
	fp := e.fingerprint(r.c.ID)
	closed := catalogueVI("contest.ph.closed", "25/10/2017 17:00")
	lan.say("Mô tả gửi muộn")
	if got := lan.next(&sl).Params["text"]; got != closed {
		t.Errorf("a re-caption sent after the deadline answered %q, want %q", got, closed)
	}

	// After the deadline: /myphotos offers nothing; the old buttons refuse.
	lan.say("/myphotos")
	late := lan.reply(&sl, catalogueVI("contest.ph.my_title", 2, "5"))
	if len(buttons(t, late)) != 0 || !strings.Contains(late.Params["text"], catalogueVI("contest.ph.my_closed")) {
		t.Errorf("/myphotos after the deadline: %q %v, want no buttons and %q", late.Params["text"], buttons(t, late), catalogueVI("contest.ph.my_closed"))
	}
	if !strings.Contains(late.Params["text"], catalogueVI("contest.ph.my_line", 1, "Nước", catalogueVI("contest.ph.status.withdrawn"))) {
		t.Errorf("/myphotos does not list photo 1 as withdrawn:\n%s", late.Params["text"])
	}
	// Withdrawing photo 3: refused at once, or at the confirmation.
	if a := e.answered(lan.pressOn(my, r.cb("ph:wd:3"))); a.Params["show_alert"] != "true" {
		confirm := lan.reply(&sl, catalogueVI("contest.ph.confirm_withdraw", 3))
		e.alert(lan.pressOn(confirm, r.cb("ph:wdy:3")), closed)
	} else if a.Params["text"] != closed {
		t.Errorf("withdrawing after the deadline answered %q, want %q", a.Params["text"], closed)
	}
	e.alert(lan.pressOn(my, r.cb("ph:rc:2")), closed)
	lan.quiet("refused changes after the deadline", func() {})
	if got := e.fingerprint(r.c.ID); got != fp {
		t.Errorf("refused changes after the deadline changed the contest:\nbefore %s\nafter  %s", fp, got)
	}
	if en := status(3); en.Status != contest.EntryApproved || en.Caption != "Mô tả cũ 3" {
		t.Errorf("photo 3 after the deadline: %s %q, want approved with its caption", en.Status, en.Caption)
	}

	// The organiser's counts leave the withdrawn photo out.
	so := len(e.tg.Sent(org.user.ID))
	org.say("/contest")
	panel := org.reply(&so, catalogueVI("contest.title", r.c.Name))
	if want := catalogueVI("contest.entries", 3, 0, 2, 0, 1, 0); !strings.Contains(panel.Params["text"], want) {
		t.Errorf("the organiser's panel:\n%s\nwant %q", panel.Params["text"], want)
	}
	org.say("/top")
	top := org.reply(&so, catalogueVI("contest.top.title", 2, 2))
	if strings.Contains(top.Params["text"], "Ảnh số 1 ·") {
		t.Errorf("the organiser's /top lists the withdrawn photo:\n%s", top.Params["text"])
	}

	// Voting: the withdrawn photo is gone, the new caption is shown.
	r.clk.Set(hanoi(t, 2017, 10, 30, 9, 0))
	page, id := hai.votePage("Ảnh số 2 (1/2)")
	if !strings.Contains(page.Params["caption"], "Máy sấy chạy cả khi không có hàng") || strings.Contains(page.Params["caption"], "Mô tả cũ 2") {
		t.Errorf("the vote page of photo 2 does not show its new caption:\n%s", page.Params["caption"])
	}
	hai.press(id, r.cb("vt:p:3"))
	if m := hai.pageShows(id, 3, r.cb("vt:c:3"), "(2/2)"); !strings.Contains(m.Caption, "Mô tả cũ 3") {
		t.Errorf("photo 3's caption on the vote page:\n%s", m.Caption)
	}
	e.alert(hai.press(id, r.cb("vt:p:1")), catalogueVI("contest.vote.unavailable", 1))
	e.alert(hai.press(id, r.cb("vt:c:1")), catalogueVI("contest.vote.unavailable", 1))
	if got := e.snapshot(r.c.ID).Tally[1]; got != (contest.Tally{}) {
		t.Errorf("the withdrawn photo got votes: %+v", got)
	}
}

// TestContestRulesReapprovalNotice: an approved photo whose author
// re-captions it goes back to the organisers ("it will be reviewed
// again"); when they approve it again the author is told, as they were
// the first time (and as they would be of a rejection).
func TestContestRulesReapprovalNotice(t *testing.T) {
	t.Parallel()
	r := newContestRig(t, hanoi(t, 2017, 8, 1, 10, 0)) // the sample plan: moderation on
	e := r.e
	org := e.seed(r.c.ID, 7801, bot.Organiser, "Trần Văn Hùng", "")
	lan := e.seed(r.c.ID, 7802, bot.Trainee, "Lê Thị Lan", "Lạng Sơn")
	e.seedEntry(r.c.ID, lan, entrySeed{file: "ra-1", caption: "Mô tả đầu", category: "Nước", status: contest.EntryPending})
	e.serve()
	notice := catalogueVI("contest.ph.approved_notice", 1)

	so := len(e.tg.Sent(org.user.ID))
	org.say("/pending")
	item := org.reply(&so, catalogueVI("contest.mod.title", 1))
	e.toast(org.pressOn(item, r.cb("mod:ok:1")), catalogueVI("contest.mod.approved", 1))
	if n := e.waitCount(lan.user.ID, notice, 1, 15*time.Second); n != 1 {
		t.Fatalf("after the first approval Lan got %d approval notices, want 1", n)
	}

	sl := len(e.tg.Sent(lan.user.ID))
	lan.say("/myphotos")
	my := lan.reply(&sl, catalogueVI("contest.ph.my_title", 1, "5"))
	lan.pressOn(my, r.cb("ph:rc:1"))
	lan.reply(&sl, catalogueVI("contest.ph.ask_recaption", "1"))
	lan.say("Mô tả mới, rõ hơn")
	lan.reply(&sl, catalogueVI("contest.ph.recaptioned_moderated", 1))
	again := org.reply(&so, catalogueVI("contest.mod.title", 1))
	if !strings.Contains(again.Params["caption"], "Mô tả mới, rõ hơn") {
		t.Errorf("the second moderation request lacks the new caption:\n%s", again.Params["caption"])
	}
	e.toast(org.pressOn(again, r.cb("mod:ok:1")), catalogueVI("contest.mod.approved", 1))
	if en := e.snapshot(r.c.ID).Entries[0]; en.Status != contest.EntryApproved || en.Caption != "Mô tả mới, rõ hơn" {
		t.Fatalf("photo 1 after the second approval: %s %q", en.Status, en.Caption)
	}
	if n := e.waitCount(lan.user.ID, notice, 2, 6*time.Second); n != 2 {
		t.Errorf("Lan re-captioned photo 1, was told it would be reviewed again, and the organiser approved it again: she got %d approval notice(s) in all, want 2 (the second is never sent)", n)
	}
}

// waitCount waits up to d until n messages to the chat contain text, and
// returns how many do.
func (e *env) waitCount(chatID int64, text string, n int, d time.Duration) int {
	count := func() int {
		k := 0
		for _, c := range e.tg.Sent(chatID) {
			if strings.Contains(c.Params["text"], text) {
				k++
			}
		}
		return k
	}
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	_ = e.tg.WaitFor(ctx, func([]telegramtest.Call) bool { return count() >= n })
	return count()
}

// TestContestRulesPanelSubmissions: the organiser's /contest buttons move
// the close of submissions: "extend" adds a day (a photo after the plan's
// deadline is then taken), "close" shuts them at once (a photo is refused
// with the new deadline), and "extend" on a shut window opens it again for
// a day. Each press uses the buttons of the panel as last drawn; each
// change is audited.
func TestContestRulesPanelSubmissions(t *testing.T) {
	t.Parallel()
	r := newContestRig(t, hanoi(t, 2017, 10, 25, 16, 0))
	e := r.e
	org := e.seed(r.c.ID, 7401, bot.Organiser, "Trần Văn Hùng", "")
	lan := e.seed(r.c.ID, 7402, bot.Trainee, "Lê Thị Lan", "Lạng Sơn")
	hai := e.seed(r.c.ID, 7403, bot.Trainee, "Phạm Văn Hải", "Hải Phòng")
	e.serve()
	entries := func() int { return len(e.snapshot(r.c.ID).Entries) }
	subWindow := func(closes, state string) string {
		return catalogueVI("contest.sub_window", "15/07/2017 00:00 → "+closes, catalogueVI(state))
	}

	so := len(e.tg.Sent(org.user.ID))
	org.say("/contest")
	panel := org.reply(&so, catalogueVI("contest.phase", catalogueVI("contest.phase_submissions")))
	if want := subWindow("25/10/2017 17:00", "contest.open"); !strings.Contains(panel.Params["text"], want) {
		t.Errorf("panel:\n%s\nwant %q", panel.Params["text"], want)
	}
	id := e.mediaID(org.user.ID, panel)
	datas := buttons(t, panel)

	// Extend by a day, before the deadline: 26 October 17:00.
	e.toast(org.press(id, dataOf(t, datas, "ct:sx:")), catalogueVI("contest.changed.sub_extend"))
	m := e.waitText(org.user.ID, id, subWindow("26/10/2017 17:00", "contest.open"))
	r.clk.Set(hanoi(t, 2017, 10, 25, 18, 0)) // past the plan's deadline
	sl := len(e.tg.Sent(lan.user.ID))
	lan.photo("late-lan", "Khí nén rò rỉ ở xưởng", "")
	if got := lan.next(&sl).Params["text"]; !strings.Contains(got, catalogueVI("contest.ph.received", "1")) {
		t.Errorf("a photo after the plan's deadline, within the extension, answered %q, want it taken", got)
	}
	if n := entries(); n != 1 {
		t.Errorf("%d entries after the extended photo, want 1", n)
	}

	// Close now: refused, with the new deadline.
	e.toast(org.press(id, dataOf(t, messageData(m), "ct:sc:")), catalogueVI("contest.changed.sub_close"))
	m = e.waitText(org.user.ID, id, subWindow("25/10/2017 18:00", "contest.shut"))
	for _, op := range []string{"ct:sc:", "ct:so:", "ct:sx:"} {
		if got, want := slices.ContainsFunc(messageData(m), func(d string) bool { return strings.HasPrefix(d, op) }), op != "ct:sc:"; got != want {
			t.Errorf("panel after closing submissions: %v; want a %s… button: %v", keyboard(m), op, want)
		}
	}
	sh := len(e.tg.Sent(hai.user.ID))
	hai.photo("late-hai", "Nước rửa sàn chảy tràn", "")
	if got, want := hai.next(&sh).Params["text"], catalogueVI("contest.ph.closed", "25/10/2017 18:00")+" "+catalogueVI("contest.ph.not_entered"); got != want {
		t.Errorf("a photo after the organiser closed submissions answered %q, want %q", got, want)
	}
	if n := entries(); n != 1 {
		t.Errorf("%d entries after a refused photo, want 1", n)
	}

	// Extend the shut window: open again until 26 October 18:00.
	e.toast(org.press(id, dataOf(t, messageData(m), "ct:sx:")), catalogueVI("contest.changed.sub_extend"))
	e.waitText(org.user.ID, id, subWindow("26/10/2017 18:00", "contest.open"))
	hai.photo("late-hai", "Nước rửa sàn chảy tràn", "")
	if got := hai.next(&sh).Params["text"]; !strings.Contains(got, catalogueVI("contest.ph.received", "2")) {
		t.Errorf("a photo after the organiser extended shut submissions answered %q, want it taken", got)
	}
	r.clk.Set(hanoi(t, 2017, 10, 26, 18, 0))
	hai.photo("later-hai", "", "")
	if got, want := hai.next(&sh).Params["text"], catalogueVI("contest.ph.closed", "26/10/2017 18:00")+" "+catalogueVI("contest.ph.not_entered"); got != want {
		t.Errorf("a photo at the extended deadline answered %q, want %q", got, want)
	}
	if n := entries(); n != 2 {
		t.Errorf("%d entries at the end, want 2", n)
	}

	audit, err := e.store().ContestAudit(context.Background(), r.c.ID)
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, a := range audit {
		if a.Kind == "phase" {
			actions = append(actions, a.Fields["action"])
		}
	}
	if want := []string{"sub_extend", "sub_close", "sub_extend"}; !slices.Equal(actions, want) {
		t.Errorf("audited phase changes %v, want %v", actions, want)
	}
}

// TestContestRulesForgedOrganiserButtons: the data of every organiser's
// contest button (✅/❌ of a waiting photo, every button of the /contest
// panel, who voted, the results' confirmation), taken from what the bot
// sent the organiser and pressed by a trainee or a lecturer, is refused
// with an alert and changes nothing: no decision, no window moved, no
// results announced, nothing sent to anyone. A trainee who organises
// another course gets no further with that course's buttons. The
// organiser's own presses of the same data work.
func TestContestRulesForgedOrganiserButtons(t *testing.T) {
	t.Parallel()
	r := newContestRig(t, hanoi(t, 2017, 11, 2, 9, 0)) // voting closed, results not announced
	e := r.e
	other := e.createCohort(samplePlan)
	org := e.seed(r.c.ID, 7501, bot.Organiser, "Trần Văn Hùng", "")
	tu := e.seed(other.ID, 7505, bot.Trainee, "Vũ Văn Tú", "Hải Phòng")
	e.seed(other.ID, 7502, bot.Organiser, "Lê Thị Lan", "") // Lan organises the other course...
	lan := e.seed(r.c.ID, 7502, bot.Trainee, "Lê Thị Lan", "Lạng Sơn")
	gv := e.seed(r.c.ID, 7503, bot.Lecturer, "Nguyễn Minh Đức", "")
	hai := e.seed(r.c.ID, 7504, bot.Trainee, "Phạm Văn Hải", "Hải Phòng")
	e.seedEntry(r.c.ID, hai, entrySeed{file: "fg-1", caption: "Chờ duyệt", category: "Nước", status: contest.EntryPending})
	e.seedEntry(r.c.ID, hai, entrySeed{file: "fg-2", caption: "Đã duyệt", category: "Nước", status: contest.EntryApproved})
	e.seedVote(r.c.ID, lan, 2)
	e.seedEntry(other.ID, tu, entrySeed{file: "fg-x", caption: "Khóa khác", category: "Nước", status: contest.EntryPending})
	e.serve() // ...but this course is her active one

	// The organiser's buttons: the panel, a waiting photo, the results.
	so := len(e.tg.Sent(org.user.ID))
	org.say("/contest")
	panel := org.reply(&so, catalogueVI("contest.phase", catalogueVI("contest.phase_closed")))
	org.say("/pending")
	pending := org.reply(&so, catalogueVI("contest.mod.title", 1))
	org.press(e.mediaID(org.user.ID, panel), dataOf(t, buttons(t, panel), "ct:res"))
	proposal := org.reply(&so, catalogueVI("contest.res.confirm_hint"))
	forged := slices.Concat(buttons(t, panel), buttons(t, pending), buttons(t, proposal))
	// Submissions' buttons are not drawn once voting has begun, and ❌'s
	// "no reason" comes with a question: their data, from the same makers.
	phase := dataOf(t, forged, "ct:vo")
	for _, op := range []string{"so", "sc", "sx", "vc"} {
		forged = append(forged, "ct:"+op+strings.TrimPrefix(phase, "ct:vo"))
	}
	forged = append(forged, strings.Replace(dataOf(t, forged, "mod:no:1:"), "mod:no:", "mod:ns:", 1))
	for _, prefix := range []string{"mod:ok:1:", "ct:vx", "ct:top:", "ct:who:", "ct:pend:", "res:ok:"} {
		dataOf(t, forged, prefix)
	}

	ctx := context.Background()
	state := func(cohort string) string {
		meta, err := e.store().ContestMeta(ctx, cohort)
		if err != nil {
			t.Fatal(err)
		}
		at := func(p *time.Time) string {
			if p == nil {
				return "plan"
			}
			return p.UTC().Format(time.RFC3339)
		}
		return fmt.Sprintf("%s windows=%s,%s,%s,%s proposed=%d", e.fingerprint(cohort),
			at(meta.SubOpens), at(meta.SubCloses), at(meta.VoteOpens), at(meta.VoteCloses), meta.Proposed)
	}
	before, beforeOther := state(r.c.ID), state(other.ID)
	for _, p := range []*person{lan, gv} {
		for _, data := range forged {
			e.alert(p.pressData(data), textRole)
			if got := state(r.c.ID); got != before {
				t.Fatalf("%s pressing %q changed the contest:\nbefore %s\nafter  %s", p.user.FirstName, data, before, got)
			}
		}
	}
	// The other course's buttons, from its organiser while this course is
	// her active one: refused (as not an organiser here, or as another
	// course's), nothing changes there.
	for _, data := range forged {
		data = strings.TrimSuffix(data, r.c.ID) + other.ID
		a := e.answered(lan.pressData(data))
		if a.Params["show_alert"] != "true" || a.Params["text"] != textRole && a.Params["text"] != catalogueVI("contest.other_cohort") {
			t.Errorf("Lan pressing %q (another course's) answered show_alert=%q %q, want a refusal", data, a.Params["show_alert"], a.Params["text"])
		}
	}
	lan.quiet("forged organiser buttons", func() {}, org.user.ID, hai.user.ID, gv.user.ID, tu.user.ID)
	gv.quiet("forged organiser buttons", func() {}, org.user.ID, hai.user.ID)
	if got := state(r.c.ID); got != before {
		t.Errorf("forged organiser buttons changed the contest:\nbefore %s\nafter  %s", before, got)
	}
	if got := state(other.ID); got != beforeOther {
		t.Errorf("forged buttons changed the other course's contest:\nbefore %s\nafter  %s", beforeOther, got)
	}
	if en := e.snapshot(r.c.ID).Entries[0]; en.Status != contest.EntryPending {
		t.Errorf("photo 1 after forged moderation: %s, want pending", en.Status)
	}

	// The organiser's own presses of the same data work.
	e.toast(org.pressOn(pending, dataOf(t, forged, "mod:ok:1:")), catalogueVI("contest.mod.approved", 1))
	if en := e.snapshot(r.c.ID).Entries[0]; en.Status != contest.EntryApproved {
		t.Errorf("photo 1 after the organiser approved it: %s", en.Status)
	}
	org.press(e.mediaID(org.user.ID, panel), dataOf(t, forged, "ct:who:"))
	who := org.reply(&so, catalogueVI("contest.who_title"))
	if !strings.Contains(who.Params["text"], catalogueVI("contest.who_line", 2, 1, "Lê Thị Lan")) {
		t.Errorf("who voted, to the organiser:\n%s", who.Params["text"])
	}
}

// TestContestRulesPending: /pending shows an organiser each entry waiting
// for a decision, oldest first, as its photo or file with the author, the
// group, the category, the enterprise and the caption, and ✅/❌; nothing
// else. A decision takes it off the list. A trainee is refused.
func TestContestRulesPending(t *testing.T) {
	t.Parallel()
	r := newContestRig(t, hanoi(t, 2017, 8, 1, 10, 0)) // the sample plan: moderation on
	e := r.e
	org := e.seed(r.c.ID, 7601, bot.Organiser, "Trần Văn Hùng", "")
	lan := e.seed(r.c.ID, 7602, bot.Trainee, "Lê Thị Lan", "Lạng Sơn")
	hai := e.seed(r.c.ID, 7603, bot.Trainee, "Phạm Văn Hải", "Hải Phòng")
	e.seedEntry(r.c.ID, lan, entrySeed{file: "pd-1", caption: "Nồi hơi không bảo ôn", category: "Năng lượng", enterprise: "Công ty Giấy Bãi Bằng", status: contest.EntryPending})
	e.seedEntry(r.c.ID, hai, entrySeed{file: "pd-2", caption: "Đã duyệt rồi", category: "Nước", status: contest.EntryApproved})
	e.seedEntry(r.c.ID, hai, entrySeed{file: "pd-3", caption: "Bao bì bỏ đi", category: "Chất thải", status: contest.EntryPending, doc: true})
	e.seedEntry(r.c.ID, lan, entrySeed{file: "pd-4", caption: "Chưa xong", status: contest.EntryDraft})
	e.seedEntry(r.c.ID, hai, entrySeed{file: "pd-5", caption: "Bị từ chối", category: "Nước", status: contest.EntryRejected})
	e.serve()

	sl := len(e.tg.Sent(lan.user.ID))
	lan.say("/pending")
	if got := lan.next(&sl).Params["text"]; got != textRole {
		t.Errorf("a trainee's /pending answered %q, want %q", got, textRole)
	}

	so := len(e.tg.Sent(org.user.ID))
	org.say("/pending")
	org.reply(&so, catalogueVI("contest.mod.pending_title", 2))
	first := org.next(&so)
	third := org.next(&so)
	for _, c := range []struct {
		call   telegramtest.Call
		n      int
		method string
		file   string
		want   []string
	}{
		{first, 1, "sendPhoto", "pd-1", []string{"Lê Thị Lan", "Lạng Sơn", "Năng lượng", "Công ty Giấy Bãi Bằng", "Nồi hơi không bảo ôn"}},
		{third, 3, "sendDocument", "pd-3", []string{"Phạm Văn Hải", "Hải Phòng", "Chất thải", "Bao bì bỏ đi"}},
	} {
		caption := c.call.Params["caption"]
		if !strings.HasPrefix(caption, catalogueVI("contest.mod.title", c.n)) {
			t.Fatalf("/pending item: %s %q, want photo %d waiting", c.call.Method, caption, c.n)
		}
		if c.call.Method != c.method || c.call.Params[strings.TrimPrefix(strings.ToLower(c.method), "send")] != c.file {
			t.Errorf("/pending shows photo %d as %s %v, want %s of %s", c.n, c.call.Method, c.call.Params, c.method, c.file)
		}
		for _, w := range c.want {
			if !strings.Contains(caption, w) {
				t.Errorf("/pending item %d lacks %q:\n%s", c.n, w, caption)
			}
		}
		if got, want := buttons(t, c.call), []string{r.cb(fmt.Sprintf("mod:ok:%d", c.n)), r.cb(fmt.Sprintf("mod:no:%d", c.n))}; !slices.Equal(got, want) {
			t.Errorf("/pending item %d buttons %v, want %v", c.n, got, want)
		}
	}
	org.quiet("after the two waiting entries", func() {})

	// ✅ on photo 3 from the list: one left.
	e.toast(org.pressOn(third, r.cb("mod:ok:3")), catalogueVI("contest.mod.approved", 3))
	if en := e.snapshot(r.c.ID).Entries[2]; en.Status != contest.EntryApproved {
		t.Errorf("photo 3 after ✅ from /pending: %s", en.Status)
	}
	so = len(e.tg.Sent(org.user.ID))
	org.say("/pending")
	org.reply(&so, catalogueVI("contest.mod.pending_title", 1))
	if c := org.next(&so); !strings.HasPrefix(c.Params["caption"], catalogueVI("contest.mod.title", 1)) {
		t.Errorf("the second /pending shows %q, want photo 1", c.Params["caption"])
	}
	// ❌ on photo 1 without a reason: none left.
	org.pressData(r.cb("mod:ns:1"))
	org.reply(&so, catalogueVI("contest.mod.rejected", 1))
	org.say("/pending")
	if got := org.next(&so).Params["text"]; got != catalogueVI("contest.mod.none") {
		t.Errorf("/pending with nothing waiting answered %q, want %q", got, catalogueVI("contest.mod.none"))
	}
}

// TestContestRulesPhotoSize: a photo sent as a photo (Telegram's
// compressed kind) larger than 10 MB is refused with the size message and
// makes no entry; one of exactly 10 MB is taken.
func TestContestRulesPhotoSize(t *testing.T) {
	t.Parallel()
	r := newContestRig(t, hanoi(t, 2017, 8, 1, 10, 0))
	e := r.e
	lan := e.seed(r.c.ID, 7701, bot.Trainee, "Lê Thị Lan", "Lạng Sơn")
	e.serve()
	sent := func(file string, size int) {
		u := telegramtest.Photo(lan.user, lan.user.ID, file, "uq-"+file, "Ống nước rò rỉ", "")
		for i := range u.Message.Photo {
			u.Message.Photo[i].FileSize = 20_000 * (i + 1)
		}
		u.Message.Photo[len(u.Message.Photo)-1].FileSize = size
		lan.push(u)
	}
	sl := len(e.tg.Sent(lan.user.ID))
	for _, tc := range []struct {
		name string
		size int
		want string
		n    int // entries after it
	}{
		{"11 MB", 11 << 20, catalogueVI("contest.ph.too_big_photo", 10), 0},
		{"10 MB and a byte", 10<<20 + 1, catalogueVI("contest.ph.too_big_photo", 10), 0},
		{"exactly 10 MB", 10 << 20, catalogueVI("contest.ph.received", "1"), 1},
	} {
		sent("big-"+strings.ReplaceAll(tc.name, " ", "-"), tc.size)
		if got := lan.next(&sl).Params["text"]; !strings.Contains(got, tc.want) {
			t.Errorf("a photo of %s answered %q, want %q", tc.name, got, tc.want)
		}
		if n := len(e.snapshot(r.c.ID).Entries); n != tc.n {
			t.Errorf("after a photo of %s: %d entries, want %d", tc.name, n, tc.n)
		}
	}
}
