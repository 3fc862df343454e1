package telegramtest_test

import (
	"encoding/json"
	"net/http"
	"reflect"
	"strings"
	"testing"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/cohortbot/cohortbot/bot/telegram/telegramtest"
)

func TestMyCommands(t *testing.T) {
	s := telegramtest.New(t)
	bot := mustBot(t, s)
	trainee := []tgbotapi.BotCommand{{Command: "start", Description: "Bắt đầu"}, {Command: "nop_anh", Description: "Nộp ảnh dự thi"}}
	organiser := []tgbotapi.BotCommand{{Command: "announce", Description: "Post an announcement"}}
	admins := tgbotapi.NewBotCommandScopeChatAdministrators(-1001000000001)

	if _, err := bot.Request(tgbotapi.NewSetMyCommandsWithScopeAndLanguage(tgbotapi.NewBotCommandScopeDefault(), "vi", trainee...)); err != nil {
		t.Fatalf("setMyCommands: %v", err)
	}
	if _, err := bot.Request(tgbotapi.NewSetMyCommandsWithScope(admins, organiser...)); err != nil {
		t.Fatalf("setMyCommands with scope: %v", err)
	}

	if got := s.Commands(tgbotapi.BotCommandScope{}, "vi"); !reflect.DeepEqual(got, trainee) {
		t.Errorf("Commands(default, vi) = %+v, want %+v", got, trainee)
	}
	if got := s.Commands(admins, ""); !reflect.DeepEqual(got, organiser) {
		t.Errorf("Commands(admins) = %+v, want %+v", got, organiser)
	}
	if got := s.Commands(tgbotapi.BotCommandScope{}, ""); len(got) != 0 {
		t.Errorf("Commands(default, all languages) = %+v, want none: lists are kept per language", got)
	}
	got, err := bot.GetMyCommandsWithConfig(tgbotapi.NewGetMyCommandsWithScope(admins))
	if err != nil || !reflect.DeepEqual(got, organiser) {
		t.Errorf("getMyCommands = %+v, %v", got, err)
	}
	if calls := s.Calls("setMyCommands"); calls[0].Params["language_code"] != "vi" || !strings.Contains(calls[1].Params["scope"], `"chat_administrators"`) {
		t.Errorf("recorded params = %q, %q", calls[0].Params, calls[1].Params)
	}

	if _, err := bot.Request(tgbotapi.NewDeleteMyCommandsWithScope(admins)); err != nil {
		t.Fatalf("deleteMyCommands: %v", err)
	}
	if got := s.Commands(admins, ""); len(got) != 0 {
		t.Errorf("Commands after delete = %+v", got)
	}
}

func TestSetMyCommandsValidation(t *testing.T) {
	tests := []struct {
		name    string
		command tgbotapi.BotCommand
		want    string
	}{
		{"upper case", tgbotapi.BotCommand{Command: "Start", Description: "x"}, "Bad Request: BOT_COMMAND_INVALID"},
		{"leading slash", tgbotapi.BotCommand{Command: "/start", Description: "x"}, "Bad Request: BOT_COMMAND_INVALID"},
		{"dash", tgbotapi.BotCommand{Command: "nop-anh", Description: "x"}, "Bad Request: BOT_COMMAND_INVALID"},
		{"Vietnamese", tgbotapi.BotCommand{Command: "nộp", Description: "x"}, "Bad Request: BOT_COMMAND_INVALID"},
		{"33 characters", tgbotapi.BotCommand{Command: strings.Repeat("a", 33), Description: "x"}, "Bad Request: BOT_COMMAND_INVALID"},
		{"no description", tgbotapi.BotCommand{Command: "start"}, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID"},
		{"257 characters of description", tgbotapi.BotCommand{Command: "start", Description: strings.Repeat("ê", 257)}, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := telegramtest.New(t)
			_, err := mustBot(t, s).Request(tgbotapi.NewSetMyCommands(tt.command))
			mustAPIError(t, err, http.StatusBadRequest, tt.want)
		})
	}
	t.Run("32 and 256 characters", func(t *testing.T) {
		s := telegramtest.New(t)
		c := tgbotapi.BotCommand{Command: strings.Repeat("a", 32), Description: strings.Repeat("ê", 256)}
		resp, err := mustBot(t, s).Request(tgbotapi.NewSetMyCommands(c))
		if err != nil {
			t.Fatalf("setMyCommands: %v", err)
		}
		var result bool
		if err := json.Unmarshal(resp.Result, &result); err != nil || !result {
			t.Errorf("result = %s, want true", resp.Result)
		}
	})
}
