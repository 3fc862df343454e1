package gallery

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/cohortbot/cohortbot/bot"
)

const (
	// defaultCacheBytes bounds the cache of re-encoded photos: a few hundred
	// photos at projector size.
	defaultCacheBytes = 64 << 20
	// fetchTimeout bounds one download and re-encoding, whoever waits for it.
	fetchTimeout = 30 * time.Second
	// maxDecodes is how many photos are decoded at once: a decoded photo
	// takes tens of megabytes.
	maxDecodes = 2
	// decodeBudget bounds the memory all decodes at once may take, by
	// their estimated cost (bot.CheckImage): one photo at the most costly,
	// or a few ordinary ones.
	decodeBudget = bot.DecodeBudget
	// maxFailures bounds the photos remembered as not decodable.
	maxFailures = 4096
)

// media fetches, cleans and caches photos. Requests for the same photo
// while it is being prepared wait for that one preparation.
type media struct {
	fetch   Fetcher
	cache   *lru
	decodes chan struct{}

	mu      sync.Mutex
	flights map[string]*flight
	// failed holds the photos that cannot be decoded within the budget
	// (or at all): a truncated bomb is decoded once, not on every request.
	failed map[string]error

	// budget is what the running decodes may still take, in bytes; wake
	// is signalled whenever it grows.
	budgetMu sync.Mutex
	budget   int64
	wake     chan struct{}
}

type flight struct {
	done chan struct{}
	data []byte
	err  error
}

func newMedia(f Fetcher, cacheBytes int) *media {
	return &media{
		fetch:   f,
		cache:   newLRU(cacheBytes),
		decodes: make(chan struct{}, maxDecodes),
		flights: make(map[string]*flight),
		failed:  make(map[string]error),
		budget:  decodeBudget,
		wake:    make(chan struct{}),
	}
}

// get returns the cleaned photo for key. The preparation does not stop
// when this caller goes away (others may be waiting, and the cache gains
// either way), but it is bounded by fetchTimeout.
func (m *media) get(ctx context.Context, key, fileID string) ([]byte, error) {
	if data, ok := m.cache.get(key); ok {
		return data, nil
	}
	m.mu.Lock()
	if err := m.failed[key]; err != nil {
		m.mu.Unlock()
		return nil, err
	}
	f, ok := m.flights[key]
	if !ok {
		f = &flight{done: make(chan struct{})}
		m.flights[key] = f
		go m.prepare(context.WithoutCancel(ctx), key, fileID, f)
	}
	m.mu.Unlock()
	select {
	case <-f.done:
		return f.data, f.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (m *media) prepare(ctx context.Context, key, fileID string, f *flight) {
	ctx, cancel := context.WithTimeout(ctx, fetchTimeout)
	defer cancel()
	defer func() {
		m.mu.Lock()
		delete(m.flights, key)
		m.mu.Unlock()
		close(f.done)
	}()
	if m.fetch == nil {
		f.err = errors.New("fetch photo: no fetcher configured")
		return
	}
	raw, err := m.fetch.Fetch(ctx, fileID)
	if err != nil {
		f.err = fmt.Errorf("fetch photo: %w", err)
		return
	}
	data, err := m.clean(ctx, raw)
	if err != nil {
		f.err = err
		if errors.Is(err, errNotImage) {
			m.mu.Lock()
			if len(m.failed) >= maxFailures {
				clear(m.failed) // a flood of bad files: forget them all, keep bounded
			}
			m.failed[key] = err
			m.mu.Unlock()
		}
		return
	}
	m.cache.add(key, data)
	f.data = data
}

// clean re-encodes a photo, a few at a time and within the decoding
// budget: its header is read first, and a photo whose decoding would cost
// more than the budget is refused without being decoded.
func (m *media) clean(ctx context.Context, raw []byte) (data []byte, err error) {
	info, err := bot.CheckImage(raw)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errNotImage, err)
	}
	select {
	case m.decodes <- struct{}{}:
	case <-ctx.Done():
		return nil, fmt.Errorf("wait to decode photo: %w", ctx.Err())
	}
	defer func() { <-m.decodes }()
	if err := m.reserve(ctx, info.Cost); err != nil {
		return nil, err
	}
	defer m.release(info.Cost)
	defer func() {
		if p := recover(); p != nil { // a decoder's bug must not take the server down
			data, err = nil, fmt.Errorf("clean photo: panic: %v", p)
		}
	}()
	return clean(raw, maxSide)
}

// reserve waits until cost bytes of the decoding budget are free and
// takes them.
func (m *media) reserve(ctx context.Context, cost int64) error {
	for {
		m.budgetMu.Lock()
		if m.budget >= cost {
			m.budget -= cost
			m.budgetMu.Unlock()
			return nil
		}
		wake := m.wake
		m.budgetMu.Unlock()
		select {
		case <-wake:
		case <-ctx.Done():
			return fmt.Errorf("wait to decode photo: %w", ctx.Err())
		}
	}
}

// release gives cost bytes back to the budget and wakes the waiters.
func (m *media) release(cost int64) {
	m.budgetMu.Lock()
	m.budget += cost
	close(m.wake)
	m.wake = make(chan struct{})
	m.budgetMu.Unlock()
}

// Photos is the gallery's cleaning of photos, for the contest too: an
// entry sent as a file is shown to everyone as the same cleaned copy the
// projector page serves, made within the same decoding budget.
type Photos struct{ m *media }

// NewPhotos returns the photos fetched with f (which may be nil when
// only Clean is used).
func NewPhotos(f Fetcher) *Photos { return &Photos{m: newMedia(f, defaultCacheBytes)} }

// Fetch downloads a platform file.
func (p *Photos) Fetch(ctx context.Context, fileID string) ([]byte, error) {
	if p.m.fetch == nil {
		return nil, errors.New("fetch photo: no fetcher configured")
	}
	return p.m.fetch.Fetch(ctx, fileID)
}

// Clean re-encodes a picture without its metadata, at a projector's size.
func (p *Photos) Clean(ctx context.Context, raw []byte) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, fetchTimeout)
	defer cancel()
	return p.m.clean(ctx, raw)
}

func (h *handler) serveMedia(w http.ResponseWriter, r *http.Request) {
	commonHeaders(w)
	c := h.cohort(w, r)
	if c == nil {
		return
	}
	n, err := strconv.ParseInt(r.PathValue("n"), 10, 64)
	if err != nil || n <= 0 {
		notFound(w)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), requestTimeout)
	fileID, err := h.src.EntryFile(ctx, c, n)
	cancel()
	switch {
	case errors.Is(err, bot.ErrNotFound) || err == nil && fileID == "":
		notFound(w) // pending, rejected, withdrawn or no such entry
		return
	case err != nil:
		h.fail(w, r, http.StatusInternalServerError, "read entry", err)
		return
	}
	// The file id is part of the key: a cached photo is never served for
	// an entry whose file changed, and an entry no longer approved was
	// refused above.
	key := c.ID + "\x00" + strconv.FormatInt(n, 10) + "\x00" + fileID
	data, err := h.media.get(r.Context(), key, fileID)
	if err != nil {
		if r.Context().Err() != nil {
			return // the viewer left
		}
		h.fail(w, r, http.StatusBadGateway, "photo "+strconv.FormatInt(n, 10), err)
		return
	}
	sum := sha256.Sum256([]byte(key))
	hd := w.Header()
	hd.Set("Content-Type", "image/jpeg")
	hd.Set("Cache-Control", "private, max-age=300")
	hd.Set("ETag", `"`+hex.EncodeToString(sum[:12])+`"`)
	hd.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(data))
}
