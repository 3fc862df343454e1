// Package store keeps all of cohortbot's state in Redis (or Redis Cluster).
// It owns the key layout, the Lua scripts and the translation of redis.Nil
// into bot.ErrNotFound.
//
// Every key of a cohort carries the hash tag {c:<id>} so that each
// multi-key script on a cohort touches one slot; keys that are not a
// cohort's have tags of their own, and no script mixes two tags.
//
// Keys:
//
//	{g}:cohorts                   zset   cohort id → creation time (unix seconds)
//	{c:ID}:meta                   hash   name, plan (JSON), view_key, created, version, group_chat
//	{c:ID}:members                hash   user key → member JSON
//	{c:ID}:invites                set    invite codes of the cohort
//	{i:CODE}                      hash   cohort, role, uses (-1 unlimited), used, expires, revoked, created
//	{i:CODE}:users                set    users who redeemed the invite (makes redeeming idempotent)
//	{u:USER}                      hash   lang, active (cohort id), name, username
//	{u:USER}:cohorts              set    cohort ids the user belongs to
//	{u:USER}:conv                 string conversation state JSON, with a TTL
//	{u:USER}:flood                string updates in the current flood window, with a TTL
//	{u:USER}:lease                string replica holding the user's updates, with a short TTL
//	{in}:stream                   stream recorded updates waiting to be handled (group "bot")
//	{in}:seen:PLATFORM:ID         string dedupe marker of a recorded update, 7 days
//	{in}:offset:PLATFORM          string next getUpdates offset
//
// USER is a bot.UserKey such as telegram:123456.
package store
