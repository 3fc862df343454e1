// Package embedded is the store of `cohortbot console` when no Redis is
// configured: miniredis, in memory, with the one command the store's
// scripts use that miniredis lacks (BITFIELD, for the contest's tallies).
package embedded

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/alicebob/miniredis/v2/server"
)

// Start starts an in-memory Redis on a free local port, its clock at now.
// miniredis does not count TTLs down by itself: call FastForward.
func Start(now time.Time) (*miniredis.Miniredis, error) {
	m := miniredis.NewMiniRedis()
	if err := m.Start(); err != nil {
		return nil, fmt.Errorf("start embedded store: %w", err)
	}
	srv := m.Server()
	if err := srv.Register("BITFIELD", func(c *server.Peer, _ string, args []string) { bitfield(srv, c, args) }); err != nil {
		m.Close()
		return nil, fmt.Errorf("start embedded store: %w", err)
	}
	m.SetTime(now)
	return m, nil
}

// field is a BITFIELD type at an offset: i8 to i64 or u8 to u32 at a
// whole byte. Redis allows any width and bit; the store uses whole bytes
// only, and this subset refuses the rest rather than get it wrong.
type field struct {
	signed bool
	bits   int
	byte   int64 // offset in bytes
}

type bitOp struct {
	kind  string // GET, SET or INCRBY
	f     field
	value int64
}

// bitfield runs BITFIELD key [GET type offset] [SET type offset value]
// [INCRBY type offset increment] [OVERFLOW WRAP] … with Redis's default
// wrap-around overflow, replying with one integer per GET, SET (the old
// value) and INCRBY (the new value). It reads and writes the string with
// GETRANGE and SETRANGE on the caller's connection, so inside a script
// (the store's only use) it runs under the script's lock, atomically.
func bitfield(srv *server.Server, c *server.Peer, args []string) {
	if len(args) < 1 {
		c.WriteError("ERR wrong number of arguments for 'bitfield' command")
		return
	}
	key := args[0]
	ops, err := parseBitOps(args[1:])
	if err != nil {
		c.WriteError(err.Error())
		return
	}
	out := make([]int64, 0, len(ops))
	for _, op := range ops {
		cur, err := readField(srv, c, key, op.f)
		if err != nil {
			c.WriteError(err.Error())
			return
		}
		switch op.kind {
		case "GET":
			out = append(out, cur)
		case "SET":
			if err := writeField(srv, c, key, op.f, op.value); err != nil {
				c.WriteError(err.Error())
				return
			}
			out = append(out, cur)
		case "INCRBY":
			v := op.f.wrap(cur + op.value)
			if err := writeField(srv, c, key, op.f, v); err != nil {
				c.WriteError(err.Error())
				return
			}
			out = append(out, v)
		}
	}
	c.WriteLen(len(out))
	for _, v := range out {
		c.WriteInt(int(v))
	}
}

func parseBitOps(args []string) ([]bitOp, error) {
	var ops []bitOp
	for len(args) > 0 {
		kind := strings.ToUpper(args[0])
		switch kind {
		case "OVERFLOW":
			if len(args) < 2 {
				return nil, errors.New("ERR syntax error")
			}
			if !strings.EqualFold(args[1], "WRAP") {
				return nil, errors.New("ERR the embedded store's BITFIELD supports OVERFLOW WRAP only")
			}
			args = args[2:]
		case "GET", "SET", "INCRBY":
			n := 3
			if kind != "GET" {
				n = 4
			}
			if len(args) < n {
				return nil, errors.New("ERR syntax error")
			}
			f, err := parseField(args[1], args[2])
			if err != nil {
				return nil, err
			}
			op := bitOp{kind: kind, f: f}
			if kind != "GET" {
				if op.value, err = strconv.ParseInt(args[3], 10, 64); err != nil {
					return nil, errors.New("ERR value is not an integer or out of range")
				}
			}
			ops = append(ops, op)
			args = args[n:]
		default:
			return nil, errors.New("ERR syntax error")
		}
	}
	return ops, nil
}

func parseField(typ, offset string) (field, error) {
	var f field
	if len(typ) < 2 || (typ[0] != 'i' && typ[0] != 'u') {
		return f, errors.New("ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.")
	}
	f.signed = typ[0] == 'i'
	bits, err := strconv.Atoi(typ[1:])
	if err != nil || bits <= 0 || bits%8 != 0 || bits > 64 || (!f.signed && bits > 32) {
		return f, fmt.Errorf("ERR the embedded store's BITFIELD supports i8, i16, i32, i64, u8, u16 and u32 only, not %s", typ)
	}
	f.bits = bits
	mult := int64(1)
	if strings.HasPrefix(offset, "#") {
		offset, mult = offset[1:], int64(bits)
	}
	off, err := strconv.ParseInt(offset, 10, 64)
	if err != nil || off < 0 {
		return f, errors.New("ERR bit offset is not an integer or out of range")
	}
	off *= mult
	if off%8 != 0 {
		return f, errors.New("ERR the embedded store's BITFIELD supports offsets at whole bytes only")
	}
	f.byte = off / 8
	return f, nil
}

// wrap cuts v to the field's width, as Redis's OVERFLOW WRAP does.
func (f field) wrap(v int64) int64 {
	shift := 64 - f.bits
	if f.signed {
		return int64(uint64(v)<<shift) >> shift
	}
	return int64(uint64(v) << shift >> shift)
}

// readField reads the field, big-endian; bytes past the string's end are
// zeros, as in Redis.
func readField(srv *server.Server, c *server.Peer, key string, f field) (int64, error) {
	size := int64(f.bits / 8)
	r, err := call(srv, c, "GETRANGE", key, strconv.FormatInt(f.byte, 10), strconv.FormatInt(f.byte+size-1, 10))
	if err != nil {
		return 0, err
	}
	s, _ := r.(string)
	var b [8]byte
	copy(b[8-size:], s)
	return f.wrap(int64(binary.BigEndian.Uint64(b[:]))), nil
}

func writeField(srv *server.Server, c *server.Peer, key string, f field, v int64) error {
	size := f.bits / 8
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], uint64(v))
	_, err := call(srv, c, "SETRANGE", key, strconv.FormatInt(f.byte, 10), string(b[8-size:]))
	return err
}

// call runs one command on the caller's connection state and returns its
// reply; an error reply is an error.
func call(srv *server.Server, c *server.Peer, args ...string) (any, error) {
	var buf bytes.Buffer
	w := bufio.NewWriter(&buf)
	p := server.NewPeer(w)
	p.Ctx = c.Ctx
	srv.Dispatch(p, args)
	if err := w.Flush(); err != nil {
		return nil, err
	}
	return server.ParseReply(bufio.NewReader(&buf))
}
