package bot

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// InboxEntry is a recorded update with its inbox id.
type InboxEntry struct {
	ID     string
	Update Update
}

// Inbox is the durable queue of recorded updates (store.Store).
type Inbox interface {
	EnsureInbox(ctx context.Context) error
	ReadInbox(ctx context.Context, consumer string, count int64, block time.Duration) ([]InboxEntry, error)
	// PendingInbox pages through the entries consumer read and never
	// acknowledged, after the entry id after ("0" from the start).
	PendingInbox(ctx context.Context, consumer, after string, count int64) ([]InboxEntry, error)
	ClaimDead(ctx context.Context, consumer string, count int64) ([]InboxEntry, error)
	Heartbeat(ctx context.Context, consumer string, ttl time.Duration) error
	// OrderHead is the oldest recorded, unacknowledged update of the user.
	OrderHead(ctx context.Context, user UserKey) (string, error)
	AckInbox(ctx context.Context, ids ...string) error
}

// Intake handles recorded updates: one person's in order, different
// people's concurrently, and nobody waits behind anybody. Each person's
// updates wait in a queue of their own, so the intake never blocks on one
// person: someone who floods (or whose answers are paced at a message a
// second) delays only themself. An entry is acknowledged only after it was
// handled, so a crash leaves it pending and it is handled again (handlers
// make that harmless); a replica takes over only the pending entries of a
// replica whose heartbeat has lapsed, never its own.
type Intake struct {
	Bot      *Bot
	Inbox    Inbox
	Consumer string // stable per replica, so a restart resumes its own pending entries
	// Ordered checks before each update that it is its sender's oldest
	// pending one in Redis, so that with several replicas one person's
	// updates are still handled one after the other, in order.
	Ordered bool
	// MaxQueue bounds one person's queue (256 when zero): beyond it their
	// updates come far faster than any person types, and are dropped like
	// the rest of a flood (a button press gets the flood notice).
	MaxQueue int
	// MaxBuffered bounds the updates held in memory for everybody (20,000
	// when zero); beyond it the intake reads no more until some are done.
	MaxBuffered int
	// Shutdown bounds how long updates already being handled may take once
	// ctx is done (20 s when zero); what is not handled by then stays
	// pending in Redis for the next start.
	Shutdown time.Duration
	// Beat is how often the replica's heartbeat is renewed (2 s when zero);
	// it lapses after five beats.
	Beat time.Duration

	mu      sync.Mutex
	queues  map[UserKey][]InboxEntry
	running map[UserKey]bool
	total   int
	space   chan struct{} // closed when total drops below MaxBuffered
	stopped bool
}

func (in *Intake) defaults() {
	if in.MaxQueue <= 0 {
		in.MaxQueue = 256
	}
	if in.MaxBuffered <= 0 {
		in.MaxBuffered = 20000
	}
	if in.Shutdown <= 0 {
		in.Shutdown = 20 * time.Second
	}
	if in.Beat <= 0 {
		in.Beat = 2 * time.Second
	}
	in.queues = map[UserKey][]InboxEntry{}
	in.running = map[UserKey]bool{}
}

// Run reads the inbox until ctx is done, then gives the updates already
// being handled up to Shutdown to finish before it cancels them and
// returns.
func (in *Intake) Run(ctx context.Context) error {
	in.defaults()
	if err := in.Inbox.EnsureInbox(ctx); err != nil {
		return err
	}
	// Handlers run on a context of their own: shutdown stops the intake
	// from starting new updates at once, and cancels the ones running only
	// when Shutdown has passed.
	work, cancelWork := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelWork()
	var wg sync.WaitGroup
	beatDone := make(chan struct{})
	go func() {
		defer close(beatDone)
		in.heartbeat(ctx)
	}()

	in.resume(ctx, &wg, work)
	in.loop(ctx, &wg, work)

	in.mu.Lock()
	in.stopped = true
	dropped := in.total
	in.mu.Unlock()
	if dropped > 0 {
		in.Bot.log.Info("updates left pending for the next start", "updates", dropped)
	}
	done := make(chan struct{})
	go func() {
		wg.Wait()
		close(done)
	}()
	t := time.NewTimer(in.Shutdown)
	defer t.Stop()
	select {
	case <-done:
	case <-t.C:
		in.Bot.log.Warn("shutdown: updates still being handled are cancelled and stay pending", "after", in.Shutdown)
		cancelWork()
		<-done
	}
	<-beatDone
	return nil
}

