package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cohortbot/cohortbot/bot"
	"github.com/cohortbot/cohortbot/bot/announce"
	"github.com/cohortbot/cohortbot/bot/contest"
	"github.com/cohortbot/cohortbot/bot/plan"
	"github.com/cohortbot/cohortbot/bot/timetable"
	"github.com/redis/go-redis/v9"
)

// ErrNotFound is returned for a missing record. It is bot.ErrNotFound, so
// handlers test for it without importing this package.
var ErrNotFound = bot.ErrNotFound

// Store is cohortbot's state in Redis.
type Store struct {
	rdb redis.UniversalClient
	// entries caches each cohort's decoded contest entries by version
	// (contest.go), so that reading the leaderboard does not fetch and
	// decode every entry each time.
	entries entryCache
	// pageEntries and members keep the entries decoded for voters' pages
	// (contest.go) and the members decoded by the load middleware, so
	// that a vote press does not decode the same JSON again (memo.go).
	pageEntries memo[pageKey, contest.Entry]
	members     memo[memberKey, bot.Member]
}

// New wraps a Redis client (single node or cluster).
func New(rdb redis.UniversalClient) *Store { return &Store{rdb: rdb} }

// Open connects to REDIS_URL, or to a cluster when clusterAddrs is set.
func Open(redisURL string, clusterAddrs []string) (*Store, error) {
	if len(clusterAddrs) > 0 {
		return New(redis.NewClusterClient(&redis.ClusterOptions{Addrs: clusterAddrs})), nil
	}
	opt, err := redis.ParseURL(redisURL)
	if err != nil {
		// The parser's errors quote the URL, password included: say what
		// is wrong with the password replaced.
		msg := strings.ReplaceAll(err.Error(), redisURL, RedactURL(redisURL))
		if pw := urlPassword(redisURL); len(pw) >= 4 { // a shorter one would garble the message
			msg = strings.ReplaceAll(msg, pw, "xxxxx")
		}
		return nil, fmt.Errorf("parse REDIS_URL %s: %s", RedactURL(redisURL), msg)
	}
	return New(redis.NewClient(opt)), nil
}

// RedactURL returns a Redis URL with its password replaced by xxxxx, even
// when the URL does not parse.
func RedactURL(raw string) string {
	if u, err := url.Parse(raw); err == nil && u.User != nil {
		return u.Redacted()
	}
	if pw, at := rawPassword(raw); pw != "" {
		return raw[:at-len(pw)] + "xxxxx" + raw[at:]
	}
	return raw
}

// urlPassword is the password of a URL that may not parse, or "".
func urlPassword(raw string) string {
	if u, err := url.Parse(raw); err == nil && u.User != nil {
		pw, _ := u.User.Password()
		return pw
	}
	pw, _ := rawPassword(raw)
	return pw
}

// rawPassword finds a password in something that looks like
// user:password@host, scheme or not, and where its "@" is.
func rawPassword(raw string) (pw string, at int) {
	at = strings.LastIndexByte(raw, '@')
	if at < 0 {
		return "", 0
	}
	userinfo := raw[:at]
	if i := strings.LastIndexByte(userinfo, '/'); i >= 0 {
		userinfo = userinfo[i+1:]
	}
	_, pw, _ = strings.Cut(userinfo, ":")
	return pw, at
}

// Client exposes the Redis client to the packages that share it
// (scheduler, delivery) and to tests.
func (s *Store) Client() redis.UniversalClient { return s.rdb }

// Ping checks that Redis answers.
func (s *Store) Ping(ctx context.Context) error { return s.rdb.Ping(ctx).Err() }

// Close closes the client.
func (s *Store) Close() error { return s.rdb.Close() }

func notFound(err error) error {
	if errors.Is(err, redis.Nil) {
		return ErrNotFound
	}
	return err
}

