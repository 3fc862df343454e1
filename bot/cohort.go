package bot

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/cohortbot/cohortbot/bot/plan"
)

// cohortList lets a member of several cohorts pick the active one.
func (b *Bot) cohortList(c *Context) error {
	if len(c.Profile.Cohorts) == 0 {
		return c.Reply(c.T("err.not_member"))
	}
	var rows [][]Button
	for _, id := range c.Profile.Cohorts {
		co, err := b.CohortAt(c.Context, id, 0)
		if IsNotFound(err) {
			continue
		}
		if err != nil {
			return err
		}
		label := co.Name
		if id == c.Profile.Active {
			label = "✅ " + label
		}
		rows = append(rows, []Button{{Text: Truncate(label, 60), Data: Data("co", "pick", id)}})
	}
	if len(rows) <= 1 {
		name := ""
		if c.Cohort != nil {
			name = c.Cohort.Name
		}
		return c.Reply(c.T("cohort.only", name))
	}
	return c.Reply(c.T("cohort.choose"), rows...)
}

// cohortPick makes the cohort the button names ("co:pick:<cohort>")
// the active one, once the presser is found a member of it.
func (b *Bot) cohortPick(c *Context) error {
	d, _ := c.Button()
	if len(d.Args) != 0 || d.Cohort == "" {
		return b.staleButton(c)
	}
	id := d.Cohort
	m, err := b.store.Member(c.Context, id, c.U.User)
	if IsNotFound(err) {
		return c.Refuse(c.T("err.not_member"))
	}
	if err != nil {
		return fmt.Errorf("read member: %w", err)
	}
	co, err := b.CohortAt(c.Context, id, 0)
	if IsNotFound(err) {
		return c.Refuse(c.T("err.not_member"))
	}
	if err != nil {
		return err
	}
	if err := b.activate(c, co, m); err != nil {
		return err
	}
	if !m.Registered {
		return b.askStep(c)
	}
	return b.sendMenu(c, c.T("cohort.switched", co.Name))
}

// newCohort lets a BOT_ADMINS person create a cohort from the chat:
// "/newcohort NAME". The plan can be completed later with plan apply.
func (b *Bot) newCohort(c *Context) error {
	if !b.cfg.Admins[c.U.User] {
		return c.Refuse(c.T("err.admin"))
	}
	name := CleanName(c.U.Args)
	if n := utf8.RuneCountInString(name); n < 3 || n > 120 {
		return c.Reply(c.T("newcohort.usage"))
	}
	loc, err := time.LoadLocation(b.cfg.DefaultZone)
	if err != nil {
		return fmt.Errorf("load zone: %w", err)
	}
	p := plan.Default(name, loc)
	nc, err := CreateCohort(c.Context, b.store, p, b.clock())
	if err != nil {
		return err
	}
	b.log.Info("cohort created in chat", "cohort", nc.Cohort.ID, "by", c.U.User)
	var sb strings.Builder
	sb.WriteString(c.T("newcohort.done", nc.Cohort.Name, nc.Cohort.ID))
	for _, r := range Roles {
		inv := nc.Invites[r]
		fmt.Fprintf(&sb, "\n\n%s: %s", c.T("role."+string(r)), inv.Code)
		if link := InviteLink(b.cfg.BotUsername, inv.Code); link != "" {
			sb.WriteString("\n" + link)
		}
	}
	return c.Reply(sb.String())
}
