package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"sync"
	"time"

	"github.com/cohortbot/cohortbot/bot"
	"github.com/cohortbot/cohortbot/bot/contest"
	"github.com/cohortbot/cohortbot/bot/plan"
	"github.com/redis/go-redis/v9"
)

// The photo contest's keys, all under the cohort's tag {c:ID} so that
// every script below touches one slot:
//
//	{c:ID}:ph:seq        string  last entry number
//	{c:ID}:ph:e          hash    entry number → entry JSON (its status lives apart)
//	{c:ID}:ph:st         hash    entry number → status (draft, pending, approved, rejected, withdrawn)
//	{c:ID}:ph:why        hash    entry number → the organiser's reason for a rejection
//	{c:ID}:ph:dec        hash    entry number → the audit id of its last moderation decision
//	{c:ID}:ph:ok         zset    approved entry numbers (score = number): what voters page through
//	{c:ID}:ph:uid        hash    file unique id or content hash → entry number (one entry per picture)
//	{c:ID}:ph:u:USER     set     the author's entry numbers
//	{c:ID}:ph:grp        hash    group → its entries pending or approved
//	{c:ID}:ph:ver        string  bumped by every change of an entry, so readers may cache entries
//	{c:ID}:contest       hash    window overrides (sub_opens, sub_closes, vote_opens, vote_closes, unix ms),
//	                             proposed (voting close, ms, whose results were sent to organisers),
//	                             announced, votes (total), wver (bumped by every change of the windows)
//	{c:ID}:vt:u:USER     hash    entry number → weight (thousandths) of the voter's vote for it: one
//	                             field per (voter, entry), so a hash as small as one person's votes
//	{c:ID}:vt:voters     set     voters with at least one vote (its size is the number of voters)
//	{c:ID}:vt:tally      string  each entry's tally, a 12-byte record at byte 12n: its weighted score
//	                             in thousandths (so sums stay exact, signed 64-bit, bit 96n), then its
//	                             number of voters (signed 32-bit, bit 96n+64); BITFIELD writes both
//	{c:ID}:audit         stream  kind, user (a pseudonym, whoLua), photo, time (unix ms) and details of every contest change
//	{c:ID}:audit:who     hash    "u:USER" → pseudonym "#N", "a:#N" → USER, "n" → last N; a forgotten person's two fields go
//	{c:ID}:vt:voters:by:ENTRY set the voters of the entry (dropVotesLua asks only them)
//	{c:ID}:vt:kept       hash    USER → votes that stood when they left after voting closed (they vote no more)
func phKey(cohort, s string) string                 { return cohortKey(cohort, "ph:"+s) }
func phUserKey(cohort string, u bot.UserKey) string { return cohortKey(cohort, "ph:u:"+string(u)) }
func vtKey(cohort, s string) string                 { return cohortKey(cohort, "vt:"+s) }
func vtUserKey(cohort string, u bot.UserKey) string { return cohortKey(cohort, "vt:u:"+string(u)) }
func contestKey(cohort string) string               { return cohortKey(cohort, "contest") }
func auditKey(cohort string) string                 { return cohortKey(cohort, "audit") }

// whoLua names people in the audit by a pseudonym of the cohort ("#12"),
// never by their account: the pseudonyms are kept beside the stream (the
// audit key with ":who", "u:USER" → pseudonym and "a:#N" → user), so
// that forgetting someone deletes two fields and the audit still
// explains every tally change, by a pseudonym nobody can resolve any more.
const whoLua = `
local function who(audit, user)
  if user == nil or user == '' then return '' end
  local k = audit .. ':who'
  local a = redis.call('HGET', k, 'u:' .. user)
  if a then return a end
  a = '#' .. redis.call('HINCRBY', k, 'n', 1)
  redis.call('HSET', k, 'u:' .. user, a, 'a:' .. a, user)
  return a
end
`

// milli is the unit scores are kept in: a weight of 1.5 counts 1500, so
// that casting and withdrawing never leave a rounding error behind.
const milli = 1000

// windowLua reads the effective window of a phase: the organisers'
// override when there is one, else the plan's, passed in by the caller.
const windowLua = `
local function window(contest, phase, planOpens, planCloses)
  local ov = redis.call('HMGET', contest, phase .. '_opens', phase .. '_closes')
  return tonumber(ov[1] or planOpens), tonumber(ov[2] or planCloses)
end
local function isOpen(contest, phase, planOpens, planCloses, now)
  local o, c = window(contest, phase, planOpens, planCloses)
  return now >= o and now < c
end
`

// dropVotesLua takes back every vote for entry n when it leaves the
// contest (withdrawn by its author, or by their leaving): its voters get
// their votes back for the quota, the totals and its tally drop them, and
// each is audited as an "unvote" with why = withdrawn. The entry's voters
// are listed beside its tally (vt:by:N), so the work is one step per
// vote the entry had. mine is the voters' hash key without the voter
// (vt:u:).
const dropVotesLua = whoLua + `
local function dropVotes(contest, tally, voters, audit, mine, n, now)
  local dropped = 0
  local by = voters .. ':by:' .. n
  for _, v in ipairs(redis.call('SMEMBERS', by)) do
    local k = mine .. v
    local w = redis.call('HGET', k, n)
    if w then
      redis.call('HDEL', k, n)
      if redis.call('HLEN', k) == 0 then redis.call('SREM', voters, v) end
      redis.call('XADD', audit, '*', 'kind', 'unvote', 'user', who(audit, v), 'photo', n, 'time', now, 'weight', w, 'why', 'withdrawn')
      dropped = dropped + 1
    end
  end
  redis.call('DEL', by)
  if dropped > 0 then
    local at = 96 * tonumber(n)
    redis.call('BITFIELD', tally, 'SET', 'i64', at, '0', 'SET', 'i32', at + 64, '0')
    redis.call('HINCRBY', contest, 'votes', -dropped)
  end
end
`

