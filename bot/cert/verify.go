package cert

import (
	"context"
	"html/template"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/cohortbot/cohortbot/bot"
)

// VerifyPattern is the verification page's route (net/http ServeMux).
const VerifyPattern = "GET /verify/{serial}"

// verifyTimeout bounds the store reads of one request.
const verifyTimeout = 5 * time.Second

// Lookup finds a certificate by serial (store.Store).
type Lookup interface {
	CertificateBySerial(ctx context.Context, serial string) (*Certificate, error)
}

// VerifyHandler serves GET /verify/{serial}: a small page for the phone
// that scanned a certificate's QR code, in Vietnamese, or in English with
// ?lang=en or an Accept-Language that prefers English. It says whether the
// serial is genuine, whose it is, for which course, and whether it was
// revoked; an unknown serial gets 404 and the same page saying so. It
// lists nothing else. Every request reads the store the same way, so a
// malformed serial takes as long as an unknown one.
func VerifyHandler(st Lookup, log *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		lang := verifyLang(r)
		serial := NormalizeSerial(r.PathValue("serial"))
		if !ValidSerial(serial) {
			// Looked up all the same (a key nobody has), so that a
			// malformed serial answers like an unknown one.
			serial = ""
		}
		ctx, cancel := context.WithTimeout(r.Context(), verifyTimeout)
		defer cancel()
		ce, err := st.CertificateBySerial(ctx, serial)
		h := w.Header()
		h.Set("Content-Type", "text/html; charset=utf-8")
		h.Set("Cache-Control", "no-store")
		h.Set("X-Robots-Tag", "noindex")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
		page := verifyPage{Lang: string(lang), T: func(key string, args ...any) string { return tx(lang, key, args...) }}
		switch {
		case err == nil:
			page.Found = true
			page.Cert = ce
			page.Serial = FormatSerial(ce.Serial)
			page.Dates = ce.Dates()
			page.Issued = ce.Issued.In(zone(ce.Zone)).Format("02/01/2006")
			if !ce.Revoked.IsZero() {
				page.Revoked = ce.Revoked.In(zone(ce.Zone)).Format("02/01/2006")
			}
		case bot.IsNotFound(err):
			w.WriteHeader(http.StatusNotFound)
		default:
			log.Warn("verify certificate", "err", err)
			w.WriteHeader(http.StatusServiceUnavailable)
			page.Failed = true
		}
		if err := verifyTemplate.Execute(w, page); err != nil {
			log.Warn("verify page", "err", err)
		}
	})
}

func zone(name string) *time.Location {
	if loc, err := time.LoadLocation(name); err == nil {
		return loc
	}
	return time.UTC
}

// verifyLang is English for ?lang=en, or when the browser's first choice
// is English; Vietnamese otherwise.
func verifyLang(r *http.Request) bot.Lang {
	switch strings.ToLower(r.URL.Query().Get("lang")) {
	case "en":
		return bot.EN
	case "vi":
		return bot.VI
	}
	first, _, _ := strings.Cut(r.Header.Get("Accept-Language"), ",")
	if strings.HasPrefix(strings.ToLower(strings.TrimSpace(first)), "en") {
		return bot.EN
	}
	return bot.VI
}

type verifyPage struct {
	Lang                  string
	T                     func(key string, args ...any) string
	Found, Failed         bool
	Cert                  *Certificate
	Serial, Dates, Issued string
	Revoked               string
}

var verifyTemplate = template.Must(template.New("verify").Parse(`<!doctype html>
<html lang="{{.Lang}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>{{call .T "cert.verify.title"}}</title>
<style>
body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;background:#f3f5f7;color:#1d2731}
main{max-width:34rem;margin:0 auto;padding:1.25rem}
.card{background:#fff;border-radius:12px;box-shadow:0 1px 4px rgba(0,0,0,.12);padding:1.25rem 1.25rem .75rem}
.state{font-size:1.35rem;font-weight:700;margin:0 0 .75rem}
.ok{color:#176c3a}.bad{color:#a3261b}.warn{color:#8a5a00}
dl{margin:0}dt{font-size:.8rem;text-transform:uppercase;letter-spacing:.04em;color:#5b6773;margin-top:.7rem}
dd{margin:.15rem 0 0;font-size:1.05rem}
.name{font-size:1.3rem;font-weight:700}
.serial{font-family:ui-monospace,Menlo,Consolas,monospace;letter-spacing:.05em}
footer{font-size:.8rem;color:#5b6773;margin-top:1rem}
</style>
</head>
<body>
<main>
<div class="card">
{{if .Found}}
{{if .Revoked}}<p class="state bad">✗ {{call .T "cert.verify.revoked" .Revoked}}</p>
{{else}}<p class="state ok">✓ {{call .T "cert.verify.genuine"}}</p>{{end}}
<dl>
<dt>{{call .T "cert.verify.holder"}}</dt><dd class="name">{{.Cert.Name}}</dd>
<dt>{{call .T "cert.verify.course"}}</dt><dd>{{.Cert.Course}}</dd>
{{if .Dates}}<dt>{{call .T "cert.verify.dates"}}</dt><dd>{{.Dates}}</dd>{{end}}
{{if .Cert.Issuer}}<dt>{{call .T "cert.verify.issuer"}}</dt><dd>{{.Cert.Issuer}}</dd>{{end}}
<dt>{{call .T "cert.verify.issued"}}</dt><dd>{{.Issued}}</dd>
<dt>{{call .T "cert.verify.serial"}}</dt><dd class="serial">{{.Serial}}</dd>
</dl>
{{else if .Failed}}<p class="state warn">! {{call .T "cert.verify.failed"}}</p>
{{else}}<p class="state bad">✗ {{call .T "cert.verify.not_found"}}</p>
<p>{{call .T "cert.verify.not_found_hint"}}</p>
{{end}}
</div>
<footer>{{call .T "cert.verify.footer"}}</footer>
</main>
</body>
</html>
`))
