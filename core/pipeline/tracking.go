package pipeline

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/prometheus/client_golang/prometheus"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"

	sdk "github.com/llmgw/llmgw/sdk/go"
	pb "github.com/llmgw/llmgw/sdk/go/proto/llmgw/v1"
)

// tracking hands finished-request events to the current generation's
// trackers, off the request path: a bounded queue, batches, and every event
// kept until its tracker acknowledges it (sent or durably spooled), so a
// tracker that crashes and restarts gets the unacknowledged events again.
type tracking struct {
	logger  hclog.Logger
	current func() *Generation
	queue   chan *pb.Event

	dropped   prometheus.Counter
	depth     prometheus.GaugeFunc
	unacked   atomic.Int64
	maxUnackd int
	// maxBytes bounds the encoded bytes of a tracker's unacknowledged
	// events (pendingBytes), so that large events (a coding agent's
	// conversation) cannot hold the host's memory by the hundred thousand.
	maxBytes int64

	mu      sync.Mutex
	pending map[string][]trackedEvent // per tracker name, in order
	// pendingBytes is the sum of the sizes of pending's events, per tracker.
	pendingBytes map[string]int64
	states       map[string]string // tracker's self-reported state
	// retryAt holds back re-sends to a tracker that just refused a batch.
	retryAt map[string]time.Time

	stop   chan struct{}
	stopBy time.Time // the final delivery's deadline; set before stop is closed
	done   chan struct{}
}

const (
	trackBatch   = 128
	trackLinger  = 50 * time.Millisecond
	trackTimeout = 5 * time.Second
	trackRetry   = 500 * time.Millisecond
	// trackCallBytes bounds a Track call's events by their encoded bytes
	// (one event larger than it goes alone): a plugin refuses a message
	// larger than 16 MiB, and 128 of a coding agent's events are 20 MB.
	trackCallBytes = 4 << 20
	// trackChunk is the most bytes of encoded events one buffer holds (one
	// event larger than it gets a buffer of its own).
	trackChunk = 1 << 20
)

func newTracking(logger hclog.Logger, size int, maxBytes int64, current func() *Generation, reg *prometheus.Registry) *tracking {
	if maxBytes <= 0 {
		maxBytes = 256 << 20
	}
	t := &tracking{
		maxBytes:     maxBytes,
		pendingBytes: map[string]int64{},
		logger:       logger,
		current:      current,
		queue:        make(chan *pb.Event, size),
		maxUnackd:    size * 10,
		pending:      map[string][]trackedEvent{},
		states:       map[string]string{},
		retryAt:      map[string]time.Time{},
		stop:         make(chan struct{}),
		done:         make(chan struct{}),
		dropped:      prometheus.NewCounter(prometheus.CounterOpts{Name: "llmgw_tracker_dropped_events_total", Help: "Events dropped because the tracker queue was full."}),
	}
	t.depth = prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "llmgw_tracker_queue_depth", Help: "Events waiting for trackers (queued and unacknowledged)."},
		func() float64 { return float64(len(t.queue)) + float64(t.unacked.Load()) })
	reg.MustRegister(t.dropped, t.depth)
	go t.run()
	return t
}

// enqueue never blocks: a full queue drops the event and counts it.
func (t *tracking) enqueue(ev *pb.Event) {
	select {
	case t.queue <- ev:
	default:
		t.dropped.Inc()
	}
}

// State reports each tracker's self-reported state ("ok", "spooling", …).
func (t *tracking) State() map[string]string {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make(map[string]string, len(t.states))
	for k, v := range t.states {
		out[k] = v
	}
	return out
}

func (t *tracking) run() {
	defer close(t.done)
	tick := time.NewTicker(trackLinger)
	defer tick.Stop()
	var batch []*pb.Event
	for {
		select {
		case ev := <-t.queue:
			batch = append(batch, ev)
			if len(batch) < trackBatch {
				continue
			}
		case <-tick.C:
		case <-t.stop:
			// Take what is queued, then one last delivery.
			for {
				select {
				case ev := <-t.queue:
					batch = append(batch, ev)
					continue
				default:
				}
				break
			}
			t.deliver(batch, true)
			return
		}
		t.deliver(batch, false)
		batch = nil
	}
}

