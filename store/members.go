package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/cohortbot/cohortbot/bot"
)

// Member changes are one Lua step each on the cohort's members hash, so
// that two organisers changing the same member, or a member finishing
// registration while an organiser moves them, never lose a change, never
// bring a removed member back, and never leave a cohort without an
// organiser, whatever the interleaving.
//
//	{c:ID}:past    hash   user key → JSON of a former member: role, group, removed (by an organiser), at (ms)

// otherOrganiserLua reports whether the members hash holds a registered
// organiser other than user.
const otherOrganiserLua = `
local function otherOrganiser(key, user)
  local all = redis.call('HGETALL', key)
  for i = 1, #all, 2 do
    if all[i] ~= user then
      local ok, o = pcall(cjson.decode, all[i + 1])
      if ok and o.role == 'organiser' and o.registered then return true end
    end
  end
  return false
end
`

// patchMemberScript applies a patch of fields to a member, if the member
// still exists: demoting the last registered organiser is refused; a
// member who is not a trainee has no group. KEYS[1] members; ARGV: user,
// patch JSON, expected role ("" for any).
var patchMemberScript = redis.NewScript(otherOrganiserLua + `
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if not raw then return {'missing'} end
local m = cjson.decode(raw)
if ARGV[3] ~= '' and m.role ~= ARGV[3] then return {'changed', raw} end
local p = cjson.decode(ARGV[2])
if p.role and p.role ~= 'organiser' and m.role == 'organiser' and m.registered and not otherOrganiser(KEYS[1], ARGV[1]) then
  return {'last', raw}
end
for k, v in pairs(p) do
  if v == '' then m[k] = nil else m[k] = v end
end
if m.role ~= 'trainee' then m.group = nil end
local out = cjson.encode(m)
redis.call('HSET', KEYS[1], ARGV[1], out)
return {'ok', out}
`)

// PatchMember implements bot.Store: it changes the given fields of a
// member in one step and returns the member as stored. A member who is no
// longer there is ErrNotFound (nothing is written); demoting the last
// organiser is bot.ErrLastOrganiser; with expect set, a member whose role
// is no longer expect is bot.ErrMemberChanged.
func (s *Store) PatchMember(ctx context.Context, cohort string, user bot.UserKey, p bot.MemberPatch, expect bot.Role) (*bot.Member, error) {
	patch := map[string]any{}
	if p.Role != nil {
		patch["role"] = string(*p.Role)
	}
	if p.Name != nil {
		patch["name"] = *p.Name
	}
	if p.Org != nil {
		patch["org"] = *p.Org
	}
	if p.Group != nil {
		patch["group"] = *p.Group
	}
	if p.Registered != nil {
		patch["registered"] = *p.Registered
	}
	raw, err := json.Marshal(patch)
	if err != nil {
		return nil, fmt.Errorf("encode member patch: %w", err)
	}
	res, err := patchMemberScript.Run(ctx, s.rdb, []string{cohortKey(cohort, "members")}, string(user), raw, string(expect)).StringSlice()
	if err != nil {
		return nil, fmt.Errorf("change member %s: %w", user, err)
	}
	switch res[0] {
	case "missing":
		return nil, ErrNotFound
	case "last":
		return nil, bot.ErrLastOrganiser
	case "changed":
		return nil, bot.ErrMemberChanged
	}
	return decodeMember(res[1])
}

// departScript removes a member and keeps what stops them from gaming the
// cohort when they come back: their role and group, and whether an
// organiser removed them. The last registered organiser cannot go.
// The person's pseudonym in the cohort's audit goes too (whoLua): the
// audit keeps explaining every change, but no longer names them.
// A member who was a roster's person frees it.
// KEYS[1] members, KEYS[2] past, KEYS[3] the audit's pseudonyms, KEYS[4]
// the roster's holders; ARGV:
// user, removed (1/0), at ms.
var departScript = redis.NewScript(otherOrganiserLua + `
local function unname()
  local a = redis.call('HGET', KEYS[3], 'u:' .. ARGV[1])
  if a then redis.call('HDEL', KEYS[3], 'u:' .. ARGV[1], 'a:' .. a) end
end
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if not raw then
  unname()
  return {'missing'}
end
local m = cjson.decode(raw)
if m.role == 'organiser' and m.registered and not otherOrganiser(KEYS[1], ARGV[1]) then return {'last'} end
local past = {role = m.role, group = m.group or '', removed = ARGV[2] == '1', at = tonumber(ARGV[3])}
redis.call('HSET', KEYS[2], ARGV[1], cjson.encode(past))
redis.call('HDEL', KEYS[1], ARGV[1])
if m.person and redis.call('HGET', KEYS[4], tostring(m.person)) == ARGV[1] then redis.call('HDEL', KEYS[4], tostring(m.person)) end
unname()
return {'ok', raw}
`)

