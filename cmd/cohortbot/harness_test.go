package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/cohortbot/cohortbot/bot/telegram/telegramtest"
	"github.com/cohortbot/cohortbot/internal/redistest"
	"github.com/cohortbot/cohortbot/store"
)

// samplePlan is the course plan shipped in docs/.
const samplePlan = "../../docs/plan.sample.yaml"

// syncBuffer is a bytes.Buffer safe for the app's concurrent log writes,
// which wakes waiters on every write.
type syncBuffer struct {
	mu      sync.Mutex
	b       bytes.Buffer
	changed chan struct{}
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.changed != nil {
		close(s.changed)
		s.changed = nil
	}
	return s.b.Write(p)
}

// wait blocks until the next write or for at most d.
func (s *syncBuffer) wait(d time.Duration) {
	s.mu.Lock()
	if s.changed == nil {
		s.changed = make(chan struct{})
	}
	ch := s.changed
	s.mu.Unlock()
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ch:
	case <-t.C:
	}
}

// pipe feeds a command's standard input line by line.
type pipe struct{ w *io.PipeWriter }

func newPipe() (*io.PipeReader, pipe) {
	r, w := io.Pipe()
	return r, pipe{w}
}

func (p pipe) write(s string) { _, _ = p.w.Write([]byte(s)) }

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// env is the environment of a test run: the fake Telegram and a real Redis.
type env struct {
	t     testing.TB
	redis *redistest.Server
	tg    *telegramtest.Server
	vars  map[string]string
	clock func() time.Time

	presses int
}

func newEnv(t testing.TB, opts ...telegramtest.Option) *env {
	t.Helper()
	r := redistest.Start(t)
	tg := telegramtest.New(t, append([]telegramtest.Option{telegramtest.WithLongPollCap(200 * time.Millisecond)}, opts...)...)
	return &env{t: t, redis: r, tg: tg, vars: map[string]string{
		"REDIS_URL":        r.URL(),
		"TELEGRAM_TOKEN":   tg.Token(),
		"TELEGRAM_API_URL": tg.URL(),
		"HTTP_ADDR":        "127.0.0.1:0",
		"LOG_LEVEL":        "debug",
	}}
}

func (e *env) getenv(k string) string { return e.vars[k] }

// run runs one cohortbot command to completion.
func (e *env) run(args ...string) (code int, stdout, stderr string) {
	e.t.Helper()
	var out, errb syncBuffer
	app := &App{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Getenv: e.getenv, Clock: e.clock}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	code = app.Run(ctx, args)
	return code, out.String(), errb.String()
}

// createCohort makes a cohort from a plan and returns the --json output.
func (e *env) createCohort(planPath string) cohortJSON {
	e.t.Helper()
	code, out, errs := e.run("cohort", "create", "--plan", planPath, "--json")
	if code != 0 {
		e.t.Fatalf("cohort create: exit %d\n%s", code, errs)
	}
	var c cohortJSON
	if err := json.Unmarshal([]byte(out), &c); err != nil {
		e.t.Fatalf("cohort create output %q: %v", out, err)
	}
	return c
}

func (e *env) store() *store.Store {
	e.t.Helper()
	st, err := store.Open(e.redis.URL(), nil)
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() { st.Close() })
	return st
}

// server is a running `cohortbot serve`.
type server struct {
	t      testing.TB
	env    *env
	addr   string
	cancel context.CancelFunc
	done   chan int
	log    *syncBuffer
	// metrics is the address of METRICS_ADDR's server, when set.
	metrics string
}

// serve starts `cohortbot serve` in the test process and waits until it
// listens.
func (e *env) serve() *server {
	e.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	metricsReady := make(chan string, 1)
	logs := &syncBuffer{}
	app := &App{Stdin: strings.NewReader(""), Stdout: logs, Stderr: logs, Getenv: e.getenv, Clock: e.clock, Ready: ready,
		MetricsReady: metricsReady}
	s := &server{t: e.t, env: e, cancel: cancel, done: make(chan int, 1), log: logs}
	go func() { s.done <- app.Run(ctx, []string{"serve"}) }()
	select {
	case s.addr = <-ready:
		select {
		case s.metrics = <-metricsReady:
		default:
		}
	case code := <-s.done:
		cancel()
		e.t.Fatalf("serve exited with %d before listening:\n%s", code, logs)
	case <-time.After(20 * time.Second):
		cancel()
		e.t.Fatalf("serve did not start:\n%s", logs)
	}
	e.t.Cleanup(func() { s.stop() })
	return s
}

