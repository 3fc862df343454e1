package export

import (
	"fmt"
	"time"

	"github.com/cohortbot/cohortbot/bot"
)

// Export is the /export command.
type Export struct {
	core *bot.Bot
}

// New returns the export feature.
func New() *Export { return &Export{} }

// Feature plugs the export into the core.
func (x *Export) Feature() bot.Feature {
	return bot.Feature{
		Name:   "export",
		Texts:  texts(),
		Attach: func(core *bot.Bot) { x.core = core },
		Routes: func(g *bot.RouteGroup) {
			g.Handle(bot.Command("export"), x.export, bot.RequireRole(bot.Organiser))
		},
	}
}

// export sends the organiser the cohort's workbook. The core answers
// commands in group chats only with "write to me privately", so the
// file, which names everybody, goes to a private chat only.
func (x *Export) export(c *bot.Context) error {
	now := x.core.Now()
	raw, err := Workbook(c.Context, x.core, c.Cohort, c.Lang, now)
	if err != nil {
		return err
	}
	_, err = c.Send(bot.Message{Text: tx(c.Lang, "export.sent", c.Cohort.Name), Document: &bot.File{
		Name:  FileName(c.Cohort, now),
		MIME:  MIME,
		Bytes: raw,
	}})
	return err
}

// FileName is the workbook's file name: the cohort and the day.
func FileName(co *bot.Cohort, now time.Time) string {
	return fmt.Sprintf("cohortbot-%s-%s.xlsx", co.ID, now.In(co.Plan.Location).Format("20060102-1504"))
}
