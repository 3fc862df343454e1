package bot_test

import (
	"context"
	"fmt"
	"math"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cohortbot/cohortbot/bot"
	"github.com/cohortbot/cohortbot/bot/bottest"
	"github.com/cohortbot/cohortbot/bot/plan"
	"github.com/cohortbot/cohortbot/docs"
	"github.com/cohortbot/cohortbot/store"
	"github.com/redis/go-redis/v9"
)

// BenchmarkProfileUpdate measures the update path of a /profile-like
// update: normalised update → router → middleware (load, flood count,
// membership) → handler → Redis, with a sender that records. It reports
// updates per second and Redis round trips per update.
func BenchmarkProfileUpdate(b *testing.B) {
	ctx := context.Background()
	rt := &bottest.RoundTrips{}
	rdb := redis.NewClient(&redis.Options{Addr: bottest.BenchRedis(b), PoolSize: 64})
	defer rdb.Close()
	st := store.New(rdb)
	p, err := plan.Parse("plan.sample.yaml", docs.SamplePlan)
	if err != nil {
		b.Fatal(err)
	}
	nc, err := bot.CreateCohort(ctx, st, p, time.Now())
	if err != nil {
		b.Fatal(err)
	}
	const users = 2000
	for i := range users {
		u := bot.NewUserKey(bot.Telegram, fmt.Sprint(1_000_000+i))
		m := &bot.Member{User: u, Cohort: nc.Cohort.ID, Role: bot.Trainee, Name: "Học viên", Group: p.Groups[i%len(p.Groups)], Registered: true}
		if err := st.PutMember(ctx, m); err != nil {
			b.Fatal(err)
		}
		if err := st.SetActive(ctx, u, nc.Cohort.ID); err != nil {
			b.Fatal(err)
		}
	}
	rdb.AddHook(rt)
	rec := &bottest.Counter{}
	bt := bot.New(bot.Config{FloodLimit: math.MaxInt64}, st, rec, features(st))
	var next atomic.Int64
	b.ReportAllocs()
	b.SetParallelism(8)
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := next.Add(1)
			u := bot.NewUserKey(bot.Telegram, fmt.Sprint(1_000_000+i%users))
			up := &bot.Update{ID: i, Platform: bot.Telegram, Kind: bot.KindCommand, User: u, Chat: u.PrivateChat(),
				ChatType: bot.Private, Command: "profile", Text: "/profile"}
			if err := bt.Handle(ctx, up); err != nil {
				b.Fatal(err)
			}
		}
	})
	elapsed := time.Since(start)
	b.StopTimer()
	if rec.N() != int64(b.N) {
		b.Fatalf("sent %d replies for %d updates", rec.N(), b.N)
	}
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "updates/s")
	b.ReportMetric(float64(rt.N())/float64(b.N), "redis-rt/update")
}
