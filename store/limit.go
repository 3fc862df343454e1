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
//	{l:PLATFORM}:pause       hash    until (ms): sending paused after a 429; gen: bumped by every pause
//	{l:PLATFORM}:adapt       hash    r: the rate (msgs/s) set by the last 429, t: when (ms); absent at full rate
func limitKey(p bot.Platform, s string) string { return "{l:" + string(p) + "}:" + s }

// Pace is how one send is paced: the bot-wide rate it shares with every
// send to the platform, and its chat's.
type Pace struct {
	// Rate is the most messages a second for the whole bot (SEND_RATE);
	// after a 429 the shared rate is lower and climbs back to it.
	Rate float64
	// Burst is how many messages may go at once after a quiet moment.
	Burst int
	// ChatInterval is the time between two sends to the chat (a second
	// for a private chat, three for a group) and ChatBurst its burst.
	ChatInterval time.Duration
	ChatBurst    int
	// Cost is the number of messages of the send (an album's items).
	Cost int
	// Ahead, when positive, is how many intervals ahead of now a slot may
	// be reserved: queued messages reserve only close slots, so direct
	// answers, which may reserve any slot, always go first. 0 means any.
	Ahead int
	// Climb is the share of Rate the shared rate regains per second after
	// a 429.
	Climb float64
}

// Slot is the limiter's answer to one send.
type Slot struct {
	// Reserved is true when a place was taken for the send: it may go
	// after Wait. Otherwise nothing was taken; ask again after Wait.
	Reserved bool
	Wait     time.Duration
	// Gen is the pause generation the slot was reserved under: a slot of
	// an older generation than a later 429's must be reserved again.
	Gen int64

	// The chat's time before and after the reservation, for Release.
	chatWas, chatSet string
}

// reserveScript reserves a send's place under both rates, the bot's and
// the chat's, on Redis' own clock so that every replica agrees. Places are
// handed out in the order they are asked for, so a crowd is served first
// come, first served, with no thundering herd: each sender sleeps until its
// own place. The chat's rate is checked first without reserving: one
// chat's messages are sent one after the other, so waiting for it never
// holds anybody else's place.
// KEYS: global, chat, pause, adapt. ARGV: rate, burst, chat interval ms,
// chat burst, cost, ahead, climb. Returns {reserved, wait µs, gen}.
var reserveScript = redis.NewScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local p = redis.call('HMGET', KEYS[3], 'until', 'gen')
local start = math.max(now, tonumber(p[1] or '0'))
local gen = tonumber(p[2] or '0')
local maxr = tonumber(ARGV[1])
local rate = maxr
local climb = tonumber(ARGV[7])
if climb <= 0 then climb = 0.01 end
local a = redis.call('HMGET', KEYS[4], 'r', 't')
if a[1] then
  rate = math.min(maxr, tonumber(a[1]) + maxr * climb * (now - tonumber(a[2])) / 1000)
end
local gi = 1000 / rate
local ci, cb, cost = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local ctat = math.max(tonumber(redis.call('GET', KEYS[2]) or '0'), now)
local cfree = ctat - (cb - 1) * ci
if cfree > start then return {0, math.ceil((cfree - now) * 1000), gen} end
local gtat = math.max(tonumber(redis.call('GET', KEYS[1]) or '0'), start)
local slot = math.max(start, gtat - (tonumber(ARGV[2]) - 1) * gi)
local ahead = tonumber(ARGV[6])
if ahead > 0 and slot > now + ahead * gi then
  return {0, math.ceil((slot - ahead * gi - now) * 1000), gen}
end
gtat = gtat + cost * gi
redis.call('SET', KEYS[1], string.format('%.3f', gtat), 'PX', math.ceil(gtat - now) + 1000)
local was = redis.call('GET', KEYS[2]) or ''
local set = string.format('%.3f', math.max(ctat, slot) + math.min(cost, cb) * ci)
redis.call('SET', KEYS[2], set, 'PX', math.ceil(tonumber(set) - now) + 1000)
return {1, math.ceil((slot - now) * 1000), gen, was, set}
`)

// releaseScript gives a chat back the turn a reservation took, when the
// reservation is not used (a 429 paused sending, the sender woke too
// late): unless the chat was reserved again since, its time goes back to
// what it was. KEYS[1] chat; ARGV: the value the reservation set, the
// value before ("" for none).
var releaseScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if ARGV[2] == '' then redis.call('DEL', KEYS[1]) else redis.call('SET', KEYS[1], ARGV[2], 'KEEPTTL') end
return 1
`)

// Release gives back the chat's turn of a slot that will not be used.
func (s *Store) Release(ctx context.Context, p bot.Platform, chat bot.ChatKey, slot Slot) error {
	if slot.chatSet == "" {
		return nil
	}
	if err := releaseScript.Run(ctx, s.rdb, []string{limitKey(p, "c:"+chat.NativeID())}, slot.chatSet, slot.chatWas).Err(); err != nil {
		return fmt.Errorf("release chat turn: %w", err)
	}
	return nil
}

// Reserve asks for a send's place to chat.
func (s *Store) Reserve(ctx context.Context, p bot.Platform, chat bot.ChatKey, pace Pace) (Slot, error) {
	return slotFrom(reserveScript.Run(ctx, s.rdb, limiterKeys(p, chat), reserveArgs(pace)...))
}

