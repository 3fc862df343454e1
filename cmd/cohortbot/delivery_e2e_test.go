package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/cohortbot/cohortbot/bot"
	"github.com/cohortbot/cohortbot/bot/telegram/telegramtest"
	"github.com/cohortbot/cohortbot/internal/redistest"
	"github.com/cohortbot/cohortbot/store"
)

// buildBinary builds cmd/cohortbot as operators do, into the test's
// directory.
func buildBinary(t testing.TB) string {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("go not found: %v", err)
	}
	bin := filepath.Join(t.TempDir(), "cohortbot")
	cmd := exec.Command(goBin, "build", "-o", bin, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// process is one `cohortbot serve` child process.
type process struct {
	cmd  *exec.Cmd
	log  *syncBuffer
	done chan struct{}
}

// crashEnv is the built binary, a real Redis, the fake Bot API and the
// broadcast under test.
type crashEnv struct {
	t     *testing.T
	bin   string
	redis *redistest.Server
	tg    *telegramtest.Server
	st    *store.Store
	rate  int
	ids   map[int64]bool
	batch string
	procs []*process
}

// start runs `cohortbot serve`.
func (e *crashEnv) start() *process {
	e.t.Helper()
	p := &process{log: &syncBuffer{}, done: make(chan struct{})}
	p.cmd = exec.Command(e.bin, "serve")
	p.cmd.Env = []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + os.Getenv("HOME"),
		"REDIS_URL=" + e.redis.URL(),
		"TELEGRAM_TOKEN=" + e.tg.Token(),
		"TELEGRAM_API_URL=" + e.tg.URL(),
		"HTTP_ADDR=127.0.0.1:0",
		"SEND_RATE=" + strconv.Itoa(e.rate),
		"LOG_LEVEL=info",
	}
	p.cmd.Stdout, p.cmd.Stderr = p.log, p.log
	if err := p.cmd.Start(); err != nil {
		e.t.Fatalf("start serve: %v", err)
	}
	go func() {
		_ = p.cmd.Wait()
		close(p.done)
	}()
	e.procs = append(e.procs, p)
	return p
}

// kill sends SIGKILL and waits until the process is gone.
func (p *process) kill(t *testing.T) {
	t.Helper()
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
	select {
	case <-p.done:
	case <-time.After(10 * time.Second):
		t.Fatalf("serve did not die on SIGKILL")
	}
}

// stop ends the process the way an operator does.
func (p *process) stop() {
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(20 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.done
	}
}

func (e *crashEnv) logs() string {
	var s string
	for i, p := range e.procs {
		s += fmt.Sprintf("--- serve run %d ---\n%s\n", i+1, p.log.String())
	}
	return s
}

// served counts the successful sends to the broadcast's chats.
func (e *crashEnv) served(calls []telegramtest.Call) int {
	n := 0
	for _, c := range calls {
		if c.Method == "sendMessage" && c.OK() && e.ids[c.ChatID()] {
			n++
		}
	}
	return n
}

// waitServed waits until the fake has answered n sends of the broadcast;
// it reports false when the process died or the batch was done first.
func (e *crashEnv) waitServed(p *process, n int) bool {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	go func() {
		select {
		case <-p.done:
			cancel()
		case <-ctx.Done():
		}
	}()
	err := e.tg.WaitFor(ctx, func(calls []telegramtest.Call) bool { return e.served(calls) >= n })
	if err != nil {
		select {
		case <-p.done:
			e.t.Fatalf("serve exited before sending %d messages:\n%s", n, e.logs())
		default:
		}
		e.t.Fatalf("fake saw %d of %d sends: %v\n%s", e.served(e.tg.Calls("sendMessage")), n, err, e.logs())
	}
	return true
}

// waitFinished polls Redis until every job of the batch is resolved.
func (e *crashEnv) waitFinished(within time.Duration) bot.BatchReport {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), within)
	defer cancel()
	tick := time.NewTicker(25 * time.Millisecond)
	defer tick.Stop()
	for {
		r, err := e.st.BatchReport(ctx, e.batch)
		if err == nil && r.Pending == 0 {
			return r
		}
		select {
		case <-ctx.Done():
			e.t.Fatalf("batch not finished within %v: %+v, %v\n%s", within, r, err, e.logs())
		case <-tick.C:
		}
	}
}

func (e *crashEnv) inFlight() int64 {
	e.t.Helper()
	n, err := e.redis.Client().ZCard(context.Background(), "{o}:flight").Result()
	if err != nil {
		e.t.Fatalf("ZCARD {o}:flight: %v", err)
	}
	return n
}

