package contest

import "github.com/cohortbot/cohortbot/bot"

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cohortbot/cohortbot/bot/plan"
)

// Results. When voting closes (a due item planned with the reminders, or
// an organiser closing it from /contest), the organisers get the ranking's
// top `prizes` with the counts and a button to confirm; on confirmation the
// winners go to the whole cohort through the outbox, the winning photos as
// albums. Both steps happen once: their batch ids are fixed, and the
// announcement is marked in the store.

// DueContestClose is the due-item kind of the close of a cohort's voting.
const DueContestClose = "cc"

// contestClosePrefix starts the id of every contest-close item.
const contestClosePrefix = DueContestClose + ":"

// ContestCloseItems plans the close of the cohort's voting, when the plan
// has a vote that closes after now. The id holds the close time, so a
// moved close gets a new item.
func ContestCloseItems(c *bot.Cohort, now time.Time) []bot.DueItem {
	pc := c.Plan.Contest
	if pc == nil || pc.Voting.Closes.IsZero() || !pc.Voting.Closes.After(now) {
		return nil
	}
	return []bot.DueItem{contestCloseItem(c.ID, pc.Voting.Closes)}
}

// ContestClosePrefix is the id prefix of contest-close items, for
// re-planning them.
func ContestClosePrefix() string { return contestClosePrefix }

func contestCloseItem(cohort string, at time.Time) bot.DueItem {
	return bot.DueItem{
		ID:   contestClosePrefix + cohort + ":" + strconv.FormatInt(at.Unix(), 10),
		Kind: DueContestClose, Cohort: cohort, Ref: "contest", At: at, Due: at,
	}
}

// RunContestClose runs a contest-close item: once voting has closed (the
// organisers may have moved it), the proposed results go to the
// organisers. An item that falls due while voting is still open is
// deferred to the close.
func (b *Contest) RunContestClose(ctx context.Context, it bot.DueItem, now time.Time) (bot.DueOutcome, time.Time, error) {
	c, err := b.core.CohortAt(ctx, it.Cohort, 0)
	if bot.IsNotFound(err) {
		return bot.DueSkipped, time.Time{}, nil
	}
	if err != nil {
		return 0, time.Time{}, err
	}
	cs := b.store
	pc := c.Plan.Contest
	if pc == nil {
		return bot.DueSkipped, time.Time{}, nil
	}
	meta, err := cs.ContestMeta(ctx, c.ID)
	if err != nil {
		return 0, time.Time{}, err
	}
	_, vote := meta.Windows(pc)
	switch {
	case vote.Closes.IsZero() || meta.Announced:
		return bot.DueSkipped, time.Time{}, nil
	case now.Before(vote.Closes):
		return bot.DueDeferred, vote.Closes, nil
	}
	if err := b.proposeResults(ctx, c, now, ""); err != nil {
		return 0, time.Time{}, err
	}
	return bot.DueSent, time.Time{}, nil
}

// rank orders the approved entries: by score, then more voters, then
// earlier submission (then the lower number, which is the same unless the
// clock stood still).
func rank(snap *ContestSnapshot) []Standing {
	return standings(snap.Entries, func(i int) Tally { return snap.Tally[snap.Entries[i].N] }, true)
}

// rankKey is what the ranking compares of an entry, gathered once so that
// the sort moves and compares a few numbers instead of Standings: first
// the score and the voters, packed into one number that sorts the right
// way (see packRank), then the submission time and the number.
type rankKey struct {
	first uint64
	sec   int64 // the submission time
	nsec  int32
	i     int32 // the entry's index
}

// packRank packs a score (counted in thousandths, as the store keeps it)
// and a number of voters into one number that is smaller for the better
// rank: more points first, then more voters. It reports false for values
// out of its range (far beyond any contest), which are sorted without it.
func packRank(t Tally) (uint64, bool) {
	const voterBits, scoreBias = 20, 1 << 42
	x := t.Score * 1000
	m := math.Round(x)
	if !(math.Abs(x-m) <= 1e-6) || !(math.Abs(m) < scoreBias) || t.Votes < 0 || t.Votes >= 1<<voterBits {
		return 0, false
	}
	return ^(uint64(int64(m)+scoreBias)<<voterBits | uint64(t.Votes)), true
}

