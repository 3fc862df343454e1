package bot

// routes installs every feature's routes. Order matters: the first match
// wins, so commands come before conversations, and conversations before
// the fallbacks.
func (b *Bot) routes() *Router {
	r := &Router{}
	r.Use(Recover, Errors, Timeout, b.gate, b.load, b.groupChats, b.menuButtons, b.autoAnswer)

	organiser := RequireRole(Organiser)

	r.Handle(Command("start"), b.start)
	r.Handle(Command("cancel"), b.cancel)
	r.Handle(Command("help"), b.help)
	r.Handle(Command("menu"), b.menu)
	r.Handle(Command("lang"), b.lang)
	for _, l := range []Lang{VI, EN} {
		r.Handle(Press("lang", string(l)), b.langPress(l))
	}
	r.Handle(CallbackPrefix("lang:"), b.staleButton)
	r.Handle(Command("privacy"), b.privacy)
	r.Handle(Command("mydata"), b.myData)
	r.Handle(Command("cohort"), b.cohortList)
	r.Handle(Press("co", "pick"), b.cohortPick)
	r.Handle(CallbackPrefix("co:"), b.staleButton)
	r.Handle(Command("newcohort"), b.newCohort)
	// Consent to the privacy notice (start.go), before anything is kept.
	r.Handle(Press("cs", "y"), b.consentYes)
	r.Handle(Press("cs", "n"), b.consentNo)
	r.Handle(CallbackPrefix("cs:"), b.staleButton)
	// Joining from the roster (roster.go): group, name, «I agree».
	r.Handle(Press("rs", "g"), b.rosterGroupPress)
	r.Handle(Press("rs", "n"), b.rosterNamePress)
	r.Handle(Press("rs", "y"), b.rosterAgreePress)
	r.Handle(Press("rs", "x"), b.rosterAbsentPress)
	r.Handle(CallbackPrefix("rs:"), b.staleButton)

	// Registration (register.go): typed answers, then each button of the
	// step that asks it; a registration button anywhere else is stale.
	inReg := InFlow(flowRegister)
	r.Handle(And(inReg, Or(IsKind(KindText), Command("skip"))), b.register)
	r.Handle(And(inReg, Press("reg", "pn")), b.registerPress(stepName, 0, b.ownName))
	r.Handle(And(inReg, Press("reg", "skip")), b.registerPress(stepOrg, 0, b.skipOrg))
	r.Handle(And(inReg, Press("reg", "g")), b.registerPress(stepGroup, 1, b.groupPress))
	r.Handle(CallbackPrefix("reg:"), b.staleButton)

	r.Handle(Command("leave"), b.leave, RequireMember)
	r.Handle(Press("leave", "ask"), b.leave, RequireMember)
	r.Handle(Press("leave", "no"), b.leaveKept, RequireMember)
	r.Handle(Press("leave", "yes"), b.leaveConfirm, RequireMember)
	r.Handle(CallbackPrefix("leave:"), b.staleButton, RequireMember)
	r.Handle(Command("profile"), b.profile, RequireMember)
	r.Handle(Press("pf", "name"), b.profileEdit(stepName), RequireMember)
	r.Handle(Press("pf", "org"), b.profileEdit(stepOrg), RequireMember)
	r.Handle(CallbackPrefix("pf:"), b.staleButton, RequireMember)
	r.Handle(And(InFlow(flowProfile), Or(IsKind(KindText), Command("skip"))), b.profileInput, RequireMember)

	// The organisers' member list (members.go): every button but the
	// page names a member as its last argument (UserArg).
	r.Handle(Command("members"), b.members, organiser)
	r.Handle(Press("mb", "p"), b.membersPress, organiser)
	r.Handle(Press("mb", "v"), b.memberPress(0, b.memberView), organiser)
	r.Handle(Press("mb", "g"), b.memberPress(0, b.askMemberGroup), organiser)
	r.Handle(Press("mb", "sg"), b.memberPress(1, b.moveMember), organiser)
	r.Handle(Press("mb", "r"), b.memberPress(0, b.askMemberRole), organiser)
	r.Handle(Press("mb", "sr"), b.memberPress(1, b.changeRole), organiser)
	r.Handle(Press("mb", "x"), b.memberPress(0, b.confirmRemove), organiser)
	r.Handle(Press("mb", "xx"), b.memberPress(0, b.removeMember), organiser)
	r.Handle(CallbackPrefix("mb:"), b.staleButton, organiser)
	r.Handle(Command("invites"), b.invites, organiser)
	r.Handle(Press("iv", "x"), b.inviteRevoke, organiser)
	r.Handle(Press("iv", "n"), b.inviteCreate, organiser)
	r.Handle(CallbackPrefix("iv:"), b.staleButton, organiser)

	// The features, in the order of their list.
	g := &RouteGroup{r}
	for _, f := range b.features {
		if f.Routes != nil {
			f.Routes(g)
		}
	}
	// Files: the conversation's flow first, then the kind of file.
	r.Handle(Or(IsKind(KindPhoto), IsKind(KindDocument)), b.file, RequireMember)

	// Commands of features still to come: organisers' are refused for
	// everyone else exactly like the built ones.
	for _, spec := range Commands() {
		switch {
		case spec.Organiser:
			r.Handle(Command(spec.Name), b.notYet, organiser)
		case spec.Member:
			r.Handle(Command(spec.Name), b.notYet, RequireMember)
		}
	}
	r.Handle(Command("skip"), b.nothingToSkip)
	r.Handle(IsKind(KindCommand), b.unknownCommand)
	// On Zalo (and the console) an invite code typed alone joins, as
	// /start CODE: there are no deep links to open.
	r.Handle(And(IsKind(KindText), bareCode), b.startBare)
	r.Fallback(b.fallback)
	return r
}

// gate drops what the bot never answers, before anything is loaded:
// edited messages, commands addressed to another bot, channel posts.
func (b *Bot) gate(next HandlerFunc) HandlerFunc {
	return func(c *Context) error {
		if c.U.Ignored() {
			return nil
		}
		return next(c)
	}
}

// groupChats keeps group chats quiet: the bot only reacts there to
// commands, and tells people to write to it privately.
func (b *Bot) groupChats(next HandlerFunc) HandlerFunc {
	return func(c *Context) error {
		if c.U.ChatType == Private {
			return next(c)
		}
		if c.U.Command == "link" {
			return next(c)
		}
		if c.U.Kind == KindCommand {
			return c.Reply(c.T("group.private_only"))
		}
		return nil
	}
}

// menuButtons turns a menu button ("cmd:<name>:", made by menuRows) into
// the command it stands for, so it passes exactly the same route, role
// checks and answers as the typed command. It is a middleware rather than
// a route because the command's own route is the handler; data that names
// no command, or carries more, is left to the fallback's "stale button".
func (b *Bot) menuButtons(next HandlerFunc) HandlerFunc {
	return func(c *Context) error {
		if d, ok := c.Button(); ok && d.Prefix == "cmd" && len(d.Args) == 0 && d.Cohort == "" {
			if _, ok := commandSpec(d.Action); ok {
				c.U.Command = d.Action
			}
		}
		return next(c)
	}
}

// autoAnswer acknowledges a button press the handler left unanswered, so
// the user's spinner stops.
func (b *Bot) autoAnswer(next HandlerFunc) HandlerFunc {
	return func(c *Context) error {
		err := next(c)
		if c.U.Callback != nil && !c.answered {
			if aerr := c.Answer("", false); aerr != nil && err == nil {
				err = aerr
			}
		}
		return err
	}
}
