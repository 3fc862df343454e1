package store

import (
	"context"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/cohortbot/cohortbot/bot"
	"github.com/cohortbot/cohortbot/bot/plan"
)

// forgetScript deletes what the contest keeps of a member who leaves or
// is removed. Before voting closes, their votes are withdrawn and their
// entries withdrawn, exactly as if they had done it themselves. Once
// voting has closed, the results stand: the tallies stay, but the links
// to the person go — who they voted for, and their name on their entries.
// KEYS: contest, st, e, ok, voter's votes, tally, voters, audit,
// author's set, grp, version, uid. ARGV: user, plan voting opens, plan
// voting closes, now, the voters' hash key prefix. Entries withdrawn lose
// their votes (dropVotesLua).
var forgetScript = redis.NewScript(windowLua + dropVotesLua + `
local user, now = ARGV[1], tonumber(ARGV[4])
local _, closes = window(KEYS[1], 'vote', ARGV[2], ARGV[3])
local open = now < closes
if open then
  local votes = redis.call('HGETALL', KEYS[5])
  for i = 1, #votes, 2 do
    local n, w = votes[i], votes[i + 1]
    local at = 96 * tonumber(n)
    redis.call('BITFIELD', KEYS[6], 'INCRBY', 'i64', at, '-' .. w, 'INCRBY', 'i32', at + 64, '-1')
    redis.call('HINCRBY', KEYS[1], 'votes', '-1')
  end
end
redis.call('DEL', KEYS[5])
redis.call('SREM', KEYS[7], user)
local counted = {pending = true, approved = true}
for _, n in ipairs(redis.call('SMEMBERS', KEYS[9])) do
  local raw = redis.call('HGET', KEYS[3], n)
  local st = redis.call('HGET', KEYS[2], n)
  if raw then
    local e = cjson.decode(raw)
    if open then
      if st ~= 'withdrawn' then
        redis.call('HSET', KEYS[2], n, 'withdrawn')
        redis.call('ZREM', KEYS[4], n)
        dropVotes(KEYS[1], KEYS[6], KEYS[7], KEYS[8], ARGV[5], n, ARGV[4])
        local g = e.group or ''
        if g ~= '' and counted[st] then redis.call('HINCRBY', KEYS[10], g, -1) end
      end
      if e.unique_id and redis.call('HGET', KEYS[12], e.unique_id) == n then redis.call('HDEL', KEYS[12], e.unique_id) end
    end
    e.author = ''
    redis.call('HSET', KEYS[3], n, cjson.encode(e))
  end
end
redis.call('DEL', KEYS[9])
redis.call('XADD', KEYS[8], '*', 'kind', 'forget', 'user', '', 'photo', '', 'time', ARGV[4])
redis.call('INCR', KEYS[11])
return 1
`)

// ForgetContestant removes a leaving member's contest data (see
// forgetScript): their votes and entries are withdrawn while voting is
// not over, and afterwards only the links to them are deleted.
func (s *Store) ForgetContestant(ctx context.Context, cohort string, user bot.UserKey, voting plan.Window, now time.Time) error {
	c := cohort
	keys := []string{contestKey(c), phKey(c, "st"), phKey(c, "e"), phKey(c, "ok"), vtUserKey(c, user),
		vtKey(c, "tally"), vtKey(c, "voters"), auditKey(c),
		phUserKey(c, user), phKey(c, "grp"), phKey(c, "ver"), phKey(c, "uid")}
	err := forgetScript.Run(ctx, s.rdb, keys, string(user), unixMS(voting.Opens), unixMS(voting.Closes), unixMS(now), vtKey(c, "u:")).Err()
	if err != nil {
		return fmt.Errorf("forget %s in the contest of %s: %w", user, cohort, err)
	}
	return nil
}
