package scheduler_test

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cohortbot/cohortbot/bot"
	"github.com/cohortbot/cohortbot/bot/contest"
	"github.com/cohortbot/cohortbot/bot/plan"
	"github.com/cohortbot/cohortbot/bot/timetable"
	"github.com/cohortbot/cohortbot/scheduler"
	"github.com/cohortbot/cohortbot/store"
)

// together runs f for each runner at once, from one instant, and waits.
func together(rs []*scheduler.Runner, f func(r *scheduler.Runner) error) error {
	start := make(chan struct{})
	errs := make(chan error, len(rs))
	var wg sync.WaitGroup
	for _, r := range rs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			errs <- f(r)
		}()
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

func TestTwoRunnersQueueEachReminderOnce(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	p := newPlan([]time.Duration{24 * time.Hour, time.Hour}, []time.Duration{24 * time.Hour, 2 * time.Hour})
	for i := range 12 {
		p.Sessions = append(p.Sessions, session(fmt.Sprint("s", i), at(12+i/4, 8+2*(i%4), 0)))
	}
	for i := range 3 {
		p.Deadlines = append(p.Deadlines, plan.Deadline{ID: fmt.Sprint("d", i), Title: "Nộp bài", Due: at(13+i, 17, 0), Kind: "report"})
	}
	c := e.cohort("c1", p)
	var trainees, everyone []bot.UserKey
	for i, g := range p.Groups {
		u := e.member("c1", fmt.Sprint(100+i), bot.Trainee, g)
		trainees = append(trainees, u)
	}
	everyone = append(slices.Clone(trainees), e.member("c1", "200", bot.Lecturer, ""), e.member("c1", "300", bot.Organiser, ""))
	slices.Sort(trainees)
	slices.Sort(everyone)
	e.sync(c, at(5, 12, 0))
	planned := e.pending("c1")
	if len(planned) != 12*2+3*2 {
		t.Fatalf("%d reminders planned, want %d", len(planned), 12*2+3*2)
	}

	// Two replicas tick every 15 minutes over the whole course, each
	// time at the same instant.
	runners := []*scheduler.Runner{e.runner(), e.runner()}
	for now := at(10, 0, 0); now.Before(at(17, 0, 0)); now = now.Add(15 * time.Minute) {
		if err := together(runners, func(r *scheduler.Runner) error { return r.Tick(e.ctx(), now) }); err != nil {
			t.Fatalf("Tick(%v): %v", now, err)
		}
	}

	sent := e.bot.sent()
	for id := range planned {
		if sent[id] != 1 {
			t.Errorf("reminder %s queued %d times, want once (outcomes %v)", id, sent[id], e.bot.outcome(id))
		}
	}
	if len(sent) != len(planned) {
		t.Errorf("%d reminders queued, want %d", len(sent), len(planned))
	}
	queued := e.queued()
	if len(queued) != len(planned) {
		t.Errorf("%d batches in the outbox, want %d", len(queued), len(planned))
	}
	for id, users := range queued {
		want := everyone
		if strings.HasPrefix(id, timetable.DueDeadlineReminder+":") {
			want = trainees
		}
		if !slices.Equal(users, want) {
			t.Errorf("batch %s goes to %v, want %v", id, users, want)
		}
	}
	if left := e.pending("c1"); len(left) != 0 {
		t.Errorf("reminders still pending after the course: %v", left)
	}
}

func TestReminderDueDuringDowntime(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	p := newPlan([]time.Duration{time.Hour}, nil)
	p.Sessions = []plan.Session{session("open", at(10, 10, 0))}
	c := e.cohort("c1", p)
	a, b := e.member("c1", "1", bot.Trainee, "Lạng Sơn"), e.member("c1", "2", bot.Lecturer, "")
	e.sync(c, at(9, 12, 0))
	it := e.item("c1", "open", time.Hour)
	if !it.Due.Equal(at(10, 9, 0)) {
		t.Fatalf("reminder due %v, want 09:00", it.Due)
	}

	r := e.runner()
	e.tick(r, at(10, 8, 45))
	if len(e.bot.sent()) != 0 {
		t.Fatalf("reminder queued before it was due")
	}
	// Down from 08:50 to 09:40; the first ticks after restart, from two
	// replicas, send it once, late, with the time that is really left.
	r2 := e.runner()
	for _, now := range []time.Time{at(10, 9, 40), at(10, 9, 40), at(10, 9, 45), at(10, 9, 55)} {
		e.tick(r, now)
		e.tick(r2, now)
	}
	if got := e.bot.outcome(it.ID); !slices.Equal(got, []bot.DueOutcome{bot.DueSent}) {
		t.Errorf("outcomes of the late reminder = %v, want [sent]", got)
	}
	texts := e.texts(it.ID)
	if len(texts) != 2 {
		t.Fatalf("%d messages queued, want one to each of %s and %s", len(texts), a, b)
	}
	for _, text := range texts {
		if want := tx(bot.VI, "timetable.remind.minutes", 20); !strings.Contains(text, want) {
			t.Errorf("late reminder %q does not say %q", text, want)
		}
	}
}

