package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/cohortbot/cohortbot/bot"
	"github.com/cohortbot/cohortbot/bot/plan"
	"github.com/cohortbot/cohortbot/bot/telegram"
	"github.com/cohortbot/cohortbot/scheduler"
	"github.com/cohortbot/cohortbot/store"
)

// openStore connects to the configured Redis and checks that it answers.
func openStore(ctx context.Context, cfg Config) (*store.Store, error) {
	if !cfg.HasRedis() {
		return nil, badUsage("REDIS_URL (or REDIS_CLUSTER_ADDRS) is not set: this command works on the bot's Redis")
	}
	st, err := store.Open(cfg.RedisURL, cfg.ClusterAddrs)
	if err != nil {
		return nil, badUsage("%v", err)
	}
	pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := st.Ping(pctx); err != nil {
		st.Close()
		return nil, fmt.Errorf("redis does not answer: %w", err)
	}
	return st, nil
}

func newFlags(name string, out io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(out)
	return fs
}

func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		return badUsage("%s: %v", fs.Name(), err)
	}
	return nil
}

// botUsername asks Telegram for the bot's @handle, for t.me links; empty
// without a token.
func (a *App) botUsername(ctx context.Context, cfg Config) (string, error) {
	if cfg.TelegramToken == "" {
		return "", nil
	}
	c, err := telegram.New(ctx, cfg.TelegramToken, cfg.TelegramAPI, slog.New(slog.DiscardHandler))
	if err != nil {
		return "", err
	}
	return c.Username(), nil
}

func (a *App) cohort(ctx context.Context, cfg Config, args []string) error {
	if len(args) == 0 {
		return badUsage("usage: cohortbot cohort create|list|delete|rotate-key")
	}
	switch args[0] {
	case "create":
		return a.cohortCreate(ctx, cfg, args[1:])
	case "list":
		return a.cohortList(ctx, cfg)
	case "delete":
		if len(args) != 2 {
			return badUsage("usage: cohortbot cohort delete ID")
		}
		st, err := openStore(ctx, cfg)
		if err != nil {
			return err
		}
		defer st.Close()
		if _, err := st.Cohort(ctx, args[1]); errors.Is(err, store.ErrNotFound) {
			return badUsage("no cohort %q", args[1])
		} else if err != nil {
			return err
		}
		if err := st.DeleteCohort(ctx, args[1]); err != nil {
			return err
		}
		fmt.Fprintf(a.Stdout, "deleted cohort %s\n", args[1])
		return nil
	case "rotate-key":
		return a.cohortRotateKey(ctx, cfg, args[1:])
	}
	return badUsage("unknown cohort command %q", args[0])
}

// cohortRotateKey gives a cohort a new view key; the old one stops
// working at once (a projector address that leaked is closed).
func (a *App) cohortRotateKey(ctx context.Context, cfg Config, args []string) error {
	if len(args) != 1 || strings.HasPrefix(args[0], "-") {
		return badUsage("usage: cohortbot cohort rotate-key ID")
	}
	st, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	id := args[0]
	if _, err := st.Cohort(ctx, id); errors.Is(err, store.ErrNotFound) {
		return badUsage("no cohort %q", id)
	} else if err != nil {
		return err
	}
	key := bot.RandomCode(24)
	if err := st.SetViewKey(ctx, id, key); errors.Is(err, store.ErrNotFound) {
		return badUsage("no cohort %q", id)
	} else if err != nil {
		return err
	}
	fmt.Fprintf(a.Stdout, "new view key of cohort %s: %s\n", id, key)
	if cfg.PublicURL != "" {
		fmt.Fprintf(a.Stdout, "  gallery:  %s\n", galleryURL(cfg.PublicURL, id, key))
	}
	return nil
}

// cohortJSON is the one-line output of cohort create --json (DESIGN.md).
type cohortJSON struct {
	ID      string            `json:"id"`
	Name    string            `json:"name"`
	Invites rolesJSON         `json:"invites"`
	Links   map[string]string `json:"links"`
	ViewKey string            `json:"view_key"`
}

