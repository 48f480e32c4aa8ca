package limiter

import (
	"context"
	"hash/maphash"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// MemoryOptions configure a Memory backend.
type MemoryOptions struct {
	// MaxKeys bounds the number of keys kept (default 100000). When a key must
	// be added and its shard is full, the least recently used key is dropped.
	MaxKeys int
	// Clock returns the current time (default time.Now). Only differences
	// between its values matter.
	Clock func() time.Time
	// JanitorInterval is how often keys whose window is empty are removed
	// (default 10s; negative disables the janitor).
	JanitorInterval time.Duration
}

// Memory is an exact sliding-log backend kept in this process: per key a
// ring of event times (and amounts, for token limits), in sharded maps, with
// a least-recently-used bound on the number of keys and a janitor that
// removes keys whose window is empty.
type Memory struct {
	shards   []memShard
	perShard int
	seed     maphash.Seed
	clock    func() time.Time
	base     time.Time

	evictedActive atomic.Int64

	stop chan struct{}
	done chan struct{}
	once sync.Once
}

type memShard struct {
	mu   sync.Mutex
	m    map[string]*entry
	head *entry // most recently used
	tail *entry // least recently used
	_    [40]byte
}

// entry is one key's sliding log, linked into its shard's LRU list.
type entry struct {
	key        string
	window     int64
	log        eventLog
	prev, next *entry
}

const maxShards = 32

// NewMemory returns a Memory backend; Close stops its janitor.
func NewMemory(o MemoryOptions) *Memory {
	if o.MaxKeys <= 0 {
		o.MaxKeys = 100000
	}
	if o.Clock == nil {
		o.Clock = time.Now
	}
	if o.JanitorInterval == 0 {
		o.JanitorInterval = 10 * time.Second
	}
	n := min(maxShards, o.MaxKeys)
	m := &Memory{
		shards:   make([]memShard, n),
		perShard: o.MaxKeys / n,
		seed:     maphash.MakeSeed(),
		clock:    o.Clock,
		stop:     make(chan struct{}),
		done:     make(chan struct{}),
	}
	m.base = m.clock()
	for i := range m.shards {
		m.shards[i].m = make(map[string]*entry)
	}
	if o.JanitorInterval > 0 {
		go m.janitor(o.JanitorInterval)
	} else {
		close(m.done)
	}
	return m
}

// now is the clock as nanoseconds since the backend started (monotonic with
// the default clock, so a wall-clock jump changes nothing).
func (m *Memory) now() int64 { return int64(m.clock().Sub(m.base)) }

func (m *Memory) shardOf(key string) int {
	return int(maphash.String(m.seed, key) % uint64(len(m.shards)))
}

// lock locks the shards of every key in ascending order (so concurrent
// multi-key calls cannot deadlock) and returns each check's shard index.
func (m *Memory) lock(checks []Check, idx []int) []int {
	var locked [maxShards]bool
	for _, c := range checks {
		i := m.shardOf(c.Key)
		idx = append(idx, i)
		locked[i] = true
	}
	for i := range m.shards {
		if locked[i] {
			m.shards[i].mu.Lock()
		}
	}
	return idx
}

func (m *Memory) unlock(idx []int) {
	var unlocked [maxShards]bool
	for _, i := range idx {
		if !unlocked[i] {
			unlocked[i] = true
			m.shards[i].mu.Unlock()
		}
	}
}

// Allow implements Backend.
func (m *Memory) Allow(ctx context.Context, checks []Check, results []Result) (bool, error) {
	ok, _, err := m.Grant(ctx, checks, results, 0, 0)
	return ok, err
}

// Grant implements Backend. A lease's permits are recorded at now+ttl; the
// log stays sorted (they are inserted among the other leases' future
// entries).
func (m *Memory) Grant(_ context.Context, checks []Check, results []Result, want int64, ttl time.Duration) (bool, Lease, error) {
	var buf [8]int
	idx := m.lock(checks, buf[:0])
	defer m.unlock(idx)
	now := m.now()

	allowed := true
	for i, c := range checks {
		sh := &m.shards[idx[i]]
		w := int64(c.Window)
		r := Result{Allowed: true}
		if e := sh.m[c.Key]; e != nil {
			sh.touch(e)
			e.window = w // a reload may have changed the rule's window
			e.log.trim(now - w)
			r.Used = e.log.sum
			if r.Used >= c.Limit {
				r.Allowed = false
				r.RetryAfter = time.Duration(e.log.freeAt(c.Limit) + w - now)
				allowed = false
			}
		}
		results[i] = r
	}
	var lease Lease
	if allowed && want > 0 {
		lease.Permits = want
		for i, c := range checks {
			if c.Kind != Requests {
				lease.Permits = 0
				break
			}
			lease.Permits = min(lease.Permits, leaseShare(c.Limit, results[i].Used+1))
		}
	}
	at := now + int64(ttl)
	if lease.Permits > 0 {
		lease.Ref = strconv.FormatInt(at, 10)
	}
	for i, c := range checks {
		sh := &m.shards[idx[i]]
		if allowed && c.Kind == Requests {
			e := sh.getOrCreate(m, c.Key, int64(c.Window), false)
			// insert, not push: other leases' entries may lie ahead of now.
			e.log.insert(now)
			for range lease.Permits {
				e.log.insert(at)
			}
			results[i].Used = e.log.sum
		}
		if e := sh.m[c.Key]; e != nil && e.log.n > 0 {
			results[i].ResetAfter = time.Duration(e.log.oldest() + int64(c.Window) - now)
		}
	}
	return allowed, lease, nil
}

// Release implements Backend: it removes unused entries at the lease's time
// from every request log.
func (m *Memory) Release(_ context.Context, checks []Check, lease Lease, unused int64) error {
	at, err := strconv.ParseInt(lease.Ref, 10, 64)
	if err != nil || unused <= 0 {
		return nil
	}
	var buf [8]int
	idx := m.lock(checks, buf[:0])
	defer m.unlock(idx)
	for i, c := range checks {
		if e := m.shards[idx[i]].m[c.Key]; e != nil && c.Kind == Requests {
			e.log.remove(at, unused)
		}
	}
	return nil
}

// Charge implements Backend.
func (m *Memory) Charge(_ context.Context, checks []Check, amount int64) error {
	if amount <= 0 {
		return nil
	}
	var buf [8]int
	idx := m.lock(checks, buf[:0])
	defer m.unlock(idx)
	now := m.now()
	for i, c := range checks {
		w := int64(c.Window)
		e := m.shards[idx[i]].getOrCreate(m, c.Key, w, c.Kind == Tokens)
		e.log.trim(now - w)
		e.log.push(now, amount, w)
	}
	return nil
}

// Keys returns the number of keys held.
func (m *Memory) Keys() int {
	n := 0
	for i := range m.shards {
		sh := &m.shards[i]
		sh.mu.Lock()
		n += len(sh.m)
		sh.mu.Unlock()
	}
	return n
}

// EvictedActive returns how many keys were dropped by the MaxKeys bound while
// their window still held events (each such client got a fresh window).
func (m *Memory) EvictedActive() int64 { return m.evictedActive.Load() }

// Sweep removes every key whose window is empty; the janitor calls it.
func (m *Memory) Sweep() {
	for i := range m.shards {
		sh := &m.shards[i]
		sh.mu.Lock()
		now := m.now()
		for e := sh.tail; e != nil; {
			prev := e.prev
			e.log.trim(now - e.window)
			if e.log.n == 0 {
				sh.remove(e)
			}
			e = prev
		}
		sh.mu.Unlock()
	}
}

// Close implements Backend: it stops the janitor.
func (m *Memory) Close() error {
	m.once.Do(func() { close(m.stop) })
	<-m.done
	return nil
}

func (m *Memory) janitor(every time.Duration) {
	defer close(m.done)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-m.stop:
			return
		case <-t.C:
			m.Sweep()
		}
	}
}

