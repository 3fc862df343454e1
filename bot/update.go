package bot

import (
	"strings"
	"time"
)

// Platform names a chat platform. It prefixes every user and chat key.
type Platform string

// The platforms cohortbot speaks to.
const (
	Telegram Platform = "telegram"
	Zalo     Platform = "zalo"
	Console  Platform = "console"
)

// UserKey identifies a person on one platform: "telegram:123456".
type UserKey string

// ChatKey identifies a chat on one platform: "telegram:123456" for a private
// chat (Telegram's private chat id equals the user id), "telegram:-100…" for
// a group.
type ChatKey string

// NewUserKey joins a platform and its native user id.
func NewUserKey(p Platform, id string) UserKey { return UserKey(string(p) + ":" + id) }

// NewChatKey joins a platform and its native chat id.
func NewChatKey(p Platform, id string) ChatKey { return ChatKey(string(p) + ":" + id) }

// Platform returns the platform part of the key.
func (k UserKey) Platform() Platform { return Platform(before(string(k))) }

// NativeID returns the platform's own id for the user.
func (k UserKey) NativeID() string { return after(string(k)) }

// PrivateChat is the user's private chat with the bot.
func (k UserKey) PrivateChat() ChatKey { return ChatKey(k) }

// Platform returns the platform part of the key.
func (k ChatKey) Platform() Platform { return Platform(before(string(k))) }

// NativeID returns the platform's own id for the chat.
func (k ChatKey) NativeID() string { return after(string(k)) }

func before(s string) string {
	p, _, _ := strings.Cut(s, ":")
	return p
}

func after(s string) string {
	_, id, _ := strings.Cut(s, ":")
	return id
}

// ChatType tells where a message was written.
type ChatType string

// Chat types. Only private chats run conversations; groups are linked for
// announcements and otherwise ignored.
const (
	Private ChatType = "private"
	Group   ChatType = "group"
	Channel ChatType = "channel"
)

// Kind classifies an update for routing and metrics.
type Kind string

// Update kinds.
const (
	KindCommand  Kind = "command"
	KindText     Kind = "text"
	KindCallback Kind = "callback"
	KindPhoto    Kind = "photo"
	KindDocument Kind = "document"
	KindEdited   Kind = "edited"
	KindOther    Kind = "other"
)

// Update is one incoming event, normalised by a platform adapter. Handlers
// see only this type.
type Update struct {
	// ID is the platform's update id (Telegram's update_id). Together with
	// Platform it identifies the update for deduplication; console updates
	// get a local counter.
	ID       int64     `json:"id"`
	Platform Platform  `json:"p"`
	Kind     Kind      `json:"k"`
	Time     time.Time `json:"t"`
	// Received is when the bot got the update (recorded from the platform);
	// the flood limit counts on it.
	Received time.Time `json:"rcv,omitempty"`

	User      UserKey  `json:"u"`
	UserName  string   `json:"un,omitempty"` // profile name: first and last name
	Username  string   `json:"uh,omitempty"` // @handle without the @
	LangCode  string   `json:"lc,omitempty"` // the client's language, e.g. "en"
	Chat      ChatKey  `json:"c"`
	ChatType  ChatType `json:"ct"`
	ChatTitle string   `json:"ctt,omitempty"`

	MessageID int64  `json:"m,omitempty"`
	Text      string `json:"x,omitempty"`
	// Command is the lower-case command name without the slash and without
	// "@botname"; Args is the rest of the text, trimmed.
	Command string `json:"cmd,omitempty"`
	Args    string `json:"a,omitempty"`
	// ForOtherBot is set for "/cmd@otherbot": such commands are ignored.
	ForOtherBot bool `json:"ob,omitempty"`

	Photo    *File `json:"ph,omitempty"`
	Document *File `json:"doc,omitempty"`
	// Album is the platform's media group id: photos of one album arrive as
	// separate updates sharing it.
	Album string `json:"al,omitempty"`
	// ReplyTo is the message this one answers, when it is one of the user's
	// own messages (used by /announce as a reply).
	ReplyTo *Quoted `json:"rt,omitempty"`

	Callback *Callback `json:"cb,omitempty"`
}

// Quoted is the part of a replied-to message a handler may reuse.
type Quoted struct {
	MessageID int64  `json:"m"`
	Text      string `json:"x,omitempty"`
	Photo     *File  `json:"ph,omitempty"`
	Document  *File  `json:"doc,omitempty"`
}

// File is a photo or document as the platform describes it.
type File struct {
	ID       string `json:"id"`             // platform file id, usable to send it again
	UniqueID string `json:"uid,omitempty"`  // stable across bots and time (Telegram file_unique_id)
	URL      string `json:"url,omitempty"`  // where the platform serves it (Zalo) or where to fetch it
	Name     string `json:"name,omitempty"` // document file name
	MIME     string `json:"mime,omitempty"`
	Size     int64  `json:"size,omitempty"`
	Width    int    `json:"w,omitempty"`
	Height   int    `json:"h,omitempty"`
	// Bytes carries the content for uploads (console, certificates, exports).
	Bytes []byte `json:"-"`
}

// Callback is a button press.
type Callback struct {
	ID        string `json:"id"`
	Data      string `json:"d"`
	MessageID int64  `json:"m,omitempty"` // the message that carried the button
}

// Ignored reports whether the bot drops the update before anything is
// loaded, whatever its state (the router's gate): edited messages,
// commands for another bot, channel posts and updates without a sender.
// Handling such an update twice changes nothing, so its dedupe marker
// may be short-lived.
func (u *Update) Ignored() bool {
	return u.Kind == KindEdited || u.ForOtherBot || u.ChatType == Channel || u.User == ""
}

// IsPrivate reports whether the update came from a private chat.
func (u *Update) IsPrivate() bool { return u.ChatType == Private }
