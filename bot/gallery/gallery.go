// Package gallery owns the contest's public web side: the projector page
// of the award ceremony (GET /c/{cohort}/gallery), its JSON
// (GET /api/c/{cohort}/leaderboard) and the entries' photos
// (GET /c/{cohort}/media/{n}), all behind the cohort's view key.
//
// Photos are fetched from the platform by the server, re-encoded without
// their metadata (EXIF, GPS) and served from here, so the page never holds
// the bot token or a platform URL.
package gallery

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/cohortbot/cohortbot/bot"
	"github.com/cohortbot/cohortbot/bot/contest"
)

// Source is the contest as the web side reads it; *bot.Bot implements it.
type Source interface {
	// Cohort returns bot.ErrNotFound for an unknown cohort.
	Cohort(ctx context.Context, id string) (*bot.Cohort, error)
	Leaderboard(ctx context.Context, c *bot.Cohort, now time.Time, organiser bool) (contest.Leaderboard, error)
	// EntryFile returns the platform file id of an approved entry, and
	// bot.ErrNotFound for any other.
	EntryFile(ctx context.Context, c *bot.Cohort, n int64) (fileID string, err error)
}

// Fetcher downloads a platform file by its id (telegram.Client).
type Fetcher interface {
	Fetch(ctx context.Context, fileID string) ([]byte, error)
}

// Route patterns, for mounting the handler on a ServeMux.
const (
	PagePattern        = "GET /c/{cohort}/gallery"
	LeaderboardPattern = "GET /api/c/{cohort}/leaderboard"
	MediaPattern       = "GET /c/{cohort}/media/{n}"
)

// Patterns lists every route the handler serves.
func Patterns() []string { return []string{PagePattern, LeaderboardPattern, MediaPattern} }

// RefreshInterval is how often the page re-reads the leaderboard while
// the contest is not closed.
const RefreshInterval = 10 * time.Second

// requestTimeout bounds the reads from the source for one request; media
// fetches have their own, longer bound.
const requestTimeout = 10 * time.Second

type handler struct {
	src   Source
	clock func() time.Time
	log   *slog.Logger
	page  *page
	media *media
}

// Handler serves the gallery page, the leaderboard JSON and the photos.
// f may be a *Photos shared with the contest.
// The page is public to whoever holds the view key, so it always shows
// what a non-organiser may see: hidden totals stay hidden.
func Handler(src Source, f Fetcher, clock func() time.Time, log *slog.Logger) http.Handler {
	if clock == nil {
		clock = time.Now
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	h := &handler{src: src, clock: clock, log: log, page: newPage()}
	if p, ok := f.(*Photos); ok {
		h.media = p.m // one decoding budget for the page and the contest
	} else {
		h.media = newMedia(f, defaultCacheBytes)
	}
	mux := http.NewServeMux()
	mux.HandleFunc(PagePattern, h.servePage)
	mux.HandleFunc(LeaderboardPattern, h.serveLeaderboard)
	mux.HandleFunc(MediaPattern, h.serveMedia)
	return mux
}

// cohort returns the cohort named in the path when the request's key is
// its view key. Otherwise it answers 404 itself (the same answer for an
// unknown cohort and a wrong key, so neither can be probed) and returns
// nil.
func (h *handler) cohort(w http.ResponseWriter, r *http.Request) *bot.Cohort {
	id, key := r.PathValue("cohort"), r.URL.Query().Get("key")
	if !validID(id) || key == "" {
		notFound(w)
		return nil
	}
	c, err := h.src.Cohort(r.Context(), id)
	switch {
	case errors.Is(err, bot.ErrNotFound):
		notFound(w)
		return nil
	case err != nil:
		h.fail(w, r, http.StatusInternalServerError, "read cohort", err)
		return nil
	case !keyMatches(c.ViewKey, key):
		notFound(w)
		return nil
	}
	return c
}

// keyMatches compares in constant time. Hashing first makes the time
// independent of the lengths too. A cohort without a key has no page.
func keyMatches(want, got string) bool {
	if want == "" {
		return false
	}
	a, b := sha256.Sum256([]byte(want)), sha256.Sum256([]byte(got))
	return subtle.ConstantTimeCompare(a[:], b[:]) == 1
}

// validID accepts what cohort ids are made of, so that nothing else
// reaches the store's keys.
func validID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, r := range id {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_'
		if !ok {
			return false
		}
	}
	return true
}

// notFound is the answer to an unknown cohort, a wrong or missing key, an
// entry that is not shown and an unknown route alike.
func notFound(w http.ResponseWriter) {
	w.Header().Set("Cache-Control", "no-store")
	http.Error(w, "404 page not found", http.StatusNotFound)
}

// fail logs an internal error and answers with a bare status: details stay
// in the log.
func (h *handler) fail(w http.ResponseWriter, r *http.Request, status int, what string, err error) {
	h.log.LogAttrs(r.Context(), slog.LevelError, "gallery: "+what,
		slog.String("path", r.URL.Path), slog.Int("status", status), slog.Any("err", err))
	w.Header().Set("Cache-Control", "no-store")
	http.Error(w, http.StatusText(status), status)
}

// commonHeaders are sent with every answer. The key travels in the URL,
// so no Referer may carry it elsewhere.
func commonHeaders(w http.ResponseWriter) {
	hd := w.Header()
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Referrer-Policy", "no-referrer")
}

func (h *handler) leaderboard(w http.ResponseWriter, r *http.Request) (*bot.Cohort, contest.Leaderboard, bool) {
	commonHeaders(w)
	c := h.cohort(w, r)
	if c == nil {
		return nil, contest.Leaderboard{}, false
	}
	ctx, cancel := context.WithTimeout(r.Context(), requestTimeout)
	defer cancel()
	lb, err := h.src.Leaderboard(ctx, c, h.clock(), false)
	if errors.Is(err, bot.ErrNotFound) { // deleted meanwhile
		notFound(w)
		return nil, contest.Leaderboard{}, false
	}
	if err != nil {
		h.fail(w, r, http.StatusInternalServerError, "read leaderboard", err)
		return nil, contest.Leaderboard{}, false
	}
	return c, lb, true
}
