// Package contest is the photo contest, one feature on the bot.Feature
// seam: trainees enter photos in the private chat (submit.go), organisers
// moderate them and open, close or extend the windows from /contest
// (moderate.go), trainees and lecturers vote on one photo at a time
// (vote.go), and at the close of voting the organisers get the ranking
// and announce the winners (results.go). dates.go moves the photos
// deadline with the close of submissions.
//
// It imports bot and bot/plan only (DESIGN.md's import rules). Its state
// is behind Store, declared here and implemented by the store package;
// every check that must hold at the moment of a change (the window, the
// picture not yet entered, the limit, the voter's group and quota) is
// made inside the store in one atomic step. Its texts are texts_vi.go and
// texts_en.go, keys prefixed "contest.".
package contest
