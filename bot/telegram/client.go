// Package telegram is cohortbot's Telegram adapter: it normalises updates
// into bot.Update, polls getUpdates with a durable offset, serves the
// webhook, and renders bot.Message as Bot API calls. It is the only
// package that imports go-telegram-bot-api.
package telegram

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/cohortbot/cohortbot/bot"
)

// DefaultAPIURL is Telegram's Bot API server.
const DefaultAPIURL = "https://api.telegram.org"

// Token is a bot token. It never reaches a log.
type Token string

// LogValue implements slog.LogValuer.
func (Token) LogValue() slog.Value { return slog.StringValue("[redacted]") }

// Client talks to the Bot API. Each request runs under the context of the
// call that made it.
type Client struct {
	token    Token
	apiURL   string
	http     *http.Client
	self     tgbotapi.User
	log      *slog.Logger
	endpoint string
}

// PollTimeout is how long one getUpdates waits for updates.
const PollTimeout = 25 * time.Second

// New connects to the Bot API at apiURL (empty for Telegram's), checking
// the token with getMe. The HTTP client has timeouts, unlike the library's
// default.
func New(ctx context.Context, token, apiURL string, log *slog.Logger) (*Client, error) {
	if apiURL == "" {
		apiURL = DefaultAPIURL
	}
	apiURL = strings.TrimRight(apiURL, "/")
	c := &Client{
		token:    Token(token),
		apiURL:   apiURL,
		http:     &http.Client{Timeout: PollTimeout + 15*time.Second},
		log:      log,
		endpoint: apiURL + "/bot%s/%s",
	}
	api, err := c.api(ctx)
	if err != nil {
		return nil, err
	}
	c.self = api.Self
	return c, nil
}

// Username is the bot's @handle without the @.
func (c *Client) Username() string { return c.self.UserName }

// ctxDoer runs the library's requests under a context, which it cannot
// take itself.
type ctxDoer struct {
	ctx context.Context
	c   *http.Client
}

func (d ctxDoer) Do(r *http.Request) (*http.Response, error) { return d.c.Do(r.WithContext(d.ctx)) }

// api returns a library client bound to ctx. NewBotAPIWithClient would call
// getMe every time, so after the first the struct is built by copy.
func (c *Client) api(ctx context.Context) (*tgbotapi.BotAPI, error) {
	if c.self.ID != 0 {
		a := &tgbotapi.BotAPI{Token: string(c.token), Client: ctxDoer{ctx, c.http}, Self: c.self, Buffer: 0}
		a.SetAPIEndpoint(c.endpoint)
		return a, nil
	}
	a, err := tgbotapi.NewBotAPIWithClient(string(c.token), c.endpoint, ctxDoer{ctx, c.http})
	if err != nil {
		return nil, c.scrub(fmt.Errorf("telegram getMe: %w", err))
	}
	return a, nil
}

// scrub removes the token from an error: transport errors quote the URL,
// which contains it.
func (c *Client) scrub(err error) error {
	if err == nil || c.token == "" || !strings.Contains(err.Error(), string(c.token)) {
		return err
	}
	return &scrubbed{msg: strings.ReplaceAll(err.Error(), string(c.token), "<token>"), err: err}
}

type scrubbed struct {
	msg string
	err error
}

func (e *scrubbed) Error() string { return e.msg }
func (e *scrubbed) Unwrap() error { return e.err }

// request sends a config through Request.
func (c *Client) request(ctx context.Context, cfg tgbotapi.Chattable) (*tgbotapi.APIResponse, error) {
	a, err := c.api(ctx)
	if err != nil {
		return nil, err
	}
	resp, err := a.Request(cfg)
	return resp, c.scrub(err)
}

// raw calls a method with explicit params, for what the library lacks
// (secret_token, command scopes).
func (c *Client) raw(ctx context.Context, method string, params tgbotapi.Params) (*tgbotapi.APIResponse, error) {
	a, err := c.api(ctx)
	if err != nil {
		return nil, err
	}
	resp, err := a.MakeRequest(method, params)
	return resp, c.scrub(err)
}

// APIError is a refusal from the Bot API, classified for the delivery
// layer.
type APIError struct {
	Code       int
	Message    string
	RetryAfter time.Duration
}