// submitScript records a draft entry, unless the submissions window is
// shut, the picture is already an entry of the cohort, the author reached
// the plan's limit of entries neither withdrawn nor rejected, or one of
// the contest's caps (contest.SubmitLimits): its work is bounded by the
// cap of entries per member. KEYS: contest, seq, e, st, uid, author's
// set, version. ARGV: unique id, author, limit, plan opens, plan closes,
// now, entry JSON, drafts cap, entries cap, cohort cap.
var submitScript = redis.NewScript(windowLua + `
if not isOpen(KEYS[1], 'sub', ARGV[4], ARGV[5], tonumber(ARGV[6])) then return {'closed'} end
local dup = redis.call('HGET', KEYS[5], ARGV[1])
if dup then
  local raw = redis.call('HGET', KEYS[3], dup)
  local author = ''
  if raw then author = cjson.decode(raw).author or '' end
  return {'dup', dup, author, redis.call('HGET', KEYS[4], dup) or ''}
end
local limit, maxDrafts, maxAll, maxCohort = tonumber(ARGV[3]), tonumber(ARGV[8]), tonumber(ARGV[9]), tonumber(ARGV[10])
local mine = redis.call('SMEMBERS', KEYS[6])
if #mine >= maxAll then return {'cap', tostring(#mine)} end
if tonumber(redis.call('GET', KEYS[2]) or '0') >= maxCohort then return {'full', ''} end
local counted, drafts = 0, 0
for _, id in ipairs(mine) do
  local st = redis.call('HGET', KEYS[4], id)
  if st ~= 'withdrawn' and st ~= 'rejected' then counted = counted + 1 end
  if st == 'draft' then drafts = drafts + 1 end
end
if limit > 0 and counted >= limit then return {'limit', tostring(counted)} end
if drafts >= maxDrafts then return {'drafts', tostring(drafts)} end
local n = redis.call('INCR', KEYS[2])
redis.call('HSET', KEYS[3], n, ARGV[7])
redis.call('HSET', KEYS[4], n, 'draft')
redis.call('HSET', KEYS[5], ARGV[1], n)
redis.call('SADD', KEYS[6], n)
redis.call('INCR', KEYS[7])
return {'ok', tostring(n)}
`)

// SubmitEntry implements contest.Store.
func (s *Store) SubmitEntry(ctx context.Context, e *contest.Entry, limits contest.SubmitLimits, w plan.Window, now time.Time) (contest.SubmitResult, error) {
	raw, err := encodeEntry(e)
	if err != nil {
		return contest.SubmitResult{}, err
	}
	c := e.Cohort
	keys := []string{contestKey(c), phKey(c, "seq"), phKey(c, "e"), phKey(c, "st"), phKey(c, "uid"), phUserKey(c, e.Author), phKey(c, "ver")}
	res, err := submitScript.Run(ctx, s.rdb, keys, e.UniqueID, string(e.Author), limits.Photos,
		unixMS(w.Opens), unixMS(w.Closes), unixMS(now), raw, limits.Drafts, limits.Entries, limits.Cohort).StringSlice()
	if err != nil {
		return contest.SubmitResult{}, fmt.Errorf("submit entry to %s: %w", c, err)
	}
	out := contest.SubmitResult{Status: res[0]}
	switch out.Status {
	case contest.SubmitOK:
		out.N, _ = strconv.ParseInt(res[1], 10, 64)
	case contest.SubmitDup:
		out.N, _ = strconv.ParseInt(res[1], 10, 64)
		out.Author, out.Current = bot.UserKey(res[2]), res[3]
	case contest.SubmitLimit, contest.SubmitDrafts, contest.SubmitCap:
		out.Count, _ = strconv.Atoi(res[1])
	}
	return out, nil
}

// updateScript changes entries of one author (or of anyone with an empty
// author) whose status is still the expected one: new JSON, new status,
// freeing the picture. The approved set, the groups' counts and the audit
// follow, and an entry withdrawn loses its votes (dropVotesLua). With a
// window check it refuses everything once submissions are shut. KEYS: e,
// st, uid, contest, audit, ok, grp, version, tally, voters. ARGV: author,
// check window (1/0), plan opens, plan closes, now, audit kind, the voters'
// hash key prefix, then per entry: number, expected status, new status (or
// ""), JSON (or ""), free (1/0).
var updateScript = redis.NewScript(windowLua + dropVotesLua + `
local now = ARGV[5]
if ARGV[2] == '1' and not isOpen(KEYS[4], 'sub', ARGV[3], ARGV[4], tonumber(now)) then return {'closed'} end
local counted = {pending = true, approved = true}
local out = {'ok'}
for i = 8, #ARGV, 5 do
  local n, from, to, js, free = ARGV[i], ARGV[i+1], ARGV[i+2], ARGV[i+3], ARGV[i+4]
  local raw = redis.call('HGET', KEYS[1], n)
  local st = redis.call('HGET', KEYS[2], n)
  if raw and st == from then
    local e = cjson.decode(raw)
    if ARGV[1] == '' or e.author == ARGV[1] then
      if js ~= '' then redis.call('HSET', KEYS[1], n, js) end
      if to ~= '' and to ~= st then
        redis.call('HSET', KEYS[2], n, to)
        if to == 'approved' then redis.call('ZADD', KEYS[6], n, n) else redis.call('ZREM', KEYS[6], n) end
        local g = e.group or ''
        if g ~= '' and counted[st] ~= counted[to] then
          if counted[to] then redis.call('HINCRBY', KEYS[7], g, 1) else redis.call('HINCRBY', KEYS[7], g, -1) end
        end
      end
      if free == '1' and e.unique_id and redis.call('HGET', KEYS[3], e.unique_id) == n then
        redis.call('HDEL', KEYS[3], e.unique_id)
      end
      if ARGV[6] ~= '' then
        redis.call('XADD', KEYS[5], '*', 'kind', ARGV[6], 'user', who(KEYS[5], e.author), 'photo', n, 'time', now, 'from', st, 'to', to)
      end
      if to == 'withdrawn' and st ~= 'withdrawn' then dropVotes(KEYS[4], KEYS[9], KEYS[10], KEYS[5], ARGV[7], n, now) end
      out[#out+1] = n
    end
  end
end
if #out > 1 then redis.call('INCR', KEYS[8]) end
return out
`)

