package bot

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

const membersPerPage = 10

// members lists the cohort's members for organisers, a page at a time.
func (b *Bot) members(c *Context) error { return b.membersPage(c, 0, false) }

func (b *Bot) membersPage(c *Context, page int, edit bool) error {
	all, err := b.store.Members(c.Context, c.Cohort.ID)
	if err != nil {
		return fmt.Errorf("list members: %w", err)
	}
	sortMembers(all)
	pages := max(1, (len(all)+membersPerPage-1)/membersPerPage)
	page = min(max(page, 0), pages-1)
	counts := map[Role]int{}
	for _, m := range all {
		counts[m.Role]++
	}
	text := c.T("members.title", c.Cohort.Name, len(all), counts[Trainee], counts[Lecturer], counts[Organiser])
	var rows [][]Button
	for _, m := range all[min(page*membersPerPage, len(all)):min((page+1)*membersPerPage, len(all))] {
		rows = append(rows, []Button{{Text: memberLabel(c, m), Data: memberData("v", c, m)}})
	}
	var nav []Button
	if page > 0 {
		nav = append(nav, Button{Text: "◀ " + strconv.Itoa(page), Data: Data("mb", "p", c.Cohort.ID, strconv.Itoa(page-1))})
	}
	if page < pages-1 {
		nav = append(nav, Button{Text: strconv.Itoa(page+2) + " ▶", Data: Data("mb", "p", c.Cohort.ID, strconv.Itoa(page+1))})
	}
	if len(nav) > 0 {
		rows = append(rows, nav)
	}
	msg := Message{Text: text, Buttons: rows}
	if edit && c.U.Callback != nil {
		msg.Edit = c.U.Callback.MessageID
	}
	_, err = c.Send(msg)
	return err
}

func sortMembers(ms []*Member) {
	rank := map[Role]int{Organiser: 0, Lecturer: 1, Trainee: 2}
	slices.SortFunc(ms, func(a, b *Member) int {
		return cmp.Or(cmp.Compare(rank[a.Role], rank[b.Role]), cmp.Compare(a.Group, b.Group), cmp.Compare(a.Name, b.Name), cmp.Compare(a.User, b.User))
	})
}

func memberLabel(c *Context, m *Member) string {
	name := m.Name
	if !m.Registered {
		name = c.T("members.unregistered")
	}
	label := name + " · " + c.T("role."+string(m.Role))
	switch {
	case m.Group != "":
		label += " · " + m.Group
	case groupMissing(c, m):
		label += " · " + c.T("members.group_missing")
	}
	return Truncate(label, 60)
}

// groupMissing reports whether m is a trainee without the group the
// cohort's plan asks every trainee for: someone made a trainee by an
// organiser until the organiser picks it.
func groupMissing(c *Context, m *Member) bool {
	return m.Role == Trainee && m.Group == "" && len(c.Cohort.Plan.Groups) > 0
}

// memberData is the data of a button on member m: "mb:<action>:<arg>…:
// <user>:<cohort>", the member last (UserArg) so every member button
// reads the same way.
func memberData(action string, c *Context, m *Member, args ...string) string {
	return Data("mb", action, c.Cohort.ID, append(args, UserArg(m.User))...)
}

// membergroupButtons offers the plan's groups for m. The data names the
// group by its index ("mb:sg:<idx>:<user>:<cohort>"); the press is
// checked again like every member button.
func membergroupButtons(c *Context, m *Member) [][]Button {
	var rows [][]Button
	for i, g := range c.Cohort.Plan.Groups {
		rows = append(rows, []Button{{Text: g, Data: memberData("sg", c, m, strconv.Itoa(i))}})
	}
	return rows
}

// membersPress turns the page of the member list ("mb:p:<page>:<cohort>").
func (b *Bot) membersPress(c *Context) error {
	args, ok := c.pressArgs(1, false)
	if !ok {
		return b.staleButton(c)
	}
	page, err := strconv.Atoi(args[0])
	if err != nil {
		return b.staleButton(c)
	}
	return b.membersPage(c, page, true)
}

