package telegramtest_test

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/png"
	"io"
	"net/http"
	"sync"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/cohortbot/cohortbot/bot/telegram/telegramtest"
)

var (
	alice = tgbotapi.User{ID: 501, FirstName: "Alice", UserName: "alice", LanguageCode: "vi"}
	bob   = tgbotapi.User{ID: 502, FirstName: "Bob", LastName: "Tran"}
)

// mustBot connects the real client to the fake, the way the bot does.
func mustBot(tb testing.TB, s *telegramtest.Server) *tgbotapi.BotAPI {
	tb.Helper()
	bot, err := tgbotapi.NewBotAPIWithClient(s.Token(), s.Endpoint(), &http.Client{Timeout: 10 * time.Second})
	if err != nil {
		tb.Fatalf("NewBotAPIWithClient: %v", err)
	}
	return bot
}

// testContext bounds every wait of a test, so that a broken fake fails instead of hanging.
func testContext(tb testing.TB) context.Context {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	tb.Cleanup(cancel)
	return ctx
}

// mustAPIError asserts that err is a Bot API error with the given code and description.
func mustAPIError(tb testing.TB, err error, code int, description string) *tgbotapi.Error {
	tb.Helper()
	var apiErr *tgbotapi.Error
	if !errors.As(err, &apiErr) {
		tb.Fatalf("error = %v (%T), want *tgbotapi.Error", err, err)
	}
	if apiErr.Code != code || apiErr.Message != description {
		tb.Fatalf("error = %d %q, want %d %q", apiErr.Code, apiErr.Message, code, description)
	}
	return apiErr
}

// rawCall calls the fake without the client library and returns status and body.
func rawCall(tb testing.TB, req *http.Request) (int, string) {
	tb.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatalf("read body: %v", err)
	}
	return resp.StatusCode, string(body)
}

func mustRequest(tb testing.TB, method, url, contentType string, body io.Reader) *http.Request {
	tb.Helper()
	req, err := http.NewRequest(method, url, body)
	if err != nil {
		tb.Fatalf("new request: %v", err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	return req
}

// pngBytes is a real PNG: Telegram refuses photos it cannot decode.
func pngBytes(tb testing.TB, width, height int) []byte {
	tb.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewGray(image.Rect(0, 0, width, height))); err != nil {
		tb.Fatalf("encode png: %v", err)
	}
	return buf.Bytes()
}

// clock is a settable clock for the rate limiter tests.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *clock { return &clock{now: time.Date(2017, 7, 10, 8, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// ctxClient gives every request of the client library a context, which v5.5.1 cannot do.
type ctxClient struct {
	ctx    context.Context
	client *http.Client
}

func (c ctxClient) Do(req *http.Request) (*http.Response, error) {
	return c.client.Do(req.WithContext(c.ctx))
}

func inlineKeyboard(data ...string) tgbotapi.InlineKeyboardMarkup {
	var row []tgbotapi.InlineKeyboardButton
	for _, d := range data {
		row = append(row, tgbotapi.NewInlineKeyboardButtonData("btn "+d, d))
	}
	return tgbotapi.NewInlineKeyboardMarkup(row)
}
