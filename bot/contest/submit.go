package contest

import "github.com/cohortbot/cohortbot/bot"

import (
	"errors"
	"fmt"
	"net/http"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/cohortbot/cohortbot/bot/plan"
)

// Contest entries. A trainee sends a photo (or a JPEG or PNG as a file) in
// the private chat while submissions are open; the store records it as a
// draft at once, which is where the window, the one-entry-per-picture rule
// and the per-member limit are checked atomically. The bot then asks for
// a description (unless the photo had a caption), the category and the
// enterprise, and submits the drafts: pending for the organisers when the
// contest is moderated, approved otherwise.
//
// An album arrives as separate updates sharing an album id, the caption on
// one of them: each photo becomes a draft tagged with the album, the
// caption wherever it arrives applies to them all, and the questions are
// asked once for the album. Buttons carry the first entry's number and
// work from the drafts in the store, so an expired conversation or an old
// message still finds them; each press checks that the drafts are the
// presser's. A new photo takes the conversation from drafts still
// waiting for answers: the bot names them, with a button to finish each,
// there and after each submission, so none is left behind unsaid.

const flowPhoto = "ph"

// Steps of the photo conversation.
const (
	phStepDesc  = "desc" // waiting for the description
	phStepCat   = "cat"  // waiting for the category
	phStepEnt   = "ent"  // waiting for the enterprise
	phStepRecap = "rc"   // waiting for a new caption of a submitted entry
	// phStepSubmit marks the drafts being submitted by the update the
	// conversation is stamped with, until the organisers are asked: if
	// the process dies on the way, that update comes again and finds it
	// (resubmit).
	phStepSubmit = "sub"
)

const (
	// maxEntryBytes is the largest file taken as an entry.
	maxEntryBytes = 10 << 20
	// maxCaptionRunes bounds a description: with the header lines it
	// stays within a photo caption (1,024 characters on Telegram).
	maxCaptionRunes = 600
	maxEntRunes     = 120
	// myPhotosMax bounds the entries /myphotos lists with buttons.
	myPhotosMax = 20
	// unfinishedMax bounds the finish buttons shown with a notice of
	// drafts left unfinished; /myphotos has them all.
	unfinishedMax = 5
)

// contest returns the cohort's contest plan and store, or nil when the
// cohort has no contest.
func (b *Contest) contest(c *bot.Context) (*plan.Contest, Store) {
	cs := b.store
	if c.Cohort == nil || c.Cohort.Plan.Contest == nil {
		return nil, nil
	}
	return c.Cohort.Plan.Contest, cs
}

// windows reads the effective submissions and voting windows.
func (b *Contest) windows(c *bot.Context) (sub, vote plan.Window, meta ContestMeta, err error) {
	pc, cs := b.contest(c)
	meta, err = cs.ContestMeta(c.Context, c.Cohort.ID)
	if err != nil {
		return sub, vote, meta, fmt.Errorf("read contest: %w", err)
	}
	sub, vote = meta.Windows(pc)
	return sub, vote, meta, nil
}

