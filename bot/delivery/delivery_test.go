package delivery_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
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
	direct := r.direct()

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

// TestDirectHonours429: a 429 pauses every chat of the platform for its
// retry_after, and the answer goes again, however many 429s come while
// its update has time.
func TestDirectHonours429(t *testing.T) {
	t.Parallel()
	r := newRig(t, 30)
	direct := r.direct()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	r.tg.FailNext("sendMessage", 2, 429, "", 1)
	start := time.Now()
	if _, err := direct.Send(ctx, bot.Message{Chat: "telegram:42", Text: "xin chào"}); err != nil {
		t.Fatalf("Send after two 429s: %v", err)
	}
	if took := time.Since(start); took < 1990*time.Millisecond {
		t.Errorf("sent after %v, want after two retry_after (2s)", took)
	}
	if got := len(r.tg.Sent(42)); got != 1 {
		t.Errorf("chat 42 got %d messages, want 1", got)
	}
	// The pause is shared: while it lasts every chat waits.
	r.tg.FailNext("sendMessage", 1, 429, "", 3)
	if _, err := direct.Send(ctx, bot.Message{Chat: "telegram:43", Text: "xin chào"}); err != nil {
		t.Fatal(err)
	}
	s, err := r.st.Reserve(ctx, bot.Telegram, "telegram:44", store.Pace{Rate: 1000, Burst: 1, ChatInterval: time.Millisecond, ChatBurst: 1})
	if err != nil {
		t.Fatal(err)
	}
	if s.Wait > 3*time.Second || s.Gen != 3 {
		t.Errorf("reserve after the third 429 = %+v, want within the pause, generation 3", s)
	}
}

// TestDirectMultipart429: a 429 on an upload, which the library reports
// with code 0, pauses and retries like any other: the photo arrives.
func TestDirectMultipart429(t *testing.T) {
	t.Parallel()
	r := newRig(t, 30)
	direct := r.direct()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	r.tg.FailNext("sendPhoto", 1, 429, "", 1)
	photo := &bot.File{Name: "giay-chung-nhan.png", Bytes: tinyPNG}
	if _, err := direct.Send(ctx, bot.Message{Chat: "telegram:46", Text: "Ảnh của bạn", Photo: photo}); err != nil {
		t.Fatalf("Send of an upload after a 429: %v", err)
	}
	calls := r.tg.Calls("sendPhoto")
	if len(calls) != 2 || calls[0].Status != 429 || !calls[1].OK() {
		t.Errorf("sendPhoto calls = %d (first status %v), want a 429 then a success", len(calls), statusOf(calls))
	}
}

