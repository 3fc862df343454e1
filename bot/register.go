package bot

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// The registration conversation: name, organisation, group.
const (
	flowRegister = "reg"
	stepName     = "name"
	stepOrg      = "org"
	stepGroup    = "group"
)

func (b *Bot) beginRegistration(c *Context) error {
	if err := c.SetConv(flowRegister, stepName, nil); err != nil {
		return err
	}
	return b.askStep(c)
}

// askStep asks the question of the member's current registration step,
// starting the conversation again if it expired.
func (b *Bot) askStep(c *Context) error {
	if c.Conv == nil || c.Conv.Flow != flowRegister {
		if err := c.SetConv(flowRegister, b.nextStep(c, ""), nil); err != nil {
			return err
		}
	}
	switch c.Conv.Step {
	case stepOrg:
		return c.Reply(c.T("reg.ask_org"), []Button{{Text: c.T("btn.skip"), Data: "reg:skip"}})
	case stepGroup:
		return c.Reply(c.T("reg.ask_group"), b.groupButtons(c, "reg:g:")...)
	default:
		var rows [][]Button
		if name := CleanName(c.U.UserName); name != "" {
			rows = append(rows, []Button{{Text: Truncate(name, 40), Data: "reg:pn"}})
		}
		return c.Reply(c.T("reg.ask_name"), rows...)
	}
}

// nextStep returns the step after the given one for this member.
func (b *Bot) nextStep(c *Context, step string) string {
	switch step {
	case "":
		if c.Member != nil && c.Member.Name != "" {
			return b.nextStep(c, stepName)
		}
		return stepName
	case stepName:
		return stepOrg
	case stepOrg:
		// A trainee back after leaving keeps the group they had.
		if c.Member.Role == Trainee && c.Member.Group == "" && len(c.Cohort.Plan.Groups) > 0 {
			return stepGroup
		}
	}
	return ""
}

func (b *Bot) groupButtons(c *Context, prefix string) [][]Button {
	var rows [][]Button
	for i, g := range c.Cohort.Plan.Groups {
		rows = append(rows, []Button{{Text: g, Data: prefix + strconv.Itoa(i)}})
	}
	return rows
}

// register takes one answer of the registration conversation.
func (b *Bot) register(c *Context) error {
	if c.Member == nil || c.Cohort == nil || c.Member.Registered {
		// The membership went away (removed, cohort deleted) or is complete.
		return c.EndConv()
	}
	if c.Replayed() {
		return b.askStep(c)
	}
	m := *c.Member
	switch c.Conv.Step {
	case stepName:
		name := c.U.Text
		if c.U.Callback != nil {
			if c.U.Callback.Data != "reg:pn" {
				return c.Refuse(c.T("err.stale_button"))
			}
			name = c.U.UserName
		}
		name, ok := validName(name)
		if !ok {
			return c.Refuse(c.T("reg.name_bad", maxNameRunes))
		}
		m.Name = name
	case stepOrg:
		switch {
		case c.U.Command == "skip", c.U.Callback != nil && c.U.Callback.Data == "reg:skip":
			m.Org = ""
		case c.U.Callback != nil:
			return c.Refuse(c.T("err.stale_button"))
		default:
			org, ok := ValidOrg(c.U.Text)
			if !ok {
				return c.Refuse(c.T("reg.org_bad", maxOrgRunes))
			}
			m.Org = org
		}
	case stepGroup:
		g, ok := b.pickGroup(c, "reg:g:")
		if !ok {
			return c.Refuse(c.T("reg.group_bad"))
		}
		m.Group = g
	default:
		return b.askStep(c)
	}
	next := b.nextStep(c, c.Conv.Step)
	if next == "" {
		m.Registered = true
	}
	// Only the answered fields are written, and only while the member is
	// there with the role they registered under: an organiser's change
	// meanwhile is kept, a removed member is not brought back.
	saved, err := b.store.PatchMember(c.Context, m.Cohort, m.User,
		MemberPatch{Name: &m.Name, Org: &m.Org, Group: &m.Group, Registered: &m.Registered}, c.Member.Role)
	switch {
	case IsNotFound(err):
		return c.EndConv()
	case errors.Is(err, ErrMemberChanged):
		if err := c.EndConv(); err != nil {
			return err
		}
		return c.Reply(c.T("reg.role_changed"))
	case err != nil:
		return fmt.Errorf("save registration: %w", err)
	}
	m = *saved
	c.Member = &m
	if m.Registered {
		if err := c.EndConv(); err != nil {
			return err
		}
		b.log.Info("member registered", "cohort", m.Cohort, "user", m.User, "role", m.Role)
		if m.Role == Organiser {
			b.organiserMenu(c.Context, m.User, c.Lang, true)
		}
		return b.sendMenu(c, b.registeredText(c))
	}
	if err := c.SetConv(flowRegister, next, nil); err != nil {
		return err
	}
	return b.askStep(c)
}

func (b *Bot) registeredText(c *Context) string {
	m := c.Member
	text := c.T("reg.done", m.Name, c.Cohort.Name, c.T("role."+string(m.Role)))
	if m.Group != "" {
		text += "\n" + c.T("profile.group", m.Group)
	}
	return text
}

// registerStale answers a registration button pressed outside the
// conversation (an old message).
func (b *Bot) registerStale(c *Context) error { return c.Refuse(c.T("err.stale_button")) }

// pickGroup reads a group choice from a button (prefix + index) or from
// typed text (the group's name, or its number in the list).
func (b *Bot) pickGroup(c *Context, prefix string) (string, bool) {
	groups := c.Cohort.Plan.Groups
	var idx int
	var err error
	switch {
	case c.U.Callback != nil:
		s, ok := strings.CutPrefix(c.U.Callback.Data, prefix)
		if !ok {
			return "", false
		}
		idx, err = strconv.Atoi(s)
		if err != nil {
			return "", false
		}
	default:
		t := strings.TrimSpace(c.U.Text)
		for _, g := range groups {
			if strings.EqualFold(g, t) {
				return g, true
			}
		}
		return "", false
	}
	if idx < 0 || idx >= len(groups) {
		return "", false
	}
	return groups[idx], true
}
