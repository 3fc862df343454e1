package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/jpeg"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cohortbot/cohortbot/bot"
	"github.com/cohortbot/cohortbot/bot/contest"
	"github.com/cohortbot/cohortbot/bot/telegram/telegramtest"
	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// movableClock is the injected clock of a contest test: it stands still
// until the test moves it between the contest's windows.
type movableClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *movableClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *movableClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// hanoi is a wall-clock time in the sample plan's zone.
func hanoi(t testing.TB, y int, m time.Month, d, h, min int) time.Time {
	t.Helper()
	loc, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		t.Fatal(err)
	}
	return time.Date(y, m, d, h, min, 0, 0, loc)
}

// contestPlan is the sample plan with a lecturer's vote worth 2.5 and at
// most three photos per trainee. Submissions run from 15 July to 25
// October 2017 17:00, voting from 30 October 08:00 to 1 November 12:00.
func contestPlan(t testing.TB) string {
	t.Helper()
	raw, err := os.ReadFile(samplePlan)
	if err != nil {
		t.Fatal(err)
	}
	s := string(raw)
	for old, repl := range map[string]string{
		"lecturer_weight: 1.0":     "lecturer_weight: 2.5",
		"max_photos_per_member: 5": "max_photos_per_member: 3",
	} {
		if !strings.Contains(s, old) {
			t.Fatalf("sample plan has no %q", old)
		}
		s = strings.Replace(s, old, repl, 1)
	}
	path := filepath.Join(t.TempDir(), "plan.yaml")
	if err := os.WriteFile(path, []byte(s), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// photo sends a photo in the person's private chat; its unique id is
// derived from the file id, so the same file id is the same picture.
func (p *person) photo(fileID, caption, album string) {
	p.push(telegramtest.Photo(p.user, p.user.ID, fileID, "uq-"+fileID, caption, album))
}

// doc sends a file in the person's private chat. A file declared a JPEG
// or PNG has the bytes of a small JPEG on the fake server, since the
// contest reads the bytes.
func (p *person) doc(fileID, name, mime string, size int) {
	if mime == "image/jpeg" || mime == "image/png" {
		p.e.tg.AddFile(fileID, "uq-"+fileID, smallJPEG(p.e.t))
	}
	p.push(telegramtest.Document(p.user, p.user.ID, fileID, "uq-"+fileID, name, mime, size))
}

// smallJPEG is a 64×48 JPEG.
func smallJPEG(tb testing.TB) []byte {
	tb.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, image.NewRGBA(image.Rect(0, 0, 64, 48)), nil); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

// pressOn presses a button of a message the bot sent the person.
func (p *person) pressOn(c telegramtest.Call, data string) string {
	return p.press(p.e.mediaID(p.user.ID, c), data)
}

// mediaID is the id of a sent message, text or photo, found by its text
// or caption (the latest such message).
func (e *env) mediaID(chatID int64, c telegramtest.Call) int {
	e.t.Helper()
	want := c.Params["text"] + c.Params["caption"]
	ms := e.tg.Messages(chatID)
	for i := len(ms) - 1; i >= 0; i-- {
		if ms[i].From != nil && ms[i].From.IsBot && ms[i].Text+ms[i].Caption == want {
			return ms[i].MessageID
		}
	}
	e.t.Fatalf("message %q not found in chat %d", want, chatID)
	return 0
}

// waitMessage waits until the chat's message id satisfies cond (an edit
// has landed) and returns it.
func (e *env) waitMessage(chatID int64, id int, what string, cond func(tgbotapi.Message) bool) tgbotapi.Message {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	var got tgbotapi.Message
	err := e.tg.WaitFor(ctx, func([]telegramtest.Call) bool {
		for _, m := range e.tg.Messages(chatID) {
			if m.MessageID == id && cond(m) {
				got = m
				return true
			}
		}
		return false
	})
	if err != nil {
		for _, m := range e.tg.Messages(chatID) {
			if m.MessageID == id {
				e.t.Fatalf("message %d never became %s; it is: caption %q photo %v markup %s", id, what, m.Caption, m.Photo, markupOf(m))
			}
		}
		e.t.Fatalf("message %d never became %s: gone", id, what)
	}
	return got
}

func markupOf(m tgbotapi.Message) string {
	if m.ReplyMarkup == nil {
		return "none"
	}
	raw, _ := json.Marshal(m.ReplyMarkup)
	return string(raw)
}

func photoOf(m tgbotapi.Message) string {
	if len(m.Photo) == 0 {
		return ""
	}
	return m.Photo[len(m.Photo)-1].FileID
}

// keyboard lists a message's buttons as "label=data".
func keyboard(m tgbotapi.Message) []string {
	var out []string
	if m.ReplyMarkup == nil {
		return nil
	}
	for _, row := range m.ReplyMarkup.InlineKeyboard {
		for _, b := range row {
			if b.CallbackData != nil {
				out = append(out, b.Text+"="+*b.CallbackData)
			}
		}
	}
	return out
}

func hasKey(m tgbotapi.Message, data string) bool {
	return slices.ContainsFunc(keyboard(m), func(s string) bool { return strings.HasSuffix(s, "="+data) })
}

// everythingSent is every text and caption sent to a chat, edits
// included (an edited photo's caption travels in the media JSON).
func (e *env) everythingSent(chatID int64) string {
	var sb strings.Builder
	for _, c := range e.tg.Sent(chatID) {
		sb.WriteString(c.Params["text"] + "\n" + c.Params["caption"] + "\n")
		var media struct{ Caption string }
		if json.Unmarshal([]byte(c.Params["media"]), &media) == nil {
			sb.WriteString(media.Caption + "\n")
		}
	}
	return sb.String()
}

// snapshot reads the contest of a cohort from Redis.
func (e *env) snapshot(cohort string) *contest.ContestSnapshot {
	e.t.Helper()
	s, err := e.store().ContestSnapshot(context.Background(), cohort)
	if err != nil {
		e.t.Fatal(err)
	}
	return s
}

// fingerprint sums up everything of the contest that a handled update
// could change.
func (e *env) fingerprint(cohort string) string {
	e.t.Helper()
	s := e.snapshot(cohort)
	var parts []string
	for _, en := range s.Entries {
		parts = append(parts, fmt.Sprintf("%d:%s:%s:%s:%q", en.N, en.Status, en.Category, en.Enterprise, en.Caption))
	}
	for n, t := range s.Tally {
		parts = append(parts, fmt.Sprintf("t%d:%d:%g", n, t.Votes, t.Score))
	}
	slices.Sort(parts)
	audit, err := e.store().ContestAudit(context.Background(), cohort)
	if err != nil {
		e.t.Fatal(err)
	}
	return fmt.Sprintf("%s votes=%d voters=%d announced=%v audit=%d", strings.Join(parts, " "), s.Meta.Votes, s.Meta.Voters, s.Meta.Announced, len(audit))
}

// TestContestFlow runs the contest from the first photo to the announced
// results: submissions with a caption and as an album, moderation by two
// organisers, voting in one edited message, the organisers' close, the
// proposed ranking (a tie broken by the earlier submission) and the
// announcement with the winning photos as an album, once. Forged and
// replayed presses change nothing, and nobody but organisers sees counts
// before voting closes.
func TestContestFlow(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	clk := &movableClock{t: hanoi(t, 2017, 8, 1, 10, 0)}
	e.clock = clk.Now
	c := e.createCohort(contestPlan(t))
	cb := func(data string) string { return data + ":" + c.ID } // button data of this course
	e.serve()

	org := e.person(5001, "Hùng", "Trần Văn", "vi")
	org2 := e.person(5002, "Mai", "Ngô Thị", "vi")
	gv := e.person(5003, "Đức", "Nguyễn Minh", "vi")
	lan := e.person(5004, "Lan", "Lê Thị", "vi")
	hai := e.person(5005, "Hải", "Phạm Văn", "vi")
	var so, so2, sg, sl, sh int
	org.register(&so, c.Invites.Organiser, "Trần Văn Hùng", 0)
	org2.register(&so2, e.createInvite("--cohort", c.ID, "--role", "organiser").Code, "Ngô Thị Mai", 0)
	gv.register(&sg, c.Invites.Lecturer, "Nguyễn Minh Đức", 0)
	lan.register(&sl, c.Invites.Trainee, "Lê Thị Lan", 1)   // Lạng Sơn
	hai.register(&sh, c.Invites.Trainee, "Phạm Văn Hải", 2) // Hải Phòng

	// Lan's photo has a caption: the bot asks the category at once.
	lan.photo("AgAC-lan1", "Vòi nước rò rỉ suốt ca làm việc", "")
	ask := lan.reply(&sl, "Đã nhận ảnh số 1")
	if !strings.Contains(ask.Params["text"], "loại lãng phí") || !hasButton(t, ask, cb("ph:cat:1:1")) {
		t.Fatalf("after a captioned photo: %q %v", ask.Params["text"], buttons(t, ask))
	}
	lan.pressOn(ask, cb("ph:cat:1:1")) // Nước
	lan.reply(&sl, "doanh nghiệp nào")
	lan.say("Công ty Bia Hà Nội")
	lan.reply(&sl, "Đã ghi nhận ảnh dự thi số 1")

	// Each organiser gets it, as a photo with ✅/❌.
	mod1 := org.reply(&so, "Ảnh dự thi số 1 chờ duyệt")
	if mod1.Method != "sendPhoto" || mod1.Params["photo"] != "AgAC-lan1" || !hasButton(t, mod1, cb("mod:ok:1")) || !hasButton(t, mod1, cb("mod:no:1")) {
		t.Errorf("moderation notice: %s %v %v", mod1.Method, mod1.Params["photo"], buttons(t, mod1))
	}
	for _, want := range []string{"Lê Thị Lan", "Lạng Sơn", "Nước", "Công ty Bia Hà Nội", "Vòi nước rò rỉ"} {
		if !strings.Contains(mod1.Params["caption"], want) {
			t.Errorf("moderation notice lacks %q: %q", want, mod1.Params["caption"])
		}
	}
	mod1b := org2.reply(&so2, "Ảnh dự thi số 1 chờ duyệt")

	// Hải's album: two photos, the caption on the second. The first asks
	// for a description; the caption then applies to both, and the
	// category is asked once for the album.
	hai.photo("AgAC-hai1", "", "alb-1")
	hai.reply(&sh, "Đã nhận ảnh số 2")
	hai.photo("AgAC-hai2", "Đèn chiếu sáng bật cả ban ngày", "alb-1")
	ask = hai.reply(&sh, "Ảnh số 2, 3 thuộc loại")
	hai.pressOn(ask, cb("ph:cat:2:0")) // Năng lượng
	hai.reply(&sh, "doanh nghiệp nào")
	hai.say("/skip")
	hai.reply(&sh, "Đã ghi nhận ảnh dự thi số 2, 3")
	snap := e.snapshot(c.ID)
	if len(snap.Entries) != 3 {
		t.Fatalf("%d entries, want 3", len(snap.Entries))
	}
	for _, en := range snap.Entries[1:] {
		if en.Caption != "Đèn chiếu sáng bật cả ban ngày" || en.Category != "Năng lượng" || en.Status != contest.EntryPending || en.Album != "alb-1" || en.Group != "Hải Phòng" {
			t.Errorf("album entry %+v", *en)
		}
	}
	if en := snap.Entries[0]; en.Enterprise != "Công ty Bia Hà Nội" || en.Category != "Nước" || en.Group != "Lạng Sơn" {
		t.Errorf("entry 1 %+v", *en)
	}
	// The album's two entries are two batches: they may come in either
	// order.
	mod2 := org.find("Ảnh dự thi số 2 chờ duyệt")
	mod3 := org.find("Ảnh dự thi số 3 chờ duyệt")
	mod3b := org2.find("Ảnh dự thi số 3 chờ duyệt")
	org2.find("Ảnh dự thi số 2 chờ duyệt")
	so, so2 = len(e.tg.Sent(org.user.ID)), len(e.tg.Sent(org2.user.ID))
	mod1ID, mod3ID := e.mediaID(org.user.ID, mod1), e.mediaID(org.user.ID, mod3)

	// Moderation: the first decision wins.
	org.press(mod1ID, cb("mod:ok:1"))
	lanSeen := sl
	lan.reply(&lanSeen, "Ảnh dự thi số 1 của bạn đã được duyệt")
	e.waitMessage(org.user.ID, mod1ID, "marked approved", func(m tgbotapi.Message) bool {
		return strings.Contains(m.Caption, "đã duyệt") && len(keyboard(m)) == 0
	})
	e.alert(org2.pressOn(mod1b, cb("mod:ok:1")), "đã được xử lý rồi")
	org.pressOn(mod2, cb("mod:ok:2"))
	org.press(mod3ID, cb("mod:no:3"))
	org.reply(&so, "Lý do từ chối ảnh số 3")
	org.say("Ảnh bị mờ, không thấy rõ lãng phí")
	org.reply(&so, "Đã từ chối ảnh số 3")
	e.alert(org2.press(e.mediaID(org2.user.ID, mod3b), cb("mod:ok:3")), "đã được xử lý rồi")
	haiSeen := sh
	notice := hai.reply(&haiSeen, "Ảnh dự thi số 3 của bạn không được duyệt")
	if !strings.Contains(notice.Params["text"], "Ảnh bị mờ, không thấy rõ lãng phí") {
		t.Errorf("rejection notice without the reason: %q", notice.Params["text"])
	}
	haiSeen = sh
	hai.reply(&haiSeen, "Ảnh dự thi số 2 của bạn đã được duyệt")
	statuses := func() string {
		var s []string
		for _, en := range e.snapshot(c.ID).Entries {
			s = append(s, en.Status)
		}
		return strings.Join(s, " ")
	}
	if got := statuses(); got != "approved approved rejected" {
		t.Fatalf("statuses = %s", got)
	}

	// /myphotos: status and reason; buttons only for entries still open.
	sh = len(e.tg.Sent(hai.user.ID))
	hai.say("/myphotos")
	my := hai.reply(&sh, "Ảnh dự thi của bạn")
	if !strings.Contains(my.Params["text"], "Lý do: Ảnh bị mờ") || !hasButton(t, my, cb("ph:wd:2")) || !hasButton(t, my, cb("ph:rc:2")) || hasButton(t, my, cb("ph:wd:3")) {
		t.Errorf("/myphotos = %q %v", my.Params["text"], buttons(t, my))
	}
	// A forged withdraw of someone else's photo.
	e.alert(lan.pressData(cb("ph:wd:2")), "không phải ảnh của bạn")
	e.alert(lan.pressData(cb("ph:wdy:2")), "không phải ảnh của bạn")

	// Voting opens.
	clk.Set(hanoi(t, 2017, 10, 30, 9, 0))
	sl = len(e.tg.Sent(lan.user.ID))
	lan.say("/vote")
	page := lan.reply(&sl, "Ảnh số 1 (1/2)")
	if page.Method != "sendPhoto" || page.Params["photo"] != "AgAC-lan1" || !strings.Contains(page.Params["caption"], "nhóm bạn") {
		t.Fatalf("first vote page: %s %q %q", page.Method, page.Params["photo"], page.Params["caption"])
	}
	for _, l := range e.labels(page) {
		if strings.Contains(l, "👍") {
			t.Errorf("own group's photo offers a cast button: %v", e.labels(page))
		}
	}
	pageID := e.mediaID(lan.user.ID, page)
	before := len(e.tg.Messages(lan.user.ID))
	lan.press(pageID, cb("vt:p:2"))
	m := e.waitMessage(lan.user.ID, pageID, "photo 2", func(m tgbotapi.Message) bool { return photoOf(m) == "AgAC-hai1" })
	if !strings.Contains(m.Caption, "Ảnh số 2 (2/2)") || !strings.Contains(m.Caption, "Năng lượng") || strings.Contains(m.Caption, "Hải Phòng") {
		t.Errorf("page of photo 2: %q", m.Caption)
	}
	if !slices.Contains(keyboard(m), "👍 Bình chọn="+cb("vt:c:2")) {
		t.Errorf("photo 2 keyboard = %v, want a 👍 cast button", keyboard(m))
	}
	lan.press(pageID, cb("vt:c:2"))
	m = e.waitMessage(lan.user.ID, pageID, "voted", func(m tgbotapi.Message) bool { return hasKey(m, cb("vt:w:2")) })
	for _, k := range keyboard(m) {
		if strings.Contains(k, "👍") {
			t.Errorf("after casting, the keyboard still has 👍: %v", keyboard(m))
		}
	}
	if n := len(e.tg.Messages(lan.user.ID)); n != before {
		t.Errorf("paging and voting sent %d new messages; the page should be edited in place", n-before)
	}
	// Forged presses: her own group's photo, a rejected one.
	e.alert(lan.press(pageID, cb("vt:c:1")), "nhóm mình")
	e.alert(lan.press(pageID, cb("vt:c:3")), "không có trong phần bình chọn")
	// A button of another course (she might be in two) acts on nothing here.
	e.alert(lan.press(pageID, "vt:w:2:zzzzzzzz"), "khóa học khác")
	e.alert(lan.press(pageID, "vt:w:2"), textStale)

	// The lecturer votes for both, Hải for Lan's.
	sg = len(e.tg.Sent(gv.user.ID))
	gv.say("/vote")
	gpage := gv.reply(&sg, "Ảnh số 1 (1/2)")
	gid := e.mediaID(gv.user.ID, gpage)
	gv.press(gid, cb("vt:c:1"))
	e.waitMessage(gv.user.ID, gid, "voted 1", func(m tgbotapi.Message) bool { return hasKey(m, cb("vt:w:1")) })
	gv.press(gid, cb("vt:p:2"))
	gv.press(gid, cb("vt:c:2"))
	e.waitMessage(gv.user.ID, gid, "voted 2", func(m tgbotapi.Message) bool { return hasKey(m, cb("vt:w:2")) })
	sh = len(e.tg.Sent(hai.user.ID))
	hai.say("/vote")
	hpage := hai.reply(&sh, "Ảnh số 1 (1/2)")
	hid := e.mediaID(hai.user.ID, hpage)
	hai.press(hid, cb("vt:c:1"))
	e.waitMessage(hai.user.ID, hid, "voted 1", func(m tgbotapi.Message) bool { return hasKey(m, cb("vt:w:1")) })

	// Photos 1 and 2 tie: 3.5 points (2.5 + 1) from 2 voters each.
	snap = e.snapshot(c.ID)
	if snap.Tally[1] != (contest.Tally{Votes: 2, Score: 3.5}) || snap.Tally[2] != (contest.Tally{Votes: 2, Score: 3.5}) || snap.Tally[3] != (contest.Tally{}) {
		t.Fatalf("tallies = %v", snap.Tally)
	}

	// A replayed batch (the same photo and presses again) changes nothing.
	fp := e.fingerprint(c.ID)
	sl = len(e.tg.Sent(lan.user.ID))
	lan.photo("AgAC-lan1", "Vòi nước rò rỉ suốt ca làm việc", "")
	lan.reply(&sl, "hết hạn nhận ảnh")
	if a := e.answered(lan.press(pageID, cb("vt:c:2"))); !strings.Contains(a.Params["text"], "đã bình chọn ảnh số 2 rồi") {
		t.Errorf("a repeated cast answered %q", a.Params["text"])
	}
	hai.press(hid, cb("vt:c:1"))
	e.alert(org.press(mod1ID, cb("mod:ok:1")), "đã được xử lý rồi")
	e.alert(org.press(mod3ID, cb("mod:no:3")), "đã được xử lý rồi")
	e.alert(hai.pressOn(ask, cb("ph:cat:2:0")), "đã được gửi dự thi rồi")
	lan.quiet("replayed presses", func() {})
	hai.quiet("replayed presses", func() {})
	if got := e.fingerprint(c.ID); got != fp {
		t.Errorf("a replayed batch changed the contest:\nbefore %s\nafter  %s", fp, got)
	}

	// Counts stay hidden from voters; organisers see them.
	sl = len(e.tg.Sent(lan.user.ID))
	lan.say("/top")
	lan.reply(&sl, "giữ kín")
	so = len(e.tg.Sent(org.user.ID))
	org.say("/top")
	top := org.reply(&so, "Bảng xếp hạng ảnh")
	if !strings.Contains(top.Params["text"], "1. Ảnh số 1 · Nước — 2 người bình chọn, 3.5 điểm") {
		t.Errorf("organisers' /top = %q", top.Params["text"])
	}
	for _, p := range []*person{lan, hai, gv} {
		if all := e.everythingSent(p.user.ID); strings.Contains(all, "người bình chọn") || strings.Contains(all, "3.5") {
			t.Errorf("counts shown to %s before the close:\n%s", p.user.FirstName, all)
		}
	}

	// An organiser closes voting from /contest: the proposal goes to both.
	so = len(e.tg.Sent(org.user.ID))
	org.say("/contest")
	panel := org.reply(&so, "Giai đoạn: đang bình chọn")
	if !hasButton(t, panel, cb("ct:vc:0")) {
		t.Fatalf("panel buttons %v", buttons(t, panel))
	}
	panelID := e.mediaID(org.user.ID, panel)
	org.press(panelID, cb("ct:vc:0"))
	proposal := org.reply(&so, "Đề xuất 2 giải")
	// The same button pressed again (a double tap) changes nothing more.
	e.alert(org.press(panelID, cb("ct:vc:0")), "vừa được thay đổi")
	text := proposal.Params["text"]
	first, second := strings.Index(text, "1. Ảnh số 1"), strings.Index(text, "2. Ảnh số 2")
	if first < 0 || second < first || !strings.Contains(text, "3.5 điểm, 2 người bình chọn") || !hasButton(t, proposal, cb("res:ok")) {
		t.Errorf("proposal = %q", text)
	}
	proposal2 := org2.reply(&so2, "Đề xuất 2 giải")
	e.alert(lan.press(pageID, cb("vt:w:2")), "đã kết thúc")

	// Confirmed: everyone gets the winners and the photos as an album.
	org.pressOn(proposal, cb("res:ok"))
	org.reply(&so, "Đang gửi kết quả tới 5 người")
	for _, p := range []*person{lan, hai, gv, org2} {
		seen := 0
		res := p.reply(&seen, "Kết quả cuộc thi ảnh")
		if !strings.Contains(res.Params["text"], "1. Ảnh số 1 · Nước · Lạng Sơn — Lê Thị Lan") {
			t.Errorf("results to %s: %q", p.user.FirstName, res.Params["text"])
		}
	}
	albums := e.waitAlbums(lan.user.ID, 1)
	var media []struct{ Type, Media string }
	if err := json.Unmarshal([]byte(albums[0].Params["media"]), &media); err != nil || len(media) != 2 || media[0].Media != "AgAC-lan1" || media[1].Media != "AgAC-hai1" {
		t.Errorf("album media = %s (%v)", albums[0].Params["media"], err)
	}
	// A second confirmation announces nothing again.
	e.alert(org2.pressOn(proposal2, cb("res:ok")), "đã được công bố")
	lan.quiet("after the second confirmation", func() {})
	if n := strings.Count(e.everythingSent(lan.user.ID), "Kết quả cuộc thi ảnh"); n != 1 {
		t.Errorf("Lan got the results %d times", n)
	}
	if got := len(e.albumsTo(lan.user.ID)); got != 1 {
		t.Errorf("Lan got %d albums", got)
	}
	// After the close, counts are for everyone.
	sl = len(e.tg.Sent(lan.user.ID))
	lan.say("/top")
	lan.reply(&sl, "2 người bình chọn, 3.5 điểm")

	audit, err := e.store().ContestAudit(context.Background(), c.ID)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for _, a := range audit {
		kinds[a.Kind]++
	}
	want := map[string]int{"submit": 3, "approve": 2, "reject": 1, "vote": 4, "phase": 1, "results_proposed": 1, "results_announced": 1}
	for k, n := range want {
		if kinds[k] != n {
			t.Errorf("audit %s: %d entries, want %d (all: %v)", k, kinds[k], n, kinds)
		}
	}
}

// find waits for a message to the person containing want, searching all
// messages sent so far.
func (p *person) find(want string) telegramtest.Call {
	p.e.t.Helper()
	seen := 0
	return p.reply(&seen, want)
}

func (e *env) albumsTo(chatID int64) []telegramtest.Call {
	var out []telegramtest.Call
	for _, c := range e.tg.Sent(chatID) {
		if c.Method == "sendMediaGroup" {
			out = append(out, c)
		}
	}
	return out
}

// waitAlbums waits for n albums sent to the chat.
func (e *env) waitAlbums(chatID int64, n int) []telegramtest.Call {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := e.tg.WaitFor(ctx, func([]telegramtest.Call) bool { return len(e.albumsTo(chatID)) >= n }); err != nil {
		e.t.Fatalf("%d albums to %d, want %d", len(e.albumsTo(chatID)), chatID, n)
	}
	return e.albumsTo(chatID)
}

// TestContestRefusals: each photo or file the contest cannot take gets its
// own clear answer and changes nothing.
func TestContestRefusals(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	clk := &movableClock{t: hanoi(t, 2017, 7, 1, 9, 0)} // before submissions open
	e.clock = clk.Now
	c := e.createCohort(contestPlan(t))
	cb := func(data string) string { return data + ":" + c.ID } // button data of this course
	e.serve()

	org := e.person(6001, "Hùng", "Trần Văn", "vi")
	gv := e.person(6002, "Đức", "Nguyễn Minh", "vi")
	lan := e.person(6003, "Lan", "Lê Thị", "vi")
	hai := e.person(6004, "Hải", "Phạm Văn", "vi")
	stranger := e.person(6005, "Khách", "", "vi")
	var so, sg, sl, sh int
	org.register(&so, c.Invites.Organiser, "Trần Văn Hùng", 0)
	gv.register(&sg, c.Invites.Lecturer, "Nguyễn Minh Đức", 0)
	lan.register(&sl, c.Invites.Trainee, "Lê Thị Lan", 1)
	hai.register(&sh, c.Invites.Trainee, "Phạm Văn Hải", 2)

	count := func() int { return len(e.snapshot(c.ID).Entries) }
	refuse := func(p *person, what, want string, send func()) {
		t.Helper()
		before := count()
		seen := len(e.tg.Sent(p.user.ID))
		send()
		got := p.next(&seen)
		if !strings.Contains(got.Params["text"], want) {
			t.Errorf("%s: answer %q, want %q", what, got.Params["text"], want)
		}
		if n := count(); n != before {
			t.Errorf("%s: %d entries, was %d", what, n, before)
		}
	}

	refuse(lan, "before the window", "chưa bắt đầu nhận ảnh", func() { lan.photo("early", "", "") })
	refuse(lan, "vote before voting", "Chưa đến thời gian bình chọn", func() { lan.say("/vote") })
	clk.Set(hanoi(t, 2017, 8, 1, 9, 0))
	refuse(org, "an organiser's photo", "/announce", func() { org.photo("org1", "", "") })
	refuse(gv, "a lecturer's photo", "Chỉ học viên gửi ảnh dự thi", func() { gv.photo("gv1", "", "") })
	refuse(stranger, "a stranger's photo", textNotMember, func() { stranger.photo("x1", "", "") })
	// A document that is not an image is not the contest's: the core asks
	// what it is for (issue 9: reports will take documents).
	refuse(lan, "a PDF", "tệp này dùng để làm gì", func() { lan.doc("pdf1", "Báo cáo.pdf", "application/pdf", 200_000) })
	refuse(lan, "a HEIC file", "HEIC/HEIF", func() { lan.doc("heic1", "IMG_0412.HEIC", "image/heic", 2_000_000) })
	refuse(lan, "a HEIF by name", "HEIC/HEIF", func() { lan.doc("heif1", "IMG_0413.heif", "application/octet-stream", 2_000_000) })
	refuse(lan, "a GIF file", "JPEG hoặc PNG", func() { lan.doc("gif1", "anh.gif", "image/gif", 200_000) })
	refuse(lan, "an 11 MB JPEG", "lớn hơn 10 MB", func() { lan.doc("big1", "anh.jpg", "image/jpeg", 11<<20) })

	// A JPEG file under 10 MB is an entry.
	lan.doc("jpg1", "nuoc-thai.jpg", "image/jpeg", 2<<20)
	lan.reply(&sl, "Đã nhận ảnh số 1")
	lan.say("Nước thải chảy tràn ra sân")
	ask := lan.reply(&sl, "Ảnh số 1 thuộc loại")
	e.alert(lan.pressOn(ask, cb("ph:cat:4:4")), "không phải ảnh của bạn") // a forged press: no entry 4 of hers
	lan.pressOn(ask, cb("ph:cat:1:4"))
	lan.reply(&sl, "doanh nghiệp nào")
	lan.say("/skip")
	lan.reply(&sl, "Đã ghi nhận ảnh dự thi số 1")
	// The file became the cleaned photo she was shown (issue 10).
	if en := e.snapshot(c.ID).Entries[0]; en.Document || en.FileID == "jpg1" || en.UniqueID != "uq-jpg1" || en.Category != "Chất thải" {
		t.Errorf("file entry %+v", *en)
	}

	// The same picture again, from her and from someone else.
	refuse(lan, "the same file twice", "Bạn đã gửi ảnh này rồi (ảnh số 1)", func() { lan.doc("jpg1", "nuoc-thai.jpg", "image/jpeg", 2<<20) })
	refuse(hai, "someone else's picture", "đã được gửi dự thi rồi", func() { hai.doc("jpg1", "copy.jpg", "image/jpeg", 2<<20) })

	// The limit: three entries (drafts count), then a refusal.
	lan.photo("p2", "Hơi nước xì", "")
	lan.reply(&sl, "Đã nhận ảnh số 2")
	lan.photo("p3", "Dầu tràn", "")
	lan.reply(&sl, "Đã nhận ảnh số 3")
	refuse(lan, "over the limit", "đủ 3 ảnh dự thi", func() { lan.photo("p4", "", "") })

	// After the deadline.
	clk.Set(hanoi(t, 2017, 10, 25, 17, 0))
	refuse(hai, "after the deadline", "hết hạn nhận ảnh", func() { hai.photo("late1", "", "") })
	if n := count(); n != 3 {
		t.Errorf("%d entries at the end, want 3", n)
	}
}

// TestContestConsole: in the console, on its embedded store, /photo
// enters a photo of the demo course and the organiser is shown it at once
// (the console has no outbox); the organiser approves it and opens voting,
// a trainee of another group votes, withdraws and votes again, and the
// organiser sees the count and who voted.
func TestContestConsole(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	img := filepath.Join(dir, "lang-phi.jpg")
	if err := os.WriteFile(img, []byte("\xff\xd8\xff\xe0 not really a jpeg"), 0o600); err != nil {
		t.Fatal(err)
	}
	in := strings.Join([]string{
		"/as lan",
		"/photo " + img + " Máy nén khí chạy không tải",
		"/press 3",
		"/skip",
		"/myphotos",
		"/photo " + img,
		"/as btc",
		"/pending",
		"/press 1", // ✅ approve
		"/contest",
		"/press 3", // open voting now
		"/as hai",
		"/vote",
		"/press 1", // 👍 cast
		"/press 1", // withdraw
		"/press 1", // 👍 cast again
		"/as btc",
		"/contest",
		"/press 4", // who voted (submissions closed when voting opened: their row is gone)
		"/quit",
	}, "\n")
	var out, errb syncBuffer
	app := &App{Stdin: strings.NewReader(in), Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if code := app.Run(ctx, []string{"console"}); code != 0 {
		t.Fatalf("console: exit %d\n%s", code, errb.String())
	}
	got := out.String()
	for _, want := range []string{
		"Đã nhận ảnh số 1", "Ảnh số 1 thuộc loại", "Đã ghi nhận ảnh dự thi số 1 (loại: Nguyên vật liệu)",
		"→ btc", "Ảnh dự thi số 1 chờ duyệt", "Số 1 · Nguyên vật liệu · ⏳ chờ duyệt", "Bạn đã gửi ảnh này rồi (ảnh số 1)",
		"Đã duyệt ảnh số 1", "Đã mở bình chọn", "📷 Ảnh số 1 (1/1)", "Đã bình chọn ảnh số 1", "Đã bỏ bình chọn ảnh số 1",
		"Phiếu bình chọn: 1, của 1 người", "Ảnh số 1 (1): Phạm Văn Hải", "(đã đóng)\nBình chọn:",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("console output lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "đã có lỗi") || strings.Contains(errb.String(), "ERROR") {
		t.Errorf("the console failed on the way:\n%s\n%s", got, errb.String())
	}
}

// TestContestUnfinishedPhoto: a photo sent while another still waits for
// its category is taken, and the bot says plainly that the other is
// unfinished, with a button to finish it, then again once the new one is
// entered; the other is finished from that button. An album sent while
// a photo is unfinished still makes one entry per photo sharing the
// caption, and only its first photo speaks.
func TestContestUnfinishedPhoto(t *testing.T) {
	t.Parallel()
	r := newContestRig(t, hanoi(t, 2017, 8, 1, 10, 0))
	e := r.e
	org := e.seed(r.c.ID, 7301, bot.Organiser, "Trần Văn Hùng", "")
	lan := e.seed(r.c.ID, 7302, bot.Trainee, "Lê Thị Lan", "Lạng Sơn")
	e.serve()
	unfinished := func(key, ns string, n int) string { return txN(bot.VI, key, n, ns) }
	status := func() string {
		var s []string
		for _, en := range e.snapshot(r.c.ID).Entries {
			s = append(s, en.Status)
		}
		return strings.Join(s, " ")
	}

	sl := len(e.tg.Sent(lan.user.ID))
	lan.photo("un-1", "Vòi nước rò rỉ suốt ca làm việc", "")
	first := lan.reply(&sl, catalogueVI("contest.ph.received", "1"))
	if strings.Contains(first.Params["text"], "⚠️") {
		t.Errorf("the first photo warns of something unfinished: %q", first.Params["text"])
	}
	// Photo 2 while photo 1 waits for its category.
	lan.photo("un-2", "Đèn chiếu sáng bật cả ban ngày", "")
	ask := lan.reply(&sl, catalogueVI("contest.ph.received", "2"))
	if !strings.Contains(ask.Params["text"], unfinished("contest.ph.unfinished_new", "1", 1)) ||
		!strings.Contains(ask.Params["text"], catalogueVI("contest.ph.ask_cat", "2")) ||
		!hasButton(t, ask, r.cb("ph:go:1")) || !hasButton(t, ask, r.cb("ph:cat:2:0")) {
		t.Fatalf("photo 2 sent while photo 1 is unfinished: %q %v", ask.Params["text"], buttons(t, ask))
	}
	lan.pressOn(ask, r.cb("ph:cat:2:0"))
	lan.reply(&sl, catalogueVI("contest.ph.ask_ent"))
	lan.say("/skip")
	done := lan.reply(&sl, catalogueVI("contest.ph.submitted_moderated", "2", "Năng lượng"))
	if !strings.Contains(done.Params["text"], unfinished("contest.ph.unfinished", "1", 1)) || !hasButton(t, done, r.cb("ph:go:1")) {
		t.Fatalf("photo 2 entered while photo 1 is unfinished: %q %v", done.Params["text"], buttons(t, done))
	}
	if got := status(); got != "draft pending" {
		t.Fatalf("statuses = %s, want draft pending", got)
	}

	// Finished from the button: nothing is left to mention.
	lan.pressOn(done, r.cb("ph:go:1"))
	ask = lan.reply(&sl, catalogueVI("contest.ph.ask_cat", "1"))
	lan.pressOn(ask, r.cb("ph:cat:1:1"))
	lan.reply(&sl, catalogueVI("contest.ph.ask_ent"))
	lan.say("Công ty Bia Hà Nội")
	done = lan.reply(&sl, catalogueVI("contest.ph.submitted_moderated", "1", "Nước"))
	if strings.Contains(done.Params["text"], "⚠️") || len(buttons(t, done)) != 0 {
		t.Errorf("photo 1 entered with nothing unfinished: %q %v", done.Params["text"], buttons(t, done))
	}
	org.find(catalogueVI("contest.mod.title", 1))
	org.find(catalogueVI("contest.mod.title", 2))

	// Photo 3 waits for its category when an album of two arrives.
	lan.photo("un-3", "Máy nén khí chạy không tải", "")
	lan.reply(&sl, catalogueVI("contest.ph.received", "3"))
	lan.photo("un-4", "Hơi nước xì ở van", "alb-un")
	ask = lan.reply(&sl, catalogueVI("contest.ph.received", "4"))
	if !strings.Contains(ask.Params["text"], unfinished("contest.ph.unfinished_new", "3", 1)) || !hasButton(t, ask, r.cb("ph:go:3")) {
		t.Fatalf("an album sent while photo 3 is unfinished: %q %v", ask.Params["text"], buttons(t, ask))
	}
	lan.quiet("the album's second photo", func() { lan.photo("un-5", "", "alb-un") })
	sl = len(e.tg.Sent(lan.user.ID))
	lan.pressOn(ask, r.cb("ph:cat:4:4"))
	lan.reply(&sl, catalogueVI("contest.ph.ask_ent"))
	lan.say("/skip")
	done = lan.reply(&sl, catalogueVI("contest.ph.submitted_moderated", "4, 5", "Chất thải"))
	if !strings.Contains(done.Params["text"], unfinished("contest.ph.unfinished", "3", 1)) || !hasButton(t, done, r.cb("ph:go:3")) {
		t.Errorf("the album entered while photo 3 is unfinished: %q %v", done.Params["text"], buttons(t, done))
	}
	for _, en := range e.snapshot(r.c.ID).Entries[3:] {
		if en.Caption != "Hơi nước xì ở van" || en.Category != "Chất thải" || en.Status != contest.EntryPending || en.Album != "alb-un" {
			t.Errorf("album entry %+v", *en)
		}
	}
	if got := status(); got != "pending pending draft pending pending" {
		t.Errorf("statuses = %s", got)
	}
}
