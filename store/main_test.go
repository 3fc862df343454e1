package store_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/cohortbot/cohortbot/store"
)

// exampleAddr is the address of the redis-server that TestMain starts for
// the Example functions, which cannot take a testing.TB and so cannot use
// redistest. Tests use a server of their own (MustStore) instead.
var exampleAddr string

func TestMain(m *testing.M) {
	srv, err := startRedis()
	if err != nil {
		// A missing redis-server fails the package; it never skips.
		fmt.Fprintln(os.Stderr, "store tests:", err)
		os.Exit(1)
	}
	exampleAddr = srv.addr
	// TestRedisDownAndBack makes go-redis log every failed dial on purpose;
	// the test itself checks what callers see.
	redis.SetLogger(discardLogger{})
	code := m.Run()
	srv.stop()
	os.Exit(code)
}

// exampleStore returns a Store on the examples' server, emptied first so
// that every example starts from nothing, however often it runs.
func exampleStore() *store.Store {
	st := store.New(redis.NewClient(&redis.Options{Addr: exampleAddr}))
	if err := st.Client().FlushDB(context.Background()).Err(); err != nil {
		panic(fmt.Sprintf("flush example redis: %v", err))
	}
	return st
}

// redisProc is a redis-server started without a testing.TB.
type redisProc struct {
	addr string
	dir  string
	cmd  *exec.Cmd
}

func startRedis() (*redisProc, error) {
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		return nil, fmt.Errorf("redis-server not found (run .ci/run or apt-get install redis-server): %w", err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("find free port: %w", err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	dir, err := os.MkdirTemp("", "store-example-redis-")
	if err != nil {
		return nil, err
	}
	p := &redisProc{addr: "127.0.0.1:" + strconv.Itoa(port), dir: dir}
	p.cmd = exec.Command(bin, "--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--save", "",
		"--appendonly", "no", "--dir", dir, "--logfile", filepath.Join(dir, "redis.log"))
	if err := p.cmd.Start(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("start redis-server: %w", err)
	}
	if err := p.waitPing(10 * time.Second); err != nil {
		log, _ := os.ReadFile(filepath.Join(dir, "redis.log"))
		p.stop()
		return nil, fmt.Errorf("redis-server did not answer on %s: %w\n%s", p.addr, err, log)
	}
	return p, nil
}

func (p *redisProc) waitPing(within time.Duration) error {
	c := redis.NewClient(&redis.Options{Addr: p.addr, MaxRetries: -1})
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), within)
	defer cancel()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		err := c.Ping(ctx).Err()
		if err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return errors.Join(err, ctx.Err())
		case <-tick.C:
		}
	}
}

func (p *redisProc) stop() {
	_ = p.cmd.Process.Kill()
	_ = p.cmd.Wait()
	_ = os.RemoveAll(p.dir)
}

type discardLogger struct{}

func (discardLogger) Printf(context.Context, string, ...any) {}
