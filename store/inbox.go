package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/cohortbot/cohortbot/bot"
)

// seenTTL is how long an update id is remembered for deduplication:
// Telegram keeps undelivered updates for 24 hours, so a week is ample.
const seenTTL = 7 * 24 * time.Hour

// recordScript appends each update not seen before to the inbox stream
// and, in the same step, stores the next polling offset. KEYS: the stream,
// the offset key (or the stream again when there is none), then one seen
// marker per update; ARGV: seen TTL seconds, offset (or ""), then one JSON
// document per update.
var recordScript = redis.NewScript(`
local added = 0
for i = 3, #KEYS do
  if redis.call('SET', KEYS[i], '1', 'NX', 'EX', ARGV[1]) then
    redis.call('XADD', KEYS[1], '*', 'u', ARGV[i])
    added = added + 1
  end
end
if ARGV[2] ~= '' then redis.call('SET', KEYS[2], ARGV[2]) end
return added
`)

// Record durably queues updates for handling, skipping those already
// recorded, and sets the platform's next polling offset (when offset > 0)
// in the same atomic step: once Record returns, the offset may be
// confirmed to the platform.
func (s *Store) Record(ctx context.Context, p bot.Platform, updates []bot.Update, offset int64) (int, error) {
	keys := make([]string, 0, len(updates)+2)
	args := make([]any, 0, len(updates)+2)
	keys = append(keys, keyInbox, offsetKey(p))
	args = append(args, int64(seenTTL/time.Second), "")
	if offset > 0 {
		args[1] = strconv.FormatInt(offset, 10)
	}
	for i := range updates {
		raw, err := json.Marshal(&updates[i])
		if err != nil {
			return 0, fmt.Errorf("encode update %d: %w", updates[i].ID, err)
		}
		keys = append(keys, seenKey(p, updates[i].ID))
		args = append(args, raw)
	}
	n, err := recordScript.Run(ctx, s.rdb, keys, args...).Int()
	if err != nil {
		return 0, fmt.Errorf("record updates: %w", err)
	}
	return n, nil
}

// Offset returns the next polling offset of the platform (0 at first).
func (s *Store) Offset(ctx context.Context, p bot.Platform) (int64, error) {
	n, err := s.rdb.Get(ctx, offsetKey(p)).Int64()
	if errors.Is(err, redis.Nil) {
		return 0, nil
	}
	return n, err
}

// EnsureInbox creates the consumer group if it does not exist.
func (s *Store) EnsureInbox(ctx context.Context) error {
	err := s.rdb.XGroupCreateMkStream(ctx, keyInbox, inboxGroup, "0").Err()
	if err != nil && !strings.Contains(err.Error(), "BUSYGROUP") {
		return fmt.Errorf("create inbox group: %w", err)
	}
	return nil
}

// ReadInbox returns up to count new entries for this consumer, waiting up
// to block for some to arrive.
func (s *Store) ReadInbox(ctx context.Context, consumer string, count int64, block time.Duration) ([]bot.InboxEntry, error) {
	res, err := s.rdb.XReadGroup(ctx, &redis.XReadGroupArgs{
		Group: inboxGroup, Consumer: consumer, Streams: []string{keyInbox, ">"}, Count: count, Block: block,
	}).Result()
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read inbox: %w", err)
	}
	var out []bot.InboxEntry
	for _, st := range res {
		out = append(out, decodeEntries(st.Messages)...)
	}
	return out, nil
}

// PendingInbox returns the entries this consumer read before and never
// acknowledged: after a restart of the same replica, the updates it was
// handling when it stopped.
func (s *Store) PendingInbox(ctx context.Context, consumer string, count int64) ([]bot.InboxEntry, error) {
	res, err := s.rdb.XReadGroup(ctx, &redis.XReadGroupArgs{
		Group: inboxGroup, Consumer: consumer, Streams: []string{keyInbox, "0"}, Count: count,
	}).Result()
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read own pending inbox: %w", err)
	}
	var out []bot.InboxEntry
	for _, st := range res {
		out = append(out, decodeEntries(st.Messages)...)
	}
	return out, nil
}

// ClaimInbox takes over entries another consumer read but did not finish
// within minIdle (it crashed), so they are handled again.
func (s *Store) ClaimInbox(ctx context.Context, consumer string, minIdle time.Duration, count int64) ([]bot.InboxEntry, error) {
	msgs, _, err := s.rdb.XAutoClaim(ctx, &redis.XAutoClaimArgs{
		Stream: keyInbox, Group: inboxGroup, Consumer: consumer, MinIdle: minIdle, Start: "0-0", Count: count,
	}).Result()
	if err != nil {
		return nil, fmt.Errorf("claim inbox: %w", err)
	}
	return decodeEntries(msgs), nil
}

func decodeEntries(msgs []redis.XMessage) []bot.InboxEntry {
	out := make([]bot.InboxEntry, 0, len(msgs))
	for _, m := range msgs {
		raw, _ := m.Values["u"].(string)
		var u bot.Update
		if err := json.Unmarshal([]byte(raw), &u); err != nil {
			// A corrupt entry cannot be handled; keep its id so it is
			// acknowledged and does not block the consumer forever.
			u = bot.Update{Kind: bot.KindOther}
		}
		out = append(out, bot.InboxEntry{ID: m.ID, Update: u})
	}
	return out
}

// AckInbox marks entries handled and drops them from the stream.
func (s *Store) AckInbox(ctx context.Context, ids ...string) error {
	if len(ids) == 0 {
		return nil
	}
	_, err := s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.XAck(ctx, keyInbox, inboxGroup, ids...)
		p.XDel(ctx, keyInbox, ids...)
		return nil
	})
	if err != nil {
		return fmt.Errorf("ack inbox: %w", err)
	}
	return nil
}

// InboxBacklog is the number of recorded updates not yet handled.
func (s *Store) InboxBacklog(ctx context.Context) (int64, error) {
	return s.rdb.XLen(ctx, keyInbox).Result()
}

var leaseScript = redis.NewScript(`
local cur = redis.call('GET', KEYS[1])
if cur == false or cur == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0
`)

// Lease gives this replica (owner) the user's updates for ttl, so that
// several replicas never handle one user's updates at once.
func (s *Store) Lease(ctx context.Context, user bot.UserKey, owner string, ttl time.Duration) (bool, error) {
	n, err := leaseScript.Run(ctx, s.rdb, []string{userSub(user, "lease")}, owner, ttl.Milliseconds()).Int()
	return n == 1, err
}

var releaseScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`)

// Release gives the user's lease back.
func (s *Store) Release(ctx context.Context, user bot.UserKey, owner string) error {
	return releaseScript.Run(ctx, s.rdb, []string{userSub(user, "lease")}, owner).Err()
}