// standings lists the approved entries of entries, each copied once into
// its Standing: ranked (see rank) with their tallies when ranked is set,
// tally(i) being entries[i]'s, else in entry order without counts.
func standings(entries []*Entry, tally func(i int) Tally, ranked bool) []Standing {
	keys := make([]rankKey, 0, len(entries))
	packed := true
	for i, e := range entries {
		if e.Status != EntryApproved {
			continue
		}
		k := rankKey{i: int32(i)}
		if ranked {
			var ok bool
			k.first, ok = packRank(tally(i))
			packed = packed && ok
			k.sec, k.nsec = e.Created.Unix(), int32(e.Created.Nanosecond())
		}
		keys = append(keys, k)
	}
	if ranked {
		later := func(a, b rankKey) int {
			switch {
			case a.sec != b.sec:
				return cmp.Compare(a.sec, b.sec)
			case a.nsec != b.nsec:
				return cmp.Compare(a.nsec, b.nsec)
			}
			return cmp.Compare(entries[a.i].N, entries[b.i].N)
		}
		if packed {
			slices.SortFunc(keys, func(a, b rankKey) int {
				if a.first != b.first {
					return cmp.Compare(a.first, b.first)
				}
				return later(a, b)
			})
		} else {
			slices.SortFunc(keys, func(a, b rankKey) int {
				ta, tb := tally(int(a.i)), tally(int(b.i))
				return cmp.Or(cmp.Compare(tb.Score, ta.Score), cmp.Compare(tb.Votes, ta.Votes), later(a, b))
			})
		}
	}
	out := make([]Standing, len(keys))
	for r, k := range keys {
		out[r] = Standing{Entry: *entries[k.i]}
		if ranked {
			t := tally(int(k.i))
			out[r].Rank, out[r].Votes, out[r].Score = r+1, t.Votes, t.Score
		}
	}
	return out
}

// Leaderboard is the contest as the gallery shows it. With organiser
// false (the public page) totals stay hidden until voting closes unless
// the plan's totals are live, and no personal data leaves: entries carry
// no author, no rejection reason, and no group while voting runs in a
// contest that does not show groups.
func (b *Contest) Leaderboard(ctx context.Context, c *bot.Cohort, now time.Time, organiser bool) (Leaderboard, error) {
	cs := b.store
	if c.Plan.Contest == nil {
		return Leaderboard{State: PhaseSubmissions}, nil
	}
	return leaderboard(ctx, cs, c, now, organiser)
}

func leaderboard(ctx context.Context, cs Store, c *bot.Cohort, now time.Time, organiser bool) (Leaderboard, error) {
	pc := c.Plan.Contest
	// Counts are read only when they may be shown: always for organisers
	// and with live totals, else once voting has closed, which the board
	// read without them tells.
	visible := organiser || pc.Totals == plan.Live
	board, err := cs.ContestBoard(ctx, c.ID, visible)
	if err != nil {
		return Leaderboard{}, err
	}
	_, vote := board.Meta.Windows(pc)
	lb := Leaderboard{State: Phase(vote, now), Prizes: pc.Prizes}
	lb.TotalsVisible = visible || lb.State == PhaseClosed
	if lb.TotalsVisible && board.Tallies == nil {
		// Voting has closed: read again, with the counts, and decide
		// again on what that read says.
		if board, err = cs.ContestBoard(ctx, c.ID, true); err != nil {
			return Leaderboard{}, err
		}
		_, vote = board.Meta.Windows(pc)
		lb.State = Phase(vote, now)
		lb.TotalsVisible = lb.State == PhaseClosed
	}
	// Without totals: entry order and no counts, nothing to sort, nothing
	// to leak.
	lb.Standings = standings(board.Entries, func(i int) Tally { return board.Tallies[i] }, lb.TotalsVisible)
	if !organiser {
		for i := range lb.Standings {
			s := &lb.Standings[i]
			s.Author, s.Reason = "", ""
			if !pc.ShowGroup && lb.State != PhaseClosed {
				s.Group = ""
			}
		}
	}
	return lb, nil
}

