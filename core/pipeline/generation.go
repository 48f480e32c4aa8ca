// Package pipeline holds the gateway's request path: an immutable Generation
// per loaded pipeline file (its stages, providers, models and trackers on
// running plugin processes), the stage executor and fallback router
// (request.go), and the Runtime that swaps generations on reload and drains
// the old ones.
package pipeline

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/llmgw/llmgw/core/config"
	"github.com/llmgw/llmgw/core/pluginhost"
	"github.com/llmgw/llmgw/core/pricing"
	sdk "github.com/llmgw/llmgw/sdk/go"
	pb "github.com/llmgw/llmgw/sdk/go/proto/llmgw/v1"
)

// Generation is one loaded pipeline file. It never changes after Build; a
// reload builds a new one and swaps it in.
type Generation struct {
	ID   uint64
	spec *config.Spec

	// groups are the stages in order; stages marked parallel that stand next
	// to each other share a group and run concurrently.
	groups    [][]*stageInst
	stages    []*stageInst
	providers map[string]*providerInst
	models    map[string]*modelRoute
	// deploys are the balancing statistics of each direct model.
	deploys  map[string]*deployStats
	trackers []*trackerInst
	procs    []*pluginhost.Process
	host     *pluginhost.Host
	// hasAfter: some stage wants its After hook called.
	hasAfter bool
	// hasDuringCall: some stage runs during the call (verdict.go).
	hasDuringCall bool
	// modelNames in declaration order.
	modelNames []string

	inflight atomic.Int64
	mu       sync.Mutex
	retired  bool
	idle     chan struct{}
}

type instance struct {
	name   string
	plugin string
	id     string
	proc   *pluginhost.Process
	info   map[string]string
	// caps are the instance's capabilities (the plugin's, or narrower).
	caps []string
	// config is the instance's config as JSON.
	config []byte
	// describe is what the plugin said of itself.
	describe *pb.DescribeResponse
}

type stageInst struct {
	instance
	failOpen bool
	timeout  time.Duration
	parallel bool
	after    bool
	// answers: the stage may answer requests itself (sdk.CapStageAnswer).
	answers bool
	// leases are the stage's quota leases; nil when it grants none
	// (sdk.CapStageLease, lease.go).
	leases *leaseTable
	// duringCall: the request goes on without waiting for the stage, whose
	// verdict is awaited before the answer's first byte (verdict.go).
	duringCall bool
	// metadata: the stage reads the request's metadata only
	// (sdk.CapStageMetadata): it gets the request without its messages.
	metadata bool
}

type providerInst struct {
	instance
	breaker *breaker
	// assembles: the plugin assembles plain answers itself
	// (sdk.CapProviderAssemble), so the host asks it for one Complete.
	assembles bool
}

type trackerInst struct {
	instance
}

// modelRoute is a model as the router sees it: the providers to try in order.
type modelRoute struct {
	name string
	// targets are every target the model may reach, in declaration order.
	targets []*target
	// steps are what the router tries in turn: a target, or a balanced
	// model whose balancer orders its own targets per request. nil when
	// the order is always targets'.
	steps []routeStep
	// total bounds the whole request for this model.
	total time.Duration
	// kind is config.KindChat or config.KindEmbeddings.
	kind string
}

// routeStep is one member of a route: a target or a balanced model.
type routeStep struct {
	target   *target
	balancer *balancer
}

// order is the targets in the order this request tries them.
func (r *modelRoute) order() []*target {
	if r.steps == nil {
		return r.targets
	}
	out := make([]*target, 0, len(r.targets))
	for _, s := range r.steps {
		if s.balancer != nil {
			out = s.balancer.appendOrder(out)
		} else {
			out = append(out, s.target)
		}
	}
	return out
}

