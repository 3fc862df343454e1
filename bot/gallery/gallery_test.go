package gallery_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"flag"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/cohortbot/cohortbot/bot/contest"
	"github.com/cohortbot/cohortbot/bot/gallery"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

const (
	pagePath  = "/c/" + cohortID + "/gallery?key=" + viewKey
	apiPath   = "/api/c/" + cohortID + "/leaderboard?key=" + viewKey
	mediaPath = "/c/" + cohortID + "/media/12?key=" + viewKey
)

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden file (run with -update to create it): %v", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file:\ngot:\n%s\nwant:\n%s", name, got, want)
	}
}

func TestLeaderboardJSON(t *testing.T) {
	rejected := visible()
	rejected.Standings = append(rejected.Standings, contest.Standing{
		Entry: contest.Entry{N: 30, Caption: "bị từ chối", Status: contest.EntryRejected}, Rank: 5,
	})
	tests := []struct {
		name      string
		showGroup bool
		lb        contest.Leaderboard
		golden    string
	}{
		{name: "totals visible", lb: visible(), golden: "leaderboard_visible.json"},
		{name: "totals hidden", lb: hidden(), golden: "leaderboard_hidden.json"},
		{name: "show group", showGroup: true, lb: visible(), golden: "leaderboard_group.json"},
		{name: "show group hidden", showGroup: true, lb: hidden(), golden: "leaderboard_group_hidden.json"},
		{name: "only approved", lb: rejected, golden: "leaderboard_visible.json"},
		{name: "empty", lb: contest.Leaderboard{State: contest.PhaseSubmissions}, golden: "leaderboard_empty.json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := newSource(sampleCohort(tt.showGroup), tt.lb)
			f := newFixture(t, src)
			resp, body := f.get(t, apiPath)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status = %d, want 200; body %s", resp.StatusCode, body)
			}
			if got, want := resp.Header.Get("Content-Type"), "application/json; charset=utf-8"; got != want {
				t.Errorf("Content-Type = %q, want %q", got, want)
			}
			if got, want := resp.Header.Get("Cache-Control"), "no-store"; got != want {
				t.Errorf("Cache-Control = %q, want %q", got, want)
			}
			golden(t, tt.golden, body)
			if len(src.asked) != 1 || src.asked[0] {
				t.Errorf("Leaderboard organiser flags = %v, want one call as a non-organiser", src.asked)
			}
		})
	}
}

// The golden files are checked by eye once; this states their rules so
// that an -update cannot quietly break them.
func TestLeaderboardJSONRules(t *testing.T) {
	type photo map[string]any
	decode := func(t *testing.T, lb contest.Leaderboard, showGroup bool) (state string, visible bool, photos []photo) {
		t.Helper()
		f := newFixture(t, newSource(sampleCohort(showGroup), lb))
		_, body := f.get(t, apiPath)
		var got struct {
			State         string  `json:"state"`
			TotalsVisible *bool   `json:"totals_visible"`
			Photos        []photo `json:"photos"`
		}
		if err := json.Unmarshal(body, &got); err != nil {
			t.Fatalf("decode %s: %v", body, err)
		}
		if got.TotalsVisible == nil || got.Photos == nil {
			t.Fatalf("totals_visible or photos missing in %s", body)
		}
		return got.State, *got.TotalsVisible, got.Photos
	}
	ids := func(ps []photo) []any {
		var out []any
		for _, p := range ps {
			out = append(out, p["id"])
		}
		return out
	}

	t.Run("hidden: entry order, no counts, no group", func(t *testing.T) {
		state, vis, photos := decode(t, hidden(), false)
		if state != "voting" || vis {
			t.Errorf("state, totals_visible = %q, %v; want voting, false", state, vis)
		}
		if got, want := ids(photos), []any{"3", "7", "12", "20"}; !equalAny(got, want) {
			t.Errorf("ids = %v, want entry order %v", got, want)
		}
		for _, p := range photos {
			for _, k := range []string{"rank", "votes", "score", "group"} {
				if _, ok := p[k]; ok {
					t.Errorf("photo %v has %q while totals are hidden / groups not shown", p["id"], k)
				}
			}
		}
	})
	t.Run("visible: rank order with counts", func(t *testing.T) {
		_, vis, photos := decode(t, visible(), true)
		if !vis {
			t.Error("totals_visible = false, want true")
		}
		if got, want := ids(photos), []any{"12", "3", "7", "20"}; !equalAny(got, want) {
			t.Errorf("ids = %v, want rank order %v", got, want)
		}
		last := photos[3]
		if last["rank"] != 4.0 || last["votes"] != 0.0 || last["score"] != 0.0 || last["group"] != "" {
			t.Errorf("last photo = %v, want rank 4 and zero counts present, group present", last)
		}
		if got, want := photos[0]["image"], "/c/"+cohortID+"/media/12?key="+viewKey; got != want {
			t.Errorf("image = %v, want %v", got, want)
		}
	})
	t.Run("closed: groups shown, as in the chat's results, whatever show_group", func(t *testing.T) {
		_, _, photos := decode(t, visible(), false)
		if photos[0]["group"] != "Lạng Sơn" {
			t.Errorf("winner = %v, want its group", photos[0])
		}
	})
}

