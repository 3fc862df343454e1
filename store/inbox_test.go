package store_test

import (
	"reflect"
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
	if claimed, err := st.ClaimInbox(ctx, "r2", 0, 10); err != nil || len(claimed) != 0 {
		t.Errorf("ClaimInbox after ack = %d entries, %v; want none", len(claimed), err)
	}
}

func TestClaimInbox(t *testing.T) {
	t.Parallel()
	st, _ := MustStore(t)
	ctx := MustContext(t)
	if err := st.EnsureInbox(ctx); err != nil {
		t.Fatalf("EnsureInbox: %v", err)
	}
	ups := []bot.Update{textUpdate(bot.Telegram, 1), textUpdate(bot.Telegram, 2)}
	ups[1].Text = "không được xử lý ✗"
	if _, err := st.Record(ctx, bot.Telegram, ups, 3); err != nil {
		t.Fatalf("Record: %v", err)
	}
	// Replica A reads both, finishes the first, and dies before the second.
	read, err := st.ReadInbox(ctx, "replica-a", 10, 10*time.Millisecond)
	if err != nil || len(read) != 2 {
		t.Fatalf("ReadInbox = %d entries, %v; want 2", len(read), err)
	}
	if err := st.AckInbox(ctx, read[0].ID); err != nil {
		t.Fatalf("AckInbox: %v", err)
	}

	steps := []struct {
		name     string
		consumer string
		minIdle  time.Duration
		want     []string // inbox ids
	}{
		{name: "not idle long enough", consumer: "replica-b", minIdle: time.Hour, want: nil},
		{name: "taken over", consumer: "replica-b", minIdle: 0, want: []string{read[1].ID}},
		{name: "just claimed, not idle", consumer: "replica-c", minIdle: time.Hour, want: nil},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			got, err := st.ClaimInbox(ctx, s.consumer, s.minIdle, 10)
			if err != nil {
				t.Fatalf("ClaimInbox: %v", err)
			}
			var ids []string
			for _, e := range got {
				ids = append(ids, e.ID)
				if !reflect.DeepEqual(e.Update, ups[1]) {
					t.Errorf("claimed update = %+v, want %+v", e.Update, ups[1])
				}
			}
			if !reflect.DeepEqual(ids, s.want) {
				t.Errorf("ClaimInbox = %v, want %v", ids, s.want)
			}
		})
	}

	pending, err := st.Client().XPendingExt(ctx, &redis.XPendingExtArgs{Stream: "{in}:stream", Group: "bot", Start: "-", End: "+", Count: 10}).Result()
	if err != nil {
		t.Fatalf("XPENDING: %v", err)
	}
	if len(pending) != 1 || pending[0].Consumer != "replica-b" {
		t.Errorf("pending = %+v, want the one entry, owned by replica-b", pending)
	}
	if err := st.AckInbox(ctx, read[1].ID); err != nil {
		t.Fatalf("AckInbox: %v", err)
	}
	if n, _ := st.InboxBacklog(ctx); n != 0 {
		t.Errorf("InboxBacklog = %d, want 0", n)
	}
}

func TestLease(t *testing.T) {
	t.Parallel()
	st, _ := MustStore(t)
	ctx := MustContext(t)
	leaseKey := "{u:" + string(alice) + "}:lease"

	steps := []struct {
		name    string
		release bool
		owner   string
		ttl     time.Duration
		want    bool // lease granted
		// The holder afterwards ("" for none) and the least PTTL left.
		wantHolder string
		wantTTL    time.Duration
	}{
		{name: "free lease taken", owner: "a", ttl: time.Second, want: true, wantHolder: "a"},
		{name: "second owner refused", owner: "b", ttl: time.Minute, want: false, wantHolder: "a"},
		{name: "same owner renews", owner: "a", ttl: time.Minute, want: true, wantHolder: "a", wantTTL: 30 * time.Second},
		{name: "release by a non-owner does nothing", release: true, owner: "b", wantHolder: "a", wantTTL: 30 * time.Second},
		{name: "still refused to the non-owner", owner: "b", ttl: time.Minute, want: false, wantHolder: "a"},
		{name: "release by the owner", release: true, owner: "a", wantHolder: ""},
		{name: "released lease taken by another", owner: "b", ttl: time.Minute, want: true, wantHolder: "b"},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			if s.release {
				if err := st.Release(ctx, alice, s.owner); err != nil {
					t.Fatalf("Release: %v", err)
				}
			} else {
				got, err := st.Lease(ctx, alice, s.owner, s.ttl)
				if err != nil {
					t.Fatalf("Lease: %v", err)
				}
				if got != s.want {
					t.Errorf("Lease(%s) = %v, want %v", s.owner, got, s.want)
				}
			}
			holder, err := st.Client().Get(ctx, leaseKey).Result()
			if err != nil && err != redis.Nil {
				t.Fatalf("GET: %v", err)
			}
			if holder != s.wantHolder {
				t.Errorf("holder = %q, want %q", holder, s.wantHolder)
			}
			if s.wantHolder != "" {
				ttl, _ := st.Client().PTTL(ctx, leaseKey).Result()
				if ttl <= 0 || ttl < s.wantTTL {
					t.Errorf("lease PTTL = %v, want > 0 and at least %v", ttl, s.wantTTL)
				}
			}
		})
	}
	// Another user's lease is independent.
	if ok, err := st.Lease(ctx, bob, "a", time.Minute); err != nil || !ok {
		t.Errorf("Lease(bob) = %v, %v; want true", ok, err)
	}
}

func TestLeaseExpires(t *testing.T) {
	t.Parallel()
	st, _ := MustStore(t)
	ctx := MustContext(t)
	if ok, err := st.Lease(ctx, alice, "crashed", 100*time.Millisecond); err != nil || !ok {
		t.Fatalf("Lease = %v, %v; want true", ok, err)
	}
	waitGone(t, st.Client(), "{u:"+string(alice)+"}:lease")
	if ok, err := st.Lease(ctx, alice, "survivor", time.Minute); err != nil || !ok {
		t.Errorf("Lease after the crashed owner's TTL = %v, %v; want true", ok, err)
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
	got, err := st.PendingInbox(ctx, "replica-a", 100)
	if err != nil {
		t.Fatalf("PendingInbox: %v", err)
	}
	if len(got) != 1 || got[0].ID != a[0].ID || got[0].Update.ID != a[0].Update.ID {
		t.Errorf("PendingInbox(a) = %+v, want only %s", got, a[0].ID)
	}
	if err := st.AckInbox(ctx, a[0].ID); err != nil {
		t.Fatal(err)
	}
	if got, _ := st.PendingInbox(ctx, "replica-a", 100); len(got) != 0 {
		t.Errorf("after ack, PendingInbox(a) = %d entries", len(got))
	}
}
