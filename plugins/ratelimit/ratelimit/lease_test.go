package ratelimit

import (
	"context"
	"math/rand/v2"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	sdk "github.com/llmgw/llmgw/sdk/go"

	"github.com/llmgw/llmgw/plugins/ratelimit/internal/redistest"
)

// leaseHost does what the gateway does with one stage's leases (for one
// client key): admit from a live lease, else call the stage accepting a
// lease; give back what is left when a lease expires or on releaseAll.
type leaseHost struct {
	st    *Stage
	now   func() time.Time
	mu    sync.Mutex
	live  []*heldLease
	calls atomic.Int64
}

type heldLease struct {
	g        *sdk.StageLease
	left     int64
	deadline time.Time
}

// request answers whether one request is admitted, with the
// X-RateLimit-Remaining the client sees.
func (h *leaseHost) request(t *testing.T, req *sdk.StageRequest) (bool, string) {
	t.Helper()
	now := h.now()
	h.mu.Lock()
	h.expireLocked(t, now)
	for _, l := range h.live {
		if l.left > 0 {
			l.left--
			left := l.left
			h.mu.Unlock()
			return true, strconv.FormatInt(l.g.RemainingBase+left, 10)
		}
	}
	h.mu.Unlock()
	h.calls.Add(1)
	req.AcceptsLease = true
	resp, err := h.st.Process(context.Background(), req)
	if err != nil {
		t.Error(err)
		return false, ""
	}
	if resp.Annotations[AnnotationDegraded] != "" {
		t.Error("the limiter's backend could not be reached")
	}
	if g := resp.GetLease(); g != nil {
		h.mu.Lock()
		h.live = append(h.live, &heldLease{g: g, left: g.Permits, deadline: now.Add(time.Duration(g.TtlMs) * time.Millisecond)})
		h.mu.Unlock()
	}
	return !sdk.IsReject(resp), resp.ResponseHeaders[HeaderRemaining]
}

// expireLocked releases the leases whose time is over.
func (h *leaseHost) expireLocked(t *testing.T, now time.Time) {
	var rel []*sdk.ReleasedLease
	h.live = slices.DeleteFunc(h.live, func(l *heldLease) bool {
		if now.Before(l.deadline) && l.left > 0 {
			return false
		}
		if l.left > 0 {
			rel = append(rel, &sdk.ReleasedLease{Id: l.g.Id, Unused: l.left})
		}
		return true
	})
	if err := h.st.Release(context.Background(), rel); err != nil {
		t.Error(err)
	}
}

// releaseAll gives back every unused permit (a reload or a stop).
func (h *leaseHost) releaseAll(t *testing.T) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.expireLocked(t, time.Unix(1<<40, 0))
}

func TestLeaseCapabilities(t *testing.T) {
	s, _ := newTestStage(t, `{"trusted_proxies":["10.0.0.0/8"],"rules":[{"name":"ip","key":"ip","requests":100},{"name":"t","key":"header:X-Tenant","requests":100},{"name":"k","key":"api_key","requests":100},{"name":"m","key":"model","requests":100}]}`)
	fields, ok := sdk.LeaseKeyFields(s.Capabilities())
	want := []string{"client_ip", "header:forwarded", "header:x-forwarded-for", "header:x-tenant", "api_key_hash", "annotation:key.id", "model"}
	if !ok || !slices.Equal(fields, want) {
		t.Fatalf("lease key fields %v (%v), want %v", fields, ok, want)
	}
	for _, cfg := range []string{
		`{"lease":false}`,
		`{"rules":[{"name":"ip","key":"ip","requests":100},{"name":"tpm","key":"ip","tokens":1000}]}`,
	} {
		s, _ := newTestStage(t, cfg)
		if slices.Contains(s.Capabilities(), sdk.CapStageLease) {
			t.Fatalf("%s: declares leases: %v", cfg, s.Capabilities())
		}
	}
	// A host that does not accept leases gets none.
	s, _ = newTestStage(t, `{"rpm":100}`)
	if resp := process(t, s, fromIP("192.0.2.1")); resp.Lease != nil {
		t.Fatalf("lease without accepts_lease: %v", resp.Lease)
	}
}

