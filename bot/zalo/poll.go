package zalo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/cohortbot/cohortbot/bot"
)

// Poll runs the getUpdates loop until ctx is done or Zalo refuses the
// token. It is for development only: Zalo's getUpdates has no offset, so
// an event handed out is gone; one that arrives while the bot is not
// polling, or that is returned just as the bot stops, can be lost.
// Production runs on the webhook.
func (c *Client) Poll(ctx context.Context, rec Recorder) error {
	if err := c.DeleteWebhook(ctx); err != nil {
		return err
	}
	c.log.Warn("zalo polling (getUpdates): for development only, events can be lost; set PUBLIC_URL and ZALO_WEBHOOK_SECRET for the webhook")
	backoff := time.Second
	for ctx.Err() == nil {
		events, err := c.GetUpdates(ctx, PollTimeout)
		if err != nil {
			// A refused token first: OnUnauthorized may have cancelled ctx.
			var ae *APIError
			if errors.As(err, &ae) && ae.Fatal() {
				return fmt.Errorf("zalo polling stopped: %w", err)
			}
			if ctx.Err() != nil {
				break
			}
			c.log.Warn("zalo getUpdates failed", "err", err, "retry_in", backoff)
			sleepCtx(ctx, backoff)
			backoff = min(backoff*2, 30*time.Second)
			continue
		}
		backoff = time.Second
		updates := c.normalize(ctx, events)
		if len(updates) == 0 {
			continue
		}
		// The event is already gone from Zalo: keep trying to record it.
		wait := 200 * time.Millisecond
		for {
			_, err := rec.Record(ctx, bot.Zalo, updates, 0)
			if err == nil || ctx.Err() != nil {
				break
			}
			c.log.Warn("record zalo events failed, retrying", "err", err)
			sleepCtx(ctx, wait)
			wait = min(wait*2, 10*time.Second)
		}
	}
	return nil
}

func sleepCtx(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}
