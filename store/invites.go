package store

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/cohortbot/cohortbot/bot"
)

// CreateInvite implements bot.Store.
func (s *Store) CreateInvite(ctx context.Context, inv *bot.Invite) error {
	var expires int64
	if !inv.Expires.IsZero() {
		expires = inv.Expires.UnixMilli()
	}
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		p.HSet(ctx, inviteKey(inv.Code), "cohort", inv.Cohort, "role", string(inv.Role), "uses", inv.Uses,
			"used", inv.Used, "expires", expires, "revoked", boolInt(inv.Revoked), "created", inv.Created.Unix(), "person", inv.Person)
		p.SAdd(ctx, cohortKey(inv.Cohort, "invites"), inv.Code)
		return nil
	})
	if err != nil {
		return fmt.Errorf("create invite: %w", err)
	}
	return nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Invite implements bot.Store.
func (s *Store) Invite(ctx context.Context, code string) (*bot.Invite, error) {
	h, err := s.rdb.HGetAll(ctx, inviteKey(code)).Result()
	if err != nil {
		return nil, fmt.Errorf("read invite: %w", err)
	}
	return decodeInvite(code, h)
}

func decodeInvite(code string, h map[string]string) (*bot.Invite, error) {
	if h["cohort"] == "" {
		return nil, ErrNotFound
	}
	num := func(k string) int64 { n, _ := strconv.ParseInt(h[k], 10, 64); return n }
	inv := &bot.Invite{
		Code:    code,
		Cohort:  h["cohort"],
		Role:    bot.Role(h["role"]),
		Uses:    int(num("uses")),
		Used:    int(num("used")),
		Revoked: h["revoked"] == "1",
		Created: time.Unix(num("created"), 0),
		Person:  int(num("person")),
	}
	if e := num("expires"); e > 0 {
		inv.Expires = time.UnixMilli(e)
	}
	return inv, nil
}

// Invites implements bot.Store: the cohort's invites, oldest first.
func (s *Store) Invites(ctx context.Context, cohort string) ([]*bot.Invite, error) {
	codes, err := s.rdb.SMembers(ctx, cohortKey(cohort, "invites")).Result()
	if err != nil {
		return nil, fmt.Errorf("list invites: %w", err)
	}
	cmds := make([]*redis.MapStringStringCmd, len(codes))
	_, err = s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, c := range codes {
			cmds[i] = p.HGetAll(ctx, inviteKey(c))
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list invites: %w", err)
	}
	var out []*bot.Invite
	for i, c := range codes {
		inv, err := decodeInvite(c, cmds[i].Val())
		if err == nil {
			out = append(out, inv)
		}
	}
	slices.SortFunc(out, func(a, b *bot.Invite) int {
		if c := a.Created.Compare(b.Created); c != 0 {
			return c
		}
		return compareStrings(a.Code, b.Code)
	})
	return out, nil
}

func compareStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

var revokeScript = redis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'revoked', '1')
return 1
`)

// RevokeInvite implements bot.Store.
func (s *Store) RevokeInvite(ctx context.Context, code string) error {
	n, err := revokeScript.Run(ctx, s.rdb, []string{inviteKey(code)}).Int()
	if err != nil {
		return fmt.Errorf("revoke invite: %w", err)
	}
	if n == 0 {
		return ErrNotFound
	}
	return nil
}

// redeemScript takes one use of an invite for a user. A revoked or expired
// invite is refused even to someone who used it before (an organiser who
// removed a member and revoked the invite keeps them out); otherwise a user
// who already redeemed it passes without taking another use, which makes
// a redelivered /start harmless.
var redeemScript = redis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return 'unknown' end
if redis.call('HGET', KEYS[1], 'revoked') == '1' then return 'revoked' end
local exp = tonumber(redis.call('HGET', KEYS[1], 'expires') or '0')
if exp > 0 and tonumber(ARGV[2]) >= exp then return 'expired' end
if redis.call('SISMEMBER', KEYS[2], ARGV[1]) == 1 then return 'ok' end
local uses = tonumber(redis.call('HGET', KEYS[1], 'uses') or '-1')
if uses == 0 then return 'used_up' end
if uses > 0 then redis.call('HINCRBY', KEYS[1], 'uses', -1) end
redis.call('HINCRBY', KEYS[1], 'used', 1)
redis.call('SADD', KEYS[2], ARGV[1])
return 'ok'
`)

// RedeemInvite implements bot.Store.
func (s *Store) RedeemInvite(ctx context.Context, code string, user bot.UserKey, now time.Time) (*bot.Invite, error) {
	res, err := redeemScript.Run(ctx, s.rdb, []string{inviteKey(code), inviteUsersKey(code)}, string(user), now.UnixMilli()).Text()
	if err != nil {
		return nil, fmt.Errorf("redeem invite: %w", err)
	}
	switch res {
	case "ok":
		return s.Invite(ctx, code)
	case "unknown":
		return nil, bot.ErrInviteUnknown
	case "revoked":
		return nil, bot.ErrInviteRevoked
	case "expired":
		return nil, bot.ErrInviteExpired
	case "used_up":
		return nil, bot.ErrInviteUsedUp
	}
	return nil, fmt.Errorf("redeem invite: unexpected %q", res)
}
