package cert

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cohortbot/cohortbot/bot"
)

// The organisers' certificates: /certificates counts who qualifies and
// says who is missing what; one button issues the certificates of
// everyone who qualifies and has none (the name printed is the one of
// their profile), queued through the outbox with a delivery report; the
// list of issued certificates revokes one, after a confirmation, audited.

const (
	// missingMax bounds the trainees /certificates lists as missing.
	missingMax = 30
	// listPage is how many certificates a page of the list shows.
	listPage = 8
)

// row is one trainee's standing for the organisers.
type row struct {
	m    *bot.Member
	st   Standing
	cert *Certificate
}

// rows assesses every registered trainee of the active cohort.
func (c *Cert) rows(ctx *bot.Context) ([]row, error) {
	co := ctx.Cohort
	members, err := c.store.Members(ctx.Context, co.ID)
	if err != nil {
		return nil, fmt.Errorf("list members: %w", err)
	}
	certs, err := c.store.Certificates(ctx.Context, co.ID)
	if err != nil {
		return nil, fmt.Errorf("list certificates: %w", err)
	}
	byUser := map[bot.UserKey]*Certificate{}
	for _, ce := range certs {
		byUser[ce.User] = ce
	}
	var out []row
	for _, m := range members {
		if !m.Registered || m.Role != bot.Trainee {
			continue
		}
		st, err := c.standing(ctx, co, m)
		if err != nil {
			return nil, err
		}
		out = append(out, row{m: m, st: st, cert: byUser[m.User]})
	}
	slices.SortFunc(out, func(x, y row) int {
		return cmp.Or(strings.Compare(x.m.Name, y.m.Name), strings.Compare(string(x.m.User), string(y.m.User)))
	})
	return out, nil
}

// overview is /certificates.
func (c *Cert) overview(ctx *bot.Context) error {
	co := ctx.Cohort
	if co.Plan.Certificate == nil {
		return ctx.Reply(ctx.T("cert.none"))
	}
	rows, err := c.rows(ctx)
	if err != nil {
		return err
	}
	qualify, issued, revoked, toIssue := 0, 0, 0, 0
	var missing []row
	for _, r := range rows {
		switch {
		case r.cert != nil && !r.cert.Revoked.IsZero():
			revoked++
		case r.cert != nil:
			issued++
		case r.st.Qualifies:
			toIssue++
		}
		if r.st.Qualifies {
			qualify++
		} else if r.cert == nil {
			missing = append(missing, r)
		}
	}
	var sb strings.Builder
	sb.WriteString(ctx.T("cert.overview", co.Name, len(rows), qualify, issued, revoked))
	if len(missing) > 0 {
		sb.WriteString("\n\n" + ctx.T("cert.overview_missing", len(missing)))
		for i, r := range missing {
			if i == missingMax {
				sb.WriteString("\n" + ctx.T("cert.overview_more", len(missing)-missingMax))
				break
			}
			name := r.m.Name
			if r.m.Group != "" {
				name += " (" + r.m.Group + ")"
			}
			sb.WriteString("\n• " + name + ": " + strings.Join(r.st.Missing(ctx.Lang), "; "))
		}
	}
	var buttons [][]bot.Button
	if toIssue > 0 {
		buttons = append(buttons, []bot.Button{{Text: ctx.T("cert.btn_issue_all", toIssue), Data: bot.Data("cert", "all", co.ID)}})
	}
	if issued+revoked > 0 {
		buttons = append(buttons, []bot.Button{{Text: ctx.T("cert.btn_list"), Data: bot.Data("cert", "ls", co.ID, "0")}})
	}
	return ctx.Reply(sb.String(), buttons...)
}

// DueCertificates is the due-item kind that renders and queues the
// certificates one press of "issue to everyone" issued: rendering takes
// tens of milliseconds each, too long for hundreds within one update, so
// the press records them and the scheduler writes and queues the PDFs.
const DueCertificates = "ce"

// issueJob is the payload of a DueCertificates item.
type issueJob struct {
	By   bot.UserKey `json:"by"`
	Lang bot.Lang    `json:"lang"`
}

