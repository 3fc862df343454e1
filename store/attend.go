package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/cohortbot/cohortbot/bot"
	"github.com/cohortbot/cohortbot/bot/attend"
	"github.com/redis/go-redis/v9"
)

// The attendance's keys, under the cohort's tag {c:ID}:
//
//	{c:ID}:ck:CODE       hash    session, by, expires (unix ms) of a check-in code; kept a day after it
//	                             was made (TTL), so that a late try is told "expired", not "wrong"
//	{c:ID}:at:s:SESSION  hash    user key → presence JSON (at, how: code or hand, by)
//	{c:ID}:at:sessions   set     sessions with a presence recorded (what Attended and forgetting read)
//	{c:ID}:audit         stream  kind checkin, mark or unmark: user, session, time (ms), by
func checkinCodeKey(cohort, code string) string { return cohortKey(cohort, "ck:"+code) }
func attendKey(cohort, session string) string   { return cohortKey(cohort, "at:s:"+session) }
func attendSessionsKey(cohort string) string    { return cohortKey(cohort, "at:sessions") }

// checkinCodeKeep is how long a code's record outlives its making.
const checkinCodeKeep = 24 * time.Hour

type presenceJSON struct {
	At  int64       `json:"at"`
	How string      `json:"how"`
	By  bot.UserKey `json:"by,omitempty"`
}

var newCodeScript = redis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'session', ARGV[1], 'by', ARGV[2], 'expires', ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return 1
`)

// NewCheckinCode records a check-in code; false when the cohort has it
// already (made in the last day).
func (s *Store) NewCheckinCode(ctx context.Context, cohort, code string, c attend.Code) (bool, error) {
	n, err := newCodeScript.Run(ctx, s.rdb, []string{checkinCodeKey(cohort, code)},
		c.Session, string(c.By), unixMS(c.Expires), checkinCodeKeep.Milliseconds()).Int()
	if err != nil {
		return false, fmt.Errorf("new check-in code of %s: %w", cohort, err)
	}
	return n == 1, nil
}

// checkinScript checks a trainee in with a code in one step: the code is
// known, the user a registered trainee of the cohort, not yet present,
// and the code still live. KEYS: code, members, sessions set, audit.
// ARGV: user, now (ms), the attendance key without its session, the
// presence JSON, the code. The session's attendance key is only known
// once the code is read, so the script names it from ARGV[3]: it is
// under the same {c:ID} tag as the declared keys, so on Redis Cluster it
// is on the same slot (as the contest's dropVotes does with voters' keys).
var checkinScript = redis.NewScript(whoLua + `
local h = redis.call('HMGET', KEYS[1], 'session', 'expires')
if not h[1] then return {'unknown', ''} end
local raw = redis.call('HGET', KEYS[2], ARGV[1])
if not raw then return {'notmember', h[1]} end
local m = cjson.decode(raw)
if m.role ~= 'trainee' or m.registered ~= true then return {'notmember', h[1]} end
local k = ARGV[3] .. h[1]
if redis.call('HEXISTS', k, ARGV[1]) == 1 then return {'already', h[1]} end
if tonumber(ARGV[2]) >= tonumber(h[2]) then return {'expired', h[1]} end
redis.call('HSET', k, ARGV[1], ARGV[4])
redis.call('SADD', KEYS[3], h[1])
redis.call('XADD', KEYS[4], '*', 'kind', 'checkin', 'user', who(KEYS[4], ARGV[1]), 'session', h[1], 'time', ARGV[2], 'code', ARGV[5])
return {'ok', h[1]}
`)

// CheckIn records the user present at the session of the code (see
// checkinScript).
func (s *Store) CheckIn(ctx context.Context, cohort, code string, user bot.UserKey, now time.Time) (attend.Result, error) {
	rec, err := json.Marshal(presenceJSON{At: now.UnixMilli(), How: attend.HowCode})
	if err != nil {
		return attend.Result{}, err
	}
	keys := []string{checkinCodeKey(cohort, code), cohortKey(cohort, "members"), attendSessionsKey(cohort), auditKey(cohort)}
	res, err := checkinScript.Run(ctx, s.rdb, keys, string(user), unixMS(now), cohortKey(cohort, "at:s:"), string(rec), code).StringSlice()
	if err != nil {
		return attend.Result{}, fmt.Errorf("check %s in to %s: %w", user, cohort, err)
	}
	if len(res) != 2 {
		return attend.Result{}, fmt.Errorf("check %s in to %s: script returned %q", user, cohort, res)
	}
	return attend.Result{Status: res[0], Session: res[1]}, nil
}

// attendMarkScript records a presence by hand (ARGV[3] = 1) or takes it back.
// KEYS: attendance of the session, sessions set, audit. ARGV: user, by,
// present, now (ms), presence JSON, session.
var attendMarkScript = redis.NewScript(whoLua + `
local here = redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1
if ARGV[3] == '1' then
  if here then return 0 end
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[5])
  redis.call('SADD', KEYS[2], ARGV[6])
  redis.call('XADD', KEYS[3], '*', 'kind', 'mark', 'user', who(KEYS[3], ARGV[1]), 'session', ARGV[6], 'time', ARGV[4], 'by', who(KEYS[3], ARGV[2]))
  return 1
