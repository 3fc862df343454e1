package telegramtest_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/cohortbot/cohortbot/bot/telegram/telegramtest"
)

func updateIDs(updates []tgbotapi.Update) []int {
	ids := make([]int, len(updates))
	for i, u := range updates {
		ids[i] = u.UpdateID
	}
	return ids
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestGetUpdatesOffsetConfirms(t *testing.T) {
	s := telegramtest.New(t)
	bot := mustBot(t, s)
	for i, text := range []string{"/start", "một", "hai"} {
		if got, want := s.PushUpdate(telegramtest.TextMessage(alice, alice.ID, text)), 1000+i; got != want {
			t.Fatalf("PushUpdate = %d, want %d", got, want)
		}
	}

	steps := []struct {
		name        string
		config      tgbotapi.UpdateConfig
		want        []int
		wantPending int
	}{
		{"no offset confirms nothing", tgbotapi.UpdateConfig{}, []int{1000, 1001, 1002}, 3},
		{"again the same", tgbotapi.UpdateConfig{}, []int{1000, 1001, 1002}, 3},
		{"offset confirms below it", tgbotapi.UpdateConfig{Offset: 1001}, []int{1001, 1002}, 2},
		{"limit", tgbotapi.UpdateConfig{Offset: 1001, Limit: 1}, []int{1001}, 2},
		{"negative offset keeps the last ones", tgbotapi.UpdateConfig{Offset: -1}, []int{1002}, 1},
		{"last update confirmed", tgbotapi.UpdateConfig{Offset: 1003}, []int{}, 0},
	}
	for _, step := range steps {
		got, err := bot.GetUpdates(step.config)
		if err != nil {
			t.Fatalf("%s: GetUpdates: %v", step.name, err)
		}
		if !equalInts(updateIDs(got), step.want) {
			t.Errorf("%s: update ids = %v, want %v", step.name, updateIDs(got), step.want)
		}
		if got := s.Pending(); got != step.wantPending {
			t.Errorf("%s: Pending() = %d, want %d", step.name, got, step.wantPending)
		}
	}
}

func TestPushedMessagesLookReal(t *testing.T) {
	s := telegramtest.New(t)
	bot := mustBot(t, s)
	const group = -1001234567890
	s.PushUpdate(telegramtest.TextMessage(alice, alice.ID, "/start@cohort_test_bot now"))
	s.PushUpdate(telegramtest.TextMessage(alice, group, "chào cả nhóm"))
	s.PushUpdate(telegramtest.TextMessage(bob, alice.ID, "hi"))

	updates, err := bot.GetUpdates(tgbotapi.UpdateConfig{})
	if err != nil {
		t.Fatalf("GetUpdates: %v", err)
	}
	if len(updates) != 3 {
		t.Fatalf("got %d updates, want 3", len(updates))
	}
	first := updates[0].Message
	if first.MessageID != 1 || first.Date == 0 || first.Chat.ID != alice.ID || first.Chat.Type != "private" || first.Chat.FirstName != "Alice" {
		t.Errorf("private message = id %d date %d chat %+v, want id 1, a date, Alice's private chat", first.MessageID, first.Date, first.Chat)
	}
	if !first.IsCommand() || first.Command() != "start" || first.CommandArguments() != "now" {
		t.Errorf("command = %v %q %q, want start with argument now", first.IsCommand(), first.Command(), first.CommandArguments())
	}
	if g := updates[1].Message; g.MessageID != 1 || g.Chat.Type != "supergroup" || g.From.ID != alice.ID {
		t.Errorf("group message = id %d chat %+v, want id 1 in a supergroup from Alice", g.MessageID, g.Chat)
	}
	if third := updates[2].Message; third.MessageID != 2 {
		t.Errorf("second message in Alice's chat has id %d, want 2", third.MessageID)
	}
}

func TestCommandEntity(t *testing.T) {
	tests := []struct {
		name       string
		text       string
		wantLength int // 0: no bot_command entity
	}{
		{"command", "/start", 6},
		{"command with argument", "/vote 12", 5},
		{"addressed to the bot", "/start@cohort_test_bot", 22},
		{"underscore and digits", "/photo_2 x", 8},
		{"punctuation ends it", "/help.", 5},
		{"plain text", "xin chào", 0},
		{"slash alone", "/ start", 0},
		{"non-Latin command", "/đăngký", 0},
		{"not at the start", "see /start", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := telegramtest.TextMessage(alice, alice.ID, tt.text).Message
			switch {
			case tt.wantLength == 0 && len(m.Entities) != 0:
				t.Errorf("entities = %+v, want none", m.Entities)
			case tt.wantLength != 0 && (len(m.Entities) != 1 || m.Entities[0] != tgbotapi.MessageEntity{Type: "bot_command", Offset: 0, Length: tt.wantLength}):
				t.Errorf("entities = %+v, want one bot_command of length %d", m.Entities, tt.wantLength)
			}
		})
	}
}