// contestFile takes a photo or a file sent in the private chat.
func (b *Contest) contestFile(c *bot.Context) error {
	pc, cs := b.contest(c)
	if pc == nil {
		return c.Reply(c.T("err.photo_not_now"))
	}
	switch c.Member.Role {
	case bot.Organiser:
		return c.Reply(c.T("contest.ph.not_organiser"))
	case bot.Lecturer:
		return c.Reply(c.T("contest.ph.not_lecturer"))
	}
	now := b.core.Now()
	sub, _, _, err := b.windows(c)
	if err != nil {
		return err
	}
	if !sub.Open(now) {
		return c.Reply(b.subClosedText(c, sub, now) + " " + c.T("contest.ph.not_entered"))
	}
	f, doc, problem := entryFile(c.U)
	switch problem {
	case "":
	case "contest.ph.too_big", "contest.ph.too_big_photo":
		return c.Reply(c.T(problem, maxEntryBytes>>20))
	default:
		return c.Reply(c.T(problem))
	}
	// A file's name and declared type only routed it here: its bytes say
	// what it is, and whether it can be shown within the decoding budget.
	var raw []byte
	if doc {
		var refusal string
		raw, refusal, err = b.documentBytes(c, f)
		if err != nil {
			return err
		}
		if refusal != "" {
			return c.Reply(refusal)
		}
	}
	e := &Entry{
		Cohort: c.Cohort.ID, Author: c.U.User, Group: c.Member.Group, FileID: f.ID, UniqueID: f.UniqueID,
		Album: c.U.Album, Caption: cleanCaption(c.U.Text), Created: now, Document: doc,
	}
	if e.UniqueID == "" {
		e.UniqueID = f.ID
	}
	conv := c.Conv
	if conv != nil && (conv.Flow != flowPhoto || !convCohort(c)) {
		conv = nil
	}
	sameAlbum := conv != nil && e.Album != "" && conv.Data["album"] == e.Album
	if e.Caption == "" && sameAlbum {
		e.Caption = conv.Data["cap"]
	}
	res, err := cs.SubmitEntry(c.Context, e, Limits(pc), pc.Submissions, now)
	if err != nil {
		return err
	}
	var n int64
	switch res.Status {
	case SubmitClosed:
		return c.Reply(b.subClosedText(c, sub, now))
	case SubmitLimit:
		return c.Reply(c.T("contest.ph.limit", pc.MaxPhotosPerMember))
	case SubmitDrafts:
		return c.Reply(c.T("contest.ph.drafts", res.Count))
	case SubmitCap:
		return c.Reply(c.T("contest.ph.cap", MaxEntriesPerMember))
	case SubmitFull:
		return c.Reply(c.T("contest.ph.full", MaxEntriesPerCohort))
	case SubmitDup:
		if res.Author != c.U.User {
			return c.Reply(c.T("contest.ph.dup_other"))
		}
		if res.Current != EntryDraft {
			return c.Reply(c.T("contest.ph.dup_own", res.N))
		}
		// A draft of the same picture: this update again after a crash,
		// or the photo sent twice. Carry on with the draft.
		n = res.N
	case SubmitOK:
		n = res.N
		b.core.Log().Info("contest entry drafted", "cohort", c.Cohort.ID, "entry", n, "user", c.U.User, "album", e.Album)
	default:
		return fmt.Errorf("submit entry: unexpected %q", res.Status)
	}

	if doc {
		if err := b.showCleaned(c, n, raw); err != nil {
			return err
		}
	}

	if conv != nil && (sameAlbum || slices.Contains(convEntries(conv), n)) {
		ns := convEntries(conv)
		if !slices.Contains(ns, n) {
			ns = append(ns, n)
		}
		data := map[string]string{"ns": joinEntries(ns), "album": conv.Data["album"], "cap": conv.Data["cap"], "co": c.Cohort.ID}
		step := conv.Step
		captionArrived := e.Caption != "" && conv.Data["cap"] == ""
		if captionArrived {
			// The album's caption came with this photo: it describes
			// every photo of the album.
			data["cap"] = e.Caption
			if err := b.editDrafts(c, ns, func(d *Entry) { d.Caption = e.Caption }); err != nil {
				return err
			}
			if step == phStepDesc {
				step = b.afterDesc(c)
			}
		}
		if err := c.SetConv(flowPhoto, step, data); err != nil {
			return err
		}
		// Ask again when the caption answered the pending question, or
		// when this is a draft of the conversation sent again (a replay).
		if (captionArrived && conv.Step == phStepDesc) || !sameAlbum {
			return b.askPhotoStep(c, false)
		}
		// Another photo of the album: the questions already asked
		// cover it.
		return nil
	}
	step := phStepDesc
	if e.Caption != "" {
		step = b.afterDesc(c)
	}
	data := map[string]string{"ns": strconv.FormatInt(n, 10), "album": e.Album, "cap": e.Caption, "co": c.Cohort.ID}
	if err := c.SetConv(flowPhoto, step, data); err != nil {
		return err
	}
	return b.askPhotoStep(c, true)
}

// entryFile checks the file of an update: a photo, or a document that is
// a JPEG or PNG of at most 10 MB. It returns the catalogue key of the
// problem otherwise.
func entryFile(u *bot.Update) (f *bot.File, doc bool, problem string) {
	if u.Photo != nil {
		if u.Photo.Size > maxEntryBytes {
			return nil, false, "contest.ph.too_big_photo"
		}
		return u.Photo, false, ""
	}
	d := u.Document
	if d == nil {
		return nil, false, "contest.ph.not_image"
	}
	mime := strings.ToLower(strings.TrimSpace(d.MIME))
	ext := strings.ToLower(path.Ext(d.Name))
	switch {
	case mime == "image/heic" || mime == "image/heif" || ext == ".heic" || ext == ".heif":
		return nil, false, "contest.ph.heic"
	case mime == "image/jpeg" || mime == "image/png" || (mime == "" || mime == "application/octet-stream") && (ext == ".jpg" || ext == ".jpeg" || ext == ".png"):
	case strings.HasPrefix(mime, "image/") || bot.IsImageExt(ext):
		return nil, false, "contest.ph.bad_format"
	default:
		return nil, false, "contest.ph.not_image"
	}
	if d.Size > maxEntryBytes {
		return nil, false, "contest.ph.too_big"
	}
	return d, true, ""
}

// documentBytes reads a picture sent as a file and checks it by its
// bytes: a JPEG or PNG whose decoding fits the budget. It returns the
// refusal to show the author otherwise.
func (b *Contest) documentBytes(c *bot.Context, f *bot.File) (raw []byte, refusal string, err error) {
	raw = f.Bytes
	if raw == nil {
		if b.photos == nil {
			return nil, "", errors.New("read entry file: no photo fetcher configured")
		}
		if raw, err = b.photos.Fetch(c.Context, f.ID); err != nil {
			return nil, "", fmt.Errorf("read entry file: %w", err)
		}
	}
	if len(raw) > maxEntryBytes {
		return nil, c.T("contest.ph.too_big", maxEntryBytes>>20), nil
	}
	info, err := bot.CheckImage(raw)
	switch {
	case errors.Is(err, bot.ErrImageTooCostly):
		b.core.Log().Warn("contest file refused: too costly to decode", "user", c.U.User, "format", info.Format,
			"width", info.Width, "height", info.Height, "cost_mb", info.Cost>>20)
		return nil, c.T("contest.ph.too_costly", info.Width, info.Height, strings.ToUpper(info.Format)), nil
	case err != nil:
		if isHEIF(raw) {
			return nil, c.T("contest.ph.heic"), nil
		}
		if strings.HasPrefix(http.DetectContentType(raw), "image/") {
			return nil, c.T("contest.ph.bad_format"), nil
		}
		return nil, c.T("contest.ph.not_image_bytes"), nil
	case info.Format != "jpeg" && info.Format != "png":
		return nil, c.T("contest.ph.bad_format"), nil
	}
	return raw, "", nil
}