func (e *APIError) Error() string { return fmt.Sprintf("telegram %d: %s", e.Code, e.Message) }

// Unreachable reports whether the user can never be reached until they
// write again: blocked the bot, deleted account, chat not found.
func (e *APIError) Unreachable() bool {
	m := strings.ToLower(e.Message)
	return e.Code == 403 || strings.Contains(m, "chat not found") || strings.Contains(m, "user is deactivated")
}

// Temporary reports whether trying again later may succeed.
func (e *APIError) Temporary() bool { return e.Code == 429 || e.Code >= 500 }

// asAPIError converts the library's error.
func asAPIError(err error) error {
	var te *tgbotapi.Error
	if errors.As(err, &te) {
		return &APIError{Code: te.Code, Message: te.Message, RetryAfter: time.Duration(te.RetryAfter) * time.Second}
	}
	return err
}

// Send implements bot.Sender. Texts longer than Telegram's 4096 UTF-16
// units go out as several messages, the buttons on the last.
func (c *Client) Send(ctx context.Context, m bot.Message) (bot.Sent, error) {
	chatID, err := strconv.ParseInt(m.Chat.NativeID(), 10, 64)
	if err != nil || m.Chat.Platform() != bot.Telegram {
		return bot.Sent{}, fmt.Errorf("not a telegram chat: %q", m.Chat)
	}
	markup, err := keyboard(m.Buttons)
	if err != nil {
		return bot.Sent{}, err
	}
	switch {
	case m.Photo != nil || m.Document != nil:
		return c.sendFile(ctx, chatID, m, markup)
	case m.Edit != 0:
		sent, err := c.edit(ctx, chatID, m, markup)
		if err == nil {
			return sent, nil
		}
		var ae *APIError
		if !errors.As(err, &ae) || !strings.Contains(ae.Message, "message to edit not found") {
			return sent, err
		}
		// The message is gone (deleted by the user): send a new one.
	}
	parts := splitText(m.Text, maxText)
	var sent bot.Sent
	for i, part := range parts {
		cfg := tgbotapi.NewMessage(chatID, part)
		cfg.DisableWebPagePreview = true
		if i == len(parts)-1 && markup != nil {
			cfg.ReplyMarkup = *markup
		}
		msg, err := c.send(ctx, cfg)
		if err != nil {
			return sent, err
		}
		sent = bot.Sent{Chat: m.Chat, MessageID: int64(msg.MessageID)}
	}
	return sent, nil
}

func (c *Client) send(ctx context.Context, cfg tgbotapi.Chattable) (tgbotapi.Message, error) {
	resp, err := c.request(ctx, cfg)
	if err != nil {
		return tgbotapi.Message{}, asAPIError(err)
	}
	var msg tgbotapi.Message
	if err := json.Unmarshal(resp.Result, &msg); err != nil {
		return tgbotapi.Message{}, fmt.Errorf("decode sent message: %w", err)
	}
	return msg, nil
}

func (c *Client) edit(ctx context.Context, chatID int64, m bot.Message, markup *tgbotapi.InlineKeyboardMarkup) (bot.Sent, error) {
	cfg := tgbotapi.NewEditMessageText(chatID, int(m.Edit), truncateUnits(m.Text, maxText))
	cfg.ReplyMarkup = markup
	cfg.DisableWebPagePreview = true
	_, err := c.request(ctx, cfg)
	if err != nil {
		err = asAPIError(err)
		var ae *APIError
		if errors.As(err, &ae) && strings.Contains(ae.Message, "message is not modified") {
			err = nil
		}
	}
	return bot.Sent{Chat: m.Chat, MessageID: m.Edit}, err
}

