package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/cohortbot/cohortbot/bot"
	"github.com/cohortbot/cohortbot/bot/telegram"
	"github.com/cohortbot/cohortbot/bot/telegram/telegramtest"
	"github.com/cohortbot/cohortbot/store"
)

// TestMain lets a test run this package's main() in a child process (the
// test binary itself, with COHORTBOT_TEST_MAIN holding the arguments), so
// that a real SIGTERM reaches main's signal handling.
func TestMain(m *testing.M) {
	if args := os.Getenv("COHORTBOT_TEST_MAIN"); args != "" {
		os.Args = append([]string{"cohortbot"}, strings.Fields(args)...)
		main()
		return
	}
	os.Exit(m.Run())
}

// Texts of the registration the tests below look for.
var (
	opsPrivacy = "Nghị định 356/2025/NĐ-CP"
	opsAskName = tx(bot.VI, "reg.ask_name")
	opsAskOrg  = tx(bot.VI, "reg.ask_org")
)

// TestPollingRestartAppliesEachUpdateOnce stops serve at a random point
// while registrations stream in through long polling, starts it again, and
// checks that every update was applied once: one member per user, the
// reusable invite used once per user, every update answered.
func TestPollingRestartAppliesEachUpdateOnce(t *testing.T) {
	e := newEnv(t)
	c := e.createCohort(samplePlan)
	const n = 20
	people := make([]*person, n)
	names := make([]string, n)
	for i := range n {
		people[i] = e.person(int64(2001+i), "Học viên", strconv.Itoa(i), "vi")
		names[i] = fmt.Sprintf("Học Viên Số %02d", i)
	}
	// Each user joins, agrees and answers the name question: 2n state
	// changes and 3n answers (notice, name question, organisation question).
	stopAfter := rand.IntN(3 * n)
	t.Logf("stopping the first serve after %d of %d answers", stopAfter, 3*n)

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s := e.serve()
	// Users write one after another, each once the previous one was
	// answered, so the stop falls in the middle of the stream, and users
	// go on writing while the bot is down.
	pushed := make(chan error, 1)
	go func() {
		for i, p := range people {
			// The press of «I agree» follows the /start it answers:
			// one user's updates are handled in order.
			p.say("/start " + c.Invites.Trainee)
			p.press(1, "cs:y:"+c.Invites.Trainee+":")
			p.say(names[i])
			err := e.tg.WaitFor(ctx, func([]telegramtest.Call) bool { return countTo(e, p.user.ID, opsPrivacy) > 0 })
			if err != nil {
				pushed <- fmt.Errorf("user %d never answered: %w", p.user.ID, err)
				return
			}
		}
		pushed <- nil
	}()
	if _, err := e.tg.WaitCalls(ctx, "sendMessage", stopAfter); err != nil {
		t.Fatalf("waiting for %d answers: %v\n%s", stopAfter, err, s.log)
	}
	if code := s.stop(); code != 0 {
		t.Fatalf("serve exit = %d, want 0\n%s", code, s.log)
	}
	t.Logf("at the stop: %d answers sent, %d updates not confirmed to Telegram",
		len(e.tg.Calls("sendMessage")), e.tg.Pending())

	e.serve()
	if err := <-pushed; err != nil {
		t.Fatal(err)
	}
	err := e.tg.WaitFor(ctx, func([]telegramtest.Call) bool {
		for _, p := range people {
			if countTo(e, p.user.ID, opsAskOrg) == 0 {
				return false
			}
		}
		return true
	})
	if err != nil {
		for _, p := range people {
			t.Logf("user %d got:\n%s", p.user.ID, strings.Join(textsTo(e, p.user.ID), "\n---\n"))
		}
		t.Fatal("not every user was asked for their organisation after the restart")
	}

	st := e.store()
	bg := context.Background()
	members, err := st.Members(bg, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(members) != n {
		t.Errorf("members = %d, want %d", len(members), n)
	}
	byUser := map[bot.UserKey]*bot.Member{}
	for _, m := range members {
		if byUser[m.User] != nil {
			t.Errorf("user %s has two member records", m.User)
		}
		byUser[m.User] = m
	}
	rdb := e.redis.Client()
	for i, p := range people {
		user := bot.NewUserKey(bot.Telegram, strconv.FormatInt(p.user.ID, 10))
		m := byUser[user]
		if m == nil {
			t.Errorf("user %s is not a member", user)
			continue
		}
		if m.Name != names[i] || m.Role != bot.Trainee || m.Registered || m.Invite != c.Invites.Trainee || m.Cohort != c.ID {
			t.Errorf("member %s = %+v, want trainee %q of %s not yet registered", user, *m, names[i], c.ID)
		}
		cohorts, err := rdb.SMembers(bg, "{u:"+string(user)+"}:cohorts").Result()
		if err != nil || !slices.Equal(cohorts, []string{c.ID}) {
			t.Errorf("cohorts of %s = %v (%v), want [%s]", user, cohorts, err, c.ID)
		}
		var conv bot.Conv
		raw, err := rdb.Get(bg, "{u:"+string(user)+"}:conv").Result()
		if err != nil || json.Unmarshal([]byte(raw), &conv) != nil || conv.Step != "org" {
			t.Errorf("conversation of %s = %q (%v), want the organisation step", user, raw, err)
		}
		for _, want := range []string{opsPrivacy, opsAskName, opsAskOrg} {
			if countTo(e, p.user.ID, want) == 0 {
				t.Errorf("user %s never got %q", user, want)
			}
		}
		if k := countTo(e, p.user.ID, opsPrivacy); k > 1 {
			t.Logf("user %s got the notice %d times (an answer may be repeated)", user, k)
		}
	}
	inv, err := st.Invite(bg, c.Invites.Trainee)
	if err != nil {
		t.Fatal(err)
	}
	if inv.Used != n {
		t.Errorf("trainee invite used = %d, want %d", inv.Used, n)
	}
}

// recordCall is one call of Recorder.Record seen by the tests.
type recordCall struct {
	ids    []int64
	offset int64
	added  int
	err    error
}

// crashingRecorder records through the store and cancels the polling
// context (the crash) right before or right after the first Record, or
// loses the reply of the first Record (it was applied, the caller sees an
// error).
type crashingRecorder struct {
	*store.Store
	crash     context.CancelFunc
	before    bool
	loseReply bool
	calls     chan recordCall
	n         int
}

func (r *crashingRecorder) Record(ctx context.Context, p bot.Platform, us []bot.Update, offset int64) (int, error) {
	call := recordCall{offset: offset}
	for _, u := range us {
		call.ids = append(call.ids, u.ID)
	}
	r.n++
	first := r.n == 1
	if first && r.before && r.crash != nil {
		r.crash()
		call.err = ctx.Err()
		r.calls <- call
		return 0, call.err
	}
	call.added, call.err = r.Store.Record(ctx, p, us, offset)
	if first && r.loseReply {
		call.err = errors.New("i/o timeout (reply lost)")
	}
	r.calls <- call
	if first && r.crash != nil {
		r.crash()
	}
	return call.added, call.err
}

// TestPollRestartBetweenRecordAndConfirm drives the polling loop with the
// real store and client, crashing around the moment a batch is recorded
// but not yet confirmed to Telegram by the next getUpdates.
func TestPollRestartBetweenRecordAndConfirm(t *testing.T) {
	for _, tc := range []struct {
		name string
		// before: the crash comes after getUpdates returned but before the
		// batch is recorded.
		before bool
		// loseOffset: the stored offset is lost while the dedupe markers
		// stay (as after restoring an older copy of the offset), so Telegram
		// sends the recorded batch again.
		loseOffset bool
		// wantResent: the batch comes again after the restart, recording
		// this many new updates.
		wantResent bool
		wantAdded  int
	}{
		{name: "crash before recording", before: true, wantResent: true, wantAdded: 5},
		{name: "crash after recording", wantResent: false},
		{name: "offset lost after recording", loseOffset: true, wantResent: true, wantAdded: 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			const n = 5
			e := newEnv(t)
			st := e.store()
			bg := context.Background()
			client, err := telegram.New(bg, e.tg.Token(), e.tg.URL(), slog.New(slog.DiscardHandler))
			if err != nil {
				t.Fatal(err)
			}
			p := e.person(8001, "Poll", "Test", "vi")
			var ids []int64
			for i := range n {
				ids = append(ids, int64(p.say(fmt.Sprintf("message %d", i))))
			}
			next := ids[n-1] + 1

			ctx1, crash := context.WithCancel(bg)
			rec1 := &crashingRecorder{Store: st, crash: crash, before: tc.before, calls: make(chan recordCall, 8)}
			if err := client.Poll(ctx1, rec1); err != nil {
				t.Fatalf("first run: %v", err)
			}
			first := <-rec1.calls
			if !slices.Equal(first.ids, ids) || first.offset != next {
				t.Fatalf("first Record got ids %v offset %d, want %v offset %d", first.ids, first.offset, ids, next)
			}
			if got := e.tg.Pending(); got != n {
				t.Errorf("after the crash Telegram still holds %d updates, want %d (the batch was never confirmed)", got, n)
			}
			wantInbox, wantOffset := int64(n), next
			if tc.before {
				wantInbox, wantOffset = 0, 0
			}
			if got, _ := st.InboxBacklog(bg); got != wantInbox {
				t.Errorf("inbox after the crash = %d, want %d", got, wantInbox)
			}
			if got, _ := st.Offset(bg, bot.Telegram); got != wantOffset {
				t.Errorf("stored offset after the crash = %d, want %d", got, wantOffset)
			}
			if tc.loseOffset {
				if err := e.redis.Client().Del(bg, "{in}:offset:telegram").Err(); err != nil {
					t.Fatal(err)
				}
			}

			// The restart.
			e.tg.Reset()
			ctx2, stop := context.WithCancel(bg)
			rec2 := &crashingRecorder{Store: st, calls: make(chan recordCall, 8)}
			done := make(chan error, 1)
			go func() { done <- client.Poll(ctx2, rec2) }()
			defer func() {
				stop()
				if err := <-done; err != nil {
					t.Errorf("second run: %v", err)
				}
			}()
			if tc.wantResent {
				got := waitRecord(t, rec2)
				if !slices.Equal(got.ids, ids) || got.added != tc.wantAdded || got.err != nil {
					t.Errorf("after the restart Record got ids %v and added %d (err %v), want %v and %d",
						got.ids, got.added, got.err, ids, tc.wantAdded)
				}
			}
			// Telegram is told the batch was taken, and then forgets it.
			waitCtx, cancel := context.WithTimeout(bg, 10*time.Second)
			defer cancel()
			err = e.tg.WaitFor(waitCtx, func(calls []telegramtest.Call) bool {
				for _, c := range calls {
					if c.Method == "getUpdates" && c.Params["offset"] == strconv.FormatInt(next, 10) {
						return true
					}
				}
				return false
			})
			if err != nil {
				t.Fatalf("the batch was never confirmed with offset %d: %v", next, err)
			}
			if !tc.wantResent {
				polls := e.tg.Calls("getUpdates")
				if got := polls[0].Params["offset"]; got != strconv.FormatInt(next, 10) {
					t.Errorf("first getUpdates after the restart asked for offset %s, want %d", got, next)
				}
			}
			if got := e.tg.Pending(); got != 0 {
				t.Errorf("Telegram still holds %d updates after the confirmation", got)
			}
			// The next update is recorded on its own: nothing of the batch
			// was recorded again before it.
			later := int64(p.say("one more"))
			got := waitRecord(t, rec2)
			if !slices.Equal(got.ids, []int64{later}) || got.added != 1 {
				t.Errorf("next Record got ids %v added %d, want [%d] added 1", got.ids, got.added, later)
			}
			if n, _ := st.InboxBacklog(bg); n != int64(len(ids)+1) {
				t.Errorf("inbox = %d, want %d: each update recorded once", n, len(ids)+1)
			}
		})
	}
}

