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
		{Text: c.T("btn.edit_name"), Data: "pf:name"},
		{Text: c.T("btn.edit_org"), Data: "pf:org"},
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

func (b *Bot) profileEdit(c *Context) error {
	switch c.U.Callback.Data {
	case "pf:name":
		if err := c.SetConv(flowProfile, stepName, nil); err != nil {
			return err
		}
		return c.Reply(c.T("profile.ask_name", c.Member.Name))
	case "pf:org":
		if err := c.SetConv(flowProfile, stepOrg, nil); err != nil {
			return err
		}
		return c.Reply(c.T("profile.ask_org", OrDash(c.Member.Org)))
	}
	return c.Refuse(c.T("err.stale_button"))
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
