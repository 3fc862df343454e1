// Package zalotest is a fake Zalo Bot API server for tests, built from the
// documented request and event shapes (DESIGN.md, "Zalo facts"): it
// routes POST /bot<TOKEN>/<method>, records every call, hands queued
// events to getUpdates one at a time (408 when idle, no offset), answers
// 429 "Quota exceeded", 403 "Internal server error" or 401 on demand, and
// posts events to a webhook with the X-Bot-Api-Secret-Token header, wrapped
// or bare, as Zalo's Java client does. It also serves the photos its
// image events point to.
package zalotest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf16"
)

// BotID is the fake bot's account id (getMe).
const BotID = "1459232241454765289"

// Call is one request the server received.
type Call struct {
	Method string
	Params map[string]string
	// Code is the HTTP status the server answered.
	Code int
	At   time.Time
}

// Server is the fake.
type Server struct {
	t     testing.TB
	srv   *httptest.Server
	token string

	mu       sync.Mutex
	calls    []Call
	changed  chan struct{}
	events   []json.RawMessage
	eventsCh chan struct{}
	failures []failure
	webhook  struct{ url, secret string }
	photos   map[string][]byte
	pollCap  time.Duration
}

type failure struct {
	method string // "" any sending method
	code   int
	left   int
}

// Option configures the server.
type Option func(*Server)

// WithPollCap bounds how long an idle getUpdates waits, whatever its
// timeout, so tests stop quickly.
func WithPollCap(d time.Duration) Option { return func(s *Server) { s.pollCap = d } }

// New starts a fake server, closed with the test.
func New(t testing.TB, opts ...Option) *Server {
	t.Helper()
	s := &Server{t: t, token: "1459232241454765289:" + randHex(16), photos: map[string][]byte{},
		eventsCh: make(chan struct{}, 1), pollCap: 2 * time.Second}
	for _, o := range opts {
		o(s)
	}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.srv.Close)
	return s
}

// URL is the API base, for ZALO_API_URL.
func (s *Server) URL() string { return s.srv.URL }

// Token is the bot token the server accepts, for ZALO_TOKEN.
func (s *Server) Token() string { return s.token }

func randHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// UserID makes a Zalo user id: 20 hex digits.
func UserID(n int) string { return fmt.Sprintf("%020x", n) }

// NewMessageID makes a message id: 20 hex digits, unique.
func NewMessageID() string { return randHex(10) }

// Fail makes the next n calls of method (or of any sending method when
// method is "") answer code: 429 "Quota exceeded", 403 "Internal server
// error", 401 "Unauthorized", 400 "Bad Request", ...
func (s *Server) Fail(method string, code, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures = append(s.failures, failure{method: method, code: code, left: n})
}

// Webhook returns the webhook as last set ("" when none).
func (s *Server) Webhook() (webhookURL, secret string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.webhook.url, s.webhook.secret
}

// AddPhoto serves data and returns its URL, for image events.
func (s *Server) AddPhoto(name string, data []byte) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.photos[name] = data
	return s.srv.URL + "/photos/" + url.PathEscape(name)
}

// Push queues an event (its JSON, as getUpdates' result) for getUpdates.
func (s *Server) Push(ev Event) {
	raw, err := json.Marshal(ev)
	if err != nil {
		s.t.Fatal(err)
	}
	s.mu.Lock()
	s.events = append(s.events, raw)
	s.mu.Unlock()
	select {
	case s.eventsCh <- struct{}{}:
	default:
	}
}

// Calls returns every call so far.
func (s *Server) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Call(nil), s.calls...)
}

// Sent returns the successful sendMessage and sendPhoto calls to a chat.
func (s *Server) Sent(chatID string) []Call {
	var out []Call
	for _, c := range s.Calls() {
		if (c.Method == "sendMessage" || c.Method == "sendPhoto") && c.Code == 200 && c.Params["chat_id"] == chatID {
			out = append(out, c)
		}
	}
	return out
}

// Refused returns the calls answered with an error code.
func (s *Server) Refused(code int) []Call {
	var out []Call
	for _, c := range s.Calls() {
		if c.Code == code {
			out = append(out, c)
		}
	}
	return out
}

// Text is what a sent message shows: its text or caption.
func (c Call) Text() string {
	if c.Method == "sendPhoto" {
		return c.Params["caption"]
	}
	return c.Params["text"]
}

// WaitFor waits until cond holds for the calls so far, or ctx is done.
func (s *Server) WaitFor(ctx context.Context, cond func([]Call) bool) error {
	for {
		s.mu.Lock()
		calls := append([]Call(nil), s.calls...)
		if s.changed == nil {
			s.changed = make(chan struct{})
		}
		ch := s.changed
		s.mu.Unlock()
		if cond(calls) {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-ch:
		}
	}
}