// TestPollRecordReplyLost: Redis applied a Record but its reply was lost;
// the poll loop records the batch again, which adds nothing.
func TestPollRecordReplyLost(t *testing.T) {
	e := newEnv(t)
	st := e.store()
	bg := context.Background()
	client, err := telegram.New(bg, e.tg.Token(), e.tg.URL(), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	p := e.person(8101, "Poll", "Test", "vi")
	var ids []int64
	for i := range 3 {
		ids = append(ids, int64(p.say(fmt.Sprintf("message %d", i))))
	}
	ctx, stop := context.WithCancel(bg)
	rec := &crashingRecorder{Store: st, loseReply: true, calls: make(chan recordCall, 8)}
	done := make(chan error, 1)
	go func() { done <- client.Poll(ctx, rec) }()
	defer func() {
		stop()
		if err := <-done; err != nil {
			t.Errorf("poll: %v", err)
		}
	}()
	first, again := waitRecord(t, rec), waitRecord(t, rec)
	if first.added != 3 || first.err == nil {
		t.Errorf("first Record added %d (err %v), want 3 and a lost reply", first.added, first.err)
	}
	if !slices.Equal(again.ids, ids) || again.added != 0 || again.err != nil {
		t.Errorf("retried Record got %v added %d (err %v), want %v added 0", again.ids, again.added, again.err, ids)
	}
	if n, _ := st.InboxBacklog(bg); n != 3 {
		t.Errorf("inbox = %d, want 3", n)
	}
}

func waitRecord(t *testing.T, r *crashingRecorder) recordCall {
	t.Helper()
	select {
	case c := <-r.calls:
		return c
	case <-time.After(10 * time.Second):
		t.Fatal("no Record call")
		return recordCall{}
	}
}

// TestSIGTERMDrainsInFlightUpdates runs `cohortbot serve` as its own
// process, sends it SIGTERM while it handles a burst of registrations,
// and checks that it exits 0 having finished the updates it began (those
// it had not begun stay pending), and that a fresh start handles the rest:
// every update answered, none applied twice.
func TestSIGTERMDrainsInFlightUpdates(t *testing.T) {
	e := newEnv(t)
	c := e.createCohort(samplePlan)
	const n = 50
	people := make([]*person, n)
	for i := range n {
		people[i] = e.person(int64(6001+i), "Người", strconv.Itoa(i), "vi")
	}

	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "COHORTBOT_TEST_MAIN=serve"}
	for k, v := range e.vars {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	var logs syncBuffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		select {
		case <-exited:
		default:
			_ = cmd.Process.Kill()
			<-exited
		}
	})

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := e.tg.WaitPolling(ctx); err != nil {
		t.Fatalf("serve never polled: %v\n%s", err, logs.String())
	}
	// Half the users write, and once the first is answered the other half
	// write too, right before SIGTERM.
	for _, p := range people[:n/2] {
		p.say("/start " + c.Invites.Trainee)
	}
	if _, err := e.tg.WaitCalls(ctx, "sendMessage", 1); err != nil {
		t.Fatalf("no answer: %v\n%s", err, logs.String())
	}
	for _, p := range people[n/2:] {
		p.say("/start " + c.Invites.Trainee)
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-exited:
	case <-time.After(30 * time.Second):
		t.Fatalf("serve did not exit after SIGTERM:\n%s", logs.String())
	}
	if code := cmd.ProcessState.ExitCode(); code != 0 {
		t.Fatalf("serve exit after SIGTERM = %d, want 0\n%s", code, logs.String())
	}

	// What it began, it finished: nobody got the notice twice. Updates
	// it had not begun stay pending for the next start (the shutdown is
	// bounded, and nobody's update waits behind a drain).
	bg := context.Background()
	st := e.store()
	pending, err := e.redis.Client().XPending(bg, "{in}:stream", "bot").Result()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d updates left pending for the next start", pending.Count)
	answered := 0
	for _, p := range people {
		switch countTo(e, p.user.ID, opsPrivacy) {
		case 0:
		case 1:
			answered++
		default:
			t.Errorf("user %d got %d notices before the exit", p.user.ID, countTo(e, p.user.ID, opsPrivacy))
		}
	}
	// The others are pending in Redis or still at Telegram (not fetched
	// before the signal): the restart answers them, each once.
	t.Logf("answered before the exit: %d of %d", answered, n)

	e.serve()
	err = e.tg.WaitFor(ctx, func([]telegramtest.Call) bool {
		for _, p := range people {
			if countTo(e, p.user.ID, opsPrivacy) == 0 {
				return false
			}
		}
		return true
	})
	if err != nil {
		t.Fatal("not every /start was answered after the restart")
	}
	for _, p := range people {
		if got := countTo(e, p.user.ID, opsPrivacy); got != 1 {
			t.Errorf("user %d got the notice %d times, want 1", p.user.ID, got)
		}
		p.press(1, "cs:y:"+c.Invites.Trainee+":")
	}
	err = e.tg.WaitFor(ctx, func([]telegramtest.Call) bool {
		for _, p := range people {
			if countTo(e, p.user.ID, opsAskName) == 0 {
				return false
			}
		}
		return true
	})
	if err != nil {
		t.Fatal("not everyone who agreed was asked their name")
	}
	if members, _ := st.Members(bg, c.ID); len(members) != n {
		t.Errorf("members = %d, want %d", len(members), n)
	}
	if inv, err := st.Invite(bg, c.Invites.Trainee); err != nil || inv.Used != n {
		t.Errorf("trainee invite = %+v (%v), want used %d", inv, err, n)
	}
}

