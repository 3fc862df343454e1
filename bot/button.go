package bot

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// ButtonData is what every button carries, the core's and the features',
// encoded in its data as "prefix:action:arg…:cohort": the prefix the core
// or a feature owns (Feature.Buttons), what the press does, its
// arguments, and the cohort it acts on ("" when none). A member of several courses may press a button
// of any of them: the cohort lets a handler refuse a press meant for
// another course than the active one. Everything it claims is re-checked
// on the server. Press handlers are routes matched on prefix and action
// (Press), each followed by a catch-all CallbackPrefix route of the prefix
// that answers any other press of it as stale.
type ButtonData struct {
	Prefix string
	Action string
	Args   []string
	Cohort string
}

// ErrButtonData is returned for data that cannot be encoded: a part that
// holds the separator, or more than MaxButtonData bytes in all.
var ErrButtonData = errors.New("button data")

// Encode returns the button's data. It refuses a part holding ":" and
// data longer than Telegram's 64 bytes.
func (d ButtonData) Encode() (string, error) {
	parts := append(append([]string{d.Prefix, d.Action}, d.Args...), d.Cohort)
	if d.Prefix == "" || d.Action == "" || slices.ContainsFunc(parts, func(p string) bool { return strings.Contains(p, ":") }) {
		return "", fmt.Errorf("%w: bad part in %q", ErrButtonData, parts)
	}
	s := strings.Join(parts, ":")
	if len(s) > MaxButtonData {
		return "", fmt.Errorf("%w: %q is %d bytes, more than %d", ErrButtonData, s, len(s), MaxButtonData)
	}
	return s, nil
}

// Data encodes a button's data (ButtonData.Encode). Its parts are the
// bot's own ids and numbers, so data that does not fit is a programming
// error: it panics, and the Recover middleware answers the press.
func Data(prefix, action, cohort string, args ...string) string {
	s, err := ButtonData{Prefix: prefix, Action: action, Args: args, Cohort: cohort}.Encode()
	if err != nil {
		panic(err)
	}
	return s
}

// ParseButton decodes a button's data; ok is false when it is not
// in the codec's shape (another convention, or forged).
func ParseButton(s string) (d ButtonData, ok bool) {
	if len(s) > MaxButtonData {
		return ButtonData{}, false
	}
	parts := strings.Split(s, ":")
	if len(parts) < 3 || parts[0] == "" || parts[1] == "" {
		return ButtonData{}, false
	}
	last := len(parts) - 1
	return ButtonData{Prefix: parts[0], Action: parts[1], Args: parts[2:last], Cohort: parts[last]}, true
}

// Button returns the pressed button's data, decoded once; ok is false for
// an update that is not a press in the codec's shape.
func (c *Context) Button() (ButtonData, bool) {
	if c.U.Callback == nil {
		return ButtonData{}, false
	}
	if !c.buttonParsed {
		c.button, c.buttonOK = ParseButton(c.U.Callback.Data)
		c.buttonParsed = true
	}
	return c.button, c.buttonOK
}

// Press matches a press of a button with the prefix and one of the
// actions (any action when none is given).
func Press(prefix string, actions ...string) Match {
	return func(c *Context) bool {
		if c.U.Command != "" {
			return false
		}
		d, ok := c.Button()
		return ok && d.Prefix == prefix && (len(actions) == 0 || slices.Contains(actions, d.Action))
	}
}

// OtherCohort reports whether the pressed button names a cohort that is
// not the sender's active one.
func (c *Context) OtherCohort() bool {
	d, _ := c.Button()
	return c.Cohort == nil || d.Cohort != c.Cohort.ID
}

// UserArg puts a user key into a button argument, and ArgUser reads it
// back. A key is "platform:id" and ":" separates the codec's parts, so
// the separator is escaped ("%3A", and "%" itself as "%25"). The escape
// reads back to exactly the key without reading anything, so the handler
// reads the one member the button names and checks that they are still in
// the cohort. An index into the member list would name someone else once
// the list changed between the message and the press (a remove button
// removing the wrong person), and a hash would need the whole list read
// on every press to learn whom it names. The longest key in use, "zalo:"
// and 20 hex digits, takes 27 bytes; the longest button that carries one,
// "mb:sg:<group>:<user>:<cohort>", stays under 48 bytes with a group
// index of three digits and an 8-character cohort id.
func UserArg(u UserKey) string {
	return strings.NewReplacer("%", "%25", ":", "%3A").Replace(string(u))
}

// ArgUser reads a user key made by UserArg; ok is false for an argument
// that UserArg cannot have made.
func ArgUser(s string) (UserKey, bool) {
	u := strings.NewReplacer("%3A", ":", "%25", "%").Replace(s)
	if s == "" || UserArg(UserKey(u)) != s {
		return "", false
	}
	return UserKey(u), true
}

// pressArgs returns the pressed button's arguments when there are n of
// them and the button names the active cohort (or, with anyCohort, any
// cohort): anything else is a stale or forged press.
func (c *Context) pressArgs(n int, anyCohort bool) ([]string, bool) {
	d, ok := c.Button()
	if !ok || len(d.Args) != n || (!anyCohort && c.OtherCohort()) {
		return nil, false
	}
	return d.Args, true
}

// staleButton answers a core button that cannot act: an old message, or
// forged data.
func (b *Bot) staleButton(c *Context) error { return c.Refuse(c.T("err.stale_button")) }
