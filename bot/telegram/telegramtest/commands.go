package telegramtest

import (
	"encoding/json"
	"slices"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// commandKey identifies one command list: Telegram keeps one per scope and language.
type commandKey struct {
	scope        tgbotapi.BotCommandScope
	languageCode string
}

// Commands returns the command list set for a scope and language ("" for all languages); a
// zero scope is the default scope.
func (s *Server) Commands(scope tgbotapi.BotCommandScope, languageCode string) []tgbotapi.BotCommand {
	if scope.Type == "" {
		scope.Type = "default"
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.commands[commandKey{scope: scope, languageCode: languageCode}])
}

// readCommandKey reads the scope and language_code parameters of the *MyCommands methods.
func readCommandKey(req *request) (commandKey, reply, bool) {
	key := commandKey{scope: tgbotapi.BotCommandScope{Type: "default"}, languageCode: req.params["language_code"]}
	if raw := req.params["scope"]; raw != "" {
		if err := json.Unmarshal([]byte(raw), &key.scope); err != nil {
			return key, badRequest("can't parse BotCommandScope JSON object"), false
		}
	}
	switch key.scope.Type {
	case "default", "all_private_chats", "all_group_chats", "all_chat_administrators":
		key.scope.ChatID, key.scope.UserID = 0, 0
	case "chat", "chat_administrators":
		if key.scope.ChatID == 0 {
			return key, badRequest("chat_id is empty"), false
		}
		key.scope.UserID = 0
	case "chat_member":
		if key.scope.ChatID == 0 || key.scope.UserID == 0 {
			return key, badRequest("invalid user_id specified"), false
		}
	default:
		return key, badRequest("wrong bot command scope type specified"), false
	}
	if lc := key.languageCode; lc != "" && (len(lc) != 2 || lc[0] < 'a' || lc[0] > 'z' || lc[1] < 'a' || lc[1] > 'z') {
		return key, badRequest("invalid language code specified"), false
	}
	return key, reply{}, true
}

func (s *Server) setMyCommands(req *request) reply {
	var commands []tgbotapi.BotCommand
	if err := json.Unmarshal([]byte(req.params["commands"]), &commands); err != nil {
		return badRequest("can't parse commands JSON array")
	}
	if len(commands) > 100 {
		return badRequest("too many commands specified")
	}
	for _, c := range commands {
		if !validCommand(c.Command) {
			return badRequest("BOT_COMMAND_INVALID")
		}
		if n := utf16Len(c.Description); n == 0 || n > 256 {
			return badRequest("BOT_COMMAND_DESCRIPTION_INVALID")
		}
	}
	key, rep, valid := readCommandKey(req)
	if !valid {
		return rep
	}
	if len(commands) == 0 {
		delete(s.commands, key)
	} else {
		s.commands[key] = commands
	}
	return ok(true)
}

// validCommand checks a command the way BotFather does: 1 to 32 lowercase Latin letters,
// digits and underscores, without the leading slash.
func validCommand(c string) bool {
	if len(c) == 0 || len(c) > 32 {
		return false
	}
	for i := range len(c) {
		if !(c[i] >= 'a' && c[i] <= 'z' || c[i] >= '0' && c[i] <= '9' || c[i] == '_') {
			return false
		}
	}
	return true
}

func (s *Server) getMyCommands(req *request) reply {
	key, rep, valid := readCommandKey(req)
	if !valid {
		return rep
	}
	commands := s.commands[key]
	if commands == nil {
		commands = []tgbotapi.BotCommand{}
	}
	return ok(slices.Clone(commands))
}

func (s *Server) deleteMyCommands(req *request) reply {
	key, rep, valid := readCommandKey(req)
	if !valid {
		return rep
	}
	delete(s.commands, key)
	return ok(true)
}