// TestCommandMenus checks the command lists serve registers: everyone's
// in Vietnamese (no language code) and English, and the organisers' in
// each organiser's chat, both when someone registers as organiser and at
// every start.
func TestCommandMenus(t *testing.T) {
	e := newEnv(t)
	c := e.createCohort(samplePlan)
	s := e.serve()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if _, err := e.tg.WaitCalls(ctx, "setMyCommands", 2); err != nil {
		t.Fatalf("setMyCommands not called twice: %v\n%s", err, s.log)
	}
	everyone := menuNames(bot.MenuCommands(false))
	checkMenu(t, "default", e.tg.Commands(tgbotapi.BotCommandScope{}, ""), everyone, bot.VI)
	checkMenu(t, "default en", e.tg.Commands(tgbotapi.BotCommandScope{}, "en"), everyone, bot.EN)
	if slices.Contains(everyone, "members") || !slices.Contains(everyone, "help") {
		t.Fatalf("everyone's menu = %v", everyone)
	}

	// Registering as organiser gives that chat the organisers' list at once.
	org := e.person(3001, "Minh", "Trần Văn", "vi")
	chat := tgbotapi.BotCommandScope{Type: "chat", ChatID: org.user.ID}
	seen := 0
	org.join(&seen, c.Invites.Organiser)
	ask := org.reply(&seen, opsAskName)
	org.press(e.messageID(org.user.ID, ask), "reg:pn:"+c.ID)
	q := org.reply(&seen, opsAskOrg)
	org.press(e.messageID(org.user.ID, q), "reg:skip:"+c.ID)
	org.reply(&seen, "Đăng ký xong")
	organisers := menuNames(bot.MenuCommands(true))
	checkMenu(t, "organiser chat after registration", e.tg.Commands(chat, ""), organisers, bot.VI)
	if !slices.Contains(organisers, "members") || !slices.Contains(organisers, "invites") {
		t.Fatalf("organisers' menu = %v", organisers)
	}
	// A trainee's chat keeps the default list.
	tr := e.person(3002, "Hoa", "Phạm", "vi")
	seenTr := 0
	tr.join(&seenTr, c.Invites.Trainee)
	tr.reply(&seenTr, opsAskName)
	if got := e.tg.Commands(tgbotapi.BotCommandScope{Type: "chat", ChatID: tr.user.ID}, ""); len(got) != 0 {
		t.Errorf("trainee's chat has its own menu: %v", got)
	}

	// At the next start, serve sets it again from what Redis says.
	if code := s.stop(); code != 0 {
		t.Fatalf("serve exit = %d", code)
	}
	deleteCommands(t, e, chat)
	if got := e.tg.Commands(chat, ""); len(got) != 0 {
		t.Fatalf("organiser chat menu not deleted: %v", got)
	}
	e.tg.Reset()
	s = e.serve()
	err := e.tg.WaitFor(ctx, func(calls []telegramtest.Call) bool {
		for _, c := range calls {
			if c.Method == "setMyCommands" && strings.Contains(c.Params["scope"], `"chat_id":3001`) {
				return true
			}
		}
		return false
	})
	if err != nil {
		t.Fatalf("serve did not set the organiser's menu at start:\n%s", s.log)
	}
	checkMenu(t, "organiser chat after restart", e.tg.Commands(chat, ""), organisers, bot.VI)
}

