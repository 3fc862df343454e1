package bot

import (
	"context"
	"strings"
)

// DeliveryReport writes the report an organiser gets when a batch they
// sent has been delivered: how many got it, who blocked the bot, who could
// not be reached for another reason.
func (b *Bot) DeliveryReport(ctx context.Context, r BatchReport) (Message, error) {
	lang := r.Batch.Lang
	if lang == "" {
		lang = VI
	}
	var sb strings.Builder
	sb.WriteString(Text(lang, "delivery.title", r.Batch.Title))
	sb.WriteString("\n" + Text(lang, "delivery.delivered", r.Delivered, r.Total))
	names := func(fs []Failure) string {
		var out []string
		for _, f := range fs {
			name := b.displayName(ctx, r.Batch.Cohort, f, lang)
			if why := reasonLabel(f.Reason); why != "" {
				name += " (" + Text(lang, why) + ")"
			}
			out = append(out, name)
		}
		return strings.Join(out, ", ")
	}
	if n := len(r.Unreachable); n > 0 {
		sb.WriteString("\n" + Text(lang, "delivery.blocked", n, names(r.Unreachable)))
	}
	if n := len(r.Failed); n > 0 {
		sb.WriteString("\n" + Text(lang, "delivery.failed", n, names(r.Failed)))
	}
	if len(r.Unreachable) > 0 {
		sb.WriteString("\n\n" + Text(lang, "delivery.blocked_hint"))
	}
	return Message{Chat: r.Batch.ReportTo, Text: sb.String()}, nil
}

// displayName names a recipient for organisers: the member's name, the
// user key of a member who has left, or "the course's group chat" for
// the linked group (the only chat sent to that is not a person's).
func (b *Bot) displayName(ctx context.Context, cohort string, f Failure, lang Lang) string {
	if f.User != "" && cohort != "" {
		if m, err := b.store.Member(ctx, cohort, f.User); err == nil && m.Name != "" {
			return m.Name
		}
	}
	if f.User != "" {
		return string(f.User)
	}
	if cohort != "" {
		if co, err := b.store.Cohort(ctx, cohort); err == nil && co.GroupChat == f.Chat {
			return Text(lang, "delivery.group_chat")
		}
	}
	return string(f.Chat)
}

// Reasons of failures that the delivery report names. A platform adapter
// starts its errors' text with one of them (the outbox keeps the text as
// the failure's reason).
const (
	ReasonZaloQuota = "zalo quota"
	ReasonZaloError = "zalo error"
)

// reasonLabel is the catalogue key naming a failure's reason in the
// report, "" for reasons the organiser cannot act on differently.
func reasonLabel(reason string) string {
	switch {
	case strings.HasPrefix(reason, ReasonZaloQuota):
		return "delivery.reason.zalo_quota"
	case strings.HasPrefix(reason, ReasonZaloError):
		return "delivery.reason.zalo_error"
	}
	return ""
}
