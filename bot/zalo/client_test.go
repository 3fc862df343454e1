package zalo_test

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cohortbot/cohortbot/bot"
	"github.com/cohortbot/cohortbot/bot/zalo"
	"github.com/cohortbot/cohortbot/bot/zalo/zalotest"
)

func mustClient(t *testing.T, z *zalotest.Server) *zalo.Client {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := zalo.New(ctx, z.Token(), z.URL(), nil)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func ctx(t *testing.T) context.Context {
	t.Helper()
	c, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return c
}

func TestClientMethods(t *testing.T) {
	t.Parallel()
	z := zalotest.New(t, zalotest.WithPollCap(100*time.Millisecond))
	c := mustClient(t, z)
	if c.Self().ID != zalotest.BotID {
		t.Errorf("getMe id = %q", c.Self().ID)
	}
	if err := c.SetWebhook(ctx(t), "https://bot.example/zalo/webhook", "s3cret-token"); err != nil {
		t.Fatal(err)
	}
	if u, s := z.Webhook(); u != "https://bot.example/zalo/webhook" || s != "s3cret-token" {
		t.Errorf("webhook = %q %q", u, s)
	}
	if info, err := c.GetWebhookInfo(ctx(t)); err != nil || info.URL != "https://bot.example/zalo/webhook" {
		t.Errorf("webhook info = %+v %v", info, err)
	}
	if err := c.DeleteWebhook(ctx(t)); err != nil {
		t.Fatal(err)
	}
	if u, _ := z.Webhook(); u != "" {
		t.Errorf("webhook after delete = %q", u)
	}
	chat := zalotest.UserID(7)
	if s, err := c.SendMessage(ctx(t), chat, "Xin chào"); err != nil || len(s.MessageID) != 20 {
		t.Fatalf("sendMessage = %+v %v", s, err)
	}
	if _, err := c.SendPhoto(ctx(t), chat, "https://x.example/p.jpg", "Ảnh"); err != nil {
		t.Fatal(err)
	}
	if err := c.SendChatAction(ctx(t), chat, "typing"); err != nil {
		t.Fatal(err)
	}
	sent := z.Sent(chat)
	if len(sent) != 2 || sent[0].Params["text"] != "Xin chào" || sent[1].Params["photo"] != "https://x.example/p.jpg" || sent[1].Params["caption"] != "Ảnh" {
		t.Errorf("sent = %+v", sent)
	}

	// getUpdates: one event per call, then 408 when idle, which is no error.
	z.Push(zalotest.TextEvent(chat, "Lan", "lich"))
	evs, err := c.GetUpdates(ctx(t), time.Second)
	if err != nil || len(evs) != 1 || evs[0].Message.Text != "lich" {
		t.Fatalf("getUpdates = %+v %v", evs, err)
	}
	evs, err = c.GetUpdates(ctx(t), time.Second)
	if err != nil || len(evs) != 0 {
		t.Fatalf("idle getUpdates = %+v %v", evs, err)
	}
}

func TestClientErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		code                   int
		prefix                 string
		temporary, quota, stop bool
	}{
		{429, bot.ReasonZaloQuota, true, true, false},
		{403, bot.ReasonZaloError + " 403", true, false, false},
		{500, bot.ReasonZaloError + " 500", true, false, false},
		{400, bot.ReasonZaloError + " 400", false, false, false},
		{401, bot.ReasonZaloError + " 401", false, false, true},
	}
	for _, tt := range tests {
		t.Run(strings.Fields(tt.prefix)[0]+"-"+string(rune('0'+tt.code/100)), func(t *testing.T) {
			z := zalotest.New(t)
			c := mustClient(t, z)
			var stops atomic.Int32
			c.OnUnauthorized = func(error) { stops.Add(1) }
			z.Fail("sendMessage", tt.code, 1)
			_, err := c.SendMessage(ctx(t), zalotest.UserID(1), "x")
			var ae *zalo.APIError
			if !errors.As(err, &ae) || ae.Code != tt.code {
				t.Fatalf("err = %v, want a zalo APIError %d", err, tt.code)
			}
			if !strings.HasPrefix(err.Error(), tt.prefix) {
				t.Errorf("err = %q, want prefix %q (the delivery report reads it)", err, tt.prefix)
			}
			if ae.Temporary() != tt.temporary || ae.QuotaExceeded() != tt.quota || ae.Fatal() != tt.stop || ae.Unreachable() {
				t.Errorf("classified %+v: temporary %v quota %v fatal %v", ae, ae.Temporary(), ae.QuotaExceeded(), ae.Fatal())
			}
			if c.Stopped() != tt.stop || stops.Load() != map[bool]int32{true: 1, false: 0}[tt.stop] {
				t.Errorf("stopped %v, OnUnauthorized called %d times", c.Stopped(), stops.Load())
			}
			before := len(z.Calls())
			_, err = c.SendMessage(ctx(t), zalotest.UserID(1), "y")
			if tt.stop {
				// Stopped: no more calls reach Zalo.
				if !errors.Is(err, zalo.ErrStopped) || len(z.Calls()) != before || stops.Load() != 1 {
					t.Errorf("after 401: err %v, calls %d→%d", err, before, len(z.Calls()))
				}
			} else if err != nil {
				t.Errorf("next call: %v", err)
			}
		})
	}
}

func TestTokenNotInErrors(t *testing.T) {
	t.Parallel()
	c := zalo.NewClient("123:secret-token", "http://127.0.0.1:1", nil)
	_, err := c.SendMessage(ctx(t), "x", "y")
	if err == nil || strings.Contains(err.Error(), "secret-token") {
		t.Errorf("err = %v", err)
	}
}