// deliver adds batch to every tracker's pending list and sends what is
// pending, oldest first.
//
// final is the last delivery before shutdown. There is no later tick to
// re-send what a tracker did not take, so it is not held back by retryAt, and
// a tracker whose process is down (it crashed just before and is being
// restarted by its supervisor) is waited for, up to its restart wait: the
// restarted process gets the events the crashed one never acknowledged
// instead of them being lost.
func (t *tracking) deliver(batch []*pb.Event, final bool) {
	g := t.current()
	if g == nil {
		return
	}
	var tracked []trackedEvent
	if len(g.trackers) > 0 {
		// Encoded once, whatever the number of trackers and re-sends.
		tracked = trackWires(batch)
	}
	for _, tr := range g.trackers {
		t.mu.Lock()
		pend := append(t.pending[tr.name], tracked...)
		bytes := t.pendingBytes[tr.name] + eventBytes(tracked)
		over := max(len(pend)-t.maxUnackd, 0)
		for _, e := range pend[:over] {
			bytes -= int64(e.size)
		}
		for over < len(pend)-1 && bytes > t.maxBytes { // the newest is always kept
			bytes -= int64(pend[over].size)
			over++
		}
		if over > 0 {
			t.logger.Error("tracker backlog full; dropping oldest events", "tracker", tr.name, "dropped", over, "backlog_bytes", bytes)
			t.dropped.Add(float64(over))
			clear(pend[:over]) // the array outlives the slice: let the events go
			pend = pend[over:]
		}
		t.pending[tr.name] = pend
		t.pendingBytes[tr.name] = bytes
		wait := !final && time.Now().Before(t.retryAt[tr.name])
		t.mu.Unlock()
		if len(pend) == 0 || wait {
			continue
		}
		t.send(tr, pend, final)
	}
	var n int
	t.mu.Lock()
	for _, p := range t.pending {
		n += len(p)
	}
	t.mu.Unlock()
	t.unacked.Store(int64(n))
}

// send offers pend to the tracker in batches. When final, a process that is
// down, or whose call just broke, is waited for (see deliver).
func (t *tracking) send(tr *trackerInst, pend []trackedEvent, final bool) {
	const finalRetries = 3
	acked := map[string]bool{} // and events dropped as too large for the tracker
	var failed *sdk.Client
	retries := 0
	limit := trackCallBytes
	for start := 0; start < len(pend); {
		end, size := start+1, pend[start].size
		for end < len(pend) && end-start < trackBatch && size+pend[end].size <= limit {
			size += pend[end].size
			end++
		}
		c := tr.proc.ClientNow()
		if final && (c == nil || c == failed) {
			c = t.waitRestart(tr, failed)
		}
		if c == nil {
			break
		}
		ctx, cancel := context.WithTimeout(context.Background(), trackTimeout)
		resp, err := c.Tracker.Track(ctx, trackRequest(tr.id, pend[start:end]))
		cancel()
		if status.Code(err) == codes.ResourceExhausted {
			// Larger than the plugin takes in one message (16 MiB for
			// the SDKs' servers): smaller calls, and an event too large
			// alone is dropped rather than blocking the ones after it.
			if end-start > 1 {
				limit = max(size/2, 1)
				continue
			}
			t.logger.Error("event larger than the tracker takes in one call; dropped", "tracker", tr.name, "event_id", pend[start].id, "bytes", size)
			t.dropped.Inc()
			acked[pend[start].id] = true
			start = end
			continue
		}
		if err != nil && final && retries < finalRetries {
			t.logger.Debug("tracker did not take events at shutdown; waiting for its process", "tracker", tr.name, "error", err)
			failed = c
			retries++
			continue
		}
		if err != nil {
			t.logger.Debug("tracker did not take events; will re-send", "tracker", tr.name, "error", err)
			t.mu.Lock()
			t.retryAt[tr.name] = time.Now().Add(trackRetry)
			t.mu.Unlock()
			break
		}
		start = end
		for _, id := range resp.AckedIds {
			acked[id] = true
		}
		if resp.State != "" {
			t.mu.Lock()
			t.states[tr.name] = resp.State
			t.mu.Unlock()
		}
	}
	if len(acked) == 0 {
		return
	}
	t.mu.Lock()
	cur := t.pending[tr.name]
	kept := cur[:0]
	for _, ev := range cur {
		if !acked[ev.id] {
			kept = append(kept, ev)
		}
	}
	clear(cur[len(kept):]) // acknowledged: let the events go
	t.pending[tr.name] = kept
	t.pendingBytes[tr.name] = eventBytes(kept)
	t.mu.Unlock()
}

