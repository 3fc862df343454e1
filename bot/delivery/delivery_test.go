package delivery_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cohortbot/cohortbot/bot"
	"github.com/cohortbot/cohortbot/bot/delivery"
	"github.com/cohortbot/cohortbot/bot/plan"
	"github.com/cohortbot/cohortbot/bot/telegram"
	"github.com/cohortbot/cohortbot/bot/telegram/telegramtest"
	"github.com/cohortbot/cohortbot/store"
)

const organiserChat int64 = 900

// waitReport waits for the delivery report in the organiser's chat and
// returns its text.
func (r *rig) waitReport(want string) string {
	r.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	var text string
	err := r.tg.WaitFor(ctx, func([]telegramtest.Call) bool {
		for _, c := range r.tg.Sent(organiserChat) {
			if strings.Contains(c.Params["text"], want) {
				text = c.Params["text"]
				return true
			}
		}
		return false
	})
	if err != nil {
		var got []string
		for _, c := range r.tg.Sent(organiserChat) {
			got = append(got, c.Params["text"])
		}
		r.t.Fatalf("no report containing %q to the organiser; got %q", want, got)
	}
	return text
}

// TestBroadcastThousandUnderRateLimit sends to 1,000 recipients while the
// fake allows fewer messages a second than the limiter: Telegram answers
// 429 with retry_after, the worker pauses and retries, and in the end
// every recipient has the message exactly once.
func TestBroadcastThousandUnderRateLimit(t *testing.T) {
	t.Parallel()
	r := newRig(t, 1000)
	r.tg.SetRateLimit(200)
	b := bot.New(bot.Config{}, r.st, recorder{}, nil, bot.WithOutbox(r.st))
	ids := chatIDs(100_000, 1000)
	batch := bot.Batch{ID: "an:thousand", Cohort: "c1", Kind: "announce", ReportTo: bot.NewChatKey(bot.Telegram, fmt.Sprint(organiserChat)), Lang: bot.VI, Title: "Lịch khai giảng"}
	r.enqueue(batch, ids)

	r.run(r.worker(b.DeliveryReport))
	// The fake's limit makes 429s whenever the worker outpaces it; on a
	// machine too loaded for that, a few programmed ones in the middle
	// make sure retry_after is exercised all the same.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := r.tg.WaitFor(ctx, func(calls []telegramtest.Call) bool { return deliveredTo(calls, setOf(ids)) >= 300 }); err != nil {
		t.Fatal(err)
	}
	limited := r.tg.Count429()
	r.tg.FailNext("sendMessage", 3, 429, "", 1)
	rep := r.waitBatch(batch.ID, 60*time.Second)
	if rep.Total != 1000 || rep.Delivered != 1000 || len(rep.Unreachable) != 0 || len(rep.Failed) != 0 || rep.Pending != 0 {
		t.Errorf("batch report = total %d, delivered %d, unreachable %d, failed %d, pending %d; want 1000 delivered",
			rep.Total, rep.Delivered, len(rep.Unreachable), len(rep.Failed), rep.Pending)
	}
	text := r.waitReport(bot.Text(bot.VI, "delivery.delivered", 1000, 1000))
	if !strings.Contains(text, batch.Title) {
		t.Errorf("report %q does not name the batch %q", text, batch.Title)
	}

	counts := delivered(r.tg.Calls())
	for _, id := range ids {
		if counts[id] != 1 {
			t.Errorf("chat %d got the broadcast %d times, want once", id, counts[id])
		}
	}
	if counts[organiserChat] != 1 {
		t.Errorf("organiser got %d reports, want 1", counts[organiserChat])
	}
	if n := r.tg.Count429(); n < 3 {
		t.Errorf("%d sends answered 429, want at least the 3 programmed", n)
	}
	t.Logf("%d sends answered 429, %d of them by the fake's rate limit in the first 300 sends", r.tg.Count429(), limited)
}

