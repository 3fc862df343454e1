package gallery_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/cohortbot/cohortbot/bot"
	"github.com/cohortbot/cohortbot/bot/contest"
	"github.com/cohortbot/cohortbot/bot/gallery"
	"github.com/cohortbot/cohortbot/bot/plan"
	"github.com/cohortbot/cohortbot/bot/telegram"
	"github.com/cohortbot/cohortbot/bot/telegram/telegramtest"
)

// The contest is the source serve mounts the gallery on.
var _ gallery.Source = (*contest.Contest)(nil)

// fakeSource is a contest in memory. Leaderboards come from board, which
// sees how many times it was asked, so a test can change the contest
// between the page and its refresh.
type fakeSource struct {
	mu      sync.Mutex
	cohorts map[string]*bot.Cohort
	board   func(call int) contest.Leaderboard
	calls   int
	files   map[int64]string // approved entries' file ids
	asked   []bool           // the organiser flag of every Leaderboard call
}

func (s *fakeSource) Cohort(_ context.Context, id string) (*bot.Cohort, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.cohorts[id]
	if !ok {
		return nil, bot.ErrNotFound
	}
	return c, nil
}

func (s *fakeSource) Leaderboard(_ context.Context, c *bot.Cohort, _ time.Time, organiser bool) (contest.Leaderboard, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	s.asked = append(s.asked, organiser)
	return s.board(s.calls), nil
}

func (s *fakeSource) EntryFile(_ context.Context, _ *bot.Cohort, n int64) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id, ok := s.files[n]
	if !ok {
		return "", bot.ErrNotFound
	}
	return id, nil
}

const (
	cohortID = "k7m2x9pq"
	viewKey  = "Vk3yForTheProjector2017xy"
)

// sampleCohort has the course's contest; showGroup sets the plan's show_group.
func sampleCohort(showGroup bool) *bot.Cohort {
	return &bot.Cohort{
		ID:      cohortID,
		Name:    "Nâng cao kỹ năng thực hành đánh giá SXSH – đợt 2",
		ViewKey: viewKey,
		Plan: &plan.Plan{
			Name:    "Nâng cao kỹ năng thực hành đánh giá SXSH – đợt 2",
			Contest: &plan.Contest{Prizes: 2, ShowGroup: showGroup, Totals: "hidden"},
		},
	}
}

// standings are four approved entries in rank order, counts included.
func standings() []contest.Standing {
	e := func(n int64, group, category, caption string, rank, votes int, score float64) contest.Standing {
		return contest.Standing{
			Entry: contest.Entry{N: n, Cohort: cohortID, Group: group, Category: category, Caption: caption,
				FileID: fileID(n), Status: contest.EntryApproved},
			Rank: rank, Votes: votes, Score: score,
		}
	}
	return []contest.Standing{
		e(12, "Lạng Sơn", "Năng lượng", "Lò hơi không bảo ôn, nhiệt thất thoát ra xưởng…", 1, 31, 35.5),
		e(3, "Hải Phòng", "Nước", "Vòi nước rửa chảy suốt ca", 2, 31, 33),
		e(7, "Bà Rịa – Vũng Tàu", "Hóa chất", `Thùng hóa chất để hở <script>alert("x")</script>`, 3, 12, 12.25),
		e(20, "", "Chất thải", "", 4, 0, 0),
	}
}

func fileID(n int64) string { return "AgACAgIAAxkBAAIB" + string(rune('A'+n)) + "photo" }

// newSource is a source whose every Leaderboard call returns lb.
func newSource(c *bot.Cohort, lb contest.Leaderboard) *fakeSource {
	files := map[int64]string{}
	for _, s := range lb.Standings {
		files[s.N] = s.FileID
	}
	return &fakeSource{
		cohorts: map[string]*bot.Cohort{c.ID: c},
		board:   func(int) contest.Leaderboard { return lb },
		files:   files,
	}
}

// visible is the leaderboard once voting has closed.
func visible() contest.Leaderboard {
	return contest.Leaderboard{State: contest.PhaseClosed, TotalsVisible: true, Prizes: 2, Standings: standings()}
}

// hidden is the leaderboard during voting with hidden totals, as a careless
// source might give it: in rank order and with counts.
func hidden() contest.Leaderboard {
	return contest.Leaderboard{State: contest.PhaseVoting, TotalsVisible: false, Prizes: 2, Standings: standings()}
}

// fixture is the handler under test in front of the fake Telegram server.
type fixture struct {
	tg  *telegramtest.Server
	src *fakeSource
	srv *httptest.Server
	log *bytes.Buffer
}

func newFixture(t *testing.T, src *fakeSource) *fixture {
	t.Helper()
	tg := telegramtest.New(t)
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&syncWriter{w: &logs}, nil))
	client, err := telegram.New(t.Context(), tg.Token(), tg.URL(), log)
	if err != nil {
		t.Fatalf("telegram.New: %v", err)
	}
	now := time.Date(2017, 10, 31, 9, 0, 0, 0, time.UTC)
	srv := httptest.NewServer(gallery.Handler(src, client, func() time.Time { return now }, log))
	t.Cleanup(srv.Close)
	return &fixture{tg: tg, src: src, srv: srv, log: &logs}
}

