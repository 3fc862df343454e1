package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/cohortbot/cohortbot/bot/plan"
)

// Store is the state the handlers need. store.Store implements it against
// Redis; every method takes the update's context, which carries a timeout.
type Store interface {
	// Load reads, in one round trip, what every update needs about its
	// sender: the profile, the conversation and the flood counter (counting
	// this update).
	// at is when the update arrived.
	Load(ctx context.Context, user UserKey, floodWindow time.Duration, at time.Time) (Loaded, error)
	// LoadMember is Load with the user's membership of a cohort and its
	// plan version, in the same round trip (for a button that names the
	// cohort it acts on, nearly always the active one).
	LoadMember(ctx context.Context, user UserKey, floodWindow time.Duration, at time.Time, cohort string) (Loaded, *Member, int64, error)
	Profile(ctx context.Context, user UserKey) (Profile, error)
	// Profiles reads many profiles in one round trip.
	Profiles(ctx context.Context, users []UserKey) (map[UserKey]Profile, error)
	SetLang(ctx context.Context, user UserKey, lang Lang) error
	SetActive(ctx context.Context, user UserKey, cohort string) error
	TouchProfile(ctx context.Context, user UserKey, name, username string) error
	SetConv(ctx context.Context, user UserKey, c *Conv, ttl time.Duration) error
	ClearConv(ctx context.Context, user UserKey) error

	// MemberVersion reads, in one round trip, the user's membership of a
	// cohort (nil when not a member) and the cohort's plan version.
	MemberVersion(ctx context.Context, cohort string, user UserKey) (*Member, int64, error)
	Cohort(ctx context.Context, id string) (*Cohort, error)
	CreateCohort(ctx context.Context, c *Cohort) error
	SavePlan(ctx context.Context, id string, p *plan.Plan) (int64, error)
	Cohorts(ctx context.Context) ([]*Cohort, error)
	DeleteCohort(ctx context.Context, id string) error

	PutMember(ctx context.Context, m *Member) error
	// ClaimPerson adds m as the roster's person m.Person, unless another
	// user holds that person already: it reports false, writing nothing.
	ClaimPerson(ctx context.Context, m *Member) (bool, error)
	// RosterTaken returns the roster's people already held, counted from 1.
	RosterTaken(ctx context.Context, cohort string) (map[int]bool, error)
	Member(ctx context.Context, cohort string, user UserKey) (*Member, error)
	Members(ctx context.Context, cohort string) ([]*Member, error)
	RemoveMember(ctx context.Context, cohort string, user UserKey) error
	// PatchMember changes some fields of a member in one step: ErrNotFound
	// when the member is gone (nothing is written), ErrLastOrganiser when
	// it would demote the last organiser, ErrMemberChanged when expect is
	// set and the member's role is no longer expect.
	PatchMember(ctx context.Context, cohort string, user UserKey, p MemberPatch, expect Role) (*Member, error)
	// Depart removes a member who leaves (removed false) or whom an
	// organiser removes, keeping their Past; ErrLastOrganiser refuses the
	// last organiser.
	Depart(ctx context.Context, cohort string, user UserKey, removed bool, at time.Time) error
	// Past is the former member's record, nil when there is none.
	Past(ctx context.Context, cohort string, user UserKey) (*Past, error)

	CreateInvite(ctx context.Context, inv *Invite) error
	Invite(ctx context.Context, code string) (*Invite, error)
	Invites(ctx context.Context, cohort string) ([]*Invite, error)
	RevokeInvite(ctx context.Context, code string) error
	// RedeemInvite takes one use of the invite for the user. Redeeming the
	// same invite again for the same user takes nothing and succeeds, so a
	// redelivered /start changes nothing.
	RedeemInvite(ctx context.Context, code string, user UserKey, now time.Time) (*Invite, error)

	SetUnreachable(ctx context.Context, user UserKey, unreachable bool) error
	SetGroupChat(ctx context.Context, cohort string, chat ChatKey) error
	// Undelivered counts a cohort's messages not delivered since a time.
	Undelivered(ctx context.Context, cohort string, since time.Time) (int64, error)
}

// Loaded is what Store.Load returns.
type Loaded struct {
	Profile Profile
	Conv    *Conv
	Flood   int64
}

// Config holds the bot's settings that handlers need.
type Config struct {
	// Admins may create cohorts from the chat.
	Admins map[UserKey]bool
	// BotUsername is used to build t.me invite links; empty in console.
	BotUsername string
	// FloodLimit updates per FloodWindow per user; more are ignored.
	// Zero means the default; negative means no limit (the console, whose
	// one user pipes scripts in).
	FloodLimit  int64
	FloodWindow time.Duration
	// Timeout bounds each update's handling.
	Timeout time.Duration
	// ConvTTL is how long an unfinished conversation is kept.
	ConvTTL time.Duration
	// DefaultZone is used for cohorts made without a plan.
	DefaultZone string
}

func (c *Config) setDefaults() {
	if c.FloodLimit == 0 {
		c.FloodLimit = 30
	}
	if c.FloodWindow == 0 {
		c.FloodWindow = 10 * time.Second
	}
	if c.Timeout == 0 {
		c.Timeout = 15 * time.Second
	}
	if c.ConvTTL == 0 {
		c.ConvTTL = 24 * time.Hour
	}
	if c.DefaultZone == "" {
		c.DefaultZone = "Asia/Ho_Chi_Minh"
	}
}

