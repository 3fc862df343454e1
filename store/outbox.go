package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/cohortbot/cohortbot/bot"
)

// Outbox keys, all under the {o} tag:
//
//	{o}:ready          zset   job id → not before (unix ms)
//	{o}:ready:a        zset   the same for direct answers handed over (claimed first)
//	{o}:q:CHAT         list   a chat's handed-over answers in order; only the head is ready or in flight
//	{o}:flight         zset   job id → lease deadline (unix ms) while being sent
//	{o}:j:JOB          hash   b batch, u user, c chat, m message JSON, st state, n attempts, r reason,
//	                          t created (ms), p parts already sent; answers: k "a", s reserved slot (ms), g its pause gen
//	{o}:b:BATCH        hash   batch fields, total, delivered, unreachable, failed, reported
//	{o}:b:BATCH:fail   list   "u|user|chat|reason" (unreachable) or "x|…" (failed)
//	{o}:done           zset   batch id → time, batches finished whose report is still to send
//	{o}:cf:COHORT      zset   job id → time, undelivered messages of a cohort (for the digest)
const (
	keyReady   = "{o}:ready"
	keyAnswers = "{o}:ready:a"
	keyFlight  = "{o}:flight"
	keyDone    = "{o}:done"
	jobPrefix  = "{o}:j:"
)

func batchKey(id string) string         { return "{o}:b:" + id }
func chatQueueKey(c bot.ChatKey) string { return "{o}:q:" + string(c) }
func cohortFailKey(id string) string    { return "{o}:cf:" + id }
func jobKey(id string) string           { return jobPrefix + id }
func unixMS(t time.Time) int64          { return t.UnixMilli() }
func fromMS(ms int64) time.Time         { return time.UnixMilli(ms) }
func retention() int64                  { return int64(7 * 24 * time.Hour / time.Second) }
func batchRetention() int64             { return int64(30 * 24 * time.Hour / time.Second) }
func outcomeField(o Outcome) string {
	return map[Outcome]string{Sent: "delivered", Unreachable: "unreachable", Failed: "failed"}[o]
}
func outcomeState(o Outcome) string {
	return map[Outcome]string{Sent: "s", Unreachable: "u", Failed: "x"}[o]
}
func jobKeys(ids ...string) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = jobKey(id)
	}
	return out
}

// outMessage is a bot.Message as stored, with file bytes kept.
type outMessage struct {
	bot.Message
	PhotoBytes []byte `json:"pb,omitempty"`
	DocBytes   []byte `json:"db,omitempty"`
}

func encodeMessage(m bot.Message) ([]byte, error) {
	om := outMessage{Message: m}
	if m.Photo != nil {
		om.PhotoBytes = m.Photo.Bytes
	}
	if m.Document != nil {
		om.DocBytes = m.Document.Bytes
	}
	return json.Marshal(om)
}

func decodeMessage(raw string) (bot.Message, error) {
	var om outMessage
	if err := json.Unmarshal([]byte(raw), &om); err != nil {
		return bot.Message{}, err
	}
	m := om.Message
	if m.Photo != nil {
		m.Photo.Bytes = om.PhotoBytes
	}
	if m.Document != nil {
		m.Document.Bytes = om.DocBytes
	}
	return m, nil
}

// enqueueScript records jobs that do not exist yet and counts them into
// their batch. KEYS[1] ready, KEYS[2] batch; ARGV[1] now ms, ARGV[2] batch
// JSON fields count n, then n field/value pairs, then per job: key, id,
// user, chat, message.
var enqueueScript = redis.NewScript(`
local now = ARGV[1]
local nf = tonumber(ARGV[2])
local i = 3
for f = 1, nf do
  redis.call('HSETNX', KEYS[2], ARGV[i], ARGV[i+1])
  i = i + 2
end
local added = 0
while i <= #ARGV do
  local jk, id = ARGV[i], ARGV[i+1]
  if redis.call('EXISTS', jk) == 0 then
    redis.call('HSET', jk, 'b', redis.call('HGET', KEYS[2], 'id'), 'u', ARGV[i+2], 'c', ARGV[i+3], 'm', ARGV[i+4], 'st', 'q', 'n', 0, 't', now)
    redis.call('ZADD', KEYS[1], now, id)
    added = added + 1
  end
  i = i + 5
end
redis.call('HINCRBY', KEYS[2], 'total', added)
return added
`)

