package bot

import (
	"context"
	"strconv"
)

// SendInfo travels with a direct answer's context to the sender.
type SendInfo struct {
	// ID names the answer: the update's platform and id and the answer's
	// number among the update's answers. An answer handed over to the
	// outbox is queued under it, so handling the update again after a
	// crash queues nothing twice.
	ID string
	// Ack, when set, answers the button press being handled: the sender
	// calls it before it waits for the rate limiter, with waiting true when
	// the message will take a while, so the spinner stops at once.
	Ack func(waiting bool)
}

type sendInfoKey struct{}

// WithSendInfo returns ctx carrying info.
func WithSendInfo(ctx context.Context, info SendInfo) context.Context {
	return context.WithValue(ctx, sendInfoKey{}, info)
}

// SendInfoFrom returns the SendInfo of ctx, if any.
func SendInfoFrom(ctx context.Context) (SendInfo, bool) {
	info, ok := ctx.Value(sendInfoKey{}).(SendInfo)
	return info, ok
}

// Paced is implemented by senders that may wait for a rate limiter before
// sending. They call SendInfo.Ack themselves; for any other sender the
// button press is answered before the message is sent.
type Paced interface {
	Paced() bool
}

// sendInfo is the SendInfo of the update's next answer.
func (c *Context) sendInfo() SendInfo {
	c.sends++
	info := SendInfo{ID: "a:" + string(c.U.Platform) + ":" + strconv.FormatInt(c.U.ID, 10) + ":" + strconv.Itoa(c.sends)}
	if c.U.Callback != nil && !c.answered {
		c.answered = true
		id, chat := c.U.Callback.ID, c.U.Chat
		ctx := c.Context
		info.Ack = func(waiting bool) {
			text := ""
			// On Zalo an answer's text is a message of its own (there are
			// no toasts): "coming" would only delay the answer it announces.
			if waiting && chat.Platform() != Zalo {
				text = c.T("wait.coming")
			}
			if err := c.Bot.send.Answer(ctx, Answer{CallbackID: id, Chat: chat, Text: text}); err != nil {
				c.Bot.log.Warn("answer button press", "update", c.U.ID, "err", err)
			}
		}
	}
	return info
}
