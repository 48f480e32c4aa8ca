package limiter

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/llmgw/llmgw/plugins/ratelimit/internal/redistest"
)

func newTestRedis(t *testing.T, srv *redistest.Server, o RedisOptions) *Redis {
	t.Helper()
	o.URL = srv.URL()
	r, err := NewRedis(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = r.Close() })
	return r
}

func TestRedisBadURLHidesPassword(t *testing.T) {
	_, err := NewRedis(RedisOptions{URL: "redis://user:s3cret@host:notaport\x7f/0"})
	if err == nil || !errors.Is(err, ErrBadURL) {
		t.Fatalf("err = %v", err)
	}
	_, err = NewRedis(RedisOptions{URL: "http://user:s3cret@host/"})
	if err == nil || strings.Contains(err.Error(), "s3cret") {
		t.Fatalf("err = %v", err)
	}
}

func TestRedisNAllowedThenRejected(t *testing.T) {
	srv := redistest.Start(t)
	r := newTestRedis(t, srv, RedisOptions{Prefix: t.Name() + ":"})
	c := reqCheck("per-ip:=1.2.3.4", 5, time.Second)
	for i := range 5 {
		ok, res := allow(t, r, c)
		if !ok || res[0].Used != int64(i+1) || res[0].ResetAfter <= 0 || res[0].ResetAfter > time.Second {
			t.Fatalf("request %d: %v %+v", i+1, ok, res[0])
		}
	}
	ok, res := allow(t, r, c)
	if ok || res[0].Allowed || res[0].Used != 5 || res[0].RetryAfter <= 0 || res[0].RetryAfter > time.Second {
		t.Fatalf("6th: %v %+v", ok, res[0])
	}
	time.Sleep(res[0].RetryAfter + 5*time.Millisecond)
	if ok, res = allow(t, r, c); !ok {
		t.Fatalf("after retry-after: %+v", res[0])
	}
}

func TestRedisCheckAllThenCommit(t *testing.T) {
	srv := redistest.Start(t)
	testCheckAllThenCommit(t, newTestRedis(t, srv, RedisOptions{Prefix: "cat:"}))
}

func TestRedisTokenLog(t *testing.T) {
	srv := redistest.Start(t)
	testTokens(t, newTestRedis(t, srv, RedisOptions{Prefix: "tok:"}), time.Sleep)
}

// TestRedisTwoReplicasShareOneExactLimit is two gateway replicas (two
// clients with their own pools) sending 100 concurrent requests against one
// limit of 60.
func TestRedisTwoReplicasShareOneExactLimit(t *testing.T) {
	srv := redistest.Start(t)
	// Exactness is the point here, not the call deadline (its own test): a
	// loaded CI machine may hold a call past the default 250 ms.
	a := newTestRedis(t, srv, RedisOptions{Timeout: 5 * time.Second})
	b := newTestRedis(t, srv, RedisOptions{Timeout: 5 * time.Second})
	testConcurrentExact(t, a, b)
}

func TestRedisOutageFailsFastAndRecovers(t *testing.T) {
	srv := redistest.Start(t)
	var downs, ups atomic.Int32
	// Failing fast is the circuit's work here (a stopped Redis refuses
	// connections at once, then calls fail without trying), not the call
	// deadline's. A long deadline keeps a loaded CI machine from failing the
	// exactness check after the recovery on pool waits (a CI run saw 27
	// errors of 100 there with the default 250 ms), as in
	// TestRedisTwoReplicasShareOneExactLimit.
	r := newTestRedis(t, srv, RedisOptions{
		Timeout:       5 * time.Second,
		ProbeInterval: 50 * time.Millisecond,
		OnDown:        func(error) { downs.Add(1) },
		OnUp:          func(time.Duration, int64) { ups.Add(1) },
	})
	c := reqCheck("per-ip:=5.5.5.5", 10, time.Minute)
	for range 3 {
		if ok, _ := allow(t, r, c); !ok {
			t.Fatal("refused before the outage")
		}
	}

	srv.Stop()
	var wg sync.WaitGroup
	var slowest atomic.Int64
	var okDuring atomic.Int32
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 10 {
				start := time.Now()
				res := make([]Result, 1)
				_, err := r.Allow(context.Background(), []Check{c}, res)
				if d := int64(time.Since(start)); d > slowest.Load() {
					slowest.Store(d)
				}
				if err == nil {
					okDuring.Add(1)
				} else if !errors.Is(err, ErrUnavailable) {
					t.Errorf("error does not wrap ErrUnavailable: %v", err)
				}
				time.Sleep(10 * time.Millisecond)
			}
		}()
	}
	wg.Wait()
	if okDuring.Load() != 0 {
		t.Fatalf("%d calls succeeded with Redis down", okDuring.Load())
	}
	if d := time.Duration(slowest.Load()); d > 500*time.Millisecond {
		t.Fatalf("a call blocked %v with Redis down", d)
	}
	if !r.Down() || downs.Load() != 1 {
		t.Fatalf("down=%v, OnDown called %d times (want once)", r.Down(), downs.Load())
	}

	srv.StartAgain() // empty: limits start afresh, and must be exact again
	deadline := time.Now().Add(5 * time.Second)
	for {
		res := make([]Result, 1)
		if _, err := r.Allow(context.Background(), []Check{reqCheck("probe", 1<<40, time.Second)}, res); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("not reconnected 5s after Redis came back")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if ups.Load() != 1 || downs.Load() != 1 {
		t.Fatalf("OnUp %d, OnDown %d (want 1, 1)", ups.Load(), downs.Load())
	}
	other := newTestRedis(t, srv, RedisOptions{Timeout: 5 * time.Second})
	testConcurrentExact(t, r, other)
}