func (c *Client) sendFile(ctx context.Context, chatID int64, m bot.Message, markup *tgbotapi.InlineKeyboardMarkup) (bot.Sent, error) {
	caption, rest := splitCaption(m.Text)
	var cfg tgbotapi.Chattable
	if m.Photo != nil {
		p := tgbotapi.NewPhoto(chatID, fileData(m.Photo))
		p.Caption = caption
		if markup != nil && rest == "" {
			p.ReplyMarkup = *markup
		}
		cfg = p
	} else {
		d := tgbotapi.NewDocument(chatID, fileData(m.Document))
		d.Caption = caption
		if markup != nil && rest == "" {
			d.ReplyMarkup = *markup
		}
		cfg = d
	}
	msg, err := c.send(ctx, cfg)
	if err != nil {
		return bot.Sent{}, err
	}
	sent := bot.Sent{Chat: m.Chat, MessageID: int64(msg.MessageID)}
	if rest != "" {
		return c.Send(ctx, bot.Message{Chat: m.Chat, Text: rest, Buttons: m.Buttons})
	}
	return sent, nil
}

func fileData(f *bot.File) tgbotapi.RequestFileData {
	switch {
	case f.Bytes != nil:
		name := f.Name
		if name == "" {
			name = "file"
		}
		return tgbotapi.FileBytes{Name: name, Bytes: f.Bytes}
	case f.ID != "":
		return tgbotapi.FileID(f.ID)
	default:
		return tgbotapi.FileURL(f.URL)
	}
}

// Answer implements bot.Sender.
func (c *Client) Answer(ctx context.Context, a bot.Answer) error {
	cfg := tgbotapi.NewCallback(a.CallbackID, truncateUnits(a.Text, 200))
	cfg.ShowAlert = a.Alert
	_, err := c.request(ctx, cfg)
	if err != nil {
		err = asAPIError(err)
		var ae *APIError
		if errors.As(err, &ae) && ae.Code == 400 && strings.Contains(ae.Message, "query is too old") {
			// Answered too late (after a restart): the user sees the
			// message that follows, so this is not a failure.
			return nil
		}
	}
	return err
}

func keyboard(rows [][]bot.Button) (*tgbotapi.InlineKeyboardMarkup, error) {
	if len(rows) == 0 {
		return nil, nil
	}
	kb := tgbotapi.InlineKeyboardMarkup{InlineKeyboard: make([][]tgbotapi.InlineKeyboardButton, 0, len(rows))}
	for _, row := range rows {
		var r []tgbotapi.InlineKeyboardButton
		for _, b := range row {
			if b.URL != "" {
				r = append(r, tgbotapi.NewInlineKeyboardButtonURL(b.Text, b.URL))
				continue
			}
			if len(b.Data) == 0 || len(b.Data) > bot.MaxButtonData {
				return nil, fmt.Errorf("button %q: data is %d bytes", b.Text, len(b.Data))
			}
			r = append(r, tgbotapi.NewInlineKeyboardButtonData(b.Text, b.Data))
		}
		if len(r) > 0 {
			kb.InlineKeyboard = append(kb.InlineKeyboard, r)
		}
	}
	return &kb, nil
}

// Telegram's limits, in UTF-16 code units.
const (
	maxText    = 4096
	maxCaption = 1024
)

func units(s string) int { return len(utf16.Encode([]rune(s))) }

// splitText cuts s into parts of at most max UTF-16 units, at line breaks
// where it can, never inside a character.
func splitText(s string, max int) []string {
	if s == "" {
		return []string{"\u200b"} // a message needs text; callers send buttons with a title
	}
	var parts []string
	for units(s) > max {
		cut := truncateUnits(s, max)
		if i := strings.LastIndex(cut, "\n"); i > len(cut)/2 {
			cut = cut[:i+1]
		}
		parts = append(parts, cut)
		s = s[len(cut):]
	}
	return append(parts, s)
}

// truncateUnits returns the longest prefix of s within max UTF-16 units.
func truncateUnits(s string, max int) string {
	n := 0
	for i, r := range s {
		w := 1
		if r >= 0x10000 {
			w = 2
		}
		if n+w > max {
			return s[:i]
		}
		n += w
	}
	return s
}

func splitCaption(s string) (caption, rest string) {
	if units(s) <= maxCaption {
		return s, ""
	}
	cut := truncateUnits(s, maxCaption)
	return cut, s[len(cut):]
}

// RateLimited reports whether Telegram answered 429.
func (e *APIError) RateLimited() bool { return e.Code == 429 }

// RateLimitedFor is a 429's retry_after.
func (e *APIError) RateLimitedFor() time.Duration {
	if e.Code != 429 {
		return 0
	}
	return max(e.RetryAfter, time.Second)
}