// Depart implements bot.Store: the member leaves (removed false) or is
// removed by an organiser, in one step that refuses the last organiser
// (bot.ErrLastOrganiser) and records the former member (Past). Then the
// links outside the cohort go, as RemoveMember does.
func (s *Store) Depart(ctx context.Context, cohort string, user bot.UserKey, removed bool, at time.Time) error {
	flag := "0"
	if removed {
		flag = "1"
	}
	res, err := departScript.Run(ctx, s.rdb, []string{cohortKey(cohort, "members"), cohortKey(cohort, "past"), auditKey(cohort) + ":who", cohortKey(cohort, "roster")},
		string(user), flag, unixMS(at)).StringSlice()
	if err != nil {
		return fmt.Errorf("remove member %s: %w", user, err)
	}
	switch res[0] {
	case "last":
		return bot.ErrLastOrganiser
	case "ok":
		if m, err := decodeMember(res[1]); err == nil && m.Invite != "" {
			if err := s.rdb.SRem(ctx, inviteUsersKey(m.Invite), string(user)).Err(); err != nil {
				return fmt.Errorf("remove member %s: %w", user, err)
			}
		}
	}
	// "missing": gone already (a retry); the links may still be there.
	if err := s.detachUser(ctx, cohort, user); err != nil {
		return fmt.Errorf("remove member %s: %w", user, err)
	}
	return nil
}

// Past implements bot.Store: the former member's record, nil when the
// user was never a member or is one now.
func (s *Store) Past(ctx context.Context, cohort string, user bot.UserKey) (*bot.Past, error) {
	raw, err := s.rdb.HGet(ctx, cohortKey(cohort, "past"), string(user)).Result()
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read former member %s: %w", user, err)
	}
	var p struct {
		Role    string `json:"role"`
		Group   string `json:"group"`
		Removed bool   `json:"removed"`
		At      int64  `json:"at"`
	}
	if err := json.Unmarshal([]byte(raw), &p); err != nil {
		return nil, fmt.Errorf("decode former member %s: %w", user, err)
	}
	return &bot.Past{User: user, Role: bot.Role(p.Role), Group: p.Group, Removed: p.Removed, At: fromMS(p.At)}, nil
}

// claimPersonScript adds a member as a roster's person, once: the person's
// row is held by one user (HSETNX), so two people tapping the same name
// at once cannot both become it (the user's cohort list, of another
// slot, follows). KEYS: roster, members. ARGV: person, user, member JSON.
var claimPersonScript = redis.NewScript(`
local holder = redis.call('HGET', KEYS[1], ARGV[1])
if holder and holder ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
return 1
`)

// ClaimPerson implements bot.Store.
func (s *Store) ClaimPerson(ctx context.Context, m *bot.Member) (bool, error) {
	raw, err := json.Marshal(m)
	if err != nil {
		return false, fmt.Errorf("encode member: %w", err)
	}
	ok, err := claimPersonScript.Run(ctx, s.rdb, []string{cohortKey(m.Cohort, "roster"), cohortKey(m.Cohort, "members")},
		m.Person, string(m.User), raw).Int()
	if err != nil {
		return false, fmt.Errorf("claim roster person %d of %s: %w", m.Person, m.Cohort, err)
	}
	if ok == 0 {
		return false, nil
	}
	if err := s.rdb.SAdd(ctx, userSub(m.User, "cohorts"), m.Cohort).Err(); err != nil {
		return false, fmt.Errorf("claim roster person %d of %s: %w", m.Person, m.Cohort, err)
	}
	return true, nil
}

// RosterTaken implements bot.Store.
func (s *Store) RosterTaken(ctx context.Context, cohort string) (map[int]bool, error) {
	held, err := s.rdb.HKeys(ctx, cohortKey(cohort, "roster")).Result()
	if err != nil {
		return nil, fmt.Errorf("roster of %s: %w", cohort, err)
	}
	out := make(map[int]bool, len(held))
	for _, k := range held {
		if n, err := strconv.Atoi(k); err == nil {
			out[n] = true
		}
	}
	return out, nil
}
