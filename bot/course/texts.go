package course

import "github.com/cohortbot/cohortbot/bot"

func texts() bot.Catalogue { return bot.Catalogue{bot.VI: textsVI, bot.EN: textsEN} }

var textsVI = map[string]string{
	"course.plan.sent":         "📘 Tệp kế hoạch khóa «%s» (bản hiện tại). Sửa trên tệp này rồi gửi lại cho bot để cập nhật.",
	"course.too_big":           "Tệp quá lớn (tối đa %d MB). Hãy bỏ bớt phần không cần rồi gửi lại.",
	"course.cannot_read":       "Bot chưa tải được tệp này. Hãy gửi lại sau ít phút.",
	"course.not_workbook":      "Tệp này không phải sổ tính Excel (.xlsx). Hãy lưu tệp kế hoạch dưới dạng .xlsx (không phải .xls hay .xlsm) rồi gửi lại; gõ /plan để nhận tệp mẫu của khóa.",
	"course.problems":          "Tệp kế hoạch có %d lỗi:",
	"course.problems_more":     "… và %d lỗi nữa.",
	"course.unchanged":         "Khóa học chưa thay đổi gì. Sửa các ô trên rồi gửi lại tệp.",
	"course.preview.title":     "📘 Xem trước kế hoạch «%s»:",
	"course.preview.phase":     "• Đợt %d: %d buổi học",
	"course.preview.deadlines": "• %d hạn nộp",
	"course.preview.groups":    "• %d nhóm: %s",
	"course.preview.roster":    "• Danh sách: %d người — học viên theo nhóm: %s; giảng viên và Ban tổ chức: %d",
	"course.preview.nothing":   "So với khóa hiện tại: không có gì thay đổi.",
	"course.preview.changes":   "So với khóa hiện tại:",
	"course.preview.added":     "➕ Thêm %d: %s",
	"course.preview.moved":     "🕒 Đổi giờ %d: %s",
	"course.preview.edited":    "✏️ Sửa %d: %s",
	"course.preview.removed":   "➖ Bỏ %d: %s",
	"course.btn.apply":         "✅ Áp dụng",
	"course.btn.cancel":        "Hủy",
	"course.stale":             "Nút này đã cũ. Hãy gửi lại tệp kế hoạch.",
	"course.changed":           "Khóa học vừa được thay đổi sau khi bạn gửi tệp. Hãy gõ /plan để lấy bản mới nhất, sửa rồi gửi lại.",
	"course.applied":           "✅ Đã cập nhật khóa «%s» theo tệp. Các nhắc lịch đã được lập lại.",
	"course.cancelled":         "Đã hủy, khóa học giữ nguyên.",
}

var textsEN = map[string]string{
	"course.plan.sent":         "📘 The plan of «%s» as it is now. Edit this file and send it back to update the course.",
	"course.too_big":           "The file is too large (at most %d MB). Remove what is not needed and send it again.",
	"course.cannot_read":       "The bot could not download this file. Send it again in a few minutes.",
	"course.not_workbook":      "This file is not an Excel workbook (.xlsx). Save the plan as .xlsx (not .xls or .xlsm) and send it again; /plan sends the course's workbook.",
	"course.problems":          "The plan has %d problems:",
	"course.problems_more":     "… and %d more.",
	"course.unchanged":         "Nothing in the course changed. Fix these cells and send the file again.",
	"course.preview.title":     "📘 Preview of the plan «%s»:",
	"course.preview.phase":     "• Phase %d: %d sessions",
	"course.preview.deadlines": "• %d deadlines",
	"course.preview.groups":    "• %d groups: %s",
	"course.preview.roster":    "• Roster: %d people — trainees by group: %s; lecturers and organisers: %d",
	"course.preview.nothing":   "Compared with the course now: nothing changes.",
	"course.preview.changes":   "Compared with the course now:",
	"course.preview.added":     "➕ Added %d: %s",
	"course.preview.moved":     "🕒 Moved %d: %s",
	"course.preview.edited":    "✏️ Edited %d: %s",
	"course.preview.removed":   "➖ Removed %d: %s",
	"course.btn.apply":         "✅ Apply",
	"course.btn.cancel":        "Cancel",
	"course.stale":             "This button is old. Send the plan again.",
	"course.changed":           "The course changed after you sent the file. Send /plan for the latest version, edit it and send it again.",
	"course.applied":           "✅ «%s» is updated from the workbook. The reminders are planned again.",
	"course.cancelled":         "Cancelled; the course stays as it was.",
}
