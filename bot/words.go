package bot

import (
	"slices"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// CommandWord is a command's Vietnamese (and plain) word forms, for the
// platforms without a command menu (Zalo, the console): a message that is
// exactly one of the forms is the command. Forms are matched without
// diacritics and case, so "lịch", "Lich" and "LỊCH" are the same.
type CommandWord struct {
	Command string
	Words   []string
	// Args is set for commands that take what follows the words as their
	// argument ("điểm danh 123456"); the others match the whole message
	// only, so a caption or a name that starts with a word stays text.
	Args bool
}

// CommandWords lists the word forms of the commands, in the order /help
// shows them on Zalo. The first form of each is the one shown.
func CommandWords() []CommandWord {
	return []CommandWord{
		{Command: "start", Words: []string{"bắt đầu", "batdau"}, Args: true},
		{Command: "help", Words: []string{"trợ giúp", "giúp", "hướng dẫn", "trogiup"}},
		{Command: "menu", Words: []string{"menu", "danh mục", "chức năng"}},
		{Command: "schedule", Words: []string{"lịch", "lịch học", "lichhoc"}},
		{Command: "deadlines", Words: []string{"hạn", "hạn nộp", "hannop"}},
		{Command: "vote", Words: []string{"bình chọn", "binhchon"}},
		{Command: "top", Words: []string{"xếp hạng ảnh", "top"}},
		{Command: "myphotos", Words: []string{"ảnh của tôi", "anhcuatoi"}},
		{Command: "report", Words: []string{"nộp báo cáo", "báo cáo", "baocao"}},
		{Command: "score", Words: []string{"chấm điểm", "chamdiem"}},
		{Command: "ranking", Words: []string{"bảng xếp hạng", "xếp hạng", "xephang"}},
		{Command: "checkin", Words: []string{"điểm danh", "diemdanh"}, Args: true},
		{Command: "certificate", Words: []string{"chứng chỉ", "giấy chứng nhận", "chungchi"}},
		{Command: "profile", Words: []string{"hồ sơ", "thông tin", "hoso"}},
		{Command: "cohort", Words: []string{"khóa học", "khoahoc"}},
		{Command: "lang", Words: []string{"ngôn ngữ", "ngonngu", "language"}},
		{Command: "privacy", Words: []string{"quyền riêng tư", "bảo mật", "baomat"}},
		{Command: "mydata", Words: []string{"dữ liệu của tôi", "dữ liệu", "dulieu"}},
		{Command: "leave", Words: []string{"rời khóa", "rời khóa học", "roikhoa"}},
		{Command: "cancel", Words: []string{"hủy", "hủy bỏ", "thôi"}},
		{Command: "skip", Words: []string{"bỏ qua", "boqua"}},
		{Command: "announce", Words: []string{"thông báo", "thongbao"}},
		{Command: "members", Words: []string{"thành viên", "thanhvien"}},
		{Command: "invites", Words: []string{"mã mời", "mamoi"}},
		{Command: "attendance", Words: []string{"chuyên cần", "chuyencan"}},
		{Command: "checkincode", Words: []string{"mã điểm danh", "madiemdanh"}},
	}
}

// Fold lower-cases s, drops its diacritics (đ becomes d) and collapses its
// spaces: the form in which word forms are compared.
func Fold(s string) string {
	var sb strings.Builder
	space := false
	for _, r := range norm.NFD.String(strings.ToLower(s)) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case r == 'đ':
			r = 'd'
		case unicode.IsSpace(r):
			space = sb.Len() > 0
			continue
		}
		if space {
			sb.WriteByte(' ')
			space = false
		}
		sb.WriteRune(r)
	}
	return sb.String()
}

// marks lists the diacritics of s, in order of their code, whatever the
// letter they sit on: the old and new placements of a tone mark ("khoá",
// "khóa") have the same marks.
func marks(s string) string {
	var ms []rune
	for _, r := range norm.NFD.String(strings.ToLower(s)) {
		if unicode.Is(unicode.Mn, r) || r == 'đ' {
			ms = append(ms, r)
		}
	}
	slices.Sort(ms)
	return string(ms)
}

