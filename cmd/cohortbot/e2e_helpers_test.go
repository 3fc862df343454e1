package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/cohortbot/cohortbot/bot"
	"github.com/cohortbot/cohortbot/bot/telegram/telegramtest"
	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// Texts the end-to-end tests look for, from the Vietnamese catalogue, so a
// reworded catalogue entry fails here and not in a dozen places.
var (
	textHelp       = tx(bot.VI, "help.title")
	textRole       = tx(bot.VI, "err.role")
	textNotMember  = tx(bot.VI, "err.not_member")
	textStale      = tx(bot.VI, "err.stale_button")
	textFlood      = tx(bot.VI, "err.flood")
	textAskName    = "họ và tên đầy đủ"
	textAskOrg     = "đơn vị"
	textAskGroup   = "nhóm nào"
	textRegistered = "Đăng ký xong"
)

// key is the user key of a Telegram user id.
func key(id int64) bot.UserKey { return bot.NewUserKey(bot.Telegram, fmt.Sprint(id)) }

// createInvite runs `cohortbot invite create ... --json` and returns the
// invite it printed.
func (e *env) createInvite(args ...string) inviteJSON {
	e.t.Helper()
	code, out, errs := e.run(append([]string{"invite", "create", "--json"}, args...)...)
	if code != 0 {
		e.t.Fatalf("invite create %v: exit %d\n%s", args, code, errs)
	}
	var inv inviteJSON
	if err := json.Unmarshal([]byte(out), &inv); err != nil {
		e.t.Fatalf("invite create output %q: %v", out, err)
	}
	return inv
}

// member reads a membership from Redis; nil when the user is not a member.
func (e *env) member(cohort string, id int64) *bot.Member {
	e.t.Helper()
	m, err := e.store().Member(context.Background(), cohort, key(id))
	if errors.Is(err, bot.ErrNotFound) {
		return nil
	}
	if err != nil {
		e.t.Fatal(err)
	}
	return m
}

// seed makes the user a registered member of the cohort straight in
// Redis, with the cohort active, for tests whose subject is not
// registration: every message of a registration costs a second of the
// per-chat send limit.
func (e *env) seed(cohort string, id int64, role bot.Role, name, group string) *person {
	e.t.Helper()
	ctx := context.Background()
	st := e.store()
	m := &bot.Member{User: key(id), Cohort: cohort, Role: role, Name: name, Group: group, Joined: time.Now().UTC(), Registered: true}
	if err := st.PutMember(ctx, m); err != nil {
		e.t.Fatal(err)
	}
	if err := st.SetActive(ctx, key(id), cohort); err != nil {
		e.t.Fatal(err)
	}
	words := strings.Fields(name)
	return e.person(id, words[len(words)-1], strings.Join(words[:len(words)-1], " "), "vi")
}

// invite reads an invite from Redis.
func (e *env) invite(code string) *bot.Invite {
	e.t.Helper()
	inv, err := e.store().Invite(context.Background(), code)
	if err != nil {
		e.t.Fatalf("invite %s: %v", code, err)
	}
	return inv
}

// profile reads a user's profile from Redis.
func (e *env) profile(id int64) bot.Profile {
	e.t.Helper()
	p, err := e.store().Profile(context.Background(), key(id))
	if err != nil {
		e.t.Fatal(err)
	}
	return p
}

// notMember fails the test unless the user has no trace in the cohort:
// no member record, the cohort not in their list, not their active one.
func (e *env) notMember(cohort string, id int64) {
	e.t.Helper()
	if m := e.member(cohort, id); m != nil {
		e.t.Errorf("user %d is a member: %+v", id, *m)
	}
	p := e.profile(id)
	if slices.Contains(p.Cohorts, cohort) || p.Active == cohort {
		e.t.Errorf("user %d profile still names cohort %s: %+v", id, cohort, p)
	}
}

// alert waits for the answer to a button press and checks that it is an
// alert containing want.
func (e *env) alert(callbackID, want string) telegramtest.Call {
	e.t.Helper()
	a := e.answered(callbackID)
	if a.Params["show_alert"] != "true" || !strings.Contains(a.Params["text"], want) {
		e.t.Errorf("press %s answered show_alert=%q text=%q, want an alert with %q", callbackID, a.Params["show_alert"], a.Params["text"], want)
	}
	return a
}

// labels returns the button labels of a sent message's inline keyboard.
func (e *env) labels(c telegramtest.Call) []string {
	e.t.Helper()
	var kb tgbotapi.InlineKeyboardMarkup
	if raw := c.Params["reply_markup"]; raw != "" {
		if err := json.Unmarshal([]byte(raw), &kb); err != nil {
			e.t.Fatalf("reply_markup %s: %v", raw, err)
		}
	}
	var out []string
	for _, row := range kb.InlineKeyboard {
		for _, b := range row {
			out = append(out, b.Text)
		}
	}
	return out
}

// sentTexts lists the texts sent to a chat, for failure messages.
func (e *env) sentTexts(chatID int64) string {
	var texts []string
	for _, c := range e.tg.Sent(chatID) {
		texts = append(texts, c.Method+": "+truncateForLog(c.Params["text"]))
	}
	return strings.Join(texts, "\n---\n")
}

