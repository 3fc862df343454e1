package telegramtest

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// chat is what the fake knows of one chat.
type chat struct {
	info      tgbotapi.Chat
	seen      bool // an update came from this chat, so the bot may write to it
	blocked   bool
	notFound  bool
	left      bool
	migrateTo int64
	nextMsg   int
	msgs      map[int]*tgbotapi.Message
	order     []int
	members   map[int64]string // chat member status by user id
	limiter   *bucket
}

// supergroupIDs start here: Telegram gives supergroups and channels ids below -10^12.
const supergroupIDs = -1_000_000_000_000

// chat returns the state of a chat, creating it on first use; callers hold s.mu.
func (s *Server) chat(id int64) *chat {
	if c := s.chats[id]; c != nil {
		return c
	}
	info := tgbotapi.Chat{ID: id}
	switch {
	case id > 0:
		info.Type = "private"
		info.FirstName = fmt.Sprintf("User %d", id)
		if u, known := s.users[id]; known {
			info.FirstName, info.LastName, info.UserName = u.FirstName, u.LastName, u.UserName
		}
	case id <= supergroupIDs:
		info.Type = "supergroup"
		info.Title = fmt.Sprintf("Supergroup %d", id)
	default:
		info.Type = "group"
		info.Title = fmt.Sprintf("Group %d", id)
	}
	c := &chat{info: info, nextMsg: 1, msgs: make(map[int]*tgbotapi.Message), members: make(map[int64]string)}
	s.chats[id] = c
	return c
}

// add stores a message in the chat, giving it the chat's next message id when it has none.
func (c *chat) add(m *tgbotapi.Message) {
	if m.MessageID == 0 {
		m.MessageID = c.nextMsg
	}
	if m.MessageID >= c.nextMsg {
		c.nextMsg = m.MessageID + 1
	}
	if _, exists := c.msgs[m.MessageID]; !exists {
		c.order = append(c.order, m.MessageID)
	}
	c.msgs[m.MessageID] = m
}

func (c *chat) remove(id int) {
	delete(c.msgs, id)
	for i, v := range c.order {
		if v == id {
			c.order = append(c.order[:i:i], c.order[i+1:]...)
			return
		}
	}
}

// chatIDParam reads a chat id given as a number or as the @username of a public group or
// channel the fake knows; Telegram resolves no @username of a user.
func (s *Server) chatIDParam(raw string) (int64, bool) {
	if id, err := strconv.ParseInt(raw, 10, 64); err == nil {
		return id, true
	}
	if name, found := strings.CutPrefix(raw, "@"); found {
		for id, c := range s.chats {
			if c.info.Type != "private" && c.info.UserName != "" && strings.EqualFold(c.info.UserName, name) {
				return id, true
			}
		}
	}
	return 0, false
}

// target resolves a call's chat_id and applies the checks Telegram makes before a chat is used.
// delivers is true for calls that show something to the chat's members (sends, edits, chat
// actions): those are refused by a user who blocked the bot. Callers hold s.mu.
func (s *Server) target(req *request, delivers bool) (*chat, reply, bool) {
	raw := req.params["chat_id"]
	if raw == "" {
		return nil, badRequest("chat_id is empty"), false
	}
	id, valid := s.chatIDParam(raw)
	if !valid {
		return nil, badRequest("chat not found"), false
	}
	c, exists := s.chats[id]
	switch {
	case exists && c.notFound:
		return nil, badRequest("chat not found"), false
	case exists && c.migrateTo != 0:
		rep := badRequest("group chat was upgraded to a supergroup chat")
		rep.parameters = &tgbotapi.ResponseParameters{MigrateToChatID: c.migrateTo}
		return nil, rep, false
	case s.knownOnly && (!exists || !c.seen):
		if id > 0 {
			return nil, forbidden("bot can't initiate conversation with a user"), false
		}
		return nil, badRequest("chat not found"), false
	}
	c = s.chat(id)
	if c.left {
		return nil, forbidden("bot is not a member of the " + c.info.Type + " chat"), false
	}
	if delivers && c.blocked {
		if c.info.Type == "private" {
			return nil, forbidden("bot was blocked by the user"), false
		}
		return nil, forbidden("bot was kicked from the " + c.info.Type + " chat"), false
	}
	return c, reply{}, true
}

// Block makes the chat refuse the bot like a user who blocked it: every send or edit answers
// 403 "Forbidden: bot was blocked by the user" ("bot was kicked from the group chat" for groups).
func (s *Server) Block(chatID int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.chat(chatID).blocked = true
}

// Unblock undoes Block.
func (s *Server) Unblock(chatID int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.chat(chatID).blocked = false
}

// ChatNotFound makes every call naming the chat answer 400 "Bad Request: chat not found".
func (s *Server) ChatNotFound(chatID int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.chat(chatID).notFound = true
}

// MigrateChat makes calls to a group answer like a group upgraded to a supergroup: 400 with
// parameters.migrate_to_chat_id set to newChatID.
func (s *Server) MigrateChat(chatID, newChatID int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.chat(chatID).migrateTo = newChatID
}

// SetMemberStatus sets what getChatMember answers for a user in a chat ("creator",
// "administrator", "member", "restricted", "left" or "kicked"). Users the fake saw in a chat
// are members, others have left.
func (s *Server) SetMemberStatus(chatID, userID int64, status string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.chat(chatID).members[userID] = status
}

// Messages returns the messages a chat shows now, oldest first: the pushed ones and the bot's,
// with edits applied and deleted ones gone.
func (s *Server) Messages(chatID int64) []tgbotapi.Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.chats[chatID]
	if c == nil {
		return nil
	}
	out := make([]tgbotapi.Message, 0, len(c.order))
	for _, id := range c.order {
		out = append(out, *c.msgs[id])
	}
	return out
}

func (s *Server) getChat(req *request) reply {
	c, rep, found := s.target(req, false)
	if !found {
		return rep
	}
	return ok(c.info)
}

func (s *Server) getChatMember(req *request) reply {
	c, rep, found := s.target(req, false)
	if !found {
		return rep
	}
	userID, err := strconv.ParseInt(req.params["user_id"], 10, 64)
	if err != nil || userID <= 0 {
		return badRequest("invalid user_id specified")
	}
	user, known := s.users[userID]
	if !known {
		user = tgbotapi.User{ID: userID}
	}
	if userID == s.bot.ID {
		user = s.bot
	}
	status, set := c.members[userID]
	switch {
	case set:
	case userID == c.info.ID, userID == s.bot.ID:
		status = "member"
	default:
		status = "left"
	}
	return ok(tgbotapi.ChatMember{User: &user, Status: status})
}

func (s *Server) sendChatAction(req *request) reply {
	_, rep, found := s.target(req, true)
	if !found {
		return rep
	}
	switch req.params["action"] {
	case "typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice",
		"upload_document", "choose_sticker", "find_location", "record_video_note", "upload_video_note":
		return ok(true)
	}
	return badRequest("wrong parameter action in request")
}

func (s *Server) leaveChat(req *request) reply {
	c, rep, found := s.target(req, false)
	if !found {
		return rep
	}
	if c.info.Type == "private" {
		return badRequest("chat member status can't be changed in private chats")
	}
	c.left = true
	return reply{status: http.StatusOK, result: true}
}
