package pipeline

import (
	"maps"
	"os"
	"slices"
	"time"

	sdk "github.com/llmgw/llmgw/sdk/go"
)

// Graph is the serving pipeline as the dashboard draws it: stage groups in
// order, then the router's models with the providers each tries, then the
// providers with their breakers, and the trackers. The plugin processes'
// health is Health's.
type Graph struct {
	Generation uint64          `json:"generation"`
	Stages     [][]StageReport `json:"stages"`
	Models     []GraphModel    `json:"models"`
	Providers  []GraphProvider `json:"providers"`
	Trackers   []GraphTracker  `json:"trackers"`
}

// GraphModel is a model and the targets the router tries for it, in order.
type GraphModel struct {
	Name string `json:"name"`
	// Chain: the model is a fallback chain of other models.
	Chain   bool          `json:"chain"`
	Targets []GraphTarget `json:"targets"`
}

// GraphTarget is one provider a model is sent to.
type GraphTarget struct {
	Model    string `json:"model"`
	Provider string `json:"provider"`
	Upstream string `json:"upstream"`
}

// GraphProvider is a provider instance and its circuit breaker.
type GraphProvider struct {
	Name   string `json:"name"`
	Plugin string `json:"plugin"`
	// Breaker is "closed", "open", "half-open" or "off".
	Breaker string `json:"breaker"`
}

// GraphTracker is a tracker instance and what its plugin said of itself.
type GraphTracker struct {
	Name   string            `json:"name"`
	Plugin string            `json:"plugin"`
	State  string            `json:"state,omitempty"`
	Info   map[string]string `json:"info"`
}

// Graph describes the serving generation (the zero Graph before the first
// load).
func (rt *Runtime) Graph() Graph {
	g := rt.Current()
	if g == nil {
		return Graph{Stages: [][]StageReport{}, Models: []GraphModel{}, Providers: []GraphProvider{}, Trackers: []GraphTracker{}}
	}
	out := Graph{Generation: g.ID, Stages: [][]StageReport{}, Models: []GraphModel{}, Providers: []GraphProvider{}, Trackers: []GraphTracker{}}
	reports := g.Stages()
	i := 0
	for _, group := range g.groups {
		out.Stages = append(out.Stages, reports[i:i+len(group)])
		i += len(group)
	}
	for _, name := range g.modelNames {
		m := g.models[name]
		gm := GraphModel{Name: name, Chain: g.spec.Model(name).IsChain(), Targets: []GraphTarget{}}
		for _, t := range m.targets {
			gm.Targets = append(gm.Targets, GraphTarget{Model: t.model, Provider: t.provider.name, Upstream: t.upstream})
		}
		out.Models = append(out.Models, gm)
	}
	for _, name := range slices.Sorted(maps.Keys(g.providers)) {
		p := g.providers[name]
		out.Providers = append(out.Providers, GraphProvider{Name: name, Plugin: p.plugin, Breaker: p.breaker.state()})
	}
	states := rt.tracking.State()
	for _, t := range g.trackers {
		info := t.info
		if info == nil {
			info = map[string]string{}
		}
		out.Trackers = append(out.Trackers, GraphTracker{Name: t.name, Plugin: t.plugin, State: states[t.name], Info: info})
	}
	return out
}

// state names the breaker's state: "off" when it never opens, "open" while
// it skips its provider, "half-open" once the cooldown is over and the next
// attempt is a probe (or the probe is under way), else "closed".
func (b *breaker) state() string {
	if b.failures <= 0 {
		return "off"
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	switch {
	case b.count < b.failures:
		return "closed"
	case time.Now().Before(b.openUntil) && !b.probing:
		return "open"
	default:
		return "half-open"
	}
}

// HasKeysStage reports whether the serving pipeline has a stage that owns
// virtual keys (so /admin/keys answers).
func (rt *Runtime) HasKeysStage() bool {
	g := rt.Current()
	if g == nil {
		return false
	}
	for _, s := range g.stages {
		if slices.Contains(s.caps, sdk.CapStageKeys) {
			return true
		}
	}
	return false
}

// File is the pipeline file the runtime loads.
func (rt *Runtime) File() string { return rt.file }

// ReadFile returns the pipeline file's current text (what the next reload
// would load).
func (rt *Runtime) ReadFile() ([]byte, error) { return os.ReadFile(rt.file) }