// TestBlockedMembersEndInTheReport: members who blocked the bot (and one
// whose chat is gone) are named in the organiser's report, marked
// unreachable, and reachable again once they write to the bot.
func TestBlockedMembersEndInTheReport(t *testing.T) {
	t.Parallel()
	r := newRig(t, 200)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	loc, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		t.Fatal(err)
	}
	c := &bot.Cohort{ID: "c1", Name: "SXSH đợt 2", Plan: plan.Default("SXSH đợt 2", loc), ViewKey: "k", Created: time.Now().Truncate(time.Second)}
	if err := r.st.CreateCohort(ctx, c); err != nil {
		t.Fatal(err)
	}
	ids := chatIDs(200_000, 40)
	blocked := map[int64]string{
		ids[3]:  "Nguyễn Thị Hoa",
		ids[17]: "Trần Văn Bình",
		ids[29]: `Lê Minh \Châu_*`, // a name that would break Markdown
	}
	gone := map[int64]string{ids[35]: "Phạm Quốc Dũng"}
	for i, id := range ids {
		name := fmt.Sprintf("Học viên %02d", i)
		if n, ok := blocked[id]; ok {
			name = n
			r.tg.Block(id)
		}
		if n, ok := gone[id]; ok {
			name = n
			r.tg.ChatNotFound(id)
		}
		m := &bot.Member{User: userOf(id), Cohort: c.ID, Role: bot.Trainee, Name: name, Joined: c.Created, Registered: true}
		if err := r.st.PutMember(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	b := bot.New(bot.Config{}, r.st, recorder{}, nil, bot.WithOutbox(r.st))
	batch := bot.Batch{ID: "an:blocked", Cohort: c.ID, Kind: "announce", ReportTo: bot.NewChatKey(bot.Telegram, fmt.Sprint(organiserChat)), Lang: bot.VI, Title: "Đổi phòng học"}
	r.enqueue(batch, ids)
	r.run(r.worker(b.DeliveryReport))

	rep := r.waitBatch(batch.ID, 30*time.Second)
	if rep.Delivered != 36 || len(rep.Unreachable) != 4 || len(rep.Failed) != 0 {
		t.Errorf("report: delivered %d, unreachable %d, failed %d; want 36, 4, 0", rep.Delivered, len(rep.Unreachable), len(rep.Failed))
	}
	text := r.waitReport(bot.Text(bot.VI, "delivery.delivered", 36, 40))
	for _, names := range []map[int64]string{blocked, gone} {
		for _, name := range names {
			if !strings.Contains(text, name) {
				t.Errorf("report does not name %q:\n%s", name, text)
			}
		}
	}
	if strings.Contains(text, "Học viên") {
		t.Errorf("report names members who got the message:\n%s", text)
	}

	counts := delivered(r.tg.Calls())
	for _, id := range ids {
		_, isBlocked := blocked[id]
		_, isGone := gone[id]
		want := 1
		if isBlocked || isGone {
			want = 0
		}
		if counts[id] != want {
			t.Errorf("chat %d got %d messages, want %d", id, counts[id], want)
		}
		p, err := r.st.Profile(ctx, userOf(id))
		if err != nil {
			t.Fatal(err)
		}
		if p.Unreachable != (want == 0) {
			t.Errorf("profile of %d: unreachable %v, want %v", id, p.Unreachable, want == 0)
		}
	}
	// A 403 is final: nobody is sent to twice, even after a retry period.
	for _, c := range r.tg.Calls("sendMessage") {
		if _, ok := blocked[c.ChatID()]; ok && c.Status != 403 {
			t.Errorf("send to blocked chat %d answered %d, want 403", c.ChatID(), c.Status)
		}
	}
	attempts := map[int64]int{}
	for _, c := range r.tg.Calls("sendMessage") {
		attempts[c.ChatID()]++
	}
	for id := range blocked {
		if attempts[id] != 1 {
			t.Errorf("blocked chat %d was tried %d times, want once", id, attempts[id])
		}
	}

	// Writing to the bot again makes a blocked member reachable.
	var writer int64
	for id := range blocked {
		writer = id
		break
	}
	u := &bot.Update{ID: 1, Platform: bot.Telegram, Kind: bot.KindText, Time: time.Now(), User: userOf(writer),
		Chat: userOf(writer).PrivateChat(), ChatType: bot.Private, Text: "em bỏ chặn rồi ạ"}
	if err := b.Handle(ctx, u); err != nil {
		t.Fatalf("Handle: %v", err)
	}
	if p, _ := r.st.Profile(ctx, userOf(writer)); p.Unreachable {
		t.Errorf("profile of %d still unreachable after they wrote to the bot", writer)
	}
	for id := range blocked {
		if id == writer {
			continue
		}
		if p, _ := r.st.Profile(ctx, userOf(id)); !p.Unreachable {
			t.Errorf("profile of %d became reachable though only %d wrote", id, writer)
		}
	}
}

// TestDirectAnswerNotBehindBroadcast: while a broadcast of 1,000 runs at
// the full rate, direct answers go out at once, not after it.
func TestDirectAnswerNotBehindBroadcast(t *testing.T) {
	t.Parallel()
	const rate = 200
	r := newRig(t, rate)
	r.tg.SetRateLimit(rate)
	ids := chatIDs(300_000, 1000)
	inBroadcast := setOf(ids)
	batch := bot.Batch{ID: "an:big", Kind: "announce"}
	r.enqueue(batch, ids)
	r.run(r.worker(nil))
	direct := &delivery.Direct{Sender: r.client, Limiter: r.limiter, Reach: r.st, Log: r.log}

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	// Let the broadcast reach its steady pace first.
	if err := r.tg.WaitFor(ctx, func(calls []telegramtest.Call) bool { return deliveredTo(calls, inBroadcast) >= 100 }); err != nil {
		t.Fatal(err)
	}
	// Five answers in a row; the first to a member who has just had the
	// broadcast (its chat's bucket is in use), the others to people
	// outside it. Each must go before the broadcast advances by 5%.
	answerTo := []int64{ids[0], 7001, 7002, 7003, 7004}
	for _, to := range answerTo {
		before := deliveredTo(r.tg.Calls(), inBroadcast)
		if _, err := direct.Send(ctx, bot.Message{Chat: userOf(to).PrivateChat(), Text: "Đã ghi nhận phiếu bầu của bạn."}); err != nil {
			t.Fatalf("direct answer to %d: %v", to, err)
		}
		after := deliveredTo(r.tg.Calls(), inBroadcast)
		if after-before > len(ids)/20 {
			t.Errorf("direct answer to %d waited while %d broadcast messages went out (from %d to %d of %d)", to, after-before, before, after, len(ids))
		}
		if after >= len(ids) {
			t.Errorf("direct answer to %d finished only after the broadcast", to)
		}
	}
	for _, c := range r.tg.Calls("sendMessage") {
		for _, to := range answerTo[1:] {
			if c.ChatID() == to && !c.OK() {
				t.Errorf("direct answer to %d was answered %d %s", to, c.Status, c.Description)
			}
		}
	}

	rep := r.waitBatch(batch.ID, 30*time.Second)
	if rep.Delivered != len(ids) {
		t.Errorf("broadcast delivered %d, want %d", rep.Delivered, len(ids))
	}
	counts := delivered(r.tg.Calls())
	for _, id := range ids {
		want := 1
		if id == answerTo[0] {
			want = 2
		}
		if counts[id] != want {
			t.Errorf("chat %d got %d messages, want %d", id, counts[id], want)
		}
	}
	t.Logf("%d sends answered 429", r.tg.Count429())
}

// TestDirectHonours429 pauses the platform for retry_after and tries once
// more.
func TestDirectHonours429(t *testing.T) {
	t.Parallel()
	r := newRig(t, 30)
	direct := &delivery.Direct{Sender: r.client, Limiter: r.limiter, Reach: r.st, Log: r.log}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	r.tg.FailNext("sendMessage", 1, 429, "", 1)
	start := time.Now()
	if _, err := direct.Send(ctx, bot.Message{Chat: "telegram:42", Text: "xin chào"}); err != nil {
		t.Fatalf("Send after one 429: %v", err)
	}
	if took := time.Since(start); took < 990*time.Millisecond {
		t.Errorf("sent again after %v, want after retry_after (1s)", took)
	}
	// A second 429 in a row is returned, and its pause is shared: while
	// it lasts the limiter refuses every chat.
	r.tg.FailNext("sendMessage", 2, 429, "", 3)
	_, err := direct.Send(ctx, bot.Message{Chat: "telegram:43", Text: "xin chào"})
	var ae *telegram.APIError
	if !errors.As(err, &ae) || ae.Code != 429 {
		t.Fatalf("Send after two 429s = %v, want the 429", err)
	}
	free := store.Rate{Interval: time.Millisecond}
	w, err := r.st.Take(ctx, bot.Telegram, "telegram:44", free, free)
	if err != nil {
		t.Fatal(err)
	}
	if w < 2*time.Second || w > 3*time.Second {
		t.Errorf("limiter wait after a 429 with retry_after 3 = %v, want about 3s", w)
	}
}

// TestDirectGivesUpBeyondMaxWait: a retry_after longer than MaxWait is
// returned at once instead of holding the user's update.
func TestDirectGivesUpBeyondMaxWait(t *testing.T) {
	t.Parallel()
	r := newRig(t, 30)
	direct := &delivery.Direct{Sender: r.client, Limiter: r.limiter, Reach: r.st, Log: r.log, MaxWait: time.Second}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	r.tg.FailNext("sendMessage", 1, 429, "", 5)
	start := time.Now()
	_, err := direct.Send(ctx, bot.Message{Chat: "telegram:42", Text: "xin chào"})
	var ae *telegram.APIError
	if !errors.As(err, &ae) || ae.RetryAfter != 5*time.Second {
		t.Fatalf("Send = %v, want the 429 with retry_after 5s", err)
	}
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("gave up after %v, want at once", took)
	}
	if n := len(r.tg.Calls("sendMessage")); n != 1 {
		t.Errorf("%d sends, want 1", n)
	}
}