func TestStaleReminderSkipped(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	p := newPlan([]time.Duration{time.Hour}, nil)
	p.Sessions = []plan.Session{session("open", at(10, 10, 0))}
	c := e.cohort("c1", p)
	e.member("c1", "1", bot.Trainee, "Lạng Sơn")
	e.sync(c, at(9, 12, 0))
	it := e.item("c1", "open", time.Hour)

	// Down from 08:50 until after the session began.
	r := e.runner()
	for _, now := range []time.Time{at(10, 10, 5), at(10, 10, 20), at(10, 12, 0)} {
		e.tick(r, now)
	}
	if got := e.bot.outcome(it.ID); !slices.Equal(got, []bot.DueOutcome{bot.DueSkipped}) {
		t.Errorf("outcomes of the stale reminder = %v, want [skipped]", got)
	}
	if n := e.ready(); n != 0 {
		t.Errorf("%d jobs queued for a stale reminder", n)
	}
	// Done for good: a re-plan (even from a clock before its due time)
	// does not bring it back.
	e.sync(e.reload("c1"), at(10, 8, 0))
	if left := e.pending("c1"); len(left) != 0 {
		t.Errorf("stale reminder planned again: %v", left)
	}
	e.tick(r, at(10, 9, 30))
	if got := e.bot.outcome(it.ID); len(got) != 1 {
		t.Errorf("outcomes after re-plan = %v, want the one skip", got)
	}
}

// TestQuietHoursPlanned: reminders planned inside 21:30-06:30 go out when
// the quiet hours end if that is before the event, else just before they
// begin.
func TestQuietHoursPlanned(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	p := newPlan([]time.Duration{time.Hour}, []time.Duration{3 * time.Hour})
	p.QuietHours = quiet()
	p.Sessions = []plan.Session{
		session("early", at(12, 6, 45)),    // due 05:45 → 06:30
		session("earliest", at(13, 6, 10)), // due 05:10 → 06:30 is too late → 21:29 the day before
	}
	p.Deadlines = []plan.Deadline{{ID: "morning", Title: "Nộp số liệu", Due: at(11, 9, 0), Kind: "data"}} // due 06:00 → 06:30
	c := e.cohort("c1", p)
	e.member("c1", "1", bot.Trainee, "Lạng Sơn")
	e.sync(c, at(9, 12, 0))

	want := map[string]time.Time{
		e.item("c1", "morning", 3*time.Hour).ID: at(11, 6, 30),
		e.item("c1", "early", time.Hour).ID:     at(12, 6, 30),
		e.item("c1", "earliest", time.Hour).ID:  at(12, 21, 29),
	}
	got := e.pending("c1")
	for id, due := range want {
		if !got[id].Equal(due) {
			t.Errorf("%s planned at %v, want %v", id, got[id].In(hcm), due)
		}
	}

	// Tick every 15 minutes and on the exact instants: each goes out
	// once, at its planned time and not before.
	r := e.runner()
	var ticks []time.Time
	for now := at(10, 0, 0); now.Before(at(14, 0, 0)); now = now.Add(15 * time.Minute) {
		ticks = append(ticks, now)
	}
	ticks = append(ticks, at(12, 21, 29))
	slices.SortFunc(ticks, func(a, b time.Time) int { return a.Compare(b) })
	first := map[string]time.Time{}
	for _, now := range ticks {
		e.tick(r, now)
		for id := range e.bot.sent() {
			if _, ok := first[id]; !ok {
				first[id] = now
			}
		}
	}
	for id, due := range want {
		if !first[id].Equal(due) {
			t.Errorf("%s went out at %v, want %v", id, first[id].In(hcm), due)
		}
	}
	for id, n := range e.bot.sent() {
		if n != 1 {
			t.Errorf("%s queued %d times", id, n)
		}
	}
}

