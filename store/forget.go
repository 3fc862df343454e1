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
// entries withdrawn, exactly as if they had done it themselves, each
// withdrawal audited. Once voting has closed, the results stand: the
// tallies stay, but the links to the person go — who they voted for, and
// their name on their entries — and only the number of their votes that
// stood is kept (vt:kept), so that voting reopened later does not let
// them vote a second time if they come back.
//
// One run does at most ARGV[6] steps (a vote taken back, an entry, a vote
// for it dropped; an entry is always finished once begun) and answers
// "more" when work is left: ForgetContestant runs it again until "done",
// so that no run blocks Redis long whatever the data, and a run cut short
// by a crash leaves a state the next run goes on from.
// KEYS: contest, st, e, ok, voter's votes, tally, voters, audit,
// author's set, grp, version, uid, kept. ARGV: user, plan voting opens,
// plan voting closes, now, the voters' hash key prefix, steps.
var forgetScript = redis.NewScript(windowLua + dropVotesLua + `
local user, now = ARGV[1], tonumber(ARGV[4])
local budget = tonumber(ARGV[6])
local _, closes = window(KEYS[1], 'vote', ARGV[2], ARGV[3])
local open = now < closes
local votes = redis.call('HGETALL', KEYS[5])
local kept = 0
for i = 1, #votes, 2 do
  if budget <= 0 then break end
  local n, w = votes[i], votes[i + 1]
  redis.call('SREM', KEYS[7] .. ':by:' .. n, user)
  if open then
    local at = 96 * tonumber(n)
    redis.call('BITFIELD', KEYS[6], 'INCRBY', 'i64', at, '-' .. w, 'INCRBY', 'i32', at + 64, '-1')
    redis.call('HINCRBY', KEYS[1], 'votes', '-1')
    redis.call('XADD', KEYS[8], '*', 'kind', 'unvote', 'user', who(KEYS[8], user), 'photo', n, 'time', ARGV[4], 'weight', w, 'why', 'left')
  else
    kept = kept + 1
  end
  redis.call('HDEL', KEYS[5], n)
  budget = budget - 1
end
if kept > 0 then redis.call('HINCRBY', KEYS[13], user, kept) end
if redis.call('EXISTS', KEYS[5]) == 1 then return 'more' end
redis.call('SREM', KEYS[7], user)
local counted = {pending = true, approved = true}
for _, n in ipairs(redis.call('SMEMBERS', KEYS[9])) do
  if budget <= 0 then return 'more' end
  local raw = redis.call('HGET', KEYS[3], n)
  local st = redis.call('HGET', KEYS[2], n)
  budget = budget - 1
  if raw then
    local e = cjson.decode(raw)
    if open then
      if st ~= 'withdrawn' then
        budget = budget - redis.call('SCARD', KEYS[7] .. ':by:' .. n)
        redis.call('HSET', KEYS[2], n, 'withdrawn')
        redis.call('ZREM', KEYS[4], n)
        redis.call('XADD', KEYS[8], '*', 'kind', 'withdraw', 'user', who(KEYS[8], user), 'photo', n, 'time', ARGV[4], 'from', st, 'to', 'withdrawn', 'why', 'left')
        dropVotes(KEYS[1], KEYS[6], KEYS[7], KEYS[8], ARGV[5], n, ARGV[4])
        local g = e.group or ''
        if g ~= '' and counted[st] then redis.call('HINCRBY', KEYS[10], g, -1) end
      end
      if e.unique_id and redis.call('HGET', KEYS[12], e.unique_id) == n then redis.call('HDEL', KEYS[12], e.unique_id) end
    end
    e.author = ''
    redis.call('HSET', KEYS[3], n, cjson.encode(e))
  end
  redis.call('SREM', KEYS[9], n)
  redis.call('INCR', KEYS[11])
end
redis.call('XADD', KEYS[8], '*', 'kind', 'forget', 'user', '', 'photo', '', 'time', ARGV[4])
redis.call('INCR', KEYS[11])
return 'done'
`)

// forgetSteps bounds one run of forgetScript: about 2,000 steps, a few
// tens of milliseconds of Redis time (docs/BENCHMARKS.md).
const forgetSteps = 2000

// ForgetContestant removes a leaving member's contest data (see
// forgetScript): their votes and entries are withdrawn while voting is
// not over, and afterwards only the links to them are deleted. It runs
// the script in bounded steps until nothing is left.
func (s *Store) ForgetContestant(ctx context.Context, cohort string, user bot.UserKey, voting plan.Window, now time.Time) error {
	c := cohort
	keys := []string{contestKey(c), phKey(c, "st"), phKey(c, "e"), phKey(c, "ok"), vtUserKey(c, user),
		vtKey(c, "tally"), vtKey(c, "voters"), auditKey(c),
		phUserKey(c, user), phKey(c, "grp"), phKey(c, "ver"), phKey(c, "uid"), vtKey(c, "kept")}
	for {
		res, err := forgetScript.Run(ctx, s.rdb, keys, string(user), unixMS(voting.Opens), unixMS(voting.Closes), unixMS(now), vtKey(c, "u:"), forgetSteps).Text()
		if err != nil {
			return fmt.Errorf("forget %s in the contest of %s: %w", user, cohort, err)
		}
		if res == "done" {
			return nil
		}
	}
}
