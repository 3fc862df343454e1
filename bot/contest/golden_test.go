package contest

import (
	"flag"
	"testing"
	"time"

	"github.com/cohortbot/cohortbot/bot"
	"github.com/cohortbot/cohortbot/bot/plan"
	"github.com/cohortbot/cohortbot/internal/golden"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// TestResultsProposalGolden: what organisers get at the close of voting,
// with ties broken by voters, in both languages.
func TestResultsProposalGolden(t *testing.T) {
	pc := &plan.Contest{Prizes: 3}
	c := &bot.Cohort{ID: "c1", Name: "Nâng cao kỹ năng thực hành đánh giá SXSH – đợt 2", Plan: &plan.Plan{Contest: pc}}
	at := time.Date(2017, 10, 20, 9, 0, 0, 0, time.UTC)
	snap := &ContestSnapshot{
		Entries: []*Entry{
			{N: 1, Author: "telegram:1", Group: "Lạng Sơn", Category: "Nước", Caption: "Vòi nước rò rỉ", Status: EntryApproved, Created: at},
			{N: 2, Author: "telegram:2", Group: "Hải Phòng", Category: "Năng lượng", Caption: "Đèn sáng cả đêm", Status: EntryApproved, Created: at.Add(time.Hour)},
			{N: 3, Author: "telegram:3", Group: "Bà Rịa – Vũng Tàu", Category: "Chất thải", Caption: "Bao bì bỏ đi", Status: EntryApproved, Created: at.Add(2 * time.Hour)},
			{N: 4, Author: "telegram:1", Group: "Lạng Sơn", Category: "Nước", Caption: "Nước thải", Status: EntryApproved, Created: at.Add(3 * time.Hour)},
			{N: 5, Author: "telegram:4", Group: "Hải Phòng", Status: EntryRejected, Created: at},
		},
		Tally: map[int64]Tally{1: {Votes: 3, Score: 3}, 2: {Votes: 4, Score: 3}, 3: {Votes: 2, Score: 3.5}, 4: {Votes: 1, Score: 1}},
		Meta:  ContestMeta{Votes: 10, Voters: 6},
	}
	names := map[bot.UserKey]string{"telegram:1": "Nguyễn Thị Lan", "telegram:2": "Trần Văn Hải", "telegram:3": "Lê Minh Châu"}
	for _, l := range []bot.Lang{bot.VI, bot.EN} {
		text, rows := proposalText(l, c, snap, names)
		got := text + "\n"
		for _, row := range rows {
			for _, b := range row {
				got += "[" + b.Text + "] " + b.Data + "\n"
			}
		}
		golden.Check(t, "proposal."+string(l)+".txt", []byte(got), *update)
	}
}
