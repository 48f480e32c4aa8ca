package mlflowtracker

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-hclog"
	"google.golang.org/protobuf/proto"

	"github.com/llmgw/llmgw/plugins/tracker-mlflow/mlflowapi"
	"github.com/llmgw/llmgw/plugins/tracker-mlflow/otlp"
	"github.com/llmgw/llmgw/plugins/tracker-mlflow/spool"
	sdk "github.com/llmgw/llmgw/sdk/go"
	"github.com/llmgw/llmgw/sdk/go/refpool"
)

// closeTimeout bounds how long Close keeps delivering spooled events.
const closeTimeout = 3 * time.Second

// maxBackoff caps the wait between attempts while MLflow is unreachable.
const maxBackoff = 15 * time.Second

// settings are the parts of an instance's config the sender uses; the newest
// instance's settings win.
type settings struct {
	client             *mlflowapi.Client
	experiment         string
	batchSize          int
	flushInterval      time.Duration
	runMetricsInterval time.Duration
}

// pipes holds one pipe per spool directory in this process. Two instances
// with the same spool (the old and the new generation during a pipeline
// reload) must share the spool and its single sender, so the pipe is shared
// and reference-counted across instances: the last instance to close it
// closes the pipe, and an instance configured meanwhile waits for that and
// opens the spool afresh.
var pipes refpool.Pool[string, *pipe]

// pipe is a spool and the sender that delivers it to MLflow.
type pipe struct {
	sp    *spool.Spool
	log   hclog.Logger
	set   atomic.Pointer[settings]
	stats runStats
	start time.Time

	wake    chan struct{}
	gone    chan struct{} // MLflow closed one of our connections
	closing chan struct{}
	done    chan struct{}
	ctx     context.Context // canceled when Close's grace period is over
	cancel  context.CancelFunc

	outage atomic.Bool // the last delivery failed
	full   atomic.Bool // the spool refused events

	// Owned by the sender goroutine.
	expKey  string // tracking URI + experiment name of expID
	expID   string
	runID   string
	runExp  string
	dropped int64

	currentRun atomic.Value // string: runID, for Info and tests
}

// acquirePipe returns a handle to the pipe of dir, opening it on first use;
// the newest instance's settings win.
func acquirePipe(dir string, set *settings, opts spool.Options, log hclog.Logger) (*refpool.Handle[string, *pipe], error) {
	h, err := pipes.Acquire(dir, func() (*pipe, error) { return openPipe(set, opts, log) })
	if err != nil {
		return nil, err
	}
	p := h.Value()
	if p.set.Load() != set {
		set.client.OnServerClose(p.serverClosed)
		p.set.Store(set)
	}
	return h, nil
}

// openPipe opens the spool and starts its sender.
func openPipe(set *settings, opts spool.Options, log hclog.Logger) (*pipe, error) {
	sp, err := spool.Open(opts)
	if errors.Is(err, spool.ErrLocked) {
		// Another process (an older plugin process still draining) owns
		// the spool: write to a private overflow spool the owner adopts.
		log.Warn("spool directory is owned by another process; using an overflow spool", "dir", opts.Dir)
		sp, err = spool.OpenOverflow(opts)
	}
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	p := &pipe{
		sp: sp, log: log, start: time.Now(),
		wake: make(chan struct{}, 1), gone: make(chan struct{}, 1), closing: make(chan struct{}), done: make(chan struct{}),
		ctx: ctx, cancel: cancel,
	}
	set.client.OnServerClose(p.serverClosed)
	p.set.Store(set)
	if n, err := sp.AdoptOrphans(); n > 0 || err != nil {
		log.Info("adopted events of an earlier process's overflow spool", "events", n, "error", err)
	}
	if pending := sp.Pending(); pending > 0 {
		log.Info("replaying events spooled by an earlier process", "bytes", pending)
	}
	go p.run()
	return p, nil
}

// Close stops the sender once it has delivered what it can within
// closeTimeout, and closes the spool; what is left stays there for the next
// start. The pool calls it when the last instance on the spool closes.
func (p *pipe) Close() error {
	close(p.closing)
	grace := time.AfterFunc(closeTimeout, p.cancel)
	<-p.done
	grace.Stop()
	p.cancel()
	if pending := p.sp.Pending(); pending > 0 {
		p.log.Info("events left in the spool for the next start", "bytes", pending, "dir", p.sp.Dir())
	}
	return p.sp.Close()
}

