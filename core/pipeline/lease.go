package pipeline

import (
	"context"
	"math"
	"strconv"
	"strings"
	"sync"
	"time"

	sdk "github.com/llmgw/llmgw/sdk/go"
	pb "github.com/llmgw/llmgw/sdk/go/proto/llmgw/v1"
)

// Quota leases (sdk.CapStageLease, docs/writing-plugins.md "Quota leases"):
// a stage that declares the request fields its decision depends on may
// answer a CONTINUE with a lease of a few permits, already counted by the
// stage; the host admits the next requests with the same values of those
// fields from the lease, without a plugin call, until it is used up or its
// time is over, and gives the unused permits back (Stage.Release) when it
// expires or the generation is released.

const (
	// maxLeasesPerKey bounds the leases held for one key. One call per key
	// at a time asks for a lease (ask), and only when no lease of the key
	// has permits left, so a key rarely holds more than one; more are given
	// back at once. The stage bounds what they hold (the rate limiter: half
	// of what is left).
	maxLeasesPerKey = 64
	// maxLeases bounds the leases one stage holds (one per active client
	// and second at most, with a 1 s lease).
	maxLeases = 16384
	// releaseDelay groups the releases of leases ending close together
	// into one Release call.
	releaseDelay = 50 * time.Millisecond
	// releaseTimeout bounds one Release call.
	releaseTimeout = 2 * time.Second
)

// leaseTable is one stage instance's leases.
type leaseTable struct {
	fields []string
	// release gives unused permits back to the stage.
	release func(ctx context.Context, leases []*pb.ReleasedLease) error

	mu     sync.Mutex
	closed bool
	// closing: close is collecting the pending releases itself.
	closing bool
	byKey   map[string][]*lease
	count   int
	// asking holds the keys with a call that accepts a lease in flight
	// (ask): the requests that miss beside it wait for its answer rather
	// than each getting a lease of its own, whose permits the others would
	// then be refused for.
	asking  map[string]*askCall
	pending []*pb.ReleasedLease
	// flushing counts Release calls in flight, so close waits for them.
	flushing sync.WaitGroup
	flushSet bool
}

// lease is one grant being spent.
type lease struct {
	key   string
	grant *pb.StageLease
	left  int64
	// sent is when the host sent the call that got the lease: the lease is
	// valid until sent + ttl, and the reset header counts from it.
	sent     time.Time
	deadline time.Time
	timer    *time.Timer
}

// newLeaseTable returns the table of a stage whose capabilities declare
// leases with key fields the host knows, or nil.
func newLeaseTable(caps []string, release func(context.Context, []*pb.ReleasedLease) error) *leaseTable {
	fields, ok := sdk.LeaseKeyFields(caps)
	if !ok {
		return nil
	}
	return &leaseTable{fields: fields, release: release, byKey: map[string][]*lease{}, asking: map[string]*askCall{}}
}

// key is the request's values of the declared fields, each length-prefixed
// so no two requests with different values share a key.
func (t *leaseTable) key(sreq *pb.StageRequest) string {
	var b strings.Builder
	for _, f := range t.fields {
		v := sdk.LeaseKeyValue(sreq, f)
		b.WriteString(strconv.Itoa(len(v)))
		b.WriteByte(':')
		b.WriteString(v)
	}
	return b.String()
}

// take admits one request from a live lease of key, answering as the stage
// would have; false when there is none (the stage must be called).
func (t *leaseTable) take(key string, now time.Time) (*pb.StageResponse, bool) {
	t.mu.Lock()
	var l *lease
	for _, c := range t.byKey[key] {
		if c.left > 0 && now.Before(c.deadline) {
			l = c
			break
		}
	}
	if t.closed || l == nil {
		t.mu.Unlock()
		return nil, false
	}
	l.left--
	left := l.left
	if left == 0 {
		l.timer.Stop()
		t.removeLocked(l)
	}
	t.mu.Unlock()
	return l.response(left, now), true
}

// askCall is a call accepting a lease on its way.
type askCall struct {
	// done is closed once its answer is in the table.
	done chan struct{}
	// granted: it got a lease (set before done is closed).
	granted bool
	// refused: a call for its key was refused meanwhile (refused).
	refused bool
}

