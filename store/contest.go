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

	"github.com/redis/go-redis/v9"

	"github.com/cohortbot/cohortbot/bot"
	"github.com/cohortbot/cohortbot/bot/plan"
)

// The photo contest's keys, all under the cohort's tag {c:ID} so that
// every script below touches one slot:
//
//	{c:ID}:ph:seq        string  last entry number
//	{c:ID}:ph:e          hash    entry number → entry JSON (its status lives apart)
//	{c:ID}:ph:st         hash    entry number → status (draft, pending, approved, rejected, withdrawn)
//	{c:ID}:ph:why        hash    entry number → the organiser's reason for a rejection
//	{c:ID}:ph:ok         zset    approved entry numbers (score = number): what voters page through
//	{c:ID}:ph:uid        hash    file unique id or content hash → entry number (one entry per picture)
//	{c:ID}:ph:u:USER     set     the author's entry numbers
//	{c:ID}:ph:grp        hash    group → its submitted entries (pending, approved or rejected)
//	{c:ID}:ph:ver        string  bumped by every change of an entry, so readers may cache entries
//	{c:ID}:contest       hash    window overrides (sub_opens, sub_closes, vote_opens, vote_closes, unix ms),
//	                             proposed (voting close, ms, whose results were sent to organisers),
//	                             announced, votes (total)
//	{c:ID}:vt:p:ENTRY    hash    voter → weight (thousandths) of their vote for the entry
//	{c:ID}:vt:u:USER     set     entry numbers the voter voted for
//	{c:ID}:vt:used       hash    voter → votes cast (the quota; its length is the number of voters)
//	{c:ID}:vt:score      zset    entry number → weighted score, in thousandths so sums stay exact
//	{c:ID}:vt:count      zset    entry number → number of voters
//	{c:ID}:audit         stream  kind, user, photo, time (unix ms) and details of every contest change
func phKey(cohort, s string) string                 { return cohortKey(cohort, "ph:"+s) }
func phUserKey(cohort string, u bot.UserKey) string { return cohortKey(cohort, "ph:u:"+string(u)) }
func vtKey(cohort, s string) string                 { return cohortKey(cohort, "vt:"+s) }
func vtPhotoKey(cohort string, n int64) string {
	return cohortKey(cohort, "vt:p:"+strconv.FormatInt(n, 10))
}
func vtUserKey(cohort string, u bot.UserKey) string { return cohortKey(cohort, "vt:u:"+string(u)) }
func contestKey(cohort string) string               { return cohortKey(cohort, "contest") }
func auditKey(cohort string) string                 { return cohortKey(cohort, "audit") }

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

// submitScript records a draft entry, unless the submissions window is
// shut, the picture is already an entry of the cohort, or the author
// reached the limit of entries not withdrawn. KEYS: contest, seq, e, st,
// uid, author's set, version. ARGV: unique id, author, limit, plan opens,
// plan closes, now, entry JSON.
var submitScript = redis.NewScript(windowLua + `
if not isOpen(KEYS[1], 'sub', ARGV[4], ARGV[5], tonumber(ARGV[6])) then return {'closed'} end
local dup = redis.call('HGET', KEYS[5], ARGV[1])
if dup then
  local raw = redis.call('HGET', KEYS[3], dup)
  local author = ''
  if raw then author = cjson.decode(raw).author or '' end
  return {'dup', dup, author, redis.call('HGET', KEYS[4], dup) or ''}
end
local limit = tonumber(ARGV[3])
if limit > 0 then
  local n = 0
  for _, id in ipairs(redis.call('SMEMBERS', KEYS[6])) do
    if redis.call('HGET', KEYS[4], id) ~= 'withdrawn' then n = n + 1 end
  end
  if n >= limit then return {'limit', tostring(n)} end
end
local n = redis.call('INCR', KEYS[2])
redis.call('HSET', KEYS[3], n, ARGV[7])
redis.call('HSET', KEYS[4], n, 'draft')
redis.call('HSET', KEYS[5], ARGV[1], n)
redis.call('SADD', KEYS[6], n)
redis.call('INCR', KEYS[7])
return {'ok', tostring(n)}
`)

