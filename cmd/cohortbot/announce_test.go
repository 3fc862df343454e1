package main

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cohortbot/cohortbot/bot"
	"github.com/cohortbot/cohortbot/bot/announce"
	"github.com/cohortbot/cohortbot/bot/telegram/telegramtest"
	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// Texts of the announcement flow the tests below look for.
var (
	annAsk     = tx(bot.VI, "announce.ask_audience")
	annPreview = "Đây là bản xem trước"
	annGone    = tx(bot.VI, "announce.gone")
	annReport  = "Kết quả gửi"
)

// annGroupChat is the Telegram group the tests link to the cohort.
const annGroupChat = int64(-4001)

// annCohort is the sample cohort served with an organiser, a lecturer,
// trainees in three groups (one of them reading English) and a member who
// never finished registering.
type annCohort struct {
	t    *testing.T
	e    *env
	c    cohortJSON
	name string // the cohort's name, as in the header

	org, lec, t1, t2, t3, en, half *person
	seen                           map[int64]*int
}

func newAnnCohort(t *testing.T, e *env) *annCohort {
	t.Helper()
	c := e.createCohort(samplePlan)
	e.serve()
	a := &annCohort{t: t, e: e, c: c, name: c.Name, seen: map[int64]*int{}}
	reg := func(id int64, first, last, code, name string, group int) *person {
		p := e.person(id, first, last, "vi")
		a.seen[id] = new(int)
		p.register(a.seen[id], code, name, group)
		return p
	}
	a.org = reg(5001, "Lan", "Nguyễn", c.Invites.Organiser, "Nguyễn Thị Lan", 0)
	a.lec = reg(5002, "Bình", "Trần", c.Invites.Lecturer, "Trần Văn Bình", 0)
	a.t1 = reg(5003, "Cường", "Lê", c.Invites.Trainee, "Lê Văn Cường", 0)   // Bà Rịa – Vũng Tàu
	a.t2 = reg(5004, "Dung", "Phạm", c.Invites.Trainee, "Phạm Thị Dung", 1) // Lạng Sơn
	a.t3 = reg(5005, "Em", "Hoàng", c.Invites.Trainee, "Hoàng Văn Em", 1)   // Lạng Sơn
	a.en = reg(5006, "Giang", "Đỗ", c.Invites.Trainee, "Đỗ Minh Giang", 2)  // Hải Phòng
	a.en.say("/lang en")
	a.en.reply(a.s(a.en), tx(bot.EN, "lang.set"))
	a.half = e.person(5007, "Hạnh", "Vũ", "vi")
	a.seen[a.half.user.ID] = new(int)
	a.half.join(a.s(a.half), c.Invites.Trainee)
	a.half.reply(a.s(a.half), textAskName)
	return a
}

func (a *annCohort) s(p *person) *int { return a.seen[p.user.ID] }

func (a *annCohort) everyone() []*person {
	return []*person{a.org, a.lec, a.t1, a.t2, a.t3, a.en, a.half}
}

// header is the first line of the announcement in a language.
func (a *annCohort) header(l bot.Lang) string { return tx(l, "announce.header", a.name) }

// link links the test group to the cohort by the organiser's /link in it.
func (a *annCohort) link() {
	a.t.Helper()
	seen := len(a.e.tg.Sent(annGroupChat))
	a.e.tg.PushUpdate(telegramtest.TextMessage(a.org.user, annGroupChat, "/link"))
	a.e.chatReply(annGroupChat, &seen, "Đã liên kết nhóm này với khóa «"+a.name+"»")
}

// compose has the organiser type the command and press the buttons, each
// on the bot's last message, until the preview; it returns the exact
// message shown first and the preview's choices.
func (a *annCohort) compose(command string, presses ...string) (shown, choices telegramtest.Call) {
	a.t.Helper()
	o, seen := a.org, a.s(a.org)
	o.say(command)
	o.reply(seen, annAsk)
	for i, data := range presses {
		o.pressData(data)
		if i < len(presses)-1 {
			o.next(seen)
		}
	}
	shown = o.reply(seen, a.header(bot.VI))
	choices = o.reply(seen, annPreview)
	return shown, choices
}

