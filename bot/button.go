package bot

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// ButtonData is what a feature's button carries, encoded in its data as
// "prefix:action:arg…:cohort": the prefix the feature owns
// (Feature.Buttons), what the press does, its arguments, and the cohort it
// acts on ("" when none). A member of several courses may press a button
// of any of them: the cohort lets a handler refuse a press meant for
// another course than the active one. Everything it claims is re-checked
// on the server.
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

// ParseButton decodes a feature button's data; ok is false when it is not
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
