package bot

import (
	"context"
	"crypto/rand"
	"fmt"
	"strings"
	"time"

	"github.com/cohortbot/cohortbot/bot/plan"
)

// OrganiserInviteTTL is how long the organiser invite of a new cohort
// stays valid; it works once.
const OrganiserInviteTTL = 7 * 24 * time.Hour

// RandomCode returns n characters of [A-Za-z0-9] from crypto/rand: invite
// codes, cohort ids and view keys must not be guessable.
func RandomCode(n int) string {
	const alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"
	buf := make([]byte, n)
	if _, err := rand.Read(buf); err != nil {
		panic(fmt.Sprintf("crypto/rand: %v", err)) // never fails on supported platforms
	}
	for i, v := range buf {
		buf[i] = alphabet[int(v)%len(alphabet)]
	}
	return string(buf)
}

// NewInvite makes an invite for the role: reusable for trainees;
// personal (single use, expiring in a week) for lecturers and organisers,
// whose votes weigh more and who run the course, unless uses and ttl say
// otherwise (uses 0 and ttl 0 take those defaults).
func NewInvite(cohort string, role Role, uses int, ttl time.Duration, now time.Time) *Invite {
	inv := &Invite{Code: RandomCode(12), Cohort: cohort, Role: role, Uses: -1, Created: now}
	if role != Trainee {
		inv.Uses = 1
		inv.Expires = now.Add(OrganiserInviteTTL)
	}
	if uses > 0 {
		inv.Uses = uses
	}
	if ttl > 0 {
		inv.Expires = now.Add(ttl)
	}
	return inv
}

// InviteLink is the t.me deep link that opens the bot with /start <code>.
func InviteLink(botUsername, code string) string {
	if botUsername == "" {
		return ""
	}
	return "https://t.me/" + botUsername + "?start=" + code
}

// NewCohort is what CreateCohort returns: the cohort and one invite per role.
type NewCohort struct {
	Cohort  *Cohort
	Invites map[Role]*Invite
}

// CohortCreator is the store subset CreateCohort needs.
type CohortCreator interface {
	CreateCohort(ctx context.Context, c *Cohort) error
	CreateInvite(ctx context.Context, inv *Invite) error
}

// CreateCohort stores a new cohort from a plan with an invite for each role.
func CreateCohort(ctx context.Context, st CohortCreator, p *plan.Plan, now time.Time) (*NewCohort, error) {
	co := &Cohort{ID: strings.ToLower(RandomCode(8)), Name: p.Name, Plan: p, ViewKey: RandomCode(24), Created: now, Version: 1}
	if err := st.CreateCohort(ctx, co); err != nil {
		return nil, fmt.Errorf("create cohort: %w", err)
	}
	out := &NewCohort{Cohort: co, Invites: make(map[Role]*Invite)}
	for _, r := range Roles {
		inv := NewInvite(co.ID, r, 0, 0, now)
		if err := st.CreateInvite(ctx, inv); err != nil {
			return nil, fmt.Errorf("create %s invite: %w", r, err)
		}
		out.Invites[r] = inv
	}
	return out, nil
}

func (b *Bot) invites(c *Context) error { return b.inviteList(c, false) }

func (b *Bot) inviteList(c *Context, edit bool) error {
	all, err := b.store.Invites(c.Context, c.Cohort.ID)
	if err != nil {
		return fmt.Errorf("list invites: %w", err)
	}
	now := b.clock()
	var sb strings.Builder
	sb.WriteString(c.T("invites.title", c.Cohort.Name))
	var rows [][]Button
	active := 0
	for _, inv := range all {
		if !inviteLive(inv, now) {
			continue
		}
		active++
		fmt.Fprintf(&sb, "\n\n%s · %s\n%s", c.T("role."+string(inv.Role)), b.inviteUses(c, inv), inv.Code)
		if link := InviteLink(b.cfg.BotUsername, inv.Code); link != "" {
			sb.WriteString("\n" + link)
		}
		rows = append(rows, []Button{{Text: c.T("btn.revoke", inv.Code), Data: Data("iv", "x", c.Cohort.ID, inv.Code)}})
	}
	if active == 0 {
		sb.WriteString("\n\n" + c.T("invites.none"))
	}
	var create []Button
	for _, r := range Roles {
		create = append(create, Button{Text: c.T("btn.new_invite", c.T("role."+string(r))), Data: Data("iv", "n", c.Cohort.ID, string(r[0]))})
	}
	rows = append(rows, create)
	msg := Message{Text: sb.String(), Buttons: rows}
	if edit && c.U.Callback != nil {
		msg.Edit = c.U.Callback.MessageID
	}
	_, err = c.Send(msg)
	return err
}

func inviteLive(inv *Invite, now time.Time) bool {
	return !inv.Revoked && inv.Uses != 0 && (inv.Expires.IsZero() || now.Before(inv.Expires))
}

func (b *Bot) inviteUses(c *Context, inv *Invite) string {
	s := c.T("invites.used", inv.Used)
	if inv.Uses > 0 {
		s += ", " + c.T("invites.left", inv.Uses)
	}
	if !inv.Expires.IsZero() {
		s += ", " + c.T("invites.expires", FormatDateTime(inv.Expires.In(c.Cohort.Plan.Location), c.Lang))
	}
	return s
}

// inviteRevoke revokes an invite of the organiser's cohort from its
// button ("iv:x:<code>:<cohort>").
func (b *Bot) inviteRevoke(c *Context) error {
	args, ok := c.pressArgs(1, false)
	if !ok {
		return b.staleButton(c)
	}
	code := args[0]
	inv, err := b.store.Invite(c.Context, code)
	if IsNotFound(err) || (err == nil && inv.Cohort != c.Cohort.ID) {
		return c.Refuse(c.T("invite.unknown"))
	}
	if err != nil {
		return fmt.Errorf("read invite: %w", err)
	}
	if err := b.store.RevokeInvite(c.Context, code); err != nil {
		return fmt.Errorf("revoke invite: %w", err)
	}
	b.log.Info("invite revoked", "cohort", c.Cohort.ID, "code", code, "by", c.U.User)
	if err := c.Answer(c.T("invite.revoked_ok", code), false); err != nil {
		return err
	}
	return b.inviteList(c, true)
}

// inviteCreate makes a new invite for the organiser's cohort from its
// button ("iv:n:<role's initial>:<cohort>").
func (b *Bot) inviteCreate(c *Context) error {
	args, ok := c.pressArgs(1, false)
	if !ok {
		return b.staleButton(c)
	}
	var role Role
	for _, r := range Roles {
		if args[0] == string(r[0]) {
			role = r
		}
	}
	if role == "" {
		return b.staleButton(c)
	}
	inv := NewInvite(c.Cohort.ID, role, 0, 0, b.clock())
	if err := b.store.CreateInvite(c.Context, inv); err != nil {
		return fmt.Errorf("create invite: %w", err)
	}
	b.log.Info("invite created", "cohort", c.Cohort.ID, "role", role, "by", c.U.User)
	text := c.T("invite.created", c.T("role."+string(role)), inv.Code, b.inviteUses(c, inv))
	if link := InviteLink(b.cfg.BotUsername, inv.Code); link != "" {
		text += "\n" + link
	}
	return c.Reply(text)
}
