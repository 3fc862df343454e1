package telegram

import (
	"crypto/subtle"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/cohortbot/cohortbot/bot"
)

// SecretHeader is where Telegram puts the webhook's secret token.
const SecretHeader = "X-Telegram-Bot-Api-Secret-Token"

// WebhookPath is where the webhook is served.
const WebhookPath = "/telegram/webhook"

// maxWebhookBody bounds what the webhook reads; a Bot API update is small.
const maxWebhookBody = 1 << 20

// Webhook receives updates pushed by Telegram: 403 on a wrong secret
// (compared in constant time), 503 when the update cannot be recorded so
// Telegram retries, 200 once recorded.
func Webhook(rec Recorder, secret, botUsername string, log *slog.Logger) http.Handler {
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
		var tu tgbotapi.Update
		if err := json.Unmarshal(body, &tu); err != nil {
			// Telegram never sends this; retrying would not help.
			log.Warn("undecodable webhook update", "err", err)
			http.Error(w, "bad update", http.StatusBadRequest)
			return
		}
		u, ok := Normalize(tu, botUsername)
		u.Received = time.Now()
		if !ok {
			w.WriteHeader(http.StatusOK)
			return
		}
		if _, err := rec.Record(r.Context(), bot.Telegram, []bot.Update{u}, 0); err != nil {
			log.Error("record webhook update", "update", u.ID, "err", err)
			http.Error(w, "try again", http.StatusServiceUnavailable)
			return
		}
		w.WriteHeader(http.StatusOK)
	})
}
