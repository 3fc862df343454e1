package cert

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/cohortbot/cohortbot/bot"
	"github.com/cohortbot/cohortbot/bot/plan"
)

// Cert is the certificates feature.
type Cert struct {
	core       *bot.Bot
	store      Store
	attendance Attendance
	render     Renderer
	publicURL  string
}

// Certificate is one issued certificate, as printed: what it says is
// fixed when it is issued, so a later change of the plan or of the
// member's name never changes what a verification shows.
type Certificate struct {
	Serial string      `json:"serial"` // canonical: 16 characters of base32, no dashes
	Cohort string      `json:"cohort"`
	User   bot.UserKey `json:"user"`
	Name   string      `json:"name"`
	Course string      `json:"course"`
	// Starts and Ends are the course's first session's start and last
	// session's end; Zone is the cohort's time zone they are shown in.
	Starts  time.Time `json:"starts"`
	Ends    time.Time `json:"ends"`
	Zone    string    `json:"zone"`
	Issuer  string    `json:"issuer"`
	Issued  time.Time `json:"issued"`
	Revoked time.Time `json:"revoked,omitzero"`
	// Batch is the organisers' issue of many it came from, so that the
	// issue run again after a crash sends it too.
	Batch string `json:"batch,omitempty"`
}

// Store is what the certificates read and change (store.Store).
type Store interface {
	Member(ctx context.Context, cohort string, user bot.UserKey) (*bot.Member, error)
	Members(ctx context.Context, cohort string) ([]*bot.Member, error)
	Profiles(ctx context.Context, users []bot.UserKey) (map[bot.UserKey]bot.Profile, error)
	// Certificate is the member's certificate; bot.ErrNotFound when none.
	Certificate(ctx context.Context, cohort string, user bot.UserKey) (*Certificate, error)
	Certificates(ctx context.Context, cohort string) ([]*Certificate, error)
	// IssueCertificate records c unless the member has a certificate
	// already, and returns the one recorded: issuing is idempotent.
	IssueCertificate(ctx context.Context, c *Certificate) (got *Certificate, issued bool, err error)
	// RevokeCertificate marks the member's certificate revoked, audited;
	// it returns the certificate, bot.ErrNotFound when none.
	RevokeCertificate(ctx context.Context, cohort string, user, by bot.UserKey, now time.Time) (*Certificate, error)
	// CertificateBySerial finds a certificate by its canonical serial;
	// bot.ErrNotFound when no certificate has it.
	CertificateBySerial(ctx context.Context, serial string) (*Certificate, error)
	// ForgetCertificate removes the member's certificate (they left).
	ForgetCertificate(ctx context.Context, cohort string, user bot.UserKey) error
}

// Attendance is what the certificates need of the attendance: how many
// of the sessions that ended by now the member attended.
type Attendance interface {
	Attended(ctx context.Context, c *bot.Cohort, user bot.UserKey, now time.Time) (attended, ended int, err error)
}

// Renderer writes a certificate as a PDF document, with a QR code of
// verifyURL (the serial itself when there is no public URL).
type Renderer func(c *Certificate, verifyURL string) ([]byte, error)

// New returns the certificates on their store, the attendance they count
// and the PDF renderer.
func New(st Store, att Attendance, render Renderer) *Cert {
	return &Cert{store: st, attendance: att, render: render}
}

// UsePublicURL sets the public base of the HTTP server (PUBLIC_URL), for
// the verification links printed on the certificates.
func (c *Cert) UsePublicURL(u string) { c.publicURL = strings.TrimRight(u, "/") }

// Feature plugs the certificates into the core.
func (c *Cert) Feature() bot.Feature {
	return bot.Feature{
		Name:    "cert",
		Texts:   texts(),
		Attach:  func(core *bot.Bot) { c.core = core },
		Routes:  c.routes,
		Buttons: []string{"cert"},
		Due:     map[string]bot.DueFunc{DueCertificates: c.runIssue},
		Export:  c.export,
		MyData:  c.myData,
		Forget: func(ctx context.Context, co *bot.Cohort, user bot.UserKey, _ time.Time) error {
			return c.store.ForgetCertificate(ctx, co.ID, user)
		},
	}
}

// VerifyURL is the page that says whether the serial is genuine, "" when
// the server has no public URL.
func (c *Cert) VerifyURL(serial string) string {
	if c.publicURL == "" {
		return ""
	}
	return c.publicURL + "/verify/" + FormatSerial(serial)
}

