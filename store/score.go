package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/cohortbot/cohortbot/bot"
	"github.com/cohortbot/cohortbot/bot/plan"
	"github.com/cohortbot/cohortbot/bot/score"
	"github.com/redis/go-redis/v9"
)

// The report scores' keys, all under the cohort's tag {c:ID}:
//
//	{c:ID}:sc:m     hash    USER|GROUP|K → "MARK:SIDE": the scorer's mark for criterion K (index) of the
//	                        group's report, SIDE l (lecturer) or t (trainee) as they were when marking
//	{c:ID}:sc:note  hash    USER|GROUP → the scorer's note on the group's report
//	{c:ID}:sc:meta  hash    proposed (window close, ms, whose ranking went to organisers), announced
//	{c:ID}:sc:anon  string  last anonymous scorer number (a scorer who left after the close)
//
// One field per (scorer, group, criterion): a mark is one HSET, atomic by
// itself, and the ranking reads the cohort's marks with one HGETALL. User
// keys hold no "|", and criteria are numbers, so a field splits at its
// first and last "|" whatever the group's name.
func scKey(cohort, s string) string { return cohortKey(cohort, "sc:"+s) }

func markField(u bot.UserKey, group string, k int) string {
	return string(u) + "|" + group + "|" + strconv.Itoa(k)
}

// SetMark implements score.Store.
func (s *Store) SetMark(ctx context.Context, cohort string, m score.Mark) error {
	v := strconv.Itoa(m.Value) + ":" + string(m.Side)
	if err := s.rdb.HSet(ctx, scKey(cohort, "m"), markField(m.Scorer, m.Group, m.Criterion), v).Err(); err != nil {
		return fmt.Errorf("set mark in %s: %w", cohort, err)
	}
	return nil
}

// SetScoreNote implements score.Store; an empty note removes it.
func (s *Store) SetScoreNote(ctx context.Context, cohort string, scorer bot.UserKey, group, note string) error {
	f := string(scorer) + "|" + group
	var err error
	if note == "" {
		err = s.rdb.HDel(ctx, scKey(cohort, "note"), f).Err()
	} else {
		err = s.rdb.HSet(ctx, scKey(cohort, "note"), f, note).Err()
	}
	if err != nil {
		return fmt.Errorf("set score note in %s: %w", cohort, err)
	}
	return nil
}

// ScorerMarks implements score.Store, in one round trip.
func (s *Store) ScorerMarks(ctx context.Context, cohort string, scorer bot.UserKey, group string, n int) ([]int, string, error) {
	fields := make([]string, n)
	for k := range n {
		fields[k] = markField(scorer, group, k)
	}
	pipe := s.rdb.Pipeline()
	var marks *redis.SliceCmd
	if n > 0 {
		marks = pipe.HMGet(ctx, scKey(cohort, "m"), fields...)
	}
	note := pipe.HGet(ctx, scKey(cohort, "note"), string(scorer)+"|"+group)
	if _, err := pipe.Exec(ctx); err != nil && !errors.Is(err, redis.Nil) {
		return nil, "", fmt.Errorf("scorer marks in %s: %w", cohort, err)
	}
	out := make([]int, n)
	for k := range out {
		out[k] = -1
		if marks == nil {
			continue
		}
		if raw, ok := marks.Val()[k].(string); ok {
			if v, _, ok := parseMark(raw); ok {
				out[k] = v
			}
		}
	}
	return out, note.Val(), nil
}

func parseMark(raw string) (int, score.Side, bool) {
	v, side, ok := strings.Cut(raw, ":")
	n, err := strconv.Atoi(v)
	return n, score.Side(side), ok && err == nil
}

