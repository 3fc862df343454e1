package attend

// textsVI is the Vietnamese catalogue of the attendance, merged into the
// bot's at start (bot.Feature.Texts). It is read-only after start-up.
var textsVI = map[string]string{
	"attend.usage":           "Gửi /checkin kèm mã điểm danh trên màn chiếu, ví dụ: /checkin K7P2QX. Bạn cũng có thể quét mã QR.",
	"attend.trainees_only":   "Điểm danh chỉ dành cho học viên của khóa.",
	"attend.wrong":           "Mã điểm danh không đúng. Hãy kiểm tra lại mã trên màn chiếu (6 ký tự) và gửi lại.",
	"attend.expired":         "Mã điểm danh này đã hết hạn. Hãy xin ban tổ chức mã mới.",
	"attend.already":         "Bạn đã điểm danh buổi «%s» rồi.",
	"attend.checked_in":      "✅ Đã điểm danh buổi «%s» (khóa «%s»). Cảm ơn bạn!",
	"attend.link_not_member": "Bạn chưa phải là học viên của khóa học này nên chưa thể điểm danh. Hãy tham gia khóa bằng đường dẫn mời của ban tổ chức.",
	"attend.none_near_next":  "Hiện không có buổi học nào sắp bắt đầu hoặc đang diễn ra. Buổi tiếp theo: «%s», %s. Có thể tạo mã điểm danh từ 30 phút trước giờ bắt đầu cho đến khi buổi học kết thúc.",
	"attend.none_near":       "Hiện không có buổi học nào sắp bắt đầu hoặc đang diễn ra, và khóa học không còn buổi nào sau đó.",
	"attend.pick_for_code":   "Có nhiều buổi học đang diễn ra. Tạo mã điểm danh cho buổi nào?",
	"attend.not_near":        "Buổi «%s» không còn trong thời gian điểm danh.",
	"attend.code":            "📋 Mã điểm danh buổi «%s»: %s\nHiệu lực đến %s. Học viên quét mã QR hoặc gửi /checkin %s.",
	"attend.pick_session":    "Xem điểm danh buổi nào?",
	"attend.none_begun_next": "Chưa có buổi học nào bắt đầu. Buổi đầu tiên: «%s», %s.",
	"attend.none_begun":      "Khóa học chưa có buổi học nào.",
	"attend.not_begun":       "Buổi «%s» chưa bắt đầu nên chưa điểm danh được.",
	"attend.gone":            "Người này không còn là học viên của khóa học.",
	"attend.marked":          "Đã ghi %s có mặt.",
	"attend.unmarked":        "Đã bỏ ghi có mặt của %s.",
	"attend.view_title":      "📋 Điểm danh buổi «%s» (%s)",
	"attend.view_total":      "Có mặt: %d/%d học viên",
	"attend.no_group":        "Chưa có nhóm",
	"attend.no_trainees":     "Khóa học chưa có học viên nào đăng ký.",
	"attend.view_page":       "Trang %d/%d (bấm tên để ghi hoặc bỏ ghi có mặt):",
	"attend.btn_mark":        "➕ Ghi có mặt: %s",
	"attend.btn_unmark":      "✖️ Bỏ có mặt: %s",
	"attend.btn_sessions":    "↩️ Các buổi học",
}