// SubmitEntry implements bot.ContestStore.
func (s *Store) SubmitEntry(ctx context.Context, e *bot.Entry, limit int, w plan.Window, now time.Time) (bot.SubmitResult, error) {
	raw, err := encodeEntry(e)
	if err != nil {
		return bot.SubmitResult{}, err
	}
	c := e.Cohort
	keys := []string{contestKey(c), phKey(c, "seq"), phKey(c, "e"), phKey(c, "st"), phKey(c, "uid"), phUserKey(c, e.Author), phKey(c, "ver")}
	res, err := submitScript.Run(ctx, s.rdb, keys, e.UniqueID, string(e.Author), limit,
		unixMS(w.Opens), unixMS(w.Closes), unixMS(now), raw).StringSlice()
	if err != nil {
		return bot.SubmitResult{}, fmt.Errorf("submit entry to %s: %w", c, err)
	}
	out := bot.SubmitResult{Status: res[0]}
	switch out.Status {
	case bot.SubmitOK:
		out.N, _ = strconv.ParseInt(res[1], 10, 64)
	case bot.SubmitDup:
		out.N, _ = strconv.ParseInt(res[1], 10, 64)
		out.Author, out.Current = bot.UserKey(res[2]), res[3]
	case bot.SubmitLimit:
		out.Count, _ = strconv.Atoi(res[1])
	}
	return out, nil
}

// updateScript changes entries of one author (or of anyone with an empty
// author) whose status is still the expected one: new JSON, new status,
// freeing the picture. The approved set, the groups' counts and the audit
// follow. With a window check it refuses everything once submissions are
// shut. KEYS: e, st, uid, contest, audit, ok, grp, version. ARGV: author, check
// window (1/0), plan opens, plan closes, now, audit kind, then per entry:
// number, expected status, new status (or ""), JSON (or ""), free (1/0).
var updateScript = redis.NewScript(windowLua + `
local now = ARGV[5]
if ARGV[2] == '1' and not isOpen(KEYS[4], 'sub', ARGV[3], ARGV[4], tonumber(now)) then return {'closed'} end
local counted = {pending = true, approved = true, rejected = true}
local out = {'ok'}
for i = 7, #ARGV, 5 do
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
        redis.call('XADD', KEYS[5], '*', 'kind', ARGV[6], 'user', e.author, 'photo', n, 'time', now, 'from', st, 'to', to)
      end
      out[#out+1] = n
    end
  end
end
if #out > 1 then redis.call('INCR', KEYS[8]) end
return out
`)

// UpdateEntries implements bot.ContestStore.
func (s *Store) UpdateEntries(ctx context.Context, cohort string, author bot.UserKey, changes []bot.EntryChange, window *plan.Window, audit string, now time.Time) ([]int64, error) {
	check, opens, closes := "0", int64(0), int64(0)
	if window != nil {
		check, opens, closes = "1", unixMS(window.Opens), unixMS(window.Closes)
	}
	args := []any{string(author), check, opens, closes, unixMS(now), audit}
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
	keys := []string{phKey(cohort, "e"), phKey(cohort, "st"), phKey(cohort, "uid"), contestKey(cohort), auditKey(cohort), phKey(cohort, "ok"), phKey(cohort, "grp"), phKey(cohort, "ver")}
	res, err := updateScript.Run(ctx, s.rdb, keys, args...).StringSlice()
	if err != nil {
		return nil, fmt.Errorf("update entries of %s: %w", cohort, err)
	}
	if res[0] == "closed" {
		return nil, bot.ErrWindowClosed
	}
	done := make([]int64, 0, len(res)-1)
	for _, r := range res[1:] {
		n, _ := strconv.ParseInt(r, 10, 64)
		done = append(done, n)
	}
	return done, nil
}

