package bot_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cohortbot/cohortbot/bot"
	"github.com/cohortbot/cohortbot/bot/bottest"
	"github.com/cohortbot/cohortbot/bot/plan"
)

// coreButtons are the button prefixes the core owns.
var coreButtons = []string{"cmd", "lang", "co", "cs", "rs", "reg", "leave", "pf", "mb", "iv"}

// pressed returns the data of the button whose data matches, among the
// buttons of the last message.
func pressed(t *testing.T, send *bottest.Sender, match func(d bot.ButtonData) bool) string {
	t.Helper()
	last := send.Last()
	for _, row := range last.Buttons {
		for _, b := range row {
			if d, ok := bot.ParseButton(b.Data); ok && match(d) {
				return b.Data
			}
		}
	}
	t.Fatalf("no such button on %q: %v", last.Text, last.Buttons)
	return ""
}

// TestCoreButtonsOnCodec: every button of the core's screens is in the
// codec's shape (bot.ButtonData) with a core prefix and fits Telegram's 64
// bytes, also on a member with the longest Zalo key; pressing the buttons
// the screens offer works, the member's key coming back from the data
// exactly.
func TestCoreButtonsOnCodec(t *testing.T) {
	h, send, demo, st := consoleBot(t)
	ctx := context.Background()
	co := demo.Cohort
	groups := co.Plan.Groups

	// A trainee on Zalo: the longest user key in use.
	zk := bot.UserKey("zalo:" + "0123456789abcdef0123")
	if err := st.PutMember(ctx, &bot.Member{User: zk, Cohort: co.ID, Role: bot.Trainee, Name: "Đỗ Văn Zalo", Group: groups[0], Joined: h.Clock.Now(), Registered: true}); err != nil {
		t.Fatal(err)
	}
	if err := st.SetActive(ctx, zk, co.ID); err != nil {
		t.Fatal(err)
	}
	// The organiser has a second course, to switch between.
	other, err := bot.CreateCohort(ctx, st, plan.Default("Khóa hai", time.UTC), h.Clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := st.PutMember(ctx, &bot.Member{User: bot.NewUserKey(bot.Console, "btc"), Cohort: other.Cohort.ID, Role: bot.Organiser, Name: "Trần Văn Hùng", Joined: h.Clock.Now(), Registered: true}); err != nil {
		t.Fatal(err)
	}

	btc := h.User("btc")
	for _, line := range []string{"/menu", "/lang", "/privacy", "/leave", "/profile", "/invites", "/cohort", "/members"} {
		btc.Say(line)
	}
	isZalo := func(action string) func(d bot.ButtonData) bool {
		return func(d bot.ButtonData) bool {
			u, ok := bot.ArgUser(d.Args[len(d.Args)-1])
			return d.Prefix == "mb" && d.Action == action && ok && u == zk && d.Cohort == co.ID
		}
	}
	viewData := pressed(t, send, isZalo("v"))
	btc.Press(viewData)
	if view := send.Last(); !strings.Contains(view.Text, "Đỗ Văn Zalo") {
		t.Fatalf("member view = %q", view.Text)
	}
	btc.Press(pressed(t, send, isZalo("r")))
	pressed(t, send, func(d bot.ButtonData) bool { return isZalo("sr")(d) && d.Args[0] == "o" })
	btc.Press(viewData)
	btc.Press(pressed(t, send, isZalo("x")))
	btc.Press(pressed(t, send, isZalo("v"))) // «No»
	btc.Press(pressed(t, send, isZalo("g")))
	btc.Press(pressed(t, send, func(d bot.ButtonData) bool { return isZalo("sg")(d) && d.Args[0] == "3" }))
	if m, err := st.Member(ctx, co.ID, zk); err != nil || m.Group != groups[3] {
		t.Errorf("the Zalo member after the move: %+v, %v; want group %q", m, err, groups[3])
	}

	zalo := h.User("zalo")
	zalo.Key = zk
	for _, line := range []string{"/menu", "/profile", "/leave"} {
		zalo.Say(line)
	}
	zalo.Press(pressed(t, send, func(d bot.ButtonData) bool { return d.Prefix == "leave" && d.Action == "no" }))
	if m, err := st.Member(ctx, co.ID, zk); err != nil || m == nil {
		t.Errorf("the Zalo member after «No»: %+v, %v", m, err)
	}

	// A newcomer registers with the buttons.
	moi := h.User("moi")
	moi.Handle(bot.Update{Kind: bot.KindCommand, Command: "start", Args: demo.Invites[bot.Trainee].Code, UserName: "Mai Thị Mới"})
	if m, err := st.Member(ctx, co.ID, moi.Key); !bot.IsNotFound(err) {
		t.Fatalf("the newcomer before agreeing to the notice: %+v, %v; want nothing kept", m, err)
	}
	moi.Handle(bot.Update{Kind: bot.KindCallback, Callback: &bot.Callback{ID: "cs", Data: pressed(t, send, func(d bot.ButtonData) bool { return d.Prefix == "cs" && d.Action == "y" }), MessageID: 1}, UserName: "Mai Thị Mới"})
	moi.Handle(bot.Update{Kind: bot.KindCallback, Callback: &bot.Callback{ID: "pn", Data: pressed(t, send, func(d bot.ButtonData) bool { return d.Action == "pn" }), MessageID: 1}, UserName: "Mai Thị Mới"})
	moi.Press(pressed(t, send, func(d bot.ButtonData) bool { return d.Action == "skip" }))
	moi.Press(pressed(t, send, func(d bot.ButtonData) bool { return d.Prefix == "reg" && d.Action == "g" && d.Args[0] == "2" }))
	m, err := st.Member(ctx, co.ID, moi.Key)
	if err != nil || !m.Registered || m.Name != "Mai Thị Mới" || m.Group != groups[2] {
		t.Fatalf("the newcomer after registering: %+v, %v", m, err)
	}

	// The organiser switches course, and language, with the buttons.
	btc.Say("/cohort")
	btc.Press(pressed(t, send, func(d bot.ButtonData) bool { return d.Prefix == "co" && d.Cohort == other.Cohort.ID }))
	btc.Say("/lang")
	btc.Press(pressed(t, send, func(d bot.ButtonData) bool { return d.Prefix == "lang" && d.Action == "en" }))
	if p, err := st.Profile(ctx, btc.Key); err != nil || p.Active != other.Cohort.ID || p.Lang != bot.EN {
		t.Errorf("the organiser's profile after the presses: %+v, %v", p, err)
	}

	n := 0
	for _, msg := range send.Messages() {
		for _, row := range msg.Buttons {
			for _, b := range row {
				if b.URL != "" {
					continue
				}
				n++
				d, ok := bot.ParseButton(b.Data)
				if !ok || !slices.Contains(coreButtons, d.Prefix) || len(b.Data) > bot.MaxButtonData {
					t.Errorf("button %q (%d bytes) on %q is not a core button in the codec's shape", b.Data, len(b.Data), msg.Text)
				}
			}
		}
	}
	t.Logf("%d core buttons seen", n)
	if n < 40 {
		t.Errorf("only %d buttons seen", n)
	}
}
