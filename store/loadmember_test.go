package store_test

import (
	"testing"
	"time"

	"github.com/cohortbot/cohortbot/bot"
)

// TestLoadMemberCurrent: the members the load reads are kept decoded, so
// a change of a member must show on the next read, through either read,
// and a caller changing the member it got changes nothing for the next.
func TestLoadMemberCurrent(t *testing.T) {
	t.Parallel()
	st, _ := MustStore(t)
	ctx := MustContext(t)
	MustCohort(t, st, "lm1", t0)
	m := MustMember(t, st, "lm1", alice, t0)
	reads := []struct {
		name string
		read func() (*bot.Member, int64, error)
	}{
		{"MemberVersion", func() (*bot.Member, int64, error) { return st.MemberVersion(ctx, "lm1", alice) }},
		{"LoadMember", func() (*bot.Member, int64, error) {
			_, m, v, err := st.LoadMember(ctx, alice, time.Minute, time.Time{}, "lm1")
			return m, v, err
		}},
	}
	for _, group := range []string{"G1", "G2"} {
		m.Group = group
		if err := st.PutMember(ctx, m); err != nil {
			t.Fatal(err)
		}
		for _, r := range reads {
			for range 2 {
				got, v, err := r.read()
				if err != nil || got == nil || v != 1 {
					t.Fatalf("%s = %+v, %d, %v", r.name, got, v, err)
				}
				if got.Group != group {
					t.Errorf("%s: group %q, want %q", r.name, got.Group, group)
				}
				got.Group = "changed by a reader"
			}
		}
	}
	if _, got, _, err := st.LoadMember(ctx, bob, time.Minute, time.Time{}, "lm1"); err != nil || got != nil {
		t.Errorf("LoadMember of a non-member = %+v, %v", got, err)
	}
}

// TestLoadMemberAfterScriptFlush: the load's script runs in a pipeline,
// so a Redis that forgot it (a restart) gets it again, and the update is
// counted once.
func TestLoadMemberAfterScriptFlush(t *testing.T) {
	t.Parallel()
	st, _ := MustStore(t)
	ctx := MustContext(t)
	MustCohort(t, st, "lm2", t0)
	MustMember(t, st, "lm2", alice, t0)
	for want := int64(1); want <= 2; want++ {
		if err := st.Client().ScriptFlush(ctx).Err(); err != nil {
			t.Fatal(err)
		}
		l, m, v, err := st.LoadMember(ctx, alice, time.Minute, time.Time{}, "lm2")
		if err != nil || m == nil || v != 1 {
			t.Fatalf("LoadMember = %+v, %d, %v", m, v, err)
		}
		if l.Flood != want {
			t.Errorf("flood count = %d, want %d", l.Flood, want)
		}
	}
}