// TestDirectHandsOverLateAnswers: an answer that cannot go within its
// update's deadline (a long 429) goes to the outbox instead of failing;
// the chat's next answer follows it there, and the worker delivers both,
// in order, once the pause is over.
func TestDirectHandsOverLateAnswers(t *testing.T) {
	t.Parallel()
	r := newRig(t, 30)
	direct := r.direct()
	r.tg.FailNext("sendMessage", 1, 429, "", 4)
	for i, text := range []string{"Câu trả lời thứ nhất", "Câu trả lời thứ hai"} {
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		ctx = bot.WithSendInfo(ctx, bot.SendInfo{ID: fmt.Sprintf("a:telegram:%d:1", 900+i)})
		start := time.Now()
		sent, err := direct.Send(ctx, bot.Message{Chat: "telegram:47", Text: text})
		cancel()
		if err != nil {
			t.Fatalf("answer %d: %v", i+1, err)
		}
		if sent.MessageID != 0 {
			t.Errorf("answer %d went out at once (%+v), want it handed over", i+1, sent)
		}
		if took := time.Since(start); took > 2*time.Second {
			t.Errorf("answer %d was handed over after %v, want before the deadline", i+1, took)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if held, err := r.st.Held(ctx, "telegram:47"); err != nil || !held {
		t.Fatalf("Held = %v, %v; want the chat held", held, err)
	}
	r.run(r.worker(nil))
	msgs, err := r.tg.WaitCalls(ctx, "sendMessage", 3)
	if err != nil {
		t.Fatal(err)
	}
	var texts []string
	for _, m := range r.tg.Messages(47) {
		texts = append(texts, m.Text)
	}
	if want := []string{"Câu trả lời thứ nhất", "Câu trả lời thứ hai"}; !slices.Equal(texts, want) {
		t.Errorf("chat 47 got %q, want %q in that order (%d calls)", texts, want, len(msgs))
	}
	waitFor(t, 5*time.Second, func() bool { held, _ := r.st.Held(ctx, "telegram:47"); return !held })
	// Handing the same answers over again (the update handled again after
	// a crash) queues nothing.
	n, err := r.st.HandOver(ctx, "telegram:47", []store.Answer{{ID: "a:telegram:900:1.0", Msg: bot.Message{Chat: "telegram:47", Text: "x"}}})
	if err != nil || n != 0 {
		t.Errorf("HandOver again = %d, %v; want 0", n, err)
	}
}

// TestDirectRetriesServerErrors: a 5xx or a dead connection is tried again
// shortly; the person hears the answer once.
func TestDirectRetriesServerErrors(t *testing.T) {
	t.Parallel()
	r := newRig(t, 30)
	direct := r.direct()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	r.tg.FailNext("sendMessage", 2, 502, "", 0)
	if _, err := direct.Send(ctx, bot.Message{Chat: "telegram:48", Text: "xin chào"}); err != nil {
		t.Fatalf("Send after two 502s: %v", err)
	}
	if got := len(r.tg.Messages(48)); got != 1 {
		t.Errorf("chat 48 got %d messages, want 1", got)
	}
}

// TestDirectAcksButtonAtOnce: a button press is answered before the paced
// message, and told the page is coming when it must wait.
func TestDirectAcksButtonAtOnce(t *testing.T) {
	t.Parallel()
	r := newRig(t, 1) // a message a second, no burst
	r.limiter.Burst = 1
	direct := r.direct()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	press := func(chat bot.ChatKey) (waiting bool, acks int, took time.Duration) {
		t.Helper()
		start := time.Now()
		info := bot.SendInfo{ID: "a:t:" + string(chat), Ack: func(w bool) {
			waiting, acks, took = w, acks+1, time.Since(start)
		}}
		if _, err := direct.Send(bot.WithSendInfo(ctx, info), bot.Message{Chat: chat, Text: "trang"}); err != nil {
			t.Fatal(err)
		}
		return waiting, acks, took
	}
	if waiting, acks, _ := press("telegram:60"); waiting || acks != 1 {
		t.Errorf("press with a free limiter: waiting %v, %d acks; want false, 1", waiting, acks)
	}
	// Two other people's answers hold the next two seconds.
	for _, chat := range []bot.ChatKey{"telegram:61", "telegram:62"} {
		if _, err := r.st.Reserve(ctx, bot.Telegram, chat, store.Pace{Rate: 1, Burst: 1, ChatInterval: time.Second, ChatBurst: 2}); err != nil {
			t.Fatal(err)
		}
	}
	waiting, acks, took := press("telegram:63")
	if !waiting || acks != 1 || took > 500*time.Millisecond {
		t.Errorf("press behind two seconds of answers: waiting %v, %d acks, acked after %v; want true, 1, at once", waiting, acks, took)
	}
}

// TestDirectMarksBlocked records a person who blocked the bot.
func TestDirectMarksBlocked(t *testing.T) {
	t.Parallel()
	r := newRig(t, 30)
	direct := r.direct()
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

// TestLimiterKeepsRoomForAnswers: queued sends reserve only places close
// to now, so answers asked while a queue waits go first; groups get one
// message per 3 seconds.
func TestLimiterKeepsRoomForAnswers(t *testing.T) {
	t.Parallel()
	r := newRig(t, 2) // one message per 500ms
	lim := &delivery.Limiter{Buckets: r.st, Platform: bot.Telegram, Rate: 2, Burst: 1, Ahead: 1}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	// Four answers take the next two seconds.
	for i := range 4 {
		s, err := r.st.Reserve(ctx, bot.Telegram, bot.ChatKey(fmt.Sprint("telegram:", i+1)), store.Pace{Rate: 2, Burst: 1, ChatInterval: time.Second, ChatBurst: 2})
		if err != nil || !s.Reserved {
			t.Fatalf("answer %d: %+v, %v", i+1, s, err)
		}
	}
	short, cancel2 := context.WithTimeout(ctx, 300*time.Millisecond)
	defer cancel2()
	if err := lim.Wait(short, "telegram:10", delivery.Queued); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("queued Wait behind 2s of answers = %v, want it held", err)
	}
	start := time.Now()
	if err := lim.Wait(ctx, "telegram:11", delivery.Answer); err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("answer waited %v, want its place after the four (about 2s)", took)
	}
	// Groups: twenty a minute.
	g := &delivery.Limiter{Buckets: r.st, Platform: bot.Zalo, Rate: 1000}
	group := bot.ChatKey("zalo:-100200")
	if err := g.Wait(ctx, group, delivery.Queued); err != nil {
		t.Fatal(err)
	}
	short2, cancel3 := context.WithTimeout(ctx, time.Second)
	defer cancel3()
	if err := g.Wait(short2, group, delivery.Queued); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("second message to a group within a second = %v, want it held", err)
	}
}

