package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/cohortbot/cohortbot/bot"
	"github.com/cohortbot/cohortbot/bot/export"
)

// export writes a cohort's workbook to a file, as /export sends it.
func (a *App) export(ctx context.Context, cfg Config, args []string) error {
	fs := newFlags("export", a.Stderr)
	id := fs.String("cohort", "", "cohort id")
	out := fs.String("out", "", "the workbook to write (.xlsx)")
	lang := fs.String("lang", "vi", "language of the sheets: vi or en")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *id == "" || *out == "" || fs.NArg() > 0 {
		return badUsage("usage: cohortbot export --cohort ID --out FILE.xlsx [--lang vi|en]")
	}
	if filepath.Ext(*out) != ".xlsx" {
		return badUsage("export: --out must name an .xlsx file, not %q", *out)
	}
	l := bot.Lang(*lang)
	if l != bot.VI && l != bot.EN {
		return badUsage("export: --lang must be vi or en, not %q", *lang)
	}
	st, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	co, err := st.Cohort(ctx, *id)
	if bot.IsNotFound(err) {
		return badUsage("export: no cohort %q (cohortbot cohort list shows them)", *id)
	}
	if err != nil {
		return err
	}
	b := bot.New(bot.Config{}, st, noSender{}, features(st).All, bot.WithClock(a.Clock), bot.WithLogger(slog.New(slog.DiscardHandler)))
	raw, err := export.Workbook(ctx, b, co, l, a.Clock())
	if err != nil {
		return err
	}
	if err := os.WriteFile(*out, raw, 0o600); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	fmt.Fprintf(a.Stdout, "wrote %s (%d bytes) for «%s»\n", *out, len(raw), co.Name)
	return nil
}

// noSender is the sender of a bot that only reads (the export).
type noSender struct{}

func (noSender) Send(context.Context, bot.Message) (bot.Sent, error) {
	return bot.Sent{}, fmt.Errorf("this command sends nothing")
}
func (noSender) Answer(context.Context, bot.Answer) error { return nil }
