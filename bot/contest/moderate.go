package contest

import "github.com/cohortbot/cohortbot/bot"

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cohortbot/cohortbot/bot/plan"
)

// Moderation and the organisers' contest panel. Each entry submitted to a
// moderated contest goes to every organiser through the outbox with ✅/❌
// buttons; the first decision wins (the store moves pending to approved or
// rejected once), and the author hears of it through the outbox. /contest
// shows the phase and the counts and lets organisers open, close or extend
// submissions and voting; every change goes into the cohort's audit log.

const (
	flowModerate   = "mod"
	modStepReason  = "why"
	pendingListMax = 10
	// extendBy is what one press of an "extend" button adds.
	extendBy = 24 * time.Hour
)

// askModerators sends an entry to every organiser. tag makes the batch
// id, so that a repeated update queues nothing twice.
func (b *Contest) askModerators(ctx context.Context, c *bot.Cohort, e *Entry, tag string) {
	members, organisers, langs, err := b.core.Organisers(ctx, c.ID)
	if err != nil {
		b.core.Log().Warn("moderation recipients", "cohort", c.ID, "err", err)
		return
	}
	names := memberNames(members)
	jobs := make([]bot.Job, 0, len(organisers))
	for _, o := range organisers {
		l := langs[o.User]
		msg := entryMessage(e, moderationText(l, e, names[e.Author]), moderationButtons(l, c.ID, e.N))
		msg.Chat = o.User.PrivateChat()
		jobs = append(jobs, bot.Job{ID: string(o.User), User: o.User, Msg: msg})
	}
	batch := bot.Batch{ID: fmt.Sprintf("ph-mod:%s:%d:%s", c.ID, e.N, tag), Cohort: c.ID, Kind: "moderation", Title: tx(bot.VI, "contest.ph.title", e.N)}
	if err := b.core.Deliver(ctx, batch, jobs); err != nil {
		b.core.Log().Warn("queue moderation", "cohort", c.ID, "entry", e.N, "err", err)
	}
}

func memberNames(ms []*bot.Member) map[bot.UserKey]string {
	out := make(map[bot.UserKey]string, len(ms))
	for _, m := range ms {
		out[m.User] = m.Name
	}
	return out
}

// entryMessage shows an entry's picture with a text and buttons.
func entryMessage(e *Entry, text string, rows [][]bot.Button) bot.Message {
	m := bot.Message{Text: text, Buttons: rows}
	if e.Document {
		m.Document = e.File()
	} else {
		m.Photo = e.File()
	}
	return m
}

func moderationButtons(l bot.Lang, cohort string, n int64) [][]bot.Button {
	id := strconv.FormatInt(n, 10)
	return [][]bot.Button{{
		{Text: tx(l, "contest.btn.approve"), Data: bot.Data("mod", "ok", cohort, id)},
		{Text: tx(l, "contest.btn.reject"), Data: bot.Data("mod", "no", cohort, id)},
	}}
}

// moderationText describes an entry for organisers: who sent it, from
// which group, and everything they wrote.
func moderationText(l bot.Lang, e *Entry, author string) string {
	lines := []string{tx(l, "contest.mod.title", e.N), tx(l, "contest.mod.author", bot.OrDash(author))}
	if e.Group != "" {
		lines = append(lines, tx(l, "profile.group", e.Group))
	}
	lines = append(lines, tx(l, "contest.mod.category", bot.OrDash(e.Category)), tx(l, "contest.mod.enterprise", bot.OrDash(e.Enterprise)))
	if e.Caption != "" {
		lines = append(lines, tx(l, "contest.mod.caption", e.Caption))
	}
	return strings.Join(lines, "\n")
}

// moderatePress checks what every moderation button claims: an entry
// number of the active course's contest: "mod:ok:<n>:<cohort>" (✅),
// "mod:no:<n>:<cohort>" (❌) and "mod:ns:<n>:<cohort>" (reject without a
// reason). refused is set when it answered the press already.
func (b *Contest) moderatePress(c *bot.Context) (cs Store, n int64, refused bool, err error) {
	_, cs = b.contest(c)
	_, args, ok, other := cbFields(c)
	if cs == nil || !ok || len(args) != 1 || other {
		return nil, 0, true, refuseButton(c, cs != nil && ok && len(args) == 1)
	}
	n, perr := strconv.ParseInt(args[0], 10, 64)
	if perr != nil || n <= 0 {
		return nil, 0, true, c.Refuse(c.T("err.stale_button"))
	}
	return cs, n, false, nil
}

