package plan

import "time"

// Default is the plan of a cohort created with a name only (from the chat
// or with --name): no sessions yet, the default reminders and digest time.
// Organisers complete it later with plan apply.
func Default(name string, loc *time.Location) *Plan {
	digest := Clock{Hour: 7, Minute: 30}
	return &Plan{
		Name:      name,
		Timezone:  loc.String(),
		Location:  loc,
		DigestAt:  &digest,
		Reminders: DefaultReminders(),
	}
}