// TestLeaseExactSequence: one host spending leases sees exactly what it
// would without them — 60 admitted with X-RateLimit-Remaining 59…0, then a
// refusal — with far fewer stage calls.
func TestLeaseExactSequence(t *testing.T) {
	s, clock := newTestStage(t, `{"rpm":60}`)
	h := &leaseHost{st: s, now: clock.Now}
	for i := range 60 {
		ok, rem := h.request(t, fromIP("192.0.2.1"))
		if !ok || rem != strconv.Itoa(59-i) {
			t.Fatalf("request %d: admitted %v, remaining %s, want %d", i+1, ok, rem, 59-i)
		}
		clock.Advance(time.Millisecond)
	}
	if ok, _ := h.request(t, fromIP("192.0.2.1")); ok {
		t.Fatal("request 61 admitted")
	}
	if n := h.calls.Load(); n > 20 {
		t.Fatalf("%d stage calls for 61 requests", n)
	}
	t.Logf("61 requests, %d stage calls", h.calls.Load())
}

// TestLeaseRandomArrivalsNeverExceed: two hosts (replicas) sharing one
// limiter, random arrivals over many windows: no rolling window ever holds
// more than the limit, and the leases' releases keep the limiter's count
// exact (after a release of everything, what was admitted plus what is
// still admitted is exactly the limit).
func TestLeaseRandomArrivalsNeverExceed(t *testing.T) {
	const limit, window = 40, time.Second
	s1, clock := newTestStage(t, `{"rules":[{"name":"r","key":"ip","requests":40,"window":"1s"}],"lease_percent":25,"lease_ttl":"100ms"}`)
	s2, err := newStage(sdk.Config{Raw: []byte(`{"rules":[{"name":"r","key":"ip","requests":40,"window":"1s"}],"lease_percent":25,"lease_ttl":"100ms"}`)}, clock.Now)
	if err != nil {
		t.Fatal(err)
	}
	s2.backend = s1.backend // one shared limiter, as two replicas on one Redis
	hosts := []*leaseHost{{st: s1, now: clock.Now}, {st: s2, now: clock.Now}}
	rng := rand.New(rand.NewPCG(1, 2))
	start := clock.Now()
	var admitted []time.Time
	refused := 0
	for range 20000 {
		clock.Advance(time.Duration(rng.IntN(4000)) * time.Microsecond)
		if ok, _ := hosts[rng.IntN(2)].request(t, fromIP("192.0.2.9")); ok {
			admitted = append(admitted, clock.Now())
		} else {
			refused++
		}
	}
	for i, at := range admitted {
		n := 0
		for j := i; j >= 0 && admitted[j].After(at.Add(-window)); j-- {
			n++
		}
		if n > limit {
			t.Fatalf("%d admitted in the window ending at request %d", n, i)
		}
	}
	// Leases held by one replica may refuse the other's requests for a
	// while, but most of the capacity is still used.
	capacity := int(clock.Now().Sub(start)/window+1) * limit
	if refused == 0 || len(admitted) < capacity*8/10 {
		t.Fatalf("admitted %d of a capacity of %d, refused %d", len(admitted), capacity, refused)
	}
	t.Logf("admitted %d of a capacity of %d, refused %d", len(admitted), capacity, refused)
	// Release everything, then fill the window from one host: the limiter
	// admits exactly what the last window's real admissions left.
	for _, h := range hosts {
		h.releaseAll(t)
	}
	now := clock.Now()
	inWindow := 0
	for _, at := range admitted {
		if at.After(now.Add(-window)) {
			inWindow++
		}
	}
	more := 0
	for {
		ok, _ := hosts[0].request(t, fromIP("192.0.2.9"))
		if !ok {
			break
		}
		more++
	}
	hosts[0].releaseAll(t)
	if inWindow+more != limit {
		t.Fatalf("%d in the window + %d admitted after releasing = %d, want exactly %d", inWindow, more, inWindow+more, limit)
	}
}

// TestLeaseRedisTwoReplicas: two replicas with their own Redis clients and
// leases, 100 concurrent requests against a limit of 60: never more than
// 60; once both give back what their leases hold, exactly 60 in all. (All
// 100 may call the stage: they start before any lease exists.)
func TestLeaseRedisTwoReplicas(t *testing.T) {
	srv := redistest.Start(t)
	cfg := `{"redis_url":"` + srv.URL() + `","redis_timeout":"5s","rpm":60}`
	hosts := []*leaseHost{{st: newRedisStage(t, cfg, nil), now: time.Now}, {st: newRedisStage(t, cfg, nil), now: time.Now}}
	var allowed atomic.Int64
	var wg sync.WaitGroup
	for i := range 100 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if ok, _ := hosts[i%2].request(t, fromIP("192.0.2.50")); ok {
				allowed.Add(1)
			}
		}()
	}
	wg.Wait()
	if allowed.Load() > 60 {
		t.Fatalf("admitted %d, limit 60", allowed.Load())
	}
	calls := hosts[0].calls.Load() + hosts[1].calls.Load()
	for _, h := range hosts {
		h.releaseAll(t)
	}
	for {
		if ok, _ := hosts[0].request(t, fromIP("192.0.2.50")); !ok {
			break
		}
		allowed.Add(1)
	}
	if allowed.Load() != 60 {
		t.Fatalf("admitted %d in all after the leases were released, want exactly 60", allowed.Load())
	}
	t.Logf("100 concurrent requests over two replicas: %d stage calls", calls)
}

