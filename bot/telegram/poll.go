package telegram

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/cohortbot/cohortbot/bot"
)

// Recorder durably records updates before the offset moves past them
// (store.Store).
type Recorder interface {
	Record(ctx context.Context, p bot.Platform, updates []bot.Update, offset int64) (int, error)
	Offset(ctx context.Context, p bot.Platform) (int64, error)
}

// allowedUpdates are the kinds the bot asks Telegram for.
var allowedUpdates = []string{"message", "edited_message", "channel_post", "callback_query"}

// Poll runs the long-polling loop until ctx is done. Each batch is recorded
// in Redis together with the next offset before the next getUpdates
// confirms it to Telegram, so a crash at any instant loses no update: an
// unrecorded batch is fetched again, a recorded one is deduplicated.
func (c *Client) Poll(ctx context.Context, rec Recorder) error {
	if _, err := c.raw(ctx, "deleteWebhook", tgbotapi.Params{"drop_pending_updates": "false"}); err != nil {
		return fmt.Errorf("delete webhook before polling: %w", err)
	}
	// Redis away at the start (a restart of both, a blip) delays polling
	// rather than stopping the bot: nothing is fetched until the offset
	// is known, so nothing is lost.
	var offset int64
	for wait := 200 * time.Millisecond; ; wait = min(wait*2, 10*time.Second) {
		var err error
		if offset, err = rec.Offset(ctx, bot.Telegram); err == nil {
			break
		}
		if ctx.Err() != nil {
			return nil
		}
		c.log.Warn("read polling offset failed, retrying", "err", err, "retry_in", wait)
		sleepCtx(ctx, wait)
	}
	backoff := time.Second
	for ctx.Err() == nil {
		raws, err := c.getUpdates(ctx, offset)
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			wait := backoff
			var ae *APIError
			if errors.As(asAPIError(err), &ae) && ae.RetryAfter > 0 {
				wait = ae.RetryAfter
			} else {
				backoff = min(backoff*2, 30*time.Second)
			}
			c.log.Warn("getUpdates failed", "err", err, "retry_in", wait)
			sleepCtx(ctx, wait)
			continue
		}
		backoff = time.Second
		if len(raws) == 0 {
			continue
		}
		updates, next := c.decode(raws)
		if next <= offset {
			continue
		}
		if err := c.record(ctx, rec, updates, next); err != nil {
			// Not recorded: keep the old offset so Telegram sends the
			// batch again on the next run.
			return err
		}
		offset = next
	}
	return nil
}

// record retries until the batch is recorded or ctx ends.
func (c *Client) record(ctx context.Context, rec Recorder, updates []bot.Update, next int64) error {
	backoff := 200 * time.Millisecond
	for {
		_, err := rec.Record(ctx, bot.Telegram, updates, next)
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return nil
		}
		c.log.Warn("record updates failed, retrying", "err", err)
		sleepCtx(ctx, backoff)
		backoff = min(backoff*2, 10*time.Second)
	}
}

func (c *Client) getUpdates(ctx context.Context, offset int64) ([]json.RawMessage, error) {
	cfg := tgbotapi.UpdateConfig{Offset: int(offset), Limit: 100, Timeout: int(PollTimeout / time.Second), AllowedUpdates: allowedUpdates}
	resp, err := c.request(ctx, cfg)
	if err != nil {
		return nil, err
	}
	var raws []json.RawMessage
	if err := json.Unmarshal(resp.Result, &raws); err != nil {
		return nil, fmt.Errorf("decode updates: %w", err)
	}
	return raws, nil
}

// decode normalises a batch one update at a time, so one update the
// library cannot decode does not stall the others; it still moves the
// offset past it.
func (c *Client) decode(raws []json.RawMessage) ([]bot.Update, int64) {
	var out []bot.Update
	var next int64
	for _, raw := range raws {
		var id struct {
			UpdateID int64 `json:"update_id"`
		}
		if err := json.Unmarshal(raw, &id); err != nil {
			c.log.Warn("undecodable update skipped", "err", err)
			continue
		}
		next = max(next, id.UpdateID+1)
		var tu tgbotapi.Update
		if err := json.Unmarshal(raw, &tu); err != nil {
			c.log.Warn("undecodable update skipped", "update", id.UpdateID, "err", err)
			continue
		}
		if u, ok := Normalize(tu, c.self.UserName); ok {
			u.Received = time.Now()
			out = append(out, u)
		}
	}
	return out, next
}

func sleepCtx(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}