// decideScript is an organiser's decision on a pending entry: only one
// decision is ever taken. KEYS: st, why, audit, ok, version. ARGV: number,
// new status, reason, organiser, now.
var decideScript = redis.NewScript(`
local st = redis.call('HGET', KEYS[1], ARGV[1])
if not st then return {'missing', ''} end
if st ~= 'pending' then return {'already', st} end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
if ARGV[2] == 'approved' then redis.call('ZADD', KEYS[4], ARGV[1], ARGV[1]) end
if ARGV[3] ~= '' then redis.call('HSET', KEYS[2], ARGV[1], ARGV[3]) end
local kind = 'approve'
if ARGV[2] ~= 'approved' then kind = 'reject' end
redis.call('XADD', KEYS[3], '*', 'kind', kind, 'user', ARGV[4], 'photo', ARGV[1], 'time', ARGV[5], 'reason', ARGV[3])
redis.call('INCR', KEYS[5])
return {'ok', st}
`)

// DecideEntry implements bot.ContestStore.
func (s *Store) DecideEntry(ctx context.Context, cohort string, n int64, approve bool, reason string, by bot.UserKey, now time.Time) (bool, string, error) {
	to := bot.EntryRejected
	if approve {
		to, reason = bot.EntryApproved, ""
	}
	keys := []string{phKey(cohort, "st"), phKey(cohort, "why"), auditKey(cohort), phKey(cohort, "ok"), phKey(cohort, "ver")}
	res, err := decideScript.Run(ctx, s.rdb, keys, n, to, reason, string(by), unixMS(now)).StringSlice()
	if err != nil {
		return false, "", fmt.Errorf("decide entry %d of %s: %w", n, cohort, err)
	}
	switch res[0] {
	case "missing":
		return false, "", ErrNotFound
	case "already":
		return false, res[1], nil
	}
	return true, to, nil
}

// voteScript casts ("c") or withdraws ("w") one voter's vote for one
// entry, all checks and writes in one step so that concurrent presses,
// replays and redelivered updates count once. The voter's weight is kept
// with the vote, so a withdrawal takes back exactly what was added.
// KEYS: contest, st, e, the entry's voters, the voter's entries, score,
// count, used, audit. ARGV: op, voter, number, voter's group, weight
// (thousandths), quota, plan opens, plan closes, now.
var voteScript = redis.NewScript(windowLua + `
if not isOpen(KEYS[1], 'vote', ARGV[7], ARGV[8], tonumber(ARGV[9])) then return 'closed' end
local voter, n = ARGV[2], ARGV[3]
if ARGV[1] == 'c' then
  local st = redis.call('HGET', KEYS[2], n)
  if not st then return 'missing' end
  if st ~= 'approved' then return 'unavailable' end
  if redis.call('HEXISTS', KEYS[4], voter) == 1 then return 'noop' end
  local e = cjson.decode(redis.call('HGET', KEYS[3], n))
  if e.author == voter or (ARGV[4] ~= '' and e.group == ARGV[4]) then return 'own' end
  local quota = tonumber(ARGV[6])
  if quota > 0 and tonumber(redis.call('HGET', KEYS[8], voter) or '0') >= quota then return 'quota' end
  redis.call('HSET', KEYS[4], voter, ARGV[5])
  redis.call('SADD', KEYS[5], n)
  redis.call('ZINCRBY', KEYS[6], ARGV[5], n)
  redis.call('ZINCRBY', KEYS[7], 1, n)
  redis.call('HINCRBY', KEYS[8], voter, 1)
  redis.call('HINCRBY', KEYS[1], 'votes', 1)
  redis.call('XADD', KEYS[9], '*', 'kind', 'vote', 'user', voter, 'photo', n, 'time', ARGV[9], 'weight', ARGV[5])
  return 'ok'
end
local w = redis.call('HGET', KEYS[4], voter)
if not w then return 'noop' end
redis.call('HDEL', KEYS[4], voter)
redis.call('SREM', KEYS[5], n)
redis.call('ZINCRBY', KEYS[6], -tonumber(w), n)
redis.call('ZINCRBY', KEYS[7], -1, n)
if redis.call('HINCRBY', KEYS[8], voter, -1) <= 0 then redis.call('HDEL', KEYS[8], voter) end
redis.call('HINCRBY', KEYS[1], 'votes', -1)
redis.call('XADD', KEYS[9], '*', 'kind', 'unvote', 'user', voter, 'photo', n, 'time', ARGV[9], 'weight', w)
return 'ok'
`)

