package store_test

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cohortbot/cohortbot/bot"
)

func TestMembers(t *testing.T) {
	t.Parallel()
	st, _ := MustStore(t)
	ctx := MustContext(t)
	MustCohort(t, st, "c1", t0)
	MustCohort(t, st, "c2", t0)

	// Joined out of order: Members lists by joining time.
	mb := MustMember(t, st, "c1", bob, t0.Add(2*time.Hour))
	ma := &bot.Member{User: alice, Cohort: "c1", Role: bot.Organiser, Name: "Lê Thị C", Org: "Sở Công Thương", Joined: t0.Add(time.Hour), Registered: true, Invite: "inv1"}
	if err := st.PutMember(ctx, ma); err != nil {
		t.Fatalf("PutMember: %v", err)
	}
	mc := MustMember(t, st, "c1", carol, t0.Add(3*time.Hour))
	MustMember(t, st, "c2", alice, t0)

	// PutMember replaces the record (an organiser moved bob to a group).
	mb.Group = "Lạng Sơn"
	if err := st.PutMember(ctx, mb); err != nil {
		t.Fatalf("PutMember update: %v", err)
	}

	t.Run("Member", func(t *testing.T) {
		tests := []struct {
			name    string
			cohort  string
			user    bot.UserKey
			want    *bot.Member
			wantErr error
		}{
			{name: "every field", cohort: "c1", user: alice, want: ma},
			{name: "updated", cohort: "c1", user: bob, want: mb},
			{name: "not a member", cohort: "c2", user: bob, wantErr: bot.ErrNotFound},
			{name: "unknown cohort", cohort: "ghost", user: alice, wantErr: bot.ErrNotFound},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				got, err := st.Member(ctx, tt.cohort, tt.user)
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("Member error = %v, want %v", err, tt.wantErr)
				}
				if !reflect.DeepEqual(got, tt.want) {
					t.Errorf("Member = %+v, want %+v", got, tt.want)
				}
			})
		}
	})

	t.Run("Members", func(t *testing.T) {
		tests := []struct {
			name   string
			cohort string
			want   []*bot.Member
		}{
			{name: "by joining time", cohort: "c1", want: []*bot.Member{ma, mb, mc}},
			{name: "other cohort", cohort: "c2", want: []*bot.Member{{User: alice, Cohort: "c2", Role: bot.Trainee, Name: "Name of " + string(alice), Joined: t0, Registered: true}}},
			{name: "unknown cohort", cohort: "ghost", want: []*bot.Member{}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				got, err := st.Members(ctx, tt.cohort)
				if err != nil {
					t.Fatalf("Members: %v", err)
				}
				if len(got) != len(tt.want) || (len(got) > 0 && !reflect.DeepEqual(got, tt.want)) {
					t.Errorf("Members = %s, want %s", users(got), users(tt.want))
				}
			})
		}
	})
}

func users(ms []*bot.Member) string {
	var s []string
	for _, m := range ms {
		s = append(s, string(m.User)+"@"+m.Joined.Format(time.TimeOnly))
	}
	return "[" + strings.Join(s, " ") + "]"
}

// Members who joined at the same instant (the console demo and tests run on
// a fixed clock) must still come in one order: lists shown to organisers,
// exports and golden files depend on it.
func TestMembersSameJoinedIsDeterministic(t *testing.T) {
	t.Parallel()
	st, _ := MustStore(t)
	ctx := MustContext(t)
	MustCohort(t, st, "c1", t0)
	var want []string
	for _, u := range []string{"telegram:5", "telegram:3", "zalo:1", "telegram:1", "telegram:4", "telegram:2"} {
		MustMember(t, st, "c1", bot.UserKey(u), t0)
		want = append(want, u)
	}
	slices.Sort(want)
	for i := range 20 {
		ms, err := st.Members(ctx, "c1")
		if err != nil {
			t.Fatalf("Members: %v", err)
		}
		var got []string
		for _, m := range ms {
			got = append(got, string(m.User))
		}
		if !slices.Equal(got, want) {
			t.Fatalf("call %d: Members = %v, want ties broken by user key %v", i, got, want)
		}
	}
}

