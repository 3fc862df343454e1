package announce

import "github.com/cohortbot/cohortbot/bot"

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Announcements: an organiser drafts one with /announce (text, or a reply
// to their own message, photo or document), picks the audience, sees the
// exact message recipients will get, then sends it now through the
// outbox or schedules it as a due item. Every press is checked again: the
// route requires an organiser, and the draft must still be there and
// belong to the organiser's active cohort.

const flowAnnounce = "ann"

// DueAnnouncement is the due-item kind of a scheduled announcement.
const DueAnnouncement = "an"

// Steps of the announcement conversation.
const (
	annStepAudience = "aud"  // choosing who gets it
	annStepPreview  = "prev" // preview shown: send, schedule or cancel
	annStepWhen     = "when" // waiting for a typed date and time
	annStepConfirm  = "at"   // a time was typed: confirm the schedule
)

// Audiences.
const (
	audAll   = "all"
	audGroup = "group"
	audRole  = "role"
)

const (
	// annMaxRunes bounds an announcement's text: one Telegram message
	// with the header.
	annMaxRunes = 4000
	// annLate is how late a scheduled announcement may still go out
	// (the bot was down when it fell due); later it is dropped and its
	// organiser told, since "the session starts in an hour" sent a day
	// late misleads.
	annLate = 12 * time.Hour
	// annDuePrefix starts every scheduled announcement's due-item id:
	// "an:<cohort>:<ref>".
	annDuePrefix = DueAnnouncement + ":"
	// annListMax bounds the scheduled announcements shown by /announce.
	annListMax = 20
)

// announcement is a draft, and the payload of a scheduled announcement.
type announcement struct {
	Cohort   string   `json:"cohort"`
	Text     string   `json:"text,omitempty"`
	Photo    string   `json:"photo,omitempty"` // platform file id, sent again by id
	Doc      string   `json:"doc,omitempty"`
	DocName  string   `json:"doc_name,omitempty"`
	Audience string   `json:"aud,omitempty"`
	Group    string   `json:"group,omitempty"`
	Role     bot.Role `json:"role,omitempty"`
	// By and Lang are the organiser who scheduled it and their language
	// (for the delivery report); only in the payload.
	By   bot.UserKey `json:"by,omitempty"`
	Lang bot.Lang    `json:"lang,omitempty"`
	// At is the chosen time while confirming a schedule.
	At time.Time `json:"-"`
}

func (d *announcement) data() map[string]string {
	m := map[string]string{"cohort": d.Cohort}
	set := func(k, v string) {
		if v != "" {
			m[k] = v
		}
	}
	set("text", d.Text)
	set("photo", d.Photo)
	set("doc", d.Doc)
	set("doc_name", d.DocName)
	set("aud", d.Audience)
	set("group", d.Group)
	set("role", string(d.Role))
	if !d.At.IsZero() {
		m["at"] = strconv.FormatInt(d.At.Unix(), 10)
	}
	return m
}

// draft reads the announcement being written from the conversation. It
// reports false when there is none, or when it belongs to a cohort other
// than the active one (the organiser switched since).
func draft(c *bot.Context) (*announcement, bool) {
	if c.Conv == nil || c.Conv.Flow != flowAnnounce || c.Cohort == nil {
		return nil, false
	}
	m := c.Conv.Data
	d := &announcement{
		Cohort: m["cohort"], Text: m["text"], Photo: m["photo"], Doc: m["doc"], DocName: m["doc_name"],
		Audience: m["aud"], Group: m["group"], Role: bot.Role(m["role"]),
	}
	if d.Cohort != c.Cohort.ID || d.Text == "" && d.Photo == "" && d.Doc == "" {
		return nil, false
	}
	if at, err := strconv.ParseInt(m["at"], 10, 64); err == nil {
		d.At = time.Unix(at, 0)
	}
	return d, true
}

// recipients are the registered members the announcement is for, in a
// stable order.
func (d *announcement) recipients(members []*bot.Member) []bot.UserKey {
	var out []bot.UserKey
	for _, m := range members {
		if !m.Registered {
			continue
		}
		switch d.Audience {
		case audAll:
		case audGroup:
			if m.Role != bot.Trainee || m.Group != d.Group {
				continue
			}
		case audRole:
			if m.Role != d.Role {
				continue
			}
		default:
			continue
		}
		out = append(out, m.User)
	}
	slices.Sort(out)
	return out
}

// toGroupChat reports whether the announcement is also posted in the
// cohort's linked group chat: only when it is for the whole cohort.
func (d *announcement) toGroupChat(co *bot.Cohort) bool {
	return d.Audience == audAll && co.GroupChat != ""
}

// message is the announcement as one recipient sees it: the header in
// their language, then the organiser's text verbatim, as plain text.
func (d *announcement) message(co *bot.Cohort, lang bot.Lang, chat bot.ChatKey) bot.Message {
	text := tx(lang, "announce.header", co.Name)
	if d.Text != "" {
		text += "\n\n" + d.Text
	}
	m := bot.Message{Chat: chat, Text: text}
	switch {
	case d.Photo != "":
		m.Photo = &bot.File{ID: d.Photo}
	case d.Doc != "":
		m.Document = &bot.File{ID: d.Doc, Name: d.DocName}
	}
	return m
}

// title names the announcement in reports and lists.
func (d *announcement) title(lang bot.Lang) string {
	if t := strings.Join(strings.Fields(d.Text), " "); t != "" {
		return bot.Truncate(t, 40)
	}
	if d.Doc != "" && d.DocName != "" {
		return bot.Truncate(d.DocName, 40)
	}
	if d.Doc != "" {
		return tx(lang, "announce.title_doc")
	}
	return tx(lang, "announce.title_photo")
}

// audienceLabel says who gets it ("cả khóa", "nhóm Lạng Sơn", ...).
func (d *announcement) audienceLabel(lang bot.Lang) string {
	switch d.Audience {
	case audGroup:
		return tx(lang, "announce.aud_group", d.Group)
	case audRole:
		return tx(lang, "announce.aud_"+string(d.Role))
	}
	return tx(lang, "announce.aud_all")
}

// announceRoutes installs the announcements' routes.
func (b *Announce) announceRoutes(g *bot.RouteGroup) {
	organiser := bot.RequireRole(bot.Organiser)
	g.Handle(bot.Command("announce"), b.announce, organiser)
	// The draft's buttons; a scheduled one's "cancel" needs no draft.
	g.Handle(bot.Press("ann", "x"), b.unschedulePress, organiser)
	g.Handle(bot.Press("ann", "cancel"), withDraft(b.cancelDraft), organiser)
	g.Handle(bot.Press("ann", "aud"), withDraft(b.changeAudience), organiser)
	g.Handle(bot.Press("ann", "a"), withDraft(b.toAll), organiser)
	g.Handle(bot.Press("ann", "g"), withDraft(b.askGroup), organiser)
	g.Handle(bot.Press("ann", "gp"), withDraft(b.toGroup), organiser)
	g.Handle(bot.Press("ann", "r"), withDraft(b.askRole), organiser)
	g.Handle(bot.Press("ann", "rp"), withDraft(b.toRole), organiser)
	g.Handle(bot.Press("ann", "send"), withAudience(b.sendNow), organiser)
	g.Handle(bot.Press("ann", "when"), withAudience(b.askTime), organiser)
	g.Handle(bot.Press("ann", "at"), withAudience(b.confirmTime), organiser)
	g.Handle(bot.CallbackPrefix("ann:"), withDraft(func(c *bot.Context, _ *announcement) error {
		return c.Refuse(c.T("err.stale_button"))
	}), organiser)
	// Only an organiser's text goes to their draft: someone who stopped
	// being one mid-draft is not held in it.
	g.Handle(bot.And(bot.InFlow(flowAnnounce), bot.IsKind(bot.KindText), (*bot.Context).IsOrganiser), b.announceText, organiser)
	g.Handle(bot.Command("link"), b.link, organiser)
	g.Handle(bot.Press("lk", "off"), b.linkPress, organiser)
	g.Handle(bot.CallbackPrefix("lk:"), func(c *bot.Context) error { return c.Refuse(c.T("err.stale_button")) }, organiser)
}

// announce starts a draft from "/announce TEXT" or from "/announce" sent
// as a reply; with neither it shows how, and the scheduled announcements.
func (b *Announce) announce(c *bot.Context) error {
	d := &announcement{Cohort: c.Cohort.ID, Text: strings.TrimSpace(c.U.Args)}
	if q := c.U.ReplyTo; q != nil {
		switch {
		case q.Photo != nil:
			d.Photo = q.Photo.ID
		case q.Document != nil:
			d.Doc, d.DocName = q.Document.ID, q.Document.Name
		}
		if d.Text == "" {
			d.Text = strings.TrimSpace(q.Text)
		}
	}
	if d.Text == "" && d.Photo == "" && d.Doc == "" {
		return b.announceUsage(c)
	}
	if n := utf8.RuneCountInString(d.Text); n > annMaxRunes {
		return c.Reply(c.T("announce.too_long", n, annMaxRunes))
	}
	if err := c.SetConv(flowAnnounce, annStepAudience, d.data()); err != nil {
		return err
	}
	return b.askAudience(c, c.T("announce.ask_audience"))
}

func (b *Announce) askAudience(c *bot.Context, text string) error {
	rows := [][]bot.Button{{{Text: c.T("announce.btn_all"), Data: bot.Data("ann", "a", "")}}}
	if len(c.Cohort.Plan.Groups) > 0 {
		rows = append(rows, []bot.Button{{Text: c.T("announce.btn_group"), Data: bot.Data("ann", "g", "")}})
	}
	rows = append(rows,
		[]bot.Button{{Text: c.T("announce.btn_role"), Data: bot.Data("ann", "r", "")}},
		[]bot.Button{{Text: c.T("announce.btn_cancel"), Data: bot.Data("ann", "cancel", "")}})
	return c.Reply(text, rows...)
}

// announceUsage explains /announce and lists the scheduled announcements,
// each with a button that cancels it.
func (b *Announce) announceUsage(c *bot.Context) error {
	text := c.T("announce.usage")
	if b.core.Schedule() == nil {
		return c.Reply(text)
	}
	items, err := b.core.Schedule().PendingDue(c.Context, c.Cohort.ID, annDuePrefix+c.Cohort.ID+":")
	if err != nil {
		return fmt.Errorf("list scheduled announcements: %w", err)
	}
	if len(items) == 0 {
		return c.Reply(text + "\n\n" + c.T("announce.none_scheduled"))
	}
	loc := c.Cohort.Plan.Location
	var sb strings.Builder
	sb.WriteString(text + "\n\n" + c.T("announce.scheduled_title"))
	var rows [][]bot.Button
	for i, it := range items[:min(len(items), annListMax)] {
		var d announcement
		if err := json.Unmarshal([]byte(it.Payload), &d); err != nil {
			b.core.Log().Warn("unreadable scheduled announcement", "item", it.ID, "err", err)
		}
		fmt.Fprintf(&sb, "\n%d. %s — %s — «%s»", i+1, bot.FormatDateTime(it.Due.In(loc), c.Lang), d.audienceLabel(c.Lang), d.title(c.Lang))
		rows = append(rows, []bot.Button{{Text: c.T("announce.btn_unschedule", i+1), Data: bot.Data("ann", "x", "", it.Ref)}})
	}
	return c.Reply(sb.String(), rows...)
}

// The "ann:" buttons are routes (announceRoutes): each action its own
// handler below.

// withDraft is a press on the draft being written: the draft must still
// be there.
func withDraft(h func(c *bot.Context, d *announcement) error) bot.HandlerFunc {
	return func(c *bot.Context) error {
		d, ok := draft(c)
		if !ok {
			return c.Refuse(c.T("announce.gone"))
		}
		return h(c, d)
	}
}

// withAudience is a press that needs the draft's audience chosen: send,
// when, at before that are old buttons.
func withAudience(h func(c *bot.Context, d *announcement) error) bot.HandlerFunc {
	return withDraft(func(c *bot.Context, d *announcement) error {
		if d.Audience == "" {
			return c.Refuse(c.T("err.stale_button"))
		}
		return h(c, d)
	})
}

// arg is the pressed button's one argument; ok is false when it has not
// exactly one.
func arg(c *bot.Context) (string, bool) {
	d, _ := c.Button()
	if len(d.Args) != 1 {
		return "", false
	}
	return d.Args[0], true
}

func (b *Announce) unschedulePress(c *bot.Context) error {
	ref, ok := arg(c)
	if !ok {
		return c.Refuse(c.T("err.stale_button"))
	}
	return b.unschedule(c, ref)
}

func (b *Announce) cancelDraft(c *bot.Context, _ *announcement) error {
	if err := c.EndConv(); err != nil {
		return err
	}
	return c.Reply(c.T("announce.cancelled"))
}

func (b *Announce) changeAudience(c *bot.Context, d *announcement) error {
	if err := c.SetConv(flowAnnounce, annStepAudience, d.data()); err != nil {
		return err
	}
	return b.askAudience(c, c.T("announce.ask_audience"))
}

func (b *Announce) toAll(c *bot.Context, d *announcement) error {
	d.Audience, d.Group, d.Role = audAll, "", ""
	return b.annPreview(c, d)
}

func (b *Announce) askGroup(c *bot.Context, _ *announcement) error {
	groups := c.Cohort.Plan.Groups
	if len(groups) == 0 {
		return c.Refuse(c.T("announce.no_groups"))
	}
	var rows [][]bot.Button
	for i, g := range groups {
		rows = append(rows, []bot.Button{{Text: g, Data: bot.Data("ann", "gp", "", strconv.Itoa(i))}})
	}
	return c.Reply(c.T("announce.pick_group"), rows...)
}

func (b *Announce) toGroup(c *bot.Context, d *announcement) error {
	groups := c.Cohort.Plan.Groups
	a, _ := arg(c)
	idx, err := strconv.Atoi(a)
	if err != nil || idx < 0 || idx >= len(groups) {
		return c.Refuse(c.T("reg.group_bad"))
	}
	d.Audience, d.Group, d.Role = audGroup, groups[idx], ""
	return b.annPreview(c, d)
}

func (b *Announce) askRole(c *bot.Context, _ *announcement) error {
	var row []bot.Button
	for _, r := range bot.Roles {
		row = append(row, bot.Button{Text: c.T("role." + string(r)), Data: bot.Data("ann", "rp", "", string(r[0]))})
	}
	return c.Reply(c.T("announce.pick_role"), row)
}

func (b *Announce) toRole(c *bot.Context, d *announcement) error {
	a, _ := arg(c)
	var role bot.Role
	for _, r := range bot.Roles {
		if a == string(r[0]) {
			role = r
		}
	}
	if role == "" {
		return c.Refuse(c.T("err.stale_button"))
	}
	d.Audience, d.Group, d.Role = audRole, "", role
	return b.annPreview(c, d)
}

func (b *Announce) sendNow(c *bot.Context, d *announcement) error { return b.annSendNow(c, d) }

func (b *Announce) askTime(c *bot.Context, d *announcement) error {
	if b.core.Schedule() == nil {
		return c.Refuse(c.T("announce.no_schedule"))
	}
	d.At = time.Time{}
	if err := c.SetConv(flowAnnounce, annStepWhen, d.data()); err != nil {
		return err
	}
	return b.askWhen(c)
}

func (b *Announce) confirmTime(c *bot.Context, d *announcement) error {
	if c.Conv.Step != annStepConfirm || d.At.IsZero() {
		return c.Refuse(c.T("err.stale_button"))
	}
	return b.annSchedule(c, d)
}

// annPreview shows the exact message, then who gets it with the choices.
func (b *Announce) annPreview(c *bot.Context, d *announcement) error {
	members, err := b.store.Members(c.Context, c.Cohort.ID)
	if err != nil {
		return fmt.Errorf("list members: %w", err)
	}
	people := len(d.recipients(members))
	group := d.toGroupChat(c.Cohort)
	if people == 0 && !group {
		if err := c.SetConv(flowAnnounce, annStepAudience, d.data()); err != nil {
			return err
		}
		return b.askAudience(c, c.T("announce.nobody"))
	}
	if err := c.SetConv(flowAnnounce, annStepPreview, d.data()); err != nil {
		return err
	}
	if _, err := c.Send(d.message(c.Cohort, c.Lang, c.U.Chat)); err != nil {
		return err
	}
	text := c.TN("announce.preview", people, d.audienceLabel(c.Lang), people)
	if group {
		text += "\n" + c.T("announce.preview_group")
	}
	row := []bot.Button{{Text: c.T("announce.btn_send"), Data: bot.Data("ann", "send", "")}}
	if b.core.Schedule() != nil {
		row = append(row, bot.Button{Text: c.T("announce.btn_when"), Data: bot.Data("ann", "when", "")})
	}
	return c.Reply(text, row,
		[]bot.Button{{Text: c.T("announce.btn_audience"), Data: bot.Data("ann", "aud", "")}, {Text: c.T("announce.btn_cancel"), Data: bot.Data("ann", "cancel", "")}})
}

// annSendNow queues the announcement as one batch whose id comes from the
// confirming press, so a redelivered press adds nothing; the draft is
// consumed, so a second press finds it gone.
func (b *Announce) annSendNow(c *bot.Context, d *announcement) error {
	d.By, d.Lang = c.U.User, c.Lang
	id := fmt.Sprintf("announce:%s:%s", c.Cohort.ID, updateRef(c.U))
	people, group, err := b.sendAnnouncement(c.Context, c.Cohort, d, id)
	if err != nil {
		return err
	}
	if people == 0 && !group {
		if err := c.SetConv(flowAnnounce, annStepAudience, d.data()); err != nil {
			return err
		}
		return b.askAudience(c, c.T("announce.nobody"))
	}
	if err := c.EndConv(); err != nil {
		return err
	}
	b.core.Log().Info("announcement sent", "cohort", c.Cohort.ID, "batch", id, "by", c.U.User, "people", people, "group_chat", group)
	andGroup := ""
	if group {
		andGroup = c.T("announce.and_group")
	}
	if b.core.Outbox() == nil {
		return c.Reply(c.TN("announce.sent_direct", people, people, andGroup))
	}
	return c.Reply(c.TN("announce.sending", people, people, andGroup))
}

// sendAnnouncement queues one message per recipient, each with the header
// in the recipient's language, plus the linked group chat for the whole
// cohort. It returns how many people and whether the group chat were
// queued; nothing is queued when nobody matches.
func (b *Announce) sendAnnouncement(ctx context.Context, co *bot.Cohort, d *announcement, batchID string) (people int, group bool, err error) {
	members, err := b.store.Members(ctx, co.ID)
	if err != nil {
		return 0, false, fmt.Errorf("list members: %w", err)
	}
	users := d.recipients(members)
	group = d.toGroupChat(co)
	if len(users) == 0 && !group {
		return 0, false, nil
	}
	profiles, err := b.store.Profiles(ctx, users)
	if err != nil {
		return 0, false, fmt.Errorf("read recipients' languages: %w", err)
	}
	jobs := make([]bot.Job, 0, len(users)+1)
	for _, u := range users {
		lang := bot.VI
		if p := profiles[u]; p.Lang != "" {
			lang = p.Lang
		}
		jobs = append(jobs, bot.Job{ID: string(u), User: u, Msg: d.message(co, lang, u.PrivateChat())})
	}
	if group {
		// The group reads the organiser's language: they wrote the text.
		jobs = append(jobs, bot.Job{ID: "chat:" + string(co.GroupChat), Msg: d.message(co, cmp.Or(d.Lang, bot.VI), co.GroupChat)})
	}
	batch := bot.Batch{ID: batchID, Cohort: co.ID, Kind: "announce", ReportTo: d.By.PrivateChat(), Lang: cmp.Or(d.Lang, bot.VI), Title: d.title(cmp.Or(d.Lang, bot.VI))}
	if err := b.core.Deliver(ctx, batch, jobs); err != nil {
		return 0, false, fmt.Errorf("queue announcement %s: %w", batchID, err)
	}
	return len(users), group, nil
}

// updateRef is a short id derived from an update, stable when the update
// is handled again after a crash. The update's time is part of it because
// the console numbers its updates from 1 at every start.
func updateRef(u *bot.Update) string {
	ref := string(u.Platform)[:min(1, len(u.Platform))] + strconv.FormatInt(u.ID, 36)
	if t := u.Time.Unix(); t > 0 && u.Platform != bot.Telegram {
		ref += strconv.FormatInt(t, 36)
	}
	return ref
}

func (b *Announce) askWhen(c *bot.Context) error {
	loc := c.Cohort.Plan.Location
	example := b.core.Now().In(loc).AddDate(0, 0, 1)
	example = time.Date(example.Year(), example.Month(), example.Day(), 8, 0, 0, 0, loc)
	return c.Reply(c.T("announce.ask_when", loc.String(), example.Format("02/01/2006 15:04")))
}

// announceText takes the typed date and time of a schedule.
func (b *Announce) announceText(c *bot.Context) error {
	d, ok := draft(c)
	if !ok {
		if err := c.EndConv(); err != nil {
			return err
		}
		return c.Reply(c.T("announce.gone"))
	}
	if c.Conv.Step != annStepWhen || d.Audience == "" {
		return c.Reply(c.T("announce.use_buttons"))
	}
	loc := c.Cohort.Plan.Location
	now := b.core.Now().In(loc)
	at, problem := bot.ParseWhen(c.U.Text, now)
	switch problem {
	case bot.WhenBad:
		return c.Reply(c.T("announce.when_bad", bot.Truncate(strings.TrimSpace(c.U.Text), 40)))
	case bot.WhenPast:
		return c.Reply(c.T("announce.when_past", bot.FormatDateTime(at, c.Lang)))
	case bot.WhenFar:
		return c.Reply(c.T("announce.when_far", bot.FormatDateTime(now.AddDate(1, 0, 0), c.Lang)))
	}
	d.At = at
	if err := c.SetConv(flowAnnounce, annStepConfirm, d.data()); err != nil {
		return err
	}
	return c.Reply(c.T("announce.confirm_when", bot.FormatDateTime(at, c.Lang), loc.String(), d.audienceLabel(c.Lang)),
		[]bot.Button{{Text: c.T("announce.btn_confirm_at"), Data: bot.Data("ann", "at", "")}, {Text: c.T("announce.btn_change_time"), Data: bot.Data("ann", "when", "")}},
		[]bot.Button{{Text: c.T("announce.btn_cancel"), Data: bot.Data("ann", "cancel", "")}})
}

// annSchedule stores the confirmed schedule as a due item whose id comes
// from the confirming press.
func (b *Announce) annSchedule(c *bot.Context, d *announcement) error {
	loc := c.Cohort.Plan.Location
	if !d.At.After(b.core.Now()) {
		// The time passed while the organiser was confirming.
		past := d.At.In(loc)
		d.At = time.Time{}
		if err := c.SetConv(flowAnnounce, annStepWhen, d.data()); err != nil {
			return err
		}
		if err := c.Reply(c.T("announce.when_past", bot.FormatDateTime(past, c.Lang))); err != nil {
			return err
		}
		return b.askWhen(c)
	}
	d.By, d.Lang = c.U.User, c.Lang
	payload, err := json.Marshal(d)
	if err != nil {
		return fmt.Errorf("encode announcement: %w", err)
	}
	ref := updateRef(c.U)
	it := bot.DueItem{
		ID: annDuePrefix + c.Cohort.ID + ":" + ref, Kind: DueAnnouncement, Cohort: c.Cohort.ID, Ref: ref,
		At: d.At, Due: d.At, Payload: string(payload),
	}
	if err := b.core.Schedule().AddDue(c.Context, it); err != nil {
		return fmt.Errorf("schedule announcement: %w", err)
	}
	if err := c.EndConv(); err != nil {
		return err
	}
	b.core.Log().Info("announcement scheduled", "cohort", c.Cohort.ID, "item", it.ID, "due", d.At, "by", c.U.User)
	return c.Reply(c.T("announce.scheduled", bot.FormatDateTime(d.At.In(loc), c.Lang), d.audienceLabel(c.Lang)))
}

var annRef = regexp.MustCompile(`^[a-z0-9]{1,32}$`)

// unschedule cancels a scheduled announcement of the organiser's active
// cohort (the item id is built from it, so another cohort's is out of
// reach).
func (b *Announce) unschedule(c *bot.Context, ref string) error {
	if b.core.Schedule() == nil {
		return c.Refuse(c.T("announce.no_schedule"))
	}
	if !annRef.MatchString(ref) {
		return c.Refuse(c.T("err.stale_button"))
	}
	id := annDuePrefix + c.Cohort.ID + ":" + ref
	items, err := b.core.Schedule().PendingDue(c.Context, c.Cohort.ID, id)
	if err != nil {
		return fmt.Errorf("read scheduled announcement: %w", err)
	}
	idx := slices.IndexFunc(items, func(it bot.DueItem) bool { return it.ID == id })
	if idx < 0 {
		return c.Refuse(c.T("announce.unschedule_gone"))
	}
	ok, err := b.core.Schedule().CancelDue(c.Context, c.Cohort.ID, id)
	if err != nil {
		return fmt.Errorf("cancel scheduled announcement: %w", err)
	}
	if !ok {
		return c.Refuse(c.T("announce.unschedule_gone"))
	}
	var d announcement
	_ = json.Unmarshal([]byte(items[idx].Payload), &d)
	b.core.Log().Info("scheduled announcement cancelled", "cohort", c.Cohort.ID, "item", id, "by", c.U.User)
	return c.Reply(c.T("announce.unscheduled", bot.FormatDateTime(items[idx].Due.In(c.Cohort.Plan.Location), c.Lang), d.title(c.Lang)))
}

// RunAnnouncement sends a scheduled announcement that fell due (the
// scheduler calls it) to its audience as it is at that moment. The batch
// id comes from the item, so running it again adds nothing. It is dropped,
// with a word to its organiser, when it is more than annLate late; and
// silently when its cohort is gone or its author is no longer one of the
// cohort's organisers.
func (b *Announce) RunAnnouncement(ctx context.Context, it bot.DueItem, now time.Time) error {
	var d announcement
	if err := json.Unmarshal([]byte(it.Payload), &d); err != nil {
		b.core.Log().Error("unreadable scheduled announcement dropped", "item", it.ID, "err", err)
		return nil
	}
	co, err := b.core.CohortAt(ctx, it.Cohort, 0)
	if bot.IsNotFound(err) {
		b.core.Log().Info("scheduled announcement of a deleted cohort dropped", "item", it.ID)
		return nil
	}
	if err != nil {
		return err
	}
	m, err := b.store.Member(ctx, it.Cohort, d.By)
	if err != nil && !bot.IsNotFound(err) {
		return fmt.Errorf("read author of %s: %w", it.ID, err)
	}
	if m == nil || !m.Registered || m.Role != bot.Organiser {
		b.core.Log().Warn("scheduled announcement dropped: its author no longer organises the cohort", "item", it.ID, "by", d.By)
		return nil
	}
	lang := cmp.Or(d.Lang, bot.VI)
	if late := now.Sub(it.Due); late > annLate {
		b.core.Log().Warn("scheduled announcement too late, dropped", "item", it.ID, "due", it.Due, "late", late)
		msg := bot.Message{Chat: d.By.PrivateChat(), Text: tx(lang, "announce.late", bot.FormatDateTime(it.Due.In(co.Plan.Location), lang), d.title(lang))}
		batch := bot.Batch{ID: "announce-late:" + it.ID, Cohort: co.ID, Kind: "notice"}
		return b.core.Deliver(ctx, batch, []bot.Job{{ID: string(d.By), User: d.By, Msg: msg}})
	}
	people, group, err := b.sendAnnouncement(ctx, co, &d, "announce:"+it.ID)
	if err != nil {
		return err
	}
	if people == 0 && !group {
		msg := bot.Message{Chat: d.By.PrivateChat(), Text: tx(lang, "announce.run_nobody", bot.FormatDateTime(it.Due.In(co.Plan.Location), lang), d.title(lang))}
		batch := bot.Batch{ID: "announce-nobody:" + it.ID, Cohort: co.ID, Kind: "notice"}
		return b.core.Deliver(ctx, batch, []bot.Job{{ID: string(d.By), User: d.By, Msg: msg}})
	}
	b.core.Log().Info("scheduled announcement sent", "cohort", co.ID, "item", it.ID, "people", people, "group_chat", group)
	return nil
}

// link links the Telegram group it is sent in to the organiser's active
// cohort; in a private chat it explains how.
func (b *Announce) link(c *bot.Context) error {
	co := c.Cohort
	if c.U.ChatType == bot.Private {
		text := c.T("announce.link.howto")
		if co.GroupChat == "" {
			return c.Reply(text + "\n\n" + c.T("announce.link.none", co.Name))
		}
		return c.Reply(text+"\n\n"+c.T("announce.link.current", co.Name), []bot.Button{{Text: c.T("announce.link.btn_off"), Data: bot.Data("lk", "off", "")}})
	}
	if co.GroupChat == c.U.Chat {
		return c.Reply(c.T("announce.link.already", co.Name))
	}
	if err := b.store.SetGroupChat(c.Context, co.ID, c.U.Chat); err != nil {
		return fmt.Errorf("link group chat: %w", err)
	}
	b.core.ForgetCohort(co.ID)
	b.core.Log().Info("group chat linked", "cohort", co.ID, "chat", c.U.Chat, "previous", co.GroupChat, "by", c.U.User)
	return c.Reply(c.T("announce.link.done", co.Name))
}

// linkPress handles "lk:off": unlink the cohort's group chat.
func (b *Announce) linkPress(c *bot.Context) error {
	co := c.Cohort
	if co.GroupChat == "" {
		return c.Reply(c.T("announce.link.none", co.Name))
	}
	if err := b.store.SetGroupChat(c.Context, co.ID, ""); err != nil {
		return fmt.Errorf("unlink group chat: %w", err)
	}
	b.core.ForgetCohort(co.ID)
	b.core.Log().Info("group chat unlinked", "cohort", co.ID, "chat", co.GroupChat, "by", c.U.User)
	return c.Reply(c.T("announce.link.removed", co.Name))
}
