package store_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/cohortbot/cohortbot/bot"
	"github.com/cohortbot/cohortbot/store"
)

// outJobs builds one job per user of a batch, each to the user's private
// chat.
func outJobs(users ...bot.UserKey) []bot.Job {
	jobs := make([]bot.Job, len(users))
	for i, u := range users {
		jobs[i] = bot.Job{ID: string(u), User: u, Msg: bot.Message{Chat: u.PrivateChat(), Text: "tin nhắn cho " + string(u)}}
	}
	return jobs
}

// mustEnqueue enqueues and fails the test on error.
func mustEnqueue(tb testing.TB, st *store.Store, b bot.Batch, jobs []bot.Job) int {
	tb.Helper()
	n, err := st.Enqueue(MustContext(tb), b, jobs)
	if err != nil {
		tb.Fatalf("Enqueue(%s): %v", b.ID, err)
	}
	return n
}

// mustClaim claims up to n jobs at now with a lease.
func mustClaim(tb testing.TB, st *store.Store, owner string, now time.Time, lease time.Duration, n int) []store.OutJob {
	tb.Helper()
	jobs, err := st.ClaimJobs(MustContext(tb), owner, now, lease, n, store.AllJobs)
	if err != nil {
		tb.Fatalf("ClaimJobs: %v", err)
	}
	return jobs
}

func mustReport(tb testing.TB, st *store.Store, batch string) bot.BatchReport {
	tb.Helper()
	r, err := st.BatchReport(MustContext(tb), batch)
	if err != nil {
		tb.Fatalf("BatchReport(%s): %v", batch, err)
	}
	return r
}

func jobIDs(jobs []store.OutJob) []string {
	var ids []string
	for _, j := range jobs {
		ids = append(ids, j.ID)
	}
	slices.Sort(ids)
	return ids
}

func TestEnqueueIsIdempotent(t *testing.T) {
	t.Parallel()
	st, _ := MustStore(t)
	ctx := MustContext(t)
	b := bot.Batch{ID: "an:1", Cohort: "c1", Kind: "announce", Title: "Lịch học"}

	if got := mustEnqueue(t, st, b, outJobs(alice, bob)); got != 2 {
		t.Fatalf("first Enqueue added %d, want 2", got)
	}
	// The same batch again (a redelivered update), then with one more
	// recipient: only the new one is added.
	if got := mustEnqueue(t, st, b, outJobs(alice, bob)); got != 0 {
		t.Errorf("second Enqueue of the same jobs added %d, want 0", got)
	}
	if got := mustEnqueue(t, st, b, outJobs(bob, carol)); got != 1 {
		t.Errorf("Enqueue with one new job added %d, want 1", got)
	}
	ready, flight, err := st.OutboxStats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if ready != 3 || flight != 0 {
		t.Errorf("OutboxStats = %d ready, %d in flight; want 3, 0", ready, flight)
	}
	r := mustReport(t, st, b.ID)
	if r.Total != 3 || r.Pending != 3 {
		t.Errorf("report total %d pending %d, want 3 and 3", r.Total, r.Pending)
	}
	if r.Batch.Title != b.Title || r.Batch.Cohort != b.Cohort || r.Batch.Kind != b.Kind {
		t.Errorf("report batch = %+v, want the fields of %+v", r.Batch, b)
	}

	// Each job is claimed once, whatever the number of Enqueue calls.
	now := time.Now()
	got := jobIDs(mustClaim(t, st, "w1", now, time.Minute, 10))
	want := []string{"an:1/" + string(alice), "an:1/" + string(bob), "an:1/" + string(carol)}
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("claimed %v, want %v", got, want)
	}
	if more := mustClaim(t, st, "w1", now, time.Minute, 10); len(more) != 0 {
		t.Errorf("second claim got %v, want nothing", jobIDs(more))
	}
}

