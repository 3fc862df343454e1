package store_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/cohortbot/cohortbot/bot"
)

// Record queues updates and moves the polling offset in one atomic step,
// so the offset can be confirmed to Telegram as soon as it returns; a batch
// delivered again is recognised and skipped.
func ExampleStore_Record() {
	ctx := context.Background()
	st := exampleStore()

	batch := []bot.Update{
		{ID: 41, Platform: bot.Telegram, Kind: bot.KindCommand, User: "telegram:7", Text: "/start", Command: "start"},
		{ID: 42, Platform: bot.Telegram, Kind: bot.KindText, User: "telegram:7", Text: "Nguyễn Văn A"},
	}
	off, _ := st.Offset(ctx, bot.Telegram)
	fmt.Println("offset before:", off)

	n, err := st.Record(ctx, bot.Telegram, batch, 43)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("recorded:", n)

	// getUpdates answered again before the offset reached Telegram.
	n, _ = st.Record(ctx, bot.Telegram, batch, 43)
	fmt.Println("recorded again:", n)

	off, _ = st.Offset(ctx, bot.Telegram)
	fmt.Println("offset after:", off)
	// Output:
	// offset before: 0
	// recorded: 2
	// recorded again: 0
	// offset after: 43
}

// RedeemInvite takes one use per person: the same person redeeming again
// (a redelivered /start) passes without taking another, and a single-use
// invite then refuses everybody else.
func ExampleStore_RedeemInvite() {
	ctx := context.Background()
	st := exampleStore()
	now := time.Date(2017, 7, 10, 8, 0, 0, 0, time.UTC)

	err := st.CreateInvite(ctx, &bot.Invite{
		Code: "org-7Qx", Cohort: "sxsh2017", Role: bot.Organiser,
		Uses: 1, Expires: now.Add(7 * 24 * time.Hour), Created: now,
	})
	if err != nil {
		fmt.Println(err)
		return
	}

	inv, err := st.RedeemInvite(ctx, "org-7Qx", "telegram:1", now)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("first:", inv.Role, "uses left", inv.Uses)

	inv, err = st.RedeemInvite(ctx, "org-7Qx", "telegram:1", now.Add(time.Minute))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("same person again:", inv.Role, "used", inv.Used)

	_, err = st.RedeemInvite(ctx, "org-7Qx", "telegram:2", now)
	fmt.Println("someone else:", errors.Is(err, bot.ErrInviteUsedUp))

	_, err = st.RedeemInvite(ctx, "org-7Qx", "telegram:1", now.Add(8*24*time.Hour))
	fmt.Println("a week later:", errors.Is(err, bot.ErrInviteExpired))
	// Output:
	// first: organiser uses left 0
	// same person again: organiser used 1
	// someone else: true
	// a week later: true
}

// OrderHead keeps one person's updates in order across replicas: only
// the oldest recorded and unacknowledged one may be handled.
func ExampleStore_OrderHead() {
	ctx := context.Background()
	st := exampleStore()
	_ = st.EnsureInbox(ctx)
	ups := []bot.Update{
		{ID: 1, Platform: bot.Telegram, Kind: bot.KindText, User: "telegram:7", Chat: "telegram:7", Text: "một"},
		{ID: 2, Platform: bot.Telegram, Kind: bot.KindText, User: "telegram:7", Chat: "telegram:7", Text: "hai"},
	}
	_, _ = st.Record(ctx, bot.Telegram, ups, 0)
	a, _ := st.ReadInbox(ctx, "replica-a", 1, 0)
	b, _ := st.ReadInbox(ctx, "replica-b", 1, 0)
	head, _ := st.OrderHead(ctx, "telegram:7")
	fmt.Println("replica-a may go:", head == a[0].ID, "replica-b may go:", head == b[0].ID)

	_ = st.AckInbox(ctx, a[0].ID)
	head, _ = st.OrderHead(ctx, "telegram:7")
	fmt.Println("after replica-a's ack, replica-b may go:", head == b[0].ID)
	// Output:
	// replica-a may go: true replica-b may go: false
	// after replica-a's ack, replica-b may go: true
}