// issueAllPress is "cert:all:<cohort>": every trainee who qualifies now
// and has no certificate gets one, with the name of their profile. The
// certificates are recorded here, named by the press's batch, so a press
// handled again after a crash finds the same ones and issues nothing
// twice; their PDFs go through the outbox as one batch with a delivery
// report, queued by a due item (or at once without a scheduler: console).
func (c *Cert) issueAllPress(ctx *bot.Context) error {
	d, _ := ctx.Button()
	if len(d.Args) != 0 || ctx.OtherCohort() {
		return ctx.Refuse(ctx.T("err.stale_button"))
	}
	co := ctx.Cohort
	if co.Plan.Certificate == nil {
		return ctx.Refuse(ctx.T("cert.none"))
	}
	rows, err := c.rows(ctx)
	if err != nil {
		return err
	}
	ref := fmt.Sprintf("%d-%d", ctx.U.ID, ctx.U.Received.Unix())
	batchID := "cert:" + co.ID + ":" + ref
	n := 0
	for _, r := range rows {
		switch {
		case r.cert != nil && r.cert.Batch == batchID && r.cert.Revoked.IsZero():
			n++ // issued by this press before a crash
		case r.cert == nil && r.st.Qualifies:
			got, _, err := c.issue(ctx.Context, co, r.m, r.m.Name, batchID)
			if err != nil {
				return err
			}
			if got.Batch == batchID {
				n++
			}
		}
	}
	if err := ctx.Answer("", false); err != nil {
		return err
	}
	if n == 0 {
		return ctx.Reply(ctx.T("cert.nobody_to_issue"))
	}
	job := issueJob{By: ctx.U.User, Lang: ctx.Lang}
	c.core.Log().Info("certificates issued", "cohort", co.ID, "batch", batchID, "count", n, "by", ctx.U.User)
	if sched := c.core.Schedule(); sched != nil {
		payload, err := json.Marshal(job)
		if err != nil {
			return err
		}
		now := c.core.Now()
		it := bot.DueItem{ID: DueCertificates + ":" + co.ID + ":" + ref, Kind: DueCertificates, Cohort: co.ID, Ref: batchID,
			At: now, Due: now, Payload: string(payload)}
		if err := sched.AddDue(ctx.Context, it); err != nil {
			return fmt.Errorf("schedule certificates %s: %w", batchID, err)
		}
	} else if _, err := c.deliverBatch(ctx.Context, co, batchID, job); err != nil {
		return err
	}
	return ctx.Reply(ctx.T("cert.issuing", n))
}

// runIssue is the DueCertificates item: it writes the batch's
// certificates and queues them.
func (c *Cert) runIssue(ctx context.Context, it bot.DueItem, _ time.Time) (bot.DueOutcome, time.Time, error) {
	var job issueJob
	if err := json.Unmarshal([]byte(it.Payload), &job); err != nil {
		return bot.DueSkipped, time.Time{}, fmt.Errorf("certificates %s: payload: %w", it.ID, err)
	}
	co, err := c.core.Cohort(ctx, it.Cohort)
	if bot.IsNotFound(err) {
		return bot.DueSkipped, time.Time{}, nil
	}
	if err != nil {
		return bot.DueSent, time.Time{}, err
	}
	n, err := c.deliverBatch(ctx, co, it.Ref, job)
	if err != nil {
		return bot.DueSent, time.Time{}, err
	}
	if n == 0 {
		return bot.DueSkipped, time.Time{}, nil
	}
	return bot.DueSent, time.Time{}, nil
}

// deliverBatch renders the certificates of a batch that are not revoked
// and queues them, each in its holder's language, as one outbox batch
// whose report goes to the organiser who issued them. Queueing the same
// batch again adds nothing.
func (c *Cert) deliverBatch(ctx context.Context, co *bot.Cohort, batchID string, job issueJob) (int, error) {
	all, err := c.store.Certificates(ctx, co.ID)
	if err != nil {
		return 0, fmt.Errorf("list certificates: %w", err)
	}
	var certs []*Certificate
	for _, ce := range all {
		if ce.Batch == batchID && ce.Revoked.IsZero() {
			certs = append(certs, ce)
		}
	}
	if len(certs) == 0 {
		return 0, nil
	}
	slices.SortFunc(certs, func(x, y *Certificate) int { return strings.Compare(string(x.User), string(y.User)) })
	users := make([]bot.UserKey, len(certs))
	for i, ce := range certs {
		users[i] = ce.User
	}
	profiles, err := c.store.Profiles(ctx, users)
	if err != nil {
		return 0, fmt.Errorf("read recipients' languages: %w", err)
	}
	jobs := make([]bot.Job, 0, len(certs))
	for _, ce := range certs {
		msg, err := c.message(ce, cmp.Or(profiles[ce.User].Lang, bot.VI), ce.User.PrivateChat())
		if err != nil {
			return 0, err
		}
		jobs = append(jobs, bot.Job{ID: string(ce.User), User: ce.User, Msg: msg})
	}
	lang := cmp.Or(job.Lang, bot.VI)
	batch := bot.Batch{ID: batchID, Cohort: co.ID, Kind: "certificate", ReportTo: job.By.PrivateChat(), Lang: lang,
		Title: tx(lang, "cert.batch_title", co.Name)}
	if err := c.core.Deliver(ctx, batch, jobs); err != nil {
		return 0, fmt.Errorf("queue certificates %s: %w", batchID, err)
	}
	return len(jobs), nil
}