// loadScript reads a user's profile, conversation and cohorts and counts
// this update in the flood window, all in one round trip. The window
// slides: it holds the arrival times (ARGV[2]) of the user's updates of the
// last window, so a burst across any boundary is still a burst. It is
// measured on arrival, not on when updates are handled: replies are paced
// at one a second per chat, so a burst is handled more slowly than it came
// and would never look like one. At most floodCap times are kept.
var loadScript = redis.NewScript(`
local window, at = tonumber(ARGV[1]), tonumber(ARGV[2])
redis.call('LPUSH', KEYS[3], ARGV[2])
while true do
  local last = tonumber(redis.call('LINDEX', KEYS[3], -1))
  if last == nil or last > at - window then break end
  redis.call('RPOP', KEYS[3])
end
redis.call('LTRIM', KEYS[3], 0, tonumber(ARGV[4]) - 1)
local n = redis.call('LLEN', KEYS[3])
redis.call('PEXPIRE', KEYS[3], ARGV[3])
return {redis.call('HGETALL', KEYS[1]), redis.call('GET', KEYS[2]), n, redis.call('SMEMBERS', KEYS[4])}
`)

// floodCap bounds the arrival times kept per user: the count of a flood
// stops there, well above any flood limit.
const floodCap = 256

// Load implements bot.Store. at is when the update arrived (the zero time
// for now).
func (s *Store) Load(ctx context.Context, user bot.UserKey, window time.Duration, at time.Time) (bot.Loaded, error) {
	if at.IsZero() {
		at = time.Now()
	}
	res, err := loadScript.Run(ctx, s.rdb, loadKeys(user), loadArgs(window, at)...).Slice()
	if err != nil {
		return bot.Loaded{}, fmt.Errorf("load user %s: %w", user, err)
	}
	return loadedFrom(user, res)
}

// LoadMember is Load and MemberVersion of the cohort in one round trip (a
// pipeline, since their keys are in different slots). The load middleware
// uses it when the update names the cohort it acts on.
func (s *Store) LoadMember(ctx context.Context, user bot.UserKey, window time.Duration, at time.Time, cohort string) (bot.Loaded, *bot.Member, int64, error) {
	if at.IsZero() {
		at = time.Now()
	}
	keys := loadKeys(user)
	for attempt := 0; ; attempt++ {
		var load *redis.Cmd
		var m, v *redis.StringCmd
		_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
			load = loadScript.EvalSha(ctx, p, keys, loadArgs(window, at)...)
			m = p.HGet(ctx, cohortKey(cohort, "members"), string(user))
			v = p.HGet(ctx, cohortKey(cohort, "meta"), "version")
			return nil
		})
		if redis.HasErrorPrefix(load.Err(), "NOSCRIPT") && attempt == 0 {
			// Not in this server's script cache yet (a restart): the
			// script did not run, so loading it and trying again counts
			// the update once.
			if err := loadScript.Load(ctx, s.rdb).Err(); err != nil {
				return bot.Loaded{}, nil, 0, fmt.Errorf("load script: %w", err)
			}
			continue
		}
		if err := load.Err(); err != nil {
			return bot.Loaded{}, nil, 0, fmt.Errorf("load user %s: %w", user, err)
		}
		if err != nil && !errors.Is(err, redis.Nil) {
			return bot.Loaded{}, nil, 0, fmt.Errorf("read member %s of %s: %w", user, cohort, err)
		}
		res, _ := load.Slice()
		l, err := loadedFrom(user, res)
		if err != nil {
			return bot.Loaded{}, nil, 0, err
		}
		mem, version, err := s.memberVersionFrom(cohort, user, m, v)
		return l, mem, version, err
	}
}

// loadArgs are loadScript's arguments: the flood window, the arrival
// time and how long the arrival times are kept (two windows), all in ms,
// and floodCap.
func loadArgs(window time.Duration, at time.Time) []any {
	ms := window.Milliseconds()
	return []any{ms, at.UnixMilli(), 2 * ms, floodCap}
}

func loadKeys(user bot.UserKey) []string {
	return []string{userKey(user), userSub(user, "conv"), userSub(user, "floodlog"), userSub(user, "cohorts")}
}

// loadedFrom decodes loadScript's reply.
func loadedFrom(user bot.UserKey, res []any) (bot.Loaded, error) {
	if len(res) != 4 {
		return bot.Loaded{}, fmt.Errorf("load user %s: %d results", user, len(res))
	}
	l := bot.Loaded{Profile: profileFrom(user, pairs(res[0]), stringList(res[3]))}
	if raw, ok := res[1].(string); ok {
		var c bot.Conv
		if err := json.Unmarshal([]byte(raw), &c); err == nil {
			l.Conv = &c
		}
	}
	l.Flood, _ = res[2].(int64)
	return l, nil
}

