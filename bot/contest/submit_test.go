package contest_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cohortbot/cohortbot/bot"
	"github.com/cohortbot/cohortbot/bot/announce"
	"github.com/cohortbot/cohortbot/bot/bottest"
	"github.com/cohortbot/cohortbot/bot/contest"
	"github.com/cohortbot/cohortbot/bot/plan"
	"github.com/cohortbot/cohortbot/bot/timetable"
	"github.com/cohortbot/cohortbot/docs"
	"github.com/cohortbot/cohortbot/internal/redistest"
	"github.com/cohortbot/cohortbot/store"
)

// errDied stands for the process dying: the handler stops where it is
// and the update, never acknowledged, is handled again.
var errDied = errors.New("process died")

// dyingStore dies once at the submission, after the entries changed
// (after) or before.
type dyingStore struct {
	*store.Store
	after bool

	mu   sync.Mutex
	died bool
}

func (s *dyingStore) UpdateEntries(ctx context.Context, cohort string, author bot.UserKey, changes []contest.EntryChange, window *plan.Window, audit string, now time.Time) ([]int64, error) {
	s.mu.Lock()
	die := audit == "submit" && !s.died
	s.died = s.died || die
	s.mu.Unlock()
	if die && !s.after {
		return nil, errDied
	}
	done, err := s.Store.UpdateEntries(ctx, cohort, author, changes, window, audit, now)
	if die {
		return nil, errDied
	}
	return done, err
}

// TestContestSubmitRedelivered: the process dies while a trainee's answer
// submits her photo, before or after the entry changed; the answer comes
// again, and the organisers are asked exactly once. The same answer sent
// (or the same button pressed) once more, before or after, asks nothing
// more.
func TestContestSubmitRedelivered(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	p, err := plan.Parse("plan.sample.yaml", docs.SamplePlan)
	if err != nil {
		t.Fatal(err)
	}
	if !p.Contest.Moderation {
		t.Fatal("the sample plan's contest is not moderated")
	}
	now := p.Contest.Submissions.Opens.Add(time.Hour)
	const org, org2, lan bot.UserKey = "telegram:1", "telegram:2", "telegram:3"

	tests := []struct {
		name  string
		after bool // dies after the entry changed
		press bool // the enterprise is skipped with the button, not typed
		// again sends the answer again before the redelivery, as when
		// another replica takes the redelivered update a minute later.
		again bool
	}{
		{"typed, died after the change", true, false, false},
		{"pressed, died after the change", true, true, false},
		{"typed, died before the change", false, false, false},
		{"pressed, died before the change", false, true, false},
		{"typed again before the redelivery", true, false, true},
		{"pressed again before the redelivery", true, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := &dyingStore{Store: store.New(redistest.Start(t).Client()), after: tt.after}
			c := &bot.Cohort{ID: "sub1", Name: "SXSH 2017", Plan: p, ViewKey: "k", Created: now}
			if err := st.CreateCohort(ctx, c); err != nil {
				t.Fatal(err)
			}
			for _, m := range []*bot.Member{
				{User: org, Cohort: c.ID, Role: bot.Organiser, Name: "Trần Văn Hùng", Registered: true, Joined: now},
				{User: org2, Cohort: c.ID, Role: bot.Organiser, Name: "Ngô Thị Mai", Registered: true, Joined: now},
				{User: lan, Cohort: c.ID, Role: bot.Trainee, Name: "Lê Thị Lan", Group: "Lạng Sơn", Registered: true, Joined: now},
			} {
				if err := st.PutMember(ctx, m); err != nil {
					t.Fatal(err)
				}
			}
			if err := st.SetActive(ctx, lan, c.ID); err != nil {
				t.Fatal(err)
			}
			sender := &bottest.Sender{}
			b := bot.New(bot.Config{}, st, sender, bot.Features{announce.New(st).Feature(), contest.New(st).Feature(), timetable.New(st).Feature()}, bot.WithClock(func() time.Time { return now }), bot.WithOutbox(st.Store))

			var id int64
			update := func(kind bot.Kind, text, data string) *bot.Update {
				id++
				u := &bot.Update{ID: id, Platform: bot.Telegram, Kind: kind, Time: now, Received: now,
					User: lan, Chat: lan.PrivateChat(), ChatType: bot.Private, Text: text}
				switch kind {
				case bot.KindPhoto:
					u.Photo = &bot.File{ID: "f1", UniqueID: "u1", Size: 200_000}
				case bot.KindCallback:
					u.Callback = &bot.Callback{ID: fmt.Sprint("cb", id), Data: data + ":" + c.ID}
				}
				return u
			}
			handle := func(u *bot.Update) {
				t.Helper()
				if err := b.Handle(ctx, u); err != nil {
					t.Fatalf("update %d: %v", u.ID, err)
				}
			}
			answer := func() *bot.Update {
				if tt.press {
					return update(bot.KindCallback, "", "ph:es:1")
				}
				return update(bot.KindText, "Công ty Bia Hà Nội", "")
			}
			asked := func() map[bot.UserKey]int {
				t.Helper()
				jobs, err := st.ClaimJobs(ctx, "test", time.Now().Add(time.Minute), time.Minute, 100, store.AllJobs)
				if err != nil {
					t.Fatal(err)
				}
				got := map[bot.UserKey]int{}
				for _, j := range jobs {
					if strings.HasPrefix(j.Batch, "ph-mod:") {
						got[j.User]++
					}
					if err := st.ResolveJob(ctx, j.ID, store.Sent, "", time.Time{}); err != nil {
						t.Fatal(err)
					}
				}
				return got
			}

			handle(update(bot.KindPhoto, "Vòi nước rò rỉ suốt ca làm việc", ""))
			handle(update(bot.KindCallback, "", "ph:cat:1:1"))
			died := answer()
			handle(died)
			if !st.died {
				t.Fatal("the submission never reached the store")
			}
			if tt.again {
				handle(answer())
				if got := asked(); len(got) != 0 {
					t.Errorf("the answer sent again asked the organisers %v times", got)
				}
			}
			handle(died) // redelivered
			if got := asked(); got[org] != 1 || got[org2] != 1 || len(got) != 2 {
				t.Errorf("after the redelivery the organisers were asked %v times, want once each", got)
			}
			ent := "Công ty Bia Hà Nội"
			if tt.press {
				ent = ""
			}
			entries, err := st.AuthorEntries(ctx, c.ID, lan)
			if err != nil || len(entries) != 1 {
				t.Fatalf("entries = %+v, %v; want one", entries, err)
			}
			if e := entries[0]; e.Status != contest.EntryPending || e.Category != "Nước" || e.Enterprise != ent {
				t.Errorf("entry = %s %q %q, want pending, Nước, %q", e.Status, e.Category, e.Enterprise, ent)
			}
			if want := tx(bot.VI, "contest.ph.submitted_moderated", "1", "Nước"); !sender.Sent(want) {
				t.Errorf("the trainee was never told %q", want)
			}

			handle(died)     // redelivered once more, after it was done
			handle(answer()) // the answer sent again
			if got := asked(); len(got) != 0 {
				t.Errorf("sent again, the answer asked the organisers %v times more", got)
			}
		})
	}
}
