// Command cohortbot runs the cohort chatbot (serve), chats with it in the
// terminal (console), and manages cohorts, invites and plans.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
	// The zone database is embedded so that Asia/Ho_Chi_Minh loads in a
	// minimal container image without /usr/share/zoneinfo.
	_ "time/tzdata"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	app := &App{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv}
	os.Exit(app.Run(ctx, os.Args[1:]))
}
