package plan_test

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cohortbot/cohortbot/bot/plan"
	"github.com/cohortbot/cohortbot/docs"
)

// FuzzParse checks that no input makes Parse panic, and that what it returns
// keeps its promises: a plan or problems in line order, and a plan that
// survives JSON and Shift.
func FuzzParse(f *testing.F) {
	f.Add(docs.SamplePlan)
	f.Add([]byte("name: x\n"))
	f.Add([]byte("name: x\ngroups: [A, A]\nsessions: [{id: a}]\ncontest: {voting: {opens: x}}\n"))
	f.Add([]byte("a: &x [*x]\n"))
	f.Add([]byte("{{{"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := plan.Parse("f.yaml", data)
		if err != nil {
			if p != nil {
				t.Fatalf("Parse returned a plan and %v", err)
			}
			var errs plan.Errors
			if !errors.As(err, &errs) || len(errs) == 0 {
				t.Fatalf("Parse error %T %v, want a non-empty plan.Errors", err, err)
			}
			if !slices.IsSortedFunc(errs, func(a, b plan.Problem) int { return a.Line - b.Line }) {
				t.Fatalf("problems out of line order:\n%v", err)
			}
			for _, pr := range errs {
				if !strings.HasPrefix(pr.String(), "f.yaml") {
					t.Fatalf("problem %q does not name the file", pr)
				}
			}
			return
		}
		if p == nil {
			t.Fatal("Parse returned neither a plan nor an error")
		}
		b, err := json.Marshal(p)
		if err != nil {
			t.Fatalf("Marshal: %v", err)
		}
		var back plan.Plan
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("Unmarshal(%s): %v", b, err)
		}
		_ = p.Shift(time.Hour)
		_, _ = p.Span()
	})
}

// FuzzParseWorkbook checks that no bytes make ParseWorkbook panic, that
// problems name the file, and that an accepted workbook's plan is written
// and read back unchanged.
func FuzzParseWorkbook(f *testing.F) {
	sample, err := plan.Parse("plan.yaml", docs.SamplePlan)
	if err != nil {
		f.Fatal(err)
	}
	good, err := plan.Workbook(sample, plan.VI)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add(good[:len(good)/2])
	f.Add([]byte("PK\x03\x04"))
	f.Add(docs.SamplePlan)
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := plan.ParseWorkbook("f.xlsx", data)
		if err != nil {
			var errs plan.Errors
			if p != nil || !errors.As(err, &errs) || len(errs) == 0 {
				t.Fatalf("ParseWorkbook = %v, %T %v; want no plan and problems", p, err, err)
			}
			for _, pr := range errs {
				if !strings.HasPrefix(pr.String(), "f.xlsx: ") {
					t.Fatalf("problem %q does not name the file", pr)
				}
			}
			return
		}
		raw, err := plan.Workbook(p, plan.VI)
		if err != nil {
			t.Fatalf("Workbook: %v", err)
		}
		back, err := plan.ParseWorkbook("f.xlsx", raw)
		if err != nil {
			t.Fatalf("the written workbook is refused: %v", err)
		}
		a, _ := json.Marshal(p)
		b, _ := json.Marshal(back)
		if string(a) != string(b) {
			t.Fatalf("round trip:\n got %s\nwant %s", b, a)
		}
	})
}
