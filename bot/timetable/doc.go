// Package timetable is the course's schedule and deadlines, one feature
// on the bot.Feature seam: /schedule and /deadlines (schedule.go), the
// .ics calendar files of their buttons (ics.go), and the reminders before
// each session and deadline, planned as due items and moved out of quiet
// hours (remind.go). Whether a group has done a deadline is asked of the
// core (bot.Bot.Done), which asks the feature that owns the deadline's
// kind.
//
// It imports bot and bot/plan only (DESIGN.md's import rules); its state
// is behind Store, implemented by the store package. Its texts are
// texts_vi.go and texts_en.go, keys prefixed "timetable.".
package timetable
