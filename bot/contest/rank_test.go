package contest

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cohortbot/cohortbot/bot"
	"github.com/cohortbot/cohortbot/bot/plan"
)

// TestStandingsRankOrder checks the ranking's packed sort against the
// rule written plainly (score, then more voters, then earlier submission,
// then the lower number), on random contests full of ties, and on scores
// too large to pack.
func TestStandingsRankOrder(t *testing.T) {
	t0 := time.Date(2017, 10, 30, 8, 0, 0, 0, time.UTC)
	weights := []float64{1, 2.5, 0.7, 1.001}
	for seed := range uint64(50) {
		r := rand.New(rand.NewPCG(seed, 7))
		n := 1 + r.IntN(300)
		entries := make([]*Entry, n)
		tallies := make([]Tally, n)
		for i := range entries {
			status := EntryApproved
			if r.IntN(10) == 0 {
				status = EntryRejected
			}
			entries[i] = &Entry{N: int64(i + 1), Status: status, Created: t0.Add(time.Duration(r.IntN(5)) * time.Second / 2)}
			milli := int64(0)
			for range r.IntN(6) {
				milli += int64(weights[r.IntN(len(weights))] * 1000)
				tallies[i].Votes++
			}
			tallies[i].Score = float64(milli) / 1000
			if seed%10 == 9 && i == 0 {
				tallies[i].Score = 1e40 // beyond packing: the plain sort
			}
		}
		got := standings(entries, func(i int) Tally { return tallies[i] }, true)

		var want []Standing
		for i, e := range entries {
			if e.Status == EntryApproved {
				want = append(want, Standing{Entry: *e, Votes: tallies[i].Votes, Score: tallies[i].Score})
			}
		}
		slices.SortFunc(want, func(a, b Standing) int {
			return cmp.Or(cmp.Compare(b.Score, a.Score), cmp.Compare(b.Votes, a.Votes), a.Created.Compare(b.Created), cmp.Compare(a.N, b.N))
		})
		for i := range want {
			want[i].Rank = i + 1
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("seed %d: standings differ from the plain ranking\ngot  %v\nwant %v", seed, got, want)
		}
	}
}

// TestWinnersNeedAVote: prizes go down the ranking to the last photo with
// a vote; with no vote at all there is nothing to announce, and the
// organisers' proposal offers no announce button.
func TestWinnersNeedAVote(t *testing.T) {
	pc := &plan.Contest{Prizes: 3}
	st := []Standing{{Entry: Entry{N: 1}, Votes: 2}, {Entry: Entry{N: 2}, Votes: 1}, {Entry: Entry{N: 3}}, {Entry: Entry{N: 4}}}
	if got := winners(pc, st); len(got) != 2 {
		t.Errorf("winners = %d, want 2", len(got))
	}
	c := &bot.Cohort{ID: "c1", Name: "Khóa", Plan: &plan.Plan{Contest: pc}}
	snap := &ContestSnapshot{
		Entries: []*Entry{{N: 1, Status: EntryApproved}, {N: 2, Status: EntryApproved}},
		Tally:   map[int64]Tally{},
	}
	text, rows := proposalText(bot.VI, c, snap, nil)
	if rows != nil || !strings.Contains(text, tx(bot.VI, "contest.res.no_votes")) {
		t.Errorf("proposal without votes: %q with buttons %v", text, rows)
	}
	snap.Entries = nil
	if text, rows := proposalText(bot.VI, c, snap, nil); rows != nil || !strings.Contains(text, tx(bot.VI, "contest.res.no_entries")) {
		t.Errorf("proposal without photos: %q with buttons %v", text, rows)
	}
	snap.Entries = []*Entry{{N: 1, Status: EntryApproved}}
	snap.Tally[1] = Tally{Votes: 1, Score: 1}
	if _, rows := proposalText(bot.VI, c, snap, nil); len(rows) != 1 {
		t.Errorf("proposal with a winner has buttons %v, want the announce button", rows)
	}
}
