package main

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/cohortbot/cohortbot/bot"
	"github.com/cohortbot/cohortbot/bot/telegram/telegramtest"
)

// TestInviteRefusals: every invite that cannot be used gets its own clear
// Vietnamese answer, and the person is left out of the cohort.
func TestInviteRefusals(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.createCohort(samplePlan)

	revoked := e.createInvite("--cohort", c.ID, "--role", "trainee")
	if code, _, errs := e.run("invite", "revoke", revoked.Code); code != 0 {
		t.Fatalf("invite revoke: exit %d\n%s", code, errs)
	}
	once := e.createInvite("--cohort", c.ID, "--role", "trainee", "--uses", "1")
	// Made two hours ago, valid for one: expired by the time serve runs on
	// the real clock.
	e.clock = func() time.Time { return time.Now().Add(-2 * time.Hour) }
	expired := e.createInvite("--cohort", c.ID, "--role", "lecturer", "--expires", "1h")
	e.clock = nil
	e.serve()

	// The single-use invite is taken by someone first.
	first := e.person(2000, "Minh", "Trần", "vi")
	seen := 0
	first.join(&seen, once.Code)
	first.reply(&seen, textAskName)

	tests := []struct {
		name string
		arg  string
		want string
	}{
		{"unknown", "KhongCoMaNay42", tx(bot.VI, "invite.unknown")},
		{"too long", strings.Repeat("a", 33), tx(bot.VI, "invite.unknown")},
		{"far too long", strings.Repeat("Z9", 300), tx(bot.VI, "invite.unknown")},
		{"markup", "<script>alert(1)</script>", tx(bot.VI, "invite.unknown")},
		{"bad chars", c.Invites.Trainee + "'; DEL *", tx(bot.VI, "invite.unknown")},
		{"revoked", revoked.Code, tx(bot.VI, "invite.revoked")},
		{"used up", once.Code, tx(bot.VI, "invite.used_up")},
		{"expired", expired.Code, tx(bot.VI, "invite.expired")},
	}
	// The env's helpers fail the test from its own goroutine, so the cases
	// run in a loop rather than as subtests.
	for i, tt := range tests {
		p := e.person(int64(2100+i), "Hoa", "Phạm", "vi")
		seen := 0
		p.say("/start " + tt.arg)
		got := p.next(&seen)
		if got.Params["text"] != tt.want {
			t.Errorf("%s: answer = %q\nwant     %q", tt.name, got.Params["text"], tt.want)
		}
		if got.Params["parse_mode"] != "" {
			t.Errorf("%s: answer sent with parse_mode %q", tt.name, got.Params["parse_mode"])
		}
		e.notMember(c.ID, p.user.ID)
		// Nothing else follows: the refusal is the whole answer.
		p.quiet(tt.name+": after the refusal", func() {})
	}

	if inv := e.invite(once.Code); inv.Used != 1 || inv.Uses != 0 {
		t.Errorf("single-use invite after a refusal: used %d, uses left %d; want 1 and 0", inv.Used, inv.Uses)
	}
	for _, code := range []string{revoked.Code, expired.Code} {
		if inv := e.invite(code); inv.Used != 0 {
			t.Errorf("refused invite %s counts %d uses", code, inv.Used)
		}
	}
	if m := e.member(c.ID, first.user.ID); m == nil || m.Role != bot.Trainee {
		t.Errorf("first user of the single-use invite: member %+v", m)
	}
}

