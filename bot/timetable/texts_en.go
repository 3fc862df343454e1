package timetable

// textsEN is the English catalogue of the timetable feature, merged into the
// bot's at start (bot.Feature.Texts). It is read-only after start-up.
var textsEN = map[string]string{
	"timetable.schedule.title":    "📅 Schedule of «%s»",
	"timetable.schedule.phase":    "Phase %d",
	"timetable.schedule.none":     "The course has no schedule yet.",
	"timetable.schedule.all_done": "All sessions are over.",

	"timetable.deadlines.title": "⏰ Deadlines of «%s»",
	"timetable.deadlines.none":  "The course has no deadlines yet.",

	"timetable.remind.session":     "⏰ Reminder: «%s» — %s at %s (in %s).",
	"timetable.remind.deadline":    "⏰ Deadline: «%s» — due %s at %s (in %s).",
	"timetable.remind.place":       "Place: %s",
	"timetable.remind.days":        "%d days",
	"timetable.remind.days.one":    "%d day",
	"timetable.remind.hours":       "%d hours",
	"timetable.remind.hours.one":   "%d hour",
	"timetable.remind.minutes":     "%d minutes",
	"timetable.remind.minutes.one": "%d minute",

	"timetable.digest.next": "Next: %s.",

	"timetable.ics.caption":  "Open this file to add it to your phone's calendar.",
	"timetable.ics.deadline": "Due: %s",

	"timetable.deadlines.left":     "%s left",
	"timetable.deadlines.done":     "✅ Group %s has done it",
	"timetable.deadlines.not_done": "⏳ Group %s has not done it yet",

	"timetable.btn.ics_all":  "📆 Add all to my calendar",
	"timetable.btn.ics_next": "📆 Next session",
}