// moderateApprove is ✅ on an entry.
func (b *Contest) moderateApprove(c *bot.Context) error {
	_, n, refused, err := b.moderatePress(c)
	if refused || err != nil {
		return err
	}
	return b.approve(c, n)
}

// moderateReject is ❌ on an entry: it asks the reason, which may be
// skipped with a button.
func (b *Contest) moderateReject(c *bot.Context) error {
	cs, n, refused, err := b.moderatePress(c)
	if refused || err != nil {
		return err
	}
	e, err := cs.Entry(c.Context, c.Cohort.ID, n)
	if bot.IsNotFound(err) {
		return c.Refuse(c.T("contest.mod.not_found", n))
	}
	if err != nil {
		return err
	}
	if e.Status != EntryPending {
		return c.Refuse(c.T("contest.mod.decided", n, c.T("contest.ph.status."+e.Status)))
	}
	id := strconv.FormatInt(n, 10)
	if err := c.SetConv(flowModerate, modStepReason, map[string]string{"n": id, "co": c.Cohort.ID}); err != nil {
		return err
	}
	return c.Reply(c.T("contest.mod.ask_reason", n), []bot.Button{{Text: c.T("contest.btn.no_reason"), Data: bot.Data("mod", "ns", c.Cohort.ID, id)}})
}

// moderateNoReason rejects an entry without a reason.
func (b *Contest) moderateNoReason(c *bot.Context) error {
	_, n, refused, err := b.moderatePress(c)
	if refused || err != nil {
		return err
	}
	return b.reject(c, n, "")
}

// moderateStale answers a moderation button with an action it does not
// know.
func (b *Contest) moderateStale(c *bot.Context) error {
	if _, _, refused, err := b.moderatePress(c); refused || err != nil {
		return err
	}
	return c.Refuse(c.T("err.stale_button"))
}

// decide takes an organiser's decision on entry n and tells the author.
// A decision already taken the same way (by another organiser, or this
// press again) tells the author again, but the notice has the same id, so
// it is queued at most once. It returns the entry when this press made
// the decision; otherwise the press has been answered and e is nil.
func (b *Contest) decide(c *bot.Context, n int64, approve bool, reason string) (e *Entry, err error) {
	_, cs := b.contest(c)
	want, verdict := EntryRejected, "no"
	if approve {
		want, verdict = EntryApproved, "ok"
	}
	ok, status, decision, err := cs.DecideEntry(c.Context, c.Cohort.ID, n, approve, reason, c.U.User, b.core.Now())
	if bot.IsNotFound(err) {
		return nil, c.Refuse(c.T("contest.mod.not_found", n))
	}
	if err != nil {
		return nil, err
	}
	if !ok && status != want {
		return nil, c.Refuse(c.T("contest.mod.decided", n, c.T("contest.ph.status."+status)))
	}
	if e, err = cs.Entry(c.Context, c.Cohort.ID, n); err != nil {
		return nil, err
	}
	b.tellAuthor(c, e, verdict, decision)
	if !ok {
		return nil, c.Refuse(c.T("contest.mod.decided", n, c.T("contest.ph.status."+status)))
	}
	return e, nil
}

func (b *Contest) approve(c *bot.Context, n int64) error {
	e, err := b.decide(c, n, true, "")
	if e == nil {
		return err
	}
	b.core.Log().Info("contest entry approved", "cohort", c.Cohort.ID, "entry", n, "by", c.U.User)
	if err := c.Answer(c.T("contest.mod.approved", n), false); err != nil {
		return err
	}
	return b.markModerated(c, e)
}

// markModerated shows the decision on the organiser's moderation message,
// without its buttons. Failing costs only the look, so it is logged.
func (b *Contest) markModerated(c *bot.Context, e *Entry) error {
	if c.U.Callback == nil || c.U.Callback.MessageID == 0 {
		return nil
	}
	name := ""
	if a, err := b.store.Member(c.Context, c.Cohort.ID, e.Author); err == nil {
		name = a.Name
	}
	text := moderationText(c.Lang, e, name)
	// The title said it waits: it does no longer.
	_, rest, _ := strings.Cut(text, "\n")
	text = c.T("contest.mod.title_done", e.N) + "\n" + rest + "\n\n" + c.T("contest.mod.done_by", c.T("contest.ph.status."+e.Status), bot.OrDash(c.Member.Name))
	msg := entryMessage(e, text, nil)
	msg.Edit = c.U.Callback.MessageID
	if _, err := c.Send(msg); err != nil {
		b.core.Log().Warn("mark moderation message", "entry", e.N, "err", err)
	}
	return nil
}