func (s *Server) record(c Call) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c.At = time.Now()
	s.calls = append(s.calls, c)
	if s.changed != nil {
		close(s.changed)
		s.changed = nil
	}
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	if name, ok := strings.CutPrefix(r.URL.Path, "/photos/"); ok {
		s.mu.Lock()
		data, found := s.photos[name]
		s.mu.Unlock()
		if !found {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "image/jpeg")
		_, _ = w.Write(data)
		return
	}
	rest, ok := strings.CutPrefix(r.URL.Path, "/bot")
	token, method, ok2 := strings.Cut(rest, "/")
	if !ok || !ok2 || r.Method != http.MethodPost {
		http.NotFound(w, r)
		return
	}
	params := map[string]string{}
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if len(bytes.TrimSpace(body)) > 0 {
		var raw map[string]any
		if err := json.Unmarshal(body, &raw); err != nil {
			s.answer(w, Call{Method: method, Params: params}, 400, "Bad Request: body is not JSON", nil)
			return
		}
		for k, v := range raw {
			switch v := v.(type) {
			case string:
				params[k] = v
			default:
				b, _ := json.Marshal(v)
				params[k] = string(b)
			}
		}
	}
	call := Call{Method: method, Params: params}
	if token != s.token {
		s.answer(w, call, 401, "Unauthorized", nil)
		return
	}
	if code := s.failure(method); code != 0 {
		s.answer(w, call, code, description(code), nil)
		return
	}
	switch method {
	case "getMe":
		s.answer(w, call, 200, "", map[string]any{"id": BotID, "account_name": "bot.cohort", "account_type": "BASIC", "can_join_groups": false})
	case "getUpdates":
		s.getUpdates(r.Context(), w, call)
	case "setWebhook":
		u, err := url.Parse(params["url"])
		secret := params["secret_token"]
		switch {
		case err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "":
			s.answer(w, call, 400, "Bad Request: url is invalid", nil)
		case len(secret) < 8 || len(secret) > 256:
			s.answer(w, call, 400, "Bad Request: secret_token must be 8-256 characters", nil)
		default:
			s.mu.Lock()
			s.webhook.url, s.webhook.secret = params["url"], secret
			s.mu.Unlock()
			s.answer(w, call, 200, "", map[string]any{"url": params["url"], "updated_at": time.Now().UnixMilli()})
		}
	case "deleteWebhook":
		s.mu.Lock()
		s.webhook.url, s.webhook.secret = "", ""
		s.mu.Unlock()
		s.answer(w, call, 200, "", map[string]any{"url": "", "updated_at": time.Now().UnixMilli()})
	case "getWebhookInfo":
		wu, _ := s.Webhook()
		s.answer(w, call, 200, "", map[string]any{"url": wu, "updated_at": time.Now().UnixMilli()})
	case "sendMessage":
		n := units(params["text"])
		switch {
		case params["chat_id"] == "":
			s.answer(w, call, 400, "Bad Request: chat_id is required", nil)
		case n < 1 || n > 2000:
			s.answer(w, call, 400, fmt.Sprintf("Bad Request: text must be 1-2000 characters, got %d", n), nil)
		default:
			s.answer(w, call, 200, "", s.sent())
		}
	case "sendPhoto":
		switch {
		case params["chat_id"] == "":
			s.answer(w, call, 400, "Bad Request: chat_id is required", nil)
		case !strings.HasPrefix(params["photo"], "http"):
			s.answer(w, call, 400, "Bad Request: photo must be a URL", nil)
		case units(params["caption"]) > 2000:
			s.answer(w, call, 400, "Bad Request: caption too long", nil)
		default:
			s.answer(w, call, 200, "", s.sent())
		}
	case "sendChatAction":
		if params["action"] != "typing" {
			s.answer(w, call, 400, "Bad Request: action is not supported", nil)
			return
		}
		s.answer(w, call, 200, "", nil)
	case "sendSticker", "sendVoice":
		s.answer(w, call, 200, "", s.sent())
	default:
		s.answer(w, call, 404, "Not Found: method "+method, nil)
	}
}

func (s *Server) sent() map[string]any {
	return map[string]any{"message_id": NewMessageID(), "date": time.Now().UnixMilli()}
}

func units(s string) int { return len(utf16.Encode([]rune(s))) }

func description(code int) string {
	switch code {
	case 429:
		return "Quota exceeded"
	case 403:
		return "Internal server error"
	case 401:
		return "Unauthorized"
	case 400:
		return "Bad Request"
	case 404:
		return "Not Found"
	}
	return http.StatusText(code)
}

var sending = map[string]bool{"sendMessage": true, "sendPhoto": true, "sendSticker": true, "sendVoice": true}

func (s *Server) failure(method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range s.failures {
		f := &s.failures[i]
		if f.left > 0 && (f.method == method || (f.method == "" && sending[method])) {
			f.left--
			return f.code
		}
	}
	return 0
}

