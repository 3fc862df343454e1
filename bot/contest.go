package bot

import (
	"time"
)

// Entry is one photo of the contest.
type Entry struct {
	N          int64     `json:"n"` // the entry number people see
	Cohort     string    `json:"cohort"`
	Author     UserKey   `json:"author"`
	Group      string    `json:"group,omitempty"`
	Category   string    `json:"category,omitempty"`
	Caption    string    `json:"caption,omitempty"`
	Enterprise string    `json:"enterprise,omitempty"`
	FileID     string    `json:"file_id"`
	UniqueID   string    `json:"unique_id"` // Telegram file_unique_id, or a content hash
	Album      string    `json:"album,omitempty"`
	Status     string    `json:"status"`
	Reason     string    `json:"reason,omitempty"`
	Created    time.Time `json:"created"`
}

// Entry states.
const (
	EntryDraft     = "draft"     // waiting for its category
	EntryPending   = "pending"   // waiting for moderation
	EntryApproved  = "approved"  // shown to voters
	EntryRejected  = "rejected"  // refused by an organiser
	EntryWithdrawn = "withdrawn" // taken back by its author
)

// Contest phases, as the leaderboard reports them.
const (
	PhaseSubmissions = "submissions"
	PhaseVoting      = "voting"
	PhaseClosed      = "closed"
)

// Standing is an approved entry with its counts and rank.
type Standing struct {
	Entry
	Rank  int     // 1-based, by score, then more voters, then earlier submission
	Votes int     // number of voters
	Score float64 // weighted total: a lecturer's vote counts the plan's lecturer_weight
}

// Leaderboard is the contest as the projector page and its JSON show it.
// While totals are hidden (plan totals: hidden and voting not closed),
// Standings come in entry order with Rank, Votes and Score zero, and
// TotalsVisible is false.
type Leaderboard struct {
	State         string // PhaseSubmissions, PhaseVoting or PhaseClosed
	TotalsVisible bool
	Prizes        int
	Standings     []Standing
}