func pairs(v any) map[string]string {
	list, _ := v.([]any)
	m := make(map[string]string, len(list)/2)
	for i := 0; i+1 < len(list); i += 2 {
		k, _ := list[i].(string)
		val, _ := list[i+1].(string)
		m[k] = val
	}
	return m
}

func stringList(v any) []string {
	list, _ := v.([]any)
	out := make([]string, 0, len(list))
	for _, x := range list {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	slices.Sort(out)
	return out
}

func profileFrom(user bot.UserKey, h map[string]string, cohorts []string) bot.Profile {
	return bot.Profile{
		User:     user,
		Lang:     bot.Lang(h["lang"]),
		Active:   h["active"],
		Name:     h["name"],
		Username: h["username"],
		Cohorts:  cohorts,
		// A person who blocked the bot is unreachable until they write.
		Unreachable: h["unreachable"] == "1",
	}
}

// Profile implements bot.Store.
func (s *Store) Profile(ctx context.Context, user bot.UserKey) (bot.Profile, error) {
	var h *redis.MapStringStringCmd
	var c *redis.StringSliceCmd
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		h = p.HGetAll(ctx, userKey(user))
		c = p.SMembers(ctx, userSub(user, "cohorts"))
		return nil
	})
	if err != nil {
		return bot.Profile{}, fmt.Errorf("read profile %s: %w", user, err)
	}
	cohorts := c.Val()
	slices.Sort(cohorts)
	return profileFrom(user, h.Val(), cohorts), nil
}

// SetLang implements bot.Store.
func (s *Store) SetLang(ctx context.Context, user bot.UserKey, lang bot.Lang) error {
	return s.rdb.HSet(ctx, userKey(user), "lang", string(lang)).Err()
}

// SetActive implements bot.Store.
func (s *Store) SetActive(ctx context.Context, user bot.UserKey, cohort string) error {
	return s.rdb.HSet(ctx, userKey(user), "active", cohort).Err()
}

// TouchProfile implements bot.Store.
func (s *Store) TouchProfile(ctx context.Context, user bot.UserKey, name, username string) error {
	return s.rdb.HSet(ctx, userKey(user), "name", name, "username", username).Err()
}

// SetConv implements bot.Store.
func (s *Store) SetConv(ctx context.Context, user bot.UserKey, c *bot.Conv, ttl time.Duration) error {
	raw, err := json.Marshal(c)
	if err != nil {
		return fmt.Errorf("encode conversation: %w", err)
	}
	return s.rdb.Set(ctx, userSub(user, "conv"), raw, ttl).Err()
}

// ClearConv implements bot.Store.
func (s *Store) ClearConv(ctx context.Context, user bot.UserKey) error {
	return s.rdb.Del(ctx, userSub(user, "conv")).Err()
}

// MemberVersion implements bot.Store.
func (s *Store) MemberVersion(ctx context.Context, cohort string, user bot.UserKey) (*bot.Member, int64, error) {
	var m *redis.StringCmd
	var v *redis.StringCmd
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		m = p.HGet(ctx, cohortKey(cohort, "members"), string(user))
		v = p.HGet(ctx, cohortKey(cohort, "meta"), "version")
		return nil
	})
	if err != nil && !errors.Is(err, redis.Nil) {
		return nil, 0, fmt.Errorf("read member %s of %s: %w", user, cohort, err)
	}
	return s.memberVersionFrom(cohort, user, m, v)
}

// memberKey names a member decoded by the load middleware (Store.members).
type memberKey struct {
	cohort string
	user   bot.UserKey
}

// memberVersionFrom decodes the member and the plan version read by
// MemberVersion and LoadMember.
func (s *Store) memberVersionFrom(cohort string, user bot.UserKey, m, v *redis.StringCmd) (*bot.Member, int64, error) {
	version, _ := strconv.ParseInt(v.Val(), 10, 64)
	if m.Err() != nil {
		return nil, version, nil
	}
	mem, err := s.members.decode(memberKey{cohort, user}, m.Val(), func(raw string) (bot.Member, error) {
		m, err := decodeMember(raw)
		if err != nil {
			return bot.Member{}, err
		}
		return *m, nil
	})
	if err != nil {
		return nil, 0, err
	}
	return &mem, version, nil
}

