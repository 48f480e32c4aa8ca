package pipeline

import (
	"context"
	"errors"
	"os"
	"reflect"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/llmgw/llmgw/core/config"
	"github.com/llmgw/llmgw/core/pluginhost"
)

// Version is the host's version, set by the build.
var Version = "dev"

// Runtime owns the current Generation and swaps it on reload: the new one is
// built completely (processes started or reused, every instance configured)
// before the atomic swap; the old one drains its in-flight requests and is
// then released.
type Runtime struct {
	logger  hclog.Logger
	host    *pluginhost.Host
	file    string
	dataDir string
	drain   time.Duration

	current atomic.Pointer[Generation]
	// lastID is the last generation number given out (under reloadMu).
	lastID uint64
	// serverAtStart is the first load's server block (under reloadMu): the
	// settings are read at start, so a reload only warns of a change.
	serverAtStart map[string]any
	// admit vets a built generation before it serves (Options.Admit).
	admit    func(*Generation) error
	reloadMu sync.Mutex
	draining sync.WaitGroup

	metrics  *Metrics
	tracking *tracking
	stats    *Stats

	// stopping is cancelled when Shutdown gives up waiting for in-flight
	// requests; Serve cancels them with errShuttingDown.
	stopping context.Context
	stop     context.CancelFunc
	// shutdownOnce makes Shutdown idempotent.
	shutdownOnce sync.Once

	statusMu   sync.Mutex
	lastReload ReloadStatus
}

// ReloadStatus is the last reload's outcome, for /health.
type ReloadStatus struct {
	Generation uint64    `json:"generation"`
	OK         bool      `json:"ok"`
	Error      string    `json:"error,omitempty"`
	At         time.Time `json:"at"`
}

// Options configure a Runtime.
type Options struct {
	Logger       hclog.Logger
	File         string
	DataDir      string
	DrainTimeout time.Duration
	StartTimeout time.Duration
	TrackerQueue int
	// TrackerBacklogBytes bounds the encoded bytes of the events kept for a
	// tracker until it acknowledges them (0: 256 MiB).
	TrackerBacklogBytes int64
	// Liveness is the plugins' liveness check (zero: config.DefaultLiveness).
	Liveness config.Liveness
	// Admit, when set, vets every built generation — the first load and
	// every reload — before it serves: an error refuses it (the previous
	// generation keeps serving) with that error.
	Admit func(*Generation) error
}

// NewRuntime returns a Runtime with no generation loaded yet.
func NewRuntime(o Options) *Runtime {
	rt := &Runtime{
		logger:  o.Logger,
		host:    pluginhost.New(o.Logger.Named("plugin"), o.StartTimeout),
		file:    o.File,
		dataDir: o.DataDir,
		drain:   o.DrainTimeout,
		metrics: NewMetrics(),
		stats:   newStats(),
		admit:   o.Admit,
	}
	if o.Liveness != (config.Liveness{}) {
		rt.host.SetLiveness(o.Liveness)
	}
	rt.stopping, rt.stop = context.WithCancel(context.Background())
	rt.metrics.Registry.MustRegister(newPluginCollector(rt.host.Statuses))
	rt.tracking = newTracking(o.Logger.Named("tracking"), o.TrackerQueue, o.TrackerBacklogBytes, rt.current.Load, rt.metrics.Registry)
	return rt
}

// Metrics returns the runtime's metrics.
func (rt *Runtime) Metrics() *Metrics { return rt.metrics }

// Current returns the serving generation (nil before the first load).
func (rt *Runtime) Current() *Generation { return rt.current.Load() }

// acquire takes the current generation for one request.
func (rt *Runtime) acquire() *Generation {
	for i := 0; i < 3; i++ {
		g := rt.current.Load()
		if g == nil {
			return nil
		}
		if g.acquire() {
			return g
		}
		// Retired between the load and the acquire: take the newer one.
	}
	return nil
}