// rejectReason takes the organiser's reason (or /skip) for a rejection.
func (b *Contest) rejectReason(c *bot.Context) error {
	n, err := strconv.ParseInt(c.Conv.Data["n"], 10, 64)
	if err != nil || !convCohort(c) {
		// The organiser switched course since: the entry is the other's.
		if err := c.EndConv(); err != nil {
			return err
		}
		return c.Reply(c.T("contest.other_cohort"))
	}
	reason := ""
	if c.U.Command != "skip" {
		reason = bot.Truncate(bot.CleanName(c.U.Text), 300)
		if reason == "" || strings.HasPrefix(reason, "/") {
			return c.Reply(c.T("contest.mod.ask_reason", n))
		}
	}
	return b.reject(c, n, reason)
}

func (b *Contest) reject(c *bot.Context, n int64, reason string) error {
	if c.Conv != nil && c.Conv.Flow == flowModerate {
		if err := c.EndConv(); err != nil {
			return err
		}
	}
	if e, err := b.decide(c, n, false, reason); e == nil {
		return err
	}
	b.core.Log().Info("contest entry rejected", "cohort", c.Cohort.ID, "entry", n, "by", c.U.User)
	return c.Reply(c.T("contest.mod.rejected", n))
}

// tellAuthor queues the moderation outcome (verdict "ok" or "no") for the
// entry's author. The batch id is the entry's and the decision's (its
// audit id), so it goes out once whoever pressed and however often, and
// again when the entry, re-captioned, is decided again.
func (b *Contest) tellAuthor(c *bot.Context, e *Entry, verdict, decision string) {
	lang := bot.VI
	if p, err := b.store.Profile(c.Context, e.Author); err == nil && p.Lang != "" {
		lang = p.Lang
	}
	text := tx(lang, "contest.ph.approved_notice", e.N)
	if verdict == "no" {
		text = tx(lang, "contest.ph.rejected_notice", e.N)
		if e.Reason != "" {
			text += "\n" + tx(lang, "contest.ph.reason", e.Reason)
		}
	}
	batch := bot.Batch{ID: fmt.Sprintf("ph-%s:%s:%d:%s", verdict, c.Cohort.ID, e.N, decision), Cohort: c.Cohort.ID, Kind: "notice", Title: tx(bot.VI, "contest.ph.title", e.N)}
	job := bot.Job{ID: string(e.Author), User: e.Author, Msg: bot.Message{Chat: e.Author.PrivateChat(), Text: text}}
	if err := b.core.Deliver(c.Context, batch, []bot.Job{job}); err != nil {
		b.core.Log().Warn("tell author", "entry", e.N, "err", err)
	}
}

// pending shows organisers the entries waiting for a decision, each with
// its buttons.
func (b *Contest) pending(c *bot.Context) error {
	pc, cs := b.contest(c)
	if pc == nil {
		return c.Reply(c.T("contest.none"))
	}
	snap, err := cs.ContestSnapshot(c.Context, c.Cohort.ID)
	if err != nil {
		return err
	}
	var waiting []*Entry
	for _, e := range snap.Entries {
		if e.Status == EntryPending {
			waiting = append(waiting, e)
		}
	}
	if len(waiting) == 0 {
		return c.Reply(c.T("contest.mod.none"))
	}
	members, err := b.store.Members(c.Context, c.Cohort.ID)
	if err != nil {
		return err
	}
	names := memberNames(members)
	if err := c.Reply(c.T("contest.mod.pending_title", len(waiting))); err != nil {
		return err
	}
	for _, e := range waiting[:min(len(waiting), pendingListMax)] {
		if _, err := c.Send(entryMessage(e, moderationText(c.Lang, e, names[e.Author]), moderationButtons(c.Lang, c.Cohort.ID, e.N))); err != nil {
			return err
		}
	}
	if more := len(waiting) - pendingListMax; more > 0 {
		return c.Reply(c.T("contest.mod.pending_more", more))
	}
	return nil
}

// contestPanel is /contest: the phase, the windows, the counts, and the
// buttons that change the windows.
func (b *Contest) contestPanel(c *bot.Context) error { return b.showPanel(c, 0) }