func TestLongPollReturnsEarlyOnPush(t *testing.T) {
	// With a one-minute cap, only an early return can beat the test's ten-second context.
	s := telegramtest.New(t, telegramtest.WithLongPollCap(time.Minute))
	bot := mustBot(t, s)
	ctx := testContext(t)

	type result struct {
		updates []tgbotapi.Update
		err     error
	}
	done := make(chan result, 1)
	go func() {
		updates, err := bot.GetUpdates(tgbotapi.UpdateConfig{Timeout: 60})
		done <- result{updates, err}
	}()
	if err := s.WaitPolling(ctx); err != nil {
		t.Fatal(err)
	}
	id := s.PushUpdate(telegramtest.TextMessage(alice, alice.ID, "ping"))
	select {
	case r := <-done:
		if r.err != nil {
			t.Fatalf("GetUpdates: %v", r.err)
		}
		if !equalInts(updateIDs(r.updates), []int{id}) {
			t.Errorf("update ids = %v, want [%d]", updateIDs(r.updates), id)
		}
	case <-ctx.Done():
		t.Fatal("long poll did not return when an update was pushed")
	}
}

func TestLongPollTimesOut(t *testing.T) {
	s := telegramtest.New(t, telegramtest.WithLongPollCap(20*time.Millisecond))
	bot := mustBot(t, s)
	updates, err := bot.GetUpdates(tgbotapi.UpdateConfig{Timeout: 30})
	if err != nil || len(updates) != 0 {
		t.Fatalf("GetUpdates = %v, %v; want no updates and no error once the cap expires", updates, err)
	}
}

func TestLongPollEndsWithRequestContext(t *testing.T) {
	s := telegramtest.New(t, telegramtest.WithLongPollCap(time.Minute))
	bot := mustBot(t, s)
	ctx := testContext(t)
	pollCtx, cancel := context.WithCancel(ctx)
	bot.Client = ctxClient{ctx: pollCtx, client: &http.Client{}}

	done := make(chan error, 1)
	go func() {
		_, err := bot.GetUpdates(tgbotapi.UpdateConfig{Timeout: 60})
		done <- err
	}()
	if err := s.WaitPolling(ctx); err != nil {
		t.Fatal(err)
	}
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("GetUpdates error = %v, want context.Canceled", err)
		}
	case <-ctx.Done():
		t.Fatal("GetUpdates did not return after its context was cancelled")
	}
	// The server side must end too: the call is recorded only when its handler returns.
	calls, err := s.WaitCalls(ctx, "getUpdates", 1)
	if err != nil {
		t.Fatal(err)
	}
	if calls[0].Status != 499 {
		t.Errorf("cancelled long poll recorded with status %d, want 499", calls[0].Status)
	}
}

func TestNewerGetUpdatesTerminatesOlder(t *testing.T) {
	s := telegramtest.New(t, telegramtest.WithLongPollCap(time.Minute))
	first, second := mustBot(t, s), mustBot(t, s)
	ctx := testContext(t)

	firstDone := make(chan error, 1)
	go func() {
		_, err := first.GetUpdates(tgbotapi.UpdateConfig{Timeout: 60})
		firstDone <- err
	}()
	if err := s.WaitPolling(ctx); err != nil {
		t.Fatal(err)
	}
	secondDone := make(chan []tgbotapi.Update, 1)
	go func() {
		updates, err := second.GetUpdates(tgbotapi.UpdateConfig{Timeout: 60})
		if err != nil {
			t.Errorf("second GetUpdates: %v", err)
		}
		secondDone <- updates
	}()
	select {
	case err := <-firstDone:
		mustAPIError(t, err, http.StatusConflict, "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running")
	case <-ctx.Done():
		t.Fatal("the older long poll was not terminated")
	}
	if err := s.WaitPolling(ctx); err != nil {
		t.Fatal(err)
	}
	s.PushUpdate(telegramtest.TextMessage(alice, alice.ID, "hi"))
	select {
	case updates := <-secondDone:
		if len(updates) != 1 {
			t.Errorf("second poll got %d updates, want 1", len(updates))
		}
	case <-ctx.Done():
		t.Fatal("the newer long poll did not get the update")
	}
}