type target struct {
	model     string
	provider  *providerInst
	upstream  string
	firstByte time.Duration
	idle      time.Duration
	retries   int
	backoff   time.Duration
	// price is nil when the model has none (its cost is unknown).
	price *pricing.Price
	// drop are the chat parameters removed before this target is called:
	// the requested model's drop_params and, in a chain or balanced model,
	// the member's own.
	drop []string
	// stats are the direct model's in-flight count and latency, for the
	// balancers.
	stats *deployStats
	// dims is the vector size an embeddings target is asked for when the
	// request names none: the first dimensions on the way from the
	// requested model (a chain's, a balanced model's, the member's own; 0:
	// the upstream model's own size).
	dims int
}

// BuildError is a failed build; Diagnostics carry file positions when the
// problem is in the file.
type BuildError struct {
	Diagnostics config.Diagnostics
	Err         error
}

func (e *BuildError) Error() string {
	if len(e.Diagnostics) > 0 {
		return e.Diagnostics.Error()
	}
	return e.Err.Error()
}

func (e *BuildError) Unwrap() error { return e.Err }

// Build starts (or reuses) the plugin processes of spec, configures every
// instance and resolves the models. prev is the generation it replaces (nil
// on the first load): a provider that is unchanged keeps prev's breaker, so a
// reload does not forget an outage. On any failure everything Build started
// is released and nothing else changes.
func Build(ctx context.Context, host *pluginhost.Host, spec *config.Spec, id uint64, dataDir string, prev *Generation) (_ *Generation, err error) {
	b := &builder{
		ctx:      ctx,
		host:     host,
		spec:     spec,
		procs:    map[string]*pluginhost.Process{},
		hostInfo: &pb.HostInfo{Models: spec.ModelNames(), DataDir: dataDir, Generation: id, HostVersion: Version},
		g: &Generation{
			ID:        id,
			spec:      spec,
			host:      host,
			providers: map[string]*providerInst{},
			models:    map[string]*modelRoute{},
			deploys:   map[string]*deployStats{},
			idle:      make(chan struct{}),
		},
	}
	defer func() {
		if err != nil {
			b.g.release(context.Background())
		}
	}()
	if err := b.buildProviders(prev); err != nil {
		return nil, err
	}
	if err := b.buildStages(); err != nil {
		return nil, err
	}
	if err := b.buildTrackers(); err != nil {
		return nil, err
	}
	b.buildModels(prev)
	if err := b.checkEmbeddingModels(); err != nil {
		return nil, err
	}
	return b.g, nil
}

// builder holds what Build's steps share.
type builder struct {
	ctx      context.Context
	host     *pluginhost.Host
	spec     *config.Spec
	g        *Generation
	procs    map[string]*pluginhost.Process
	hostInfo *pb.HostInfo
}

// process returns the running process of a plugin, starting it on first use,
// and checks that it serves the instance's kind.
func (b *builder) process(inst *config.Instance) (*pluginhost.Process, error) {
	proc, ok := b.procs[inst.Plugin]
	if !ok {
		var err error
		proc, err = b.host.Acquire(b.ctx, b.spec.Plugins[inst.Plugin])
		if err != nil {
			return nil, &BuildError{Diagnostics: config.ErrorAt(b.spec.Plugins[inst.Plugin].Range, "Plugin failed to start", err.Error()), Err: err}
		}
		b.procs[inst.Plugin] = proc
		b.g.procs = append(b.g.procs, proc)
	}
	if desc := proc.Describe(); desc != nil && !slices.Contains(desc.Kinds, inst.Kind) {
		msg := fmt.Sprintf("plugin %q serves %s, not %s", inst.Plugin, strings.Join(desc.Kinds, ", "), inst.Kind)
		return nil, &BuildError{Diagnostics: config.ErrorAt(inst.Range, "Wrong plugin kind", msg)}
	}
	return proc, nil
}

