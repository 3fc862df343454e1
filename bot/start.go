package bot

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
)

var inviteCode = regexp.MustCompile(`^[A-Za-z0-9_-]{1,32}$`)

// start handles /start with or without an invite code.
func (b *Bot) start(c *Context) error {
	code := strings.TrimSpace(c.U.Args)
	if code == "" {
		switch {
		case c.Member != nil && !c.Member.Registered:
			return b.askStep(c)
		case c.Member != nil:
			return b.sendMenu(c, c.T("start.welcome_back", c.Member.Name, c.Cohort.Name))
		default:
			return c.Reply(c.T("start.about"))
		}
	}
	for prefix, h := range b.starts {
		if strings.HasPrefix(code, prefix) {
			return h(c)
		}
	}
	return b.join(c, code, false, 0)
}

// bareCodeShape is what a typed invite code looks like: the generated
// codes are 12 characters; shorter words are left to the fallback.
var bareCodeShape = regexp.MustCompile(`^[A-Za-z0-9_-]{6,32}$`)

// bareCode matches a text on a platform without deep links that is
// nothing but something shaped like an invite code.
func bareCode(c *Context) bool {
	return (c.U.Platform == Zalo || c.U.Platform == Console) && c.U.ChatType == Private &&
		bareCodeShape.MatchString(strings.TrimSpace(c.U.Text))
}

// startBare joins with a code typed alone when it is an invite's; any
// other text goes to the fallback as before.
func (b *Bot) startBare(c *Context) error {
	code := strings.TrimSpace(c.U.Text)
	if _, err := b.store.Invite(c.Context, code); err != nil {
		if IsNotFound(err) {
			return b.fallback(c)
		}
		return fmt.Errorf("read invite: %w", err)
	}
	return b.join(c, code, false, 0)
}

// consentYes is "I agree" under the privacy notice ("cs:y:<code>:"): the
// invite is checked again as if it were opened now, and only then is the
// person added.
func (b *Bot) consentYes(c *Context) error {
	args, ok := c.pressArgs(1, true)
	if !ok || !inviteCode.MatchString(args[0]) {
		return b.staleButton(c)
	}
	return b.join(c, args[0], true, 0)
}

// consentNo is "I do not agree" ("cs:n:"): nothing was kept, and nothing
// is; the answer replaces the notice so its "I agree" cannot be pressed
// later by mistake.
func (b *Bot) consentNo(c *Context) error {
	if _, ok := c.pressArgs(0, true); !ok {
		return b.staleButton(c)
	}
	_, err := c.Send(Message{Text: c.T("start.declined"), Edit: c.U.Callback.MessageID})
	return err
}