// track spools events durably and returns how many it took.
func (p *pipe) track(events []*sdk.Event) (int, error) {
	recs := make([][]byte, len(events))
	for i, ev := range events {
		b, err := proto.Marshal(ev)
		if err != nil {
			return 0, fmt.Errorf("encoding event: %w", err)
		}
		recs[i] = b
	}
	n, err := p.sp.Append(recs)
	if n > 0 {
		p.stats.add(events[:n])
		select {
		case p.wake <- struct{}{}:
		default:
		}
	}
	switch {
	case errors.Is(err, spool.ErrFull):
		if p.full.CompareAndSwap(false, true) {
			p.log.Error("spool is full: events are not acknowledged and stay with the host until MLflow takes the backlog",
				"dir", p.sp.Dir(), "bytes", p.sp.Bytes())
		}
	case err == nil && p.full.CompareAndSwap(true, false):
		p.log.Info("spool has room again", "dir", p.sp.Dir())
	}
	return n, err
}

// serverClosed is called when MLflow closes one of the client's connections
// (it is shutting down, or just ending an idle keep-alive connection): the
// sender checks whether MLflow is still there, so that /health says
// "spooling" as soon as it is gone rather than at the next delivery.
func (p *pipe) serverClosed() {
	select {
	case p.gone <- struct{}{}:
	default:
	}
}

// probe checks, between deliveries, that MLflow still answers.
func (p *pipe) probe(set *settings) {
	if p.outage.Load() {
		return
	}
	if err := set.client.Ping(p.ctx); err != nil && p.ctx.Err() == nil {
		p.markOutage(set, err)
	}
}

// markOutage records that MLflow did not answer, logging it once per outage.
func (p *pipe) markOutage(set *settings, err error) {
	if p.outage.CompareAndSwap(false, true) {
		p.log.Warn("MLflow is unreachable; events are spooled on disk until it answers",
			"tracking_uri", set.client.URI(), "error", err)
	}
}

func (p *pipe) isClosing() bool {
	select {
	case <-p.closing:
		return true
	default:
		return false
	}
}

// run is the sender: it reads the spool in order, sends batches of traces
// and commits what MLflow took.
func (p *pipe) run() {
	defer close(p.done)
	set := p.set.Load()
	metricsTick := time.NewTicker(set.runMetricsInterval)
	defer metricsTick.Stop()
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	var (
		batch    []spool.Record
		deadline time.Time
		backoff  time.Duration
	)
	for {
		set = p.set.Load()
		closing := p.isClosing()
		if len(batch) < set.batchSize {
			recs, err := p.sp.Read(set.batchSize - len(batch))
			if err != nil {
				p.log.Error("reading the spool", "error", err)
				return
			}
			if len(batch) == 0 && len(recs) > 0 {
				deadline = time.Now().Add(set.flushInterval)
			}
			batch = append(batch, recs...)
		}
		select {
		case <-metricsTick.C:
			p.logRunMetrics(false)
		default:
		}
		ready := len(batch) >= set.batchSize || (len(batch) > 0 && (closing || !time.Now().Before(deadline)))
		if !ready {
			if closing {
				p.finish()
				return
			}
			wait := time.Hour
			if len(batch) > 0 {
				wait = time.Until(deadline)
			}
			resetTimer(timer, wait)
			select {
			case <-p.wake:
			case <-timer.C:
			case <-metricsTick.C:
				p.logRunMetrics(false)
			case <-p.gone:
				p.probe(set)
			case <-p.closing:
			}
			continue
		}
		if err := p.deliver(batch); err != nil {
			if closing || p.ctx.Err() != nil {
				p.log.Warn("MLflow did not take the spooled events before shutdown; they stay in the spool", "error", err)
				p.finish()
				return
			}
			p.markOutage(set, err)
			backoff = min(max(2*backoff, 250*time.Millisecond), maxBackoff)
			resetTimer(timer, backoff)
			select {
			case <-timer.C:
			case <-metricsTick.C:
			case <-p.closing:
			}
			continue
		}
		if err := p.sp.Commit(batch[len(batch)-1].End); err != nil {
			p.log.Error("committing the spool cursor", "error", err)
		}
		batch, backoff = nil, 0
		if p.outage.CompareAndSwap(true, false) {
			p.log.Info("MLflow answers again; delivering the spooled events", "pending_bytes", p.sp.Pending())
		}
	}
}

func resetTimer(t *time.Timer, d time.Duration) {
	t.Stop()
	select {
	case <-t.C:
	default:
	}
	t.Reset(max(d, 0))
}