// EntryFile returns the platform file id of an approved entry, for the
// gallery to fetch; any other entry is ErrNotFound.
func (b *Contest) EntryFile(ctx context.Context, c *bot.Cohort, n int64) (string, error) {
	cs := b.store
	if c.Plan.Contest == nil {
		return "", bot.ErrNotFound
	}
	e, err := cs.Entry(ctx, c.ID, n)
	if err != nil {
		return "", err
	}
	if e.Status != EntryApproved {
		return "", bot.ErrNotFound
	}
	return e.FileID, nil
}

// winners are the top `prizes` standings (ten when the plan sets none)
// that have at least one vote: a photo nobody voted for wins nothing.
func winners(pc *plan.Contest, st []Standing) []Standing {
	n := pc.Prizes
	if n <= 0 {
		n = topMax
	}
	st = st[:min(n, len(st))]
	for i, s := range st {
		if s.Votes == 0 { // ranked by score then voters: the rest have none either
			return st[:i]
		}
	}
	return st
}

// proposeResults sends the organisers the ranking's winners with a button
// to announce them, once per close of voting: the batch id holds the
// close, and the outbox queues a batch's jobs once.
func (b *Contest) proposeResults(ctx context.Context, c *bot.Cohort, now time.Time, by bot.UserKey) error {
	cs := b.store
	pc := c.Plan.Contest
	meta, err := cs.ContestMeta(ctx, c.ID)
	if err != nil {
		return err
	}
	_, vote := meta.Windows(pc)
	closeMS := strconv.FormatInt(vote.Closes.UnixMilli(), 10)
	if meta.Announced || meta.Proposed == vote.Closes.UnixMilli() {
		return nil
	}
	snap, err := cs.ContestSnapshot(ctx, c.ID)
	if err != nil {
		return err
	}
	members, organisers, langs, err := b.core.Organisers(ctx, c.ID)
	if err != nil {
		return err
	}
	names := memberNames(members)
	jobs := make([]bot.Job, 0, len(organisers))
	for _, o := range organisers {
		l := langs[o.User]
		text, rows := proposalText(l, c, snap, names)
		jobs = append(jobs, bot.Job{ID: string(o.User), User: o.User, Msg: bot.Message{Chat: o.User.PrivateChat(), Text: text, Buttons: rows}})
	}
	batch := bot.Batch{ID: "ph-results:" + c.ID + ":" + closeMS, Cohort: c.ID, Kind: "contest", Title: tx(bot.VI, "contest.res.title_short")}
	if err := b.core.Deliver(ctx, batch, jobs); err != nil {
		return fmt.Errorf("queue results proposal: %w", err)
	}
	if _, err := cs.MarkResults(ctx, c.ID, "proposed", closeMS, by, now); err != nil {
		return err
	}
	b.core.Log().Info("contest results proposed", "cohort", c.ID, "organisers", len(jobs))
	return nil
}

// proposalText is the organisers' view of the winners, with the confirm
// button.
func proposalText(l bot.Lang, c *bot.Cohort, snap *ContestSnapshot, names map[bot.UserKey]string) (string, [][]bot.Button) {
	pc := c.Plan.Contest
	st := rank(snap)
	win := winners(pc, st)
	lines := []string{tx(l, "contest.res.proposal", c.Name, len(st), snap.Meta.Votes, snap.Meta.Voters, len(win))}
	for _, s := range win {
		lines = append(lines, standingLine(l, s, names[s.Author], true))
	}
	if len(win) == 0 {
		// Nothing to announce: no button.
		return strings.Join(append(lines, noWinnersText(l, st)), "\n"), nil
	}
	lines = append(lines, "", tx(l, "contest.res.confirm_hint"))
	return strings.Join(lines, "\n"), [][]bot.Button{{{Text: tx(l, "contest.btn.announce_results"), Data: bot.Data("res", "ok", c.ID)}}}
}

