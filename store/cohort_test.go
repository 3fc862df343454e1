package store_test

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/cohortbot/cohortbot/bot"
	"github.com/cohortbot/cohortbot/bot/plan"
)

func TestCohortRoundTrip(t *testing.T) {
	t.Parallel()
	st, _ := MustStore(t)
	ctx := MustContext(t)

	tests := []struct {
		name string
		in   bot.Cohort
		want bot.Cohort // Plan is compared with in.Plan
	}{
		{
			name: "sample plan",
			in:   bot.Cohort{ID: "sample", Name: "SXSH 2017", Plan: MustSamplePlan(t), ViewKey: "vk1", Created: t0},
			want: bot.Cohort{ID: "sample", Name: "SXSH 2017", ViewKey: "vk1", Created: t0, Version: 1},
		},
		{
			name: "default plan",
			in:   bot.Cohort{ID: "bare", Name: "Bare", Plan: MustDefaultPlan(t, "Bare"), ViewKey: "vk2", Created: t0.Add(time.Hour)},
			want: bot.Cohort{ID: "bare", Name: "Bare", ViewKey: "vk2", Created: t0.Add(time.Hour), Version: 1},
		},
		{
			name: "version and group chat kept",
			in:   bot.Cohort{ID: "linked", Name: "Linked", Plan: MustDefaultPlan(t, "Linked"), ViewKey: "vk3", Created: t0, Version: 7, GroupChat: "telegram:-1001234"},
			want: bot.Cohort{ID: "linked", Name: "Linked", ViewKey: "vk3", Created: t0, Version: 7, GroupChat: "telegram:-1001234"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := tt.in
			if err := st.CreateCohort(ctx, &in); err != nil {
				t.Fatalf("CreateCohort: %v", err)
			}
			got, err := st.Cohort(ctx, tt.in.ID)
			if err != nil {
				t.Fatalf("Cohort: %v", err)
			}
			assertCohort(t, got, &tt.want, tt.in.Plan)
		})
	}
}

// assertCohort compares a reloaded cohort field by field (Created at the
// store's precision, whole seconds) and its plan deeply: zone, groups,
// sessions, deadlines, contest and scoring.
func assertCohort(t *testing.T, got, want *bot.Cohort, wantPlan *plan.Plan) {
	t.Helper()
	if got.ID != want.ID || got.Name != want.Name || got.ViewKey != want.ViewKey ||
		got.Version != want.Version || got.GroupChat != want.GroupChat || !got.Created.Equal(want.Created) {
		t.Errorf("cohort = {%s %q %s %v v%d %s}, want {%s %q %s %v v%d %s}",
			got.ID, got.Name, got.ViewKey, got.Created, got.Version, got.GroupChat,
			want.ID, want.Name, want.ViewKey, want.Created, want.Version, want.GroupChat)
	}
	if got.Plan == nil {
		t.Fatalf("cohort %s has no plan", got.ID)
	}
	if got, want := got.Plan.Location.String(), wantPlan.Location.String(); got != want {
		t.Errorf("plan zone = %s, want %s", got, want)
	}
	for i, s := range got.Plan.Sessions {
		if s.Starts.Location() != got.Plan.Location {
			t.Errorf("session %d starts in %v, want the plan's zone", i, s.Starts.Location())
		}
	}
	if !reflect.DeepEqual(got.Plan, wantPlan) {
		g, _ := json.Marshal(got.Plan)
		w, _ := json.Marshal(wantPlan)
		t.Errorf("plan after reload differs:\n got %s\nwant %s", g, w)
	}
}

func TestCreateCohortRefusesDuplicate(t *testing.T) {
	t.Parallel()
	st, _ := MustStore(t)
	ctx := MustContext(t)
	orig := MustCohort(t, st, "dup", t0)

	again := &bot.Cohort{ID: "dup", Name: "Intruder", Plan: MustDefaultPlan(t, "Intruder"), ViewKey: "other", Created: t0.Add(time.Hour)}
	if err := st.CreateCohort(ctx, again); err == nil {
		t.Fatalf("CreateCohort with a taken id succeeded")
	}
	got, err := st.Cohort(ctx, "dup")
	if err != nil {
		t.Fatalf("Cohort: %v", err)
	}
	want := *orig
	assertCohort(t, got, &want, orig.Plan)
	list, err := st.Cohorts(ctx)
	if err != nil {
		t.Fatalf("Cohorts: %v", err)
	}
	if len(list) != 1 || !list[0].Created.Equal(t0) {
		t.Errorf("Cohorts = %d cohorts (first created %v), want the original only", len(list), list[0].Created)
	}
}

func TestCohortUnknown(t *testing.T) {
	t.Parallel()
	st, _ := MustStore(t)
	_, err := st.Cohort(MustContext(t), "nope")
	if !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("Cohort(unknown) error = %v, want ErrNotFound", err)
	}
}

