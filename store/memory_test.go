package store_test

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/cohortbot/cohortbot/bot"
	"github.com/cohortbot/cohortbot/store"
)

// The memory figures of docs/BENCHMARKS.md, measured on a real Redis with
// INFO memory (used_memory) before and after. They take a while, so they
// are benchmarks, run with the others (one run each is the measurement):
//
//	go test -run '^$' -bench 'MemoryPer' -benchtime 1x -v ./store/

// usedMemory is Redis's used_memory, in bytes.
func usedMemory(t testing.TB, rdb redis.UniversalClient) int64 {
	t.Helper()
	info, err := rdb.Info(context.Background(), "memory").Result()
	if err != nil {
		t.Fatal(err)
	}
	for line := range strings.SplitSeq(info, "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "used_memory:"); ok {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
	}
	t.Fatal("no used_memory in INFO memory")
	return 0
}

func keyUsage(t testing.TB, rdb redis.UniversalClient, key string) int64 {
	n, err := rdb.MemoryUsage(context.Background(), key).Result()
	if err != nil {
		t.Fatalf("MEMORY USAGE %s: %v", key, err)
	}
	return n
}

// BenchmarkMemoryPer10kUpdates records 10,000 private-chat updates from 1,000
// people as polling does (batches of 100), then handles and acknowledges
// them; and 10,000 ignored ones (edited messages).
func BenchmarkMemoryPer10kUpdates(b *testing.B) {
	for range b.N {
		memoryPer10kUpdates(b)
	}
}

func memoryPer10kUpdates(t testing.TB) {
	st, _ := MustStore(t)
	rdb := st.Client()
	ctx := context.Background()
	if err := st.EnsureInbox(ctx); err != nil {
		t.Fatal(err)
	}
	update := func(id int64, kind bot.Kind) bot.Update {
		user := strconv.FormatInt(100_000_000+id%1000, 10)
		return bot.Update{ID: id, Platform: bot.Telegram, Kind: kind, User: bot.NewUserKey(bot.Telegram, user),
			Chat: bot.NewChatKey(bot.Telegram, user), ChatType: bot.Private, UserName: "Nguyễn Thị Lan Anh", Username: "lananh_soct",
			LangCode: "vi", MessageID: 4000 + id, Time: time.Unix(1_509_000_000+id, 0), Text: "/vote"}
	}
	record := func(from int64, kind bot.Kind) {
		for b := int64(0); b < 10_000; b += 100 {
			ups := make([]bot.Update, 0, 100)
			for i := range int64(100) {
				ups = append(ups, update(from+b+i, kind))
			}
			if _, err := st.Record(ctx, bot.Telegram, ups, from+b+100); err != nil {
				t.Fatal(err)
			}
		}
	}
	base := usedMemory(t, rdb)
	record(1, bot.KindCommand)
	queued := usedMemory(t, rdb)
	seenOne := keyUsage(t, rdb, "{in}:seen:telegram:1")
	for {
		es, err := st.ReadInbox(ctx, "measure", 500, -1) // no BLOCK: 0 would wait forever
		if err != nil {
			t.Fatal(err)
		}
		if len(es) == 0 {
			break
		}
		ids := make([]string, len(es))
		for i, e := range es {
			ids[i] = e.ID
		}
		if err := st.AckInbox(ctx, ids...); err != nil {
			t.Fatal(err)
		}
	}
	handled := usedMemory(t, rdb)
	record(20_001, bot.KindEdited)
	ignored := usedMemory(t, rdb)
	t.Logf("10,000 updates recorded, not yet handled: %d KB (%d bytes each)", (queued-base)>>10, (queued-base)/10_000)
	t.Logf("10,000 updates handled (their dedupe markers, 7 days): %d KB (%d bytes each; MEMORY USAGE of one marker: %d)",
		(handled-base)>>10, (handled-base)/10_000, seenOne)
	t.Logf("10,000 ignored updates recorded (markers of 1 hour, stream entries until handled): %d KB", (ignored-handled)>>10)
	fmt.Printf("MEMORY updates_queued=%d updates_handled=%d ignored_queued=%d\n", queued-base, handled-base, ignored-handled)
}

// BenchmarkMemoryPer100kVotes casts 100,050 votes: 667 voters in 4 groups
// each vote for the 150 of 200 approved photos not of their own group.
func BenchmarkMemoryPer100kVotes(b *testing.B) {
	for range b.N {
		memoryPer100kVotes(b)
	}
}

func memoryPer100kVotes(t testing.TB) {
	st, _ := MustStore(t)
	rdb := st.Client()
	const cohort, entries, voters = "memv0001", 200, 667
	groups := []string{"Bà Rịa – Vũng Tàu", "Lạng Sơn", "Hải Phòng", "Cần Thơ"}
	ns := make([]int64, entries)
	for i := range entries {
		author := bot.NewUserKey(bot.Telegram, strconv.Itoa(900_000+i))
		ns[i] = MustEntry(t, st, cohort, author, groups[i%4], fmt.Sprintf("AQADuniq%05d", i), inSub)
	}
	base := usedMemory(t, rdb)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var cast int
	work := make(chan int)
	for range 8 {
		wg.Go(func() {
			for v := range work {
				voter := bot.NewUserKey(bot.Telegram, strconv.Itoa(100_000_000+v))
				for i, n := range ns {
					if i%4 == v%4 {
						continue
					}
					r, err := st.Vote(context.Background(), voteReq(cohort, voter, groups[v%4], n, true, 1))
					if err != nil {
						t.Error(err)
						return
					}
					if r != "ok" {
						t.Errorf("vote: %s", r)
						return
					}
					mu.Lock()
					cast++
					mu.Unlock()
				}
			}
		})
	}
	start := time.Now()
	for v := range voters {
		work <- v
	}
	close(work)
	wg.Wait()
	took := time.Since(start)
	after := usedMemory(t, rdb)
	audit := keyUsage(t, rdb, "{c:"+cohort+"}:audit")
	keys, _ := rdb.Keys(context.Background(), "{c:"+cohort+"}:*").Result()
	var usage []string
	for _, k := range keys {
		if n := keyUsage(t, rdb, k); n > 1<<20 {
			usage = append(usage, fmt.Sprintf("%s %d KB", k, n>>10))
		}
	}
	per100k := (after - base) * 100_000 / int64(cast)
	t.Logf("%d votes in %v: %d KB of Redis (%d KB per 100,000; %d bytes a vote); the audit stream %d KB; keys over 1 MB: %v",
		cast, took.Round(time.Millisecond), (after-base)>>10, per100k>>10, (after-base)/int64(cast), audit>>10, usage)
	fmt.Printf("MEMORY votes=%d bytes=%d per100k=%d audit=%d\n", cast, after-base, per100k, audit)
	_ = store.ErrNotFound
}
