package score_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/cohortbot/cohortbot/bot"
	"github.com/cohortbot/cohortbot/bot/bottest"
	"github.com/cohortbot/cohortbot/bot/score"
	"github.com/cohortbot/cohortbot/store"
)

// TestScoreGroupNotInPlan: a trainee whose group the plan no longer has
// (an organiser removed it from the workbook) scores nothing, whatever
// they press: the own-group rule could not hold for them.
func TestScoreGroupNotInPlan(t *testing.T) {
	h := bottest.New(t, time.Now(), func(st *store.Store) bot.Features { return bot.Features{score.New(st, nil).Feature()} })
	demo := h.Demo()
	ctx := context.Background()
	lan := h.User("lan")
	gone := "Tỉnh đã bỏ"
	if _, err := h.Store.PatchMember(ctx, demo.Cohort.ID, lan.Key, bot.MemberPatch{Group: &gone}, ""); err != nil {
		t.Fatal(err)
	}
	lan.Say("/score")
	if got := h.Sender.Last().Text; !strings.Contains(got, "chưa chấm điểm được") {
		t.Errorf("/score of a trainee in a group not in the plan = %q", got)
	}
	lan.Press(bot.Data("sc", "g", demo.Cohort.ID, "0"))
	lan.Press(bot.Data("sc", "m", demo.Cohort.ID, "0", "0", "9"))
	marks, _, err := h.Store.AllMarks(ctx, demo.Cohort.ID, false)
	if err != nil || len(marks) != 0 {
		t.Errorf("marks after a forged press: %v, %v", marks, err)
	}
}