func (sh *memShard) getOrCreate(m *Memory, key string, window int64, weighted bool) *entry {
	if e := sh.m[key]; e != nil {
		sh.touch(e)
		e.window = window
		return e
	}
	if len(sh.m) >= m.perShard && sh.tail != nil {
		victim := sh.tail
		victim.log.trim(m.now() - victim.window)
		if victim.log.n > 0 {
			m.evictedActive.Add(1)
		}
		sh.remove(victim)
	}
	e := &entry{key: key, window: window, log: eventLog{weighted: weighted}}
	sh.m[key] = e
	sh.pushFront(e)
	return e
}

func (sh *memShard) touch(e *entry) {
	if sh.head == e {
		return
	}
	sh.unlink(e)
	sh.pushFront(e)
}

func (sh *memShard) pushFront(e *entry) {
	e.prev, e.next = nil, sh.head
	if sh.head != nil {
		sh.head.prev = e
	}
	sh.head = e
	if sh.tail == nil {
		sh.tail = e
	}
}

func (sh *memShard) unlink(e *entry) {
	if e.prev != nil {
		e.prev.next = e.next
	} else {
		sh.head = e.next
	}
	if e.next != nil {
		e.next.prev = e.prev
	} else {
		sh.tail = e.prev
	}
	e.prev, e.next = nil, nil
}