// Vote implements bot.ContestStore.
func (s *Store) Vote(ctx context.Context, v bot.VoteRequest) (bot.VoteResult, error) {
	keys, args := voteArgs(v)
	res, err := voteScript.Run(ctx, s.rdb, keys, args...).Text()
	if err != nil {
		return "", fmt.Errorf("vote for %d in %s: %w", v.N, v.Cohort, err)
	}
	return bot.VoteResult(res), nil
}

func voteArgs(v bot.VoteRequest) ([]string, []any) {
	c := v.Cohort
	op := "w"
	if v.Cast {
		op = "c"
	}
	keys := []string{contestKey(c), phKey(c, "st"), phKey(c, "e"), vtPhotoKey(c, v.N), vtUserKey(c, v.Voter),
		vtKey(c, "score"), vtKey(c, "count"), vtKey(c, "used"), auditKey(c)}
	weight := int64(math.Round(v.Weight * milli))
	return keys, []any{op, string(v.Voter), v.N, v.Group, weight, v.Quota,
		unixMS(v.Window.Opens), unixMS(v.Window.Closes), unixMS(v.Now)}
}

// VoteAndView implements bot.ContestStore: the vote, then the voter's
// page of the entry as it is after it, in one round trip.
func (s *Store) VoteAndView(ctx context.Context, v bot.VoteRequest) (bot.VoteResult, bot.VoteView, error) {
	keys, args := voteArgs(v)
	for attempt := 0; ; attempt++ {
		var vote *redis.Cmd
		var view func() (bot.VoteView, error)
		_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
			vote = voteScript.EvalSha(ctx, p, keys, args...)
			view = queueView(ctx, p, v.Cohort, v.N, v.Voter, false)
			return nil
		})
		if err != nil && redis.HasErrorPrefix(vote.Err(), "NOSCRIPT") && attempt == 0 {
			// The script is not in this server's cache yet (a restart):
			// the vote did not run, so it is safe to load it and retry.
			if err := voteScript.Load(ctx, s.rdb).Err(); err != nil {
				return "", bot.VoteView{}, fmt.Errorf("load vote script: %w", err)
			}
			continue
		}
		if err := vote.Err(); err != nil {
			return "", bot.VoteView{}, fmt.Errorf("vote for %d in %s: %w", v.N, v.Cohort, err)
		}
		if err != nil && !errors.Is(err, redis.Nil) {
			return "", bot.VoteView{}, fmt.Errorf("vote view %d of %s: %w", v.N, v.Cohort, err)
		}
		res, _ := vote.Text()
		vw, err := view()
		if err == nil && bot.VoteResult(res) == bot.VoteClosed {
			// Only a refusal for the window needs the window.
			vw.Meta, err = s.ContestMeta(ctx, v.Cohort)
		}
		return bot.VoteResult(res), vw, err
	}
}

// windowScript stores an organiser's change of a phase's window.
// KEYS: contest, audit. ARGV: phase, opens, closes, organiser, now, action.
var windowScript = redis.NewScript(`
redis.call('HSET', KEYS[1], ARGV[1] .. '_opens', ARGV[2], ARGV[1] .. '_closes', ARGV[3])
redis.call('XADD', KEYS[2], '*', 'kind', 'phase', 'user', ARGV[4], 'photo', '', 'time', ARGV[5], 'action', ARGV[6], 'opens', ARGV[2], 'closes', ARGV[3])
return 1
`)

