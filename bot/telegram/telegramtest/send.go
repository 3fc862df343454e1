package telegramtest

import (
	"encoding/json"
	"strconv"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

const notModified = "message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message"

// The handlers in this file run with s.mu held. Content is checked before the chat, as the
// Bot API parses a message before it hands it to Telegram; the rate limit comes last, so that
// only messages that would be delivered count against it.

// newBotMessage starts a message from the bot to a chat.
func (s *Server) newBotMessage(c *chat, req *request) *tgbotapi.Message {
	info, bot := c.info, s.bot
	return &tgbotapi.Message{From: &bot, Chat: &info, Date: int(req.now.Unix())}
}

// replyTo checks reply_to_message_id against the chat's messages.
func replyTo(c *chat, req *request) (*tgbotapi.Message, reply, bool) {
	raw := req.params["reply_to_message_id"]
	if raw == "" {
		return nil, reply{}, true
	}
	id, err := strconv.Atoi(raw)
	target := c.msgs[id]
	if err != nil || target == nil {
		if req.params["allow_sending_without_reply"] == "true" {
			return nil, reply{}, true
		}
		return nil, badRequest("message to be replied not found"), false
	}
	quoted := *target
	quoted.ReplyToMessage = nil
	return &quoted, reply{}, true
}

func checkText(f formatted) (reply, bool) {
	switch n := utf16Len(f.text); {
	case n == 0:
		return badRequest("message text is empty"), false
	case n > maxTextLen:
		return badRequest("message is too long"), false
	}
	return reply{}, true
}

func checkCaption(f formatted) (reply, bool) {
	if utf16Len(f.text) > maxCaptionLen {
		return badRequest("message caption is too long"), false
	}
	return reply{}, true
}

func (s *Server) sendMessage(req *request) reply {
	text, rep, valid := parseFormatted(req.params["text"], req.params["parse_mode"], req.params["entities"], "entities")
	if !valid {
		return rep
	}
	if rep, valid := checkText(text); !valid {
		return rep
	}
	markup, rep, valid := readReplyMarkup(req.params["reply_markup"], false)
	if !valid {
		return rep
	}
	c, rep, found := s.target(req, true)
	if !found {
		return rep
	}
	quoted, rep, valid := replyTo(c, req)
	if !valid {
		return rep
	}
	if rep, allowed := s.allow(c, 1, req.now); !allowed {
		return rep
	}
	m := s.newBotMessage(c, req)
	m.Text, m.Entities, m.ReplyMarkup, m.ReplyToMessage = text.text, text.entities, markup, quoted
	c.add(m)
	return ok(*m)
}

// sendFile is sendPhoto and sendDocument: one file, a caption and a keyboard.
func (s *Server) sendFile(req *request, field, kind string) reply {
	caption, rep, valid := parseFormatted(req.params["caption"], req.params["parse_mode"], req.params["caption_entities"], "caption_entities")
	if !valid {
		return rep
	}
	if rep, valid := checkCaption(caption); !valid {
		return rep
	}
	markup, rep, valid := readReplyMarkup(req.params["reply_markup"], false)
	if !valid {
		return rep
	}
	c, rep, found := s.target(req, true)
	if !found {
		return rep
	}
	quoted, rep, valid := replyTo(c, req)
	if !valid {
		return rep
	}
	f, rep, valid := s.inputFile(req, field, kind)
	if !valid {
		return rep
	}
	if rep, allowed := s.allow(c, 1, req.now); !allowed {
		return rep
	}
	m := s.newBotMessage(c, req)
	m.Caption, m.CaptionEntities, m.ReplyMarkup, m.ReplyToMessage = caption.text, caption.entities, markup, quoted
	s.setMedia(m, f)
	c.add(m)
	return ok(*m)
}

func (s *Server) sendPhoto(req *request) reply { return s.sendFile(req, "photo", "photo") }

func (s *Server) sendDocument(req *request) reply { return s.sendFile(req, "document", "document") }

// setMedia puts a file in a message in place of any other media.
func (s *Server) setMedia(m *tgbotapi.Message, f *file) {
	m.Photo, m.Document, m.Video, m.Audio = nil, nil, nil, nil
	switch f.kind {
	case "photo":
		m.Photo = s.photoSizes(f)
	case "video":
		m.Video = &tgbotapi.Video{FileID: f.id, FileUniqueID: f.uniqueID, Width: f.width, Height: f.height, FileName: f.name, MimeType: f.mimeType, FileSize: f.size}
	case "audio":
		m.Audio = &tgbotapi.Audio{FileID: f.id, FileUniqueID: f.uniqueID, FileName: f.name, MimeType: f.mimeType, FileSize: f.size}
	default:
		m.Document = f.document()
	}
}

func hasMedia(m *tgbotapi.Message) bool {
	return len(m.Photo) > 0 || m.Document != nil || m.Video != nil || m.Audio != nil || m.Animation != nil
}

// mediaFileID is the id of a message's file, which Telegram compares for "not modified".
func mediaFileID(m *tgbotapi.Message) string {
	switch {
	case len(m.Photo) > 0:
		return m.Photo[len(m.Photo)-1].FileUniqueID
	case m.Document != nil:
		return m.Document.FileUniqueID
	case m.Video != nil:
		return m.Video.FileUniqueID
	case m.Audio != nil:
		return m.Audio.FileUniqueID
	}
	return ""
}

// inputMedia is an InputMedia* object of sendMediaGroup and editMessageMedia.
type inputMedia struct {
	Type            string          `json:"type"`
	Media           string          `json:"media"`
	Caption         string          `json:"caption"`
	ParseMode       string          `json:"parse_mode"`
	CaptionEntities json.RawMessage `json:"caption_entities"`
}

// read checks one InputMedia and resolves its file and caption.
func (s *Server) read(req *request, in inputMedia) (*file, formatted, reply, bool) {
	switch in.Type {
	case "photo", "video", "document", "audio":
	default:
		return nil, formatted{}, badRequest("can't parse InputMedia: unsupported media type %q", in.Type), false
	}
	entities := string(in.CaptionEntities)
	if entities == "null" {
		entities = ""
	}
	caption, rep, valid := parseFormatted(in.Caption, in.ParseMode, entities, "caption_entities")
	if !valid {
		return nil, formatted{}, rep, false
	}
	if rep, valid := checkCaption(caption); !valid {
		return nil, formatted{}, rep, false
	}
	if in.Media == "" {
		return nil, formatted{}, badRequest("can't parse InputMedia: media not found"), false
	}
	f, rep, valid := s.fileRef(req, in.Media, in.Type)
	if !valid {
		return nil, formatted{}, rep, false
	}
	return f, caption, reply{}, true
}

func (s *Server) sendMediaGroup(req *request) reply {
	var items []inputMedia
	if err := json.Unmarshal([]byte(req.params["media"]), &items); err != nil {
		return badRequest("can't parse media JSON object")
	}
	switch n := len(items); {
	case n > 10:
		return badRequest("too much messages to send as an album")
	case n < 2:
		return badRequest("media must include 2-10 items")
	}
	c, rep, found := s.target(req, true)
	if !found {
		return rep
	}
	quoted, rep, valid := replyTo(c, req)
	if !valid {
		return rep
	}
	files := make([]*file, len(items))
	captions := make([]formatted, len(items))
	for i, in := range items {
		f, caption, rep, valid := s.read(req, in)
		if !valid {
			return rep
		}
		files[i], captions[i] = f, caption
	}
	if rep, allowed := s.allow(c, len(items), req.now); !allowed {
		return rep
	}
	group := strconv.FormatInt(13_000_000_000_000_000+int64(s.nextSeq()), 10)
	out := make([]tgbotapi.Message, len(items))
	for i, f := range files {
		m := s.newBotMessage(c, req)
		m.MediaGroupID, m.ReplyToMessage = group, quoted
		m.Caption, m.CaptionEntities = captions[i].text, captions[i].entities
		s.setMedia(m, f)
		c.add(m)
		out[i] = *m
	}
	return ok(out)
}

// editTarget finds the message an edit names: one of the bot's messages in the chat.
func (s *Server) editTarget(req *request) (*chat, *tgbotapi.Message, reply, bool) {
	if req.params["inline_message_id"] != "" {
		// The fake sends no inline messages, so any id is unknown.
		return nil, nil, badRequest("MESSAGE_ID_INVALID"), false
	}
	c, rep, found := s.target(req, true)
	if !found {
		return nil, nil, rep, false
	}
	raw := req.params["message_id"]
	if raw == "" {
		return nil, nil, badRequest("message identifier is not specified"), false
	}
	id, err := strconv.Atoi(raw)
	m := c.msgs[id]
	if err != nil || m == nil {
		return nil, nil, badRequest("message to edit not found"), false
	}
	if m.From == nil || m.From.ID != s.bot.ID {
		return nil, nil, badRequest("message can't be edited"), false
	}
	return c, m, reply{}, true
}

// commitEdit replaces a message by its edited copy; stored messages are never changed in
// place, so that copies handed out stay valid.
func commitEdit(c *chat, edited tgbotapi.Message, req *request) reply {
	edited.EditDate = int(req.now.Unix())
	c.msgs[edited.MessageID] = &edited
	return ok(edited)
}

func (s *Server) editMessageText(req *request) reply {
	text, rep, valid := parseFormatted(req.params["text"], req.params["parse_mode"], req.params["entities"], "entities")
	if !valid {
		return rep
	}
	if rep, valid := checkText(text); !valid {
		return rep
	}
	// An edit without reply_markup removes the keyboard, as on Telegram.
	markup, rep, valid := readReplyMarkup(req.params["reply_markup"], true)
	if !valid {
		return rep
	}
	c, m, rep, found := s.editTarget(req)
	if !found {
		return rep
	}
	if m.Text == "" {
		return badRequest("there is no text in the message to edit")
	}
	if text.equal(formatted{text: m.Text, entities: m.Entities}) && sameMarkup(m.ReplyMarkup, markup) {
		return badRequest(notModified)
	}
	if rep, allowed := s.allow(c, 1, req.now); !allowed {
		return rep
	}
	edited := *m
	edited.Text, edited.Entities, edited.ReplyMarkup = text.text, text.entities, markup
	return commitEdit(c, edited, req)
}

func (s *Server) editMessageCaption(req *request) reply {
	caption, rep, valid := parseFormatted(req.params["caption"], req.params["parse_mode"], req.params["caption_entities"], "caption_entities")
	if !valid {
		return rep
	}
	if rep, valid := checkCaption(caption); !valid {
		return rep
	}
	markup, rep, valid := readReplyMarkup(req.params["reply_markup"], true)
	if !valid {
		return rep
	}
	c, m, rep, found := s.editTarget(req)
	if !found {
		return rep
	}
	if !hasMedia(m) {
		return badRequest("there is no caption in the message to edit")
	}
	if caption.equal(formatted{text: m.Caption, entities: m.CaptionEntities}) && sameMarkup(m.ReplyMarkup, markup) {
		return badRequest(notModified)
	}
	if rep, allowed := s.allow(c, 1, req.now); !allowed {
		return rep
	}
	edited := *m
	edited.Caption, edited.CaptionEntities, edited.ReplyMarkup = caption.text, caption.entities, markup
	return commitEdit(c, edited, req)
}

func (s *Server) editMessageReplyMarkup(req *request) reply {
	markup, rep, valid := readReplyMarkup(req.params["reply_markup"], true)
	if !valid {
		return rep
	}
	c, m, rep, found := s.editTarget(req)
	if !found {
		return rep
	}
	if sameMarkup(m.ReplyMarkup, markup) {
		return badRequest(notModified)
	}
	if rep, allowed := s.allow(c, 1, req.now); !allowed {
		return rep
	}
	edited := *m
	edited.ReplyMarkup = markup
	return commitEdit(c, edited, req)
}

func (s *Server) editMessageMedia(req *request) reply {
	var in inputMedia
	if err := json.Unmarshal([]byte(req.params["media"]), &in); err != nil {
		return badRequest("can't parse InputMedia JSON object")
	}
	markup, rep, valid := readReplyMarkup(req.params["reply_markup"], true)
	if !valid {
		return rep
	}
	c, m, rep, found := s.editTarget(req)
	if !found {
		return rep
	}
	if !hasMedia(m) {
		return badRequest("there is no media in the message to edit")
	}
	f, caption, rep, valid := s.read(req, in)
	if !valid {
		return rep
	}
	if f.uniqueID == mediaFileID(m) && caption.equal(formatted{text: m.Caption, entities: m.CaptionEntities}) && sameMarkup(m.ReplyMarkup, markup) {
		return badRequest(notModified)
	}
	if rep, allowed := s.allow(c, 1, req.now); !allowed {
		return rep
	}
	edited := *m
	edited.Caption, edited.CaptionEntities, edited.ReplyMarkup = caption.text, caption.entities, markup
	s.setMedia(&edited, f)
	return commitEdit(c, edited, req)
}

func (s *Server) deleteMessage(req *request) reply {
	c, rep, found := s.target(req, false)
	if !found {
		return rep
	}
	id, err := strconv.Atoi(req.params["message_id"])
	if err != nil || c.msgs[id] == nil {
		return badRequest("message to delete not found")
	}
	c.remove(id)
	return ok(true)
}