func decodeMember(raw string) (*bot.Member, error) {
	var m bot.Member
	if err := json.Unmarshal([]byte(raw), &m); err != nil {
		return nil, fmt.Errorf("decode member: %w", err)
	}
	return &m, nil
}

// createScript writes a new cohort's meta in one step, refusing a taken id.
var createScript = redis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'created', ARGV[1], 'name', ARGV[2], 'plan', ARGV[3], 'view_key', ARGV[4], 'version', ARGV[5], 'group_chat', ARGV[6])
return 1
`)

// CreateCohort implements bot.Store. The cohort is indexed first: a crash
// between the two writes leaves an index entry without a cohort, which
// listing skips, never a cohort nobody can list.
func (s *Store) CreateCohort(ctx context.Context, c *bot.Cohort) error {
	raw, err := json.Marshal(c.Plan)
	if err != nil {
		return fmt.Errorf("encode plan: %w", err)
	}
	if c.Version == 0 {
		c.Version = 1
	}
	if err := s.rdb.ZAddNX(ctx, keyCohorts, redis.Z{Score: float64(c.Created.Unix()), Member: c.ID}).Err(); err != nil {
		return fmt.Errorf("index cohort %s: %w", c.ID, err)
	}
	ok, err := createScript.Run(ctx, s.rdb, []string{cohortKey(c.ID, "meta")},
		c.Created.Unix(), c.Name, raw, c.ViewKey, c.Version, string(c.GroupChat)).Int()
	if err != nil {
		return fmt.Errorf("create cohort %s: %w", c.ID, err)
	}
	if ok == 0 {
		return fmt.Errorf("create cohort %s: id taken", c.ID)
	}
	return nil
}

// Cohort implements bot.Store.
func (s *Store) Cohort(ctx context.Context, id string) (*bot.Cohort, error) {
	h, err := s.rdb.HGetAll(ctx, cohortKey(id, "meta")).Result()
	if err != nil {
		return nil, fmt.Errorf("read cohort %s: %w", id, err)
	}
	return decodeCohort(id, h)
}

func decodeCohort(id string, h map[string]string) (*bot.Cohort, error) {
	if h["plan"] == "" {
		return nil, ErrNotFound
	}
	var p plan.Plan
	if err := json.Unmarshal([]byte(h["plan"]), &p); err != nil {
		return nil, fmt.Errorf("decode plan of %s: %w", id, err)
	}
	created, _ := strconv.ParseInt(h["created"], 10, 64)
	version, _ := strconv.ParseInt(h["version"], 10, 64)
	return &bot.Cohort{
		ID:        id,
		Name:      h["name"],
		Plan:      &p,
		ViewKey:   h["view_key"],
		Created:   time.Unix(created, 0),
		Version:   version,
		GroupChat: bot.ChatKey(h["group_chat"]),
	}, nil
}

// updateMetaScript sets fields of an existing cohort's meta and bumps its
// version, in one step: a cohort deleted meanwhile is not brought back.
var updateMetaScript = redis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
for i = 1, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i+1]) end
return redis.call('HINCRBY', KEYS[1], 'version', 1)
`)

func (s *Store) updateMeta(ctx context.Context, id string, fields ...any) (int64, error) {
	v, err := updateMetaScript.Run(ctx, s.rdb, []string{cohortKey(id, "meta")}, fields...).Int64()
	if err != nil {
		return 0, fmt.Errorf("update cohort %s: %w", id, err)
	}
	if v < 0 {
		return 0, ErrNotFound
	}
	return v, nil
}

// SavePlan implements bot.Store: it replaces the plan and bumps the
// version so every replica's cache reloads it.
func (s *Store) SavePlan(ctx context.Context, id string, p *plan.Plan) (int64, error) {
	raw, err := json.Marshal(p)
	if err != nil {
		return 0, fmt.Errorf("encode plan: %w", err)
	}
	return s.updateMeta(ctx, id, "plan", raw, "name", p.Name)
}

// SetViewKey replaces the cohort's view key (the projector page's): the
// old one stops working at the next request, on every replica, since
// the gallery reads the cohort from Redis on each.
func (s *Store) SetViewKey(ctx context.Context, id, key string) error {
	_, err := s.updateMeta(ctx, id, "view_key", key)
	return err
}