// SetContestWindow implements bot.ContestStore.
func (s *Store) SetContestWindow(ctx context.Context, cohort, phase string, w plan.Window, by bot.UserKey, now time.Time, action string) error {
	if phase != bot.PhaseSub && phase != bot.PhaseVote {
		return fmt.Errorf("set contest window: unknown phase %q", phase)
	}
	err := windowScript.Run(ctx, s.rdb, []string{contestKey(cohort), auditKey(cohort)},
		phase, unixMS(w.Opens), unixMS(w.Closes), string(by), unixMS(now), action).Err()
	if err != nil {
		return fmt.Errorf("set %s window of %s: %w", phase, cohort, err)
	}
	return nil
}

// markScript sets a field of the contest hash unless it holds the value
// already, and audits the change. KEYS: contest, audit. ARGV: field,
// value, user, now, kind.
var markScript = redis.NewScript(`
if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('XADD', KEYS[2], '*', 'kind', ARGV[5], 'user', ARGV[3], 'photo', '', 'time', ARGV[4])
return 1
`)

// MarkResults implements bot.ContestStore: "proposed" holds the voting
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

// ContestMeta implements bot.ContestStore.
func (s *Store) ContestMeta(ctx context.Context, cohort string) (bot.ContestMeta, error) {
	var h *redis.MapStringStringCmd
	var voters *redis.IntCmd
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		h = p.HGetAll(ctx, contestKey(cohort))
		voters = p.HLen(ctx, vtKey(cohort, "used"))
		return nil
	})
	if err != nil {
		return bot.ContestMeta{}, fmt.Errorf("read contest of %s: %w", cohort, err)
	}
	return metaFrom(h.Val(), voters.Val()), nil
}

func metaFrom(h map[string]string, voters int64) bot.ContestMeta {
	at := func(f string) *time.Time {
		ms, err := strconv.ParseInt(h[f], 10, 64)
		if err != nil {
			return nil
		}
		t := fromMS(ms)
		return &t
	}
	m := bot.ContestMeta{
		SubOpens: at("sub_opens"), SubCloses: at("sub_closes"),
		VoteOpens: at("vote_opens"), VoteCloses: at("vote_closes"),
		Announced: h["announced"] != "", Voters: voters,
	}
	m.Proposed, _ = strconv.ParseInt(h["proposed"], 10, 64)
	m.Votes, _ = strconv.ParseInt(h["votes"], 10, 64)
	return m
}

