package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/cohortbot/cohortbot/bot"
	"github.com/cohortbot/cohortbot/store"
)

func mustTake(tb testing.TB, st *store.Store, p bot.Platform, chat bot.ChatKey, global, perChat store.Rate) time.Duration {
	tb.Helper()
	w, err := st.Take(MustContext(tb), p, chat, global, perChat)
	if err != nil {
		tb.Fatalf("Take(%s): %v", chat, err)
	}
	return w
}

func TestTakeGlobalBurstThenWait(t *testing.T) {
	t.Parallel()
	st, _ := MustStore(t)
	// One send per 200ms with 400ms of tolerance: three at once, then the
	// fourth waits about one interval.
	global := store.Rate{Interval: 200 * time.Millisecond, Tolerance: 400 * time.Millisecond}
	perChat := store.Rate{Interval: time.Millisecond}
	for i, chat := range []bot.ChatKey{"telegram:1", "telegram:2", "telegram:3"} {
		if w := mustTake(t, st, bot.Telegram, chat, global, perChat); w != 0 {
			t.Errorf("take %d of the burst waits %v, want 0", i+1, w)
		}
	}
	w := mustTake(t, st, bot.Telegram, "telegram:4", global, perChat)
	if w <= 0 || w > 200*time.Millisecond {
		t.Errorf("take beyond the burst waits %v, want in (0, 200ms]", w)
	}
	// Another platform has buckets of its own.
	if w := mustTake(t, st, bot.Zalo, "zalo:4", global, perChat); w != 0 {
		t.Errorf("take on zalo waits %v, want 0", w)
	}
}

func TestTakePerChat(t *testing.T) {
	t.Parallel()
	st, _ := MustStore(t)
	global := store.Rate{Interval: time.Second}
	perChat := store.Rate{Interval: 10 * time.Second}
	if w := mustTake(t, st, bot.Telegram, "telegram:1", global, perChat); w != 0 {
		t.Fatalf("first take waits %v", w)
	}
	// The chat's bucket refuses for about 10s.
	if w := mustTake(t, st, bot.Telegram, "telegram:1", global, perChat); w <= 9*time.Second || w > 10*time.Second {
		t.Errorf("second take to the same chat waits %v, want about 10s", w)
	}
	// The refused take took no cell of the global bucket: another chat
	// waits one global interval, not two.
	if w := mustTake(t, st, bot.Telegram, "telegram:2", global, perChat); w <= 0 || w > time.Second {
		t.Errorf("take to another chat waits %v, want in (0, 1s]", w)
	}
	// Tolerance on the chat's bucket lets a burst through (direct
	// answers). On zalo: telegram's global bucket is still busy.
	burst := store.Rate{Interval: 10 * time.Second, Tolerance: 10 * time.Second}
	free := store.Rate{Interval: time.Millisecond, Tolerance: time.Second}
	for i := range 2 {
		if w := mustTake(t, st, bot.Zalo, "zalo:3", free, burst); w != 0 {
			t.Errorf("take %d within the chat's tolerance waits %v", i+1, w)
		}
	}
	if w := mustTake(t, st, bot.Zalo, "zalo:3", free, burst); w <= 0 {
		t.Errorf("take beyond the chat's tolerance waits %v, want > 0", w)
	}
}

func TestPauseBlocksEveryone(t *testing.T) {
	t.Parallel()
	st, srv := MustStore(t)
	ctx := MustContext(t)
	free := store.Rate{Interval: time.Millisecond}
	if err := st.Pause(ctx, bot.Telegram, 2*time.Second); err != nil {
		t.Fatal(err)
	}
	// A shorter pause (a later 429 with a smaller retry_after) does not
	// cut the longer one short.
	if err := st.Pause(ctx, bot.Telegram, 100*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	for _, chat := range []bot.ChatKey{"telegram:1", "telegram:2", "telegram:-1001"} {
		if w := mustTake(t, st, bot.Telegram, chat, free, free); w <= time.Second || w > 2*time.Second {
			t.Errorf("take to %s during the pause waits %v, want in (1s, 2s]", chat, w)
		}
	}
	if w := mustTake(t, st, bot.Zalo, "zalo:1", free, free); w != 0 {
		t.Errorf("take on zalo during telegram's pause waits %v, want 0", w)
	}
	if ttl, err := srv.Client().PTTL(ctx, "{l:telegram}:pause").Result(); err != nil || ttl <= 0 {
		t.Errorf("PTTL of the pause key = %v, %v; want it to expire", ttl, err)
	}
}

func TestPauseEnds(t *testing.T) {
	t.Parallel()
	st, _ := MustStore(t)
	free := store.Rate{Interval: time.Millisecond}
	start := time.Now()
	if err := st.Pause(MustContext(t), bot.Telegram, 300*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	// Poll the limiter until it lets a send through.
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Second)
	defer cancel()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		w, err := st.Take(ctx, bot.Telegram, "telegram:1", free, free)
		if err != nil {
			t.Fatal(err)
		}
		if w == 0 {
			break
		}
		select {
		case <-ctx.Done():
			t.Fatalf("still paused after %v (wait %v)", time.Since(start), w)
		case <-tick.C:
		}
	}
	// Redis' clock and ours may differ by a millisecond of rounding.
	if took := time.Since(start); took < 290*time.Millisecond {
		t.Errorf("the pause of 300ms ended after %v", took)
	}
}

func TestLimiterKeysExpire(t *testing.T) {
	t.Parallel()
	st, srv := MustStore(t)
	ctx := MustContext(t)
	mustTake(t, st, bot.Telegram, "telegram:77", store.Rate{Interval: 100 * time.Millisecond}, store.Rate{Interval: time.Second})
	for _, k := range []string{"{l:telegram}:all", "{l:telegram}:c:77"} {
		ttl, err := srv.Client().PTTL(ctx, k).Result()
		if err != nil || ttl <= 0 || ttl > 3*time.Second {
			t.Errorf("PTTL %s = %v, %v; want a short expiry", k, ttl, err)
		}
	}
}

func TestSetUnreachable(t *testing.T) {
	t.Parallel()
	st, _ := MustStore(t)
	ctx := MustContext(t)
	for _, want := range []bool{true, true, false, false} {
		if err := st.SetUnreachable(ctx, alice, want); err != nil {
			t.Fatal(err)
		}
		p, err := st.Profile(ctx, alice)
		if err != nil {
			t.Fatal(err)
		}
		if p.Unreachable != want {
			t.Errorf("after SetUnreachable(%v) the profile says %v", want, p.Unreachable)
		}
	}
}
