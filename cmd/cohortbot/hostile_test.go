package main

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/cohortbot/cohortbot/bot"
	"github.com/cohortbot/cohortbot/bot/telegram/telegramtest"
)

// TestHostileCommands: unknown commands, commands for another bot and
// overlong texts get a sensible answer or none, and the bot goes on.
func TestHostileCommands(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.createCohort(samplePlan)
	e.serve()

	// Unknown commands are named back, cut short.
	a := e.person(6001, "Khoa", "Mai", "vi")
	seen := 0
	a.say("/foo")
	a.say("/Foo_Bar123 và vài chữ")
	a.say("/" + strings.Repeat("x", 200))
	if got := a.next(&seen); got.Params["text"] != "Không có lệnh /foo. Gõ /help để xem các lệnh." {
		t.Errorf("/foo answered %q", got.Params["text"])
	}
	if got := a.next(&seen); !strings.Contains(got.Params["text"], "Không có lệnh /foo_bar123.") {
		t.Errorf("/Foo_Bar123 answered %q", got.Params["text"])
	}
	if got := a.next(&seen); !strings.Contains(got.Params["text"], "Không có lệnh /xxx") || len([]rune(got.Params["text"])) > 100 {
		t.Errorf("a 200-letter command answered %q", got.Params["text"])
	}

	// Commands for another bot are not ours to answer.
	b := e.person(6002, "Lộc", "Tô", "vi")
	b.quiet("/help@otherbot", func() { b.say("/help@otherbot") })
	b.quiet("/start@otherbot with an invite", func() { b.say("/start@otherbot abc") })
	b.quiet("/foo@otherbot", func() { b.say("/foo@otherbot") })

	c := e.person(6003, "Dung", "Kha", "vi")
	seen = 0
	c.say("/help@" + telegramtest.DefaultBotUsername)
	c.say("/HELP@" + strings.ToUpper(telegramtest.DefaultBotUsername))
	for range 2 {
		if got := c.next(&seen); !strings.Contains(got.Params["text"], textHelp) {
			t.Errorf("/help@%s answered %q", telegramtest.DefaultBotUsername, got.Params["text"])
		}
	}

	// 4096 UTF-16 units of Vietnamese and emoji, Telegram's longest text,
	// as a message and as a command's argument.
	d := e.person(6004, "Tùng", "Lạc", "vi")
	seen = 0
	text := fitUnits("Tiết kiệm năng lượng 👩‍🔬 nước ♻️ hóa chất 🏭 ", 4096)
	if n := len(utf16.Encode([]rune(text))); n != 4096 {
		t.Fatalf("long text is %d units", n)
	}
	d.say(text)
	d.say("/start " + fitUnits("Mã mời 👩‍🔬 ", 4096-len("/start ")))
	d.say("/help")
	if got := d.next(&seen); got.Params["text"] != tx(bot.VI, "start.about") {
		t.Errorf("4096-unit text answered %q", truncateForLog(got.Params["text"]))
	}
	if got := d.next(&seen); got.Params["text"] != tx(bot.VI, "invite.unknown") {
		t.Errorf("/start with a 4089-unit argument answered %q", truncateForLog(got.Params["text"]))
	}
	if got := d.next(&seen); !strings.Contains(got.Params["text"], textHelp) {
		t.Errorf("/help after long texts answered %q", got.Params["text"])
	}
	assertNoAPIErrors(t, e)
}

// fitUnits repeats s to exactly n UTF-16 units, padding with Vietnamese
// letters where a character would not fit.
func fitUnits(s string, n int) string {
	var sb strings.Builder
	units := 0
	for units < n {
		for _, r := range s {
			w := len(utf16.Encode([]rune{r}))
			if units+w > n {
				r, w = 'ệ', 1
			}
			if units+w > n {
				break
			}
			sb.WriteRune(r)
			units += w
		}
	}
	return sb.String()
}

