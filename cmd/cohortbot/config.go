package main

import (
	"fmt"
	"log/slog"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/cohortbot/cohortbot/bot"
	"github.com/cohortbot/cohortbot/bot/delivery"
)

// Config is the environment of DESIGN.md.
type Config struct {
	RedisURL      string
	ClusterAddrs  []string
	TelegramToken string
	TelegramAPI   string
	WebhookSecret string
	ZaloToken     string
	ZaloAPI       string
	ZaloSecret    string
	PublicURL     string
	HTTPAddr      string
	// MetricsAddr is where /metrics listens; empty: not served at all
	// (never on the public HTTPAddr).
	MetricsAddr string
	SendRate    int
	SendBurst   int
	// ZaloSendRate is messages per second to Zalo (ZALO_SEND_RATE).
	ZaloSendRate int
	Shutdown     time.Duration
	Replica      string
	Admins       map[bot.UserKey]bool
	LogLevel     slog.Level
	LogFormat    string
}

var (
	secretRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,256}$`)
	// zaloSecretRE: Zalo wants 8 to 256 characters; the same safe
	// alphabet as Telegram's, since it travels in a header.
	zaloSecretRE = regexp.MustCompile(`^[A-Za-z0-9_-]{8,256}$`)
	adminRE      = regexp.MustCompile(`^(telegram|zalo):[A-Za-z0-9_-]+$`)
	// replicaRE is a replica's name as other replicas see it.
	replicaRE = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)
)

// FromEnv reads and checks the configuration. Every problem is reported.
func FromEnv(getenv func(string) string) (Config, error) {
	c := Config{
		RedisURL:      strings.TrimSpace(getenv("REDIS_URL")),
		TelegramToken: strings.TrimSpace(getenv("TELEGRAM_TOKEN")),
		TelegramAPI:   strings.TrimSpace(getenv("TELEGRAM_API_URL")),
		WebhookSecret: getenv("TELEGRAM_WEBHOOK_SECRET"),
		ZaloToken:     strings.TrimSpace(getenv("ZALO_TOKEN")),
		ZaloAPI:       strings.TrimSpace(getenv("ZALO_API_URL")),
		ZaloSecret:    getenv("ZALO_WEBHOOK_SECRET"),
		PublicURL:     strings.TrimRight(strings.TrimSpace(getenv("PUBLIC_URL")), "/"),
		HTTPAddr:      strings.TrimSpace(getenv("HTTP_ADDR")),
		MetricsAddr:   strings.TrimSpace(getenv("METRICS_ADDR")),
		SendRate:      30,
		SendBurst:     delivery.DefaultBurst,
		ZaloSendRate:  DefaultZaloSendRate,
		Shutdown:      20 * time.Second,
		Replica:       strings.TrimSpace(getenv("REPLICA_NAME")),
		Admins:        map[bot.UserKey]bool{},
		LogFormat:     strings.ToLower(strings.TrimSpace(getenv("LOG_FORMAT"))),
	}
	var problems []string
	bad := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	if s := strings.TrimSpace(getenv("REDIS_CLUSTER_ADDRS")); s != "" {
		for _, a := range strings.Split(s, ",") {
			if a = strings.TrimSpace(a); a != "" {
				c.ClusterAddrs = append(c.ClusterAddrs, a)
			}
		}
	}
	if c.HTTPAddr == "" {
		c.HTTPAddr = ":8080"
	}
	if c.TelegramAPI == "" {
		c.TelegramAPI = "https://api.telegram.org"
	} else if u, err := url.Parse(c.TelegramAPI); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		bad("TELEGRAM_API_URL: not an http(s) URL: %q", c.TelegramAPI)
	}
	if c.ZaloAPI == "" {
		c.ZaloAPI = "https://bot-api.zaloplatforms.com"
	}
	if s := strings.TrimSpace(getenv("SEND_RATE")); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 1000 {
			bad("SEND_RATE: want a whole number of messages per second from 1 to 1000, got %q", s)
		} else {
			c.SendRate = n
		}
	}
	if s := strings.TrimSpace(getenv("ZALO_SEND_RATE")); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 100 {
			bad("ZALO_SEND_RATE: want a whole number of messages per second from 1 to 100, got %q", s)
		} else {
			c.ZaloSendRate = n
		}
	}
	if c.ZaloAPI != "https://bot-api.zaloplatforms.com" {
		if u, err := url.Parse(c.ZaloAPI); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			bad("ZALO_API_URL: not an http(s) URL: %q", c.ZaloAPI)
		}
	}
	if c.ZaloSecret != "" && !zaloSecretRE.MatchString(c.ZaloSecret) {
		bad("ZALO_WEBHOOK_SECRET: 8-256 characters of A-Z a-z 0-9 _ - (Zalo asks for 8 to 256)")
	}
	if c.ZaloToken != "" && c.PublicURL != "" && c.ZaloSecret == "" {
		bad("ZALO_TOKEN and PUBLIC_URL are set but ZALO_WEBHOOK_SECRET is not: the Zalo webhook needs a secret of 8-256 characters")
	}
	if c.ZaloSecret != "" && c.PublicURL == "" {
		bad("ZALO_WEBHOOK_SECRET is set but PUBLIC_URL is not: the webhook needs the public https address")
	}
	if s := strings.TrimSpace(getenv("SEND_BURST")); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 100 {
			bad("SEND_BURST: want a whole number of messages from 1 to 100, got %q", s)
		} else {
			c.SendBurst = n
		}
	}
	if s := strings.TrimSpace(getenv("SHUTDOWN_TIMEOUT")); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil || d < time.Second || d > 10*time.Minute {
			bad("SHUTDOWN_TIMEOUT: want a duration from 1s to 10m such as 20s, got %q", s)
		} else {
			c.Shutdown = d
		}
	}
	if c.Replica != "" && !replicaRE.MatchString(c.Replica) {
		bad("REPLICA_NAME: 1-64 characters of A-Z a-z 0-9 . _ -, got %q", c.Replica)
	}
	if c.WebhookSecret != "" {
		if !secretRE.MatchString(c.WebhookSecret) {
			bad("TELEGRAM_WEBHOOK_SECRET: 1-256 characters of A-Z a-z 0-9 _ - (Telegram's rule)")
		}
		if c.PublicURL == "" {
			bad("TELEGRAM_WEBHOOK_SECRET is set but PUBLIC_URL is not: the webhook needs the public https address")
		}
	}
	if c.PublicURL != "" {
		if u, err := url.Parse(c.PublicURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			bad("PUBLIC_URL: not an http(s) URL: %q", c.PublicURL)
		}
	}
	for _, a := range strings.Split(getenv("BOT_ADMINS"), ",") {
		a = strings.TrimSpace(a)
		if a == "" {
			continue
		}
		if !adminRE.MatchString(a) {
			bad("BOT_ADMINS: %q is not telegram:<id> or zalo:<id>", a)
			continue
		}
		c.Admins[bot.UserKey(a)] = true
	}
	switch lvl := strings.ToLower(strings.TrimSpace(getenv("LOG_LEVEL"))); lvl {
	case "", "info":
		c.LogLevel = slog.LevelInfo
	case "debug":
		c.LogLevel = slog.LevelDebug
	case "warn":
		c.LogLevel = slog.LevelWarn
	case "error":
		c.LogLevel = slog.LevelError
	default:
		bad("LOG_LEVEL: want debug, info, warn or error, got %q", lvl)
	}
	switch c.LogFormat {
	case "", "text", "json":
	default:
		bad("LOG_FORMAT: want json or text, got %q", c.LogFormat)
	}
	if len(problems) > 0 {
		return c, fmt.Errorf("configuration:\n  %s", strings.Join(problems, "\n  "))
	}
	return c, nil
}

// HasRedis reports whether a Redis server is configured.
func (c Config) HasRedis() bool { return c.RedisURL != "" || len(c.ClusterAddrs) > 0 }

// DefaultZaloSendRate is the messages per second to Zalo without
// ZALO_SEND_RATE: Zalo publishes no rate, so a conservative one.
const DefaultZaloSendRate = 5

// ZaloWebhook reports whether Zalo runs in webhook mode: PUBLIC_URL is
// set (FromEnv then requires ZALO_WEBHOOK_SECRET). Without it Zalo is
// polled, for development only.
func (c Config) ZaloWebhook() bool { return c.ZaloToken != "" && c.PublicURL != "" }

// Webhook reports whether Telegram runs in webhook mode.
func (c Config) Webhook() bool { return c.WebhookSecret != "" }