func TestRemoveMember(t *testing.T) {
	t.Parallel()
	st, _ := MustStore(t)
	ctx := MustContext(t)
	for _, id := range []string{"a", "b", "c"} {
		MustCohort(t, st, id, t0)
	}

	tests := []struct {
		name        string
		user        bot.UserKey
		memberOf    []string
		active      string
		remove      string
		wantActive  []string // any of these
		wantCohorts []string
	}{
		{name: "active cohort removed, one left", user: "telegram:1", memberOf: []string{"a", "b"}, active: "a", remove: "a", wantActive: []string{"b"}, wantCohorts: []string{"b"}},
		{name: "active cohort removed, two left", user: "telegram:2", memberOf: []string{"a", "b", "c"}, active: "a", remove: "a", wantActive: []string{"b", "c"}, wantCohorts: []string{"b", "c"}},
		{name: "last cohort removed", user: "telegram:3", memberOf: []string{"a"}, active: "a", remove: "a", wantActive: []string{""}, wantCohorts: nil},
		{name: "other cohort removed", user: "telegram:4", memberOf: []string{"a", "b"}, active: "b", remove: "a", wantActive: []string{"b"}, wantCohorts: []string{"b"}},
		{name: "not a member", user: "telegram:5", memberOf: []string{"b"}, active: "b", remove: "a", wantActive: []string{"b"}, wantCohorts: []string{"b"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, c := range tt.memberOf {
				MustMember(t, st, c, tt.user, t0)
			}
			if err := st.SetActive(ctx, tt.user, tt.active); err != nil {
				t.Fatalf("SetActive: %v", err)
			}
			if err := st.RemoveMember(ctx, tt.remove, tt.user); err != nil {
				t.Fatalf("RemoveMember: %v", err)
			}
			if _, err := st.Member(ctx, tt.remove, tt.user); !errors.Is(err, bot.ErrNotFound) {
				t.Errorf("Member after RemoveMember: error %v, want ErrNotFound", err)
			}
			ms, err := st.Members(ctx, tt.remove)
			if err != nil {
				t.Fatalf("Members: %v", err)
			}
			for _, m := range ms {
				if m.User == tt.user {
					t.Errorf("Members of %s still lists %s", tt.remove, tt.user)
				}
			}
			p, err := st.Profile(ctx, tt.user)
			if err != nil {
				t.Fatalf("Profile: %v", err)
			}
			if !slices.Contains(tt.wantActive, p.Active) {
				t.Errorf("active = %q, want one of %q", p.Active, tt.wantActive)
			}
			if !slices.Equal(p.Cohorts, tt.wantCohorts) {
				t.Errorf("cohorts = %v, want %v", p.Cohorts, tt.wantCohorts)
			}
			// Removing again changes nothing: a redelivered /leave is harmless.
			if err := st.RemoveMember(ctx, tt.remove, tt.user); err != nil {
				t.Errorf("RemoveMember again: %v", err)
			}
			if p2, _ := st.Profile(ctx, tt.user); p2.Active != p.Active || !slices.Equal(p2.Cohorts, p.Cohorts) {
				t.Errorf("RemoveMember again changed the profile from %+v to %+v", p, p2)
			}
		})
	}
}