// heartbeat tells the other replicas this one is alive until ctx is done.
func (in *Intake) heartbeat(ctx context.Context) {
	ttl := 5 * in.Beat
	for {
		if err := in.Inbox.Heartbeat(ctx, in.Consumer, ttl); err != nil && ctx.Err() == nil {
			in.Bot.log.Warn("heartbeat", "err", err)
		}
		if sleep(ctx, in.Beat) != nil {
			return
		}
	}
}

// resume dispatches the entries this replica took before a restart and
// never finished: they are its own, so they are handled at once.
func (in *Intake) resume(ctx context.Context, wg *sync.WaitGroup, work context.Context) {
	after := "0"
	for ctx.Err() == nil {
		es, err := in.Inbox.PendingInbox(ctx, in.Consumer, after, 1000)
		if err != nil {
			in.Bot.log.Warn("read own pending updates", "err", err)
			_ = sleep(ctx, time.Second)
			continue
		}
		if len(es) > 0 {
			in.Bot.log.Info("resuming own pending updates", "updates", len(es))
		}
		for _, e := range es {
			in.dispatch(ctx, wg, work, e)
			after = e.ID
		}
		if len(es) < 1000 {
			return
		}
	}
}

func (in *Intake) loop(ctx context.Context, wg *sync.WaitGroup, work context.Context) {
	claimEvery := 2 * in.Beat
	lastClaim := time.Time{}
	backoff := 100 * time.Millisecond
	for ctx.Err() == nil {
		if time.Since(lastClaim) > claimEvery {
			// Entries a replica that died took and never finished.
			es, err := in.Inbox.ClaimDead(ctx, in.Consumer, 100)
			if err != nil && ctx.Err() == nil {
				in.Bot.log.Warn("take over a dead replica's updates", "err", err)
			}
			if len(es) > 0 {
				in.Bot.log.Info("took over a dead replica's updates", "updates", len(es))
			}
			for _, e := range es {
				in.dispatch(ctx, wg, work, e)
			}
			lastClaim = time.Now()
		}
		if !in.room(ctx) {
			return
		}
		es, err := in.Inbox.ReadInbox(ctx, in.Consumer, 100, time.Second)
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			in.Bot.log.Warn("read inbox", "err", err)
			_ = sleep(ctx, backoff)
			backoff = min(backoff*2, 5*time.Second)
			continue
		}
		backoff = 100 * time.Millisecond
		for _, e := range es {
			in.dispatch(ctx, wg, work, e)
		}
	}
}

// room waits until fewer than MaxBuffered updates are held, or ctx is done.
func (in *Intake) room(ctx context.Context) bool {
	for {
		in.mu.Lock()
		if in.total < in.MaxBuffered {
			in.mu.Unlock()
			return true
		}
		if in.space == nil {
			in.space = make(chan struct{})
		}
		space := in.space
		in.mu.Unlock()
		select {
		case <-ctx.Done():
			return false
		case <-space:
		}
	}
}

// dispatch puts an entry in its sender's queue, in inbox order, and starts
// the sender's worker if it is not running. It never blocks.
func (in *Intake) dispatch(stop context.Context, wg *sync.WaitGroup, work context.Context, e InboxEntry) {
	user := e.Update.User
	in.mu.Lock()
	q := in.queues[user]
	if len(q) >= in.MaxQueue {
		in.mu.Unlock()
		in.overflow(work, e)
		return
	}
	i, _ := slices.BinarySearchFunc(q, e.ID, func(x InboxEntry, id string) int { return compareIDs(x.ID, id) })
	if i < len(q) && q[i].ID == e.ID {
		in.mu.Unlock()
		return // already queued (claimed twice)
	}
	in.queues[user] = slices.Insert(q, i, e)
	in.total++
	start := !in.running[user]
	in.running[user] = true
	in.mu.Unlock()
	if start {
		wg.Add(1)
		go func() {
			defer wg.Done()
			in.person(stop, work, user)
		}()
	}
}

