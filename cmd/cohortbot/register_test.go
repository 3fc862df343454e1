package main

import (
	"context"
	"strings"
	"testing"

	"github.com/cohortbot/cohortbot/bot"
)

func TestRegistrationVietnamese(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.createCohort(samplePlan)
	e.serve()

	lan := e.person(1001, "Lan", "Lê Thị", "vi")
	seen := 0
	lan.say("/start " + c.Invites.Trainee)
	notice := lan.reply(&seen, "Nghị định 356/2025/NĐ-CP")
	if e.member(c.ID, lan.user.ID) != nil {
		t.Fatal("a member was kept before agreeing to the privacy notice")
	}
	lan.press(e.messageID(lan.user.ID, notice), "cs:y:"+c.Invites.Trainee+":")
	ask := lan.reply(&seen, "họ và tên đầy đủ")
	if !hasButton(t, ask, "reg:pn:"+c.ID) {
		t.Fatalf("name question has no profile-name button: %v", buttons(t, ask))
	}
	lan.say("  Lê   Thị Lan  ")
	lan.reply(&seen, "đơn vị")
	lan.say("Sở Công Thương Lạng Sơn")
	groups := lan.reply(&seen, "nhóm nào")
	if got := buttons(t, groups); len(got) != 6 || got[1] != "reg:g:1:"+c.ID {
		t.Fatalf("group buttons = %v", got)
	}
	lan.press(e.messageID(lan.user.ID, groups), "reg:g:1:"+c.ID)
	done := lan.reply(&seen, "Đăng ký xong")
	if !strings.Contains(done.Params["text"], "Lê Thị Lan") || !hasButton(t, done, "cmd:schedule:") {
		t.Fatalf("done message = %q buttons %v", done.Params["text"], buttons(t, done))
	}

	m, err := e.store().Member(context.Background(), c.ID, "telegram:1001")
	if err != nil {
		t.Fatal(err)
	}
	want := bot.Member{User: "telegram:1001", Cohort: c.ID, Role: bot.Trainee, Name: "Lê Thị Lan", Org: "Sở Công Thương Lạng Sơn", Group: "Lạng Sơn", Registered: true, Invite: c.Invites.Trainee}
	if m.Consent.IsZero() || !m.Consent.Equal(m.Joined) {
		t.Errorf("consent %v, want the time of joining %v", m.Consent, m.Joined)
	}
	m.Joined, m.Consent = want.Joined, want.Consent
	if *m != want {
		t.Errorf("member = %+v\nwant     %+v", *m, want)
	}

	lan.say("/schedule")
	lan.reply(&seen, "Lịch học khóa")
}

func TestRegistrationEnglish(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.createCohort(samplePlan)
	e.serve()

	tom := e.person(1002, "Tom", "Nguyen", "en")
	seen := 0
	tom.say("/start " + c.Invites.Lecturer)
	notice := tom.reply(&seen, "Personal data notice")
	tom.press(e.messageID(tom.user.ID, notice), "cs:y:"+c.Invites.Lecturer+":")
	ask := tom.reply(&seen, "full name")
	tom.press(e.messageID(tom.user.ID, ask), "reg:pn:"+c.ID)
	org := tom.reply(&seen, "organisation")
	tom.press(e.messageID(tom.user.ID, org), "reg:skip:"+c.ID)
	done := tom.reply(&seen, "Registered!")
	if !strings.Contains(done.Params["text"], "Tom Nguyen") || !strings.Contains(done.Params["text"], "Lecturer") {
		t.Fatalf("done = %q", done.Params["text"])
	}
	m, err := e.store().Member(context.Background(), c.ID, "telegram:1002")
	if err != nil {
		t.Fatal(err)
	}
	if m.Group != "" || m.Org != "" || m.Role != bot.Lecturer || !m.Registered {
		t.Errorf("lecturer = %+v", m)
	}
}
