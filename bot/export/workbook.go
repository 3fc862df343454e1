package export

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/cohortbot/cohortbot/bot"
)

// MIME is the workbook's type.
const MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// Workbook writes the cohort's export: a summary sheet (the course, when
// it was exported, then every summary table one under another), then one
// sheet per table, each with its first row frozen and its columns sized
// to read. Dates are in the cohort's zone.
func Workbook(ctx context.Context, core *bot.Bot, co *bot.Cohort, lang bot.Lang, now time.Time) ([]byte, error) {
	sheets, err := core.ExportSheets(ctx, co, lang)
	if err != nil {
		return nil, err
	}
	return Write(co, sheets, lang, now)
}

// Write writes the tables as a workbook (see Workbook).
func Write(co *bot.Cohort, sheets []bot.Sheet, lang bot.Lang, now time.Time) ([]byte, error) {
	w, err := newWriter(co.Plan.Location)
	if err != nil {
		return nil, err
	}
	defer w.f.Close()
	summary := tx(lang, "export.summary")
	if err := w.f.SetSheetName("Sheet1", summary); err != nil {
		return nil, err
	}
	names := map[string]bool{summary: true}
	var parts []bot.Sheet
	for _, s := range sheets {
		if s.Summary {
			parts = append(parts, s)
		}
	}
	zone := co.Plan.Location.String()
	head := [][]any{
		{tx(lang, "export.title", co.Name)},
		{tx(lang, "export.made", now.In(co.Plan.Location).Format("02/01/2006 15:04"), zone)},
	}
	if err := w.summary(summary, head, parts); err != nil {
		return nil, err
	}
	for _, s := range sheets {
		if s.Summary {
			continue
		}
		name := sheetName(s.Name, names)
		if err := w.table(name, s); err != nil {
			return nil, fmt.Errorf("sheet %s: %w", name, err)
		}
	}
	var buf bytes.Buffer
	if err := w.f.Write(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// writer holds the workbook and its styles.
type writer struct {
	f                 *excelize.File
	zone              *time.Location
	bold, date, text  int
	heading, boldWrap int
}

func newWriter(zone *time.Location) (*writer, error) {
	f := excelize.NewFile()
	w := &writer{f: f, zone: zone}
	dateFmt := "dd/mm/yyyy hh:mm"
	styles := []struct {
		id *int
		s  *excelize.Style
	}{
		{&w.bold, &excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}}}},
		{&w.heading, &excelize.Style{Font: &excelize.Font{Bold: true, Size: 13}}},
		{&w.boldWrap, &excelize.Style{Font: &excelize.Font{Bold: true}}},
		{&w.date, &excelize.Style{CustomNumFmt: &dateFmt}},
		// Text ("@"): a cell that starts like a formula stays the text
		// it is when someone edits it in Excel.
		{&w.text, &excelize.Style{NumFmt: 49}},
	}
	for _, st := range styles {
		id, err := f.NewStyle(st.s)
		if err != nil {
			f.Close()
			return nil, err
		}
		*st.id = id
	}
	return w, nil
}