// listPress is "cert:ls:<page>:<cohort>": the issued certificates, a page
// at a time, each not revoked with its revoke button.
func (c *Cert) listPress(ctx *bot.Context) error {
	d, _ := ctx.Button()
	if len(d.Args) != 1 || ctx.OtherCohort() {
		return ctx.Refuse(ctx.T("err.stale_button"))
	}
	page, err := strconv.Atoi(d.Args[0])
	if err != nil || page < 0 {
		return ctx.Refuse(ctx.T("err.stale_button"))
	}
	return c.list(ctx, page)
}

func (c *Cert) list(ctx *bot.Context, page int) error {
	co := ctx.Cohort
	certs, err := c.store.Certificates(ctx.Context, co.ID)
	if err != nil {
		return fmt.Errorf("list certificates: %w", err)
	}
	slices.SortFunc(certs, func(x, y *Certificate) int {
		return cmp.Or(strings.Compare(x.Name, y.Name), strings.Compare(x.Serial, y.Serial))
	})
	pages := max(1, (len(certs)+listPage-1)/listPage)
	page = min(page, pages-1)
	var sb strings.Builder
	sb.WriteString(ctx.T("cert.list_title", len(certs), page+1, pages))
	var rows [][]bot.Button
	for _, ce := range certs[page*listPage : min(len(certs), (page+1)*listPage)] {
		line := "• " + ce.Name + " — " + FormatSerial(ce.Serial)
		if !ce.Revoked.IsZero() {
			line += " " + ctx.T("cert.list_revoked", bot.FormatDate(ce.Revoked.In(co.Plan.Location), ctx.Lang))
		} else {
			rows = append(rows, []bot.Button{{Text: ctx.T("cert.btn_revoke", ce.Name), Data: bot.Data("cert", "rv", co.ID, bot.UserArg(ce.User))}})
		}
		sb.WriteString("\n" + line)
	}
	var nav []bot.Button
	if page > 0 {
		nav = append(nav, bot.Button{Text: "◀️", Data: bot.Data("cert", "ls", co.ID, strconv.Itoa(page-1))})
	}
	if page < pages-1 {
		nav = append(nav, bot.Button{Text: "▶️", Data: bot.Data("cert", "ls", co.ID, strconv.Itoa(page+1))})
	}
	if len(nav) > 0 {
		rows = append(rows, nav)
	}
	_, err = ctx.Send(bot.Message{Text: sb.String(), Buttons: rows, Edit: ctx.U.Callback.MessageID})
	return err
}

// pressedCert reads the certificate a revoke button names.
func (c *Cert) pressedCert(ctx *bot.Context) (*Certificate, bool, error) {
	d, _ := ctx.Button()
	if len(d.Args) != 1 || ctx.OtherCohort() {
		return nil, false, nil
	}
	user, ok := bot.ArgUser(d.Args[0])
	if !ok {
		return nil, false, nil
	}
	ce, err := c.store.Certificate(ctx.Context, ctx.Cohort.ID, user)
	if bot.IsNotFound(err) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("read certificate: %w", err)
	}
	return ce, true, nil
}

// revokeAsk is "cert:rv:<user>:<cohort>": the confirmation.
func (c *Cert) revokeAsk(ctx *bot.Context) error {
	ce, ok, err := c.pressedCert(ctx)
	if err != nil {
		return err
	}
	if !ok {
		return ctx.Refuse(ctx.T("err.stale_button"))
	}
	if !ce.Revoked.IsZero() {
		return ctx.Refuse(ctx.T("cert.already_revoked"))
	}
	co := ctx.Cohort
	_, err = ctx.Send(bot.Message{Text: ctx.T("cert.revoke_confirm", ce.Name, FormatSerial(ce.Serial)), Edit: ctx.U.Callback.MessageID,
		Buttons: [][]bot.Button{{
			{Text: ctx.T("cert.btn_revoke_yes"), Data: bot.Data("cert", "rvy", co.ID, bot.UserArg(ce.User))},
			{Text: ctx.T("cert.btn_revoke_no"), Data: bot.Data("cert", "ls", co.ID, "0")},
		}}})
	return err
}

// revokePress is "cert:rvy:<user>:<cohort>".
func (c *Cert) revokePress(ctx *bot.Context) error {
	ce, ok, err := c.pressedCert(ctx)
	if err != nil {
		return err
	}
	if !ok {
		return ctx.Refuse(ctx.T("err.stale_button"))
	}
	if !ce.Revoked.IsZero() {
		return ctx.Refuse(ctx.T("cert.already_revoked"))
	}
	if _, err := c.store.RevokeCertificate(ctx.Context, ctx.Cohort.ID, ce.User, ctx.U.User, c.core.Now()); err != nil {
		return fmt.Errorf("revoke certificate %s: %w", ce.Serial, err)
	}
	c.core.Log().Info("certificate revoked", "cohort", ctx.Cohort.ID, "serial", ce.Serial, "user", ce.User, "by", ctx.U.User)
	if err := ctx.Answer(ctx.T("cert.revoked_done", ce.Name), false); err != nil {
		return err
	}
	return c.list(ctx, 0)
}
