package store_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/cohortbot/cohortbot/bot"
	"github.com/cohortbot/cohortbot/store"
)

func mustReserve(tb testing.TB, st *store.Store, p bot.Platform, chat bot.ChatKey, pace store.Pace) store.Slot {
	tb.Helper()
	s, err := st.Reserve(MustContext(tb), p, chat, pace)
	if err != nil {
		tb.Fatalf("Reserve(%s): %v", chat, err)
	}
	return s
}

// pace5 is 5 messages a second for the bot with bursts of burst, a second
// per chat with bursts of 2.
func pace5(burst int) store.Pace {
	return store.Pace{Rate: 5, Burst: burst, ChatInterval: time.Second, ChatBurst: 2, Climb: 0.01}
}

// TestReserveHandsOutPlacesInOrder: a crowd of sends to different chats
// gets consecutive places one interval apart after the burst, each
// reserved at once (no polling), in the order asked.
func TestReserveHandsOutPlacesInOrder(t *testing.T) {
	t.Parallel()
	st, _ := MustStore(t)
	var waits []time.Duration
	for i := range 6 {
		s := mustReserve(t, st, bot.Telegram, bot.ChatKey(fmt.Sprintf("telegram:%d", i+1)), pace5(2))
		if !s.Reserved {
			t.Fatalf("send %d not reserved: %+v", i+1, s)
		}
		waits = append(waits, s.Wait)
	}
	// Burst 2 at 200ms: 0, 0, then 200, 400, 600, 800ms (less the few ms
	// the calls took).
	want := []time.Duration{0, 0, 200, 400, 600, 800}
	for i, w := range waits {
		lo, hi := (want[i]-30)*time.Millisecond, want[i]*time.Millisecond
		if w < lo || w > hi {
			t.Errorf("send %d waits %v, want about %v", i+1, w, want[i]*time.Millisecond)
		}
	}
	// Another platform has buckets of its own.
	if s := mustReserve(t, st, bot.Zalo, "zalo:4", pace5(2)); !s.Reserved || s.Wait != 0 {
		t.Errorf("zalo send = %+v, want reserved at once", s)
	}
}

// TestReserveChatFirst: a chat whose own rate is spent is told to wait
// without taking a place of the bot's: nobody else's place moves.
func TestReserveChatFirst(t *testing.T) {
	t.Parallel()
	st, _ := MustStore(t)
	pace := pace5(5)
	for i := range 2 {
		if s := mustReserve(t, st, bot.Telegram, "telegram:1", pace); !s.Reserved {
			t.Fatalf("send %d to the chat (its burst of 2) not reserved: %+v", i+1, s)
		}
	}
	s := mustReserve(t, st, bot.Telegram, "telegram:1", pace)
	if s.Reserved || s.Wait < 900*time.Millisecond || s.Wait > 2*time.Second {
		t.Errorf("third send to the chat = %+v, want not reserved, about 1s to wait", s)
	}
	// The refusal took nothing: another chat still has the rest of the
	// bot's burst.
	if s := mustReserve(t, st, bot.Telegram, "telegram:2", pace); !s.Reserved || s.Wait != 0 {
		t.Errorf("send to another chat = %+v, want reserved at once", s)
	}
	// A group gets one message per 3 s.
	group := pace
	group.ChatInterval, group.ChatBurst = 3*time.Second, 1
	mustReserve(t, st, bot.Telegram, "telegram:-1001", group)
	if s := mustReserve(t, st, bot.Telegram, "telegram:-1001", group); s.Reserved || s.Wait < 2500*time.Millisecond {
		t.Errorf("second send to the group = %+v, want about 3s to wait", s)
	}
}

// TestReserveQueuedOnlyClose: a queued send reserves only a place within
// Ahead intervals of now, so answers asked later still come first.
func TestReserveQueuedOnlyClose(t *testing.T) {
	t.Parallel()
	st, _ := MustStore(t)
	answer := pace5(1)
	for i := range 5 { // a second of answers ahead
		mustReserve(t, st, bot.Telegram, bot.ChatKey(fmt.Sprintf("telegram:%d", i+1)), answer)
	}
	queued := answer
	queued.Ahead = 2
	s := mustReserve(t, st, bot.Telegram, "telegram:99", queued)
	if s.Reserved || s.Wait < 500*time.Millisecond || s.Wait > 700*time.Millisecond {
		t.Errorf("queued send behind a second of answers = %+v, want not reserved, ask again in about 600ms", s)
	}
	// An answer asked now is still given the next place.
	if s := mustReserve(t, st, bot.Telegram, "telegram:100", answer); !s.Reserved || s.Wait > time.Second+10*time.Millisecond {
		t.Errorf("answer after the queued send = %+v, want the place after the others", s)
	}
}