// send presses "send now" on the preview and waits for the organiser's
// "sending" answer and then the delivery report, which comes once every
// recipient's message is resolved.
func (a *annCohort) send(sending string) (report telegramtest.Call) {
	a.t.Helper()
	o, seen := a.org, a.s(a.org)
	o.pressData("ann:send:")
	o.reply(seen, sending)
	return o.reply(seen, annReport)
}

// chatReply waits for a message to any chat (a group) containing want.
func (e *env) chatReply(chatID int64, seen *int, want string) telegramtest.Call {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	var got telegramtest.Call
	err := e.tg.WaitFor(ctx, func([]telegramtest.Call) bool {
		sent := e.tg.Sent(chatID)
		for i := *seen; i < len(sent); i++ {
			if strings.Contains(sent[i].Params["text"], want) || strings.Contains(sent[i].Params["caption"], want) {
				got, *seen = sent[i], i+1
				return true
			}
		}
		return false
	})
	if err != nil {
		e.t.Fatalf("no message to chat %d containing %q; sent so far:\n%s", chatID, want, e.sentTexts(chatID))
	}
	return got
}

// received lists the messages (texts or captions) sent to a chat that
// contain sub.
func received(e *env, chatID int64, sub string) []telegramtest.Call {
	var out []telegramtest.Call
	for _, c := range e.tg.Sent(chatID) {
		if strings.Contains(c.Params["text"], sub) || strings.Contains(c.Params["caption"], sub) {
			out = append(out, c)
		}
	}
	return out
}

