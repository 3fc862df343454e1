package score

import (
	"context"

	"github.com/cohortbot/cohortbot/bot"
)

// export is the scores' part of the cohort's workbook: every mark by
// criterion and scorer (who gave which mark: the workbook is the
// organisers'), the ranking per criterion, and for the summary the
// report ranking with its places.
func (s *Scores) export(ctx context.Context, co *bot.Cohort, l bot.Lang) ([]bot.Sheet, error) {
	sc := co.Plan.Scoring
	if sc == nil {
		return nil, nil
	}
	t := func(key string, args ...any) string { return tx(l, key, args...) }
	members, err := s.store.Members(ctx, co.ID)
	if err != nil {
		return nil, err
	}
	name := map[bot.UserKey]string{}
	for _, m := range members {
		name[m.User] = m.Name
	}
	marks, notes, err := s.store.AllMarks(ctx, co.ID, true)
	if err != nil {
		return nil, err
	}
	marksSheet := bot.Sheet{Name: t("score.export.marks"), Columns: []string{
		t("score.export.col.group"), t("score.export.col.criterion"), t("score.export.col.scorer"), t("score.export.col.side"), t("score.export.col.mark"), t("score.export.col.max"), t("score.export.col.note"),
	}}
	for _, m := range marks {
		if m.Criterion < 0 || m.Criterion >= len(sc.Criteria) {
			continue
		}
		who := name[m.Scorer]
		if who == "" {
			who = t("score.export.former")
		}
		side := t("score.export.side.trainee")
		if m.Side == Lecturers {
			side = t("score.export.side.lecturer")
		}
		c := sc.Criteria[m.Criterion]
		marksSheet.Rows = append(marksSheet.Rows, []any{m.Group, c.Name, who, side, m.Value, c.Max, notes[NoteKey{Scorer: m.Scorer, Group: m.Group}]})
	}
	st, err := s.standings(ctx, co)
	if err != nil {
		return nil, err
	}
	cols := []string{t("score.export.col.rank"), t("score.export.col.group")}
	for _, c := range sc.Criteria {
		cols = append(cols, c.Name)
	}
	cols = append(cols, t("score.export.col.lecturer"), t("score.export.col.trainee"), t("score.export.col.total"), t("score.export.col.lecturers"), t("score.export.col.trainees"))
	ranking := bot.Sheet{Name: t("score.export.ranking"), Columns: cols}
	summary := bot.Sheet{Name: t("score.export.summary"), Summary: true, Columns: []string{t("score.export.col.rank"), t("score.export.col.group"), t("score.export.col.total")}}
	for _, g := range st {
		var rank any
		if g.Rank > 0 {
			rank = g.Rank
		}
		row := []any{rank, g.Group}
		for _, v := range g.Criteria {
			row = append(row, v)
		}
		row = append(row, g.Lecturer, g.Trainee, g.Total, g.Lecturers, g.Trainees)
		ranking.Rows = append(ranking.Rows, row)
		if g.Scored() {
			summary.Rows = append(summary.Rows, []any{rank, g.Group, g.Total})
		}
	}
	return []bot.Sheet{summary, ranking, marksSheet}, nil
}

// myData is the scores' part of /mydata: the marks the member gave.
func (s *Scores) myData(ctx context.Context, co *bot.Cohort, m *bot.Member, l bot.Lang) ([]string, error) {
	sc := co.Plan.Scoring
	if sc == nil {
		return nil, nil
	}
	var out []string
	for _, g := range co.Plan.Groups {
		marks, note, err := s.store.ScorerMarks(ctx, co.ID, m.User, g, len(sc.Criteria))
		if err != nil {
			return nil, err
		}
		given := 0
		for _, v := range marks {
			if v >= 0 {
				given++
			}
		}
		if given == 0 {
			continue
		}
		line := tx(l, "score.mydata.group", g, given, len(sc.Criteria))
		if note != "" {
			line += " — " + tx(l, "score.mydata.note", note)
		}
		out = append(out, line)
	}
	return out, nil
}
