package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/cohortbot/cohortbot/bot"
)

// Due-item keys, under the {due} tag:
//
//	{due}:z              zset   item id → due time (unix ms)
//	{due}:claimed        zset   item id → lease deadline (unix ms) while being processed
//	{due}:i:ID           hash   kind, cohort, ref, at (event time ms), lead (ms), payload
//	{due}:c:COHORT       set    pending item ids of a cohort
//	{due}:done:ID        string processed marker (60 days): a re-plan never adds it again
//	{due}:run:JOB:UNIX   string a recurring job's run, claimed by one replica (2 days)
const (
	keyDueZ       = "{due}:z"
	keyDueClaimed = "{due}:claimed"
	duePrefix     = "{due}:i:"
	dueDonePrefix = "{due}:done:"
)

func dueCohortKey(c string) string { return "{due}:c:" + c }

// replaceScript makes the cohort's pending items of one kind prefix
// exactly the given ones: it drops pending items not listed, and adds or
// moves listed ones that were never processed. KEYS[1] z, KEYS[2] cohort
// set; ARGV[1] kind prefix, ARGV[2] item prefix, ARGV[3] done prefix, then
// per item: id, due, kind, cohort, ref, at, lead, payload.
var replaceScript = redis.NewScript(`
local keep = {}
for i = 4, #ARGV, 8 do keep[ARGV[i]] = true end
local removed = 0
for _, id in ipairs(redis.call('SMEMBERS', KEYS[2])) do
  if not keep[id] and string.sub(id, 1, #ARGV[1]) == ARGV[1] then
    redis.call('ZREM', KEYS[1], id)
    redis.call('DEL', ARGV[2] .. id)
    redis.call('SREM', KEYS[2], id)
    removed = removed + 1
  end
end
local added = 0
for i = 4, #ARGV, 8 do
  local id = ARGV[i]
  if redis.call('EXISTS', ARGV[3] .. id) == 0 then
    redis.call('HSET', ARGV[2] .. id, 'kind', ARGV[i+2], 'cohort', ARGV[i+3], 'ref', ARGV[i+4], 'at', ARGV[i+5], 'lead', ARGV[i+6], 'payload', ARGV[i+7])
    if redis.call('ZADD', KEYS[1], ARGV[i+1], id) == 1 then added = added + 1 end
    redis.call('SADD', KEYS[2], id)
  end
end
return {added, removed}
`)

// ReplaceDue makes the cohort's pending items whose id starts with prefix
// exactly items (plan apply re-plans reminders with it). Items already
// processed are not added again. It returns how many were added and
// removed.
func (s *Store) ReplaceDue(ctx context.Context, cohort, prefix string, items []bot.DueItem) (added, removed int, err error) {
	args := []any{prefix, duePrefix, dueDonePrefix}
	for _, it := range items {
		args = append(args, it.ID, unixMS(it.Due), it.Kind, it.Cohort, it.Ref, unixMS(it.At), it.Lead.Milliseconds(), it.Payload)
	}
	res, err := replaceScript.Run(ctx, s.rdb, []string{keyDueZ, dueCohortKey(cohort)}, args...).Int64Slice()
	if err != nil {
		return 0, 0, fmt.Errorf("replace due items of %s: %w", cohort, err)
	}
	return int(res[0]), int(res[1]), nil
}

// AddDue schedules one item (a scheduled announcement) unless it was
// processed already.
func (s *Store) AddDue(ctx context.Context, it bot.DueItem) error {
	args := []any{"\x00", duePrefix, dueDonePrefix, it.ID, unixMS(it.Due), it.Kind, it.Cohort, it.Ref, unixMS(it.At), it.Lead.Milliseconds(), it.Payload}
	if err := replaceScript.Run(ctx, s.rdb, []string{keyDueZ, dueCohortKey(it.Cohort)}, args...).Err(); err != nil {
		return fmt.Errorf("add due item %s: %w", it.ID, err)
	}
	return nil
}

var cancelDueScript = redis.NewScript(`
local n = redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('DEL', KEYS[2])
redis.call('SREM', KEYS[3], ARGV[1])
return n
`)

// CancelDue removes a pending item; it reports whether it was pending.
func (s *Store) CancelDue(ctx context.Context, cohort, id string) (bool, error) {
	n, err := cancelDueScript.Run(ctx, s.rdb, []string{keyDueZ, duePrefix + id, dueCohortKey(cohort)}, id).Int()
	if err != nil {
		return false, fmt.Errorf("cancel due item %s: %w", id, err)
	}
	return n == 1, nil
}

// claimDueScript returns expired claims to the set (their processing
// died), then moves up to ARGV[3] items due by now into claimed with a
// lease and returns them. Only one caller gets each item.
var claimDueScript = redis.NewScript(`
local now = tonumber(ARGV[1])
for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now, 'LIMIT', 0, 100)) do
  redis.call('ZREM', KEYS[2], id)
  redis.call('ZADD', KEYS[1], now, id)
end
local out = {}
for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'WITHSCORES', 'LIMIT', 0, tonumber(ARGV[3]))) do
  out[#out+1] = id
end
local items = {}
for i = 1, #out, 2 do
  local id, due = out[i], out[i+1]
  redis.call('ZREM', KEYS[1], id)
  redis.call('ZADD', KEYS[2], now + tonumber(ARGV[2]), id)
  local f = redis.call('HMGET', ARGV[4] .. id, 'kind', 'cohort', 'ref', 'at', 'lead', 'payload')
  items[#items+1] = {id, due, f[1] or '', f[2] or '', f[3] or '', f[4] or '0', f[5] or '0', f[6] or ''}
end
return items
`)