// join opens an invite. Before the person agrees to the privacy notice
// nothing about them is written: the invite is only checked and the
// notice shown with its "I agree" button, which carries the code (or,
// for trainees of a cohort with a roster, the roster's groups: see
// roster.go). Agreeing (agreed) redeems the invite and adds the member,
// as the roster's person when person is set (from 1).
func (b *Bot) join(c *Context, code string, agreed bool, person int) error {
	if !inviteCode.MatchString(code) {
		return c.Reply(c.T("invite.unknown"))
	}
	inv, err := b.store.Invite(c.Context, code)
	if IsNotFound(err) {
		return c.Reply(c.T("invite.unknown"))
	}
	if err != nil {
		return fmt.Errorf("read invite: %w", err)
	}
	existing, err := b.store.Member(c.Context, inv.Cohort, c.U.User)
	if err != nil && !IsNotFound(err) {
		return fmt.Errorf("read member: %w", err)
	}
	if existing != nil {
		// One person, one role: an invite for another role changes
		// nothing; organisers change roles with /members.
		if existing.Role == inv.Role || existing.Invite == code {
			return b.rejoin(c, existing)
		}
		return b.refuseOtherRole(c, existing.Role, inv.Cohort)
	}
	past, err := b.store.Past(c.Context, inv.Cohort, c.U.User)
	if err != nil {
		return err
	}
	// A shared link brings a former member back only as they were; a
	// personal invite is an organiser's own decision.
	if past != nil && !personal(inv) {
		if past.Removed {
			return c.Reply(c.T("start.removed"))
		}
		if past.Role != inv.Role {
			return b.refuseOtherRole(c, past.Role, inv.Cohort)
		}
	}
	now := b.clock()
	if !agreed {
		if err := inv.Check(now); err != nil {
			return c.Reply(c.T(inviteProblem(err)))
		}
		cohort, err := b.CohortAt(c.Context, inv.Cohort, 0)
		if IsNotFound(err) {
			return c.Reply(c.T("invite.unknown"))
		}
		if err != nil {
			return err
		}
		if inv.Person > 0 {
			return b.personalNotice(c, cohort, inv, code)
		}
		if inv.Role == Trainee && past == nil && len(rosterOf(cohort, Trainee, "")) > 0 {
			return b.rosterGroups(c, cohort, code)
		}
		return b.consentNotice(c, cohort, inv.Role, code)
	}
	if person == 0 {
		// A personal link of the roster joins its person.
		person = inv.Person
	}
	inv, err = b.store.RedeemInvite(c.Context, code, c.U.User, now)
	if err != nil {
		if key := inviteProblem(err); key != "" {
			return c.Reply(c.T(key))
		}
		return fmt.Errorf("redeem invite: %w", err)
	}
	cohort, err := b.CohortAt(c.Context, inv.Cohort, 0)
	if IsNotFound(err) {
		return c.Reply(c.T("invite.unknown"))
	}
	if err != nil {
		return err
	}
	m := &Member{User: c.U.User, Cohort: cohort.ID, Role: inv.Role, Joined: now, Invite: code, Consent: now}
	if past != nil && m.Role == Trainee {
		// Back after leaving: the group they had, which only organisers
		// change, so that nobody votes for their own group's photos.
		m.Group = past.Group
	}
	if person > 0 {
		if person > len(cohort.Plan.Roster) || Role(cohort.Plan.Roster[person-1].Role) != m.Role {
			return b.staleButton(c)
		}
		p := cohort.Plan.Roster[person-1]
		if past != nil && past.Group != p.Group {
			return c.Refuse(c.T("reg.roster_other_group", past.Group, past.Group))
		}
		m.Person, m.Name, m.Org, m.Group, m.Registered = person, p.Name, p.Org, p.Group, true
		ok, err := b.store.ClaimPerson(c.Context, m)
		if err != nil {
			return err
		}
		if !ok {
			return c.Refuse(c.T("reg.roster_taken", p.Name))
		}
	} else if err := b.store.PutMember(c.Context, m); err != nil {
		return fmt.Errorf("add member: %w", err)
	}
	if err := b.activate(c, cohort, m); err != nil {
		return err
	}
	b.log.Info("member joined", "cohort", cohort.ID, "user", c.U.User, "role", m.Role, "person", m.Person, "update", c.U.ID)
	if m.Registered {
		if err := c.EndConv(); err != nil {
			return err
		}
		return b.sendMenu(c, b.registeredText(c))
	}
	return b.beginRegistration(c)
}

// consentNotice shows the privacy notice with «I agree», which carries
// the invite's code, and «I do not agree».
func (b *Bot) consentNotice(c *Context, co *Cohort, role Role, code string) error {
	return c.Reply(c.T("reg.privacy", co.Name, c.T("role."+string(role))), []Button{
		{Text: c.T("btn.consent_yes"), Data: Data("cs", "y", "", code)},
		{Text: c.T("btn.consent_no"), Data: Data("cs", "n", "")},
	})
}

// personalNotice is a roster person's own link: the notice names them,
// and «I agree» joins them as that person.
func (b *Bot) personalNotice(c *Context, co *Cohort, inv *Invite, code string) error {
	if inv.Person > len(co.Plan.Roster) || Role(co.Plan.Roster[inv.Person-1].Role) != inv.Role {
		return c.Reply(c.T("invite.unknown"))
	}
	p := co.Plan.Roster[inv.Person-1]
	text := c.T("reg.privacy", co.Name, c.T("role."+string(inv.Role))) + "\n\n" + c.T("reg.roster_you", p.Name, OrDash(p.Org), OrDash(p.Group))
	return c.Reply(text, []Button{
		{Text: c.T("btn.consent_yes"), Data: Data("cs", "y", "", code)},
		{Text: c.T("btn.consent_no"), Data: Data("cs", "n", "")},
	})
}

// joinAs is «I agree» as the roster's person n.
func (b *Bot) joinAs(c *Context, code string, n int) error { return b.join(c, code, true, n) }

