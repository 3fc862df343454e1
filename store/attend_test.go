package store_test

import (
	"sync"
	"testing"
	"time"

	"github.com/cohortbot/cohortbot/bot"
	"github.com/cohortbot/cohortbot/bot/attend"
)

// TestCheckIn: the script's answers in order of precedence, one presence
// per person however many check in at once, and a mark by hand that
// counts once.
func TestCheckIn(t *testing.T) {
	st, _ := MustStore(t)
	ctx := MustContext(t)
	now := time.Date(2017, 7, 10, 8, 10, 0, 0, time.UTC)
	MustCohort(t, st, "c1", now)
	an := MustMember(t, st, "c1", "telegram:1", now).User
	org := &bot.Member{User: "telegram:9", Cohort: "c1", Role: bot.Organiser, Name: "Tổ chức", Joined: now, Registered: true}
	if err := st.PutMember(ctx, org); err != nil {
		t.Fatal(err)
	}
	ok, err := st.NewCheckinCode(ctx, "c1", "K7P2QX", attend.Code{Session: "s1", By: org.User, Expires: now.Add(15 * time.Minute)})
	if err != nil || !ok {
		t.Fatalf("new code: %v %v", ok, err)
	}
	if ok, err := st.NewCheckinCode(ctx, "c1", "K7P2QX", attend.Code{Session: "s2", Expires: now.Add(time.Hour)}); err != nil || ok {
		t.Fatalf("the same code again: %v %v, want refused", ok, err)
	}
	for _, tt := range []struct {
		name, code string
		user       bot.UserKey
		at         time.Time
		want       string
	}{
		{"unknown code", "AAAAAA", an, now, attend.CheckUnknown},
		{"not a member", "K7P2QX", "telegram:404", now, attend.CheckNotMember},
		{"an organiser", "K7P2QX", org.User, now, attend.CheckNotMember},
		{"first", "K7P2QX", an, now, attend.CheckOK},
		{"again", "K7P2QX", an, now, attend.CheckAlready},
		{"again, after it expired", "K7P2QX", an, now.Add(20 * time.Minute), attend.CheckAlready},
	} {
		res, err := st.CheckIn(ctx, "c1", tt.code, tt.user, tt.at)
		if err != nil || res.Status != tt.want {
			t.Errorf("%s: %+v %v, want %s", tt.name, res, err, tt.want)
		}
	}
	// Many at once, each twice: one presence each.
	var wg sync.WaitGroup
	users := []bot.UserKey{"telegram:2", "telegram:3", "telegram:4", "telegram:5"}
	for _, u := range users {
		MustMember(t, st, "c1", u, now)
	}
	oks := make(chan string, 2*len(users))
	for _, u := range append(users, users...) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := st.CheckIn(ctx, "c1", "K7P2QX", u, now)
			if err != nil {
				t.Error(err)
			}
			oks <- res.Status
		}()
	}
	wg.Wait()
	close(oks)
	n := 0
	for s := range oks {
		if s == attend.CheckOK {
			n++
		}
	}
	if n != len(users) {
		t.Errorf("%d check-ins recorded, want %d", n, len(users))
	}
	if res, _ := st.CheckIn(ctx, "c1", "K7P2QX", "telegram:6", now.Add(15*time.Minute)); res.Status != attend.CheckNotMember {
		t.Errorf("a non-member after expiry: %s", res.Status)
	}
	MustMember(t, st, "c1", "telegram:6", now)
	if res, _ := st.CheckIn(ctx, "c1", "K7P2QX", "telegram:6", now.Add(15*time.Minute)); res.Status != attend.CheckExpired {
		t.Errorf("at the expiry: %s, want expired", res.Status)
	}
	present, err := st.Present(ctx, "c1", "s1")
	if err != nil || len(present) != 5 || present[an].How != attend.HowCode {
		t.Errorf("present: %v %v", present, err)
	}

	// By hand: a mark counts once, an unmark takes it back.
	for i, want := range []bool{true, false} {
		changed, err := st.Mark(ctx, "c1", "s2", an, org.User, true, now)
		if err != nil || changed != want {
			t.Errorf("mark %d: %v %v, want changed=%v", i, changed, err, want)
		}
	}
	got, err := st.Attended(ctx, "c1", an)
	if err != nil || len(got) != 2 {
		t.Errorf("attended: %v %v, want s1 and s2", got, err)
	}
	if changed, err := st.Mark(ctx, "c1", "s2", an, org.User, false, now); err != nil || !changed {
		t.Errorf("unmark: %v %v", changed, err)
	}
	if changed, _ := st.Mark(ctx, "c1", "s2", an, org.User, false, now); changed {
		t.Error("unmark twice changed something")
	}
	if err := st.ForgetAttendance(ctx, "c1", an); err != nil {
		t.Fatal(err)
	}
	if got, err := st.Attended(ctx, "c1", an); err != nil || len(got) != 0 {
		t.Errorf("attended after forgetting: %v %v", got, err)
	}
}
