// Package cert is the certificates of completion, one feature on the
// bot.Feature seam: /certificate tells a trainee whether they qualify
// under the plan's certificate.requires and what is missing, asks them to
// confirm the name to print and sends the certificate as a PDF;
// /certificates lets organisers see who qualifies, issue the certificates
// to everyone who does (through the outbox) and revoke one; GET
// /verify/{serial} (VerifyHandler) and `cohortbot certificate verify` say
// whether a serial is genuine.
//
// It imports bot and bot/plan only (DESIGN.md's import rules). What it
// needs of other parts comes through small interfaces that cmd/cohortbot
// satisfies: Attendance (the attendance feature) and Renderer (the PDF
// adapter, internal/certpdf). Whether a group handed in its report is
// asked of the core (bot.Bot.Done), which the report feature answers. Its
// state is behind Store (store/cert.go); its texts are texts_vi.go and
// texts_en.go, keys prefixed "cert.".
package cert