// UpdateEntries implements contest.Store.
func (s *Store) UpdateEntries(ctx context.Context, cohort string, author bot.UserKey, changes []contest.EntryChange, window *plan.Window, audit string, now time.Time) ([]int64, error) {
	check, opens, closes := "0", int64(0), int64(0)
	if window != nil {
		check, opens, closes = "1", unixMS(window.Opens), unixMS(window.Closes)
	}
	args := []any{string(author), check, opens, closes, unixMS(now), audit, vtKey(cohort, "u:")}
	for _, ch := range changes {
		raw := ""
		if ch.Entry != nil {
			b, err := encodeEntry(ch.Entry)
			if err != nil {
				return nil, err
			}
			raw = b
		}
		free := "0"
		if ch.Free {
			free = "1"
		}
		args = append(args, ch.N, ch.From, ch.To, raw, free)
	}
	keys := []string{phKey(cohort, "e"), phKey(cohort, "st"), phKey(cohort, "uid"), contestKey(cohort), auditKey(cohort), phKey(cohort, "ok"), phKey(cohort, "grp"), phKey(cohort, "ver"),
		vtKey(cohort, "tally"), vtKey(cohort, "voters")}
	res, err := updateScript.Run(ctx, s.rdb, keys, args...).StringSlice()
	if err != nil {
		return nil, fmt.Errorf("update entries of %s: %w", cohort, err)
	}
	if res[0] == "closed" {
		return nil, contest.ErrWindowClosed
	}
	done := make([]int64, 0, len(res)-1)
	for _, r := range res[1:] {
		n, _ := strconv.ParseInt(r, 10, 64)
		done = append(done, n)
	}
	return done, nil
}

// decideScript is an organiser's decision on a pending entry: only one
// decision is ever taken (until the entry waits again, after a new
// caption). A rejected entry no longer counts for its group's photos
// deadline. The decision's audit id is kept, and returned, also to a
// later press that finds the entry decided, to name the author's notice.
// KEYS: st, why, audit, ok, version, e, grp, dec. ARGV: number, new
// status, reason, organiser, now.
var decideScript = redis.NewScript(whoLua + `
local st = redis.call('HGET', KEYS[1], ARGV[1])
if not st then return {'missing', '', ''} end
if st ~= 'pending' then return {'already', st, redis.call('HGET', KEYS[8], ARGV[1]) or ''} end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
if ARGV[2] == 'approved' then
  redis.call('ZADD', KEYS[4], ARGV[1], ARGV[1])
else
  local raw = redis.call('HGET', KEYS[6], ARGV[1])
  local g = raw and cjson.decode(raw).group or ''
  if g ~= '' then redis.call('HINCRBY', KEYS[7], g, '-1') end
end
if ARGV[3] ~= '' then redis.call('HSET', KEYS[2], ARGV[1], ARGV[3]) end
local kind = 'approve'
if ARGV[2] ~= 'approved' then kind = 'reject' end
local id = redis.call('XADD', KEYS[3], '*', 'kind', kind, 'user', who(KEYS[3], ARGV[4]), 'photo', ARGV[1], 'time', ARGV[5], 'reason', ARGV[3])
redis.call('HSET', KEYS[8], ARGV[1], id)
redis.call('INCR', KEYS[5])
return {'ok', st, id}
`)

// DecideEntry implements contest.Store.
func (s *Store) DecideEntry(ctx context.Context, cohort string, n int64, approve bool, reason string, by bot.UserKey, now time.Time) (bool, string, string, error) {
	to := contest.EntryRejected
	if approve {
		to, reason = contest.EntryApproved, ""
	}
	keys := []string{phKey(cohort, "st"), phKey(cohort, "why"), auditKey(cohort), phKey(cohort, "ok"), phKey(cohort, "ver"),
		phKey(cohort, "e"), phKey(cohort, "grp"), phKey(cohort, "dec")}
	res, err := decideScript.Run(ctx, s.rdb, keys, n, to, reason, string(by), unixMS(now)).StringSlice()
	if err != nil {
		return false, "", "", fmt.Errorf("decide entry %d of %s: %w", n, cohort, err)
	}
	switch res[0] {
	case "missing":
		return false, "", "", ErrNotFound
	case "already":
		return false, res[1], res[2], nil
	}
	return true, to, res[2], nil
}

