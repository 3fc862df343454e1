package bot

import (
	"fmt"
	"strings"
)

// The profile-editing conversation.
const (
	flowProfile = "pf"
)

func (b *Bot) profile(c *Context) error {
	return c.Reply(b.profileText(c), []Button{
		{Text: c.T("btn.edit_name"), Data: Data("pf", "name", c.Cohort.ID)},
		{Text: c.T("btn.edit_org"), Data: Data("pf", "org", c.Cohort.ID)},
	})
}

func (b *Bot) profileText(c *Context) string {
	m := c.Member
	lines := []string{
		c.T("profile.title"),
		c.T("profile.name", m.Name),
		c.T("profile.org", OrDash(m.Org)),
		c.T("profile.role", c.T("role."+string(m.Role))),
	}
	if m.Role == Trainee {
		lines = append(lines, c.T("profile.group", OrDash(m.Group)))
	}
	lines = append(lines, c.T("profile.cohort", c.Cohort.Name), "", c.T("profile.group_note"))
	return strings.Join(lines, "\n")
}

// profileEdit is a press of "edit name" or "edit organisation"
// ("pf:name:<cohort>", "pf:org:<cohort>"): it asks for the field of the
// membership the profile showed, so a profile of another course is stale.
func (b *Bot) profileEdit(step string) HandlerFunc {
	return func(c *Context) error {
		if _, ok := c.pressArgs(0, false); !ok {
			return b.staleButton(c)
		}
		if err := c.SetConv(flowProfile, step, nil); err != nil {
			return err
		}
		if step == stepName {
			return c.Reply(c.T("profile.ask_name", c.Member.Name))
		}
		return c.Reply(c.T("profile.ask_org", OrDash(c.Member.Org)))
	}
}

func (b *Bot) profileInput(c *Context) error {
	if c.Replayed() {
		return b.profile(c)
	}
	m := *c.Member
	switch c.Conv.Step {
	case stepName:
		if c.U.Command == "skip" {
			break
		}
		name, ok := validName(c.U.Text)
		if !ok {
			return c.Reply(c.T("reg.name_bad", maxNameRunes))
		}
		m.Name = name
	case stepOrg:
		if c.U.Command == "skip" {
			m.Org = ""
			break
		}
		org, ok := ValidOrg(c.U.Text)
		if !ok {
			return c.Reply(c.T("profile.org_bad", maxOrgRunes))
		}
		m.Org = org
	}
	if err := b.store.PutMember(c.Context, &m); err != nil {
		return fmt.Errorf("save profile: %w", err)
	}
	c.Member = &m
	if err := c.EndConv(); err != nil {
		return err
	}
	if err := c.Reply(c.T("profile.saved")); err != nil {
		return err
	}
	return b.profile(c)
}