func (b *Contest) showPanel(c *bot.Context, edit int64) error {
	pc, cs := b.contest(c)
	if pc == nil {
		return c.Reply(c.T("contest.none"))
	}
	snap, err := cs.ContestSnapshot(c.Context, c.Cohort.ID)
	if err != nil {
		return err
	}
	now := b.core.Now()
	sub, vote := snap.Meta.Windows(pc)
	counts := map[string]int{}
	for _, e := range snap.Entries {
		counts[e.Status]++
	}
	lines := []string{
		c.T("contest.title", c.Cohort.Name),
		c.T("contest.phase", c.T(phaseKey(sub, vote, now))),
		c.T("contest.sub_window", windowText(c, sub), c.T(openKey(sub, now))),
	}
	if vote.Closes.IsZero() {
		lines = append(lines, c.T("contest.vote_none"))
	} else {
		lines = append(lines, c.T("contest.vote_window", windowText(c, vote), c.T(openKey(vote, now))))
	}
	lines = append(lines,
		c.T("contest.entries", len(snap.Entries), counts[EntryPending], counts[EntryApproved], counts[EntryRejected], counts[EntryWithdrawn], counts[EntryDraft]),
		c.T("contest.votes", snap.Meta.Votes, snap.Meta.Voters),
	)
	if snap.Meta.Announced {
		lines = append(lines, c.T("contest.announced"))
	}
	co := c.Cohort.ID
	bt := func(key, op string, args ...any) bot.Button {
		return bot.Button{Text: c.T(key, args...), Data: bot.Data("ct", op, co)}
	}
	// The phase buttons carry the windows' version (windowPress).
	ver := strconv.FormatInt(snap.Meta.WindowVersion, 10)
	phaseBt := func(key, op string) bot.Button {
		return bot.Button{Text: c.T(key), Data: bot.Data("ct", op, co, ver)}
	}
	var rows [][]bot.Button
	switch {
	case sub.Open(now):
		rows = append(rows, []bot.Button{phaseBt("contest.btn.sub_close", "sc"), phaseBt("contest.btn.sub_extend", "sx")})
	case vote.Opens.IsZero() || now.Before(vote.Opens):
		// Once voting has begun submissions stay closed (windowChange).
		rows = append(rows, []bot.Button{phaseBt("contest.btn.sub_open", "so"), phaseBt("contest.btn.sub_extend", "sx")})
	}
	if !snap.Meta.Announced {
		if vote.Open(now) {
			rows = append(rows, []bot.Button{phaseBt("contest.btn.vote_close", "vc"), phaseBt("contest.btn.vote_extend", "vx")})
		} else {
			rows = append(rows, []bot.Button{phaseBt("contest.btn.vote_open", "vo"), phaseBt("contest.btn.vote_extend", "vx")})
		}
	}
	rows = append(rows, []bot.Button{bt("btn.top", "top"), bt("contest.btn.who_voted", "who")})
	if counts[EntryPending] > 0 {
		rows = append(rows, []bot.Button{bt("contest.btn.pending_n", "pend", counts[EntryPending])})
	}
	if Phase(vote, now) == PhaseClosed && !snap.Meta.Announced {
		rows = append(rows, []bot.Button{bt("contest.btn.results", "res")})
	}
	_, err = c.Send(bot.Message{Text: strings.Join(lines, "\n"), Buttons: rows, Edit: edit})
	return err
}

func phaseKey(sub, vote plan.Window, now time.Time) string {
	switch {
	case Phase(vote, now) == PhaseClosed:
		return "contest.phase_closed"
	case vote.Open(now):
		return "contest.phase_voting"
	case sub.Open(now):
		return "contest.phase_submissions"
	case now.Before(sub.Opens):
		return "contest.phase_before"
	}
	return "contest.phase_between"
}

func openKey(w plan.Window, now time.Time) string {
	switch {
	case w.Open(now):
		return "contest.open"
	case now.Before(w.Opens):
		return "contest.not_yet"
	}
	return "contest.shut"
}

func windowText(c *bot.Context, w plan.Window) string {
	return bot.FormatWhen(w.Opens, c) + " → " + bot.FormatWhen(w.Closes, c)
}

// The panel's buttons are routes (contestRoutes) that let only
// organisers through; each change is checked against the current windows,
// and the phase buttons carry the windows' version, so that a double tap
// or a press handled again after a crash changes nothing twice.

