package bot

import (
	"fmt"
	"strconv"
)

// Joining from the roster: a trainee who opens the shared trainee link of
// a cohort whose plan lists its trainees (plan.Plan.Roster) taps their
// group, then their own name among the names of that group not taken
// yet, then «I agree» under the privacy notice: three taps, no typing,
// and they are registered with the name, organisation and group the
// organisers wrote. Someone not on the list taps «My name is not
// there» and registers by typing, as without a roster. Nothing is kept
// before «I agree».
//
// Buttons ("rs:<action>:<code>:<arg>…:"): g (a group, by index among
// the plan's groups), n (a person, by roster row from 1), y (I agree, as
// that person), x (not on the list).

// rosterOf returns the roster rows (from 1) of the role in group ("" for
// every group).
func rosterOf(co *Cohort, role Role, group string) []int {
	var out []int
	for i, p := range co.Plan.Roster {
		if Role(p.Role) == role && (group == "" || p.Group == group) {
			out = append(out, i+1)
		}
	}
	return out
}

// rosterGroups is the first question: the notice, and the groups that
// have trainees on the roster.
func (b *Bot) rosterGroups(c *Context, co *Cohort, code string) error {
	var rows [][]Button
	for i, g := range co.Plan.Groups {
		if len(rosterOf(co, Trainee, g)) > 0 {
			rows = append(rows, []Button{{Text: g, Data: Data("rs", "g", "", code, strconv.Itoa(i))}})
		}
	}
	rows = append(rows, []Button{{Text: c.T("btn.roster_absent"), Data: Data("rs", "x", "", code)}})
	text := c.T("reg.privacy_roster", co.Name, c.T("role."+string(Trainee)))
	if c.U.Callback != nil {
		_, err := c.Send(Message{Text: text, Buttons: rows, Edit: c.U.Callback.MessageID})
		return err
	}
	return c.Reply(text, rows...)
}

// rosterPress reads a roster button: the invite code and the cohort it
// is for, checked again as when the invite was opened (join), and the
// button's numeric arguments. ok is false when the press is stale or
// forged; the answer is sent.
func (b *Bot) rosterPress(c *Context, n int) (co *Cohort, code string, args []int, ok bool, err error) {
	raw, valid := c.pressArgs(n+1, true)
	if !valid || !inviteCode.MatchString(raw[0]) {
		return nil, "", nil, false, b.staleButton(c)
	}
	code = raw[0]
	for _, a := range raw[1:] {
		v, err := strconv.Atoi(a)
		if err != nil || v < 0 {
			return nil, "", nil, false, b.staleButton(c)
		}
		args = append(args, v)
	}
	inv, err := b.store.Invite(c.Context, code)
	if IsNotFound(err) {
		return nil, "", nil, false, c.Refuse(c.T("invite.unknown"))
	}
	if err != nil {
		return nil, "", nil, false, fmt.Errorf("read invite: %w", err)
	}
	if key := inviteProblem(inv.Check(b.clock())); key != "" {
		return nil, "", nil, false, c.Refuse(c.T(key))
	}
	if inv.Role != Trainee {
		return nil, "", nil, false, b.staleButton(c)
	}
	co, err = b.CohortAt(c.Context, inv.Cohort, 0)
	if IsNotFound(err) {
		return nil, "", nil, false, c.Refuse(c.T("invite.unknown"))
	}
	if err != nil {
		return nil, "", nil, false, err
	}
	return co, code, args, true, nil
}

// rosterGroupPress lists the group's names not taken ("rs:g:<code>:<group>:").
func (b *Bot) rosterGroupPress(c *Context) error {
	co, code, args, ok, err := b.rosterPress(c, 1)
	if !ok || err != nil {
		return err
	}
	if args[0] >= len(co.Plan.Groups) {
		return b.staleButton(c)
	}
	group := co.Plan.Groups[args[0]]
	taken, err := b.store.RosterTaken(c.Context, co.ID)
	if err != nil {
		return err
	}
	var rows [][]Button
	for _, n := range rosterOf(co, Trainee, group) {
		if taken[n] {
			continue
		}
		p := co.Plan.Roster[n-1]
		label := p.Name
		if p.Org != "" {
			label += " — " + p.Org
		}
		rows = append(rows, []Button{{Text: Truncate(label, 60), Data: Data("rs", "n", "", code, strconv.Itoa(n))}})
	}
	rows = append(rows, []Button{{Text: c.T("btn.roster_absent"), Data: Data("rs", "x", "", code)}})
	text := c.T("reg.roster_names", group)
	if len(rows) == 1 {
		text = c.T("reg.roster_all_taken", group)
	}
	_, err = c.Send(Message{Text: text, Buttons: rows, Edit: c.U.Callback.MessageID})
	return err
}

// rosterNamePress asks «I agree» as the person ("rs:n:<code>:<row>:").
func (b *Bot) rosterNamePress(c *Context) error {
	co, code, args, ok, err := b.rosterPress(c, 1)
	if !ok || err != nil {
		return err
	}
	n := args[0]
	if n < 1 || n > len(co.Plan.Roster) || Role(co.Plan.Roster[n-1].Role) != Trainee {
		return b.staleButton(c)
	}
	p := co.Plan.Roster[n-1]
	text := c.T("reg.privacy_roster", co.Name, c.T("role."+string(Trainee))) + "\n\n" + c.T("reg.roster_you", p.Name, OrDash(p.Org), p.Group)
	gi := 0
	for i, g := range co.Plan.Groups {
		if g == p.Group {
			gi = i
		}
	}
	_, err = c.Send(Message{Text: text, Edit: c.U.Callback.MessageID, Buttons: [][]Button{
		{{Text: c.T("btn.consent_yes"), Data: Data("rs", "y", "", code, strconv.Itoa(n))}},
		{{Text: c.T("btn.roster_not_me"), Data: Data("rs", "g", "", code, strconv.Itoa(gi))}},
	}})
	return err
}

// rosterAbsentPress is «My name is not there» ("rs:x:<code>:"): the
// notice with its consent buttons, as for a cohort without a roster.
func (b *Bot) rosterAbsentPress(c *Context) error {
	co, code, _, ok, err := b.rosterPress(c, 0)
	if !ok || err != nil {
		return err
	}
	return b.consentNotice(c, co, Trainee, code)
}

// rosterAgreePress is «I agree» as a roster's person ("rs:y:<code>:<row>:").
func (b *Bot) rosterAgreePress(c *Context) error {
	co, code, args, ok, err := b.rosterPress(c, 1)
	if !ok || err != nil {
		return err
	}
	n := args[0]
	if n < 1 || n > len(co.Plan.Roster) || Role(co.Plan.Roster[n-1].Role) != Trainee {
		return b.staleButton(c)
	}
	return b.joinAs(c, code, n)
}