func equalAny(a, b []any) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestWrongKeyIsNotFound(t *testing.T) {
	other := sampleCohort(false)
	other.ID, other.ViewKey = "other123", "AnotherCohortsKey"
	keyless := sampleCohort(false)
	keyless.ID, keyless.ViewKey = "keyless1", ""
	src := newSource(sampleCohort(false), visible())
	src.cohorts[other.ID] = other
	src.cohorts[keyless.ID] = keyless
	f := newFixture(t, src)
	f.addPhotos(t)

	_, want := f.get(t, "/c/"+cohortID+"/nothing-here")
	routes := []struct{ name, prefix, suffix string }{
		{"page", "/c/", "/gallery"},
		{"json", "/api/c/", "/leaderboard"},
		{"media", "/c/", "/media/12"},
	}
	cases := []struct{ name, cohort, query string }{
		{"missing key", cohortID, ""},
		{"empty key", cohortID, "?key="},
		{"wrong key", cohortID, "?key=" + viewKey + "x"},
		{"prefix of the key", cohortID, "?key=" + viewKey[:10]},
		{"another cohort's key", cohortID, "?key=AnotherCohortsKey"},
		{"unknown cohort", "nosuch99", "?key=" + viewKey},
		{"cohort without a key", "keyless1", "?key="},
		{"malformed cohort", "k7m2x9pq%7B", "?key=" + viewKey},
	}
	for _, r := range routes {
		for _, c := range cases {
			t.Run(r.name+"/"+c.name, func(t *testing.T) {
				resp, body := f.get(t, r.prefix+c.cohort+r.suffix+c.query)
				if resp.StatusCode != http.StatusNotFound {
					t.Errorf("status = %d, want 404", resp.StatusCode)
				}
				if !bytes.Equal(body, want) {
					t.Errorf("body = %q, want the same as any unknown path: %q", body, want)
				}
			})
		}
		t.Run(r.name+"/right key", func(t *testing.T) {
			if resp, body := f.get(t, r.prefix+cohortID+r.suffix+"?key="+viewKey); resp.StatusCode != http.StatusOK {
				t.Errorf("status = %d, want 200; body %.200s", resp.StatusCode, body)
			}
		})
	}
	if n := len(f.tg.Calls("getFile")); n != 1 {
		t.Errorf("getFile calls = %d, want 1 (only the right key fetches)", n)
	}
}

