package contest

import "github.com/cohortbot/cohortbot/bot"

import (
	"context"
	"slices"
	"time"
)

// Contest is the photo contest: submissions, moderation, the vote and
// its results.
type Contest struct {
	core   *bot.Bot
	store  Store
	photos Photos
}

// NewContest returns the contest on its store.
func New(st Store) *Contest { return &Contest{store: st} }

// Photos downloads a platform file and makes the cleaned copy of a
// picture that everyone is shown: re-encoded, without EXIF, GPS or file
// name, within the decoding budget. cmd gives the gallery's.
type Photos interface {
	Fetch(ctx context.Context, fileID string) ([]byte, error)
	Clean(ctx context.Context, raw []byte) ([]byte, error)
}

// UsePhotos sets where entries sent as files are read and cleaned; call
// it before the bot starts. Without it a file's bytes are read from the
// update only (the console carries them).
func (b *Contest) UsePhotos(p Photos) { b.photos = p }

// Feature plugs the contest into the core.
func (b *Contest) Feature() bot.Feature {
	return bot.Feature{
		Name:    "contest",
		Texts:   texts(),
		Attach:  func(core *bot.Bot) { b.core = core },
		Routes:  b.contestRoutes,
		Buttons: []string{"ph", "vt", "mod", "ct", "res"},
		Images:  b.contestFile,
		Due:     map[string]bot.DueFunc{DueContestClose: b.RunContestClose},
		Plans:   []bot.DuePlan{{Name: "contest close", Prefix: contestClosePrefix, Items: contestClosePlan}},
		Done:    map[string]bot.DoneFunc{DeadlinePhotos: PhotosDone(b.store)},
		Dates:   contestDates(b.store),
		Digest:  ContestDigest(b.store),
		MyData:  b.myData,
		Export:  b.export,
		Forget: func(ctx context.Context, co *bot.Cohort, user bot.UserKey, now time.Time) error {
			if co.Plan.Contest == nil {
				return nil
			}
			return b.store.ForgetContestant(ctx, co.ID, user, co.Plan.Contest.Voting, now)
		},
	}
}

// contestClosePlan plans the close of the photo vote, when the results
// go to the organisers. A close that organisers moved (/contest extends
// voting) is not in the plan: a pending one still to come is kept.
func contestClosePlan(c *bot.Cohort, now time.Time, pending []bot.DueItem) []bot.DueItem {
	closes := ContestCloseItems(c, now)
	for _, it := range pending {
		if it.At.After(now) && !slices.ContainsFunc(closes, func(x bot.DueItem) bool { return x.ID == it.ID }) {
			closes = append(closes, it)
		}
	}
	return closes
}

// Cohort returns a cohort (for the gallery).
func (b *Contest) Cohort(ctx context.Context, id string) (*bot.Cohort, error) {
	return b.core.Cohort(ctx, id)
}
