package main

import (
	"context"
	"regexp"
	"testing"

	"github.com/cohortbot/cohortbot/bot"
)

func TestAdminCreatesCohortInChat(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.vars["BOT_ADMINS"] = "telegram:7001, zalo:abc"
	e.serve()
	admin := e.person(7001, "Quản", "Trị", "vi")
	other := e.person(7002, "Người", "Khác", "vi")

	seen := 0
	admin.say("/newcohort x")
	admin.reply(&seen, "Cách dùng: /newcohort")
	admin.say("/newcohort Khóa SXSH – đợt 3 <2026>")
	done := admin.reply(&seen, "Đã tạo khóa «Khóa SXSH – đợt 3 <2026>»")
	m := regexp.MustCompile(`Ban tổ chức: ([A-Za-z0-9_-]+)\nhttps://t\.me/cohort_test_bot\?start=([A-Za-z0-9_-]+)`).FindStringSubmatch(done.Params["text"])
	if m == nil || m[1] != m[2] {
		t.Fatalf("no organiser invite with its link in %q", done.Params["text"])
	}
	cohorts, err := e.store().Cohorts(context.Background())
	if err != nil || len(cohorts) != 1 || cohorts[0].Name != "Khóa SXSH – đợt 3 <2026>" {
		t.Fatalf("cohorts = %v, %v", cohorts, err)
	}

	// The organiser invite works for whoever the admin gives it to.
	seenOther := 0
	other.say("/newcohort Khóa của tôi")
	other.reply(&seenOther, tx(bot.VI, "err.admin"))
	if cs, _ := e.store().Cohorts(context.Background()); len(cs) != 1 {
		t.Errorf("a non-admin created a cohort: %d cohorts", len(cs))
	}
	other.say("/start " + m[1])
	other.reply(&seenOther, "Nghị định 356/2025/NĐ-CP")
}
