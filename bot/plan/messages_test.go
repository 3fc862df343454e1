package plan

import (
	"go/ast"
	goparser "go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestEveryProblemHasVietnamese: every message key the package writes
// (the format of add, wb.add, badf, newProblem and fail calls) has a
// Vietnamese text, so that no organiser gets an English problem by
// accident.
func TestEveryProblemHasVietnamese(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	seen := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := goparser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			var fn string
			switch f := call.Fun.(type) {
			case *ast.Ident:
				fn = f.Name
			case *ast.SelectorExpr:
				fn = f.Sel.Name
			}
			keyArg := map[string]int{"add": 2, "badf": 0, "newProblem": 3, "fail": 0}[fn]
			if fn == "add" && len(call.Args) > 0 {
				if _, isWB := call.Fun.(*ast.SelectorExpr); isWB && len(call.Args) >= 2 {
					// wb.add(line, key, ...) or ps.add(line, field, key, ...)
					if sel := call.Fun.(*ast.SelectorExpr); exprName(sel.X) == "wb" {
						keyArg = 1
					}
				}
			}
			if _, known := map[string]bool{"add": true, "badf": true, "newProblem": true, "fail": true}[fn]; !known || keyArg >= len(call.Args) {
				return true
			}
			lit, ok := call.Args[keyArg].(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			key, err := strconv.Unquote(lit.Value)
			if err != nil {
				t.Fatal(err)
			}
			seen++
			if _, ok := messagesVI[key]; !ok {
				t.Errorf("%s: %q has no Vietnamese text in messagesVI", fset.Position(lit.Pos()), key)
			}
			return true
		})
	}
	if seen < 50 {
		t.Errorf("found %d message keys, want the package's (50 or more): is the test still looking at the right calls?", seen)
	}
}

func exprName(e ast.Expr) string {
	if id, ok := e.(*ast.Ident); ok {
		return id.Name
	}
	return ""
}
