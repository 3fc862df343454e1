package store_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cohortbot/cohortbot/bot"
	"github.com/cohortbot/cohortbot/bot/contest"
	"github.com/cohortbot/cohortbot/bot/plan"
	"github.com/cohortbot/cohortbot/store"
)

// Windows of the contest tests: submissions in July, voting on 30 October.
var (
	subWindow  = plan.Window{Opens: t0, Closes: t0.Add(30 * 24 * time.Hour)}
	voteWindow = plan.Window{Opens: t0.Add(100 * 24 * time.Hour), Closes: t0.Add(102 * 24 * time.Hour)}
	inSub      = t0.Add(time.Hour)
	inVote     = voteWindow.Opens.Add(time.Hour)
)

// MustEntry records an entry and moves it to status (approved unless
// given), returning its number.
func MustEntry(tb testing.TB, st *store.Store, cohort string, author bot.UserKey, group, uid string, created time.Time, status ...string) int64 {
	tb.Helper()
	ctx := MustContext(tb)
	e := &contest.Entry{Cohort: cohort, Author: author, Group: group, FileID: "file-" + uid, UniqueID: uid, Category: "Nước", Created: created}
	res, err := st.SubmitEntry(ctx, e, contest.SubmitLimits{Drafts: math.MaxInt32, Entries: math.MaxInt32, Cohort: math.MaxInt32}, subWindow, inSub)
	if err != nil || res.Status != contest.SubmitOK {
		tb.Fatalf("SubmitEntry(%s): %+v, %v", uid, res, err)
	}
	to := contest.EntryApproved
	if len(status) > 0 {
		to = status[0]
	}
	if to == contest.EntryDraft {
		return res.N
	}
	e.N = res.N
	done, err := st.UpdateEntries(ctx, cohort, author, []contest.EntryChange{{N: res.N, From: contest.EntryDraft, To: to, Entry: e}}, nil, "submit", inSub)
	if err != nil || len(done) != 1 {
		tb.Fatalf("UpdateEntries(%d → %s): %v, %v", res.N, to, done, err)
	}
	return res.N
}

// voteReq is a cast (or withdrawal) by a voter during voting.
func voteReq(cohort string, voter bot.UserKey, group string, n int64, cast bool, weight float64) contest.VoteRequest {
	return contest.VoteRequest{Cohort: cohort, Voter: voter, Group: group, N: n, Cast: cast, Weight: weight, Window: voteWindow, Now: inVote}
}

func mustVote(tb testing.TB, st *store.Store, v contest.VoteRequest, want contest.VoteResult) {
	tb.Helper()
	got, err := st.Vote(MustContext(tb), v)
	if err != nil {
		tb.Fatalf("Vote(%+v): %v", v, err)
	}
	if got != want {
		tb.Fatalf("Vote(%s cast=%v photo %d) = %s, want %s", v.Voter, v.Cast, v.N, got, want)
	}
}

func mustTally(tb testing.TB, st *store.Store, cohort string, n int64) contest.Tally {
	tb.Helper()
	snap, err := st.ContestSnapshot(MustContext(tb), cohort)
	if err != nil {
		tb.Fatalf("ContestSnapshot: %v", err)
	}
	return snap.Tally[n]
}

// TestVoteConcurrentPresses: 200 presses of one cast button by one voter,
// at once, count one vote of the voter's weight.
func TestVoteConcurrentPresses(t *testing.T) {
	t.Parallel()
	st, _ := MustStore(t)
	MustCohort(t, st, "vc1", t0)
	n := MustEntry(t, st, "vc1", "telegram:1", "Lạng Sơn", "u1", t0)

	var wg sync.WaitGroup
	results := make(chan contest.VoteResult, 200)
	start := make(chan struct{})
	for range 200 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			r, err := st.Vote(context.Background(), voteReq("vc1", "telegram:9", "", n, true, 1.5))
			if err != nil {
				t.Errorf("Vote: %v", err)
			}
			results <- r
		}()
	}
	close(start)
	wg.Wait()
	close(results)
	counts := map[contest.VoteResult]int{}
	for r := range results {
		counts[r]++
	}
	if counts[contest.VoteOK] != 1 || counts[contest.VoteNoop] != 199 {
		t.Errorf("results = %v, want 1 ok and 199 no-ops", counts)
	}
	if got := mustTally(t, st, "vc1", n); got.Votes != 1 || got.Score != 1.5 {
		t.Errorf("tally = %+v, want 1 voter and score 1.5", got)
	}
	meta, err := st.ContestMeta(MustContext(t), "vc1")
	if err != nil {
		t.Fatal(err)
	}
	if meta.Votes != 1 || meta.Voters != 1 {
		t.Errorf("meta votes %d voters %d, want 1 and 1", meta.Votes, meta.Voters)
	}
}