// ClaimDue takes up to n items due by now, leased for lease.
func (s *Store) ClaimDue(ctx context.Context, now time.Time, lease time.Duration, n int) ([]bot.DueItem, error) {
	res, err := claimDueScript.Run(ctx, s.rdb, []string{keyDueZ, keyDueClaimed}, unixMS(now), lease.Milliseconds(), n, duePrefix).Slice()
	if err != nil {
		return nil, fmt.Errorf("claim due items: %w", err)
	}
	var out []bot.DueItem
	for _, r := range res {
		f, _ := r.([]any)
		if len(f) != 8 {
			continue
		}
		str := func(i int) string { s, _ := f[i].(string); return s }
		num := func(i int) int64 { n, _ := strconv.ParseInt(str(i), 10, 64); return n }
		out = append(out, bot.DueItem{
			ID: str(0), Due: fromMS(num(1)), Kind: str(2), Cohort: str(3), Ref: str(4),
			At: fromMS(num(5)), Lead: time.Duration(num(6)) * time.Millisecond, Payload: str(7),
		})
	}
	return out, nil
}

var finishDueScript = redis.NewScript(`
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[4], ARGV[1])
redis.call('DEL', KEYS[2])
redis.call('SET', KEYS[3], '1', 'EX', ARGV[2])
local cohort = ARGV[3]
if cohort ~= '' then redis.call('SREM', ARGV[4] .. cohort, ARGV[1]) end
return 1
`)

// FinishDue marks a claimed item processed (sent or skipped): it will not
// run again, nor be added again by a re-plan.
func (s *Store) FinishDue(ctx context.Context, it bot.DueItem) error {
	err := finishDueScript.Run(ctx, s.rdb, []string{keyDueClaimed, duePrefix + it.ID, dueDonePrefix + it.ID, keyDueZ},
		it.ID, int64(60*24*time.Hour/time.Second), it.Cohort, "{due}:c:").Err()
	if err != nil {
		return fmt.Errorf("finish due item %s: %w", it.ID, err)
	}
	return nil
}

var deferDueScript = redis.NewScript(`
if redis.call('ZREM', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])
return 1
`)

// DeferDue puts a claimed item back to run at a later time (the end of
// quiet hours).
func (s *Store) DeferDue(ctx context.Context, id string, at time.Time) error {
	return deferDueScript.Run(ctx, s.rdb, []string{keyDueClaimed, keyDueZ}, id, unixMS(at)).Err()
}

// PendingDue lists a cohort's pending items of a kind prefix, by due time.
func (s *Store) PendingDue(ctx context.Context, cohort, prefix string) ([]bot.DueItem, error) {
	ids, err := s.rdb.SMembers(ctx, dueCohortKey(cohort)).Result()
	if err != nil {
		return nil, err
	}
	var out []bot.DueItem
	for _, id := range ids {
		if len(id) < len(prefix) || id[:len(prefix)] != prefix {
			continue
		}
		h, err := s.rdb.HGetAll(ctx, duePrefix+id).Result()
		if err != nil {
			return nil, err
		}
		score, err := s.rdb.ZScore(ctx, keyDueZ, id).Result()
		if errors.Is(err, redis.Nil) {
			continue
		}
		if err != nil {
			return nil, err
		}
		at, _ := strconv.ParseInt(h["at"], 10, 64)
		lead, _ := strconv.ParseInt(h["lead"], 10, 64)
		out = append(out, bot.DueItem{ID: id, Kind: h["kind"], Cohort: h["cohort"], Ref: h["ref"], At: fromMS(at),
			Lead: time.Duration(lead) * time.Millisecond, Due: fromMS(int64(score)), Payload: h["payload"]})
	}
	sortDue(out)
	return out, nil
}

func sortDue(items []bot.DueItem) {
	for i := 1; i < len(items); i++ {
		for j := i; j > 0 && items[j].Due.Before(items[j-1].Due); j-- {
			items[j], items[j-1] = items[j-1], items[j]
		}
	}
}

// ClaimRun claims one run of a recurring job for its scheduled instant:
// every replica's cron fires, only the first to claim acts.
func (s *Store) ClaimRun(ctx context.Context, job string, instant time.Time) (bool, error) {
	key := "{due}:run:" + job + ":" + strconv.FormatInt(instant.Unix(), 10)
	ok, err := s.rdb.SetNX(ctx, key, "1", 48*time.Hour).Result()
	if err != nil {
		return false, fmt.Errorf("claim run of %s: %w", job, err)
	}
	return ok, nil
}

var dropDueScript = redis.NewScript(`
for _, id in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  redis.call('ZREM', KEYS[2], id)
  redis.call('ZREM', KEYS[3], id)
  redis.call('DEL', ARGV[1] .. id)
end
redis.call('DEL', KEYS[1])
return 1
`)

// dropDue removes every pending item of a deleted cohort.
func (s *Store) dropDue(ctx context.Context, cohort string) error {
	return dropDueScript.Run(ctx, s.rdb, []string{dueCohortKey(cohort), keyDueZ, keyDueClaimed}, duePrefix).Err()
}
