package plan_test

import (
	"fmt"
	"testing"

	"github.com/cohortbot/cohortbot/bot/plan"
)

// BenchmarkParseWorkbookRoster5000 reads a workbook with the largest roster
// accepted (measured: about 0.2 s and 54 MB allocated on the 2-core machine).
func BenchmarkParseWorkbookRoster5000(b *testing.B) {
	sheets := course()
	roster := &sheets[len(sheets)-1]
	for i := 0; len(roster.rows) < 3+plan.MaxRoster; i++ {
		roster.rows = append(roster.rows, []any{fmt.Sprintf("Học viên %d", i), "Sở Công Thương", "Lạng Sơn", "học viên", "0912345678"})
	}
	data := book(b, sheets...)
	b.ResetTimer()
	for b.Loop() {
		if _, err := plan.ParseWorkbook("f.xlsx", data); err != nil {
			b.Fatal(err)
		}
	}
}
