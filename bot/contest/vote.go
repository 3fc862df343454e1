package contest

import "github.com/cohortbot/cohortbot/bot"

import (
	"strconv"
	"strings"
	"time"

	"github.com/cohortbot/cohortbot/bot/plan"
)

// Voting. /vote shows one approved photo at a time in one message that is
// edited in place as the voter moves with ◀ and ▶. The cast button's label
// carries 👍; once cast it becomes a withdraw button without it. Button
// data carries the intent ("vt:c:<n>" cast, "vt:w:<n>" withdraw, "vt:p:<n>"
// show, each followed by ":<cohort>"), so pressing cast twice counts once; the store checks the window,
// the photo's status, the voter's group and quota in the same atomic step
// that records the vote. Nothing here shows counts to voters unless the
// plan's totals are live.

// topMax is how many entries /top lists.
const topMax = 10

// vote is /vote.
func (b *Contest) vote(c *bot.Context) error {
	pc, cs := b.contest(c)
	if pc == nil {
		return c.Reply(c.T("contest.vote.none"))
	}
	if c.Member.Role == bot.Organiser {
		return c.Reply(c.T("contest.vote.organiser"))
	}
	_, w, _, err := b.windows(c)
	if err != nil {
		return err
	}
	if now := b.core.Now(); !w.Open(now) {
		return c.Reply(voteClosedText(c, w, now))
	}
	view, err := cs.VoteView(c.Context, c.Cohort.ID, 0, c.U.User)
	if err != nil {
		return err
	}
	if view.Entry == nil {
		return c.Reply(c.T("contest.vote.no_photos"))
	}
	_, err = c.Send(b.voteMessage(c, pc, view, 0))
	return err
}

// votePressed checks what every vote button claims: a contest, a photo
// number of the active course, a voter. refused is set when it answered
// the press already.
func (b *Contest) votePressed(c *bot.Context) (pc *plan.Contest, cs Store, n int64, refused bool, err error) {
	pc, cs = b.contest(c)
	if pc == nil {
		return nil, nil, 0, true, c.Refuse(c.T("contest.vote.none"))
	}
	_, args, ok, other := cbFields(c)
	if !ok || len(args) != 1 || other {
		return nil, nil, 0, true, refuseButton(c, ok && len(args) == 1)
	}
	n, perr := strconv.ParseInt(args[0], 10, 64)
	if perr != nil || n <= 0 {
		return nil, nil, 0, true, c.Refuse(c.T("err.stale_button"))
	}
	if c.Member.Role == bot.Organiser {
		return nil, nil, 0, true, c.Refuse(c.T("contest.vote.organiser"))
	}
	return pc, cs, n, false, nil
}

// votePage turns the page (◀/▶) to photo n. The window is read with the
// page, in one round trip.
func (b *Contest) votePage(c *bot.Context) error {
	pc, cs, n, refused, err := b.votePressed(c)
	if refused || err != nil {
		return err
	}
	now := b.core.Now()
	view, err := cs.VoteView(c.Context, c.Cohort.ID, n, c.U.User)
	if err != nil {
		return err
	}
	if _, w := view.Meta.Windows(pc); !w.Open(now) {
		return c.Refuse(voteClosedText(c, w, now))
	}
	return b.voteShown(c, pc, view, n, "")
}

// voteCast casts (👍) or withdraws a vote for photo n. The press, the
// window check and the page it redraws take one round trip: the window is
// checked by the vote itself.
func (b *Contest) voteCast(c *bot.Context) error {
	pc, cs, n, refused, err := b.votePressed(c)
	if refused || err != nil {
		return err
	}
	now := b.core.Now()
	d, _ := c.Button()
	cast := d.Action == "c"
	res, view, err := cs.VoteAndView(c.Context, VoteRequest{
		Cohort: c.Cohort.ID, Voter: c.U.User, Group: voterGroup(c.Member), N: n, Cast: cast,
		Weight: voteWeight(pc, c.Member.Role), Quota: pc.VotesPerVoter, Window: pc.Voting, Now: now,
	})
	if err != nil {
		return err
	}
	var toast string
	switch res {
	case VoteOK:
		b.core.Log().Info("vote", "cohort", c.Cohort.ID, "entry", n, "user", c.U.User, "cast", cast)
		toast = c.T("contest.vote.cast", n)
		if !cast {
			toast = c.T("contest.vote.withdrawn", n)
		}
	case VoteNoop:
		toast = c.T("contest.vote.already_cast", n)
		if !cast {
			toast = c.T("contest.vote.not_cast", n)
		}
	case VoteClosed:
		_, w := view.Meta.Windows(pc)
		return c.Refuse(voteClosedText(c, w, now))
	case VoteOwn:
		return c.Refuse(c.T("contest.vote.own_refused"))
	case VoteQuota:
		return c.Refuse(c.T("contest.vote.quota_full", pc.VotesPerVoter))
	case VoteKept:
		return c.Refuse(c.T("contest.vote.kept"))
	default: // missing, unavailable
		return c.Refuse(c.T("contest.vote.unavailable", n))
	}
	return b.voteShown(c, pc, view, n, toast)
}

// voteStale answers a vote button with an action it does not know.
func (b *Contest) voteStale(c *bot.Context) error {
	if _, _, _, refused, err := b.votePressed(c); refused || err != nil {
		return err
	}
	return c.Refuse(c.T("err.stale_button"))
}

