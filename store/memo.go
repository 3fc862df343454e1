package store

import "sync"

// memo keeps values decoded from what Redis returned, each with the text
// it was decoded from, so that the same text read again is not decoded
// again: the vote path reads the same member and entry JSON press after
// press. It is checked against the text just read, so it never serves
// anything but the current value, and it hands out copies.
type memo[K comparable, V any] struct {
	mu sync.Mutex
	m  map[K]memoEntry[V]
}

type memoEntry[V any] struct {
	raw string
	v   V
}

// memoMax bounds a memo: past it, it starts again empty.
const memoMax = 50_000

// decode returns raw decoded, from the memo when k was last decoded from
// the same raw text.
func (c *memo[K, V]) decode(k K, raw string, decode func(string) (V, error)) (V, error) {
	c.mu.Lock()
	e, ok := c.m[k]
	c.mu.Unlock()
	if ok && e.raw == raw {
		return e.v, nil
	}
	v, err := decode(raw)
	if err != nil {
		return v, err
	}
	c.mu.Lock()
	if c.m == nil || len(c.m) >= memoMax {
		c.m = make(map[K]memoEntry[V])
	}
	c.m[k] = memoEntry[V]{raw: raw, v: v}
	c.mu.Unlock()
	return v, nil
}