// TestVoteCastWithdrawCast: the vote is counted once whatever the
// sequence, and a withdrawal takes back exactly the weight that was added,
// even after the plan's weight changed.
func TestVoteCastWithdrawCast(t *testing.T) {
	t.Parallel()
	st, _ := MustStore(t)
	MustCohort(t, st, "vc2", t0)
	n := MustEntry(t, st, "vc2", "telegram:1", "Lạng Sơn", "u1", t0)
	v := voteReq("vc2", "telegram:9", "", n, true, 0.7)

	mustVote(t, st, v, contest.VoteOK)
	v.Cast = false
	v.Weight = 3 // the plan changed meanwhile
	mustVote(t, st, v, contest.VoteOK)
	mustVote(t, st, v, contest.VoteNoop)
	if got := mustTally(t, st, "vc2", n); got.Votes != 0 || got.Score != 0 {
		t.Errorf("after withdrawing: %+v, want nothing", got)
	}
	mustVoters(t, st, "vc2", 0, 0)
	v.Cast, v.Weight = true, 0.7
	mustVote(t, st, v, contest.VoteOK)
	mustVote(t, st, v, contest.VoteNoop)
	if got := mustTally(t, st, "vc2", n); got.Votes != 1 || got.Score != 0.7 {
		t.Errorf("cast, withdraw, cast: %+v, want 1 voter, score 0.7", got)
	}
	view, err := st.VoteView(MustContext(t), "vc2", n, "telegram:9")
	if err != nil {
		t.Fatal(err)
	}
	if !view.Voted || view.Used != 1 {
		t.Errorf("view = voted %v used %d, want true and 1", view.Voted, view.Used)
	}
	mustVoters(t, st, "vc2", 1, 1)
}

// mustVoters checks the contest's count of votes and of voters.
func mustVoters(tb testing.TB, st *store.Store, cohort string, votes, voters int64) {
	tb.Helper()
	meta, err := st.ContestMeta(MustContext(tb), cohort)
	if err != nil {
		tb.Fatal(err)
	}
	if meta.Votes != votes || meta.Voters != voters {
		tb.Errorf("contest has %d votes from %d voters, want %d from %d", meta.Votes, meta.Voters, votes, voters)
	}
}

func TestVoteRefusals(t *testing.T) {
	t.Parallel()
	st, _ := MustStore(t)
	const c = "vc3"
	MustCohort(t, st, c, t0)
	mine := MustEntry(t, st, c, "telegram:1", "Lạng Sơn", "u1", t0)
	other := MustEntry(t, st, c, "telegram:2", "Hải Phòng", "u2", t0)
	third := MustEntry(t, st, c, "telegram:3", "Cần Thơ", "u3", t0)
	pending := MustEntry(t, st, c, "telegram:2", "Hải Phòng", "u4", t0, contest.EntryPending)
	rejected := MustEntry(t, st, c, "telegram:2", "Hải Phòng", "u5", t0, contest.EntryPending)
	if ok, _, _, err := st.DecideEntry(MustContext(t), c, rejected, false, "mờ", "telegram:100", inSub); err != nil || !ok {
		t.Fatalf("DecideEntry: %v %v", ok, err)
	}
	draft := MustEntry(t, st, c, "telegram:2", "Hải Phòng", "u6", t0, contest.EntryDraft)

	// A trainee of Lạng Sơn: not their group's photo, nor their own.
	trainee := func(n int64) contest.VoteRequest { return voteReq(c, "telegram:7", "Lạng Sơn", n, true, 1) }
	mustVote(t, st, trainee(mine), contest.VoteOwn)
	mine2 := trainee(mine)
	mine2.Voter, mine2.Group = "telegram:1", "" // the author without a group
	mustVote(t, st, mine2, contest.VoteOwn)
	for _, n := range []int64{pending, rejected, draft} {
		mustVote(t, st, trainee(n), contest.VoteUnavailable)
	}
	mustVote(t, st, trainee(9999), contest.VoteMissing)

	// Outside the window, before and after; a withdrawal too.
	early := trainee(other)
	early.Now = voteWindow.Opens.Add(-time.Second)
	mustVote(t, st, early, contest.VoteClosed)
	late := trainee(other)
	late.Now = voteWindow.Closes
	mustVote(t, st, late, contest.VoteClosed)

	// The quota: two votes, then a third refused until one is withdrawn.
	q := func(n int64, cast bool) contest.VoteRequest {
		v := trainee(n)
		v.Cast, v.Quota = cast, 1
		return v
	}
	mustVote(t, st, q(other, true), contest.VoteOK)
	mustVote(t, st, q(other, true), contest.VoteNoop) // a repeat is not over the quota
	mustVote(t, st, q(third, true), contest.VoteQuota)
	mustVote(t, st, q(other, false), contest.VoteOK)
	mustVote(t, st, q(third, true), contest.VoteOK)
	late.Cast, late.N = false, third
	mustVote(t, st, late, contest.VoteClosed)

	// Organisers closing voting early: the override is read inside the
	// vote, whatever window the caller passes.
	mustSetWindows(t, st, c, contest.WindowChange{Vote: &plan.Window{Opens: voteWindow.Opens, Closes: inVote}, By: "telegram:100", Now: inVote, Action: "vote_close"})
	mustVote(t, st, trainee(other), contest.VoteClosed)

	for n, want := range map[int64]contest.Tally{mine: {}, other: {}, third: {Votes: 1, Score: 1}, pending: {}, rejected: {}} {
		if got := mustTally(t, st, c, n); got != want {
			t.Errorf("photo %d: %+v, want %+v", n, got, want)
		}
	}
}