// use configures one instance on its plugin's process.
func (b *builder) use(inst *config.Instance) (instance, error) {
	proc, err := b.process(inst)
	if err != nil {
		return instance{}, err
	}
	id := fmt.Sprintf("%s@%d", inst.Name, b.g.ID)
	resp, err := proc.Configure(b.ctx, &pb.ConfigureRequest{
		InstanceId:      id,
		Kind:            inst.Kind,
		ConfigJson:      inst.Config,
		ProtocolVersion: sdk.ProtocolVersion,
		Host:            b.hostInfo,
	})
	if err != nil {
		msg := fmt.Sprintf("%s %q: %v", inst.Kind, inst.Name, err)
		return instance{}, &BuildError{Diagnostics: config.ErrorAt(inst.ConfigRange(err.Error()), "Invalid plugin config", msg), Err: err}
	}
	desc := proc.Describe()
	caps := []string(nil)
	if desc != nil {
		caps = desc.Capabilities
	}
	if resp.GetInstanceCapabilities() {
		caps = resp.GetCapabilities()
	}
	return instance{name: inst.Name, plugin: inst.Plugin, id: id, proc: proc, info: resp.GetInfo(), caps: caps, config: inst.Config, describe: desc}, nil
}

func (b *builder) buildProviders(prev *Generation) error {
	for _, name := range slices.Sorted(maps.Keys(b.spec.Providers)) {
		ps := b.spec.Providers[name]
		inst, err := b.use(&ps.Instance)
		if err != nil {
			return err
		}
		br := newBreaker(ps.BreakerFailures, ps.BreakerCooldown)
		if old := prev.provider(name); old != nil && old.unchanged(inst, ps) {
			br = old.breaker
		}
		b.g.providers[name] = &providerInst{instance: inst, breaker: br, assembles: slices.Contains(inst.caps, sdk.CapProviderAssemble)}
	}
	return nil
}

func (b *builder) buildStages() error {
	g := b.g
	for _, ss := range b.spec.Stages {
		inst, err := b.use(&ss.Instance)
		if err != nil {
			return err
		}
		if ss.DuringCall && !slices.Contains(inst.caps, sdk.CapStageVerdict) {
			msg := fmt.Sprintf("stage %q sets during_call, but its plugin %q does not declare %q (a stage that only judges: continue or reject, never a changed request or an answer of its own); the provider would be called with a request the stage might still change", ss.Name, ss.Plugin, sdk.CapStageVerdict)
			return &BuildError{Diagnostics: config.ErrorAt(ss.Range, "during_call needs a verdict-only stage", msg)}
		}
		st := &stageInst{instance: inst, failOpen: ss.OnError == "fail_open", timeout: ss.Timeout, parallel: ss.Parallel, after: slices.Contains(inst.caps, sdk.CapStageAfter),
			answers: slices.Contains(inst.caps, sdk.CapStageAnswer), leases: newLeaseTable(inst.caps, stageReleaser(inst)), duringCall: ss.DuringCall,
			metadata: slices.Contains(inst.caps, sdk.CapStageMetadata)}
		g.stages = append(g.stages, st)
		g.hasAfter = g.hasAfter || st.after
		g.hasDuringCall = g.hasDuringCall || st.duringCall
		if n := len(g.groups); n > 0 && st.parallel && g.groups[n-1][0].parallel {
			g.groups[n-1] = append(g.groups[n-1], st)
		} else {
			g.groups = append(g.groups, []*stageInst{st})
		}
	}
	return nil
}

func (b *builder) buildTrackers() error {
	for _, ts := range b.spec.Trackers {
		inst, err := b.use(&ts.Instance)
		if err != nil {
			return err
		}
		b.g.trackers = append(b.g.trackers, &trackerInst{instance: inst})
	}
	return nil
}

// dropParams is the union of the drop_params of the models on the way from
// the requested model to a direct one (each listed once).
func dropParams(way ...*config.ModelSpec) []string {
	var out []string
	for _, m := range way {
		for _, d := range m.DropParams {
			if !slices.Contains(out, d) {
				out = append(out, d)
			}
		}
	}
	return out
}