func TestPage(t *testing.T) {
	c := sampleCohort(true)
	c.Name = `Khóa <b>SXSH</b> & "đợt 2"`
	f := newFixture(t, newSource(c, visible()))
	resp, body := f.get(t, pagePath)
	page := string(body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status = %d; body %s", resp.StatusCode, body)
	}
	for header, want := range map[string]string{
		"Content-Type":           "text/html; charset=utf-8",
		"Cache-Control":          "no-store",
		"X-Content-Type-Options": "nosniff",
		"Referrer-Policy":        "no-referrer",
	} {
		if got := resp.Header.Get(header); got != want {
			t.Errorf("%s = %q, want %q", header, got, want)
		}
	}
	for _, want := range []string{
		"<title>Bảng xếp hạng · Khóa &lt;b&gt;SXSH&lt;/b&gt; &amp; &#34;đợt 2&#34;</title>",
		"Bình chọn đã kết thúc",
		"Ảnh đoạt giải",
		">Giải 1<", ">Giải 2<", ">Hạng 3<", ">Hạng 4<",
		">31 phiếu<", ">35,5 điểm<", ">12,25 điểm<",
		">Nhóm Lạng Sơn<", ">Năng lượng<",
		`Thùng hóa chất để hở &lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;`,
		`src="/c/` + cohortID + `/media/12?key=` + viewKey + `"`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	for _, bad := range []string{
		"<b>SXSH", `<script>alert`, f.tg.Token(), "api.telegram", "/file/bot", "AgACAgIA",
	} {
		if strings.Contains(page, bad) {
			t.Errorf("page contains %q", bad)
		}
	}
	// Two winners (prizes: 2), each also in the ranking.
	if got := strings.Count(page, `class="badge">Giải `); got != 2 {
		t.Errorf("winner badges = %d, want 2", got)
	}
	if got := strings.Count(page, `<img src="/c/`); got != 6 {
		t.Errorf("photos on the page = %d, want 6 (2 winners and 4 in the ranking)", got)
	}
	if strings.Contains(page, `id="live" class="live">`) {
		t.Error("the closed contest's page says it refreshes itself")
	}
}

func TestPageHiddenTotals(t *testing.T) {
	f := newFixture(t, newSource(sampleCohort(false), hidden()))
	_, body := f.get(t, pagePath)
	page := string(body)
	for _, want := range []string{
		"Bình chọn đang diễn ra",
		"Số phiếu và thứ hạng được ẩn cho đến khi bình chọn kết thúc.",
		`id="live" class="live">`,
		`<span class="votes" hidden></span>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	for _, bad := range []string{"31 phiếu", "35,5", "Giải 1", "Hạng 1", "Lạng Sơn", `id="winners" class="winners">`} {
		if strings.Contains(page, bad) {
			t.Errorf("page shows %q while totals are hidden", bad)
		}
	}
	// Entry order, so that the order tells nothing.
	re := regexp.MustCompile(`data-id="(\d+)"`)
	var order []string
	for _, m := range re.FindAllStringSubmatch(page, -1) {
		order = append(order, m[1])
	}
	if got, want := strings.Join(order, ","), "3,7,12,20"; got != want {
		t.Errorf("cards in order %s, want %s", got, want)
	}
}

// The policy allows the inline style and script by their hashes, and
// nothing from anywhere else.
func TestPageContentSecurityPolicy(t *testing.T) {
	f := newFixture(t, newSource(sampleCohort(false), hidden()))
	resp, body := f.get(t, pagePath)
	csp := resp.Header.Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'none'", "img-src 'self'", "connect-src 'self'", "frame-ancestors 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	for _, bad := range []string{"unsafe-inline", "unsafe-eval", "http:", "https:", "*"} {
		if strings.Contains(csp, bad) {
			t.Errorf("CSP %q contains %q", csp, bad)
		}
	}
	inline := map[string]*regexp.Regexp{
		"style-src":  regexp.MustCompile(`(?s)<style>(.*?)</style>`),
		"script-src": regexp.MustCompile(`(?s)<script>(.*?)</script>`),
	}
	for directive, re := range inline {
		ms := re.FindAllSubmatch(body, -1)
		if len(ms) != 1 {
			t.Fatalf("%d inline blocks for %s, want 1", len(ms), directive)
		}
		sum := sha256.Sum256(ms[0][1])
		want := directive + " 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	if bytes.Contains(body, []byte("http://")) || bytes.Contains(body, []byte("https://")) {
		t.Error("page refers to an absolute URL: it must work offline and under default-src 'none'")
	}
}

func TestMediaStripsMetadata(t *testing.T) {
	src := newSource(sampleCohort(false), visible())
	f := newFixture(t, src)
	original := withExif(t, mustJPEG(t, 64, 48, 1), 1)
	f.tg.AddFile(fileID(12), "u12", original)
	if !bytes.Contains(original, []byte(exifCamera)) || !bytes.Contains(original, []byte("Exif\x00\x00")) {
		t.Fatal("the test photo has no metadata to strip")
	}
	if _, err := jpeg.Decode(bytes.NewReader(original)); err != nil {
		t.Fatalf("the test photo does not decode: %v", err)
	}

	resp, body := f.get(t, mediaPath)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status = %d; body %s", resp.StatusCode, body)
	}
	for header, want := range map[string]string{
		"Content-Type":           "image/jpeg",
		"Cache-Control":          "private, max-age=300",
		"X-Content-Type-Options": "nosniff",
	} {
		if got := resp.Header.Get(header); got != want {
			t.Errorf("%s = %q, want %q", header, got, want)
		}
	}
	img, err := jpeg.Decode(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("served photo does not decode: %v", err)
	}
	if b := img.Bounds(); b.Dx() != 64 || b.Dy() != 48 {
		t.Errorf("served photo is %v, want 64x48", b)
	}
	for _, secret := range [][]byte{{0xFF, 0xE1}, []byte("Exif"), []byte("II*\x00"), []byte(exifCamera), []byte(exifComment)} {
		if bytes.Contains(body, secret) {
			t.Errorf("served photo contains %q", secret)
		}
	}
	for _, m := range markers(body) {
		if m >= 0xE0 && m <= 0xEF || m == 0xFE {
			t.Errorf("served photo has an APP%d/COM segment (marker %#x)", m-0xE0, m)
		}
	}
}

func TestMediaImages(t *testing.T) {
	wide := image.NewNRGBA(image.Rect(0, 0, 2000, 200))
	for i := range wide.Pix {
		wide.Pix[i] = uint8(i)
	}
	transparent := image.NewNRGBA(image.Rect(0, 0, 10, 10))
	var widePNG, clearPNG bytes.Buffer
	if err := png.Encode(&widePNG, wide); err != nil {
		t.Fatal(err)
	}
	if err := png.Encode(&clearPNG, transparent); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		data  []byte
		w, h  int
		check func(t *testing.T, img image.Image)
	}{
		{name: "exif turned left is turned upright", data: withExif(t, mustJPEG(t, 40, 20, 2), 6), w: 20, h: 40},
		{name: "exif upside down keeps its size", data: withExif(t, mustJPEG(t, 40, 20, 2), 3), w: 40, h: 20},
		{name: "png larger than a projector is scaled", data: widePNG.Bytes(), w: 1920, h: 192},
		{name: "twice a projector is shrunk, then scaled", data: uniformJPEG(t, 4000, 60, color.RGBA{200, 30, 40, 255}), w: 1920, h: 29,
			check: func(t *testing.T, img image.Image) {
				if r, g, b, _ := img.At(960, 14).RGBA(); r>>8 < 185 || g>>8 > 45 || b>>8 > 55 {
					t.Errorf("pixel = %v, want the photo's red", img.At(960, 14))
				}
			}},
		{name: "transparency becomes white", data: clearPNG.Bytes(), w: 10, h: 10, check: func(t *testing.T, img image.Image) {
			if r, g, b, _ := img.At(5, 5).RGBA(); r < 0xF000 || g < 0xF000 || b < 0xF000 {
				t.Errorf("pixel = %v, want white", img.At(5, 5))
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, newSource(sampleCohort(false), visible()))
			f.tg.AddFile(fileID(12), "u12", tt.data)
			resp, body := f.get(t, mediaPath)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status = %d; body %s", resp.StatusCode, body)
			}
			img, format, err := image.Decode(bytes.NewReader(body))
			if err != nil || format != "jpeg" {
				t.Fatalf("decode = %s, %v; want a jpeg", format, err)
			}
			if b := img.Bounds(); b.Dx() != tt.w || b.Dy() != tt.h {
				t.Errorf("size = %dx%d, want %dx%d", b.Dx(), b.Dy(), tt.w, tt.h)
			}
			if tt.check != nil {
				tt.check(t, img)
			}
		})
	}
}

func uniformJPEG(t *testing.T, w, h int, c color.RGBA) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := 0; i < len(img.Pix); i += 4 {
		copy(img.Pix[i:i+4], []byte{c.R, c.G, c.B, c.A})
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 95}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// Orientation 6 means the camera was turned: what was the stored image's
// left column is the served image's top row.
func TestMediaOrientationPixels(t *testing.T) {
	src := image.NewRGBA(image.Rect(0, 0, 40, 20))
	for y := range 20 {
		for x := range 40 {
			c := color.RGBA{0, 0, 255, 255} // blue right half
			if x < 20 {
				c = color.RGBA{255, 0, 0, 255} // red left half
			}
			src.SetRGBA(x, y, c)
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, src, &jpeg.Options{Quality: 95}); err != nil {
		t.Fatal(err)
	}
	f := newFixture(t, newSource(sampleCohort(false), visible()))
	f.tg.AddFile(fileID(12), "u12", withExif(t, buf.Bytes(), 6))
	_, body := f.get(t, mediaPath)
	img, err := jpeg.Decode(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	top, bottom := img.At(10, 3), img.At(10, 36)
	if r, _, b, _ := top.RGBA(); r < 0xC000 || b > 0x4000 {
		t.Errorf("top = %v, want red (the stored left side)", top)
	}
	if r, _, b, _ := bottom.RGBA(); b < 0xC000 || r > 0x4000 {
		t.Errorf("bottom = %v, want blue", bottom)
	}
}

func TestMediaOnlyApprovedEntries(t *testing.T) {
	src := newSource(sampleCohort(false), visible())
	f := newFixture(t, src)
	f.addPhotos(t)
	// Entry 40 exists on Telegram but is not approved: the source does not
	// give its file.
	f.tg.AddFile("pending-file", "u-pending", mustJPEG(t, 32, 32, 4))
	for _, path := range []string{"/media/40", "/media/0", "/media/-1", "/media/abc", "/media/99999999999999999999"} {
		resp, _ := f.get(t, "/c/"+cohortID+path+"?key="+viewKey)
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s: status = %d, want 404", path, resp.StatusCode)
		}
	}
	if n := len(f.tg.Calls("getFile")); n != 0 {
		t.Errorf("getFile calls = %d, want none", n)
	}
}

func TestMediaCached(t *testing.T) {
	src := newSource(sampleCohort(false), visible())
	f := newFixture(t, src)
	f.addPhotos(t)
	const viewers = 12
	var wg sync.WaitGroup
	bodies := make([][]byte, viewers)
	for i := range viewers {
		wg.Go(func() {
			resp, err := http.Get(f.srv.URL + mediaPath)
			if err != nil {
				t.Error(err)
				return
			}
			defer resp.Body.Close()
			var b bytes.Buffer
			_, _ = b.ReadFrom(resp.Body)
			bodies[i] = b.Bytes()
		})
	}
	wg.Wait()
	for i, b := range bodies {
		if len(b) == 0 || !bytes.Equal(b, bodies[0]) {
			t.Fatalf("viewer %d got %d bytes, want the same photo as viewer 0", i, len(b))
		}
	}
	_, again := f.get(t, mediaPath)
	if !bytes.Equal(again, bodies[0]) {
		t.Error("a later request got another photo")
	}
	if n := len(f.tg.Calls("getFile")); n != 1 {
		t.Errorf("getFile calls = %d, want 1 for %d viewers and a later request", n, viewers+1)
	}

	// When the entry stops being approved, the cached photo is not served.
	src.mu.Lock()
	delete(src.files, 12)
	src.mu.Unlock()
	if resp, _ := f.get(t, mediaPath); resp.StatusCode != http.StatusNotFound {
		t.Errorf("withdrawn entry: status = %d, want 404", resp.StatusCode)
	}
}

func TestMediaTelegramFailure(t *testing.T) {
	src := newSource(sampleCohort(false), visible())
	f := newFixture(t, src) // no photos on the fake Telegram server
	resp, body := f.get(t, mediaPath)
	if resp.StatusCode != http.StatusBadGateway {
		t.Errorf("status = %d, want 502", resp.StatusCode)
	}
	for _, out := range []string{string(body), f.log.String()} {
		if strings.Contains(out, f.tg.Token()) {
			t.Errorf("token leaked: %s", out)
		}
	}
	if !strings.Contains(f.log.String(), "gallery: photo 12") {
		t.Errorf("log = %q, want the failure logged", f.log.String())
	}

	f.tg.AddFile(fileID(12), "u12", []byte("%PDF-1.4 not a photo"))
	if resp, _ := f.get(t, mediaPath); resp.StatusCode != http.StatusBadGateway {
		t.Errorf("not an image: status = %d, want 502", resp.StatusCode)
	}
}

func TestPatterns(t *testing.T) {
	got := gallery.Patterns()
	want := []string{"GET /c/{cohort}/gallery", "GET /api/c/{cohort}/leaderboard", "GET /c/{cohort}/media/{n}"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("Patterns() = %q, want %q", got, want)
	}
	// Mounted on an outer mux the way web.Routes.Extra does it.
	h := gallery.Handler(newSource(sampleCohort(false), hidden()), nil, nil, nil)
	mux := http.NewServeMux()
	for _, p := range got {
		mux.Handle(p, h)
	}
	for _, path := range []string{pagePath, apiPath} {
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		if rec.Code != http.StatusOK {
			t.Errorf("%s through an outer mux: status %d", path, rec.Code)
		}
	}
}

// TestPageNoPrizeWithoutVotes: a photo within the prizes that nobody voted
// for is ranked but wins nothing, as in the chat's announcement.
func TestPageNoPrizeWithoutVotes(t *testing.T) {
	lb := visible()
	lb.Prizes = 4 // the fourth has no vote
	f := newFixture(t, newSource(sampleCohort(true), lb))
	_, body := f.get(t, pagePath)
	page := string(body)
	if got := strings.Count(page, `class="badge">Giải `); got != 3 {
		t.Errorf("winner badges = %d, want 3 (the photo without a vote wins nothing)", got)
	}
	if !strings.Contains(page, `class="badge">Hạng 4`) {
		t.Error("the photo without a vote is missing from the ranking")
	}
}