func reserveArgs(pace Pace) []any {
	return []any{num(pace.Rate), max(pace.Burst, 1), pace.ChatInterval.Milliseconds(), max(pace.ChatBurst, 1),
		max(pace.Cost, 1), pace.Ahead, num(pace.Climb)}
}

func slotFrom(cmd *redis.Cmd) (Slot, error) {
	res, err := cmd.Slice()
	if err != nil {
		return Slot{}, fmt.Errorf("rate limit: %w", err)
	}
	if len(res) != 3 && len(res) != 5 {
		return Slot{}, fmt.Errorf("rate limit: %d values", len(res))
	}
	reserved, _ := res[0].(int64)
	wait, _ := res[1].(int64)
	gen, _ := res[2].(int64)
	s := Slot{Reserved: reserved == 1, Wait: time.Duration(wait) * time.Microsecond, Gen: gen}
	if len(res) == 5 {
		s.chatWas, _ = res[3].(string)
		s.chatSet, _ = res[4].(string)
	}
	return s, nil
}

func limiterKeys(p bot.Platform, chat bot.ChatKey) []string {
	return []string{limitKey(p, "all"), limitKey(p, "c:"+chat.NativeID()), limitKey(p, "pause"), limitKey(p, "adapt")}
}

func num(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// slowScript records a 429: every replica's sending to the platform pauses
// until its retry_after has passed (bumping the pause generation, so that
// places reserved before are reserved again), and the shared rate drops by
// a factor, once per episode (the sends in flight when the first 429 came
// back get theirs too, and change nothing). KEYS: pause, adapt, global. ARGV: retry ms, rate, factor, floor
// rate, climb. Returns {gen, rate now (thousandths)}.
var slowScript = redis.NewScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local retry = tonumber(ARGV[1])
local p = redis.call('HMGET', KEYS[1], 'until', 'gen')
local gen = tonumber(p[2] or '0')
local cur = tonumber(p[1] or '0')
-- A new episode, or a much longer wait than the pause running: the 429s
-- of the sends that were in flight when the first came back change nothing.
if now >= cur or now + retry > cur + 1000 then
  gen = redis.call('HINCRBY', KEYS[1], 'gen', 1)
  redis.call('HSET', KEYS[1], 'until', string.format('%.3f', now + retry))
  redis.call('PEXPIRE', KEYS[1], math.ceil(retry) + 86400000)
  -- Every place reserved before is void: places start again at the end
  -- of the pause.
  redis.call('SET', KEYS[3], string.format('%.3f', now + retry), 'PX', math.ceil(retry) + 1000)
end
local maxr, climb = tonumber(ARGV[2]), tonumber(ARGV[5])
if climb <= 0 then climb = 0.01 end
local rate = maxr
local a = redis.call('HMGET', KEYS[2], 'r', 't')
if a[1] then
  rate = math.min(maxr, tonumber(a[1]) + maxr * climb * (now - tonumber(a[2])) / 1000)
end
if a[1] == false or now - tonumber(a[2]) >= math.max(retry, 1000) then
  rate = math.max(tonumber(ARGV[4]), rate * tonumber(ARGV[3]))
  redis.call('HSET', KEYS[2], 'r', string.format('%.3f', rate), 't', string.format('%.3f', now))
  redis.call('PEXPIRE', KEYS[2], math.ceil((maxr - rate) / (maxr * climb) * 1000) + 1000)
end
return {gen, math.floor(rate * 1000)}
`)

// Slowdown is what a 429 changed.
type Slowdown struct {
	Gen  int64
	Rate float64
}

// Slow records a 429 with its retry_after: every replica pauses sending to
// the platform for retry and the shared rate goes down by factor (not
// below floor), then climbs back by pace.Climb of pace.Rate a second.
func (s *Store) Slow(ctx context.Context, p bot.Platform, retry time.Duration, pace Pace, factor, floor float64) (Slowdown, error) {
	res, err := slowScript.Run(ctx, s.rdb, []string{limitKey(p, "pause"), limitKey(p, "adapt"), limitKey(p, "all")},
		retry.Milliseconds(), num(pace.Rate), num(factor), num(floor), num(pace.Climb)).Int64Slice()
	if err != nil {
		return Slowdown{}, fmt.Errorf("slow down: %w", err)
	}
	if len(res) != 2 {
		return Slowdown{}, fmt.Errorf("slow down: %d values", len(res))
	}
	return Slowdown{Gen: res[0], Rate: float64(res[1]) / 1000}, nil
}

// PauseGen returns the platform's pause generation, for a slot reserved
// earlier (by any replica) to be checked before it is used.
func (s *Store) PauseGen(ctx context.Context, p bot.Platform) (int64, error) {
	n, err := s.rdb.HGet(ctx, limitKey(p, "pause"), "gen").Int64()
	if err == redis.Nil {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("read pause: %w", err)
	}
	return n, nil
}

// SetUnreachable marks a user as not reachable (blocked the bot) or
// reachable again.
func (s *Store) SetUnreachable(ctx context.Context, user bot.UserKey, unreachable bool) error {
	if unreachable {
		return s.rdb.HSet(ctx, userKey(user), "unreachable", "1").Err()
	}
	return s.rdb.HDel(ctx, userKey(user), "unreachable").Err()
}
