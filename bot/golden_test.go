package bot_test

import (
	"context"
	"flag"
	"strings"
	"testing"
	"time"

	"github.com/cohortbot/cohortbot/bot"
	"github.com/cohortbot/cohortbot/bot/bottest"
	"github.com/cohortbot/cohortbot/internal/golden"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// TestPrivacyNoticeGolden: the privacy notice, in both languages.
func TestPrivacyNoticeGolden(t *testing.T) {
	for _, l := range []bot.Lang{bot.VI, bot.EN} {
		golden.Check(t, "privacy."+string(l)+".txt", []byte(bot.Text(l, "privacy.text")+"\n"), *update)
	}
}

// TestDigestGolden: the organisers' daily digest of the demo cohort, with
// every feature's line, in both languages.
func TestDigestGolden(t *testing.T) {
	now := time.Date(2017, 7, 10, 0, 30, 0, 0, time.UTC) // 07:30 in Hà Nội
	h := bottest.New(t, now, features)
	demo := h.Demo()
	ctx := context.Background()
	for _, l := range []bot.Lang{bot.VI, bot.EN} {
		for _, m := range demo.Members {
			if m.Role == bot.Organiser {
				if err := h.Store.SetLang(ctx, bot.NewUserKey(bot.Console, m.Handle), l); err != nil {
					t.Fatal(err)
				}
			}
		}
		h.Sender.Reset()
		if err := h.Bot.Digest(ctx, demo.Cohort, now.Add(-24*time.Hour), now); err != nil {
			t.Fatal(err)
		}
		msgs := h.Sender.Messages()
		if len(msgs) == 0 {
			t.Fatal("no digest sent")
		}
		var sb strings.Builder
		for _, m := range msgs {
			sb.WriteString("to " + string(m.Chat) + ":\n" + m.Text + "\n\n")
		}
		golden.Check(t, "digest."+string(l)+".txt", []byte(sb.String()), *update)
	}
}
