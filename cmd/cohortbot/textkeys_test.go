package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/cohortbot/cohortbot/bot"
)

// keyLike is what a catalogue key looks like: "contest.ph.caption".
var keyLike = regexp.MustCompile(`^[a-z_]+(\.[a-z0-9_]+)*\.?$`)

// textKey is a literal key found in the code: a whole key, or the start
// of keys the code completes ("role." + role).
type textKey struct {
	key    string
	prefix bool
	at     string
}

// codeKeys parses every non-test Go file under the directories for
// literal text keys: every string literal that looks like a key of one of
// the catalogue's namespaces (its first segment), so keys handed around
// before they are translated (a refusal's key, a problem's) count too. A
// literal joined to something with + is the start of keys.
func codeKeys(t *testing.T, namespaces map[string]bool, dirs ...string) []textKey {
	t.Helper()
	var out []textKey
	for _, dir := range dirs {
		err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			// The plan's problems name its fields ("contest.voting.opens"),
			// which are not texts.
			if d.IsDir() && (d.Name() == "testdata" || d.Name() == "plan") {
				return filepath.SkipDir
			}
			if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return nil
			}
			fset := token.NewFileSet()
			f, err := parser.ParseFile(fset, path, nil, 0)
			if err != nil {
				return err
			}
			joined := map[*ast.BasicLit]bool{}
			ast.Inspect(f, func(n ast.Node) bool {
				if be, ok := n.(*ast.BinaryExpr); ok && be.Op == token.ADD {
					if bl, ok := be.X.(*ast.BasicLit); ok {
						joined[bl] = true
					}
				}
				return true
			})
			ast.Inspect(f, func(n ast.Node) bool {
				bl, ok := n.(*ast.BasicLit)
				if !ok || bl.Kind != token.STRING {
					return true
				}
				s, err := strconv.Unquote(bl.Value)
				if err != nil || !keyLike.MatchString(s) || !strings.Contains(s, ".") {
					return true
				}
				ns, _, _ := strings.Cut(s, ".")
				if !namespaces[ns] {
					return true
				}
				out = append(out, textKey{key: s, prefix: joined[bl] || strings.HasSuffix(s, "."), at: fset.Position(bl.Pos()).String()})
				return true
			})
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// TestTextKeys: every text key the code names is in both languages of
// the catalogue the bot runs with (the core's and every feature's), so no
// typo shows a raw key to a user.
func TestTextKeys(t *testing.T) {
	cat, err := features(nil).All.Catalogue()
	if err != nil {
		t.Fatal(err)
	}
	missing := missingKeys(t, cat, "../../bot", ".")
	for _, m := range missing {
		t.Error(m)
	}
}

// missingKeys lists the keys named in the code under dirs that a
// language of cat lacks.
func missingKeys(t *testing.T, cat bot.Catalogue, dirs ...string) []string {
	t.Helper()
	namespaces := map[string]bool{}
	for k := range cat[bot.VI] {
		ns, _, _ := strings.Cut(k, ".")
		namespaces[ns] = true
	}
	keys := codeKeys(t, namespaces, dirs...)
	if len(keys) < 300 {
		t.Fatalf("found only %d text keys in the code", len(keys))
	}
	var out []string
	for _, k := range keys {
		for _, lang := range []bot.Lang{bot.VI, bot.EN} {
			if !hasTextKey(cat[lang], k) {
				out = append(out, k.at+": "+strconv.Quote(k.key)+" is not in the "+string(lang)+" catalogue")
			}
		}
	}
	return out
}

func hasTextKey(texts map[string]string, k textKey) bool {
	if _, ok := texts[k.key]; ok {
		return true
	}
	if !k.prefix {
		return false
	}
	for key := range texts {
		if strings.HasPrefix(key, k.key) {
			return true
		}
	}
	return false
}