// isHEIF reports whether bytes are an ISO media file of a HEIF brand.
func isHEIF(raw []byte) bool {
	if len(raw) < 12 || string(raw[4:8]) != "ftyp" {
		return false
	}
	switch string(raw[8:12]) {
	case "heic", "heix", "hevc", "hevx", "heim", "heis", "mif1", "msf1", "avif":
		return true
	}
	return false
}

// showCleaned shows the author the cleaned copy of a draft sent as a
// file, and makes that copy the entry's picture: voters, organisers and
// everyone after the results see it, never the original file with its
// EXIF, GPS position and file name. A draft already switched (this update
// again after a crash) is left as it is. Where the platform keeps no id
// for the upload (the console), the draft stays a file.
func (b *Contest) showCleaned(c *bot.Context, n int64, raw []byte) error {
	ds, err := b.drafts(c, []int64{n})
	if err != nil || len(ds) == 0 || !ds[0].Document || b.photos == nil {
		return err
	}
	f, err := b.cleanCopy(c, n, raw)
	if err != nil || f == nil {
		return err
	}
	return b.editDrafts(c, []int64{n}, func(d *Entry) { d.FileID, d.Document = f.ID, false })
}

// cleanCopy cleans a picture and uploads it to the author's chat; it
// returns the platform's file of the copy, nil where the platform keeps
// none (the console) or the upload was handed to the outbox.
func (b *Contest) cleanCopy(c *bot.Context, n int64, raw []byte) (*bot.File, error) {
	clean, err := b.photos.Clean(c.Context, raw)
	if err != nil {
		return nil, fmt.Errorf("clean entry %d: %w", n, err)
	}
	sent, err := c.Send(bot.Message{Photo: &bot.File{Name: "photo.jpg", Bytes: clean},
		Text: c.T("contest.ph.cleaned", strconv.FormatInt(n, 10))})
	if err != nil {
		return nil, err
	}
	if sent.Photo == nil || sent.Photo.ID == "" {
		return nil, nil
	}
	return sent.Photo, nil
}

// cleanBeforeSubmit makes sure no draft still holding its original file
// (its cleaned copy could not be made or uploaded when it arrived) is
// submitted as it is: the copy is made now, or the submission fails and
// the author may try again.
func (b *Contest) cleanBeforeSubmit(c *bot.Context, ds []*Entry) error {
	if b.photos == nil || c.U.Platform == bot.Console {
		return nil
	}
	for _, d := range ds {
		if !d.Document {
			continue
		}
		raw, err := b.photos.Fetch(c.Context, d.FileID)
		if err != nil {
			return fmt.Errorf("read entry %d to clean it: %w", d.N, err)
		}
		f, err := b.cleanCopy(c, d.N, raw)
		if err != nil {
			return err
		}
		if f == nil {
			return fmt.Errorf("entry %d: the cleaned copy got no file id; not submitting the original", d.N)
		}
		d.FileID, d.Document = f.ID, false
	}
	return nil
}

// cleanCaption tidies a caption like a name (one line, no control
// characters) and bounds it.
func cleanCaption(s string) string { return bot.Truncate(bot.CleanName(s), maxCaptionRunes) }

func convEntries(conv *bot.Conv) []int64 {
	if conv == nil {
		return nil
	}
	var out []int64
	for _, s := range strings.Split(conv.Data["ns"], ",") {
		if n, err := strconv.ParseInt(s, 10, 64); err == nil && n > 0 {
			out = append(out, n)
		}
	}
	return out
}

func joinEntries(ns []int64) string {
	parts := make([]string, len(ns))
	for i, n := range ns {
		parts[i] = strconv.FormatInt(n, 10)
	}
	return strings.Join(parts, ",")
}

// entryNumbers writes entry numbers for people: "12" or "12, 13, 14".
func entryNumbers(ns []int64) string { return strings.ReplaceAll(joinEntries(ns), ",", ", ") }

// afterDesc is the step after the description.
func (b *Contest) afterDesc(c *bot.Context) string {
	if len(c.Cohort.Plan.Contest.Categories) > 0 {
		return phStepCat
	}
	return phStepEnt
}

// askPhotoStep asks the question of the conversation's step; first adds
// that the photos were received, and which photos sent before are still
// unfinished: the new photo takes the conversation, so they would
// otherwise be left behind unsaid.
func (b *Contest) askPhotoStep(c *bot.Context, first bool) error {
	ns := convEntries(c.Conv)
	if len(ns) == 0 {
		return c.EndConv()
	}
	nums, n0, co := entryNumbers(ns), strconv.FormatInt(ns[0], 10), c.Cohort.ID
	var text string
	var rows [][]bot.Button
	switch c.Conv.Step {
	case phStepDesc:
		text = c.T("contest.ph.ask_desc")
		rows = [][]bot.Button{{{Text: c.T("btn.skip"), Data: bot.Data("ph", "ds", co, n0)}}}
	case phStepCat:
		text = c.T("contest.ph.ask_cat", nums)
		for i, cat := range c.Cohort.Plan.Contest.Categories {
			rows = append(rows, []bot.Button{{Text: cat, Data: bot.Data("ph", "cat", co, n0, strconv.Itoa(i))}})
		}
	case phStepEnt:
		text = c.T("contest.ph.ask_ent")
		rows = [][]bot.Button{{{Text: c.T("btn.skip"), Data: bot.Data("ph", "es", co, n0)}}}
	case phStepRecap:
		text = c.T("contest.ph.ask_recaption", nums)
	default:
		return c.EndConv()
	}
	if first {
		key := "contest.ph.received"
		if len(ns) > 1 {
			key = "contest.ph.received_many"
		}
		note, more, err := b.unfinishedNote(c, "contest.ph.unfinished_new", ns)
		if err != nil {
			return err
		}
		if note != "" {
			text = note + "\n\n" + text
			rows = append(rows, more...)
		}
		text = c.T(key, nums) + "\n\n" + text
	}
	return c.Reply(text, rows...)
}