// TestWorkerResumesAfterPart: a message of several calls (an album of 11:
// ten, then one) that meets a 429 on its second call sends only the rest
// again: nobody gets the first ten twice.
func TestWorkerResumesAfterPart(t *testing.T) {
	t.Parallel()
	r := newRig(t, 100)
	var media []*bot.File
	for i := range 11 {
		id := fmt.Sprintf("AgAC-album-%d", i)
		r.tg.AddFile(id, "u"+id, tinyPNG)
		media = append(media, &bot.File{ID: id})
	}
	r.tg.FailNext("sendPhoto", 1, 429, "", 1)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	u := userOf(49)
	if _, err := r.st.Enqueue(ctx, bot.Batch{ID: "an:album"}, []bot.Job{{ID: "1", User: u, Msg: bot.Message{Chat: u.PrivateChat(), Text: "Ảnh đoạt giải", Media: media}}}); err != nil {
		t.Fatal(err)
	}
	r.run(r.worker(nil))
	rep := r.waitBatch("an:album", 15*time.Second)
	if rep.Delivered != 1 {
		t.Errorf("report %+v, want delivered", rep)
	}
	if n := len(r.tg.Calls("sendMediaGroup")); n != 1 {
		t.Errorf("%d sendMediaGroup calls, want 1: the album's first ten went again", n)
	}
	if n := len(r.tg.Messages(49)); n != 11 {
		t.Errorf("chat 49 has %d messages, want 11", n)
	}
}

// TestCrowdAgainstAStricterServer: 300 direct answers at once, the bot at
// 100 a second and the server allowing only 50 with bursts of 5. The
// limiter finds the server's pace from a handful of 429s (not one per
// send): everyone gets their answer once.
func TestCrowdAgainstAStricterServer(t *testing.T) {
	t.Parallel()
	r := newRig(t, 100)
	r.tg.SetRateLimit(50)
	direct := r.direct()
	var wg sync.WaitGroup
	for i := range 300 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			if _, err := direct.Send(ctx, bot.Message{Chat: userOf(int64(9000 + i)).PrivateChat(), Text: "Đã ghi nhận"}); err != nil {
				t.Errorf("answer %d: %v", i, err)
			}
		}()
	}
	wg.Wait()
	counts := delivered(r.tg.Calls())
	for i := range 300 {
		if n := counts[int64(9000+i)]; n != 1 {
			t.Errorf("chat %d got %d answers, want 1", 9000+i, n)
		}
	}
	calls := len(r.tg.Calls("sendMessage"))
	t.Logf("%d calls, %d answered 429", calls, r.tg.Count429())
	if n := r.tg.Count429(); n > 15 {
		t.Errorf("%d of %d sends answered 429, want a handful (at most 15)", n, calls)
	}
}
