package gallery

import (
	"bytes"
	"cmp"
	"encoding/json"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/cohortbot/cohortbot/bot"
	"github.com/cohortbot/cohortbot/bot/contest"
)

// board is the leaderboard as DESIGN.md's JSON has it; the page renders
// the same value.
type board struct {
	State         string  `json:"state"`
	TotalsVisible bool    `json:"totals_visible"`
	Photos        []photo `json:"photos"`
}

// photo is one approved entry. Rank, Votes and Score are pointers so that
// hidden totals are absent from the JSON rather than zero, and Group so
// that it is absent while voting runs unless the plan shows groups.
type photo struct {
	ID       string   `json:"id"`
	Rank     *int     `json:"rank,omitempty"`
	Votes    *int     `json:"votes,omitempty"`
	Score    *float64 `json:"score,omitempty"`
	Group    *string  `json:"group,omitempty"`
	Category string   `json:"category"`
	Caption  string   `json:"caption"`
	Image    string   `json:"image"`
}

// view turns the source's leaderboard into what the public may see. It
// re-applies the rules it depends on rather than trusting every source:
// only approved entries, no totals while they are hidden, and then entry
// order, so that not even the order tells the ranking.
func view(c *bot.Cohort, lb contest.Leaderboard) board {
	// Once voting has closed the groups are shown, as the results in the
	// chat show them: prizes go to groups.
	showGroup := c.Plan != nil && c.Plan.Contest != nil && c.Plan.Contest.ShowGroup || lb.State == contest.PhaseClosed
	st := make([]contest.Standing, 0, len(lb.Standings))
	for _, s := range lb.Standings {
		if s.Status != "" && s.Status != contest.EntryApproved {
			continue
		}
		st = append(st, s)
	}
	if lb.TotalsVisible {
		slices.SortStableFunc(st, func(a, b contest.Standing) int {
			return cmp.Or(cmp.Compare(a.Rank, b.Rank), cmp.Compare(a.N, b.N))
		})
	} else {
		slices.SortStableFunc(st, func(a, b contest.Standing) int { return cmp.Compare(a.N, b.N) })
	}
	b := board{State: lb.State, TotalsVisible: lb.TotalsVisible, Photos: make([]photo, 0, len(st))}
	for _, s := range st {
		p := photo{
			ID:       strconv.FormatInt(s.N, 10),
			Category: s.Category,
			Caption:  s.Caption,
			Image:    mediaURL(c, s.N),
		}
		if lb.TotalsVisible {
			rank, votes, score := s.Rank, s.Votes, math.Round(s.Score*100)/100
			if math.IsNaN(score) || math.IsInf(score, 0) {
				score = 0 // JSON has no NaN; a broken total must not break the page
			}
			p.Rank, p.Votes, p.Score = &rank, &votes, &score
		}
		if showGroup {
			group := s.Group
			p.Group = &group
		}
		b.Photos = append(b.Photos, p)
	}
	return b
}

// defaultPrizes is how many winners there are when the plan sets no
// prizes: the same ten the bot announces in the chat.
const defaultPrizes = 10

// prizes is how many winners the page shows once voting has closed.
func prizes(c *bot.Cohort, lb contest.Leaderboard) int {
	switch {
	case lb.Prizes > 0:
		return lb.Prizes
	case c.Plan != nil && c.Plan.Contest != nil && c.Plan.Contest.Prizes > 0:
		return c.Plan.Contest.Prizes
	}
	return defaultPrizes
}

// mediaURL is the path of an entry's photo on this server. The key goes
// along because an <img> cannot send it any other way; it is the key the
// page was opened with.
func mediaURL(c *bot.Cohort, n int64) string {
	return "/c/" + url.PathEscape(c.ID) + "/media/" + strconv.FormatInt(n, 10) + "?key=" + url.QueryEscape(c.ViewKey)
}

// leaderboardURL is the path of the JSON the page refreshes from.
func leaderboardURL(c *bot.Cohort) string {
	return "/api/c/" + url.PathEscape(c.ID) + "/leaderboard?key=" + url.QueryEscape(c.ViewKey)
}

func (h *handler) serveLeaderboard(w http.ResponseWriter, r *http.Request) {
	c, lb, ok := h.leaderboard(w, r)
	if !ok {
		return
	}
	var buf bytes.Buffer
	if err := json.NewEncoder(&buf).Encode(view(c, lb)); err != nil {
		h.fail(w, r, http.StatusInternalServerError, "encode leaderboard", err)
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", "application/json; charset=utf-8")
	hd.Set("Cache-Control", "no-store")
	hd.Set("Content-Length", strconv.Itoa(buf.Len()))
	_, _ = w.Write(buf.Bytes())
}
