package scheduler_test

import (
	"context"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/cohortbot/cohortbot/bot"
	"github.com/cohortbot/cohortbot/bot/announce"
	"github.com/cohortbot/cohortbot/bot/bottest"
	"github.com/cohortbot/cohortbot/bot/plan"
	"github.com/cohortbot/cohortbot/bot/timetable"
	"github.com/cohortbot/cohortbot/internal/redistest"
	"github.com/cohortbot/cohortbot/scheduler"
	"github.com/cohortbot/cohortbot/store"
)

// hcm is the cohorts' zone.
var hcm = mustZone("Asia/Ho_Chi_Minh")

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// at is a wall-clock instant in Hà Nội: at(10, 8, 0) is 10 July 2017 08:00.
func at(day, hour, minute int) time.Time {
	return time.Date(2017, time.July, day, hour, minute, 0, 0, hcm)
}

// countingBot is the bot.Bot the runner drives, counting what each job
// did, so that a job run twice shows even though the outbox would
// swallow the second enqueue.
type countingBot struct {
	*bot.Bot
	mu       sync.Mutex
	outcomes map[string][]bot.DueOutcome
	digests  map[string]int
}

func (c *countingBot) RunDue(ctx context.Context, it bot.DueItem, now time.Time) (bot.DueOutcome, time.Time, error) {
	out, next, err := c.Bot.RunDue(ctx, it, now)
	if err == nil {
		c.mu.Lock()
		c.outcomes[it.ID] = append(c.outcomes[it.ID], out)
		c.mu.Unlock()
	}
	return out, next, err
}

func (c *countingBot) Digest(ctx context.Context, co *bot.Cohort, since, now time.Time) error {
	c.mu.Lock()
	c.digests[co.ID+" "+now.In(co.Plan.Location).Format("2006-01-02")]++
	c.mu.Unlock()
	return c.Bot.Digest(ctx, co, since, now)
}

// sent is how many times each reminder was queued.
func (c *countingBot) sent() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := map[string]int{}
	for id, outs := range c.outcomes {
		for _, o := range outs {
			if o == bot.DueSent {
				out[id]++
			}
		}
	}
	return out
}

func (c *countingBot) outcome(id string) []bot.DueOutcome {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.outcomes[id])
}

// env is a real Redis, a store on it and a bot with the outbox.
type env struct {
	t      testing.TB
	st     *store.Store
	direct *bottest.Counter
	bot    *countingBot
	fs     bot.Features
}

// newEnv's bot runs the announcements and the timetable, and the extra
// features made on its store.
func newEnv(tb testing.TB, extra ...func(*store.Store) bot.Feature) *env {
	tb.Helper()
	srv := redistest.Start(tb)
	st := store.New(srv.Client())
	rec := &bottest.Counter{}
	fs := bot.Features{announce.New(st).Feature(), timetable.New(st).Feature()}
	for _, f := range extra {
		fs = append(fs, f(st))
	}
	b := bot.New(bot.Config{}, st, rec, fs, bot.WithOutbox(st))
	e := &env{t: tb, st: st, direct: rec, fs: fs, bot: &countingBot{Bot: b, outcomes: map[string][]bot.DueOutcome{}, digests: map[string]int{}}}
	tb.Cleanup(func() {
		if n := rec.N(); n != 0 {
			tb.Errorf("%d messages sent directly; every job must go through the outbox", n)
		}
	})
	return e
}

func (e *env) ctx() context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	e.t.Cleanup(cancel)
	return ctx
}

func (e *env) runner() *scheduler.Runner {
	return &scheduler.Runner{Store: e.st, Bot: e.bot, Log: slog.New(slog.DiscardHandler)}
}

// newPlan is a plan in Hà Nội with no sessions, deadlines or quiet hours
// and the given leads.
func newPlan(sessionLeads, deadlineLeads []time.Duration) *plan.Plan {
	p := plan.Default("Nâng cao kỹ năng thực hành đánh giá SXSH", hcm)
	p.Groups = []string{"Bà Rịa – Vũng Tàu", "Lạng Sơn", "Hải Phòng"}
	p.Reminders = plan.Reminders{Sessions: sessionLeads, Deadlines: deadlineLeads}
	return p
}

func session(id string, starts time.Time) plan.Session {
	return plan.Session{ID: id, Title: "Buổi " + id, Starts: starts, Ends: starts.Add(3 * time.Hour), Place: "Hà Nội"}
}

// quiet is 21:30-06:30.
func quiet() *plan.ClockRange {
	return &plan.ClockRange{From: plan.Clock{Hour: 21, Minute: 30}, To: plan.Clock{Hour: 6, Minute: 30}}
}

