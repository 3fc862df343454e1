package bot

import (
	"context"
	"fmt"
	"strings"
)

// Context is one update in flight with everything loaded about its sender.
// It is computed once by the load middleware, so handlers never look the
// same things up twice.
type Context struct {
	context.Context
	Bot *Bot
	U   *Update

	Profile Profile
	Lang    Lang
	Conv    *Conv
	// Member is the sender's membership of the active cohort, nil when none.
	Member *Member
	// Cohort is the active cohort, nil when none.
	Cohort *Cohort

	answered bool
	sends    int // answers sent so far

	// The pressed button's data, decoded once (Button).
	button       ButtonData
	buttonOK     bool
	buttonParsed bool
}

// T translates a catalogue key into the sender's language.
func (c *Context) T(key string, args ...any) string { return c.Bot.Text(c.Lang, key, args...) }

// TN translates a text about n things into the sender's language (TextN).
func (c *Context) TN(key string, n int, args ...any) string {
	return c.Bot.TextN(c.Lang, key, n, args...)
}

// Send delivers a message to the chat of the update (unless m.Chat is set).
func (c *Context) Send(m Message) (Sent, error) {
	if m.Chat == "" {
		m.Chat = c.U.Chat
	}
	info := c.sendInfo()
	if info.Ack != nil {
		if p, ok := c.Bot.send.(Paced); !ok || !p.Paced() {
			info.Ack(false)
			info.Ack = nil
		}
	}
	s, err := c.Bot.send.Send(WithSendInfo(c.Context, info), m)
	if err != nil {
		return s, fmt.Errorf("send to %s: %w", m.Chat, err)
	}
	return s, nil
}

// Reply sends text with optional button rows.
func (c *Context) Reply(text string, rows ...[]Button) error {
	_, err := c.Send(Message{Text: text, Buttons: rows})
	return err
}

// Answer acknowledges the button press being handled, once.
func (c *Context) Answer(text string, alert bool) error {
	if c.U.Callback == nil || c.answered {
		return nil
	}
	c.answered = true
	return c.Bot.send.Answer(c.Context, Answer{CallbackID: c.U.Callback.ID, Chat: c.U.Chat, Text: text, Alert: alert})
}

// Refuse tells the user no: as an alert for a button press, as a message
// otherwise. It changes nothing.
func (c *Context) Refuse(text string) error {
	if c.U.Callback != nil {
		return c.Answer(text, true)
	}
	return c.Reply(text)
}

// SetConv stores the conversation state, stamped with this update's id.
func (c *Context) SetConv(flow, step string, data map[string]string) error {
	conv := &Conv{Flow: flow, Step: step, Data: data, Last: c.U.ID}
	if err := c.Bot.store.SetConv(c.Context, c.U.User, conv, c.Bot.cfg.ConvTTL); err != nil {
		return fmt.Errorf("save conversation: %w", err)
	}
	c.Conv = conv
	return nil
}

// EndConv leaves any conversation.
func (c *Context) EndConv() error {
	if c.Conv == nil {
		return nil
	}
	if err := c.Bot.store.ClearConv(c.Context, c.U.User); err != nil {
		return fmt.Errorf("clear conversation: %w", err)
	}
	c.Conv = nil
	return nil
}

// Replayed reports whether this update already changed the conversation:
// it was redelivered after a crash, so the handler should only re-ask.
func (c *Context) Replayed() bool {
	return c.Conv != nil && c.U.ID != 0 && c.Conv.Last == c.U.ID
}

// IsOrganiser reports whether the sender organises the active cohort.
func (c *Context) IsOrganiser() bool {
	return c.Member != nil && c.Member.Registered && c.Member.Role == Organiser
}

func (c *Context) sayInternalError() {
	if c.U.Callback != nil {
		_ = c.Answer(c.T("err.internal"), true)
		return
	}
	if c.U.ChatType == Private {
		_ = c.Reply(c.T("err.internal"))
	}
}

func (c *Context) needMembership() error {
	if c.Member != nil && !c.Member.Registered {
		return c.Refuse(c.T("err.finish_registration"))
	}
	return c.Refuse(c.T("err.not_member"))
}

// memberGuess is the sender's membership of the cohort an update names,
// read with the profile.
type memberGuess struct {
	cohort  string
	member  *Member
	version int64
}

