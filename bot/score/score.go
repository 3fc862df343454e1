package score

import (
	"slices"
	"strconv"
	"strings"

	"github.com/cohortbot/cohortbot/bot"
	"github.com/cohortbot/cohortbot/bot/plan"
)

// Scoring a group. /score lists the groups other than the scorer's own;
// a group's button starts the conversation, which asks each criterion in
// turn (buttons with the marks 0..max, or the number typed), then an
// optional note. Every press and every typed mark re-checks, on the
// server, the scorer's role and group and the window: a forged button for
// one's own group, or a press after the close, writes nothing. A scorer
// may score a group again until the close: each mark replaces their
// previous one, which the questions show.

const flowScore = "sc"

// Steps of the scoring conversation.
const (
	stepMark = "mark" // waiting for criterion k's mark
	stepNote = "note" // waiting for the note
)

const (
	// maxNoteRunes bounds a note.
	maxNoteRunes = 500
	// maxButtonMark is the highest max for which the marks are buttons;
	// above it they are typed.
	maxButtonMark = 20
)

// scorer returns the refusal for a member who may not score now, "" for
// one who may. Organisers run the scoring and see every mark, so they do
// not score themselves.
func (s *Scores) scorer(c *bot.Context) string {
	sc := c.Cohort.Plan.Scoring
	now := s.core.Now()
	switch {
	case sc == nil:
		return c.T("score.none")
	case c.Member.Role == bot.Organiser:
		return c.T("score.organiser")
	case c.Member.Role == bot.Trainee && !c.Cohort.Plan.HasGroup(c.Member.Group):
		// No group, or one the plan no longer has: the own-group rule
		// could not hold, so they score nothing until an organiser
		// moves them.
		return c.T("score.no_group")
	case now.Before(sc.Window.Opens):
		return c.T("score.not_open", bot.FormatWhen(sc.Window.Opens, c))
	case !now.Before(sc.Window.Closes):
		return c.T("score.closed", bot.FormatWhen(sc.Window.Closes, c))
	}
	return ""
}

// side is the scorer's side of the jury.
func side(m *bot.Member) Side {
	if m.Role == bot.Lecturer {
		return Lecturers
	}
	return Trainees
}

// score is /score: the groups the sender may score.
func (s *Scores) score(c *bot.Context) error {
	if refusal := s.scorer(c); refusal != "" {
		return c.Reply(refusal)
	}
	p := c.Cohort.Plan
	var rows [][]bot.Button
	for gi, g := range p.Groups {
		if g == c.Member.Group {
			continue
		}
		b := bot.Button{Text: bot.Truncate(g, 30), Data: bot.Data("sc", "g", c.Cohort.ID, strconv.Itoa(gi))}
		if len(rows) > 0 && len(rows[len(rows)-1]) < 2 {
			rows[len(rows)-1] = append(rows[len(rows)-1], b)
		} else {
			rows = append(rows, []bot.Button{b})
		}
	}
	if len(rows) == 0 {
		return c.Reply(c.T("score.no_groups"))
	}
	names := make([]string, len(p.Scoring.Criteria))
	for i, cr := range p.Scoring.Criteria {
		names[i] = cr.Name + " (0–" + strconv.Itoa(cr.Max) + ")"
	}
	return c.Reply(c.T("score.pick_group", strings.Join(names, "; "), bot.FormatWhen(p.Scoring.Window.Closes, c)), rows...)
}

// target reads the group a press or the conversation names by its index
// and checks it may be scored by the sender: it returns the refusal
// otherwise.
func (s *Scores) target(c *bot.Context, arg string) (int, string, string) {
	if refusal := s.scorer(c); refusal != "" {
		return 0, "", refusal
	}
	gi, err := strconv.Atoi(arg)
	groups := c.Cohort.Plan.Groups
	if err != nil || gi < 0 || gi >= len(groups) {
		return 0, "", c.T("err.stale_button")
	}
	if groups[gi] == c.Member.Group {
		s.core.Log().Warn("own group's score refused", "user", c.U.User, "group", groups[gi], "update", c.U.ID)
		return 0, "", c.T("score.own_group")
	}
	return gi, groups[gi], ""
}

