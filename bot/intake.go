package bot

import (
	"context"
	"hash/fnv"
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
	PendingInbox(ctx context.Context, consumer string, count int64) ([]InboxEntry, error)
	ClaimInbox(ctx context.Context, consumer string, minIdle time.Duration, count int64) ([]InboxEntry, error)
	AckInbox(ctx context.Context, ids ...string) error
	Lease(ctx context.Context, user UserKey, owner string, ttl time.Duration) (bool, error)
	Release(ctx context.Context, user UserKey, owner string) error
}

// Intake handles recorded updates: one user's in order, different users'
// concurrently. An entry is acknowledged only after it was handled, so a
// crash leaves it pending and another run (or replica) handles it again;
// handlers make that harmless.
type Intake struct {
	Bot      *Bot
	Inbox    Inbox
	Consumer string // stable per replica, so a restart resumes its own pending entries
	Shards   int    // concurrent lanes; a user always maps to the same lane
	// Leases, when set, takes a per-user lease in Redis around each
	// update, so replicas never handle one user's updates at once.
	Leases bool
	// Idle is how long an entry may stay unacknowledged before another
	// consumer takes it over.
	Idle time.Duration
}

const leaseTTL = 30 * time.Second

// Run reads the inbox until ctx is done, then lets in-flight updates
// finish (each within the bot's timeout) before returning.
func (in *Intake) Run(ctx context.Context) error {
	if in.Shards <= 0 {
		// Many lanes: one person's burst, paced at a message a second,
		// holds up only the few others who share their lane.
		in.Shards = 256
	}
	if in.Idle <= 0 {
		in.Idle = time.Minute
	}
	if err := in.Inbox.EnsureInbox(ctx); err != nil {
		return err
	}
	lanes := make([]chan InboxEntry, in.Shards)
	var wg sync.WaitGroup
	// Workers outlive ctx: they drain what was already dispatched, with a
	// context of their own that is not cancelled by shutdown.
	work := context.WithoutCancel(ctx)
	for i := range lanes {
		lanes[i] = make(chan InboxEntry, 16)
		wg.Add(1)
		go func(lane chan InboxEntry) {
			defer wg.Done()
			for e := range lane {
				in.handle(ctx, work, e)
			}
		}(lanes[i])
	}
	err := in.loop(ctx, lanes)
	for _, l := range lanes {
		close(l)
	}
	wg.Wait()
	return err
}

func (in *Intake) loop(ctx context.Context, lanes []chan InboxEntry) error {
	dispatch := func(es []InboxEntry) {
		for _, e := range es {
			lanes[lane(e.Update.User, len(lanes))] <- e
		}
	}
	// First the entries this replica took before a restart and never
	// finished: they are its own, so they are handled at once.
	for ctx.Err() == nil {
		es, err := in.Inbox.PendingInbox(ctx, in.Consumer, 1000)
		if err == nil {
			dispatch(es)
			break
		}
		in.Bot.log.Warn("read own pending updates", "err", err)
		sleep(ctx, time.Second)
	}
	lastClaim := time.Now()
	backoff := 100 * time.Millisecond
	for ctx.Err() == nil {
		if time.Since(lastClaim) > in.Idle/2 {
			// Entries a replica that died took and never finished.
			es, err := in.Inbox.ClaimInbox(ctx, in.Consumer, in.Idle, 100)
			if err == nil {
				lastClaim = time.Now()
				dispatch(es)
			}
		}
		es, err := in.Inbox.ReadInbox(ctx, in.Consumer, 100, time.Second)
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			in.Bot.log.Warn("read inbox", "err", err)
			sleep(ctx, backoff)
			backoff = min(backoff*2, 5*time.Second)
			continue
		}
		backoff = 100 * time.Millisecond
		dispatch(es)
	}
	return nil
}

// handle runs one entry on ctx (not cancelled by shutdown, so an update
// that started finishes); stop is the run's context: once it is done, a
// failing entry is left pending for the next run instead of retried.
func (in *Intake) handle(stop, ctx context.Context, e InboxEntry) {
	u := e.Update
	if in.Leases && u.User != "" {
		for {
			ok, err := in.Inbox.Lease(ctx, u.User, in.Consumer, leaseTTL)
			if err == nil && ok {
				break
			}
			if stop.Err() != nil {
				return
			}
			sleep(stop, 50*time.Millisecond)
		}
		defer func() { _ = in.Inbox.Release(ctx, u.User, in.Consumer) }()
	}
	backoff := 200 * time.Millisecond
	for {
		err := in.Bot.Handle(ctx, &u)
		if err == nil {
			break
		}
		// Not handled (Redis unreachable): keep the entry and retry, so
		// nothing is lost; the user's later updates wait behind it.
		in.Bot.log.Warn("update not handled, retrying", "update", u.ID, "err", err)
		if stop.Err() != nil {
			return
		}
		sleep(stop, backoff)
		backoff = min(backoff*2, 10*time.Second)
	}
	for {
		err := in.Inbox.AckInbox(ctx, e.ID)
		if err == nil {
			return
		}
		in.Bot.log.Warn("ack update", "update", u.ID, "err", err)
		if stop.Err() != nil {
			return
		}
		sleep(stop, backoff)
		backoff = min(backoff*2, 10*time.Second)
	}
}

func lane(u UserKey, n int) int {
	h := fnv.New32a()
	h.Write([]byte(u))
	return int(h.Sum32() % uint32(n))
}

func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}