// pageLua reads a voter's page of entry n into out: the entry's JSON
// (false when there is none), then its status, the number of approved
// entries, its place among them (0 when it is not approved), the next and
// the previous approved entries (wrapping around), whether the voter
// voted for it (0/1), the voter's votes and its voters. mine is the
// voter's hash of votes (vt:u:USER), at the offset of the entry's number
// of voters in tally (bit 96n+64). known holds what
// the caller read or wrote already in the same script (raw, st, voted,
// used, votes), so that it is not read twice. decodePage reads the page.
const pageLua = `
local function page(out, known, e, st, ok, mine, tally, at, n)
  local raw = known.raw or redis.call('HGET', e, n)
  out[#out+1] = raw
  if not raw then return out end
  local rank = redis.call('ZRANK', ok, n)
  local nx, pv
  if rank then
    -- The neighbours by rank, with the entry itself between them.
    local from = math.max(rank - 1, 0)
    local r = redis.call('ZRANGE', ok, from, rank + 1)
    local i = rank - from + 1
    pv, nx = r[i - 1], r[i + 1]
  else
    nx = redis.call('ZRANGEBYSCORE', ok, '(' .. n, '+inf', 'LIMIT', 0, 1)[1]
    pv = redis.call('ZREVRANGEBYSCORE', ok, '(' .. n, '-inf', 'LIMIT', 0, 1)[1]
  end
  nx = nx or redis.call('ZRANGE', ok, 0, 0)[1]
  pv = pv or redis.call('ZRANGE', ok, -1, -1)[1]
  out[#out+1] = known.st or redis.call('HGET', st, n) or ''
  out[#out+1] = redis.call('ZCARD', ok)
  out[#out+1] = (rank or -1) + 1
  out[#out+1] = nx or '0'
  out[#out+1] = pv or '0'
  out[#out+1] = known.voted or redis.call('HEXISTS', mine, n)
  out[#out+1] = known.used or redis.call('HLEN', mine)
  out[#out+1] = known.votes or redis.call('BITFIELD', tally, 'GET', 'i32', at)[1]
  return out
end
`

// voteScript casts ("c") or withdraws ("w") one voter's vote for one
// entry, all checks and writes in one step so that concurrent presses,
// replays and redelivered updates count once. The voter's weight is kept
// with the vote, so a withdrawal takes back exactly what was added. It
// returns the outcome and the voting window's overrides, then, when asked
// for, the voter's page of the entry as it is after the vote (pageLua):
// one command for the press and the page it redraws.
// A voter whose votes stood when they left after voting closed
// (ForgetContestant) casts no more.
// KEYS: contest, st, e, the voter's votes, tally, voters, audit, ok, kept.
// ARGV: op, voter, number, voter's group, weight (thousandths), quota,
// plan opens, plan closes, now, page (1/0), the entry's score and voters
// offsets in tally (bits).
var voteScript = redis.NewScript(whoLua + pageLua + `
local voter, n = ARGV[2], ARGV[3]
local ov = redis.call('HMGET', KEYS[1], 'vote_opens', 'vote_closes')
local known = {}
local function vote()
  local now = tonumber(ARGV[9])
  if now < tonumber(ov[1] or ARGV[7]) or now >= tonumber(ov[2] or ARGV[8]) then return 'closed' end
  if ARGV[1] == 'c' then
    local st = redis.call('HGET', KEYS[2], n)
    if not st then return 'missing' end
    known.st = st
    if st ~= 'approved' then return 'unavailable' end
    if redis.call('HEXISTS', KEYS[4], n) == 1 then
      known.voted = 1
      return 'noop'
    end
    known.voted = 0
    known.raw = redis.call('HGET', KEYS[3], n)
    local e = cjson.decode(known.raw)
    if e.author == voter or (ARGV[4] ~= '' and e.group == ARGV[4]) then return 'own' end
    if redis.call('HEXISTS', KEYS[9], voter) == 1 then return 'kept' end
    known.used = redis.call('HLEN', KEYS[4])
    local quota = tonumber(ARGV[6])
    if quota > 0 and known.used >= quota then return 'quota' end
    redis.call('HSET', KEYS[4], n, ARGV[5])
    known.votes = redis.call('BITFIELD', KEYS[5], 'INCRBY', 'i64', ARGV[11], ARGV[5], 'INCRBY', 'i32', ARGV[12], '1')[2]
    if known.used == 0 then redis.call('SADD', KEYS[6], voter) end
    redis.call('SADD', KEYS[6] .. ':by:' .. n, voter)
    known.used = known.used + 1
    known.voted = 1
    redis.call('HINCRBY', KEYS[1], 'votes', '1')
    redis.call('XADD', KEYS[7], '*', 'kind', 'vote', 'user', who(KEYS[7], voter), 'photo', n, 'time', ARGV[9], 'weight', ARGV[5])
    return 'ok'
  end
  local w = redis.call('HGET', KEYS[4], n)
  if not w then
    known.voted = 0
    return 'noop'
  end
  redis.call('HDEL', KEYS[4], n)
  known.votes = redis.call('BITFIELD', KEYS[5], 'INCRBY', 'i64', ARGV[11], '-' .. w, 'INCRBY', 'i32', ARGV[12], '-1')[2]
  known.used = redis.call('HLEN', KEYS[4])
  if known.used == 0 then redis.call('SREM', KEYS[6], voter) end
  redis.call('SREM', KEYS[6] .. ':by:' .. n, voter)
  known.voted = 0
  redis.call('HINCRBY', KEYS[1], 'votes', '-1')
  redis.call('XADD', KEYS[7], '*', 'kind', 'unvote', 'user', who(KEYS[7], voter), 'photo', n, 'time', ARGV[9], 'weight', w)
  return 'ok'
end
local out = {vote(), ov[1], ov[2]}
if ARGV[10] == '1' then page(out, known, KEYS[3], KEYS[2], KEYS[8], KEYS[4], KEYS[5], ARGV[12], n) end
return out
`)

// Vote implements contest.Store.
func (s *Store) Vote(ctx context.Context, v contest.VoteRequest) (contest.VoteResult, error) {
	keys, args := voteArgs(v, false)
	res, err := voteScript.Run(ctx, s.rdb, keys, args...).Slice()
	if err != nil {
		return "", fmt.Errorf("vote for %d in %s: %w", v.N, v.Cohort, err)
	}
	out, _ := res[0].(string)
	return contest.VoteResult(out), nil
}

