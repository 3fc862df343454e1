package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/cohortbot/cohortbot/bot"
	"github.com/cohortbot/cohortbot/bot/cert"
	"github.com/redis/go-redis/v9"
)

// The certificates' keys:
//
//	{c:ID}:cert          hash    user key → certificate JSON (serial, name, course, dates, issuer, issued,
//	                             revoked, batch): one certificate per member
//	{cert:SERIAL}        string  "cohort user": which cohort's record a serial names (the verification page
//	                             and `cohortbot certificate verify` start from the serial alone)
//	{c:ID}:audit         stream  kind certificate or revoke: user, serial, time (ms), by
//
// The serial's key has a tag of its own, so no script touches both: the
// pointer is written first and a record only counts when its serial is
// the one asked for, so a pointer left by a lost race names nothing.
func certKey(cohort string) string   { return cohortKey(cohort, "cert") }
func serialKey(serial string) string { return "{cert:" + serial + "}" }

var issueScript = redis.NewScript(whoLua + `
local had = redis.call('HGET', KEYS[1], ARGV[1])
if had then return {0, had} end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('XADD', KEYS[2], '*', 'kind', 'certificate', 'user', who(KEYS[2], ARGV[1]), 'serial', ARGV[3], 'time', ARGV[4])
return {1, ARGV[2]}
`)

// IssueCertificate records c unless its member has a certificate, and
// returns the one recorded.
func (s *Store) IssueCertificate(ctx context.Context, c *cert.Certificate) (*cert.Certificate, bool, error) {
	raw, err := json.Marshal(c)
	if err != nil {
		return nil, false, err
	}
	if err := s.rdb.SetNX(ctx, serialKey(c.Serial), c.Cohort+" "+string(c.User), 0).Err(); err != nil {
		return nil, false, fmt.Errorf("issue certificate %s: %w", c.Serial, err)
	}
	res, err := issueScript.Run(ctx, s.rdb, []string{certKey(c.Cohort), auditKey(c.Cohort)},
		string(c.User), string(raw), c.Serial, unixMS(c.Issued)).Slice()
	if err != nil || len(res) != 2 {
		return nil, false, fmt.Errorf("issue certificate %s: %v %w", c.Serial, res, err)
	}
	issued := res[0] == int64(1)
	var got cert.Certificate
	if err := json.Unmarshal([]byte(res[1].(string)), &got); err != nil {
		return nil, false, fmt.Errorf("issue certificate %s: %w", c.Serial, err)
	}
	if !issued {
		// The member had one: this serial names nothing.
		if err := s.rdb.Del(ctx, serialKey(c.Serial)).Err(); err != nil {
			return nil, false, fmt.Errorf("drop unused serial: %w", err)
		}
	}
	return &got, issued, nil
}

// Certificate is the member's certificate.
func (s *Store) Certificate(ctx context.Context, cohort string, user bot.UserKey) (*cert.Certificate, error) {
	raw, err := s.rdb.HGet(ctx, certKey(cohort), string(user)).Result()
	if err != nil {
		return nil, notFound(err)
	}
	var c cert.Certificate
	if err := json.Unmarshal([]byte(raw), &c); err != nil {
		return nil, fmt.Errorf("certificate of %s in %s: %w", user, cohort, err)
	}
	return &c, nil
}

// Certificates lists a cohort's certificates, revoked ones too.
func (s *Store) Certificates(ctx context.Context, cohort string) ([]*cert.Certificate, error) {
	all, err := s.rdb.HGetAll(ctx, certKey(cohort)).Result()
	if err != nil {
		return nil, fmt.Errorf("certificates of %s: %w", cohort, err)
	}
	out := make([]*cert.Certificate, 0, len(all))
	for u, raw := range all {
		var c cert.Certificate
		if err := json.Unmarshal([]byte(raw), &c); err != nil {
			return nil, fmt.Errorf("certificate of %s in %s: %w", u, cohort, err)
		}
		out = append(out, &c)
	}
	return out, nil
}

// certRevokeScript sets the revoked time of a certificate JSON, once.
// KEYS: certificates, audit. ARGV: user, now (RFC 3339), now (ms), by.
var certRevokeScript = redis.NewScript(whoLua + `
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if not raw then return false end
local c = cjson.decode(raw)
if c.revoked then return raw end
c.revoked = ARGV[2]
raw = cjson.encode(c)
redis.call('HSET', KEYS[1], ARGV[1], raw)
redis.call('XADD', KEYS[2], '*', 'kind', 'revoke', 'user', who(KEYS[2], ARGV[1]), 'serial', c.serial, 'time', ARGV[3], 'by', who(KEYS[2], ARGV[4]))
return raw
`)

// RevokeCertificate marks the member's certificate revoked.
func (s *Store) RevokeCertificate(ctx context.Context, cohort string, user, by bot.UserKey, now time.Time) (*cert.Certificate, error) {
	raw, err := certRevokeScript.Run(ctx, s.rdb, []string{certKey(cohort), auditKey(cohort)},
		string(user), now.UTC().Format(time.RFC3339Nano), unixMS(now), string(by)).Text()
	if err != nil {
		return nil, notFound(err)
	}
	var c cert.Certificate
	if err := json.Unmarshal([]byte(raw), &c); err != nil {
		return nil, fmt.Errorf("revoked certificate of %s in %s: %w", user, cohort, err)
	}
	return &c, nil
}

// CertificateBySerial finds a certificate by its canonical serial.
func (s *Store) CertificateBySerial(ctx context.Context, serial string) (*cert.Certificate, error) {
	ref, err := s.rdb.Get(ctx, serialKey(serial)).Result()
	if err != nil {
		return nil, notFound(err)
	}
	cohort, user, ok := strings.Cut(ref, " ")
	if !ok {
		return nil, ErrNotFound
	}
	c, err := s.Certificate(ctx, cohort, bot.UserKey(user))
	if err != nil {
		return nil, err
	}
	if c.Serial != serial {
		return nil, ErrNotFound
	}
	return c, nil
}

// ForgetCertificate removes the member's certificate and its serial.
func (s *Store) ForgetCertificate(ctx context.Context, cohort string, user bot.UserKey) error {
	c, err := s.Certificate(ctx, cohort, user)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if err := s.rdb.HDel(ctx, certKey(cohort), string(user)).Err(); err != nil {
		return fmt.Errorf("forget certificate of %s: %w", user, err)
	}
	return s.rdb.Del(ctx, serialKey(c.Serial)).Err()
}

// dropSerials deletes the serial keys of a cohort's certificates (the
// cohort is being deleted: its certificates no longer verify).
func (s *Store) dropSerials(ctx context.Context, cohort string) error {
	certs, err := s.Certificates(ctx, cohort)
	if err != nil {
		return err
	}
	for _, c := range certs {
		if err := s.rdb.Del(ctx, serialKey(c.Serial)).Err(); err != nil {
			return fmt.Errorf("drop serial %s: %w", c.Serial, err)
		}
	}
	return nil
}