func menuNames(specs []bot.CommandSpec) []string {
	var out []string
	for _, s := range specs {
		out = append(out, s.Name)
	}
	return out
}

// checkMenu compares a command list with the names wanted, described in
// lang.
func checkMenu(t *testing.T, what string, got []tgbotapi.BotCommand, names []string, lang bot.Lang) {
	t.Helper()
	var gotNames []string
	for _, c := range got {
		gotNames = append(gotNames, c.Command)
		if want := tx(lang, "cmd."+c.Command); c.Description != want {
			t.Errorf("%s: /%s described %q, want %q", what, c.Command, c.Description, want)
		}
	}
	if !slices.Equal(gotNames, names) {
		t.Errorf("%s: commands %v, want %v", what, gotNames, names)
	}
}

// deleteCommands deletes a scope's command list on the fake, as someone
// using BotFather would.
func deleteCommands(t *testing.T, e *env, scope tgbotapi.BotCommandScope) {
	t.Helper()
	raw, _ := json.Marshal(scope)
	resp, err := http.PostForm(e.tg.URL()+"/bot"+e.tg.Token()+"/deleteMyCommands", url.Values{"scope": {string(raw)}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("deleteMyCommands: %s", resp.Status)
	}
}

// TestMetrics reads /metrics after updates and sends, one of them to a
// user who blocked the bot. It is served on METRICS_ADDR only, never on
// the public HTTP_ADDR.
func TestMetrics(t *testing.T) {
	e := newEnv(t)
	e.vars["METRICS_ADDR"] = "127.0.0.1:0"
	s := e.serve()
	if code, _ := httpGet(t, s.url("/metrics")); code != http.StatusNotFound {
		t.Errorf("/metrics on HTTP_ADDR = %d, want 404", code)
	}
	help := tx(bot.VI, "help.title")

	p := e.person(7001, "An", "Nguyễn", "vi")
	seen := 0
	// The second /help is answered after the first was handled and
	// counted: one user's updates are handled in order.
	p.say("/help")
	p.say("/help")
	p.reply(&seen, help)
	p.reply(&seen, help)
	m := scrapeMetrics(t, s)
	if v := m[`cohortbot_updates_total{kind="command"}`]; v < 1 {
		t.Errorf(`cohortbot_updates_total{kind="command"} = %v, want > 0`, v)
	}
	if v := m[`cohortbot_handler_seconds_count{kind="command"}`]; v < 1 {
		t.Errorf(`cohortbot_handler_seconds_count{kind="command"} = %v, want > 0`, v)
	}
	if _, ok := m[`cohortbot_handler_seconds_bucket{kind="command",le="0.1"}`]; !ok {
		t.Errorf("no cohortbot_handler_seconds buckets for commands")
	}
	if v := m[`cohortbot_sends_total{platform="telegram",result="ok"}`]; v < 1 {
		t.Errorf(`cohortbot_sends_total{platform="telegram",result="ok"} = %v, want > 0`, v)
	}
	if v := m[`cohortbot_sends_total{platform="telegram",result="unreachable"}`]; v != 0 {
		t.Errorf("unreachable sends before anyone blocked the bot = %v", v)
	}

	b := e.person(7002, "Bình", "Trần", "vi")
	e.tg.Block(b.user.ID)
	b.say("/help")
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	err := e.tg.WaitFor(ctx, func(calls []telegramtest.Call) bool {
		for _, c := range calls {
			if c.Method == "sendMessage" && c.ChatID() == b.user.ID && c.Status == http.StatusForbidden {
				return true
			}
		}
		return false
	})
	if err != nil {
		t.Fatalf("the bot never tried the blocked user:\n%s", s.log)
	}
	e.tg.Unblock(b.user.ID)
	seenB := 0
	b.say("/help")
	b.reply(&seenB, help)
	m = scrapeMetrics(t, s)
	if v := m[`cohortbot_sends_total{platform="telegram",result="unreachable"}`]; v < 1 {
		t.Errorf(`cohortbot_sends_total{platform="telegram",result="unreachable"} = %v, want > 0`, v)
	}
	if strings.Contains(s.log.String(), e.tg.Token()) {
		t.Errorf("the log contains the bot token")
	}
}

// scrapeMetrics reads /metrics into a map from series (name and labels as
// printed) to value.
func scrapeMetrics(t *testing.T, s *server) map[string]float64 {
	t.Helper()
	if s.metrics == "" {
		t.Fatal("no metrics server: METRICS_ADDR unset?")
	}
	code, body := httpGet(t, "http://"+s.metrics+"/metrics")
	if code != http.StatusOK {
		t.Fatalf("/metrics = %d", code)
	}
	out := map[string]float64{}
	sc := bufio.NewScanner(strings.NewReader(body))
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err != nil {
			t.Fatalf("metrics line %q: %v", line, err)
		}
		out[line[:i]] = v
	}
	return out
}