// noWinnersText says why there are no prizes: no approved photo, or no
// vote for any.
func noWinnersText(l bot.Lang, st []Standing) string {
	if len(st) == 0 {
		return tx(l, "contest.res.no_entries")
	}
	return tx(l, "contest.res.no_votes")
}

// standingLine is one winner: rank, entry, category, group and author,
// with the counts when counts is set.
func standingLine(l bot.Lang, s Standing, author string, counts bool) string {
	who := bot.OrDash(author)
	if s.Group != "" {
		who = s.Group + " — " + who
	}
	line := tx(l, "contest.res.line", s.Rank, s.N, bot.OrDash(s.Category), who)
	if counts {
		line += " " + tx(l, "contest.res.counts", formatScore(s.Score), s.Votes)
	}
	return line
}

// closedContest reads the contest and its members for an organiser acting
// on the results: only once voting has closed and before the results were
// announced. Otherwise the press is refused and snap is nil.
func (b *Contest) closedContest(c *bot.Context, pc *plan.Contest, cs Store, now time.Time) (*ContestSnapshot, []*bot.Member, error) {
	snap, err := cs.ContestSnapshot(c.Context, c.Cohort.ID)
	if err != nil {
		return nil, nil, err
	}
	_, vote := snap.Meta.Windows(pc)
	if Phase(vote, now) != PhaseClosed {
		return nil, nil, c.Refuse(c.T("contest.res.not_closed"))
	}
	if snap.Meta.Announced {
		return nil, nil, c.Refuse(c.T("contest.already_announced"))
	}
	members, err := b.store.Members(c.Context, c.Cohort.ID)
	if err != nil {
		return nil, nil, err
	}
	return snap, members, nil
}

// resultsNow is the panel's results button: the proposal again, to the
// organiser who pressed it.
func (b *Contest) resultsNow(c *bot.Context) error {
	pc, cs := b.contest(c)
	snap, members, err := b.closedContest(c, pc, cs, b.core.Now())
	if snap == nil {
		return err
	}
	text, rows := proposalText(c.Lang, c.Cohort, snap, memberNames(members))
	return c.Reply(text, rows...)
}

// resultsPress is "res:ok:<cohort>": an organiser confirms the results,
// which go to every member of the cohort (and its linked group chat),
// once.
func (b *Contest) resultsPress(c *bot.Context) error {
	pc, cs := b.contest(c)
	op, args, ok, other := cbFields(c)
	if pc == nil || !ok || op != "ok" || len(args) != 0 || other {
		return refuseButton(c, pc != nil && ok && op == "ok" && len(args) == 0)
	}
	now := b.core.Now()
	snap, members, err := b.closedContest(c, pc, cs, now)
	if snap == nil {
		return err
	}
	var to []*bot.Member
	for _, m := range members {
		if m.Registered {
			to = append(to, m)
		}
	}
	langs, err := b.core.Langs(c.Context, to)
	if err != nil {
		return err
	}
	names := memberNames(members)
	st := rank(snap)
	win := winners(pc, st)
	if len(win) == 0 {
		return c.Refuse(noWinnersText(c.Lang, st))
	}
	var jobs []bot.Job
	add := func(id string, user bot.UserKey, chat bot.ChatKey, l bot.Lang) {
		for i, m := range resultsMessages(l, c.Cohort, win, names) {
			m.Chat = chat
			jobs = append(jobs, bot.Job{ID: fmt.Sprintf("%s#%02d", id, i), User: user, Msg: m})
		}
	}
	for _, m := range to {
		add(string(m.User), m.User, m.User.PrivateChat(), langs[m.User])
	}
	if c.Cohort.GroupChat != "" {
		add("group", "", c.Cohort.GroupChat, bot.VI)
	}
	// The batch id is the cohort's: a second press, or this update again,
	// queues nothing twice.
	batch := bot.Batch{ID: "ph-announce:" + c.Cohort.ID, Cohort: c.Cohort.ID, Kind: "contest",
		ReportTo: c.U.User.PrivateChat(), Lang: c.Lang, Title: tx(c.Lang, "contest.res.title_short")}
	if err := b.core.Deliver(c.Context, batch, jobs); err != nil {
		return fmt.Errorf("queue results: %w", err)
	}
	if _, err := cs.MarkResults(c.Context, c.Cohort.ID, "announced", "1", c.U.User, now); err != nil {
		return err
	}
	b.core.Log().Info("contest results announced", "cohort", c.Cohort.ID, "by", c.U.User, "recipients", len(to))
	return c.Reply(c.T("contest.res.sending", len(to)))
}

