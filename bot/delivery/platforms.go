package delivery

import (
	"context"

	"github.com/cohortbot/cohortbot/bot"
)

// Platforms is the bot's sender when it speaks to several platforms: each
// message goes to its chat's platform's sender (a Direct, with that
// platform's limiter), each button answer to the platform it was pressed
// on.
type Platforms map[bot.Platform]bot.Sender

// Send implements bot.Sender.
func (ps Platforms) Send(ctx context.Context, m bot.Message) (bot.Sent, error) {
	s, ok := ps[m.Chat.Platform()]
	if !ok {
		return bot.Sent{}, noSender(m.Chat.Platform())
	}
	return s.Send(ctx, m)
}

// Answer implements bot.Sender. An answer that names no chat (older
// callers) goes to Telegram, the only platform with such answers then.
func (ps Platforms) Answer(ctx context.Context, a bot.Answer) error {
	p := a.Chat.Platform()
	if a.Chat == "" {
		p = bot.Telegram
	}
	s, ok := ps[p]
	if !ok {
		return noSender(p)
	}
	return s.Answer(ctx, a)
}

// Paced implements bot.Paced: true when every platform's sender waits for
// a limiter (and so answers button presses itself).
func (ps Platforms) Paced() bool {
	for _, s := range ps {
		if p, ok := s.(bot.Paced); !ok || !p.Paced() {
			return false
		}
	}
	return len(ps) > 0
}
