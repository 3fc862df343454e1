package report

import (
	"context"
	"fmt"
	"strings"

	"github.com/cohortbot/cohortbot/bot"
)

// export is the reports' part of the cohort's workbook: every version of
// every group's report, and for the summary, each report deadline's
// groups with their number of versions and whether they were late.
func (r *Reports) export(ctx context.Context, co *bot.Cohort, l bot.Lang) ([]bot.Sheet, error) {
	deadlines := reportDeadlines(co.Plan)
	if len(deadlines) == 0 {
		return nil, nil
	}
	t := func(key string, args ...any) string { return tx(l, key, args...) }
	versions := bot.Sheet{Name: t("report.export.versions"), Columns: []string{
		t("report.export.col.deadline"), t("report.export.col.group"), t("report.export.col.version"), t("report.export.col.name"),
		t("report.export.col.type"), t("report.export.col.size"), t("report.export.col.by"), t("report.export.col.at"), t("report.export.col.late"),
	}}
	summary := bot.Sheet{Name: t("report.export.summary"), Summary: true, Columns: []string{
		t("report.export.col.deadline"), t("report.export.col.group"), t("report.export.col.versions"), t("report.export.col.first"), t("report.export.col.late"),
	}}
	for _, d := range deadlines {
		for _, g := range co.Plan.Groups {
			vs, err := r.store.GroupReports(ctx, co.ID, d.ID, g)
			if err != nil {
				return nil, err
			}
			var first any
			late := ""
			if len(vs) > 0 {
				first = vs[0].At
				if vs[0].Late {
					late = t("report.export.yes")
				}
			}
			summary.Rows = append(summary.Rows, []any{d.Title, g, len(vs), first, late})
			for _, v := range vs {
				lateV := ""
				if v.Late {
					lateV = t("report.export.yes")
				}
				versions.Rows = append(versions.Rows, []any{
					d.Title, g, v.Version, v.Name, strings.ToUpper(string(v.Type)), fmt.Sprintf("%.1f MB", float64(v.Size)/(1<<20)), v.UploaderName, v.At, lateV,
				})
			}
		}
	}
	return []bot.Sheet{summary, versions}, nil
}

// myData is the reports' part of /mydata: the versions the member sent.
func (r *Reports) myData(ctx context.Context, co *bot.Cohort, m *bot.Member, l bot.Lang) ([]string, error) {
	if m.Group == "" {
		return nil, nil
	}
	var out []string
	for _, d := range reportDeadlines(co.Plan) {
		vs, err := r.store.GroupReports(ctx, co.ID, d.ID, m.Group)
		if err != nil {
			return nil, err
		}
		for _, v := range vs {
			if v.Uploader == m.User {
				out = append(out, tx(l, "report.mydata.version", d.Title, v.Version, v.Name, v.At.In(co.Plan.Location).Format("02/01/2006 15:04")))
			}
		}
	}
	return out, nil
}
