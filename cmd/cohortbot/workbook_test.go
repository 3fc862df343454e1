package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/cohortbot/cohortbot/bot/plan"
)

// editWorkbook sets cells of a workbook file and saves it under a new name.
func editWorkbook(t *testing.T, src, dst string, cells map[string]any) string {
	t.Helper()
	f, err := excelize.OpenFile(src)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for where, v := range cells {
		sheet, cell, _ := strings.Cut(where, "!")
		if err := f.SetCellValue(sheet, cell, v); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.SaveAs(dst); err != nil {
		t.Fatal(err)
	}
	return dst
}

// TestWorkbookCohortCreate: the template is a valid course; a cohort made
// from it holds the same plan and the roster, and plan apply of an edited
// workbook moves one session.
func TestWorkbookCohortCreate(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "course.xlsx")
	if code, out, errs := e.run("plan", "template", "--out", path); code != 0 || !strings.Contains(out, "wrote "+path) {
		t.Fatalf("plan template: exit %d, %q\n%s", code, out, errs)
	}
	code, out, errs := e.run("plan", "check", path)
	if code != 0 || !strings.Contains(out, "ok (16 sessions, 4 deadlines, 6 groups)") || !strings.Contains(out, "roster: 5 people") {
		t.Fatalf("plan check: exit %d, %q\n%s", code, out, errs)
	}
	c := e.createCohort(path)
	st := e.store()
	bg := context.Background()
	co, err := st.Cohort(bg, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	want, err := templatePlan()
	if err != nil {
		t.Fatal(err)
	}
	got, _ := json.Marshal(co.Plan)
	wantJSON, _ := json.Marshal(want)
	if string(got) != string(wantJSON) {
		t.Errorf("stored plan:\n got %s\nwant %s", got, wantJSON)
	}
	if len(co.Plan.Roster) != 5 || co.Plan.Roster[0].Name != "Nguyễn Văn An" || co.Plan.Roster[0].Contact != "0912345678" {
		t.Errorf("stored roster = %+v", co.Plan.Roster)
	}

	// Row 5 of Buổi học is p1-d1-pm (10/07/2017 13:30–17:00): move it by
	// half an hour, typed as text the way an organiser types it.
	moved := editWorkbook(t, path, filepath.Join(dir, "moved.xlsx"), map[string]any{
		"Buổi học!D5": "10/07/2017 14:00", "Buổi học!E5": "10/07/2017 17:30",
	})
	code, out, errs = e.run("plan", "apply", "--cohort", c.ID, moved)
	if code != 0 || !strings.Contains(out, "moved 1 (p1-d1-pm)") || strings.Contains(out, "added") || strings.Contains(out, "removed") {
		t.Fatalf("plan apply: exit %d, %q\n%s", code, out, errs)
	}
	co, err = st.Cohort(bg, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if s, ok := co.Plan.Session("p1-d1-pm"); !ok || s.Starts.In(co.Plan.Location).Format("2006-01-02 15:04") != "2017-07-10 14:00" {
		t.Errorf("p1-d1-pm = %+v", s)
	}
}

// TestWorkbookBadRefused: a bad workbook changes nothing and exits 2 with
// one FILE: Sheet!Cell: problem line per problem, for check, apply and
// create; a file that is not a workbook is told so, whatever its name.
func TestWorkbookBadRefused(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	dir := t.TempDir()
	good := filepath.Join(dir, "course.xlsx")
	if code, _, errs := e.run("plan", "template", "--out", good); code != 0 {
		t.Fatalf("plan template: exit %d\n%s", code, errs)
	}
	c := e.createCohort(good)
	bad := editWorkbook(t, good, filepath.Join(dir, "bad.xlsx"), map[string]any{
		"Buổi học!D5":  "mai",              // not a date
		"Buổi học!E6":  "01/07/2017 08:00", // ends before it starts
		"Hạn nộp!A5":   "p1-d1-am",         // a duplicate id
		"Hạn nộp!D6":   "tiệc",             // an unknown kind
		"Danh sách!C5": "Hà Nam",           // a group not in Nhóm
	})
	want := []string{
		bad + ": Buổi học!D5: not a date and time",
		bad + ": Buổi học!E6: before starts",
		bad + ": Hạn nộp!A5: duplicate id \"p1-d1-am\" (first at Buổi học!A4)",
		bad + ": Hạn nộp!D6: unknown deadline kind \"tiệc\"",
		bad + ": Danh sách!C5: unknown group \"Hà Nam\"",
	}
	line := regexp.MustCompile(`^` + regexp.QuoteMeta(bad) + `: [^!:]+![A-Z]+[0-9]+: \S.*$`)
	check := func(what string, code int, stderr string) {
		t.Helper()
		if code != 2 {
			t.Errorf("%s: exit %d, want 2", what, code)
		}
		lines := strings.Split(strings.TrimRight(stderr, "\n"), "\n")
		if len(lines) != len(want) {
			t.Errorf("%s: %d lines, want %d:\n%s", what, len(lines), len(want), stderr)
		}
		for i, l := range lines {
			if !line.MatchString(l) {
				t.Errorf("%s: line %q is not FILE: Sheet!Cell: problem", what, l)
			}
			if i < len(want) && !strings.HasPrefix(l, want[i]) {
				t.Errorf("%s: line %d = %q, want it to start with %q", what, i+1, l, want[i])
			}
		}
	}
	code, _, errs := e.run("plan", "check", bad)
	check("plan check", code, errs)

	bg := context.Background()
	rdb := e.redis.Client()
	before, err := rdb.HGetAll(bg, "{c:"+c.ID+"}:meta").Result()
	if err != nil {
		t.Fatal(err)
	}
	keysBefore, _ := rdb.DBSize(bg).Result()
	code, _, errs = e.run("plan", "apply", "--cohort", c.ID, bad)
	check("plan apply", code, errs)
	code, _, errs = e.run("cohort", "create", "--plan", bad, "--json")
	check("cohort create", code, errs)
	after, _ := rdb.HGetAll(bg, "{c:"+c.ID+"}:meta").Result()
	if after["plan"] != before["plan"] || after["version"] != before["version"] {
		t.Errorf("a refused workbook changed the cohort: version %s → %s", before["version"], after["version"])
	}
	if keysAfter, _ := rdb.DBSize(bg).Result(); keysAfter != keysBefore {
		t.Errorf("a refused workbook wrote %d keys", keysAfter-keysBefore)
	}

	// Sniffed by the bytes: a YAML plan named .xlsx is refused as not a
	// workbook; a workbook without the extension is read as one.
	renamed := filepath.Join(dir, "plan.xlsx")
	yaml, err := os.ReadFile(samplePlan)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(renamed, yaml, 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, errs := e.run("plan", "check", renamed); code != 2 || strings.TrimSpace(errs) != renamed+": not an Excel workbook (.xlsx)" {
		t.Errorf("a YAML named .xlsx: exit %d, %q", code, errs)
	}
	raw, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	noExt := filepath.Join(dir, "course")
	if err := os.WriteFile(noExt, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	if code, out, errs := e.run("plan", "check", noExt); code != 0 || !strings.Contains(out, "ok (16 sessions") {
		t.Errorf("a workbook without extension: exit %d, %q %q", code, out, errs)
	}
}

// TestWorkbookTemplateRefusesOtherFiles: plan template writes only .xlsx.
func TestWorkbookTemplateRefusesOtherFiles(t *testing.T) {
	t.Parallel()
	app := func(args ...string) (int, string) {
		var out, errb syncBuffer
		a := &App{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }}
		return a.Run(context.Background(), args), errb.String()
	}
	dir := t.TempDir()
	for _, out := range []string{"course.yaml", "course.xlsm", "course"} {
		path := filepath.Join(dir, out)
		if code, errs := app("plan", "template", "--out", path); code != 2 || !strings.Contains(errs, "must name an .xlsx file") {
			t.Errorf("--out %s: exit %d, %q", out, code, errs)
		}
		if _, err := os.Stat(path); err == nil {
			t.Errorf("--out %s: the file was written", out)
		}
	}
	if code, _ := app("plan", "template", "--out", filepath.Join(dir, "c.xlsx"), "--lang", "fr"); code != 2 {
		t.Errorf("--lang fr: exit %d, want 2", code)
	}
	if code, errs := app("plan", "template", "--out", filepath.Join(dir, "en.xlsx"), "--lang", "en"); code != 0 {
		t.Errorf("--lang en: exit %d, %q", code, errs)
	}
}

// TestWorkbookTemplateInDocsIsCurrent: docs/course.template.xlsx is what
// plan template writes today (refresh it with
// go run ./cmd/cohortbot plan template --out docs/course.template.xlsx).
func TestWorkbookTemplateInDocsIsCurrent(t *testing.T) {
	t.Parallel()
	committed, err := os.ReadFile("../../docs/course.template.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	p, err := templatePlan()
	if err != nil {
		t.Fatal(err)
	}
	now, err := plan.Workbook(p, plan.VI)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(committed, now) {
		t.Errorf("docs/course.template.xlsx is stale: run go run ./cmd/cohortbot plan template --out docs/course.template.xlsx (and re-render docs/workbook.png)")
	}
}
