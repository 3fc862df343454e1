// Package announce is the organisers' announcements, one feature on the
// bot.Feature seam: /announce drafts one (text, or a reply to a photo or
// file), picks the audience (everyone, a group, a role), previews it and
// sends it now through the outbox or at a time (a due item of kind "an");
// /link posts announcements in a Telegram group too.
//
// It imports bot and bot/plan only (DESIGN.md's import rules); its state
// is behind Store, implemented by the store package. Its texts are
// texts_vi.go and texts_en.go, keys prefixed "announce.".
package announce