// TestLeaseRedisExpiresWithoutRelease: a replica that dies holding a lease
// (never releases) blocks its permits only until the lease's end plus one
// window, like any other admitted request.
func TestLeaseRedisExpiresWithoutRelease(t *testing.T) {
	srv := redistest.Start(t)
	cfg := `{"redis_url":"` + srv.URL() + `","redis_timeout":"5s","rules":[{"name":"r","key":"ip","requests":20,"window":"300ms"}],"lease_percent":50,"lease_ttl":"30ms"}`
	dead := &leaseHost{st: newRedisStage(t, cfg, nil), now: time.Now}
	if ok, _ := dead.request(t, fromIP("192.0.2.7")); !ok {
		t.Fatal("first request refused")
	}
	if len(dead.live) != 1 || dead.live[0].g.Permits < 1 {
		t.Fatalf("no lease: %+v", dead.live)
	}
	held := dead.live[0].g.Permits
	other := &leaseHost{st: newRedisStage(t, cfg, nil), now: time.Now}
	n := 0
	for {
		if ok, _ := other.request(t, fromIP("192.0.2.7")); !ok {
			break
		}
		n++
	}
	other.releaseAll(t)
	if int64(n) != 20-1-held {
		t.Fatalf("the other replica got %d, want %d (20 - 1 - %d held)", n, 20-1-held, held)
	}
	time.Sleep(30*time.Millisecond + 300*time.Millisecond + 50*time.Millisecond)
	n = 0
	for {
		if ok, _ := other.request(t, fromIP("192.0.2.7")); !ok {
			break
		}
		n++
	}
	other.releaseAll(t)
	if n != 20 {
		t.Fatalf("after the dead replica's lease and a window passed: %d admitted, want 20", n)
	}
}

// TestLeaseReleaseFreesPermits: permits one replica holds count for the
// other until given back, then they are the other's.
func TestLeaseReleaseFreesPermits(t *testing.T) {
	s1, clock := newTestStage(t, `{"rpm":60}`)
	s2, err := newStage(sdk.Config{Raw: []byte(`{"rpm":60}`)}, clock.Now)
	if err != nil {
		t.Fatal(err)
	}
	s2.backend = s1.backend
	a, b := &leaseHost{st: s1, now: clock.Now}, &leaseHost{st: s2, now: clock.Now}
	fill := func() int {
		n := 0
		for {
			if ok, _ := b.request(t, fromIP("192.0.2.3")); !ok {
				return n
			}
			n++
		}
	}
	if ok, _ := a.request(t, fromIP("192.0.2.3")); !ok || len(a.live) != 1 || a.live[0].g.Permits != 5 {
		t.Fatalf("replica a: admitted %v, leases %+v; want a lease of 5 (10 %% of 60, the request included)", ok, a.live)
	}
	if n := fill(); n != 54 {
		t.Fatalf("replica b got %d while a holds 5, want 54", n)
	}
	a.releaseAll(t)
	if n := fill(); n != 5 {
		t.Fatalf("replica b got %d after a gave its 5 back, want 5", n)
	}
}

// TestLeaseMax: a large limit's lease stays at lease_max permits, in memory
// and in Redis.
func TestLeaseMax(t *testing.T) {
	srv := redistest.Start(t)
	mem, clock := newTestStage(t, `{"rpm":1000000}`)
	for name, h := range map[string]*leaseHost{
		"memory": {st: mem, now: clock.Now},
		"redis":  {st: newRedisStage(t, `{"redis_url":"`+srv.URL()+`","redis_timeout":"5s","rpm":1000000,"lease_max":250}`, nil), now: time.Now},
	} {
		want := map[string]int64{"memory": 100, "redis": 250}[name]
		if ok, _ := h.request(t, fromIP("192.0.2.4")); !ok || len(h.live) != 1 || h.live[0].g.Permits != want {
			t.Fatalf("%s: admitted %v, leases %+v; want one of %d", name, ok, h.live, want)
		}
		for range want + 1 {
			h.request(t, fromIP("192.0.2.4"))
		}
		if h.calls.Load() != 2 {
			t.Fatalf("%s: %d calls for %d requests, want 2", name, h.calls.Load(), want+2)
		}
		h.releaseAll(t)
	}
}
