package bot_test

import (
	"context"
	"fmt"
	"math"
	"net"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cohortbot/cohortbot/bot"
	"github.com/cohortbot/cohortbot/bot/plan"
	"github.com/cohortbot/cohortbot/docs"
	"github.com/cohortbot/cohortbot/internal/redistest"
	"github.com/cohortbot/cohortbot/store"
	"github.com/redis/go-redis/v9"
)

// roundTrips counts commands and pipelines sent to Redis: each is one
// network round trip.
type roundTrips struct{ n atomic.Int64 }

func (r *roundTrips) DialHook(next redis.DialHook) redis.DialHook { return next }
func (r *roundTrips) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		r.n.Add(1)
		return next(ctx, cmd)
	}
}
func (r *roundTrips) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		r.n.Add(1)
		return next(ctx, cmds)
	}
}

// recorder is a Sender that records instead of calling a platform.
type recorder struct{ sent atomic.Int64 }

func (r *recorder) Send(_ context.Context, m bot.Message) (bot.Sent, error) {
	return bot.Sent{Chat: m.Chat, MessageID: r.sent.Add(1)}, nil
}
func (r *recorder) Answer(context.Context, bot.Answer) error { return nil }

// benchRedis is the Redis the benchmarks use: BENCH_REDIS_ADDR when set
// (to measure against a tuned server), else one started for the run.
func benchRedis(b *testing.B) string {
	if a := os.Getenv("BENCH_REDIS_ADDR"); a != "" {
		if c, err := net.Dial("tcp", a); err == nil {
			c.Close()
			return a
		}
	}
	return redistest.Start(b).Addr()
}

// BenchmarkProfileUpdate measures the update path of a /profile-like
// update: normalised update → router → middleware (load, flood count,
// membership) → handler → Redis, with a sender that records. It reports
// updates per second and Redis round trips per update.
func BenchmarkProfileUpdate(b *testing.B) {
	ctx := context.Background()
	rt := &roundTrips{}
	rdb := redis.NewClient(&redis.Options{Addr: benchRedis(b), PoolSize: 64})
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
	rec := &recorder{}
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
	if rec.sent.Load() != int64(b.N) {
		b.Fatalf("sent %d replies for %d updates", rec.sent.Load(), b.N)
	}
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "updates/s")
	b.ReportMetric(float64(rt.n.Load())/float64(b.N), "redis-rt/update")
}
