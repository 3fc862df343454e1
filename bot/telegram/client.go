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

// asAPIError converts the library's error. Multipart uploads (sendPhoto,
// sendDocument, sendMediaGroup with bytes) leave the library's Code at 0,
// so the code is read back from the description and parameters Telegram
// sent: a 429 there must pause and retry like any other.
func asAPIError(err error) error {
	var te *tgbotapi.Error
	if !errors.As(err, &te) {
		return err
	}
	e := &APIError{Code: te.Code, Message: te.Message, RetryAfter: time.Duration(te.RetryAfter) * time.Second}
	if e.Code == 0 {
		e.Code = codeOf(te.Message, te.RetryAfter)
	}
	return e
}

// codeOf infers the HTTP-like error code of a refusal whose code the
// library dropped, from Telegram's description ("Too Many Requests: retry
// after 3", "Forbidden: bot was blocked by the user", "Bad Request: ...").
func codeOf(description string, retryAfter int) int {
	d := strings.ToLower(description)
	switch {
	case retryAfter > 0 || strings.HasPrefix(d, "too many requests"):
		return 429
	case strings.HasPrefix(d, "forbidden"):
		return 403
	case strings.HasPrefix(d, "bad request"):
		return 400
	case strings.HasPrefix(d, "unauthorized"):
		return 401
	case strings.HasPrefix(d, "not found"):
		return 404
	case strings.HasPrefix(d, "conflict"):
		return 409
	case strings.HasPrefix(d, "internal server error"), strings.HasPrefix(d, "bad gateway"),
		strings.HasPrefix(d, "service unavailable"), strings.HasPrefix(d, "gateway timeout"):
		return 500
	}
	return 0
}