type rolesJSON struct {
	Trainee   string `json:"trainee"`
	Lecturer  string `json:"lecturer"`
	Organiser string `json:"organiser"`
}

func readPlan(path string) (*plan.Plan, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, badUsage("read plan: %v", err)
	}
	if fi.Size() > plan.MaxWorkbookBytes {
		return nil, badUsage("read plan: %s is %d bytes: at most %d", path, fi.Size(), plan.MaxWorkbookBytes)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, badUsage("read plan: %v", err)
	}
	if isWorkbookFile(path, data) {
		return plan.ParseWorkbook(path, data)
	}
	return plan.Parse(path, data)
}

func (a *App) cohortCreate(ctx context.Context, cfg Config, args []string) error {
	fs := newFlags("cohort create", a.Stderr)
	planPath := fs.String("plan", "", "plan file: the course workbook (.xlsx) or YAML")
	name := fs.String("name", "", "cohort name, for a cohort without a plan yet")
	asJSON := fs.Bool("json", false, "print one line of JSON")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if (*planPath == "") == (*name == "") || fs.NArg() > 0 {
		return badUsage("usage: cohortbot cohort create --plan FILE [--json] | --name NAME [--json]")
	}
	var p *plan.Plan
	if *planPath != "" {
		var err error
		if p, err = readPlan(*planPath); err != nil {
			return err
		}
	} else {
		n := strings.TrimSpace(*name)
		if n == "" {
			return badUsage("--name: empty")
		}
		loc, err := time.LoadLocation(plan.DefaultTimezone)
		if err != nil {
			return err
		}
		p = plan.Default(n, loc)
	}
	st, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	username, err := a.botUsername(ctx, cfg)
	if err != nil {
		return err
	}
	nc, err := bot.CreateCohort(ctx, st, p, a.Clock())
	if err != nil {
		return err
	}
	if _, err := scheduler.Sync(ctx, st, features(st).All, nc.Cohort, a.Clock()); err != nil {
		return err
	}
	out := cohortJSON{
		ID: nc.Cohort.ID, Name: nc.Cohort.Name, ViewKey: nc.Cohort.ViewKey, Links: map[string]string{},
		Invites: rolesJSON{nc.Invites[bot.Trainee].Code, nc.Invites[bot.Lecturer].Code, nc.Invites[bot.Organiser].Code},
	}
	for _, r := range bot.Roles {
		if link := bot.InviteLink(username, nc.Invites[r].Code); link != "" {
			out.Links[string(r)] = link
		}
	}
	if *asJSON {
		return json.NewEncoder(a.Stdout).Encode(out)
	}
	fmt.Fprintf(a.Stdout, "created cohort %q\n  id:       %s\n  view key: %s\n", out.Name, out.ID, out.ViewKey)
	if cfg.PublicURL != "" && nc.Cohort.Plan.Contest != nil {
		fmt.Fprintf(a.Stdout, "  gallery:  %s\n", galleryURL(cfg.PublicURL, out.ID, out.ViewKey))
	}
	fmt.Fprintf(a.Stdout, "\ninvites:\n")
	tw := tabwriter.NewWriter(a.Stdout, 0, 4, 2, ' ', 0)
	for _, r := range bot.Roles {
		inv := nc.Invites[r]
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", r, inv.Code, describeInvite(inv), out.Links[string(r)])
	}
	return tw.Flush()
}

func describeInvite(inv *bot.Invite) string {
	var parts []string
	switch {
	case inv.Revoked:
		parts = append(parts, "revoked")
	case inv.Uses < 0:
		parts = append(parts, "reusable")
	default:
		parts = append(parts, fmt.Sprintf("%d use(s) left", inv.Uses))
	}
	if !inv.Expires.IsZero() {
		parts = append(parts, "expires "+inv.Expires.Format("2006-01-02 15:04 MST"))
	}
	return strings.Join(parts, ", ")
}

