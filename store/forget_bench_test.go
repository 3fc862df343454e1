package store_test

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/cohortbot/cohortbot/bot"
	"github.com/cohortbot/cohortbot/bot/contest"
)

// BenchmarkForgetWorstCase times the one script /leave runs on the
// contest's data at its worst under the caps: a member with
// MaxEntriesPerMember approved entries, each voted for by 1,000 voters,
// leaving while voting is open (every vote for every entry is taken back
// and audited). Before the caps and the per-entry voter lists, 5,000
// drafts and 300 voters blocked Redis for 1.3 s.
func BenchmarkForgetWorstCase(b *testing.B) {
	const voters = 1000
	for i := range b.N {
		b.StopTimer()
		st, _ := MustStore(b)
		ctx := context.Background()
		cohort := fmt.Sprintf("fgb%d", i)
		leaver := bot.UserKey("telegram:7")
		ns := make([]int64, contest.MaxEntriesPerMember)
		for k := range ns {
			ns[k] = MustEntry(b, st, cohort, leaver, "Lạng Sơn", fmt.Sprintf("w%d", k), inSub)
		}
		work := make(chan int)
		var wg sync.WaitGroup
		for range 8 {
			wg.Go(func() {
				for v := range work {
					voter := bot.UserKey("telegram:" + strconv.Itoa(1_000_000+v))
					for _, n := range ns {
						if _, err := st.Vote(ctx, voteReq(cohort, voter, "Hải Phòng", n, true, 1)); err != nil {
							b.Error(err)
							return
						}
					}
				}
			})
		}
		for v := range voters {
			work <- v
		}
		close(work)
		wg.Wait()
		// Another client pings all along: its longest wait is how long
		// one run of the script blocked everybody else.
		rdb := st.Client()
		done := make(chan struct{})
		worst := make(chan time.Duration)
		go func() {
			var longest time.Duration
			for {
				select {
				case <-done:
					worst <- longest
					return
				default:
				}
				t := time.Now()
				if err := rdb.Ping(ctx).Err(); err != nil {
					b.Error(err)
				}
				longest = max(longest, time.Since(t))
			}
		}()
		b.StartTimer()
		start := time.Now()
		if err := st.ForgetContestant(ctx, cohort, leaver, voteWindow, inVote); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(time.Since(start).Microseconds())/1000, "all-ms")
		b.StopTimer()
		close(done)
		b.ReportMetric(float64((<-worst).Microseconds())/1000, "longest-ping-ms")
		b.ReportMetric(float64(len(ns)*voters), "votes-taken-back")
		b.StartTimer()
		b.ReportMetric(float64(len(ns)*voters), "votes-taken-back")
	}
}