// groupPress is "sc:g:<group>:<cohort>": scoring the group begins.
func (s *Scores) groupPress(c *bot.Context) error {
	d, ok := c.Button()
	if !ok || len(d.Args) != 1 || c.OtherCohort() {
		return c.Refuse(c.T("err.stale_button"))
	}
	gi, group, refusal := s.target(c, d.Args[0])
	if refusal != "" {
		return c.Refuse(refusal)
	}
	if err := c.Answer("", false); err != nil {
		return err
	}
	return s.ask(c, gi, group, 0, true)
}

// ask asks criterion k of the group (and, with intro, shows the scorer's
// current marks first).
func (s *Scores) ask(c *bot.Context, gi int, group string, k int, intro bool) error {
	sc := c.Cohort.Plan.Scoring
	marks, _, err := s.store.ScorerMarks(c.Context, c.Cohort.ID, c.U.User, group, len(sc.Criteria))
	if err != nil {
		return err
	}
	if err := c.SetConv(flowScore, stepMark, map[string]string{"co": c.Cohort.ID, "g": strconv.Itoa(gi), "k": strconv.Itoa(k)}); err != nil {
		return err
	}
	var sb strings.Builder
	if intro {
		if slices.ContainsFunc(marks, func(m int) bool { return m >= 0 }) {
			sb.WriteString(c.T("score.current", group, marksLine(sc, marks)) + "\n\n")
		} else {
			sb.WriteString(c.T("score.start", group) + "\n\n")
		}
	}
	cr := sc.Criteria[k]
	sb.WriteString(c.T("score.ask", k+1, len(sc.Criteria), cr.Name, cr.Max))
	if marks[k] >= 0 {
		sb.WriteString("\n" + c.T("score.was", marks[k]))
	}
	var rows [][]bot.Button
	if cr.Max <= maxButtonMark {
		for v := 0; v <= cr.Max; v++ {
			b := bot.Button{Text: strconv.Itoa(v), Data: bot.Data("sc", "m", c.Cohort.ID, strconv.Itoa(gi), strconv.Itoa(k), strconv.Itoa(v))}
			if v == marks[k] {
				b.Text = "• " + b.Text + " •"
			}
			if len(rows) > 0 && len(rows[len(rows)-1]) < 6 {
				rows[len(rows)-1] = append(rows[len(rows)-1], b)
			} else {
				rows = append(rows, []bot.Button{b})
			}
		}
	}
	return c.Reply(sb.String(), rows...)
}

// marksLine writes a scorer's marks: "Chất lượng số liệu 8 · Giải pháp
// SXSH – · Trình bày 9".
func marksLine(sc *plan.Scoring, marks []int) string {
	parts := make([]string, len(sc.Criteria))
	for i, cr := range sc.Criteria {
		v := "–"
		if i < len(marks) && marks[i] >= 0 {
			v = strconv.Itoa(marks[i])
		}
		parts[i] = cr.Name + " " + v
	}
	return strings.Join(parts, " · ")
}

// markPress is "sc:m:<group>:<criterion>:<mark>:<cohort>".
func (s *Scores) markPress(c *bot.Context) error {
	d, ok := c.Button()
	if !ok || len(d.Args) != 3 || c.OtherCohort() {
		return c.Refuse(c.T("err.stale_button"))
	}
	gi, group, refusal := s.target(c, d.Args[0])
	if refusal != "" {
		return c.Refuse(refusal)
	}
	sc := c.Cohort.Plan.Scoring
	k, err1 := strconv.Atoi(d.Args[1])
	v, err2 := strconv.Atoi(d.Args[2])
	if err1 != nil || err2 != nil || k < 0 || k >= len(sc.Criteria) {
		return c.Refuse(c.T("err.stale_button"))
	}
	if v < 0 || v > sc.Criteria[k].Max {
		return c.Refuse(c.T("score.out_of_range", sc.Criteria[k].Max))
	}
	if err := c.Answer(c.T("score.noted", v), false); err != nil {
		return err
	}
	return s.apply(c, gi, group, k, v)
}

