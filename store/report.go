package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/cohortbot/cohortbot/bot"
	"github.com/cohortbot/cohortbot/bot/report"
	"github.com/redis/go-redis/v9"
)

// The reports' keys, all under the cohort's tag {c:ID}:
//
//	{c:ID}:rp:v      hash  DEADLINE|GROUP|N → version N's JSON (file id, name, size, type, uploader, time, late)
//	{c:ID}:rp:n      hash  DEADLINE|GROUP → number of versions
//	{c:ID}:rp:uid    hash  DEADLINE|GROUP|UNIQUEID → version number: one version per file
//	{c:ID}:rp:first  hash  GROUP → time (unix ms) of the group's first version of any report
//
// Deadline ids have no "|"; a group name may, which is harmless: the
// fields are only ever built, never split.
func rpKey(cohort, s string) string { return cohortKey(cohort, "rp:"+s) }

func rpField(deadline, group string) string { return deadline + "|" + group }

// addReportScript records the next version of a group's report for a
// deadline, unless the file is a version already or the group has limit
// versions. KEYS: versions, counts, unique ids, first. ARGV: deadline|group,
// unique id, limit, version JSON without its number, group, now (ms).
var addReportScript = redis.NewScript(`
local dup = redis.call('HGET', KEYS[3], ARGV[1] .. '|' .. ARGV[2])
if dup then return {'dup', dup} end
local n = tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or '0')
if n >= tonumber(ARGV[3]) then return {'limit', tostring(n)} end
n = n + 1
redis.call('HSET', KEYS[2], ARGV[1], n)
redis.call('HSET', KEYS[1], ARGV[1] .. '|' .. n, ARGV[4])
redis.call('HSET', KEYS[3], ARGV[1] .. '|' .. ARGV[2], n)
redis.call('HSETNX', KEYS[4], ARGV[5], ARGV[6])
return {'ok', tostring(n)}
`)

// AddReport implements report.Store.
func (s *Store) AddReport(ctx context.Context, v *report.Version, limit int) (report.AddResult, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return report.AddResult{}, fmt.Errorf("encode report: %w", err)
	}
	c := v.Cohort
	keys := []string{rpKey(c, "v"), rpKey(c, "n"), rpKey(c, "uid"), rpKey(c, "first")}
	res, err := addReportScript.Run(ctx, s.rdb, keys, rpField(v.Deadline, v.Group), v.UniqueID, limit, raw, v.Group, unixMS(v.At)).StringSlice()
	if err != nil {
		return report.AddResult{}, fmt.Errorf("add report to %s: %w", c, err)
	}
	n, _ := strconv.Atoi(res[1])
	return report.AddResult{Status: res[0], Version: n}, nil
}

// groupReportsScript reads every version of a group's report for a
// deadline, oldest first. KEYS: versions, counts. ARGV: deadline|group.
var groupReportsScript = redis.NewScript(`
local n = tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or '0')
if n == 0 then return {} end
local fields = {}
for i = 1, n do fields[i] = ARGV[1] .. '|' .. i end
return redis.call('HMGET', KEYS[1], unpack(fields))
`)

// GroupReports implements report.Store.
func (s *Store) GroupReports(ctx context.Context, cohort, deadline, group string) ([]*report.Version, error) {
	res, err := groupReportsScript.Run(ctx, s.rdb, []string{rpKey(cohort, "v"), rpKey(cohort, "n")}, rpField(deadline, group)).Slice()
	if err != nil && !errors.Is(err, redis.Nil) {
		return nil, fmt.Errorf("reports of %s in %s: %w", group, cohort, err)
	}
	out := make([]*report.Version, 0, len(res))
	for i, r := range res {
		raw, ok := r.(string)
		if !ok {
			continue
		}
		v := &report.Version{}
		if err := json.Unmarshal([]byte(raw), v); err != nil {
			return nil, fmt.Errorf("decode report %s|%d: %w", rpField(deadline, group), i+1, err)
		}
		v.Version = i + 1
		out = append(out, v)
	}
	return out, nil
}

// ReportCounts implements report.Store.
func (s *Store) ReportCounts(ctx context.Context, cohort string) (map[string]map[string]int, error) {
	all, err := s.rdb.HGetAll(ctx, rpKey(cohort, "n")).Result()
	if err != nil {
		return nil, fmt.Errorf("report counts of %s: %w", cohort, err)
	}
	out := map[string]map[string]int{}
	for f, n := range all {
		deadline, group, ok := strings.Cut(f, "|")
		if !ok {
			continue
		}
		if out[deadline] == nil {
			out[deadline] = map[string]int{}
		}
		out[deadline][group], _ = strconv.Atoi(n)
	}
	return out, nil
}

// ReportCount implements report.Store.
func (s *Store) ReportCount(ctx context.Context, cohort, deadline, group string) (int, error) {
	n, err := s.rdb.HGet(ctx, rpKey(cohort, "n"), rpField(deadline, group)).Int()
	if errors.Is(err, redis.Nil) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("report count of %s in %s: %w", group, cohort, err)
	}
	return n, nil
}

// FirstReport is when the group handed in its first version of any
// report, for the scores' tie-break (score.Reports); ok is false when it
// handed in none.
func (s *Store) FirstReport(ctx context.Context, cohort, group string) (time.Time, bool, error) {
	ms, err := s.rdb.HGet(ctx, rpKey(cohort, "first"), group).Int64()
	if errors.Is(err, redis.Nil) {
		return time.Time{}, false, nil
	}
	if err != nil {
		return time.Time{}, false, fmt.Errorf("first report of %s in %s: %w", group, cohort, err)
	}
	return time.UnixMilli(ms), true, nil
}

// ForgetReporter implements report.Store: the versions the member
// uploaded lose their uploader's key and name. Versions are only ever
// added, never changed, so rewriting the ones found is safe without a
// script.
func (s *Store) ForgetReporter(ctx context.Context, cohort string, user bot.UserKey) error {
	all, err := s.rdb.HGetAll(ctx, rpKey(cohort, "v")).Result()
	if err != nil {
		return fmt.Errorf("forget reporter in %s: %w", cohort, err)
	}
	var set []any
	for f, raw := range all {
		var v report.Version
		if err := json.Unmarshal([]byte(raw), &v); err != nil || v.Uploader != user {
			continue
		}
		v.Uploader, v.UploaderName = "", ""
		b, err := json.Marshal(&v)
		if err != nil {
			return err
		}
		set = append(set, f, string(b))
	}
	if len(set) == 0 {
		return nil
	}
	return s.rdb.HSet(ctx, rpKey(cohort, "v"), set...).Err()
}