// Enqueue implements bot.Outbox. Jobs already recorded (same id) are left
// alone, so enqueueing a batch twice sends nothing twice.
func (s *Store) Enqueue(ctx context.Context, b bot.Batch, jobs []bot.Job) (int, error) {
	if b.ID == "" {
		return 0, fmt.Errorf("enqueue: batch without id")
	}
	now := time.Now()
	args := []any{unixMS(now), 7,
		"id", b.ID, "cohort", b.Cohort, "kind", b.Kind, "report_to", string(b.ReportTo),
		"lang", string(b.Lang), "title", b.Title, "created", unixMS(now)}
	for _, j := range jobs {
		raw, err := encodeMessage(j.Msg)
		if err != nil {
			return 0, fmt.Errorf("encode job %s: %w", j.ID, err)
		}
		id := b.ID + "/" + j.ID
		args = append(args, jobKey(id), id, string(j.User), string(j.Msg.Chat), raw)
	}
	n, err := enqueueScript.Run(ctx, s.rdb, []string{keyReady, batchKey(b.ID)}, args...).Int()
	if err != nil {
		return 0, fmt.Errorf("enqueue batch %s: %w", b.ID, err)
	}
	return n, nil
}

// OutJob is a job claimed for sending.
type OutJob struct {
	ID       string
	Batch    string
	User     bot.UserKey
	Msg      bot.Message
	Attempts int
	// Created is when the job was queued.
	Created time.Time
	// Part is how many of the message's parts were sent already (a long
	// text or an album goes out as several calls).
	Part int
	// Answer is set for a direct answer handed over to the outbox; Slot
	// and Gen are the limiter's place it reserved (zero when none).
	Answer bool
	Slot   time.Time
	Gen    int64
}

// claimScript returns expired leases to their queue (those messages may go
// out a second time: they were in flight at a crash), then moves up to
// ARGV[3] ready jobs into flight with a lease: handed-over answers due
// within ARGV[6] ms first, then the other jobs due now. KEYS[1] ready,
// KEYS[2] flight, KEYS[3] answers; ARGV[1] now ms, ARGV[2] lease ms,
// ARGV[3] count, ARGV[4] job key prefix, ARGV[5] owner, ARGV[6] horizon ms,
// ARGV[7] which jobs: a (answers), q (the others) or both ("").
var claimScript = redis.NewScript(`
local now = tonumber(ARGV[1])
for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now, 'LIMIT', 0, 100)) do
  redis.call('ZREM', KEYS[2], id)
  local q = KEYS[1]
  if redis.call('HGET', ARGV[4] .. id, 'k') == 'a' then q = KEYS[3] end
  redis.call('ZADD', q, now, id)
  redis.call('HSET', ARGV[4] .. id, 'st', 'q')
end
local out = {}
local want = tonumber(ARGV[3])
local function take(q, upto)
  if #out >= want then return end
  for _, id in ipairs(redis.call('ZRANGEBYSCORE', q, '-inf', upto, 'LIMIT', 0, want - #out)) do
    local jk = ARGV[4] .. id
    redis.call('ZREM', q, id)
    if redis.call('EXISTS', jk) == 1 then
      redis.call('ZADD', KEYS[2], now + tonumber(ARGV[2]), id)
      redis.call('HSET', jk, 'st', 'f', 'o', ARGV[5])
      local n = redis.call('HINCRBY', jk, 'n', 1)
      local f = redis.call('HMGET', jk, 'b', 'u', 'm', 't', 'p', 'k', 's', 'g')
      out[#out+1] = {id, f[1] or '', f[2] or '', f[3] or '', n, f[4] or '0', f[5] or '0', f[6] or '', f[7] or '0', f[8] or '0'}
    end
  end
end
if ARGV[7] ~= 'q' then take(KEYS[3], now + tonumber(ARGV[6])) end
if ARGV[7] ~= 'a' then take(KEYS[1], now) end
return out
`)

