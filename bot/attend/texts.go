package attend

import "github.com/cohortbot/cohortbot/bot"

// texts is the attendance's catalogue (bot.Feature.Texts).
func texts() bot.Catalogue { return bot.Catalogue{bot.VI: textsVI, bot.EN: textsEN} }
