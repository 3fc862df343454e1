package bot_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cohortbot/cohortbot/bot"
	"github.com/cohortbot/cohortbot/bot/bottest"
	"github.com/cohortbot/cohortbot/bot/console"
	"github.com/cohortbot/cohortbot/store"
)

// consoleBot is the bot as the console runs it, on the demo cohort.
func consoleBot(t *testing.T) (*bottest.Harness, *bottest.Sender, *console.Demo, *store.Store) {
	t.Helper()
	h := bottest.New(t, time.Date(2017, 7, 10, 9, 0, 0, 0, time.UTC), features)
	return h, h.Sender, h.Demo(), h.Store
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
			b.User(tt.handle).Say("/help")
			help := send.Last().Text
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
		b.User(handle).Say("/newcohort Khóa mới của tôi")
		if got, want := send.Last().Text, bot.Text(bot.VI, "err.admin"); got != want {
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
	lan := b.User("lan")
	lan.Press("pf:org:" + demo.Cohort.ID)
	ask := send.Last()
	if len(ask.Buttons) != 0 {
		t.Fatalf("the organisation question has buttons %v", ask.Buttons)
	}
	lan.Say(strings.Repeat("Sở Công Thương ", 27))
	got := send.Last()
	if want := bot.Text(bot.VI, "profile.org_bad", 120); got.Text != want {
		t.Errorf("too long an organisation answered %q, want %q", got.Text, want)
	}
	if strings.Contains(got.Text, bot.Text(bot.VI, "btn.skip")) || len(got.Buttons) != 0 {
		t.Errorf("the refusal names a button the screen lacks: %q %v", got.Text, got.Buttons)
	}
	if !strings.Contains(got.Text, "/skip") || !strings.Contains(got.Text, "/cancel") {
		t.Errorf("the refusal does not say how to clear or keep: %q", got.Text)
	}
	if m, err := st.Member(context.Background(), demo.Cohort.ID, lan.Key); err != nil || m.Org != "" {
		t.Errorf("member after the refusal: %+v, %v", m, err)
	}
	// Still in the question: a valid answer is taken.
	lan.Say("Sở Công Thương Lạng Sơn")
	if got := send.Messages()[send.Count()-2].Text; got != bot.Text(bot.VI, "profile.saved") {
		t.Errorf("after a valid answer: %q", got)
	}
}
