package bot_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/cohortbot/cohortbot"

// notFeatures are the packages under bot/ that are not features: the
// plan, the platform adapters, the output-format adapters, the delivery
// layer, the metrics and the test harness. Every other package under bot/
// is a feature, so a new one is held to the rules without a word here.
var notFeatures = []string{"plan", "telegram", "telegram/telegramtest", "zalo", "zalo/zalotest", "console", "gallery", "web", "delivery", "metrics", "bottest"}

// platformSDKs and redisClients are what only adapters and store may use.
var (
	platformSDKs = []string{"github.com/go-telegram-bot-api/"}
	redisClients = []string{"github.com/redis/", "github.com/alicebob/miniredis"}
)

// TestImportRules enforces DESIGN.md's import rules over the packages'
// own imports (go list; tests may import what they need): bot imports no
// feature, adapter, store or Redis client; a feature imports bot and
// bot/plan, never another feature, store, Redis or a platform SDK; the
// platform adapters reach no store, Redis or feature; the scheduler names
// no feature.
func TestImportRules(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	pkgs := goList(t, module+"/...")
	if len(pkgs) < 10 {
		t.Fatalf("go list found %d packages", len(pkgs))
	}
	for _, p := range pkgs {
		for _, v := range importViolations(p.ImportPath, p.Imports) {
			t.Error(v)
		}
	}
}

type listed struct {
	ImportPath string
	Imports    []string
}

func goList(t *testing.T, pattern string) []listed {
	t.Helper()
	out, err := exec.Command("go", "list", "-json=ImportPath,Imports", pattern).Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			t.Fatalf("go list: %v\n%s", err, ee.Stderr)
		}
		t.Fatalf("go list: %v", err)
	}
	var pkgs []listed
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p listed
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		pkgs = append(pkgs, p)
	}
	return pkgs
}

// isFeature reports whether an import path is a feature package.
func isFeature(path string) bool {
	rest, ok := strings.CutPrefix(path, module+"/bot/")
	if !ok {
		return false
	}
	for _, nf := range notFeatures {
		if rest == nf || strings.HasPrefix(rest, nf+"/") {
			return false
		}
	}
	return true
}

func hasPrefix(path string, prefixes []string) bool {
	return slices.ContainsFunc(prefixes, func(p string) bool { return strings.HasPrefix(path, p) })
}

// importViolations lists what pkg may not import among imports.
func importViolations(pkg string, imports []string) []string {
	var out []string
	bad := func(imp, why string) { out = append(out, pkg+" imports "+imp+": "+why) }
	own := func(imp string) (string, bool) { return strings.CutPrefix(imp, module+"/") }
	switch {
	case pkg == module+"/bot":
		for _, imp := range imports {
			rel, ok := own(imp)
			switch {
			case ok && rel != "bot/plan":
				bad(imp, "the core imports no feature, adapter or store (only bot/plan)")
			case hasPrefix(imp, redisClients), hasPrefix(imp, platformSDKs):
				bad(imp, "the core imports no Redis client or platform SDK")
			}
		}
	case isFeature(pkg):
		for _, imp := range imports {
			rel, ok := own(imp)
			switch {
			case ok && rel != "bot" && rel != "bot/plan":
				bad(imp, "a feature imports only bot and bot/plan: never another feature, store or an adapter")
			case hasPrefix(imp, redisClients), hasPrefix(imp, platformSDKs):
				bad(imp, "a feature imports no Redis client or platform SDK")
			}
		}
	case pkg == module+"/bot/telegram", pkg == module+"/bot/zalo", pkg == module+"/bot/console":
		for _, imp := range imports {
			rel, _ := own(imp)
			switch {
			case isFeature(imp), rel == "store", hasPrefix(imp, redisClients):
				bad(imp, "a platform adapter reaches no feature, store or Redis")
			}
		}
	case pkg == module+"/scheduler":
		for _, imp := range imports {
			if isFeature(imp) {
				bad(imp, "the scheduler dispatches by kind and names no feature")
			}
		}
	}
	return out
}

// TestImportRulesCatch: the rules refuse what DESIGN.md forbids, so a
// green TestImportRules means something.
func TestImportRulesCatch(t *testing.T) {
	for _, tt := range []struct {
		pkg     string
		imports []string
		bad     bool
	}{
		{"bot", []string{"context", module + "/bot/plan", "golang.org/x/text/unicode/norm"}, false},
		{"bot", []string{module + "/bot/contest"}, true},
		{"bot", []string{module + "/store"}, true},
		{"bot", []string{module + "/bot/telegram"}, true},
		{"bot", []string{"github.com/redis/go-redis/v9"}, true},
		{"bot/contest", []string{module + "/bot", module + "/bot/plan", "strings"}, false},
		{"bot/contest", []string{module + "/bot/announce"}, true},
		{"bot/report", []string{module + "/bot/contest"}, true}, // a feature not yet written is one too
		{"bot/contest", []string{module + "/store"}, true},
		{"bot/contest", []string{"github.com/redis/go-redis/v9"}, true},
		{"bot/announce", []string{"github.com/go-telegram-bot-api/telegram-bot-api/v5"}, true},
		{"bot/telegram", []string{module + "/bot", "github.com/go-telegram-bot-api/telegram-bot-api/v5"}, false},
		{"bot/telegram", []string{module + "/store"}, true},
		{"scheduler", []string{module + "/bot", "github.com/robfig/cron/v3"}, false},
		{"scheduler", []string{module + "/bot/contest"}, true},
		{"store", []string{module + "/bot", module + "/bot/contest", "github.com/redis/go-redis/v9"}, false},
	} {
		got := importViolations(module+"/"+tt.pkg, tt.imports)
		if (len(got) > 0) != tt.bad {
			t.Errorf("%s importing %v: violations %v, want bad=%v", tt.pkg, tt.imports, got, tt.bad)
		}
	}
}
