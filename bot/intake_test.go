package bot_test

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/cohortbot/cohortbot/bot"
	"github.com/cohortbot/cohortbot/internal/redistest"
	"github.com/cohortbot/cohortbot/store"
)

// gatedSender holds every message to one chat until the gate opens, as
// per-chat pacing holds a person who floods, and records the rest.
type gatedSender struct {
	held bot.ChatKey
	gate chan struct{}

	mu   sync.Mutex
	sent map[bot.ChatKey][]string
	got  chan bot.ChatKey
}

func (s *gatedSender) Send(ctx context.Context, m bot.Message) (bot.Sent, error) {
	if m.Chat == s.held {
		select {
		case <-s.gate:
		case <-ctx.Done():
			return bot.Sent{}, ctx.Err()
		}
	}
	s.mu.Lock()
	s.sent[m.Chat] = append(s.sent[m.Chat], m.Text)
	s.mu.Unlock()
	s.got <- m.Chat
	return bot.Sent{Chat: m.Chat, MessageID: 1}, nil
}

func (s *gatedSender) Answer(context.Context, bot.Answer) error { return nil }

func (s *gatedSender) count(chat bot.ChatKey) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.sent[chat])
}

func helpFrom(id int64, user bot.UserKey) bot.Update {
	return bot.Update{ID: id, Platform: bot.Telegram, Kind: bot.KindCommand, Command: "help", Text: "/help",
		User: user, Chat: bot.ChatKey(user), ChatType: bot.Private, Received: time.Now()}
}

