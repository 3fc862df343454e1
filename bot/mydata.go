package bot

import (
	"context"
	"fmt"
	"strings"
)

// MyDataFunc returns a feature's part of what the bot holds about a member
// of the cohort, as lines in lang ("" lines are left out); nil or empty
// when the feature keeps nothing about them.
type MyDataFunc func(ctx context.Context, co *Cohort, m *Member, lang Lang) ([]string, error)

// myData is /mydata: everything the bot holds about the person, to their
// private chat (groupChats keeps it there): the profile, each membership
// with its consent, and each feature's part (Feature.MyData).
func (b *Bot) myData(c *Context) error {
	p := c.Profile
	memberships := 0
	var sb strings.Builder
	sb.WriteString(c.T("mydata.title"))
	fmt.Fprintf(&sb, "\n%s", c.T("mydata.account", string(c.U.User)))
	if p.Name != "" || p.Username != "" {
		name := p.Name
		if p.Username != "" {
			name = strings.TrimSpace(name + " @" + p.Username)
		}
		fmt.Fprintf(&sb, "\n%s", c.T("mydata.platform_name", name))
	}
	if p.Lang != "" {
		fmt.Fprintf(&sb, "\n%s", c.T("mydata.lang", c.T("lang.name."+string(p.Lang))))
	}
	for _, id := range p.Cohorts {
		co, err := b.CohortAt(c.Context, id, 0)
		if IsNotFound(err) {
			continue
		}
		if err != nil {
			return err
		}
		m, err := b.store.Member(c.Context, id, c.U.User)
		if IsNotFound(err) {
			continue
		}
		if err != nil {
			return fmt.Errorf("read member: %w", err)
		}
		memberships++
		zone := co.Plan.Location
		fmt.Fprintf(&sb, "\n\n%s", c.T("mydata.cohort", co.Name, c.T("role."+string(m.Role))))
		fmt.Fprintf(&sb, "\n• %s", c.T("profile.name", OrDash(m.Name)))
		fmt.Fprintf(&sb, "\n• %s", c.T("profile.org", OrDash(m.Org)))
		if m.Group != "" {
			fmt.Fprintf(&sb, "\n• %s", c.T("profile.group", m.Group))
		}
		fmt.Fprintf(&sb, "\n• %s", c.T("mydata.joined", m.Joined.In(zone).Format("02/01/2006 15:04")))
		if !m.Consent.IsZero() {
			fmt.Fprintf(&sb, "\n• %s", c.T("mydata.consent", m.Consent.In(zone).Format("02/01/2006 15:04")))
		}
		for _, f := range b.features {
			if f.MyData == nil {
				continue
			}
			lines, err := f.MyData(c.Context, co, m, c.Lang)
			if err != nil {
				return fmt.Errorf("%s data of %s: %w", f.Name, c.U.User, err)
			}
			for _, l := range lines {
				if l != "" {
					fmt.Fprintf(&sb, "\n• %s", l)
				}
			}
		}
	}
	if memberships == 0 && p.Name == "" && p.Lang == "" {
		return c.Reply(c.T("mydata.nothing"))
	}
	if memberships == 0 {
		sb.WriteString("\n\n" + c.T("mydata.no_cohort"))
	} else {
		sb.WriteString("\n\n" + c.T("mydata.footer"))
	}
	return c.Reply(sb.String())
}