// maxLeaseWaits bounds how many calls accepting a lease one request waits
// for before it calls the stage without accepting one.
const maxLeaseWaits = 4

// ask says whether the call about to be made for key may accept a lease
// (mine; answered must follow once it is over) or, when another call for
// key that accepts one is on its way, returns that call to wait for (the
// lease it brings may admit this request too). Neither: call without
// accepting one.
func (t *leaseTable) ask(key string) (mine bool, wait *askCall) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return false, nil
	}
	if a := t.asking[key]; a != nil {
		return false, a
	}
	if len(t.asking) >= maxLeases {
		return false, nil
	}
	t.asking[key] = &askCall{done: make(chan struct{})}
	return true, nil
}

// answered ends the call for key that ask let accept a lease, keeping the
// lease g it got (nil: none) as add does — unless a call for the key was
// refused while it was on its way: no request is left to spend the lease
// (the stage refuses them), and its permits go back at once (grouped as
// usual) rather than at the end of its time, for other replicas' clients.
// Then it wakes the requests waiting for it.
func (t *leaseTable) answered(key string, g *pb.StageLease, sent time.Time) {
	t.mu.Lock()
	a := t.asking[key]
	refused := a.refused // written by refused, under the lock
	t.mu.Unlock()
	granted := g.GetPermits() > 0
	switch {
	case !granted:
	case refused:
		t.giveBack(g)
		granted = false
	default:
		t.add(key, g, sent)
	}
	t.mu.Lock()
	delete(t.asking, key)
	a.granted = granted
	t.mu.Unlock()
	close(a.done)
}

// refused notes that a call for key was refused with no lease of the key
// to admit it from (see answered).
func (t *leaseTable) refused(key string) {
	t.mu.Lock()
	if a := t.asking[key]; a != nil {
		a.refused = true
	}
	t.mu.Unlock()
}

// giveBack returns all of a grant's permits, unused.
func (t *leaseTable) giveBack(g *pb.StageLease) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.queueLocked(&lease{grant: g, left: g.Permits})
}

// await is the lease side of a call about to be made for key (no lease of
// the key had permits): it waits for the calls accepting a lease already
// on their way and admits the request from what they bring (r.leased), or
// says whether the call may accept a lease itself (mine). A call whose
// wait found nothing is made without accepting one when the last call it
// waited for got no lease (the stage is refusing or near its limit: the
// requests waiting call side by side) or after maxLeaseWaits waits. The
// call's timeout counts from before the waits (callStage), and a call
// waited for ends within its own, which began earlier.
func (t *leaseTable) await(ctx context.Context, key string, start time.Time) (r stageResult, mine bool) {
	for range maxLeaseWaits {
		mine, a := t.ask(key)
		if a == nil {
			return stageResult{}, mine
		}
		select {
		case <-a.done:
		case <-ctx.Done():
			return stageResult{}, false
		}
		now := time.Now()
		if resp, ok := t.take(key, now); ok {
			return stageResult{resp: resp, start: start, end: now, leased: true}, false
		}
		t.mu.Lock()
		granted := a.granted
		t.mu.Unlock()
		if !granted {
			return stageResult{}, false
		}
	}
	return stageResult{}, false
}

// response is the stage's answer for a request admitted from l with left
// permits remaining: its constant headers, the remaining header counting
// what is left, and the reset header counting down from the grant.
func (l *lease) response(left int64, now time.Time) *pb.StageResponse {
	g := l.grant
	resp := &pb.StageResponse{Annotations: g.Annotations}
	if len(g.ResponseHeaders) > 0 || g.RemainingHeader != "" || g.ResetHeader != "" {
		h := make(map[string]string, len(g.ResponseHeaders)+2)
		for k, v := range g.ResponseHeaders {
			h[k] = v
		}
		if g.RemainingHeader != "" {
			h[g.RemainingHeader] = strconv.FormatInt(g.RemainingBase+left, 10)
		}
		if g.ResetHeader != "" {
			until := l.sent.Add(time.Duration(g.ResetMs) * time.Millisecond).Sub(now)
			h[g.ResetHeader] = strconv.FormatInt(int64(math.Ceil(max(0, until.Seconds()))), 10)
		}
		resp.ResponseHeaders = h
	}
	return resp
}

