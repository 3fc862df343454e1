package store_test

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/cohortbot/cohortbot/bot"
	"github.com/cohortbot/cohortbot/store"
)

func putMembers(t *testing.T, st *store.Store, ms ...*bot.Member) {
	t.Helper()
	for _, m := range ms {
		if err := st.PutMember(MustContext(t), m); err != nil {
			t.Fatal(err)
		}
	}
}

// TestTwoOrganisersDemotingEachOther: run at the same instant, many
// times; exactly one demotion goes through every time, so the cohort is
// never left without an organiser.
func TestTwoOrganisersDemotingEachOther(t *testing.T) {
	t.Parallel()
	st, _ := MustStore(t)
	ctx := MustContext(t)
	trainee := bot.Trainee
	for round := range 50 {
		cohort := "race" + string(rune('a'+round%26)) + string(rune('a'+round/26))
		putMembers(t, st,
			&bot.Member{User: alice, Cohort: cohort, Role: bot.Organiser, Registered: true},
			&bot.Member{User: bob, Cohort: cohort, Role: bot.Organiser, Registered: true})
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i, u := range []bot.UserKey{alice, bob} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = st.PatchMember(ctx, cohort, u, bot.MemberPatch{Role: &trainee}, bot.Organiser)
			}()
		}
		wg.Wait()
		ok, last := 0, 0
		for _, err := range errs {
			switch {
			case err == nil:
				ok++
			case errors.Is(err, bot.ErrLastOrganiser):
				last++
			default:
				t.Fatalf("round %d: %v", round, err)
			}
		}
		if ok != 1 || last != 1 {
			t.Fatalf("round %d: %d demotions went through, %d refused; want 1 and 1", round, ok, last)
		}
		ms, err := st.Members(ctx, cohort)
		if err != nil {
			t.Fatal(err)
		}
		organisers := 0
		for _, m := range ms {
			if m.Role == bot.Organiser {
				organisers++
			}
		}
		if organisers != 1 {
			t.Fatalf("round %d: %d organisers left, want 1", round, organisers)
		}
	}
}

// TestPatchKeepsConcurrentChanges: a registration answer written while an
// organiser moved the member keeps the move; a member removed is never
// brought back by a late write; a role changed since it was read is
// refused.
func TestPatchKeepsConcurrentChanges(t *testing.T) {
	t.Parallel()
	st, _ := MustStore(t)
	ctx := MustContext(t)
	const cohort = "patch"
	putMembers(t, st, &bot.Member{User: carol, Cohort: cohort, Role: bot.Trainee, Group: "Lạng Sơn"})
	moved := "Hải Phòng"
	if _, err := st.PatchMember(ctx, cohort, carol, bot.MemberPatch{Group: &moved}, bot.Trainee); err != nil {
		t.Fatal(err)
	}
	name := "Nguyễn Thị Lan"
	m, err := st.PatchMember(ctx, cohort, carol, bot.MemberPatch{Name: &name}, bot.Trainee)
	if err != nil {
		t.Fatal(err)
	}
	if m.Group != "Hải Phòng" || m.Name != name {
		t.Errorf("after a move and a name = %+v, want both kept", m)
	}
	lecturer := bot.Lecturer
	if _, err := st.PatchMember(ctx, cohort, carol, bot.MemberPatch{Role: &lecturer}, bot.Organiser); !errors.Is(err, bot.ErrMemberChanged) {
		t.Errorf("patch expecting another role = %v, want ErrMemberChanged", err)
	}
	if m, err := st.PatchMember(ctx, cohort, carol, bot.MemberPatch{Role: &lecturer}, bot.Trainee); err != nil || m.Group != "" {
		t.Errorf("made a lecturer = %+v, %v; want no group", m, err)
	}
	if err := st.Depart(ctx, cohort, carol, true, time.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := st.PatchMember(ctx, cohort, carol, bot.MemberPatch{Name: &name}, ""); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("patch of a removed member = %v, want ErrNotFound", err)
	}
	if m, err := st.Member(ctx, cohort, carol); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("removed member came back: %+v, %v", m, err)
	}
	past, err := st.Past(ctx, cohort, carol)
	if err != nil || past == nil || !past.Removed || past.Role != bot.Lecturer {
		t.Errorf("past = %+v, %v; want removed, last a lecturer", past, err)
	}
}

// TestDepartRefusesTheLastOrganiser: the last registered organiser can
// neither leave nor be removed; with another one, they can.
func TestDepartRefusesTheLastOrganiser(t *testing.T) {
	t.Parallel()
	st, _ := MustStore(t)
	ctx := MustContext(t)
	const cohort = "depart"
	putMembers(t, st, &bot.Member{User: alice, Cohort: cohort, Role: bot.Organiser, Registered: true},
		&bot.Member{User: bob, Cohort: cohort, Role: bot.Organiser})
	if err := st.Depart(ctx, cohort, alice, false, time.Now()); !errors.Is(err, bot.ErrLastOrganiser) {
		t.Errorf("last registered organiser leaving = %v, want ErrLastOrganiser", err)
	}
	reg := true
	if _, err := st.PatchMember(ctx, cohort, bob, bot.MemberPatch{Registered: &reg}, ""); err != nil {
		t.Fatal(err)
	}
	if err := st.Depart(ctx, cohort, alice, false, time.Now()); err != nil {
		t.Errorf("organiser leaving with another one left = %v", err)
	}
	if past, _ := st.Past(ctx, cohort, alice); past == nil || past.Removed || past.Role != bot.Organiser {
		t.Errorf("past = %+v, want left by themself as an organiser", past)
	}
}
