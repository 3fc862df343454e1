// Package bot is cohortbot's core: what every update needs, and the seam
// the features plug into.
//
// The core owns the transport-neutral Update and Message, buttons and the
// one button-data codec (button.go: every button, the core's and the
// features', carries "prefix:action:arg…:cohort", and every press is a
// route matched on prefix and action), roles, cohorts, members, profiles,
// invites and conversations, the Context of an update, the router and its
// middleware (recover, errors, timeout, gate, load, flood, roles), the
// routing of files (files.go: the conversation's flow first, then the kind
// of file, then a clear answer), the type of a picture or a document from
// its bytes (image.go, document.go), the catalogue merge, the organisers'
// digest, and the membership flows: start, register, profile, members,
// invites, privacy and /leave.
//
// Each feature is its own package beside it — bot/contest (the photo
// contest; voting is bot/contest/vote.go), bot/announce (announcements),
// bot/timetable (schedule, deadlines, calendar files, reminders),
// bot/report (the groups' reports), bot/score (report scoring) — plugged
// in through one Feature value (feature.go): its routes as a route group,
// the button prefixes it owns, its image or document handler, the due-item
// kinds it runs and what it plans for a cohort, the deadline kinds it can
// mark done, the dates it moves, its digest line, what /leave and removal
// must forget, and its texts (vi and en, keys prefixed by its name, merged
// at start with a collision check). cmd/cohortbot builds the one feature
// list that serve, console and the tests use; New takes the core store
// and that list.
//
// Import rules, checked by TestImportRules over go list: this package
// imports no feature, adapter, store or Redis client (bot/plan only); a
// feature imports bot and bot/plan, never another feature, store or a
// platform SDK, and declares its own small store interface, implemented
// by the one store package; the platform adapters (bot/telegram,
// bot/console) reach no store, Redis or feature; the scheduler runs due
// items by kind through Bot.RunDue and names no feature.
package bot