end
if not here then return 0 end
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('XADD', KEYS[3], '*', 'kind', 'unmark', 'user', who(KEYS[3], ARGV[1]), 'session', ARGV[6], 'time', ARGV[4], 'by', who(KEYS[3], ARGV[2]))
return 1
`)

// Mark records the user present at a session by an organiser's hand, or
// takes the presence back; changed is false when it already was so.
func (s *Store) Mark(ctx context.Context, cohort, session string, user, by bot.UserKey, present bool, now time.Time) (bool, error) {
	rec, err := json.Marshal(presenceJSON{At: now.UnixMilli(), How: attend.HowHand, By: by})
	if err != nil {
		return false, err
	}
	flag := "0"
	if present {
		flag = "1"
	}
	keys := []string{attendKey(cohort, session), attendSessionsKey(cohort), auditKey(cohort)}
	n, err := attendMarkScript.Run(ctx, s.rdb, keys, string(user), string(by), flag, unixMS(now), string(rec), session).Int()
	if err != nil {
		return false, fmt.Errorf("mark %s at %s of %s: %w", user, session, cohort, err)
	}
	return n == 1, nil
}

// Present lists who is present at a session.
func (s *Store) Present(ctx context.Context, cohort, session string) (map[bot.UserKey]attend.Presence, error) {
	raw, err := s.rdb.HGetAll(ctx, attendKey(cohort, session)).Result()
	if err != nil {
		return nil, fmt.Errorf("attendance of %s at %s: %w", cohort, session, err)
	}
	out := make(map[bot.UserKey]attend.Presence, len(raw))
	for u, v := range raw {
		var p presenceJSON
		if err := json.Unmarshal([]byte(v), &p); err != nil {
			return nil, fmt.Errorf("attendance of %s at %s: %s: %w", cohort, session, u, err)
		}
		out[bot.UserKey(u)] = attend.Presence{At: time.UnixMilli(p.At), How: p.How, By: p.By}
	}
	return out, nil
}

// Attended lists the sessions the user was present at.
func (s *Store) Attended(ctx context.Context, cohort string, user bot.UserKey) ([]string, error) {
	sessions, err := s.rdb.SMembers(ctx, attendSessionsKey(cohort)).Result()
	if err != nil {
		return nil, fmt.Errorf("sessions of %s: %w", cohort, err)
	}
	if len(sessions) == 0 {
		return nil, nil
	}
	pipe := s.rdb.Pipeline()
	cmds := make([]*redis.BoolCmd, len(sessions))
	for i, sess := range sessions {
		cmds[i] = pipe.HExists(ctx, attendKey(cohort, sess), string(user))
	}
	if _, err := pipe.Exec(ctx); err != nil && !errors.Is(err, redis.Nil) {
		return nil, fmt.Errorf("attendance of %s in %s: %w", user, cohort, err)
	}
	var out []string
	for i, c := range cmds {
		if c.Val() {
			out = append(out, sessions[i])
		}
	}
	return out, nil
}

// ForgetAttendance removes the user from every session's attendance.
func (s *Store) ForgetAttendance(ctx context.Context, cohort string, user bot.UserKey) error {
	sessions, err := s.rdb.SMembers(ctx, attendSessionsKey(cohort)).Result()
	if err != nil {
		return fmt.Errorf("forget attendance of %s in %s: %w", user, cohort, err)
	}
	pipe := s.rdb.Pipeline()
	for _, sess := range sessions {
		pipe.HDel(ctx, attendKey(cohort, sess), string(user))
	}
	if len(sessions) > 0 {
		if _, err := pipe.Exec(ctx); err != nil {
			return fmt.Errorf("forget attendance of %s in %s: %w", user, cohort, err)
		}
	}
	return nil
}
