// Package attend is the course's attendance, one feature on the
// bot.Feature seam: an organiser shows a short check-in code and its QR
// code on the projector during a session (/checkincode); trainees check in
// by opening the QR code's link (/start ck-...) or with /checkin CODE;
// organisers see who is present per session and mark or unmark someone by
// hand (/attendance). Certificates read how many sessions a trainee
// attended through Attended.
//
// It imports bot and bot/plan only (DESIGN.md's import rules), and a QR
// encoder; its state is behind Store, implemented by the store package
// (store/attend.go). Its texts are texts_vi.go and texts_en.go, keys
// prefixed "attend.".
package attend
