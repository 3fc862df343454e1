package contest_test

import (
	"strings"
	"testing"
	"time"

	"github.com/cohortbot/cohortbot/bot"
	"github.com/cohortbot/cohortbot/bot/bottest"
)

// TestFilesThroughTheCore: the core routes a photo and image files to the
// contest, and answers any other document itself. The harness handles each
// update at once, so the rule is checked without a platform's pacing.
func TestFilesThroughTheCore(t *testing.T) {
	h := bottest.New(t, time.Now(), features)
	h.Demo() // submissions are open around today
	lan, gv := h.User("lan"), h.User("gv")

	for _, tt := range []struct {
		name string
		who  *bottest.User
		file *bot.File
		want string
	}{
		{"a trainee's photo", lan, &bot.File{ID: "p1", UniqueID: "u1", Width: 800, Height: 600, Size: 90_000}, tx(bot.VI, "contest.ph.ask_desc")},
		{"a lecturer's photo", gv, &bot.File{ID: "p2", UniqueID: "u2", Width: 800, Height: 600, Size: 90_000}, tx(bot.VI, "contest.ph.not_lecturer")},
		{"an iPhone file", lan, &bot.File{ID: "d1", UniqueID: "u3", Name: "IMG_0412.HEIC", MIME: "image/heic", Size: 2_000_000}, tx(bot.VI, "contest.ph.heic")},
		{"a PDF", lan, &bot.File{ID: "d2", UniqueID: "u4", Name: "Báo cáo.pdf", MIME: "application/pdf", Size: 200_000}, tx(bot.VI, "err.what_file")},
		{"a file with no name", lan, &bot.File{ID: "d3", UniqueID: "u5", MIME: "application/octet-stream", Size: 10}, tx(bot.VI, "err.what_file")},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tt.who.Send(tt.file, "")
			if got := h.Sender.Last(); got.Chat != tt.who.Key.PrivateChat() || !strings.Contains(got.Text, tt.want) {
				t.Errorf("answer %q to %s, want %q", got.Text, got.Chat, tt.want)
			}
		})
	}
}