// stop sends the equivalent of SIGTERM and returns the exit code.
func (s *server) stop() int {
	s.cancel()
	select {
	case code, ok := <-s.done:
		if ok {
			close(s.done)
		}
		return code
	case <-time.After(30 * time.Second):
		s.t.Fatalf("serve did not stop:\n%s", s.log)
		return -1
	}
}

func (s *server) url(path string) string { return "http://" + s.addr + path }

// person is a Telegram user of the tests.
type person struct {
	e    *env
	user tgbotapi.User
}

func (e *env) person(id int64, first, last, lang string) *person {
	return &person{e: e, user: tgbotapi.User{ID: id, FirstName: first, LastName: last, LanguageCode: lang}}
}

// say sends a text message (a command when it starts with /) in the
// person's private chat.
func (p *person) say(text string) int {
	return p.e.tg.PushUpdate(telegramtest.TextMessage(p.user, p.user.ID, text))
}

// press presses a button of a message and returns the callback query id.
func (p *person) press(messageID int, data string) string {
	p.e.presses++
	u := telegramtest.CallbackQuery(p.user, p.user.ID, messageID, data)
	u.CallbackQuery.ID = fmt.Sprintf("cb-%d-%d", p.user.ID, p.e.presses)
	p.e.tg.PushUpdate(u)
	return u.CallbackQuery.ID
}

// reply waits for the next message to the person (after the ones already
// seen) whose text contains want, and returns it.
func (p *person) reply(seen *int, want string) telegramtest.Call {
	p.e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	var got telegramtest.Call
	err := p.e.tg.WaitFor(ctx, func([]telegramtest.Call) bool {
		sent := p.e.tg.Sent(p.user.ID)
		for i := *seen; i < len(sent); i++ {
			if strings.Contains(sent[i].Params["text"], want) || strings.Contains(sent[i].Params["caption"], want) {
				got = sent[i]
				*seen = i + 1
				return true
			}
		}
		return false
	})
	if err != nil {
		var texts []string
		for _, c := range p.e.tg.Sent(p.user.ID) {
			texts = append(texts, c.Method+": "+c.Params["text"])
		}
		p.e.t.Fatalf("no message to %d containing %q; sent so far:\n%s", p.user.ID, want, strings.Join(texts, "\n---\n"))
	}
	return got
}

// answered waits for the answerCallbackQuery of a press.
func (e *env) answered(callbackID string) telegramtest.Call {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	var got telegramtest.Call
	err := e.tg.WaitFor(ctx, func(calls []telegramtest.Call) bool {
		for _, c := range calls {
			if c.Method == "answerCallbackQuery" && c.Params["callback_query_id"] == callbackID {
				got = c
				return true
			}
		}
		return false
	})
	if err != nil {
		e.t.Fatalf("callback %s never answered", callbackID)
	}
	return got
}

// buttons returns the callback data of a sent message's inline keyboard.
func buttons(t testing.TB, c telegramtest.Call) []string {
	t.Helper()
	raw := c.Params["reply_markup"]
	if raw == "" {
		return nil
	}
	var kb tgbotapi.InlineKeyboardMarkup
	if err := json.Unmarshal([]byte(raw), &kb); err != nil {
		t.Fatalf("reply_markup %s: %v", raw, err)
	}
	var out []string
	for _, row := range kb.InlineKeyboard {
		for _, b := range row {
			if b.CallbackData != nil {
				out = append(out, *b.CallbackData)
			}
		}
	}
	return out
}

// messageID is the id the fake gave a sent message (from the recorded
// echo), needed to press its buttons.
func (e *env) messageID(chatID int64, c telegramtest.Call) int {
	for _, m := range e.tg.Messages(chatID) {
		if m.Text == c.Params["text"] {
			return m.MessageID
		}
	}
	e.t.Fatalf("message %q not found in chat %d", c.Params["text"], chatID)
	return 0
}

func hasButton(t testing.TB, c telegramtest.Call, data string) bool {
	for _, b := range buttons(t, c) {
		if b == data {
			return true
		}
	}
	return false
}
