package store_test

import (
	"errors"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/cohortbot/cohortbot/bot"
)

func TestInvites(t *testing.T) {
	t.Parallel()
	st, _ := MustStore(t)
	ctx := MustContext(t)
	MustCohort(t, st, "c1", t0)
	MustCohort(t, st, "c2", t0)

	// Created out of order; "same-b" and "same-a" share an instant and
	// are listed by code.
	created := []*bot.Invite{
		{Code: "late", Cohort: "c1", Role: bot.Trainee, Uses: -1, Created: t0.Add(2 * time.Hour)},
		{Code: "same-b", Cohort: "c1", Role: bot.Lecturer, Uses: 3, Created: t0.Add(time.Hour)},
		{Code: "early", Cohort: "c1", Role: bot.Organiser, Uses: 1, Expires: t0.Add(7 * 24 * time.Hour), Created: t0},
		{Code: "same-a", Cohort: "c1", Role: bot.Trainee, Uses: 5, Used: 2, Created: t0.Add(time.Hour)},
		{Code: "other", Cohort: "c2", Role: bot.Trainee, Uses: -1, Created: t0},
	}
	for _, inv := range created {
		MustInvite(t, st, inv)
	}

	t.Run("Invite", func(t *testing.T) {
		for _, want := range created {
			t.Run(want.Code, func(t *testing.T) {
				got, err := st.Invite(ctx, want.Code)
				if err != nil {
					t.Fatalf("Invite: %v", err)
				}
				assertInvite(t, got, want)
			})
		}
		if _, err := st.Invite(ctx, "nope"); !errors.Is(err, bot.ErrNotFound) {
			t.Errorf("Invite(unknown) error = %v, want ErrNotFound", err)
		}
	})

	t.Run("Invites", func(t *testing.T) {
		tests := []struct {
			cohort string
			want   []string
		}{
			{cohort: "c1", want: []string{"early", "same-a", "same-b", "late"}},
			{cohort: "c2", want: []string{"other"}},
			{cohort: "ghost", want: nil},
		}
		for _, tt := range tests {
			t.Run(tt.cohort, func(t *testing.T) {
				list, err := st.Invites(ctx, tt.cohort)
				if err != nil {
					t.Fatalf("Invites: %v", err)
				}
				var got []string
				for _, inv := range list {
					got = append(got, inv.Code)
				}
				if !reflect.DeepEqual(got, tt.want) {
					t.Errorf("Invites = %v, want %v", got, tt.want)
				}
			})
		}
	})

	t.Run("RevokeInvite", func(t *testing.T) {
		tests := []struct {
			name    string
			code    string
			wantErr error
		}{
			{name: "known", code: "late"},
			{name: "again", code: "late"},
			{name: "unknown", code: "nope", wantErr: bot.ErrNotFound},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				err := st.RevokeInvite(ctx, tt.code)
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("RevokeInvite error = %v, want %v", err, tt.wantErr)
				}
				if tt.wantErr != nil {
					if n, _ := st.Client().Exists(ctx, "{i:"+tt.code+"}").Result(); n != 0 {
						t.Errorf("RevokeInvite of an unknown code created it")
					}
					return
				}
				got, err := st.Invite(ctx, tt.code)
				if err != nil {
					t.Fatalf("Invite: %v", err)
				}
				if !got.Revoked {
					t.Errorf("Invite(%s).Revoked = false after RevokeInvite", tt.code)
				}
			})
		}
	})
}

func assertInvite(t *testing.T, got, want *bot.Invite) {
	t.Helper()
	if got.Code != want.Code || got.Cohort != want.Cohort || got.Role != want.Role || got.Uses != want.Uses ||
		got.Used != want.Used || got.Revoked != want.Revoked || !got.Created.Equal(want.Created) ||
		!got.Expires.Equal(want.Expires) {
		t.Errorf("invite = %+v, want %+v", got, want)
	}
}

