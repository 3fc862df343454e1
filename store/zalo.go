package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/cohortbot/cohortbot/bot"
)

// choicesKey holds the numbered choices last sent to a person on a
// platform without buttons (Zalo).
func choicesKey(u bot.UserKey) string { return userSub(u, "choices") }

type choices struct {
	MessageID int64    `json:"m,omitempty"`
	Data      []string `json:"d"`
}

// SetChoices implements zalo.ChoiceStore: the person's pending numbered
// choices, replaced by every list sent, kept for ttl.
func (s *Store) SetChoices(ctx context.Context, user bot.UserKey, messageID int64, data []string, ttl time.Duration) error {
	raw, err := json.Marshal(choices{MessageID: messageID, Data: data})
	if err != nil {
		return fmt.Errorf("encode choices: %w", err)
	}
	if err := s.rdb.Set(ctx, choicesKey(user), raw, ttl).Err(); err != nil {
		return fmt.Errorf("keep choices of %s: %w", user, err)
	}
	return nil
}

// Choices implements zalo.ChoiceStore; none is (0, nil, nil).
func (s *Store) Choices(ctx context.Context, user bot.UserKey) (int64, []string, error) {
	raw, err := s.rdb.Get(ctx, choicesKey(user)).Bytes()
	if errors.Is(err, redis.Nil) {
		return 0, nil, nil
	}
	if err != nil {
		return 0, nil, fmt.Errorf("read choices of %s: %w", user, err)
	}
	var c choices
	if err := json.Unmarshal(raw, &c); err != nil {
		// A corrupt list is no list: the number stays text.
		return 0, nil, nil
	}
	return c.MessageID, c.Data, nil
}
