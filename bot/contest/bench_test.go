package contest_test

import (
	"context"
	"fmt"
	"math"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cohortbot/cohortbot/bot"
	"github.com/cohortbot/cohortbot/bot/bottest"
	"github.com/cohortbot/cohortbot/bot/contest"
	"github.com/cohortbot/cohortbot/bot/plan"
	"github.com/cohortbot/cohortbot/docs"
	"github.com/cohortbot/cohortbot/store"
	"github.com/redis/go-redis/v9"
)

// benchContest is a cohort of the sample plan with photos approved photos
// and voters members (a tenth of them lecturers), the bot's clock in the
// voting window.
func benchContest(b *testing.B, photos, voters int) (*store.Store, *redis.Client, *bot.Cohort, []bot.UserKey, time.Time) {
	b.Helper()
	ctx := context.Background()
	rdb := redis.NewClient(&redis.Options{Addr: bottest.BenchRedis(b), PoolSize: 64})
	b.Cleanup(func() { rdb.Close() })
	st := store.New(rdb)
	p, err := plan.Parse("plan.sample.yaml", docs.SamplePlan)
	if err != nil {
		b.Fatal(err)
	}
	pc := p.Contest
	inSub := pc.Submissions.Opens.Add(time.Hour)
	nc, err := bot.CreateCohort(ctx, st, p, inSub)
	if err != nil {
		b.Fatal(err)
	}
	c := nc.Cohort
	parallel(b, photos, func(i int) error {
		author := bot.NewUserKey(bot.Telegram, fmt.Sprint(5_000_000+i))
		e := &contest.Entry{Cohort: c.ID, Author: author, Group: p.Groups[i%len(p.Groups)], FileID: fmt.Sprintf("AgAC%07d", i),
			UniqueID: fmt.Sprintf("AQAD%07d", i), Category: pc.Categories[i%len(pc.Categories)], Caption: "Lãng phí nước ở khâu rửa chai", Created: inSub}
		res, err := st.SubmitEntry(ctx, e, contest.SubmitLimits{Drafts: math.MaxInt32, Entries: math.MaxInt32, Cohort: math.MaxInt32}, pc.Submissions, inSub)
		if err != nil {
			return err
		}
		e.N = res.N
		_, err = st.UpdateEntries(ctx, c.ID, author, []contest.EntryChange{{N: e.N, From: contest.EntryDraft, To: contest.EntryApproved, Entry: e}}, nil, "submit", inSub)
		return err
	})
	users := make([]bot.UserKey, voters)
	parallel(b, voters, func(i int) error {
		u := bot.NewUserKey(bot.Telegram, fmt.Sprint(1_000_000+i))
		users[i] = u
		m := &bot.Member{User: u, Cohort: c.ID, Role: bot.Trainee, Name: "Học viên", Group: p.Groups[i%len(p.Groups)], Registered: true}
		if i%10 == 0 {
			m.Role, m.Group = bot.Lecturer, ""
		}
		if err := st.PutMember(ctx, m); err != nil {
			return err
		}
		return st.SetActive(ctx, u, c.ID)
	})
	return st, rdb, c, users, pc.Voting.Opens.Add(time.Hour)
}