// deliver sends one batch as traces. A batch MLflow refuses as invalid is
// retried event by event, and an event it still refuses is dropped (logged):
// one bad event must not block the spool forever.
//
// An event can be in the spool twice (the host re-sends events whose
// acknowledgement a crashed process never sent, and a successor may spool
// them again). MLflow upserts traces by id across requests, but two copies
// in one request are both ingested (the trace's token usage is summed over
// both), so a batch carries each event id once.
func (p *pipe) deliver(batch []spool.Record) error {
	set := p.set.Load()
	events := make([]*sdk.Event, 0, len(batch))
	seen := make(map[string]bool, len(batch))
	for _, r := range batch {
		ev := &sdk.Event{}
		if err := proto.Unmarshal(r.Data, ev); err != nil {
			p.log.Error("dropping an undecodable spool record", "error", err)
			continue
		}
		if ev.EventId != "" {
			if seen[ev.EventId] {
				continue
			}
			seen[ev.EventId] = true
		}
		events = append(events, ev)
	}
	if len(events) == 0 {
		return nil
	}
	expID, err := p.experiment(set)
	if err != nil {
		return err
	}
	runID := p.ensureRun(set, expID)
	err = p.export(set, expID, runID, events)
	if !mlflowapi.Permanent(err) {
		return err
	}
	// The experiment may have been deleted under us: look it up again.
	p.expKey = ""
	if expID, err = p.experiment(set); err != nil {
		return err
	}
	for _, ev := range events {
		err := p.export(set, expID, "", []*sdk.Event{ev})
		if mlflowapi.Permanent(err) {
			p.dropped++
			p.log.Error("MLflow refused an event; dropping it", "event_id", ev.EventId, "request_id", ev.RequestId, "error", err, "dropped_total", p.dropped)
			continue
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func (p *pipe) export(set *settings, expID, runID string, events []*sdk.Event) error {
	body, err := otlp.Marshal(events)
	if err != nil {
		return err
	}
	return set.client.ExportTraces(p.ctx, expID, runID, body)
}

// experiment resolves (get-or-create) the experiment's id, once per
// tracking URI and name.
func (p *pipe) experiment(set *settings) (string, error) {
	key := set.client.URI() + "\x00" + set.experiment
	if p.expKey == key {
		return p.expID, nil
	}
	id, err := set.client.EnsureExperiment(p.ctx, set.experiment)
	if err != nil {
		return "", err
	}
	p.expKey, p.expID = key, id
	return id, nil
}

// ensureRun creates this process's run in the experiment on first use. It
// is best effort: traces flow without it.
func (p *pipe) ensureRun(set *settings, expID string) string {
	if p.runID != "" && p.runExp == expID {
		return p.runID
	}
	host, _ := os.Hostname()
	name := fmt.Sprintf("llmgw-%s-%s", host, p.start.Format("20060102-150405"))
	id, err := set.client.CreateRun(p.ctx, expID, name, p.start, map[string]string{
		"mlflow.source.name": "llmgw",
		"mlflow.note.content": "Request metrics of one llmgw gateway process (tracker-mlflow). " +
			"Each request is a trace in this experiment's Traces tab.",
		"llmgw.pid": fmt.Sprint(os.Getpid()),
	})
	if err != nil {
		p.log.Debug("could not create the run; retrying later", "error", err)
		return ""
	}
	p.runID, p.runExp = id, expID
	p.currentRun.Store(id)
	return id
}

// logRunMetrics logs the run's metrics (best effort: counters are
// cumulative, so a missed interval only loses its latency percentiles).
func (p *pipe) logRunMetrics(final bool) {
	set := p.set.Load()
	if p.runID == "" && p.stats.total() == 0 {
		return
	}
	expID, err := p.experiment(set)
	if err != nil {
		return
	}
	runID := p.ensureRun(set, expID)
	if runID == "" {
		return
	}
	metrics := p.stats.snapshot(time.Now())
	if err := set.client.LogMetrics(p.ctx, runID, metrics); err != nil {
		p.log.Debug("could not log run metrics", "error", err)
		return
	}
	if final {
		if err := set.client.EndRun(p.ctx, runID, "FINISHED", time.Now()); err != nil {
			p.log.Debug("could not end the run", "error", err)
		}
	}
}

// finish logs the last metrics and ends the run, within the grace period.
func (p *pipe) finish() {
	if p.outage.Load() {
		return
	}
	p.logRunMetrics(true)
}
