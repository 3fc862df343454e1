package score

import (
	"cmp"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cohortbot/cohortbot/bot"
	"github.com/cohortbot/cohortbot/bot/plan"
)

// Side is which half of the jury a mark belongs to: the lecturers' or the
// trainees'. It is recorded with the mark, as the scorer's role was when
// they gave it.
type Side string

// The sides.
const (
	Lecturers Side = "l"
	Trainees  Side = "t"
)

// Mark is one scorer's mark for one criterion of one group's report.
type Mark struct {
	Scorer    bot.UserKey
	Side      Side
	Group     string
	Criterion int // index into scoring.criteria
	Value     int // 0..the criterion's max
}

// Standing is a group's score and its place.
type Standing struct {
	Group string
	// Rank is 1-based; 0 for a group nobody scored, which is left out of
	// the places.
	Rank int
	// Criteria[i] is the group's score for criterion i (see Tally).
	Criteria []float64
	// Total is the sum of Criteria; Lecturer and Trainee are the sums over
	// the criteria of each side's mean alone (0 for a side without marks).
	Total, Lecturer, Trainee float64
	// Lecturers and Trainees count the distinct scorers of each side.
	Lecturers, Trainees int
	// First is when the group handed in its first report version; zero
	// when it handed in none (HasReport false).
	First     time.Time
	HasReport bool
}

// Scored reports whether anybody scored the group.
func (s Standing) Scored() bool { return s.Lecturers+s.Trainees > 0 }

// Tally computes every group's score from the marks, in plan order.
//
// For each group and criterion, each side's mean is the mean of the marks
// its scorers gave that criterion (each scorer gives at most one). The
// criterion's score is the weighted mean of the two sides' means,
//
//	(w_l × lecturers' mean + w_t × trainees' mean) / (w_l + w_t),
//
// with the plan's scoring.weights; when only one side marked the
// criterion, that side's mean alone is the score (whatever the weights),
// and a criterion nobody marked scores 0. The group's total is the sum of
// its criteria's scores, so it is out of the sum of the criteria's max.
// Marks of a group or criterion the plan no longer has are ignored; a
// mark above a criterion's lowered max counts as the max.
func Tally(sc *plan.Scoring, groups []string, marks []Mark) []Standing {
	n := len(sc.Criteria)
	type sums struct {
		sum   [2][]float64
		count [2][]int
		who   [2]map[bot.UserKey]bool
	}
	by := make(map[string]*sums, len(groups))
	for _, g := range groups {
		s := &sums{}
		for i := range 2 {
			s.sum[i], s.count[i], s.who[i] = make([]float64, n), make([]int, n), map[bot.UserKey]bool{}
		}
		by[g] = s
	}
	for _, m := range marks {
		s := by[m.Group]
		if s == nil || m.Criterion < 0 || m.Criterion >= n || m.Value < 0 {
			continue
		}
		side := 1
		if m.Side == Lecturers {
			side = 0
		}
		s.sum[side][m.Criterion] += float64(min(m.Value, sc.Criteria[m.Criterion].Max))
		s.count[side][m.Criterion]++
		s.who[side][m.Scorer] = true
	}
	wl, wt := sc.Weights.Lecturer, sc.Weights.Trainee
	out := make([]Standing, len(groups))
	for gi, g := range groups {
		s := by[g]
		st := Standing{Group: g, Criteria: make([]float64, n), Lecturers: len(s.who[0]), Trainees: len(s.who[1])}
		for c := range n {
			var mean [2]float64
			for side := range 2 {
				if s.count[side][c] > 0 {
					mean[side] = s.sum[side][c] / float64(s.count[side][c])
				}
			}
			hasL, hasT := s.count[0][c] > 0, s.count[1][c] > 0
			switch {
			case hasL && hasT && wl+wt > 0:
				st.Criteria[c] = (wl*mean[0] + wt*mean[1]) / (wl + wt)
			case hasL:
				st.Criteria[c] = mean[0]
			case hasT:
				st.Criteria[c] = mean[1]
			}
			st.Total += st.Criteria[c]
			st.Lecturer += mean[0]
			st.Trainee += mean[1]
		}
		out[gi] = st
	}
	return out
}

// MaxTotal is the most a group can score: the sum of the criteria's max.
func MaxTotal(sc *plan.Scoring) int {
	t := 0
	for _, c := range sc.Criteria {
		t += c.Max
	}
	return t
}

// same reports whether two scores are equal up to the rounding of the
// arithmetic: means of small integers differ by far more when they
// differ at all.
func same(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

// compareScores orders by the total, then by the lecturers' part, higher
// first; 0 when both tie.
func compareScores(a, b Standing) int {
	if !same(a.Total, b.Total) {
		return cmp.Compare(b.Total, a.Total)
	}
	if !same(a.Lecturer, b.Lecturer) {
		return cmp.Compare(b.Lecturer, a.Lecturer)
	}
	return 0
}

// tied reports whether some two scored groups tie on the total and the
// lecturers' part, so that the report times are needed.
func tied(st []Standing) bool {
	for i := range st {
		for j := i + 1; j < len(st); j++ {
			if st[i].Scored() && st[j].Scored() && compareScores(st[i], st[j]) == 0 {
				return true
			}
		}
	}
	return false
}

// Rank sorts the standings and numbers the places: by the total, higher
// first; a tie by the lecturers' part (Standing.Lecturer), higher first;
// then by the earlier first report (a group that handed in none comes
// after those that did); then in plan order. Groups nobody scored come
// last, in plan order, with Rank 0. st must be in plan order (Tally's).
func Rank(st []Standing) []Standing {
	out := slices.Clone(st)
	slices.SortStableFunc(out, func(a, b Standing) int {
		if a.Scored() != b.Scored() {
			if a.Scored() {
				return -1
			}
			return 1
		}
		if !a.Scored() {
			return 0
		}
		if c := compareScores(a, b); c != 0 {
			return c
		}
		switch {
		case a.HasReport && b.HasReport:
			return a.First.Compare(b.First)
		case a.HasReport != b.HasReport:
			if a.HasReport {
				return -1
			}
			return 1
		}
		return 0
	})
	for i := range out {
		if out[i].Scored() {
			out[i].Rank = i + 1
		}
	}
	return out
}

// formatScore writes a score with at most two decimals: "24", "24.5",
// "23.67".
func formatScore(x float64) string {
	s := strconv.FormatFloat(math.Round(x*100)/100, 'f', 2, 64)
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}