// Load reads the pipeline file and, if it is valid and every plugin starts
// and accepts its config, makes it the serving generation. A failure changes
// nothing.
func (rt *Runtime) Load(ctx context.Context) (*Generation, error) {
	rt.reloadMu.Lock()
	defer rt.reloadMu.Unlock()
	spec, err := config.LoadFile(rt.file)
	if err == nil {
		var g *Generation
		// The number is taken only by a reload that took: a failed one
		// leaves no gap.
		g, err = Build(ctx, rt.host, spec, rt.lastID+1, rt.dataDir, rt.current.Load())
		if err == nil && rt.admit != nil {
			if err = rt.admit(g); err != nil {
				g.release(context.Background())
			}
		}
		if err == nil {
			rt.noteServerChanges(spec.Server)
			rt.lastID = g.ID
			old := rt.current.Swap(g)
			rt.setStatus(ReloadStatus{Generation: g.ID, OK: true, At: time.Now()})
			if old != nil {
				rt.logger.Info("pipeline reloaded", "generation", g.ID, "previous", old.ID)
				rt.draining.Add(1)
				go rt.retire(old)
			} else {
				rt.logger.Info("pipeline loaded", "generation", g.ID, "file", rt.file, "models", len(g.modelNames), "stages", len(g.stages))
			}
			if u := g.Unpriced(); len(u) > 0 {
				rt.logger.Warn("models without a price are served with cost_usd null; give their model block price = { input = …, output = … } (USD per million tokens)", "models", strings.Join(u, ","))
			}
			return g, nil
		}
	}
	var gen uint64
	if g := rt.current.Load(); g != nil {
		gen = g.ID
	}
	rt.setStatus(ReloadStatus{Generation: gen, OK: false, Error: err.Error(), At: time.Now()})
	rt.logger.Error("pipeline not loaded; still serving the previous one", "generation", gen, "error", err.Error())
	return nil, err
}

// noteServerChanges remembers the first load's server block and warns when
// a reload changes it: those settings are read at start only.
func (rt *Runtime) noteServerChanges(server map[string]any) {
	if rt.lastID == 0 {
		rt.serverAtStart = server
		return
	}
	if changed := changedKeys(rt.serverAtStart, server); len(changed) > 0 {
		rt.logger.Warn("server {} settings changed; they are read at start only: restart the gateway to apply them", "keys", strings.Join(changed, ","))
	}
}

// changedKeys lists the keys whose values differ between a and b, sorted.
func changedKeys(a, b map[string]any) []string {
	var out []string
	for k, v := range a {
		if w, ok := b[k]; !ok || !reflect.DeepEqual(v, w) {
			out = append(out, k)
		}
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// retire drains an old generation, then releases it.
func (rt *Runtime) retire(g *Generation) {
	defer rt.draining.Done()
	// Its leases' permits go back at once: no new request reaches it.
	lctx, lcancel := context.WithTimeout(context.Background(), 10*time.Second)
	g.releaseLeases(lctx)
	lcancel()
	if !g.drain(rt.drain) {
		rt.logger.Warn("old pipeline generation still had requests at the drain deadline", "generation", g.ID, "inflight", g.inflight.Load())
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	g.release(ctx)
	rt.logger.Debug("old pipeline generation released", "generation", g.ID)
}

func (rt *Runtime) setStatus(s ReloadStatus) {
	rt.statusMu.Lock()
	rt.lastReload = s
	rt.statusMu.Unlock()
}

// LastReload is the last load's outcome.
func (rt *Runtime) LastReload() ReloadStatus {
	rt.statusMu.Lock()
	defer rt.statusMu.Unlock()
	return rt.lastReload
}

// Shutdown waits for in-flight requests (up to timeout), delivers queued
// tracking events, closes every instance and stops every plugin process.
// Only the first call does anything.
func (rt *Runtime) Shutdown(timeout time.Duration) {
	rt.shutdownOnce.Do(func() { rt.shutdown(timeout) })
}

func (rt *Runtime) shutdown(timeout time.Duration) {
	deadline := time.Now().Add(timeout)
	if g := rt.current.Load(); g != nil && !g.drain(time.Until(deadline)) {
		// Cut what is left short before its plugins stop, so it ends as the
		// gateway's doing, not as a failure of its provider.
		rt.stop()
		g.drain(time.Second)
	}
	rt.stop()
	rt.tracking.close(max(time.Until(deadline), 2*time.Second))
	done := make(chan struct{})
	go func() { rt.draining.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(max(time.Until(deadline), 0)):
	}
	if g := rt.current.Swap(nil); g != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		g.release(ctx)
		cancel()
	}
	rt.host.Shutdown()
}

// Validate parses a pipeline file and starts its plugins to let them check
// their config, without serving; everything started is stopped again.
// Plugins get a temporary data dir, so validating never touches a serving
// gateway's state.
func Validate(ctx context.Context, logger hclog.Logger, file string, startTimeout time.Duration) error {
	spec, err := config.LoadFile(file)
	if err != nil {
		return err
	}
	host := pluginhost.New(logger, startTimeout)
	defer host.Shutdown()
	tmp, err := os.MkdirTemp("", "llmgw-validate-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	g, err := Build(ctx, host, spec, 1, tmp, nil)
	if err != nil {
		return err
	}
	g.release(ctx)
	return nil
}

// IsBuildError reports whether err came from a pipeline that failed to load.
func IsBuildError(err error) bool {
	var be *BuildError
	var d config.Diagnostics
	return errors.As(err, &be) || errors.As(err, &d)
}
