package announce_test

import (
	"context"
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/cohortbot/cohortbot/bot"
	"github.com/cohortbot/cohortbot/bot/announce"
	"github.com/cohortbot/cohortbot/bot/bottest"
	"github.com/cohortbot/cohortbot/bot/console"
	"github.com/cohortbot/cohortbot/bot/contest"
	"github.com/cohortbot/cohortbot/bot/timetable"
	"github.com/cohortbot/cohortbot/store"
	"github.com/redis/go-redis/v9"
)

// consoleBot is the bot as the console runs it: an embedded store, no
// outbox, no scheduler, the demo cohort.
func consoleBot(t *testing.T) (*bot.Bot, *bottest.Sender, *console.Demo, *store.Store) {
	t.Helper()
	mr := miniredis.RunT(t)
	st := store.New(redis.NewClient(&redis.Options{Addr: mr.Addr()}))
	t.Cleanup(func() { st.Close() })
	now := time.Date(2017, 7, 10, 9, 0, 0, 0, time.UTC)
	demo, err := console.CreateDemo(context.Background(), st, now)
	if err != nil {
		t.Fatal(err)
	}
	send := &bottest.Sender{}
	return bot.New(bot.Config{}, st, send, bot.Features{announce.New(st).Feature(), contest.New(st).Feature(), timetable.New(st).Feature()}, bot.WithClock(func() time.Time { return now })), send, demo, st
}

// TestAnnounceWithoutOutboxOrSchedule: in the console there is no
// scheduler, so the preview offers no "schedule" and a forged press of it
// is refused; sending goes out directly and says so.
func TestAnnounceWithoutOutboxOrSchedule(t *testing.T) {
	b, send, demo, _ := consoleBot(t)
	ctx := context.Background()
	org := bot.NewUserKey(bot.Console, "btc")
	var id int64
	handle := func(u bot.Update) {
		t.Helper()
		id++
		u.ID, u.Platform, u.User, u.Chat, u.ChatType = id, bot.Console, org, org.PrivateChat(), bot.Private
		if err := b.Handle(ctx, &u); err != nil {
			t.Fatal(err)
		}
	}
	press := func(data string) {
		handle(bot.Update{Kind: bot.KindCallback, Callback: &bot.Callback{ID: data, Data: data}})
	}

	handle(bot.Update{Kind: bot.KindCommand, Command: "announce", Args: "Chiều nay học ở phòng 204", Text: "/announce Chiều nay học ở phòng 204"})
	press("ann:a:")
	preview := send.Last()
	var data []string
	for _, row := range preview.Buttons {
		for _, btn := range row {
			data = append(data, btn.Data)
		}
	}
	if !slices.Contains(data, "ann:send:") || slices.Contains(data, "ann:when:") {
		t.Errorf("preview buttons without a scheduler: %v", data)
	}
	press("ann:when:")
	if a := send.LastAnswer(); !a.Alert || a.Text != tx(bot.VI, "announce.no_schedule") {
		t.Errorf("schedule press answered %+v", a)
	}
	press("ann:send:")
	if got, want := send.Last().Text, tx(bot.VI, "announce.sent_direct", 4, ""); got != want {
		t.Errorf("after sending: %q, want %q", got, want)
	}
	header := tx(bot.VI, "announce.header", demo.Cohort.Name) + "\n\nChiều nay học ở phòng 204"
	for _, dm := range demo.Members {
		chat := bot.NewUserKey(bot.Console, dm.Handle).PrivateChat()
		want := 1
		if dm.Role == bot.Organiser {
			want = 2 // and the preview
		}
		if got := send.To(chat, header); got != want {
			t.Errorf("%s got the announcement %d times, want %d", dm.Handle, got, want)
		}
	}
}

// TestRunAnnouncementDropped: a scheduled announcement whose author no
// longer organises the cohort, or whose payload cannot be read, sends
// nothing and is not an error (the runner would retry it for ever).
func TestRunAnnouncementDropped(t *testing.T) {
	b, send, demo, _ := consoleBot(t)
	ctx := context.Background()
	payload, err := json.Marshal(map[string]string{"cohort": demo.Cohort.ID, "text": "Không được gửi", "aud": "all", "by": "console:gv", "lang": "vi"})
	if err != nil {
		t.Fatal(err)
	}
	due := time.Date(2017, 7, 10, 10, 0, 0, 0, time.UTC)
	for _, it := range []bot.DueItem{
		{ID: "an:" + demo.Cohort.ID + ":a1", Kind: announce.DueAnnouncement, Cohort: demo.Cohort.ID, Ref: "a1", Due: due, Payload: string(payload)},
		{ID: "an:" + demo.Cohort.ID + ":a2", Kind: announce.DueAnnouncement, Cohort: demo.Cohort.ID, Ref: "a2", Due: due, Payload: "{not json"},
		{ID: "an:gone:a3", Kind: announce.DueAnnouncement, Cohort: "gone", Ref: "a3", Due: due, Payload: string(payload)},
	} {
		if _, _, err := b.RunDue(ctx, it, due.Add(time.Minute)); err != nil {
			t.Errorf("%s: %v", it.ID, err)
		}
	}
	if got := send.Messages(); len(got) != 0 {
		t.Errorf("sent %+v", got)
	}
}
