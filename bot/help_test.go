package bot_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/cohortbot/cohortbot/bot"
)

// consoleUser sends updates to a console bot as one demo person.
type consoleUser struct {
	t    *testing.T
	b    *bot.Bot
	user bot.UserKey
	id   *int64
}

func (u consoleUser) handle(up bot.Update) {
	u.t.Helper()
	*u.id++
	up.ID, up.Platform, up.User, up.Chat, up.ChatType = *u.id, bot.Console, u.user, u.user.PrivateChat(), bot.Private
	if err := u.b.Handle(context.Background(), &up); err != nil {
		u.t.Fatal(err)
	}
}

// say sends a line as the console does: a command when it starts with /.
func (u consoleUser) say(line string) {
	u.t.Helper()
	up := bot.Update{Kind: bot.KindText, Text: line}
	if name, ok := strings.CutPrefix(line, "/"); ok {
		name, args, _ := strings.Cut(name, " ")
		up.Kind, up.Command, up.Args = bot.KindCommand, name, args
	}
	u.handle(up)
}

func (u consoleUser) press(data string) {
	u.t.Helper()
	u.handle(bot.Update{Kind: bot.KindCallback, Callback: &bot.Callback{ID: data, Data: data, MessageID: 1}})
}

func demoUser(t *testing.T, b *bot.Bot, handle string) consoleUser {
	var id int64
	return consoleUser{t: t, b: b, user: bot.NewUserKey(bot.Console, handle), id: &id}
}

// TestHelpListsWhatTheRoleMayUse: /help lists the commands the sender's
// role is served, no command they would be refused (/myphotos is for
// trainees, /vote not for organisers, /members for organisers).
func TestHelpListsWhatTheRoleMayUse(t *testing.T) {
	b, send, _, _ := consoleBot(t)
	tests := []struct {
		name      string
		handle    string
		want, not []string
	}{
		{"organiser", "btc", []string{"/top", "/members", "/contest", "/profile"}, []string{"/vote", "/myphotos"}},
		{"lecturer", "gv", []string{"/vote", "/top", "/profile"}, []string{"/myphotos", "/members", "/contest"}},
		{"trainee", "lan", []string{"/vote", "/myphotos", "/top", "/profile"}, []string{"/members", "/contest", "/newcohort"}},
		{"stranger", "khach", []string{"/start", "/lang"}, []string{"/vote", "/myphotos", "/profile", "/members"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			demoUser(t, b, tt.handle).say("/help")
			help := send.last().Text
			if !strings.HasPrefix(help, bot.Text(bot.VI, "help.title")) {
				t.Fatalf("/help answered %q", help)
			}
			lines := strings.Split(help, "\n")
			listed := func(cmd string) bool {
				return slices.ContainsFunc(lines, func(l string) bool { return strings.HasPrefix(l, cmd+" — ") })
			}
			for _, cmd := range tt.want {
				if !listed(cmd) {
					t.Errorf("%s missing from:\n%s", cmd, help)
				}
			}
			for _, cmd := range tt.not {
				if listed(cmd) {
					t.Errorf("%s listed, though refused, in:\n%s", cmd, help)
				}
			}
		})
	}

	// The organisers' command menu leaves out what they are refused too;
	// everyone else's menu keeps what trainees or lecturers use.
	names := func(specs []bot.CommandSpec) []string {
		var out []string
		for _, s := range specs {
			out = append(out, s.Name)
		}
		return out
	}
	if org := names(bot.MenuCommands(true)); slices.Contains(org, "vote") || slices.Contains(org, "myphotos") || !slices.Contains(org, "top") {
		t.Errorf("organisers' menu = %v", org)
	}
	if all := names(bot.MenuCommands(false)); !slices.Contains(all, "vote") || !slices.Contains(all, "myphotos") || slices.Contains(all, "members") {
		t.Errorf("everyone's menu = %v", all)
	}
}

// TestRefusalTextNewCohort: /newcohort is refused to anyone not a bot
// admin, organisers included, saying it is for admins.
func TestRefusalTextNewCohort(t *testing.T) {
	b, send, _, st := consoleBot(t)
	before, err := st.Cohorts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, handle := range []string{"btc", "lan", "khach"} {
		demoUser(t, b, handle).say("/newcohort Khóa mới của tôi")
		if got, want := send.last().Text, bot.Text(bot.VI, "err.admin"); got != want {
			t.Errorf("%s: /newcohort answered %q, want %q", handle, got, want)
		}
	}
	if got, want := bot.Text(bot.VI, "err.admin"), bot.Text(bot.VI, "err.role"); got == want {
		t.Errorf("the admins' refusal reads like the organisers' one: %q", got)
	}
	after, err := st.Cohorts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(after) != len(before) {
		t.Errorf("cohorts %d, want %d", len(after), len(before))
	}
}

// TestProfileOrgTooLong: an organisation too long for the profile is
// refused with what the profile screen offers (/skip, /cancel), not with
// registration's «Bỏ qua» button, which this screen does not have.
func TestProfileOrgTooLong(t *testing.T) {
	b, send, demo, st := consoleBot(t)
	lan := demoUser(t, b, "lan")
	lan.press("pf:org")
	ask := send.last()
	if len(ask.Buttons) != 0 {
		t.Fatalf("the organisation question has buttons %v", ask.Buttons)
	}
	lan.say(strings.Repeat("Sở Công Thương ", 27))
	got := send.last()
	if want := bot.Text(bot.VI, "profile.org_bad", 120); got.Text != want {
		t.Errorf("too long an organisation answered %q, want %q", got.Text, want)
	}
	if strings.Contains(got.Text, bot.Text(bot.VI, "btn.skip")) || len(got.Buttons) != 0 {
		t.Errorf("the refusal names a button the screen lacks: %q %v", got.Text, got.Buttons)
	}
	if !strings.Contains(got.Text, "/skip") || !strings.Contains(got.Text, "/cancel") {
		t.Errorf("the refusal does not say how to clear or keep: %q", got.Text)
	}
	if m, err := st.Member(context.Background(), demo.Cohort.ID, lan.user); err != nil || m.Org != "" {
		t.Errorf("member after the refusal: %+v, %v", m, err)
	}
	// Still in the question: a valid answer is taken.
	lan.say("Sở Công Thương Lạng Sơn")
	if got := send.messages[len(send.messages)-2].Text; got != bot.Text(bot.VI, "profile.saved") {
		t.Errorf("after a valid answer: %q", got)
	}
}