// assertNoAPIErrors fails when any Bot API call of the bot was refused:
// plain text never trips Telegram's entity parser, and every callback is
// answered once.
func assertNoAPIErrors(t *testing.T, e *env) {
	t.Helper()
	for _, c := range e.tg.Calls() {
		if !c.OK() && c.Method != "getUpdates" {
			t.Errorf("%s answered %d %s (params %v)", c.Method, c.Status, c.Description, c.Params)
		}
	}
}

// TestHostileNames: an overlong name is refused with the rule; a name full
// of markup characters and emoji is kept and shown back exactly.
func TestHostileNames(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.createCohort(samplePlan)
	o := e.seed(c.ID, 6102, bot.Organiser, "Trưởng Ban Tổ Chức", "")
	e.serve()

	// Names that cannot go on a certificate are refused with the rule.
	x := e.person(6103, "Xuân", "Lò", "vi")
	xseen := 0
	x.join(&xseen, c.Invites.Trainee)
	x.reply(&xseen, textAskName)
	nameRule := tx(bot.VI, "reg.name_bad", 80)
	bad := []string{
		string([]rune(strings.Repeat("Nguyễn Văn Anh ", 334))[:5000]),
		"/ Nguyễn Văn Anh",
		"👩‍🔬🏭♻️",
		"x",
	}
	for _, name := range bad {
		x.say(name)
	}
	for _, name := range bad {
		if got := x.next(&xseen); got.Params["text"] != nameRule {
			t.Errorf("name %q answered %q, want the name rule", truncateForLog(name), got.Params["text"])
		}
	}
	if m := e.member(c.ID, x.user.ID); m == nil || m.Name != "" || m.Registered {
		t.Errorf("after bad names the member is %+v", m)
	}

	// A name full of markup characters and emoji is kept exactly.
	p := e.person(6101, "<b>Bold</b>", "*_[x](y)_*", "vi")
	seen := 0
	p.join(&seen, c.Invites.Trainee)
	ask := p.reply(&seen, textAskName)
	if !slices.Contains(e.labels(ask), "<b>Bold</b> *_[x](y)_*") {
		t.Errorf("profile-name button %q, want the raw profile name", e.labels(ask))
	}
	const name = `Nguyễn *Văn* _A_ [x](y) <b>&amp; \ 👩‍🔬`
	p.say(name)
	p.reply(&seen, textAskOrg)
	const org = `Sở <i>Công</i> Thương & *Cần* _Thơ_ \`
	p.say(org)
	groups := p.reply(&seen, textAskGroup)
	p.press(e.messageID(p.user.ID, groups), "reg:g:5:"+c.ID)
	done := p.reply(&seen, textRegistered)
	if !strings.Contains(done.Params["text"], name) {
		t.Errorf("done = %q, want the name %q verbatim", done.Params["text"], name)
	}
	m := e.member(c.ID, p.user.ID)
	if m == nil || m.Name != name || m.Org != org || m.Group != "Cần Thơ" {
		t.Fatalf("member = %+v", m)
	}
	p.say("/profile")
	prof := p.reply(&seen, "Hồ sơ của bạn")
	for _, want := range []string{"Họ tên: " + name + "\n", "Đơn vị: " + org + "\n"} {
		if !strings.Contains(prof.Params["text"], want) {
			t.Errorf("/profile = %q, want %q", prof.Params["text"], want)
		}
	}
	for _, c := range e.tg.Sent(p.user.ID) {
		if pm := c.Params["parse_mode"]; pm != "" {
			t.Errorf("%s sent with parse_mode %q: %q", c.Method, pm, c.Params["text"])
		}
	}

	// Organisers see it as a button label in the member list.
	oseen := 0
	o.say("/members")
	list := o.reply(&oseen, "Thành viên khóa")
	if !slices.ContainsFunc(e.labels(list), func(l string) bool { return strings.HasPrefix(l, name+" · ") }) {
		t.Errorf("/members buttons %q lack the name %q", e.labels(list), name)
	}
	assertNoAPIErrors(t, e)
}

// TestHostileMessageKinds: stickers, voice, edited messages, channel posts
// and group chats get a sensible answer or none.
func TestHostileMessageKinds(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.createCohort(samplePlan)
	people := []*person{
		e.seed(c.ID, 6201, bot.Trainee, "Tạ Thị Yến", "Lạng Sơn"),
		e.seed(c.ID, 6202, bot.Trainee, "Âu Văn Bảo", "Hải Phòng"),
		e.seed(c.ID, 6203, bot.Lecturer, "Quan Thị Mai", ""),
	}
	before := map[int64]bot.Member{}
	for _, p := range people {
		before[p.user.ID] = *e.member(c.ID, p.user.ID)
	}
	srv := e.serve()
	unsupported := tx(bot.VI, "err.unsupported")

	// Stickers, voice and contacts: the bot says what it reads.
	p := people[0]
	msg := func() *tgbotapi.Message {
		return &tgbotapi.Message{From: &p.user, Chat: &tgbotapi.Chat{ID: p.user.ID, Type: "private", FirstName: p.user.FirstName}}
	}
	sticker := msg()
	sticker.Sticker = &tgbotapi.Sticker{FileID: "sticker-1", FileUniqueID: "st1", Width: 512, Height: 512, Emoji: "😀"}
	voice := msg()
	voice.Voice = &tgbotapi.Voice{FileID: "voice-1", FileUniqueID: "v1", Duration: 3, MimeType: "audio/ogg"}
	contact := msg()
	contact.Contact = &tgbotapi.Contact{PhoneNumber: "+84900000000", FirstName: "X"}
	for _, m := range []*tgbotapi.Message{sticker, voice, contact} {
		p.push(tgbotapi.Update{Message: m})
	}
	seen := 0
	for _, what := range []string{"sticker", "voice", "contact"} {
		if got := p.next(&seen); got.Params["text"] != unsupported {
			t.Errorf("%s answered %q", what, got.Params["text"])
		}
	}

	// Edited messages and channel posts are never answered.
	q := people[1]
	q.quiet("edited message", func() {
		m := telegramtest.TextMessage(q.user, q.user.ID, "/members").Message
		m.MessageID, m.EditDate = 1, 1700000000
		q.push(tgbotapi.Update{EditedMessage: m})
	})
	const channel = -1_001_234_567_890
	q.quiet("channel post", func() {
		post := &tgbotapi.Message{From: &q.user, Chat: &tgbotapi.Chat{ID: channel, Type: "channel", Title: "Kênh"}, Text: "/help"}
		post.Entities = []tgbotapi.MessageEntity{{Type: "bot_command", Offset: 0, Length: 5}}
		q.push(tgbotapi.Update{ChannelPost: post})
		edited := *post
		edited.EditDate = 1700000000
		q.push(tgbotapi.Update{EditedChannelPost: &edited})
	}, channel)

	// In groups: plain text and stickers are ignored, commands get told to
	// write privately.
	r := people[2]
	const group = -4_001
	const supergroup = -1_009_876_543_210
	r.quiet("plain text in groups", func() {
		r.push(telegramtest.TextMessage(r.user, group, "Chào cả nhóm"))
		r.push(telegramtest.TextMessage(r.user, supergroup, "Chào cả nhóm"))
		s := &tgbotapi.Message{From: &r.user, Chat: &tgbotapi.Chat{ID: group, Type: "group", Title: "Nhóm"}}
		s.Sticker = &tgbotapi.Sticker{FileID: "sticker-1", FileUniqueID: "st1"}
		r.push(tgbotapi.Update{Message: s})
		r.push(telegramtest.TextMessage(r.user, group, "/help@otherbot"))
	}, group, supergroup)
	rseen := len(e.tg.Sent(r.user.ID))
	r.push(telegramtest.TextMessage(r.user, group, "/profile"))
	r.push(telegramtest.TextMessage(r.user, supergroup, "/members@"+telegramtest.DefaultBotUsername))
	r.say("/help")
	r.reply(&rseen, textHelp)
	for _, chat := range []int64{group, supergroup} {
		sent := e.tg.Sent(chat)
		if len(sent) != 1 || sent[0].Params["text"] != tx(bot.VI, "group.private_only") {
			t.Errorf("chat %d was sent:\n%s\nwant only the private-chat notice", chat, e.sentTexts(chat))
		}
	}

	// A channel post as Telegram sends it has no sender, so it runs on
	// another lane than anyone's /help: stopping serve drains every update
	// it took, and after that nothing may have gone to the channel.
	post := &tgbotapi.Message{SenderChat: &tgbotapi.Chat{ID: channel, Type: "channel"}, Chat: &tgbotapi.Chat{ID: channel, Type: "channel", Title: "Kênh"}, Text: "Bản tin"}
	e.tg.PushUpdate(tgbotapi.Update{ChannelPost: post})
	qseen := len(e.tg.Sent(q.user.ID))
	q.say("/help")
	q.reply(&qseen, textHelp)
	if code := srv.stop(); code != 0 {
		t.Fatalf("serve exited %d", code)
	}
	if n := len(e.tg.Sent(channel)); n != 0 {
		t.Errorf("%d messages sent to the channel:\n%s", n, e.sentTexts(channel))
	}
	for _, p := range people {
		if after := *e.member(c.ID, p.user.ID); after != before[p.user.ID] {
			t.Errorf("member changed: %+v, was %+v", after, before[p.user.ID])
		}
	}
	assertNoAPIErrors(t, e)
}

// TestHostileCallbacks: garbage button data is answered with an alert and
// changes nothing; so is a press on an inline message.
func TestHostileCallbacks(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.createCohort(samplePlan)
	p := e.seed(c.ID, 6301, bot.Trainee, "Lâm Văn Đức", "Đà Nẵng")
	before := *e.member(c.ID, p.user.ID)
	e.serve()
	seen := 0

	junk := make([]byte, 64)
	for i := range junk {
		junk[i] = byte(0x21 + (i*37)%94)
	}
	tests := []struct {
		data string
		want string
	}{
		{"\xff\xfe\x00\x01garbage\x80", textStale},
		{"", textStale},
		{" ", textStale},
		{":", textStale},
		{string(junk), textStale},
		{strings.Repeat("é", 32), textStale},
		{"reg:g:-1", textStale},
		{"reg:g:abc", textStale},
		{"reg:pn", textStale},
		{"reg:g:99999999999999999999999", textStale},
		{"lang:xx", textStale},
		{"leave:maybe", textStale},
		{"pf:", textStale},
		{"co:nonexistent", textStale},
		{"co:../{c:x}", textStale},
		{"mb:", textRole},
		{"iv:", textRole},
		{"cmd:nonexistent", textStale},
		{"cmd:", textStale},
	}
	var ids []string
	for _, tt := range tests {
		ids = append(ids, p.pressData(tt.data))
	}
	for i, tt := range tests {
		a := e.answered(ids[i])
		if a.Params["show_alert"] != "true" || a.Params["text"] == "" || (tt.want != "" && a.Params["text"] != tt.want) {
			t.Errorf("press %q answered alert=%q %q, want an alert %q", tt.data, a.Params["show_alert"], a.Params["text"], tt.want)
		}
	}
	if n := len(e.tg.Sent(p.user.ID)); n != seen {
		t.Errorf("garbage presses sent %d messages:\n%s", n-seen, e.sentTexts(p.user.ID))
	}
	if after := *e.member(c.ID, p.user.ID); after != before {
		t.Errorf("member changed: %+v, was %+v", after, before)
	}
	if prof := e.profile(p.user.ID); prof.Active != c.ID || prof.Lang != "" || !slices.Equal(prof.Cohorts, []string{c.ID}) {
		t.Errorf("profile changed: %+v", prof)
	}

	// A press on an inline message carries no message: it is answered,
	// and a menu button works in the private chat.
	inline := func(data string) string {
		e.presses++
		id := fmt.Sprintf("inline-%d", e.presses)
		e.tg.PushUpdate(tgbotapi.Update{CallbackQuery: &tgbotapi.CallbackQuery{ID: id, From: &p.user, InlineMessageID: "AAAA-inline", ChatInstance: "42", Data: data}})
		return id
	}
	e.alert(inline("zz:garbage"), textStale)
	e.answered(inline("cmd:help:"))
	p.reply(&seen, textHelp)
	if after := *e.member(c.ID, p.user.ID); after != before {
		t.Errorf("member changed: %+v, was %+v", after, before)
	}
	p.say("/help")
	p.reply(&seen, textHelp)
	assertNoAPIErrors(t, e)
}

// TestHostileCoreButtons: the core's own buttons (bot.ButtonData) pressed
// with forged or stale data, outside their conversation, naming another
// cohort, with the wrong arguments or in the shape they had before the
// codec, get the clear refusal and change nothing. They are a second
// person's presses so that neither passes the flood limit.
func TestHostileCoreButtons(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.createCohort(samplePlan)
	p := e.seed(c.ID, 6311, bot.Trainee, "Lâm Văn Đức", "Đà Nẵng")
	before := *e.member(c.ID, p.user.ID)
	e.serve()

	tests := []struct {
		data string
		want string
	}{
		{"reg:g:-1:" + c.ID, textStale},
		{"reg:g:abc:" + c.ID, textStale},
		{"reg:pn:" + c.ID, textStale},
		{"reg:skip:" + c.ID, textStale},
		{"lang:xx:", textStale},
		{"lang:en", textStale},
		{"leave:maybe:" + c.ID, textStale},
		{"leave:yes:nonexistent", textStale},
		{"leave:yes:x:" + c.ID, textStale},
		{"leave:yes:", textStale},
		{"pf:name", textStale},
		{"pf:name:nonexistent", textStale},
		{"pf:org:x:" + c.ID, textStale},
		{"pf:age:" + c.ID, textStale},
		{"co:" + c.ID, textStale},
		{"co:pick:", textStale},
		{"co:pick:x:" + c.ID, textStale},
		{"co:pick:nonexistent", textNotMember},
		{"co:pick:../{c}x", textNotMember},
		{"mb:xx:telegram%3A6311:" + c.ID, textRole},
		{"iv:n:o:" + c.ID, textRole},
		{"cmd:nonexistent:", textStale},
		{"cmd:help:x:", textStale},
		{"cmd:help:" + c.ID, textStale},
		{"cmd:help", textStale},
	}
	var ids []string
	for _, tt := range tests {
		ids = append(ids, p.pressData(tt.data))
	}
	for i, tt := range tests {
		a := e.answered(ids[i])
		if a.Params["show_alert"] != "true" || a.Params["text"] != tt.want {
			t.Errorf("press %q answered alert=%q %q, want an alert %q", tt.data, a.Params["show_alert"], a.Params["text"], tt.want)
		}
	}
	if n := len(e.tg.Sent(p.user.ID)); n != 0 {
		t.Errorf("forged core presses sent %d messages:\n%s", n, e.sentTexts(p.user.ID))
	}
	if after := *e.member(c.ID, p.user.ID); after != before {
		t.Errorf("member changed: %+v, was %+v", after, before)
	}
	if prof := e.profile(p.user.ID); prof.Active != c.ID || prof.Lang != "" || !slices.Equal(prof.Cohorts, []string{c.ID}) {
		t.Errorf("profile changed: %+v", prof)
	}
	// No conversation was started: a text is not taken as a new name.
	seen := 0
	p.say("Tên Giả Mạo")
	p.reply(&seen, tx(bot.VI, "err.not_understood"))
	if after := *e.member(c.ID, p.user.ID); after != before {
		t.Errorf("member changed after a text: %+v, was %+v", after, before)
	}
	assertNoAPIErrors(t, e)
}

// TestFloodBurst: 40 updates at once from one user: the first 30 are
// handled, the 31st gets the one notice to slow down, the rest are
// ignored, and a button press among them is answered with the notice (so
// nobody believes a vote counted). Other users are unaffected.
//
// The burst is mostly button presses: their answers do not count against
// the per-chat send limit, which paces replies to one chat to one a
// second and so would stretch a burst of texts past the flood window.
func TestFloodBurst(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.createCohort(samplePlan)
	e.serve()
	p := e.person(6401, "Phúc", "Kiều", "vi")

	presses := map[int]string{}
	for i := 1; i <= 40; i++ {
		switch i {
		case 5, 31, 36:
			p.say(fmt.Sprintf("tin nhắn %d 👋", i))
		case 10:
			presses[i] = p.pressData("cmd:help:")
		default:
			presses[i] = p.pressData(fmt.Sprintf("x:%d", i))
		}
	}
	// The last update is a press: once it is answered, the whole burst
	// was handled (one user's updates are handled in order).
	for i := 40; i >= 1; i-- {
		id, ok := presses[i]
		if !ok {
			continue
		}
		a := e.answered(id)
		switch {
		case i > 30:
			if a.Params["show_alert"] != "true" || a.Params["text"] != textFlood {
				t.Errorf("press %d of the burst answered alert=%q %q, want the flood notice", i, a.Params["show_alert"], a.Params["text"])
			}
		case i == 10:
			if a.Params["show_alert"] == "true" {
				t.Errorf("press %d answered with an alert %q", i, a.Params["text"])
			}
		default:
			if a.Params["text"] != textStale {
				t.Errorf("press %d answered %q, want %q", i, a.Params["text"], textStale)
			}
		}
	}
	var got []string
	for _, s := range e.tg.Sent(p.user.ID) {
		got = append(got, s.Params["text"])
	}
	if len(got) != 3 || got[0] != tx(bot.VI, "start.about") || !strings.HasPrefix(got[1], textHelp) || got[2] != textFlood {
		t.Errorf("the burst was answered with:\n%s\nwant the answers to updates 5 and 10, then one flood notice", strings.Join(got, "\n---\n"))
	}

	// Others are unaffected.
	q := e.person(6402, "Quý", "Lưu", "vi")
	q.quiet("another user during the flood", func() {})
	assertNoAPIErrors(t, e)
}

// TestFloodOfTexts sends 40 texts at once. Their answers are paced at one a
// second per chat, so they are handled much more slowly than they came; the
// flood limit counts on arrival, so the 31st is still refused.
func TestFloodOfTexts(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.createCohort(samplePlan)
	e.serve()
	p := e.person(6403, "Phong", "Đỗ", "vi")
	for i := 1; i <= 40; i++ {
		p.say(fmt.Sprintf("tin %d", i))
	}
	press := p.pressData("x:last")
	// Thirty answers at one a second come first.
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	var a telegramtest.Call
	err := e.tg.WaitFor(ctx, func(calls []telegramtest.Call) bool {
		for _, c := range calls {
			if c.Method == "answerCallbackQuery" && c.Params["callback_query_id"] == press {
				a = c
				return true
			}
		}
		return false
	})
	if err != nil {
		t.Fatalf("press after the burst never answered")
	}
	if a.Params["text"] != textFlood || a.Params["show_alert"] != "true" {
		t.Errorf("press after the burst answered %q alert=%q, want the flood notice", a.Params["text"], a.Params["show_alert"])
	}
	notices, others := 0, 0
	for _, s := range e.tg.Sent(p.user.ID) {
		if s.Params["text"] == textFlood {
			notices++
		} else {
			others++
		}
	}
	if notices != 1 || others != 30 {
		t.Errorf("burst answered with %d flood notices and %d other messages, want 1 and 30", notices, others)
	}
}
