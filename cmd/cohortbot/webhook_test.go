package main

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/cohortbot/cohortbot/bot"
	"github.com/cohortbot/cohortbot/bot/telegram"
	"github.com/cohortbot/cohortbot/bot/telegram/telegramtest"
)

// TestWebhook runs serve in webhook mode: the webhook is registered with
// its secret, requests without the right secret are refused before
// anything is recorded, a redelivered update is handled once, and while
// Redis is down Telegram is told to retry (503) until it is back.
func TestWebhook(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	const secret = "s3cret_Token-42"
	e.vars["TELEGRAM_WEBHOOK_SECRET"] = secret
	e.vars["PUBLIC_URL"] = "https://bot.example.org/"
	c := e.createCohort(samplePlan)
	s := e.serve()

	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	calls, err := e.tg.WaitCalls(ctx, "setWebhook", 1)
	if err != nil {
		t.Fatalf("serve never called setWebhook:\n%s", s.log)
	}
	if got := calls[0].Params["secret_token"]; got != secret {
		t.Errorf("setWebhook secret_token = %q, want %q", got, secret)
	}
	if url, tok := e.tg.Webhook(); url != "https://bot.example.org/telegram/webhook" || tok != secret {
		t.Errorf("webhook = %q %q, want https://bot.example.org/telegram/webhook %q", url, tok, secret)
	}

	hook := s.url(telegram.WebhookPath)
	lan := e.person(4001, "Lan", "Lê Thị", "vi")
	start := telegramtest.TextMessage(lan.user, lan.user.ID, "/start "+c.Invites.Trainee)
	start.UpdateID = 5001

	for _, bad := range []struct{ name, secret string }{
		{"wrong", "not-the-secret"},
		{"missing", ""},
		{"prefix", secret[:len(secret)-1]},
		{"longer", secret + "x"},
	} {
		if code := postWebhook(t, e, hook, bad.secret, start); code != http.StatusForbidden {
			t.Errorf("%s secret: status %d, want 403", bad.name, code)
		}
	}
	st := e.store()
	rdb := e.redis.Client()
	if n, err := rdb.Exists(context.Background(), "{in}:seen:telegram:5001").Result(); err != nil || n != 0 {
		t.Errorf("refused update left a dedupe marker (exists=%d, err=%v)", n, err)
	}
	if n, err := st.InboxBacklog(context.Background()); err != nil || n != 0 {
		t.Errorf("inbox after refused requests = %d (%v), want 0", n, err)
	}

	// The right secret: recorded, then handled.
	if code := postWebhook(t, e, hook, secret, start); code != http.StatusOK {
		t.Fatalf("right secret: status %d, want 200\n%s", code, s.log)
	}
	seen := 0
	notice := lan.reply(&seen, "Nghị định 356/2025/NĐ-CP")
	agree := telegramtest.CallbackQuery(lan.user, lan.user.ID, e.messageID(lan.user.ID, notice), "cs:y:"+c.Invites.Trainee+":")
	agree.UpdateID = 5004
	if code := postWebhook(t, e, hook, secret, agree); code != http.StatusOK {
		t.Fatalf("«I agree»: status %d, want 200\n%s", code, s.log)
	}
	lan.reply(&seen, "họ và tên đầy đủ")
	if _, err := st.Member(context.Background(), c.ID, "telegram:4001"); err != nil {
		t.Fatalf("member after webhook /start: %v", err)
	}

	// Telegram delivers the same update again: 200, handled once. A later
	// update of the same user is handled after it, so once its answer is
	// there, a second handling of the duplicate would be too.
	if code := postWebhook(t, e, hook, secret, start); code != http.StatusOK {
		t.Fatalf("redelivered update: status %d, want 200", code)
	}
	help := telegramtest.TextMessage(lan.user, lan.user.ID, "/help")
	help.UpdateID = 5002
	if code := postWebhook(t, e, hook, secret, help); code != http.StatusOK {
		t.Fatalf("/help: status %d, want 200", code)
	}
	helpTitle := tx(bot.VI, "help.title")
	lan.reply(&seen, helpTitle)
	if got := textsTo(e, lan.user.ID); len(got) != 3 {
		t.Errorf("messages to the user after a redelivered /start = %d, want 3 (notice, name question, help):\n%s",
			len(got), strings.Join(got, "\n---\n"))
	}

	// Redis down: the update cannot be recorded, so Telegram must retry.
	e.redis.Stop()
	help2 := telegramtest.TextMessage(lan.user, lan.user.ID, "/help")
	help2.UpdateID = 5003
	if code := postWebhook(t, e, hook, secret, help2); code != http.StatusServiceUnavailable {
		t.Errorf("with Redis down: status %d, want 503", code)
	}
	if code, _ := httpGet(t, s.url("/readyz")); code != http.StatusServiceUnavailable {
		t.Errorf("/readyz with Redis down = %d, want 503", code)
	}
	if code, _ := httpGet(t, s.url("/healthz")); code != http.StatusOK {
		t.Errorf("/healthz with Redis down = %d, want 200", code)
	}

	e.redis.Restart()
	// Telegram retries until it gets a 200; go-redis reconnects by itself.
	deadline := time.Now().Add(10 * time.Second)
	for {
		code := postWebhook(t, e, hook, secret, help2)
		if code == http.StatusOK {
			break
		}
		if code != http.StatusServiceUnavailable || time.Now().After(deadline) {
			t.Fatalf("retried update after Redis restart: status %d\n%s", code, s.log)
		}
	}
	if code, _ := httpGet(t, s.url("/readyz")); code != http.StatusOK {
		t.Errorf("/readyz after Redis restart = %d, want 200", code)
	}
	lan.reply(&seen, helpTitle)

	if got := e.tg.Calls("getUpdates", "deleteWebhook"); len(got) != 0 {
		t.Errorf("webhook mode made %d getUpdates/deleteWebhook calls, want none", len(got))
	}
	if code := s.stop(); code != 0 {
		t.Errorf("serve exit = %d, want 0", code)
	}
}

// postWebhook delivers u to the bot's webhook with the secret (none when
// empty) and returns the status.
func postWebhook(t *testing.T, e *env, hook, secret string, u tgbotapi.Update) int {
	t.Helper()
	resp, err := e.tg.PostWebhook(hook, secret, u)
	if err != nil {
		t.Fatalf("post webhook: %v", err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

// httpGet returns the status and body of a GET.
func httpGet(t *testing.T, url string) (int, string) {
	t.Helper()
	client := &http.Client{Timeout: 10 * time.Second}
	resp, err := client.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	return resp.StatusCode, string(body)
}

// textsTo returns the texts of the messages sent to a chat, in order.
func textsTo(e *env, chatID int64) []string {
	var out []string
	for _, c := range e.tg.Sent(chatID) {
		if c.Method == "sendMessage" {
			out = append(out, c.Params["text"])
		}
	}
	return out
}

// countTo is the number of messages to a chat whose text contains sub.
func countTo(e *env, chatID int64, sub string) int {
	n := 0
	for _, text := range textsTo(e, chatID) {
		if strings.Contains(text, sub) {
			n++
		}
	}
	return n
}