func (sh *memShard) remove(e *entry) {
	sh.unlink(e)
	delete(sh.m, e.key)
}

// eventLog is a ring of event times in ascending order; for weighted logs
// (token limits) each event also has an amount. sum is the total of the
// events held.
type eventLog struct {
	t        []int64
	w        []int64 // nil unless weighted
	weighted bool
	start, n int
	sum      int64
}

// coalesceParts bounds a token log: an event closer than window/coalesceParts
// to the newest one is merged into it, moving it to the later time. A merged
// amount leaves the window at most window/coalesceParts late — never early —
// so the limit is never exceeded.
const coalesceParts = 4096

func (l *eventLog) at(i int) int { return (l.start + i) % len(l.t) }

func (l *eventLog) weight(j int) int64 {
	if l.weighted {
		return l.w[j]
	}
	return 1
}

// trim drops the events at or before cutoff.
func (l *eventLog) trim(cutoff int64) {
	for l.n > 0 && l.t[l.start] <= cutoff {
		l.sum -= l.weight(l.start)
		l.start = (l.start + 1) % len(l.t)
		l.n--
	}
	if l.n == 0 {
		l.start, l.sum = 0, 0
		if len(l.t) > 64 {
			l.t, l.w = nil, nil // let an idle key shrink back
		}
	}
}

func (l *eventLog) oldest() int64 { return l.t[l.start] }

// freeAt returns the time of the event whose leaving brings the sum below
// limit (called only when sum ≥ limit).
func (l *eventLog) freeAt(limit int64) int64 {
	if !l.weighted {
		return l.t[l.at(int(l.sum-limit))]
	}
	left := l.sum
	for i := 0; i < l.n; i++ {
		j := l.at(i)
		left -= l.w[j]
		if left < limit {
			return l.t[j]
		}
	}
	return l.t[l.at(l.n-1)]
}

func (l *eventLog) push(t, amount, window int64) {
	if l.weighted && l.n > 0 {
		last := l.at(l.n - 1)
		if t-l.t[last] < window/coalesceParts {
			l.t[last] = t
			l.w[last] += amount
			l.sum += amount
			return
		}
	}
	if l.n == len(l.t) {
		l.grow()
	}
	j := l.at(l.n)
	l.t[j] = t
	if l.weighted {
		l.w[j] = amount
	}
	l.n++
	l.sum += amount
}

// insert adds one unweighted event at t, keeping the log sorted: events
// later than t (other leases' future entries) move up by one.
func (l *eventLog) insert(t int64) {
	if l.n == len(l.t) {
		l.grow()
	}
	i := l.n
	for ; i > 0 && l.t[l.at(i-1)] > t; i-- {
		l.t[l.at(i)] = l.t[l.at(i-1)]
	}
	l.t[l.at(i)] = t
	l.n++
	l.sum++
}

// remove drops up to count unweighted events at exactly t (a lease's unused
// permits; events at one time are interchangeable). The log is sorted, so
// they are found by binary search and only the events after them (other
// leases' future entries: few) move.
func (l *eventLog) remove(t, count int64) {
	hi := sort.Search(l.n, func(i int) bool { return l.t[l.at(i)] > t })
	lo := hi
	for lo > 0 && int64(hi-lo) < count && l.t[l.at(lo-1)] == t {
		lo--
	}
	c := hi - lo
	if c == 0 {
		return
	}
	for i := hi; i < l.n; i++ {
		l.t[l.at(i-c)] = l.t[l.at(i)]
	}
	l.n -= c
	l.sum -= int64(c)
	if l.n == 0 {
		l.start, l.sum = 0, 0
	}
}

func (l *eventLog) grow() {
	size := max(4, 2*len(l.t))
	t := make([]int64, size)
	var w []int64
	if l.weighted {
		w = make([]int64, size)
	}
	for i := 0; i < l.n; i++ {
		j := l.at(i)
		t[i] = l.t[j]
		if l.weighted {
			w[i] = l.w[j]
		}
	}
	l.t, l.w, l.start = t, w, 0
}
