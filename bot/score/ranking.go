package score

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cohortbot/cohortbot/bot"
	"github.com/cohortbot/cohortbot/bot/plan"
)

// The ranking. Organisers always see it, with a button that shows who
// gave which mark (to them only). Everyone else sees it while the plan's
// ranking is live, and once the window has closed; until then it is
// hidden (plan.Hidden). At the close of the window (a due item, planned like
// the contest's close) the organisers get the ranking with the 1st, 2nd
// and 3rd places and a button that announces it to the whole cohort
// through the outbox, once.

// DueScoreClose is the due-item kind of the close of a cohort's scoring.
const DueScoreClose = "sc"

// closePrefix starts the id of every scoring-close item.
const closePrefix = DueScoreClose + ":"

// places is how many places get a prize.
const places = 3

// maxMessageRunes bounds one message of the organisers' long lists
// (Telegram takes 4,096 characters).
const maxMessageRunes = 3500

func closeItem(cohort string, at time.Time) bot.DueItem {
	return bot.DueItem{
		ID:   closePrefix + cohort + ":" + strconv.FormatInt(at.Unix(), 10),
		Kind: DueScoreClose, Cohort: cohort, Ref: "scoring", At: at, Due: at,
	}
}

// closePlan plans the close of the cohort's scoring window. A pending
// close of the current window is kept even when its time has passed (the
// bot was down at the close): it runs late rather than never.
func closePlan(c *bot.Cohort, now time.Time, pending []bot.DueItem) []bot.DueItem {
	sc := c.Plan.Scoring
	if sc == nil || sc.Window.Closes.IsZero() {
		return nil
	}
	it := closeItem(c.ID, sc.Window.Closes)
	if sc.Window.Closes.After(now) || slices.ContainsFunc(pending, func(p bot.DueItem) bool { return p.ID == it.ID }) {
		return []bot.DueItem{it}
	}
	return nil
}

// RunClose runs a scoring-close item: the ranking goes to the organisers
// with the announce button.
func (s *Scores) RunClose(ctx context.Context, it bot.DueItem, now time.Time) (bot.DueOutcome, time.Time, error) {
	c, err := s.core.CohortAt(ctx, it.Cohort, 0)
	if bot.IsNotFound(err) {
		return bot.DueSkipped, time.Time{}, nil
	}
	if err != nil {
		return 0, time.Time{}, err
	}
	sc := c.Plan.Scoring
	if sc == nil || !sc.Window.Closes.Equal(it.At) {
		return bot.DueSkipped, time.Time{}, nil
	}
	if now.Before(sc.Window.Closes) {
		return bot.DueDeferred, sc.Window.Closes, nil
	}
	meta, err := s.store.ScoreMeta(ctx, c.ID)
	if err != nil {
		return 0, time.Time{}, err
	}
	if meta.Announced || meta.Proposed == sc.Window.Closes.UnixMilli() {
		return bot.DueSkipped, time.Time{}, nil
	}
	st, err := s.standings(ctx, c)
	if err != nil {
		return 0, time.Time{}, err
	}
	_, organisers, langs, err := s.core.Organisers(ctx, c.ID)
	if err != nil {
		return 0, time.Time{}, err
	}
	jobs := make([]bot.Job, 0, len(organisers))
	for _, o := range organisers {
		l := langs[o.User]
		text := tx(l, "score.close_title", c.Name) + "\n\n" + rankingText(l, c, st, true)
		jobs = append(jobs, bot.Job{ID: string(o.User), User: o.User, Msg: bot.Message{Chat: o.User.PrivateChat(), Text: text, Buttons: organiserRows(l, c, st, false)}})
	}
	closeMS := strconv.FormatInt(sc.Window.Closes.UnixMilli(), 10)
	batch := bot.Batch{ID: "sc-results:" + c.ID + ":" + closeMS, Cohort: c.ID, Kind: "score", Title: tx(bot.VI, "score.title_short")}
	if err := s.core.Deliver(ctx, batch, jobs); err != nil {
		return 0, time.Time{}, fmt.Errorf("queue scoring results: %w", err)
	}
	if _, err := s.store.MarkScoreResults(ctx, c.ID, "proposed", closeMS); err != nil {
		return 0, time.Time{}, err
	}
	s.core.Log().Info("scoring results proposed", "cohort", c.ID, "organisers", len(jobs))
	return bot.DueSent, time.Time{}, nil
}

// standings reads every mark in one round trip and ranks the groups; the
// report times are read only when two groups tie on the scores.
func (s *Scores) standings(ctx context.Context, c *bot.Cohort) ([]Standing, error) {
	marks, _, err := s.store.AllMarks(ctx, c.ID, false)
	if err != nil {
		return nil, err
	}
	st := Tally(c.Plan.Scoring, c.Plan.Groups, marks)
	if tied(st) && s.reports != nil {
		for i := range st {
			if !st[i].Scored() {
				continue
			}
			if st[i].First, st[i].HasReport, err = s.reports.FirstReport(ctx, c.ID, st[i].Group); err != nil {
				return nil, err
			}
		}
	}
	return Rank(st), nil
}

