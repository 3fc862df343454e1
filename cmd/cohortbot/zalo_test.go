package main

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/cohortbot/cohortbot/bot"
	"github.com/cohortbot/cohortbot/bot/zalo"
	"github.com/cohortbot/cohortbot/bot/zalo/zalotest"
)

const zaloSecret = "zalo-webhook-secret"

// zaloEnv adds the fake Zalo to a test environment, in webhook mode:
// PUBLIC_URL is registered with Zalo, and the test posts the events to the
// server's own address, as Zalo would to the public one.
func zaloEnv(t *testing.T, e *env) *zalotest.Server {
	t.Helper()
	z := zalotest.New(t, zalotest.WithPollCap(200*time.Millisecond))
	e.vars["ZALO_TOKEN"] = z.Token()
	e.vars["ZALO_API_URL"] = z.URL()
	e.vars["ZALO_WEBHOOK_SECRET"] = zaloSecret
	e.vars["PUBLIC_URL"] = "https://cohort.example"
	return z
}

// zperson is a Zalo user of the tests.
type zperson struct {
	t    *testing.T
	z    *zalotest.Server
	srv  *server
	id   string
	name string
	seen int
}

func newZPerson(t *testing.T, z *zalotest.Server, srv *server, n int, name string) *zperson {
	return &zperson{t: t, z: z, srv: srv, id: zalotest.UserID(n), name: name}
}

func (p *zperson) key() bot.UserKey { return bot.NewUserKey(bot.Zalo, p.id) }

