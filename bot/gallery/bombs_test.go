package gallery_test

import (
	"bufio"
	"bytes"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/cohortbot/cohortbot/bot/contest"
	"github.com/cohortbot/cohortbot/internal/imagebomb"
)

// hostileSet is what a trainee could send as contest documents: entry
// number, name and bytes. Some are refused from their header; the
// others fit the decoding budget one at a time but not all at once.
func hostileSet(tb testing.TB) []struct {
	n    int64
	name string
	raw  []byte
} {
	return []struct {
		n    int64
		name string
		raw  []byte
	}{
		{1, "progressive-cmyk-6000.jpg", imagebomb.ProgressiveJPEG(6000, 6000, true, false)},
		{2, "progressive-cmyk-3000.jpg", imagebomb.ProgressiveJPEG(3000, 3000, true, false)},
		{3, "png16-5000.png", imagebomb.PNG16(5000, 5000)},
		{4, "png16-2500.png", imagebomb.PNG16(2500, 2500)},
		{5, "truncated-2800.jpg", imagebomb.ProgressiveJPEG(2800, 2800, false, true)},
		{6, "truncated-cmyk-6000.jpg", imagebomb.ProgressiveJPEG(6000, 6000, true, true)},
		{7, "progressive-2800.jpg", imagebomb.ProgressiveJPEG(2800, 2800, false, false)},
		{8, "progressive-2600.jpg", imagebomb.ProgressiveJPEG(2600, 2900, false, false)},
		{9, "huge-100000.png", imagebomb.HugePNG(100_000, 100_000)},
		{10, "ordinary-photo.jpg", mustJPEG(tb, 1600, 1200, 3)},
	}
}

const peakLimit = 300 << 20

// TestHostileImagesPeakMemory requests ten hostile images from the
// gallery at once, in a child process whose peak resident memory
// (VmHWM, reset after start-up) is the measure: it stays under 300 MB.
func TestHostileImagesPeakMemory(t *testing.T) {
	if dir := os.Getenv("HF_BOMBS_CHILD"); dir != "" {
		bombsChild(t, dir)
		return
	}
	if runtime.GOOS != "linux" {
		t.Skip("reads /proc/self/status")
	}
	dir := t.TempDir()
	for _, b := range hostileSet(t) {
		if err := os.WriteFile(filepath.Join(dir, strconv.FormatInt(b.n, 10)), b.raw, 0o600); err != nil {
			t.Fatal(err)
		}
		t.Logf("entry %d: %s, %d KB", b.n, b.name, len(b.raw)>>10)
	}
	exe := os.Args[0]
	if raceEnabled {
		exe = filepath.Join(t.TempDir(), "gallery.test")
		build := exec.Command("go", "test", "-c", "-o", exe, ".")
		if out, err := build.CombinedOutput(); err != nil {
			t.Fatalf("build the child without -race: %v\n%s", err, out)
		}
	}
	cmd := exec.Command(exe, "-test.run=^TestHostileImagesPeakMemory$", "-test.v", "-test.count=1")
	cmd.Env = append(os.Environ(), "HF_BOMBS_CHILD="+dir)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	var peak, heap int64 = -1, -1
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if v, ok := strings.CutPrefix(line, "PEAK_RSS="); ok {
			peak, _ = strconv.ParseInt(v, 10, 64)
		}
		if v, ok := strings.CutPrefix(line, "HEAP="); ok {
			heap, _ = strconv.ParseInt(v, 10, 64)
		}
	}
	if peak < 0 {
		t.Fatalf("child reported no peak:\n%s", out)
	}
	t.Logf("peak resident memory %d MB (heap objects at the end %d MB); child said:\n%s", peak>>20, heap>>20, out)
	if peak >= peakLimit {
		t.Errorf("peak resident memory = %d MB, want < %d MB", peak>>20, peakLimit>>20)
	}
}

// bombsChild serves the hostile images and measures.
func bombsChild(t *testing.T, dir string) {
	var standings []contest.Standing
	raws := map[string][]byte{}
	for _, b := range hostileSet(t) {
		raw, err := os.ReadFile(filepath.Join(dir, strconv.FormatInt(b.n, 10)))
		if err != nil {
			t.Fatal(err)
		}
		id := fmt.Sprintf("bomb%d", b.n)
		raws[id] = raw
		standings = append(standings, contest.Standing{Entry: contest.Entry{N: b.n, FileID: id, Status: contest.EntryApproved}})
	}
	lb := visible()
	lb.Standings = standings
	f := newFixture(t, newSource(sampleCohort(false), lb))
	for id, raw := range raws {
		f.tg.AddFile(id, "u"+id, raw)
	}
	runtime.GC()
	// Reset the high-water mark: what follows is measured.
	if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0); err != nil {
		t.Fatalf("reset VmHWM: %v", err)
	}
	var wg sync.WaitGroup
	status := make([]int, len(standings))
	for i, s := range standings {
		wg.Go(func() {
			resp, err := http.Get(f.srv.URL + "/c/" + cohortID + "/media/" + strconv.FormatInt(s.N, 10) + "?key=" + viewKey)
			if err != nil {
				t.Error(err)
				return
			}
			defer resp.Body.Close()
			var b bytes.Buffer
			_, _ = b.ReadFrom(resp.Body)
			status[i] = resp.StatusCode
		})
	}
	wg.Wait()
	for i, s := range standings {
		fmt.Printf("entry %d: HTTP %d\n", s.N, status[i])
	}
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(sample)
	fmt.Printf("HEAP=%d\n", sample[0].Value.Uint64())
	fmt.Printf("PEAK_RSS=%d\n", vmHWM(t))
}

// vmHWM is the process's peak resident set size, in bytes.
func vmHWM(t *testing.T) int64 {
	raw, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	for line := range strings.SplitSeq(string(raw), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return kb << 10
		}
	}
	t.Fatal("no VmHWM in /proc/self/status")
	return 0
}

// TestMediaRemembersFailures: a photo that cannot be decoded (a truncated
// progressive JPEG, which fails only after allocating everything) is
// fetched and decoded once, not on every request of the projector page.
func TestMediaRemembersFailures(t *testing.T) {
	lb := visible()
	lb.Standings = []contest.Standing{{Entry: contest.Entry{N: 5, FileID: "trunc5", Status: contest.EntryApproved}}}
	f := newFixture(t, newSource(sampleCohort(false), lb))
	f.tg.AddFile("trunc5", "utrunc5", imagebomb.ProgressiveJPEG(2800, 2800, false, true))
	for range 3 {
		if resp, _ := f.get(t, "/c/"+cohortID+"/media/5?key="+viewKey); resp.StatusCode != http.StatusBadGateway {
			t.Fatalf("truncated photo: status = %d, want 502", resp.StatusCode)
		}
	}
	if n := len(f.tg.Calls("getFile")); n != 1 {
		t.Errorf("getFile calls = %d, want 1 for three requests of a photo that cannot be decoded", n)
	}
}
