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