func encodeEntry(e *bot.Entry) (string, error) {
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

func decodeEntry(cohort, n, raw, status, reason string) (*bot.Entry, error) {
	var e bot.Entry
	if err := json.Unmarshal([]byte(raw), &e); err != nil {
		return nil, fmt.Errorf("decode entry %s of %s: %w", n, cohort, err)
	}
	e.N, _ = strconv.ParseInt(n, 10, 64)
	e.Cohort, e.Status, e.Reason = cohort, status, reason
	return &e, nil
}

// Entry implements bot.ContestStore.
func (s *Store) Entry(ctx context.Context, cohort string, n int64) (*bot.Entry, error) {
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

// AuthorEntries implements bot.ContestStore: the author's entries by
// number.
func (s *Store) AuthorEntries(ctx context.Context, cohort string, author bot.UserKey) ([]*bot.Entry, error) {
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
	out := make([]*bot.Entry, 0, len(ids))
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

func sortEntries(es []*bot.Entry) {
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
	entries []*bot.Entry
}

func (c *entryCache) get(cohort, version string) ([]*bot.Entry, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	ce, ok := c.m[cohort]
	if !ok || version == "" || ce.version != version {
		return nil, false
	}
	return ce.entries, true
}

func (c *entryCache) put(cohort, version string, es []*bot.Entry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = make(map[string]cachedEntries)
	}
	c.m[cohort] = cachedEntries{version: version, entries: es}
}

// ContestSnapshot implements bot.ContestStore: every entry with its
// status, the tallies and the contest's settings. The entries are read
// again only when their version moved since the last read, so a
// leaderboard read costs one round trip.
func (s *Store) ContestSnapshot(ctx context.Context, cohort string) (*bot.ContestSnapshot, error) {
	var ver *redis.StringCmd
	var meta *redis.MapStringStringCmd
	var score, count *redis.ZSliceCmd
	var voters *redis.IntCmd
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		ver = p.Get(ctx, phKey(cohort, "ver"))
		score = p.ZRangeWithScores(ctx, vtKey(cohort, "score"), 0, -1)
		count = p.ZRangeWithScores(ctx, vtKey(cohort, "count"), 0, -1)
		meta = p.HGetAll(ctx, contestKey(cohort))
		voters = p.HLen(ctx, vtKey(cohort, "used"))
		return nil
	})
	if err != nil && !errors.Is(err, redis.Nil) {
		return nil, fmt.Errorf("read contest of %s: %w", cohort, err)
	}
	entries, ok := s.entries.get(cohort, ver.Val())
	if !ok {
		if entries, err = s.readEntries(ctx, cohort); err != nil {
			return nil, err
		}
		s.entries.put(cohort, ver.Val(), entries)
	}
	snap := &bot.ContestSnapshot{
		Entries: make([]*bot.Entry, len(entries)),
		Tally:   make(map[int64]bot.Tally, len(count.Val())),
		Meta:    metaFrom(meta.Val(), voters.Val()),
	}
	// Copies: the cached entries are shared between readers.
	all := make([]bot.Entry, len(entries))
	for i, e := range entries {
		all[i] = *e
		snap.Entries[i] = &all[i]
	}
	for _, z := range count.Val() {
		n, _ := strconv.ParseInt(z.Member.(string), 10, 64)
		t := snap.Tally[n]
		t.Votes = int(z.Score)
		snap.Tally[n] = t
	}
	for _, z := range score.Val() {
		n, _ := strconv.ParseInt(z.Member.(string), 10, 64)
		t := snap.Tally[n]
		t.Score = z.Score / milli
		snap.Tally[n] = t
	}
	return snap, nil
}

// readEntries reads and decodes every entry of a cohort, by number.
func (s *Store) readEntries(ctx context.Context, cohort string) ([]*bot.Entry, error) {
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
	out := make([]*bot.Entry, 0, len(e.Val()))
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

// VoteView implements bot.ContestStore: what a voter's page shows about
// entry n (the first approved one when n is 0), in one round trip (two
// for the first page).
func (s *Store) VoteView(ctx context.Context, cohort string, n int64, voter bot.UserKey) (bot.VoteView, error) {
	if n == 0 {
		first, err := s.rdb.ZRange(ctx, phKey(cohort, "ok"), 0, 0).Result()
		if err != nil {
			return bot.VoteView{}, fmt.Errorf("first photo of %s: %w", cohort, err)
		}
		if len(first) == 0 {
			meta, err := s.ContestMeta(ctx, cohort)
			return bot.VoteView{Meta: meta}, err
		}
		n, _ = strconv.ParseInt(first[0], 10, 64)
	}
	var view func() (bot.VoteView, error)
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		view = queueView(ctx, p, cohort, n, voter, true)
		return nil
	})
	if err != nil && !errors.Is(err, redis.Nil) {
		return bot.VoteView{}, fmt.Errorf("vote view %d of %s: %w", n, cohort, err)
	}
	return view()
}