// TestDirectMarksBlocked records a person who blocked the bot.
func TestDirectMarksBlocked(t *testing.T) {
	t.Parallel()
	r := newRig(t, 30)
	direct := &delivery.Direct{Sender: r.client, Limiter: r.limiter, Reach: r.st, Log: r.log}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	r.tg.Block(55)
	_, err := direct.Send(ctx, bot.Message{Chat: "telegram:55", Text: "xin chào"})
	var ae *telegram.APIError
	if !errors.As(err, &ae) || !ae.Unreachable() {
		t.Fatalf("Send to a blocked chat = %v, want an unreachable APIError", err)
	}
	if p, _ := r.st.Profile(ctx, "telegram:55"); !p.Unreachable {
		t.Error("blocked person not marked unreachable")
	}
	if n := len(r.tg.Calls("sendMessage")); n != 1 {
		t.Errorf("%d sends to a blocked chat, want 1", n)
	}
}

// TestWorkerStopsCleanly: a stopped worker leaves nothing in flight, and
// a new one finishes the batch with nobody served twice.
func TestWorkerStopsCleanly(t *testing.T) {
	t.Parallel()
	r := newRig(t, 100)
	ids := chatIDs(400_000, 300)
	batch := bot.Batch{ID: "an:stop", Kind: "announce"}
	r.enqueue(batch, ids)
	stop := r.run(r.worker(nil))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := r.tg.WaitFor(ctx, func(calls []telegramtest.Call) bool { return deliveredTo(calls, setOf(ids)) >= 50 }); err != nil {
		t.Fatal(err)
	}
	stop()
	ready, flight, err := r.st.OutboxStats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := r.st.BatchReport(ctx, batch.ID)
	if err != nil {
		t.Fatal(err)
	}
	if flight != 0 {
		t.Errorf("%d jobs still in flight after a clean stop", flight)
	}
	if int(ready)+rep.Delivered != len(ids) {
		t.Errorf("after stop: %d ready + %d delivered, want %d", ready, rep.Delivered, len(ids))
	}
	if got := deliveredTo(r.tg.Calls(), setOf(ids)); got != rep.Delivered {
		t.Errorf("fake saw %d deliveries, the outbox recorded %d", got, rep.Delivered)
	}
	if rep.Delivered == len(ids) {
		t.Fatalf("the batch finished before the stop; the test proves nothing")
	}

	r.run(r.worker(nil))
	r.waitBatch(batch.ID, 30*time.Second)
	counts := delivered(r.tg.Calls())
	for _, id := range ids {
		if counts[id] != 1 {
			t.Errorf("chat %d got %d messages, want 1", id, counts[id])
		}
	}
}

