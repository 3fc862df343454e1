package contest_test

import (
	"github.com/cohortbot/cohortbot/bot"
	"github.com/cohortbot/cohortbot/bot/announce"
	"github.com/cohortbot/cohortbot/bot/contest"
	"github.com/cohortbot/cohortbot/bot/timetable"
	"github.com/cohortbot/cohortbot/store"
)

// features are the features cmd/cohortbot runs, on st.
func features(st *store.Store) bot.Features {
	return bot.Features{announce.New(st).Feature(), contest.New(st).Feature(), timetable.New(st).Feature()}
}
