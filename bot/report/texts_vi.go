package report

// textsVI is the Vietnamese catalogue of the reports, merged into the
// bot's at start (bot.Feature.Texts). It is read-only after start-up.
var textsVI = map[string]string{
	"report.staff":         "Báo cáo do học viên trong nhóm nộp; giảng viên và ban tổ chức không nộp báo cáo, nhưng xem được báo cáo của các nhóm tại đây.",
	"report.no_group":      "Bạn chưa thuộc nhóm nào nên chưa nộp được báo cáo. Hãy nhờ ban tổ chức xếp bạn vào nhóm.",
	"report.no_deadline":   "Khóa học chưa có hạn nộp báo cáo nào.",
	"report.no_groups":     "Khóa học chưa có nhóm nào.",
	"report.pick_deadline": "Bạn nộp báo cáo cho hạn nào? Chọn một hạn bên dưới (gõ /cancel để thôi).",
	"report.pick_first":    "Hãy chọn hạn nộp bằng các nút ở tin nhắn trên trước, rồi gửi tệp (gõ /cancel để thôi).",
	"report.deadline_gone": "Hạn nộp này không còn trong kế hoạch khóa học. Gõ /report để bắt đầu lại.",
	"report.flow_stale":    "Lượt nộp báo cáo này thuộc một khóa học khác. Gõ /report để nộp lại trong khóa học hiện tại.",
	"report.ask_file":      "📄 Nộp báo cáo «%s» (hạn %s).\nHãy gửi tệp báo cáo của nhóm dưới dạng tệp đính kèm: PDF, Word, Excel hoặc PowerPoint (.pdf, .doc, .docx, .xls, .xlsx, .ppt, .pptx), tối đa %d MB. Gõ /cancel để thôi.",
	"report.has_versions":  "Nhóm %s đã nộp %d phiên bản; bản mới nhất là «%s» lúc %s. Tệp bạn gửi bây giờ sẽ là phiên bản %d; các bản cũ vẫn được giữ lại.",
	"report.will_be_late":  "⚠️ Đã quá hạn nộp: báo cáo vẫn được nhận nhưng sẽ ghi là nộp muộn.",
	"report.send_file":     "Mình đang chờ tệp báo cáo: hãy gửi tệp PDF, Word, Excel hoặc PowerPoint (tối đa %d MB), hoặc gõ /cancel để thôi.",
	"report.photo":         "Báo cáo cần gửi dưới dạng tệp đính kèm (PDF, Word, Excel hoặc PowerPoint), không phải ảnh. Hãy gửi lại tệp, hoặc gõ /cancel để thôi.",
	"report.too_big":       "Tệp này nặng %s MB, vượt giới hạn %d MB mà bot nhận được. Hãy nén tệp (ví dụ xuất PDF với ảnh giảm dung lượng) rồi gửi lại, hoặc gửi đường liên kết tải về (Google Drive, OneDrive…) cho ban tổ chức.",
	"report.bad_type":      "Tệp «%s» không phải là tài liệu PDF, Word, Excel hay PowerPoint nên không được nhận (bot xem nội dung tệp chứ không chỉ đuôi tên). Hãy gửi đúng tệp báo cáo.",
	"report.limit":         "Nhóm đã nộp đủ %d phiên bản cho hạn này nên không nhận thêm được. Hãy liên hệ ban tổ chức.",
	"report.dup":           "Tệp này đã được nộp rồi: đó là phiên bản %d. Không có gì thay đổi.",
	"report.received":      "✅ Đã nhận phiên bản %d của báo cáo «%s» của nhóm %s (%s, %s MB). Các thành viên khác trong nhóm sẽ được báo.",
	"report.late":          "⚠️ Nộp muộn: hạn là %s.",
	"report.late_mark":     "(nộp muộn)",
	"report.notify":        "📄 %s vừa nộp báo cáo của nhóm %s: phiên bản %d cho «%s» (%s), lúc %s.",

	"report.list_title":     "📚 Báo cáo của các nhóm — khóa «%s»:",
	"report.list_none":      "chưa nộp",
	"report.list_versions":  "%d phiên bản",
	"report.group_title":    "📚 Báo cáo của nhóm %s",
	"report.group_deadline": "«%s» (hạn %s):",
	"report.version_line":   "• Bản %d: %s — %s, %s MB, lúc %s, người nộp: %s",
	"report.caption":        "Nhóm %s — phiên bản %d của «%s», nộp lúc %s",
	"report.no_version":     "Không còn phiên bản này.",
	"report.btn.fetch":      "📄 Bản %d — %s",
	"report.digest":         "📄 Báo cáo «%s»: %d/%d nhóm đã nộp.",
	"report.btn.all":        "« Tất cả các nhóm",
}
