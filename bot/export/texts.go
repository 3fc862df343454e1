package export

import "github.com/cohortbot/cohortbot/bot"

func texts() bot.Catalogue { return bot.Catalogue{bot.VI: textsVI, bot.EN: textsEN} }

// tx is the export's text, or the core's.
func tx(l bot.Lang, key string, args ...any) string { return texts().OrCore(l, key, args...) }

var textsVI = map[string]string{
	"export.sent":    "📊 Dữ liệu khóa «%s»: thành viên, điểm danh, báo cáo, điểm chấm, xếp hạng, ảnh dự thi, giấy chứng nhận và nhật ký. Tệp này có dữ liệu cá nhân của mọi thành viên: chỉ chia sẻ với người cần.",
	"export.summary": "Tổng hợp",
	"export.title":   "Khóa «%s»",
	"export.made":    "Xuất lúc %s (giờ %s)",
}

var textsEN = map[string]string{
	"export.sent":    "📊 The data of «%s»: members, attendance, reports, scores, ranking, contest photos, certificates and the audit log. This file holds every member's personal data: share it only with those who need it.",
	"export.summary": "Summary",
	"export.title":   "Course «%s»",
	"export.made":    "Exported %s (%s time)",
}
