// Package mlflowtracker is the tracker-mlflow plugin's logic: every finished
// request becomes an MLflow trace, and each gateway process an MLflow run
// with periodic request metrics.
//
// Track never talks to MLflow. It appends the events to an on-disk spool
// (one fdatasync per batch) and acknowledges them; a sender goroutine reads
// the spool in order, sends batches of traces over OTLP/HTTP and commits what
// MLflow took. While MLflow is down the events wait on disk (bounded by
// spool_max_bytes) and the sender retries with capped backoff; a new process
// replays what an earlier one left. Trace ids derive from event ids, so an
// event sent twice is stored once.
package mlflowtracker

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"

	"github.com/llmgw/llmgw/plugins/tracker-mlflow/mlflowapi"
	"github.com/llmgw/llmgw/plugins/tracker-mlflow/spool"
	sdk "github.com/llmgw/llmgw/sdk/go"
	"github.com/llmgw/llmgw/sdk/go/refpool"
)

// Tracker is one configured instance.
type Tracker struct {
	cfg  Config
	p    *pipe                          // h's pipe
	h    *refpool.Handle[string, *pipe] // this instance's reference to the pipe
	info map[string]string

	mu     sync.RWMutex
	closed bool
}

// New builds an instance from its config. It never contacts MLflow: a dead
// server must not fail Configure or `llmgw validate`.
func New(c sdk.Config) (sdk.Tracker, error) {
	cfg, err := decodeConfig(c)
	if err != nil {
		return nil, err
	}
	client, err := mlflowapi.New(cfg.TrackingURI, cfg.RequestTimeout.D())
	if err != nil {
		return nil, sdk.ConfigError("field %q: %v", "tracking_uri", err)
	}
	log := c.Logger
	set := &settings{
		client:             client,
		experiment:         cfg.ExperimentName,
		batchSize:          cfg.BatchSize,
		flushInterval:      cfg.FlushInterval.D(),
		runMetricsInterval: cfg.RunMetricsInterval.D(),
	}
	h, err := acquirePipe(cfg.SpoolDir, set, spool.Options{
		Dir:        cfg.SpoolDir,
		MaxBytes:   cfg.SpoolMaxBytes,
		MemRecords: cfg.QueueSize,
		MemBytes:   cfg.QueueBytes,
		Warn:       log.Warn,
	}, log)
	if err != nil {
		return nil, fmt.Errorf("tracker-mlflow: opening the spool in %s: %w", cfg.SpoolDir, err)
	}
	p := h.Value()
	t := &Tracker{cfg: cfg, p: p, h: h}
	t.info = map[string]string{
		"tracking_uri":        client.URI(),
		"experiment":          cfg.ExperimentName,
		"spool_dir":           p.sp.Dir(),
		"spool_pending_bytes": strconv.FormatInt(p.sp.Pending(), 10),
		"log_prompts":         strconv.FormatBool(cfg.LogPrompts),
	}
	return t, nil
}

// Track spools the events durably and acknowledges the ones it took. When
// the spool is full the rest are not acknowledged, so the host keeps them.
func (t *Tracker) Track(_ context.Context, events []*sdk.Event) ([]string, error) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	if t.closed {
		return nil, errors.New("tracker-mlflow: instance is closed")
	}
	ids := make([]string, len(events))
	for i, ev := range events {
		ids[i] = ev.EventId
		prepare(ev, t.cfg.LogPrompts)
	}
	n, err := t.p.track(events)
	return ids[:n], err
}

// State is "spooling" while MLflow does not take events (they wait on
// disk), otherwise "ok".
func (t *Tracker) State() string {
	if t.p.outage.Load() || t.p.full.Load() {
		return "spooling"
	}
	return "ok"
}

// Info returns non-secret settings: the tracking URI without credentials,
// the experiment and the spool's depth.
func (t *Tracker) Info() map[string]string {
	out := make(map[string]string, len(t.info))
	for k, v := range t.info {
		out[k] = v
	}
	out["spool_pending_bytes"] = strconv.FormatInt(t.p.sp.Pending(), 10)
	out["state"] = t.State()
	return out
}

// Close releases the instance. The last instance on a spool delivers what it
// can for a few seconds; the rest stays in the spool for the next start.
func (t *Tracker) Close() error {
	t.mu.Lock()
	if t.closed {
		t.mu.Unlock()
		return nil
	}
	t.closed = true
	t.mu.Unlock()
	return t.h.Release()
}