// post delivers an event to the webhook and checks it was recorded.
func (p *zperson) post(ev zalotest.Event, wrapped bool) {
	p.t.Helper()
	body := zalotest.Bare(ev)
	if wrapped {
		body = zalotest.Wrapped(ev)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	code, err := zalotest.Post(ctx, p.srv.url(zalo.WebhookPath), zaloSecret, body)
	if err != nil || code != 200 {
		p.t.Fatalf("webhook answered %d (%v)", code, err)
	}
}

// say sends a text message; events go alternately wrapped and bare, as
// both reach a webhook.
func (p *zperson) say(text string) zalotest.Event {
	p.t.Helper()
	ev := zalotest.TextEvent(p.id, p.name, text)
	p.post(ev, len(text)%2 == 0)
	return ev
}

// reply waits for the next message to the person containing want.
func (p *zperson) reply(want string) zalotest.Call {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var got zalotest.Call
	err := p.z.WaitFor(ctx, func([]zalotest.Call) bool {
		sent := p.z.Sent(p.id)
		for i := p.seen; i < len(sent); i++ {
			if strings.Contains(sent[i].Text(), want) {
				got, p.seen = sent[i], i+1
				return true
			}
		}
		return false
	})
	if err != nil {
		var texts []string
		for _, c := range p.z.Sent(p.id) {
			texts = append(texts, c.Method+": "+c.Text())
		}
		p.t.Fatalf("no Zalo message to %s containing %q; sent so far:\n%s", p.name, want, strings.Join(texts, "\n---\n"))
	}
	return got
}

// count is how many messages to the person contain sub.
func (p *zperson) count(sub string) int {
	n := 0
	for _, c := range p.z.Sent(p.id) {
		if strings.Contains(c.Text(), sub) {
			n++
		}
	}
	return n
}

// number finds the number of the choice whose label contains label in a
// numbered list.
func number(t *testing.T, c zalotest.Call, label string) string {
	t.Helper()
	for _, line := range strings.Split(c.Text(), "\n") {
		n, rest, ok := strings.Cut(line, ". ")
		if ok && strings.Contains(rest, label) && n != "" && strings.Trim(n, "0123456789") == "" {
			return n
		}
	}
	t.Fatalf("no numbered choice %q in %q", label, c.Text())
	return ""
}

// TestZaloEndToEnd: a Zalo user joins with /start CODE, agrees to the
// privacy notice by typing 1, registers by typed answers and numbers,
// types «lich» for the schedule; a duplicated event is handled once, a
// sticker gets what the bot understands, a 403 is retried; an organiser
// on Telegram announces to the cohort and a Zalo 429 storm pauses Zalo
// and still delivers.
func TestZaloEndToEnd(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	z := zaloEnv(t, e)
	c := e.createCohort(samplePlan)
	s := e.serve()

	// serve listens before it registers the webhook.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := z.WaitFor(ctx, func([]zalotest.Call) bool { u, _ := z.Webhook(); return u != "" }); err != nil {
		t.Fatal("no setWebhook")
	}
	if u, secret := z.Webhook(); u != "https://cohort.example"+zalo.WebhookPath || secret != zaloSecret {
		t.Fatalf("zalo webhook = %q %q", u, secret)
	}
	// Zalo's verification probe: an empty POST.
	if code, err := zalotest.Post(ctx, s.url(zalo.WebhookPath), zaloSecret, nil); err != nil || code != 200 {
		t.Fatalf("probe: %d %v", code, err)
	}
	if code, _ := zalotest.Post(ctx, s.url(zalo.WebhookPath), "not-the-secret", zalotest.Bare(zalotest.TextEvent(zalotest.UserID(1), "x", "/start"))); code != 403 {
		t.Fatalf("wrong secret: %d", code)
	}

	lan := newZPerson(t, z, s, 0x1001, "Lê Thị Lan")
	lan.say("/start " + c.Invites.Trainee)
	notice := lan.reply("Nghị định 356/2025/NĐ-CP")
	if !strings.Contains(notice.Text(), "1. ✅ Tôi đồng ý") || !strings.Contains(notice.Text(), "2. Không đồng ý") {
		t.Fatalf("notice without numbered choices: %q", notice.Text())
	}
	lan.say("1")
	lan.reply(textAskName)
	lan.say("Lê Thị Lan")
	lan.reply(textAskOrg)
	lan.say("Sở Công Thương Lạng Sơn")
	groups := lan.reply(textAskGroup)
	// A restart between the list and the answer: the pending choices are
	// in Redis, so the number typed next still picks the group.
	if code := s.stop(); code != 0 {
		t.Fatalf("serve stopped with %d:\n%s", code, s.log)
	}
	s = e.serve()
	lan.srv = s
	lan.say(number(t, groups, "Lạng Sơn"))
	lan.reply(textRegistered)

	m, err := e.store().Member(context.Background(), c.ID, lan.key())
	if err != nil {
		t.Fatal(err)
	}
	if m.Group != "Lạng Sơn" || m.Name != "Lê Thị Lan" || m.Org != "Sở Công Thương Lạng Sơn" || !m.Registered || m.Consent.IsZero() {
		t.Errorf("zalo member = %+v", *m)
	}

	// A word form without diacritics, once through a 403 (Zalo's
	// transient server error), retried.
	z.Fail("sendMessage", 403, 1)
	lan.say("lich")
	lan.reply(fmt.Sprintf("📅 Lịch học khóa «%s»", c.Name))
	if n := len(z.Refused(403)); n != 1 {
		t.Errorf("403s = %d", n)
	}

	// One event delivered twice (wrapped, then bare) is handled once.
	dup := zalotest.TextEvent(lan.id, lan.name, "hạn")
	lan.post(dup, true)
	lan.post(dup, false)
	deadlines := fmt.Sprintf("⏰ Các hạn nộp khóa «%s»", c.Name)
	lan.reply(deadlines)
	// The bot's own message echoed back is ignored.
	lan.post(zalotest.EchoEvent(lan.id, "lich"), false)
	lan.post(zalotest.StickerEvent(lan.id, lan.name), false)
	lan.reply(tx(bot.VI, "err.unsupported_zalo"))
	if n := lan.count(deadlines); n != 1 {
		t.Errorf("the duplicated event was answered %d times", n)
	}

	// /help lists the word forms: Zalo has no command menu.
	lan.say("trợ giúp")
	help := lan.reply(textHelp)
	if !strings.Contains(help.Text(), "«lịch»") || !strings.Contains(help.Text(), "«bình chọn»") {
		t.Errorf("help without word forms: %q", help.Text())
	}

	// An organiser on Telegram announces to the whole cohort while Zalo
	// refuses with 429 "Quota exceeded": Zalo pauses and delivers later.
	org := e.seed(c.ID, 9001, bot.Organiser, "Nguyễn Thị Tổ", "")
	oseen := 0
	z.Fail("", 429, 2)
	text := "Họp trực tuyến lúc 8h30 sáng mai"
	org.say("/announce " + text)
	org.reply(&oseen, annAsk)
	org.pressData("ann:a:")
	org.reply(&oseen, annPreview)
	org.pressData("ann:send:")
	got := lan.reply(text)
	if !strings.Contains(got.Text(), tx(bot.VI, "announce.header", c.Name)) {
		t.Errorf("announcement on Zalo = %q", got.Text())
	}
	if n := len(z.Refused(429)); n != 2 {
		t.Errorf("429s = %d, want 2", n)
	}
	report := org.reply(&oseen, annReport)
	if !strings.Contains(report.Params["text"], "2/2") {
		t.Errorf("report = %q", report.Params["text"])
	}
}

