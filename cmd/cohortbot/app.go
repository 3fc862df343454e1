package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/cohortbot/cohortbot/bot/plan"
)

// Exit codes of DESIGN.md.
const (
	exitOK    = 0
	exitFail  = 1 // failed at run time: Redis down, Telegram refused
	exitUsage = 2 // bad usage or a bad plan
	// exitNotGenuine is `certificate verify`'s answer for a serial that
	// names no certificate, or a revoked one: the check ran, and the
	// answer is no (README.md).
	exitNotGenuine = 3
)

// App is the command line. Tests run it with their own streams and
// environment, exactly as main does.
type App struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	Getenv func(string) string
	// Clock, when set, replaces time.Now (tests).
	Clock func() time.Time
	// Ready, when set, receives the HTTP server's address once serve
	// listens (tests).
	Ready chan<- string
	// MetricsReady, when set, receives the metrics server's address once
	// it listens (tests).
	MetricsReady chan<- string
}

const usage = `cohortbot — the training cohort chatbot

Usage:
  cohortbot serve                         run the bot (needs REDIS_URL and TELEGRAM_TOKEN and/or ZALO_TOKEN)
  cohortbot console                       chat with the bot in the terminal (embedded store unless REDIS_URL)
  cohortbot cohort create --plan FILE [--json] | --name NAME [--json]
  cohortbot cohort list
  cohortbot cohort delete ID
  cohortbot cohort rotate-key ID                a new view key; the old one stops working at once
  cohortbot invite create --cohort ID --role ROLE [--uses N] [--expires 48h] [--json]
  cohortbot invite revoke CODE
  cohortbot plan check FILE                     FILE: the course workbook (.xlsx) or a YAML plan
  cohortbot plan apply --cohort ID FILE
  cohortbot plan template --out FILE.xlsx [--lang vi|en]
                                                the course workbook, the 2017 course as its example
  cohortbot export --cohort ID --out FILE.xlsx
  cohortbot certificate verify SERIAL     0 genuine, 3 revoked or unknown, 1 Redis failed

Exit codes: 0 done, 1 failed at run time, 2 bad usage or a bad plan.
Configuration is read from the environment; see README.md.
`

// usageError is a mistake on the command line (exit 2).
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func badUsage(format string, args ...any) error { return &usageError{fmt.Sprintf(format, args...)} }

// Run runs one command and returns the exit code.
func (a *App) Run(ctx context.Context, args []string) int {
	if a.Clock == nil {
		a.Clock = time.Now
	}
	if len(args) == 0 {
		fmt.Fprint(a.Stderr, usage)
		return exitUsage
	}
	cfg, err := FromEnv(a.Getenv)
	if err != nil {
		fmt.Fprintln(a.Stderr, err)
		return exitUsage
	}
	log := a.logger(cfg)
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "serve":
		err = a.serve(ctx, cfg, log)
	case "console":
		err = a.console(ctx, cfg, rest, log)
	case "cohort":
		err = a.cohort(ctx, cfg, rest)
	case "invite":
		err = a.invite(ctx, cfg, rest)
	case "plan":
		err = a.plan(ctx, cfg, rest)
	case "certificate":
		var code int
		code, err = a.certificate(ctx, cfg, rest)
		if err == nil {
			return code
		}
	case "export":
		err = a.export(ctx, cfg, rest)
	case "help", "-h", "--help":
		fmt.Fprint(a.Stdout, usage)
		return exitOK
	default:
		err = badUsage("unknown command %q\n\n%s", cmd, usage)
	}
	return a.exit(err)
}

func (a *App) exit(err error) int {
	if err == nil {
		return exitOK
	}
	var ue *usageError
	var pe plan.Errors
	switch {
	case errors.As(err, &pe):
		fmt.Fprintln(a.Stderr, pe.Error())
		return exitUsage
	case errors.As(err, &ue):
		fmt.Fprintln(a.Stderr, ue.msg)
		return exitUsage
	}
	fmt.Fprintln(a.Stderr, "error:", err)
	return exitFail
}

func (a *App) logger(cfg Config) *slog.Logger {
	opts := &slog.HandlerOptions{Level: cfg.LogLevel}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(a.Stderr, opts))
	}
	return slog.New(slog.NewTextHandler(a.Stderr, opts))
}