// apply writes the mark and asks the next question.
func (s *Scores) apply(c *bot.Context, gi int, group string, k, v int) error {
	m := Mark{Scorer: c.U.User, Side: side(c.Member), Group: group, Criterion: k, Value: v}
	if err := s.store.SetMark(c.Context, c.Cohort.ID, m); err != nil {
		return err
	}
	if k+1 < len(c.Cohort.Plan.Scoring.Criteria) {
		return s.ask(c, gi, group, k+1, false)
	}
	if err := c.SetConv(flowScore, stepNote, map[string]string{"co": c.Cohort.ID, "g": strconv.Itoa(gi)}); err != nil {
		return err
	}
	return c.Reply(c.T("score.ask_note", group), []bot.Button{{Text: c.T("score.btn.skip"), Data: bot.Data("sc", "skip", c.Cohort.ID, strconv.Itoa(gi))}})
}

// scoreText is a typed mark, a note, or /skip in the conversation.
func (s *Scores) scoreText(c *bot.Context) error {
	if c.Conv.Data["co"] != c.Cohort.ID {
		if err := c.EndConv(); err != nil {
			return err
		}
		return c.Reply(c.T("score.flow_stale"))
	}
	gi, group, refusal := s.target(c, c.Conv.Data["g"])
	if refusal != "" {
		if err := c.EndConv(); err != nil {
			return err
		}
		return c.Reply(refusal)
	}
	sc := c.Cohort.Plan.Scoring
	switch c.Conv.Step {
	case stepNote:
		note := ""
		if c.U.Command != "skip" {
			note = bot.Truncate(strings.TrimSpace(c.U.Text), maxNoteRunes)
		}
		return s.finish(c, group, note, c.U.Command == "skip")
	case stepMark:
		k, err := strconv.Atoi(c.Conv.Data["k"])
		if err != nil || k < 0 || k >= len(sc.Criteria) {
			if err := c.EndConv(); err != nil {
				return err
			}
			return c.Reply(c.T("score.flow_stale"))
		}
		top := sc.Criteria[k].Max
		if c.U.Command == "skip" {
			return c.Reply(c.T("score.no_skip", top))
		}
		v, err := strconv.Atoi(strings.TrimSpace(c.U.Text))
		if err != nil {
			return c.Reply(c.T("score.not_number", top))
		}
		if v < 0 || v > top {
			return c.Reply(c.T("score.out_of_range", top))
		}
		return s.apply(c, gi, group, k, v)
	}
	if err := c.EndConv(); err != nil {
		return err
	}
	return c.Reply(c.T("score.flow_stale"))
}

// skipNote is "sc:skip:<group>:<cohort>".
func (s *Scores) skipNote(c *bot.Context) error {
	d, ok := c.Button()
	if !ok || len(d.Args) != 1 || c.OtherCohort() {
		return c.Refuse(c.T("err.stale_button"))
	}
	_, group, refusal := s.target(c, d.Args[0])
	if refusal != "" {
		return c.Refuse(refusal)
	}
	if err := c.Answer("", false); err != nil {
		return err
	}
	return s.finish(c, group, "", true)
}

// finish saves the note (unless skipped: a skipped note keeps the one
// given before) and shows the scorer's marks for the group.
func (s *Scores) finish(c *bot.Context, group, note string, skipped bool) error {
	if !skipped {
		if err := s.store.SetScoreNote(c.Context, c.Cohort.ID, c.U.User, group, note); err != nil {
			return err
		}
	}
	if err := c.EndConv(); err != nil {
		return err
	}
	sc := c.Cohort.Plan.Scoring
	marks, kept, err := s.store.ScorerMarks(c.Context, c.Cohort.ID, c.U.User, group, len(sc.Criteria))
	if err != nil {
		return err
	}
	total := 0
	for _, m := range marks {
		total += max(m, 0)
	}
	text := c.T("score.saved", group, marksLine(sc, marks), total, MaxTotal(sc), bot.FormatWhen(sc.Window.Closes, c))
	if kept != "" {
		text += "\n" + c.T("score.note_line", kept)
	}
	return c.Reply(text)
}