// drafts returns the sender's entries among ns that are still drafts.
func (b *Contest) drafts(c *bot.Context, ns []int64) ([]*Entry, error) {
	_, cs := b.contest(c)
	all, err := cs.AuthorEntries(c.Context, c.Cohort.ID, c.U.User)
	if err != nil {
		return nil, err
	}
	var out []*Entry
	for _, e := range all {
		if e.Status == EntryDraft && slices.Contains(ns, e.N) {
			out = append(out, e)
		}
	}
	return out, nil
}

// editDrafts changes the sender's drafts among ns.
func (b *Contest) editDrafts(c *bot.Context, ns []int64, edit func(*Entry)) error {
	ds, err := b.drafts(c, ns)
	if err != nil {
		return err
	}
	_, cs := b.contest(c)
	changes := make([]EntryChange, 0, len(ds))
	for _, d := range ds {
		edit(d)
		changes = append(changes, EntryChange{N: d.N, From: EntryDraft, Entry: d})
	}
	if len(changes) == 0 {
		return nil
	}
	_, err = cs.UpdateEntries(c.Context, c.Cohort.ID, c.U.User, changes, nil, "", b.core.Now())
	return err
}

// photoText takes a typed answer (or /skip) of the photo conversation.
func (b *Contest) photoText(c *bot.Context) error {
	pc, _ := b.contest(c)
	if pc == nil || !convCohort(c) {
		// The member switched course since: the drafts are the other's.
		if err := c.EndConv(); err != nil {
			return err
		}
		return c.Reply(c.T("contest.ph.gone"))
	}
	if c.Replayed() {
		if c.Conv.Step == phStepSubmit {
			return b.resubmit(c)
		}
		return b.askPhotoStep(c, false)
	}
	skip := c.U.Command == "skip"
	ns := convEntries(c.Conv)
	if c.Conv.Step == phStepRecap {
		if len(ns) != 1 {
			return c.EndConv()
		}
		caption := ""
		if !skip {
			caption = cleanCaption(c.U.Text)
			if caption == "" || strings.HasPrefix(caption, "/") {
				return c.Reply(c.T("contest.ph.desc_bad"))
			}
		}
		return b.recaption(c, ns[0], caption)
	}
	ds, err := b.drafts(c, ns)
	if err != nil {
		return err
	}
	if len(ds) == 0 {
		// At phStepSubmit another update made them entries and died
		// before asking the organisers: the conversation waits for it.
		if c.Conv.Step != phStepSubmit {
			if err := c.EndConv(); err != nil {
				return err
			}
		}
		return c.Reply(c.T("contest.ph.gone"))
	}
	switch c.Conv.Step {
	case phStepDesc:
		data := map[string]string{}
		for k, v := range c.Conv.Data {
			data[k] = v
		}
		if !skip {
			caption := cleanCaption(c.U.Text)
			if caption == "" || strings.HasPrefix(caption, "/") {
				return c.Reply(c.T("contest.ph.desc_bad"))
			}
			if err := b.editDrafts(c, ns, func(d *Entry) { d.Caption = caption }); err != nil {
				return err
			}
			data["cap"] = caption
		}
		if err := c.SetConv(flowPhoto, b.afterDesc(c), data); err != nil {
			return err
		}
		return b.askPhotoStep(c, false)
	case phStepCat:
		idx := categoryIndex(pc.Categories, c.U.Text)
		if skip || idx < 0 {
			return b.askPhotoStep(c, false)
		}
		return b.setCategory(c, ds, idx)
	case phStepEnt, phStepSubmit:
		ent := ""
		if !skip {
			var ok bool
			if ent, ok = bot.ValidOrg(c.U.Text); !ok || utf8.RuneCountInString(ent) > maxEntRunes {
				return c.Reply(c.T("contest.ph.ent_bad", maxEntRunes))
			}
		}
		return b.submit(c, ds, ent)
	}
	return c.EndConv()
}

// categoryIndex reads a typed category: its name or its number.
func categoryIndex(cats []string, text string) int {
	t := strings.TrimSpace(text)
	for i, cat := range cats {
		if strings.EqualFold(cat, t) {
			return i
		}
	}
	if i, err := strconv.Atoi(t); err == nil && i >= 1 && i <= len(cats) {
		return i - 1
	}
	return -1
}

