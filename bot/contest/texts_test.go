package contest_test

import (
	"sync"

	"github.com/cohortbot/cohortbot/bot"
	"github.com/cohortbot/cohortbot/bot/announce"
	"github.com/cohortbot/cohortbot/bot/contest"
	"github.com/cohortbot/cohortbot/bot/timetable"
)

// catalogue is the bot's texts: the core's and every feature's.
var catalogue = sync.OnceValue(func() bot.Catalogue {
	c, err := bot.Features{announce.New(nil).Feature(), contest.New(nil).Feature(), timetable.New(nil).Feature()}.Catalogue()
	if err != nil {
		panic(err)
	}
	return c
})

// tx is a text of the bot's catalogue (bot.Catalogue.Text).
func tx(l bot.Lang, key string, args ...any) string { return catalogue().Text(l, key, args...) }
