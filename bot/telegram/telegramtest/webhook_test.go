package telegramtest_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/cohortbot/cohortbot/bot/telegram/telegramtest"
)

func TestPostWebhook(t *testing.T) {
	s := telegramtest.New(t)
	type delivery struct {
		secret    string
		hasSecret bool
		mediaType string
		update    tgbotapi.Update
	}
	got := make(chan delivery, 2)
	endpoint := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		d := delivery{mediaType: r.Header.Get("Content-Type")}
		d.secret = r.Header.Get(telegramtest.SecretTokenHeader)
		_, d.hasSecret = r.Header[http.CanonicalHeaderKey(telegramtest.SecretTokenHeader)]
		if err := json.NewDecoder(r.Body).Decode(&d.update); err != nil {
			t.Errorf("decode update: %v", err)
		}
		got <- d
	}))
	t.Cleanup(endpoint.Close)

	tests := []struct {
		name       string
		secret     string
		wantHeader bool
		wantID     int
	}{
		{"with secret", "s3cr3t", true, 1000},
		{"without secret", "", false, 1001},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, err := s.PostWebhook(endpoint.URL, tt.secret, telegramtest.TextMessage(alice, alice.ID, "/start"))
			if err != nil {
				t.Fatalf("PostWebhook: %v", err)
			}
			resp.Body.Close()
			d := <-got
			if d.hasSecret != tt.wantHeader || d.secret != tt.secret || d.mediaType != "application/json" {
				t.Errorf("headers: secret %q (present %v), content type %q", d.secret, d.hasSecret, d.mediaType)
			}
			m := d.update.Message
			if d.update.UpdateID != tt.wantID || m == nil || m.MessageID != i+1 || m.Command() != "start" {
				t.Errorf("update = %+v, want update_id %d with message %d", d.update, tt.wantID, i+1)
			}
		})
	}
	if s.Pending() != 0 {
		t.Errorf("Pending() = %d: webhook deliveries must not queue for getUpdates", s.Pending())
	}
}
