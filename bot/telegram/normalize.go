package telegram

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf16"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/cohortbot/cohortbot/bot"
)

// Normalize turns a Telegram update into a bot.Update. It reports false for
// kinds the bot never handles (inline queries, polls, ...). botUsername is
// the bot's own @handle, to tell "/cmd@thisbot" from "/cmd@otherbot".
func Normalize(tu tgbotapi.Update, botUsername string) (bot.Update, bool) {
	u := bot.Update{ID: int64(tu.UpdateID), Platform: bot.Telegram}
	switch {
	case tu.Message != nil:
		fromMessage(&u, tu.Message, botUsername)
	case tu.EditedMessage != nil:
		fromMessage(&u, tu.EditedMessage, botUsername)
		u.Kind = bot.KindEdited
	case tu.ChannelPost != nil:
		fromMessage(&u, tu.ChannelPost, botUsername)
		u.ChatType = bot.Channel
	case tu.EditedChannelPost != nil:
		fromMessage(&u, tu.EditedChannelPost, botUsername)
		u.ChatType, u.Kind = bot.Channel, bot.KindEdited
	case tu.CallbackQuery != nil:
		q := tu.CallbackQuery
		u.Kind = bot.KindCallback
		from(&u, q.From)
		u.Callback = &bot.Callback{ID: q.ID, Data: q.Data}
		if q.Message != nil {
			u.Callback.MessageID = int64(q.Message.MessageID)
			chat(&u, q.Message.Chat)
			u.Time = time.Unix(int64(q.Message.Date), 0)
		} else {
			// A button on an inline message: answer in the private chat.
			u.Chat, u.ChatType = u.User.PrivateChat(), bot.Private
		}
	default:
		return u, false
	}
	return u, true
}

func from(u *bot.Update, f *tgbotapi.User) {
	if f == nil {
		return
	}
	u.User = bot.NewUserKey(bot.Telegram, strconv.FormatInt(f.ID, 10))
	u.UserName = strings.TrimSpace(f.FirstName + " " + f.LastName)
	u.Username = f.UserName
	u.LangCode = f.LanguageCode
}

func chat(u *bot.Update, c *tgbotapi.Chat) {
	if c == nil {
		return
	}
	u.Chat = bot.NewChatKey(bot.Telegram, strconv.FormatInt(c.ID, 10))
	u.ChatTitle = c.Title
	switch c.Type {
	case "private":
		u.ChatType = bot.Private
	case "channel":
		u.ChatType = bot.Channel
	default:
		u.ChatType = bot.Group
	}
}

func fromMessage(u *bot.Update, m *tgbotapi.Message, botUsername string) {
	from(u, m.From)
	chat(u, m.Chat)
	u.MessageID = int64(m.MessageID)
	u.Time = time.Unix(int64(m.Date), 0)
	u.Album = m.MediaGroupID
	switch {
	case len(m.Photo) > 0:
		u.Kind = bot.KindPhoto
		u.Photo = largest(m.Photo)
		u.Text = m.Caption
	case m.Document != nil:
		u.Kind = bot.KindDocument
		d := m.Document
		u.Document = &bot.File{ID: d.FileID, UniqueID: d.FileUniqueID, Name: d.FileName, MIME: d.MimeType, Size: int64(d.FileSize)}
		u.Text = m.Caption
	case m.Text != "":
		u.Kind = bot.KindText
		u.Text = m.Text
		command(u, m, botUsername)
	default:
		u.Kind = bot.KindOther
	}
	// Only a reply to one of the sender's own messages is kept: /announce
	// as a reply re-sends what the organiser wrote, never the bot's text.
	if r := m.ReplyToMessage; r != nil && r.From != nil && m.From != nil && r.From.ID == m.From.ID {
		q := &bot.Quoted{MessageID: int64(r.MessageID), Text: r.Text}
		if len(r.Photo) > 0 {
			q.Photo, q.Text = largest(r.Photo), r.Caption
		}
		if r.Document != nil {
			q.Document = &bot.File{ID: r.Document.FileID, UniqueID: r.Document.FileUniqueID, Name: r.Document.FileName, MIME: r.Document.MimeType}
			q.Text = r.Caption
		}
		u.ReplyTo = q
	}
}

func largest(ps []tgbotapi.PhotoSize) *bot.File {
	best := ps[0]
	for _, p := range ps[1:] {
		if p.Width*p.Height > best.Width*best.Height {
			best = p
		}
	}
	return &bot.File{ID: best.FileID, UniqueID: best.FileUniqueID, Width: best.Width, Height: best.Height, Size: int64(best.FileSize), MIME: "image/jpeg"}
}

// command reads the command from the bot_command entity at offset 0, as
// Telegram marks it. Entity offsets count UTF-16 code units, so the text
// is measured in those, never sliced by bytes.
func command(u *bot.Update, m *tgbotapi.Message, botUsername string) {
	if len(m.Entities) == 0 {
		return
	}
	e := m.Entities[0]
	if e.Type != "bot_command" || e.Offset != 0 {
		return
	}
	units := utf16.Encode([]rune(m.Text))
	if e.Length < 2 || e.Length > len(units) {
		return
	}
	word := string(utf16.Decode(units[1:e.Length]))
	rest := string(utf16.Decode(units[e.Length:]))
	name, at, hasAt := strings.Cut(word, "@")
	if hasAt && !strings.EqualFold(at, botUsername) {
		u.ForOtherBot = true
	}
	u.Kind = bot.KindCommand
	u.Command = strings.ToLower(name)
	u.Args = strings.TrimSpace(rest)
}