// memberPress is the organiser's press of a button on a member with n
// arguments before the member (memberData). Every press is checked again:
// the button must be of the organiser's active cohort, and the member
// still in it.
func (b *Bot) memberPress(n int, h func(c *Context, m *Member, args []string) error) HandlerFunc {
	return func(c *Context) error {
		args, ok := c.pressArgs(n+1, false)
		if !ok {
			return b.staleButton(c)
		}
		user, ok := ArgUser(args[n])
		if !ok {
			return b.staleButton(c)
		}
		m, err := b.store.Member(c.Context, c.Cohort.ID, user)
		if IsNotFound(err) {
			return c.Refuse(c.T("members.gone"))
		}
		if err != nil {
			return fmt.Errorf("read member %s: %w", user, err)
		}
		return h(c, m, args[:n])
	}
}

// askMemberGroup offers the groups m can be moved to.
func (b *Bot) askMemberGroup(c *Context, m *Member, _ []string) error {
	if m.Role != Trainee || len(c.Cohort.Plan.Groups) == 0 {
		return c.Refuse(c.T("members.no_group"))
	}
	return c.Reply(c.T("members.pick_group", m.Name), membergroupButtons(c, m)...)
}

// askMemberRole offers the roles m can be given ("mb:sr:<role's
// initial>:<user>:<cohort>").
func (b *Bot) askMemberRole(c *Context, m *Member, _ []string) error {
	var row []Button
	for _, r := range Roles {
		row = append(row, Button{Text: c.T("role." + string(r)), Data: memberData("sr", c, m, string(r[0]))})
	}
	return c.Reply(c.T("members.pick_role", m.Name), row)
}

// confirmRemove asks before removing m; "No" shows m again.
func (b *Bot) confirmRemove(c *Context, m *Member, _ []string) error {
	return c.Reply(c.T("members.confirm_remove", OrDash(m.Name)), []Button{
		{Text: c.T("btn.remove_yes"), Data: memberData("xx", c, m)},
		{Text: c.T("btn.no"), Data: memberData("v", c, m)},
	})
}

func (b *Bot) memberView(c *Context, m *Member, _ []string) error {
	lines := []string{
		c.T("profile.name", OrDash(m.Name)),
		c.T("profile.org", OrDash(m.Org)),
		c.T("profile.role", c.T("role."+string(m.Role))),
	}
	switch {
	case groupMissing(c, m):
		lines = append(lines, c.T("profile.group", c.T("members.group_missing")))
	case m.Role == Trainee:
		lines = append(lines, c.T("profile.group", OrDash(m.Group)))
	}
	lines = append(lines, c.T("members.joined", FormatDate(m.Joined.In(c.Cohort.Plan.Location), c.Lang)))
	if !m.Registered {
		lines = append(lines, c.T("members.unregistered"))
	}
	if m.Unreachable {
		lines = append(lines, c.T("members.unreachable"))
	}
	var row []Button
	if m.Role == Trainee && len(c.Cohort.Plan.Groups) > 0 {
		row = append(row, Button{Text: c.T("btn.move_group"), Data: memberData("g", c, m)})
	}
	row = append(row, Button{Text: c.T("btn.change_role"), Data: memberData("r", c, m)})
	return c.Reply(strings.Join(lines, "\n"), row, []Button{{Text: c.T("btn.remove"), Data: memberData("x", c, m)}})
}

func (b *Bot) moveMember(c *Context, m *Member, args []string) error {
	idx, err := strconv.Atoi(args[0])
	groups := c.Cohort.Plan.Groups
	if err != nil || idx < 0 || idx >= len(groups) || m.Role != Trainee {
		return c.Refuse(c.T("reg.group_bad"))
	}
	if m.Group == groups[idx] {
		return c.Answer(c.T("members.moved", OrDash(m.Name), m.Group), false)
	}
	group := groups[idx]
	moved, err := b.store.PatchMember(c.Context, m.Cohort, m.User, MemberPatch{Group: &group}, Trainee)
	switch {
	case IsNotFound(err):
		return c.Refuse(c.T("members.gone"))
	case errors.Is(err, ErrMemberChanged):
		return c.Refuse(c.T("members.changed_meanwhile"))
	case err != nil:
		return fmt.Errorf("move member: %w", err)
	}
	m = moved
	b.log.Info("member moved", "cohort", m.Cohort, "user", m.User, "group", m.Group, "by", c.U.User)
	b.notify(c, m.User, func(l Lang) string { return Text(l, "members.moved_notice", m.Group) })
	return c.Reply(c.T("members.moved", OrDash(m.Name), m.Group))
}

