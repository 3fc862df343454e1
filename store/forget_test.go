package store_test

import (
	"testing"
	"time"

	"github.com/cohortbot/cohortbot/bot"
	"github.com/cohortbot/cohortbot/bot/contest"
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
