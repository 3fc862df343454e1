package bot

import "strings"

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
	r.Handle(CallbackPrefix("lang:"), b.langPick)
	r.Handle(Command("privacy"), b.privacy)
	r.Handle(Command("cohort"), b.cohortList)
	r.Handle(CallbackPrefix("co:"), b.cohortPick)
	r.Handle(Command("newcohort"), b.newCohort)
	r.Handle(And(InFlow(flowRegister), Or(IsKind(KindText), Command("skip"), CallbackPrefix("reg:"))), b.register)
	r.Handle(CallbackPrefix("reg:"), b.registerStale)

	r.Handle(Command("leave"), b.leave, RequireMember)
	r.Handle(CallbackPrefix("leave:"), b.leaveConfirm, RequireMember)
	r.Handle(Command("profile"), b.profile, RequireMember)
	r.Handle(CallbackPrefix("pf:"), b.profileEdit, RequireMember)
	r.Handle(And(InFlow(flowProfile), Or(IsKind(KindText), Command("skip"))), b.profileInput, RequireMember)

	r.Handle(Command("members"), b.members, organiser)
	r.Handle(CallbackPrefix("mb:"), b.memberAction, organiser)
	r.Handle(Command("invites"), b.invites, organiser)
	r.Handle(CallbackPrefix("iv:"), b.inviteAction, organiser)

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

// menuButtons turns a menu button ("cmd:<name>") into the command it
// stands for, so it passes exactly the same checks as the typed command.
func (b *Bot) menuButtons(next HandlerFunc) HandlerFunc {
	return func(c *Context) error {
		if cb := c.U.Callback; cb != nil && strings.HasPrefix(cb.Data, "cmd:") {
			name := strings.TrimPrefix(cb.Data, "cmd:")
			if _, ok := commandSpec(name); ok {
				c.U.Command = name
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