// Split cuts a message into the parts that each take one call: texts of
// at most 4096 UTF-16 units, albums of at most ten photos, a file whose
// caption is too long followed by the rest as text. The delivery layer
// paces and retries each part on its own, so a 429 on the second part
// never sends the first twice. Buttons go on the last part; edits are one
// part.
func (c *Client) Split(m bot.Message) []bot.Message {
	if m.Edit != 0 {
		return []bot.Message{m}
	}
	var parts []bot.Message
	text := m.Text
	switch {
	case len(m.Media) > 1:
		caption, rest := splitCaption(text)
		for start := 0; start < len(m.Media); start += maxAlbum {
			chunk := m.Media[start:min(start+maxAlbum, len(m.Media))]
			p := bot.Message{Chat: m.Chat, Media: chunk}
			if len(chunk) == 1 {
				p = bot.Message{Chat: m.Chat, Photo: chunk[0]}
			}
			if start == 0 {
				p.Text = caption
			}
			parts = append(parts, p)
		}
		text = rest
	case len(m.Media) == 1 || m.Photo != nil || m.Document != nil:
		p := bot.Message{Chat: m.Chat, Photo: m.Photo, Document: m.Document}
		if len(m.Media) == 1 {
			p.Photo = m.Media[0]
		}
		p.Text, text = splitCaption(text)
		if text == "" {
			p.Buttons = m.Buttons
			return []bot.Message{p}
		}
		parts = append(parts, p)
	}
	if text == "" && len(parts) > 0 {
		return parts
	}
	for _, t := range splitText(text, maxText) {
		parts = append(parts, bot.Message{Chat: m.Chat, Text: t})
	}
	if last := &parts[len(parts)-1]; len(last.Media) == 0 {
		last.Buttons = m.Buttons
	}
	return parts
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
	case len(m.Media) > 0:
		return c.sendAlbum(ctx, chatID, m)
	case m.Edit != 0 && editableMedia(m):
		sent, err := c.editMedia(ctx, chatID, m, markup)
		if err == nil || !editGone(err) {
			return sent, err
		}
		// The message is gone, or held no media: send a new one.
		return c.sendFile(ctx, chatID, m, markup)
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

// editableMedia reports whether an edit can replace the message's media
// in place: a file already on Telegram (an id) or at a URL. An upload
// cannot go through editMessageMedia's plain parameters.
func editableMedia(m bot.Message) bool {
	f := m.Photo
	if f == nil {
		f = m.Document
	}
	return f != nil && f.Bytes == nil && (f.ID != "" || f.URL != "")
}

// editGone reports whether an edit failed because there is nothing to
// edit in place, so a new message should be sent instead.
func editGone(err error) bool {
	var ae *APIError
	if !errors.As(err, &ae) {
		return false
	}
	m := strings.ToLower(ae.Message)
	return strings.Contains(m, "message to edit not found") || strings.Contains(m, "no media in the message") ||
		strings.Contains(m, "message can't be edited")
}

// editMedia replaces the photo or document of a message, its caption and
// its keyboard, in place: a voter pages through the photos in one
// message. The library's EditMessageMedia is untested upstream, so the
// method is called with explicit parameters.
func (c *Client) editMedia(ctx context.Context, chatID int64, m bot.Message, markup *tgbotapi.InlineKeyboardMarkup) (bot.Sent, error) {
	f, kind := m.Photo, "photo"
	if f == nil {
		f, kind = m.Document, "document"
	}
	ref := f.ID
	if ref == "" {
		ref = f.URL
	}
	caption, _ := splitCaption(m.Text)
	media, err := json.Marshal(map[string]string{"type": kind, "media": ref, "caption": caption})
	if err != nil {
		return bot.Sent{}, fmt.Errorf("encode media: %w", err)
	}
	params := tgbotapi.Params{
		"chat_id":    strconv.FormatInt(chatID, 10),
		"message_id": strconv.FormatInt(m.Edit, 10),
		"media":      string(media),
	}
	if markup != nil {
		raw, err := json.Marshal(markup)
		if err != nil {
			return bot.Sent{}, fmt.Errorf("encode keyboard: %w", err)
		}
		params["reply_markup"] = string(raw)
	}
	sent := bot.Sent{Chat: m.Chat, MessageID: m.Edit}
	if _, err := c.raw(ctx, "editMessageMedia", params); err != nil {
		err = asAPIError(err)
		var ae *APIError
		if errors.As(err, &ae) && strings.Contains(ae.Message, "message is not modified") {
			return sent, nil
		}
		return sent, err
	}
	return sent, nil
}

// maxAlbum is the most items Telegram takes in one sendMediaGroup.
const maxAlbum = 10

// sendAlbum sends photos as albums of at most ten, the text as the first
// one's caption (the rest of a long text follows as a message). A single
// photo goes as a plain photo: an album needs two.
func (c *Client) sendAlbum(ctx context.Context, chatID int64, m bot.Message) (bot.Sent, error) {
	if len(m.Media) == 1 {
		one := m
		one.Media, one.Photo = nil, m.Media[0]
		return c.Send(ctx, one)
	}
	caption, rest := splitCaption(m.Text)
	var sent bot.Sent
	for start := 0; start < len(m.Media); start += maxAlbum {
		chunk := m.Media[start:min(start+maxAlbum, len(m.Media))]
		if len(chunk) == 1 {
			s, err := c.Send(ctx, bot.Message{Chat: m.Chat, Photo: chunk[0]})
			if err != nil {
				return sent, err
			}
			sent = s
			continue
		}
		items := make([]any, len(chunk))
		for i, f := range chunk {
			p := tgbotapi.NewInputMediaPhoto(fileData(f))
			if i == 0 && start == 0 {
				p.Caption = caption
			}
			items[i] = p
		}
		resp, err := c.request(ctx, tgbotapi.NewMediaGroup(chatID, items))
		if err != nil {
			return sent, asAPIError(err)
		}
		var msgs []tgbotapi.Message
		if err := json.Unmarshal(resp.Result, &msgs); err != nil {
			return sent, fmt.Errorf("decode sent album: %w", err)
		}
		if len(msgs) > 0 && sent.MessageID == 0 {
			sent = bot.Sent{Chat: m.Chat, MessageID: int64(msgs[0].MessageID)}
		}
	}
	if rest != "" {
		return c.Send(ctx, bot.Message{Chat: m.Chat, Text: rest})
	}
	return sent, nil
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
	if n := len(msg.Photo); n > 0 {
		// The largest size is the photo as sent.
		p := msg.Photo[n-1]
		sent.Photo = &bot.File{ID: p.FileID, UniqueID: p.FileUniqueID, Width: p.Width, Height: p.Height, Size: int64(p.FileSize)}
	}
	if rest != "" {
		more, err := c.Send(ctx, bot.Message{Chat: m.Chat, Text: rest, Buttons: m.Buttons})
		more.Photo = sent.Photo
		return more, err
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

func units(s string) int { return bot.Units(s) }

// splitText cuts s into parts of at most max UTF-16 units (bot.SplitUnits);
// an empty text is one invisible character, since a message needs text.
func splitText(s string, max int) []string {
	if s == "" {
		return []string{"\u200b"} // a message needs text; callers send buttons with a title
	}
	return bot.SplitUnits(s, max)
}

func truncateUnits(s string, max int) string { return bot.TruncateUnits(s, max) }

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