// AnswerHorizon is how far ahead of its reserved slot a handed-over answer
// is claimed, so that the sender can be on time for it.
const AnswerHorizon = 500 * time.Millisecond

// JobKind selects the jobs ClaimJobs takes.
type JobKind string

// Kinds of jobs.
const (
	AllJobs    JobKind = ""
	AnswerJobs JobKind = "a" // direct answers handed over
	QueuedJobs JobKind = "q" // announcements, reminders, notices, reports
)

// ClaimJobs takes up to n jobs of the kind due by now for sending, each
// leased for lease: a job not resolved by then goes back to the queue.
// Handed-over answers come first, up to AnswerHorizon before their slot.
func (s *Store) ClaimJobs(ctx context.Context, owner string, now time.Time, lease time.Duration, n int, kind JobKind) ([]OutJob, error) {
	res, err := claimScript.Run(ctx, s.rdb, []string{keyReady, keyFlight, keyAnswers},
		unixMS(now), lease.Milliseconds(), n, jobPrefix, owner, AnswerHorizon.Milliseconds(), string(kind)).Slice()
	if err != nil {
		return nil, fmt.Errorf("claim jobs: %w", err)
	}
	out := make([]OutJob, 0, len(res))
	for _, r := range res {
		f, _ := r.([]any)
		if len(f) != 10 {
			continue
		}
		str := func(i int) string { v, _ := f[i].(string); return v }
		atoi := func(i int) int64 { n, _ := strconv.ParseInt(str(i), 10, 64); return n }
		attempts, _ := f[4].(int64)
		id := str(0)
		m, err := decodeMessage(str(3))
		if err != nil {
			// Undecodable: resolve it as failed so it does not loop.
			_ = s.ResolveJob(ctx, id, Failed, "undecodable message", time.Time{})
			continue
		}
		j := OutJob{ID: id, Batch: str(1), User: bot.UserKey(str(2)), Msg: m, Attempts: int(attempts),
			Created: fromMS(atoi(5)), Part: int(atoi(6)), Answer: str(7) == "a", Gen: atoi(9)}
		if ms := atoi(8); ms > 0 {
			j.Slot = fromMS(ms)
		}
		out = append(out, j)
	}
	return out, nil
}

// Progress records that a job's first part parts were sent, so that a
// retry sends only the rest.
func (s *Store) Progress(ctx context.Context, id string, part int) error {
	if err := s.rdb.HSet(ctx, jobKey(id), "p", part).Err(); err != nil {
		return fmt.Errorf("record progress of %s: %w", id, err)
	}
	return nil
}

// Answer is a direct answer handed over to the outbox because it could
// not go within its update's deadline.
type Answer struct {
	// ID is unique per update and answer, so handing over the answers of
	// an update handled again adds nothing.
	ID   string
	User bot.UserKey
	Msg  bot.Message
	// Slot and Gen are the limiter's place already reserved for it, if
	// any: it is sent then, in the order the answers were produced.
	Slot time.Time
	Gen  int64
}

