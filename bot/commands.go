package bot

import "slices"

// CommandSpec describes a chat command for /help, the menu and the
// platform's command list.
type CommandSpec struct {
	Name string
	// Organiser is set for commands only organisers may run.
	Organiser bool
	// Member is set for commands that need a finished registration.
	Member bool
	// Roles, when set, are the only members' roles the command serves;
	// the others are refused it, so /help and the menus leave it out.
	Roles []Role
	// Ready is set for commands whose feature is built; the others answer
	// that they are coming and are left out of /help and the menus.
	Ready bool
}

// Commands lists every chat command of DESIGN.md in the order /help shows
// them. The description of each is the catalogue key "cmd.<name>".
func Commands() []CommandSpec {
	return []CommandSpec{
		{Name: "start", Ready: true},
		{Name: "help", Ready: true},
		{Name: "menu", Ready: true},
		{Name: "schedule", Member: true, Ready: true},
		{Name: "deadlines", Member: true, Ready: true},
		{Name: "vote", Member: true, Ready: true, Roles: []Role{Trainee, Lecturer}},
		{Name: "top", Member: true, Ready: true},
		{Name: "myphotos", Member: true, Ready: true, Roles: []Role{Trainee}},
		{Name: "report", Member: true, Ready: true},
		{Name: "score", Member: true, Ready: true, Roles: []Role{Trainee, Lecturer}},
		{Name: "ranking", Member: true, Ready: true},
		{Name: "checkin", Member: true, Ready: true, Roles: []Role{Trainee}},
		{Name: "certificate", Member: true, Ready: true, Roles: []Role{Trainee}},
		{Name: "profile", Member: true, Ready: true},
		{Name: "cohort", Ready: true},
		{Name: "lang", Ready: true},
		{Name: "privacy", Ready: true},
		{Name: "mydata", Ready: true},
		{Name: "leave", Member: true, Ready: true},
		{Name: "cancel", Ready: true},
		{Name: "skip", Ready: true},
		{Name: "announce", Organiser: true, Ready: true},
		{Name: "pending", Organiser: true, Ready: true},
		{Name: "contest", Organiser: true, Ready: true},
		{Name: "stats", Organiser: true},
		{Name: "members", Organiser: true, Ready: true},
		{Name: "invites", Organiser: true, Ready: true},
		{Name: "attendance", Organiser: true, Ready: true},
		{Name: "export", Organiser: true, Ready: true},
		{Name: "checkincode", Organiser: true, Ready: true},
		{Name: "certificates", Organiser: true, Ready: true},
		{Name: "plan", Organiser: true, Ready: true},
		{Name: "link", Organiser: true, Ready: true},
	}
}

// For reports whether the command serves a member of the role.
func (s CommandSpec) For(r Role) bool {
	if s.Organiser && r != Organiser {
		return false
	}
	return len(s.Roles) == 0 || slices.Contains(s.Roles, r)
}

// OrganiserCommands returns the names of the organiser-only commands.
func OrganiserCommands() []string {
	var out []string
	for _, c := range Commands() {
		if c.Organiser {
			out = append(out, c.Name)
		}
	}
	return out
}

func commandSpec(name string) (CommandSpec, bool) {
	for _, c := range Commands() {
		if c.Name == name {
			return c, true
		}
	}
	return CommandSpec{}, false
}

// MenuCommands returns the commands shown in the platform's command menu:
// the built features everyone uses, and with organiser the organisers'
// list instead, without what organisers are refused.
func MenuCommands(organiser bool) []CommandSpec {
	var out []CommandSpec
	for _, c := range Commands() {
		serves := c.For(Organiser)
		if !organiser {
			serves = c.For(Trainee) || c.For(Lecturer)
		}
		if c.Ready && serves && c.Name != "skip" && c.Name != "leave" {
			out = append(out, c)
		}
	}
	return out
}