// TestZaloAlone: serve runs with ZALO_TOKEN alone (no Telegram), polling
// in development; a code typed alone joins; a 401 stops Zalo alone.
func TestZaloAlone(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	z := zalotest.New(t, zalotest.WithPollCap(200*time.Millisecond))
	delete(e.vars, "TELEGRAM_TOKEN")
	e.vars["ZALO_TOKEN"] = z.Token()
	e.vars["ZALO_API_URL"] = z.URL()
	c := e.createCohort(samplePlan)
	srv := e.serve()

	p := &zperson{t: t, z: z, id: zalotest.UserID(0x2002), name: "Trần Văn Bình"}
	// The invite code typed alone joins, as /start CODE.
	z.Push(zalotest.TextEvent(p.id, p.name, "xin chao"))
	p.reply(tx(bot.VI, "start.about")[:40])
	z.Push(zalotest.TextEvent(p.id, p.name, c.Invites.Lecturer))
	p.reply("Nghị định 356/2025/NĐ-CP")
	z.Push(zalotest.TextEvent(p.id, p.name, "1"))
	p.reply(textAskName)
	if calls := e.tg.Calls(); len(calls) != 0 {
		t.Errorf("Telegram was called without a token: %d calls", len(calls))
	}
	var deleted bool
	for _, call := range z.Calls() {
		deleted = deleted || call.Method == "deleteWebhook"
	}
	if !deleted {
		t.Error("polling started without deleteWebhook")
	}

	// Zalo refuses the token while running: the Zalo transport stops with
	// a clear log line; serve goes on (its HTTP server answers).
	z.Fail("getUpdates", 401, 1)
	deadline := time.Now().Add(15 * time.Second)
	for !strings.Contains(srv.log.String(), "zalo transport stopped") && time.Now().Before(deadline) {
		srv.log.wait(time.Second)
	}
	logs := srv.log.String()
	if !strings.Contains(logs, "Zalo refused the bot token (401)") || !strings.Contains(logs, "zalo transport stopped") {
		t.Errorf("no clear log line for the 401:\n%s", logs)
	}
	if strings.Contains(logs, z.Token()) {
		t.Error("the log shows the Zalo token")
	}
	resp, err := http.Get(srv.url("/healthz"))
	if err != nil || resp.StatusCode != 200 {
		t.Errorf("healthz after the Zalo stop: %v %v", resp, err)
	} else {
		resp.Body.Close()
	}
}