// TestOrganiserInviteSingleUse: the organiser invite of `cohort create`
// makes one organiser; the next person is refused, and the organiser
// pressing it again changes nothing.
func TestOrganiserInviteSingleUse(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.createCohort(samplePlan)
	e.serve()

	an := e.person(2201, "An", "Đỗ", "vi")
	seen := 0
	done := an.register(&seen, c.Invites.Organiser, "Đỗ Văn An", 0)
	if !strings.Contains(done.Params["text"], "Ban tổ chức") {
		t.Errorf("registered as %q, want Ban tổ chức", done.Params["text"])
	}

	// The same person again, twice: already a member, nothing consumed.
	for range 2 {
		an.say("/start " + c.Invites.Organiser)
		got := an.next(&seen)
		if !strings.Contains(got.Params["text"], "Bạn đã là thành viên") || !strings.Contains(got.Params["text"], "Ban tổ chức") {
			t.Errorf("replayed /start answered %q", got.Params["text"])
		}
	}

	binh := e.person(2202, "Bình", "Vũ", "vi")
	bseen := 0
	binh.say("/start " + c.Invites.Organiser)
	if got := binh.next(&bseen); got.Params["text"] != tx(bot.VI, "invite.used_up") {
		t.Errorf("second person answered %q", got.Params["text"])
	}
	e.notMember(c.ID, binh.user.ID)

	m := e.member(c.ID, an.user.ID)
	if m == nil || m.Role != bot.Organiser || !m.Registered || m.Name != "Đỗ Văn An" {
		t.Fatalf("organiser = %+v", m)
	}
	if inv := e.invite(c.Invites.Organiser); inv.Used != 1 || inv.Uses != 0 {
		t.Errorf("organiser invite: used %d, uses left %d; want 1 and 0", inv.Used, inv.Uses)
	}
	ms, err := e.store().Members(context.Background(), c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 1 {
		t.Errorf("cohort has %d members, want 1", len(ms))
	}
}

// roleCohort is a cohort with two organisers, a trainee and a lecturer,
// registered straight in Redis.
type roleCohort struct {
	c                            cohortJSON
	org, org2, trainee, lecturer *person
}

func newRoleCohort(e *env) *roleCohort {
	rc := &roleCohort{c: e.createCohort(samplePlan)}
	rc.org = e.seed(rc.c.ID, 3001, bot.Organiser, "Lý Văn Quang", "")
	rc.org2 = e.seed(rc.c.ID, 3004, bot.Organiser, "Mạc Thị Hương", "")
	rc.trainee = e.seed(rc.c.ID, 3002, bot.Trainee, "Ngô Thị Thu", "Lạng Sơn")
	rc.lecturer = e.seed(rc.c.ID, 3003, bot.Lecturer, "Đinh Văn Hải", "")
	e.serve()
	return rc
}

// TestRoleRefusalCommands: a trainee and a lecturer are refused every
// organiser command.
func TestRoleRefusalCommands(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	rc := newRoleCohort(e)
	cmds := append(bot.OrganiserCommands(), "announce Ngày mai nghỉ học", "members@"+telegramtest.DefaultBotUsername)
	if len(cmds) < 12 {
		t.Fatalf("only %d organiser commands: %v", len(cmds), cmds)
	}
	// Both at once: their chats are paced apart.
	for _, cmd := range cmds {
		rc.trainee.say("/" + cmd)
		rc.lecturer.say("/" + cmd)
	}
	for _, p := range []*person{rc.trainee, rc.lecturer} {
		seen := 0
		for _, cmd := range cmds {
			got := p.next(&seen)
			if got.Params["text"] != textRole {
				t.Errorf("user %d /%s answered %q, want %q", p.user.ID, cmd, got.Params["text"], textRole)
			}
			if len(buttons(t, got)) != 0 {
				t.Errorf("user %d /%s refusal carries buttons %v", p.user.ID, cmd, buttons(t, got))
			}
		}
	}
	for _, p := range []*person{rc.org, rc.org2} {
		if n := len(e.tg.Sent(p.user.ID)); n != 0 {
			t.Errorf("organiser %d was sent %d messages while others were refused:\n%s", p.user.ID, n, e.sentTexts(p.user.ID))
		}
	}
}

// TestRoleRefusalForgedButtons: organiser buttons pressed by a trainee are
// refused with an alert and change nothing; the organisers' own presses
// work (the positive control).
func TestRoleRefusalForgedButtons(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	rc := newRoleCohort(e)
	ctx := context.Background()
	st := e.store()
	tr, org, lec := rc.trainee.user.ID, rc.org.user.ID, rc.lecturer.user.ID

	membersBefore, err := st.Members(ctx, rc.c.ID)
	if err != nil {
		t.Fatal(err)
	}
	invitesBefore, err := st.Invites(ctx, rc.c.ID)
	if err != nil {
		t.Fatal(err)
	}

	forged := []string{
		mbData(rc.c.ID, "v", lec),
		mbData(rc.c.ID, "sr", tr, "o"), // promote oneself
		mbData(rc.c.ID, "sr", org, "t"),
		mbData(rc.c.ID, "sg", tr, "0"), // change one's own group
		mbData(rc.c.ID, "sg", tr, "99"),
		mbData(rc.c.ID, "xx", lec),
		mbData(rc.c.ID, "xx", org),
		"mb:p:0:" + rc.c.ID,
		"iv:n:o:" + rc.c.ID,
		"iv:n:t:" + rc.c.ID,
		"iv:x:" + rc.c.Invites.Trainee + ":" + rc.c.ID,
		"cmd:members:",
		"cmd:invites:",
		"cmd:announce:",
	}
	var ids []string
	for _, data := range forged {
		ids = append(ids, rc.trainee.pressData(data))
	}
	for i, id := range ids {
		a := e.answered(id)
		if a.Params["show_alert"] != "true" || a.Params["text"] != textRole {
			t.Errorf("forged %q answered show_alert=%q %q, want an alert %q", forged[i], a.Params["show_alert"], a.Params["text"], textRole)
		}
	}
	for _, p := range []*person{rc.trainee, rc.org, rc.org2, rc.lecturer} {
		if n := len(e.tg.Sent(p.user.ID)); n != 0 {
			t.Errorf("forged presses made the bot send %d messages to %d:\n%s", n, p.user.ID, e.sentTexts(p.user.ID))
		}
	}
	membersAfter, err := st.Members(ctx, rc.c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.EqualFunc(membersBefore, membersAfter, func(a, b *bot.Member) bool { return *a == *b }) {
		t.Errorf("members changed by forged presses:\nbefore %v\nafter  %v", deref(membersBefore), deref(membersAfter))
	}
	invitesAfter, err := st.Invites(ctx, rc.c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.EqualFunc(invitesBefore, invitesAfter, func(a, b *bot.Invite) bool { return *a == *b }) {
		t.Errorf("invites changed by forged presses:\nbefore %v\nafter  %v", deref(invitesBefore), deref(invitesAfter))
	}

	// Positive control: the organisers do the same things, one the members
	// and the other the invites, so that their chats are paced apart.
	o := rc.org
	seen := 0
	o.say("/members")
	list := o.reply(&seen, "Thành viên khóa")
	for _, id := range []int64{org, rc.org2.user.ID, tr, lec} {
		if !hasButton(t, list, mbData(rc.c.ID, "v", id)) {
			t.Errorf("/members has no button for %d: %v", id, buttons(t, list))
		}
	}
	o.press(e.messageID(org, list), mbData(rc.c.ID, "v", tr))
	view := o.reply(&seen, "Ngô Thị Thu")
	if !hasButton(t, view, mbData(rc.c.ID, "g", tr)) || !hasButton(t, view, mbData(rc.c.ID, "x", tr)) {
		t.Errorf("member view buttons %v", buttons(t, view))
	}
	// A group index out of range is refused and moves nobody; lecturers
	// have no group to move to.
	e.alert(o.pressData(mbData(rc.c.ID, "sg", tr, "99")), tx(bot.VI, "reg.group_bad"))
	e.alert(o.pressData(mbData(rc.c.ID, "sg", tr, "-1")), tx(bot.VI, "reg.group_bad"))
	e.alert(o.pressData(mbData(rc.c.ID, "sg", lec, "2")), tx(bot.VI, "reg.group_bad"))
	if m := e.member(rc.c.ID, tr); m.Group != "Lạng Sơn" {
		t.Errorf("group after out-of-range moves = %q", m.Group)
	}

	o.pressData(mbData(rc.c.ID, "sg", tr, "2"))
	o.reply(&seen, "Đã chuyển Ngô Thị Thu sang nhóm Hải Phòng")
	trSeen := 0
	rc.trainee.reply(&trSeen, "chuyển bạn sang nhóm Hải Phòng")
	if m := e.member(rc.c.ID, tr); m.Group != "Hải Phòng" {
		t.Errorf("group after move = %q", m.Group)
	}

	o.pressData(mbData(rc.c.ID, "sr", tr, "o"))
	o.reply(&seen, "Vai trò của Ngô Thị Thu giờ là Ban tổ chức")
	if m := e.member(rc.c.ID, tr); m.Role != bot.Organiser || m.Group != "" {
		t.Errorf("after promotion: %+v", m)
	}

	o.pressData(mbData(rc.c.ID, "xx", lec))
	o.reply(&seen, "Đã xóa Đinh Văn Hải khỏi khóa")
	e.notMember(rc.c.ID, lec)
	lseen := 0
	rc.lecturer.reply(&lseen, "đã xóa bạn khỏi khóa")

	// Invites: create one, then revoke it.
	o2 := rc.org2
	seen2 := 0
	o2.say("/invites")
	invs := o2.reply(&seen2, "Mã mời của khóa")
	if !hasButton(t, invs, "iv:n:t:"+rc.c.ID) || !hasButton(t, invs, "iv:x:"+rc.c.Invites.Trainee+":"+rc.c.ID) {
		t.Errorf("/invites buttons %v", buttons(t, invs))
	}
	o2.press(e.messageID(o2.user.ID, invs), "iv:n:t:"+rc.c.ID)
	created := o2.reply(&seen2, "Đã tạo mã mời")
	all, err := st.Invites(ctx, rc.c.ID)
	if err != nil {
		t.Fatal(err)
	}
	var code string
	for _, inv := range all {
		if !slices.ContainsFunc(invitesBefore, func(b *bot.Invite) bool { return b.Code == inv.Code }) {
			code = inv.Code
		}
	}
	if code == "" || !strings.Contains(created.Params["text"], code) {
		t.Fatalf("new invite %q not in %q", code, created.Params["text"])
	}
	if inv := e.invite(code); inv.Role != bot.Trainee || inv.Revoked {
		t.Errorf("new invite = %+v", inv)
	}
	id := o2.pressData("iv:x:" + code + ":" + rc.c.ID)
	if a := e.answered(id); !strings.Contains(a.Params["text"], "Đã thu hồi mã "+code) {
		t.Errorf("revoke answered %q", a.Params["text"])
	}
	if inv := e.invite(code); !inv.Revoked {
		t.Errorf("invite %s not revoked", code)
	}
	// An invite of another cohort cannot be revoked from this one.
	other := e.createCohort(samplePlan)
	e.alert(o2.pressData("iv:x:"+other.Invites.Trainee+":"+rc.c.ID), tx(bot.VI, "invite.unknown"))
	// Nor from a button that names the other cohort, nor with the data
	// of before the codec; nor is any invite made by such a press.
	mine, err := st.Invites(ctx, rc.c.ID)
	if err != nil {
		t.Fatal(err)
	}
	e.alert(o2.pressData("iv:x:"+other.Invites.Trainee+":"+other.ID), textStale)
	e.alert(o2.pressData("iv:x:"+other.Invites.Trainee), textStale)
	e.alert(o2.pressData("iv:n:t:"+other.ID), textStale)
	e.alert(o2.pressData("iv:n:t"), textStale)
	e.alert(o2.pressData("iv:n:q:"+rc.c.ID), textStale)
	if all, err := st.Invites(ctx, other.ID); err != nil || len(all) != 3 {
		t.Errorf("the other cohort's invites after forged presses: %v, %v", deref(all), err)
	}
	if all, err := st.Invites(ctx, rc.c.ID); err != nil || len(all) != len(mine) {
		t.Errorf("invites after forged presses: %v, %v; want %v", deref(all), err, deref(mine))
	}
	if inv := e.invite(other.Invites.Trainee); inv.Revoked {
		t.Errorf("another cohort's invite was revoked")
	}
}

func deref[T any](ps []*T) []T {
	out := make([]T, len(ps))
	for i, p := range ps {
		out[i] = *p
	}
	return out
}

// TestLeave: /leave and its confirmation remove the member's data; "No"
// takes the confirmation's buttons away; the last organiser cannot leave.
func TestLeave(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.createCohort(samplePlan)

	org := e.seed(c.ID, 4001, bot.Organiser, "Hồ Minh Tâm", "")
	lan := e.seed(c.ID, 4002, bot.Trainee, "Lê Thị Lan", "Hải Phòng")
	e.serve()
	oseen, seen := 0, 0
	if p := e.profile(lan.user.ID); !slices.Contains(p.Cohorts, c.ID) || p.Active != c.ID {
		t.Fatalf("profile before leaving: %+v", p)
	}

	lan.say("/leave")
	ask := lan.reply(&seen, "Bạn chắc chắn muốn rời khóa")
	yes := "leave:yes:" + c.ID
	if !hasButton(t, ask, yes) || !hasButton(t, ask, "leave:no:") {
		t.Fatalf("/leave buttons %v", buttons(t, ask))
	}
	// "No" keeps everything and answers in place of the question, so
	// its "Yes" is gone.
	askID := e.messageID(lan.user.ID, ask)
	lan.press(askID, "leave:no:")
	kept := lan.reply(&seen, tx(bot.VI, "leave.kept"))
	if kept.Method != "editMessageText" || kept.Params["message_id"] != fmt.Sprint(askID) {
		t.Errorf("leave:no answered with %s of message %s, want an edit of %d", kept.Method, kept.Params["message_id"], askID)
	}
	if m := messageByID(e, lan.user.ID, askID); m == nil || m.ReplyMarkup != nil {
		t.Errorf("the confirmation after No: %+v, want no buttons", m)
	}
	if e.member(c.ID, lan.user.ID) == nil {
		t.Fatal("leave:no removed the member")
	}

	lan.say("/leave")
	ask = lan.reply(&seen, "Bạn chắc chắn muốn rời khóa")
	askID = e.messageID(lan.user.ID, ask)
	lan.press(askID, yes)
	done := lan.reply(&seen, "Đã xóa dữ liệu của bạn khỏi khóa")
	if done.Method != "editMessageText" {
		t.Errorf("leave:yes answered with %s, want an edit of the confirmation", done.Method)
	}
	if m := messageByID(e, lan.user.ID, askID); m == nil || m.ReplyMarkup != nil {
		t.Errorf("the confirmation after Yes: %+v, want no buttons", m)
	}
	e.notMember(c.ID, lan.user.ID)

	lan.say("/profile")
	if got := lan.next(&seen); got.Params["text"] != textNotMember {
		t.Errorf("/profile after leaving answered %q", got.Params["text"])
	}
	// Pressing the old confirmation again changes nothing.
	e.alert(lan.press(askID, yes), textNotMember)

	// The last organiser is told why they cannot leave, and stays.
	org.say("/leave")
	oask := org.reply(&oseen, "Bạn chắc chắn muốn rời khóa")
	e.alert(org.press(e.messageID(org.user.ID, oask), "leave:yes:"+c.ID), tx(bot.VI, "members.last_organiser"))
	if m := e.member(c.ID, org.user.ID); m == nil || m.Role != bot.Organiser {
		t.Errorf("last organiser after leaving: %+v", m)
	}
}

// TestLeaveTwoCohorts: leaving one course makes the member's other course
// the active one; the same "Yes" pressed again (a double tap, a
// redelivered press) must not take them out of that one too.
func TestLeaveTwoCohorts(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	a, b := e.createCohort(samplePlan), e.createCohort(samplePlan)
	e.seed(b.ID, 4101, bot.Organiser, "Hồ Minh Tâm", "")
	e.seed(b.ID, 4102, bot.Trainee, "Lê Thị Lan", "Hải Phòng")
	e.seed(a.ID, 4101, bot.Organiser, "Hồ Minh Tâm", "")
	lan := e.seed(a.ID, 4102, bot.Trainee, "Lê Thị Lan", "Lạng Sơn")
	e.serve()

	seen := 0
	lan.say("/leave")
	ask := lan.reply(&seen, "Bạn chắc chắn muốn rời khóa")
	askID := e.messageID(lan.user.ID, ask)
	lan.press(askID, "leave:yes:"+a.ID)
	lan.reply(&seen, "Đã xóa dữ liệu của bạn khỏi khóa")
	e.notMember(a.ID, lan.user.ID)
	if p := e.profile(lan.user.ID); p.Active != b.ID {
		t.Fatalf("active course after leaving %s: %q, want %s", a.ID, p.Active, b.ID)
	}

	e.alert(lan.press(askID, "leave:yes:"+a.ID), textStale)
	// A "Yes" without a course (before courses were named) is stale too.
	e.alert(lan.press(askID, "leave:yes"), textStale)
	if m := e.member(b.ID, lan.user.ID); m == nil || m.Group != "Hải Phòng" {
		t.Errorf("membership of the other course after pressing Yes again: %+v", m)
	}
}

// messageByID is a message of a chat as the fake holds it now.
func messageByID(e *env, chatID int64, id int) *tgbotapi.Message {
	for _, m := range e.tg.Messages(chatID) {
		if m.MessageID == id {
			return &m
		}
	}
	return nil
}

// TestCancelAndRestartMidRegistration: /cancel stops registration, /start
// resumes it, and a restart of serve loses nothing because the
// conversation lives in Redis.
func TestCancelAndRestartMidRegistration(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.createCohort(samplePlan)
	srv := e.serve()
	rdb := e.redis.Client()
	convKey := "{u:telegram:5001}:conv"

	p := e.person(5001, "Nga", "Bùi", "vi")
	seen := 0
	p.join(&seen, c.Invites.Trainee)
	p.reply(&seen, textAskName)
	p.say("/cancel")
	p.reply(&seen, tx(bot.VI, "cancel.registration"))
	if n := rdb.Exists(context.Background(), convKey).Val(); n != 0 {
		t.Errorf("conversation kept after /cancel")
	}
	// Text now is not taken as the name.
	p.say("Bùi Thị Nga")
	if got := p.next(&seen); strings.Contains(got.Params["text"], textAskOrg) {
		t.Fatalf("text after /cancel taken as the name: %q", got.Params["text"])
	}
	if m := e.member(c.ID, p.user.ID); m == nil || m.Name != "" || m.Registered {
		t.Fatalf("member after /cancel = %+v", m)
	}

	p.say("/start")
	p.reply(&seen, textAskName)
	p.say("Bùi Thị Nga")
	p.reply(&seen, textAskOrg)

	if code := srv.stop(); code != 0 {
		t.Fatalf("serve exited %d:\n%s", code, srv.log)
	}
	if ttl := rdb.TTL(context.Background(), convKey).Val(); ttl <= 0 {
		t.Fatalf("conversation state in Redis has TTL %v, want a positive TTL", ttl)
	}
	e.serve()

	p.say("Sở Công Thương Thanh Hóa")
	groups := p.reply(&seen, textAskGroup)
	p.press(e.messageID(p.user.ID, groups), "reg:g:3:"+c.ID)
	done := p.reply(&seen, textRegistered)
	if !strings.Contains(done.Params["text"], "Bùi Thị Nga") {
		t.Errorf("done = %q", done.Params["text"])
	}
	m := e.member(c.ID, p.user.ID)
	if m == nil || !m.Registered || m.Name != "Bùi Thị Nga" || m.Org != "Sở Công Thương Thanh Hóa" || m.Group != "Thanh Hóa" {
		t.Errorf("member = %+v", m)
	}
	if n := rdb.Exists(context.Background(), convKey).Val(); n != 0 {
		t.Errorf("conversation kept after registration")
	}
}

// TestUsedOrganiserInviteAfterDemotionOrRemoval: an organiser demoted or
// removed by another cannot take the role back with the single-use invite
// they once used.
func TestUsedOrganiserInviteAfterDemotionOrRemoval(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.createCohort(samplePlan)
	b := e.seed(c.ID, 5102, bot.Organiser, "Hà Văn Long", "")
	e.serve()

	a := e.person(5101, "Vy", "Phan", "vi")
	aseen := 0
	a.register(&aseen, c.Invites.Organiser, "Phan Thảo Vy", 0)
	bseen := 0

	b.pressData(mbData(c.ID, "sr", a.user.ID, "t"))
	b.reply(&bseen, "Vai trò của Phan Thảo Vy giờ là Học viên")
	a.reply(&aseen, "đổi vai trò của bạn thành Học viên")

	a.say("/start " + c.Invites.Organiser)
	got := a.next(&aseen)
	if m := e.member(c.ID, a.user.ID); m == nil || m.Role != bot.Trainee {
		t.Fatalf("demoted organiser used the old invite (answered %q) and is now %+v", got.Params["text"], m)
	}

	b.pressData(mbData(c.ID, "xx", a.user.ID))
	b.reply(&bseen, "Đã xóa Phan Thảo Vy khỏi khóa")
	a.reply(&aseen, "đã xóa bạn khỏi khóa")

	// Removed by an organiser: the shared invite does not bring them back,
	// and they are told why.
	a.say("/start " + c.Invites.Organiser)
	if got := a.next(&aseen); got.Params["text"] != tx(bot.VI, "start.removed") {
		t.Errorf("removed organiser's old invite answered %q", got.Params["text"])
	}
	e.notMember(c.ID, a.user.ID)
	if inv := e.invite(c.Invites.Organiser); inv.Used != 1 {
		t.Errorf("organiser invite used %d times, want 1", inv.Used)
	}
}
