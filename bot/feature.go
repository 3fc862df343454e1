package bot

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/cohortbot/cohortbot/bot/plan"
)

// Feature is one feature plugged into the core: everything the core, the
// scheduler and the other features need to know of it. A feature is its
// own package (bot/contest, bot/announce, bot/timetable, ...) that builds
// this value from its own store; cmd/cohortbot lists them. Every field but
// Name is optional.
type Feature struct {
	// Name prefixes every key of Texts ("contest." for the contest).
	Name string
	// Texts are the feature's catalogue entries by language. New merges
	// them into the core's and refuses a key that is already taken.
	Texts Catalogue
	// Attach hands the feature the core it runs on, before its routes are
	// installed. It is called once, by New.
	Attach func(core *Bot)
	// Routes installs the feature's routes. They come after the core's
	// commands and before its fallbacks, in the order of the feature list.
	Routes func(g *RouteGroup)
	// Buttons are the button-data prefixes the feature owns (ButtonData);
	// two features never own the same one.
	Buttons []string
	// Images takes a photo, or a file whose name or type says it is an
	// image, sent in the private chat by a member outside any conversation
	// that takes files.
	Images HandlerFunc
	// Documents takes a document that is not an image, sent like Images.
	Documents HandlerFunc
	// FileFlows take any file sent in one of the feature's conversations
	// (by flow name), before the kind of the file is looked at.
	FileFlows map[string]HandlerFunc
	// Due runs the feature's due items, by kind (DueItem.Kind).
	Due map[string]DueFunc
	// Plans are what the feature keeps due for a cohort; the scheduler
	// plans them again whenever the cohort's plan changes.
	Plans []DuePlan
	// Done tells, by deadline kind, whether a group has done a deadline.
	Done map[string]DoneFunc
	// Dates returns the cohort with the plan's dates the feature moved
	// (the contest moves its photos deadline with the close of
	// submissions), or c itself when it moved none. It never changes c.
	Dates func(ctx context.Context, c *Cohort) (*Cohort, error)
	// Digest adds the feature's line to the organisers' daily digest.
	Digest DigestPart
	// Export returns the feature's tables of the cohort's export workbook.
	Export ExportFunc
	// MyData lists what the feature keeps about a member, for /mydata.
	MyData MyDataFunc
	// Forget removes what the feature keeps of a member who leaves the
	// cohort or is removed from it.
	Forget func(ctx context.Context, c *Cohort, user UserKey, now time.Time) error
	// Start takes /start payloads by prefix (the attendance's check-in
	// links, "ck-..."). A prefix holds "-" or "_", which invite codes
	// (RandomCode) never do, so invite links keep working.
	Start map[string]HandlerFunc
}

// DueFunc runs one due item at now.
type DueFunc func(ctx context.Context, it DueItem, now time.Time) (DueOutcome, time.Time, error)

// DueOutcome is what became of a due item.
type DueOutcome int

// Outcomes of a DueFunc.
const (
	DueSent     DueOutcome = iota // done: queued for every recipient
	DueSkipped                    // stale, moved or removed: never sent
	DueDeferred                   // not yet: run again at the returned time
	DueUnknown                    // no feature runs this kind
)

// DuePlan is one set of due items a feature keeps for each cohort: every
// item pending under Prefix that Items does not return is dropped.
type DuePlan struct {
	// Name says what is planned ("reminders"), for the operator's report.
	Name   string
	Prefix string
	// Items returns the items wanted for the cohort (its plan as the
	// features dated it) at now, given those pending under Prefix.
	Items func(c *Cohort, now time.Time, pending []DueItem) []DueItem
}

// DigestPart adds a line to the organisers' digest, in lang; "" adds none.
type DigestPart func(ctx context.Context, c *Cohort, since, now time.Time, lang Lang) (string, error)

// RouteGroup is where a feature installs its routes. Every route of a group
// goes through the core's middleware like the core's own.
type RouteGroup struct {
	r *Router
}

// Handle adds a route (see Router.Handle).
func (g *RouteGroup) Handle(m Match, h HandlerFunc, mw ...Middleware) { g.r.Handle(m, h, mw...) }

// Features is the list of features a bot runs, in order. Its methods are
// what the scheduler and the management commands need of them without a
// bot.
type Features []Feature

// Dated returns the cohort with every feature's dates (Feature.Dates).
func (fs Features) Dated(ctx context.Context, c *Cohort) (*Cohort, error) {
	for _, f := range fs {
		if f.Dates == nil {
			continue
		}
		d, err := f.Dates(ctx, c)
		if err != nil {
			return nil, fmt.Errorf("%s dates of %s: %w", f.Name, c.ID, err)
		}
		c = d
	}
	return c, nil
}

// Plans lists every feature's due plans.
func (fs Features) Plans() []DuePlan {
	var out []DuePlan
	for _, f := range fs {
		out = append(out, f.Plans...)
	}
	return out
}