// buildModels resolves every model to the targets the router tries: a
// direct model is one target; a chain lists its members' targets in order,
// a balanced member as one step whose balancer orders its targets.
func (b *builder) buildModels(prev *Generation) {
	for _, m := range b.spec.Models {
		if m.IsDirect() {
			b.g.deploys[m.Name] = prev.deployStats(m)
		}
	}
	for _, m := range b.spec.Models {
		b.g.modelNames = append(b.g.modelNames, m.Name)
		route := &modelRoute{name: m.Name, total: m.TotalTimeout, kind: cmp.Or(m.Kind, config.KindChat)}
		switch {
		case m.IsDirect():
			route.targets = []*target{b.target(m)}
		case m.IsBalanced():
			route.steps = []routeStep{b.balanced(route, m)}
		default:
			balanced := false
			for _, name := range m.Fallback {
				mm := b.spec.Model(name)
				if mm.IsBalanced() {
					route.steps = append(route.steps, b.balanced(route, m, mm))
					balanced = true
					continue
				}
				t := b.target(m, mm)
				route.targets = append(route.targets, t)
				route.steps = append(route.steps, routeStep{target: t})
			}
			if !balanced {
				route.steps = nil // a plain chain: its order is always targets'
			}
		}
		b.g.models[m.Name] = route
	}
}

// balanced adds the targets of the balanced model way[len(way)-1] (reached
// through way) to route, and returns its step.
func (b *builder) balanced(route *modelRoute, way ...*config.ModelSpec) routeStep {
	bm := way[len(way)-1]
	var targets []*target
	for _, name := range bm.Targets {
		targets = append(targets, b.target(append(slices.Clone(way), b.spec.Model(name))...))
	}
	route.targets = append(route.targets, targets...)
	return routeStep{balancer: newBalancer(bm, targets)}
}

// target is the direct model way[len(way)-1] as reached from way[0] through
// the models between: the outermost model's deadlines, when it sets them,
// win over the inner ones', and the drop_params of all of them apply.
func (b *builder) target(way ...*config.ModelSpec) *target {
	mm := way[len(way)-1]
	firstByte, idle := mm.FirstByteTimeout, mm.IdleTimeout
	for i := len(way) - 2; i >= 0; i-- {
		firstByte, idle = pick(way[i].FirstByteTimeout, firstByte, config.DefaultFirstByteTimeout), pick(way[i].IdleTimeout, idle, config.DefaultIdleTimeout)
	}
	return &target{
		model:     mm.Name,
		provider:  b.g.providers[mm.Provider],
		upstream:  mm.Upstream,
		firstByte: firstByte,
		idle:      idle,
		retries:   mm.Retries,
		backoff:   mm.RetryBackoff,
		price:     priceOf(mm),
		drop:      dropParams(way...),
		stats:     b.g.deploys[mm.Name],
		dims:      wayDims(way...),
	}
}

// deployStats returns g's statistics of the direct model m when m still
// runs on the same provider and upstream, else fresh ones.
func (g *Generation) deployStats(m *config.ModelSpec) *deployStats {
	if g != nil {
		if s := g.deploys[m.Name]; s != nil && s.provider == m.Provider && s.upstream == m.Upstream {
			return s
		}
	}
	return &deployStats{provider: m.Provider, upstream: m.Upstream}
}

// provider returns g's provider name (nil when g is nil or has none).
func (g *Generation) provider(name string) *providerInst {
	if g == nil {
		return nil
	}
	return g.providers[name]
}

// unchanged reports whether a provider of the new generation is the same as
// p: the same running plugin process, the same config and breaker settings.
func (p *providerInst) unchanged(inst instance, ps *config.ProviderSpec) bool {
	return p.proc == inst.proc && bytes.Equal(p.config, inst.config) && p.breaker.same(ps.BreakerFailures, ps.BreakerCooldown)
}

