package store_test

import (
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/cohortbot/cohortbot/bot"
	"github.com/cohortbot/cohortbot/bot/timetable"
	"github.com/cohortbot/cohortbot/store"
)

// dueItem is a reminder of cohort c due at t0+minutes.
func dueItem(c, id string, minutes int) bot.DueItem {
	due := t0.Add(time.Duration(minutes) * time.Minute)
	return bot.DueItem{ID: id, Kind: timetable.DueSessionReminder, Cohort: c, Ref: "s1", At: due.Add(time.Hour), Lead: time.Hour, Due: due, Payload: "p-" + id}
}

func pendingIDs(tb testing.TB, st *store.Store, cohort, prefix string) []string {
	tb.Helper()
	items, err := st.PendingDue(MustContext(tb), cohort, prefix)
	if err != nil {
		tb.Fatalf("PendingDue: %v", err)
	}
	var ids []string
	for _, it := range items {
		ids = append(ids, it.ID)
	}
	return ids
}

func claimIDs(items []bot.DueItem) []string {
	var ids []string
	for _, it := range items {
		ids = append(ids, it.ID)
	}
	slices.Sort(ids)
	return ids
}

func TestReplaceDue(t *testing.T) {
	t.Parallel()
	st, _ := MustStore(t)
	ctx := MustContext(t)
	added, removed, err := st.ReplaceDue(ctx, "c1", "r", []bot.DueItem{dueItem("c1", "rs:a", 30), dueItem("c1", "rs:b", 10), dueItem("c1", "rd:c", 20)})
	if err != nil || added != 3 || removed != 0 {
		t.Fatalf("ReplaceDue = %d, %d, %v; want 3 added", added, removed, err)
	}
	// Another kind's item, and another cohort's, are left alone by a
	// replace of reminders.
	if err := st.AddDue(ctx, dueItem("c1", "an:x", 5)); err != nil {
		t.Fatal(err)
	}
	if _, _, err := st.ReplaceDue(ctx, "c2", "r", []bot.DueItem{dueItem("c2", "rs:z", 1)}); err != nil {
		t.Fatal(err)
	}
	if got, want := pendingIDs(t, st, "c1", "r"), []string{"rs:b", "rd:c", "rs:a"}; !slices.Equal(got, want) {
		t.Errorf("pending reminders by due time = %v, want %v", got, want)
	}
	// b moves, c is dropped, a stays as it is, d is new.
	moved := dueItem("c1", "rs:b", 40)
	added, removed, err = st.ReplaceDue(ctx, "c1", "r", []bot.DueItem{dueItem("c1", "rs:a", 30), moved, dueItem("c1", "rs:d", 50)})
	if err != nil || added != 1 || removed != 1 {
		t.Errorf("second ReplaceDue = %d added, %d removed, %v; want 1 and 1", added, removed, err)
	}
	if got, want := pendingIDs(t, st, "c1", "r"), []string{"rs:a", "rs:b", "rs:d"}; !slices.Equal(got, want) {
		t.Errorf("pending after re-plan = %v, want %v", got, want)
	}
	if got := pendingIDs(t, st, "c1", "an"); !slices.Equal(got, []string{"an:x"}) {
		t.Errorf("announcements after re-plan = %v, want [an:x]", got)
	}
	if got := pendingIDs(t, st, "c2", ""); !slices.Equal(got, []string{"rs:z"}) {
		t.Errorf("other cohort after re-plan = %v, want [rs:z]", got)
	}
	// Nothing is due before the moved time; the items come back whole.
	items, err := st.ClaimDue(ctx, t0.Add(35*time.Minute), time.Minute, 10)
	if err != nil {
		t.Fatal(err)
	}
	if got := claimIDs(items); !slices.Equal(got, []string{"an:x", "rs:a", "rs:z"}) {
		t.Errorf("claimed at +35m = %v, want [an:x rs:a rs:z]", got)
	}
	for _, it := range items {
		if it.ID == "rs:a" {
			want := dueItem("c1", "rs:a", 30)
			if !it.Due.Equal(want.Due) || !it.At.Equal(want.At) || it.Lead != want.Lead || it.Kind != want.Kind ||
				it.Cohort != want.Cohort || it.Ref != want.Ref || it.Payload != want.Payload {
				t.Errorf("claimed item = %+v, want %+v", it, want)
			}
		}
	}
}

func TestCancelDue(t *testing.T) {
	t.Parallel()
	st, _ := MustStore(t)
	ctx := MustContext(t)
	if err := st.AddDue(ctx, dueItem("c1", "an:1", 0)); err != nil {
		t.Fatal(err)
	}
	if ok, err := st.CancelDue(ctx, "c1", "an:1"); err != nil || !ok {
		t.Errorf("CancelDue = %v, %v; want true", ok, err)
	}
	if ok, err := st.CancelDue(ctx, "c1", "an:1"); err != nil || ok {
		t.Errorf("second CancelDue = %v, %v; want false", ok, err)
	}
	if items, _ := st.ClaimDue(ctx, t0.Add(time.Hour), time.Minute, 10); len(items) != 0 {
		t.Errorf("claimed %v after cancel", claimIDs(items))
	}
}

