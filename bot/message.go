package bot

import "context"

// Message is what a handler asks to show. The adapter renders it: inline
// keyboards on Telegram, numbered choices on Zalo and in the console.
type Message struct {
	Chat ChatKey
	Text string
	// Buttons are rows of choices.
	Buttons [][]Button
	// Photo or Document, when set, is sent with Text as its caption.
	Photo    *File
	Document *File
	// Media, when set, is an album of 2 to 10 photos sent by file id,
	// Text the caption of the first. An album carries no buttons.
	Media []*File `json:",omitempty"`
	// Edit, when non-zero, replaces the content of that earlier message
	// instead of sending a new one (used to page through photos in place).
	Edit int64
}

// Button is one choice. Data is opaque to the user and at most 64 bytes;
// handlers re-check everything it claims. URL buttons open a link instead.
type Button struct {
	Text string
	Data string
	URL  string
}

// Answer acknowledges a button press (a toast on Telegram).
type Answer struct {
	CallbackID string
	// Chat is where the button was pressed: it names the platform, and
	// the platforms without toasts (Zalo) send Text there as a message.
	Chat  ChatKey
	Text  string
	Alert bool
}

// Sent identifies a delivered message so it can be edited later.
type Sent struct {
	Chat      ChatKey
	MessageID int64
	// Photo is the platform's file of an uploaded photo, to send it again
	// by id (Telegram); nil when the platform keeps none or the message
	// was handed to the outbox.
	Photo *File
}

// Sender delivers direct answers. Adapters implement it; the delivery layer
// wraps it with the platform's rate limiter.
type Sender interface {
	Send(ctx context.Context, m Message) (Sent, error)
	Answer(ctx context.Context, a Answer) error
}

// MaxButtonData is Telegram's limit on callback_data, in bytes.
const MaxButtonData = 64
