package store

import (
	"strconv"

	"github.com/cohortbot/cohortbot/bot"
)

const keyCohorts = "{g}:cohorts"

func cohortKey(id, suffix string) string     { return "{c:" + id + "}:" + suffix }
func inviteKey(code string) string           { return "{i:" + code + "}" }
func inviteUsersKey(code string) string      { return "{i:" + code + "}:users" }
func userKey(u bot.UserKey) string           { return "{u:" + string(u) + "}" }
func userSub(u bot.UserKey, s string) string { return "{u:" + string(u) + "}:" + s }

const (
	keyInbox = "{in}:stream"
	// inboxGroup is the consumer group every replica reads the inbox with.
	inboxGroup = "bot"
)

func seenKey(p bot.Platform, id int64) string {
	return "{in}:seen:" + string(p) + ":" + strconv.FormatInt(id, 10)
}

func offsetKey(p bot.Platform) string { return "{in}:offset:" + string(p) }