// TestAlbumCosts: an album of four counts as four messages of the bot's
// rate and at most the chat's burst.
func TestAlbumCosts(t *testing.T) {
	t.Parallel()
	st, _ := MustStore(t)
	album := pace5(1)
	album.Cost = 4
	if s := mustReserve(t, st, bot.Telegram, "telegram:1", album); !s.Reserved || s.Wait != 0 {
		t.Fatalf("album = %+v", s)
	}
	if s := mustReserve(t, st, bot.Telegram, "telegram:2", pace5(1)); s.Wait < 750*time.Millisecond || s.Wait > 800*time.Millisecond {
		t.Errorf("send after an album of 4 at 5/s waits %v, want 800ms", s.Wait)
	}
}

// TestSlowPausesAndLowersRate: a 429 pauses every chat of the platform for
// its retry_after and bumps the pause generation; the rate drops once per
// episode and climbs back.
func TestSlowPausesAndLowersRate(t *testing.T) {
	t.Parallel()
	st, srv := MustStore(t)
	ctx := MustContext(t)
	pace := store.Pace{Rate: 100, Burst: 1, ChatInterval: time.Millisecond, ChatBurst: 1, Climb: 0.05}
	sd, err := st.Slow(ctx, bot.Telegram, 2*time.Second, pace, 0.5, 1)
	if err != nil {
		t.Fatal(err)
	}
	if sd.Gen != 1 || sd.Rate != 50 {
		t.Errorf("first 429 = %+v, want gen 1, rate 50", sd)
	}
	// Another 429 of the same episode, with a shorter wait: the pause is
	// not cut short, the rate not halved again.
	sd, err = st.Slow(ctx, bot.Telegram, 100*time.Millisecond, pace, 0.5, 1)
	if err != nil {
		t.Fatal(err)
	}
	if sd.Gen != 1 || sd.Rate < 50 || sd.Rate > 51 {
		t.Errorf("second 429 of the episode = %+v, want gen 1, rate still about 50", sd)
	}
	for _, chat := range []bot.ChatKey{"telegram:1", "telegram:2", "telegram:-1001"} {
		s := mustReserve(t, st, bot.Telegram, chat, pace)
		if !s.Reserved || s.Wait <= 1900*time.Millisecond || s.Wait > 2100*time.Millisecond || s.Gen != 1 {
			t.Errorf("send to %s during the pause = %+v, want reserved after it (2s), gen 1", chat, s)
		}
	}
	// At 50/s the places are 20ms apart.
	a := mustReserve(t, st, bot.Telegram, "telegram:3", pace)
	b := mustReserve(t, st, bot.Telegram, "telegram:4", pace)
	if d := b.Wait - a.Wait; d < 18*time.Millisecond || d > 22*time.Millisecond {
		t.Errorf("places after the 429 are %v apart, want 20ms (50/s)", d)
	}
	if s := mustReserve(t, st, bot.Zalo, "zalo:1", pace); s.Wait != 0 {
		t.Errorf("zalo during telegram's pause waits %v, want 0", s.Wait)
	}
	if gen, err := st.PauseGen(ctx, bot.Telegram); err != nil || gen != 1 {
		t.Errorf("PauseGen = %d, %v; want 1", gen, err)
	}
	if gen, err := st.PauseGen(ctx, bot.Zalo); err != nil || gen != 0 {
		t.Errorf("PauseGen(zalo) = %d, %v; want 0", gen, err)
	}
	// Climbing 5% of 100 a second from 50, the rate is back in 10s: the
	// key that holds it expires then.
	ttl, err := srv.Client().PTTL(ctx, "{l:telegram}:adapt").Result()
	if err != nil || ttl < 9*time.Second || ttl > 12*time.Second {
		t.Errorf("PTTL of the adapted rate = %v, %v; want about 11s", ttl, err)
	}
}

// TestPauseEnds: once retry_after has passed, sends go again.
func TestPauseEnds(t *testing.T) {
	t.Parallel()
	st, _ := MustStore(t)
	pace := store.Pace{Rate: 1000, Burst: 1, ChatInterval: time.Millisecond, ChatBurst: 1}
	if _, err := st.Slow(MustContext(t), bot.Telegram, 300*time.Millisecond, pace, 0.9, 1); err != nil {
		t.Fatal(err)
	}
	time.Sleep(350 * time.Millisecond) // the pause runs on Redis' clock
	if s := mustReserve(t, st, bot.Telegram, "telegram:1", pace); !s.Reserved || s.Wait != 0 {
		t.Errorf("after the pause = %+v, want a place at once", s)
	}
}

func TestLimiterKeysExpire(t *testing.T) {
	t.Parallel()
	st, srv := MustStore(t)
	ctx := MustContext(t)
	mustReserve(t, st, bot.Telegram, "telegram:77", pace5(1))
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
