package store_test

import (
	"errors"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/cohortbot/cohortbot/bot"
	"github.com/cohortbot/cohortbot/store"
)

func TestLoadAndProfile(t *testing.T) {
	t.Parallel()
	st, _ := MustStore(t)
	ctx := MustContext(t)
	for _, id := range []string{"c1", "c2", "c10"} {
		MustCohort(t, st, id, t0)
	}

	tests := []struct {
		name     string
		user     bot.UserKey
		setup    func(t *testing.T, u bot.UserKey)
		want     bot.Profile
		wantConv *bot.Conv
	}{
		{
			name: "unknown user",
			user: "telegram:1",
			want: bot.Profile{User: "telegram:1"},
		},
		{
			name: "profile fields",
			user: "telegram:2",
			setup: func(t *testing.T, u bot.UserKey) {
				if err := st.SetLang(ctx, u, bot.EN); err != nil {
					t.Fatalf("SetLang: %v", err)
				}
				if err := st.TouchProfile(ctx, u, "Nguyễn Văn A", "nva"); err != nil {
					t.Fatalf("TouchProfile: %v", err)
				}
				if err := st.SetActive(ctx, u, "c2"); err != nil {
					t.Fatalf("SetActive: %v", err)
				}
			},
			want: bot.Profile{User: "telegram:2", Lang: bot.EN, Active: "c2", Name: "Nguyễn Văn A", Username: "nva"},
		},
		{
			name: "touch replaces name and username",
			user: "telegram:3",
			setup: func(t *testing.T, u bot.UserKey) {
				if err := st.TouchProfile(ctx, u, "Old", "old"); err != nil {
					t.Fatalf("TouchProfile: %v", err)
				}
				if err := st.TouchProfile(ctx, u, "New", ""); err != nil {
					t.Fatalf("TouchProfile: %v", err)
				}
				if err := st.SetLang(ctx, u, bot.VI); err != nil {
					t.Fatalf("SetLang: %v", err)
				}
			},
			want: bot.Profile{User: "telegram:3", Lang: bot.VI, Name: "New"},
		},
		{
			name: "cohorts sorted",
			user: "zalo:4",
			setup: func(t *testing.T, u bot.UserKey) {
				for _, c := range []string{"c2", "c10", "c1"} {
					MustMember(t, st, c, u, t0)
				}
				if err := st.SetActive(ctx, u, "c10"); err != nil {
					t.Fatalf("SetActive: %v", err)
				}
			},
			want: bot.Profile{User: "zalo:4", Active: "c10", Cohorts: []string{"c1", "c10", "c2"}},
		},
		{
			name: "conversation",
			user: "telegram:5",
			setup: func(t *testing.T, u bot.UserKey) {
				c := &bot.Conv{Flow: "register", Step: "org", Data: map[string]string{"name": "Trần Thị B 🌿", "group": "Lạng Sơn"}, Last: 77}
				if err := st.SetConv(ctx, u, c, time.Hour); err != nil {
					t.Fatalf("SetConv: %v", err)
				}
			},
			want:     bot.Profile{User: "telegram:5"},
			wantConv: &bot.Conv{Flow: "register", Step: "org", Data: map[string]string{"name": "Trần Thị B 🌿", "group": "Lạng Sơn"}, Last: 77},
		},
		{
			// A conversation that cannot be read is dropped rather than
			// blocking every later update of the user.
			name: "corrupt conversation is ignored",
			user: "telegram:6",
			setup: func(t *testing.T, u bot.UserKey) {
				if err := st.Client().Set(ctx, "{u:"+string(u)+"}:conv", "{not json", time.Hour).Err(); err != nil {
					t.Fatalf("SET: %v", err)
				}
			},
			want: bot.Profile{User: "telegram:6"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.setup != nil {
				tt.setup(t, tt.user)
			}
			got, err := st.Load(ctx, tt.user, time.Minute, time.Time{})
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			assertProfile(t, "Load", got.Profile, tt.want)
			if !reflect.DeepEqual(got.Conv, tt.wantConv) {
				t.Errorf("Load conv = %+v, want %+v", got.Conv, tt.wantConv)
			}
			if got.Flood != 1 {
				t.Errorf("Load flood = %d, want 1", got.Flood)
			}

			p, err := st.Profile(ctx, tt.user)
			if err != nil {
				t.Fatalf("Profile: %v", err)
			}
			assertProfile(t, "Profile", p, tt.want)
		})
	}
}

// assertProfile compares profiles, treating a nil and an empty cohort list
// alike.
func assertProfile(t *testing.T, what string, got, want bot.Profile) {
	t.Helper()
	if !slices.Equal(got.Cohorts, want.Cohorts) {
		t.Errorf("%s cohorts = %q, want %q", what, got.Cohorts, want.Cohorts)
	}
	got.Cohorts, want.Cohorts = nil, nil
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s profile = %+v, want %+v", what, got, want)
	}
}

