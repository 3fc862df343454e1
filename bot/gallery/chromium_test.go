package gallery_test

import (
	"bytes"
	"context"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/cohortbot/cohortbot/bot/contest"
)

// TestPageInChromium opens the projector page in a real headless Chromium:
// the page must render the ranking and its photos with no console error
// (a CSP violation is one), its refresh must re-render from the JSON, and
// a screenshot of it must not be blank. Chromium is required: .ci/run
// installs Debian's package where it is missing.
func TestPageInChromium(t *testing.T) {
	chromium := chromiumPath(t)
	// The page opens during a live vote; its first refresh finds voting
	// closed, so the script must render the winners.
	live := contest.Leaderboard{State: contest.PhaseVoting, TotalsVisible: true, Prizes: 2, Standings: standings()}
	src := newSource(sampleCohort(true), live)
	src.board = func(call int) contest.Leaderboard {
		if call == 1 {
			return live
		}
		return visible()
	}
	f := newFixture(t, src)
	f.addPhotos(t)
	url := f.srv.URL + pagePath

	// The refresh comes after 10 s of virtual time, which passes at once.
	// One run both dumps the DOM and takes the screenshot: Chromium's
	// start-up is most of this test's time.
	shot := filepath.Join(t.TempDir(), "shot.png")
	dom := runChromium(t, chromium, f.srv.URL, "--virtual-time-budget=15000", "--hide-scrollbars",
		"--screenshot="+shot, "--dump-dom", url)
	src.mu.Lock()
	calls := src.calls
	src.mu.Unlock()
	if got := calls; got != 2 {
		t.Errorf("leaderboard reads = %d, want 2 (the page and one refresh)", got)
	}
	for _, want := range []string{
		`data-rendered="1"`, // the script re-rendered once, then stopped: voting closed
		`<h2 id="ranking-title">Bảng xếp hạng</h2>`,
		`id="state" class="state">Bình chọn đã kết thúc<`,
		`<section id="winners" class="winners">`,
		`<span class="badge">Giải 1</span>`,
		`<span class="badge">Hạng 4</span>`,
		`<span class="score">35,5 điểm</span>`,
		`<span class="group">Nhóm Lạng Sơn</span>`,
		`Thùng hóa chất để hở &lt;script&gt;alert("x")&lt;/script&gt;`,
	} {
		if !strings.Contains(dom, want) {
			t.Errorf("rendered DOM lacks %q", want)
		}
	}
	if strings.Contains(dom, `<script>alert`) {
		t.Error("a caption became a script element")
	}
	imgs := regexp.MustCompile(`<img [^>]*src="/c/[^"]*"[^>]*>`).FindAllString(dom, -1)
	if len(imgs) != 6 {
		t.Errorf("photos in the DOM = %d, want 6 (2 winners, 4 ranked):\n%s", len(imgs), dom)
	}
	for _, img := range imgs {
		if !strings.Contains(img, `data-loaded="1"`) {
			t.Errorf("photo did not load: %s", img)
		}
	}

	data, err := os.ReadFile(shot)
	if err != nil {
		t.Fatalf("no screenshot: %v", err)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	b := img.Bounds()
	colours := map[uint32]bool{}
	var sum, sumSq float64
	for y := b.Min.Y; y < b.Max.Y; y += 2 {
		for x := b.Min.X; x < b.Max.X; x += 2 {
			r, g, bl, _ := img.At(x, y).RGBA()
			colours[(r>>11)<<10|(g>>11)<<5|bl>>11] = true // 15-bit colour
			l := 0.299*float64(r>>8) + 0.587*float64(g>>8) + 0.114*float64(bl>>8)
			sum += l
			sumSq += l * l
		}
	}
	n := float64((b.Dx() / 2) * (b.Dy() / 2))
	variance := sumSq/n - (sum/n)*(sum/n)
	t.Logf("screenshot %v: %d distinct colours, luminance variance %.0f", b, len(colours), variance)
	if len(colours) < 1000 || variance < 300 {
		t.Errorf("screenshot looks blank: %d distinct colours (want ≥ 1000), luminance variance %.0f (want ≥ 300)", len(colours), variance)
	}
	if t.Failed() {
		keep := filepath.Join(os.TempDir(), "gallery-chromium-shot.png")
		if err := os.WriteFile(keep, data, 0o644); err == nil {
			t.Logf("screenshot kept at %s", keep)
		}
	}
}

// runChromium runs one headless Chromium and returns its standard output.
// It fails the test on any console message of the page (uncaught errors,
// CSP refusals, failed loads) found in Chromium's log.
func runChromium(t *testing.T, chromium, origin string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	base := []string{
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--disable-default-apps", "--disable-extensions", "--mute-audio",
		"--user-data-dir=" + t.TempDir(), "--window-size=1280,900",
		"--enable-logging=stderr", "--v=0",
	}
	cmd := exec.CommandContext(ctx, chromium, append(base, args...)...)
	cmd.Env = append(os.Environ(), "HOME="+t.TempDir())
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium %v: %v\n%s", args, err, stderr.String())
	}
	t.Logf("chromium: %v", time.Since(start).Round(time.Millisecond))
	for line := range strings.Lines(stderr.String()) {
		console := strings.Contains(line, ":CONSOLE") && strings.Contains(line, origin)
		if console || strings.Contains(line, "Uncaught") || strings.Contains(line, "Content Security Policy") {
			t.Errorf("console: %s", strings.TrimSpace(line))
		}
	}
	return stdout.String()
}

// TestPageInChromiumReopened: a page opened after voting closed keeps
// asking, slowly, so that organisers reopening or extending voting reaches
// the projector: a minute later it shows the live vote again.
func TestPageInChromiumReopened(t *testing.T) {
	chromium := chromiumPath(t)
	live := contest.Leaderboard{State: contest.PhaseVoting, TotalsVisible: true, Prizes: 2, Standings: standings()}
	src := newSource(sampleCohort(true), live)
	src.board = func(call int) contest.Leaderboard {
		if call == 1 {
			return visible()
		}
		return live
	}
	f := newFixture(t, src)
	f.addPhotos(t)
	// 65 s of virtual time: the closed page's slow refresh (60 s) comes
	// once; a live page would have asked every 10 s.
	dom := runChromium(t, chromium, f.srv.URL, "--virtual-time-budget=65000", "--dump-dom", f.srv.URL+pagePath)
	src.mu.Lock()
	calls := src.calls
	src.mu.Unlock()
	if calls != 2 {
		t.Errorf("leaderboard reads = %d, want 2 (the page and one slow refresh)", calls)
	}
	for _, want := range []string{`data-rendered="1"`, `id="state" class="state">Bình chọn đang diễn ra<`} {
		if !strings.Contains(dom, want) {
			t.Errorf("rendered DOM lacks %q:\n%s", want, dom)
		}
	}
}

// chromiumPath is Debian's chromium, which these tests need: .ci/run
// installs it where it is missing, and its absence fails the test.
func chromiumPath(t *testing.T) string {
	t.Helper()
	chromium, err := exec.LookPath("chromium")
	if err != nil {
		t.Fatalf("this test needs Debian's chromium (apt-get install chromium; .ci/run installs it): %v", err)
	}
	return chromium
}
