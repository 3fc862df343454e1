package zalo

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/cohortbot/cohortbot/bot"
)

// ChoiceStore keeps the numbered choices last sent to each person, with a
// TTL, in Redis (store.Store): a number typed after a restart, or handled
// by another replica, still means the same button.
type ChoiceStore interface {
	// SetChoices replaces the person's pending choices: the data of each
	// numbered button, in order, and the message that listed them.
	SetChoices(ctx context.Context, user bot.UserKey, messageID int64, data []string, ttl time.Duration) error
	// Choices returns them; no choices is (0, nil, nil).
	Choices(ctx context.Context, user bot.UserKey) (messageID int64, data []string, err error)
}

// DefaultChoicesTTL is how long a numbered list may be answered: a day,
// like the conversations it belongs to.
const DefaultChoicesTTL = 24 * time.Hour

func (c *Client) choicesTTL() time.Duration {
	if c.ChoicesTTL > 0 {
		return c.ChoicesTTL
	}
	return DefaultChoicesTTL
}

// Resolver turns a typed number into the press of that choice of the
// last numbered list the person was sent (bot.Resolver). It runs when the
// update is handled, in the person's order, so the list is the one the
// bot had sent by then. A number that matches no pending choice stays
// text.
type Resolver struct {
	Choices ChoiceStore
}

// Resolve implements bot.Resolver.
func (r Resolver) Resolve(ctx context.Context, u *bot.Update) error {
	if u.Platform != bot.Zalo || u.Kind != bot.KindText || r.Choices == nil {
		return nil
	}
	n, ok := choiceNumber(u.Text)
	if !ok {
		return nil
	}
	msgID, data, err := r.Choices.Choices(ctx, u.User)
	if err != nil {
		return err
	}
	if n > len(data) {
		return nil
	}
	u.Kind = bot.KindCallback
	u.Callback = &bot.Callback{ID: "zalo:" + strconv.FormatInt(u.ID, 10), Data: data[n-1], MessageID: msgID}
	return nil
}

// choiceNumber reads a typed choice: "2", " 2 ", "2." or "#2".
func choiceNumber(text string) (int, bool) {
	s := strings.TrimSpace(text)
	s = strings.TrimPrefix(s, "#")
	s = strings.TrimSuffix(s, ".")
	if s == "" || len(s) > 3 {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		return 0, false
	}
	return n, true
}
