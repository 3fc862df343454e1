package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/cohortbot/cohortbot/bot"
	"github.com/cohortbot/cohortbot/bot/contest"
	"github.com/cohortbot/cohortbot/bot/telegram/telegramtest"
)

// pressLabel presses, on the message the call sent, the button whose
// label contains label: the test does not depend on the button's data.
func (p *person) pressLabel(c telegramtest.Call, label string) string {
	p.e.t.Helper()
	var kb tgbotapi.InlineKeyboardMarkup
	if err := json.Unmarshal([]byte(c.Params["reply_markup"]), &kb); err != nil {
		p.e.t.Fatalf("reply_markup of %q: %v", c.Params["text"], err)
	}
	for _, row := range kb.InlineKeyboard {
		for _, b := range row {
			if strings.Contains(b.Text, label) && b.CallbackData != nil {
				return p.press(p.e.messageID(p.user.ID, c), *b.CallbackData)
			}
		}
	}
	p.e.t.Fatalf("no button %q on %q (%v)", label, c.Params["text"], p.e.labels(c))
	return ""
}

// leave takes the person out of their active cohort with /leave and its
// confirmation.
func (p *person) leave(seen *int) {
	p.e.t.Helper()
	p.say("/leave")
	ask := p.reply(seen, "")
	p.pressLabel(ask, tx(bot.VI, "btn.leave_yes"))
	p.reply(seen, "")
}

// TestLeaveAndRejoinKeepsTheGroup: a trainee who leaves and comes back
// with the shared trainee link is not asked a group again: they are back
// in the group they had, so they cannot vote for their own group's
// photos from another one.
func TestLeaveAndRejoinKeepsTheGroup(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.createCohort(samplePlan)
	e.serve()
	p := e.person(5301, "Nam", "Đỗ Văn", "vi")
	seen := 0
	p.register(&seen, c.Invites.Trainee, "Đỗ Văn Nam", 1) // Lạng Sơn
	if m := e.member(c.ID, p.user.ID); m == nil || m.Group != "Lạng Sơn" {
		t.Fatalf("member = %+v, want in Lạng Sơn", m)
	}
	p.leave(&seen)
	e.notMember(c.ID, p.user.ID)

	start := seen
	p.register(&seen, c.Invites.Trainee, "Đỗ Văn Nam", 2) // would pick Hải Phòng if asked
	for _, s := range e.tg.Sent(p.user.ID)[start:] {
		if strings.Contains(s.Params["text"], textAskGroup) {
			t.Errorf("the returning trainee was asked a group: %q", s.Params["text"])
		}
	}
	if m := e.member(c.ID, p.user.ID); m == nil || m.Group != "Lạng Sơn" || !m.Registered || m.Role != bot.Trainee {
		t.Errorf("after rejoining, member = %+v, want a trainee of Lạng Sơn again", m)
	}
}

// TestRemovedMemberStaysOut: a trainee an organiser removed cannot walk
// back in with the shared link, and is told why; a personal invite the
// organiser makes brings them back, in their old group.
func TestRemovedMemberStaysOut(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.createCohort(samplePlan)
	org := e.seed(c.ID, 5310, bot.Organiser, "Trần Văn Hùng", "")
	e.serve()
	p := e.person(5311, "Hoa", "Lê Thị", "vi")
	seen, oseen := 0, 0
	p.register(&seen, c.Invites.Trainee, "Lê Thị Hoa", 2) // Hải Phòng

	org.say("/members")
	list := org.reply(&oseen, "")
	org.pressLabel(list, "Lê Thị Hoa")
	card := org.reply(&oseen, "Lê Thị Hoa")
	org.pressLabel(card, tx(bot.VI, "btn.remove"))
	confirm := org.reply(&oseen, "")
	org.pressLabel(confirm, tx(bot.VI, "btn.remove_yes"))
	org.reply(&oseen, "Lê Thị Hoa")
	e.notMember(c.ID, p.user.ID)
	p.reply(&seen, "đã xóa bạn khỏi khóa")

	p.say("/start " + c.Invites.Trainee)
	if got := p.reply(&seen, ""); got.Params["text"] != tx(bot.VI, "start.removed") {
		t.Errorf("removed trainee with the shared link got %q", got.Params["text"])
	}
	e.notMember(c.ID, p.user.ID)

	personal := e.createInvite("--cohort", c.ID, "--role", "trainee", "--uses", "1")
	p.register(&seen, personal.Code, "Lê Thị Hoa", 0)
	if m := e.member(c.ID, p.user.ID); m == nil || m.Group != "Hải Phòng" || !m.Registered {
		t.Errorf("back with a personal invite, member = %+v, want in Hải Phòng", m)
	}
}