// TestAnnounceWholeCohort: an organiser's announcement to the whole cohort
// reaches every registered member (lecturers and organisers too) and the
// linked group, verbatim, each with the header in their language; the
// organiser gets the delivery report naming the member who blocked the
// bot; a second press of "send" sends nothing more.
func TestAnnounceWholeCohort(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	a := newAnnCohort(t, e)

	// A trainee's /link in the group is refused there and links nothing.
	groupSeen := 0
	e.tg.PushUpdate(telegramtest.TextMessage(a.t1.user, annGroupChat, "/link"))
	e.chatReply(annGroupChat, &groupSeen, textRole)
	a.link()
	co, err := e.store().Cohort(context.Background(), a.c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if want := bot.ChatKey(fmt.Sprintf("telegram:%d", annGroupChat)); co.GroupChat != want {
		t.Fatalf("group chat = %q, want %q", co.GroupChat, want)
	}
	// In a private chat, /link explains itself.
	a.org.say("/link")
	a.org.reply(a.s(a.org), "gõ /link ngay trong nhóm")

	e.tg.Block(a.t3.user.ID)
	text := "Họp lúc 8h_30 *gấp* [phòng 2](tầng 3) <b>không</b> & mang laptop 💻🎉\nDòng 2: `code` \\ ¯\\_(ツ)_/¯ &amp; </i>"
	shown, choices := a.compose("/announce "+text, "ann:a:")
	if got, want := shown.Params["text"], a.header(bot.VI)+"\n\n"+text; got != want {
		t.Errorf("preview shows\n%q\nwant\n%q", got, want)
	}
	if pm := shown.Params["parse_mode"]; pm != "" {
		t.Errorf("announcement sent with parse_mode %q, want plain text", pm)
	}
	if !strings.Contains(choices.Params["text"], "Gửi tới: cả khóa — 6 người.") || !strings.Contains(choices.Params["text"], "nhóm chat của khóa") {
		t.Errorf("preview choices say %q", choices.Params["text"])
	}
	for _, want := range []string{"ann:send:", "ann:when:", "ann:cancel:"} {
		if !hasButton(t, choices, want) {
			t.Errorf("preview has no %s button: %v", want, buttons(t, choices))
		}
	}
	if labels := e.labels(choices); !slices.Contains(labels, "Gửi ngay") || !slices.Contains(labels, "Hẹn giờ") || !slices.Contains(labels, "Hủy") {
		t.Errorf("preview labels %v", labels)
	}

	// Two presses of "send" on the same preview, the second before the
	// first was answered.
	mid := e.messageID(a.org.user.ID, choices)
	first := a.org.press(mid, "ann:send:")
	second := a.org.press(mid, "ann:send:")
	a.org.reply(a.s(a.org), "Đang gửi tới 6 người và nhóm chat của khóa")
	if ans := e.answered(first); ans.Params["show_alert"] == "true" {
		t.Errorf("first send press answered with an alert %q", ans.Params["text"])
	}
	e.alert(second, annGone)
	report := a.org.reply(a.s(a.org), annReport)

	rt := report.Params["text"]
	for _, want := range []string{"«Họp lúc 8h_30 *gấp*", "Đã nhận: 6/7 người.", "Đã chặn bot (1): Hoàng Văn Em."} {
		if !strings.Contains(rt, want) {
			t.Errorf("report lacks %q:\n%s", want, rt)
		}
	}
	if strings.Contains(rt, "Không gửi được") {
		t.Errorf("report lists failures:\n%s", rt)
	}

	// Every registered member got it once, verbatim; the organiser has the
	// preview too; the English reader has the English header.
	for _, p := range []*person{a.org, a.lec, a.t1, a.t2} {
		want := 1
		if p == a.org {
			want = 2
		}
		got := received(e, p.user.ID, text)
		if len(got) != want {
			t.Errorf("user %d got the announcement %d times, want %d:\n%s", p.user.ID, len(got), want, e.sentTexts(p.user.ID))
			continue
		}
		if body := got[len(got)-1].Params["text"]; body != a.header(bot.VI)+"\n\n"+text {
			t.Errorf("user %d got\n%q", p.user.ID, body)
		}
	}
	if got := received(e, a.en.user.ID, text); len(got) != 1 || got[0].Params["text"] != a.header(bot.EN)+"\n\n"+text {
		t.Errorf("the English reader got %d: %v", len(got), got)
	}
	if got := received(e, a.t3.user.ID, text); len(got) != 0 {
		t.Errorf("the member who blocked the bot was delivered %d", len(got))
	}
	if got := received(e, a.half.user.ID, text); len(got) != 0 {
		t.Errorf("the unregistered member got the announcement %d times", len(got))
	}
	group := received(e, annGroupChat, text)
	if len(group) != 1 || group[0].Params["text"] != a.header(bot.VI)+"\n\n"+text {
		t.Errorf("the linked group got %d: %v", len(group), group)
	}
	if p := e.profile(a.t3.user.ID); !p.Unreachable {
		t.Errorf("the member who blocked the bot is not marked unreachable")
	}
	// Exactly one report.
	if n := len(received(e, a.org.user.ID, annReport)); n != 1 {
		t.Errorf("%d delivery reports, want 1", n)
	}
}

// TestAnnounceAudiences: one group gets only its trainees, one role only
// its members, neither the linked group; a bad group index, a cancelled
// draft and a trainee's forged presses send nothing.
func TestAnnounceAudiences(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	a := newAnnCohort(t, e)
	a.link()
	groupBefore := len(e.tg.Sent(annGroupChat))
	o, seen := a.org, a.s(a.org)

	// /announce alone explains itself.
	o.say("/announce")
	usage := o.reply(seen, "/announce Nội dung thông báo")
	if !strings.Contains(usage.Params["text"], tx(bot.VI, "announce.none_scheduled")) {
		t.Errorf("usage without schedules:\n%s", usage.Params["text"])
	}

	// A group index out of range, then a cancelled draft.
	o.say("/announce Bản nháp sẽ hủy")
	o.reply(seen, annAsk)
	e.alert(o.pressData("ann:gp:99:"), tx(bot.VI, "reg.group_bad"))
	e.alert(o.pressData("ann:gp:-1:"), tx(bot.VI, "reg.group_bad"))
	e.alert(o.pressData("ann:rp:x:"), textStale)
	o.pressData("ann:a:")
	o.reply(seen, annPreview)
	o.pressData("ann:cancel:")
	o.reply(seen, tx(bot.VI, "announce.cancelled"))
	e.alert(o.pressData("ann:send:"), annGone)

	// A trainee's forged presses are refused and send nothing.
	trSeen := len(e.tg.Sent(a.t1.user.ID))
	for _, data := range []string{"ann:send:", "ann:a:", "ann:gp:0:", "ann:rp:t:", "ann:when:", "ann:at:", "ann:x:t1:", "lk:off:", "cmd:announce:"} {
		e.alert(a.t1.pressData(data), textRole)
	}
	a.t1.say("/announce Học viên giả làm Ban tổ chức")
	a.t1.reply(&trSeen, textRole)

	// One group: Lạng Sơn (index 1) is t2 and t3. (The organiser's own
	// chat has the preview and the report's title, so it is left out.)
	_, choices := a.compose("/announce Nhóm Lạng Sơn nộp số liệu trước thứ Sáu", "ann:g:", "ann:gp:1:")
	if !strings.Contains(choices.Params["text"], "Gửi tới: nhóm Lạng Sơn — 2 người.") || strings.Contains(choices.Params["text"], "nhóm chat") {
		t.Errorf("group preview says %q", choices.Params["text"])
	}
	report := a.send("Đang gửi tới 2 người…")
	if !strings.Contains(report.Params["text"], "Đã nhận: 2/2 người.") {
		t.Errorf("group report:\n%s", report.Params["text"])
	}
	for _, p := range a.everyone()[1:] {
		want := 0
		if p == a.t2 || p == a.t3 {
			want = 1
		}
		if got := len(received(e, p.user.ID, "Nhóm Lạng Sơn nộp số liệu")); got != want {
			t.Errorf("group announcement: user %d got %d, want %d", p.user.ID, got, want)
		}
	}

	// One role: the lecturers.
	_, choices = a.compose("/announce Mời giảng viên họp chấm điểm", "ann:r:", "ann:rp:l:")
	if !strings.Contains(choices.Params["text"], "Gửi tới: tất cả giảng viên — 1 người.") {
		t.Errorf("role preview says %q", choices.Params["text"])
	}
	a.send("Đang gửi tới 1 người…")
	for _, p := range a.everyone()[1:] {
		want := 0
		if p == a.lec {
			want = 1
		}
		if got := len(received(e, p.user.ID, "Mời giảng viên họp chấm điểm")); got != want {
			t.Errorf("role announcement: user %d got %d, want %d", p.user.ID, got, want)
		}
	}
	if n := len(e.tg.Sent(annGroupChat)); n != groupBefore {
		t.Errorf("the linked group got %d messages for group and role announcements:\n%s", n-groupBefore, e.sentTexts(annGroupChat))
	}
	// The cancelled draft and the forged ones never went out (they came
	// before the two batches just delivered).
	for _, p := range a.everyone()[1:] {
		for _, sub := range []string{"Bản nháp sẽ hủy", "Học viên giả làm"} {
			if n := len(received(e, p.user.ID, sub)); n > 0 {
				t.Errorf("user %d got %q %d times", p.user.ID, sub, n)
			}
		}
	}
	if co, err := e.store().Cohort(context.Background(), a.c.ID); err != nil || co.GroupChat == "" {
		t.Errorf("the forged unlink changed the group chat: %v %v", co, err)
	}

	// Unlinking from the private chat stops posting to the group.
	o.say("/link")
	info := o.reply(seen, "đang liên kết với một nhóm chat")
	o.press(e.messageID(o.user.ID, info), "lk:off:")
	o.reply(seen, "Đã bỏ liên kết nhóm chat")
	_, choices = a.compose("/announce Sau khi bỏ liên kết", "ann:a:")
	if strings.Contains(choices.Params["text"], "nhóm chat") {
		t.Errorf("after unlinking the preview still names the group: %q", choices.Params["text"])
	}
}

// TestAnnounceReplyToPhotoAndDocument: /announce sent as a reply to the
// organiser's own photo or document sends that photo or document again
// by file id, with the header and the caption (or the command's text).
func TestAnnounceReplyToPhotoAndDocument(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	a := newAnnCohort(t, e)
	o, seen := a.org, a.s(a.org)
	// find is the id of the organiser's message that pred picks.
	find := func(pred func(tgbotapi.Message) bool) int {
		for _, m := range e.tg.Messages(o.user.ID) {
			if pred(m) {
				return m.MessageID
			}
		}
		t.Fatalf("message not found in the organiser's chat")
		return 0
	}
	replyTo := func(text string, id int) {
		u := telegramtest.TextMessage(o.user, o.user.ID, text)
		u.Message.ReplyToMessage = &tgbotapi.Message{MessageID: id}
		e.tg.PushUpdate(u)
	}

	caption := "Lãng phí nước ở khu rửa 💧 — xem ảnh & góp ý <3"
	e.tg.PushUpdate(telegramtest.Photo(o.user, o.user.ID, "AgAD-photo-1", "uniq-photo-1", caption, ""))
	o.next(seen) // whatever the bot says of a photo outside a contest
	replyTo("/announce", find(func(m tgbotapi.Message) bool { return len(m.Photo) > 0 && m.From != nil && m.From.ID == o.user.ID }))
	o.reply(seen, annAsk)
	o.pressData("ann:r:")
	o.next(seen)
	o.pressData("ann:rp:t:")
	shown := o.reply(seen, a.header(bot.VI))
	if shown.Method != "sendPhoto" || shown.Params["photo"] != "AgAD-photo-1" || shown.Params["caption"] != a.header(bot.VI)+"\n\n"+caption {
		t.Errorf("preview: %s photo=%q caption=%q", shown.Method, shown.Params["photo"], shown.Params["caption"])
	}
	o.reply(seen, "Gửi tới: tất cả học viên — 4 người.")
	a.send("Đang gửi tới 4 người")
	for _, p := range []*person{a.t1, a.t2, a.t3, a.en} {
		got := received(e, p.user.ID, caption)
		if len(got) != 1 || got[0].Method != "sendPhoto" || got[0].Params["photo"] != "AgAD-photo-1" {
			t.Errorf("trainee %d got %v", p.user.ID, got)
		}
	}
	if got := received(e, a.en.user.ID, caption); len(got) == 1 && got[0].Params["caption"] != a.header(bot.EN)+"\n\n"+caption {
		t.Errorf("English caption %q", got[0].Params["caption"])
	}
	if n := len(received(e, a.lec.user.ID, caption)); n != 0 {
		t.Errorf("the lecturer got the trainees' photo %d times", n)
	}

	// A document, with the command's text as its caption.
	e.tg.PushUpdate(telegramtest.Document(o.user, o.user.ID, "BQAD-doc-1", "uniq-doc-1", "Tài liệu buổi 2.pdf", "application/pdf", 52_000))
	o.next(seen)
	replyTo("/announce Tài liệu buổi 2, mọi người tải về trước nhé",
		find(func(m tgbotapi.Message) bool { return m.Document != nil && m.Document.FileID == "BQAD-doc-1" }))
	o.reply(seen, annAsk)
	o.pressData("ann:a:")
	shown = o.reply(seen, a.header(bot.VI))
	if shown.Method != "sendDocument" || shown.Params["document"] != "BQAD-doc-1" {
		t.Errorf("document preview: %s %v", shown.Method, shown.Params)
	}
	o.reply(seen, annPreview)
	a.send("Đang gửi tới 6 người")
	for _, p := range []*person{a.lec, a.t1, a.en} {
		got := received(e, p.user.ID, "Tài liệu buổi 2, mọi người")
		if len(got) != 1 || got[0].Method != "sendDocument" || got[0].Params["document"] != "BQAD-doc-1" {
			t.Errorf("user %d got %v", p.user.ID, got)
		}
	}
}

// nopSender fails the test if the bot sends directly: a scheduled
// announcement goes through the outbox only.
type nopSender struct{ t *testing.T }

func (s nopSender) Send(_ context.Context, m bot.Message) (bot.Sent, error) {
	s.t.Errorf("direct send to %s: %q", m.Chat, m.Text)
	return bot.Sent{}, nil
}

func (s nopSender) Answer(context.Context, bot.Answer) error { return nil }

// TestAnnounceSchedule: a typed time is refused when unreadable, past or
// more than a year ahead; a valid one is confirmed, stored as a due item,
// listed by /announce and cancellable there; the announcement's due item (Bot.RunDue) then sends
// it through serve's delivery worker once, however often it runs, and
// drops one that is too late with a word to its organiser.
func TestAnnounceSchedule(t *testing.T) {
	t.Parallel()
	loc, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2017, 7, 10, 9, 0, 0, 0, loc) // Monday
	e := newEnv(t)
	e.clock = func() time.Time { return now }
	a := newAnnCohort(t, e)
	o, seen := a.org, a.s(a.org)
	st := e.store()
	ctx := context.Background()

	text := "Nhắc: thứ Bảy khảo sát doanh nghiệp, tập trung 8h30 😊"
	a.compose("/announce "+text, "ann:a:")
	o.pressData("ann:when:")
	o.reply(seen, "Khi nào gửi?")
	for _, tt := range []struct{ in, want string }{
		{"mai 8h", "Mình chưa hiểu «mai 8h»"},
		{"31/06/2017 08:00", "Mình chưa hiểu"},
		{"09/07/2017 10:00", "Chủ nhật, 09/07/2017 10:00 đã qua"},
		{"10/07/2019 10:00", "trong vòng một năm tới (đến Thứ Ba, 10/07/2018 09:00)"},
	} {
		o.say(tt.in)
		o.reply(seen, tt.want)
	}
	o.say("15/07 8h30")
	confirm := o.reply(seen, "Gửi lúc Thứ Bảy, 15/07/2017 08:30 (giờ Asia/Ho_Chi_Minh) tới: cả khóa. Xác nhận?")
	if !hasButton(t, confirm, "ann:at:") {
		t.Fatalf("confirm buttons %v", buttons(t, confirm))
	}
	o.pressData("ann:at:")
	o.reply(seen, "Đã hẹn gửi thông báo lúc Thứ Bảy, 15/07/2017 08:30 tới: cả khóa")
	e.alert(o.pressData("ann:at:"), annGone)

	// A second one, for the trainees at 17:00 today.
	a.compose("/announce Chiều nay đổi phòng học sang P.204", "ann:r:", "ann:rp:t:")
	o.pressData("ann:when:")
	o.reply(seen, "Khi nào gửi?")
	o.say("17:00")
	o.reply(seen, "Gửi lúc Thứ Hai, 10/07/2017 17:00")
	o.pressData("ann:at:")
	o.reply(seen, "Đã hẹn gửi")

	items, err := st.PendingDue(ctx, a.c.ID, "an:")
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 2 {
		t.Fatalf("pending announcements %+v, want 2", items)
	}
	today, saturday := items[0], items[1]
	if !today.Due.Equal(time.Date(2017, 7, 10, 17, 0, 0, 0, loc)) || !saturday.Due.Equal(time.Date(2017, 7, 15, 8, 30, 0, 0, loc)) {
		t.Errorf("due at %v and %v", today.Due, saturday.Due)
	}
	for _, it := range items {
		if it.Kind != announce.DueAnnouncement || it.Cohort != a.c.ID || it.ID != "an:"+a.c.ID+":"+it.Ref || !strings.Contains(it.Payload, `"by":"telegram:5001"`) {
			t.Errorf("item %+v", it)
		}
	}

	o.say("/announce")
	list := o.reply(seen, tx(bot.VI, "announce.scheduled_title"))
	for _, want := range []string{
		"1. Thứ Hai, 10/07/2017 17:00 — tất cả học viên — «Chiều nay đổi phòng học sang P.204»",
		"2. Thứ Bảy, 15/07/2017 08:30 — cả khóa — «Nhắc: thứ Bảy khảo sát doanh nghiệp, tậ…»",
	} {
		if !strings.Contains(list.Params["text"], want) {
			t.Errorf("list lacks %q:\n%s", want, list.Params["text"])
		}
	}
	if got, want := buttons(t, list), []string{"ann:x:" + today.Ref + ":", "ann:x:" + saturday.Ref + ":"}; !slices.Equal(got, want) {
		t.Errorf("list buttons %v, want %v", got, want)
	}

	// A trainee cannot cancel it; the organiser can, once.
	e.alert(a.t1.pressData("ann:x:"+today.Ref+":"), textRole)
	o.press(e.messageID(o.user.ID, list), "ann:x:"+today.Ref+":")
	o.reply(seen, "Đã hủy thông báo hẹn lúc Thứ Hai, 10/07/2017 17:00")
	e.alert(o.press(e.messageID(o.user.ID, list), "ann:x:"+today.Ref+":"), tx(bot.VI, "announce.unschedule_gone"))
	e.alert(o.pressData("ann:x:BAD/ref"), textStale)
	items, err = st.PendingDue(ctx, a.c.ID, "an:")
	if err != nil || len(items) != 1 || items[0].ID != saturday.ID {
		t.Fatalf("after cancelling: %+v, %v", items, err)
	}

	// The scheduler's call when it falls due; the worker of serve sends.
	// Running it again (a retried claim) adds nothing.
	b := bot.New(bot.Config{}, st, nopSender{t}, features(st).All, bot.WithOutbox(st), bot.WithSchedule(st))
	for range 2 {
		if _, _, err := b.RunDue(ctx, saturday, saturday.Due.Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
	}
	report := o.reply(seen, annReport)
	if !strings.Contains(report.Params["text"], "Đã nhận: 6/6 người.") {
		t.Errorf("report:\n%s", report.Params["text"])
	}
	for _, p := range a.everyone() {
		want := 1
		switch p {
		case a.org:
			want = 2 // the preview too
		case a.half:
			want = 0
		}
		if got := len(received(e, p.user.ID, text)); got != want {
			t.Errorf("user %d got the scheduled announcement %d times, want %d", p.user.ID, got, want)
		}
	}
	if got := len(received(e, a.t1.user.ID, "Chiều nay đổi phòng")); got != 0 {
		t.Errorf("the cancelled announcement was sent %d times", got)
	}

	// One the bot could not send in time is dropped, and its organiser told.
	late := saturday
	late.ID, late.Ref = late.ID+"z", late.Ref+"z"
	if _, _, err := b.RunDue(ctx, late, late.Due.Add(13*time.Hour)); err != nil {
		t.Fatal(err)
	}
	o.reply(seen, "đã không được gửi vì bot bị gián đoạn")
	if got := len(received(e, a.t1.user.ID, text)); got != 1 {
		t.Errorf("the late run sent it again: %d", got)
	}
}
