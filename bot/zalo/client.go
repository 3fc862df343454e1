// Package zalo is cohortbot's adapter for the Zalo Bot Platform
// (bot-api.zaloplatforms.com): a small client of its Bot API, the
// normalisation of its events into bot.Update, the webhook, the
// development-only polling loop, and the rendering of bot.Message as
// plain texts and photos by URL. Zalo has no buttons: choices become a
// numbered list, and the list last sent to a person is kept in Redis (a
// ChoiceStore) so that the number they type later is the press of that
// button, on any replica and after a restart.
//
// No maintained Go SDK exists; the request and event shapes come from the
// platform's documentation and its official Python SDK (DESIGN.md, "Zalo
// facts").
package zalo

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/cohortbot/cohortbot/bot"
)

// DefaultAPIURL is the Zalo Bot Platform's API server (bot-api.zapps.me is
// an alias).
const DefaultAPIURL = "https://bot-api.zaloplatforms.com"

// Token is a bot token ("bot_id:secret"). It never reaches a log.
type Token string

// LogValue implements slog.LogValuer.
func (Token) LogValue() slog.Value { return slog.StringValue("[redacted]") }

// PollTimeout is how long one getUpdates waits for an event.
const PollTimeout = 30 * time.Second

// Client talks to the Bot API: every method is a POST of a JSON object to
// {apiURL}/bot{token}/{method}, answered {"ok":…,"result":…} or
// {"ok":false,"error_code":…,"description":…}.
type Client struct {
	token  Token
	apiURL string
	http   *http.Client
	log    *slog.Logger
	self   Me
	// Choices keeps the numbered list last sent to each person (nil: the
	// numbers are shown but a typed number stays text).
	Choices ChoiceStore
	// ChoicesTTL is how long a numbered list can be answered (a day when
	// zero).
	ChoicesTTL time.Duration
	// MaxPhoto bounds the download of a photo a user sends (10 MB when
	// zero).
	MaxPhoto int64
	// OnUnauthorized is called once when Zalo answers 401: the token was
	// revoked or is wrong, and nothing will work until an operator acts.
	OnUnauthorized func(error)

	stopped atomic.Bool
}

// Me is the bot's own account (getMe).
type Me struct {
	ID            string `json:"id"`
	AccountName   string `json:"account_name"`
	AccountType   string `json:"account_type"`
	CanJoinGroups bool   `json:"can_join_groups"`
	DisplayName   string `json:"display_name,omitempty"`
}

// New connects to the Bot API at apiURL (empty for Zalo's) and checks the
// token with getMe.
func New(ctx context.Context, token, apiURL string, log *slog.Logger) (*Client, error) {
	c := NewClient(token, apiURL, log)
	me, err := c.GetMe(ctx)
	if err != nil {
		return nil, fmt.Errorf("zalo getMe: %w", err)
	}
	c.self = me
	return c, nil
}

