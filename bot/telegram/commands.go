package telegram

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/cohortbot/cohortbot/bot"
)

// SetWebhook registers url with the secret token Telegram sends back in
// every request. The library's WebhookConfig has no secret_token, so the
// call is made with explicit params.
func (c *Client) SetWebhook(ctx context.Context, url, secret string) error {
	allowed, _ := json.Marshal(allowedUpdates)
	_, err := c.raw(ctx, "setWebhook", tgbotapi.Params{
		"url": url, "secret_token": secret, "allowed_updates": string(allowed), "max_connections": "40",
	})
	if err != nil {
		return fmt.Errorf("set webhook: %w", err)
	}
	return nil
}

type menuCommand struct {
	Command     string `json:"command"`
	Description string `json:"description"`
}

// SetCommands registers the command menu: everyone's list in Vietnamese
// (the default) and English, and the organisers' longer list in each
// organiser's private chat, in their language.
func (c *Client) SetCommands(ctx context.Context, organisers map[int64]bot.Lang) error {
	for _, lang := range []bot.Lang{bot.VI, bot.EN} {
		code := ""
		if lang == bot.EN {
			code = "en"
		}
		if err := c.setCommands(ctx, bot.MenuCommands(false), lang, `{"type":"default"}`, code); err != nil {
			return err
		}
	}
	for chat, lang := range organisers {
		if err := c.organiserCommands(ctx, strconv.FormatInt(chat, 10), lang); err != nil {
			return err
		}
	}
	return nil
}

// organiserCommands sets the organisers' list in one chat: in the
// person's chosen language by default, and in English for an English
// client, like the everyone list.
func (c *Client) organiserCommands(ctx context.Context, chat string, lang bot.Lang) error {
	scope := `{"type":"chat","chat_id":` + chat + `}`
	if err := c.setCommands(ctx, bot.MenuCommands(true), lang, scope, ""); err != nil {
		return err
	}
	return c.setCommands(ctx, bot.MenuCommands(true), bot.EN, scope, "en")
}

func (c *Client) setCommands(ctx context.Context, specs []bot.CommandSpec, lang bot.Lang, scope, code string) error {
	cmds := make([]menuCommand, 0, len(specs))
	for _, s := range specs {
		cmds = append(cmds, menuCommand{Command: s.Name, Description: bot.Text(lang, "cmd."+s.Name)})
	}
	raw, err := json.Marshal(cmds)
	if err != nil {
		return err
	}
	params := tgbotapi.Params{"commands": string(raw), "scope": scope}
	if code != "" {
		params["language_code"] = code
	}
	if _, err := c.raw(ctx, "setMyCommands", params); err != nil {
		return fmt.Errorf("set commands (%s): %w", lang, err)
	}
	return nil
}

// OrganiserMenu implements bot.Menus: an organiser's private chat gets the
// organisers' command list; anyone else's chat falls back to the default.
func (c *Client) OrganiserMenu(ctx context.Context, user bot.UserKey, lang bot.Lang, organiser bool) error {
	if user.Platform() != bot.Telegram {
		return nil
	}
	if organiser {
		return c.organiserCommands(ctx, user.NativeID(), lang)
	}
	scope := `{"type":"chat","chat_id":` + user.NativeID() + `}`
	for _, code := range []string{"", "en"} {
		params := tgbotapi.Params{"scope": scope}
		if code != "" {
			params["language_code"] = code
		}
		if _, err := c.raw(ctx, "deleteMyCommands", params); err != nil {
			return fmt.Errorf("delete organiser commands: %w", err)
		}
	}
	return nil
}
