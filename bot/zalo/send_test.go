package zalo_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/cohortbot/cohortbot/bot"
	"github.com/cohortbot/cohortbot/bot/zalo"
	"github.com/cohortbot/cohortbot/bot/zalo/zalotest"
)

// memChoices is a ChoiceStore in memory (store.Store is tested against
// Redis in store/).
type memChoices struct {
	mu   sync.Mutex
	m    map[bot.UserKey][]string
	msg  map[bot.UserKey]int64
	fail error
}

func (s *memChoices) SetChoices(_ context.Context, u bot.UserKey, id int64, data []string, _ time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.m == nil {
		s.m, s.msg = map[bot.UserKey][]string{}, map[bot.UserKey]int64{}
	}
	s.m[u], s.msg[u] = data, id
	return nil
}

func (s *memChoices) Choices(_ context.Context, u bot.UserKey) (int64, []string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.msg[u], s.m[u], s.fail
}

// tinyPNG is a 1×1 PNG.
var tinyPNG = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89" +
	"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")

func units(s string) int { return len(utf16.Encode([]rune(s))) }

func TestSendNumberedChoices(t *testing.T) {
	t.Parallel()
	z := zalotest.New(t)
	c := mustClient(t, z)
	choices := &memChoices{}
	c.Choices = choices
	user := zalotest.UserID(5)
	chat := bot.ChatKey("zalo:" + user)
	_, err := c.Send(ctx(t), bot.Message{Chat: chat, Text: "Thông báo về dữ liệu cá nhân", Buttons: [][]bot.Button{
		{{Text: "✅ Tôi đồng ý", Data: "cs:y:CODE:"}, {Text: "Không đồng ý", Data: "cs:n:CODE:"}},
		{{Text: "Chính sách", URL: "https://x.example/p"}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	sent := z.Sent(user)
	if len(sent) != 1 {
		t.Fatalf("sent %d messages", len(sent))
	}
	want := "Thông báo về dữ liệu cá nhân\n\n1. ✅ Tôi đồng ý\n2. Không đồng ý\n🔗 Chính sách: https://x.example/p"
	if got := sent[0].Params["text"]; got != want {
		t.Errorf("text = %q\nwant %q", got, want)
	}
	if _, data, _ := choices.Choices(ctx(t), bot.UserKey(chat)); !slices.Equal(data, []string{"cs:y:CODE:", "cs:n:CODE:"}) {
		t.Errorf("kept choices = %v", data)
	}

	// "2" is the press of the second choice; "3" matches none: text.
	r := zalo.Resolver{Choices: choices}
	u := bot.Update{ID: 9, Platform: bot.Zalo, Kind: bot.KindText, Text: "2", User: bot.UserKey(chat), Chat: chat}
	if err := r.Resolve(ctx(t), &u); err != nil || u.Kind != bot.KindCallback || u.Callback == nil || u.Callback.Data != "cs:n:CODE:" {
		t.Errorf("resolved %+v (%v)", u, err)
	}
	for _, text := range []string{"3", "0", "hai", "12345"} {
		u := bot.Update{Platform: bot.Zalo, Kind: bot.KindText, Text: text, User: bot.UserKey(chat)}
		if err := r.Resolve(ctx(t), &u); err != nil || u.Kind != bot.KindText || u.Callback != nil {
			t.Errorf("%q resolved to %+v (%v)", text, u, err)
		}
	}
	// Redis away: the update is not handled now.
	choices.fail = errors.New("redis down")
	u = bot.Update{Platform: bot.Zalo, Kind: bot.KindText, Text: "1", User: bot.UserKey(chat)}
	if err := r.Resolve(ctx(t), &u); err == nil {
		t.Error("no error with the store away")
	}
}

func TestSplit(t *testing.T) {
	t.Parallel()
	c := zalo.NewClient("t", "", nil)
	chat := bot.ChatKey("zalo:" + zalotest.UserID(1))
	long := strings.Repeat("Dòng lịch học có dấu và emoji 🌿.\n", 200)
	buttons := [][]bot.Button{{{Text: "Trang sau", Data: "p:2"}}}

	parts := c.Split(bot.Message{Chat: chat, Text: long, Buttons: buttons, Edit: 7})
	if len(parts) < 2 {
		t.Fatalf("%d parts", len(parts))
	}
	var all strings.Builder
	for i, p := range parts {
		if p.Edit != 0 {
			t.Errorf("part %d is an edit: Zalo cannot edit", i)
		}
		if (len(p.Buttons) > 0) != (i == len(parts)-1) {
			t.Errorf("part %d has buttons %v", i, p.Buttons)
		}
		all.WriteString(p.Text)
		// Split is stable: each part is one call.
		if again := c.Split(p); len(again) != 1 {
			t.Errorf("part %d splits again into %d", i, len(again))
		}
	}
	if all.String() != long {
		t.Error("the parts do not add up to the text")
	}

	// A photo by URL takes the text as its caption when it fits.
	photo := &bot.File{URL: "https://media.example/1.jpg"}
	parts = c.Split(bot.Message{Chat: chat, Text: "Ảnh 1", Photo: photo, Buttons: buttons})
	if len(parts) != 1 || parts[0].Photo != photo || parts[0].Text != "Ảnh 1" {
		t.Errorf("photo parts = %+v", parts)
	}
	// A photo known only by a Telegram file id cannot be shown: a note.
	parts = c.Split(bot.Message{Chat: chat, Text: "Ảnh 2", Photo: &bot.File{ID: "AgACAgIAAx"}})
	if len(parts) != 1 || parts[0].Photo != nil || !strings.Contains(parts[0].Text, bot.Text(bot.VI, "zalo.no_photo")) {
		t.Errorf("photo without URL = %+v", parts)
	}
}

func TestSendLongTextUnderLimit(t *testing.T) {
	t.Parallel()
	z := zalotest.New(t)
	c := mustClient(t, z)
	user := zalotest.UserID(6)
	text := strings.Repeat("😀", 1500) // 3000 UTF-16 units
	if _, err := c.Send(ctx(t), bot.Message{Chat: bot.ChatKey("zalo:" + user), Text: text}); err != nil {
		t.Fatal(err)
	}
	sent := z.Sent(user)
	if len(sent) != 2 {
		t.Fatalf("%d messages", len(sent))
	}
	for _, s := range sent {
		if n := units(s.Params["text"]); n > zalo.MaxText {
			t.Errorf("a part of %d units", n)
		}
	}
}

// recorder is a Recorder in memory.
type recorder struct {
	mu      sync.Mutex
	updates []bot.Update
	fail    error
}

func (r *recorder) Record(_ context.Context, p bot.Platform, us []bot.Update, offset int64) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fail != nil {
		return 0, r.fail
	}
	if p != bot.Zalo || offset != 0 {
		return 0, errors.New("bad platform or offset")
	}
	r.updates = append(r.updates, us...)
	return len(us), nil
}

func TestWebhook(t *testing.T) {
	t.Parallel()
	z := zalotest.New(t)
	c := mustClient(t, z)
	rec := &recorder{}
	const secret = "webhook-secret-1"
	srv := httptest.NewServer(c.Webhook(rec, secret))
	t.Cleanup(srv.Close)
	user := zalotest.UserID(9)

	post := func(secret string, body []byte) int {
		t.Helper()
		code, err := zalotest.Post(ctx(t), srv.URL, secret, body)
		if err != nil {
			t.Fatal(err)
		}
		return code
	}
	text := zalotest.TextEvent(user, "Lan", "lich")
	if got := post("wrong-secret", zalotest.Bare(text)); got != http.StatusForbidden {
		t.Errorf("wrong secret: %d", got)
	}
	if got := post("", zalotest.Bare(text)); got != http.StatusForbidden {
		t.Errorf("no secret: %d", got)
	}
	if got := post(secret, nil); got != http.StatusOK {
		t.Errorf("empty probe: %d", got)
	}
	if got := post(secret, zalotest.Bare(text)); got != http.StatusOK {
		t.Errorf("bare: %d", got)
	}
	if got := post(secret, zalotest.Wrapped(zalotest.TextEvent(user, "Lan", "han"))); got != http.StatusOK {
		t.Errorf("wrapped: %d", got)
	}
	if got := post(secret, zalotest.Bare(zalotest.EchoEvent(user, "echo"))); got != http.StatusOK {
		t.Errorf("echo: %d", got)
	}
	img := zalotest.ImageEvent(user, "Lan", z.AddPhoto("a.png", tinyPNG), "Rò rỉ")
	if got := post(secret, zalotest.Bare(img)); got != http.StatusOK {
		t.Errorf("image: %d", got)
	}
	// Bytes that are no picture, whatever the link's name says.
	fake := zalotest.ImageEvent(user, "Lan", z.AddPhoto("b.jpg", []byte("<html>not a photo</html>")), "")
	if got := post(secret, zalotest.Bare(fake)); got != http.StatusOK {
		t.Errorf("fake image: %d", got)
	}
	if len(rec.updates) != 4 {
		t.Fatalf("recorded %d updates, want 4 (the echo dropped)", len(rec.updates))
	}
	if u := rec.updates[3]; u.Kind != bot.KindOther || u.Photo != nil {
		t.Errorf("a file that is no picture reached the handlers as %s %+v", u.Kind, u.Photo)
	}
	if rec.updates[0].Command != "schedule" || rec.updates[1].Command != "deadlines" {
		t.Errorf("commands %q %q", rec.updates[0].Command, rec.updates[1].Command)
	}
	ph := rec.updates[2].Photo
	if ph == nil || !strings.HasPrefix(ph.UniqueID, "sha256:") || ph.Size != int64(len(tinyPNG)) || ph.MIME != "image/png" || ph.Width != 1 {
		t.Errorf("photo = %+v", ph)
	}
	rec.fail = errors.New("redis down")
	if got := post(secret, zalotest.Bare(zalotest.TextEvent(user, "Lan", "x"))); got != http.StatusServiceUnavailable {
		t.Errorf("store down: %d", got)
	}
}

func TestDownloadBounded(t *testing.T) {
	t.Parallel()
	z := zalotest.New(t)
	c := mustClient(t, z)
	c.MaxPhoto = 10
	f := &bot.File{URL: z.AddPhoto("big.jpg", make([]byte, 11))}
	if err := c.Download(ctx(t), f); err == nil || f.UniqueID != "" {
		t.Errorf("oversized photo: err %v, file %+v", err, f)
	}
}

func TestPoll(t *testing.T) {
	t.Parallel()
	z := zalotest.New(t, zalotest.WithPollCap(50*time.Millisecond))
	c := mustClient(t, z)
	if err := c.SetWebhook(ctx(t), "https://x.example/zalo/webhook", "12345678"); err != nil {
		t.Fatal(err)
	}
	rec := &recorder{}
	pctx, cancel := context.WithCancel(ctx(t))
	done := make(chan error, 1)
	go func() { done <- c.Poll(pctx, rec) }()
	user := zalotest.UserID(3)
	z.Push(zalotest.TextEvent(user, "Lan", "/start ABC"))
	// The poller calls getUpdates again once it has recorded the event.
	err := z.WaitFor(ctx(t), func([]zalotest.Call) bool {
		rec.mu.Lock()
		defer rec.mu.Unlock()
		return len(rec.updates) == 1
	})
	if err != nil {
		t.Fatalf("event not recorded: %v", err)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if u, _ := z.Webhook(); u != "" {
		t.Error("polling did not delete the webhook")
	}
	if len(rec.updates) != 1 || rec.updates[0].Command != "start" || rec.updates[0].Args != "ABC" {
		t.Errorf("recorded %+v", rec.updates)
	}

	// 401 stops polling with an error.
	c2 := mustClient(t, z)
	z.Fail("getUpdates", 401, 1)
	if err := c2.Poll(ctx(t), rec); err == nil || !c2.Stopped() {
		t.Errorf("poll after 401: %v, stopped %v", err, c2.Stopped())
	}
}