func voteArgs(v contest.VoteRequest, page bool) ([]string, []any) {
	c := v.Cohort
	op, withPage := "w", "0"
	if v.Cast {
		op = "c"
	}
	if page {
		withPage = "1"
	}
	keys := []string{contestKey(c), phKey(c, "st"), phKey(c, "e"), vtUserKey(c, v.Voter),
		vtKey(c, "tally"), vtKey(c, "voters"), auditKey(c), phKey(c, "ok"), vtKey(c, "kept")}
	weight := int64(math.Round(v.Weight * milli))
	return keys, []any{op, string(v.Voter), v.N, v.Group, weight, v.Quota,
		unixMS(v.Window.Opens), unixMS(v.Window.Closes), unixMS(v.Now), withPage,
		scoreBit(v.N), votesBit(v.N)}
}

// VoteAndView implements contest.Store: the vote, then the voter's
// page of the entry as it is after it, in one script call.
func (s *Store) VoteAndView(ctx context.Context, v contest.VoteRequest) (contest.VoteResult, contest.VoteView, error) {
	keys, args := voteArgs(v, true)
	res, err := voteScript.Run(ctx, s.rdb, keys, args...).Slice()
	if err != nil {
		return "", contest.VoteView{}, fmt.Errorf("vote for %d in %s: %w", v.N, v.Cohort, err)
	}
	out, _ := res[0].(string)
	view, err := s.decodePage(v.Cohort, v.N, res[1:])
	return contest.VoteResult(out), view, err
}

// windowScript stores an organiser's change of the phases' windows,
// unless they changed since the version the organiser saw, and audits
// each phase's change. KEYS: contest, audit. ARGV: version seen (” for
// no check), organiser, now, action, then per phase: phase, opens,
// closes (unix ms).
var windowScript = redis.NewScript(whoLua + `
if ARGV[1] ~= '' and (redis.call('HGET', KEYS[1], 'wver') or '0') ~= ARGV[1] then return 0 end
for i = 5, #ARGV, 3 do
  local phase, opens, closes = ARGV[i], ARGV[i+1], ARGV[i+2]
  redis.call('HSET', KEYS[1], phase .. '_opens', opens, phase .. '_closes', closes)
  redis.call('XADD', KEYS[2], '*', 'kind', 'phase', 'user', who(KEYS[2], ARGV[2]), 'photo', '', 'time', ARGV[3],
    'action', ARGV[4], 'phase', phase, 'opens', opens, 'closes', closes)
end
redis.call('HINCRBY', KEYS[1], 'wver', '1')
return 1
`)

// SetContestWindows implements contest.Store.
func (s *Store) SetContestWindows(ctx context.Context, cohort string, ch contest.WindowChange) (bool, error) {
	seen := ""
	if ch.Seen != nil {
		seen = strconv.FormatInt(*ch.Seen, 10)
	}
	args := []any{seen, string(ch.By), unixMS(ch.Now), ch.Action}
	for _, p := range []struct {
		phase string
		w     *plan.Window
	}{{contest.PhaseSub, ch.Sub}, {contest.PhaseVote, ch.Vote}} {
		if p.w != nil {
			args = append(args, p.phase, unixMS(p.w.Opens), unixMS(p.w.Closes))
		}
	}
	if len(args) == 4 {
		return false, fmt.Errorf("set contest windows of %s: no window to change", cohort)
	}
	ok, err := windowScript.Run(ctx, s.rdb, []string{contestKey(cohort), auditKey(cohort)}, args...).Int()
	if err != nil {
		return false, fmt.Errorf("set contest windows of %s: %w", cohort, err)
	}
	return ok == 1, nil
}

// markScript sets a field of the contest hash unless it holds the value
// already, and audits the change. KEYS: contest, audit. ARGV: field,
// value, user, now, kind.
var markScript = redis.NewScript(whoLua + `
if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('XADD', KEYS[2], '*', 'kind', ARGV[5], 'user', who(KEYS[2], ARGV[3]), 'photo', '', 'time', ARGV[4])
return 1
`)

// MarkResults implements contest.Store: "proposed" holds the voting
// close (unix ms) whose results went to the organisers, "announced" is
// set once the cohort was told. It reports whether the mark is new.
func (s *Store) MarkResults(ctx context.Context, cohort, field, value string, by bot.UserKey, now time.Time) (bool, error) {
	n, err := markScript.Run(ctx, s.rdb, []string{contestKey(cohort), auditKey(cohort)},
		field, value, string(by), unixMS(now), "results_"+field).Int()
	if err != nil {
		return false, fmt.Errorf("mark results %s of %s: %w", field, cohort, err)
	}
	return n == 1, nil
}

// ContestMeta implements contest.Store.
func (s *Store) ContestMeta(ctx context.Context, cohort string) (contest.ContestMeta, error) {
	var h *redis.MapStringStringCmd
	var voters *redis.IntCmd
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		h = p.HGetAll(ctx, contestKey(cohort))
		voters = p.SCard(ctx, vtKey(cohort, "voters"))
		return nil
	})
	if err != nil {
		return contest.ContestMeta{}, fmt.Errorf("read contest of %s: %w", cohort, err)
	}
	return metaFrom(h.Val(), voters.Val()), nil
}

func metaFrom(h map[string]string, voters int64) contest.ContestMeta {
	at := func(f string) *time.Time {
		ms, err := strconv.ParseInt(h[f], 10, 64)
		if err != nil {
			return nil
		}
		t := fromMS(ms)
		return &t
	}
	m := contest.ContestMeta{
		SubOpens: at("sub_opens"), SubCloses: at("sub_closes"),
		VoteOpens: at("vote_opens"), VoteCloses: at("vote_closes"),
		Announced: h["announced"] != "", Voters: voters,
	}
	m.Proposed, _ = strconv.ParseInt(h["proposed"], 10, 64)
	m.Votes, _ = strconv.ParseInt(h["votes"], 10, 64)
	m.WindowVersion, _ = strconv.ParseInt(h["wver"], 10, 64)
	return m
}

