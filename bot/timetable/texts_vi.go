package timetable

// textsVI is the Vietnamese catalogue of the timetable feature, merged into the
// bot's at start (bot.Feature.Texts). It is read-only after start-up.
var textsVI = map[string]string{
	"timetable.schedule.title":    "📅 Lịch học khóa «%s»",
	"timetable.schedule.phase":    "Đợt %d",
	"timetable.schedule.none":     "Khóa học chưa có lịch.",
	"timetable.schedule.all_done": "Tất cả các buổi học đã kết thúc.",

	"timetable.deadlines.title": "⏰ Các hạn nộp khóa «%s»",
	"timetable.deadlines.none":  "Khóa học chưa có hạn nộp nào.",

	"timetable.remind.session":     "⏰ Nhắc lịch: «%s» — %s lúc %s (còn %s).",
	"timetable.remind.deadline":    "⏰ Nhắc hạn: «%s» — hạn chót %s lúc %s (còn %s).",
	"timetable.remind.place":       "Địa điểm: %s",
	"timetable.remind.days":        "%d ngày",
	"timetable.remind.days.one":    "%d ngày",
	"timetable.remind.hours":       "%d giờ",
	"timetable.remind.hours.one":   "%d giờ",
	"timetable.remind.minutes":     "%d phút",
	"timetable.remind.minutes.one": "%d phút",

	"timetable.digest.next": "Sắp tới: %s.",

	"timetable.ics.caption":  "Mở tệp này để thêm vào lịch điện thoại.",
	"timetable.ics.deadline": "Hạn: %s",

	"timetable.deadlines.left":     "còn %s",
	"timetable.deadlines.done":     "✅ Nhóm %s đã hoàn thành",
	"timetable.deadlines.not_done": "⏳ Nhóm %s chưa hoàn thành",

	"timetable.btn.ics_all":  "📆 Thêm cả lịch vào điện thoại",
	"timetable.btn.ics_next": "📆 Buổi tiếp theo",
}