// TestRankingTieBreak: score first, then more voters, then the earlier
// submission.
func TestRankingTieBreak(t *testing.T) {
	t.Parallel()
	st, _ := MustStore(t)
	const c = "vc4"
	co := MustCohort(t, st, c, t0)
	p := MustSamplePlan(t)
	p.Contest.Submissions, p.Contest.Voting = subWindow, voteWindow
	co.Plan = p
	if _, err := st.SavePlan(MustContext(t), c, p); err != nil {
		t.Fatal(err)
	}
	// a: 2 points from 1 lecturer; b: 2 points from 2 trainees; c: 2
	// points from 2 trainees, sent later; d: 3 points.
	a := MustEntry(t, st, c, "telegram:1", "G1", "a", t0.Add(1*time.Minute))
	b := MustEntry(t, st, c, "telegram:2", "G2", "b", t0.Add(3*time.Minute))
	cc := MustEntry(t, st, c, "telegram:3", "G3", "c", t0.Add(4*time.Minute))
	d := MustEntry(t, st, c, "telegram:4", "G4", "d", t0.Add(5*time.Minute))
	mustVote(t, st, voteReq(c, "telegram:50", "", a, true, 2), contest.VoteOK)
	for _, v := range []bot.UserKey{"telegram:51", "telegram:52"} {
		mustVote(t, st, voteReq(c, v, "G9", b, true, 1), contest.VoteOK)
		mustVote(t, st, voteReq(c, v, "G9", cc, true, 1), contest.VoteOK)
	}
	for _, v := range []bot.UserKey{"telegram:51", "telegram:52", "telegram:53"} {
		mustVote(t, st, voteReq(c, v, "G9", d, true, 1), contest.VoteOK)
	}
	ct := contest.New(st)
	bot.New(bot.Config{}, st, nil, bot.Features{ct.Feature()})
	lb, err := ct.Leaderboard(MustContext(t), co, voteWindow.Closes, false)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range lb.Standings {
		got = append(got, fmt.Sprintf("%d:#%d:%d:%g", s.Rank, s.N, s.Votes, s.Score))
	}
	want := []string{
		fmt.Sprintf("1:#%d:3:3", d), fmt.Sprintf("2:#%d:2:2", b), fmt.Sprintf("3:#%d:2:2", cc), fmt.Sprintf("4:#%d:1:2", a),
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("ranking = %v\nwant      %v", got, want)
	}
	if lb.State != contest.PhaseClosed || !lb.TotalsVisible {
		t.Errorf("closed leaderboard: state %s, totals visible %v", lb.State, lb.TotalsVisible)
	}

	// While voting runs with hidden totals, the public board shows entry
	// order and no counts, no authors and no groups; organisers see all.
	lb, err = ct.Leaderboard(MustContext(t), co, inVote, false)
	if err != nil {
		t.Fatal(err)
	}
	if lb.TotalsVisible || lb.State != contest.PhaseVoting {
		t.Errorf("public board during voting: visible %v state %s", lb.TotalsVisible, lb.State)
	}
	for i, s := range lb.Standings {
		if s.N != int64(i+1) || s.Rank != 0 || s.Votes != 0 || s.Score != 0 || s.Author != "" || s.Group != "" {
			t.Errorf("public standing %d = %+v", i, s)
		}
	}
	lb, err = ct.Leaderboard(MustContext(t), co, inVote, true)
	if err != nil {
		t.Fatal(err)
	}
	if !lb.TotalsVisible || lb.Standings[0].N != d || lb.Standings[0].Author == "" {
		t.Errorf("organisers' board during voting: %+v", lb)
	}
	if id, err := ct.EntryFile(MustContext(t), co, d); err != nil || id != "file-d" {
		t.Errorf("EntryFile(approved) = %q, %v", id, err)
	}
}

