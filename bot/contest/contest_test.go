package contest_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/cohortbot/cohortbot/bot"
	"github.com/cohortbot/cohortbot/bot/bottest"
	"github.com/cohortbot/cohortbot/bot/contest"
	"github.com/cohortbot/cohortbot/bot/plan"
	"github.com/cohortbot/cohortbot/docs"
	"github.com/cohortbot/cohortbot/internal/redistest"
	"github.com/cohortbot/cohortbot/scheduler"
	"github.com/cohortbot/cohortbot/store"
)

// TestContestCloseDueItem: the close of voting is planned with the
// reminders; when it falls due while an organiser's extension keeps voting
// open it waits for the new close, then the organisers get the proposed
// results once. The done seam and the digest see the contest too.
func TestContestCloseDueItem(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	st := store.New(redistest.Start(t).Client())
	p, err := plan.Parse("plan.sample.yaml", docs.SamplePlan)
	if err != nil {
		t.Fatal(err)
	}
	pc := p.Contest
	inSub := pc.Submissions.Opens.Add(time.Hour)
	c := &bot.Cohort{ID: "cc1", Name: "SXSH 2017", Plan: p, ViewKey: "k", Created: inSub}
	if err := st.CreateCohort(ctx, c); err != nil {
		t.Fatal(err)
	}
	const org, lan, hai bot.UserKey = "telegram:1", "telegram:2", "telegram:3"
	for _, m := range []*bot.Member{
		{User: org, Cohort: c.ID, Role: bot.Organiser, Name: "Trần Văn Hùng", Registered: true, Joined: inSub},
		{User: lan, Cohort: c.ID, Role: bot.Trainee, Name: "Lê Thị Lan", Group: "Lạng Sơn", Registered: true, Joined: inSub},
		{User: hai, Cohort: c.ID, Role: bot.Trainee, Name: "Phạm Văn Hải", Group: "Hải Phòng", Registered: true, Joined: inSub},
	} {
		if err := st.PutMember(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	now := inSub
	sender := &bottest.Sender{}
	b := bot.New(bot.Config{}, st, sender, features(st), bot.WithClock(func() time.Time { return now }))

	e := &contest.Entry{Cohort: c.ID, Author: lan, Group: "Lạng Sơn", FileID: "f1", UniqueID: "u1", Category: "Nước", Created: inSub}
	res, err := st.SubmitEntry(ctx, e, contest.SubmitLimits{Photos: 5, Drafts: contest.MaxDraftsPerMember, Entries: contest.MaxEntriesPerMember, Cohort: contest.MaxEntriesPerCohort}, pc.Submissions, inSub)
	if err != nil || res.Status != contest.SubmitOK {
		t.Fatalf("SubmitEntry: %+v %v", res, err)
	}
	e.N = res.N
	if _, err := st.UpdateEntries(ctx, c.ID, lan, []contest.EntryChange{{N: e.N, From: contest.EntryDraft, To: contest.EntryApproved, Entry: e}}, nil, "submit", inSub); err != nil {
		t.Fatal(err)
	}
	photos, _ := p.Deadline("photos")
	for group, want := range map[string]bool{"Lạng Sơn": true, "Hải Phòng": false} {
		if done, err := b.Done(ctx, c, photos, group); err != nil || done != want {
			t.Errorf("photos deadline done for %s = %v, %v; want %v", group, done, err, want)
		}
	}

	inVote := pc.Voting.Opens.Add(time.Hour)
	if r, err := st.Vote(ctx, contest.VoteRequest{Cohort: c.ID, Voter: hai, Group: "Hải Phòng", N: e.N, Cast: true, Weight: 1, Window: pc.Voting, Now: inVote}); err != nil || r != contest.VoteOK {
		t.Fatalf("Vote: %v %v", r, err)
	}

	if _, err := scheduler.Sync(ctx, st, b.Features(), c, inSub); err != nil {
		t.Fatal(err)
	}
	items, err := st.PendingDue(ctx, c.ID, "cc:")
	if err != nil || len(items) != 1 || !items[0].Due.Equal(pc.Voting.Closes) {
		t.Fatalf("contest close items = %+v, %v", items, err)
	}
	// An organiser gives voting one more day.
	extended := plan.Window{Opens: pc.Voting.Opens, Closes: pc.Voting.Closes.Add(24 * time.Hour)}
	if ok, err := st.SetContestWindows(ctx, c.ID, contest.WindowChange{Vote: &extended, By: org, Now: inVote, Action: "vote_extend"}); !ok || err != nil {
		t.Fatal(ok, err)
	}
	r := &scheduler.Runner{Store: st, Bot: b, Log: slog.New(slog.DiscardHandler)}
	proposals := func() []bot.Message {
		var out []bot.Message
		for _, m := range sender.Messages() {
			if strings.Contains(m.Text, "Đề xuất") {
				out = append(out, m)
			}
		}
		return out
	}
	now = pc.Voting.Closes.Add(time.Minute)
	if err := r.Tick(ctx, now); err != nil {
		t.Fatal(err)
	}
	if got := proposals(); len(got) != 0 {
		t.Fatalf("results proposed while voting is extended: %v", got)
	}
	now = extended.Closes.Add(time.Minute)
	for range 2 {
		if err := r.Tick(ctx, now); err != nil {
			t.Fatal(err)
		}
	}
	got := proposals()
	if len(got) != 1 || got[0].Chat != org.PrivateChat() {
		t.Fatalf("proposals = %+v, want one to the organiser", got)
	}
	if !strings.Contains(got[0].Text, "1. Ảnh số 1 · Nước · Lạng Sơn — Lê Thị Lan — 1 điểm, 1 người bình chọn") ||
		len(got[0].Buttons) != 1 || got[0].Buttons[0][0].Data != "res:ok:"+c.ID {
		t.Errorf("proposal = %q %v", got[0].Text, got[0].Buttons)
	}
	if items, _ := st.PendingDue(ctx, c.ID, "cc:"); len(items) != 0 {
		t.Errorf("close item still pending: %+v", items)
	}

	if err := b.Digest(ctx, c, inSub.Add(-time.Hour), now); err != nil {
		t.Fatal(err)
	}
	last := sender.Last()
	if !strings.Contains(last.Text, "📷 Thi ảnh: 1 ảnh mới, 0 chờ duyệt, 1 đã duyệt; 1 phiếu bình chọn của 1 người.") {
		t.Errorf("digest = %q", last.Text)
	}
}
