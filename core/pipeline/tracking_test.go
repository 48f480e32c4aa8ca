package pipeline

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
	"google.golang.org/protobuf/proto"

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
	ack     atomic.Bool // unstuck: acknowledges every event
	acked   atomic.Int64
}

func (s *stuckTracker) Track(ctx context.Context, events []*sdk.Event) ([]string, error) {
	s.calls.Add(1)
	if s.ack.Load() {
		ids := make([]string, len(events))
		for i, ev := range events {
			ids[i] = ev.EventId
		}
		s.acked.Add(int64(len(ids)))
		return ids, nil
	}
	if s.hung.Load() {
		select {
		case <-s.release:
		case <-ctx.Done():
		}
		return nil, fmt.Errorf("hung")
	}
	return nil, nil
}

// startStuckTracker runs the default pipeline with one tracker, st, served
// in-process, and returns it with the host's tracking (tracker_queue 16:
// 160 events unacknowledged at most).
func startStuckTracker(t *testing.T) (*stuckTracker, *tracking) {
	t.Helper()
	st := &stuckTracker{release: make(chan struct{})}
	h := sdktest.Start(t, sdk.Plugin{Name: "stuck", Version: "0.0.1", Tracker: func(sdk.Config) (sdk.Tracker, error) { return st, nil }})
	rt := newTestRuntime(t, threeProviders("", ""))
	rt.host.Attach("stuck", h.Client)
	if err := rt.load("plugin \"stuck\" {\n  path = \"/nonexistent/stuck\"\n}\n" + threeProviders("", "") + "pipeline \"default\" {\n  tracker \"stuck\" {\n    plugin = \"stuck\"\n  }\n}\n"); err != nil {
		t.Fatal(err)
	}
	return st, rt.tracking
}