func TestSubmitEntry(t *testing.T) {
	t.Parallel()
	st, _ := MustStore(t)
	ctx := MustContext(t)
	const c = "sc1"
	MustCohort(t, st, c, t0)
	entry := func(author bot.UserKey, uid string) *contest.Entry {
		return &contest.Entry{Cohort: c, Author: author, Group: "G1", FileID: "f" + uid, UniqueID: uid, Created: inSub}
	}
	submit := func(e *contest.Entry, limit int, now time.Time) contest.SubmitResult {
		t.Helper()
		res, err := st.SubmitEntry(ctx, e, contest.SubmitLimits{Photos: limit, Drafts: math.MaxInt32, Entries: math.MaxInt32, Cohort: math.MaxInt32}, subWindow, now)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	if r := submit(entry(alice, "x"), 2, subWindow.Opens.Add(-time.Minute)); r.Status != contest.SubmitClosed {
		t.Errorf("before the window: %+v", r)
	}
	if r := submit(entry(alice, "x"), 2, subWindow.Closes); r.Status != contest.SubmitClosed {
		t.Errorf("at the close: %+v", r)
	}
	first := submit(entry(alice, "x"), 2, inSub)
	if first.Status != contest.SubmitOK || first.N != 1 {
		t.Fatalf("first entry: %+v", first)
	}
	if r := submit(entry(bob, "x"), 2, inSub); r.Status != contest.SubmitDup || r.N != 1 || r.Author != alice || r.Current != contest.EntryDraft {
		t.Errorf("same picture from someone else: %+v", r)
	}
	if r := submit(entry(alice, "y"), 2, inSub); r.Status != contest.SubmitOK || r.N != 2 {
		t.Errorf("second entry: %+v", r)
	}
	if r := submit(entry(alice, "z"), 2, inSub); r.Status != contest.SubmitLimit || r.Count != 2 {
		t.Errorf("over the limit: %+v", r)
	}
	// Withdrawing frees a place and the picture.
	done, err := st.UpdateEntries(ctx, c, alice, []contest.EntryChange{{N: 1, From: contest.EntryDraft, To: contest.EntryWithdrawn, Free: true}}, &subWindow, "withdraw", inSub)
	if err != nil || len(done) != 1 {
		t.Fatalf("withdraw: %v %v", done, err)
	}
	if r := submit(entry(alice, "x"), 2, inSub); r.Status != contest.SubmitOK || r.N != 3 {
		t.Errorf("the withdrawn picture again: %+v", r)
	}
	// Someone else's entry cannot be changed, nor one whose status moved.
	if done, err := st.UpdateEntries(ctx, c, bob, []contest.EntryChange{{N: 3, From: contest.EntryDraft, To: contest.EntryWithdrawn}}, nil, "withdraw", inSub); err != nil || len(done) != 0 {
		t.Errorf("bob withdrawing alice's entry: %v %v", done, err)
	}
	if done, err := st.UpdateEntries(ctx, c, alice, []contest.EntryChange{{N: 1, From: contest.EntryDraft, To: contest.EntryPending}}, nil, "submit", inSub); err != nil || len(done) != 0 {
		t.Errorf("submitting a withdrawn entry: %v %v", done, err)
	}
	// After the close, a window-checked change is refused as a whole.
	if _, err := st.UpdateEntries(ctx, c, alice, []contest.EntryChange{{N: 2, From: contest.EntryDraft, To: contest.EntryWithdrawn}}, &subWindow, "withdraw", subWindow.Closes); !errors.Is(err, contest.ErrWindowClosed) {
		t.Errorf("withdraw after the close: %v, want ErrWindowClosed", err)
	}
	mine, err := st.AuthorEntries(ctx, c, alice)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range mine {
		got = append(got, fmt.Sprintf("%d:%s:%s", e.N, e.UniqueID, e.Status))
	}
	if want := "1:x:withdrawn 2:y:draft 3:x:draft"; strings.Join(got, " ") != want {
		t.Errorf("alice's entries = %v, want %s", got, want)
	}
	if n, err := st.GroupEntries(ctx, c, "G1"); err != nil || n != 0 {
		t.Errorf("group entries with drafts only = %d, %v", n, err)
	}
}

// TestDecideOnce: of two organisers deciding at once, one decision is
// taken; the other is told the entry's status and changes nothing.
func TestDecideOnce(t *testing.T) {
	t.Parallel()
	st, _ := MustStore(t)
	const c = "sc2"
	MustCohort(t, st, c, t0)
	n := MustEntry(t, st, c, alice, "G1", "p1", t0, contest.EntryPending)
	if k, err := st.GroupEntries(MustContext(t), c, "G1"); err != nil || k != 1 {
		t.Errorf("group entries after submitting = %d, %v", k, err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	wins := 0
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ok, _, _, err := st.DecideEntry(context.Background(), c, n, i%2 == 0, "lý do", bot.UserKey(fmt.Sprintf("telegram:%d", 100+i)), inSub)
			if err != nil {
				t.Errorf("DecideEntry: %v", err)
			}
			if ok {
				mu.Lock()
				wins++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if wins != 1 {
		t.Errorf("%d decisions taken, want 1", wins)
	}
	if _, _, _, err := st.DecideEntry(MustContext(t), c, 999, true, "", "telegram:100", inSub); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("deciding a missing entry: %v", err)
	}
	audit, err := st.ContestAudit(MustContext(t), c)
	if err != nil {
		t.Fatal(err)
	}
	decisions := 0
	for _, a := range audit {
		if a.Kind == "approve" || a.Kind == "reject" {
			decisions++
		}
	}
	if decisions != 1 {
		t.Errorf("audit has %d decisions, want 1", decisions)
	}
}

// TestContestAudit: every vote, withdrawal, decision, submission and
// phase change is in the cohort's audit stream, with who, what and when;
// refused and repeated presses are not.
func TestContestAudit(t *testing.T) {
	t.Parallel()
	st, _ := MustStore(t)
	ctx := MustContext(t)
	const c = "sc3"
	MustCohort(t, st, c, t0)
	n := MustEntry(t, st, c, alice, "G1", "a1", t0, contest.EntryPending)
	if ok, _, _, err := st.DecideEntry(ctx, c, n, true, "", "telegram:100", inSub); err != nil || !ok {
		t.Fatal(ok, err)
	}
	mustSetWindows(t, st, c, contest.WindowChange{Vote: &voteWindow, By: "telegram:100", Now: inSub, Action: "vote_extend"})
	mustVote(t, st, voteReq(c, bob, "G2", n, true, 1), contest.VoteOK)
	mustVote(t, st, voteReq(c, bob, "G2", n, true, 1), contest.VoteNoop)
	mustVote(t, st, voteReq(c, alice, "G1", n, true, 1), contest.VoteOwn)
	mustVote(t, st, voteReq(c, bob, "G2", n, false, 1), contest.VoteOK)
	if ok, err := st.MarkResults(ctx, c, "announced", "1", "telegram:100", inVote); err != nil || !ok {
		t.Fatal(ok, err)
	}
	if ok, err := st.MarkResults(ctx, c, "announced", "1", "telegram:101", inVote); err != nil || ok {
		t.Errorf("announcing twice: %v %v", ok, err)
	}
	audit, err := st.ContestAudit(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, a := range audit {
		got = append(got, fmt.Sprintf("%s/%s/%d", a.Kind, a.User, a.Photo))
	}
	want := []string{
		"submit/telegram:1001/1", "approve/telegram:100/1", "phase/telegram:100/0",
		"vote/telegram:1002/1", "unvote/telegram:1002/1", "results_announced/telegram:100/0",
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("audit = %v\nwant    %v", got, want)
	}
	if a := audit[3]; !a.Time.Equal(inVote) || a.Fields["weight"] != "1000" {
		t.Errorf("vote audit = %+v", a)
	}
}

// TestContestKeysDocumented: every key the contest writes is in the
// package doc's list, under the cohort's tag.
func TestContestKeysDocumented(t *testing.T) {
	t.Parallel()
	st, _ := MustStore(t)
	ctx := MustContext(t)
	const c = "kc1"
	MustCohort(t, st, c, t0)
	n := MustEntry(t, st, c, alice, "G1", "k1", t0, contest.EntryPending)
	if _, _, _, err := st.DecideEntry(ctx, c, n, false, "mờ", "telegram:100", inSub); err != nil {
		t.Fatal(err)
	}
	m := MustEntry(t, st, c, alice, "G1", "k2", t0)
	mustVote(t, st, voteReq(c, bob, "G2", m, true, 1), contest.VoteOK)
	mustSetWindows(t, st, c, contest.WindowChange{Sub: &subWindow, By: "telegram:100", Now: inSub, Action: "sub_open"})
	patterns := docKeyPatterns(t)
	for _, k := range MustKeys(t, st.Client(), "{c:"+c+"}:*") {
		found := false
		for _, re := range patterns {
			if re.MatchString(k) {
				found = true
				break
			}
		}
		if !found {
			t.Errorf("key %q matches no key documented in doc.go", k)
		}
	}
}

// TestContestSnapshotCache: the snapshot's entries come from a cache kept
// by version, so every change of an entry must show in the next snapshot,
// and a reader changing what it got changes nothing for the next.
func TestContestSnapshotCache(t *testing.T) {
	t.Parallel()
	st, _ := MustStore(t)
	ctx := MustContext(t)
	const c = "cc2"
	MustCohort(t, st, c, t0)
	n := MustEntry(t, st, c, alice, "G1", "s1", t0, contest.EntryPending)
	status := func() string {
		t.Helper()
		snap, err := st.ContestSnapshot(ctx, c)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, e := range snap.Entries {
			out = append(out, e.Status+":"+e.Caption)
			e.Caption = "changed by a reader"
		}
		return strings.Join(out, " ")
	}
	if got := status(); got != "pending:" {
		t.Fatalf("snapshot = %s", got)
	}
	if got := status(); got != "pending:" {
		t.Errorf("a reader's change leaked into the cache: %s", got)
	}
	if ok, _, _, err := st.DecideEntry(ctx, c, n, true, "", "telegram:100", inSub); err != nil || !ok {
		t.Fatal(ok, err)
	}
	if got := status(); got != "approved:" {
		t.Errorf("after approval: %s", got)
	}
	e := &contest.Entry{Cohort: c, Author: alice, Group: "G1", FileID: "file-s1", UniqueID: "s1", Caption: "Mới"}
	if _, err := st.UpdateEntries(ctx, c, alice, []contest.EntryChange{{N: n, From: contest.EntryApproved, Entry: e}}, nil, "recaption", inSub); err != nil {
		t.Fatal(err)
	}
	if got := status(); got != "approved:Mới" {
		t.Errorf("after a new caption: %s", got)
	}
	MustEntry(t, st, c, bob, "G2", "s2", t0, contest.EntryDraft)
	if got := status(); got != "approved:Mới draft:" {
		t.Errorf("after a new draft: %s", got)
	}
}

// TestVoteAndView: the page read with a vote shows the vote, also right
// after Redis forgot its scripts (a restart).
func TestVoteAndView(t *testing.T) {
	t.Parallel()
	st, _ := MustStore(t)
	ctx := MustContext(t)
	const c = "cc3"
	MustCohort(t, st, c, t0)
	a := MustEntry(t, st, c, alice, "G1", "v1", t0)
	b := MustEntry(t, st, c, alice, "G1", "v2", t0)
	if err := st.Client().ScriptFlush(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	res, view, err := st.VoteAndView(ctx, voteReq(c, bob, "G2", b, true, 1))
	if err != nil || res != contest.VoteOK {
		t.Fatalf("VoteAndView = %s, %v", res, err)
	}
	if view.Entry == nil || view.Entry.N != b || !view.Voted || view.Used != 1 || view.Tally.Votes != 1 ||
		view.Position != 2 || view.Total != 2 || view.Next != a || view.Prev != a {
		t.Errorf("view after the vote = %+v", view)
	}
	late := voteReq(c, bob, "G2", a, true, 1)
	late.Now = voteWindow.Closes
	res, view, err = st.VoteAndView(ctx, late)
	if err != nil || res != contest.VoteClosed || view.Voted {
		t.Errorf("late vote = %s %+v %v", res, view, err)
	}
}

// TestVoteAndViewPageFresh: the page the vote script returns, built partly
// from what the vote itself read and wrote, is the page read afresh after
// it, whatever the vote's outcome.
func TestVoteAndViewPageFresh(t *testing.T) {
	t.Parallel()
	st, _ := MustStore(t)
	ctx := MustContext(t)
	const c = "cc4"
	MustCohort(t, st, c, t0)
	a := MustEntry(t, st, c, alice, "G1", "f1", t0)
	b := MustEntry(t, st, c, "telegram:3", "G3", "f2", t0)
	pending := MustEntry(t, st, c, "telegram:3", "G3", "f3", t0, contest.EntryPending)
	mustVote(t, st, voteReq(c, "telegram:4", "", b, true, 1), contest.VoteOK)
	quota := func(v contest.VoteRequest) contest.VoteRequest { v.Quota = 1; return v }
	late := voteReq(c, bob, "G2", a, true, 1)
	late.Now = voteWindow.Closes
	for _, tt := range []struct {
		name string
		v    contest.VoteRequest
		want contest.VoteResult
	}{
		{"cast", voteReq(c, bob, "G2", a, true, 1), contest.VoteOK},
		{"cast again", voteReq(c, bob, "G2", a, true, 1), contest.VoteNoop},
		{"over the quota", quota(voteReq(c, bob, "G2", b, true, 1)), contest.VoteQuota},
		{"own group", voteReq(c, "telegram:5", "G1", a, true, 1), contest.VoteOwn},
		{"pending", voteReq(c, bob, "G2", pending, true, 1), contest.VoteUnavailable},
		{"missing", voteReq(c, bob, "G2", 99, true, 1), contest.VoteMissing},
		{"closed", late, contest.VoteClosed},
		{"withdraw", voteReq(c, bob, "G2", a, false, 1), contest.VoteOK},
		{"withdraw again", voteReq(c, bob, "G2", a, false, 1), contest.VoteNoop},
		{"cast the other", voteReq(c, bob, "G2", b, true, 1), contest.VoteOK},
		{"withdraw the other", voteReq(c, bob, "G2", b, false, 1), contest.VoteOK},
	} {
		res, got, err := st.VoteAndView(ctx, tt.v)
		if err != nil || res != tt.want {
			t.Fatalf("%s: VoteAndView = %s, %v, want %s", tt.name, res, err, tt.want)
		}
		want, err := st.VoteView(ctx, c, tt.v.N, tt.v.Voter)
		if err != nil {
			t.Fatal(err)
		}
		page := func(v contest.VoteView) string {
			e := v.Entry
			v.Entry = nil
			return fmt.Sprintf("%+v %+v", e, v)
		}
		if page(got) != page(want) {
			t.Errorf("%s: page with the vote\n%s\nread afresh\n%s", tt.name, page(got), page(want))
		}
	}
}

// TestVotePageEntryCurrent: the entries decoded for voters' pages are
// kept, so a change of an entry must show on the next page, and a reader
// changing the entry it got changes nothing for the next.
func TestVotePageEntryCurrent(t *testing.T) {
	t.Parallel()
	st, _ := MustStore(t)
	ctx := MustContext(t)
	const c = "cc5"
	MustCohort(t, st, c, t0)
	n := MustEntry(t, st, c, alice, "G1", "p1", t0)
	caption := func() string {
		t.Helper()
		_, view, err := st.VoteAndView(ctx, voteReq(c, bob, "G2", n, true, 1))
		if err != nil || view.Entry == nil {
			t.Fatalf("VoteAndView: %+v, %v", view, err)
		}
		got := view.Entry.Status + ":" + view.Entry.Caption
		view.Entry.Caption = "changed by a reader"
		return got
	}
	if got := caption(); got != "approved:" {
		t.Fatalf("page = %s", got)
	}
	if got := caption(); got != "approved:" {
		t.Errorf("a reader's change leaked into the next page: %s", got)
	}
	e := &contest.Entry{Cohort: c, Author: alice, Group: "G1", FileID: "file-p1", UniqueID: "p1", Caption: "Mới"}
	if _, err := st.UpdateEntries(ctx, c, alice, []contest.EntryChange{{N: n, From: contest.EntryApproved, To: contest.EntryWithdrawn, Entry: e}}, nil, "withdraw", inSub); err != nil {
		t.Fatal(err)
	}
	if got := caption(); got != "withdrawn:Mới" {
		t.Errorf("after a new caption and a withdrawal: %s", got)
	}
}

// TestContestBoard: the leaderboard's read has every entry's tally, also
// right after entries changed (its tallies are read for the entries it
// knew), and no tallies when not asked for.
func TestContestBoard(t *testing.T) {
	t.Parallel()
	st, _ := MustStore(t)
	ctx := MustContext(t)
	const c = "cb1"
	MustCohort(t, st, c, t0)
	board := func(tallies bool) map[int64]contest.Tally {
		t.Helper()
		b, err := st.ContestBoard(ctx, c, tallies)
		if err != nil {
			t.Fatal(err)
		}
		if !tallies {
			if b.Tallies != nil {
				t.Errorf("tallies read when not asked for: %v", b.Tallies)
			}
			return nil
		}
		got := map[int64]contest.Tally{}
		for i, e := range b.Entries {
			got[e.N] = b.Tallies[i]
		}
		return got
	}
	if got := board(true); len(got) != 0 {
		t.Errorf("empty contest: %v", got)
	}
	a := MustEntry(t, st, c, alice, "G1", "b1", t0)
	b := MustEntry(t, st, c, alice, "G1", "b2", t0)
	mustVote(t, st, voteReq(c, bob, "G2", a, true, 1.5), contest.VoteOK)
	if got, want := board(true), (map[int64]contest.Tally{a: {Votes: 1, Score: 1.5}, b: {}}); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("board = %v, want %v", got, want)
	}
	// A new entry and votes: the next board reads the entries again, and
	// the tallies with them.
	d := MustEntry(t, st, c, "telegram:3", "G3", "b3", t0)
	mustVote(t, st, voteReq(c, bob, "G2", d, true, 1), contest.VoteOK)
	mustVote(t, st, voteReq(c, "telegram:4", "", d, true, 2), contest.VoteOK)
	want := map[int64]contest.Tally{a: {Votes: 1, Score: 1.5}, b: {}, d: {Votes: 2, Score: 3}}
	if got := board(true); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("board after a new entry = %v, want %v", got, want)
	}
	if got := board(true); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("board again = %v, want %v", got, want)
	}
	for n, w := range want {
		if got := mustTally(t, st, c, n); got != w {
			t.Errorf("snapshot tally of %d = %+v, want %+v", n, got, w)
		}
	}
	board(false)
}

// TestVotePageNeighbours: a page's place and its ◀/▶ entries skip what is
// not approved and wrap around at both ends; the page of an entry that is
// not approved (an old button) still leads to its approved neighbours.
func TestVotePageNeighbours(t *testing.T) {
	t.Parallel()
	st, _ := MustStore(t)
	ctx := MustContext(t)
	const c = "cc9"
	MustCohort(t, st, c, t0)
	e1 := MustEntry(t, st, c, alice, "G1", "n1", t0)
	e2 := MustEntry(t, st, c, alice, "G1", "n2", t0)
	pending := MustEntry(t, st, c, alice, "G1", "n3", t0, contest.EntryPending)
	e4 := MustEntry(t, st, c, alice, "G1", "n4", t0)
	rejected := MustEntry(t, st, c, alice, "G1", "n5", t0, contest.EntryRejected)
	e6 := MustEntry(t, st, c, alice, "G1", "n6", t0)
	for _, tt := range []struct {
		n, position, prev, next int64
	}{
		{e1, 1, e6, e2},
		{e2, 2, e1, e4},
		{pending, 0, e2, e4},
		{e4, 3, e2, e6},
		{rejected, 0, e4, e6},
		{e6, 4, e4, e1},
	} {
		v, err := st.VoteView(ctx, c, tt.n, bob)
		if err != nil {
			t.Fatal(err)
		}
		if int64(v.Position) != tt.position || v.Total != 4 || v.Prev != tt.prev || v.Next != tt.next {
			t.Errorf("page of %d: place %d of %d, ◀ %d ▶ %d; want place %d of 4, ◀ %d ▶ %d",
				tt.n, v.Position, v.Total, v.Prev, v.Next, tt.position, tt.prev, tt.next)
		}
	}

	// With one approved entry there is nowhere to move.
	const one = "cc10"
	MustCohort(t, st, one, t0)
	only := MustEntry(t, st, one, alice, "G1", "o1", t0)
	v, err := st.VoteView(ctx, one, only, bob)
	if err != nil {
		t.Fatal(err)
	}
	if v.Position != 1 || v.Total != 1 || v.Prev != 0 || v.Next != 0 {
		t.Errorf("page of the only entry: place %d of %d, ◀ %d ▶ %d; want 1 of 1 and no moves", v.Position, v.Total, v.Prev, v.Next)
	}
}

// TestPhotoVoters: organisers see who voted for an entry with each vote's
// weight, and a withdrawn vote is gone from the list.
func TestPhotoVoters(t *testing.T) {
	t.Parallel()
	st, _ := MustStore(t)
	ctx := MustContext(t)
	const c = "cc11"
	MustCohort(t, st, c, t0)
	a := MustEntry(t, st, c, alice, "G1", "p1", t0)
	b := MustEntry(t, st, c, alice, "G1", "p2", t0)
	const lecturer, trainee, other bot.UserKey = "telegram:7", "telegram:8", "telegram:9"
	mustVote(t, st, voteReq(c, lecturer, "", a, true, 1.5), contest.VoteOK)
	mustVote(t, st, voteReq(c, trainee, "G2", a, true, 1), contest.VoteOK)
	mustVote(t, st, voteReq(c, other, "G2", a, true, 1), contest.VoteOK)
	mustVote(t, st, voteReq(c, other, "G2", a, false, 1), contest.VoteOK)
	mustVote(t, st, voteReq(c, other, "G2", b, true, 1), contest.VoteOK)

	got, err := st.PhotoVoters(ctx, c, a)
	if err != nil {
		t.Fatal(err)
	}
	want := map[bot.UserKey]float64{lecturer: 1.5, trainee: 1}
	if !maps.Equal(got, want) {
		t.Errorf("voters of %d = %v, want %v", a, got, want)
	}
	if got, err := st.PhotoVoters(ctx, c, 99); err != nil || len(got) != 0 {
		t.Errorf("voters of a missing entry = %v, %v; want none", got, err)
	}
}

// TestWithdrawDropsVotes: an entry withdrawn while votes for it exist
// (voting opened early) takes those votes back: its tally and the totals
// drop them, its voters get them back for their quota, and the audit says
// why.
func TestWithdrawDropsVotes(t *testing.T) {
	t.Parallel()
	st, _ := MustStore(t)
	ctx := MustContext(t)
	const c = "cc12"
	MustCohort(t, st, c, t0)
	const dave bot.UserKey = "telegram:44"
	a := MustEntry(t, st, c, alice, "G1", "w1", t0)
	b := MustEntry(t, st, c, "telegram:3", "G3", "w2", t0)
	other := MustEntry(t, st, c, "telegram:3", "G3", "w3", t0)
	mustVote(t, st, voteReq(c, bob, "G2", a, true, 1), contest.VoteOK)
	mustVote(t, st, voteReq(c, dave, "", a, true, 1.5), contest.VoteOK)
	mustVote(t, st, voteReq(c, bob, "G2", b, true, 1), contest.VoteOK)
	mustVoters(t, st, c, 3, 2)

	done, err := st.UpdateEntries(ctx, c, alice, []contest.EntryChange{{N: a, From: contest.EntryApproved, To: contest.EntryWithdrawn, Free: true}}, nil, "withdraw", inVote)
	if err != nil || len(done) != 1 {
		t.Fatalf("withdraw: %v %v", done, err)
	}
	if got := mustTally(t, st, c, a); got != (contest.Tally{}) {
		t.Errorf("the withdrawn entry still has %+v", got)
	}
	if got := mustTally(t, st, c, b); got.Votes != 1 || got.Score != 1 {
		t.Errorf("another entry's tally changed: %+v", got)
	}
	mustVoters(t, st, c, 1, 1)
	if voters, err := st.PhotoVoters(ctx, c, a); err != nil || len(voters) != 0 {
		t.Errorf("voters of the withdrawn entry = %v, %v; want none", voters, err)
	}
	// Bob's quota of two has room again.
	quota := voteReq(c, bob, "G2", other, true, 1)
	quota.Quota = 2
	mustVote(t, st, quota, contest.VoteOK)

	audit, err := st.ContestAudit(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	var dropped []string
	for _, e := range audit {
		if e.Kind == "unvote" && e.Photo == a && e.Fields["why"] == "withdrawn" {
			dropped = append(dropped, string(e.User)+"="+e.Fields["weight"])
		}
	}
	slices.Sort(dropped)
	if want := []string{string(bob) + "=1000", string(dave) + "=1500"}; !slices.Equal(dropped, want) {
		t.Errorf("audited dropped votes = %v, want %v", dropped, want)
	}
}

func mustSetWindows(tb testing.TB, st *store.Store, cohort string, ch contest.WindowChange) {
	tb.Helper()
	if ok, err := st.SetContestWindows(MustContext(tb), cohort, ch); !ok || err != nil {
		tb.Fatalf("SetContestWindows(%s): %v %v", ch.Action, ok, err)
	}
}

// TestSetContestWindowsOnce: a change made from a panel applies only while
// the windows are at the version the panel showed, so the same press twice
// (a double tap, or a replay after a crash) extends once; both phases of
// one change are stored together and audited each.
func TestSetContestWindowsOnce(t *testing.T) {
	t.Parallel()
	st, _ := MustStore(t)
	ctx := MustContext(t)
	const c = "cw1"
	MustCohort(t, st, c, t0)
	meta, err := st.ContestMeta(ctx, c)
	if err != nil || meta.WindowVersion != 0 {
		t.Fatalf("new contest: version %d, %v", meta.WindowVersion, err)
	}
	seen := meta.WindowVersion
	sub := plan.Window{Opens: subWindow.Opens, Closes: inSub}
	vote := plan.Window{Opens: inSub, Closes: voteWindow.Closes}
	ch := contest.WindowChange{Sub: &sub, Vote: &vote, Seen: &seen, By: "telegram:100", Now: inSub, Action: "vote_open"}
	for i, want := range []bool{true, false} {
		ok, err := st.SetContestWindows(ctx, c, ch)
		if err != nil || ok != want {
			t.Fatalf("press %d: changed %v, %v; want %v", i+1, ok, err, want)
		}
	}
	meta, err = st.ContestMeta(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	if meta.WindowVersion != 1 || meta.SubCloses == nil || !meta.SubCloses.Equal(inSub) || meta.VoteOpens == nil || !meta.VoteOpens.Equal(inSub) {
		t.Errorf("after the change: version %d, sub closes %v, vote opens %v", meta.WindowVersion, meta.SubCloses, meta.VoteOpens)
	}
	audit, err := st.ContestAudit(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	var phases []string
	for _, e := range audit {
		if e.Kind == "phase" {
			phases = append(phases, e.Fields["phase"]+":"+e.Fields["action"])
		}
	}
	if want := []string{"sub:vote_open", "vote:vote_open"}; !slices.Equal(phases, want) {
		t.Errorf("audited phase changes = %v, want %v", phases, want)
	}
}