func TestEnqueueKeepsTheMessage(t *testing.T) {
	t.Parallel()
	st, _ := MustStore(t)
	msg := bot.Message{
		Chat:    alice.PrivateChat(),
		Text:    "Ảnh *hiện trường* \\ _không_ định dạng",
		Photo:   &bot.File{Name: "a.jpg", Bytes: []byte{0xff, 0xd8, 0x00, 0x01}},
		Buttons: [][]bot.Button{{{Text: "👍", Data: "v:1"}}},
	}
	mustEnqueue(t, st, bot.Batch{ID: "b"}, []bot.Job{{ID: "1", User: alice, Msg: msg}})
	jobs := mustClaim(t, st, "w", time.Now(), time.Minute, 1)
	if len(jobs) != 1 {
		t.Fatalf("claimed %d jobs, want 1", len(jobs))
	}
	got := jobs[0]
	if got.ID != "b/1" || got.Batch != "b" || got.User != alice || got.Attempts != 1 {
		t.Errorf("job = %+v, want id b/1, batch b, user %s, attempts 1", got, alice)
	}
	if got.Msg.Text != msg.Text || got.Msg.Chat != msg.Chat {
		t.Errorf("message = %q to %s, want %q to %s", got.Msg.Text, got.Msg.Chat, msg.Text, msg.Chat)
	}
	if got.Msg.Photo == nil || !slices.Equal(got.Msg.Photo.Bytes, msg.Photo.Bytes) {
		t.Errorf("photo bytes = %+v, want %v", got.Msg.Photo, msg.Photo.Bytes)
	}
	if len(got.Msg.Buttons) != 1 || got.Msg.Buttons[0][0] != msg.Buttons[0][0] {
		t.Errorf("buttons = %+v, want %+v", got.Msg.Buttons, msg.Buttons)
	}
}

func TestEnqueueWithoutBatchID(t *testing.T) {
	t.Parallel()
	st, _ := MustStore(t)
	if _, err := st.Enqueue(MustContext(t), bot.Batch{}, outJobs(alice)); err == nil {
		t.Error("Enqueue without a batch id succeeded, want an error")
	}
}

func TestClaimResolveAndLeaseExpiry(t *testing.T) {
	t.Parallel()
	st, _ := MustStore(t)
	ctx := MustContext(t)
	b := bot.Batch{ID: "rm:1", Cohort: "c1", ReportTo: "telegram:9", Title: "Nhắc lịch"}
	mustEnqueue(t, st, b, outJobs(alice, bob, carol))
	now := time.Now()

	claimed := mustClaim(t, st, "w1", now, time.Minute, 2)
	if len(claimed) != 2 {
		t.Fatalf("claimed %d, want 2", len(claimed))
	}
	ready, flight, _ := st.OutboxStats(ctx)
	if ready != 1 || flight != 2 {
		t.Errorf("after claiming two: %d ready, %d in flight; want 1, 2", ready, flight)
	}
	// One is sent, the other is dropped by a crashed worker.
	sent, lost := claimed[0], claimed[1]
	if err := st.ResolveJob(ctx, sent.ID, store.Sent, "", time.Time{}); err != nil {
		t.Fatal(err)
	}
	// Before the lease ends the lost job stays in flight.
	if got := mustClaim(t, st, "w2", now.Add(30*time.Second), time.Minute, 10); len(got) != 1 {
		t.Errorf("claim before the lease ends got %v, want only the third job", jobIDs(got))
	} else if got[0].ID == lost.ID || got[0].ID == sent.ID {
		t.Errorf("claim before the lease ends got %s, want the never-claimed job", got[0].ID)
	} else if err := st.ResolveJob(ctx, got[0].ID, store.Sent, "", time.Time{}); err != nil {
		t.Fatal(err)
	}
	// After it, the lost job goes back to the queue and is claimed again,
	// with its attempt counted.
	again := mustClaim(t, st, "w2", now.Add(2*time.Minute), time.Minute, 10)
	if len(again) != 1 || again[0].ID != lost.ID {
		t.Fatalf("claim after the lease ended got %v, want [%s]", jobIDs(again), lost.ID)
	}
	if again[0].Attempts != 2 {
		t.Errorf("attempts of the requeued job = %d, want 2", again[0].Attempts)
	}
	if r := mustReport(t, st, b.ID); r.Delivered != 2 || r.Pending != 1 {
		t.Errorf("report before the last resolve: delivered %d pending %d, want 2 and 1", r.Delivered, r.Pending)
	}
	finished, _ := st.FinishedBatches(ctx)
	if slices.Contains(finished, b.ID) {
		t.Errorf("batch finished with a job still in flight")
	}
	if err := st.ResolveJob(ctx, lost.ID, store.Unreachable, "telegram 403: Forbidden: bot was blocked by the user", time.Time{}); err != nil {
		t.Fatal(err)
	}
	r := mustReport(t, st, b.ID)
	if r.Delivered != 2 || len(r.Unreachable) != 1 || r.Pending != 0 || len(r.Failed) != 0 {
		t.Errorf("report = %+v, want 2 delivered, 1 unreachable, none pending", r)
	}
	if len(r.Unreachable) == 1 && (r.Unreachable[0].User != lost.User || r.Unreachable[0].Chat != lost.Msg.Chat) {
		t.Errorf("unreachable = %+v, want user %s", r.Unreachable[0], lost.User)
	}
	finished, _ = st.FinishedBatches(ctx)
	if !slices.Equal(finished, []string{b.ID}) {
		t.Errorf("FinishedBatches = %v, want [%s]", finished, b.ID)
	}
	if err := st.Reported(ctx, b.ID); err != nil {
		t.Fatal(err)
	}
	if finished, _ = st.FinishedBatches(ctx); len(finished) != 0 {
		t.Errorf("FinishedBatches after Reported = %v, want none", finished)
	}
	if n, _ := st.Undelivered(ctx, "c1", now.Add(-time.Hour)); n != 1 {
		t.Errorf("Undelivered = %d, want 1", n)
	}
}

