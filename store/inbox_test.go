package store_test

import (
	"reflect"
	"strconv"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/cohortbot/cohortbot/bot"
)

func textUpdate(p bot.Platform, id int64) bot.Update {
	return bot.Update{ID: id, Platform: p, Kind: bot.KindText, User: bot.NewUserKey(p, "42"), Chat: bot.NewChatKey(p, "42"), ChatType: bot.Private, Text: "hello"}
}

func TestRecordDedupesAndSetsOffset(t *testing.T) {
	t.Parallel()
	st, _ := MustStore(t)
	ctx := MustContext(t)

	for _, p := range []bot.Platform{bot.Telegram, bot.Zalo} {
		if got, err := st.Offset(ctx, p); err != nil || got != 0 {
			t.Errorf("Offset(%s) before any Record = %d, %v; want 0, nil", p, got, err)
		}
	}

	// Steps run in order on one store: each depends on those before.
	steps := []struct {
		name       string
		platform   bot.Platform
		ids        []int64
		offset     int64
		wantAdded  int
		wantOffset int64
	}{
		{name: "first batch", platform: bot.Telegram, ids: []int64{1, 2}, offset: 3, wantAdded: 2, wantOffset: 3},
		{name: "overlapping batch", platform: bot.Telegram, ids: []int64{2, 3}, offset: 4, wantAdded: 1, wantOffset: 4},
		{name: "replayed batch", platform: bot.Telegram, ids: []int64{1, 2, 3}, offset: 4, wantAdded: 0, wantOffset: 4},
		{name: "duplicate within a batch", platform: bot.Telegram, ids: []int64{5, 5}, offset: 6, wantAdded: 1, wantOffset: 6},
		{name: "offset 0 leaves the offset", platform: bot.Telegram, ids: []int64{6}, offset: 0, wantAdded: 1, wantOffset: 6},
		{name: "empty batch moves the offset", platform: bot.Telegram, offset: 9, wantAdded: 0, wantOffset: 9},
		{name: "same id on another platform", platform: bot.Zalo, ids: []int64{1, 2}, offset: 0, wantAdded: 2, wantOffset: 0},
	}
	total := int64(0)
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			var ups []bot.Update
			for _, id := range s.ids {
				ups = append(ups, textUpdate(s.platform, id))
			}
			got, err := st.Record(ctx, s.platform, ups, s.offset)
			if err != nil {
				t.Fatalf("Record: %v", err)
			}
			if got != s.wantAdded {
				t.Errorf("Record added %d, want %d", got, s.wantAdded)
			}
			total += int64(s.wantAdded)
			off, err := st.Offset(ctx, s.platform)
			if err != nil {
				t.Fatalf("Offset: %v", err)
			}
			if off != s.wantOffset {
				t.Errorf("Offset = %d, want %d", off, s.wantOffset)
			}
			if n, err := st.InboxBacklog(ctx); err != nil || n != total {
				t.Errorf("InboxBacklog = %d, %v; want %d", n, err, total)
			}
		})
	}
	if off, _ := st.Offset(ctx, bot.Telegram); off != 9 {
		t.Errorf("Telegram offset = %d after Zalo's Record, want 9", off)
	}
	// The dedupe marker outlives Telegram's 24 hours of redelivery.
	ttl, err := st.Client().TTL(ctx, "{in}:seen:telegram:1").Result()
	if err != nil {
		t.Fatalf("TTL: %v", err)
	}
	if ttl < 24*time.Hour || ttl > 7*24*time.Hour {
		t.Errorf("seen marker TTL = %v, want between 24h and 7 days", ttl)
	}
}

