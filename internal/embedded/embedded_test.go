package embedded

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/cohortbot/cohortbot/internal/redistest"
)

// pair is the embedded store and a real Redis, to run the same commands on.
func pair(t *testing.T) (embedded, real *redis.Client) {
	t.Helper()
	m, err := Start(time.Now())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(m.Close)
	embedded = redis.NewClient(&redis.Options{Addr: m.Addr()})
	real = redis.NewClient(&redis.Options{Addr: redistest.Start(t).Addr()})
	t.Cleanup(func() { embedded.Close(); real.Close() })
	return embedded, real
}

// TestBitfieldLikeRedis: random BITFIELD commands of the supported subset
// (whole-byte types and offsets, GET, SET, INCRBY with wrap-around, several
// operations in one command) give the same replies and leave the same
// string on the embedded store as on a real redis-server.
func TestBitfieldLikeRedis(t *testing.T) {
	t.Parallel()
	embedded, real := pair(t)
	ctx := context.Background()
	types := []string{"i8", "i16", "i32", "i64", "u8", "u16", "u32"}
	rng := rand.New(rand.NewPCG(1, 2))
	value := func() string {
		switch rng.IntN(4) {
		case 0:
			return fmt.Sprint(rng.Int64N(2000) - 1000)
		case 1:
			return fmt.Sprint(rng.Int64()) // overflows the narrow types
		case 2:
			return fmt.Sprint(-rng.Int64())
		default:
			return fmt.Sprint(rng.IntN(3) - 1)
		}
	}
	for i := range 2000 {
		var args []any
		for range 1 + rng.IntN(3) {
			typ := types[rng.IntN(len(types))]
			offset := fmt.Sprint(8 * rng.IntN(40))
			if rng.IntN(2) == 0 {
				offset = fmt.Sprintf("#%d", rng.IntN(6))
			}
			switch rng.IntN(3) {
			case 0:
				args = append(args, "GET", typ, offset)
			case 1:
				args = append(args, "SET", typ, offset, value())
			default:
				args = append(args, "INCRBY", typ, offset, value())
			}
		}
		key := fmt.Sprintf("k%d", rng.IntN(3))
		want, wantErr := real.BitField(ctx, key, args...).Result()
		got, gotErr := embedded.BitField(ctx, key, args...).Result()
		if fmt.Sprint(wantErr) != fmt.Sprint(gotErr) || !slices.Equal(got, want) {
			t.Fatalf("command %d: BITFIELD %s %v\nredis:    %v %v\nembedded: %v %v", i, key, args, want, wantErr, got, gotErr)
		}
	}
	for _, key := range []string{"k0", "k1", "k2", "never"} {
		want, _ := real.Get(ctx, key).Result()
		got, _ := embedded.Get(ctx, key).Result()
		if got != want {
			t.Errorf("%s after the commands: embedded %x, redis %x", key, got, want)
		}
	}
	if n, _ := embedded.Exists(ctx, "never").Result(); n != 0 {
		t.Errorf("a GET of a missing key created it")
	}
}

// TestBitfieldInScript: the store calls BITFIELD from its scripts, as the
// vote does.
func TestBitfieldInScript(t *testing.T) {
	t.Parallel()
	embedded, real := pair(t)
	ctx := context.Background()
	script := redis.NewScript(`return redis.call('BITFIELD', KEYS[1], 'INCRBY', 'i64', ARGV[1], ARGV[2], 'INCRBY', 'i32', ARGV[3], '1')`)
	for _, n := range []int64{3, 3, 0, 7, 3} {
		args := []any{96 * n, "1500", 96*n + 64}
		want, err := script.Run(ctx, real, []string{"{c:x}:vt:tally"}, args...).Int64Slice()
		if err != nil {
			t.Fatal(err)
		}
		got, err := script.Run(ctx, embedded, []string{"{c:x}:vt:tally"}, args...).Int64Slice()
		if err != nil || !slices.Equal(got, want) {
			t.Fatalf("entry %d: embedded %v %v, redis %v", n, got, err, want)
		}
	}
	want, _ := real.Get(ctx, "{c:x}:vt:tally").Result()
	got, _ := embedded.Get(ctx, "{c:x}:vt:tally").Result()
	if got != want {
		t.Errorf("tally: embedded %x, redis %x", got, want)
	}
}

// TestBitfieldRefusesWhatItDoesNotDo: forms outside the subset are
// refused with a clear error instead of being done wrong.
func TestBitfieldRefusesWhatItDoesNotDo(t *testing.T) {
	t.Parallel()
	embedded, _ := pair(t)
	ctx := context.Background()
	for _, tt := range []struct {
		args []any
		want string
	}{
		{[]any{"GET", "i5", "0"}, "i8, i16, i32, i64, u8, u16 and u32 only"},
		{[]any{"GET", "u64", "0"}, "i8, i16, i32, i64, u8, u16 and u32 only"},
		{[]any{"GET", "x8", "0"}, "Invalid bitfield type"},
		{[]any{"GET", "i8", "3"}, "whole bytes only"},
		{[]any{"GET", "i8", "-8"}, "bit offset is not an integer"},
		{[]any{"OVERFLOW", "SAT", "INCRBY", "i8", "0", "1"}, "OVERFLOW WRAP only"},
		{[]any{"INCRBY", "i8", "0"}, "syntax error"},
		{[]any{"INCRBY", "i8", "0", "x"}, "not an integer"},
		{[]any{"FLIP"}, "syntax error"},
	} {
		err := embedded.BitField(ctx, "k", tt.args...).Err()
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("BITFIELD k %v: %v, want an error with %q", tt.args, err, tt.want)
		}
	}
	if n, _ := embedded.Exists(ctx, "k").Result(); n != 0 {
		t.Errorf("a refused command wrote the key")
	}
	if err := embedded.Set(ctx, "h", "x", 0).Err(); err != nil {
		t.Fatal(err)
	}
	if err := embedded.HSet(ctx, "hash", "f", "v").Err(); err != nil {
		t.Fatal(err)
	}
	if err := embedded.BitField(ctx, "hash", "GET", "i8", "0").Err(); err == nil || !strings.Contains(err.Error(), "WRONGTYPE") {
		t.Errorf("BITFIELD on a hash: %v, want WRONGTYPE", err)
	}
}
