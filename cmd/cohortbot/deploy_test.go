package main

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// No Docker engine runs on the development machines, so the Docker files
// are checked here: the compose file parses and wires what serve needs,
// and the Dockerfile builds this command and runs it as a non-root user.

func TestComposeFile(t *testing.T) {
	raw, err := os.ReadFile("../../docker-compose.yml")
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		Services map[string]struct {
			Image       string            `yaml:"image"`
			Build       string            `yaml:"build"`
			Command     []string          `yaml:"command"`
			Environment map[string]string `yaml:"environment"`
			DependsOn   map[string]any    `yaml:"depends_on"`
			Volumes     []string          `yaml:"volumes"`
		} `yaml:"services"`
		Volumes map[string]any `yaml:"volumes"`
	}
	if err := yaml.Unmarshal(raw, &f); err != nil {
		t.Fatalf("docker-compose.yml: %v", err)
	}
	redis, bot := f.Services["redis"], f.Services["bot"]
	if !slices.Contains(redis.Command, "--appendonly") || redis.Command[slices.Index(redis.Command, "--appendonly")+1] != "yes" {
		t.Errorf("redis runs without AOF: %v", redis.Command)
	}
	if len(redis.Volumes) == 0 || f.Volumes == nil {
		t.Errorf("redis data is not on a volume")
	}
	if bot.Build != "." || !slices.Equal(bot.Command, []string{"serve"}) {
		t.Errorf("bot: build %q command %v", bot.Build, bot.Command)
	}
	if _, ok := bot.DependsOn["redis"]; !ok {
		t.Errorf("bot does not wait for redis")
	}
	if got := bot.Environment["REDIS_URL"]; got != "redis://redis:6379/0" {
		t.Errorf("REDIS_URL = %q", got)
	}
	known := map[string]bool{}
	for _, k := range []string{"REDIS_URL", "REDIS_CLUSTER_ADDRS", "TELEGRAM_TOKEN", "TELEGRAM_API_URL", "TELEGRAM_WEBHOOK_SECRET",
		"ZALO_TOKEN", "ZALO_API_URL", "ZALO_WEBHOOK_SECRET", "ZALO_SEND_RATE", "PUBLIC_URL", "HTTP_ADDR", "SEND_RATE", "BOT_ADMINS", "LOG_LEVEL", "LOG_FORMAT"} {
		known[k] = true
	}
	for k := range bot.Environment {
		if !known[k] {
			t.Errorf("compose sets %s, which cohortbot does not read", k)
		}
	}
}

func TestDockerfile(t *testing.T) {
	raw, err := os.ReadFile("../../Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	text := string(raw)
	stages := regexp.MustCompile(`(?m)^FROM `).FindAllStringIndex(text, -1)
	if len(stages) < 2 {
		t.Fatalf("want a multi-stage build, got %d stages", len(stages))
	}
	final := text[stages[len(stages)-1][0]:]
	user := regexp.MustCompile(`(?m)^USER\s+(\S+)`).FindStringSubmatch(final)
	if user == nil || strings.HasPrefix(user[1], "root") || strings.HasPrefix(user[1], "0") {
		t.Errorf("final stage does not switch to a non-root user: %v", user)
	}
	if !strings.Contains(text, "./cmd/cohortbot") {
		t.Errorf("Dockerfile does not build ./cmd/cohortbot")
	}
	if !strings.Contains(text, "CGO_ENABLED=0") {
		t.Errorf("the binary must be static for a distroless image")
	}
	entry := regexp.MustCompile(`(?m)^ENTRYPOINT \["([^"]+)"\]`).FindStringSubmatch(final)
	if entry == nil || !strings.Contains(final, "COPY --from=build /out/cohortbot "+entry[1]) {
		t.Errorf("ENTRYPOINT %v is not the copied binary", entry)
	}
}