// voteShown answers the press with toast and redraws the voter's page in
// place, unless the photo is no longer shown to voters.
func (b *Contest) voteShown(c *bot.Context, pc *plan.Contest, view VoteView, n int64, toast string) error {
	if view.Entry == nil || view.Entry.Status != EntryApproved {
		return c.Refuse(c.T("contest.vote.unavailable", n))
	}
	if err := c.Answer(toast, false); err != nil {
		return err
	}
	_, err := c.Send(b.voteMessage(c, pc, view, c.U.Callback.MessageID))
	return err
}

// voterGroup is the group whose photos the member may not vote for:
// lecturers have none.
func voterGroup(m *bot.Member) string {
	if m.Role != bot.Trainee {
		return ""
	}
	return m.Group
}

// voteWeight is how much the member's vote counts in the score.
func voteWeight(pc *plan.Contest, r bot.Role) float64 {
	if r == bot.Lecturer && pc.LecturerWeight > 0 {
		return pc.LecturerWeight
	}
	return 1
}

// ownEntry reports whether the entry is the member's or their group's.
func ownEntry(m *bot.Member, e *Entry) bool {
	return e.Author == m.User || voterGroup(m) != "" && e.Group == m.Group
}

// voteMessage is the voter's page for one photo: the photo, its number,
// category and caption (its group only when the plan shows groups), and
// the buttons. edit is the message to replace, 0 for a new one.
func (b *Contest) voteMessage(c *bot.Context, pc *plan.Contest, v VoteView, edit int64) bot.Message {
	e := v.Entry
	lines := make([]string, 1, 8)
	lines[0] = c.T("contest.vote.photo", e.N, v.Position, v.Total)
	if e.Category != "" {
		lines = append(lines, c.T("contest.vote.category", e.Category))
	}
	if e.Caption != "" {
		lines = append(lines, e.Caption)
	}
	if pc.ShowGroup && e.Group != "" {
		lines = append(lines, c.T("contest.vote.group", e.Group))
	}
	own := ownEntry(c.Member, e)
	switch {
	case own:
		lines = append(lines, c.T("contest.vote.own"))
	case v.Voted:
		lines = append(lines, c.T("contest.vote.voted"))
	}
	if pc.Totals == plan.Live {
		lines = append(lines, c.T("contest.vote.live", v.Tally.Votes))
	}
	if pc.VotesPerVoter > 0 {
		lines = append(lines, c.T("contest.vote.quota", v.Used, pc.VotesPerVoter))
	}
	id, co := strconv.FormatInt(e.N, 10), c.Cohort.ID
	row := make([]bot.Button, 0, 3)
	if v.Prev != 0 && v.Prev != v.Next {
		row = append(row, bot.Button{Text: "◀", Data: bot.Data("vt", "p", co, strconv.FormatInt(v.Prev, 10))})
	}
	switch {
	case own:
	case v.Voted:
		row = append(row, bot.Button{Text: c.T("contest.btn.vote_withdraw"), Data: bot.Data("vt", "w", co, id)})
	default:
		row = append(row, bot.Button{Text: c.T("contest.btn.vote_cast"), Data: bot.Data("vt", "c", co, id)})
	}
	if v.Next != 0 {
		row = append(row, bot.Button{Text: "▶", Data: bot.Data("vt", "p", co, strconv.FormatInt(v.Next, 10))})
	}
	var rows [][]bot.Button
	if len(row) > 0 {
		rows = [][]bot.Button{row}
	}
	m := entryMessage(e, strings.Join(lines, "\n"), rows)
	m.Edit = edit
	return m
}

// voteClosedText says voting is not open, and when it is.
func voteClosedText(c *bot.Context, w plan.Window, now time.Time) string {
	switch {
	case w.Opens.IsZero() && w.Closes.IsZero():
		return c.T("contest.vote.none")
	case now.Before(w.Opens):
		return c.T("contest.vote.not_open_yet", bot.FormatWhen(w.Opens, c))
	default:
		return c.T("contest.vote.closed", bot.FormatWhen(w.Closes, c))
	}
}

// top is /top: the ranking with counts, for everyone when the plan's
// totals are live or voting has closed, for organisers always.
func (b *Contest) top(c *bot.Context) error { return b.showTop(c, c.IsOrganiser()) }

func (b *Contest) showTop(c *bot.Context, organiser bool) error {
	pc, cs := b.contest(c)
	if pc == nil {
		return c.Reply(c.T("contest.none"))
	}
	now := b.core.Now()
	lb, err := leaderboard(c.Context, cs, c.Cohort, now, organiser)
	if err != nil {
		return err
	}
	if !lb.TotalsVisible {
		_, vote, _, err := b.windows(c)
		if err != nil {
			return err
		}
		return c.Reply(c.T("contest.top.hidden", bot.FormatWhen(vote.Closes, c)))
	}
	if len(lb.Standings) == 0 {
		return c.Reply(c.T("contest.vote.no_photos"))
	}
	lines := []string{c.T("contest.top.title", min(topMax, len(lb.Standings)), len(lb.Standings))}
	for _, s := range lb.Standings[:min(topMax, len(lb.Standings))] {
		line := c.T("contest.top.line", s.Rank, s.N, bot.OrDash(s.Category), s.Votes, formatScore(s.Score))
		if s.Group != "" {
			line += " · " + s.Group
		}
		lines = append(lines, line)
	}
	if lb.State != PhaseClosed {
		lines = append(lines, "", c.T("contest.top.provisional"))
	}
	return c.Reply(strings.Join(lines, "\n"))
}

// formatScore writes a score without trailing zeros: "35.5", "31".
func formatScore(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
