package contest

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/cohortbot/cohortbot/bot"
)

// myData is the contest's part of /mydata: the member's entries with
// their status, and the photos they voted for.
func (b *Contest) myData(ctx context.Context, co *bot.Cohort, m *bot.Member, l bot.Lang) ([]string, error) {
	if co.Plan.Contest == nil {
		return nil, nil
	}
	entries, err := b.store.AuthorEntries(ctx, co.ID, m.User)
	if err != nil {
		return nil, err
	}
	votes, err := b.store.VoterVotes(ctx, co.ID, m.User)
	if err != nil {
		return nil, err
	}
	var out []string
	if len(entries) > 0 {
		slices.SortFunc(entries, func(a, b *Entry) int { return int(a.N - b.N) })
		parts := make([]string, len(entries))
		for i, e := range entries {
			parts[i] = tx(l, "contest.mydata.entry", e.N, tx(l, "contest.ph.status."+e.Status))
		}
		out = append(out, tx(l, "contest.mydata.entries", strings.Join(parts, ", ")))
	}
	if len(votes) > 0 {
		slices.Sort(votes)
		parts := make([]string, len(votes))
		for i, n := range votes {
			parts[i] = fmt.Sprint(n)
		}
		out = append(out, tx(l, "contest.mydata.votes", strings.Join(parts, ", ")))
	}
	return out, nil
}
