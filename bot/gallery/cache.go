package gallery

import (
	"container/list"
	"sync"
)

// lru keeps the most recently served photos up to a number of bytes, so
// that a page refreshing every few seconds in several rooms does not
// download and re-encode every photo each time.
type lru struct {
	mu    sync.Mutex
	max   int
	size  int
	order *list.List // front: most recently used
	items map[string]*list.Element
}

type lruItem struct {
	key  string
	data []byte
}

func newLRU(maxBytes int) *lru {
	return &lru{max: maxBytes, order: list.New(), items: make(map[string]*list.Element)}
}

func (c *lru) get(key string) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.items[key]
	if !ok {
		return nil, false
	}
	c.order.MoveToFront(e)
	return e.Value.(*lruItem).data, true
}

// add stores data, evicting the least recently used until it fits. A value
// larger than the whole cache is not kept.
func (c *lru) add(key string, data []byte) {
	if len(data) > c.max {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.items[key]; ok {
		c.size -= len(e.Value.(*lruItem).data)
		e.Value.(*lruItem).data = data
		c.size += len(data)
		c.order.MoveToFront(e)
	} else {
		c.items[key] = c.order.PushFront(&lruItem{key: key, data: data})
		c.size += len(data)
	}
	for c.size > c.max {
		e := c.order.Back()
		it := e.Value.(*lruItem)
		c.order.Remove(e)
		delete(c.items, it.key)
		c.size -= len(it.data)
	}
}

// bytes is the total size kept.
func (c *lru) bytes() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.size
}
