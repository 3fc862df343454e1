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
		return c.Reply(c.T("reg.ask_org"), []Button{{Text: c.T("btn.skip"), Data: Data("reg", "skip", c.Cohort.ID)}})
	case stepGroup:
		return c.Reply(c.T("reg.ask_group"), b.groupButtons(c)...)
	default:
		var rows [][]Button
		if name := CleanName(c.U.UserName); name != "" {
			rows = append(rows, []Button{{Text: Truncate(name, 40), Data: Data("reg", "pn", c.Cohort.ID)}})
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

// groupButtons offers the plan's groups ("reg:g:<index>:<cohort>").
func (b *Bot) groupButtons(c *Context) [][]Button {
	var rows [][]Button
	for i, g := range c.Cohort.Plan.Groups {
		rows = append(rows, []Button{{Text: g, Data: Data("reg", "g", c.Cohort.ID, strconv.Itoa(i))}})
	}
	return rows
}

// register takes one typed answer (or /skip) of the registration
// conversation.
func (b *Bot) register(c *Context) error {
	return b.registerAnswer(c, func(m *Member) (bool, error) {
		switch c.Conv.Step {
		case stepName:
			name, ok := validName(c.U.Text)
			if !ok {
				return true, c.Refuse(c.T("reg.name_bad", maxNameRunes))
			}
			m.Name = name
		case stepOrg:
			if c.U.Command == "skip" {
				m.Org = ""
				break
			}
			org, ok := ValidOrg(c.U.Text)
			if !ok {
				return true, c.Refuse(c.T("reg.org_bad", maxOrgRunes))
			}
			m.Org = org
		case stepGroup:
			g, ok := b.typedGroup(c)
			if !ok {
				return true, c.Refuse(c.T("reg.group_bad"))
			}
			m.Group = g
		default:
			return true, b.askStep(c)
		}
		return false, nil
	})
}

// registerPress is a press of a registration button with n arguments: it
// counts only in the step that asked it and for the cohort being
// registered for ("reg:<action>:<arg>…:<cohort>"), else it is stale.
func (b *Bot) registerPress(step string, n int, apply func(c *Context, m *Member, args []string) (bool, error)) HandlerFunc {
	return func(c *Context) error {
		return b.registerAnswer(c, func(m *Member) (bool, error) {
			args, ok := c.pressArgs(n, false)
			if !ok || c.Conv.Step != step {
				return true, b.staleButton(c)
			}
			return apply(c, m, args)
		})
	}
}

// ownName is "use my name" ("reg:pn:<cohort>"): the name the platform
// gives, checked like a typed one.
func (b *Bot) ownName(c *Context, m *Member, _ []string) (bool, error) {
	name, ok := validName(c.U.UserName)
	if !ok {
		return true, c.Refuse(c.T("reg.name_bad", maxNameRunes))
	}
	m.Name = name
	return false, nil
}

// skipOrg is "skip" at the organisation step ("reg:skip:<cohort>").
func (b *Bot) skipOrg(_ *Context, m *Member, _ []string) (bool, error) {
	m.Org = ""
	return false, nil
}

// groupPress picks a group by its index in the plan ("reg:g:<index>:<cohort>").
func (b *Bot) groupPress(c *Context, m *Member, args []string) (bool, error) {
	groups := c.Cohort.Plan.Groups
	idx, err := strconv.Atoi(args[0])
	if err != nil || idx < 0 || idx >= len(groups) {
		return true, c.Refuse(c.T("reg.group_bad"))
	}
	m.Group = groups[idx]
	return false, nil
}

// registerAnswer applies one answer to the registration conversation:
// apply fills the current step's field of m, or answers and refuses. The
// member is then saved and asked the next step, or registered.
func (b *Bot) registerAnswer(c *Context, apply func(m *Member) (refused bool, err error)) error {
	if c.Member == nil || c.Cohort == nil || c.Member.Registered {
		// The membership went away (removed, cohort deleted) or is complete.
		return c.EndConv()
	}
	if c.Replayed() {
		return b.askStep(c)
	}
	m := *c.Member
	if refused, err := apply(&m); refused || err != nil {
		return err
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

// typedGroup reads a group choice from typed text: the group's name.
func (b *Bot) typedGroup(c *Context) (string, bool) {
	t := strings.TrimSpace(c.U.Text)
	for _, g := range c.Cohort.Plan.Groups {
		if strings.EqualFold(g, t) {
			return g, true
		}
	}
	return "", false
}