func TestClaimDueLeaseAndDefer(t *testing.T) {
	t.Parallel()
	st, _ := MustStore(t)
	ctx := MustContext(t)
	if _, _, err := st.ReplaceDue(ctx, "c1", "r", []bot.DueItem{dueItem("c1", "rs:a", 0), dueItem("c1", "rs:b", 0)}); err != nil {
		t.Fatal(err)
	}
	now := t0
	items, err := st.ClaimDue(ctx, now, 2*time.Minute, 10)
	if err != nil || len(items) != 2 {
		t.Fatalf("ClaimDue = %v, %v; want 2 items", claimIDs(items), err)
	}
	// a is finished; b's processing dies. Within the lease nobody gets b.
	if err := st.FinishDue(ctx, items[0]); err != nil {
		t.Fatal(err)
	}
	if again, _ := st.ClaimDue(ctx, now.Add(time.Minute), 2*time.Minute, 10); len(again) != 0 {
		t.Errorf("claimed %v within the lease", claimIDs(again))
	}
	again, err := st.ClaimDue(ctx, now.Add(3*time.Minute), 2*time.Minute, 10)
	if err != nil || !slices.Equal(claimIDs(again), []string{items[1].ID}) {
		t.Fatalf("claim after the lease = %v, %v; want [%s]", claimIDs(again), err, items[1].ID)
	}
	// Deferred to the end of quiet hours: not due before that.
	if err := st.DeferDue(ctx, items[1].ID, now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if early, _ := st.ClaimDue(ctx, now.Add(59*time.Minute), 2*time.Minute, 10); len(early) != 0 {
		t.Errorf("claimed %v before the deferred time", claimIDs(early))
	}
	if got := pendingIDs(t, st, "c1", "r"); !slices.Equal(got, []string{items[1].ID}) {
		t.Errorf("pending = %v, want the deferred item", got)
	}
	late, err := st.ClaimDue(ctx, now.Add(time.Hour), 2*time.Minute, 10)
	if err != nil || len(late) != 1 || !late[0].Due.Equal(now.Add(time.Hour)) {
		t.Errorf("claim at the deferred time = %+v, %v; want the item due then", late, err)
	}
	// A defer of an item that is not claimed does nothing.
	if err := st.DeferDue(ctx, "rs:none", now); err != nil {
		t.Fatal(err)
	}
	if got := pendingIDs(t, st, "c1", "r"); len(got) != 0 {
		t.Errorf("pending after claiming everything = %v", got)
	}
}

func TestFinishDueStopsReplaceDue(t *testing.T) {
	t.Parallel()
	st, _ := MustStore(t)
	ctx := MustContext(t)
	a, b := dueItem("c1", "rs:a", 0), dueItem("c1", "rs:b", 60)
	if _, _, err := st.ReplaceDue(ctx, "c1", "r", []bot.DueItem{a, b}); err != nil {
		t.Fatal(err)
	}
	items, err := st.ClaimDue(ctx, t0, time.Minute, 10)
	if err != nil || len(items) != 1 {
		t.Fatalf("ClaimDue = %v, %v", claimIDs(items), err)
	}
	if err := st.FinishDue(ctx, items[0]); err != nil {
		t.Fatal(err)
	}
	// A re-plan that lists a again (same id) does not bring it back.
	added, removed, err := st.ReplaceDue(ctx, "c1", "r", []bot.DueItem{a, b})
	if err != nil || added != 0 || removed != 0 {
		t.Errorf("ReplaceDue after finish = %d added, %d removed, %v; want 0, 0", added, removed, err)
	}
	if err := st.AddDue(ctx, a); err != nil {
		t.Fatal(err)
	}
	if got := pendingIDs(t, st, "c1", "r"); !slices.Equal(got, []string{"rs:b"}) {
		t.Errorf("pending = %v, want [rs:b]", got)
	}
	if again, _ := st.ClaimDue(ctx, t0.Add(2*time.Hour), time.Minute, 10); !slices.Equal(claimIDs(again), []string{"rs:b"}) {
		t.Errorf("claimed %v, want only rs:b", claimIDs(again))
	}
}

func TestClaimDueConcurrently(t *testing.T) {
	t.Parallel()
	st, _ := MustStore(t)
	ctx := MustContext(t)
	const n = 200
	var items []bot.DueItem
	for i := range n {
		items = append(items, dueItem("c1", fmt.Sprintf("rs:%03d", i), i%30))
	}
	if _, _, err := st.ReplaceDue(ctx, "c1", "r", items); err != nil {
		t.Fatal(err)
	}
	var (
		mu   sync.Mutex
		seen = map[string]int{}
		wg   sync.WaitGroup
	)
	start := make(chan struct{})
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			for {
				got, err := st.ClaimDue(ctx, t0.Add(time.Hour), time.Minute, 3)
				if err != nil {
					t.Error(err)
					return
				}
				if len(got) == 0 {
					return
				}
				mu.Lock()
				for _, it := range got {
					seen[it.ID]++
				}
				mu.Unlock()
			}
		}()
	}
	close(start)
	wg.Wait()
	if len(seen) != n {
		t.Errorf("claimed %d distinct items, want %d", len(seen), n)
	}
	for id, c := range seen {
		if c != 1 {
			t.Errorf("item %s claimed %d times", id, c)
		}
	}
}

func TestClaimRunOnce(t *testing.T) {
	t.Parallel()
	st, _ := MustStore(t)
	ctx := MustContext(t)
	at := t0.Add(30 * time.Minute)
	wins := make(chan bool, 10)
	var wg sync.WaitGroup
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ok, err := st.ClaimRun(ctx, "digest:c1", at)
			if err != nil {
				t.Error(err)
			}
			wins <- ok
		}()
	}
	wg.Wait()
	close(wins)
	n := 0
	for ok := range wins {
		if ok {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d replicas claimed the run, want 1", n)
	}
	if ok, _ := st.ClaimRun(ctx, "digest:c1", at.Add(24*time.Hour)); !ok {
		t.Error("the next day's run could not be claimed")
	}
	if ok, _ := st.ClaimRun(ctx, "digest:c2", at); !ok {
		t.Error("another cohort's run could not be claimed")
	}
}
