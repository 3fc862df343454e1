// Package score is the scoring of the groups' reports, one feature on
// the bot.Feature seam. During the plan's scoring.window lecturers and
// trainees send /score, pick a group other than their own, and mark each
// criterion of scoring.criteria (buttons 0..max, or the number typed),
// then add an optional note; they may score again until the close, each
// mark replacing their previous one (score.go). Organisers do not score:
// they run the scoring and alone see who gave which mark. Every press and
// every typed mark re-checks the role, the group and the window on the
// server.
//
// A group's score (tally.go, Tally): per criterion, the weighted mean of
// the lecturers' mean and the trainees' mean with scoring.weights — one
// side alone when only one side marked it — and the total is the sum
// over the criteria. Ties go to the higher lecturers' part, then to the
// group whose first report version came earlier (Reports, which cmd
// satisfies from the store: a feature never imports another), then to
// plan order. /ranking shows the standing to organisers always, to the
// others while the plan's ranking is live and once the window closed; at
// the close (a due item of kind "sc", planned like the contest's close)
// the organisers get the ranking with the 1st to 3rd places and a button
// that announces it through the outbox (ranking.go).
//
// Storage: one atomic hash write per (scorer, group, criterion), and the
// ranking reads all of a cohort's marks in one round trip
// (store/score.go).
//
// A member who leaves (or is removed) while the window is open loses
// their marks and notes: they withdrew, and the others can still score.
// After the close their marks stay in the tallies, which may have been
// announced, but under an anonymous scorer id; their notes, free text
// that may name them, are deleted.
//
// It imports bot and bot/plan only (DESIGN.md's import rules). Its texts
// are texts_vi.go and texts_en.go, keys prefixed "score.".
package score
