package gallery

// texts is the page's catalogue. The projector page is for the room, whose
// language is the cohort's: Vietnamese. A second language would be a
// second function returning the same struct.
type texts struct {
	Contest      string            `json:"-"`
	Ranking      string            `json:"ranking"`
	Entries      string            `json:"entries"`
	Winners      string            `json:"-"`
	Hidden       string            `json:"-"`
	Empty        string            `json:"-"`
	NoScript     string            `json:"-"`
	Prize        string            `json:"prize"`  // "Giải 1"
	Rank         string            `json:"rank"`   // "Hạng 4"
	Entry        string            `json:"entry"`  // "Ảnh số 12"
	Votes        string            `json:"votes"`  // "31 phiếu"
	Points       string            `json:"points"` // "35,5 điểm"
	States       map[string]string `json:"states"`
	GroupPrefix  string            `json:"group"` // "Nhóm Lạng Sơn"
	UpdatedEvery string            `json:"-"`
}

func vietnamese() texts {
	return texts{
		Contest:  "Cuộc thi ảnh lãng phí tài nguyên",
		Ranking:  "Bảng xếp hạng",
		Entries:  "Ảnh dự thi",
		Winners:  "Ảnh đoạt giải",
		Hidden:   "Số phiếu và thứ hạng được ẩn cho đến khi bình chọn kết thúc.",
		Empty:    "Chưa có ảnh nào được duyệt.",
		NoScript: "Tải lại trang để cập nhật.",
		Prize:    "Giải",
		Rank:     "Hạng",
		Entry:    "Ảnh số",
		Votes:    "phiếu",
		Points:   "điểm",
		States: map[string]string{
			"submissions": "Đang nhận ảnh dự thi",
			"voting":      "Bình chọn đang diễn ra",
			"closed":      "Bình chọn đã kết thúc",
		},
		GroupPrefix:  "Nhóm",
		UpdatedEvery: "Tự cập nhật mỗi 10 giây",
	}
}