// TestQuietHoursAtRun: a reminder claimed late, inside quiet hours, waits
// for their end when that is before the event, and goes at once when it
// is not.
func TestQuietHoursAtRun(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	p := newPlan([]time.Duration{12 * time.Hour, 9 * time.Hour}, nil)
	p.QuietHours = quiet()
	p.Sessions = []plan.Session{
		session("nine", at(11, 9, 0)), // 12h before: 21:00
		session("six", at(11, 6, 10)), // 9h before: 21:10
	}
	c := e.cohort("c1", p)
	e.member("c1", "1", bot.Trainee, "Lạng Sơn")
	e.sync(c, at(9, 12, 0))
	nine := e.item("c1", "nine", 12*time.Hour)
	six := e.item("c1", "six", 9*time.Hour)
	if !nine.Due.Equal(at(10, 21, 0)) || !six.Due.Equal(at(10, 21, 10)) {
		t.Fatalf("planned at %v and %v, want 21:00 and 21:10", nine.Due.In(hcm), six.Due.In(hcm))
	}

	r := e.runner()
	e.tick(r, at(10, 20, 45))
	// Down from 20:50 to 22:00.
	e.tick(r, at(10, 22, 0))
	if got := e.bot.outcome(nine.ID); !slices.Equal(got, []bot.DueOutcome{bot.DueDeferred}) {
		t.Errorf("nine: outcomes at 22:00 = %v, want [deferred]", got)
	}
	if got := e.pending("c1")[nine.ID]; !got.Equal(at(11, 6, 30)) {
		t.Errorf("nine: deferred to %v, want 06:30", got.In(hcm))
	}
	// Waiting for 06:30 would pass the 06:10 session: it goes now.
	if got := e.bot.outcome(six.ID); !slices.Equal(got, []bot.DueOutcome{bot.DueSent}) {
		t.Errorf("six: outcomes at 22:00 = %v, want [sent]", got)
	}
	for now := at(10, 22, 15); now.Before(at(11, 9, 0)); now = now.Add(15 * time.Minute) {
		e.tick(r, now)
		if sent := e.bot.sent()[nine.ID]; now.Before(at(11, 6, 30)) && sent != 0 {
			t.Fatalf("nine went out at %v, in quiet hours", now.In(hcm))
		}
	}
	if got := e.bot.outcome(nine.ID); !slices.Equal(got, []bot.DueOutcome{bot.DueDeferred, bot.DueSent}) {
		t.Errorf("nine: outcomes = %v, want [deferred sent]", got)
	}
	if got := e.bot.sent(); got[six.ID] != 1 || got[nine.ID] != 1 {
		t.Errorf("sent = %v, want each once", got)
	}
}

