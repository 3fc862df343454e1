package store

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/cohortbot/cohortbot/bot"
)

// Limiter keys, under the platform's {l:PLATFORM} tag:
//
//	{l:PLATFORM}:all         string  theoretical arrival time (ms) of the whole bot's sends
//	{l:PLATFORM}:c:CHAT      string  the same for one chat
//	{l:PLATFORM}:pause       string  sending paused until (ms), after a 429
func limitKey(p bot.Platform, s string) string { return "{l:" + string(p) + "}:" + s }

// gcraScript is a generic cell rate check of two buckets at once, the
// bot's and the chat's, on Redis' own clock so every replica agrees. It
// returns 0 and takes a cell from both, or the milliseconds to wait.
// KEYS[1] global, KEYS[2] chat, KEYS[3] pause; ARGV: global interval ms,
// global tolerance ms, chat interval ms, chat tolerance ms.
var gcraScript = redis.NewScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local pause = tonumber(redis.call('GET', KEYS[3]) or '0')
if pause > now then return pause - now end
local gi, gtol, ci, ctol = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local g = math.max(tonumber(redis.call('GET', KEYS[1]) or '0'), now)
local c = math.max(tonumber(redis.call('GET', KEYS[2]) or '0'), now)
local wait = math.max(g - now - gtol, c - now - ctol)
if wait > 0 then return math.ceil(wait) end
redis.call('SET', KEYS[1], tostring(g + gi), 'PX', math.ceil(g + gi - now) + 1000)
redis.call('SET', KEYS[2], tostring(c + ci), 'PX', math.ceil(c + ci - now) + 1000)
return 0
`)

// Rate is one bucket: one send per Interval, with Tolerance of burst.
type Rate struct {
	Interval  time.Duration
	Tolerance time.Duration
}

// Take asks for one send to chat under both rates. It returns 0 when the
// send may go now, or how long to wait before asking again.
func (s *Store) Take(ctx context.Context, p bot.Platform, chat bot.ChatKey, global, perChat Rate) (time.Duration, error) {
	ms := func(d time.Duration) string {
		return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', 3, 64)
	}
	wait, err := gcraScript.Run(ctx, s.rdb,
		[]string{limitKey(p, "all"), limitKey(p, "c:"+chat.NativeID()), limitKey(p, "pause")},
		ms(global.Interval), ms(global.Tolerance), ms(perChat.Interval), ms(perChat.Tolerance)).Int64()
	if err != nil {
		return 0, fmt.Errorf("rate limit: %w", err)
	}
	return time.Duration(wait) * time.Millisecond, nil
}

var pauseScript = redis.NewScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local until_ = now + tonumber(ARGV[1])
local cur = tonumber(redis.call('GET', KEYS[1]) or '0')
if until_ > cur then redis.call('SET', KEYS[1], until_, 'PX', tonumber(ARGV[1]) + 1000) end
return until_
`)

// Pause stops every replica's sending to the platform for d (a 429's
// retry_after).
func (s *Store) Pause(ctx context.Context, p bot.Platform, d time.Duration) error {
	return pauseScript.Run(ctx, s.rdb, []string{limitKey(p, "pause")}, d.Milliseconds()).Err()
}

// SetUnreachable marks a user as not reachable (blocked the bot) or
// reachable again.
func (s *Store) SetUnreachable(ctx context.Context, user bot.UserKey, unreachable bool) error {
	if unreachable {
		return s.rdb.HSet(ctx, userKey(user), "unreachable", "1").Err()
	}
	return s.rdb.HDel(ctx, userKey(user), "unreachable").Err()
}