func (b *Contest) setCategory(c *bot.Context, ds []*Entry, idx int) error {
	cat := c.Cohort.Plan.Contest.Categories[idx]
	ns := make([]int64, len(ds))
	for i, d := range ds {
		ns[i] = d.N
	}
	if err := b.editDrafts(c, ns, func(d *Entry) { d.Category = cat }); err != nil {
		return err
	}
	// The group's enterprise, when the plan names one (the workbook's
	// «Nhóm»), is the photos' without asking: sending a photo and tapping
	// its category submits it.
	if ent := c.Cohort.Plan.Enterprises[c.Member.Group]; ent != "" {
		for _, d := range ds {
			d.Category = cat
		}
		return b.submit(c, ds, ent)
	}
	if err := c.SetConv(flowPhoto, phStepEnt, b.draftData(ds)); err != nil {
		return err
	}
	return b.askPhotoStep(c, false)
}

// draftData is the conversation data of a set of drafts.
func (b *Contest) draftData(ds []*Entry) map[string]string {
	ns := make([]int64, len(ds))
	for i, d := range ds {
		ns[i] = d.N
	}
	return map[string]string{"ns": joinEntries(ns), "album": ds[0].Album, "cap": ds[0].Caption, "co": ds[0].Cohort}
}

// submit turns the drafts into entries: pending when the contest is
// moderated, approved otherwise. Only drafts that were still drafts
// change, so a repeated answer submits nothing twice and tells the
// organisers once.
func (b *Contest) submit(c *bot.Context, ds []*Entry, enterprise string) error {
	pc, cs := b.contest(c)
	to := EntryApproved
	if pc.Moderation {
		to = EntryPending
	}
	if err := b.cleanBeforeSubmit(c, ds); err != nil {
		return err
	}
	// A photo of the album that arrived after the category was chosen
	// takes the album's.
	cat := ""
	for _, d := range ds {
		if d.Category != "" {
			cat = d.Category
			break
		}
	}
	changes := make([]EntryChange, len(ds))
	for i, d := range ds {
		d.Enterprise = enterprise
		if d.Category == "" {
			d.Category = cat
		}
		changes[i] = EntryChange{N: d.N, From: EntryDraft, To: to, Entry: d}
	}
	// Stamped with this update before the drafts change: once they are
	// entries, only the conversation tells that this update has still
	// to ask the organisers.
	data := b.draftData(ds)
	data["ent"] = enterprise
	if err := c.SetConv(flowPhoto, phStepSubmit, data); err != nil {
		return err
	}
	// A draft begun before submissions closed cannot be finished after.
	done, err := cs.UpdateEntries(c.Context, c.Cohort.ID, c.U.User, changes, &pc.Submissions, "submit", b.core.Now())
	if errors.Is(err, ErrWindowClosed) {
		if err := c.EndConv(); err != nil {
			return err
		}
		text, err := b.subClosedNow(c)
		if err != nil {
			return err
		}
		return c.Refuse(text)
	}
	if err != nil {
		return err
	}
	var asks []*Entry
	for _, d := range ds {
		if !slices.Contains(done, d.N) {
			continue
		}
		d.Status = to
		b.core.Log().Info("contest entry submitted", "cohort", c.Cohort.ID, "entry", d.N, "user", c.U.User, "status", to)
		if to == EntryPending {
			asks = append(asks, d)
		}
	}
	return b.submitted(c, ds, asks)
}

// resubmit finishes a submission that this update began before the
// process died (the conversation is at phStepSubmit, stamped with it).
// Drafts still left are submitted; entries it already made pending are
// sent to the organisers again under this update's tag, and the outbox
// queues a batch id once, so they hear of each entry once. A later
// update never gets here: it would ask under a tag of its own.
func (b *Contest) resubmit(c *bot.Context) error {
	_, cs := b.contest(c)
	ns := convEntries(c.Conv)
	mine, err := cs.AuthorEntries(c.Context, c.Cohort.ID, c.U.User)
	if err != nil {
		return err
	}
	var ds, es, asks []*Entry
	for _, e := range mine {
		if !slices.Contains(ns, e.N) {
			continue
		}
		switch e.Status {
		case EntryDraft:
			ds = append(ds, e)
		case EntryPending:
			es, asks = append(es, e), append(asks, e)
		case EntryApproved:
			es = append(es, e)
		}
	}
	if len(ds) > 0 {
		// It died before the drafts changed.
		return b.submit(c, ds, c.Conv.Data["ent"])
	}
	if len(es) == 0 {
		// Withdrawn since.
		if err := c.EndConv(); err != nil {
			return err
		}
		return c.Reply(c.T("contest.ph.gone"))
	}
	b.core.Log().Info("contest submission resumed", "cohort", c.Cohort.ID, "entries", joinEntries(ns), "user", c.U.User, "update", c.U.ID)
	return b.submitted(c, es, asks)
}

// submitted asks the organisers about the entries in asks, then ends the
// conversation (not before: until the request is queued, a crash must
// leave this update something to find) and tells the author that es
// are entered, and of any other photo of hers still unfinished.
func (b *Contest) submitted(c *bot.Context, es, asks []*Entry) error {
	pc, _ := b.contest(c)
	for _, e := range asks {
		b.askModerators(c.Context, c.Cohort, e, strconv.FormatInt(c.U.ID, 10))
	}
	if err := c.EndConv(); err != nil {
		return err
	}
	ns := make([]int64, len(es))
	for i, e := range es {
		ns[i] = e.N
	}
	key := "contest.ph.submitted"
	if pc.Moderation {
		key = "contest.ph.submitted_moderated"
	}
	text := c.T(key, entryNumbers(ns), bot.OrDash(es[0].Category))
	note, rows, err := b.unfinishedNote(c, "contest.ph.unfinished", ns)
	if err != nil {
		return err
	}
	if note != "" {
		text += "\n\n" + note
	}
	return c.Reply(text, rows...)
}