// eventBytes is the sum of events' sizes.
func eventBytes(events []trackedEvent) int64 {
	var n int64
	for _, e := range events {
		n += int64(e.size)
	}
	return n
}

// trackedEvent is an event waiting for a tracker's acknowledgement: its
// encoding as an element of TrackRequest.events, or the event itself when it
// has none (see trackWires). Not both: the event's strings are as large as
// its encoding (a coding agent's conversation), so holding both would hold
// twice the bytes tracker_backlog_bytes counts.
type trackedEvent struct {
	id   string
	ev   *pb.Event // nil when wire is set
	wire []byte
	size int // the event's encoded size (its wire's, or the message's without one)
}

// event is the tracked event as a message: itself, or decoded from its
// encoding.
func (e trackedEvent) event() *pb.Event {
	if e.ev != nil {
		return e.ev
	}
	ev := &pb.Event{}
	_, _, n := protowire.ConsumeTag(e.wire)
	msg, m := protowire.ConsumeBytes(e.wire[max(n, 0):])
	if n < 0 || m < 0 || proto.Unmarshal(msg, ev) != nil {
		return &pb.Event{EventId: e.id} // cannot happen: the host encoded it
	}
	return ev
}

// TrackRequest.events and Event.annotations.
const (
	trackEventsField      protowire.Number = 2
	eventAnnotationsField protowire.Number = 22
)

// trackWires pairs each event of batch with its encoding as an element of
// TrackRequest.events (tag, length, message): once per event however often
// and to however many trackers it is sent, one after the other in buffers of
// up to trackChunk bytes, so that a call of consecutive events sends a
// buffer's bytes as they are (trackRequest). The annotations map is encoded by hand (mapWire), as
// protobuf-go's reflective map coder was half of the host's cost of
// encoding an event. An event that cannot be encoded that way (a string
// that is not UTF-8) gets no encoding: it goes field by field, failing as
// it did.
//
// It sets each event's annotations aside for its encoding: the tracking
// goroutine owns the events once they are queued.
func trackWires(batch []*pb.Event) []trackedEvent {
	tracked := make([]trackedEvent, len(batch))
	// Sized first, so that each buffer is allocated once.
	type sized struct {
		annotations []byte
		size        int // of the event without its annotations; -1: none
		elem        int // of its element of TrackRequest.events
	}
	sizes := make([]sized, len(batch))
	for i, ev := range batch {
		tracked[i].ev = ev
		annotations, ok := mapWire(eventAnnotationsField, ev.Annotations)
		if !ok {
			sizes[i].size = -1
			continue
		}
		a := ev.Annotations
		ev.Annotations = nil
		size := proto.Size(ev)
		ev.Annotations = a
		sizes[i] = sized{annotations, size, protowire.SizeTag(trackEventsField) + protowire.SizeBytes(size+len(annotations))}
	}
	var buf []byte
	for i, ev := range batch {
		sz := sizes[i]
		if sz.size < 0 {
			continue
		}
		if cap(buf)-len(buf) < sz.elem {
			// A new buffer for the events up to trackChunk bytes: an
			// event waiting for its tracker keeps its whole buffer, so
			// one buffer per batch would keep the events dropped or
			// acknowledged before it (up to trackBatch of them).
			n := 0
			for _, next := range sizes[i:] {
				if next.size >= 0 {
					if n > 0 && n+next.elem > trackChunk {
						break
					}
					n += next.elem
				}
			}
			buf = make([]byte, 0, n)
		}
		start := len(buf)
		buf = protowire.AppendTag(buf, trackEventsField, protowire.BytesType)
		buf = protowire.AppendVarint(buf, uint64(sz.size+len(sz.annotations)))
		a := ev.Annotations
		ev.Annotations = nil
		// The sizes cached by proto.Size above hold: nothing changed since.
		b, err := proto.MarshalOptions{UseCachedSize: true}.MarshalAppend(buf, ev)
		ev.Annotations = a
		if err != nil || len(b)-len(buf) != sz.size || cap(b) != cap(buf) {
			buf = buf[:start]
			continue
		}
		buf = append(b, sz.annotations...)
		tracked[i].wire = buf[start:]
	}
	for i := range tracked {
		tracked[i].id = tracked[i].ev.EventId
		if tracked[i].size = len(tracked[i].wire); tracked[i].wire == nil {
			tracked[i].size = proto.Size(tracked[i].ev)
		} else {
			tracked[i].ev = nil
		}
	}
	return tracked
}