// serialBytes is the serial's randomness: 80 bits, 16 characters of base32.
const serialBytes = 10

// NewSerial returns a random serial from crypto/rand, canonical form.
func NewSerial() string {
	buf := make([]byte, serialBytes)
	if _, err := rand.Read(buf); err != nil {
		panic("crypto/rand: " + err.Error()) // never fails on supported platforms
	}
	return base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(buf)
}

// FormatSerial groups a canonical serial by four for reading: ABCD-EFGH-….
func FormatSerial(s string) string {
	var sb strings.Builder
	for i, r := range s {
		if i > 0 && i%4 == 0 {
			sb.WriteByte('-')
		}
		sb.WriteRune(r)
	}
	return sb.String()
}

// NormalizeSerial reads a serial as typed or scanned: case, dashes and
// spaces do not matter. Anything else is kept, so that it is simply not
// found; the result is at most 64 bytes.
func NormalizeSerial(s string) string {
	var sb strings.Builder
	for _, r := range strings.ToUpper(s) {
		if r == '-' || r == ' ' {
			continue
		}
		sb.WriteRune(r)
		if sb.Len() >= 64 {
			break
		}
	}
	return sb.String()
}

// ValidSerial reports whether s is a canonical serial: 16 characters of
// base32.
func ValidSerial(s string) bool {
	if len(s) != 16 {
		return false
	}
	for _, r := range s {
		if (r < 'A' || r > 'Z') && (r < '2' || r > '7') {
			return false
		}
	}
	return true
}

// Standing is where a trainee stands against the plan's requirements.
type Standing struct {
	Attended, Ended, Needed int
	// MissingReports are the titles of the report deadlines their group
	// has not done, when the plan requires the report.
	MissingReports []string
	Qualifies      bool
}

// DoneFunc reports whether the group has done the deadline
// (bot.Bot.Done).
type DoneFunc func(ctx context.Context, d plan.Deadline, group string) (bool, error)

// Assess measures a trainee of group against the requirements: the share
// of the sessions ended by now they attended, and, with report: true,
// every deadline of kind "report" done by their group. Nobody qualifies
// before a session has ended.
func Assess(ctx context.Context, p *plan.Plan, group string, attended, ended int, done DoneFunc) (Standing, error) {
	st := Standing{Attended: attended, Ended: ended}
	if p.Certificate == nil {
		return st, nil
	}
	req := p.Certificate.Requires
	// The share is of the sessions held so far; the small epsilon keeps
	// 0.8 × 5 at 4, not 5, whatever the float rounding.
	st.Needed = int(math.Ceil(req.Attendance*float64(ended) - 1e-9))
	if req.Report {
		for _, d := range p.Deadlines {
			if d.Kind != "report" {
				continue
			}
			ok, err := done(ctx, d, group)
			if err != nil {
				return st, fmt.Errorf("report %s of %s: %w", d.ID, group, err)
			}
			if !ok {
				st.MissingReports = append(st.MissingReports, d.Title)
			}
		}
	}
	st.Qualifies = ended > 0 && attended >= st.Needed && len(st.MissingReports) == 0
	return st, nil
}

// Missing says what the trainee lacks, one line each, in lang.
func (s Standing) Missing(l bot.Lang) []string {
	var out []string
	if s.Ended == 0 {
		return []string{tx(l, "cert.missing.no_session")}
	}
	if s.Attended < s.Needed {
		out = append(out, tx(l, "cert.missing.attendance", s.Attended, s.Ended, s.Needed))
	}
	for _, t := range s.MissingReports {
		out = append(out, tx(l, "cert.missing.report", t))
	}
	return out
}

// courseDates are the course's first session's start and last session's
// end; zero when the plan has no sessions.
func courseDates(p *plan.Plan) (starts, ends time.Time) {
	for _, s := range p.Sessions {
		if starts.IsZero() || s.Starts.Before(starts) {
			starts = s.Starts
		}
		if s.Ends.After(ends) {
			ends = s.Ends
		}
	}
	return starts, ends
}

// Dates says the course's dates in Vietnamese style (dd/mm/yyyy), in
// its zone.
func (c *Certificate) Dates() string {
	loc, err := time.LoadLocation(c.Zone)
	if err != nil {
		loc = time.UTC
	}
	if c.Starts.IsZero() {
		return ""
	}
	from, to := c.Starts.In(loc).Format("02/01/2006"), c.Ends.In(loc).Format("02/01/2006")
	if from == to {
		return from
	}
	return from + " – " + to
}