// unfinishedNote tells of the sender's drafts other than ns, with a
// button to finish each (one for an album, which is finished at once):
// photos sent and never submitted, which no organiser or voter sees but
// which count toward the limit. It is "" when there are none.
func (b *Contest) unfinishedNote(c *bot.Context, key string, ns []int64) (string, [][]bot.Button, error) {
	_, cs := b.contest(c)
	mine, err := cs.AuthorEntries(c.Context, c.Cohort.ID, c.U.User)
	if err != nil {
		return "", nil, err
	}
	var left []int64
	var rows [][]bot.Button
	albums := map[string]bool{}
	for _, e := range mine {
		if e.Status != EntryDraft || slices.Contains(ns, e.N) {
			continue
		}
		left = append(left, e.N)
		if len(rows) == unfinishedMax || e.Album != "" && albums[e.Album] {
			continue
		}
		albums[e.Album] = true
		rows = append(rows, []bot.Button{{Text: c.T("contest.btn.finish", e.N), Data: bot.Data("ph", "go", c.Cohort.ID, strconv.FormatInt(e.N, 10))}})
	}
	if len(left) == 0 {
		return "", nil, nil
	}
	return c.TN(key, len(left), entryNumbers(left)), rows, nil
}

// The buttons of the photo conversation and of /myphotos,
// "ph:<op>:<n>[:<arg>]:<cohort>", are routes (contestRoutes), one per op.

// photoPressed checks what a "ph:" button claims: the contest of the
// active course, want arguments, the first an entry number of the
// presser's. refused is set when it answered the press already: a press
// that submitted the drafts before the process died is finished here,
// only the conversation tells.
func (b *Contest) photoPressed(c *bot.Context, want int) (pc *plan.Contest, e *Entry, mine []*Entry, args []string, refused bool, err error) {
	pc, cs := b.contest(c)
	if pc == nil {
		return nil, nil, nil, nil, true, c.Refuse(c.T("err.stale_button"))
	}
	_, args, ok, other := cbFields(c)
	if !ok || len(args) != want || other {
		return nil, nil, nil, nil, true, refuseButton(c, ok && len(args) == want)
	}
	if want == 0 {
		return pc, nil, nil, args, false, nil
	}
	n, perr := strconv.ParseInt(args[0], 10, 64)
	if perr != nil || n <= 0 {
		return nil, nil, nil, nil, true, c.Refuse(c.T("err.stale_button"))
	}
	if c.Replayed() && c.Conv.Flow == flowPhoto && c.Conv.Step == phStepSubmit && convCohort(c) {
		return nil, nil, nil, nil, true, b.resubmit(c)
	}
	mine, err = cs.AuthorEntries(c.Context, c.Cohort.ID, c.U.User)
	if err != nil {
		return nil, nil, nil, nil, true, err
	}
	i := slices.IndexFunc(mine, func(e *Entry) bool { return e.N == n })
	if i < 0 {
		// Not the presser's entry: a forged or foreign button.
		return nil, nil, nil, nil, true, c.Refuse(c.T("contest.ph.not_yours"))
	}
	return pc, mine[i], mine, args, false, nil
}

// entryPress is a press on one of the presser's entries.
func (b *Contest) entryPress(want int, h func(c *bot.Context, pc *plan.Contest, e *Entry, args []string) error) bot.HandlerFunc {
	return func(c *bot.Context) error {
		pc, e, _, args, refused, err := b.photoPressed(c, want)
		if refused || err != nil {
			return err
		}
		return h(c, pc, e, args)
	}
}

// draftPress is a press on a draft: it acts on the drafts of the album,
// or the one draft.
func (b *Contest) draftPress(want int, h func(c *bot.Context, pc *plan.Contest, e *Entry, ds []*Entry, args []string) error) bot.HandlerFunc {
	return func(c *bot.Context) error {
		pc, e, mine, args, refused, err := b.photoPressed(c, want)
		if refused || err != nil {
			return err
		}
		if e.Status != EntryDraft {
			return c.Refuse(c.T("contest.ph.already_submitted", e.N))
		}
		var ds []*Entry
		for _, d := range mine {
			if d.Status == EntryDraft && (d.N == e.N || e.Album != "" && d.Album == e.Album) {
				ds = append(ds, d)
			}
		}
		return h(c, pc, e, ds, args)
	}
}

// photoMine is "back to my photos".
func (b *Contest) photoMine(c *bot.Context) error {
	if _, _, _, _, refused, err := b.photoPressed(c, 0); refused || err != nil {
		return err
	}
	return b.myPhotos(c)
}

// skipDesc leaves the description out.
func (b *Contest) skipDesc(c *bot.Context, _ *plan.Contest, _ *Entry, ds []*Entry, _ []string) error {
	if err := c.SetConv(flowPhoto, b.afterDesc(c), b.draftData(ds)); err != nil {
		return err
	}
	return b.askPhotoStep(c, false)
}

// pickCategory sets the drafts' category.
func (b *Contest) pickCategory(c *bot.Context, pc *plan.Contest, _ *Entry, ds []*Entry, args []string) error {
	idx, _ := strconv.Atoi(args[1])
	if idx < 0 || idx >= len(pc.Categories) {
		return c.Refuse(c.T("err.stale_button"))
	}
	return b.setCategory(c, ds, idx)
}