// MatchCommandWord reports the command a typed message stands for, by the
// word forms of CommandWords, and its argument. A message typed without
// diacritics matches the forms without theirs ("lich" is "lịch"); one typed
// with diacritics must have the form's own, wherever the tone mark is
// placed ("Hân", a name, is not "hạn"; "khoá" is "khóa").
// A message that only starts with the words of a command without
// arguments is no command.
func MatchCommandWord(text string) (command, args string, ok bool) {
	folded := Fold(text)
	if folded == "" || len(folded) > 200 {
		return "", "", false
	}
	// sameMarks: typed without diacritics, or with the form's own.
	sameMarks := func(typed, form string) bool {
		m := marks(typed)
		return m == "" || m == marks(form)
	}
	best, bestLen := "", 0
	for _, cw := range CommandWords() {
		for _, w := range cw.Words {
			fw := Fold(w)
			switch {
			case folded == fw || strings.ReplaceAll(folded, " ", "") == strings.ReplaceAll(fw, " ", ""):
				if sameMarks(text, w) && len(fw) > bestLen {
					best, bestLen, args = cw.Command, len(fw), ""
				}
			case cw.Args && strings.HasPrefix(folded, fw+" ") && len(fw) > bestLen:
				n := strings.Count(fw, " ") + 1
				if sameMarks(firstWords(text, n), w) {
					best, bestLen = cw.Command, len(fw)
					args = argsAfter(text, n)
				}
			}
		}
	}
	return best, args, best != ""
}

// firstWords returns the first n words of text.
func firstWords(text string, n int) string {
	fs := strings.Fields(text)
	return strings.Join(fs[:min(n, len(fs))], " ")
}

// argsAfter returns text without its first n words, as typed.
func argsAfter(text string, n int) string {
	rest := strings.TrimSpace(text)
	for range n {
		i := strings.IndexFunc(rest, unicode.IsSpace)
		if i < 0 {
			return ""
		}
		rest = strings.TrimSpace(rest[i:])
	}
	return rest
}

// ParseTyped fills in the command of a typed text message on a platform
// that marks no commands (Zalo, the console): "/name args", or a word
// form of CommandWords. It leaves any other text as it is.
func ParseTyped(u *Update) {
	text := strings.TrimSpace(u.Text)
	if strings.HasPrefix(text, "/") && len(text) > 1 {
		word, rest, _ := strings.Cut(text[1:], " ")
		name, _, _ := strings.Cut(word, "@")
		if name == "" {
			return
		}
		u.Kind, u.Command, u.Args = KindCommand, strings.ToLower(name), strings.TrimSpace(rest)
		return
	}
	if cmd, args, ok := MatchCommandWord(text); ok {
		u.Kind, u.Command, u.Args = KindCommand, cmd, args
	}
}

// Choices flattens button rows into the numbered choices the platforms
// without buttons show: the buttons that carry data, in reading order.
// URL buttons are not numbered; ChoiceLines shows them as links.
func Choices(rows [][]Button) []Button {
	var out []Button
	for _, row := range rows {
		for _, b := range row {
			if b.URL == "" && b.Data != "" {
				out = append(out, b)
			}
		}
	}
	return out
}

// ChoiceLines renders button rows as text lines: "1. label" for each
// choice of Choices, "🔗 label: URL" for each link, in reading order.
func ChoiceLines(rows [][]Button) []string {
	var out []string
	n := 0
	for _, row := range rows {
		for _, b := range row {
			switch {
			case b.URL != "":
				out = append(out, "🔗 "+b.Text+": "+b.URL)
			case b.Data != "":
				n++
				out = append(out, itoa(n)+". "+b.Text)
			}
		}
	}
	return out
}

func itoa(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}