func TestResolveTwiceCountsOnce(t *testing.T) {
	t.Parallel()
	st, _ := MustStore(t)
	ctx := MustContext(t)
	b := bot.Batch{ID: "an:2", Cohort: "c1", ReportTo: "telegram:9"}
	mustEnqueue(t, st, b, outJobs(alice, bob))
	jobs := mustClaim(t, st, "w", time.Now(), time.Minute, 2)
	if len(jobs) != 2 {
		t.Fatalf("claimed %d, want 2", len(jobs))
	}
	for _, o := range []store.Outcome{store.Sent, store.Sent, store.Failed, store.Unreachable, store.Retry} {
		if err := st.ResolveJob(ctx, jobs[0].ID, o, "again", time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	r := mustReport(t, st, b.ID)
	if r.Delivered != 1 || len(r.Failed) != 0 || len(r.Unreachable) != 0 || r.Pending != 1 {
		t.Errorf("after resolving one job five times: %+v; want 1 delivered, 1 pending", r)
	}
	// A late Retry of a resolved job must not put it back in the queue.
	if again := mustClaim(t, st, "w", time.Now().Add(time.Hour), time.Minute, 10); len(again) != 1 || again[0].ID != jobs[1].ID {
		t.Errorf("claim after resolving got %v, want only %s (whose lease expired)", jobIDs(again), jobs[1].ID)
	}
	for range 2 {
		if err := st.ResolveJob(ctx, jobs[1].ID, store.Failed, "gave up", time.Time{}); err != nil {
			t.Fatal(err)
		}
	}
	r = mustReport(t, st, b.ID)
	if r.Delivered != 1 || len(r.Failed) != 1 || r.Pending != 0 {
		t.Errorf("final report %+v, want 1 delivered, 1 failed", r)
	}
	finished, _ := st.FinishedBatches(ctx)
	if !slices.Equal(finished, []string{b.ID}) {
		t.Errorf("FinishedBatches = %v, want the batch once", finished)
	}
	// A retried job is claimed again only from its retry time.
	mustEnqueue(t, st, bot.Batch{ID: "an:3"}, outJobs(carol))
	now := time.Now()
	j := mustClaim(t, st, "w", now, time.Minute, 1)
	if len(j) != 1 {
		t.Fatalf("claimed %d, want 1", len(j))
	}
	if err := st.ResolveJob(ctx, j[0].ID, store.Retry, "telegram 502", now.Add(10*time.Second)); err != nil {
		t.Fatal(err)
	}
	if early := mustClaim(t, st, "w", now.Add(9*time.Second), time.Minute, 1); len(early) != 0 {
		t.Errorf("claimed %v before its retry time", jobIDs(early))
	}
	if late := mustClaim(t, st, "w", now.Add(10*time.Second), time.Minute, 1); len(late) != 1 || late[0].Attempts != 2 {
		t.Errorf("claim at the retry time got %+v, want the job on its second attempt", late)
	}
	if r := mustReport(t, st, "an:3"); r.Pending != 1 || r.Delivered != 0 {
		t.Errorf("a retry counted as an outcome: %+v", r)
	}
}

func TestRequeueOwned(t *testing.T) {
	t.Parallel()
	st, _ := MustStore(t)
	ctx := MustContext(t)
	var users []bot.UserKey
	for i := range 6 {
		users = append(users, bot.NewUserKey(bot.Telegram, fmt.Sprint(500+i)))
	}
	mustEnqueue(t, st, bot.Batch{ID: "b"}, outJobs(users...))
	now := time.Now()
	mine := mustClaim(t, st, "replica-a", now, time.Hour, 3)
	theirs := mustClaim(t, st, "replica-b", now, time.Hour, 2)
	if len(mine) != 3 || len(theirs) != 2 {
		t.Fatalf("claimed %d and %d, want 3 and 2", len(mine), len(theirs))
	}
	// One of mine was resolved before the crash: it is not in flight.
	if err := st.ResolveJob(ctx, mine[0].ID, store.Sent, "", time.Time{}); err != nil {
		t.Fatal(err)
	}
	n, err := st.RequeueOwned(ctx, "replica-a")
	if err != nil {
		t.Fatal(err)
	}
	if n != 2 {
		t.Errorf("RequeueOwned = %d, want 2", n)
	}
	if n, _ := st.RequeueOwned(ctx, "replica-a"); n != 0 {
		t.Errorf("second RequeueOwned = %d, want 0", n)
	}
	ready, flight, _ := st.OutboxStats(ctx)
	if ready != 3 || flight != 2 {
		t.Errorf("after requeue: %d ready, %d in flight; want 3 (1 never claimed + 2 requeued), 2 (replica-b's)", ready, flight)
	}
	// Without waiting for the hour-long lease, mine come back at once;
	// replica-b's stay with it.
	got := jobIDs(mustClaim(t, st, "replica-a", time.Now(), time.Hour, 10))
	want := append(jobIDs(mine[1:]), "b/"+string(users[5]))
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("claimed after requeue %v, want %v", got, want)
	}
}

func TestClaimJobsConcurrently(t *testing.T) {
	t.Parallel()
	st, _ := MustStore(t)
	const n = 300
	var users []bot.UserKey
	for i := range n {
		users = append(users, bot.NewUserKey(bot.Telegram, fmt.Sprint(10_000+i)))
	}
	mustEnqueue(t, st, bot.Batch{ID: "big"}, outJobs(users...))
	now := time.Now()
	results := make(chan []string, 20)
	for w := range 20 {
		go func() {
			var got []string
			for {
				jobs, err := st.ClaimJobs(MustContext(t), fmt.Sprint("w", w), now, time.Minute, 7, store.AllJobs)
				if err != nil {
					t.Error(err)
					break
				}
				if len(jobs) == 0 {
					break
				}
				got = append(got, jobIDs(jobs)...)
			}
			results <- got
		}()
	}
	seen := map[string]int{}
	for range 20 {
		for _, id := range <-results {
			seen[id]++
		}
	}
	if len(seen) != n {
		t.Errorf("claimed %d distinct jobs, want %d", len(seen), n)
	}
	for id, c := range seen {
		if c != 1 {
			t.Errorf("job %s claimed %d times", id, c)
		}
	}
}
