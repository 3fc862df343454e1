package store_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/cohortbot/cohortbot/bot"
	"github.com/cohortbot/cohortbot/bot/contest"
	"github.com/cohortbot/cohortbot/store"
)

func TestForgetContestant(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name       string
		open       bool
		wantLeft   int   // voters left on the other entry
		wantVotes  int64 // votes in all: while open, the vote for the leaver's withdrawn entry goes too
		wantVoters int64
	}{
		{name: "while voting is open", open: true, wantLeft: 1, wantVotes: 1, wantVoters: 1},
		{name: "after voting closed", open: false, wantLeft: 2, wantVotes: 3, wantVoters: 2},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			st, _ := MustStore(t)
			ctx := MustContext(t)
			c := []string{"fg1", "fg2"}[i]
			MustCohort(t, st, c, t0)
			const leaver, other bot.UserKey = "telegram:1", "telegram:2"
			mine := MustEntry(t, st, c, leaver, "Lạng Sơn", "u1", t0)
			theirs := MustEntry(t, st, c, other, "Hải Phòng", "u2", t0)
			mustVote(t, st, voteReq(c, leaver, "Lạng Sơn", theirs, true, 1), contest.VoteOK)
			mustVote(t, st, voteReq(c, "telegram:3", "Cần Thơ", theirs, true, 1), contest.VoteOK)
			mustVote(t, st, voteReq(c, other, "Hải Phòng", mine, true, 1), contest.VoteOK)

			now := inVote
			if !tc.open {
				now = voteWindow.Closes.Add(time.Hour)
			}
			if err := st.ForgetContestant(ctx, c, leaver, voteWindow, now); err != nil {
				t.Fatal(err)
			}
			if got := mustTally(t, st, c, theirs); got.Votes != tc.wantLeft {
				t.Errorf("votes left on the other entry = %d, want %d", got.Votes, tc.wantLeft)
			}
			mustVoters(t, st, c, tc.wantVotes, tc.wantVoters)
			voters, err := st.PhotoVoters(ctx, c, theirs)
			if err != nil {
				t.Fatal(err)
			}
			if _, ok := voters[leaver]; ok {
				t.Errorf("the leaver is still listed as a voter: %v", voters)
			}
			e, err := st.Entry(ctx, c, mine)
			if err != nil {
				t.Fatal(err)
			}
			if e.Author != "" {
				t.Errorf("the leaver's entry still names them: %q", e.Author)
			}
			wantStatus := contest.EntryApproved
			if tc.open {
				wantStatus = contest.EntryWithdrawn
			}
			if e.Status != wantStatus {
				t.Errorf("the leaver's entry is %s, want %s", e.Status, wantStatus)
			}
			if left, _ := st.AuthorEntries(ctx, c, leaver); len(left) != 0 {
				t.Errorf("the leaver still has %d entries", len(left))
			}
		})
	}
}

