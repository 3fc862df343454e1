package contest

import (
	"testing"
	"time"

	"github.com/cohortbot/cohortbot/bot/plan"
)

// TestWindowChange: each panel button's change of the windows, and the
// rule that submissions close before voting opens.
func TestWindowChange(t *testing.T) {
	at := func(day, hour int) time.Time { return time.Date(2017, 10, day, hour, 0, 0, 0, time.UTC) }
	pc := &plan.Contest{
		Submissions: plan.Window{Opens: at(1, 0), Closes: at(25, 17)},
		Voting:      plan.Window{Opens: at(30, 8), Closes: at(31, 12)},
	}
	w := func(o, c time.Time) *plan.Window { return &plan.Window{Opens: o, Closes: c} }
	closedEarly := plan.Window{Opens: at(1, 0), Closes: at(20, 9)}
	for _, tt := range []struct {
		name      string
		op        string
		sub, vote plan.Window
		announced bool
		now       time.Time
		wantSub   *plan.Window
		wantVote  *plan.Window
		refusal   string
	}{
		{name: "close submissions", op: "sc", now: at(20, 10), wantSub: w(at(1, 0), at(20, 10))},
		{name: "close submissions already shut", op: "sc", now: at(26, 0), refusal: "contest.already_shut"},
		{name: "extend submissions", op: "sx", now: at(20, 10), wantSub: w(at(1, 0), at(26, 17))},
		{name: "extend submissions past the opening of voting moves it", op: "sx", now: at(29, 12),
			wantSub: w(at(1, 0), at(30, 12)), wantVote: w(at(30, 12), at(31, 12))},
		{name: "extend submissions once voting began", op: "sx", now: at(30, 9), refusal: "contest.sub_after_vote"},
		{name: "reopen after an early close runs to the plan's close", op: "so", sub: closedEarly, now: at(21, 0),
			wantSub: w(at(21, 0), at(25, 17))},
		{name: "reopen after the plan's close runs a day", op: "so", now: at(27, 0), wantSub: w(at(27, 0), at(28, 0))},
		{name: "reopen a day before voting stops at its opening", op: "so", now: at(29, 20),
			wantSub: w(at(29, 20), at(30, 8))},
		{name: "reopen once voting began", op: "so", now: at(30, 9), refusal: "contest.sub_after_vote"},
		{name: "open submissions already open", op: "so", now: at(20, 0), refusal: "contest.already_open"},
		{name: "open voting early closes submissions", op: "vo", now: at(20, 10),
			wantSub: w(at(1, 0), at(20, 10)), wantVote: w(at(20, 10), at(31, 12))},
		{name: "open voting between the phases", op: "vo", now: at(27, 0), wantVote: w(at(27, 0), at(31, 12))},
		{name: "open voting after it closed runs a day", op: "vo", now: at(31, 13), wantVote: w(at(31, 13), at(32, 13))},
		{name: "open voting already open", op: "vo", now: at(30, 9), refusal: "contest.already_open"},
		{name: "close voting", op: "vc", now: at(30, 9), wantVote: w(at(30, 8), at(30, 9))},
		{name: "close voting already shut", op: "vc", now: at(29, 0), refusal: "contest.already_shut"},
		{name: "extend voting", op: "vx", now: at(30, 9), wantVote: w(at(30, 8), at(32, 12))},
		{name: "extend voting after it closed reopens it for a day", op: "vx", now: at(31, 20), wantVote: w(at(30, 8), at(32, 20))},
		{name: "voting after the results", op: "vx", announced: true, now: at(31, 20), refusal: "contest.already_announced"},
		{name: "unknown", op: "zz", now: at(20, 0), refusal: "err.stale_button"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			sub, vote := pc.Submissions, pc.Voting
			if !tt.sub.Closes.IsZero() {
				sub = tt.sub
			}
			if !tt.vote.Closes.IsZero() {
				vote = tt.vote
			}
			ch, refusal := windowChange(pc, tt.op, sub, vote, ContestMeta{Announced: tt.announced}, tt.now)
			if refusal != tt.refusal {
				t.Fatalf("refusal %q, want %q", refusal, tt.refusal)
			}
			if refusal != "" {
				return
			}
			if !sameWindow(ch.Sub, tt.wantSub) || !sameWindow(ch.Vote, tt.wantVote) {
				t.Errorf("submissions %v, voting %v; want %v and %v", ch.Sub, ch.Vote, tt.wantSub, tt.wantVote)
			}
		})
	}
}

func sameWindow(a, b *plan.Window) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Opens.Equal(b.Opens) && a.Closes.Equal(b.Closes)
}

// TestWithContestDates: the photos deadline at the plan's close of
// submissions follows organisers' change of that close; other deadlines,
// a photos deadline set apart, and the plan itself stay as they are.
func TestWithContestDates(t *testing.T) {
	at := func(day, hour int) time.Time { return time.Date(2017, 10, day, hour, 0, 0, 0, time.UTC) }
	p := &plan.Plan{
		Contest: &plan.Contest{Submissions: plan.Window{Opens: at(1, 0), Closes: at(25, 17)}},
		Deadlines: []plan.Deadline{
			{ID: "report", Kind: "report", Due: at(25, 17)},
			{ID: "photos", Kind: DeadlinePhotos, Due: at(25, 17)},
			{ID: "first-photo", Kind: DeadlinePhotos, Due: at(10, 17)},
		},
	}
	moved := at(26, 17)
	got := WithContestDates(p, ContestMeta{SubCloses: &moved})
	if got == p {
		t.Fatal("nothing moved")
	}
	want := []time.Time{at(25, 17), moved, at(10, 17)}
	for i, d := range got.Deadlines {
		if !d.Due.Equal(want[i]) {
			t.Errorf("%s due %v, want %v", d.ID, d.Due, want[i])
		}
	}
	if !p.Deadlines[1].Due.Equal(at(25, 17)) {
		t.Error("the plan itself changed")
	}
	same := at(25, 17)
	for name, meta := range map[string]ContestMeta{"no change": {}, "the plan's close": {SubCloses: &same}} {
		if got := WithContestDates(p, meta); got != p {
			t.Errorf("%s: the plan was copied", name)
		}
	}
	if got := WithContestDates(&plan.Plan{Deadlines: p.Deadlines}, ContestMeta{SubCloses: &moved}); !got.Deadlines[1].Due.Equal(at(25, 17)) {
		t.Error("a plan without a contest moved its deadline")
	}
}
