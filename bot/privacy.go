package bot

import (
	"errors"
	"fmt"
)

func (b *Bot) privacy(c *Context) error {
	text := c.T("privacy.text")
	if c.Member == nil {
		return c.Reply(text)
	}
	return c.Reply(text, []Button{{Text: c.T("btn.leave"), Data: Data("leave", "ask", "")}})
}

// leave asks for confirmation before deleting the member's data. "Yes"
// names the cohort: once the member has left it, another of their
// cohorts becomes the active one, and an old "Yes" must not remove them
// from that one too.
func (b *Bot) leave(c *Context) error {
	return c.Reply(c.T("leave.confirm", c.Cohort.Name), []Button{
		{Text: c.T("btn.leave_yes"), Data: Data("leave", "yes", c.Cohort.ID)},
		{Text: c.T("btn.no"), Data: Data("leave", "no", "")},
	})
}

// leaveKept answers "No": the answer replaces the question, so its
// "Yes" cannot be pressed later.
func (b *Bot) leaveKept(c *Context) error {
	_, err := c.Send(Message{Text: c.T("leave.kept"), Edit: c.U.Callback.MessageID})
	return err
}

// leaveConfirm is "Yes" ("leave:yes:<cohort>"), which counts only for the
// cohort it asked about.
func (b *Bot) leaveConfirm(c *Context) error {
	if _, ok := c.pressArgs(0, false); !ok {
		return b.staleButton(c)
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
	err := b.store.Depart(c.Context, c.Cohort.ID, c.U.User, false, b.clock())
	if errors.Is(err, ErrLastOrganiser) {
		return c.Refuse(c.T("members.last_organiser"))
	}
	if err != nil {
		return fmt.Errorf("leave cohort: %w", err)
	}
	if err := c.EndConv(); err != nil {
		return err
	}
	b.log.Info("member left", "cohort", c.Cohort.ID, "user", c.U.User)
	_, err = c.Send(Message{Text: c.T("leave.done", c.Cohort.Name), Edit: c.U.Callback.MessageID})
	return err
}