// TestLeaverVotesNoMore: the votes of someone who left after voting closed
// stand, and if organisers reopen voting and the person comes back, they
// cannot vote again on the photos they voted for, nor on any other.
func TestLeaverVotesNoMore(t *testing.T) {
	t.Parallel()
	st, _ := MustStore(t)
	ctx := MustContext(t)
	const c = "fg3"
	MustCohort(t, st, c, t0)
	const leaver bot.UserKey = "telegram:31"
	a := MustEntry(t, st, c, "telegram:32", "Hải Phòng", "k1", t0)
	b := MustEntry(t, st, c, "telegram:33", "Cần Thơ", "k2", t0)
	mustVote(t, st, voteReq(c, leaver, "Lạng Sơn", a, true, 1), contest.VoteOK)
	if err := st.ForgetContestant(ctx, c, leaver, voteWindow, voteWindow.Closes.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if got := mustTally(t, st, c, a); got.Votes != 1 {
		t.Fatalf("the leaver's vote after the close: %d voters, want it to stand", got.Votes)
	}
	// Voting reopened (the plan's window is used again), the person back.
	mustVote(t, st, voteReq(c, leaver, "Lạng Sơn", a, true, 1), contest.VoteKept)
	mustVote(t, st, voteReq(c, leaver, "Lạng Sơn", b, true, 1), contest.VoteKept)
	if got := mustTally(t, st, c, a); got.Votes != 1 {
		t.Errorf("entry %d has %d voters after the second try, want 1", a, got.Votes)
	}
}

// TestAuditForgetsTheLeaver: the audit names people by a pseudonym of the
// cohort, resolved while they are members; once one leaves, every line
// about them stays, under a pseudonym nothing resolves, and no key or
// field of the cohort holds their account any more but the former
// member's record.
func TestAuditForgetsTheLeaver(t *testing.T) {
	t.Parallel()
	st, _ := MustStore(t)
	ctx := MustContext(t)
	const c = "fg4"
	MustCohort(t, st, c, t0)
	const leaver, stays bot.UserKey = "telegram:41", "telegram:42"
	MustMember(t, st, c, leaver, t0)
	MustMember(t, st, c, stays, t0)
	mine := MustEntry(t, st, c, leaver, "Lạng Sơn", "f1", t0)
	theirs := MustEntry(t, st, c, stays, "Hải Phòng", "f2", t0)
	mustVote(t, st, voteReq(c, leaver, "Lạng Sơn", theirs, true, 1), contest.VoteOK)
	mustVote(t, st, voteReq(c, stays, "Hải Phòng", mine, true, 1), contest.VoteOK)

	before, err := st.ContestAudit(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	pseudonym := ""
	for _, a := range before {
		if a.User == leaver {
			pseudonym = a.Who
		}
	}
	if pseudonym == "" || pseudonym == string(leaver) {
		t.Fatalf("the audit names the leaver as %q, want a pseudonym", pseudonym)
	}
	if err := st.ForgetContestant(ctx, c, leaver, voteWindow, inVote); err != nil {
		t.Fatal(err)
	}
	if err := st.Depart(ctx, c, leaver, false, inVote); err != nil {
		t.Fatal(err)
	}
	after, err := st.ContestAudit(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for _, a := range after {
		if a.User == leaver {
			t.Errorf("audit line %s still resolves to the leaver: %+v", a.ID, a)
		}
		if a.Who == pseudonym {
			kinds[a.Kind]++
		}
	}
	// submit, vote; then leaving: unvote (their vote), withdraw (their
	// entry); the vote for their entry goes as an unvote of the other's.
	if kinds["submit"] != 1 || kinds["vote"] != 1 || kinds["unvote"] != 1 || kinds["withdraw"] != 1 {
		t.Errorf("audit lines under the leaver's pseudonym: %v, want submit, vote, unvote, withdraw once each", kinds)
	}
	for _, k := range MustKeys(t, st.Client(), "{c:"+c+"}:*") {
		if strings.Contains(k, string(leaver)) {
			t.Errorf("key %q names the leaver", k)
		}
		if k == "{c:"+c+"}:past" {
			continue
		}
		for _, v := range mustValues(t, st, k) {
			if strings.Contains(v, string(leaver)) {
				t.Errorf("key %q holds the leaver's account: %q", k, v)
			}
		}
	}
}

// mustValues returns every field, member and value a key holds.
func mustValues(tb testing.TB, st *store.Store, key string) []string {
	tb.Helper()
	ctx := MustContext(tb)
	rdb := st.Client()
	typ, err := rdb.Type(ctx, key).Result()
	if err != nil {
		tb.Fatal(err)
	}
	var out []string
	switch typ {
	case "string":
		v, err := rdb.Get(ctx, key).Result()
		if err != nil {
			tb.Fatal(err)
		}
		out = append(out, v)
	case "hash":
		m, err := rdb.HGetAll(ctx, key).Result()
		if err != nil {
			tb.Fatal(err)
		}
		for k, v := range m {
			out = append(out, k, v)
		}
	case "set":
		m, err := rdb.SMembers(ctx, key).Result()
		if err != nil {
			tb.Fatal(err)
		}
		out = append(out, m...)
	case "zset":
		m, err := rdb.ZRange(ctx, key, 0, -1).Result()
		if err != nil {
			tb.Fatal(err)
		}
		out = append(out, m...)
	case "list":
		m, err := rdb.LRange(ctx, key, 0, -1).Result()
		if err != nil {
			tb.Fatal(err)
		}
		out = append(out, m...)
	case "stream":
		m, err := rdb.XRange(ctx, key, "-", "+").Result()
		if err != nil {
			tb.Fatal(err)
		}
		for _, x := range m {
			for k, v := range x.Values {
				out = append(out, k, fmt.Sprint(v))
			}
		}
	default:
		tb.Fatalf("key %q of type %s", key, typ)
	}
	return out
}

// TestSubmitCaps: whatever the plan allows, a member has at most
// MaxDraftsPerMember drafts and MaxEntriesPerMember entries (withdrawn
// ones too), and a cohort MaxEntriesPerCohort.
func TestSubmitCaps(t *testing.T) {
	t.Parallel()
	st, _ := MustStore(t)
	ctx := MustContext(t)
	const c = "fg5"
	MustCohort(t, st, c, t0)
	submit := func(author bot.UserKey, uid string, l contest.SubmitLimits) contest.SubmitResult {
		t.Helper()
		e := &contest.Entry{Cohort: c, Author: author, Group: "G", FileID: "f" + uid, UniqueID: uid, Created: inSub}
		res, err := st.SubmitEntry(ctx, e, l, subWindow, inSub)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	l := contest.SubmitLimits{Drafts: 3, Entries: 5, Cohort: 8}
	for i := range 3 {
		if res := submit("telegram:51", fmt.Sprint("d", i), l); res.Status != contest.SubmitOK {
			t.Fatalf("draft %d: %+v", i, res)
		}
	}
	if res := submit("telegram:51", "d3", l); res.Status != contest.SubmitDrafts || res.Count != 3 {
		t.Errorf("a fourth draft: %+v, want drafts 3", res)
	}
	// Withdrawn drafts free the drafts cap, never the entries cap.
	for n := int64(1); n <= 3; n++ {
		if _, err := st.UpdateEntries(ctx, c, "telegram:51", []contest.EntryChange{{N: n, From: contest.EntryDraft, To: contest.EntryWithdrawn}}, nil, "withdraw", inSub); err != nil {
			t.Fatal(err)
		}
	}
	for i := 3; i < 5; i++ {
		if res := submit("telegram:51", fmt.Sprint("d", i), l); res.Status != contest.SubmitOK {
			t.Fatalf("entry %d: %+v", i, res)
		}
	}
	if res := submit("telegram:51", "d5", l); res.Status != contest.SubmitCap {
		t.Errorf("a sixth entry of one member: %+v, want cap", res)
	}
	for i := range 3 {
		if res := submit("telegram:52", fmt.Sprint("e", i), l); res.Status != contest.SubmitOK {
			t.Fatalf("another member's entry %d: %+v", i, res)
		}
	}
	if res := submit("telegram:53", "x", l); res.Status != contest.SubmitFull {
		t.Errorf("the ninth entry of the cohort: %+v, want full", res)
	}
}