// Bot routes updates to handlers. It is safe for concurrent use; the caller
// keeps one user's updates in order.
type Bot struct {
	cfg     Config
	store   Store
	send    Sender
	clock   func() time.Time
	log     *slog.Logger
	metrics Observer
	menus   Menus
	outbox  Outbox
	due     Schedule
	router  *Router
	// resolvers translate an update before it is routed, per platform
	// (WithResolver).
	resolvers map[Platform]Resolver

	// What the features plugged in (install).
	features    Features
	texts       Catalogue
	buttons     map[string]string // button prefix -> owner
	runners     map[string]DueFunc
	done        DoneChecker
	images      HandlerFunc
	documents   HandlerFunc
	fileFlows   map[string]HandlerFunc
	starts      map[string]HandlerFunc // /start payload prefix -> handler
	digestParts []DigestPart

	mu      sync.Mutex
	cohorts map[string]*Cohort // cache, checked against the stored version
}

// Observer receives what the bot measures. The metrics package implements
// it with Prometheus; tests may pass nil.
type Observer interface {
	Handled(kind Kind, d time.Duration, err error)
}

// Menus shows or hides the organisers' longer command menu in a person's
// chat (the Telegram adapter). It is told when someone becomes or stops
// being an organiser.
type Menus interface {
	OrganiserMenu(ctx context.Context, user UserKey, lang Lang, organiser bool) error
}

// WithOutbox sets the durable outbox for messages that are not direct
// answers. Without one (console), they are sent directly.
func WithOutbox(o Outbox) Option { return func(b *Bot) { b.outbox = o } }

// WithMenus sets the command-menu updater.
func WithMenus(m Menus) Option { return func(b *Bot) { b.menus = m } }

// organiserMenu updates the user's command menu; a failure only costs the
// menu, so it is logged.
func (b *Bot) organiserMenu(ctx context.Context, user UserKey, lang Lang, organiser bool) {
	if b.menus == nil {
		return
	}
	if err := b.menus.OrganiserMenu(ctx, user, lang, organiser); err != nil {
		b.log.Warn("update command menu", "user", user, "err", err)
	}
}

// Option configures a Bot.
type Option func(*Bot)

// Resolver translates an update of its platform when it is handled, in
// the sender's order, before it is routed: on Zalo a typed number becomes
// the press of that choice of the last numbered list the person was sent.
// An error means the update could not be handled now (Redis away).
type Resolver interface {
	Resolve(ctx context.Context, u *Update) error
}

// WithResolver sets the resolver of a platform's updates.
func WithResolver(p Platform, r Resolver) Option {
	return func(b *Bot) {
		if b.resolvers == nil {
			b.resolvers = make(map[Platform]Resolver)
		}
		b.resolvers[p] = r
	}
}

// WithClock makes the bot read time from clock.
func WithClock(clock func() time.Time) Option { return func(b *Bot) { b.clock = clock } }

// WithLogger sets the logger.
func WithLogger(l *slog.Logger) Option { return func(b *Bot) { b.log = l } }

// WithObserver sets the metrics sink.
func WithObserver(o Observer) Option { return func(b *Bot) { b.metrics = o } }

// New returns a bot on the core store with the features plugged in and
// every route installed. Features that do not fit together (a text key,
// a button prefix or a due kind taken twice) are a programming error: New
// panics, so every test that builds the bot catches it.
func New(cfg Config, st Store, send Sender, features Features, opts ...Option) *Bot {
	cfg.setDefaults()
	b := &Bot{
		cfg:     cfg,
		store:   st,
		send:    send,
		clock:   time.Now,
		log:     slog.New(slog.DiscardHandler),
		cohorts: make(map[string]*Cohort),
	}
	for _, o := range opts {
		o(b)
	}
	if err := b.install(features); err != nil {
		panic("bot: " + err.Error())
	}
	b.router = b.routes()
	return b
}

// Now returns the bot's current time.
func (b *Bot) Now() time.Time { return b.clock() }

// Handle runs one update through the middleware and the first matching
// route. It returns an error only when the update could not be handled at
// all (Redis unreachable); handler errors are answered and logged.
func (b *Bot) Handle(ctx context.Context, u *Update) error {
	start := time.Now()
	if r := b.resolvers[u.Platform]; r != nil {
		if err := r.Resolve(ctx, u); err != nil {
			return fmt.Errorf("resolve update %d: %w", u.ID, err)
		}
	}
	err := b.router.serve(ctx, b, u)
	if b.metrics != nil {
		b.metrics.Handled(u.Kind, time.Since(start), err)
	}
	return err
}

// cohort returns the cohort, from cache when its version is current.
func (b *Bot) CohortAt(ctx context.Context, id string, version int64) (*Cohort, error) {
	b.mu.Lock()
	c, ok := b.cohorts[id]
	b.mu.Unlock()
	if ok && version != 0 && c.Version == version {
		return c, nil
	}
	c, err := b.store.Cohort(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("load cohort %s: %w", id, err)
	}
	b.mu.Lock()
	b.cohorts[id] = c
	b.mu.Unlock()
	return c, nil
}

// forget drops a cohort from the cache (after a delete).
func (b *Bot) ForgetCohort(id string) {
	b.mu.Lock()
	delete(b.cohorts, id)
	b.mu.Unlock()
}

// isNotFound reports whether err is the store's missing-record error.
func IsNotFound(err error) bool { return errors.Is(err, ErrNotFound) }

// Link is the t.me deep link that opens the bot with /start payload, ""
// when the platform has none (console).
func (b *Bot) Link(payload string) string { return InviteLink(b.cfg.BotUsername, payload) }

// Log returns the bot's logger, for the features.
func (b *Bot) Log() *slog.Logger { return b.log }

// Outbox returns the durable outbox, nil when there is none (console).
func (b *Bot) Outbox() Outbox { return b.outbox }

// Cohort returns a cohort.
func (b *Bot) Cohort(ctx context.Context, id string) (*Cohort, error) { return b.CohortAt(ctx, id, 0) }