// TestIntakeNobodyWaitsBehindAFlooder: while one person's answers are
// held, their queue grows and everybody else is still answered at once;
// none of the held person's updates is handled twice by the replica that
// holds them, however long they wait; a shutdown ends within its bound and
// leaves what was not handled pending for the next start, which handles
// it.
func TestIntakeNobodyWaitsBehindAFlooder(t *testing.T) {
	srv := redistest.Start(t)
	st := store.New(srv.Client())
	flooder, other := bot.UserKey("telegram:1"), bot.UserKey("telegram:2")
	send := &gatedSender{held: bot.ChatKey(flooder), gate: make(chan struct{}), sent: map[bot.ChatKey][]string{}, got: make(chan bot.ChatKey, 1000)}
	b := bot.New(bot.Config{FloodLimit: -1}, st, send, features(st))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	var ups []bot.Update
	for i := range 40 {
		ups = append(ups, helpFrom(int64(100+i), flooder))
	}
	ups = append(ups, helpFrom(200, other))
	if _, err := st.Record(ctx, bot.Telegram, ups, 0); err != nil {
		t.Fatal(err)
	}
	run := func(shutdown time.Duration) (stop func() time.Duration) {
		// Beats of 20 ms: the dead-replica check runs every 40 ms while
		// the flooder's updates wait.
		in := &bot.Intake{Bot: b, Inbox: st, Consumer: "replica-a", Ordered: true, Shutdown: shutdown, Beat: 20 * time.Millisecond}
		rctx, rcancel := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() {
			defer close(done)
			if err := in.Run(rctx); err != nil {
				t.Errorf("Run: %v", err)
			}
		}()
		return func() time.Duration {
			start := time.Now()
			rcancel()
			<-done
			return time.Since(start)
		}
	}
	stop := run(500 * time.Millisecond)
	select {
	case chat := <-send.got:
		if chat != bot.ChatKey(other) {
			t.Fatalf("first answer went to %s", chat)
		}
	case <-ctx.Done():
		t.Fatal("the other person was not answered while the flooder's answers were held")
	}
	// Held for longer than many dead-replica checks: still nothing twice.
	time.Sleep(300 * time.Millisecond)
	if took := stop(); took > 2*time.Second {
		t.Errorf("shutdown took %v, want about its bound of 500ms", took)
	}
	pending, err := st.PendingInbox(ctx, "replica-a", "0", 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(pending) != 40 {
		t.Errorf("%d updates pending after the shutdown, want the flooder's 40", len(pending))
	}

	close(send.gate)
	stop = run(time.Second)
	defer stop()
	for send.count(bot.ChatKey(flooder)) < 40 {
		select {
		case <-send.got:
		case <-ctx.Done():
			t.Fatalf("after the restart the flooder got %d answers, want 40", send.count(bot.ChatKey(flooder)))
		}
	}
	stop() // Run has returned: nothing more is sent
	if n := send.count(bot.ChatKey(flooder)); n != 40 {
		t.Errorf("the flooder's 40 updates got %d answers: some were handled twice", n)
	}
	if n := send.count(bot.ChatKey(other)); n != 1 {
		t.Errorf("the other person got %d answers, want 1", n)
	}
}

// TestIntakeOrderAcrossReplicas: one person's updates, alternately held by
// two replicas, are handled one after the other in the order recorded.
func TestIntakeOrderAcrossReplicas(t *testing.T) {
	srv := redistest.Start(t)
	st := store.New(srv.Client())
	user := bot.UserKey("telegram:3")
	send := &gatedSender{gate: make(chan struct{}), sent: map[bot.ChatKey][]string{}, got: make(chan bot.ChatKey, 1000)}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var ups []bot.Update
	for i := range 30 {
		ups = append(ups, helpFrom(int64(300+i), user))
	}
	if err := st.EnsureInbox(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Record(ctx, bot.Telegram, ups, 0); err != nil {
		t.Fatal(err)
	}
	// Replica a holds the even updates, replica b the odd ones, as if
	// each had read them before a restart.
	names := []string{"replica-a", "replica-b"}
	for i := range ups {
		if es, err := st.ReadInbox(ctx, names[i%2], 1, 0); err != nil || len(es) != 1 {
			t.Fatalf("ReadInbox: %d, %v", len(es), err)
		}
	}
	acks := &ackLog{Store: st}
	var wg sync.WaitGroup
	rctx, rcancel := context.WithCancel(ctx)
	for _, name := range names {
		in := &bot.Intake{Bot: bot.New(bot.Config{FloodLimit: -1}, st, send, features(st)), Inbox: acks.as(name), Consumer: name,
			Ordered: true, Beat: 50 * time.Millisecond}
		wg.Add(1)
		go func() {
			defer wg.Done()
			_ = in.Run(rctx)
		}()
	}
	for send.count(bot.ChatKey(user)) < 30 {
		select {
		case <-send.got:
		case <-ctx.Done():
			t.Fatalf("%d of 30 answered", send.count(bot.ChatKey(user)))
		}
	}
	rcancel()
	wg.Wait()
	acks.mu.Lock()
	defer acks.mu.Unlock()
	if len(acks.ids) != 30 {
		t.Fatalf("%d updates acknowledged, want 30", len(acks.ids))
	}
	if !slices.IsSortedFunc(acks.ids, func(a, b string) int { return cmpStreamID(a, b) }) {
		t.Errorf("updates handled out of order: %v", acks.ids)
	}
	if acks.by["replica-a"] != 15 || acks.by["replica-b"] != 15 {
		t.Errorf("handled by replica: %v, want 15 each", acks.by)
	}
}

// ackLog records, across replicas, the order updates are acknowledged in:
// an update is acknowledged once handled, before the next may start.
type ackLog struct {
	*store.Store
	mu  sync.Mutex
	ids []string
	by  map[string]int
}

type ackAs struct {
	*ackLog
	name string
}

func (l *ackLog) as(name string) bot.Inbox { return ackAs{l, name} }

func (a ackAs) AckInbox(ctx context.Context, ids ...string) error {
	a.mu.Lock()
	a.ids = append(a.ids, ids...)
	if a.by == nil {
		a.by = map[string]int{}
	}
	a.by[a.name] += len(ids)
	a.mu.Unlock()
	return a.Store.AckInbox(ctx, ids...)
}

func cmpStreamID(a, b string) int {
	var am, as, bm, bs uint64
	fmt.Sscanf(a, "%d-%d", &am, &as)
	fmt.Sscanf(b, "%d-%d", &bm, &bs)
	switch {
	case am != bm:
		return cmp.Compare(am, bm)
	default:
		return cmp.Compare(as, bs)
	}
}
