package telegramtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// webhook is the webhook set with setWebhook; an empty url means none.
type webhook struct {
	url            string
	secretToken    string
	maxConnections int
	allowedUpdates []string
}

// SecretTokenHeader is the header in which Telegram sends a webhook's secret_token.
const SecretTokenHeader = "X-Telegram-Bot-Api-Secret-Token"

// Webhook returns the webhook's URL and secret token as last set, empty when none is set.
func (s *Server) Webhook() (webhookURL, secretToken string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.webhook.url, s.webhook.secretToken
}

func (s *Server) setWebhook(req *request) reply {
	raw := req.params["url"]
	if raw == "" {
		return s.removeWebhook(req)
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return badRequest("bad webhook: Wrong HTTP URL")
	}
	if u.Scheme != "https" {
		return badRequest("bad webhook: An HTTPS URL must be provided for webhook")
	}
	switch u.Port() {
	case "", "80", "88", "443", "8443":
	default:
		return badRequest("bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443")
	}
	secret := req.params["secret_token"]
	if len(secret) > 256 {
		return badRequest("secret token is too long")
	}
	for _, c := range []byte(secret) {
		if !isASCIIAlnum(c) && c != '_' && c != '-' {
			return badRequest("secret token contains unallowed characters")
		}
	}
	next := webhook{url: raw, secretToken: secret, maxConnections: 40}
	if rawMax := req.params["max_connections"]; rawMax != "" {
		n, err := strconv.Atoi(rawMax)
		if err != nil || n < 1 || n > 100 {
			return badRequest("bad webhook: max_connections must be between 1 and 100")
		}
		next.maxConnections = n
	}
	if rawAllowed := req.params["allowed_updates"]; rawAllowed != "" {
		if err := json.Unmarshal([]byte(rawAllowed), &next.allowedUpdates); err != nil {
			return badRequest("can't parse allowed_updates JSON array")
		}
	}
	if req.params["drop_pending_updates"] == "true" {
		s.pending = nil
	}
	already := s.webhook.url == next.url && s.webhook.secretToken == next.secretToken
	s.webhook = next
	s.notify() // a waiting getUpdates ends with 409 Conflict, as on Telegram
	rep := ok(true)
	rep.description = "Webhook was set"
	if already {
		rep.description = "Webhook is already set"
	}
	return rep
}

func (s *Server) removeWebhook(req *request) reply {
	if req.params["drop_pending_updates"] == "true" {
		s.pending = nil
	}
	rep := ok(true)
	rep.description = "Webhook is already deleted"
	if s.webhook.url != "" {
		rep.description = "Webhook was deleted"
	}
	s.webhook = webhook{}
	return rep
}

func (s *Server) deleteWebhook(req *request) reply { return s.removeWebhook(req) }

func (s *Server) getWebhookInfo(*request) reply {
	info := tgbotapi.WebhookInfo{URL: s.webhook.url, PendingUpdateCount: len(s.pending)}
	if s.webhook.url != "" {
		info.MaxConnections = s.webhook.maxConnections
		info.AllowedUpdates = s.webhook.allowedUpdates
		info.IPAddress = "149.154.167.220"
	}
	return ok(info)
}

// PostWebhook delivers an update to a bot's webhook endpoint the way Telegram does: a JSON
// POST with the secret in the X-Telegram-Bot-Api-Secret-Token header (left out when secret is
// empty). An update_id of 0 is given the next id; message ids and dates are filled in as by
// PushUpdate. The caller closes the response's body.
func (s *Server) PostWebhook(webhookURL, secret string, u tgbotapi.Update) (*http.Response, error) {
	s.mu.Lock()
	if u.UpdateID == 0 {
		u.UpdateID = s.nextUpdateID
		s.nextUpdateID++
	} else if u.UpdateID >= s.nextUpdateID {
		s.nextUpdateID = u.UpdateID + 1
	}
	body, err := s.prepare(&u, s.now())
	s.notify()
	s.mu.Unlock()
	if err != nil {
		return nil, fmt.Errorf("telegramtest: post webhook update %d: %w", u.UpdateID, err)
	}
	req, err := http.NewRequest(http.MethodPost, webhookURL, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("telegramtest: post webhook update %d: %w", u.UpdateID, err)
	}
	req.Header.Set("Content-Type", "application/json")
	if secret != "" {
		req.Header.Set(SecretTokenHeader, secret)
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("telegramtest: post webhook update %d: %w", u.UpdateID, err)
	}
	return resp, nil
}