func TestEnsureInboxIsIdempotent(t *testing.T) {
	t.Parallel()
	st, _ := MustStore(t)
	ctx := MustContext(t)
	// Updates recorded before the group exists (polling starts before the
	// intake) are still delivered once it does.
	if _, err := st.Record(ctx, bot.Telegram, []bot.Update{textUpdate(bot.Telegram, 1)}, 2); err != nil {
		t.Fatalf("Record: %v", err)
	}
	for i := range 3 {
		if err := st.EnsureInbox(ctx); err != nil {
			t.Fatalf("EnsureInbox #%d: %v", i+1, err)
		}
	}
	groups, err := st.Client().XInfoGroups(ctx, "{in}:stream").Result()
	if err != nil {
		t.Fatalf("XINFO GROUPS: %v", err)
	}
	if len(groups) != 1 || groups[0].Name != "bot" {
		t.Errorf("groups = %+v, want one named bot", groups)
	}
	es, err := st.ReadInbox(ctx, "r1", 10, 10*time.Millisecond)
	if err != nil {
		t.Fatalf("ReadInbox: %v", err)
	}
	if len(es) != 1 || es[0].Update.ID != 1 {
		t.Errorf("ReadInbox = %+v, want the update recorded before EnsureInbox", es)
	}
}

func TestReadInboxRoundTripAndAck(t *testing.T) {
	t.Parallel()
	st, _ := MustStore(t)
	ctx := MustContext(t)
	if err := st.EnsureInbox(ctx); err != nil {
		t.Fatalf("EnsureInbox: %v", err)
	}

	at := time.Date(2017, 10, 30, 1, 2, 3, 0, time.UTC)
	want := []bot.Update{
		{
			ID: 100, Platform: bot.Telegram, Kind: bot.KindText, Time: at,
			User: "telegram:42", UserName: "Phạm Thị Ánh 🌸", Username: "anh_pt", LangCode: "vi",
			Chat: "telegram:42", ChatType: bot.Private, MessageID: 7,
			Text:    "Chào 👋🏽 _*[]()<>&` \\ \"quoted\" \n newline",
			ReplyTo: &bot.Quoted{MessageID: 6, Text: "<b>not html</b>"},
		},
		{
			ID: 101, Platform: bot.Telegram, Kind: bot.KindCommand, Time: at,
			User: "telegram:42", Chat: "telegram:-100123", ChatType: bot.Group, ChatTitle: "Lạng Sơn & co",
			Text: "/start abc_DEF-123", Command: "start", Args: "abc_DEF-123",
		},
		{
			ID: 102, Platform: bot.Telegram, Kind: bot.KindPhoto, Time: at,
			User: "telegram:43", Chat: "telegram:43", ChatType: bot.Private, Album: "album-1", Text: "chú thích *đậm*",
			Photo: &bot.File{ID: "AgAD", UniqueID: "AQAD", MIME: "image/jpeg", Size: 12345, Width: 1280, Height: 960},
		},
		{
			ID: 103, Platform: bot.Telegram, Kind: bot.KindCallback, Time: at,
			User: "telegram:43", Chat: "telegram:43", ChatType: bot.Private,
			Callback: &bot.Callback{ID: "cbq-1", Data: "vote:12:+", MessageID: 55},
		},
		{
			ID: 104, Platform: bot.Telegram, Kind: bot.KindDocument, Time: at,
			User: "telegram:44", Chat: "telegram:44", ChatType: bot.Private,
			Document: &bot.File{ID: "BQAD", Name: "báo cáo (final) [v2].pdf", MIME: "application/pdf", Size: 1 << 20},
		},
	}
	if n, err := st.Record(ctx, bot.Telegram, want, 105); err != nil || n != len(want) {
		t.Fatalf("Record = %d, %v; want %d, nil", n, err, len(want))
	}

	// Read in two batches: order is kept across them.
	first, err := st.ReadInbox(ctx, "r1", 3, 10*time.Millisecond)
	if err != nil {
		t.Fatalf("ReadInbox: %v", err)
	}
	rest, err := st.ReadInbox(ctx, "r1", 10, 10*time.Millisecond)
	if err != nil {
		t.Fatalf("ReadInbox: %v", err)
	}
	if len(first) != 3 {
		t.Errorf("first ReadInbox returned %d entries, want 3 (its count)", len(first))
	}
	got := append(first, rest...)
	if len(got) != len(want) {
		t.Fatalf("ReadInbox returned %d entries, want %d", len(got), len(want))
	}
	var ids []string
	for i, e := range got {
		if e.ID == "" {
			t.Errorf("entry %d has no inbox id", i)
		}
		if !reflect.DeepEqual(e.Update, want[i]) {
			t.Errorf("entry %d:\n got %+v\nwant %+v", i, e.Update, want[i])
		}
		ids = append(ids, e.ID)
	}

	if none, err := st.ReadInbox(ctx, "r2", 10, 10*time.Millisecond); err != nil || len(none) != 0 {
		t.Errorf("ReadInbox by another consumer = %d entries, %v; want none (all delivered)", len(none), err)
	}
	if n, _ := st.InboxBacklog(ctx); n != int64(len(want)) {
		t.Errorf("InboxBacklog before ack = %d, want %d", n, len(want))
	}
	if err := st.AckInbox(ctx); err != nil {
		t.Errorf("AckInbox with no ids: %v", err)
	}
	if err := st.AckInbox(ctx, ids...); err != nil {
		t.Fatalf("AckInbox: %v", err)
	}
	if n, err := st.InboxBacklog(ctx); err != nil || n != 0 {
		t.Errorf("InboxBacklog after ack = %d, %v; want 0", n, err)
	}
	pending, err := st.Client().XPending(ctx, "{in}:stream", "bot").Result()
	if err != nil {
		t.Fatalf("XPENDING: %v", err)
	}
	if pending.Count != 0 {
		t.Errorf("%d entries pending after ack, want 0", pending.Count)
	}
	if claimed, err := st.ClaimDead(ctx, "r2", 10); err != nil || len(claimed) != 0 {
		t.Errorf("ClaimDead after ack = %d entries, %v; want none", len(claimed), err)
	}
}