// TestPollingSurvivesTelegramErrors: a 429 with retry_after pauses polling
// for that long, a 500 is retried after a backoff, and the update waiting
// meanwhile is handled.
func TestPollingSurvivesTelegramErrors(t *testing.T) {
	e := newEnv(t)
	e.tg.FailNext("getUpdates", 1, http.StatusTooManyRequests, "", 2)
	e.tg.FailNext("getUpdates", 1, http.StatusInternalServerError, "", 0)
	p := e.person(7101, "Cúc", "Đỗ", "vi")
	p.say("/help")
	s := e.serve()
	seen := 0
	p.reply(&seen, tx(bot.VI, "help.title"))

	polls := e.tg.Calls("getUpdates")
	if len(polls) < 3 || polls[0].Status != http.StatusTooManyRequests || polls[1].Status != http.StatusInternalServerError || !polls[2].OK() {
		var got []int
		for _, c := range polls {
			got = append(got, c.Status)
		}
		t.Fatalf("getUpdates statuses = %v, want 429, 500, 200", got)
	}
	if gap := polls[1].Time.Sub(polls[0].Time); gap < 2*time.Second {
		t.Errorf("polled again %v after a 429 with retry_after 2, want >= 2s", gap)
	}
	if gap := polls[2].Time.Sub(polls[1].Time); gap < 500*time.Millisecond {
		t.Errorf("polled again %v after a 500, want a backoff", gap)
	}
	if code := s.stop(); code != 0 {
		t.Errorf("serve exit = %d, want 0", code)
	}
}

