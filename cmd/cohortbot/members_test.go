package main

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/cohortbot/cohortbot/bot"
	"github.com/cohortbot/cohortbot/bot/telegram/telegramtest"
)

// groupButton returns the data of the button labelled group on a sent
// message.
func (e *env) groupButton(c telegramtest.Call, group string) string {
	e.t.Helper()
	labels, data := e.labels(c), buttons(e.t, c)
	i := slices.Index(labels, group)
	if i < 0 || len(labels) != len(data) {
		e.t.Fatalf("no button %q among %q (%q)", group, labels, data)
	}
	return data[i]
}

// TestMemberMoveGroup: an organiser moves a trainee to another group with
// the buttons /members shows (once answered "stale button"); forged
// presses of the same buttons by a trainee, for a non-member or for
// another cohort's member move nobody.
func TestMemberMoveGroup(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	rc := newRoleCohort(e)
	o, tr := rc.org, rc.trainee
	other := e.createCohort(samplePlan)
	outsider := e.seed(other.ID, 3099, bot.Trainee, "Vũ Thị Mai", "Lạng Sơn")

	seen := 0
	o.say("/members")
	list := o.reply(&seen, "Thành viên khóa")
	o.press(e.messageID(o.user.ID, list), mbData(rc.c.ID, "v", tr.user.ID))
	view := o.reply(&seen, "Ngô Thị Thu")
	o.press(e.messageID(o.user.ID, view), mbData(rc.c.ID, "g", tr.user.ID))
	pick := o.reply(&seen, tx(bot.VI, "members.pick_group", "Ngô Thị Thu"))
	data := e.groupButton(pick, "Hải Phòng")
	if want := mbData(rc.c.ID, "sg", tr.user.ID, "2"); data != want {
		t.Errorf("Hải Phòng button = %q, want %q", data, want)
	}
	for _, d := range buttons(t, pick) {
		if len(d) > bot.MaxButtonData {
			t.Errorf("button data %q is longer than %d bytes", d, bot.MaxButtonData)
		}
	}

	// The trainee presses it first: refused, nothing moves.
	e.alert(tr.pressData(data), textRole)
	if m := e.member(rc.c.ID, tr.user.ID); m.Group != "Lạng Sơn" {
		t.Fatalf("a trainee's press moved them to %q", m.Group)
	}

	o.press(e.messageID(o.user.ID, pick), data)
	o.reply(&seen, tx(bot.VI, "members.moved", "Ngô Thị Thu", "Hải Phòng"))
	if m := e.member(rc.c.ID, tr.user.ID); m.Group != "Hải Phòng" {
		t.Errorf("group after the move = %q, want Hải Phòng", m.Group)
	}
	trSeen := 0
	tr.reply(&trSeen, tx(bot.VI, "members.moved_notice", "Hải Phòng"))

	// Someone not in the organiser's cohort cannot be moved from it.
	e.alert(o.pressData(mbData(rc.c.ID, "sg", 3999, "0")), tx(bot.VI, "members.gone"))
	e.alert(o.pressData(mbData(rc.c.ID, "sg", outsider.user.ID, "0")), tx(bot.VI, "members.gone"))
	if m := e.member(other.ID, outsider.user.ID); m.Group != "Lạng Sơn" {
		t.Errorf("another cohort's member moved to %q", m.Group)
	}

	// Forged or stale data moves nobody: a button naming another cohort
	// than the organiser's active one, a member key that UserArg cannot
	// have made, the wrong number of arguments, the data of before the
	// codec.
	for _, data := range []string{
		mbData(other.ID, "sg", tr.user.ID, "0"),
		mbData(other.ID, "xx", tr.user.ID),
		mbData("", "sg", tr.user.ID, "0"),
		fmt.Sprintf("mb:sg:0:telegram:%d:%s", tr.user.ID, rc.c.ID),
		fmt.Sprintf("mb:sg:0:telegram%%3a%d:%s", tr.user.ID, rc.c.ID),
		mbData(rc.c.ID, "sg", tr.user.ID),
		mbData(rc.c.ID, "xx", tr.user.ID, "0"),
		mbData(rc.c.ID, "zz", tr.user.ID),
		fmt.Sprintf("mb:sg:0:telegram:%d", tr.user.ID),
		fmt.Sprintf("mb:xx:telegram:%d", tr.user.ID),
	} {
		e.alert(o.pressData(data), textStale)
	}
	if m := e.member(rc.c.ID, tr.user.ID); m == nil || m.Group != "Hải Phòng" {
		t.Errorf("after forged presses the trainee is %+v, want still in Hải Phòng", m)
	}
}

// TestMemberRoleToTrainee: a lecturer or an organiser made a trainee has
// no group; the organiser is asked for it at once with the group buttons,
// and until it is set the member list says it is missing.
func TestMemberRoleToTrainee(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	rc := newRoleCohort(e)
	o := rc.org
	seen := 0
	for _, tt := range []struct {
		p     *person
		name  string
		group string
	}{
		{rc.lecturer, "Đinh Văn Hải", "Thanh Hóa"},
		{rc.org2, "Mạc Thị Hương", "Cần Thơ"},
	} {
		id := tt.p.user.ID
		o.pressData(mbData(rc.c.ID, "sr", id, "t"))
		asked := o.reply(&seen, tx(bot.VI, "members.role_changed", tt.name, tx(bot.VI, "role.trainee")))
		if !strings.Contains(asked.Params["text"], tx(bot.VI, "members.ask_group", tt.name)) {
			t.Errorf("role change to trainee does not ask for the group: %q", asked.Params["text"])
		}
		if m := e.member(rc.c.ID, id); m.Role != bot.Trainee || m.Group != "" {
			t.Fatalf("after the role change: %+v", m)
		}

		o.say("/members")
		list := o.reply(&seen, "Thành viên khóa")
		label := tt.name + " · " + tx(bot.VI, "role.trainee") + " · " + tx(bot.VI, "members.group_missing")
		if !slices.Contains(e.labels(list), label) {
			t.Errorf("/members labels %q lack %q", e.labels(list), label)
		}

		o.press(e.messageID(o.user.ID, asked), e.groupButton(asked, tt.group))
		o.reply(&seen, tx(bot.VI, "members.moved", tt.name, tt.group))
		if m := e.member(rc.c.ID, id); m.Role != bot.Trainee || m.Group != tt.group {
			t.Errorf("after picking the group: %+v", m)
		}
		o.say("/members")
		list = o.reply(&seen, "Thành viên khóa")
		if want := tt.name + " · " + tx(bot.VI, "role.trainee") + " · " + tt.group; !slices.Contains(e.labels(list), want) {
			t.Errorf("/members labels %q lack %q", e.labels(list), want)
		}
	}

	// A trainee made a lecturer is not asked for a group.
	o.pressData(mbData(rc.c.ID, "sr", rc.trainee.user.ID, "l"))
	got := o.reply(&seen, tx(bot.VI, "members.role_changed", "Ngô Thị Thu", tx(bot.VI, "role.lecturer")))
	if len(buttons(t, got)) != 0 {
		t.Errorf("role change to lecturer offers buttons %v", buttons(t, got))
	}
}