// TestClaimDead: a replica takes over the pending entries of a replica
// whose heartbeat lapsed, never those of a live one, never its own.
func TestClaimDead(t *testing.T) {
	t.Parallel()
	st, _ := MustStore(t)
	ctx := MustContext(t)
	if err := st.EnsureInbox(ctx); err != nil {
		t.Fatalf("EnsureInbox: %v", err)
	}
	ups := []bot.Update{textUpdate(bot.Telegram, 1), textUpdate(bot.Telegram, 2), textUpdate(bot.Telegram, 3)}
	ups[1].Text = "không được xử lý ✗"
	if _, err := st.Record(ctx, bot.Telegram, ups, 4); err != nil {
		t.Fatalf("Record: %v", err)
	}
	// Replica A reads two, finishes the first and dies; replica B reads
	// the third and is alive.
	read, err := st.ReadInbox(ctx, "replica-a", 2, 10*time.Millisecond)
	if err != nil || len(read) != 2 {
		t.Fatalf("ReadInbox = %d entries, %v; want 2", len(read), err)
	}
	if err := st.AckInbox(ctx, read[0].ID); err != nil {
		t.Fatalf("AckInbox: %v", err)
	}
	mine, err := st.ReadInbox(ctx, "replica-b", 2, 10*time.Millisecond)
	if err != nil || len(mine) != 1 {
		t.Fatalf("ReadInbox(b) = %d entries, %v; want 1", len(mine), err)
	}
	if err := st.Heartbeat(ctx, "replica-a", 150*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	if err := st.Heartbeat(ctx, "replica-b", time.Minute); err != nil {
		t.Fatal(err)
	}
	claim := func(consumer string) []string {
		t.Helper()
		got, err := st.ClaimDead(ctx, consumer, 10)
		if err != nil {
			t.Fatalf("ClaimDead(%s): %v", consumer, err)
		}
		var ids []string
		for _, e := range got {
			ids = append(ids, e.ID)
			if !reflect.DeepEqual(e.Update, ups[1]) {
				t.Errorf("claimed update = %+v, want %+v", e.Update, ups[1])
			}
		}
		return ids
	}
	if got := claim("replica-b"); got != nil {
		t.Errorf("while replica-a is alive, replica-b claims %v, want none", got)
	}
	if got := claim("replica-a"); got != nil {
		t.Errorf("replica-a claims %v of its own, want none", got)
	}
	waitGone(t, st.Client(), "{in}:alive:replica-a")
	// XCLAIM needs the entry left alone for claimMinIdle (2 s).
	deadline := time.Now().Add(5 * time.Second)
	var got []string
	for got == nil && time.Now().Before(deadline) {
		if got = claim("replica-b"); got == nil {
			time.Sleep(100 * time.Millisecond)
		}
	}
	if !reflect.DeepEqual(got, []string{read[1].ID}) {
		t.Errorf("after replica-a died, replica-b claims %v, want %v", got, []string{read[1].ID})
	}
	// Replica C, alive, does not take it from replica B, alive.
	if err := st.Heartbeat(ctx, "replica-c", time.Minute); err != nil {
		t.Fatal(err)
	}
	if got := claim("replica-c"); got != nil {
		t.Errorf("replica-c claims %v from a live replica-b, want none", got)
	}
	pending, err := st.Client().XPendingExt(ctx, &redis.XPendingExtArgs{Stream: "{in}:stream", Group: "bot", Start: "-", End: "+", Count: 10}).Result()
	if err != nil {
		t.Fatalf("XPENDING: %v", err)
	}
	if len(pending) != 2 || pending[0].Consumer != "replica-b" || pending[1].Consumer != "replica-b" {
		t.Errorf("pending = %+v, want two entries, owned by replica-b", pending)
	}
}

// TestOrderHead: a person's updates are handled one after the other in
// the order recorded, whichever replica holds them; another person's
// order is their own.
func TestOrderHead(t *testing.T) {
	t.Parallel()
	st, _ := MustStore(t)
	ctx := MustContext(t)
	if err := st.EnsureInbox(ctx); err != nil {
		t.Fatal(err)
	}
	u1, u2, u3 := textUpdate(bot.Telegram, 1), textUpdate(bot.Telegram, 2), textUpdate(bot.Telegram, 3)
	u3.User, u3.Chat = bob, bot.ChatKey(bob)
	if _, err := st.Record(ctx, bot.Telegram, []bot.Update{u1, u2, u3}, 0); err != nil {
		t.Fatal(err)
	}
	es, err := st.ReadInbox(ctx, "r", 10, 10*time.Millisecond)
	if err != nil || len(es) != 3 {
		t.Fatalf("ReadInbox = %d, %v", len(es), err)
	}
	head := func(u bot.UserKey) string {
		t.Helper()
		h, err := st.OrderHead(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	if h := head(u1.User); h != es[0].ID {
		t.Errorf("head = %s, want the first update %s", h, es[0].ID)
	}
	if h := head(bob); h != es[2].ID {
		t.Errorf("bob's head = %s, want his update %s", h, es[2].ID)
	}
	if err := st.AckInbox(ctx, es[0].ID); err != nil {
		t.Fatal(err)
	}
	if h := head(u1.User); h != es[1].ID {
		t.Errorf("after the ack, head = %s, want %s", h, es[1].ID)
	}
	if err := st.AckInbox(ctx, es[1].ID, es[2].ID); err != nil {
		t.Fatal(err)
	}
	if h, h2 := head(u1.User), head(bob); h != "" || h2 != "" {
		t.Errorf("after every ack, heads = %q, %q; want none", h, h2)
	}
	if n, _ := st.Client().Exists(ctx, "{in}:u:"+string(u1.User), "{in}:u:"+string(bob)).Result(); n != 0 {
		t.Errorf("%d order lists left after every ack, want 0", n)
	}
}

func TestPendingInboxIsOwnOnly(t *testing.T) {
	t.Parallel()
	st, _ := MustStore(t)
	ctx := MustContext(t)
	if err := st.EnsureInbox(ctx); err != nil {
		t.Fatalf("EnsureInbox: %v", err)
	}
	if _, err := st.Record(ctx, bot.Telegram, []bot.Update{textUpdate(bot.Telegram, 1), textUpdate(bot.Telegram, 2)}, 3); err != nil {
		t.Fatalf("Record: %v", err)
	}
	a, err := st.ReadInbox(ctx, "replica-a", 1, 10*time.Millisecond)
	if err != nil || len(a) != 1 {
		t.Fatalf("ReadInbox(a) = %d, %v", len(a), err)
	}
	b, err := st.ReadInbox(ctx, "replica-b", 1, 10*time.Millisecond)
	if err != nil || len(b) != 1 {
		t.Fatalf("ReadInbox(b) = %d, %v", len(b), err)
	}
	// Replica a restarts: it gets back its own entry, not b's, which b is
	// still handling.
	got, err := st.PendingInbox(ctx, "replica-a", "0", 100)
	if err != nil {
		t.Fatalf("PendingInbox: %v", err)
	}
	if len(got) != 1 || got[0].ID != a[0].ID || got[0].Update.ID != a[0].Update.ID {
		t.Errorf("PendingInbox(a) = %+v, want only %s", got, a[0].ID)
	}
	if err := st.AckInbox(ctx, a[0].ID); err != nil {
		t.Fatal(err)
	}
	if got, _ := st.PendingInbox(ctx, "replica-a", "0", 100); len(got) != 0 {
		t.Errorf("after ack, PendingInbox(a) = %d entries", len(got))
	}
}

// TestRecordIgnoredShortDedupe: an update the bot ignores (an edited
// message, a channel post, a command for another bot) keeps its dedupe
// marker for an hour, a real one for a week, in the same batch; both are
// deduplicated when delivered again.
func TestRecordIgnoredShortDedupe(t *testing.T) {
	t.Parallel()
	st, _ := MustStore(t)
	ctx := MustContext(t)
	real := textUpdate(bot.Telegram, 101)
	edited := textUpdate(bot.Telegram, 102)
	edited.Kind = bot.KindEdited
	channel := textUpdate(bot.Telegram, 103)
	channel.ChatType = bot.Channel
	other := textUpdate(bot.Telegram, 104)
	other.Kind, other.Command, other.ForOtherBot = bot.KindCommand, "help", true
	command := textUpdate(bot.Telegram, 105)
	command.Kind, command.Command = bot.KindCommand, "vote"
	batch := []bot.Update{real, edited, channel, other, command}
	if n, err := st.Record(ctx, bot.Telegram, batch, 106); err != nil || n != 5 {
		t.Fatalf("Record = %d, %v; want 5", n, err)
	}
	for _, tc := range []struct {
		id       int64
		min, max time.Duration
	}{
		{101, 24 * time.Hour, 7 * 24 * time.Hour},
		{102, time.Minute, time.Hour},
		{103, time.Minute, time.Hour},
		{104, time.Minute, time.Hour},
		{105, 24 * time.Hour, 7 * 24 * time.Hour},
	} {
		ttl, err := st.Client().TTL(ctx, "{in}:seen:telegram:"+strconv.FormatInt(tc.id, 10)).Result()
		if err != nil || ttl < tc.min || ttl > tc.max {
			t.Errorf("update %d: seen TTL = %v, %v; want between %v and %v", tc.id, ttl, err, tc.min, tc.max)
		}
	}
	if n, err := st.Record(ctx, bot.Telegram, batch, 106); err != nil || n != 0 {
		t.Errorf("the batch again: Record = %d, %v; want 0", n, err)
	}
	if n, err := st.InboxBacklog(ctx); err != nil || n != 5 {
		t.Errorf("InboxBacklog = %d, %v; want 5", n, err)
	}
}