// add keeps a lease the stage granted to a call sent at sent; one the table
// cannot keep is given back at once.
func (t *leaseTable) add(key string, g *pb.StageLease, sent time.Time) {
	if g.GetPermits() <= 0 {
		return
	}
	l := &lease{key: key, grant: g, left: g.Permits, sent: sent, deadline: sent.Add(time.Duration(g.TtlMs) * time.Millisecond)}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed || g.TtlMs <= 0 || len(t.byKey[key]) >= maxLeasesPerKey || t.count >= maxLeases {
		t.queueLocked(l)
		return
	}
	t.byKey[key] = append(t.byKey[key], l)
	t.count++
	l.timer = time.AfterFunc(time.Until(l.deadline), func() { t.expire(l) })
}

// expire ends a lease whose time is over, giving back what is left.
func (t *leaseTable) expire(l *lease) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if l.left == 0 || !t.removeLocked(l) {
		return
	}
	t.queueLocked(l)
}

// removeLocked takes l out of its key's list; false when it was not there.
func (t *leaseTable) removeLocked(l *lease) bool {
	ls := t.byKey[l.key]
	for i, c := range ls {
		if c == l {
			ls = append(ls[:i], ls[i+1:]...)
			if len(ls) == 0 {
				delete(t.byKey, l.key)
			} else {
				t.byKey[l.key] = ls
			}
			t.count--
			return true
		}
	}
	return false
}

// queueLocked schedules l's unused permits for release: the calls of leases
// ending within releaseDelay are grouped into one.
func (t *leaseTable) queueLocked(l *lease) {
	if l.left <= 0 {
		return
	}
	rel := &pb.ReleasedLease{Id: l.grant.Id, Unused: l.left}
	l.left = 0
	if t.closed && !t.closing {
		// A grant that arrived after close (its call was in flight): give
		// it back on its own, best effort (the instance may be closing).
		go t.send(context.Background(), []*pb.ReleasedLease{rel})
		return
	}
	t.pending = append(t.pending, rel)
	if t.closed || t.flushSet {
		return
	}
	t.flushSet = true
	t.flushing.Add(1)
	time.AfterFunc(releaseDelay, func() {
		defer t.flushing.Done()
		t.mu.Lock()
		batch := t.pending
		t.pending, t.flushSet = nil, false
		t.mu.Unlock()
		t.send(context.Background(), batch)
	})
}

func (t *leaseTable) send(ctx context.Context, batch []*pb.ReleasedLease) {
	if len(batch) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, releaseTimeout)
	defer cancel()
	// A failed release only keeps the permits counted until the stage's
	// window drops them; there is nothing better to do with the error.
	_ = t.release(ctx, batch)
}

// close stops serving from leases and gives back every unused permit,
// waiting for releases already on their way (the stage instance is about to
// be closed).
func (t *leaseTable) close(ctx context.Context) {
	t.mu.Lock()
	t.closed, t.closing = true, true
	for _, ls := range t.byKey {
		for _, l := range ls {
			l.timer.Stop()
			t.queueLocked(l)
		}
	}
	t.byKey, t.count = map[string][]*lease{}, 0
	batch := t.pending
	t.pending, t.closing = nil, false
	t.mu.Unlock()
	t.send(ctx, batch)
	t.flushing.Wait()
}

// releaseLeases gives back every stage's unused lease permits; the
// generation serves no more requests from leases.
func (g *Generation) releaseLeases(ctx context.Context) {
	var wg sync.WaitGroup
	for _, s := range g.stages {
		if s.leases != nil {
			wg.Add(1)
			go func() { defer wg.Done(); s.leases.close(ctx) }()
		}
	}
	wg.Wait()
}

// stageReleaser is the Release call of one stage instance.
func stageReleaser(inst instance) func(context.Context, []*pb.ReleasedLease) error {
	return func(ctx context.Context, leases []*pb.ReleasedLease) error {
		c, err := inst.proc.Client(ctx)
		if err != nil {
			return err
		}
		_, err = c.Stage.Release(ctx, &pb.LeaseRelease{InstanceId: inst.id, Leases: leases})
		return err
	}
}