func TestRedeemInvite(t *testing.T) {
	t.Parallel()
	st, _ := MustStore(t)
	ctx := MustContext(t)
	MustCohort(t, st, "c1", t0)
	expires := t0.Add(48 * time.Hour)

	tests := []struct {
		name    string
		missing bool // the code was never created
		uses    int
		expires time.Time
		revoked bool
		prior   []bot.UserKey // redeem first, at t0
		revoke  bool          // revoke after the prior redeems
		user    bot.UserKey
		now     time.Time
		wantErr error
		// The invite afterwards.
		wantUses, wantUsed int
	}{
		{name: "single use", uses: 1, user: alice, now: t0, wantUses: 0, wantUsed: 1},
		{name: "unknown", missing: true, user: alice, now: t0, wantErr: bot.ErrInviteUnknown},
		{name: "revoked", uses: 1, revoked: true, user: alice, now: t0, wantErr: bot.ErrInviteRevoked, wantUses: 1},
		{name: "a second before expiry", uses: 1, expires: expires, user: alice, now: expires.Add(-time.Second), wantUses: 0, wantUsed: 1},
		{name: "a nanosecond before expiry", uses: 1, expires: expires, user: alice, now: expires.Add(-time.Nanosecond), wantUses: 0, wantUsed: 1},
		{name: "at the expiry instant", uses: 1, expires: expires, user: alice, now: expires, wantErr: bot.ErrInviteExpired, wantUses: 1},
		{name: "after expiry", uses: 1, expires: expires, user: alice, now: expires.Add(time.Hour), wantErr: bot.ErrInviteExpired, wantUses: 1},
		// bot.NewInvite sets Expires to now.Add(ttl), which keeps now's
		// fraction of a second.
		{name: "before an expiry with a fraction of a second", uses: 1, expires: expires.Add(700 * time.Millisecond), user: alice, now: expires.Add(200 * time.Millisecond), wantUses: 0, wantUsed: 1},
		{name: "used up by another user", uses: 1, prior: []bot.UserKey{bob}, user: alice, now: t0, wantErr: bot.ErrInviteUsedUp, wantUses: 0, wantUsed: 1},
		{name: "no uses at all", uses: 0, user: alice, now: t0, wantErr: bot.ErrInviteUsedUp},
		{name: "same user twice takes one use", uses: 3, prior: []bot.UserKey{alice}, user: alice, now: t0, wantUses: 2, wantUsed: 1},
		{name: "same user again on a used-up invite", uses: 1, prior: []bot.UserKey{alice}, user: alice, now: t0, wantUses: 0, wantUsed: 1},
		{name: "revoked refuses an earlier redeemer", uses: -1, prior: []bot.UserKey{alice}, revoke: true, user: alice, now: t0, wantErr: bot.ErrInviteRevoked, wantUses: -1, wantUsed: 1},
		{name: "expired refuses an earlier redeemer", uses: -1, expires: expires, prior: []bot.UserKey{alice}, user: alice, now: expires, wantErr: bot.ErrInviteExpired, wantUses: -1, wantUsed: 1},
		{name: "reusable counts used", uses: -1, prior: []bot.UserKey{alice, bob}, user: carol, now: t0, wantUses: -1, wantUsed: 3},
		{name: "reusable same user twice", uses: -1, prior: []bot.UserKey{alice, bob}, user: bob, now: t0, wantUses: -1, wantUsed: 2},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code := fmt.Sprintf("code%02d", i)
			want := &bot.Invite{Code: code, Cohort: "c1", Role: bot.Lecturer, Uses: tt.uses, Expires: tt.expires, Revoked: tt.revoked, Created: t0}
			if !tt.missing {
				MustInvite(t, st, want)
			}
			for _, u := range tt.prior {
				if _, err := st.RedeemInvite(ctx, code, u, t0); err != nil {
					t.Fatalf("prior RedeemInvite(%s): %v", u, err)
				}
			}
			if tt.revoke {
				if err := st.RevokeInvite(ctx, code); err != nil {
					t.Fatalf("RevokeInvite: %v", err)
				}
				want.Revoked = true
			}

			got, err := st.RedeemInvite(ctx, code, tt.user, tt.now)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("RedeemInvite error = %v, want %v", err, tt.wantErr)
			}
			want.Uses, want.Used = tt.wantUses, tt.wantUsed
			if err == nil {
				assertInvite(t, got, want)
			} else if got != nil {
				t.Errorf("RedeemInvite returned %+v with its error", got)
			}
			if tt.missing {
				if n, _ := st.Client().Exists(ctx, "{i:"+code+"}", "{i:"+code+"}:users").Result(); n != 0 {
					t.Errorf("redeeming an unknown code created keys")
				}
				return
			}
			stored, err := st.Invite(ctx, code)
			if err != nil {
				t.Fatalf("Invite: %v", err)
			}
			assertInvite(t, stored, want)
		})
	}
}

func TestRedeemInviteConcurrently(t *testing.T) {
	t.Parallel()
	st, _ := MustStore(t)
	ctx := MustContext(t)
	MustCohort(t, st, "c1", t0)

	const n = 50
	tests := []struct {
		name     string
		uses     int
		sameUser bool
		wantOK   int
		wantUses int
		wantUsed int
	}{
		{name: "single use, different users", uses: 1, wantOK: 1, wantUses: 0, wantUsed: 1},
		{name: "ten uses, different users", uses: 10, wantOK: 10, wantUses: 0, wantUsed: 10},
		{name: "single use, one user redelivered", uses: 1, sameUser: true, wantOK: n, wantUses: 0, wantUsed: 1},
		{name: "reusable, different users", uses: -1, wantOK: n, wantUses: -1, wantUsed: n},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code := fmt.Sprintf("race%d", i)
			MustInvite(t, st, &bot.Invite{Code: code, Cohort: "c1", Role: bot.Trainee, Uses: tt.uses, Created: t0})

			start := make(chan struct{})
			errs := make([]error, n)
			var wg sync.WaitGroup
			for g := range n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					user := bot.UserKey(fmt.Sprintf("telegram:%d", 5000+g))
					if tt.sameUser {
						user = alice
					}
					<-start
					_, errs[g] = st.RedeemInvite(ctx, code, user, t0)
				}()
			}
			close(start)
			wg.Wait()

			ok := 0
			for g, err := range errs {
				switch {
				case err == nil:
					ok++
				case !errors.Is(err, bot.ErrInviteUsedUp):
					t.Errorf("goroutine %d: error %v, want nil or ErrInviteUsedUp", g, err)
				}
			}
			if ok != tt.wantOK {
				t.Errorf("%d redeems succeeded, want %d", ok, tt.wantOK)
			}
			inv, err := st.Invite(ctx, code)
			if err != nil {
				t.Fatalf("Invite: %v", err)
			}
			if inv.Uses != tt.wantUses || inv.Used != tt.wantUsed {
				t.Errorf("invite uses %d used %d, want %d and %d", inv.Uses, inv.Used, tt.wantUses, tt.wantUsed)
			}
			if got, _ := st.Client().SCard(ctx, "{i:"+code+"}:users").Result(); got != int64(tt.wantUsed) {
				t.Errorf("%d users recorded, want %d", got, tt.wantUsed)
			}
		})
	}
}