func TestDeleteCohort(t *testing.T) {
	t.Parallel()
	st, _ := MustStore(t)
	ctx := MustContext(t)
	rdb := st.Client()

	MustCohort(t, st, "gone", t0)
	MustCohort(t, st, "kept", t0.Add(time.Hour))
	// alice is in both and active in the deleted one; bob only in the
	// deleted one; carol only in the kept one.
	MustMember(t, st, "gone", alice, t0)
	MustMember(t, st, "kept", alice, t0)
	MustMember(t, st, "gone", bob, t0)
	MustMember(t, st, "kept", carol, t0)
	for u, c := range map[bot.UserKey]string{alice: "gone", bob: "gone", carol: "kept"} {
		if err := st.SetActive(ctx, u, c); err != nil {
			t.Fatalf("SetActive: %v", err)
		}
	}
	for _, inv := range []*bot.Invite{
		{Code: "goneT", Cohort: "gone", Role: bot.Trainee, Uses: -1, Created: t0},
		{Code: "goneO", Cohort: "gone", Role: bot.Organiser, Uses: 1, Created: t0},
		{Code: "keptT", Cohort: "kept", Role: bot.Trainee, Uses: -1, Created: t0},
	} {
		MustInvite(t, st, inv)
	}
	if _, err := st.RedeemInvite(ctx, "goneT", bob, t0); err != nil {
		t.Fatalf("RedeemInvite: %v", err)
	}
	if _, err := st.RedeemInvite(ctx, "keptT", carol, t0); err != nil {
		t.Fatalf("RedeemInvite: %v", err)
	}
	if err := st.SetGroupChat(ctx, "gone", "telegram:-1009"); err != nil {
		t.Fatalf("SetGroupChat: %v", err)
	}
	keptKeys := MustKeys(t, rdb, "{c:kept}*")

	if err := st.DeleteCohort(ctx, "gone"); err != nil {
		t.Fatalf("DeleteCohort: %v", err)
	}

	if keys := MustKeys(t, rdb, "*{c:gone}*"); len(keys) != 0 {
		t.Errorf("keys of the deleted cohort remain: %v", keys)
	}
	if keys := MustKeys(t, rdb, "{i:gone*"); len(keys) != 0 {
		t.Errorf("invite keys of the deleted cohort remain: %v", keys)
	}
	if got := MustKeys(t, rdb, "{c:kept}*"); !sameSet(got, keptKeys) {
		t.Errorf("keys of the kept cohort = %v, want %v", got, keptKeys)
	}
	if _, err := st.Cohort(ctx, "gone"); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("Cohort(deleted) error = %v, want ErrNotFound", err)
	}
	for _, code := range []string{"goneT", "goneO"} {
		if _, err := st.Invite(ctx, code); !errors.Is(err, bot.ErrNotFound) {
			t.Errorf("Invite(%s) error = %v, want ErrNotFound", code, err)
		}
		if _, err := st.RedeemInvite(ctx, code, carol, t0); !errors.Is(err, bot.ErrInviteUnknown) {
			t.Errorf("RedeemInvite(%s) error = %v, want ErrInviteUnknown", code, err)
		}
	}
	list, err := st.Cohorts(ctx)
	if err != nil {
		t.Fatalf("Cohorts: %v", err)
	}
	if len(list) != 1 || list[0].ID != "kept" {
		t.Errorf("Cohorts = %d cohorts, want only kept", len(list))
	}
	if inv, err := st.Invite(ctx, "keptT"); err != nil || inv.Used != 1 {
		t.Errorf("Invite(keptT) = %+v, %v; want it untouched with used 1", inv, err)
	}
	if ms, err := st.Members(ctx, "kept"); err != nil || len(ms) != 2 {
		t.Errorf("Members(kept) = %s, %v; want alice and carol", users(ms), err)
	}

	tests := []struct {
		user        bot.UserKey
		wantActive  string
		wantCohorts []string
	}{
		{user: alice, wantActive: "kept", wantCohorts: []string{"kept"}},
		{user: bob, wantActive: "", wantCohorts: nil},
		{user: carol, wantActive: "kept", wantCohorts: []string{"kept"}},
	}
	for _, tt := range tests {
		t.Run(string(tt.user), func(t *testing.T) {
			p, err := st.Profile(ctx, tt.user)
			if err != nil {
				t.Fatalf("Profile: %v", err)
			}
			if p.Active != tt.wantActive || !slices.Equal(p.Cohorts, tt.wantCohorts) {
				t.Errorf("profile active %q cohorts %v, want %q %v", p.Active, p.Cohorts, tt.wantActive, tt.wantCohorts)
			}
		})
	}

	// Deleting again (a retried CLI call) is harmless.
	if err := st.DeleteCohort(ctx, "gone"); err != nil {
		t.Errorf("DeleteCohort again: %v", err)
	}
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}
