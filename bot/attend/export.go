package attend

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/cohortbot/cohortbot/bot"
)

// export is the attendance's part of the cohort's workbook: one row per
// trainee and one column per session (✓ present, by code or by hand), the
// number attended; and for the summary, the attendance rate per group
// over the sessions that ended.
func (a *Attend) export(ctx context.Context, co *bot.Cohort, l bot.Lang) ([]bot.Sheet, error) {
	sessions := co.Plan.Sessions
	if len(sessions) == 0 {
		return nil, nil
	}
	members, err := a.store.Members(ctx, co.ID)
	if err != nil {
		return nil, err
	}
	var trainees []*bot.Member
	for _, m := range members {
		if m.Role == bot.Trainee && m.Registered {
			trainees = append(trainees, m)
		}
	}
	slices.SortFunc(trainees, func(x, y *bot.Member) int {
		if c := strings.Compare(x.Group, y.Group); c != 0 {
			return c
		}
		return strings.Compare(x.Name, y.Name)
	})
	present := make([]map[bot.UserKey]Presence, len(sessions))
	for i, s := range sessions {
		if present[i], err = a.store.Present(ctx, co.ID, s.ID); err != nil {
			return nil, err
		}
	}
	now := a.core.Now()
	t := func(key string, args ...any) string { return tx(l, key, args...) }
	cols := []string{t("attend.export.col.name"), t("attend.export.col.group")}
	for _, s := range sessions {
		cols = append(cols, fmt.Sprintf("%s %s", s.Starts.In(co.Plan.Location).Format("02/01 15:04"), s.Title))
	}
	cols = append(cols, t("attend.export.col.attended"))
	sheet := bot.Sheet{Name: t("attend.export.sheet"), Columns: cols}
	type rate struct{ present, possible int }
	perGroup := map[string]*rate{}
	for _, m := range trainees {
		row := []any{m.Name, m.Group}
		n := 0
		g := perGroup[m.Group]
		if g == nil {
			g = &rate{}
			perGroup[m.Group] = g
		}
		for i, s := range sessions {
			p, ok := present[i][m.User]
			cell := ""
			if ok {
				n++
				cell = "✓"
				if p.How == HowHand {
					cell = t("attend.export.by_hand")
				}
			}
			row = append(row, cell)
			if !s.Ends.After(now) {
				g.possible++
				if ok {
					g.present++
				}
			}
		}
		sheet.Rows = append(sheet.Rows, append(row, n))
	}
	summary := bot.Sheet{Name: t("attend.export.summary"), Summary: true, Columns: []string{
		t("attend.export.col.group"), t("attend.export.col.trainees"), t("attend.export.col.rate"),
	}}
	for _, g := range co.Plan.Groups {
		r := perGroup[g]
		count := 0
		for _, m := range trainees {
			if m.Group == g {
				count++
			}
		}
		var pct any
		if r != nil && r.possible > 0 {
			pct = fmt.Sprintf("%.0f%%", 100*float64(r.present)/float64(r.possible))
		}
		summary.Rows = append(summary.Rows, []any{g, count, pct})
	}
	return []bot.Sheet{summary, sheet}, nil
}

// myData is the attendance's part of /mydata: the sessions the member
// was recorded at.
func (a *Attend) myData(ctx context.Context, co *bot.Cohort, m *bot.Member, l bot.Lang) ([]string, error) {
	got, err := a.store.Attended(ctx, co.ID, m.User)
	if err != nil || len(got) == 0 {
		return nil, err
	}
	var titles []string
	for _, id := range got {
		if s, ok := co.Plan.Session(id); ok {
			titles = append(titles, s.Starts.In(co.Plan.Location).Format("02/01")+" "+s.Title)
		}
	}
	return []string{tx(l, "attend.mydata", len(got), strings.Join(titles, "; "))}, nil
}
