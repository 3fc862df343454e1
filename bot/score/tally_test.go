package score

import (
	"math"
	"testing"
	"time"

	"github.com/cohortbot/cohortbot/bot"
	"github.com/cohortbot/cohortbot/bot/plan"
)

func scoring() *plan.Scoring {
	return &plan.Scoring{
		Criteria: []plan.Criterion{{Name: "Số liệu", Max: 10}, {Name: "Giải pháp", Max: 10}},
		Weights:  plan.Weights{Lecturer: 0.6, Trainee: 0.4},
	}
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestTally(t *testing.T) {
	sc := scoring()
	groups := []string{"A", "B", "C", "D"}
	l := func(u, g string, k, v int) Mark {
		return Mark{Scorer: bot.UserKey("telegram:" + u), Side: Lecturers, Group: g, Criterion: k, Value: v}
	}
	tr := func(u, g string, k, v int) Mark {
		return Mark{Scorer: bot.UserKey("telegram:" + u), Side: Trainees, Group: g, Criterion: k, Value: v}
	}
	marks := []Mark{
		// A: lecturers 8 and 6 (mean 7), trainees 10 on criterion 0:
		// 0.6×7 + 0.4×10 = 8.2; criterion 1 only lecturers: 9.
		l("gv1", "A", 0, 8), l("gv2", "A", 0, 6), tr("hv1", "A", 0, 10), l("gv1", "A", 1, 9),
		// B: trainees only: their means, 5 and 4.
		tr("hv1", "B", 0, 5), tr("hv2", "B", 0, 5), tr("hv1", "B", 1, 4),
		// C: a mark of a criterion the plan no longer has, and one of a
		// group it no longer has, are ignored; a mark above the max counts
		// as the max.
		l("gv1", "C", 5, 10), l("gv1", "Z", 0, 10), l("gv1", "C", 0, 12),
	}
	st := Tally(sc, groups, marks)
	for _, tt := range []struct {
		group                string
		crit                 []float64
		total, lect, trainee float64
		nl, nt               int
	}{
		{"A", []float64{8.2, 9}, 17.2, 16, 10, 2, 1},
		{"B", []float64{5, 4}, 9, 0, 9, 0, 2},
		{"C", []float64{10, 0}, 10, 10, 0, 1, 0},
		{"D", []float64{0, 0}, 0, 0, 0, 0, 0},
	} {
		var got Standing
		for _, s := range st {
			if s.Group == tt.group {
				got = s
			}
		}
		if !near(got.Total, tt.total) || !near(got.Lecturer, tt.lect) || !near(got.Trainee, tt.trainee) ||
			got.Lecturers != tt.nl || got.Trainees != tt.nt {
			t.Errorf("group %s: total %v lecturers %v (%d) trainees %v (%d); want %v %v (%d) %v (%d)",
				tt.group, got.Total, got.Lecturer, got.Lecturers, got.Trainee, got.Trainees, tt.total, tt.lect, tt.nl, tt.trainee, tt.nt)
		}
		for i, want := range tt.crit {
			if !near(got.Criteria[i], want) {
				t.Errorf("group %s criterion %d: %v, want %v", tt.group, i, got.Criteria[i], want)
			}
		}
	}
	if MaxTotal(sc) != 20 {
		t.Errorf("MaxTotal = %d, want 20", MaxTotal(sc))
	}
}

func TestRankTieBreaks(t *testing.T) {
	t0 := time.Date(2017, 10, 20, 9, 0, 0, 0, time.UTC)
	st := []Standing{
		{Group: "A", Total: 15, Lecturer: 14, Lecturers: 1},
		{Group: "B", Total: 15, Lecturer: 16, Lecturers: 1}, // same total, more from lecturers: above A
		{Group: "C", Total: 15, Lecturer: 14, Lecturers: 1, HasReport: true, First: t0.Add(time.Hour)},
		{Group: "D", Total: 15, Lecturer: 14, Lecturers: 1, HasReport: true, First: t0}, // earlier report than C
		{Group: "E"}, // nobody scored it
		{Group: "F", Total: 18, Trainees: 2},
	}
	got := Rank(st)
	want := []struct {
		group string
		rank  int
	}{{"F", 1}, {"B", 2}, {"D", 3}, {"C", 4}, {"A", 5}, {"E", 0}}
	for i, w := range want {
		if got[i].Group != w.group || got[i].Rank != w.rank {
			t.Errorf("place %d: %s rank %d, want %s rank %d", i, got[i].Group, got[i].Rank, w.group, w.rank)
		}
	}
	if !tied(st) {
		t.Error("tied = false, want true")
	}
	if tied(st[4:]) {
		t.Error("tied(E, F) = true, want false")
	}
	// Float noise does not break a tie: 0.6×7+0.4×8 and 7.4 are one score.
	a, b := Standing{Total: 0.6*7 + 0.4*8, Lecturers: 1}, Standing{Total: 7.4, Lecturers: 1}
	if compareScores(a, b) != 0 {
		t.Errorf("compareScores(%v, %v) != 0", a.Total, b.Total)
	}
}

func TestFormatScore(t *testing.T) {
	for in, want := range map[float64]string{24: "24", 24.5: "24.5", 23.666666: "23.67", 0: "0", 8.2: "8.2"} {
		if got := formatScore(in); got != want {
			t.Errorf("formatScore(%v) = %q, want %q", in, got, want)
		}
	}
}

// TestClosePlan: the close is planned while it is to come; once past, a
// pending close of the current window is kept (it runs late), and a
// close of a moved window is dropped.
func TestClosePlan(t *testing.T) {
	closes := time.Date(2017, 10, 31, 10, 0, 0, 0, time.UTC)
	c := &bot.Cohort{ID: "co1", Plan: &plan.Plan{Scoring: &plan.Scoring{Window: plan.Window{Opens: closes.Add(-48 * time.Hour), Closes: closes}}}}
	it := closeItem("co1", closes)
	if got := closePlan(c, closes.Add(-time.Hour), nil); len(got) != 1 || got[0].ID != it.ID || got[0].Kind != DueScoreClose || !got[0].Due.Equal(closes) {
		t.Errorf("before the close: %+v", got)
	}
	if got := closePlan(c, closes.Add(time.Hour), []bot.DueItem{it}); len(got) != 1 || got[0].ID != it.ID {
		t.Errorf("after the close, still pending: %+v, want it kept", got)
	}
	if got := closePlan(c, closes.Add(time.Hour), []bot.DueItem{closeItem("co1", closes.Add(-time.Hour))}); len(got) != 0 {
		t.Errorf("after the close, a moved close pending: %+v, want none", got)
	}
	if got := closePlan(&bot.Cohort{ID: "co2", Plan: &plan.Plan{}}, closes, nil); got != nil {
		t.Errorf("no scoring: %+v", got)
	}
}