// panelPressed checks what every panel button claims: a contest of the
// active course, and args arguments. refused is set when it answered.
func (b *Contest) panelPressed(c *bot.Context, nargs int) (pc *plan.Contest, cs Store, args []string, refused bool, err error) {
	pc, cs = b.contest(c)
	if pc == nil {
		return nil, nil, nil, true, c.Refuse(c.T("contest.none"))
	}
	_, args, ok, other := cbFields(c)
	if !ok || other {
		return nil, nil, nil, true, refuseButton(c, ok)
	}
	if len(args) != nargs {
		return nil, nil, nil, true, c.Refuse(c.T("err.stale_button"))
	}
	return pc, cs, args, false, nil
}

// panelView is a panel button that shows something: the ranking, who
// voted, what waits, the results.
func (b *Contest) panelView(show func(c *bot.Context) error) bot.HandlerFunc {
	return func(c *bot.Context) error {
		if _, _, _, refused, err := b.panelPressed(c, 0); refused || err != nil {
			return err
		}
		return show(c)
	}
}

// panelStale answers a panel button with an action it does not know.
func (b *Contest) panelStale(c *bot.Context) error {
	if _, _, _, refused, err := b.panelPressed(c, -1); refused || err != nil {
		return err
	}
	return c.Refuse(c.T("err.stale_button"))
}

// windowPress opens, closes or extends submissions or voting (the
// actions of windowChange). The button carries the windows' version, so
// a double tap changes the dates once.
func (b *Contest) windowPress(c *bot.Context) error {
	pc, cs, args, refused, err := b.panelPressed(c, 1)
	if refused || err != nil {
		return err
	}
	d, _ := c.Button()
	op := d.Action
	seen, err := strconv.ParseInt(args[0], 10, 64)
	if err != nil {
		return c.Refuse(c.T("err.stale_button"))
	}
	sub, vote, meta, err := b.windows(c)
	if err != nil {
		return err
	}
	if seen != meta.WindowVersion {
		return b.panelChanged(c)
	}
	now := b.core.Now()
	ch, refusal := windowChange(pc, op, sub, vote, meta, now)
	if refusal != "" {
		return c.Refuse(c.T(refusal))
	}
	ch.Seen, ch.By, ch.Now = &seen, c.U.User, now
	changed, err := cs.SetContestWindows(c.Context, c.Cohort.ID, ch)
	if err != nil {
		return err
	}
	if !changed {
		return b.panelChanged(c)
	}
	b.core.Log().Info("contest windows changed", "cohort", c.Cohort.ID, "action", ch.Action, "sub", ch.Sub, "vote", ch.Vote, "by", c.U.User)
	if ch.Sub != nil {
		// The photos deadline moved: its reminders too.
		if err := b.core.Replan(c.Context, c.Cohort); err != nil {
			b.core.Log().Warn("replan reminders", "cohort", c.Cohort.ID, "err", err)
		}
	}
	if err := c.Answer(c.T("contest.changed."+ch.Action), false); err != nil {
		return err
	}
	if ch.Vote != nil && b.core.Schedule() != nil && ch.Vote.Closes.After(now) {
		// The close of voting moved: results are due at the new close.
		if err := b.core.Schedule().AddDue(c.Context, contestCloseItem(c.Cohort.ID, ch.Vote.Closes)); err != nil {
			b.core.Log().Warn("plan contest close", "cohort", c.Cohort.ID, "err", err)
		}
	}
	if ch.Action == PhaseVote+"_close" {
		if err := b.proposeResults(c.Context, c.Cohort, now, c.U.User); err != nil {
			return err
		}
	}
	return b.showPanel(c, c.U.Callback.MessageID)
}

// panelChanged answers a press of a panel drawn before the windows last
// changed, and redraws the panel as they are now.
func (b *Contest) panelChanged(c *bot.Context) error {
	if err := c.Answer(c.T("contest.changed_meanwhile"), true); err != nil {
		return err
	}
	return b.showPanel(c, c.U.Callback.MessageID)
}

