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

// ignoredSeenTTL is how long the id of an update the bot ignores
// (bot.Update.Ignored: edited messages, channel posts, commands for other
// bots) is remembered. Handling one twice changes nothing, so its marker
// only has to absorb a platform's redelivery burst. Whether an update is
// ignored depends on its content alone, so a real update delivered again
// is always deduplicated for the full seenTTL.
const ignoredSeenTTL = time.Hour

// recordScript appends each update not seen before to the inbox stream,
// with its sender, and to its sender's list of pending updates, which keeps
// one person's updates in order across replicas; in the same step it
// stores the next polling offset. KEYS: the stream, the offset key (or the
// stream again when there is none), then per update its seen marker and
// its sender's list (the stream again when it has no sender); ARGV: seen
// TTL seconds, offset (or ""), the seen TTL of ignored updates, then per
// update its JSON document, its sender and "1" when it is ignored.
var recordScript = redis.NewScript(`
local added = 0
for i = 3, #KEYS, 2 do
  local a = 4 + 3 * (i - 3) / 2
  local ttl = ARGV[1]
  if ARGV[a+2] == '1' then ttl = ARGV[3] end
  if redis.call('SET', KEYS[i], '1', 'NX', 'EX', ttl) then
    local id = redis.call('XADD', KEYS[1], '*', 'u', ARGV[a], 'k', ARGV[a+1])
    if ARGV[a+1] ~= '' then redis.call('RPUSH', KEYS[i+1], id) end
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
	keys := make([]string, 0, 2*len(updates)+2)
	args := make([]any, 0, 3*len(updates)+3)
	keys = append(keys, keyInbox, offsetKey(p))
	args = append(args, int64(seenTTL/time.Second), "", int64(ignoredSeenTTL/time.Second))
	if offset > 0 {
		args[1] = strconv.FormatInt(offset, 10)
	}
	for i := range updates {
		raw, err := json.Marshal(&updates[i])
		if err != nil {
			return 0, fmt.Errorf("encode update %d: %w", updates[i].ID, err)
		}
		order := keyInbox
		if u := updates[i].User; u != "" {
			order = orderKey(u)
		}
		keys = append(keys, seenKey(p, updates[i].ID), order)
		ignored := "0"
		if updates[i].Ignored() {
			ignored = "1"
		}
		args = append(args, raw, string(updates[i].User), ignored)
	}
	n, err := recordScript.Run(ctx, s.rdb, keys, args...).Int()
	if err != nil {
		return 0, fmt.Errorf("record updates: %w", err)
	}
	return n, nil
}

// orderKey is the list of a person's recorded updates not yet handled, in
// the order they were recorded.
func orderKey(u bot.UserKey) string { return "{in}:u:" + string(u) }

// aliveKey is a replica's heartbeat.
func aliveKey(consumer string) string { return "{in}:alive:" + consumer }

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

// PendingInbox returns up to count entries this consumer read before and
// never acknowledged, after the entry id after ("0" for the first): after a
// restart of the same replica, the updates it was handling when it
// stopped.
func (s *Store) PendingInbox(ctx context.Context, consumer, after string, count int64) ([]bot.InboxEntry, error) {
	if after == "" {
		after = "0"
	}
	res, err := s.rdb.XReadGroup(ctx, &redis.XReadGroupArgs{
		Group: inboxGroup, Consumer: consumer, Streams: []string{keyInbox, after}, Count: count,
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

// Heartbeat tells the other replicas that consumer is alive for ttl: its
// pending updates are its own until the heartbeat lapses.
func (s *Store) Heartbeat(ctx context.Context, consumer string, ttl time.Duration) error {
	if err := s.rdb.Set(ctx, aliveKey(consumer), time.Now().UnixMilli(), ttl).Err(); err != nil {
		return fmt.Errorf("heartbeat: %w", err)
	}
	return nil
}

// ClaimDead takes over, for consumer, up to count entries that replicas
// whose heartbeat has lapsed read and never acknowledged, so they are
// handled again. A live replica's entries are never taken, however long
// they wait in its queues, and consumer never claims its own.
func (s *Store) ClaimDead(ctx context.Context, consumer string, count int64) ([]bot.InboxEntry, error) {
	consumers, err := s.rdb.XInfoConsumers(ctx, keyInbox, inboxGroup).Result()
	if err != nil {
		return nil, fmt.Errorf("list inbox consumers: %w", err)
	}
	var out []bot.InboxEntry
	for _, c := range consumers {
		if c.Name == consumer || int64(len(out)) >= count {
			continue
		}
		alive, err := s.rdb.Exists(ctx, aliveKey(c.Name)).Result()
		if err != nil {
			return out, fmt.Errorf("read heartbeat of %s: %w", c.Name, err)
		}
		if alive > 0 {
			continue
		}
		if c.Pending == 0 {
			// A replica gone for good: forget its name.
			_ = s.rdb.XGroupDelConsumer(ctx, keyInbox, inboxGroup, c.Name).Err()
			continue
		}
		pend, err := s.rdb.XPendingExt(ctx, &redis.XPendingExtArgs{
			Stream: keyInbox, Group: inboxGroup, Start: "-", End: "+", Count: count - int64(len(out)), Consumer: c.Name,
		}).Result()
		if err != nil {
			return out, fmt.Errorf("read pending of %s: %w", c.Name, err)
		}
		ids := make([]string, len(pend))
		for i, p := range pend {
			ids[i] = p.ID
		}
		if len(ids) == 0 {
			continue
		}
		// XCLAIM moves only entries still owned by the dead consumer
		// (MinIdle 0 would steal from a replica that just claimed them):
		// an entry claimed a moment ago by another replica is idle for less.
		msgs, err := s.rdb.XClaim(ctx, &redis.XClaimArgs{
			Stream: keyInbox, Group: inboxGroup, Consumer: consumer, MinIdle: claimMinIdle, Messages: ids,
		}).Result()
		if err != nil {
			return out, fmt.Errorf("claim pending of %s: %w", c.Name, err)
		}
		out = append(out, decodeEntries(msgs)...)
	}
	return out, nil
}

// claimMinIdle is how long an entry must have been left alone before it is
// taken over from a dead replica: more than the time between a claim and
// its dispatch, so that two live replicas claiming at once do not both win.
const claimMinIdle = 2 * time.Second

// OrderHead returns the oldest update of the user that is recorded and not
// yet acknowledged ("" when none): only that one may be handled now.
func (s *Store) OrderHead(ctx context.Context, user bot.UserKey) (string, error) {
	id, err := s.rdb.LIndex(ctx, orderKey(user), 0).Result()
	if errors.Is(err, redis.Nil) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read order of %s: %w", user, err)
	}
	return id, nil
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

// ackScript acknowledges entries, drops them from the stream and from
// their sender's order list. KEYS[1] stream; ARGV[1] group, ARGV[2] order
// key prefix, then entry ids.
var ackScript = redis.NewScript(`
for i = 3, #ARGV do
  local id = ARGV[i]
  local e = redis.call('XRANGE', KEYS[1], id, id)
  if e[1] then
    local f = e[1][2]
    for j = 1, #f, 2 do
      if f[j] == 'k' and f[j+1] ~= '' then redis.call('LREM', ARGV[2] .. f[j+1], 1, id) end
    end
  end
  redis.call('XACK', KEYS[1], ARGV[1], id)
  redis.call('XDEL', KEYS[1], id)
end
return 1
`)

// AckInbox marks entries handled and drops them from the stream and from
// their senders' order.
func (s *Store) AckInbox(ctx context.Context, ids ...string) error {
	if len(ids) == 0 {
		return nil
	}
	args := []any{inboxGroup, "{in}:u:"}
	for _, id := range ids {
		args = append(args, id)
	}
	if err := ackScript.Run(ctx, s.rdb, []string{keyInbox}, args...).Err(); err != nil {
		return fmt.Errorf("ack inbox: %w", err)
	}
	return nil
}

// InboxBacklog is the number of recorded updates not yet handled.
func (s *Store) InboxBacklog(ctx context.Context) (int64, error) {
	return s.rdb.XLen(ctx, keyInbox).Result()
}