// TestStuckTrackerMemoryIsBounded: a tracker that never acknowledges holds
// at most 10 × tracker_queue events in the host (the oldest dropped and
// counted), and one that hangs holds the queue's size; every event is
// either held or counted in llmgw_tracker_dropped_events_total.
func TestStuckTrackerMemoryIsBounded(t *testing.T) {
	st, tk := startStuckTracker(t)
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

// TestTrackerBacklogBytesAreBounded: large events (a coding agent's
// conversation rides in each) for a tracker that never acknowledges are held
// up to tracker_backlog_bytes, not up to the count bound: the oldest are
// dropped and counted, and the bytes kept are the kept events' sizes.
func TestTrackerBacklogBytesAreBounded(t *testing.T) {
	st, tk := startStuckTracker(t)
	tk.mu.Lock()
	tk.maxBytes = 1 << 20
	tk.mu.Unlock()
	held := func() (int, int64, int64) {
		tk.mu.Lock()
		defer tk.mu.Unlock()
		return len(tk.pending["stuck"]), tk.pendingBytes["stuck"], eventBytes(tk.pending["stuck"])
	}
	dropped := func() int { return int(testutil.ToFloat64(tk.dropped)) }
	conversation := strings.Repeat("x", 100_000)
	const n = 100
	for i := range n {
		tk.enqueue(&pb.Event{EventId: fmt.Sprint("agent-", i), Request: &pb.ChatRequest{Messages: []*pb.Message{{Role: "user", Content: conversation}}}})
		waitUntil(t, func() bool { return len(tk.queue) == 0 })
		if _, b, sum := held(); b > tk.maxBytes || b != sum {
			t.Fatalf("%d bytes held (the events' sizes add up to %d), bound %d", b, sum, tk.maxBytes)
		}
	}
	waitUntil(t, func() bool { k, _, _ := held(); return k+dropped() == n })
	if k, b, _ := held(); k != 10 || b < 1_000_000 {
		t.Fatalf("held %d events of %d bytes; a MiB holds the newest 10 of about 100 kB", k, b)
	}
	tk.mu.Lock()
	newest := tk.pending["stuck"][9].id
	tk.mu.Unlock()
	if newest != fmt.Sprint("agent-", n-1) {
		t.Fatalf("the newest event held is %s: the oldest must go first", newest)
	}
	close(st.release)
}

// TestTrackerBacklogHoldsItsBytesOnce: what a tracker has not acknowledged
// takes about the heap tracker_backlog_bytes counts (the events'
// encodings), not that and the events too, and events dropped at the bound
// or acknowledged are let go.
func TestTrackerBacklogHoldsItsBytesOnce(t *testing.T) {
	st, tk := startStuckTracker(t)
	tk.mu.Lock()
	tk.maxBytes = 16 << 20
	// Nothing is sent until it is all held: a call in flight holds copies
	// of its events.
	tk.retryAt["stuck"] = time.Now().Add(time.Hour)
	tk.mu.Unlock()
	heap := func() int64 {
		runtime.GC()
		runtime.GC() // and what pools held
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return int64(m.HeapAlloc)
	}
	held := func() (int, int64) {
		tk.mu.Lock()
		defer tk.mu.Unlock()
		return len(tk.pending["stuck"]), tk.pendingBytes["stuck"]
	}
	before := heap()
	// 320 events of 256 kB, each its own conversation: the bound keeps 64.
	for i := range 320 {
		conversation := strings.Repeat(string(rune('a'+i%26)), 256<<10)
		tk.enqueue(&pb.Event{EventId: fmt.Sprint("agent-", i), Request: &pb.ChatRequest{Messages: []*pb.Message{{Role: "user", Content: conversation}}}})
		waitUntil(t, func() bool { return len(tk.queue) == 0 })
	}
	waitUntil(t, func() bool { k, _ := held(); return k+int(testutil.ToFloat64(tk.dropped)) == 320 })
	k, b := held()
	grew := heap() - before
	t.Logf("%d events of %d bytes held; the heap grew by %d bytes", k, b, grew)
	if k < 60 || grew > b*4/3 { // events and encodings: twice the bytes; dropped events kept too: four times
		t.Fatalf("%d events of %d bytes held, the heap grew by %d bytes: more than the bytes held", k, b, grew)
	}
	// Acknowledged, they are let go.
	st.ack.Store(true)
	tk.mu.Lock()
	delete(tk.retryAt, "stuck")
	tk.mu.Unlock()
	waitUntil(t, func() bool { k, _ := held(); return k == 0 })
	if left := heap() - before; left > b/4 {
		t.Fatalf("all acknowledged, the heap is still %d bytes larger", left)
	}
	close(st.release)
}

// TestTrackerTakesLargeEventsInSmallerCalls: a backlog of a coding agent's
// events (20 MB) reaches the tracker in calls the plugin takes (a plugin
// refuses a larger message than it accepts — 16 MiB for the SDK's, 4 MiB for
// sdktest's —, and it refused the whole backlog at every re-send), and an
// event too large for one call is dropped and counted instead of holding up
// the events after it.
func TestTrackerTakesLargeEventsInSmallerCalls(t *testing.T) {
	st, tk := startStuckTracker(t)
	held := func() int {
		tk.mu.Lock()
		defer tk.mu.Unlock()
		return len(tk.pending["stuck"])
	}
	event := func(id string, size int) *pb.Event {
		return &pb.Event{EventId: id, Request: &pb.ChatRequest{Messages: []*pb.Message{{Role: "user", Content: strings.Repeat("x", size)}}}}
	}
	tk.mu.Lock()
	tk.retryAt["stuck"] = time.Now().Add(time.Hour) // held until all are queued
	tk.mu.Unlock()
	const n = 100
	for i := range n {
		if i == 50 {
			tk.enqueue(event("huge", 17<<20))
		}
		tk.enqueue(event(fmt.Sprint("agent-", i), 200<<10))
		waitUntil(t, func() bool { return len(tk.queue) == 0 })
	}
	waitUntil(t, func() bool { return held() == n+1 })
	st.ack.Store(true)
	tk.mu.Lock()
	delete(tk.retryAt, "stuck")
	tk.mu.Unlock()
	waitUntil(t, func() bool { return held() == 0 })
	if got, dropped := st.acked.Load(), testutil.ToFloat64(tk.dropped); got != n || dropped != 1 {
		t.Fatalf("the tracker took %d of %d events, %v dropped (want the one of 17 MiB)", got, n, dropped)
	}
	close(st.release)
}

// benchEvent is an event of the benchmark's request through the full
// pipeline: a guard score and the cost among its annotations.
func benchEvent(id string) *pb.Event {
	return &pb.Event{EventId: id, RequestId: "req-" + id, Route: RouteChat, StartUnixNano: 1, EndUnixNano: 2,
		Request:        &pb.ChatRequest{Model: "gpt-4o-primary", Messages: []*pb.Message{{Role: "user", Content: "Say hello in one short sentence, please."}}},
		RequestedModel: "gpt-4o-primary", ModelUsed: "gpt-4o-primary", Provider: "openai", UpstreamModel: "gpt-4o", Response: "Hello there, friend!",
		FinishReason: "stop", Usage: &pb.Usage{PromptTokens: 12, CompletionTokens: 4, TotalTokens: 16}, Ok: true, Status: 200,
		Attempts:      []*pb.Attempt{{Model: "gpt-4o-primary", Provider: "openai", UpstreamModel: "gpt-4o", Outcome: "ok", StartUnixNano: 1, EndUnixNano: 2}},
		Stages:        []*pb.StageSpan{{Name: "guard", Plugin: "guard-injection", Outcome: "continue"}, {Name: "ratelimit", Plugin: "ratelimit", Outcome: "continue"}},
		ClientKeyHash: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
		Annotations:   map[string]string{"guard.score": "0.01", "cost_usd": "0.0000725"}}
}

// A Track request built from the events' own encodings decodes to the
// request the events would have made field by field; an event that cannot
// be encoded ahead sends the whole call field by field.
func TestTrackRequestIsTheEvents(t *testing.T) {
	events := []*pb.Event{benchEvent("a"), {EventId: "b"}, benchEvent("c")}
	events[2].Annotations = nil
	bad := benchEvent("bad")
	bad.Annotations["x"] = "caf\xe9"
	tracked := trackWires(append(events, bad))
	for i := range events {
		if tracked[i].wire == nil {
			t.Fatalf("event %d was not encoded", i)
		}
	}
	if tracked[3].ev != bad || tracked[3].wire != nil {
		t.Fatal("an annotation that is not UTF-8 was encoded")
	}
	if events[0].Annotations["guard.score"] != "0.01" || bad.Annotations["x"] == "" {
		t.Fatal("the events' annotations were not put back")
	}
	checkTrackRequest(t, "a batch", events, tracked[:3])
	checkTrackRequest(t, "the last two", events[1:], tracked[1:3])
	checkTrackRequest(t, "not adjacent", []*pb.Event{events[0], events[2]}, []trackedEvent{tracked[0], tracked[2]})
	checkTrackRequest(t, "none", nil, nil)
	mixed := trackRequest("mlflow@1", append(tracked[:1:1], trackedEvent{ev: bad}))
	if len(mixed.Events) != 2 || !proto.Equal(mixed.Events[0], events[0]) || mixed.Events[1] != bad || len(mixed.ProtoReflect().GetUnknown()) != 0 {
		t.Fatalf("a call with an event not encoded ahead: %v", mixed)
	}
	if _, err := proto.Marshal(mixed); err == nil {
		t.Fatal("protobuf encoded a string that is not UTF-8")
	}
}

// Events are encoded into buffers of at most trackChunk bytes (an event
// larger than that alone), since an event held for its tracker holds its
// buffer; a call of events from several buffers is still the events.
func TestTrackWiresBuffersAreBounded(t *testing.T) {
	var events []*pb.Event
	for i := range 9 {
		ev := benchEvent(fmt.Sprint("agent-", i))
		ev.Request.Messages[0].Content = strings.Repeat("x", 300<<10)
		if i == 4 {
			ev.Request.Messages[0].Content = strings.Repeat("y", 1<<20) // a chunk and more
		}
		events = append(events, ev)
	}
	events = append(events, benchEvent("short"))
	tracked := trackWires(events)
	buffers := 1
	for i, e := range tracked {
		if e.wire == nil || e.ev != nil {
			t.Fatalf("event %d: encoding %v, event kept %v", i, e.wire != nil, e.ev != nil)
		}
		if room := cap(e.wire); room > trackChunk && room != len(e.wire) {
			t.Fatalf("event %d of %d bytes is in a buffer with %d bytes from it on", i, len(e.wire), room)
		}
		if i > 0 && cap(tracked[i-1].wire) == len(tracked[i-1].wire) {
			buffers++
		}
	}
	if buffers != 5 { // 0-2, 3, 4 (alone: larger than a chunk), 5-7, 8 and short
		t.Fatalf("%d buffers, want 5", buffers)
	}
	checkTrackRequest(t, "events from several buffers", events, tracked)
}

// checkTrackRequest: the Track call of tracked, encoded and decoded, is the
// call of events.
func checkTrackRequest(t *testing.T, name string, events []*pb.Event, tracked []trackedEvent) {
	t.Helper()
	want := &pb.TrackRequest{InstanceId: "mlflow@1", Events: events}
	b, err := proto.Marshal(trackRequest("mlflow@1", tracked))
	if err != nil {
		t.Fatal(err)
	}
	var got pb.TrackRequest
	if err := proto.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if !proto.Equal(&got, want) || len(got.ProtoReflect().GetUnknown()) != 0 {
		t.Fatalf("%s: decoded\n%v\nwant\n%v", name, &got, want)
	}
}

// BenchmarkTrackEncode is the host's encoding of a Track call of 128 events
// of the benchmark's request: field by field by protobuf (before) and from
// each event's own encoding (trackWires, then trackRequest and the call's
// marshalling).
func BenchmarkTrackEncode(b *testing.B) {
	events := make([]*pb.Event, 128)
	for i := range events {
		events[i] = benchEvent(fmt.Sprint("ev-", i))
	}
	b.Run("protobuf", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := proto.Marshal(&pb.TrackRequest{InstanceId: "mlflow@1", Events: events}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("wire", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := proto.Marshal(trackRequest("mlflow@1", trackWires(events))); err != nil {
				b.Fatal(err)
			}
		}
	})
}