// cohort stores a cohort with the plan and returns it as read back.
func (e *env) cohort(id string, p *plan.Plan) *bot.Cohort {
	e.t.Helper()
	c := &bot.Cohort{ID: id, Name: p.Name, Plan: p, ViewKey: "k-" + id, Created: at(1, 8, 0)}
	if err := e.st.CreateCohort(e.ctx(), c); err != nil {
		e.t.Fatal(err)
	}
	return e.reload(id)
}

func (e *env) reload(id string) *bot.Cohort {
	e.t.Helper()
	c, err := e.st.Cohort(e.ctx(), id)
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

// replan saves a changed plan as `plan apply` does and re-plans the
// cohort's reminders at now.
func (e *env) replan(id string, p *plan.Plan, now time.Time) (added, removed int) {
	e.t.Helper()
	if _, err := e.st.SavePlan(e.ctx(), id, p); err != nil {
		e.t.Fatal(err)
	}
	planned, err := scheduler.Sync(e.ctx(), e.st, e.fs, e.reload(id), now)
	if err != nil {
		e.t.Fatal(err)
	}
	return planned["reminders"].Added, planned["reminders"].Removed
}

func (e *env) sync(c *bot.Cohort, now time.Time) {
	e.t.Helper()
	if _, err := scheduler.Sync(e.ctx(), e.st, e.fs, c, now); err != nil {
		e.t.Fatal(err)
	}
}

// member adds a registered member.
func (e *env) member(cohort string, id string, role bot.Role, group string) bot.UserKey {
	e.t.Helper()
	u := bot.NewUserKey(bot.Telegram, id)
	m := &bot.Member{User: u, Cohort: cohort, Role: role, Name: "Người " + id, Group: group, Joined: at(1, 9, 0), Registered: true}
	if err := e.st.PutMember(e.ctx(), m); err != nil {
		e.t.Fatal(err)
	}
	return u
}

func (e *env) tick(r *scheduler.Runner, now time.Time) {
	e.t.Helper()
	if err := r.Tick(e.ctx(), now); err != nil {
		e.t.Fatalf("Tick(%v): %v", now, err)
	}
}

// pending is the cohort's pending reminders: id → due.
func (e *env) pending(cohort string) map[string]time.Time {
	e.t.Helper()
	items, err := e.st.PendingDue(e.ctx(), cohort, "r")
	if err != nil {
		e.t.Fatal(err)
	}
	out := map[string]time.Time{}
	for _, it := range items {
		out[it.ID] = it.Due
	}
	return out
}

// queued reads every job waiting in the outbox, by batch (a reminder's
// batch id is its item id), and the recipients of each.
func (e *env) queued() map[string][]bot.UserKey {
	e.t.Helper()
	jobs, err := e.st.ClaimJobs(e.ctx(), "test", time.Now().Add(time.Hour), time.Hour, 100_000, store.AllJobs)
	if err != nil {
		e.t.Fatal(err)
	}
	out := map[string][]bot.UserKey{}
	for _, j := range jobs {
		out[j.Batch] = append(out[j.Batch], j.User)
	}
	for _, us := range out {
		slices.Sort(us)
	}
	return out
}

// texts reads the queued messages' texts of one batch.
func (e *env) texts(batch string) []string {
	e.t.Helper()
	jobs, err := e.st.ClaimJobs(e.ctx(), "test", time.Now().Add(time.Hour), time.Hour, 100_000, store.AllJobs)
	if err != nil {
		e.t.Fatal(err)
	}
	var out []string
	for _, j := range jobs {
		if j.Batch == batch {
			out = append(out, j.Msg.Text)
		}
	}
	return out
}

// ready is the number of jobs waiting in the outbox.
func (e *env) ready() int64 {
	e.t.Helper()
	n, err := e.st.Client().ZCard(e.ctx(), "{o}:ready").Result()
	if err != nil {
		e.t.Fatal(err)
	}
	return n
}

// item finds the cohort's pending reminder of ref with the given lead.
func (e *env) item(cohort, ref string, lead time.Duration) bot.DueItem {
	e.t.Helper()
	items, err := e.st.PendingDue(e.ctx(), cohort, "r")
	if err != nil {
		e.t.Fatal(err)
	}
	for _, it := range items {
		if it.Ref == ref && it.Lead == lead {
			return it
		}
	}
	e.t.Fatalf("no pending reminder of %s %v before; pending: %v", ref, lead, e.pending(cohort))
	return bot.DueItem{}
}