func (b *Bot) changeRole(c *Context, m *Member, args []string) error {
	var role Role
	for _, r := range Roles {
		if string(r[0]) == args[0] {
			role = r
		}
	}
	if role == "" {
		return c.Refuse(c.T("err.stale_button"))
	}
	if m.Role == role {
		return c.Answer(c.T("members.role_changed", OrDash(m.Name), c.T("role."+string(role))), false)
	}
	if m.Role == Organiser {
		if last, err := b.lastOrganiser(c, m); err != nil || last {
			if err != nil {
				return err
			}
			return c.Refuse(c.T("members.last_organiser"))
		}
	}
	changed, err := b.store.PatchMember(c.Context, m.Cohort, m.User, MemberPatch{Role: &role}, m.Role)
	switch {
	case IsNotFound(err):
		return c.Refuse(c.T("members.gone"))
	case errors.Is(err, ErrMemberChanged):
		return c.Refuse(c.T("members.changed_meanwhile"))
	case errors.Is(err, ErrLastOrganiser):
		return c.Refuse(c.T("members.last_organiser"))
	case err != nil:
		return fmt.Errorf("change role: %w", err)
	}
	m = changed
	// Whatever the person was doing belongs to the old role (a trainee's
	// unfinished photo, an organiser's draft): it ends.
	if err := b.store.ClearConv(c.Context, m.User); err != nil {
		return fmt.Errorf("end the member's conversation: %w", err)
	}
	b.log.Info("member role changed", "cohort", m.Cohort, "user", m.User, "role", role, "by", c.U.User)
	b.organiserMenu(c.Context, m.User, VI, role == Organiser)
	b.notify(c, m.User, func(l Lang) string { return Text(l, "members.role_notice", Text(l, "role."+string(role))) })
	text := c.T("members.role_changed", OrDash(m.Name), c.T("role."+string(role)))
	if groupMissing(c, m) {
		// A new trainee needs a group, which only organisers set.
		return c.Reply(text+"\n"+c.T("members.ask_group", OrDash(m.Name)), membergroupButtons(c, m)...)
	}
	return c.Reply(text)
}

func (b *Bot) removeMember(c *Context, m *Member, _ []string) error {
	if m.Role == Organiser {
		if last, err := b.lastOrganiser(c, m); err != nil || last {
			if err != nil {
				return err
			}
			return c.Refuse(c.T("members.last_organiser"))
		}
	}
	if err := b.forgetMember(c, c.Cohort, m.User); err != nil {
		return err
	}
	// Removed, not gone: they come back only through an organiser.
	err := b.store.Depart(c.Context, m.Cohort, m.User, true, b.clock())
	if errors.Is(err, ErrLastOrganiser) {
		return c.Refuse(c.T("members.last_organiser"))
	}
	if err != nil {
		return fmt.Errorf("remove member: %w", err)
	}
	b.log.Info("member removed", "cohort", m.Cohort, "user", m.User, "by", c.U.User)
	if m.User != c.U.User {
		b.notify(c, m.User, func(l Lang) string { return Text(l, "members.removed_notice", c.Cohort.Name) })
	}
	return c.Reply(c.T("members.removed", OrDash(m.Name)))
}

// lastOrganiser reports whether m is the cohort's only registered
// organiser: a cohort must keep one.
func (b *Bot) lastOrganiser(c *Context, m *Member) (bool, error) {
	all, err := b.store.Members(c.Context, m.Cohort)
	if err != nil {
		return false, fmt.Errorf("list members: %w", err)
	}
	for _, o := range all {
		if o.Role == Organiser && o.Registered && o.User != m.User {
			return false, nil
		}
	}
	return true, nil
}