// inviteProblem is the catalogue key that answers an invite the store
// refused, "" for an error that is not one of the invite's.
func inviteProblem(err error) string {
	switch {
	case errors.Is(err, ErrInviteUnknown):
		return "invite.unknown"
	case errors.Is(err, ErrInviteRevoked):
		return "invite.revoked"
	case errors.Is(err, ErrInviteUsedUp):
		return "invite.used_up"
	case errors.Is(err, ErrInviteExpired):
		return "invite.expired"
	}
	return ""
}

// personal reports whether an invite is for one person: single use, so
// an organiser made it for someone in particular.
func personal(inv *Invite) bool { return inv.Uses == 1 && inv.Used == 0 }

// refuseOtherRole answers an invite for a role the person does not hold in
// the cohort: nothing changes.
func (b *Bot) refuseOtherRole(c *Context, role Role, cohort string) error {
	name := cohort
	if co, err := b.CohortAt(c.Context, cohort, 0); err == nil {
		name = co.Name
	}
	return c.Reply(c.T("start.other_role", name, c.T("role."+string(role))))
}

// rejoin answers /start with an invite of a cohort the user is already in.
func (b *Bot) rejoin(c *Context, m *Member) error {
	cohort, err := b.CohortAt(c.Context, m.Cohort, 0)
	if err != nil {
		return err
	}
	if err := b.activate(c, cohort, m); err != nil {
		return err
	}
	if !m.Registered {
		// Agreed, and not through registration yet: go on where they
		// stopped (askStep starts the conversation again if it expired).
		return b.askStep(c)
	}
	return b.sendMenu(c, c.T("start.already", cohort.Name, c.T("role."+string(m.Role))))
}

// activate makes the cohort the user's active one and remembers the
// user's profile name for the certificate-name button.
func (b *Bot) activate(c *Context, co *Cohort, m *Member) error {
	if c.Profile.Active != co.ID {
		if err := b.store.SetActive(c.Context, c.U.User, co.ID); err != nil {
			return fmt.Errorf("set active cohort: %w", err)
		}
		c.Profile.Active = co.ID
	}
	if c.U.UserName != "" && c.U.UserName != c.Profile.Name {
		if err := b.store.TouchProfile(c.Context, c.U.User, c.U.UserName, c.U.Username); err != nil {
			return fmt.Errorf("save profile name: %w", err)
		}
		c.Profile.Name = c.U.UserName
	}
	c.Cohort, c.Member = co, m
	return nil
}

func (b *Bot) cancel(c *Context) error {
	if c.Conv == nil {
		return c.Reply(c.T("cancel.nothing"))
	}
	wasRegistering := c.Conv.Flow == flowRegister
	if err := c.EndConv(); err != nil {
		return err
	}
	if wasRegistering {
		return c.Reply(c.T("cancel.registration"))
	}
	return b.sendMenu(c, c.T("cancel.done"))
}

func (b *Bot) nothingToSkip(c *Context) error { return c.Reply(c.T("skip.nothing")) }

func (b *Bot) help(c *Context) error {
	var sb strings.Builder
	sb.WriteString(c.T("help.title"))
	member := c.Member != nil && c.Member.Registered
	for _, spec := range Commands() {
		switch {
		case !spec.Ready,
			(spec.Member || spec.Organiser) && !member,
			member && !spec.For(c.Member.Role):
			continue
		}
		fmt.Fprintf(&sb, "\n/%s — %s", spec.Name, c.T("cmd."+spec.Name))
		if c.U.Platform == Zalo {
			// Zalo has no command menu: the words typed instead.
			if w := wordsOf(spec.Name); w != "" {
				sb.WriteString(" · " + w)
			}
		}
	}
	if b.cfg.Admins[c.U.User] {
		fmt.Fprintf(&sb, "\n/newcohort — %s", c.T("cmd.newcohort"))
	}
	if c.Member == nil {
		sb.WriteString("\n\n" + c.T("help.join"))
	}
	return c.Reply(sb.String())
}

func (b *Bot) menu(c *Context) error {
	if c.Member == nil || !c.Member.Registered {
		return c.needMembership()
	}
	return b.sendMenu(c, c.T("menu.title", c.Cohort.Name))
}

// sendMenu sends text with the main menu of the sender's role.
func (b *Bot) sendMenu(c *Context, text string) error {
	return c.Reply(text, b.menuRows(c)...)
}