func (a *App) cohortList(ctx context.Context, cfg Config) error {
	st, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	cohorts, err := st.Cohorts(ctx)
	if err != nil {
		return err
	}
	if len(cohorts) == 0 {
		fmt.Fprintln(a.Stdout, "no cohorts")
		return nil
	}
	tw := tabwriter.NewWriter(a.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tMEMBERS\tCREATED")
	for _, c := range cohorts {
		ms, err := st.Members(ctx, c.ID)
		if err != nil {
			return err
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\n", c.ID, c.Name, len(ms), c.Created.In(c.Plan.Location).Format("2006-01-02 15:04"))
	}
	return tw.Flush()
}

// inviteJSON is the one-line output of invite create --json.
type inviteJSON struct {
	Code    string `json:"code"`
	Cohort  string `json:"cohort"`
	Role    string `json:"role"`
	Uses    int    `json:"uses"`
	Expires string `json:"expires,omitempty"`
	Link    string `json:"link,omitempty"`
}

func (a *App) invite(ctx context.Context, cfg Config, args []string) error {
	if len(args) == 0 {
		return badUsage("usage: cohortbot invite create|revoke")
	}
	switch args[0] {
	case "create":
		return a.inviteCreate(ctx, cfg, args[1:])
	case "revoke":
		if len(args) != 2 {
			return badUsage("usage: cohortbot invite revoke CODE")
		}
		st, err := openStore(ctx, cfg)
		if err != nil {
			return err
		}
		defer st.Close()
		if err := st.RevokeInvite(ctx, args[1]); errors.Is(err, store.ErrNotFound) {
			return badUsage("no invite %q", args[1])
		} else if err != nil {
			return err
		}
		fmt.Fprintf(a.Stdout, "revoked invite %s\n", args[1])
		return nil
	}
	return badUsage("unknown invite command %q", args[0])
}

func (a *App) inviteCreate(ctx context.Context, cfg Config, args []string) error {
	fs := newFlags("invite create", a.Stderr)
	cohort := fs.String("cohort", "", "cohort id")
	roleName := fs.String("role", "", "trainee, lecturer or organiser")
	uses := fs.Int("uses", 0, "how many people may use it (default: unlimited for trainees; 1 for lecturers and organisers)")
	expires := fs.Duration("expires", 0, "how long it stays valid, e.g. 48h (default: forever for trainees; 168h for lecturers and organisers)")
	asJSON := fs.Bool("json", false, "print one line of JSON")
	person := fs.Int("person", 0, "the roster's row (from 1) the link is for: it joins that person directly, once (default uses 1)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *person < 0 {
		return badUsage("--person: must be a roster row, from 1")
	}
	if *person > 0 && *uses == 0 {
		*uses = 1
	}
	role, ok := bot.ParseRole(strings.ToLower(*roleName))
	switch {
	case *cohort == "" || fs.NArg() > 0:
		return badUsage("usage: cohortbot invite create --cohort ID --role ROLE [--uses N] [--expires 48h] [--person ROW] [--json]")
	case !ok:
		return badUsage("--role: want trainee, lecturer or organiser, got %q", *roleName)
	case *uses < 0:
		return badUsage("--uses: must be positive")
	case *expires < 0:
		return badUsage("--expires: must be positive")
	}
	st, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	co, err := st.Cohort(ctx, *cohort)
	if errors.Is(err, store.ErrNotFound) {
		return badUsage("no cohort %q", *cohort)
	} else if err != nil {
		return err
	}
	if *person > 0 {
		if *person > len(co.Plan.Roster) {
			return badUsage("--person: the roster has %d rows, no row %d", len(co.Plan.Roster), *person)
		}
		if r := co.Plan.Roster[*person-1]; bot.Role(r.Role) != role {
			return badUsage("--person: row %d (%s) is a %s, not a %s", *person, r.Name, r.Role, role)
		}
	}
	username, err := a.botUsername(ctx, cfg)
	if err != nil {
		return err
	}
	inv := bot.NewInvite(*cohort, role, *uses, *expires, a.Clock())
	inv.Person = *person
	if err := st.CreateInvite(ctx, inv); err != nil {
		return err
	}
	out := inviteJSON{Code: inv.Code, Cohort: inv.Cohort, Role: string(inv.Role), Uses: inv.Uses, Link: bot.InviteLink(username, inv.Code)}
	if !inv.Expires.IsZero() {
		out.Expires = inv.Expires.UTC().Format(time.RFC3339)
	}
	if *asJSON {
		return json.NewEncoder(a.Stdout).Encode(out)
	}
	fmt.Fprintf(a.Stdout, "%s invite for %s: %s (%s)\n", role, inv.Cohort, inv.Code, describeInvite(inv))
	if out.Link != "" {
		fmt.Fprintln(a.Stdout, out.Link)
	}
	return nil
}

func (a *App) plan(ctx context.Context, cfg Config, args []string) error {
	if len(args) == 0 {
		return badUsage("usage: cohortbot plan check FILE | plan apply --cohort ID FILE | plan template --out FILE.xlsx")
	}
	switch args[0] {
	case "check":
		if len(args) != 2 {
			return badUsage("usage: cohortbot plan check FILE")
		}
		p, err := readPlan(args[1])
		if err != nil {
			return err
		}
		fmt.Fprintf(a.Stdout, "%s: ok (%d sessions, %d deadlines, %d groups)\n", args[1], len(p.Sessions), len(p.Deadlines), len(p.Groups))
		if len(p.Roster) > 0 {
			fmt.Fprintf(a.Stdout, "roster: %s\n", rosterSummary(p))
		}
		return nil
	case "template":
		return a.planTemplate(args[1:])
	case "apply":
		return a.planApply(ctx, cfg, args[1:])
	}
	return badUsage("unknown plan command %q", args[0])
}

func (a *App) planApply(ctx context.Context, cfg Config, args []string) error {
	fs := newFlags("plan apply", a.Stderr)
	cohort := fs.String("cohort", "", "cohort id")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *cohort == "" || fs.NArg() != 1 {
		return badUsage("usage: cohortbot plan apply --cohort ID FILE")
	}
	p, err := readPlan(fs.Arg(0))
	if err != nil {
		return err
	}
	st, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	old, err := st.Cohort(ctx, *cohort)
	if errors.Is(err, store.ErrNotFound) {
		return badUsage("no cohort %q", *cohort)
	}
	if err != nil {
		return err
	}
	version, err := st.SavePlan(ctx, *cohort, p)
	if err != nil {
		return err
	}
	updated := *old
	updated.Plan, updated.Name, updated.Version = p, p.Name, version
	planned, err := scheduler.Sync(ctx, st, features(st).All, &updated, a.Clock())
	if err != nil {
		return err
	}
	added, removed := planned["reminders"].Added, planned["reminders"].Removed
	ch := plan.Diff(old.Plan, p)
	fmt.Fprintf(a.Stdout, "applied %s to cohort %s (plan version %d): %s; reminders: %d planned, %d cancelled\n",
		fs.Arg(0), *cohort, version, ch, added, removed)
	if len(p.Roster) > 0 || len(old.Plan.Roster) > 0 {
		fmt.Fprintf(a.Stdout, "roster: %s (before: %d people)\n", rosterSummary(p), len(old.Plan.Roster))
	}
	return nil
}

// galleryURL is the contest's projector page of a cohort.
func galleryURL(base, cohort, key string) string {
	return base + "/c/" + url.PathEscape(cohort) + "/gallery?key=" + url.QueryEscape(key)
}

// rosterSummary counts the roster by group, then lecturers and organisers:
// "12 people: Lạng Sơn 5, Hải Phòng 7; 2 lecturers, 1 organiser".
func rosterSummary(p *plan.Plan) string {
	count := map[string]int{}
	for _, pr := range p.Roster {
		if pr.Role == plan.Trainee {
			count["g:"+pr.Group]++
		} else {
			count[pr.Role]++
		}
	}
	var groups []string
	for _, g := range append(slices.Clone(p.Groups), "") {
		if n := count["g:"+g]; n > 0 {
			if g == "" {
				g = "no group"
			}
			groups = append(groups, fmt.Sprintf("%s %d", g, n))
		}
	}
	out := fmt.Sprintf("%d people", len(p.Roster))
	if len(groups) > 0 {
		out += ": " + strings.Join(groups, ", ")
	}
	return out + fmt.Sprintf("; %d lecturer(s), %d organiser(s)", count[plan.Lecturer], count[plan.Organiser])
}
