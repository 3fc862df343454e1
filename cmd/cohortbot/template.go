package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/cohortbot/cohortbot/bot/plan"
	"github.com/cohortbot/cohortbot/docs"
)

// exampleRoster is the template's roster: a few rows that show the form,
// which the organiser overwrites (made-up names).
var exampleRoster = []plan.Person{
	{Name: "Nguyễn Văn An", Org: "Sở Công Thương Bà Rịa – Vũng Tàu", Group: "Bà Rịa – Vũng Tàu", Role: plan.Trainee, Contact: "0912345678"},
	{Name: "Trần Thị Bích", Org: "Trung tâm Khuyến công Lạng Sơn", Group: "Lạng Sơn", Role: plan.Trainee, Contact: "bich.tt@example.vn"},
	{Name: "Lê Minh Châu", Org: "Trung tâm Tiết kiệm năng lượng Hải Phòng", Group: "Hải Phòng", Role: plan.Trainee},
	{Name: "Phạm Quốc Dũng", Org: "Công ty Cổ phần tư vấn EPRO", Role: plan.Lecturer},
	{Name: "Hoàng Thu Hà", Org: "Vụ Khoa học và Công nghệ – Bộ Công Thương", Role: plan.Organiser},
}

// templatePlan is the 2017 sample course with the example roster.
func templatePlan() (*plan.Plan, error) {
	p, err := plan.Parse("docs/plan.sample.yaml", docs.SamplePlan)
	if err != nil {
		return nil, err
	}
	p.Roster = exampleRoster
	return p, nil
}

// planTemplate writes the course workbook with the sample course as the
// example the organiser overwrites.
func (a *App) planTemplate(args []string) error {
	fs := newFlags("plan template", a.Stderr)
	out := fs.String("out", "", "the workbook to write (.xlsx)")
	lang := fs.String("lang", plan.VI, "language of the sheets and headers: vi or en")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *out == "" || fs.NArg() > 0 {
		return badUsage("usage: cohortbot plan template --out FILE.xlsx [--lang vi|en]")
	}
	if !strings.EqualFold(filepath.Ext(*out), ".xlsx") {
		return badUsage("plan template: --out must name an .xlsx file, not %q", *out)
	}
	if *lang != plan.VI && *lang != plan.EN {
		return badUsage("plan template: --lang must be vi or en, not %q", *lang)
	}
	p, err := templatePlan()
	if err != nil {
		return err
	}
	raw, err := plan.Workbook(p, *lang)
	if err != nil {
		return err
	}
	if err := os.WriteFile(*out, raw, 0o644); err != nil {
		return fmt.Errorf("plan template: %w", err)
	}
	fmt.Fprintf(a.Stdout, "wrote %s (%d bytes): the 2017 course as an example; fill it in and run cohortbot plan check %s\n", *out, len(raw), *out)
	return nil
}

// isWorkbookFile says whether a plan file is a workbook: by its name, or
// by its bytes whatever its name.
func isWorkbookFile(path string, data []byte) bool {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".xlsx", ".xlsm", ".xls":
		return true
	}
	return plan.IsWorkbook(data)
}