// crashRun queues a broadcast to 1,000 chats, runs the built binary, kills
// it with SIGKILL `kills` times at random moments while it sends, restarts
// it each time, and checks that nothing was lost and that no more
// messages went out twice than were in flight at the kills.
func crashRun(t *testing.T, kills int) {
	const recipients = 1000
	e := &crashEnv{t: t, bin: buildBinary(t), redis: redistest.Start(t), rate: 250, batch: "an:crash", ids: map[int64]bool{}}
	e.tg = telegramtest.New(t, telegramtest.WithLongPollCap(200*time.Millisecond))
	// The fake enforces the same rate as SEND_RATE: 429s, if any, take
	// part in the run.
	e.tg.SetRateLimit(e.rate)
	e.st = store.New(e.redis.Client())
	t.Cleanup(func() {
		for _, p := range e.procs {
			p.stop()
		}
	})

	jobs := make([]bot.Job, recipients)
	for i := range jobs {
		id := int64(5_000_000 + i)
		e.ids[id] = true
		u := bot.NewUserKey(bot.Telegram, strconv.FormatInt(id, 10))
		jobs[i] = bot.Job{ID: string(u), User: u, Msg: bot.Message{Chat: u.PrivateChat(), Text: fmt.Sprintf("Thông báo số %d: lịch học đợt 2 đã thay đổi.", i)}}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if n, err := e.st.Enqueue(ctx, bot.Batch{ID: e.batch, Kind: "announce", Title: "crash"}, jobs); err != nil || n != recipients {
		t.Fatalf("Enqueue = %d, %v", n, err)
	}

	seed := rand.Uint64()
	rng := rand.New(rand.NewPCG(seed, seed))
	t.Logf("kill points seeded with %d", seed)
	var flight int64
	p := e.start()
	killed := 0
	for killed < kills {
		// A random point in what is left, leaving room for the kills
		// still to come.
		done := e.served(e.tg.Calls("sendMessage"))
		left := recipients - done
		span := left / (kills - killed + 1)
		if span < 2 {
			break
		}
		target := done + 1 + rng.IntN(span)
		e.waitServed(p, target)
		p.kill(t)
		n := e.inFlight()
		flight += n
		killed++
		t.Logf("kill %d after %d of %d sends: %d jobs in flight", killed, e.served(e.tg.Calls("sendMessage")), recipients, n)
		p = e.start()
	}
	if killed == 0 {
		t.Fatal("the batch was sent before any kill: the test proves nothing")
	}

	r := e.waitFinished(60 * time.Second)
	counts := map[int64]int{}
	for _, c := range e.tg.Calls("sendMessage") {
		if c.OK() && e.ids[c.ChatID()] {
			counts[c.ChatID()]++
		}
	}
	duplicates, lost := 0, 0
	for id := range e.ids {
		switch n := counts[id]; {
		case n == 0:
			lost++
		case n > 1:
			duplicates += n - 1
		}
	}
	if lost > 0 {
		t.Errorf("%d of %d chats never got the message", lost, recipients)
	}
	if int64(duplicates) > flight {
		t.Errorf("%d duplicate messages, more than the %d jobs in flight at the %d kills", duplicates, flight, killed)
	}
	if r.Delivered != recipients || len(r.Failed) != 0 || len(r.Unreachable) != 0 {
		t.Errorf("batch report: delivered %d, failed %d, unreachable %d; want %d delivered", r.Delivered, len(r.Failed), len(r.Unreachable), recipients)
	}
	ready, inFlight, err := e.st.OutboxStats(ctx)
	if err != nil || ready != 0 || inFlight != 0 {
		t.Errorf("outbox after the batch: %d ready, %d in flight, %v; want empty", ready, inFlight, err)
	}
	t.Logf("%d kills, %d jobs in flight at them, %d duplicates, %d sends answered 429", killed, flight, duplicates, e.tg.Count429())
	if t.Failed() {
		t.Log(e.logs())
	}
}

// TestBroadcastSurvivesSIGKILL: the built binary, killed with SIGKILL at a
// random moment of a 1,000-message broadcast and started again, loses
// nothing and repeats at most the messages in flight at the kill.
func TestBroadcastSurvivesSIGKILL(t *testing.T) {
	t.Parallel()
	crashRun(t, 1)
}

// TestBroadcastFaultRuns is the long fault run: COHORTBOT_FAULT_RUNS=N
// kills the binary N times during one broadcast (docs/BENCHMARKS.md,
// "Fault runs").
func TestBroadcastFaultRuns(t *testing.T) {
	runs, _ := strconv.Atoi(os.Getenv("COHORTBOT_FAULT_RUNS"))
	if runs <= 0 {
		t.Skip("set COHORTBOT_FAULT_RUNS=N to kill serve N times during a broadcast")
	}
	crashRun(t, runs)
}