// handOverScript queues a chat's answers after those already waiting for
// it; when none were, the first becomes ready at its slot. KEYS[1]
// answers, KEYS[2] the chat's queue; ARGV[1] now ms, ARGV[2] job key
// prefix, then per answer: id, user, chat, message, slot ms, gen.
var handOverScript = redis.NewScript(`
local was = redis.call('LLEN', KEYS[2])
local added = 0
local i = 3
while i <= #ARGV do
  local id = ARGV[i]
  local jk = ARGV[2] .. id
  if redis.call('EXISTS', jk) == 0 then
    redis.call('HSET', jk, 'b', '', 'u', ARGV[i+1], 'c', ARGV[i+2], 'm', ARGV[i+3], 'st', 'q', 'n', 0,
      't', ARGV[1], 'k', 'a', 's', ARGV[i+4], 'g', ARGV[i+5])
    redis.call('RPUSH', KEYS[2], id)
    added = added + 1
  end
  i = i + 6
end
if was == 0 and added > 0 then
  local head = redis.call('LINDEX', KEYS[2], 0)
  local at = tonumber(redis.call('HGET', ARGV[2] .. head, 's') or '0')
  redis.call('ZADD', KEYS[1], math.max(at, tonumber(ARGV[1])), head)
end
return added
`)

// HandOver queues a chat's answers, durably and in order: they are sent
// before any answer handed over later for the chat, and Held reports the
// chat as held until the last is resolved.
func (s *Store) HandOver(ctx context.Context, chat bot.ChatKey, answers []Answer) (int, error) {
	if len(answers) == 0 {
		return 0, nil
	}
	args := []any{unixMS(time.Now()), jobPrefix}
	for _, a := range answers {
		raw, err := encodeMessage(a.Msg)
		if err != nil {
			return 0, fmt.Errorf("encode answer %s: %w", a.ID, err)
		}
		var slot int64
		if !a.Slot.IsZero() {
			slot = unixMS(a.Slot)
		}
		args = append(args, a.ID, string(a.User), string(chat), raw, slot, a.Gen)
	}
	n, err := handOverScript.Run(ctx, s.rdb, []string{keyAnswers, chatQueueKey(chat)}, args...).Int()
	if err != nil {
		return 0, fmt.Errorf("hand over answers to %s: %w", chat, err)
	}
	return n, nil
}

// Held reports whether answers handed over for the chat are still to be
// sent: a new answer must then follow them, not overtake them.
func (s *Store) Held(ctx context.Context, chat bot.ChatKey) (bool, error) {
	n, err := s.rdb.Exists(ctx, chatQueueKey(chat)).Result()
	if err != nil {
		return false, fmt.Errorf("read answers held for %s: %w", chat, err)
	}
	return n > 0, nil
}

// ReserveUnlessHeld is Reserve and Held in one round trip. When the chat
// is held the place reserved is not used.
func (s *Store) ReserveUnlessHeld(ctx context.Context, p bot.Platform, chat bot.ChatKey, pace Pace) (Slot, bool, error) {
	var res *redis.Cmd
	var held *redis.IntCmd
	for attempt := 0; ; attempt++ {
		_, err := s.rdb.Pipelined(ctx, func(pl redis.Pipeliner) error {
			res = reserveScript.EvalSha(ctx, pl, limiterKeys(p, chat), reserveArgs(pace)...)
			held = pl.Exists(ctx, chatQueueKey(chat))
			return nil
		})
		if redis.HasErrorPrefix(res.Err(), "NOSCRIPT") && attempt == 0 {
			if err := reserveScript.Load(ctx, s.rdb).Err(); err != nil {
				return Slot{}, false, fmt.Errorf("load rate limit script: %w", err)
			}
			continue
		}
		if err != nil {
			return Slot{}, false, fmt.Errorf("rate limit: %w", err)
		}
		slot, err := slotFrom(res)
		return slot, held.Val() > 0, err
	}
}

// requeueScript puts back every job in flight that owner holds: run when
// a replica starts, they are the jobs it was sending when it stopped.
var requeueScript = redis.NewScript(`
local n = 0
for _, id in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local jk = ARGV[2] .. id
  if redis.call('HGET', jk, 'o') == ARGV[3] then
    redis.call('ZREM', KEYS[1], id)
    if redis.call('HGET', jk, 'k') == 'a' then
      redis.call('ZADD', KEYS[3], ARGV[1], id)
    else
      redis.call('ZADD', KEYS[2], ARGV[1], id)
    end
    redis.call('HSET', jk, 'st', 'q')
    n = n + 1
  end
end
return n
`)

