package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/cohortbot/cohortbot/bot"
	"github.com/cohortbot/cohortbot/bot/plan"
	"github.com/cohortbot/cohortbot/docs"
	"github.com/cohortbot/cohortbot/internal/redistest"
	"github.com/cohortbot/cohortbot/store"
)

// MustStore starts a redis-server of the test's own and returns a Store on
// it, with the server so the test can stop and restart it.
func MustStore(tb testing.TB) (*store.Store, *redistest.Server) {
	tb.Helper()
	srv := redistest.Start(tb)
	return store.New(srv.Client()), srv
}

// MustContext is the test's context with a timeout, so that a call that
// hangs fails the test instead of the whole run.
func MustContext(tb testing.TB) context.Context {
	tb.Helper()
	ctx, cancel := context.WithTimeout(tb.Context(), 10*time.Second)
	tb.Cleanup(cancel)
	return ctx
}

// MustSamplePlan is docs/plan.sample.yaml, parsed: a plan with every
// section (groups, sessions, deadlines, contest, scoring, certificate).
func MustSamplePlan(tb testing.TB) *plan.Plan {
	tb.Helper()
	p, err := plan.Parse("plan.sample.yaml", docs.SamplePlan)
	if err != nil {
		tb.Fatalf("parse sample plan: %v", err)
	}
	return p
}

// MustDefaultPlan is the plan of a cohort created with a name only.
func MustDefaultPlan(tb testing.TB, name string) *plan.Plan {
	tb.Helper()
	loc, err := time.LoadLocation(plan.DefaultTimezone)
	if err != nil {
		tb.Fatalf("load zone: %v", err)
	}
	return plan.Default(name, loc)
}

// MustCohort creates a cohort with the default plan, created at the given
// instant (whole seconds: the store keeps seconds).
func MustCohort(tb testing.TB, st *store.Store, id string, created time.Time) *bot.Cohort {
	tb.Helper()
	c := &bot.Cohort{ID: id, Name: "Cohort " + id, Plan: MustDefaultPlan(tb, "Cohort "+id), ViewKey: "view-" + id, Created: created}
	if err := st.CreateCohort(MustContext(tb), c); err != nil {
		tb.Fatalf("CreateCohort(%s): %v", id, err)
	}
	return c
}

// MustMember adds the user to the cohort as a trainee.
func MustMember(tb testing.TB, st *store.Store, cohort string, user bot.UserKey, joined time.Time) *bot.Member {
	tb.Helper()
	m := &bot.Member{User: user, Cohort: cohort, Role: bot.Trainee, Name: "Name of " + string(user), Joined: joined, Registered: true}
	if err := st.PutMember(MustContext(tb), m); err != nil {
		tb.Fatalf("PutMember(%s, %s): %v", cohort, user, err)
	}
	return m
}

// MustInvite stores the invite.
func MustInvite(tb testing.TB, st *store.Store, inv *bot.Invite) *bot.Invite {
	tb.Helper()
	if err := st.CreateInvite(MustContext(tb), inv); err != nil {
		tb.Fatalf("CreateInvite(%s): %v", inv.Code, err)
	}
	return inv
}

// MustKeys lists every key of the server with SCAN, in no particular order.
func MustKeys(tb testing.TB, rdb redis.UniversalClient, pattern string) []string {
	tb.Helper()
	ctx := MustContext(tb)
	var keys []string
	iter := rdb.Scan(ctx, 0, pattern, 100).Iterator()
	for iter.Next(ctx) {
		keys = append(keys, iter.Val())
	}
	if err := iter.Err(); err != nil {
		tb.Fatalf("SCAN %s: %v", pattern, err)
	}
	return keys
}

// waitGone waits, polling Redis, until the key has expired. A polling loop
// with a deadline rather than a fixed sleep: it returns as soon as Redis
// has dropped the key.
func waitGone(tb testing.TB, rdb redis.UniversalClient, key string) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(tb.Context(), 5*time.Second)
	defer cancel()
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for {
		n, err := rdb.Exists(ctx, key).Result()
		if err == nil && n == 0 {
			return
		}
		select {
		case <-ctx.Done():
			ttl, _ := rdb.PTTL(context.Background(), key).Result()
			tb.Fatalf("%s still exists (PTTL %v, last error %v): %v", key, ttl, err, ctx.Err())
		case <-tick.C:
		}
	}
}

// Users used throughout the tests.
const (
	alice bot.UserKey = "telegram:1001"
	bob   bot.UserKey = "telegram:1002"
	carol bot.UserKey = "zalo:abc"
)

// t0 is a whole-second instant the tests build their times on.
var t0 = time.Date(2017, 7, 10, 8, 0, 0, 0, time.UTC)