// resultsMessages are what each member gets: the winners' list, then the
// winning photos as albums of at most ten (files one by one).
func resultsMessages(l bot.Lang, c *bot.Cohort, win []Standing, names map[bot.UserKey]string) []bot.Message {
	lines := []string{tx(l, "contest.res.announce", c.Name)}
	for _, s := range win {
		lines = append(lines, standingLine(l, s, names[s.Author], false))
	}
	if len(win) == 0 {
		lines = append(lines, tx(l, "contest.res.no_entries"))
	} else {
		lines = append(lines, "", tx(l, "contest.res.thanks"))
	}
	out := []bot.Message{{Text: strings.Join(lines, "\n")}}
	var photos []Standing
	for _, s := range win {
		if s.Document {
			out = append(out, bot.Message{Document: s.File(), Text: tx(l, "contest.res.caption_one", s.Rank, s.N)})
			continue
		}
		photos = append(photos, s)
	}
	for start := 0; start < len(photos); start += 10 {
		chunk := photos[start:min(start+10, len(photos))]
		if len(chunk) == 1 {
			out = append(out, bot.Message{Photo: chunk[0].File(), Text: tx(l, "contest.res.caption_one", chunk[0].Rank, chunk[0].N)})
			continue
		}
		files := make([]*bot.File, len(chunk))
		for i, s := range chunk {
			files[i] = s.File()
		}
		out = append(out, bot.Message{Media: files, Text: tx(l, "contest.res.caption", chunk[0].Rank, chunk[len(chunk)-1].Rank)})
	}
	return out
}

// PhotosDone is the done seam for deadlines of kind "photos": a group is
// done once it has an entry pending or approved.
func PhotosDone(cs Store) bot.DoneFunc {
	return func(ctx context.Context, c *bot.Cohort, _ plan.Deadline, group string) (bool, error) {
		n, err := cs.GroupEntries(ctx, c.ID, group)
		return n > 0, err
	}
}

// ContestDigest is the contest's line of the organisers' daily digest:
// new entries, entries waiting for a decision, votes.
func ContestDigest(cs Store) bot.DigestPart {
	return func(ctx context.Context, c *bot.Cohort, since, _ time.Time, l bot.Lang) (string, error) {
		if c.Plan.Contest == nil {
			return "", nil
		}
		snap, err := cs.ContestSnapshot(ctx, c.ID)
		if err != nil {
			return "", fmt.Errorf("digest contest: %w", err)
		}
		var fresh, pending, approved int
		for _, e := range snap.Entries {
			switch e.Status {
			case EntryPending:
				pending++
			case EntryApproved:
				approved++
			}
			if e.Status != EntryDraft && e.Status != EntryWithdrawn && !e.Created.Before(since) {
				fresh++
			}
		}
		return tx(l, "contest.digest.contest", fresh, pending, approved, snap.Meta.Votes, snap.Meta.Voters), nil
	}
}
