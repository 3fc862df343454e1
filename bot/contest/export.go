package contest

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/cohortbot/cohortbot/bot"
)

// export is the contest's part of the cohort's workbook: every photo with
// its status, votes, score and rank; the audit log, with the names of
// those still members (a former member stays a pseudonym); and the
// winners for the summary.
func (b *Contest) export(ctx context.Context, co *bot.Cohort, l bot.Lang) ([]bot.Sheet, error) {
	if co.Plan.Contest == nil {
		return nil, nil
	}
	snap, err := b.store.ContestSnapshot(ctx, co.ID)
	if err != nil {
		return nil, err
	}
	members, err := b.store.Members(ctx, co.ID)
	if err != nil {
		return nil, err
	}
	name := map[bot.UserKey]string{}
	for _, m := range members {
		name[m.User] = m.Name
	}
	t := func(key string, args ...any) string { return tx(l, key, args...) }
	ranks := map[int64]int{}
	ranked := rank(snap)
	for _, s := range ranked {
		ranks[s.N] = s.Rank
	}
	photos := bot.Sheet{Name: t("contest.export.photos"), Columns: []string{
		t("contest.export.col.n"), t("contest.export.col.author"), t("contest.export.col.group"), t("contest.export.col.category"),
		t("contest.export.col.enterprise"), t("contest.export.col.caption"), t("contest.export.col.status"), t("contest.export.col.submitted"),
		t("contest.export.col.voters"), t("contest.export.col.score"), t("contest.export.col.rank"),
	}}
	for _, e := range snap.Entries {
		if e.Status == EntryDraft {
			continue
		}
		tl := snap.Tally[e.N]
		var rk any
		if r, ok := ranks[e.N]; ok {
			rk = r
		}
		photos.Rows = append(photos.Rows, []any{
			e.N, name[e.Author], e.Group, e.Category, e.Enterprise, e.Caption, t("contest.ph.status." + e.Status), e.Created,
			tl.Votes, tl.Score, rk,
		})
	}
	winners := bot.Sheet{Name: t("contest.export.winners"), Summary: true, Columns: []string{
		t("contest.export.col.rank"), t("contest.export.col.n"), t("contest.export.col.author"), t("contest.export.col.group"),
		t("contest.export.col.category"), t("contest.export.col.voters"), t("contest.export.col.score"),
	}}
	for _, s := range ranked {
		if s.Rank > co.Plan.Contest.Prizes {
			break
		}
		winners.Rows = append(winners.Rows, []any{s.Rank, s.N, name[s.Author], s.Group, s.Category, s.Votes, s.Score})
	}
	audit, err := b.store.ContestAudit(ctx, co.ID)
	if err != nil {
		return nil, err
	}
	log := bot.Sheet{Name: t("contest.export.audit"), Columns: []string{
		t("contest.export.col.time"), t("contest.export.col.kind"), t("contest.export.col.who"), t("contest.export.col.n"), t("contest.export.col.details"),
	}}
	for _, a := range audit {
		who := a.Who
		if n := name[a.User]; n != "" {
			who = n
		}
		var photo any
		if a.Photo > 0 {
			photo = a.Photo
		}
		details := make([]string, 0, len(a.Fields))
		for _, k := range slices.Sorted(maps.Keys(a.Fields)) {
			v := a.Fields[k]
			if n := name[bot.UserKey(v)]; k == "by" && n != "" {
				v = n
			}
			details = append(details, fmt.Sprintf("%s=%s", k, v))
		}
		log.Rows = append(log.Rows, []any{a.Time, a.Kind, who, photo, strings.Join(details, " ")})
	}
	return []bot.Sheet{winners, photos, log}, nil
}
