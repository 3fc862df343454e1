package gallery

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"github.com/cohortbot/cohortbot/bot"
	"github.com/cohortbot/cohortbot/bot/contest"
)

// The page is self-contained: the room's machine may be offline, and the
// Content-Security-Policy allows nothing from elsewhere.
//
//go:embed assets/page.html assets/gallery.css assets/gallery.js
var assets embed.FS

// page is the parsed template with its inline style and script, and the
// policy that allows exactly those two (by hash, so the header is the same
// for every request).
type page struct {
	tmpl *template.Template
	css  template.CSS
	js   template.JS
	csp  string
}

func newPage() *page {
	css, err := assets.ReadFile("assets/gallery.css")
	if err != nil {
		panic(err) // embedded: cannot fail once built
	}
	js, err := assets.ReadFile("assets/gallery.js")
	if err != nil {
		panic(err)
	}
	return &page{
		tmpl: template.Must(template.ParseFS(assets, "assets/page.html")),
		css:  template.CSS(css),
		js:   template.JS(js),
		csp: strings.Join([]string{
			"default-src 'none'",
			"img-src 'self'",
			"connect-src 'self'",
			"style-src " + hashSource(css),
			"script-src " + hashSource(js),
			"base-uri 'none'",
			"form-action 'none'",
			"frame-ancestors 'none'",
		}, "; "),
	}
}

func hashSource(b []byte) string {
	sum := sha256.Sum256(b)
	return "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
}

// card is one photo as the template shows it, every text already worded.
// gallery.js words the JSON the same way when it re-renders.
type card struct {
	ID       string
	Image    string
	Alt      string
	Badge    string // "Giải 1" among the winners, "Hạng 4" in the ranking
	Num      string // "Ảnh số 12"
	Votes    string // "31 phiếu"
	Score    string // "35,5 điểm"
	Category string
	Group    string
	Caption  string
	Medal    string // gold, silver, bronze for the first three
}

type pageData struct {
	Cohort        string
	State         string
	StateLabel    string
	Live          bool
	TotalsVisible bool
	Winners       []card
	Ranking       []card
	Blank         card
	T             texts
	CSS           template.CSS
	JS            template.JS
	Config        pageConfig
}

// pageConfig is what gallery.js needs, in a JSON data block.
type pageConfig struct {
	API       string `json:"api"`
	State     string `json:"state"`
	Prizes    int    `json:"prizes"`
	RefreshMS int64  `json:"refresh_ms"`
	Labels    texts  `json:"labels"`
}

func (p *page) data(c *bot.Cohort, lb contest.Leaderboard) pageData {
	t := vietnamese()
	b := view(c, lb)
	n := prizes(c, lb)
	d := pageData{
		Cohort:        c.Name,
		State:         b.State,
		StateLabel:    t.States[b.State],
		Live:          b.State != contest.PhaseClosed,
		TotalsVisible: b.TotalsVisible,
		T:             t,
		CSS:           p.css,
		JS:            p.js,
		Config: pageConfig{
			API:       leaderboardURL(c),
			State:     b.State,
			Prizes:    n,
			RefreshMS: RefreshInterval.Milliseconds(),
			Labels:    t,
		},
	}
	if d.StateLabel == "" {
		d.StateLabel = b.State
	}
	for _, ph := range b.Photos {
		d.Ranking = append(d.Ranking, toCard(t, ph, false))
		// A photo nobody voted for wins nothing (as in the chat).
		if b.State == contest.PhaseClosed && b.TotalsVisible && ph.Rank != nil && *ph.Rank >= 1 && *ph.Rank <= n && ph.Votes != nil && *ph.Votes > 0 {
			d.Winners = append(d.Winners, toCard(t, ph, true))
		}
	}
	return d
}

func toCard(t texts, p photo, winner bool) card {
	c := card{
		ID:       p.ID,
		Image:    p.Image,
		Num:      t.Entry + " " + p.ID,
		Category: p.Category,
		Caption:  p.Caption,
	}
	c.Alt = c.Num
	if p.Caption != "" {
		c.Alt += ": " + p.Caption
	}
	if p.Group != nil && *p.Group != "" {
		c.Group = t.GroupPrefix + " " + *p.Group
	}
	if p.Rank != nil {
		label := t.Rank
		if winner {
			label = t.Prize
		}
		c.Badge = label + " " + strconv.Itoa(*p.Rank)
		c.Votes = strconv.Itoa(*p.Votes) + " " + t.Votes
		c.Score = formatScore(*p.Score) + " " + t.Points
		if *p.Rank >= 1 && *p.Rank <= 3 {
			c.Medal = [...]string{"gold", "silver", "bronze"}[*p.Rank-1]
		}
	}
	return c
}

// formatScore writes a score the Vietnamese way, with a decimal comma.
func formatScore(s float64) string {
	return strings.Replace(strconv.FormatFloat(s, 'f', -1, 64), ".", ",", 1)
}

func (h *handler) servePage(w http.ResponseWriter, r *http.Request) {
	c, lb, ok := h.leaderboard(w, r)
	if !ok {
		return
	}
	var buf bytes.Buffer
	if err := h.page.tmpl.Execute(&buf, h.page.data(c, lb)); err != nil {
		h.fail(w, r, http.StatusInternalServerError, "render page", err)
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", "text/html; charset=utf-8")
	hd.Set("Cache-Control", "no-store")
	hd.Set("Content-Security-Policy", h.page.csp)
	hd.Set("X-Frame-Options", "DENY")
	hd.Set("Content-Length", strconv.Itoa(buf.Len()))
	_, _ = w.Write(buf.Bytes())
}