// TestWorkerRetriesServerErrors: 5xx are retried with backoff.
func TestWorkerRetriesServerErrors(t *testing.T) {
	t.Parallel()
	r := newRig(t, 100)
	r.tg.FailNext("sendMessage", 2, 502, "", 0)
	ids := chatIDs(500_000, 3)
	r.enqueue(bot.Batch{ID: "an:5xx"}, ids)
	r.run(r.worker(nil))
	rep := r.waitBatch("an:5xx", 30*time.Second)
	if rep.Delivered != 3 {
		t.Errorf("delivered %d, want 3", rep.Delivered)
	}
	counts := delivered(r.tg.Calls())
	for _, id := range ids {
		if counts[id] != 1 {
			t.Errorf("chat %d got %d messages, want 1", id, counts[id])
		}
	}
	if n := len(r.tg.Calls("sendMessage")); n != 5 {
		t.Errorf("%d sendMessage calls, want 5 (3 + 2 retried)", n)
	}
}

// TestWorkerWithoutSender fails jobs of a platform it cannot send to
// instead of retrying them forever.
func TestWorkerWithoutSender(t *testing.T) {
	t.Parallel()
	r := newRig(t, 100)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	u := bot.UserKey("zalo:abc")
	if _, err := r.st.Enqueue(ctx, bot.Batch{ID: "zl"}, []bot.Job{{ID: "1", User: u, Msg: bot.Message{Chat: u.PrivateChat(), Text: "x"}}}); err != nil {
		t.Fatal(err)
	}
	r.run(r.worker(nil))
	rep := r.waitBatch("zl", 10*time.Second)
	if len(rep.Failed) != 1 || rep.Failed[0].User != u {
		t.Errorf("report %+v, want the zalo job failed", rep)
	}
}