// RequeueOwned returns owner's jobs in flight to the queue.
func (s *Store) RequeueOwned(ctx context.Context, owner string) (int, error) {
	n, err := requeueScript.Run(ctx, s.rdb, []string{keyFlight, keyReady, keyAnswers}, unixMS(time.Now()), jobPrefix, owner).Int()
	if err != nil {
		return 0, fmt.Errorf("requeue jobs of %s: %w", owner, err)
	}
	return n, nil
}

// Outcome is how a send ended.
type Outcome int

// Outcomes of a send.
const (
	Sent        Outcome = iota // delivered
	Unreachable                // blocked the bot, chat not found: final
	Failed                     // refused or given up: final
	Retry                      // temporary: try again at retryAt
)

// resolveScript records a send's outcome once. KEYS[1] flight, KEYS[2]
// ready, KEYS[3] job, KEYS[4] done, KEYS[5] answers; ARGV: id, outcome
// (s|u|x|retry), counter field, reason, retry at ms, now ms, job retention
// s, batch retention s, batch key prefix, cohort-fail key prefix, chat
// queue key prefix, job key prefix. A handed-over answer is not counted in
// a batch; once it is resolved, the next answer of its chat becomes ready.
var resolveScript = redis.NewScript(`
local id, outcome = ARGV[1], ARGV[2]
local st = redis.call('HGET', KEYS[3], 'st')
if st == false or st == 's' or st == 'u' or st == 'x' then return 0 end
redis.call('ZREM', KEYS[1], id)
local answer = redis.call('HGET', KEYS[3], 'k') == 'a'
if outcome == 'retry' then
  redis.call('HSET', KEYS[3], 'st', 'q', 'r', ARGV[4])
  if answer then redis.call('ZADD', KEYS[5], ARGV[5], id) else redis.call('ZADD', KEYS[2], ARGV[5], id) end
  return 1
end
redis.call('HSET', KEYS[3], 'st', outcome, 'r', ARGV[4])
redis.call('EXPIRE', KEYS[3], ARGV[7])
if answer then
  local q = ARGV[11] .. (redis.call('HGET', KEYS[3], 'c') or '')
  redis.call('LREM', q, 1, id)
  local nxt = redis.call('LINDEX', q, 0)
  if nxt then
    local at = tonumber(redis.call('HGET', ARGV[12] .. nxt, 's') or '0')
    redis.call('ZADD', KEYS[5], math.max(at, tonumber(ARGV[6])), nxt)
  end
  return 1
end
local b = redis.call('HGET', KEYS[3], 'b')
if b == false or b == '' then return 1 end
local bk = ARGV[9] .. b
redis.call('HINCRBY', bk, ARGV[3], 1)
if outcome ~= 's' then
  local f = redis.call('HMGET', KEYS[3], 'u', 'c')
  redis.call('RPUSH', bk .. ':fail', outcome .. '|' .. (f[1] or '') .. '|' .. (f[2] or '') .. '|' .. ARGV[4])
  local cohort = redis.call('HGET', bk, 'cohort')
  if cohort and cohort ~= '' then redis.call('ZADD', ARGV[10] .. cohort, ARGV[6], id) end
end
local h = redis.call('HMGET', bk, 'total', 'delivered', 'unreachable', 'failed', 'report_to', 'reported')
local total = tonumber(h[1] or '0')
local resolved = tonumber(h[2] or '0') + tonumber(h[3] or '0') + tonumber(h[4] or '0')
if resolved >= total then
  redis.call('EXPIRE', bk, ARGV[8])
  redis.call('EXPIRE', bk .. ':fail', ARGV[8])
  if h[5] and h[5] ~= '' and h[6] ~= '1' then
    redis.call('HSET', bk, 'reported', '1')
    redis.call('ZADD', KEYS[4], ARGV[6], b)
  end
end
return 1
`)