// answer writes the Bot API's envelope.
func (s *Server) answer(w http.ResponseWriter, call Call, code int, desc string, result any) {
	call.Code = code
	s.record(call)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	if code == 200 {
		_ = json.NewEncoder(w).Encode(map[string]any{"ok": true, "result": result})
		return
	}
	_ = json.NewEncoder(w).Encode(map[string]any{"ok": false, "error_code": code, "description": desc})
}

// getUpdates hands out one queued event, or waits for one until its
// timeout (capped) and answers 408.
func (s *Server) getUpdates(ctx context.Context, w http.ResponseWriter, call Call) {
	wait := s.pollCap
	if n, err := strconv.Atoi(call.Params["timeout"]); err == nil && time.Duration(n)*time.Second < wait {
		wait = time.Duration(n) * time.Second
	}
	deadline := time.NewTimer(wait)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		if len(s.events) > 0 {
			ev := s.events[0]
			s.events = s.events[1:]
			s.mu.Unlock()
			s.answer(w, call, 200, "", ev)
			return
		}
		s.mu.Unlock()
		select {
		case <-s.eventsCh:
		case <-deadline.C:
			s.answer(w, call, 408, "Request Timeout", nil)
			return
		case <-ctx.Done():
			return
		}
	}
}

// Event is an event as Zalo sends it.
type Event struct {
	EventName string  `json:"event_name"`
	Message   Message `json:"message"`
}

// Message is an event's message.
type Message struct {
	From      User   `json:"from"`
	Chat      Chat   `json:"chat"`
	MessageID string `json:"message_id"`
	Date      int64  `json:"date"`
	Text      string `json:"text,omitempty"`
	Caption   string `json:"caption,omitempty"`
	PhotoURL  string `json:"photo_url,omitempty"`
	Photo     string `json:"photo,omitempty"`
	Sticker   string `json:"sticker,omitempty"`
	VoiceURL  string `json:"voice_url,omitempty"`
}

// User is a sender.
type User struct {
	ID          string `json:"id"`
	DisplayName string `json:"display_name"`
	IsBot       bool   `json:"is_bot"`
}

// Chat is a chat.
type Chat struct {
	ID       string `json:"id"`
	ChatType string `json:"chat_type"`
}

func message(userID, name string) Message {
	return Message{From: User{ID: userID, DisplayName: name}, Chat: Chat{ID: userID, ChatType: "PRIVATE"},
		MessageID: NewMessageID(), Date: time.Now().UnixMilli()}
}

// TextEvent is a text message from a user in their private chat.
func TextEvent(userID, name, text string) Event {
	m := message(userID, name)
	m.Text = text
	return Event{EventName: "message.text.received", Message: m}
}

// ImageEvent is a photo from a user; the URL is in photo_url, as in real
// traffic (set Message.Photo instead for the documented field).
func ImageEvent(userID, name, photoURL, caption string) Event {
	m := message(userID, name)
	m.PhotoURL, m.Caption = photoURL, caption
	return Event{EventName: "message.image.received", Message: m}
}

// StickerEvent is a sticker.
func StickerEvent(userID, name string) Event {
	m := message(userID, name)
	m.Sticker = "0e078a2fb66a5f34067b"
	return Event{EventName: "message.sticker.received", Message: m}
}

// VoiceEvent is a voice message.
func VoiceEvent(userID, name string) Event {
	m := message(userID, name)
	m.VoiceURL = "https://voice.example/v.aac"
	return Event{EventName: "message.voice.received", Message: m}
}

// UnsupportedEvent is a message Zalo does not pass on (no content).
func UnsupportedEvent(userID, name string) Event {
	return Event{EventName: "message.unsupported.received", Message: message(userID, name)}
}

// EchoEvent is the bot's own message coming back, as Zalo may send it.
func EchoEvent(chatID, text string) Event {
	m := message(BotID, "Cohort bot")
	m.From.IsBot = true
	m.Chat.ID = chatID
	m.Text = text
	return Event{EventName: "message.text.received", Message: m}
}

// Bare is the event's JSON as a webhook body.
func Bare(ev Event) []byte {
	b, _ := json.Marshal(ev)
	return b
}

// Wrapped is the event wrapped as {"ok":true,"result":event}.
func Wrapped(ev Event) []byte {
	b, _ := json.Marshal(map[string]any{"ok": true, "result": ev})
	return b
}

// Post posts a webhook body to url with the secret header, as Zalo does
// (its client's User-Agent is Java/…), and returns the status code.
func Post(ctx context.Context, webhookURL, secret string, body []byte) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, webhookURL, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Java/1.8.0_292")
	if secret != "" {
		req.Header.Set("X-Bot-Api-Secret-Token", secret)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, nil
}

// Deliver posts an event to the webhook as set with setWebhook, wrapped
// or bare.
func (s *Server) Deliver(ctx context.Context, ev Event, wrapped bool) (int, error) {
	u, secret := s.Webhook()
	if u == "" {
		return 0, fmt.Errorf("zalotest: no webhook set")
	}
	body := Bare(ev)
	if wrapped {
		body = Wrapped(ev)
	}
	return Post(ctx, u, secret, body)
}