// parallel runs f for 0..n-1 on 32 goroutines.
func parallel(b *testing.B, n int, f func(i int) error) {
	b.Helper()
	var next atomic.Int64
	var wg sync.WaitGroup
	var failed atomic.Value
	for range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				if err := f(i); err != nil {
					failed.Store(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if err, ok := failed.Load().(error); ok {
		b.Fatal(err)
	}
}

// votable lists, for each user, the approved photos they may vote for:
// not their own nor, for a trainee, their group's.
func votable(b *testing.B, st *store.Store, c *bot.Cohort, users []bot.UserKey) [][]int64 {
	b.Helper()
	ctx := context.Background()
	members, err := st.Members(ctx, c.ID)
	if err != nil {
		b.Fatal(err)
	}
	group := map[bot.UserKey]string{}
	for _, m := range members {
		if m.Role == bot.Trainee {
			group[m.User] = m.Group
		}
	}
	snap, err := st.ContestSnapshot(ctx, c.ID)
	if err != nil {
		b.Fatal(err)
	}
	out := make([][]int64, len(users))
	for i, u := range users {
		for _, e := range snap.Entries {
			if e.Status == contest.EntryApproved && e.Author != u && (group[u] == "" || e.Group != group[u]) {
				out[i] = append(out[i], e.N)
			}
		}
		if len(out[i]) == 0 {
			b.Fatalf("%s may vote for no photo", u)
		}
	}
	return out
}

// BenchmarkVotePress measures a cast press through the whole update path
// (router, middleware, the vote script, the page redrawn) with 2,000
// photos and 500 voters. Each voter presses cast on photos they may vote
// for, in turn, so every press is a vote that counts (checked at the
// end). It reports votes per second and Redis round trips per press.
func BenchmarkVotePress(b *testing.B) {
	const photos, voters = 2000, 500
	st, rdb, c, users, now := benchContest(b, photos, voters)
	eligible := votable(b, st, c, users)
	capacity := photos
	for _, e := range eligible {
		capacity = min(capacity, len(e))
	}
	ctx := context.Background()
	before, err := st.ContestMeta(ctx, c.ID)
	if err != nil {
		b.Fatal(err)
	}
	rt := &bottest.RoundTrips{}
	rdb.AddHook(rt)
	rec := &bottest.Counter{}
	bt := bot.New(bot.Config{FloodLimit: math.MaxInt64}, st, rec, features(st), bot.WithClock(func() time.Time { return now }))
	var next atomic.Int64
	b.ReportAllocs()
	b.SetParallelism(8)
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := next.Add(1) - 1
			mine := eligible[i%voters]
			u, n := users[i%voters], mine[(i/voters)%int64(len(mine))]
			up := &bot.Update{ID: i + 1, Platform: bot.Telegram, Kind: bot.KindCallback, User: u, Chat: u.PrivateChat(), ChatType: bot.Private,
				Callback: &bot.Callback{ID: fmt.Sprint(i), Data: fmt.Sprintf("vt:c:%d:%s", n, c.ID), MessageID: 1}}
			if err := bt.Handle(ctx, up); err != nil {
				b.Fatal(err)
			}
		}
	})
	elapsed := time.Since(start)
	b.StopTimer()
	after, err := st.ContestMeta(ctx, c.ID)
	if err != nil {
		b.Fatal(err)
	}
	votes := after.Votes - before.Votes
	if votes != int64(b.N) && b.N <= voters*capacity {
		b.Fatalf("%d presses counted %d votes", b.N, votes)
	}
	b.ReportMetric(float64(votes)/elapsed.Seconds(), "votes/s")
	b.ReportMetric(float64(rt.N())/float64(b.N), "redis-rt/press")
}

// BenchmarkLeaderboard measures the gallery's read of the contest with
// 2,000 photos and 200,000 votes.
func BenchmarkLeaderboard(b *testing.B) {
	const photos, voters, votesEach = 2000, 500, 400
	st, _, c, users, now := benchContest(b, photos, voters)
	ctx := context.Background()
	parallel(b, voters*votesEach, func(i int) error {
		u := users[i%voters]
		_, err := st.Vote(ctx, contest.VoteRequest{Cohort: c.ID, Voter: u, N: int64(1 + (i/voters*7+i%voters)%photos),
			Cast: true, Weight: 1, Window: c.Plan.Contest.Voting, Now: now})
		return err
	})
	meta, err := st.ContestMeta(ctx, c.ID)
	if err != nil {
		b.Fatal(err)
	}
	ct := contest.New(st)
	bot.New(bot.Config{}, st, &bottest.Counter{}, bot.Features{ct.Feature()})
	for _, bc := range []struct {
		name      string
		organiser bool
	}{
		{"public", false}, // totals hidden during voting: entry order
		{"ranked", true},  // the organisers' ranking
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				lb, err := ct.Leaderboard(ctx, c, now, bc.organiser)
				if err != nil || len(lb.Standings) != photos || lb.TotalsVisible != bc.organiser {
					b.Fatalf("leaderboard: %d standings, visible %v, %v", len(lb.Standings), lb.TotalsVisible, err)
				}
			}
			b.ReportMetric(float64(meta.Votes), "votes")
		})
	}
}