// TestSyncAfterPlanChange: plan apply moves a session and removes a
// deadline; their old reminders are cancelled, the moved session's new
// ones planned, and a reminder already sent is not added again.
func TestSyncAfterPlanChange(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	p := newPlan([]time.Duration{24 * time.Hour, time.Hour}, []time.Duration{24 * time.Hour, 2 * time.Hour})
	p.Sessions = []plan.Session{session("s1", at(12, 8, 0)), session("s2", at(13, 8, 0))}
	p.Deadlines = []plan.Deadline{{ID: "report", Title: "Nộp báo cáo", Due: at(15, 17, 0), Kind: "report"}}
	c := e.cohort("c1", p)
	e.member("c1", "1", bot.Trainee, "Lạng Sơn")
	e.sync(c, at(5, 12, 0))
	before := e.pending("c1")
	if len(before) != 6 {
		t.Fatalf("%d reminders planned, want 6", len(before))
	}
	s2day := e.item("c1", "s2", 24*time.Hour)
	s2hour := e.item("c1", "s2", time.Hour)
	old1 := []string{e.item("c1", "s1", 24*time.Hour).ID, e.item("c1", "s1", time.Hour).ID}
	oldReport := []string{e.item("c1", "report", 24*time.Hour).ID, e.item("c1", "report", 2*time.Hour).ID}

	// s1 moves from the 12th 08:00 to the 12th 14:00; the deadline goes.
	q := newPlan(p.Reminders.Sessions, p.Reminders.Deadlines)
	q.Sessions = []plan.Session{session("s1", at(12, 14, 0)), session("s2", at(13, 8, 0))}
	added, removed := e.replan("c1", q, at(6, 12, 0))
	if added != 2 || removed != 4 {
		t.Errorf("re-plan added %d and removed %d, want 2 and 4", added, removed)
	}
	after := e.pending("c1")
	for _, id := range append(old1, oldReport...) {
		if _, ok := after[id]; ok {
			t.Errorf("%s still planned after the change", id)
		}
	}
	for _, id := range []string{s2day.ID, s2hour.ID} {
		if !after[id].Equal(before[id]) {
			t.Errorf("untouched %s moved from %v to %v", id, before[id], after[id])
		}
	}
	new1 := e.item("c1", "s1", time.Hour)
	if !new1.Due.Equal(at(12, 13, 0)) || !new1.At.Equal(at(12, 14, 0)) {
		t.Errorf("moved session's reminder due %v for %v, want 13:00 for 14:00", new1.Due.In(hcm), new1.At.In(hcm))
	}

	// Over the course only the new reminders go out.
	r := e.runner()
	for now := at(11, 0, 0); now.Before(at(12, 12, 0)); now = now.Add(15 * time.Minute) {
		e.tick(r, now)
	}
	for _, id := range append(old1, oldReport...) {
		if n := e.bot.sent()[id]; n != 0 {
			t.Errorf("cancelled reminder %s sent %d times", id, n)
		}
	}
	if n := e.bot.sent()[e.item("c1", "s1", time.Hour).ID]; n != 0 {
		t.Errorf("moved session's 1h reminder sent before its time")
	}

	// s2's day-before reminder is sent at the 12th 08:00; a re-plan after
	// that, even one whose clock is behind, does not add it again.
	for now := at(12, 12, 0); !now.After(at(12, 13, 0)); now = now.Add(15 * time.Minute) {
		e.tick(r, now)
	}
	if n := e.bot.sent()[s2day.ID]; n != 1 {
		t.Fatalf("s2's day-before reminder sent %d times by 13:00, want 1", n)
	}
	q.Sessions[0].Place = "Hải Phòng" // any edit
	added, _ = e.replan("c1", q, at(12, 7, 0))
	if _, ok := e.pending("c1")[s2day.ID]; ok || added != 0 {
		t.Errorf("sent reminder %s planned again (added %d)", s2day.ID, added)
	}
	for now := at(12, 13, 15); now.Before(at(14, 0, 0)); now = now.Add(15 * time.Minute) {
		e.tick(r, now)
	}
	want := map[string]int{s2day.ID: 1, s2hour.ID: 1, new1.ID: 1, e.item2(t, "s1", 24*time.Hour, at(12, 14, 0)): 1}
	got := e.bot.sent()
	for id, n := range want {
		if id != "" && got[id] != n {
			t.Errorf("%s sent %d times, want %d", id, got[id], n)
		}
	}
	for id := range got {
		if _, ok := want[id]; !ok {
			t.Errorf("unexpected reminder sent: %s", id)
		}
	}
}

// item2 is the id a reminder of ref would have for an event at the given
// time and lead, found among the ones the bot ran ("" when none ran).
func (e *env) item2(t *testing.T, ref string, lead time.Duration, event time.Time) string {
	t.Helper()
	for id := range e.bot.sent() {
		if strings.Contains(id, ":"+ref+":") && strings.HasSuffix(id, fmt.Sprint(":", event.Unix())) &&
			strings.Contains(id, fmt.Sprint(":", int64(lead/time.Minute), "m:")) {
			return id
		}
	}
	return ""
}