func encodeEntry(e *contest.Entry) (string, error) {
	c := *e
	// The status and reason have keys of their own, written only by the
	// scripts' checked transitions.
	c.Status, c.Reason = "", ""
	raw, err := json.Marshal(&c)
	if err != nil {
		return "", fmt.Errorf("encode entry: %w", err)
	}
	return string(raw), nil
}

func decodeEntry(cohort, n, raw, status, reason string) (*contest.Entry, error) {
	var e contest.Entry
	if err := json.Unmarshal([]byte(raw), &e); err != nil {
		return nil, fmt.Errorf("decode entry %s of %s: %w", n, cohort, err)
	}
	e.N, _ = strconv.ParseInt(n, 10, 64)
	e.Cohort, e.Status, e.Reason = cohort, status, reason
	return &e, nil
}

// Entry implements contest.Store.
func (s *Store) Entry(ctx context.Context, cohort string, n int64) (*contest.Entry, error) {
	id := strconv.FormatInt(n, 10)
	var e, st, why *redis.StringCmd
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		e = p.HGet(ctx, phKey(cohort, "e"), id)
		st = p.HGet(ctx, phKey(cohort, "st"), id)
		why = p.HGet(ctx, phKey(cohort, "why"), id)
		return nil
	})
	if err != nil && !errors.Is(err, redis.Nil) {
		return nil, fmt.Errorf("read entry %d of %s: %w", n, cohort, err)
	}
	if e.Err() != nil {
		return nil, ErrNotFound
	}
	return decodeEntry(cohort, id, e.Val(), st.Val(), why.Val())
}

// AuthorEntries implements contest.Store: the author's entries by
// number.
func (s *Store) AuthorEntries(ctx context.Context, cohort string, author bot.UserKey) ([]*contest.Entry, error) {
	ids, err := s.rdb.SMembers(ctx, phUserKey(cohort, author)).Result()
	if err != nil {
		return nil, fmt.Errorf("list entries of %s: %w", author, err)
	}
	if len(ids) == 0 {
		return nil, nil
	}
	var e, st, why *redis.SliceCmd
	_, err = s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		e = p.HMGet(ctx, phKey(cohort, "e"), ids...)
		st = p.HMGet(ctx, phKey(cohort, "st"), ids...)
		why = p.HMGet(ctx, phKey(cohort, "why"), ids...)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read entries of %s: %w", author, err)
	}
	out := make([]*contest.Entry, 0, len(ids))
	for i, id := range ids {
		raw, ok := e.Val()[i].(string)
		if !ok {
			continue
		}
		status, _ := st.Val()[i].(string)
		reason, _ := why.Val()[i].(string)
		entry, err := decodeEntry(cohort, id, raw, status, reason)
		if err != nil {
			return nil, err
		}
		out = append(out, entry)
	}
	sortEntries(out)
	return out, nil
}

func sortEntries(es []*contest.Entry) {
	for i := 1; i < len(es); i++ {
		for j := i; j > 0 && es[j].N < es[j-1].N; j-- {
			es[j], es[j-1] = es[j-1], es[j]
		}
	}
}

// entryCache keeps each cohort's decoded entries with the version they
// were read at.
type entryCache struct {
	mu sync.Mutex
	m  map[string]cachedEntries
}

type cachedEntries struct {
	version string
	entries []*contest.Entry
}

// get returns the cohort's entries as last read, whatever their version.
func (c *entryCache) get(cohort string) (cachedEntries, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	ce, ok := c.m[cohort]
	return ce, ok
}

func (c *entryCache) put(cohort, version string, es []*contest.Entry) cachedEntries {
	ce := cachedEntries{version: version, entries: es}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = make(map[string]cachedEntries)
	}
	c.m[cohort] = ce
	return ce
}

// ContestSnapshot implements contest.Store: every entry with its
// status, the tallies and the contest's settings. The entries are read
// again only when their version moved since the last read, so a snapshot
// costs one round trip.
func (s *Store) ContestSnapshot(ctx context.Context, cohort string) (*contest.ContestSnapshot, error) {
	board, err := s.ContestBoard(ctx, cohort, true)
	if err != nil {
		return nil, err
	}
	snap := &contest.ContestSnapshot{
		Entries: make([]*contest.Entry, len(board.Entries)),
		Tally:   make(map[int64]contest.Tally, len(board.Entries)),
		Meta:    board.Meta,
	}
	// Copies: the cached entries are shared between readers.
	all := make([]contest.Entry, len(board.Entries))
	for i, e := range board.Entries {
		all[i] = *e
		snap.Entries[i] = &all[i]
		if t := board.Tallies[i]; t != (contest.Tally{}) {
			snap.Tally[e.N] = t
		}
	}
	return snap, nil
}

// entriesAt returns the cohort's entries at version: the cached ones when
// they were read at that version, else read again.
func (s *Store) entriesAt(ctx context.Context, cohort, version string) (cachedEntries, error) {
	if ce, ok := s.entries.get(cohort); ok && version != "" && ce.version == version {
		return ce, nil
	}
	entries, err := s.readEntries(ctx, cohort)
	if err != nil {
		return cachedEntries{}, err
	}
	return s.entries.put(cohort, version, entries), nil
}

