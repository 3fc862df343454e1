package bot

import (
	"context"
	"fmt"
)

// notify tells another member about a change made to them, through the
// outbox: it is not the answer to their own action. The change is made
// already; a member who blocked the bot still sees it in /profile.
func (b *Bot) notify(c *Context, to UserKey, text func(Lang) string) {
	lang := VI
	if p, err := b.store.Profile(c.Context, to); err == nil && p.Lang != "" {
		lang = p.Lang
	}
	msg := Message{Chat: to.PrivateChat(), Text: text(lang)}
	batch := Batch{ID: fmt.Sprintf("notice-%s-%d", c.U.Platform, c.U.ID), Kind: "notice"}
	if c.Cohort != nil {
		batch.Cohort = c.Cohort.ID
	}
	if err := b.Deliver(c.Context, batch, []Job{{ID: string(to), User: to, Msg: msg}}); err != nil {
		b.log.Warn("notify member", "user", to, "err", err)
	}
}

// deliver queues jobs in the outbox, or sends them at once where there is
// none (console).
func (b *Bot) Deliver(ctx context.Context, batch Batch, jobs []Job) error {
	if b.outbox != nil {
		_, err := b.outbox.Enqueue(ctx, batch, jobs)
		return err
	}
	for _, j := range jobs {
		if _, err := b.send.Send(ctx, j.Msg); err != nil {
			b.log.Warn("send", "chat", j.Msg.Chat, "err", err)
		}
	}
	return nil
}

// organisers reads a cohort's members, its registered organisers among
// them and their languages: who gets what goes to organisers.
func (b *Bot) Organisers(ctx context.Context, cohort string) (members, organisers []*Member, langs map[UserKey]Lang, err error) {
	if members, err = b.store.Members(ctx, cohort); err != nil {
		return nil, nil, nil, err
	}
	for _, m := range members {
		if m.Role == Organiser && m.Registered {
			organisers = append(organisers, m)
		}
	}
	if langs, err = b.Langs(ctx, organisers); err != nil {
		return nil, nil, nil, err
	}
	return members, organisers, langs, nil
}

// langs returns each member's language, Vietnamese by default.
func (b *Bot) Langs(ctx context.Context, ms []*Member) (map[UserKey]Lang, error) {
	users := make([]UserKey, len(ms))
	for i, m := range ms {
		users[i] = m.User
	}
	profiles, err := b.store.Profiles(ctx, users)
	if err != nil {
		return nil, err
	}
	out := make(map[UserKey]Lang, len(ms))
	for _, u := range users {
		l := profiles[u].Lang
		if l == "" {
			l = VI
		}
		out[u] = l
	}
	return out, nil
}
