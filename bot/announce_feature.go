package bot

import (
	"context"
	"time"
)

// Announce is the organisers' announcements as a feature.
func Announce() Feature {
	var b *Bot
	return Feature{
		Name:    "announce",
		Attach:  func(core *Bot) { b = core },
		Routes:  func(g *RouteGroup) { b.announceRoutes(g) },
		Buttons: []string{"ann", "lk"},
		Due: map[string]DueFunc{
			DueAnnouncement: func(ctx context.Context, it DueItem, now time.Time) (DueOutcome, time.Time, error) {
				return DueSent, time.Time{}, b.RunAnnouncement(ctx, it, now)
			},
		},
	}
}
