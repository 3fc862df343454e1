package telegramtest

import (
	"fmt"
	"math"
	"net/http"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// failure is an error programmed with FailNext.
type failure struct {
	method      string // canonical name, or "" for any method
	left        int
	code        int
	description string
	retryAfter  int
}

// FailNext makes the next n calls of method (any method when method is "") fail with the
// given code, e.g. 500, 502, or 429 with parameters.retry_after set to retryAfter seconds.
// An empty description is filled in with Telegram's usual one for the code. Programmed
// failures are taken in the order they were programmed, before any other check.
func (s *Server) FailNext(method string, n, code int, description string, retryAfter int) {
	if description == "" {
		description = defaultDescription(code, retryAfter)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures = append(s.failures, failure{
		method:      canonicalMethod(method),
		left:        n,
		code:        code,
		description: description,
		retryAfter:  retryAfter,
	})
}

func defaultDescription(code, retryAfter int) string {
	switch code {
	case http.StatusBadRequest:
		return "Bad Request"
	case http.StatusUnauthorized:
		return "Unauthorized"
	case http.StatusForbidden:
		return "Forbidden"
	case http.StatusNotFound:
		return "Not Found"
	case http.StatusConflict:
		return "Conflict"
	case http.StatusTooManyRequests:
		return fmt.Sprintf("Too Many Requests: retry after %d", retryAfter)
	}
	return http.StatusText(code)
}

// takeFailure consumes the first programmed failure for method; callers hold s.mu.
func (s *Server) takeFailure(method string) (reply, bool) {
	for i := range s.failures {
		f := &s.failures[i]
		if f.method != "" && !strings.EqualFold(f.method, method) {
			continue
		}
		f.left--
		rep := reply{status: f.code, description: f.description}
		if f.retryAfter > 0 {
			rep.parameters = &tgbotapi.ResponseParameters{RetryAfter: f.retryAfter}
		}
		if f.left <= 0 {
			s.failures = append(s.failures[:i:i], s.failures[i+1:]...)
		}
		return rep, true
	}
	return reply{}, false
}

// bucket is a token bucket: burst tokens at most, refilled at rate tokens per second.
type bucket struct {
	rate   float64
	burst  float64
	tokens float64
	last   time.Time
}

func newBucket(rate, burst float64, now time.Time) *bucket {
	return &bucket{rate: rate, burst: burst, tokens: burst, last: now}
}

func (b *bucket) refill(now time.Time) {
	if elapsed := now.Sub(b.last).Seconds(); elapsed > 0 {
		b.tokens = math.Min(b.burst, b.tokens+elapsed*b.rate)
	}
	b.last = now
}

// wait is how long, in seconds, until cost tokens are there; 0 when they are now. A cost above
// the burst is capped, or it could never pass.
func (b *bucket) wait(now time.Time, cost int) float64 {
	b.refill(now)
	need := math.Min(float64(cost), b.burst)
	if b.tokens >= need-1e-9 { // refills add up in floating point: 3 × 1/3 may fall short of 1
		return 0
	}
	return (need - b.tokens) / b.rate
}

func (b *bucket) take(cost int) {
	b.tokens = math.Max(0, b.tokens-math.Min(float64(cost), b.burst))
}

// The fake's bursts unless SetBursts says otherwise: Telegram publishes its rates (about 30
// messages a second for a bot, one a second per chat) but not the bursts it tolerates, and
// answers a burst with 429, so the fake allows only small ones.
const (
	StrictBurst     = 5
	StrictChatBurst = 3
)

// SetRateLimit makes the server enforce a global limit on the messages it sends and edits:
// perSecond per second with bursts of min(perSecond, StrictBurst) (see SetBursts), answering 429 "Too
// Many Requests: retry after N" beyond it. 0 removes the limit. An album counts as one message
// per item.
func (s *Server) SetRateLimit(perSecond int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.globalRate = max(perSecond, 0)
	s.resetGlobal()
}

// SetChatRateLimit adds a limit per chat, like Telegram's one message per second in a private
// chat (1) or twenty a minute in a group (20.0/60), with bursts of at most StrictChatBurst
// (see SetBursts). 0 removes it.
func (s *Server) SetChatRateLimit(perSecond float64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.chatRate = max(perSecond, 0)
	for _, c := range s.chats {
		c.limiter = nil
	}
}

// SetBursts sets the largest bursts the global and the per-chat limits let through (0 keeps
// the strict default). A burst as large as the rate is what a lenient server would allow.
func (s *Server) SetBursts(global, chat int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.burst, s.chatBurst = global, chat
	s.resetGlobal()
	for _, c := range s.chats {
		c.limiter = nil
	}
}

// resetGlobal rebuilds the global bucket; callers hold s.mu.
func (s *Server) resetGlobal() {
	s.global = nil
	if s.globalRate > 0 {
		burst := s.burst
		if burst <= 0 {
			burst = min(StrictBurst, s.globalRate)
		}
		s.global = newBucket(float64(s.globalRate), float64(burst), s.now())
	}
}

func (s *Server) chatBurstSize() float64 {
	if s.chatBurst > 0 {
		return float64(s.chatBurst)
	}
	return StrictChatBurst
}

// allow takes cost tokens from the global and the chat's limiter, or answers 429 with the
// time until both would let the message through; callers hold s.mu.
func (s *Server) allow(c *chat, cost int, now time.Time) (reply, bool) {
	if s.chatRate > 0 && c.limiter == nil {
		c.limiter = newBucket(s.chatRate, s.chatBurstSize(), now)
	}
	var wait float64
	if s.global != nil {
		wait = s.global.wait(now, cost)
	}
	if s.chatRate > 0 {
		wait = math.Max(wait, c.limiter.wait(now, cost))
	}
	if wait > 0 {
		return tooManyRequests(max(1, int(math.Ceil(wait)))), false
	}
	if s.global != nil {
		s.global.take(cost)
	}
	if s.chatRate > 0 {
		c.limiter.take(cost)
	}
	return reply{}, true
}