// ResolveJob records how a claimed job's send ended. A job already
// resolved (its lease expired and another worker sent it) is left as it
// is, so a batch never counts a recipient twice.
func (s *Store) ResolveJob(ctx context.Context, id string, o Outcome, reason string, retryAt time.Time) error {
	outcome, field := "retry", ""
	if o != Retry {
		outcome, field = outcomeState(o), outcomeField(o)
	}
	reason = strings.ReplaceAll(reason, "|", "/")
	err := resolveScript.Run(ctx, s.rdb, []string{keyFlight, keyReady, jobKey(id), keyDone, keyAnswers},
		id, outcome, field, reason, unixMS(retryAt), unixMS(time.Now()), retention(), batchRetention(), "{o}:b:", "{o}:cf:",
		"{o}:q:", jobPrefix).Err()
	if err != nil {
		return fmt.Errorf("resolve job %s: %w", id, err)
	}
	return nil
}

// FinishedBatches returns batches whose report is due.
func (s *Store) FinishedBatches(ctx context.Context) ([]string, error) {
	return s.rdb.ZRange(ctx, keyDone, 0, 99).Result()
}

// Reported drops a batch from the finished list once its report is
// queued.
func (s *Store) Reported(ctx context.Context, batch string) error {
	return s.rdb.ZRem(ctx, keyDone, batch).Err()
}

// BatchReport reads how a batch went.
func (s *Store) BatchReport(ctx context.Context, id string) (bot.BatchReport, error) {
	var h *redis.MapStringStringCmd
	var f *redis.StringSliceCmd
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		h = p.HGetAll(ctx, batchKey(id))
		f = p.LRange(ctx, batchKey(id)+":fail", 0, -1)
		return nil
	})
	if err != nil {
		return bot.BatchReport{}, fmt.Errorf("read batch %s: %w", id, err)
	}
	v := h.Val()
	if v["id"] == "" {
		return bot.BatchReport{}, ErrNotFound
	}
	num := func(k string) int { n, _ := strconv.Atoi(v[k]); return n }
	r := bot.BatchReport{
		Batch: bot.Batch{ID: id, Cohort: v["cohort"], Kind: v["kind"], ReportTo: bot.ChatKey(v["report_to"]), Lang: bot.Lang(v["lang"]), Title: v["title"]},
		Total: num("total"), Delivered: num("delivered"),
	}
	for _, line := range f.Val() {
		parts := strings.SplitN(line, "|", 4)
		if len(parts) != 4 {
			continue
		}
		fl := bot.Failure{User: bot.UserKey(parts[1]), Chat: bot.ChatKey(parts[2]), Reason: parts[3]}
		if parts[0] == "u" {
			r.Unreachable = append(r.Unreachable, fl)
		} else {
			r.Failed = append(r.Failed, fl)
		}
	}
	r.Pending = r.Total - r.Delivered - len(r.Unreachable) - len(r.Failed)
	return r, nil
}

// OutboxStats counts jobs waiting and in flight.
func (s *Store) OutboxStats(ctx context.Context) (ready, flight int64, err error) {
	var a, b *redis.IntCmd
	_, err = s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		a = p.ZCard(ctx, keyReady)
		b = p.ZCard(ctx, keyFlight)
		return nil
	})
	return a.Val(), b.Val(), err
}

// Undelivered counts a cohort's messages that could not be delivered
// since the given time.
func (s *Store) Undelivered(ctx context.Context, cohort string, since time.Time) (int64, error) {
	return s.rdb.ZCount(ctx, cohortFailKey(cohort), strconv.FormatInt(unixMS(since), 10), "+inf").Result()
}
