package telegram_test

import (
	"context"
	"log/slog"
	"strconv"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/cohortbot/cohortbot/bot"
	"github.com/cohortbot/cohortbot/bot/telegram"
	"github.com/cohortbot/cohortbot/bot/telegram/telegramtest"
)

var voter = tgbotapi.User{ID: 801, FirstName: "Lan", LanguageCode: "vi"}

// mustClient connects the adapter to a fake Bot API that knows a few
// photos and a document, sent by the voter.
func mustClient(t *testing.T) (*telegram.Client, *telegramtest.Server, context.Context) {
	t.Helper()
	s := telegramtest.New(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	for _, id := range []string{"p1", "p2", "p3"} {
		s.PushUpdate(telegramtest.Photo(voter, voter.ID, id, "u"+id, "", ""))
	}
	s.PushUpdate(telegramtest.Document(voter, voter.ID, "d1", "ud1", "lang-phi.png", "image/png", 2048))
	c, err := telegram.New(ctx, s.Token(), s.URL(), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatalf("telegram.New: %v", err)
	}
	return c, s, ctx
}

func lastMessage(t *testing.T, s *telegramtest.Server, id int64) tgbotapi.Message {
	t.Helper()
	for _, m := range s.Messages(voter.ID) {
		if int64(m.MessageID) == id {
			return m
		}
	}
	t.Fatalf("message %d not in the chat", id)
	return tgbotapi.Message{}
}

func photoID(m tgbotapi.Message) string {
	if len(m.Photo) == 0 {
		return ""
	}
	return m.Photo[len(m.Photo)-1].FileID
}

// TestEditMedia: a message edited with a photo replaces its photo,
// caption and keyboard in place (editMessageMedia), also with a document;
// an edit that changes nothing is no error; an edit of a message that is
// gone sends a new one.
func TestEditMedia(t *testing.T) {
	c, s, ctx := mustClient(t)
	chat := bot.NewChatKey(bot.Telegram, strconv.FormatInt(voter.ID, 10))
	rows := func(data string) [][]bot.Button { return [][]bot.Button{{{Text: "👍 Bình chọn", Data: data}}} }

	sent, err := c.Send(ctx, bot.Message{Chat: chat, Photo: &bot.File{ID: "p1"}, Text: "Ảnh số 1", Buttons: rows("vt:c:1")})
	if err != nil {
		t.Fatalf("send photo: %v", err)
	}
	before := len(s.Messages(voter.ID))

	edited, err := c.Send(ctx, bot.Message{Chat: chat, Edit: sent.MessageID, Photo: &bot.File{ID: "p2"}, Text: "Ảnh số 2", Buttons: rows("vt:w:2")})
	if err != nil {
		t.Fatalf("edit photo: %v", err)
	}
	if edited.MessageID != sent.MessageID || len(s.Messages(voter.ID)) != before {
		t.Fatalf("edit sent a new message: %+v, %d messages (was %d)", edited, len(s.Messages(voter.ID)), before)
	}
	m := lastMessage(t, s, sent.MessageID)
	if photoID(m) != "p2" || m.Caption != "Ảnh số 2" || m.ReplyMarkup == nil || *m.ReplyMarkup.InlineKeyboard[0][0].CallbackData != "vt:w:2" {
		t.Errorf("after the edit: photo %q caption %q markup %+v", photoID(m), m.Caption, m.ReplyMarkup)
	}
	calls := s.Calls("editMessageMedia")
	if len(calls) != 1 || !calls[0].OK() {
		t.Fatalf("editMessageMedia calls = %+v", calls)
	}

	// The same content again: Telegram says "not modified", which is fine.
	if _, err := c.Send(ctx, bot.Message{Chat: chat, Edit: sent.MessageID, Photo: &bot.File{ID: "p2"}, Text: "Ảnh số 2", Buttons: rows("vt:w:2")}); err != nil {
		t.Errorf("edit with the same content: %v", err)
	}

	// A document entry shown in the same message.
	if _, err := c.Send(ctx, bot.Message{Chat: chat, Edit: sent.MessageID, Document: &bot.File{ID: "d1"}, Text: "Ảnh số 3", Buttons: rows("vt:c:3")}); err != nil {
		t.Fatalf("edit to a document: %v", err)
	}
	if m := lastMessage(t, s, sent.MessageID); m.Document == nil || m.Document.FileID != "d1" || m.Caption != "Ảnh số 3" {
		t.Errorf("after the document edit: %+v", m)
	}

	// The message is gone: a new one is sent.
	again, err := c.Send(ctx, bot.Message{Chat: chat, Edit: 99999, Photo: &bot.File{ID: "p3"}, Text: "Ảnh số 4"})
	if err != nil {
		t.Fatalf("edit of a missing message: %v", err)
	}
	if again.MessageID == 99999 || photoID(lastMessage(t, s, again.MessageID)) != "p3" {
		t.Errorf("edit of a missing message: sent %+v", again)
	}
}

// TestSendAlbum: photos go out as one album (sendMediaGroup) with the text
// as the first one's caption, more than ten as several albums, and a
// single photo as a plain photo.
func TestSendAlbum(t *testing.T) {
	c, s, ctx := mustClient(t)
	chat := bot.NewChatKey(bot.Telegram, strconv.FormatInt(voter.ID, 10))
	files := []*bot.File{{ID: "p1"}, {ID: "p2"}, {ID: "p3"}}
	if _, err := c.Send(ctx, bot.Message{Chat: chat, Media: files, Text: "🏆 Ảnh đoạt giải 1–3"}); err != nil {
		t.Fatalf("send album: %v", err)
	}
	var album []tgbotapi.Message
	for _, m := range s.Messages(voter.ID) {
		if m.From != nil && m.From.IsBot && m.MediaGroupID != "" {
			album = append(album, m)
		}
	}
	if len(album) != 3 {
		t.Fatalf("album of %d messages, want 3", len(album))
	}
	for i, m := range album {
		if photoID(m) != files[i].ID || m.MediaGroupID != album[0].MediaGroupID {
			t.Errorf("album item %d: photo %q group %q", i, photoID(m), m.MediaGroupID)
		}
	}
	if album[0].Caption != "🏆 Ảnh đoạt giải 1–3" || album[1].Caption != "" {
		t.Errorf("captions %q, %q", album[0].Caption, album[1].Caption)
	}

	var eleven []*bot.File
	for i := range 11 {
		eleven = append(eleven, files[i%3])
	}
	if _, err := c.Send(ctx, bot.Message{Chat: chat, Media: eleven}); err != nil {
		t.Fatalf("send 11: %v", err)
	}
	if got := len(s.Calls("sendMediaGroup")); got != 2 {
		t.Errorf("sendMediaGroup calls = %d, want 2 (the first album, then 10 of 11)", got)
	}
	if got := len(s.Calls("sendPhoto")); got != 1 {
		t.Errorf("sendPhoto calls = %d, want 1 (the 11th photo)", got)
	}
	if _, err := c.Send(ctx, bot.Message{Chat: chat, Media: files[:1], Text: "một ảnh"}); err != nil {
		t.Fatalf("send one: %v", err)
	}
	if got := len(s.Calls("sendPhoto")); got != 2 {
		t.Errorf("a one-photo album: sendPhoto calls = %d, want 2", got)
	}
}