// TestZaloServeRefusesToStart: Zalo's settings are checked at start.
func TestZaloServeRefusesToStart(t *testing.T) {
	t.Parallel()
	z := zalotest.New(t)
	for _, tc := range []struct {
		name     string
		set      map[string]string
		wantCode int
		wantMsg  string
	}{
		{name: "short secret", set: map[string]string{"ZALO_WEBHOOK_SECRET": "short", "PUBLIC_URL": "https://x.example"}, wantCode: 2, wantMsg: "ZALO_WEBHOOK_SECRET: 8-256"},
		{name: "long secret", set: map[string]string{"ZALO_WEBHOOK_SECRET": strings.Repeat("a", 257), "PUBLIC_URL": "https://x.example"}, wantCode: 2, wantMsg: "ZALO_WEBHOOK_SECRET: 8-256"},
		{name: "webhook without secret", set: map[string]string{"PUBLIC_URL": "https://x.example"}, wantCode: 2, wantMsg: "ZALO_WEBHOOK_SECRET"},
		{name: "bad rate", set: map[string]string{"ZALO_SEND_RATE": "0"}, wantCode: 2, wantMsg: "ZALO_SEND_RATE"},
		{name: "bad api url", set: map[string]string{"ZALO_API_URL": "ftp://x"}, wantCode: 2, wantMsg: "ZALO_API_URL"},
		{name: "wrong token", set: map[string]string{"ZALO_TOKEN": "123:wrong-zalo-token"}, wantCode: 1, wantMsg: "zalo"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			delete(e.vars, "TELEGRAM_TOKEN")
			e.vars["ZALO_TOKEN"], e.vars["ZALO_API_URL"] = z.Token(), z.URL()
			for k, v := range tc.set {
				e.vars[k] = v
			}
			code, stdout, stderr := e.run("serve")
			if code != tc.wantCode || !strings.Contains(stderr, tc.wantMsg) {
				t.Errorf("exit %d, want %d with %q:\n%s", code, tc.wantCode, tc.wantMsg, stderr)
			}
			if strings.Contains(stdout+stderr, "wrong-zalo-token") || strings.Contains(stdout+stderr, z.Token()) {
				t.Error("output shows the token")
			}
		})
	}
}

// TestZaloWebhookRedisDown: with Redis down the Zalo webhook answers 503,
// so that the event is sent again; once Redis is back the same event is
// recorded (200) and answered once.
func TestZaloWebhookRedisDown(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	z := zaloEnv(t, e)
	s := e.serve()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := z.WaitFor(ctx, func([]zalotest.Call) bool { u, _ := z.Webhook(); return u != "" }); err != nil {
		t.Fatal("no setWebhook")
	}
	p := newZPerson(t, z, s, 0x3003, "Phạm Thị Dung")
	ev := zalotest.TextEvent(p.id, p.name, "/help")
	e.redis.Stop()
	if code, err := zalotest.Post(ctx, s.url(zalo.WebhookPath), zaloSecret, zalotest.Wrapped(ev)); err != nil || code != http.StatusServiceUnavailable {
		t.Errorf("with Redis down: %d %v, want 503", code, err)
	}
	e.redis.Restart()
	for {
		code, err := zalotest.Post(ctx, s.url(zalo.WebhookPath), zaloSecret, zalotest.Wrapped(ev))
		if err == nil && code == http.StatusOK {
			break
		}
		if ctx.Err() != nil || (code != http.StatusServiceUnavailable && err == nil) {
			t.Fatalf("after Redis restart: %d %v\n%s", code, err, s.log)
		}
	}
	// Zalo may send it once more: still one answer.
	p.post(ev, false)
	p.reply(textHelp)
	p.say("lich")
	p.reply(textNotMember[:20])
	if n := p.count(textHelp); n != 1 {
		t.Errorf("/help answered %d times", n)
	}
}