// skipEnterprise submits the drafts without an enterprise.
func (b *Contest) skipEnterprise(c *bot.Context, _ *plan.Contest, _ *Entry, ds []*Entry, _ []string) error {
	return b.submit(c, ds, "")
}

// finishDraft takes up a draft left unfinished where it stopped.
func (b *Contest) finishDraft(c *bot.Context, pc *plan.Contest, e *Entry, ds []*Entry, _ []string) error {
	sub, _, _, err := b.windows(c)
	if err != nil {
		return err
	}
	if now := b.core.Now(); !sub.Open(now) {
		return c.Refuse(b.subClosedText(c, sub, now))
	}
	step := phStepDesc
	switch {
	case e.Caption == "":
	case e.Category == "" && len(pc.Categories) > 0:
		step = phStepCat
	default:
		step = phStepEnt
	}
	if err := c.SetConv(flowPhoto, step, b.draftData(ds)); err != nil {
		return err
	}
	return b.askPhotoStep(c, false)
}

// askWithdraw asks to confirm a withdrawal, or says at once that it
// cannot be.
func (b *Contest) askWithdraw(c *bot.Context, _ *plan.Contest, e *Entry, args []string) error {
	if e.Status == EntryWithdrawn || e.Status == EntryRejected {
		return c.Refuse(c.T("contest.ph.cannot_withdraw", e.N))
	}
	// Say it now rather than after the confirmation.
	if refused, err := b.refuseAfterClose(c, e); refused || err != nil {
		return err
	}
	co := c.Cohort.ID
	return c.Reply(c.T("contest.ph.confirm_withdraw", e.N), []bot.Button{
		{Text: c.T("contest.btn.withdraw_yes"), Data: bot.Data("ph", "wdy", co, args[0])},
		{Text: c.T("btn.no"), Data: bot.Data("ph", "my", co)},
	})
}

// confirmWithdraw withdraws the entry.
func (b *Contest) confirmWithdraw(c *bot.Context, _ *plan.Contest, e *Entry, _ []string) error {
	return b.withdraw(c, e)
}

// askRecaption asks the entry's new description.
func (b *Contest) askRecaption(c *bot.Context, _ *plan.Contest, e *Entry, args []string) error {
	if e.Status == EntryWithdrawn || e.Status == EntryRejected {
		return c.Refuse(c.T("contest.ph.cannot_recaption", e.N))
	}
	if refused, err := b.refuseAfterClose(c, e); refused || err != nil {
		return err
	}
	if err := c.SetConv(flowPhoto, phStepRecap, map[string]string{"ns": args[0], "co": c.Cohort.ID}); err != nil {
		return err
	}
	return b.askPhotoStep(c, false)
}

// photoStale answers a "ph:" button with an op it does not know.
func photoStale(c *bot.Context, _ *plan.Contest, _ *Entry, _ []string) error {
	return c.Refuse(c.T("err.stale_button"))
}

// withdraw takes an entry back: a draft at any time, a submitted entry
// while submissions are open. Its picture may be entered again.
func (b *Contest) withdraw(c *bot.Context, e *Entry) error {
	pc, cs := b.contest(c)
	if e.Status == EntryWithdrawn {
		return c.Answer(c.T("contest.ph.withdrawn", e.N), false)
	}
	if e.Status == EntryRejected {
		return c.Refuse(c.T("contest.ph.cannot_withdraw", e.N))
	}
	var window *plan.Window
	if e.Status != EntryDraft {
		window = &pc.Submissions
	}
	done, err := cs.UpdateEntries(c.Context, c.Cohort.ID, c.U.User,
		[]EntryChange{{N: e.N, From: e.Status, To: EntryWithdrawn, Free: true}}, window, "withdraw", b.core.Now())
	if errors.Is(err, ErrWindowClosed) {
		text, err := b.subClosedNow(c)
		if err != nil {
			return err
		}
		return c.Refuse(text)
	}
	if err != nil {
		return err
	}
	if len(done) == 0 {
		return c.Refuse(c.T("err.stale_button"))
	}
	b.core.Log().Info("contest entry withdrawn", "cohort", c.Cohort.ID, "entry", e.N, "user", c.U.User)
	if c.Conv != nil && c.Conv.Flow == flowPhoto && slices.Contains(convEntries(c.Conv), e.N) {
		if err := c.EndConv(); err != nil {
			return err
		}
	}
	return c.Reply(c.T("contest.ph.withdrawn", e.N))
}

