// Package report is the groups' reports, one feature on the bot.Feature
// seam: a trainee of a group sends /report, picks the deadline when the
// plan has several of kind report, and sends the report as a document —
// PDF, Word, Excel or PowerPoint, old or new, at most 20 MB (the Bot
// API's download limit, checked on the declared size before
// downloading). The type comes from the bytes (bot.DetectDocument). A
// later file becomes a new version and the history is kept (at most
// MaxVersions per deadline and group); a file after the deadline is
// accepted and marked late. Every other member of the group is told
// through the outbox, and the deadline counts as done for the group
// (Feature.Done), so /deadlines shows it and its reminders stop.
// Lecturers and organisers list the groups' reports and fetch any
// version (list.go); files are kept as platform file ids with their
// metadata, never as bytes.
//
// A member who leaves is de-identified in the versions they uploaded
// (their key and name removed): the report is the group's work, which
// the group, the scores and the certificates still need.
//
// It imports bot and bot/plan only (DESIGN.md's import rules); its state
// is behind Store, implemented by store/report.go. Its texts are
// texts_vi.go and texts_en.go, keys prefixed "report.".
package report