// TestZaloPhotoEntryAndVote: a Zalo trainee's photo becomes a contest entry: it
// is downloaded when the event is recorded, its unique id is the hash of
// its bytes (the same picture twice is one entry), and the category is
// chosen by typing its number; a Zalo organiser approves it by number and
// a Zalo lecturer votes for it by typing the number of 👍.
func TestZaloPhotoEntryAndVote(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	clk := &movableClock{t: hanoi(t, 2017, 8, 1, 10, 0)}
	e.clock = clk.Now
	z := zaloEnv(t, e)
	c := e.createCohort(contestPlan(t))
	s := e.serve()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := z.WaitFor(ctx, func([]zalotest.Call) bool { u, _ := z.Webhook(); return u != "" }); err != nil {
		t.Fatal("no setWebhook")
	}
	st := e.store()
	seed := func(n int, name string, role bot.Role, group string) *zperson {
		p := newZPerson(t, z, s, n, name)
		m := &bot.Member{User: p.key(), Cohort: c.ID, Role: role, Name: p.name, Group: group, Joined: time.Now().UTC(), Registered: true}
		if err := st.PutMember(ctx, m); err != nil {
			t.Fatal(err)
		}
		if err := st.SetActive(ctx, p.key(), c.ID); err != nil {
			t.Fatal(err)
		}
		return p
	}
	p := seed(0x4004, "Lê Thị Lan", bot.Trainee, "Lạng Sơn")
	org := seed(0x4005, "Trần Văn Hùng", bot.Organiser, "")
	gv := seed(0x4006, "Nguyễn Minh Đức", bot.Lecturer, "")

	url := z.AddPhoto("leak.jpg", smallJPEG(t))
	p.post(zalotest.ImageEvent(p.id, p.name, url, "Vòi nước rò rỉ suốt ca làm việc"), true)
	ask := p.reply("Đã nhận ảnh số 1")
	p.say(number(t, ask, "Nước"))
	p.reply("doanh nghiệp nào")
	p.say("Công ty Bia Hà Nội")
	p.reply("Đã ghi nhận ảnh dự thi số 1")

	snap := e.snapshot(c.ID)
	if len(snap.Entries) != 1 {
		t.Fatalf("%d entries", len(snap.Entries))
	}
	en := snap.Entries[0]
	if !strings.HasPrefix(en.UniqueID, "sha256:") || en.Category != "Nước" || en.Enterprise != "Công ty Bia Hà Nội" || en.Author != p.key() {
		t.Errorf("entry = %+v", *en)
	}
	// The same bytes under another link (Zalo's links change) are the same
	// picture: no second entry.
	again := z.AddPhoto("leak-again.jpg", smallJPEG(t))
	p.post(zalotest.ImageEvent(p.id, p.name, again, "Lại ảnh đó"), false)
	answer := p.reply("")
	t.Logf("the same picture again: %q", answer.Text())
	if strings.Contains(answer.Text(), "Đã nhận ảnh số 2") {
		t.Errorf("the same picture became entry 2: %q", answer.Text())
	}
	if n := len(e.snapshot(c.ID).Entries); n != 1 {
		t.Errorf("%d entries after the same picture again", n)
	}

	// The organiser, on Zalo too, gets the photo by its link with the
	// choices numbered, and approves by typing the number of ✅.
	mod := org.reply("Ảnh dự thi số 1 chờ duyệt")
	if mod.Method != "sendPhoto" || mod.Params["photo"] != url {
		t.Errorf("moderation notice: %s %q", mod.Method, mod.Params["photo"])
	}
	org.say(number(t, mod, tx(bot.VI, "contest.btn.approve")))
	p.reply("Ảnh dự thi số 1 của bạn đã được duyệt")

	// Voting: the lecturer types «bình chọn»; the page lists 👍 as one
	// of its numbers, and typing it casts the vote.
	clk.Set(hanoi(t, 2017, 10, 30, 9, 0))
	gv.say("bình chọn")
	page := gv.reply("📷 Ảnh số 1")
	if page.Method != "sendPhoto" || page.Params["photo"] != url {
		t.Errorf("vote page: %s %q", page.Method, page.Params["photo"])
	}
	gv.say(number(t, page, "👍"))
	gv.reply(tx(bot.VI, "contest.vote.voted"))
	if snap := e.snapshot(c.ID); snap.Tally[1].Votes != 1 {
		t.Errorf("tally after the Zalo vote: %+v", snap.Tally[1])
	}
}
