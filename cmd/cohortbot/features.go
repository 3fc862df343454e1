package main

import (
	"github.com/cohortbot/cohortbot/bot"
	"github.com/cohortbot/cohortbot/store"
)

// features is the one list of the features the program runs: serve,
// console, the management commands and every end-to-end test build the
// bot and plan due items from it. Its order is the order of their routes
// and of their lines in the organisers' digest.
func features(st *store.Store) bot.Features {
	return bot.Features{
		bot.Announce(),
		bot.Contest(st),
		bot.Timetable(),
	}
}
