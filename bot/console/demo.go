package console

import (
	"context"
	"fmt"
	"time"

	"github.com/cohortbot/cohortbot/bot"
	"github.com/cohortbot/cohortbot/bot/plan"
	"github.com/cohortbot/cohortbot/docs"
)

// DemoStore is what the demo needs to write.
type DemoStore interface {
	bot.CohortCreator
	PutMember(ctx context.Context, m *bot.Member) error
	SetActive(ctx context.Context, user bot.UserKey, cohort string) error
}

// DemoMember is one of the ready-made people of the demo cohort.
type DemoMember struct {
	Handle string // what to type after /as
	Name   string
	Role   bot.Role
	Group  string
}

// Demo is the demo cohort and its people.
type Demo struct {
	*bot.NewCohort
	Members []DemoMember
}

// DemoPlan is the sample course of docs/plan.sample.yaml moved by whole
// days so that now falls three days before photos and reports are due:
// phase 1 is over, the contest takes photos, phase 2 is a week away, and
// reminders are live. Report scoring is open from today.
func DemoPlan(now time.Time) (*plan.Plan, error) {
	p, err := plan.Parse("docs/plan.sample.yaml", docs.SamplePlan)
	if err != nil {
		return nil, fmt.Errorf("sample plan: %w", err)
	}
	anchor := p.Contest.Submissions.Closes.Add(-3 * 24 * time.Hour)
	days := int(now.Sub(anchor).Hours()/24) + 1
	shifted := p.Shift(time.Duration(days) * 24 * time.Hour)
	shifted.Name = "Nâng cao kỹ năng thực hành đánh giá SXSH (demo)"
	if sc := shifted.Scoring; sc != nil {
		// Report scoring opens today instead of at phase 2, so that the
		// demo walks it too (a report, then its score and the ranking);
		// it still closes at phase 2.
		y, m, d := now.In(shifted.Location).Date()
		sc.Window.Opens = time.Date(y, m, d, 0, 0, 0, 0, shifted.Location)
	}
	// A session running now, so that /checkincode has one to make a code
	// for; it starts on the minute, a quarter of an hour ago.
	starts := now.In(shifted.Location).Truncate(time.Minute).Add(-15 * time.Minute)
	shifted.Sessions = append(shifted.Sessions, plan.Session{
		ID: "demo-now", Phase: 2, Title: "Buổi học đang diễn ra (thử điểm danh)", Starts: starts, Ends: starts.Add(3 * time.Hour), Place: "Trực tuyến",
	})
	if shifted.Certificate != nil {
		// The demo's certificate asks attendance only, so that one can be
		// walked through at once, before any report.
		shifted.Certificate.Requires.Report = false
	}
	return shifted, nil
}

// CreateDemo stores the demo cohort with a member of each role.
func CreateDemo(ctx context.Context, st DemoStore, now time.Time) (*Demo, error) {
	p, err := DemoPlan(now)
	if err != nil {
		return nil, err
	}
	nc, err := bot.CreateCohort(ctx, st, p, now)
	if err != nil {
		return nil, err
	}
	d := &Demo{NewCohort: nc, Members: []DemoMember{
		{Handle: "btc", Name: "Trần Văn Hùng", Role: bot.Organiser},
		{Handle: "gv", Name: "Nguyễn Minh Đức", Role: bot.Lecturer},
		{Handle: "lan", Name: "Lê Thị Lan", Role: bot.Trainee, Group: p.Groups[1]},
		{Handle: "hai", Name: "Phạm Văn Hải", Role: bot.Trainee, Group: p.Groups[2]},
	}}
	for _, dm := range d.Members {
		user := bot.NewUserKey(bot.Console, dm.Handle)
		m := &bot.Member{User: user, Cohort: nc.Cohort.ID, Role: dm.Role, Name: dm.Name, Group: dm.Group, Joined: now, Registered: true}
		if err := st.PutMember(ctx, m); err != nil {
			return nil, fmt.Errorf("demo member: %w", err)
		}
		if err := st.SetActive(ctx, user, nc.Cohort.ID); err != nil {
			return nil, fmt.Errorf("demo member: %w", err)
		}
	}
	return d, nil
}