// AllMarks implements score.Store: one round trip (a pipeline of one or
// two HGETALLs).
func (s *Store) AllMarks(ctx context.Context, cohort string, notes bool) ([]score.Mark, map[score.NoteKey]string, error) {
	pipe := s.rdb.Pipeline()
	all := pipe.HGetAll(ctx, scKey(cohort, "m"))
	var ns *redis.MapStringStringCmd
	if notes {
		ns = pipe.HGetAll(ctx, scKey(cohort, "note"))
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return nil, nil, fmt.Errorf("marks of %s: %w", cohort, err)
	}
	out := make([]score.Mark, 0, len(all.Val()))
	for f, raw := range all.Val() {
		first, last := strings.Index(f, "|"), strings.LastIndex(f, "|")
		if first < 0 || last <= first {
			continue
		}
		k, err := strconv.Atoi(f[last+1:])
		v, side, ok := parseMark(raw)
		if err != nil || !ok {
			continue
		}
		out = append(out, score.Mark{Scorer: bot.UserKey(f[:first]), Group: f[first+1 : last], Criterion: k, Value: v, Side: side})
	}
	var nm map[score.NoteKey]string
	if ns != nil {
		nm = make(map[score.NoteKey]string, len(ns.Val()))
		for f, note := range ns.Val() {
			u, g, ok := strings.Cut(f, "|")
			if ok {
				nm[score.NoteKey{Scorer: bot.UserKey(u), Group: g}] = note
			}
		}
	}
	return out, nm, nil
}

// ScoreMeta implements score.Store.
func (s *Store) ScoreMeta(ctx context.Context, cohort string) (score.Meta, error) {
	m, err := s.rdb.HGetAll(ctx, scKey(cohort, "meta")).Result()
	if err != nil {
		return score.Meta{}, fmt.Errorf("score meta of %s: %w", cohort, err)
	}
	out := score.Meta{Announced: m["announced"] != ""}
	out.Proposed, _ = strconv.ParseInt(m["proposed"], 10, 64)
	return out, nil
}

// MarkScoreResults implements score.Store: the proposal may be made again
// for a moved close (it is overwritten); the announcement only once.
func (s *Store) MarkScoreResults(ctx context.Context, cohort, field, value string) (bool, error) {
	var ok bool
	var err error
	if field == "announced" {
		ok, err = s.rdb.HSetNX(ctx, scKey(cohort, "meta"), field, value).Result()
	} else {
		err = s.rdb.HSet(ctx, scKey(cohort, "meta"), field, value).Err()
		ok = err == nil
	}
	if err != nil {
		return false, fmt.Errorf("mark score results of %s: %w", cohort, err)
	}
	return ok, nil
}

// forgetScorerScript drops (ARGV[2] = 1) or de-identifies a scorer's
// marks, and drops their notes. KEYS: marks, notes, anonymous counter.
// ARGV: user, drop.
var forgetScorerScript = redis.NewScript(`
local prefix = ARGV[1] .. '|'
local anon = nil
for _, f in ipairs(redis.call('HKEYS', KEYS[1])) do
  if string.sub(f, 1, #prefix) == prefix then
    if ARGV[2] ~= '1' then
      if not anon then anon = 'anon:' .. redis.call('INCR', KEYS[3]) end
      redis.call('HSET', KEYS[1], anon .. '|' .. string.sub(f, #prefix + 1), redis.call('HGET', KEYS[1], f))
    end
    redis.call('HDEL', KEYS[1], f)
  end
end
for _, f in ipairs(redis.call('HKEYS', KEYS[2])) do
  if string.sub(f, 1, #prefix) == prefix then redis.call('HDEL', KEYS[2], f) end
end
return 1
`)

// ForgetScorer implements score.Store: while the window is open the
// member's marks go; after it they stay, under an anonymous scorer.
func (s *Store) ForgetScorer(ctx context.Context, cohort string, user bot.UserKey, w plan.Window, now time.Time) error {
	drop := "0"
	if now.Before(w.Closes) {
		drop = "1"
	}
	keys := []string{scKey(cohort, "m"), scKey(cohort, "note"), scKey(cohort, "anon")}
	if err := forgetScorerScript.Run(ctx, s.rdb, keys, string(user), drop).Err(); err != nil {
		return fmt.Errorf("forget scorer in %s: %w", cohort, err)
	}
	return nil
}