// SetGroupChat links a platform group chat to the cohort.
func (s *Store) SetGroupChat(ctx context.Context, id string, chat bot.ChatKey) error {
	_, err := s.updateMeta(ctx, id, "group_chat", string(chat))
	return err
}

// Cohorts implements bot.Store: every cohort, oldest first.
func (s *Store) Cohorts(ctx context.Context) ([]*bot.Cohort, error) {
	ids, err := s.rdb.ZRange(ctx, keyCohorts, 0, -1).Result()
	if err != nil {
		return nil, fmt.Errorf("list cohorts: %w", err)
	}
	cmds := make([]*redis.MapStringStringCmd, len(ids))
	_, err = s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, id := range ids {
			cmds[i] = p.HGetAll(ctx, cohortKey(id, "meta"))
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list cohorts: %w", err)
	}
	out := make([]*bot.Cohort, 0, len(ids))
	for i, id := range ids {
		c, err := decodeCohort(id, cmds[i].Val())
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// DeleteCohort implements bot.Store: it removes every key of the cohort,
// its invites, and the cohort from its members' lists.
func (s *Store) DeleteCohort(ctx context.Context, id string) error {
	members, err := s.rdb.HKeys(ctx, cohortKey(id, "members")).Result()
	if err != nil {
		return fmt.Errorf("delete cohort %s: %w", id, err)
	}
	for _, u := range members {
		if err := s.detachUser(ctx, id, bot.UserKey(u)); err != nil {
			return fmt.Errorf("delete cohort %s: %w", id, err)
		}
	}
	codes, err := s.rdb.SMembers(ctx, cohortKey(id, "invites")).Result()
	if err != nil {
		return fmt.Errorf("delete cohort %s: %w", id, err)
	}
	for _, code := range codes {
		if err := s.rdb.Del(ctx, inviteKey(code), inviteUsersKey(code)).Err(); err != nil {
			return fmt.Errorf("delete invite %s: %w", code, err)
		}
	}
	if err := s.rdb.Del(ctx, cohortFailKey(id)).Err(); err != nil {
		return fmt.Errorf("delete cohort %s: %w", id, err)
	}
	if err := s.dropDue(ctx, id); err != nil {
		return fmt.Errorf("delete cohort %s: %w", id, err)
	}
	if err := s.dropSerials(ctx, id); err != nil {
		return fmt.Errorf("delete cohort %s: %w", id, err)
	}
	if err := s.deleteTag(ctx, "{c:"+id+"}:*"); err != nil {
		return fmt.Errorf("delete cohort %s: %w", id, err)
	}
	return s.rdb.ZRem(ctx, keyCohorts, id).Err()
}

// deleteTag deletes every key matching pattern, on every master of a
// cluster.
func (s *Store) deleteTag(ctx context.Context, pattern string) error {
	del := func(ctx context.Context, c redis.UniversalClient) error {
		iter := c.Scan(ctx, 0, pattern, 500).Iterator()
		var batch []string
		for iter.Next(ctx) {
			batch = append(batch, iter.Val())
			if len(batch) == 500 {
				if err := c.Del(ctx, batch...).Err(); err != nil {
					return err
				}
				batch = batch[:0]
			}
		}
		if err := iter.Err(); err != nil {
			return err
		}
		if len(batch) > 0 {
			return c.Del(ctx, batch...).Err()
		}
		return nil
	}
	if cc, ok := s.rdb.(*redis.ClusterClient); ok {
		return cc.ForEachMaster(ctx, func(ctx context.Context, c *redis.Client) error { return del(ctx, c) })
	}
	return del(ctx, s.rdb)
}

// detachScript removes a cohort from a user's list and, when it was the
// active one, makes another of the user's cohorts active. A user left in
// no cohort has no profile any more: it goes, language and names with it.
var detachScript = redis.NewScript(`
redis.call('SREM', KEYS[2], ARGV[1])
if redis.call('SCARD', KEYS[2]) == 0 then
  redis.call('DEL', KEYS[1], KEYS[2], KEYS[3])
  return 1
end
if redis.call('HGET', KEYS[1], 'active') == ARGV[1] then
  local other = redis.call('SRANDMEMBER', KEYS[2])
  if other then redis.call('HSET', KEYS[1], 'active', other) else redis.call('HDEL', KEYS[1], 'active') end
end
return 1
`)

func (s *Store) detachUser(ctx context.Context, cohort string, user bot.UserKey) error {
	// A person in no cohort any more loses their profile, and on Zalo the
	// numbered choices last sent to them (choicesKey).
	return detachScript.Run(ctx, s.rdb, []string{userKey(user), userSub(user, "cohorts"), choicesKey(user)}, cohort).Err()
}

// PutMember implements bot.Store.
func (s *Store) PutMember(ctx context.Context, m *bot.Member) error {
	raw, err := json.Marshal(m)
	if err != nil {
		return fmt.Errorf("encode member: %w", err)
	}
	_, err = s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		p.HSet(ctx, cohortKey(m.Cohort, "members"), string(m.User), raw)
		p.SAdd(ctx, userSub(m.User, "cohorts"), m.Cohort)
		return nil
	})
	if err != nil {
		return fmt.Errorf("put member %s: %w", m.User, err)
	}
	return nil
}

