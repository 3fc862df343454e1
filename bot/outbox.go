package bot

import (
	"context"
	"time"
)

// Job is one message to one recipient, queued in the outbox.
type Job struct {
	// ID is unique per batch and recipient, so enqueueing the same batch
	// again (a redelivered update, a re-run reminder) adds nothing.
	ID string
	// User is the recipient, when the chat is a person's; a failure to
	// reach them is reported by name.
	User UserKey
	Msg  Message
}

// Batch groups the jobs of one announcement, reminder or notice.
type Batch struct {
	ID     string
	Cohort string
	Kind   string // announce, reminder, digest, notice, ...
	// ReportTo, when set, gets the delivery report once every job of the
	// batch is resolved: delivered, blocked the bot, failed.
	ReportTo ChatKey
	// Lang is the language of the report.
	Lang Lang
	// Title names the batch in the report.
	Title string
}

// Outbox queues messages that are not the direct answer to a user's
// action. Each job is recorded before it is sent, marked while in flight
// and resolved after, so a crash loses nothing.
type Outbox interface {
	Enqueue(ctx context.Context, b Batch, jobs []Job) (int, error)
}

// BatchReport is how a batch went.
type BatchReport struct {
	Batch       Batch
	Total       int
	Delivered   int
	Unreachable []Failure // blocked the bot, deleted account, chat not found
	Failed      []Failure // gave up after retries, or refused by the platform
	Pending     int
	Finished    time.Time
}

// Failure is one recipient a batch did not reach.
type Failure struct {
	User   UserKey
	Chat   ChatKey
	Reason string
}