// catalogue merges the core's texts and the features'. A key outside its
// feature's prefix, or taken twice, is a programming error.
func (fs Features) catalogue() (Catalogue, error) {
	out := Catalogue{VI: maps.Clone(textsVI), EN: maps.Clone(textsEN)}
	for _, f := range fs {
		for _, lang := range slices.Sorted(maps.Keys(f.Texts)) {
			dst, ok := out[lang]
			if !ok {
				return nil, fmt.Errorf("feature %s: texts in unknown language %q", f.Name, lang)
			}
			for _, k := range slices.Sorted(maps.Keys(f.Texts[lang])) {
				if !strings.HasPrefix(k, f.Name+".") {
					return nil, fmt.Errorf("feature %s: text key %q lacks the prefix %s.", f.Name, k, f.Name)
				}
				if _, taken := dst[k]; taken {
					return nil, fmt.Errorf("feature %s: text key %q is taken", f.Name, k)
				}
				dst[k] = f.Texts[lang][k]
			}
		}
	}
	return out, nil
}

// Catalogue returns the texts of the core and of the features, merged as
// New merges them, for tests and tools that read texts without a bot.
func (fs Features) Catalogue() (Catalogue, error) { return fs.catalogue() }

// install checks the features against each other and wires them into b.
func (b *Bot) install(fs Features) error {
	texts, err := fs.catalogue()
	if err != nil {
		return err
	}
	b.texts = texts
	b.buttons = map[string]string{}
	// The core's own buttons.
	for _, p := range []string{"cmd", "lang", "co", "cs", "rs", "reg", "leave", "pf", "mb", "iv"} {
		b.buttons[p] = "core"
	}
	b.runners = map[string]DueFunc{}
	b.done = DoneChecker{}
	b.fileFlows = map[string]HandlerFunc{}
	b.starts = map[string]HandlerFunc{}
	names := map[string]bool{"core": true}
	for _, f := range fs {
		if f.Name == "" || names[f.Name] {
			return fmt.Errorf("feature name %q is empty or taken", f.Name)
		}
		names[f.Name] = true
		for _, p := range f.Buttons {
			if owner, taken := b.buttons[p]; taken {
				return fmt.Errorf("feature %s: button prefix %q is %s's", f.Name, p, owner)
			}
			b.buttons[p] = f.Name
		}
		for kind, run := range f.Due {
			if _, taken := b.runners[kind]; taken {
				return fmt.Errorf("feature %s: due kind %q is taken", f.Name, kind)
			}
			b.runners[kind] = run
		}
		for kind, done := range f.Done {
			if _, taken := b.done[kind]; taken {
				return fmt.Errorf("feature %s: deadline kind %q is taken", f.Name, kind)
			}
			b.done[kind] = done
		}
		for prefix, h := range f.Start {
			if !strings.ContainsAny(prefix, "-_") {
				return fmt.Errorf("feature %s: start prefix %q holds neither - nor _, so an invite code could take it", f.Name, prefix)
			}
			for taken := range b.starts {
				if strings.HasPrefix(prefix, taken) || strings.HasPrefix(taken, prefix) {
					return fmt.Errorf("feature %s: start prefix %q overlaps %q", f.Name, prefix, taken)
				}
			}
			b.starts[prefix] = h
		}
		for flow, h := range f.FileFlows {
			b.fileFlows[flow] = h
		}
		if f.Images != nil {
			if b.images != nil {
				return fmt.Errorf("feature %s: images are taken", f.Name)
			}
			b.images = f.Images
		}
		if f.Documents != nil {
			if b.documents != nil {
				return fmt.Errorf("feature %s: documents are taken", f.Name)
			}
			b.documents = f.Documents
		}
		if f.Digest != nil {
			b.digestParts = append(b.digestParts, f.Digest)
		}
	}
	b.features = fs
	for _, f := range fs {
		if f.Attach != nil {
			f.Attach(b)
		}
	}
	return nil
}

// RunDue runs a due item through the feature that owns its kind.
func (b *Bot) RunDue(ctx context.Context, it DueItem, now time.Time) (DueOutcome, time.Time, error) {
	run := b.runners[it.Kind]
	if run == nil {
		return DueUnknown, time.Time{}, nil
	}
	return run(ctx, it, now)
}

// Features returns the features the bot runs.
func (b *Bot) Features() Features { return b.features }

// Dated returns the cohort with its plan's dates as the features moved
// them (Feature.Dates).
func (b *Bot) Dated(ctx context.Context, c *Cohort) (*Cohort, error) { return b.features.Dated(ctx, c) }

// Done reports whether the group has done the deadline; a kind no
// feature marks done is done by nobody.
func (b *Bot) Done(ctx context.Context, c *Cohort, d plan.Deadline, group string) (bool, error) {
	return b.done.Done(ctx, c, d, group)
}

// Doable reports whether some feature can mark this kind of deadline done.
func (b *Bot) Doable(kind string) bool { return b.done.Doable(kind) }

// forgetMember removes what the features keep of a member who leaves or
// is removed.
func (b *Bot) forgetMember(c *Context, co *Cohort, user UserKey) error {
	for _, f := range b.features {
		if f.Forget == nil {
			continue
		}
		if err := f.Forget(c.Context, co, user, b.clock()); err != nil {
			return fmt.Errorf("forget %s data: %w", f.Name, err)
		}
	}
	return nil
}
