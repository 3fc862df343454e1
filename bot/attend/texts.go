package attend

import "github.com/cohortbot/cohortbot/bot"

// texts is the attendance's catalogue (bot.Feature.Texts).
func texts() bot.Catalogue { return bot.Catalogue{bot.VI: textsVI, bot.EN: textsEN} }

// tx is the attendance's text, or the core's, for messages sent outside
// an update (the export, /mydata).
func tx(l bot.Lang, key string, args ...any) string { return texts().OrCore(l, key, args...) }