// rankingText is the ranking: the places with their scores, each
// criterion, and (with detail) the sides' parts and scorers.
func rankingText(l bot.Lang, c *bot.Cohort, st []Standing, detail bool) string {
	sc := c.Plan.Scoring
	maxTotal := MaxTotal(sc)
	var lines []string
	var unscored []string
	for _, s := range st {
		if !s.Scored() {
			unscored = append(unscored, s.Group)
			continue
		}
		medal := ""
		switch s.Rank {
		case 1:
			medal = "🥇 "
		case 2:
			medal = "🥈 "
		case 3:
			medal = "🥉 "
		}
		line := medal + tx(l, "score.rank_line", s.Rank, s.Group, formatScore(s.Total), maxTotal)
		parts := make([]string, len(sc.Criteria))
		for i, cr := range sc.Criteria {
			parts[i] = cr.Name + " " + formatScore(s.Criteria[i])
		}
		line += "\n   " + strings.Join(parts, " · ")
		if detail {
			line += "\n   " + tx(l, "score.sides", formatScore(s.Lecturer), s.Lecturers, formatScore(s.Trainee), s.Trainees)
		}
		lines = append(lines, line)
	}
	if len(lines) == 0 {
		lines = append(lines, tx(l, "score.no_marks"))
	}
	if len(unscored) > 0 {
		lines = append(lines, tx(l, "score.unscored", strings.Join(unscored, ", ")))
	}
	if detail {
		lines = append(lines, "", tx(l, "score.rule", formatScore(sc.Weights.Lecturer), formatScore(sc.Weights.Trainee)))
	}
	return strings.Join(lines, "\n")
}

// organiserRows are the organisers' buttons under the ranking: who gave
// which mark, and, once the window closed and until done, the announce.
func organiserRows(l bot.Lang, c *bot.Cohort, st []Standing, announced bool) [][]bot.Button {
	rows := [][]bot.Button{{{Text: tx(l, "score.btn.who"), Data: bot.Data("sc", "who", c.ID)}}}
	if !announced && slices.ContainsFunc(st, Standing.Scored) {
		rows = append(rows, []bot.Button{{Text: tx(l, "score.btn.announce"), Data: bot.Data("sc", "ann", c.ID)}})
	}
	return rows
}

// ranking is /ranking.
func (s *Scores) ranking(c *bot.Context) error {
	sc := c.Cohort.Plan.Scoring
	if sc == nil {
		return c.Reply(c.T("score.none"))
	}
	now := s.core.Now()
	open := now.Before(sc.Window.Closes)
	meta, err := s.store.ScoreMeta(c.Context, c.Cohort.ID)
	if err != nil {
		return err
	}
	organiser := c.IsOrganiser()
	// Hidden means what the plan says (plan.Hidden): only organisers see
	// it until the window closes.
	if !organiser && sc.Ranking != plan.Live && open && !meta.Announced {
		return c.Reply(c.T("score.hidden", bot.FormatWhen(sc.Window.Closes, c)))
	}
	st, err := s.standings(c.Context, c.Cohort)
	if err != nil {
		return err
	}
	head := c.T("score.ranking_title", c.Cohort.Name)
	if open {
		head += "\n" + c.T("score.provisional", bot.FormatWhen(sc.Window.Closes, c))
	}
	text := head + "\n\n" + rankingText(c.Lang, c.Cohort, st, organiser)
	if !organiser {
		return c.Reply(text)
	}
	// The announce button comes only once the window has closed.
	return c.Reply(text, organiserRows(c.Lang, c.Cohort, st, meta.Announced || open)...)
}

// announcePress is "sc:ann:<cohort>": an organiser announces the ranking
// to every member of the cohort (and its linked group chat), once.
func (s *Scores) announcePress(c *bot.Context) error {
	if d, ok := c.Button(); !ok || len(d.Args) != 0 || c.OtherCohort() {
		return c.Refuse(c.T("err.stale_button"))
	}
	sc := c.Cohort.Plan.Scoring
	if sc == nil {
		return c.Refuse(c.T("score.none"))
	}
	if s.core.Now().Before(sc.Window.Closes) {
		return c.Refuse(c.T("score.not_closed", bot.FormatWhen(sc.Window.Closes, c)))
	}
	meta, err := s.store.ScoreMeta(c.Context, c.Cohort.ID)
	if err != nil {
		return err
	}
	if meta.Announced {
		return c.Refuse(c.T("score.already_announced"))
	}
	st, err := s.standings(c.Context, c.Cohort)
	if err != nil {
		return err
	}
	if !slices.ContainsFunc(st, Standing.Scored) {
		return c.Refuse(c.T("score.no_marks"))
	}
	members, err := s.store.Members(c.Context, c.Cohort.ID)
	if err != nil {
		return err
	}
	var to []*bot.Member
	for _, m := range members {
		if m.Registered {
			to = append(to, m)
		}
	}
	langs, err := s.core.Langs(c.Context, to)
	if err != nil {
		return err
	}
	announcement := func(l bot.Lang) string {
		return tx(l, "score.announce", c.Cohort.Name) + "\n\n" + rankingText(l, c.Cohort, st, false) + "\n\n" + tx(l, "score.thanks")
	}
	jobs := make([]bot.Job, 0, len(to)+1)
	for _, m := range to {
		jobs = append(jobs, bot.Job{ID: string(m.User), User: m.User, Msg: bot.Message{Chat: m.User.PrivateChat(), Text: announcement(langs[m.User])}})
	}
	if c.Cohort.GroupChat != "" {
		jobs = append(jobs, bot.Job{ID: "group", Msg: bot.Message{Chat: c.Cohort.GroupChat, Text: announcement(bot.VI)}})
	}
	// The batch id is the cohort's: a second press, or this update
	// again, queues nothing twice.
	batch := bot.Batch{ID: "sc-announce:" + c.Cohort.ID, Cohort: c.Cohort.ID, Kind: "score",
		ReportTo: c.U.User.PrivateChat(), Lang: c.Lang, Title: c.T("score.title_short")}
	if err := s.core.Deliver(c.Context, batch, jobs); err != nil {
		return fmt.Errorf("queue scoring results: %w", err)
	}
	if _, err := s.store.MarkScoreResults(c.Context, c.Cohort.ID, "announced", "1"); err != nil {
		return err
	}
	s.core.Log().Info("scoring results announced", "cohort", c.Cohort.ID, "by", c.U.User, "recipients", len(to))
	if err := c.Answer("", false); err != nil {
		return err
	}
	return c.Reply(c.T("score.sending", len(to)))
}