func TestWebhookBlocksGetUpdates(t *testing.T) {
	s := telegramtest.New(t)
	bot := mustBot(t, s)
	s.PushUpdate(telegramtest.TextMessage(alice, alice.ID, "hi"))

	if _, err := bot.MakeRequest("setWebhook", tgbotapi.Params{"url": "https://cohort.example.vn/telegram", "secret_token": "s3cr3t_-X"}); err != nil {
		t.Fatalf("setWebhook: %v", err)
	}
	if url, secret := s.Webhook(); url != "https://cohort.example.vn/telegram" || secret != "s3cr3t_-X" {
		t.Errorf("Webhook() = %q, %q", url, secret)
	}
	_, err := bot.GetUpdates(tgbotapi.UpdateConfig{})
	mustAPIError(t, err, http.StatusConflict, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first")

	info, err := bot.GetWebhookInfo()
	if err != nil {
		t.Fatalf("GetWebhookInfo: %v", err)
	}
	if info.URL != "https://cohort.example.vn/telegram" || info.PendingUpdateCount != 1 {
		t.Errorf("webhook info = %+v, want the URL and 1 pending update", info)
	}

	resp, err := bot.Request(tgbotapi.DeleteWebhookConfig{})
	if err != nil || resp.Description != "Webhook was deleted" {
		t.Fatalf("deleteWebhook = %+v, %v", resp, err)
	}
	updates, err := bot.GetUpdates(tgbotapi.UpdateConfig{})
	if err != nil || len(updates) != 1 {
		t.Fatalf("GetUpdates after deleteWebhook = %d updates, %v; want the pending one", len(updates), err)
	}
}

func TestSetWebhookValidation(t *testing.T) {
	tests := []struct {
		name   string
		params tgbotapi.Params
		want   string
	}{
		{"http", tgbotapi.Params{"url": "http://cohort.example.vn/hook"}, "Bad Request: bad webhook: An HTTPS URL must be provided for webhook"},
		{"port", tgbotapi.Params{"url": "https://cohort.example.vn:9000/hook"}, "Bad Request: bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443"},
		{"secret with base64 characters", tgbotapi.Params{"url": "https://cohort.example.vn/hook", "secret_token": "abc+/="}, "Bad Request: secret token contains unallowed characters"},
		{"secret too long", tgbotapi.Params{"url": "https://cohort.example.vn/hook", "secret_token": strings.Repeat("a", 257)}, "Bad Request: secret token is too long"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := telegramtest.New(t)
			_, err := mustBot(t, s).MakeRequest("setWebhook", tt.params)
			mustAPIError(t, err, http.StatusBadRequest, tt.want)
			if url, _ := s.Webhook(); url != "" {
				t.Errorf("webhook set to %q after a refused setWebhook", url)
			}
		})
	}
}

func TestPushedDocument(t *testing.T) {
	s := telegramtest.New(t, telegramtest.WithFirstUpdateID(1))
	bot := mustBot(t, s)
	const group = -1001000000003
	id := s.PushUpdate(telegramtest.Document(bob, group, "BQACdoc", "AgADdoc", "Báo cáo SXSH.pdf", "application/pdf", 2048))
	if id != 1 {
		t.Errorf("update id = %d, want 1", id)
	}
	updates, err := bot.GetUpdates(tgbotapi.UpdateConfig{})
	if err != nil || len(updates) != 1 {
		t.Fatalf("GetUpdates = %d updates, %v", len(updates), err)
	}
	want := tgbotapi.Document{FileID: "BQACdoc", FileUniqueID: "AgADdoc", FileName: "Báo cáo SXSH.pdf", MimeType: "application/pdf", FileSize: 2048}
	if d := updates[0].Message.Document; d == nil || *d != want {
		t.Errorf("document = %+v, want %+v", d, want)
	}
	file, err := bot.GetFile(tgbotapi.FileConfig{FileID: "BQACdoc"})
	if err != nil || file.FileSize != 2048 || !strings.HasPrefix(file.FilePath, "documents/") || !strings.HasSuffix(file.FilePath, ".pdf") {
		t.Errorf("GetFile = %+v, %v", file, err)
	}
}