// addPhotos gives the fake Telegram server a photo for every entry.
func (f *fixture) addPhotos(t *testing.T) {
	t.Helper()
	for n, id := range f.src.files {
		f.tg.AddFile(id, "u"+id, mustJPEG(t, 640, 480, int(n)))
	}
}

type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

// get fetches a path of the server.
func (f *fixture) get(t *testing.T, path string) (*http.Response, []byte) {
	t.Helper()
	resp, err := http.Get(f.srv.URL + path)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	return resp, body
}

// mustJPEG draws a colourful test card: gradients, a hue that depends on
// seed, and bands, so that a screenshot of it has many colours.
func mustJPEG(tb testing.TB, w, h, seed int) []byte {
	tb.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			r := uint8(x * 255 / w)
			g := uint8(y * 255 / h)
			b := uint8((x + y + seed*53) % 256)
			if (x/40+y/40+seed)%5 == 0 {
				r, g = 255-g, 255-r
			}
			img.SetRGBA(x, y, color.RGBA{r, g, b, 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90}); err != nil {
		tb.Fatalf("encode jpeg: %v", err)
	}
	return buf.Bytes()
}

// Secrets written into the test photo's metadata; none may come out.
const (
	exifCamera  = "SECRET-CAMERA-SN-4711"
	exifComment = "taken at the enterprise's boiler room"
)

// withExif inserts, right after SOI, an APP1 Exif segment (little-endian
// TIFF) with the orientation, the camera's make, and a GPS IFD placing the
// photo in Lạng Sơn, then a COM segment.
func withExif(tb testing.TB, jpg []byte, orientation uint16) []byte {
	tb.Helper()
	if len(jpg) < 2 || jpg[0] != 0xFF || jpg[1] != 0xD8 {
		tb.Fatal("withExif: not a jpeg")
	}
	le := binary.LittleEndian
	var t []byte
	u16 := func(v uint16) { t = le.AppendUint16(t, v) }
	u32 := func(v uint32) { t = le.AppendUint32(t, v) }
	entry := func(tag, typ uint16, count, value uint32) { u16(tag); u16(typ); u32(count); u32(value) }
	const (
		typeASCII, typeShort, typeLong, typeRational        = 2, 3, 4, 5
		ifd0                                         uint32 = 8
		ifd0Size                                            = 2 + 3*12 + 4
		makeOff                                             = ifd0 + ifd0Size
		gpsOff                                              = makeOff + uint32(len(exifCamera)) + 1
		gpsSize                                             = 2 + 4*12 + 4
		latOff                                              = gpsOff + gpsSize
		lonOff                                              = latOff + 24
	)
	t = append(t, 'I', 'I')
	u16(42)
	u32(ifd0)
	// IFD0: make, orientation, GPS pointer (tags in ascending order).
	u16(3)
	entry(0x010F, typeASCII, uint32(len(exifCamera))+1, makeOff)
	entry(0x0112, typeShort, 1, uint32(orientation))
	entry(0x8825, typeLong, 1, gpsOff)
	u32(0)
	t = append(append(t, exifCamera...), 0)
	// GPS IFD: 21°51'N 106°45'E.
	u16(4)
	entry(0x0001, typeASCII, 2, uint32('N'))
	entry(0x0002, typeRational, 3, latOff)
	entry(0x0003, typeASCII, 2, uint32('E'))
	entry(0x0004, typeRational, 3, lonOff)
	u32(0)
	for _, v := range []uint32{21, 1, 51, 1, 0, 1, 106, 1, 45, 1, 0, 1} {
		u32(v)
	}
	if len(t) != int(lonOff)+24 {
		tb.Fatalf("withExif: tiff is %d bytes, layout says %d", len(t), lonOff+24)
	}
	app1 := append([]byte("Exif\x00\x00"), t...)
	var out []byte
	out = append(out, 0xFF, 0xD8, 0xFF, 0xE1)
	out = binary.BigEndian.AppendUint16(out, uint16(len(app1)+2))
	out = append(out, app1...)
	out = append(out, 0xFF, 0xFE)
	out = binary.BigEndian.AppendUint16(out, uint16(len(exifComment)+2))
	out = append(out, exifComment...)
	return append(out, jpg[2:]...)
}

// markers lists a JPEG's markers up to the start of scan.
func markers(jpg []byte) []byte {
	var ms []byte
	for i := 2; i+4 <= len(jpg) && jpg[i] == 0xFF; {
		m := jpg[i+1]
		ms = append(ms, m)
		if m == 0xDA {
			break
		}
		i += 2 + int(binary.BigEndian.Uint16(jpg[i+2:]))
	}
	return ms
}