// table writes one table on its own sheet, streaming its rows.
func (w *writer) table(name string, s bot.Sheet) error {
	if _, err := w.f.NewSheet(name); err != nil {
		return err
	}
	sw, err := w.f.NewStreamWriter(name)
	if err != nil {
		return err
	}
	for i, width := range widths(s) {
		if err := sw.SetColWidth(i+1, i+1, width); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	header := make([]any, len(s.Columns))
	for i, c := range s.Columns {
		header[i] = excelize.Cell{StyleID: w.bold, Value: c}
	}
	if err := sw.SetRow("A1", header); err != nil {
		return err
	}
	for r, row := range s.Rows {
		cell, _ := excelize.CoordinatesToCellName(1, r+2)
		if err := sw.SetRow(cell, w.cells(row)); err != nil {
			return err
		}
	}
	return sw.Flush()
}

// summary writes the summary sheet: the head lines, then each part under
// its heading, a blank row between parts.
func (w *writer) summary(name string, head [][]any, parts []bot.Sheet) error {
	sw, err := w.f.NewStreamWriter(name)
	if err != nil {
		return err
	}
	all := bot.Sheet{}
	for _, p := range parts {
		all.Rows = append(all.Rows, p.Rows...)
		all.Columns = p.Columns
	}
	for i, width := range widths(all) {
		if err := sw.SetColWidth(i+1, i+1, max(width, 14)); err != nil {
			return err
		}
	}
	row := 1
	put := func(values []any) error {
		cell, _ := excelize.CoordinatesToCellName(1, row)
		row++
		return sw.SetRow(cell, values)
	}
	for i, h := range head {
		style := w.boldWrap
		if i == 0 {
			style = w.heading
		}
		if err := put([]any{excelize.Cell{StyleID: style, Value: h[0]}}); err != nil {
			return err
		}
	}
	for _, p := range parts {
		row++
		if err := put([]any{excelize.Cell{StyleID: w.heading, Value: p.Name}}); err != nil {
			return err
		}
		header := make([]any, len(p.Columns))
		for i, c := range p.Columns {
			header[i] = excelize.Cell{StyleID: w.bold, Value: c}
		}
		if err := put(header); err != nil {
			return err
		}
		for _, r := range p.Rows {
			if err := put(w.cells(r)); err != nil {
				return err
			}
		}
	}
	return sw.Flush()
}

// cells converts a table's row to the stream writer's values: dates in
// the cohort's zone with the date style, strings that start like a
// formula as text, never as a formula.
func (w *writer) cells(row []any) []any {
	out := make([]any, len(row))
	for i, v := range row {
		switch v := v.(type) {
		case time.Time:
			if v.IsZero() {
				out[i] = nil
				continue
			}
			// Excel has no zones: the wall clock of the cohort's zone.
			local := v.In(w.zone)
			wall := time.Date(local.Year(), local.Month(), local.Day(), local.Hour(), local.Minute(), local.Second(), 0, time.UTC)
			out[i] = excelize.Cell{StyleID: w.date, Value: wall}
		case string:
			if formulaLike(v) {
				out[i] = excelize.Cell{StyleID: w.text, Value: v}
			} else {
				out[i] = v
			}
		default:
			out[i] = v
		}
	}
	return out
}

// formulaLike reports whether a spreadsheet would take the text for a
// formula (or the start of one) if it were typed in.
func formulaLike(s string) bool {
	return s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0]))
}

// widths sizes each column to its longest value (header included), in
// characters, between 8 and 60.
func widths(s bot.Sheet) []float64 {
	n := len(s.Columns)
	for _, r := range s.Rows {
		n = max(n, len(r))
	}
	out := make([]float64, n)
	measure := func(i int, v any) {
		var k int
		switch v := v.(type) {
		case nil:
		case string:
			k = utf8.RuneCountInString(v)
		case time.Time:
			k = 16
		default:
			k = len(fmt.Sprint(v))
		}
		out[i] = max(out[i], float64(k)+2)
	}
	for i, c := range s.Columns {
		measure(i, c)
	}
	for _, r := range s.Rows {
		for i, v := range r {
			measure(i, v)
		}
	}
	for i := range out {
		out[i] = min(max(out[i], 8), 60)
	}
	return out
}

// sheetName makes a valid, unused sheet name of name: at most 31
// characters, none of []:*?/\, and a number added to a name taken.
func sheetName(name string, taken map[string]bool) string {
	clean := strings.Map(func(r rune) rune {
		if strings.ContainsRune(`[]:*?/\`, r) {
			return '-'
		}
		return r
	}, name)
	if clean == "" {
		clean = "Sheet"
	}
	base := []rune(clean)
	if len(base) > 31 {
		base = base[:31]
	}
	out := string(base)
	for i := 2; taken[out]; i++ {
		suffix := fmt.Sprintf(" (%d)", i)
		b := base
		if len(b)+len(suffix) > 31 {
			b = b[:31-len(suffix)]
		}
		out = string(b) + suffix
	}
	taken[out] = true
	return out
}