// TestMovedSessionBeforeSync: a reminder claimed after the plan changed
// but before its reminders were re-planned is skipped, not sent with the
// old time.
func TestMovedSessionBeforeSync(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	p := newPlan([]time.Duration{time.Hour}, []time.Duration{time.Hour})
	p.Sessions = []plan.Session{session("s1", at(12, 8, 0))}
	p.Deadlines = []plan.Deadline{{ID: "d1", Title: "Nộp", Due: at(12, 17, 0)}}
	c := e.cohort("c1", p)
	e.member("c1", "1", bot.Trainee, "Lạng Sơn")
	e.sync(c, at(5, 12, 0))
	s1, d1 := e.item("c1", "s1", time.Hour), e.item("c1", "d1", time.Hour)
	q := newPlan(p.Reminders.Sessions, p.Reminders.Deadlines)
	q.Sessions = []plan.Session{session("s1", at(12, 9, 0))}
	if _, err := e.st.SavePlan(e.ctx(), "c1", q); err != nil {
		t.Fatal(err)
	}
	r := e.runner()
	e.tick(r, at(12, 7, 0))
	e.tick(r, at(12, 16, 0))
	for _, id := range []string{s1.ID, d1.ID} {
		if got := e.bot.outcome(id); !slices.Equal(got, []bot.DueOutcome{bot.DueSkipped}) {
			t.Errorf("%s: outcomes %v, want [skipped]", id, got)
		}
	}
	if n := e.ready(); n != 0 {
		t.Errorf("%d jobs queued for reminders of a changed plan", n)
	}
}

func TestDigestOncePerDayPerCohort(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	p := newPlan(nil, nil) // digest_at 07:30
	p.Sessions = []plan.Session{session("s1", at(20, 8, 0))}
	e.cohort("c1", p)
	e.cohort("c2", newPlan(nil, nil))
	none := newPlan(nil, nil)
	none.DigestAt = nil
	e.cohort("c3", none)
	o1, o2 := e.member("c1", "1", bot.Organiser, ""), e.member("c1", "2", bot.Organiser, "")
	e.member("c1", "3", bot.Trainee, "Lạng Sơn")
	e.member("c2", "4", bot.Organiser, "")
	e.member("c3", "5", bot.Organiser, "")

	runners := []*scheduler.Runner{e.runner(), e.runner()}
	digests := func(now time.Time) {
		t.Helper()
		if err := together(runners, func(r *scheduler.Runner) error { return r.Digests(e.ctx(), now) }); err != nil {
			t.Fatalf("Digests(%v): %v", now, err)
		}
	}
	snapshot := func() map[string]int {
		e.bot.mu.Lock()
		defer e.bot.mu.Unlock()
		return maps.Clone(e.bot.digests)
	}

	for _, now := range []time.Time{at(10, 7, 0), at(10, 7, 29), at(10, 7, 29).Add(59 * time.Second)} {
		digests(now)
	}
	if got := snapshot(); len(got) != 0 {
		t.Errorf("digests before 07:30: %v", got)
	}
	for _, now := range []time.Time{at(10, 7, 30), at(10, 7, 30), at(10, 7, 31), at(10, 7, 35), at(10, 7, 39).Add(59 * time.Second)} {
		digests(now)
	}
	for _, now := range []time.Time{at(10, 7, 40), at(10, 8, 0), at(10, 19, 30)} {
		digests(now)
	}
	want := map[string]int{"c1 2017-07-10": 1, "c2 2017-07-10": 1}
	if got := snapshot(); !maps.Equal(got, want) {
		t.Errorf("digests on the 10th = %v, want %v", got, want)
	}
	// The next day's window: once more each. A day the bot is down over
	// the whole window has none.
	digests(at(11, 7, 36))
	digests(at(11, 7, 37))
	digests(at(12, 7, 45))
	want["c1 2017-07-11"], want["c2 2017-07-11"] = 1, 1
	if got := snapshot(); !maps.Equal(got, want) {
		t.Errorf("digests = %v, want %v", got, want)
	}

	queued := e.queued()
	if got, want := queued["digest:c1:20170710"], []bot.UserKey{o1, o2}; !slices.Equal(got, want) {
		t.Errorf("c1's digest goes to %v, want the organisers %v", got, want)
	}
	if _, ok := queued["digest:c3:20170710"]; ok {
		t.Errorf("digest queued for a cohort without digest_at")
	}
}