// trackRequest is the Track call of tracker instance id for events: their
// encodings behind the instance id, written verbatim as the request's
// unknown fields (the tracker decodes the events it would have got field by
// field) — without a copy when they lie one after the other in one buffer,
// as a batch sent once does — or the events field by field when one has
// none.
func trackRequest(id string, events []trackedEvent) *pb.TrackRequest {
	req := &pb.TrackRequest{InstanceId: id}
	n, adjacent := 0, true
	for i, e := range events {
		if e.wire == nil {
			req.Events = make([]*pb.Event, len(events))
			for i, e := range events {
				req.Events[i] = e.event()
			}
			return req
		}
		n += len(e.wire)
		if i > 0 {
			prev := events[i-1].wire
			adjacent = adjacent && cap(prev) > len(prev) && &prev[:len(prev)+1][len(prev)] == &e.wire[0]
		}
	}
	if len(events) == 0 {
		return req
	}
	if adjacent {
		req.ProtoReflect().SetUnknown(events[0].wire[:n:n])
		return req
	}
	b := make([]byte, 0, n)
	for _, e := range events {
		b = append(b, e.wire...)
	}
	req.ProtoReflect().SetUnknown(b)
	return req
}

// waitRestart returns a connection to tr's process other than failed (nil:
// none in time), waiting up to the process's restart wait and the final
// delivery's deadline. It returns nil when failed is still the connection of
// a live process: the call failed for another reason than a crash.
func (t *tracking) waitRestart(tr *trackerInst, failed *sdk.Client) *sdk.Client {
	ctx, cancel := context.WithDeadline(context.Background(), t.stopBy)
	defer cancel()
	var c *sdk.Client
	var err error
	if failed == nil {
		c, err = tr.proc.Client(ctx)
	} else {
		c, err = tr.proc.ClientAfterFailure(ctx, failed)
	}
	if err != nil || c == failed {
		return nil
	}
	return c
}

// close delivers what is queued and stops, waiting at most timeout.
func (t *tracking) close(timeout time.Duration) {
	t.stopBy = time.Now().Add(timeout)
	close(t.stop)
	select {
	case <-t.done:
	case <-time.After(timeout):
	}
}

// hashKey is the hashed client key trackers see: a hash of the API key's
// hash when there is one (not the hash itself, which is what a key store
// indexes), else a hash of the client IP.
func hashKey(req *Request) string {
	if req.APIKeyHash != "" {
		sum := sha256.Sum256([]byte("key:" + req.APIKeyHash))
		return hex.EncodeToString(sum[:])
	}
	sum := sha256.Sum256([]byte("ip:" + req.ClientIP))
	return hex.EncodeToString(sum[:])
}