func truncateForLog(s string) string {
	if r := []rune(s); len(r) > 200 {
		return string(r[:200]) + "…"
	}
	return s
}

// next waits for the next message to the person after the ones seen.
func (p *person) next(seen *int) telegramtest.Call {
	p.e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	var got telegramtest.Call
	err := p.e.tg.WaitFor(ctx, func([]telegramtest.Call) bool {
		sent := p.e.tg.Sent(p.user.ID)
		if len(sent) > *seen {
			got = sent[*seen]
			*seen++
			return true
		}
		return false
	})
	if err != nil {
		p.e.t.Fatalf("no message to %d after %d; sent so far:\n%s", p.user.ID, *seen, p.e.sentTexts(p.user.ID))
	}
	return got
}

// push queues an update the person causes.
func (p *person) push(u tgbotapi.Update) int { return p.e.tg.PushUpdate(u) }

// pressData presses a button with arbitrary data on the last message the
// bot sent the person (or a made-up message id when none), as a forged
// press would.
func (p *person) pressData(data string) string {
	id := 1
	if ms := p.e.tg.Messages(p.user.ID); len(ms) > 0 {
		id = ms[len(ms)-1].MessageID
	}
	return p.press(id, data)
}

// join opens the invite and agrees to the privacy notice it shows, the
// one tap between opening the link and being asked one's name.
func (p *person) join(seen *int, code string) {
	p.e.t.Helper()
	p.say("/start " + code)
	notice := p.next(seen)
	for _, d := range buttons(p.e.t, notice) {
		if strings.HasPrefix(d, "cs:y:") {
			p.press(p.e.messageID(p.user.ID, notice), d)
			return
		}
	}
	p.e.t.Fatalf("/start %s answered %q without an «I agree» button", code, truncateForLog(notice.Params["text"]))
}

// register takes the person through registration with the invite: the
// name typed, the organisation skipped, the group (for trainees) the one
// of index group. It returns the "registered" message.
func (p *person) register(seen *int, code, name string, group int) telegramtest.Call {
	p.e.t.Helper()
	p.join(seen, code)
	p.reply(seen, textAskName)
	p.say(name)
	p.reply(seen, textAskOrg)
	p.say("/skip")
	for {
		c := p.next(seen)
		text := c.Params["text"]
		switch {
		case strings.Contains(text, textRegistered):
			return c
		case strings.Contains(text, textAskGroup):
			data := buttons(p.e.t, c)
			if group < 0 || group >= len(data) {
				p.e.t.Fatalf("registration of %d: no group %d among %q", p.user.ID, group, data)
			}
			p.press(p.e.messageID(p.user.ID, c), data[group])
		default:
			p.e.t.Fatalf("registration of %d: unexpected %q", p.user.ID, text)
		}
	}
}

// quiet checks that cause makes the bot send nothing to the person's chat
// (nor to the chats listed in also): it runs cause, then sends /help and
// waits for its answer; one user's updates are handled in order, so by
// then cause was handled.
func (p *person) quiet(what string, cause func(), also ...int64) {
	p.e.t.Helper()
	before := map[int64]int{}
	for _, chat := range also {
		before[chat] = len(p.e.tg.Sent(chat))
	}
	seen := len(p.e.tg.Sent(p.user.ID))
	start := seen
	cause()
	p.say("/help")
	got := p.next(&seen)
	if !strings.Contains(got.Params["text"], textHelp) {
		p.e.t.Errorf("%s: the bot answered %q before /help's answer; want nothing", what, truncateForLog(got.Params["text"]))
		return
	}
	if seen != start+1 {
		p.e.t.Errorf("%s: %d messages sent, want only /help's answer", what, seen-start)
	}
	for _, chat := range also {
		if n := len(p.e.tg.Sent(chat)); n != before[chat] {
			p.e.t.Errorf("%s: %d messages sent to chat %d, want none:\n%s", what, n-before[chat], chat, p.e.sentTexts(chat))
		}
	}
}

// catalogue is the bot's texts: the core's and every feature's.
var catalogue = sync.OnceValue(func() bot.Catalogue {
	c, err := features(nil).All.Catalogue()
	if err != nil {
		panic(err)
	}
	return c
})

// tx is a text of the bot's catalogue (bot.Catalogue.Text).
func tx(l bot.Lang, key string, args ...any) string { return catalogue().Text(l, key, args...) }

// txN is a text about n things (bot.Catalogue.TextN).
func txN(l bot.Lang, key string, n int, args ...any) string {
	return catalogue().TextN(l, key, n, args...)
}

// mbData is the data of the organisers' button on a member
// ("mb:<action>:<arg>…:<user>:<cohort>"), the member's key escaped as
// bot.UserArg escapes it. It is written out here, not built with the
// bot's own codec, so that a change of the format fails these tests.
func mbData(cohort, action string, user int64, args ...string) string {
	parts := append(append([]string{"mb", action}, args...), fmt.Sprintf("telegram%%3A%d", user), cohort)
	return strings.Join(parts, ":")
}
