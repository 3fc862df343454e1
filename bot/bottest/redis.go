package bottest

import (
	"context"
	"net"
	"os"
	"sync/atomic"
	"testing"

	"github.com/cohortbot/cohortbot/internal/redistest"
	"github.com/redis/go-redis/v9"
)

// RoundTrips counts commands and pipelines sent to Redis: each is one
// network round trip.
type RoundTrips struct{ n atomic.Int64 }

// BenchRedis is the Redis the benchmarks use: BENCH_REDIS_ADDR when set
// (to measure against a tuned server), else one started for the run.
func BenchRedis(b *testing.B) string {
	if a := os.Getenv("BENCH_REDIS_ADDR"); a != "" {
		if c, err := net.Dial("tcp", a); err == nil {
			c.Close()
			return a
		}
	}
	return redistest.Start(b).Addr()
}

func (r *RoundTrips) DialHook(next redis.DialHook) redis.DialHook { return next }

func (r *RoundTrips) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		r.n.Add(1)
		return next(ctx, cmd)
	}
}

func (r *RoundTrips) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		r.n.Add(1)
		return next(ctx, cmds)
	}
}

// N is the number of round trips so far.
func (r *RoundTrips) N() int64 { return r.n.Load() }
