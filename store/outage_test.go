package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/cohortbot/cohortbot/bot"
	"github.com/cohortbot/cohortbot/store"
)

func TestRedisDownAndBack(t *testing.T) {
	t.Parallel()
	st, srv := MustStore(t)
	ctx := MustContext(t)

	// State recorded before the outage.
	c := MustCohort(t, st, "c1", t0)
	MustMember(t, st, "c1", alice, t0)
	MustInvite(t, st, &bot.Invite{Code: "inv", Cohort: "c1", Role: bot.Trainee, Uses: -1, Created: t0})
	if err := st.EnsureInbox(ctx); err != nil {
		t.Fatalf("EnsureInbox: %v", err)
	}
	if _, err := st.Record(ctx, bot.Telegram, []bot.Update{textUpdate(bot.Telegram, 1), textUpdate(bot.Telegram, 2)}, 3); err != nil {
		t.Fatalf("Record: %v", err)
	}

	ops := []struct {
		name string
		op   func(ctx context.Context) error
	}{
		{"Ping", st.Ping},
		{"Load", func(ctx context.Context) error { _, err := st.Load(ctx, alice, time.Second, time.Time{}); return err }},
		{"Profile", func(ctx context.Context) error { _, err := st.Profile(ctx, alice); return err }},
		{"SetLang", func(ctx context.Context) error { return st.SetLang(ctx, alice, bot.EN) }},
		{"SetConv", func(ctx context.Context) error { return st.SetConv(ctx, alice, &bot.Conv{Flow: "x"}, time.Minute) }},
		{"Cohort", func(ctx context.Context) error { _, err := st.Cohort(ctx, "c1"); return err }},
		{"Cohorts", func(ctx context.Context) error { _, err := st.Cohorts(ctx); return err }},
		{"CreateCohort", func(ctx context.Context) error {
			return st.CreateCohort(ctx, &bot.Cohort{ID: "c2", Plan: MustDefaultPlan(t, "c2"), Created: t0})
		}},
		{"SavePlan", func(ctx context.Context) error { _, err := st.SavePlan(ctx, "c1", c.Plan); return err }},
		{"MemberVersion", func(ctx context.Context) error { _, _, err := st.MemberVersion(ctx, "c1", alice); return err }},
		{"Member", func(ctx context.Context) error { _, err := st.Member(ctx, "c1", alice); return err }},
		{"Members", func(ctx context.Context) error { _, err := st.Members(ctx, "c1"); return err }},
		{"PutMember", func(ctx context.Context) error {
			return st.PutMember(ctx, &bot.Member{User: bob, Cohort: "c1", Role: bot.Trainee, Joined: t0})
		}},
		{"RemoveMember", func(ctx context.Context) error { return st.RemoveMember(ctx, "c1", alice) }},
		{"DeleteCohort", func(ctx context.Context) error { return st.DeleteCohort(ctx, "c1") }},
		{"Invite", func(ctx context.Context) error { _, err := st.Invite(ctx, "inv"); return err }},
		{"RedeemInvite", func(ctx context.Context) error { _, err := st.RedeemInvite(ctx, "inv", bob, t0); return err }},
		{"RevokeInvite", func(ctx context.Context) error { return st.RevokeInvite(ctx, "inv") }},
		{"Record", func(ctx context.Context) error {
			_, err := st.Record(ctx, bot.Telegram, []bot.Update{textUpdate(bot.Telegram, 3)}, 4)
			return err
		}},
		{"Offset", func(ctx context.Context) error { _, err := st.Offset(ctx, bot.Telegram); return err }},
		{"ReadInbox", func(ctx context.Context) error {
			_, err := st.ReadInbox(ctx, "r1", 10, 10*time.Millisecond)
			return err
		}},
		{"ClaimDead", func(ctx context.Context) error { _, err := st.ClaimDead(ctx, "r1", 10); return err }},
		{"OrderHead", func(ctx context.Context) error { _, err := st.OrderHead(ctx, alice); return err }},
		{"AckInbox", func(ctx context.Context) error { return st.AckInbox(ctx, "1-1") }},
		{"InboxBacklog", func(ctx context.Context) error { _, err := st.InboxBacklog(ctx); return err }},
	}

	srv.Stop()
	// Every operation at once, each with a context that bounds it: they
	// must come back with an error (not a panic) before their deadline.
	const timeout = 2 * time.Second
	results := make([]chan error, len(ops))
	for i, o := range ops {
		results[i] = make(chan error, 1)
		go func() {
			defer func() {
				if r := recover(); r != nil {
					results[i] <- panicError{r}
				}
			}()
			ctx, cancel := context.WithTimeout(t.Context(), timeout)
			defer cancel()
			results[i] <- o.op(ctx)
		}()
	}
	guard := time.After(timeout + 3*time.Second)
	for i, o := range ops {
		t.Run("down/"+o.name, func(t *testing.T) {
			select {
			case err := <-results[i]:
				var p panicError
				if errors.As(err, &p) {
					t.Fatalf("panicked: %v", p.v)
				}
				if err == nil {
					t.Errorf("succeeded with Redis down, want an error")
				}
				if errors.Is(err, store.ErrNotFound) {
					t.Errorf("error = %v, want a connection error, not ErrNotFound", err)
				}
			case <-guard:
				t.Fatalf("still running 3s after its context expired")
			}
		})
	}
	if t.Failed() {
		return
	}

	srv.Restart()
	ctx = MustContext(t)
	// After repeated dial failures go-redis fails fast until its background
	// probe reconnects (about a second): wait for that, as the intake's
	// retry loop does.
	waitPing(t, st)
	if got, err := st.Cohort(ctx, "c1"); err != nil || got.Name != c.Name {
		t.Errorf("Cohort after restart = %+v, %v; want %q", got, err, c.Name)
	}
	if m, err := st.Member(ctx, "c1", alice); err != nil || m.User != alice {
		t.Errorf("Member after restart = %+v, %v; want alice", m, err)
	}
	if off, err := st.Offset(ctx, bot.Telegram); err != nil || off != 3 {
		t.Errorf("Offset after restart = %d, %v; want 3", off, err)
	}
	// The recorded updates survived, and their dedupe markers too.
	if n, err := st.Record(ctx, bot.Telegram, []bot.Update{textUpdate(bot.Telegram, 2), textUpdate(bot.Telegram, 3)}, 4); err != nil || n != 1 {
		t.Errorf("Record after restart added %d, %v; want 1 (update 2 was recorded before)", n, err)
	}
	es, err := st.ReadInbox(ctx, "r1", 10, 10*time.Millisecond)
	if err != nil {
		t.Fatalf("ReadInbox after restart: %v", err)
	}
	var ids []int64
	for _, e := range es {
		ids = append(ids, e.Update.ID)
	}
	if len(ids) != 3 || ids[0] != 1 || ids[1] != 2 || ids[2] != 3 {
		t.Errorf("ReadInbox after restart = updates %v, want [1 2 3]", ids)
	}
	if inv, err := st.RedeemInvite(ctx, "inv", bob, t0); err != nil || inv.Used != 1 {
		t.Errorf("RedeemInvite after restart = %+v, %v; want used 1", inv, err)
	}
}

type panicError struct{ v any }

func (p panicError) Error() string { return "panic" }

// waitPing polls until the store answers again, within a deadline.
func waitPing(t *testing.T, st *store.Store) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		err := st.Ping(ctx)
		if err == nil {
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("store does not answer after the restart: %v", err)
		case <-tick.C:
		}
	}
}