func TestDeadlineRemindersSkipDoneGroups(t *testing.T) {
	t.Parallel()
	p := newPlan(nil, []time.Duration{24 * time.Hour})
	p.Deadlines = []plan.Deadline{
		{ID: "photos", Title: "Gửi ảnh dự thi", Due: at(20, 17, 0), Kind: "photos"},
		{ID: "report", Title: "Nộp báo cáo", Due: at(21, 17, 0), Kind: "report"},
	}
	// Lạng Sơn has sent its photos; Hải Phòng has not; one trainee has no
	// group yet.
	var mu sync.Mutex
	asked := map[string]int{}
	photosDone := func(_ context.Context, c *bot.Cohort, d plan.Deadline, group string) (bool, error) {
		mu.Lock()
		asked[c.ID+"/"+d.ID+"/"+group]++
		mu.Unlock()
		return group == "Lạng Sơn", nil
	}
	ls1, ls2, hp, nogroup := bot.UserKey("telegram:1"), bot.UserKey("telegram:2"), bot.UserKey("telegram:3"), bot.UserKey("telegram:4")
	all := []bot.UserKey{ls1, ls2, hp, nogroup}
	tests := []struct {
		name       string
		extra      []func(*store.Store) bot.Feature
		wantPhotos []bot.UserKey
		wantReport []bot.UserKey
	}{
		{name: "photos can be done", extra: []func(*store.Store) bot.Feature{func(*store.Store) bot.Feature {
			return bot.Feature{Name: "photos", Done: map[string]bot.DoneFunc{"photos": photosDone}}
		}}, wantPhotos: []bot.UserKey{hp, nogroup}, wantReport: all},
		{name: "nothing can be done yet", wantPhotos: all, wantReport: all},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, tc.extra...)
			c := e.cohort("c1", p)
			e.member("c1", "1", bot.Trainee, "Lạng Sơn")
			e.member("c1", "2", bot.Trainee, "Lạng Sơn")
			e.member("c1", "3", bot.Trainee, "Hải Phòng")
			e.member("c1", "4", bot.Trainee, "")
			e.member("c1", "5", bot.Lecturer, "")
			e.member("c1", "6", bot.Organiser, "")
			e.sync(c, at(10, 12, 0))
			photos, report := e.item("c1", "photos", 24*time.Hour), e.item("c1", "report", 24*time.Hour)
			r := e.runner()
			e.tick(r, at(19, 17, 0))
			e.tick(r, at(20, 17, 0))
			queued := e.queued()
			if got := queued[photos.ID]; !slices.Equal(got, tc.wantPhotos) {
				t.Errorf("photos reminder goes to %v, want %v", got, tc.wantPhotos)
			}
			if got := queued[report.ID]; !slices.Equal(got, tc.wantReport) {
				t.Errorf("report reminder goes to %v, want %v", got, tc.wantReport)
			}
		})
	}
	mu.Lock()
	defer mu.Unlock()
	for k := range asked {
		if !strings.HasPrefix(k, "c1/photos/") {
			t.Errorf("done func asked about %s: only photos deadlines are its", k)
		}
	}
	if asked["c1/photos/Lạng Sơn"] == 0 || asked["c1/photos/Hải Phòng"] == 0 {
		t.Errorf("done func not asked for both groups: %v", asked)
	}
}

// TestDueReminderSurvivesReplan: a re-plan while the bot is down (plan
// apply from the command line, or SyncAll at start) keeps the reminders
// that fell due meanwhile and those waiting for the end of quiet hours,
// so they go out late as the rule says instead of being dropped.
func TestDueReminderSurvivesReplan(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	p := newPlan([]time.Duration{time.Hour, 12 * time.Hour}, nil)
	p.QuietHours = quiet()
	p.Sessions = []plan.Session{session("open", at(10, 10, 0)), session("nine", at(11, 9, 0)), session("gone", at(10, 10, 30))}
	c := e.cohort("c1", p)
	e.member("c1", "1", bot.Trainee, "Lạng Sơn")
	e.sync(c, at(9, 12, 0))
	open := e.item("c1", "open", time.Hour)    // due the 10th 09:00
	nine := e.item("c1", "nine", 12*time.Hour) // due the 10th 21:00
	gone := e.item("c1", "gone", time.Hour)    // due the 10th 09:30

	// Down from before 09:00 until 09:40; on the way back up the plan is
	// applied again with "gone" removed.
	q := newPlan(p.Reminders.Sessions, p.Reminders.Deadlines)
	q.QuietHours = quiet()
	q.Sessions = p.Sessions[:2]
	e.replan("c1", q, at(10, 9, 40))
	if _, ok := e.pending("c1")[gone.ID]; ok {
		t.Errorf("reminder of a removed session kept")
	}
	r := e.runner()
	e.tick(r, at(10, 9, 40))
	if got := e.bot.sent(); got[open.ID] != 1 {
		t.Errorf("reminder due during the downtime sent %d times after the re-plan, want 1", got[open.ID])
	}

	// Claimed at 22:00 (late), "nine" waits for 06:30; a re-plan in the
	// night keeps it waiting.
	e.tick(r, at(10, 22, 0))
	e.replan("c1", q, at(10, 23, 0))
	if got := e.pending("c1")[nine.ID]; !got.Equal(at(11, 6, 30)) {
		t.Errorf("deferred reminder after a re-plan: due %v, want 06:30", got.In(hcm))
	}
	e.tick(r, at(11, 6, 30))
	if got := e.bot.outcome(nine.ID); !slices.Equal(got, []bot.DueOutcome{bot.DueDeferred, bot.DueSent}) {
		t.Errorf("deferred reminder: outcomes %v, want [deferred sent]", got)
	}
}

