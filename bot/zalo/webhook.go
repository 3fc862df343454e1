package zalo

import (
	"context"
	"crypto/subtle"
	"errors"
	"io"
	"net/http"
	"time"

	"github.com/cohortbot/cohortbot/bot"
)

// SecretHeader is where Zalo puts the webhook's secret token.
const SecretHeader = "X-Bot-Api-Secret-Token"

// WebhookPath is where the webhook is served.
const WebhookPath = "/zalo/webhook"

// maxWebhookBody bounds what the webhook reads; an event is small.
const maxWebhookBody = 1 << 20

// Recorder durably records updates (store.Store). Zalo has no offset:
// updates are recorded with offset 0, deduplicated on their id.
type Recorder interface {
	Record(ctx context.Context, p bot.Platform, updates []bot.Update, offset int64) (int, error)
}

// Webhook receives the events Zalo pushes: 403 on a wrong secret
// (compared in constant time), 200 to the empty verification probe, 503
// when an event cannot be recorded, 200 once recorded. A photo is
// downloaded and checked before the event is recorded, since its URL
// expires; one that cannot be fetched or is no acceptable picture is
// recorded as an event the bot does not understand.
func (c *Client) Webhook(rec Recorder, secret string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		got := r.Header.Get(SecretHeader)
		if secret == "" || subtle.ConstantTimeCompare([]byte(got), []byte(secret)) != 1 {
			http.Error(w, "forbidden", http.StatusForbidden)
			return
		}
		body, err := io.ReadAll(io.LimitReader(r.Body, maxWebhookBody))
		if err != nil {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		events, err := DecodeBody(body)
		if errors.Is(err, ErrNoEvent) {
			// Zalo's verification probe, or an event without a message.
			w.WriteHeader(http.StatusOK)
			return
		}
		if err != nil {
			// Retrying would not help.
			c.log.Warn("undecodable zalo webhook body", "err", err)
			http.Error(w, "bad event", http.StatusBadRequest)
			return
		}
		updates := c.normalize(r.Context(), events)
		if len(updates) == 0 {
			w.WriteHeader(http.StatusOK)
			return
		}
		if _, err := rec.Record(r.Context(), bot.Zalo, updates, 0); err != nil {
			c.log.Error("record zalo webhook event", "update", updates[0].ID, "err", err)
			http.Error(w, "try again", http.StatusServiceUnavailable)
			return
		}
		w.WriteHeader(http.StatusOK)
	})
}

// normalize turns events into updates, downloading their photos.
func (c *Client) normalize(ctx context.Context, events []Event) []bot.Update {
	var out []bot.Update
	for _, ev := range events {
		u, ok := Normalize(ev, c.self.ID)
		if !ok {
			continue
		}
		u.Received = time.Now()
		if u.Photo != nil {
			if err := c.Download(ctx, u.Photo); err != nil {
				// Not fetched (the link expired, too big) or not a picture
				// the bot can take: no photo reaches the handlers unchecked.
				// The person is told what the bot understands and may send
				// it again.
				c.log.Warn("download zalo photo", "update", u.ID, "err", err)
				u.Kind, u.Photo = bot.KindOther, nil
			}
		}
		out = append(out, u)
	}
	return out
}