// takes records what the Redis limiter answered to each Take.
type takes struct {
	delivery.Buckets
	mu    sync.Mutex
	waits map[bot.ChatKey][]time.Duration
}

func (r *takes) Take(ctx context.Context, p bot.Platform, chat bot.ChatKey, global, perChat store.Rate) (time.Duration, error) {
	w, err := r.Buckets.Take(ctx, p, chat, global, perChat)
	if err == nil {
		r.mu.Lock()
		r.waits[chat] = append(r.waits[chat], w)
		r.mu.Unlock()
	}
	return w, err
}

func (r *takes) first(chat bot.ChatKey) time.Duration {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.waits[chat]) == 0 {
		return -1
	}
	return r.waits[chat][0]
}

// TestLimiterKeepsRoomForAnswers: queued sends may use only part of the
// bot's burst, so an answer passes while queued sends are held; groups
// get one queued message per 3 seconds, and answers there too pass.
func TestLimiterKeepsRoomForAnswers(t *testing.T) {
	t.Parallel()
	r := newRig(t, 2) // one message per 500ms
	rec := &takes{Buckets: r.st, waits: map[bot.ChatKey][]time.Duration{}}
	lim := &delivery.Limiter{Buckets: rec, Platform: bot.Telegram, Rate: 2}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	held := func(lim *delivery.Limiter, chat bot.ChatKey, p delivery.Priority) {
		t.Helper()
		short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
		defer cancel()
		if err := lim.Wait(short, chat, p); !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Wait(%s) = %v, want it held until the deadline", chat, err)
		}
	}

	if err := lim.Wait(ctx, "telegram:1", delivery.Queued); err != nil {
		t.Fatal(err)
	}
	held(lim, "telegram:2", delivery.Queued)
	if err := lim.Wait(ctx, "telegram:3", delivery.Answer); err != nil {
		t.Fatal(err)
	}
	if w := rec.first("telegram:3"); w != 0 {
		t.Errorf("answer waited %v while the queue was held, want 0", w)
	}
	if w := rec.first("telegram:2"); w <= 0 {
		t.Errorf("queued send beyond its share waited %v, want > 0", w)
	}

	// Groups: twenty a minute. The bot-wide bucket is made roomy so only
	// the group's counts.
	g := &delivery.Limiter{Buckets: rec, Platform: bot.Zalo, Rate: 1000}
	group := bot.ChatKey("zalo:-100200")
	if err := g.Wait(ctx, group, delivery.Queued); err != nil {
		t.Fatal(err)
	}
	rec.mu.Lock()
	delete(rec.waits, group)
	rec.mu.Unlock()
	held(g, group, delivery.Queued)
	if w := rec.first(group); w < 2*time.Second || w > 3*time.Second {
		t.Errorf("second queued message to a group waits %v, want about 3s", w)
	}
	if err := g.Wait(ctx, group, delivery.Answer); err != nil {
		t.Fatal(err)
	}
}