// queueView queues the reads of a voter's page on a pipeline (with the
// window overrides when withMeta) and returns the function that decodes
// them once it ran. A rejection's reason is not read: voters never see
// it.
func queueView(ctx context.Context, p redis.Pipeliner, cohort string, n int64, voter bot.UserKey, withMeta bool) func() (bot.VoteView, error) {
	ok := phKey(cohort, "ok")
	id := strconv.FormatInt(n, 10)
	e := p.HGet(ctx, phKey(cohort, "e"), id)
	st := p.HGet(ctx, phKey(cohort, "st"), id)
	total := p.ZCard(ctx, ok)
	rank := p.ZRank(ctx, ok, id)
	next := p.ZRangeByScore(ctx, ok, &redis.ZRangeBy{Min: "(" + id, Max: "+inf", Count: 1})
	prev := p.ZRevRangeByScore(ctx, ok, &redis.ZRangeBy{Max: "(" + id, Min: "-inf", Count: 1})
	first := p.ZRange(ctx, ok, 0, 0)
	last := p.ZRange(ctx, ok, -1, -1)
	voted := p.HExists(ctx, vtPhotoKey(cohort, n), string(voter))
	used := p.HGet(ctx, vtKey(cohort, "used"), string(voter))
	votes := p.ZScore(ctx, vtKey(cohort, "count"), id)
	var meta *redis.MapStringStringCmd
	if withMeta {
		meta = p.HGetAll(ctx, contestKey(cohort))
	}
	return func() (bot.VoteView, error) {
		var v bot.VoteView
		if meta != nil {
			v.Meta = metaFrom(meta.Val(), 0)
		}
		if e.Err() != nil {
			return v, nil
		}
		var err error
		if v.Entry, err = decodeEntry(cohort, id, e.Val(), st.Val(), ""); err != nil {
			return v, err
		}
		v.Total = int(total.Val())
		if rank.Err() == nil {
			v.Position = int(rank.Val()) + 1
		}
		pick := func(c *redis.StringSliceCmd) int64 {
			if len(c.Val()) == 0 {
				return 0
			}
			x, _ := strconv.ParseInt(c.Val()[0], 10, 64)
			return x
		}
		v.Next, v.Prev = pick(next), pick(prev)
		if v.Next == 0 {
			v.Next = pick(first) // wrap around
		}
		if v.Prev == 0 {
			v.Prev = pick(last)
		}
		if v.Next == n {
			v.Next = 0
		}
		if v.Prev == n {
			v.Prev = 0
		}
		v.Voted = voted.Val()
		v.Used, _ = strconv.Atoi(used.Val())
		v.Tally = bot.Tally{Votes: int(votes.Val())}
		return v, nil
	}
}

// PhotoVoters implements bot.ContestStore: who voted for entry n, with
// each vote's weight. Organisers only: the handlers never show it to
// anyone else.
func (s *Store) PhotoVoters(ctx context.Context, cohort string, n int64) (map[bot.UserKey]float64, error) {
	h, err := s.rdb.HGetAll(ctx, vtPhotoKey(cohort, n)).Result()
	if err != nil {
		return nil, fmt.Errorf("voters of %d in %s: %w", n, cohort, err)
	}
	out := make(map[bot.UserKey]float64, len(h))
	for u, w := range h {
		x, _ := strconv.ParseFloat(w, 64)
		out[bot.UserKey(u)] = x / milli
	}
	return out, nil
}

// GroupEntries implements bot.ContestStore: how many entries of the group
// are submitted (pending, approved or rejected).
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

// ContestAudit returns the cohort's contest audit log, oldest first: every
// vote and withdrawal, moderation decision, submission and phase change.
func (s *Store) ContestAudit(ctx context.Context, cohort string) ([]bot.AuditEntry, error) {
	msgs, err := s.rdb.XRange(ctx, auditKey(cohort), "-", "+").Result()
	if err != nil {
		return nil, fmt.Errorf("read audit of %s: %w", cohort, err)
	}
	out := make([]bot.AuditEntry, 0, len(msgs))
	for _, m := range msgs {
		a := bot.AuditEntry{ID: m.ID, Fields: map[string]string{}}
		for k, v := range m.Values {
			s := fmt.Sprint(v)
			switch k {
			case "kind":
				a.Kind = s
			case "user":
				a.User = bot.UserKey(s)
			case "photo":
				a.Photo, _ = strconv.ParseInt(s, 10, 64)
			case "time":
				ms, _ := strconv.ParseInt(s, 10, 64)
				a.Time = fromMS(ms)
			default:
				a.Fields[k] = s
			}
		}
		out = append(out, a)
	}
	return out, nil
}
