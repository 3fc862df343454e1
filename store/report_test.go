package store_test

import (
	"slices"
	"testing"
	"time"

	"github.com/cohortbot/cohortbot/bot"
	"github.com/cohortbot/cohortbot/bot/plan"
	"github.com/cohortbot/cohortbot/bot/report"
	"github.com/cohortbot/cohortbot/bot/score"
)

// TestReportVersionsStore: versions are numbered per deadline and group,
// one per file, up to the limit; the first version's time is kept for
// the scores' tie-break; a leaving uploader is de-identified and their
// group's versions stay.
func TestReportVersionsStore(t *testing.T) {
	t.Parallel()
	st, _ := MustStore(t)
	ctx := MustContext(t)
	c := MustCohort(t, st, "RpC1", t0)
	add := func(deadline, group, file string, by bot.UserKey, at time.Time) report.AddResult {
		t.Helper()
		res, err := st.AddReport(ctx, &report.Version{Cohort: c.ID, Deadline: deadline, Group: group, FileID: file, UniqueID: "u" + file,
			Type: bot.DocPDF, Uploader: by, UploaderName: "Name " + string(by), At: at}, 3)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	for i, tt := range []struct {
		deadline, group, file string
		want                  report.AddResult
	}{
		{"report", "A|B", "f1", report.AddResult{Status: report.AddOK, Version: 1}},
		{"report", "A|B", "f2", report.AddResult{Status: report.AddOK, Version: 2}},
		{"report", "A|B", "f1", report.AddResult{Status: report.AddDup, Version: 1}},
		{"draft", "A|B", "f1", report.AddResult{Status: report.AddOK, Version: 1}},
		{"report", "A|B", "f3", report.AddResult{Status: report.AddOK, Version: 3}},
		{"report", "A|B", "f4", report.AddResult{Status: report.AddLimit, Version: 3}},
		{"report", "C", "f4", report.AddResult{Status: report.AddOK, Version: 1}},
	} {
		by := alice
		if i == 1 {
			by = bob
		}
		if got := add(tt.deadline, tt.group, tt.file, by, t0.Add(time.Duration(i)*time.Hour)); got != tt.want {
			t.Errorf("add %d: %+v, want %+v", i, got, tt.want)
		}
	}
	vs, err := st.GroupReports(ctx, c.ID, "report", "A|B")
	if err != nil || len(vs) != 3 {
		t.Fatalf("GroupReports: %d, %v", len(vs), err)
	}
	for i, v := range vs {
		if v.Version != i+1 {
			t.Errorf("version %d numbered %d", i+1, v.Version)
		}
	}
	counts, err := st.ReportCounts(ctx, c.ID)
	if err != nil || counts["report"]["A|B"] != 3 || counts["draft"]["A|B"] != 1 || counts["report"]["C"] != 1 {
		t.Errorf("ReportCounts %v, %v", counts, err)
	}
	first, ok, err := st.FirstReport(ctx, c.ID, "A|B")
	if err != nil || !ok || !first.Equal(t0) {
		t.Errorf("FirstReport = %v %v %v, want %v", first, ok, err, t0)
	}
	if _, ok, err := st.FirstReport(ctx, c.ID, "none"); ok || err != nil {
		t.Errorf("FirstReport of a group without a report: %v %v", ok, err)
	}

	if err := st.ForgetReporter(ctx, c.ID, alice); err != nil {
		t.Fatal(err)
	}
	vs, _ = st.GroupReports(ctx, c.ID, "report", "A|B")
	if len(vs) != 3 || vs[0].Uploader != "" || vs[0].UploaderName != "" || vs[1].Uploader != bob || vs[0].FileID != "f1" {
		t.Errorf("after forgetting alice: %+v %+v", *vs[0], *vs[1])
	}
}

// TestScoreMarksStore: one field per (scorer, group, criterion), read
// back whole in one call; a scorer who leaves while the window is open
// loses their marks, one who leaves after it stays anonymous.
func TestScoreMarksStore(t *testing.T) {
	t.Parallel()
	st, _ := MustStore(t)
	ctx := MustContext(t)
	c := MustCohort(t, st, "ScC1", t0)
	set := func(u bot.UserKey, side score.Side, group string, k, v int) {
		t.Helper()
		if err := st.SetMark(ctx, c.ID, score.Mark{Scorer: u, Side: side, Group: group, Criterion: k, Value: v}); err != nil {
			t.Fatal(err)
		}
	}
	set(alice, score.Lecturers, "Bà Rịa | Vũng Tàu", 0, 8)
	set(alice, score.Lecturers, "Bà Rịa | Vũng Tàu", 0, 9) // a revision replaces
	set(alice, score.Lecturers, "Bà Rịa | Vũng Tàu", 2, 7)
	set(bob, score.Trainees, "Bà Rịa | Vũng Tàu", 0, 5)
	if err := st.SetScoreNote(ctx, c.ID, alice, "Bà Rịa | Vũng Tàu", "Tốt"); err != nil {
		t.Fatal(err)
	}
	ms, note, err := st.ScorerMarks(ctx, c.ID, alice, "Bà Rịa | Vũng Tàu", 3)
	if err != nil || !slices.Equal(ms, []int{9, -1, 7}) || note != "Tốt" {
		t.Errorf("ScorerMarks = %v %q %v", ms, note, err)
	}
	all, notes, err := st.AllMarks(ctx, c.ID, true)
	if err != nil || len(all) != 3 || len(notes) != 1 {
		t.Fatalf("AllMarks: %v %v %v", all, notes, err)
	}
	for _, m := range all {
		if m.Group != "Bà Rịa | Vũng Tàu" || (m.Scorer == alice) != (m.Side == score.Lecturers) {
			t.Errorf("mark %+v", m)
		}
	}
	w := plan.Window{Opens: t0, Closes: t0.Add(24 * time.Hour)}
	// Bob leaves while scoring runs: his marks go.
	if err := st.ForgetScorer(ctx, c.ID, bob, w, t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	// Alice leaves after the close: her marks stay, anonymous; her note goes.
	if err := st.ForgetScorer(ctx, c.ID, alice, w, t0.Add(48*time.Hour)); err != nil {
		t.Fatal(err)
	}
	all, notes, err = st.AllMarks(ctx, c.ID, true)
	if err != nil || len(all) != 2 || len(notes) != 0 {
		t.Fatalf("after forgetting: %v %v %v", all, notes, err)
	}
	for _, m := range all {
		if m.Scorer == alice || m.Scorer == bob || m.Side != score.Lecturers || m.Scorer == "" {
			t.Errorf("after forgetting: %+v", m)
		}
	}
	if _, err := st.MarkScoreResults(ctx, c.ID, "proposed", "123"); err != nil {
		t.Fatal(err)
	}
	for i, want := range []bool{true, false} {
		if ok, err := st.MarkScoreResults(ctx, c.ID, "announced", "1"); ok != want || err != nil {
			t.Errorf("announce %d: %v %v, want %v", i, ok, err, want)
		}
	}
	if m, err := st.ScoreMeta(ctx, c.ID); err != nil || !m.Announced || m.Proposed != 123 {
		t.Errorf("ScoreMeta %+v %v", m, err)
	}
}
