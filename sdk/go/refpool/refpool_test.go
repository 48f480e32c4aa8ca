package refpool

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// res is a pooled value that records its life.
type res struct {
	id       int
	closed   atomic.Bool
	closeErr error
	onClose  func()
}

func (r *res) Close() error {
	if r.onClose != nil {
		r.onClose()
	}
	if r.closed.Swap(true) {
		panic("closed twice")
	}
	return r.closeErr
}

// counter hands out values and counts them.
type counter struct{ created atomic.Int32 }

func (c *counter) create() (*res, error) {
	return &res{id: int(c.created.Add(1))}, nil
}

func TestSharedUntilLastRelease(t *testing.T) {
	var p Pool[string, *res]
	var c counter
	old, err := p.Acquire("rl", c.create)
	if err != nil {
		t.Fatal(err)
	}
	// A reload: the new generation acquires before the old one releases.
	next, err := p.Acquire("rl", c.create)
	if err != nil {
		t.Fatal(err)
	}
	if old.Value() != next.Value() || c.created.Load() != 1 {
		t.Fatalf("two values for one key (%d created)", c.created.Load())
	}
	if v, ok := p.Peek("rl"); !ok || v != old.Value() {
		t.Fatal("Peek does not see a held value")
	}
	if err := old.Release(); err != nil || old.Value().closed.Load() {
		t.Fatalf("released with a handle still held: closed=%v err=%v", old.Value().closed.Load(), err)
	}
	if err := old.Release(); err != nil || next.Value().closed.Load() {
		t.Fatal("a second Release of one handle dropped another's reference")
	}
	if err := next.Release(); err != nil || !next.Value().closed.Load() {
		t.Fatal("the last Release did not close the value")
	}
	if err := next.Release(); err != nil {
		t.Fatal(err)
	}
	if p.Len() != 0 {
		t.Fatalf("Len = %d after the last release", p.Len())
	}
	if _, ok := p.Peek("rl"); ok {
		t.Fatal("Peek sees a closed value")
	}
	again, _ := p.Acquire("rl", c.create)
	if again.Value().id != 2 || again.Value().closed.Load() {
		t.Fatal("a key acquired after its close did not get a fresh value")
	}
	_ = again.Release()
}

func TestKeysAreIndependent(t *testing.T) {
	var p Pool[string, *res]
	var c counter
	a, _ := p.Acquire("a", c.create)
	b, _ := p.Acquire("b", c.create)
	if a.Value() == b.Value() || p.Len() != 2 {
		t.Fatal("two keys share a value")
	}
	_ = a.Release()
	if !a.Value().closed.Load() || b.Value().closed.Load() {
		t.Fatal("releasing one key touched the other")
	}
	_ = b.Release()
}

func TestCreateError(t *testing.T) {
	var p Pool[string, *res]
	boom := errors.New("spool locked")
	gate := make(chan struct{})
	calls := atomic.Int32{}
	failing := func() (*res, error) {
		calls.Add(1)
		<-gate
		return nil, boom
	}
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			h, err := p.Acquire("x", failing)
			if h != nil {
				t.Error("a handle with an error")
			}
			errs[i] = err
		}()
	}
	for p.Len() == 0 {
		time.Sleep(time.Millisecond)
	}
	time.Sleep(20 * time.Millisecond) // let the others queue behind the first create
	close(gate)
	wg.Wait()
	for _, err := range errs {
		if !errors.Is(err, boom) {
			t.Fatalf("err = %v", err)
		}
	}
	if p.Len() != 0 {
		t.Fatal("a failed create left an entry")
	}
	var c counter
	h, err := p.Acquire("x", c.create)
	if err != nil || h.Value() == nil {
		t.Fatalf("no retry after a failed create: %v", err)
	}
	_ = h.Release()
	if n := calls.Load(); n > 4 {
		t.Fatalf("create called %d times", n)
	}
}

func TestCloseErrorFromLastRelease(t *testing.T) {
	var p Pool[int, *res]
	want := errors.New("flush failed")
	h, _ := p.Acquire(1, func() (*res, error) { return &res{closeErr: want}, nil })
	if err := h.Release(); !errors.Is(err, want) {
		t.Fatalf("err = %v", err)
	}
}

// An Acquire while the last holder is closing the value waits for the close
// and gets a fresh value: two values of one key (two senders on one spool)
// never exist at once.
func TestAcquireWaitsForClose(t *testing.T) {
	var p Pool[string, *res]
	closing, finish := make(chan struct{}), make(chan struct{})
	old, _ := p.Acquire("spool", func() (*res, error) {
		return &res{id: 1, onClose: func() { close(closing); <-finish }}, nil
	})
	released := make(chan error)
	go func() { released <- old.Release() }()
	<-closing
	got := make(chan *Handle[string, *res])
	go func() {
		h, _ := p.Acquire("spool", func() (*res, error) {
			if !old.Value().closed.Load() {
				t.Error("created while the old value was still open")
			}
			return &res{id: 2}, nil
		})
		got <- h
	}()
	select {
	case <-got:
		t.Fatal("Acquire did not wait for the close")
	case <-time.After(50 * time.Millisecond):
	}
	close(finish)
	<-released
	h := <-got
	if h.Value().id != 2 {
		t.Fatalf("got value %d", h.Value().id)
	}
	_ = h.Release()
}

// Many goroutines acquiring and releasing a few keys: at most one open value
// per key at any time, every value closed exactly once, nothing left.
func TestConcurrentUse(t *testing.T) {
	var p Pool[string, *res]
	var open [3]atomic.Int32
	var created, closed atomic.Int32
	var wg sync.WaitGroup
	for g := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 300 {
				k := (g + i) % len(open)
				h, err := p.Acquire(fmt.Sprint(k), func() (*res, error) {
					if open[k].Add(1) != 1 {
						t.Errorf("key %d: two values open at once", k)
					}
					created.Add(1)
					return &res{id: k, onClose: func() { open[k].Add(-1); closed.Add(1) }}, nil
				})
				if err != nil {
					t.Error(err)
					return
				}
				if h.Value().closed.Load() {
					t.Error("handed out a closed value")
				}
				if i%7 == 0 {
					time.Sleep(time.Microsecond)
				}
				_ = h.Release()
			}
		}()
	}
	wg.Wait()
	if p.Len() != 0 || created.Load() != closed.Load() || created.Load() == 0 {
		t.Fatalf("len %d, created %d, closed %d", p.Len(), created.Load(), closed.Load())
	}
}