// ContestBoard implements contest.Store: what the leaderboard reads,
// in one round trip. Its entries are the cache's own, shared by every
// reader, so nothing is copied; the tallies are two strings of fixed-width
// counters, read whole. With tallies false they are not read at all.
func (s *Store) ContestBoard(ctx context.Context, cohort string, tallies bool) (*contest.ContestBoard, error) {
	var ver, tally *redis.StringCmd
	var meta *redis.MapStringStringCmd
	var voters *redis.IntCmd
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		ver = p.Get(ctx, phKey(cohort, "ver"))
		meta = p.HGetAll(ctx, contestKey(cohort))
		voters = p.SCard(ctx, vtKey(cohort, "voters"))
		if tallies {
			tally = p.Get(ctx, vtKey(cohort, "tally"))
		}
		return nil
	})
	if err != nil && !errors.Is(err, redis.Nil) {
		return nil, fmt.Errorf("read contest of %s: %w", cohort, err)
	}
	ce, err := s.entriesAt(ctx, cohort, ver.Val())
	if err != nil {
		return nil, err
	}
	board := &contest.ContestBoard{Entries: ce.entries, Meta: metaFrom(meta.Val(), voters.Val())}
	if !tallies {
		return board, nil
	}
	board.Tallies = make([]contest.Tally, len(ce.entries))
	t := tally.Val()
	for i, e := range ce.entries {
		board.Tallies[i] = contest.Tally{Votes: int(counter(t, votesBit(e.N)/8, 4)), Score: float64(counter(t, scoreBit(e.N)/8, 8)) / milli}
	}
	return board, nil
}

// scoreBit and votesBit are where entry n's score and number of voters
// are in vt:tally, in bits (see above).
func scoreBit(n int64) int64 { return 96 * n }
func votesBit(n int64) int64 { return 96*n + 64 }

// counter reads a big-endian signed integer of size bytes at byte off of
// s (vt:tally above), zero past the end.
func counter(s string, off int64, size int) int64 {
	if off < 0 || off+int64(size) > int64(len(s)) {
		return 0
	}
	var u uint64
	for _, b := range []byte(s[off : off+int64(size)]) {
		u = u<<8 | uint64(b)
	}
	// Sign-extend from size bytes.
	shift := 64 - 8*size
	return int64(u<<shift) >> shift
}

// readEntries reads and decodes every entry of a cohort, by number.
func (s *Store) readEntries(ctx context.Context, cohort string) ([]*contest.Entry, error) {
	var e, st, why *redis.MapStringStringCmd
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		e = p.HGetAll(ctx, phKey(cohort, "e"))
		st = p.HGetAll(ctx, phKey(cohort, "st"))
		why = p.HGetAll(ctx, phKey(cohort, "why"))
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read entries of %s: %w", cohort, err)
	}
	out := make([]*contest.Entry, 0, len(e.Val()))
	statuses, reasons := st.Val(), why.Val()
	for id, raw := range e.Val() {
		entry, err := decodeEntry(cohort, id, raw, statuses[id], reasons[id])
		if err != nil {
			return nil, err
		}
		out = append(out, entry)
	}
	sortEntries(out)
	return out, nil
}

// viewScript reads a voter's page of entry n, or of the first approved
// entry when n is 0. It returns the entry's number, the voting window's
// overrides, then the page (pageLua). KEYS: contest, e, st, ok, tally,
// the voter's votes. ARGV: number, the entry's voters offset in tally
// (bits, 0 when the number is 0).
var viewScript = redis.NewScript(pageLua + `
local n, at = ARGV[1], ARGV[2]
if n == '0' then
  n = redis.call('ZRANGE', KEYS[4], 0, 0)[1] or '0'
  at = 96 * tonumber(n) + 64
end
local ov = redis.call('HMGET', KEYS[1], 'vote_opens', 'vote_closes')
local out = {n, ov[1], ov[2]}
if n == '0' then
  out[4] = false
  return out
end
return page(out, {}, KEYS[2], KEYS[3], KEYS[4], KEYS[6], KEYS[5], at, n)
`)

// VoteView implements contest.Store: what a voter's page shows about
// entry n (the first approved one when n is 0), in one script call.
func (s *Store) VoteView(ctx context.Context, cohort string, n int64, voter bot.UserKey) (contest.VoteView, error) {
	c := cohort
	keys := []string{contestKey(c), phKey(c, "e"), phKey(c, "st"), phKey(c, "ok"), vtKey(c, "tally"), vtUserKey(c, voter)}
	res, err := viewScript.Run(ctx, s.rdb, keys, n, votesBit(n)).Slice()
	if err != nil {
		return contest.VoteView{}, fmt.Errorf("vote view %d of %s: %w", n, cohort, err)
	}
	first, _ := res[0].(string)
	if n, err = strconv.ParseInt(first, 10, 64); err != nil {
		return contest.VoteView{}, fmt.Errorf("vote view of %s: entry %q", cohort, first)
	}
	return s.decodePage(cohort, n, res[1:])
}

// decodePage reads what voteScript and viewScript return after the
// outcome or the number: the voting window's overrides (unix ms, nil for
// none), then the page of entry n (pageLua). A rejection's reason is not
// read: voters never see it.
func (s *Store) decodePage(cohort string, n int64, r []any) (contest.VoteView, error) {
	var v contest.VoteView
	if len(r) < 3 {
		return v, fmt.Errorf("vote view %d of %s: %d values", n, cohort, len(r))
	}
	v.Meta.VoteOpens, v.Meta.VoteCloses = msTime(r[0]), msTime(r[1])
	raw, ok := r[2].(string)
	if !ok {
		return v, nil
	}
	if len(r) != 11 {
		return v, fmt.Errorf("vote view %d of %s: %d values", n, cohort, len(r))
	}
	status, _ := r[3].(string)
	e, err := s.pageEntries.decode(pageKey{cohort, n, status}, raw, func(raw string) (contest.Entry, error) {
		e, err := decodeEntry(cohort, strconv.FormatInt(n, 10), raw, status, "")
		if err != nil {
			return contest.Entry{}, err
		}
		return *e, nil
	})
	if err != nil {
		return v, err
	}
	v.Entry = &e
	total, _ := r[4].(int64)
	position, _ := r[5].(int64)
	v.Total, v.Position = int(total), int(position)
	v.Next, v.Prev = replyInt(r[6]), replyInt(r[7])
	if v.Next == n {
		v.Next = 0
	}
	if v.Prev == n {
		v.Prev = 0
	}
	voted, _ := r[8].(int64)
	v.Voted = voted == 1
	v.Used = int(replyInt(r[9]))
	v.Tally = contest.Tally{Votes: int(replyInt(r[10]))}
	return v, nil
}

