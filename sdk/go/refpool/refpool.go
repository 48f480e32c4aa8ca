// Package refpool keeps plugin state alive across a pipeline reload.
//
// A reload configures the new generation of an instance before it closes the
// old one, so for a moment both exist. State that must carry over — a rate
// limiter's counters, a tracker's spool and its single sender — lives in a
// Pool under a key both generations compute alike (the instance name, a
// spool directory): the new generation's Acquire finds the value the old one
// still holds, and the old generation's Release then leaves it open. The
// value is closed when its last handle is released.
//
//	var backends refpool.Pool[string, *limiter.Memory]
//
//	h, err := backends.Acquire(name, func() (*limiter.Memory, error) {
//		return limiter.NewMemory(opts), nil
//	})
//	// use h.Value(); in the instance's Close:
//	return h.Release()
package refpool

import (
	"io"
	"sync"
)

// Pool holds one value per key for as long as some handle to it is held.
// The zero Pool is ready to use; a Pool must not be copied after first use.
// It is safe for concurrent use.
type Pool[K comparable, V io.Closer] struct {
	mu      sync.Mutex
	entries map[K]*entry[V]
}

// entry is one key's value and its reference count.
type entry[V io.Closer] struct {
	refs    int           // guarded by the pool's mutex
	closing bool          // the last handle is gone; guarded by the pool's mutex
	ready   chan struct{} // closed once create has returned
	closed  chan struct{} // closed once the value is closed
	value   V             // set before ready is closed
	err     error         // create's error, set before ready is closed
}

// Handle is one holder's reference to a pooled value.
type Handle[K comparable, V io.Closer] struct {
	pool  *Pool[K, V]
	key   K
	e     *entry[V]
	once  sync.Once
	value V
}

// Acquire returns a handle to the value of key, calling create for a new one
// when no handle to it is held. Concurrent Acquires of one key share one
// create call; create runs without the pool's lock, so other keys are not
// held up. If the value is being closed (its last handle was just released),
// Acquire waits for the close to finish and then creates a fresh value, so
// two values of one key never exist at once. create's error is returned to
// every Acquire that waited for it, and nothing is kept.
func (p *Pool[K, V]) Acquire(key K, create func() (V, error)) (*Handle[K, V], error) {
	for {
		p.mu.Lock()
		if p.entries == nil {
			p.entries = map[K]*entry[V]{}
		}
		e, ok := p.entries[key]
		switch {
		case !ok:
			e = &entry[V]{refs: 1, ready: make(chan struct{}), closed: make(chan struct{})}
			p.entries[key] = e
			p.mu.Unlock()
			return p.create(key, e, create)
		case e.closing:
			p.mu.Unlock()
			<-e.closed
			continue
		}
		e.refs++
		p.mu.Unlock()
		<-e.ready
		if e.err != nil {
			return nil, e.err
		}
		return &Handle[K, V]{pool: p, key: key, e: e, value: e.value}, nil
	}
}

// create makes a new entry's value; a failed entry is dropped.
func (p *Pool[K, V]) create(key K, e *entry[V], create func() (V, error)) (*Handle[K, V], error) {
	v, err := create()
	if err != nil {
		p.mu.Lock()
		delete(p.entries, key)
		p.mu.Unlock()
		e.err = err
		close(e.ready)
		close(e.closed)
		return nil, err
	}
	e.value = v
	close(e.ready)
	return &Handle[K, V]{pool: p, key: key, e: e, value: v}, nil
}

// Value is the pooled value. It stays open at least until Release.
func (h *Handle[K, V]) Value() V { return h.value }

// Release drops the handle's reference; releasing the last one closes the
// value (outside the pool's lock, so a slow Close holds up only Acquires of
// the same key) and returns Close's error. Releasing twice is harmless.
func (h *Handle[K, V]) Release() error {
	var err error
	h.once.Do(func() { err = h.pool.release(h.key, h.e) })
	return err
}

func (p *Pool[K, V]) release(key K, e *entry[V]) error {
	p.mu.Lock()
	e.refs--
	if e.refs > 0 {
		p.mu.Unlock()
		return nil
	}
	e.closing = true
	p.mu.Unlock()

	err := e.value.Close()

	p.mu.Lock()
	delete(p.entries, key)
	p.mu.Unlock()
	close(e.closed)
	return err
}

// Peek returns the value of key if a handle to it is held, without taking
// a reference: the value may be closed as soon as its holders release it.
// It is for reporting and tests, not for using the value.
func (p *Pool[K, V]) Peek(key K) (V, bool) {
	p.mu.Lock()
	e, ok := p.entries[key]
	ok = ok && !e.closing
	p.mu.Unlock()
	var zero V
	if !ok {
		return zero, false
	}
	select {
	case <-e.ready:
		if e.err != nil {
			return zero, false
		}
		return e.value, true
	default:
		return zero, false // still being created
	}
}

// Len is the number of keys with a value held, being created or being
// closed; for tests and metrics.
func (p *Pool[K, V]) Len() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.entries)
}