// TestServeRefusesToStart: bad configurations end serve at once with the
// documented exit code and a message that never shows the token.
func TestServeRefusesToStart(t *testing.T) {
	closed := closedPort(t)
	const secretToken = "999999:AAHsecret-WRONG-token_value"
	for _, tc := range []struct {
		name     string
		set      map[string]string
		unset    []string
		wantCode int
		wantMsg  string
	}{
		{name: "wrong token", set: map[string]string{"TELEGRAM_TOKEN": secretToken}, wantCode: 1, wantMsg: "Unauthorized"},
		{name: "telegram unreachable", set: map[string]string{"TELEGRAM_TOKEN": secretToken, "TELEGRAM_API_URL": "http://" + closed}, wantCode: 1, wantMsg: "telegram"},
		{name: "no redis", unset: []string{"REDIS_URL"}, wantCode: 2, wantMsg: "console"},
		{name: "redis down", set: map[string]string{"REDIS_URL": "redis://" + closed + "/0"}, wantCode: 1, wantMsg: "redis"},
		{name: "no token", unset: []string{"TELEGRAM_TOKEN"}, wantCode: 2, wantMsg: "TELEGRAM_TOKEN"},
		// A mistyped REDIS_URL is named without its password (issue 10).
		{name: "mistyped redis url", set: map[string]string{"REDIS_URL": "redis://default:" + redisPassword + "@localhost:63x79/0"}, wantCode: 2, wantMsg: "REDIS_URL redis://default:xxxxx@localhost:63x79/0"},
		{name: "redis url without scheme", set: map[string]string{"REDIS_URL": "redis//default:" + redisPassword + "@localhost:6379"}, wantCode: 2, wantMsg: "xxxxx"},
		{name: "redis with password down", set: map[string]string{"REDIS_URL": "redis://default:" + redisPassword + "@" + closed + "/0"}, wantCode: 1, wantMsg: "redis"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			for k, v := range tc.set {
				e.vars[k] = v
			}
			for _, k := range tc.unset {
				delete(e.vars, k)
			}
			start := time.Now()
			code, stdout, stderr := e.run("serve")
			if took := time.Since(start); took > 10*time.Second {
				t.Errorf("serve took %v to give up", took)
			}
			if code != tc.wantCode {
				t.Errorf("exit = %d, want %d\nstderr:\n%s", code, tc.wantCode, stderr)
			}
			if !strings.Contains(strings.ToLower(stderr), strings.ToLower(tc.wantMsg)) {
				t.Errorf("stderr does not mention %q:\n%s", tc.wantMsg, stderr)
			}
			_, secret, _ := strings.Cut(secretToken, ":")
			for _, out := range []string{stdout, stderr} {
				if strings.Contains(out, secret) || strings.Contains(out, e.tg.Token()) {
					t.Errorf("output shows the token:\n%s", out)
				}
				if strings.Contains(out, redisPassword) {
					t.Errorf("output shows the Redis password:\n%s", out)
				}
			}
		})
	}
}

// redisPassword is a password in REDIS_URL that must never be printed.
const redisPassword = "Redis-Pa55w0rd-of-the-ministry"

// closedPort returns a local address nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// TestMetricsNotPublic: without METRICS_ADDR, /metrics is served nowhere,
// least of all on the public HTTP_ADDR.
func TestMetricsNotPublic(t *testing.T) {
	e := newEnv(t)
	s := e.serve()
	if code, _ := httpGet(t, s.url("/metrics")); code != http.StatusNotFound {
		t.Errorf("/metrics on HTTP_ADDR = %d, want 404", code)
	}
	if s.metrics != "" {
		t.Errorf("a metrics server listens on %s without METRICS_ADDR", s.metrics)
	}
}