// NewClient returns a client without calling the API.
func NewClient(token, apiURL string, log *slog.Logger) *Client {
	if apiURL == "" {
		apiURL = DefaultAPIURL
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Client{
		token:  Token(token),
		apiURL: strings.TrimRight(apiURL, "/"),
		http:   &http.Client{Timeout: PollTimeout + 15*time.Second},
		log:    log,
	}
}

// Self is the bot's account as getMe returned it.
func (c *Client) Self() Me { return c.self }

// Stopped reports whether Zalo refused the token (401): the transport is
// stopped and every call fails at once.
func (c *Client) Stopped() bool { return c.stopped.Load() }

// APIError is a refusal from the Bot API, classified for the delivery
// layer (delivery.Classified, and QuotaExceeded for 429).
type APIError struct {
	Method      string
	Code        int
	Description string
}

func (e *APIError) Error() string {
	if e.Code == 429 {
		// The report names it "Zalo quota" (bot.ReasonZaloQuota).
		return fmt.Sprintf("%s (%s 429): %s", bot.ReasonZaloQuota, e.Method, e.Description)
	}
	return fmt.Sprintf("%s %d (%s): %s", bot.ReasonZaloError, e.Code, e.Method, e.Description)
}

// Unreachable is never reported: Zalo says nothing of blocked users that
// could be told from its other errors.
func (e *APIError) Unreachable() bool { return false }

// Temporary reports whether trying again later may succeed: 403 is
// Zalo's "Internal server error" (unlike Telegram's blocked user), 408 a
// timeout, 429 its quota, 5xx the server. 400, 401 and 404 are final.
func (e *APIError) Temporary() bool {
	return e.Code == 403 || e.Code == 408 || e.Code == 429 || e.Code >= 500
}

// QuotaExceeded reports Zalo's 429 "Quota exceeded", which comes without
// retry_after: the sender pauses Zalo with a growing wait of its own.
func (e *APIError) QuotaExceeded() bool { return e.Code == 429 }

// Fatal reports a 401: the token is refused and the transport stops.
func (e *APIError) Fatal() bool { return e.Code == 401 }

// ErrStopped is returned by every call once Zalo has refused the token.
var ErrStopped = &APIError{Method: "-", Code: 401, Description: "the Zalo transport is stopped: the token was refused"}

// envelope is every answer of the Bot API.
type envelope struct {
	OK          bool            `json:"ok"`
	Result      json.RawMessage `json:"result"`
	ErrorCode   int             `json:"error_code"`
	Description string          `json:"description"`
	Message     string          `json:"message"`
}

// call posts params to method and decodes the result into out (when not
// nil).
func (c *Client) call(ctx context.Context, method string, params any, out any) error {
	if c.stopped.Load() {
		return ErrStopped
	}
	if params == nil {
		params = struct{}{}
	}
	body, err := json.Marshal(params)
	if err != nil {
		return fmt.Errorf("zalo %s: encode: %w", method, err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.apiURL+"/bot"+string(c.token)+"/"+method, bytes.NewReader(body))
	if err != nil {
		return c.scrub(fmt.Errorf("zalo %s: %w", method, err))
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		return c.scrub(fmt.Errorf("zalo %s: %w", method, err))
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		return c.scrub(fmt.Errorf("zalo %s: read answer: %w", method, err))
	}
	var env envelope
	decodeErr := json.Unmarshal(raw, &env)
	if decodeErr == nil && env.OK && resp.StatusCode < 300 {
		if out != nil && len(env.Result) > 0 {
			if err := json.Unmarshal(env.Result, out); err != nil {
				return fmt.Errorf("zalo %s: decode result: %w", method, err)
			}
		}
		return nil
	}
	e := &APIError{Method: method, Code: env.ErrorCode, Description: env.Description}
	if e.Code == 0 {
		e.Code = resp.StatusCode
	}
	if e.Code < 400 {
		e.Code = 500 // ok false without a code: treat as the server's
	}
	if e.Description == "" {
		e.Description = env.Message
	}
	if e.Description == "" {
		e.Description = http.StatusText(e.Code)
	}
	if e.Code == 401 && c.stopped.CompareAndSwap(false, true) {
		c.log.Error("Zalo refused the bot token (401): the Zalo transport stops. Check ZALO_TOKEN (Zalo Bot Creator) and restart.",
			"method", method, "token", c.token)
		if c.OnUnauthorized != nil {
			c.OnUnauthorized(e)
		}
	}
	return e
}

// scrub removes the token from an error: transport errors quote the URL.
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

// GetMe checks the token and returns the bot's account.
func (c *Client) GetMe(ctx context.Context) (Me, error) {
	var me Me
	err := c.call(ctx, "getMe", nil, &me)
	return me, err
}

// WebhookInfo is what getWebhookInfo returns.
type WebhookInfo struct {
	URL       string `json:"url"`
	UpdatedAt int64  `json:"updated_at"`
}

// SetWebhook registers url; Zalo sends secret back in every request as
// X-Bot-Api-Secret-Token.
func (c *Client) SetWebhook(ctx context.Context, url, secret string) error {
	if err := c.call(ctx, "setWebhook", map[string]string{"url": url, "secret_token": secret}, nil); err != nil {
		return fmt.Errorf("set zalo webhook: %w", err)
	}
	return nil
}

// DeleteWebhook removes the webhook, so that getUpdates works.
func (c *Client) DeleteWebhook(ctx context.Context) error {
	if err := c.call(ctx, "deleteWebhook", nil, nil); err != nil {
		return fmt.Errorf("delete zalo webhook: %w", err)
	}
	return nil
}

// GetWebhookInfo returns the webhook as set.
func (c *Client) GetWebhookInfo(ctx context.Context) (WebhookInfo, error) {
	var info WebhookInfo
	err := c.call(ctx, "getWebhookInfo", nil, &info)
	return info, err
}

// Sent is what sendMessage and sendPhoto return.
type Sent struct {
	MessageID string `json:"message_id"`
	Date      int64  `json:"date"`
}

// SendMessage sends a plain text of 1 to 2000 characters.
func (c *Client) SendMessage(ctx context.Context, chatID, text string) (Sent, error) {
	var s Sent
	err := c.call(ctx, "sendMessage", map[string]string{"chat_id": chatID, "text": text}, &s)
	return s, err
}

// SendPhoto sends a photo by URL (Zalo takes no uploads), with an
// optional caption of at most 2000 characters.
func (c *Client) SendPhoto(ctx context.Context, chatID, photoURL, caption string) (Sent, error) {
	p := map[string]string{"chat_id": chatID, "photo": photoURL}
	if caption != "" {
		p["caption"] = caption
	}
	var s Sent
	err := c.call(ctx, "sendPhoto", p, &s)
	return s, err
}

// SendChatAction shows "typing…" (the only action Zalo has).
func (c *Client) SendChatAction(ctx context.Context, chatID, action string) error {
	return c.call(ctx, "sendChatAction", map[string]string{"chat_id": chatID, "action": action}, nil)
}

// GetUpdates waits up to timeout for one event. Zalo has no offset: an
// event is gone once returned. Idle, it answers 408, returned as (nil,
// nil).
func (c *Client) GetUpdates(ctx context.Context, timeout time.Duration) ([]Event, error) {
	var raw json.RawMessage
	err := c.call(ctx, "getUpdates", map[string]string{"timeout": fmt.Sprint(int(timeout / time.Second))}, &raw)
	var ae *APIError
	if errors.As(err, &ae) && ae.Code == 408 {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return decodeEvents(raw)
}
