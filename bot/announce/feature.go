package announce

import "github.com/cohortbot/cohortbot/bot"

import (
	"context"
	"time"
)

// Announce is the organisers' announcements: to everyone, a role or a
// group, now or at a time, and the course's linked group chat.
type Announce struct {
	core  *bot.Bot
	store Store
}

// AnnounceStore is what the announcements read and change (store.Store).
type Store interface {
	Member(ctx context.Context, cohort string, user bot.UserKey) (*bot.Member, error)
	Members(ctx context.Context, cohort string) ([]*bot.Member, error)
	Profiles(ctx context.Context, users []bot.UserKey) (map[bot.UserKey]bot.Profile, error)
	SetGroupChat(ctx context.Context, cohort string, chat bot.ChatKey) error
}

// NewAnnounce returns the announcements on their store.
func New(st Store) *Announce { return &Announce{store: st} }

// Feature plugs the announcements into the core.
func (b *Announce) Feature() bot.Feature {
	return bot.Feature{
		Name:    "announce",
		Texts:   texts(),
		Attach:  func(core *bot.Bot) { b.core = core },
		Routes:  b.announceRoutes,
		Buttons: []string{"ann", "lk"},
		Due: map[string]bot.DueFunc{
			DueAnnouncement: func(ctx context.Context, it bot.DueItem, now time.Time) (bot.DueOutcome, time.Time, error) {
				return bot.DueSent, time.Time{}, b.RunAnnouncement(ctx, it, now)
			},
		},
	}
}