// overflow drops an update of a person whose queue is full: acknowledged
// unhandled, like the rest of a flood.
func (in *Intake) overflow(ctx context.Context, e InboxEntry) {
	in.Bot.Overflow(ctx, &e.Update)
	if err := in.Inbox.AckInbox(ctx, e.ID); err != nil {
		in.Bot.log.Warn("ack dropped update", "update", e.Update.ID, "err", err)
	}
}

// person handles one person's queue until it is empty. With Ordered, an
// update waits while an earlier one of the same person is pending
// elsewhere (another replica is handling it, or it is still to be taken
// over from a dead one).
func (in *Intake) person(stop, work context.Context, user UserKey) {
	wait := 20 * time.Millisecond
	for {
		in.mu.Lock()
		q := in.queues[user]
		if len(q) == 0 || in.stopped || stop.Err() != nil {
			// Left in Redis: the next start (or another replica) has them.
			in.total -= len(q)
			delete(in.queues, user)
			delete(in.running, user)
			in.freed()
			in.mu.Unlock()
			return
		}
		e := q[0]
		in.mu.Unlock()
		if in.Ordered && user != "" {
			head, err := in.Inbox.OrderHead(work, user)
			if err != nil {
				in.Bot.log.Warn("read update order", "user", user, "err", err)
			}
			if err != nil || (head != "" && compareIDs(head, e.ID) < 0) {
				if sleep(stop, wait) != nil {
					continue
				}
				wait = min(2*wait, time.Second)
				continue
			}
			wait = 20 * time.Millisecond
		}
		in.mu.Lock()
		if q := in.queues[user]; len(q) > 0 && q[0].ID == e.ID {
			in.queues[user] = q[1:]
			in.total--
			in.freed()
		} else {
			// An earlier entry arrived meanwhile (taken over): it goes first.
			in.mu.Unlock()
			continue
		}
		in.mu.Unlock()
		in.handle(stop, work, e)
	}
}

// freed wakes the reader when there is room again; callers hold in.mu.
func (in *Intake) freed() {
	if in.space != nil && in.total < in.MaxBuffered {
		close(in.space)
		in.space = nil
	}
}

// handle runs one entry on ctx (cancelled only when a shutdown overruns);
// stop is the run's context: once it is done, a failing entry is left
// pending for the next run instead of retried.
func (in *Intake) handle(stop, ctx context.Context, e InboxEntry) {
	u := e.Update
	backoff := 200 * time.Millisecond
	for {
		err := in.Bot.Handle(ctx, &u)
		if err == nil {
			break
		}
		// Not handled (Redis unreachable): keep the entry and retry, so
		// nothing is lost; the person's later updates wait behind it.
		in.Bot.log.Warn("update not handled, retrying", "update", u.ID, "err", err)
		if stop.Err() != nil || ctx.Err() != nil {
			return
		}
		_ = sleep(ctx, backoff)
		backoff = min(backoff*2, 10*time.Second)
	}
	for {
		err := in.Inbox.AckInbox(ctx, e.ID)
		if err == nil {
			return
		}
		in.Bot.log.Warn("ack update", "update", u.ID, "err", err)
		if ctx.Err() != nil {
			return
		}
		_ = sleep(ctx, backoff)
		backoff = min(backoff*2, 10*time.Second)
	}
}

// compareIDs orders inbox (stream) ids: "ms-seq".
func compareIDs(a, b string) int {
	am, as, _ := strings.Cut(a, "-")
	bm, bs, _ := strings.Cut(b, "-")
	if c := compareNum(am, bm); c != 0 {
		return c
	}
	return compareNum(as, bs)
}

func compareNum(a, b string) int {
	x, errA := strconv.ParseUint(a, 10, 64)
	y, errB := strconv.ParseUint(b, 10, 64)
	if errA != nil || errB != nil {
		return strings.Compare(a, b)
	}
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