func (b *Bot) menuRows(c *Context) [][]Button {
	if c.Member == nil || !c.Member.Registered {
		return nil
	}
	btn := func(name string) Button { return Button{Text: c.T("btn." + name), Data: Data("cmd", name, "")} }
	rows := [][]Button{
		{btn("schedule"), btn("deadlines")},
		{btn("profile"), btn("help")},
	}
	if c.Cohort != nil && c.Cohort.Plan.Contest != nil {
		switch c.Member.Role {
		case Trainee:
			rows = append(rows, []Button{btn("myphotos"), btn("vote")})
		case Lecturer:
			rows = append(rows, []Button{btn("vote"), btn("top")})
		case Organiser:
			rows = append(rows, []Button{btn("contest"), btn("pending")})
		}
	}
	// Reports, scoring, attendance and certificates, where the plan has
	// them, for the roles they serve.
	p := c.Cohort.Plan
	switch c.Member.Role {
	case Trainee:
		var row []Button
		if len(p.Deadlines) > 0 {
			row = append(row, btn("report"))
		}
		if len(p.Sessions) > 0 {
			row = append(row, btn("checkin"))
		}
		if p.Certificate != nil {
			row = append(row, btn("certificate"))
		}
		if len(row) > 0 {
			rows = append(rows, row)
		}
		if p.Scoring != nil {
			rows = append(rows, []Button{btn("score"), btn("ranking")})
		}
	case Lecturer:
		if p.Scoring != nil {
			rows = append(rows, []Button{btn("score"), btn("ranking")})
		}
	}
	if c.IsOrganiser() {
		rows = append(rows, []Button{btn("members"), btn("invites")}, []Button{btn("announce"), btn("export")},
			[]Button{btn("attendance"), btn("certificates")})
	}
	return rows
}

func (b *Bot) lang(c *Context) error {
	switch strings.ToLower(strings.TrimSpace(c.U.Args)) {
	case "vi":
		return b.setLang(c, VI)
	case "en":
		return b.setLang(c, EN)
	}
	return c.Reply(c.T("lang.choose"), []Button{
		{Text: "🇻🇳 Tiếng Việt", Data: Data("lang", string(VI), "")},
		{Text: "🇬🇧 English", Data: Data("lang", string(EN), "")},
	})
}

// langPress is a press of a language button ("lang:<lang>:"): the
// language is the user's, so the button names no cohort.
func (b *Bot) langPress(l Lang) HandlerFunc {
	return func(c *Context) error {
		if _, ok := c.pressArgs(0, true); !ok {
			return b.staleButton(c)
		}
		return b.setLang(c, l)
	}
}

func (b *Bot) setLang(c *Context, l Lang) error {
	if err := b.store.SetLang(c.Context, c.U.User, l); err != nil {
		return fmt.Errorf("set language: %w", err)
	}
	c.Lang, c.Profile.Lang = l, l
	if c.Member != nil && c.Member.Registered {
		return b.sendMenu(c, c.T("lang.set"))
	}
	return c.Reply(c.T("lang.set"))
}

func (b *Bot) notYet(c *Context) error { return c.Refuse(c.T("err.not_yet")) }

func (b *Bot) unknownCommand(c *Context) error {
	return c.Reply(c.T("err.unknown_command", Truncate(c.U.Command, 32)))
}

// fallback answers what no route took.
func (b *Bot) fallback(c *Context) error {
	switch c.U.Kind {
	case KindCallback:
		return c.Answer(c.T("err.stale_button"), true)
	case KindText:
		if c.Member == nil {
			return c.Reply(c.T("start.about"))
		}
		return c.Reply(c.T("err.not_understood"))
	case KindPhoto:
		return c.Reply(c.T("err.photo_not_now"))
	default:
		if c.U.Platform == Zalo {
			// Stickers, voice messages, what Zalo does not pass on.
			return c.Reply(c.T("err.unsupported_zalo"))
		}
		return c.Reply(c.T("err.unsupported"))
	}
}

// wordsOf lists the word forms of a command for /help: «lịch», «lịch học».
func wordsOf(command string) string {
	for _, cw := range CommandWords() {
		if cw.Command != command {
			continue
		}
		var forms []string
		for _, w := range cw.Words {
			if Fold(w) != w || len(forms) == 0 {
				forms = append(forms, "«"+w+"»")
			}
		}
		return strings.Join(forms, ", ")
	}
	return ""
}