// whoPress is "sc:who:<cohort>": every scorer's marks and note, group by
// group, to the organiser who pressed (who gave which mark is theirs
// only to see).
func (s *Scores) whoPress(c *bot.Context) error {
	if d, ok := c.Button(); !ok || len(d.Args) != 0 || c.OtherCohort() {
		return c.Refuse(c.T("err.stale_button"))
	}
	sc := c.Cohort.Plan.Scoring
	if sc == nil {
		return c.Refuse(c.T("score.none"))
	}
	marks, notes, err := s.store.AllMarks(c.Context, c.Cohort.ID, true)
	if err != nil {
		return err
	}
	members, err := s.store.Members(c.Context, c.Cohort.ID)
	if err != nil {
		return err
	}
	names := map[bot.UserKey]string{}
	for _, m := range members {
		names[m.User] = m.Name
	}
	type sheet struct {
		side  Side
		marks []int
	}
	by := map[string]map[bot.UserKey]*sheet{}
	for _, m := range marks {
		if m.Criterion < 0 || m.Criterion >= len(sc.Criteria) {
			continue
		}
		if by[m.Group] == nil {
			by[m.Group] = map[bot.UserKey]*sheet{}
		}
		sh := by[m.Group][m.Scorer]
		if sh == nil {
			sh = &sheet{side: m.Side, marks: slices.Repeat([]int{-1}, len(sc.Criteria))}
			by[m.Group][m.Scorer] = sh
		}
		sh.marks[m.Criterion] = m.Value
	}
	if err := c.Answer("", false); err != nil {
		return err
	}
	lines := []string{c.T("score.who_title", c.Cohort.Name)}
	for _, g := range c.Cohort.Plan.Groups {
		sheets := by[g]
		if len(sheets) == 0 {
			continue
		}
		lines = append(lines, "", c.T("score.who_group", g))
		scorers := make([]bot.UserKey, 0, len(sheets))
		for u := range sheets {
			scorers = append(scorers, u)
		}
		slices.SortFunc(scorers, func(a, b bot.UserKey) int {
			if sa, sb := sheets[a].side, sheets[b].side; sa != sb {
				return strings.Compare(string(sa), string(sb))
			}
			return strings.Compare(names[a], names[b])
		})
		for _, u := range scorers {
			sh := sheets[u]
			name := names[u]
			if name == "" {
				name = c.T("score.gone")
			}
			role := strings.ToLower(c.T("role.trainee"))
			if sh.side == Lecturers {
				role = strings.ToLower(c.T("role.lecturer"))
			}
			line := "• " + name + " (" + role + "): " + marksLine(sc, sh.marks)
			if n := notes[NoteKey{Scorer: u, Group: g}]; n != "" {
				line += "\n   “" + n + "”"
			}
			lines = append(lines, line)
		}
	}
	if len(lines) == 1 {
		return c.Reply(c.T("score.no_marks"))
	}
	for _, msg := range chunks(lines, maxMessageRunes) {
		if err := c.Reply(msg); err != nil {
			return err
		}
	}
	return nil
}

// chunks joins lines into messages of at most n runes each (a line
// longer than n is its own message).
func chunks(lines []string, n int) []string {
	var out []string
	var cur strings.Builder
	size := 0
	for _, l := range lines {
		ln := len([]rune(l)) + 1
		if size > 0 && size+ln > n {
			out = append(out, cur.String())
			cur.Reset()
			size = 0
		}
		if size > 0 {
			cur.WriteString("\n")
		}
		cur.WriteString(l)
		size += ln
	}
	if size > 0 {
		out = append(out, cur.String())
	}
	return out
}
