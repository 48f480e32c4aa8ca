package limiter

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"sync"
	"testing"
	"time"
)

type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock { return &fakeClock{t: time.Unix(1_700_000_000, 0)} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func newTestMemory(t testing.TB, clock *fakeClock, maxKeys int) *Memory {
	m := NewMemory(MemoryOptions{MaxKeys: maxKeys, Clock: clock.Now, JanitorInterval: -1})
	t.Cleanup(func() { _ = m.Close() })
	return m
}

func allow(t testing.TB, b Backend, checks ...Check) (bool, []Result) {
	t.Helper()
	res := make([]Result, len(checks))
	ok, err := b.Allow(context.Background(), checks, res)
	if err != nil {
		t.Fatalf("allow: %v", err)
	}
	return ok, res
}

func reqCheck(key string, limit int64, window time.Duration) Check {
	return Check{Key: key, Kind: Requests, Limit: limit, Window: window}
}

func TestMemoryNAllowedThenRejectedUntilOldestLeaves(t *testing.T) {
	clock := newFakeClock()
	m := newTestMemory(t, clock, 100)
	c := reqCheck("per-ip:=1.2.3.4", 60, time.Minute)
	for i := range 60 {
		ok, res := allow(t, m, c)
		if !ok || res[0].Used != int64(i+1) {
			t.Fatalf("request %d: allowed=%v used=%d", i+1, ok, res[0].Used)
		}
		if res[0].ResetAfter != time.Minute-time.Duration(i)*time.Second {
			t.Fatalf("request %d: reset %v", i+1, res[0].ResetAfter)
		}
		clock.Advance(time.Second)
	}
	// now = t0+60s: the first request (t0) has just left the window.
	clock.Advance(-time.Millisecond)
	ok, res := allow(t, m, c)
	if ok || res[0].Allowed || res[0].Used != 60 || res[0].RetryAfter != time.Millisecond {
		t.Fatalf("61st request: allowed=%v %+v", ok, res[0])
	}
	clock.Advance(time.Millisecond)
	if ok, res = allow(t, m, c); !ok || res[0].Used != 60 {
		t.Fatalf("after the oldest left: allowed=%v %+v", ok, res[0])
	}
	if ok, _ = allow(t, m, c); ok {
		t.Fatal("a second slot appeared from one leaving request")
	}
}

// TestMemoryBoundaryBurst is the fixed-window failure: N at the end of one
// minute and N at the start of the next. A sliding log refuses the second N.
func TestMemoryBoundaryBurst(t *testing.T) {
	clock := newFakeClock()
	m := newTestMemory(t, clock, 100)
	c := reqCheck("k", 60, time.Minute)
	clock.Advance(59*time.Second + 900*time.Millisecond)
	for range 60 {
		if ok, _ := allow(t, m, c); !ok {
			t.Fatal("burst refused")
		}
	}
	clock.Advance(200 * time.Millisecond) // a new fixed-window minute
	for range 60 {
		if ok, res := allow(t, m, c); ok {
			t.Fatalf("second burst let through across the boundary: %+v", res[0])
		}
	}
	clock.Advance(59*time.Second + 700*time.Millisecond)
	if ok, _ := allow(t, m, c); ok {
		t.Fatal("admitted 100ms before the first burst left")
	}
	clock.Advance(100 * time.Millisecond) // now = first burst + 60s
	for i := range 60 {
		if ok, _ := allow(t, m, c); !ok {
			t.Fatalf("request %d refused after the first burst left", i)
		}
	}
}

// TestMemoryExactInAnyRollingWindow drives random, bursty arrivals and checks
// both sides of exactness: no rolling window ever holds more than N admitted
// requests, and every refusal happened when the window held exactly N.
func TestMemoryExactInAnyRollingWindow(t *testing.T) {
	const n, w = 10, time.Second
	clock := newFakeClock()
	m := newTestMemory(t, clock, 100)
	c := reqCheck("k", n, w)
	rng := rand.New(rand.NewPCG(1, 2))
	var admitted []time.Time
	countIn := func(from, to time.Time) int { // admitted in (from, to]
		k := 0
		for _, a := range admitted {
			if a.After(from) && !a.After(to) {
				k++
			}
		}
		return k
	}
	for range 5000 {
		clock.Advance(time.Duration(rng.ExpFloat64() * float64(40*time.Millisecond)))
		now := clock.Now()
		ok, res := allow(t, m, c)
		if ok {
			admitted = append(admitted, now)
			continue
		}
		if got := countIn(now.Add(-w), now); got != n {
			t.Fatalf("refused at %v with %d in the window (want %d)", now, got, n)
		}
		if next := now.Add(res[0].RetryAfter); countIn(next.Add(-w), now) != n-1 {
			t.Fatalf("retry-after %v is not when a slot frees", res[0].RetryAfter)
		}
	}
	for _, a := range admitted {
		if got := countIn(a.Add(-w), a); got > n {
			t.Fatalf("%d admitted in the window ending at %v (limit %d)", got, a, n)
		}
	}
	if len(admitted) < 100 {
		t.Fatalf("only %d admitted: the test does not exercise the limit", len(admitted))
	}
}

func TestMemoryTokenLog(t *testing.T) {
	clock := newFakeClock()
	m := newTestMemory(t, clock, 100)
	testTokens(t, m, func(d time.Duration) { clock.Advance(d) })
}

func TestMemoryCheckAllThenCommit(t *testing.T) {
	testCheckAllThenCommit(t, newTestMemory(t, newFakeClock(), 100))
}

func TestMemoryBoundedUnderManyKeys(t *testing.T) {
	clock := newFakeClock()
	m := newTestMemory(t, clock, 1000)
	for i := range 100_000 {
		allow(t, m, reqCheck(fmt.Sprintf("per-ip:=10.%d.%d.%d", i>>16, (i>>8)&255, i&255), 5, time.Minute))
	}
	if k := m.Keys(); k > 1000 || k < 900 {
		t.Fatalf("keys = %d, want ≤ 1000 (and close to it)", k)
	}
	clock.Advance(time.Minute)
	m.Sweep()
	if k := m.Keys(); k != 0 {
		t.Fatalf("keys after every window expired and a sweep = %d", k)
	}
}

func TestMemoryJanitorRuns(t *testing.T) {
	clock := newFakeClock()
	m := NewMemory(MemoryOptions{MaxKeys: 100, Clock: clock.Now, JanitorInterval: 5 * time.Millisecond})
	defer m.Close()
	allow(t, m, reqCheck("a", 1, time.Second))
	clock.Advance(2 * time.Second)
	deadline := time.Now().Add(2 * time.Second)
	for m.Keys() != 0 {
		if time.Now().After(deadline) {
			t.Fatal("janitor did not remove an expired key")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestMemoryConcurrentExact(t *testing.T) {
	m := NewMemory(MemoryOptions{MaxKeys: 100})
	defer m.Close()
	testConcurrentExact(t, m, m)
}

// --- shared by the Memory and Redis tests ---

func testTokens(t *testing.T, b Backend, advance func(time.Duration)) {
	t.Helper()
	ctx := context.Background()
	tok := Check{Key: "per-key-tokens:=abc", Kind: Tokens, Limit: 100, Window: 2 * time.Second}
	if ok, res := allow(t, b, tok); !ok || res[0].Used != 0 {
		t.Fatalf("empty token window: %v %+v", ok, res[0])
	}
	if ok, res := allow(t, b, tok); !ok || res[0].Used != 0 {
		t.Fatalf("a token check must not charge: %v %+v", ok, res[0])
	}
	if err := b.Charge(ctx, []Check{tok}, 60); err != nil {
		t.Fatal(err)
	}
	advance(time.Second)
	if ok, res := allow(t, b, tok); !ok || res[0].Used != 60 {
		t.Fatalf("60 of 100 tokens used: %v %+v", ok, res[0])
	}
	if err := b.Charge(ctx, []Check{tok}, 60); err != nil {
		t.Fatal(err)
	}
	ok, res := allow(t, b, tok)
	if ok || res[0].Used != 120 {
		t.Fatalf("120 of 100 tokens used but admitted: %+v", res[0])
	}
	// The first 60 tokens leave ~1s from now, which brings the sum below 100.
	if res[0].RetryAfter <= 500*time.Millisecond || res[0].RetryAfter > time.Second {
		t.Fatalf("retry after %v, want about 1s", res[0].RetryAfter)
	}
	advance(res[0].RetryAfter + 10*time.Millisecond)
	if ok, res := allow(t, b, tok); !ok || res[0].Used != 60 {
		t.Fatalf("after the first charge left the window: %v %+v", ok, res[0])
	}
}

func testCheckAllThenCommit(t *testing.T, b Backend) {
	t.Helper()
	ip := reqCheck("per-ip:=1.1.1.1", 1, time.Minute)
	ip2 := reqCheck("per-ip:=2.2.2.2", 1, time.Minute)
	model := reqCheck("per-model:=gpt", 3, time.Minute)
	tenant := reqCheck("per-tenant:=t1", 100, time.Minute)
	if ok, res := allow(t, b, ip, model, tenant); !ok || res[1].Used != 1 || res[2].Used != 1 {
		t.Fatalf("first: %v %+v", ok, res)
	}
	ok, res := allow(t, b, ip, model, tenant)
	if ok || res[0].Allowed || !res[1].Allowed || !res[2].Allowed {
		t.Fatalf("second from the same ip must be refused by per-ip only: %v %+v", ok, res)
	}
	if res[1].Used != 1 || res[2].Used != 1 {
		t.Fatalf("a refused request consumed quota of other rules: %+v", res)
	}
	if ok, res := allow(t, b, ip2, model, tenant); !ok || res[1].Used != 2 || res[2].Used != 2 {
		t.Fatalf("another ip: %v %+v", ok, res)
	}
}

func testConcurrentExact(t *testing.T, a, b Backend) {
	t.Helper()
	const limit, total = 60, 100
	c := reqCheck("per-ip:=9.9.9.9", limit, time.Minute)
	var wg sync.WaitGroup
	var mu sync.Mutex
	allowed, errs := 0, 0
	for i := range total {
		wg.Add(1)
		go func(backend Backend) {
			defer wg.Done()
			res := make([]Result, 1)
			ok, err := backend.Allow(context.Background(), []Check{c}, res)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs++
			} else if ok {
				allowed++
			}
		}([]Backend{a, b}[i%2])
	}
	wg.Wait()
	if errs != 0 || allowed != limit {
		t.Fatalf("%d of %d allowed (limit %d), %d errors", allowed, total, limit, errs)
	}
}

func BenchmarkMemoryAllowOneKey(b *testing.B) {
	m := NewMemory(MemoryOptions{})
	defer m.Close()
	checks := []Check{reqCheck("per-ip:=1.2.3.4", 1<<40, time.Second)}
	res := make([]Result, 1)
	b.ReportAllocs()
	for b.Loop() {
		_, _ = m.Allow(context.Background(), checks, res)
	}
}

func BenchmarkMemoryAllowParallel(b *testing.B) {
	m := NewMemory(MemoryOptions{})
	defer m.Close()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		res := make([]Result, 2)
		checks := []Check{
			reqCheck(fmt.Sprintf("per-ip:=%d", rand.Int()), 1000, time.Millisecond),
			reqCheck("per-model:=smart-router", 1<<40, time.Millisecond),
		}
		for pb.Next() {
			_, _ = m.Allow(context.Background(), checks, res)
		}
	})
}

// BenchmarkManyKeys sends every request from a new client (one million
// distinct keys per run at most) against max_keys = 100000, and reports the
// keys held and the heap they take: memory stays bounded however many
// clients come.
func BenchmarkManyKeys(b *testing.B) {
	const maxKeys = 100_000
	m := NewMemory(MemoryOptions{MaxKeys: maxKeys})
	defer m.Close()
	var before runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	res := make([]Result, 1)
	checks := []Check{reqCheck("", 60, time.Minute)}
	i := 0
	for b.Loop() {
		checks[0].Key = fmt.Sprintf("per-ip:=10.%d.%d.%d", (i>>16)&255, (i>>8)&255, i&255) + fmt.Sprint(i>>24)
		_, _ = m.Allow(context.Background(), checks, res)
		i++
	}
	b.StopTimer()
	var after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&after)
	keys := m.Keys()
	if keys > maxKeys {
		b.Fatalf("%d keys held, max_keys %d", keys, maxKeys)
	}
	heap := float64(after.HeapAlloc) - float64(before.HeapAlloc)
	b.ReportMetric(float64(keys), "keys")
	b.ReportMetric(heap/(1<<20), "heap-MB")
	if keys > 0 {
		b.ReportMetric(heap/float64(keys), "B/key")
	}
}

// TestEventLogInsertRemove: lease entries inserted among future ones keep
// the log sorted, and remove takes only entries at the given time.
func TestEventLogInsertRemove(t *testing.T) {
	var l eventLog
	for _, v := range []int64{1, 2, 3, 10, 10, 20} {
		l.push(v, 1, 100)
	}
	l.trim(1) // start the ring past index 0
	l.insert(15)
	l.insert(5)
	l.insert(15)
	l.remove(10, 1)
	l.remove(15, 5)
	l.remove(7, 1)
	var got []int64
	for i := 0; i < l.n; i++ {
		got = append(got, l.t[l.at(i)])
	}
	if fmt.Sprint(got) != "[2 3 5 10 20]" || l.sum != 5 {
		t.Fatalf("log %v sum %d, want [2 3 5 10 20] sum 5", got, l.sum)
	}
}