// pageKey names an entry decoded for voters' pages (Store.pageEntries).
type pageKey struct {
	cohort string
	n      int64
	status string
}

// replyInt is a script's number, sent as a string (a member, a field or
// a score) or as an integer.
func replyInt(x any) int64 {
	switch x := x.(type) {
	case int64:
		return x
	case string:
		n, err := strconv.ParseInt(x, 10, 64)
		if err != nil {
			f, _ := strconv.ParseFloat(x, 64)
			n = int64(f)
		}
		return n
	}
	return 0
}

// msTime is a window override read by a script: unix ms, nil when unset.
func msTime(x any) *time.Time {
	s, ok := x.(string)
	if !ok {
		return nil
	}
	ms, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return nil
	}
	t := fromMS(ms)
	return &t
}

// PhotoVoters implements contest.Store: who voted for entry n, with
// each vote's weight. Organisers only: the handlers never show it to
// anyone else. Votes are kept by voter, so this asks every voter's hash
// (one pipeline): a rare read, so that a vote stays cheap however popular
// the photo.
func (s *Store) PhotoVoters(ctx context.Context, cohort string, n int64) (map[bot.UserKey]float64, error) {
	voters, err := s.rdb.SMembers(ctx, vtKey(cohort, "voters")).Result()
	if err != nil {
		return nil, fmt.Errorf("voters of %s: %w", cohort, err)
	}
	field := strconv.FormatInt(n, 10)
	weights := make([]*redis.StringCmd, len(voters))
	_, err = s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, u := range voters {
			weights[i] = p.HGet(ctx, vtUserKey(cohort, bot.UserKey(u)), field)
		}
		return nil
	})
	if err != nil && !errors.Is(err, redis.Nil) {
		return nil, fmt.Errorf("voters of %d in %s: %w", n, cohort, err)
	}
	out := make(map[bot.UserKey]float64)
	for i, u := range voters {
		w, err := weights[i].Result()
		if errors.Is(err, redis.Nil) {
			continue // no vote for n
		}
		if err != nil {
			return nil, fmt.Errorf("vote of %s for %d in %s: %w", u, n, cohort, err)
		}
		x, _ := strconv.ParseFloat(w, 64)
		out[bot.UserKey(u)] = x / milli
	}
	return out, nil
}

// GroupEntries implements contest.Store: how many entries of the group
// are submitted and still in the contest (pending or approved): a group
// whose only photo was rejected has not met its photos deadline.
func (s *Store) GroupEntries(ctx context.Context, cohort, group string) (int, error) {
	n, err := s.rdb.HGet(ctx, phKey(cohort, "grp"), group).Int()
	if errors.Is(err, redis.Nil) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("entries of group %s in %s: %w", group, cohort, err)
	}
	return n, nil
}

// VoterVotes implements contest.Store.
func (s *Store) VoterVotes(ctx context.Context, cohort string, voter bot.UserKey) ([]int64, error) {
	keys, err := s.rdb.HKeys(ctx, vtUserKey(cohort, voter)).Result()
	if err != nil {
		return nil, fmt.Errorf("votes of %s in %s: %w", voter, cohort, err)
	}
	out := make([]int64, 0, len(keys))
	for _, k := range keys {
		if n, err := strconv.ParseInt(k, 10, 64); err == nil {
			out = append(out, n)
		}
	}
	return out, nil
}

// ContestAudit returns the cohort's contest audit log, oldest first: every
// vote and withdrawal, moderation decision, submission and phase change.
func (s *Store) ContestAudit(ctx context.Context, cohort string) ([]contest.AuditEntry, error) {
	msgs, err := s.rdb.XRange(ctx, auditKey(cohort), "-", "+").Result()
	if err != nil {
		return nil, fmt.Errorf("read audit of %s: %w", cohort, err)
	}
	names, err := s.rdb.HGetAll(ctx, auditKey(cohort)+":who").Result()
	if err != nil {
		return nil, fmt.Errorf("read audit of %s: %w", cohort, err)
	}
	out := make([]contest.AuditEntry, 0, len(msgs))
	for _, m := range msgs {
		a := contest.AuditEntry{ID: m.ID, Fields: map[string]string{}}
		for k, v := range m.Values {
			s := fmt.Sprint(v)
			switch k {
			case "kind":
				a.Kind = s
			case "user":
				// A pseudonym of someone still in the cohort names them;
				// one forgotten stays a pseudonym (Who).
				a.Who = s
				a.User = bot.UserKey(names["a:"+s])
			case "photo":
				a.Photo, _ = strconv.ParseInt(s, 10, 64)
			case "time":
				ms, _ := strconv.ParseInt(s, 10, 64)
				a.Time = fromMS(ms)
			case "by":
				// Who acted on someone (a mark by hand, a revocation).
				if u := names["a:"+s]; u != "" {
					s = u
				}
				a.Fields[k] = s
			default:
				a.Fields[k] = s
			}
		}
		out = append(out, a)
	}
	return out, nil
}