// Member implements bot.Store.
func (s *Store) Member(ctx context.Context, cohort string, user bot.UserKey) (*bot.Member, error) {
	raw, err := s.rdb.HGet(ctx, cohortKey(cohort, "members"), string(user)).Result()
	if err != nil {
		return nil, notFound(err)
	}
	return decodeMember(raw)
}

// Members implements bot.Store.
func (s *Store) Members(ctx context.Context, cohort string) ([]*bot.Member, error) {
	h, err := s.rdb.HGetAll(ctx, cohortKey(cohort, "members")).Result()
	if err != nil {
		return nil, fmt.Errorf("list members of %s: %w", cohort, err)
	}
	out := make([]*bot.Member, 0, len(h))
	for _, raw := range h {
		m, err := decodeMember(raw)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	slices.SortFunc(out, func(a, b *bot.Member) int {
		if c := a.Joined.Compare(b.Joined); c != 0 {
			return c
		}
		return compareStrings(string(a.User), string(b.User))
	})
	return out, nil
}

// RemoveMember implements bot.Store: the member's record goes, and the
// cohort leaves the user's list. Later features delete their own data of
// the member through the same call.
func (s *Store) RemoveMember(ctx context.Context, cohort string, user bot.UserKey) error {
	// The invite the member joined with no longer lets them pass as its
	// earlier user: coming back takes a use like anyone else, so a removed
	// organiser cannot return on a used-up single-use invite. This goes
	// first, so a retry after a crash still finds the member's record.
	m, err := s.Member(ctx, cohort, user)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return fmt.Errorf("remove member %s: %w", user, err)
	}
	if m != nil && m.Invite != "" {
		if err := s.rdb.SRem(ctx, inviteUsersKey(m.Invite), string(user)).Err(); err != nil {
			return fmt.Errorf("remove member %s: %w", user, err)
		}
	}
	if err := s.rdb.HDel(ctx, cohortKey(cohort, "members"), string(user)).Err(); err != nil {
		return fmt.Errorf("remove member %s: %w", user, err)
	}
	if err := s.detachUser(ctx, cohort, user); err != nil {
		return fmt.Errorf("remove member %s: %w", user, err)
	}
	return nil
}

// Profiles reads many profiles in one round trip (the languages of a
// broadcast's recipients).
func (s *Store) Profiles(ctx context.Context, users []bot.UserKey) (map[bot.UserKey]bot.Profile, error) {
	cmds := make([]*redis.MapStringStringCmd, len(users))
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, u := range users {
			cmds[i] = p.HGetAll(ctx, userKey(u))
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read profiles: %w", err)
	}
	out := make(map[bot.UserKey]bot.Profile, len(users))
	for i, u := range users {
		out[u] = profileFrom(u, cmds[i].Val(), nil)
	}
	return out, nil
}

// The store implements the core's store and each feature's: a method a
// feature needs and the store lacks fails here, at compile time.
var (
	_ bot.Store       = (*Store)(nil)
	_ contest.Store   = (*Store)(nil)
	_ announce.Store  = (*Store)(nil)
	_ timetable.Store = (*Store)(nil)
)