// loadSender runs Store.Load. A button names the cohort it acts
// on, nearly always the active one, so that cohort's membership is read
// in the same round trip; load uses it only when the cohort is the
// active one, else reads the active one's as for any other update.
func (b *Bot) loadSender(ctx context.Context, u *Update) (Loaded, memberGuess, error) {
	cohort := b.cbCohort(u)
	if cohort == "" {
		l, err := b.store.Load(ctx, u.User, b.cfg.FloodWindow, u.Received)
		return l, memberGuess{}, err
	}
	l, m, version, err := b.store.LoadMember(ctx, u.User, b.cfg.FloodWindow, u.Received, cohort)
	return l, memberGuess{cohort: cohort, member: m, version: version}, err
}

// load is the middleware that reads the sender's state in two round trips
// (one for a button of the active cohort), applies the flood limit
// and picks the language.
func (b *Bot) load(next HandlerFunc) HandlerFunc {
	return func(c *Context) error {
		u := c.U
		l, guess, err := b.loadSender(c.Context, u)
		if err != nil {
			return &fatalError{fmt.Errorf("load %s: %w", u.User, err)}
		}
		c.Profile, c.Conv = l.Profile, l.Conv
		c.Lang = pickLang(l.Profile.Lang, u.LangCode)
		if l.Profile.Unreachable && u.ChatType == Private {
			// They write again, so they can be reached again.
			if err := b.store.SetUnreachable(c.Context, u.User, false); err != nil {
				return &fatalError{fmt.Errorf("mark reachable: %w", err)}
			}
			c.Profile.Unreachable = false
		}
		if b.cfg.FloodLimit > 0 && l.Flood > b.cfg.FloodLimit {
			return c.floodNotice(l.Flood == b.cfg.FloodLimit+1)
		}
		if id := l.Profile.Active; id != "" {
			m, version := guess.member, guess.version
			if guess.cohort != id {
				if m, version, err = b.store.MemberVersion(c.Context, id, u.User); err != nil {
					return &fatalError{fmt.Errorf("load member: %w", err)}
				}
			}
			if m != nil {
				co, err := b.CohortAt(c.Context, id, version)
				switch {
				case IsNotFound(err):
					m = nil
				case err != nil:
					return &fatalError{err}
				default:
					c.Cohort = co
				}
			}
			c.Member = m
		}
		return next(c)
	}
}

// floodNotice tells a flooding user once to slow down; the rest of the
// burst is ignored, except that button presses are answered with the same
// notice so nobody believes a vote counted when it did not.
func (c *Context) floodNotice(first bool) error {
	if c.U.Callback != nil {
		return c.Answer(c.T("err.flood"), true)
	}
	if first && c.U.ChatType == Private {
		return c.Reply(c.T("err.flood"))
	}
	return nil
}

func pickLang(saved Lang, client string) Lang {
	switch {
	case saved != "":
		return saved
	case strings.HasPrefix(strings.ToLower(client), "en"):
		return EN
	default:
		return VI
	}
}

// cbCohort is the cohort a button of the core or a feature acts on
// (ButtonData), "" for any other update. It is only a guess for the load
// middleware: handlers check it against the active cohort.
func (b *Bot) cbCohort(u *Update) string {
	if u.Callback == nil {
		return ""
	}
	d, ok := ParseButton(u.Callback.Data)
	if !ok || b.buttons[d.Prefix] == "" {
		return ""
	}
	return d.Cohort
}

// Overflow answers an update the intake drops because its sender's queue
// is full (a flood far beyond the flood limit): a button press gets the
// flood notice, so nobody believes it counted; anything else is ignored
// like the rest of a flood.
func (b *Bot) Overflow(ctx context.Context, u *Update) {
	b.log.Warn("update dropped: the sender's queue is full", "update", u.ID, "user", u.User)
	if u.Callback == nil {
		return
	}
	lang := pickLang("", u.LangCode)
	if err := b.send.Answer(ctx, Answer{CallbackID: u.Callback.ID, Chat: u.Chat, Text: Text(lang, "err.flood"), Alert: true}); err != nil {
		b.log.Warn("answer dropped button press", "update", u.ID, "err", err)
	}
}
