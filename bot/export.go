package bot

import (
	"context"
	"fmt"
	"slices"
	"strings"
)

// Sheet is one table of a cohort's export workbook (/export), made by the
// core or by a feature (Feature.Export) in the export's language. Cells
// are strings, integers, float64, bool, time.Time (written as dates in
// the cohort's zone) or nil. The workbook never reads a string as a
// formula, whatever it starts with.
type Sheet struct {
	Name    string
	Columns []string
	Rows    [][]any
	// Summary, when set, makes the table a part of the workbook's summary
	// sheet, under Name as its heading, instead of a sheet of its own:
	// what an organiser pastes into the course's final report.
	Summary bool
}

// ExportFunc returns a feature's tables of the cohort, in lang.
type ExportFunc func(ctx context.Context, co *Cohort, lang Lang) ([]Sheet, error)

// ExportSheets returns every table of the cohort's export: the core's
// (the members, and their numbers per group), then each feature's, in
// the order of the feature list.
func (b *Bot) ExportSheets(ctx context.Context, co *Cohort, lang Lang) ([]Sheet, error) {
	members, err := b.store.Members(ctx, co.ID)
	if err != nil {
		return nil, fmt.Errorf("list members: %w", err)
	}
	sheets := b.memberSheets(co, members, lang)
	for _, f := range b.features {
		if f.Export == nil {
			continue
		}
		s, err := f.Export(ctx, co, lang)
		if err != nil {
			return nil, fmt.Errorf("%s export: %w", f.Name, err)
		}
		sheets = append(sheets, s...)
	}
	return sheets, nil
}

// memberSheets are the members, one row each (the roster and the
// members are one list), and the summary's count per group and role.
func (b *Bot) memberSheets(co *Cohort, members []*Member, l Lang) []Sheet {
	t := func(key string, args ...any) string { return b.texts.Text(l, key, args...) }
	rank := map[Role]int{Trainee: 0, Lecturer: 1, Organiser: 2}
	slices.SortFunc(members, func(x, y *Member) int {
		if c := rank[x.Role] - rank[y.Role]; c != 0 {
			return c
		}
		if c := strings.Compare(x.Group, y.Group); c != 0 {
			return c
		}
		return strings.Compare(x.Name, y.Name)
	})
	list := Sheet{Name: t("memberlist.members"), Columns: []string{
		t("memberlist.col.name"), t("memberlist.col.org"), t("memberlist.col.group"), t("memberlist.col.role"),
		t("memberlist.col.platform"), t("memberlist.col.joined"), t("memberlist.col.consent"), t("memberlist.col.registered"),
	}}
	type count struct{ trainees, lecturers, organisers int }
	perGroup := map[string]*count{}
	for _, g := range co.Plan.Groups {
		perGroup[g] = &count{}
	}
	var others count
	for _, m := range members {
		var consent any
		if !m.Consent.IsZero() {
			consent = m.Consent
		}
		list.Rows = append(list.Rows, []any{
			m.Name, m.Org, m.Group, t("role." + string(m.Role)), platformName(m.User.Platform()), m.Joined, consent, m.Registered,
		})
		c := &others
		if pg := perGroup[m.Group]; pg != nil {
			c = pg
		}
		switch m.Role {
		case Trainee:
			c.trainees++
		case Lecturer:
			c.lecturers++
		case Organiser:
			c.organisers++
		}
	}
	sum := Sheet{Name: t("memberlist.summary.members"), Summary: true, Columns: []string{
		t("memberlist.col.group"), t("memberlist.col.trainees"), t("memberlist.col.lecturers"), t("memberlist.col.organisers"),
	}}
	total := count{}
	add := func(name string, c count) {
		sum.Rows = append(sum.Rows, []any{name, c.trainees, c.lecturers, c.organisers})
		total.trainees += c.trainees
		total.lecturers += c.lecturers
		total.organisers += c.organisers
	}
	for _, g := range co.Plan.Groups {
		add(g, *perGroup[g])
	}
	add(t("memberlist.no_group"), others)
	sum.Rows = append(sum.Rows, []any{t("memberlist.total"), total.trainees, total.lecturers, total.organisers})
	return []Sheet{sum, list}
}

// platformName is how a platform is named to people.
func platformName(p Platform) string {
	switch p {
	case Telegram:
		return "Telegram"
	case Zalo:
		return "Zalo"
	}
	return string(p)
}