func TestOverdueRemindersOfOneEventSendOnlyTheNearest(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	p := newPlan([]time.Duration{24 * time.Hour, time.Hour}, nil)
	p.Sessions = []plan.Session{session("open", at(10, 10, 0))}
	c := e.cohort("c1", p)
	e.member("c1", "1", bot.Trainee, "Lạng Sơn")
	e.sync(c, at(8, 12, 0))
	day, hour := e.item("c1", "open", 24*time.Hour), e.item("c1", "open", time.Hour)

	// Down from the day before until 09:30: both are overdue.
	e.tick(e.runner(), at(10, 9, 30))
	if got := e.bot.outcome(day.ID); !slices.Equal(got, []bot.DueOutcome{bot.DueSkipped}) {
		t.Errorf("1-day reminder = %v, want skipped for the nearer one", got)
	}
	if got := e.bot.outcome(hour.ID); !slices.Equal(got, []bot.DueOutcome{bot.DueSent}) {
		t.Errorf("1-hour reminder = %v, want sent", got)
	}
	if n := len(e.texts(day.ID)); n != 0 {
		t.Errorf("1-day reminder queued %d messages", n)
	}
}

func TestNoDigestForAFinishedCourse(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	p := newPlan(nil, nil)
	p.Sessions = []plan.Session{session("last", at(10, 8, 0))}
	e.cohort("c1", p)
	e.member("c1", "1", bot.Organiser, "")
	r := e.runner()
	for _, now := range []time.Time{at(17, 7, 31), at(18, 7, 31)} {
		if err := r.Digests(e.ctx(), now); err != nil {
			t.Fatal(err)
		}
	}
	e.bot.mu.Lock()
	got := maps.Clone(e.bot.digests)
	e.bot.mu.Unlock()
	// The 17th is within a week of the last session; the 18th is not.
	want := map[string]int{"c1 2017-07-17": 1}
	if !maps.Equal(got, want) {
		t.Errorf("digests = %v, want %v", got, want)
	}
}

func TestExtendedVotingCloseSurvivesReplan(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(st *store.Store) bot.Feature { return contest.New(st).Feature() })
	p := newPlan(nil, nil)
	p.Contest = &plan.Contest{
		Submissions: plan.Window{Opens: at(1, 0, 0), Closes: at(5, 0, 0)},
		Voting:      plan.Window{Opens: at(6, 8, 0), Closes: at(8, 12, 0)},
		Categories:  []string{"Nước"}, LecturerWeight: 1, Totals: plan.Hidden,
	}
	c := e.cohort("c1", p)
	e.sync(c, at(6, 9, 0))
	// An organiser extends voting by a day before the plan's close.
	extended := bot.DueItem{ID: contest.ContestClosePrefix() + "c1:ext", Kind: contest.DueContestClose, Cohort: "c1", Ref: "contest", At: at(9, 12, 0), Due: at(9, 12, 0)}
	if err := e.st.AddDue(e.ctx(), extended); err != nil {
		t.Fatal(err)
	}
	// A plan apply after the plan's close re-plans: the extended close stays.
	e.sync(e.reload("c1"), at(8, 13, 0))
	items, err := e.st.PendingDue(e.ctx(), "c1", contest.ContestClosePrefix())
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, it := range items {
		ids = append(ids, it.ID)
	}
	if !slices.Contains(ids, extended.ID) {
		t.Errorf("pending closes after re-plan = %v, want the extended one kept", ids)
	}
}