func TestSavePlan(t *testing.T) {
	t.Parallel()
	st, _ := MustStore(t)
	ctx := MustContext(t)
	MustCohort(t, st, "c1", t0)

	sample := MustSamplePlan(t)
	renamed := MustSamplePlan(t)
	renamed.Name = "Renamed"
	renamed.Groups = append(renamed.Groups, "Cần Thơ")

	tests := []struct {
		name        string
		id          string
		plan        *plan.Plan
		wantVersion int64
		wantErr     error
	}{
		{name: "first save", id: "c1", plan: sample, wantVersion: 2},
		{name: "second save", id: "c1", plan: renamed, wantVersion: 3},
		{name: "unknown cohort", id: "ghost", plan: sample, wantErr: bot.ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := st.SavePlan(ctx, tt.id, tt.plan)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("SavePlan error = %v, want %v", err, tt.wantErr)
			}
			if tt.wantErr != nil {
				if n, _ := st.Client().Exists(ctx, "{c:"+tt.id+"}:meta").Result(); n != 0 {
					t.Errorf("SavePlan of an unknown cohort created its meta key")
				}
				return
			}
			if got != tt.wantVersion {
				t.Errorf("SavePlan version = %d, want %d", got, tt.wantVersion)
			}
			c, err := st.Cohort(ctx, tt.id)
			if err != nil {
				t.Fatalf("Cohort: %v", err)
			}
			assertCohort(t, c, &bot.Cohort{ID: tt.id, Name: tt.plan.Name, ViewKey: "view-" + tt.id, Created: t0, Version: tt.wantVersion}, tt.plan)
		})
	}
}

func TestMemberVersion(t *testing.T) {
	t.Parallel()
	st, _ := MustStore(t)
	ctx := MustContext(t)
	MustCohort(t, st, "c1", t0)
	m := MustMember(t, st, "c1", alice, t0)
	if _, err := st.SavePlan(ctx, "c1", MustSamplePlan(t)); err != nil {
		t.Fatalf("SavePlan: %v", err)
	}

	tests := []struct {
		name        string
		cohort      string
		user        bot.UserKey
		wantMember  *bot.Member
		wantVersion int64
	}{
		{name: "member", cohort: "c1", user: alice, wantMember: m, wantVersion: 2},
		{name: "not a member", cohort: "c1", user: bob, wantMember: nil, wantVersion: 2},
		{name: "unknown cohort", cohort: "ghost", user: alice, wantMember: nil, wantVersion: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, v, err := st.MemberVersion(ctx, tt.cohort, tt.user)
			if err != nil {
				t.Fatalf("MemberVersion: %v", err)
			}
			if !reflect.DeepEqual(got, tt.wantMember) {
				t.Errorf("member = %+v, want %+v", got, tt.wantMember)
			}
			if v != tt.wantVersion {
				t.Errorf("version = %d, want %d", v, tt.wantVersion)
			}
		})
	}
}

func TestCohortsOldestFirst(t *testing.T) {
	t.Parallel()
	st, _ := MustStore(t)
	ctx := MustContext(t)

	if got, err := st.Cohorts(ctx); err != nil || len(got) != 0 {
		t.Fatalf("Cohorts on an empty store = %d cohorts, %v; want none", len(got), err)
	}
	// Created out of order; "b" and "a" share a second and are listed by id.
	MustCohort(t, st, "late", t0.Add(48*time.Hour))
	MustCohort(t, st, "b", t0.Add(time.Hour))
	MustCohort(t, st, "early", t0)
	MustCohort(t, st, "a", t0.Add(time.Hour))

	list, err := st.Cohorts(ctx)
	if err != nil {
		t.Fatalf("Cohorts: %v", err)
	}
	var got []string
	for _, c := range list {
		got = append(got, c.ID)
		if c.Plan == nil || c.Name != "Cohort "+c.ID {
			t.Errorf("cohort %s listed without its name or plan", c.ID)
		}
	}
	if want := []string{"early", "a", "b", "late"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Cohorts = %v, want %v", got, want)
	}
}

func TestSetGroupChat(t *testing.T) {
	t.Parallel()
	st, _ := MustStore(t)
	ctx := MustContext(t)
	MustCohort(t, st, "c1", t0)

	if err := st.SetGroupChat(ctx, "c1", "telegram:-100777"); err != nil {
		t.Fatalf("SetGroupChat: %v", err)
	}
	c, err := st.Cohort(ctx, "c1")
	if err != nil {
		t.Fatalf("Cohort: %v", err)
	}
	if c.GroupChat != "telegram:-100777" {
		t.Errorf("GroupChat = %q, want telegram:-100777", c.GroupChat)
	}
	// Replicas cache cohorts by version: linking must bump it.
	if c.Version != 2 {
		t.Errorf("Version after SetGroupChat = %d, want 2", c.Version)
	}
	if err := st.SetGroupChat(ctx, "c1", ""); err != nil {
		t.Fatalf("SetGroupChat to unlink: %v", err)
	}
	if c, err := st.Cohort(ctx, "c1"); err != nil || c.GroupChat != "" || c.Version != 3 {
		t.Errorf("after unlinking: GroupChat %q version %d err %v; want empty, 3, nil", c.GroupChat, c.Version, err)
	}
}

// A group linked to a cohort that does not exist (deleted meanwhile) must
// not leave a stray {c:ID}:meta behind that no cohort list shows and no
// DeleteCohort is ever called for.
func TestSetGroupChatUnknownCohort(t *testing.T) {
	t.Parallel()
	st, _ := MustStore(t)
	ctx := MustContext(t)
	err := st.SetGroupChat(ctx, "ghost", "telegram:-100777")
	if !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("SetGroupChat(unknown) error = %v, want ErrNotFound", err)
	}
	if keys := MustKeys(t, st.Client(), "*"); len(keys) != 0 {
		t.Errorf("SetGroupChat(unknown) left keys %v", keys)
	}
}
