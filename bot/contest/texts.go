package contest

import "github.com/cohortbot/cohortbot/bot"

// texts is the contest's catalogue (bot.Feature.Texts).
func texts() bot.Catalogue { return bot.Catalogue{bot.VI: textsVI, bot.EN: textsEN} }

// tx is a text in lang: the contest's own, or the core's.
func tx(l bot.Lang, key string, args ...any) string { return texts().OrCore(l, key, args...) }

// txN is tx for a text about n things (bot.Catalogue.TextN).
func txN(l bot.Lang, key string, n int, args ...any) string {
	return texts().OrCoreN(l, key, n, args...)
}
