package plan_test

import (
	"encoding/json"
	"testing"

	"github.com/cohortbot/cohortbot/bot/plan"
)

// planJSON is a plan's stored form, to compare two plans whole.
func planJSON(tb testing.TB, p *plan.Plan) string {
	tb.Helper()
	b, err := json.MarshalIndent(p, "", " ")
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

func TestWorkbookRoundTrip(t *testing.T) {
	want := mustSample(t)
	for _, lang := range []string{plan.VI, plan.EN} {
		t.Run(lang, func(t *testing.T) {
			raw, err := plan.Workbook(want, lang)
			if err != nil {
				t.Fatal(err)
			}
			got, err := plan.ParseWorkbook("course.xlsx", raw)
			if err != nil {
				t.Fatalf("ParseWorkbook: %v", err)
			}
			if g, w := planJSON(t, got), planJSON(t, want); g != w {
				t.Errorf("round trip:\n got %s\nwant %s", g, w)
			}
		})
	}
}
