package cache

import (
	"container/list"
	"context"
	"sync"
	"time"
)

// store keeps encoded answers by key for the TTL.
type store interface {
	// get returns the value, nil when there is none (or it expired).
	get(ctx context.Context, key string) ([]byte, error)
	put(ctx context.Context, key string, val []byte) error
	close() error
}

// memory is an LRU of at most max entries, each expiring after ttl.
type memory struct {
	mu    sync.Mutex
	max   int
	ttl   time.Duration
	now   func() time.Time
	order *list.List // front: most recently used
	items map[string]*list.Element
}

type memItem struct {
	key     string
	val     []byte
	expires time.Time
}

func newMemory(max int, ttl time.Duration) *memory {
	return &memory{max: max, ttl: ttl, now: time.Now, order: list.New(), items: map[string]*list.Element{}}
}

func (m *memory) get(_ context.Context, key string) ([]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	el, ok := m.items[key]
	if !ok {
		return nil, nil
	}
	it := el.Value.(*memItem)
	if !m.now().Before(it.expires) {
		m.order.Remove(el)
		delete(m.items, key)
		return nil, nil
	}
	m.order.MoveToFront(el)
	return it.val, nil
}

func (m *memory) put(_ context.Context, key string, val []byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	exp := m.now().Add(m.ttl)
	if el, ok := m.items[key]; ok {
		it := el.Value.(*memItem)
		it.val, it.expires = val, exp
		m.order.MoveToFront(el)
		return nil
	}
	m.items[key] = m.order.PushFront(&memItem{key: key, val: val, expires: exp})
	for m.order.Len() > m.max {
		last := m.order.Back()
		m.order.Remove(last)
		delete(m.items, last.Value.(*memItem).key)
	}
	return nil
}

func (m *memory) len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.order.Len()
}

func (m *memory) close() error { return nil }