func TestLoadFloodWindow(t *testing.T) {
	t.Parallel()
	st, _ := MustStore(t)
	ctx := MustContext(t)
	rdb := st.Client()
	floodKey := func(u bot.UserKey) string { return "{u:" + string(u) + "}:floodlog" }

	t.Run("counts every call", func(t *testing.T) {
		for want := int64(1); want <= 5; want++ {
			got, err := st.Load(ctx, alice, time.Minute, time.Time{})
			if err != nil {
				t.Fatalf("Load %d: %v", want, err)
			}
			if got.Flood != want {
				t.Errorf("Load %d: flood = %d, want %d", want, got.Flood, want)
			}
		}
		// Another user has a counter of their own.
		if got, err := st.Load(ctx, bob, time.Minute, time.Time{}); err != nil || got.Flood != 1 {
			t.Errorf("Load(bob) flood = %d, %v; want 1, nil", got.Flood, err)
		}
	})

	// The window is measured on arrival times, which tests set exactly.
	t0 := time.Date(2017, 10, 30, 8, 0, 0, 0, time.UTC)
	load := func(t *testing.T, u bot.UserKey, at time.Time) int64 {
		t.Helper()
		got, err := st.Load(ctx, u, 10*time.Second, at)
		if err != nil {
			t.Fatalf("Load at %v: %v", at, err)
		}
		return got.Flood
	}

	t.Run("the window slides", func(t *testing.T) {
		for i, want := range []int64{1, 2, 3} {
			if got := load(t, carol, t0.Add(time.Duration(i)*4*time.Second)); got != want {
				t.Errorf("update at +%ds: flood = %d, want %d", i*4, got, want)
			}
		}
		// At +10s the update of +0s has left the window; those of +4s and
		// +8s are still in it.
		if got := load(t, carol, t0.Add(10*time.Second)); got != 3 {
			t.Errorf("update at +10s: flood = %d, want 3 (+4s, +8s, +10s)", got)
		}
		if got := load(t, carol, t0.Add(30*time.Second)); got != 1 {
			t.Errorf("update at +30s: flood = %d, want 1", got)
		}
		if ttl, _ := rdb.PTTL(ctx, floodKey(carol)).Result(); ttl <= 0 || ttl > 20*time.Second {
			t.Errorf("flood PTTL = %v, want at most two windows", ttl)
		}
	})

	t.Run("a burst across a window boundary is still a burst", func(t *testing.T) {
		// 20 updates in the last second of one window and 20 in the first
		// of the next: 40 within two seconds.
		user := bot.UserKey("telegram:edge")
		var got int64
		for i := range 40 {
			got = load(t, user, t0.Add(9*time.Second+time.Duration(i)*50*time.Millisecond))
		}
		if got != 40 {
			t.Errorf("flood after 40 updates across +10s = %d, want 40", got)
		}
	})

	t.Run("a burst handled slowly still counts as a burst", func(t *testing.T) {
		// 40 updates that arrived within 4 seconds, handled one a second
		// later: what matters is when they came.
		var got int64
		for i := range 40 {
			got = load(t, bot.UserKey("telegram:dave"), t0.Add(time.Duration(i)*100*time.Millisecond))
		}
		if got != 40 {
			t.Errorf("flood after 40 updates in 4s = %d, want 40", got)
		}
	})

	t.Run("the count stops at the cap", func(t *testing.T) {
		user := bot.UserKey("telegram:flood-cap")
		var got int64
		for i := range 300 {
			got = load(t, user, t0.Add(time.Duration(i)*time.Millisecond))
		}
		if got != 256 {
			t.Errorf("flood after 300 updates = %d, want the cap, 256", got)
		}
	})
}

func TestSetConvAndClearConv(t *testing.T) {
	t.Parallel()
	st, _ := MustStore(t)
	ctx := MustContext(t)
	rdb := st.Client()
	convKey := "{u:" + string(alice) + "}:conv"

	first := &bot.Conv{Flow: "register", Step: "name"}
	if err := st.SetConv(ctx, alice, first, time.Hour); err != nil {
		t.Fatalf("SetConv: %v", err)
	}
	ttl, err := rdb.PTTL(ctx, convKey).Result()
	if err != nil {
		t.Fatalf("PTTL: %v", err)
	}
	if ttl <= 0 || ttl > time.Hour {
		t.Errorf("conv PTTL = %v, want in (0, 1h]", ttl)
	}

	second := &bot.Conv{Flow: "register", Step: "group", Data: map[string]string{"name": `a_b*c[d](e)<f>&g`}, Last: 9}
	if err := st.SetConv(ctx, alice, second, 2*time.Hour); err != nil {
		t.Fatalf("SetConv again: %v", err)
	}
	got, err := st.Load(ctx, alice, time.Minute, time.Time{})
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if !reflect.DeepEqual(got.Conv, second) {
		t.Errorf("conv = %+v, want the latest %+v", got.Conv, second)
	}
	if ttl, _ := rdb.PTTL(ctx, convKey).Result(); ttl <= time.Hour {
		t.Errorf("conv PTTL after the second SetConv = %v, want it renewed past 1h", ttl)
	}

	if err := st.ClearConv(ctx, alice); err != nil {
		t.Fatalf("ClearConv: %v", err)
	}
	got, err = st.Load(ctx, alice, time.Minute, time.Time{})
	if err != nil {
		t.Fatalf("Load after ClearConv: %v", err)
	}
	if got.Conv != nil {
		t.Errorf("conv after ClearConv = %+v, want nil", got.Conv)
	}
	if err := st.ClearConv(ctx, alice); err != nil {
		t.Errorf("ClearConv without a conversation: %v", err)
	}
}

func TestSetConvExpires(t *testing.T) {
	t.Parallel()
	st, _ := MustStore(t)
	ctx := MustContext(t)
	if err := st.SetConv(ctx, alice, &bot.Conv{Flow: "caption", Step: "text"}, 100*time.Millisecond); err != nil {
		t.Fatalf("SetConv: %v", err)
	}
	waitGone(t, st.Client(), "{u:"+string(alice)+"}:conv")
	got, err := st.Load(ctx, alice, time.Minute, time.Time{})
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if got.Conv != nil {
		t.Errorf("conv after its TTL = %+v, want nil", got.Conv)
	}
}

func TestErrNotFoundIsBots(t *testing.T) {
	if !errors.Is(store.ErrNotFound, bot.ErrNotFound) {
		t.Errorf("store.ErrNotFound is not bot.ErrNotFound")
	}
}