// recaption replaces a submitted entry's description while submissions
// are open. An approved entry of a moderated contest goes back to the
// organisers: what voters see must have been approved.
func (b *Contest) recaption(c *bot.Context, n int64, caption string) error {
	pc, cs := b.contest(c)
	e, err := cs.Entry(c.Context, c.Cohort.ID, n)
	if bot.IsNotFound(err) || err == nil && e.Author != c.U.User {
		if err := c.EndConv(); err != nil {
			return err
		}
		return c.Reply(c.T("contest.ph.not_yours"))
	}
	if err != nil {
		return err
	}
	if e.Status == EntryWithdrawn || e.Status == EntryRejected {
		if err := c.EndConv(); err != nil {
			return err
		}
		return c.Reply(c.T("contest.ph.cannot_recaption", n))
	}
	from, to := e.Status, ""
	var window *plan.Window
	if e.Status != EntryDraft {
		window = &pc.Submissions
	}
	if pc.Moderation && e.Status == EntryApproved {
		to = EntryPending
	}
	e.Caption = caption
	done, err := cs.UpdateEntries(c.Context, c.Cohort.ID, c.U.User,
		[]EntryChange{{N: n, From: from, To: to, Entry: e}}, window, "recaption", b.core.Now())
	if errors.Is(err, ErrWindowClosed) {
		if err := c.EndConv(); err != nil {
			return err
		}
		text, err := b.subClosedNow(c)
		if err != nil {
			return err
		}
		return c.Reply(text)
	}
	if err != nil {
		return err
	}
	if err := c.EndConv(); err != nil {
		return err
	}
	if len(done) == 0 {
		return c.Reply(c.T("contest.ph.gone"))
	}
	if e.Status == EntryDraft {
		return c.Reply(c.T("contest.ph.recaptioned", n))
	}
	if to == EntryPending || from == EntryPending {
		e.Status = EntryPending
		b.askModerators(c.Context, c.Cohort, e, strconv.FormatInt(c.U.ID, 10))
	}
	if to == EntryPending {
		return c.Reply(c.T("contest.ph.recaptioned_moderated", n))
	}
	return c.Reply(c.T("contest.ph.recaptioned", n))
}

// myPhotos lists the sender's entries with their status, and buttons to
// withdraw or re-caption them while submissions are open.
func (b *Contest) myPhotos(c *bot.Context) error {
	pc, cs := b.contest(c)
	if pc == nil {
		return c.Reply(c.T("err.photo_not_now"))
	}
	sub, _, _, err := b.windows(c)
	if err != nil {
		return err
	}
	now := b.core.Now()
	open := sub.Open(now)
	mine, err := cs.AuthorEntries(c.Context, c.Cohort.ID, c.U.User)
	if err != nil {
		return err
	}
	if len(mine) == 0 {
		if c.Member.Role != bot.Trainee {
			return c.Reply(c.T("contest.ph.my_none_role"))
		}
		if open {
			return c.Reply(c.T("contest.ph.my_none", bot.FormatWhen(sub.Closes, c)))
		}
		return c.Reply(c.T("contest.ph.my_none_closed") + "\n" + b.subClosedText(c, sub, now))
	}
	active := 0
	for _, e := range mine {
		if countsTowardLimit(e.Status) {
			active++
		}
	}
	limit := "∞"
	if pc.MaxPhotosPerMember > 0 {
		limit = strconv.Itoa(pc.MaxPhotosPerMember)
	}
	lines := []string{c.T("contest.ph.my_title", active, limit)}
	var rows [][]bot.Button
	for i, e := range mine {
		line := c.T("contest.ph.my_line", e.N, bot.OrDash(e.Category), c.T("contest.ph.status."+e.Status))
		if e.Caption != "" {
			line += " — " + bot.Truncate(e.Caption, 60)
		}
		if e.Status == EntryRejected && e.Reason != "" {
			line += "\n   " + c.T("contest.ph.reason", e.Reason)
		}
		lines = append(lines, line)
		if i >= myPhotosMax || !open {
			continue
		}
		id, co := strconv.FormatInt(e.N, 10), c.Cohort.ID
		switch e.Status {
		case EntryDraft:
			rows = append(rows, []bot.Button{
				{Text: c.T("contest.btn.finish", e.N), Data: bot.Data("ph", "go", co, id)},
				{Text: c.T("contest.btn.withdraw", e.N), Data: bot.Data("ph", "wd", co, id)},
			})
		case EntryPending, EntryApproved:
			rows = append(rows, []bot.Button{
				{Text: c.T("contest.btn.recaption", e.N), Data: bot.Data("ph", "rc", co, id)},
				{Text: c.T("contest.btn.withdraw", e.N), Data: bot.Data("ph", "wd", co, id)},
			})
		}
	}
	if open {
		lines = append(lines, "", c.T("contest.ph.my_open", bot.FormatWhen(sub.Closes, c)))
	} else {
		lines = append(lines, "", c.T("contest.ph.my_closed"))
	}
	return c.Reply(strings.Join(lines, "\n"), rows...)
}

// subClosedText says submissions are not open, and when they are.
func (b *Contest) subClosedText(c *bot.Context, sub plan.Window, now time.Time) string {
	switch {
	case sub.Opens.IsZero() && sub.Closes.IsZero():
		return c.T("err.photo_not_now")
	case now.Before(sub.Opens):
		return c.T("contest.ph.not_open_yet", bot.FormatWhen(sub.Opens, c))
	default:
		return c.T("contest.ph.closed", bot.FormatWhen(sub.Closes, c))
	}
}

// subClosedNow is subClosedText for the windows as they are now: the
// answer to a change the store refused because submissions had closed.
func (b *Contest) subClosedNow(c *bot.Context) (string, error) {
	sub, _, _, err := b.windows(c)
	if err != nil {
		return "", err
	}
	return b.subClosedText(c, sub, b.core.Now()), nil
}

// refuseAfterClose refuses a change to a submitted entry once submissions
// have closed (a draft may still be withdrawn), and reports whether it
// did.
func (b *Contest) refuseAfterClose(c *bot.Context, e *Entry) (bool, error) {
	if e.Status == EntryDraft {
		return false, nil
	}
	sub, _, _, err := b.windows(c)
	if err != nil {
		return false, err
	}
	if now := b.core.Now(); !sub.Open(now) {
		return true, c.Refuse(b.subClosedText(c, sub, now))
	}
	return false, nil
}
