package bot

import (
	"context"
	"fmt"
	"time"

	"github.com/cohortbot/cohortbot/bot/plan"
)

// contestForgetter deletes a leaving member's contest data (store.Store).
type contestForgetter interface {
	ForgetContestant(ctx context.Context, cohort string, user UserKey, voting plan.Window, now time.Time) error
}

// forgetMember removes what features other than membership keep of a member
// who leaves or is removed: their photos and votes.
func (b *Bot) forgetMember(c *Context, co *Cohort, user UserKey) error {
	f, ok := b.store.(contestForgetter)
	if !ok || co.Plan.Contest == nil {
		return nil
	}
	if err := f.ForgetContestant(c.Context, co.ID, user, co.Plan.Contest.Voting, b.clock()); err != nil {
		return fmt.Errorf("forget contest data: %w", err)
	}
	return nil
}

func (b *Bot) privacy(c *Context) error {
	text := c.T("privacy.text")
	if c.Member == nil {
		return c.Reply(text)
	}
	return c.Reply(text, []Button{{Text: c.T("btn.leave"), Data: "leave:ask"}})
}

// leave asks for confirmation before deleting the member's data.
func (b *Bot) leave(c *Context) error {
	return c.Reply(c.T("leave.confirm", c.Cohort.Name), []Button{
		{Text: c.T("btn.leave_yes"), Data: "leave:yes"},
		{Text: c.T("btn.no"), Data: "leave:no"},
	})
}

func (b *Bot) leaveConfirm(c *Context) error {
	switch c.U.Callback.Data {
	case "leave:ask":
		return b.leave(c)
	case "leave:no":
		return c.Reply(c.T("leave.kept"))
	case "leave:yes":
	default:
		return c.Refuse(c.T("err.stale_button"))
	}
	if c.Member.Role == Organiser {
		last, err := b.lastOrganiser(c, c.Member)
		if err != nil {
			return err
		}
		if last {
			return c.Refuse(c.T("members.last_organiser"))
		}
	}
	if err := b.forgetMember(c, c.Cohort, c.U.User); err != nil {
		return err
	}
	if err := b.store.RemoveMember(c.Context, c.Cohort.ID, c.U.User); err != nil {
		return fmt.Errorf("leave cohort: %w", err)
	}
	if err := c.EndConv(); err != nil {
		return err
	}
	b.log.Info("member left", "cohort", c.Cohort.ID, "user", c.U.User)
	return c.Reply(c.T("leave.done", c.Cohort.Name))
}