// pick returns the chain's value when it differs from the default, else the member's.
func pick(chain, member, def time.Duration) time.Duration {
	if chain != def {
		return chain
	}
	return member
}

// acquire marks one request in flight on g; false once g is retired.
func (g *Generation) acquire() bool {
	g.inflight.Add(1)
	g.mu.Lock()
	retired := g.retired
	g.mu.Unlock()
	if retired {
		g.done()
		return false
	}
	return true
}

// done marks one request finished.
func (g *Generation) done() {
	if g.inflight.Add(-1) == 0 {
		g.mu.Lock()
		if g.retired {
			closeOnce(g.idle)
		}
		g.mu.Unlock()
	}
}

func closeOnce(ch chan struct{}) {
	select {
	case <-ch:
	default:
		close(ch)
	}
}

// drain waits until the in-flight requests are done or the deadline passes.
func (g *Generation) drain(timeout time.Duration) (finished bool) {
	g.mu.Lock()
	g.retired = true
	if g.inflight.Load() == 0 {
		closeOnce(g.idle)
	}
	g.mu.Unlock()
	select {
	case <-g.idle:
		return true
	case <-time.After(timeout):
		return false
	}
}

// release closes every instance of g and lets go of its processes.
func (g *Generation) release(ctx context.Context) {
	g.releaseLeases(ctx)
	close := func(in instance) {
		if in.proc != nil && in.id != "" {
			in.proc.CloseInstance(ctx, in.id)
		}
	}
	for _, s := range g.stages {
		close(s.instance)
	}
	for _, p := range g.providers {
		close(p.instance)
	}
	for _, t := range g.trackers {
		close(t.instance)
	}
	for _, p := range g.procs {
		g.host.Release(p)
	}
	g.procs = nil
}

// ModelNames lists the models in declaration order.
func (g *Generation) ModelNames() []string { return g.modelNames }

// HasModel reports whether the pipeline defines name.
func (g *Generation) HasModel(name string) bool { _, ok := g.models[name]; return ok }

// plugins lists the plugin names this generation uses, with whether each is
// required for serving (it hosts a provider or a fail-closed stage).
func (g *Generation) plugins() map[string]bool {
	out := map[string]bool{}
	for _, t := range g.trackers {
		out[t.plugin] = out[t.plugin] || false
	}
	for _, s := range g.stages {
		out[s.plugin] = out[s.plugin] || !s.failOpen
	}
	for _, p := range g.providers {
		out[p.plugin] = true
	}
	return out
}

// ModelInfo describes a model for GET /models.
type ModelInfo struct {
	Name          string   `json:"name"`
	Provider      string   `json:"provider,omitempty"`
	UpstreamModel string   `json:"upstream_model,omitempty"`
	Fallback      []string `json:"fallback,omitempty"`
	Targets       []string `json:"targets,omitempty"`
	Strategy      string   `json:"strategy,omitempty"`
	// Kind is "embeddings" for an embeddings model (empty for chat).
	Kind string `json:"kind,omitempty"`
}

// Models describes every model in declaration order.
func (g *Generation) Models() []ModelInfo {
	out := make([]ModelInfo, 0, len(g.modelNames))
	for _, name := range g.modelNames {
		m := g.spec.Model(name)
		switch {
		case m.IsChain():
			out = append(out, ModelInfo{Name: name, Fallback: m.Fallback, Kind: embeddingsKind(m)})
			continue
		case m.IsBalanced():
			out = append(out, ModelInfo{Name: name, Targets: m.Targets, Strategy: m.Strategy, Kind: embeddingsKind(m)})
			continue
		}
		out = append(out, ModelInfo{Name: name, Provider: m.Provider, UpstreamModel: m.Upstream, Kind: embeddingsKind(m)})
	}
	return out
}
