package bot

// CommandSpec describes a chat command for /help, the menu and the
// platform's command list.
type CommandSpec struct {
	Name string
	// Organiser is set for commands only organisers may run.
	Organiser bool
	// Member is set for commands that need a finished registration.
	Member bool
}

// Commands lists every chat command of DESIGN.md in the order /help shows
// them. The description of each is the catalogue key "cmd.<name>".
func Commands() []CommandSpec {
	return []CommandSpec{
		{Name: "start"},
		{Name: "help"},
		{Name: "menu"},
		{Name: "schedule", Member: true},
		{Name: "deadlines", Member: true},
		{Name: "vote", Member: true},
		{Name: "top", Member: true},
		{Name: "myphotos", Member: true},
		{Name: "report", Member: true},
		{Name: "score", Member: true},
		{Name: "ranking", Member: true},
		{Name: "checkin", Member: true},
		{Name: "certificate", Member: true},
		{Name: "profile", Member: true},
		{Name: "cohort"},
		{Name: "lang"},
		{Name: "privacy"},
		{Name: "leave", Member: true},
		{Name: "cancel"},
		{Name: "skip"},
		{Name: "announce", Organiser: true},
		{Name: "pending", Organiser: true},
		{Name: "contest", Organiser: true},
		{Name: "stats", Organiser: true},
		{Name: "members", Organiser: true},
		{Name: "invites", Organiser: true},
		{Name: "attendance", Organiser: true},
		{Name: "export", Organiser: true},
		{Name: "checkincode", Organiser: true},
		{Name: "certificates", Organiser: true},
		{Name: "link", Organiser: true},
	}
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
// too.
func MenuCommands(organiser bool) []CommandSpec {
	listed := map[string]bool{
		"start": true, "menu": true, "schedule": true, "deadlines": true, "profile": true,
		"cohort": true, "lang": true, "privacy": true, "help": true, "cancel": true,
		"members": organiser, "invites": organiser,
	}
	var out []CommandSpec
	for _, c := range Commands() {
		if listed[c.Name] {
			out = append(out, c)
		}
	}
	return out
}
