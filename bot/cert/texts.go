package cert

import "github.com/cohortbot/cohortbot/bot"

// texts is the certificates' catalogue (bot.Feature.Texts).
func texts() bot.Catalogue { return bot.Catalogue{bot.VI: textsVI, bot.EN: textsEN} }

// tx is a text in lang: the certificates' own, or the core's.
func tx(l bot.Lang, key string, args ...any) string { return texts().OrCore(l, key, args...) }