// windowChange works out an organiser's change of the windows ("so", "sc",
// "sx": open, close or extend submissions; "vo", "vc", "vx": the same for
// voting), or the catalogue key of the refusal. Submissions always close
// before voting opens — voters must not see photos still coming in, nor
// winners withdraw theirs: opening voting closes submissions, extending
// submissions past the opening of voting moves that opening, and
// submissions cannot be opened again once voting has begun.
func windowChange(pc *plan.Contest, op string, sub, vote plan.Window, meta ContestMeta, now time.Time) (WindowChange, string) {
	ns, nv := sub, vote
	votingBegun := !vote.Opens.IsZero() && !now.Before(vote.Opens)
	var action string
	switch op {
	case "so":
		if votingBegun {
			return WindowChange{}, "contest.sub_after_vote"
		}
		if sub.Open(now) {
			return WindowChange{}, "contest.already_open"
		}
		ns.Opens = now
		if !ns.Closes.After(now) {
			// Reopened after an early close: until the plan's close when
			// it is still ahead, else for a day.
			ns.Closes = pc.Submissions.Closes
			if !ns.Closes.After(now) {
				ns.Closes = now.Add(extendBy)
			}
			// Reopening does not move voting (extending does).
			if !vote.Opens.IsZero() && ns.Closes.After(vote.Opens) {
				ns.Closes = vote.Opens
			}
		}
		action = PhaseSub + "_open"
	case "sc":
		if !sub.Open(now) {
			return WindowChange{}, "contest.already_shut"
		}
		ns.Closes = now
		action = PhaseSub + "_close"
	case "sx":
		if votingBegun {
			return WindowChange{}, "contest.sub_after_vote"
		}
		ns = extended(sub, now)
		action = PhaseSub + "_extend"
	case "vo", "vc", "vx":
		if meta.Announced {
			return WindowChange{}, "contest.already_announced"
		}
		switch op {
		case "vo":
			if vote.Open(now) {
				return WindowChange{}, "contest.already_open"
			}
			nv.Opens = now
			if !nv.Closes.After(now) {
				nv.Closes = now.Add(extendBy)
			}
			action = PhaseVote + "_open"
		case "vc":
			if !vote.Open(now) {
				return WindowChange{}, "contest.already_shut"
			}
			nv.Closes = now
			action = PhaseVote + "_close"
		default:
			nv = extended(vote, now)
			action = PhaseVote + "_extend"
		}
	default:
		return WindowChange{}, "err.stale_button"
	}
	if !nv.Opens.IsZero() && ns.Closes.After(nv.Opens) {
		if op[0] == 's' {
			// Submissions run longer: voting opens when they close.
			nv.Opens = ns.Closes
			if !nv.Closes.After(nv.Opens) {
				nv.Closes = nv.Opens.Add(extendBy)
			}
		} else {
			// Voting opens: submissions close then.
			ns.Closes = later(nv.Opens, now)
			if ns.Opens.After(ns.Closes) {
				ns.Opens = ns.Closes
			}
		}
	}
	ch := WindowChange{Action: action}
	if ns != sub {
		ch.Sub = &ns
	}
	if nv != vote {
		ch.Vote = &nv
	}
	return ch, ""
}

// extended is w with one more day (extendBy) after its close, or after
// now when it has closed already; it opens now if it had not yet.
func extended(w plan.Window, now time.Time) plan.Window {
	w.Closes = later(w.Closes, now).Add(extendBy)
	if w.Opens.IsZero() || w.Opens.After(w.Closes) {
		w.Opens = now
	}
	return w
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// whoVoted tells an organiser who voted for which photo. It is never
// shown to anyone else.
func (b *Contest) whoVoted(c *bot.Context) error {
	_, cs := b.contest(c)
	snap, err := cs.ContestSnapshot(c.Context, c.Cohort.ID)
	if err != nil {
		return err
	}
	members, err := b.store.Members(c.Context, c.Cohort.ID)
	if err != nil {
		return err
	}
	byUser := map[bot.UserKey]*bot.Member{}
	for _, m := range members {
		byUser[m.User] = m
	}
	lines := []string{c.T("contest.who_title")}
	for _, e := range snap.Entries {
		if snap.Tally[e.N].Votes == 0 {
			continue
		}
		voters, err := cs.PhotoVoters(c.Context, c.Cohort.ID, e.N)
		if err != nil {
			return err
		}
		var names []string
		for u := range voters {
			name := string(u)
			if m := byUser[u]; m != nil {
				name = bot.OrDash(m.Name)
				if m.Role == bot.Lecturer {
					name += " (" + c.T("role.lecturer") + ")"
				}
			}
			names = append(names, name)
		}
		slices.SortFunc(names, func(a, b string) int { return cmp.Compare(a, b) })
		lines = append(lines, c.T("contest.who_line", e.N, len(names), strings.Join(names, ", ")))
	}
	if len(lines) == 1 {
		lines = append(lines, c.T("contest.who_none"))
	}
	return c.Reply(strings.Join(lines, "\n"))
}
