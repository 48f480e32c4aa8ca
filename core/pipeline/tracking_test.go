package pipeline

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"

	sdk "github.com/llmgw/llmgw/sdk/go"
	pb "github.com/llmgw/llmgw/sdk/go/proto/llmgw/v1"
	"github.com/llmgw/llmgw/sdk/go/sdktest"
)

// stuckTracker never acknowledges an event; while hung, its calls block
// until released (or their deadline).
type stuckTracker struct {
	hung    atomic.Bool
	release chan struct{}
	calls   atomic.Int64
}

func (s *stuckTracker) Track(ctx context.Context, _ []*sdk.Event) ([]string, error) {
	s.calls.Add(1)
	if s.hung.Load() {
		select {
		case <-s.release:
		case <-ctx.Done():
		}
		return nil, fmt.Errorf("hung")
	}
	return nil, nil
}

// TestStuckTrackerMemoryIsBounded: a tracker that never acknowledges holds
// at most 10 × tracker_queue events in the host (the oldest dropped and
// counted), and one that hangs holds the queue's size; every event is
// either held or counted in llmgw_tracker_dropped_events_total.
func TestStuckTrackerMemoryIsBounded(t *testing.T) {
	st := &stuckTracker{release: make(chan struct{})}
	h := sdktest.Start(t, sdk.Plugin{Name: "stuck", Version: "0.0.1", Tracker: func(sdk.Config) (sdk.Tracker, error) { return st, nil }})
	rt := newTestRuntime(t, threeProviders("", "")) // tracker_queue 16
	rt.host.Attach("stuck", h.Client)
	if err := rt.load("plugin \"stuck\" {\n  path = \"/nonexistent/stuck\"\n}\n" + threeProviders("", "") + "pipeline \"default\" {\n  tracker \"stuck\" {\n    plugin = \"stuck\"\n  }\n}\n"); err != nil {
		t.Fatal(err)
	}
	tk := rt.tracking
	held := func() int {
		tk.mu.Lock()
		defer tk.mu.Unlock()
		return len(tk.pending["stuck"])
	}
	dropped := func() int { return int(testutil.ToFloat64(tk.dropped)) }
	const n = 1000
	for i := 0; i < n; i++ {
		tk.enqueue(&pb.Event{EventId: fmt.Sprint("ev-", i)})
		if i%8 == 7 {
			waitUntil(t, func() bool { return len(tk.queue) == 0 })
		}
		if held() > tk.maxUnackd {
			t.Fatalf("%d events held for a tracker that never acknowledges, bound %d", held(), tk.maxUnackd)
		}
	}
	waitUntil(t, func() bool { return held()+dropped() == n })
	if held() != tk.maxUnackd || tk.maxUnackd != 160 {
		t.Fatalf("held %d events, want the bound 10 × 16 = %d", held(), tk.maxUnackd)
	}
	// Hung: the delivery blocks, the queue fills, the rest is dropped.
	st.hung.Store(true)
	calls := st.calls.Load()
	tk.enqueue(&pb.Event{EventId: "wake"})
	waitUntil(t, func() bool { return st.calls.Load() > calls })
	before := dropped()
	for i := 0; i < n; i++ {
		tk.enqueue(&pb.Event{EventId: fmt.Sprint("hung-", i)})
	}
	if q := len(tk.queue); q > cap(tk.queue) || held() > tk.maxUnackd {
		t.Fatalf("while hung: %d queued (cap %d), %d held", q, cap(tk.queue), held())
	}
	// Every event is queued or dropped (the queue may also hold "wake", if
	// the delivery that hung was an earlier tick's).
	if got, q := dropped()-before, len(tk.queue); got+q != n && got+q != n+1 {
		t.Fatalf("while hung %d events were dropped and %d are queued, of %d", got, q, n)
	}
	st.hung.Store(false)
	close(st.release)
}