// TestOnePersonOneRole: a trainee who opens the lecturer link stays a
// trainee, is told to ask the organisers, and the link is not used up.
func TestOnePersonOneRole(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.createCohort(samplePlan)
	e.serve()
	p := e.person(5321, "Minh", "Vũ", "vi")
	seen := 0
	p.register(&seen, c.Invites.Trainee, "Vũ Minh", 0)
	p.say("/start " + c.Invites.Lecturer)
	got := p.reply(&seen, "")
	if !strings.Contains(got.Params["text"], "một vai trò") {
		t.Errorf("trainee with the lecturer link got %q", got.Params["text"])
	}
	if m := e.member(c.ID, p.user.ID); m == nil || m.Role != bot.Trainee || m.Group == "" {
		t.Errorf("member = %+v, want still a trainee with a group", m)
	}
	if inv := e.invite(c.Invites.Lecturer); inv.Used != 0 || inv.Uses != 1 {
		t.Errorf("lecturer invite = %+v, want unused, one use left", inv)
	}
	// The lecturer it was meant for still gets in with it.
	l := e.person(5322, "Đức", "Nguyễn Minh", "vi")
	lseen := 0
	l.register(&lseen, c.Invites.Lecturer, "Nguyễn Minh Đức", 0)
	if m := e.member(c.ID, l.user.ID); m == nil || m.Role != bot.Lecturer {
		t.Errorf("lecturer = %+v", m)
	}
	// A personal invite is personal: a second person is refused.
	x := e.person(5323, "Khác", "Người", "vi")
	xseen := 0
	x.say("/start " + c.Invites.Lecturer)
	if got := x.reply(&xseen, ""); got.Params["text"] != tx(bot.VI, "invite.used_up") {
		t.Errorf("second person with the lecturer invite got %q", got.Params["text"])
	}
}

// TestContestCaps: with a plan that sets no limit of photos per member,
// the contest's own caps still hold: a member with MaxDraftsPerMember
// drafts waiting for their category, or MaxEntriesPerMember entries in
// all (withdrawn ones too), is told why another photo is not taken, and
// nothing is recorded.
func TestContestCaps(t *testing.T) {
	t.Parallel()
	r := newContestRig(t, hanoi(t, 2017, 8, 1, 9, 0), "max_photos_per_member: 5", "max_photos_per_member: 0")
	e := r.e
	a := e.seed(r.c.ID, 7301, bot.Trainee, "Lê Văn An", "Lạng Sơn")
	b := e.seed(r.c.ID, 7302, bot.Trainee, "Mai Thị Bình", "Hải Phòng")
	for i := range contest.MaxDraftsPerMember {
		e.seedEntry(r.c.ID, a, entrySeed{file: fmt.Sprintf("cd-%d", i), status: contest.EntryDraft})
	}
	for i := range contest.MaxEntriesPerMember {
		e.seedEntry(r.c.ID, b, entrySeed{file: fmt.Sprintf("cw-%d", i), status: contest.EntryWithdrawn})
	}
	before := len(e.snapshot(r.c.ID).Entries)
	e.serve()
	for _, f := range []string{"cd-new", "cw-new"} {
		e.tg.AddFile(f, "uq-"+f, smallJPEG(t))
	}
	as, bs := 0, 0
	a.photo("cd-new", "", "")
	a.reply(&as, tx(bot.VI, "contest.ph.drafts", contest.MaxDraftsPerMember))
	b.photo("cw-new", "", "")
	b.reply(&bs, tx(bot.VI, "contest.ph.cap", contest.MaxEntriesPerMember))
	if after := len(e.snapshot(r.c.ID).Entries); after != before {
		t.Errorf("entries after the refused photos = %d, want %d", after, before)
	}
}
