package telegramtest

import (
	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// The builders make updates as a user's app would cause them. They leave update_id, message
// ids and dates at zero: PushUpdate and PostWebhook fill them in, like Telegram.

// chatOf is the chat a user writes in: their private chat when chatID is their id.
func chatOf(from tgbotapi.User, chatID int64) *tgbotapi.Chat {
	c := &tgbotapi.Chat{ID: chatID}
	switch {
	case chatID == from.ID:
		c.Type, c.FirstName, c.LastName, c.UserName = "private", from.FirstName, from.LastName, from.UserName
	case chatID <= supergroupIDs:
		c.Type = "supergroup"
	case chatID < 0:
		c.Type = "group"
	default:
		c.Type = "private"
	}
	return c
}

// TextMessage is a text message from a user. A text starting with a command gets the
// bot_command entity Telegram adds, which is how bots recognise commands.
func TextMessage(from tgbotapi.User, chatID int64, text string) tgbotapi.Update {
	m := &tgbotapi.Message{From: &from, Chat: chatOf(from, chatID), Text: text}
	if n := commandLen(text); n > 0 {
		m.Entities = []tgbotapi.MessageEntity{{Type: "bot_command", Offset: 0, Length: n}}
	}
	return tgbotapi.Update{Message: m}
}

// commandLen is the length in UTF-16 code units of the command a text starts with, "/name" or
// "/name@bot_username", or 0 when it starts with none. Telegram's commands are made of Latin
// letters, digits and underscores.
func commandLen(text string) int {
	if len(text) < 2 || text[0] != '/' {
		return 0
	}
	word := func(i int) int {
		for i < len(text) && (isASCIIAlnum(text[i]) || text[i] == '_') {
			i++
		}
		return i
	}
	end := word(1)
	if end == 1 {
		return 0
	}
	if end < len(text) && text[end] == '@' {
		if at := word(end + 1); at > end+1 {
			end = at
		}
	}
	return utf16Len(text[:end])
}

// CallbackQuery is a press on an inline button with callback data under the message
// messageID of a chat. PushUpdate fills in the message from the chat's history.
func CallbackQuery(from tgbotapi.User, chatID int64, messageID int, data string) tgbotapi.Update {
	return tgbotapi.Update{CallbackQuery: &tgbotapi.CallbackQuery{
		From:    &from,
		Message: &tgbotapi.Message{MessageID: messageID, Chat: chatOf(from, chatID)},
		Data:    data,
	}}
}

// Photo is a photo from a user, with the sizes Telegram makes: two smaller ones first, then
// the photo itself as fileID and fileUniqueID. Photos of one album share a mediaGroupID and
// arrive as separate updates; the caption is on one of them.
func Photo(from tgbotapi.User, chatID int64, fileID, fileUniqueID, caption, mediaGroupID string) tgbotapi.Update {
	m := &tgbotapi.Message{
		From:         &from,
		Chat:         chatOf(from, chatID),
		Caption:      caption,
		MediaGroupID: mediaGroupID,
		Photo: []tgbotapi.PhotoSize{
			{FileID: fileID + "_90", FileUniqueID: fileUniqueID + "_90", Width: 90, Height: 68},
			{FileID: fileID + "_320", FileUniqueID: fileUniqueID + "_320", Width: 320, Height: 240},
			{FileID: fileID, FileUniqueID: fileUniqueID, Width: 1280, Height: 960},
		},
	}
	return tgbotapi.Update{Message: m}
}

// Document is a file sent by a user as a document.
func Document(from tgbotapi.User, chatID int64, fileID, uniqueID, fileName, mimeType string, size int) tgbotapi.Update {
	m := &tgbotapi.Message{
		From: &from,
		Chat: chatOf(from, chatID),
		Document: &tgbotapi.Document{
			FileID:       fileID,
			FileUniqueID: uniqueID,
			FileName:     fileName,
			MimeType:     mimeType,
			FileSize:     size,
		},
	}
	return tgbotapi.Update{Message: m}
}
