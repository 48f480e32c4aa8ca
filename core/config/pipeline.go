// Package config turns a pipeline.hcl file into a typed, checked Spec (with
// file:line:col diagnostics) and layers the host's settings with koanf.
package config

import (
	"github.com/llmgw/llmgw/core/pricing"

	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/gohcl"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	sdk "github.com/llmgw/llmgw/sdk/go"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"
	ctyjson "github.com/zclconf/go-cty/cty/json"
)

// Default deadlines of a model (docs/pipeline-reference.md).
const (
	DefaultFirstByteTimeout = 15 * time.Second
	DefaultIdleTimeout      = 30 * time.Second
	DefaultTotalTimeout     = 120 * time.Second
	DefaultStageTimeout     = 500 * time.Millisecond
	DefaultRestartWait      = 2 * time.Second
)

// Spec is a parsed and checked pipeline file.
type Spec struct {
	// File is the path the spec was read from.
	File string
	// Server holds the raw `server { … }` attributes, for Settings.
	Server map[string]any
	// ServerRanges locates each server attribute, for diagnostics.
	ServerRanges map[string]hcl.Range
	Plugins      map[string]*PluginSpec
	Providers    map[string]*ProviderSpec
	// Models in declaration order.
	Models   []*ModelSpec
	Stages   []*StageSpec
	Trackers []*TrackerSpec
}

// PluginSpec is a `plugin "NAME" { … }` block: one plugin process.
type PluginSpec struct {
	Name string
	// Path is absolute (resolved against the pipeline file's directory).
	Path string
	Args []string
	Env  map[string]string
	// SHA256 pins the binary's checksum; empty means "use the build's sums file".
	SHA256 string
	// AutoMTLS is go-plugin's automatic mutual TLS (default on).
	AutoMTLS bool
	// RestartWait is how long a call waits for a restarting process.
	RestartWait time.Duration
	// LivenessInterval and LivenessTimeout override the server's liveness
	// check when set; LivenessMisses when not nil.
	LivenessInterval time.Duration
	LivenessTimeout  time.Duration
	LivenessMisses   *int
	Range            hcl.Range
}

// LivenessOver is the plugin's liveness check: its own settings over def
// (a zero interval or timeout in def means the default). A timeout longer
// than the interval is cut to the interval, so checks never overlap.
func (s *PluginSpec) LivenessOver(def Liveness) Liveness {
	l := def
	if s.LivenessInterval > 0 {
		l.Interval = s.LivenessInterval
	}
	if s.LivenessTimeout > 0 {
		l.Timeout = s.LivenessTimeout
	}
	if s.LivenessMisses != nil {
		l.Misses = *s.LivenessMisses
	}
	if l.Interval <= 0 {
		l.Interval = DefaultLivenessInterval
	}
	if l.Timeout <= 0 {
		l.Timeout = DefaultLivenessTimeout
	}
	l.Timeout = min(l.Timeout, l.Interval)
	return l
}

// Instance is a configured use of a plugin: a provider, stage or tracker.
type Instance struct {
	Name   string
	Kind   string
	Plugin string
	// Config is the `config = { … }` object as JSON ("{}" when absent).
	Config []byte
	// ConfigExpr locates the config object (nil when absent).
	ConfigExpr hcl.Expression
	Range      hcl.Range
}

// ProviderSpec is a `provider "NAME" { … }` block.
type ProviderSpec struct {
	Instance
	// BreakerFailures opens the circuit after that many consecutive failures.
	BreakerFailures int
	// BreakerCooldown is how long an open circuit skips the provider.
	BreakerCooldown time.Duration
}

// Balancing strategies of a model with targets.
const (
	// StrategyWeighted sends each target its weight's share of the requests
	// (a smooth weighted round robin: exact shares, no bursts).
	StrategyWeighted = "weighted"
	// StrategyRoundRobin takes the targets in turn.
	StrategyRoundRobin = "round_robin"
	// StrategyLeastLatency prefers the target with the lowest recent
	// first-byte latency and sends a share of the requests (Explore) to
	// another one to keep measuring it.
	StrategyLeastLatency = "least_latency"
	// StrategyLeastBusy prefers the target with the fewest requests in flight.
	StrategyLeastBusy = "least_busy"
)

// Strategies lists the balancing strategies.
var Strategies = []string{StrategyWeighted, StrategyRoundRobin, StrategyLeastLatency, StrategyLeastBusy}

// DefaultExplore is the share of least_latency requests sent to a target
// other than the fastest, so a target that got faster is noticed.
const DefaultExplore = 0.05

// ModelSpec is a `model "NAME" { … }` block: a direct model served by one
// provider, a fallback chain over other models, or a balanced model that
// spreads its requests over targets (other models) with a strategy.
type ModelSpec struct {
	Name     string
	Provider string
	Upstream string
	Fallback []string
	// Targets are the models a balanced model spreads its requests over,
	// with Strategy (one of Strategies), Weights (weighted: one per target)
	// and Explore (least_latency).
	Targets      []string
	Strategy     string
	Weights      []int
	Explore      float64
	TargetsRange hcl.Range
	// Deadlines and retries (defaults: DefaultFirstByteTimeout, …).
	FirstByteTimeout time.Duration
	IdleTimeout      time.Duration
	TotalTimeout     time.Duration
	Retries          int
	RetryBackoff     time.Duration
	// Price overrides the shipped price of the upstream model (USD per
	// million tokens as text: input, cached_input, output,
	// max_output_tokens); nil when not set.
	Price map[string]string
	// DropParams are chat parameters (sdk.ChatParams names) the gateway
	// removes from requests for this model instead of refusing them when a
	// provider cannot honour them: an operator's explicit choice.
	DropParams []string
	// Kind is KindChat (default) or KindEmbeddings: the route the model
	// serves. A chain's kind is its members'.
	Kind string
	// Dimensions is the vector size an embeddings model returns when the
	// request does not ask for one (sent to the provider as its dimensions
	// parameter); 0 leaves it to the upstream model.
	Dimensions int
	Range      hcl.Range
}

// Model kinds (the model block's kind).
const (
	KindChat       = "chat"
	KindEmbeddings = "embeddings"
)

// StageSpec is a `stage "NAME" { … }` block inside `pipeline`.
type StageSpec struct {
	Instance
	// OnError is "fail_closed" or "fail_open".
	OnError string
	Timeout time.Duration
	// Parallel stages next to each other run concurrently.
	Parallel bool
	// DuringCall starts the stage and goes on without waiting for it: the
	// later stages and the provider call run beside it, and its verdict is
	// awaited before the first byte of the answer (a verdict-only stage).
	DuringCall bool
}

// TrackerSpec is a `tracker "NAME" { … }` block inside `pipeline`.
type TrackerSpec struct {
	Instance
}

// IsChain reports whether the model is a fallback chain.
func (m *ModelSpec) IsChain() bool { return len(m.Fallback) > 0 }

// IsBalanced reports whether the model spreads its requests over targets.
func (m *ModelSpec) IsBalanced() bool { return len(m.Targets) > 0 }

// IsDirect reports whether the model is served by one provider.
func (m *ModelSpec) IsDirect() bool { return !m.IsChain() && !m.IsBalanced() }

// Model returns the model named name, or nil.
func (s *Spec) Model(name string) *ModelSpec {
	for _, m := range s.Models {
		if m.Name == name {
			return m
		}
	}
	return nil
}

// ModelNames lists the models in declaration order.
func (s *Spec) ModelNames() []string {
	names := make([]string, len(s.Models))
	for i, m := range s.Models {
		names[i] = m.Name
	}
	return names
}

// Diagnostics is a list of problems in a pipeline file, each with its position.
type Diagnostics hcl.Diagnostics

// Error formats every diagnostic as `file:line:col: summary: detail`.
func (d Diagnostics) Error() string {
	var b strings.Builder
	for i, diag := range d {
		if i > 0 {
			b.WriteByte('\n')
		}
		if diag.Subject != nil {
			fmt.Fprintf(&b, "%s:%d:%d: ", diag.Subject.Filename, diag.Subject.Start.Line, diag.Subject.Start.Column)
		}
		b.WriteString(diag.Summary)
		if diag.Detail != "" {
			b.WriteString(": ")
			b.WriteString(diag.Detail)
		}
	}
	return b.String()
}

// ErrorAt returns Diagnostics with one error at rng.
func ErrorAt(rng hcl.Range, summary, detail string) Diagnostics {
	return Diagnostics{{Severity: hcl.DiagError, Summary: summary, Detail: detail, Subject: rng.Ptr()}}
}

// EvalContext is the evaluation context of pipeline files: env() plus a few
// conversion functions.
func EvalContext(lookup func(string) (string, bool)) *hcl.EvalContext {
	return &hcl.EvalContext{
		Functions: map[string]function.Function{
			"env":      envFunc(lookup),
			"tonumber": stdlib.MakeToFunc(cty.Number),
			"tostring": stdlib.MakeToFunc(cty.String),
			"tobool":   stdlib.MakeToFunc(cty.Bool),
			"lower":    stdlib.LowerFunc,
			"upper":    stdlib.UpperFunc,
		},
	}
}

// envFunc is env(NAME[, DEFAULT]): the variable's value, or DEFAULT (or "")
// when it is unset or empty.
func envFunc(lookup func(string) (string, bool)) function.Function {
	return function.New(&function.Spec{
		Params:   []function.Parameter{{Name: "name", Type: cty.String}},
		VarParam: &function.Parameter{Name: "default", Type: cty.String},
		Type:     function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			if len(args) > 2 {
				return cty.NilVal, fmt.Errorf("env takes a name and at most one default")
			}
			if v, ok := lookup(args[0].AsString()); ok && v != "" {
				return cty.StringVal(v), nil
			}
			if len(args) == 2 {
				return args[1], nil
			}
			return cty.StringVal(""), nil
		},
	})
}

// LoadFile reads and checks a pipeline file with the process environment.
func LoadFile(path string) (*Spec, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read pipeline: %w", err)
	}
	return Parse(path, src, os.LookupEnv)
}

type pluginBody struct {
	Path        string            `hcl:"path"`
	Args        []string          `hcl:"args,optional"`
	Env         map[string]string `hcl:"env,optional"`
	SHA256      string            `hcl:"sha256,optional"`
	AutoMTLS    *bool             `hcl:"auto_mtls,optional"`
	RestartWait string            `hcl:"restart_wait,optional"`
	// Liveness check overrides (see Settings).
	LivenessInterval string `hcl:"liveness_interval,optional"`
	LivenessTimeout  string `hcl:"liveness_timeout,optional"`
	LivenessMisses   *int   `hcl:"liveness_misses,optional"`
}

type providerBody struct {
	Plugin          string         `hcl:"plugin"`
	Config          hcl.Expression `hcl:"config,optional"`
	BreakerFailures *int           `hcl:"breaker_failures,optional"`
	BreakerCooldown string         `hcl:"breaker_cooldown,optional"`
}

type modelBody struct {
	Provider         string            `hcl:"provider,optional"`
	Upstream         string            `hcl:"upstream,optional"`
	Fallback         []string          `hcl:"fallback,optional"`
	Targets          []string          `hcl:"targets,optional"`
	Strategy         string            `hcl:"strategy,optional"`
	Weights          []int             `hcl:"weights,optional"`
	Explore          *float64          `hcl:"explore,optional"`
	FirstByteTimeout string            `hcl:"first_byte_timeout,optional"`
	IdleTimeout      string            `hcl:"idle_timeout,optional"`
	TotalTimeout     string            `hcl:"total_timeout,optional"`
	Retries          *int              `hcl:"retries,optional"`
	RetryBackoff     string            `hcl:"retry_backoff,optional"`
	Price            map[string]string `hcl:"price,optional"`
	DropParams       []string          `hcl:"drop_params,optional"`
	Kind             string            `hcl:"kind,optional"`
	Dimensions       *int              `hcl:"dimensions,optional"`
}

type stageBody struct {
	Plugin     string         `hcl:"plugin"`
	Config     hcl.Expression `hcl:"config,optional"`
	OnError    string         `hcl:"on_error,optional"`
	Timeout    string         `hcl:"timeout,optional"`
	Parallel   bool           `hcl:"parallel,optional"`
	DuringCall bool           `hcl:"during_call,optional"`
}

type trackerBody struct {
	Plugin string         `hcl:"plugin"`
	Config hcl.Expression `hcl:"config,optional"`
}

var topSchema = &hcl.BodySchema{
	Blocks: []hcl.BlockHeaderSchema{
		{Type: "server"},
		{Type: "plugin", LabelNames: []string{"name"}},
		{Type: "provider", LabelNames: []string{"name"}},
		{Type: "model", LabelNames: []string{"name"}},
		{Type: "pipeline", LabelNames: []string{"name"}},
	},
}

var pipelineSchema = &hcl.BodySchema{
	Blocks: []hcl.BlockHeaderSchema{
		{Type: "stage", LabelNames: []string{"name"}},
		{Type: "tracker", LabelNames: []string{"name"}},
	},
}

// Parse parses and checks a pipeline file's source. lookup reads environment
// variables for env(). Every problem found is returned as Diagnostics.
func Parse(filename string, src []byte, lookup func(string) (string, bool)) (*Spec, error) {
	file, diags := hclsyntax.ParseConfig(src, filename, hcl.InitialPos)
	if diags.HasErrors() {
		return nil, Diagnostics(diags)
	}
	p := &parser{
		ctx:  EvalContext(lookup),
		dir:  filepath.Dir(filename),
		spec: &Spec{File: filename, Server: map[string]any{}, ServerRanges: map[string]hcl.Range{}, Plugins: map[string]*PluginSpec{}, Providers: map[string]*ProviderSpec{}},
	}
	content, diags := file.Body.Content(topSchema)
	p.diags = append(p.diags, diags...)
	if content != nil {
		p.top(content)
	}
	if !p.diags.HasErrors() {
		p.check()
	}
	if p.diags.HasErrors() {
		return nil, Diagnostics(p.diags)
	}
	return p.spec, nil
}

type parser struct {
	ctx   *hcl.EvalContext
	dir   string
	spec  *Spec
	diags hcl.Diagnostics
}

func (p *parser) errf(rng hcl.Range, summary, format string, args ...any) {
	p.diags = append(p.diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: summary, Detail: fmt.Sprintf(format, args...), Subject: rng.Ptr()})
}

func (p *parser) top(content *hcl.BodyContent) {
	seen := map[string]hcl.Range{}
	dup := func(kind, name string, rng hcl.Range) bool {
		key := kind + "\x00" + name
		if prev, ok := seen[key]; ok {
			p.errf(rng, "Duplicate "+kind, "%s %q was already defined at %s", kind, name, prev.String())
			return true
		}
		seen[key] = rng
		return false
	}
	pipelines := 0
	for _, b := range content.Blocks {
		switch b.Type {
		case "server":
			if dup("server", "", b.DefRange) {
				continue
			}
			p.server(b)
		case "plugin":
			if !dup("plugin", b.Labels[0], b.DefRange) {
				p.plugin(b)
			}
		case "provider":
			if !dup("provider", b.Labels[0], b.DefRange) {
				p.provider(b)
			}
		case "model":
			if !dup("model", b.Labels[0], b.DefRange) {
				p.model(b)
			}
		case "pipeline":
			pipelines++
			if pipelines > 1 {
				p.errf(b.DefRange, "Duplicate pipeline", "a pipeline file has one pipeline block")
				continue
			}
			p.pipeline(b)
		}
	}
}

func (p *parser) server(b *hcl.Block) {
	attrs, diags := b.Body.JustAttributes()
	p.diags = append(p.diags, diags...)
	for name, attr := range attrs {
		if !IsSetting(name) {
			p.errf(attr.NameRange, "Unknown server setting", "%q is not a server setting (known: %s)", name, strings.Join(SettingNames(), ", "))
			continue
		}
		v, diags := attr.Expr.Value(p.ctx)
		p.diags = append(p.diags, diags...)
		if diags.HasErrors() {
			continue
		}
		goV, err := ctyToGo(v)
		if err != nil {
			p.errf(attr.Expr.Range(), "Invalid server setting", "%s: %v", name, err)
			continue
		}
		p.spec.Server[name] = goV
		p.spec.ServerRanges[name] = attr.Expr.Range()
	}
}

func (p *parser) decode(b *hcl.Block, into any) bool {
	diags := gohcl.DecodeBody(b.Body, p.ctx, into)
	p.diags = append(p.diags, diags...)
	return !diags.HasErrors()
}

func (p *parser) duration(b *hcl.Block, attr, value string, def time.Duration) time.Duration {
	if value == "" {
		return def
	}
	d, err := time.ParseDuration(value)
	if err != nil || d <= 0 {
		p.errf(attrRange(b, attr), "Invalid duration", "%s = %q: want a positive duration such as \"250ms\" or \"15s\"", attr, value)
		return def
	}
	return d
}

// attrRange locates an attribute of a block, or the block itself.
func attrRange(b *hcl.Block, name string) hcl.Range {
	if body, ok := b.Body.(*hclsyntax.Body); ok {
		if a, ok := body.Attributes[name]; ok {
			return a.Expr.Range()
		}
	}
	return b.DefRange
}

func (p *parser) plugin(b *hcl.Block) {
	var body pluginBody
	if !p.decode(b, &body) {
		return
	}
	path := body.Path
	if path == "" {
		p.errf(attrRange(b, "path"), "Missing plugin path", "plugin %q needs a path to its executable", b.Labels[0])
		return
	}
	if !filepath.IsAbs(path) {
		path = filepath.Join(p.dir, path)
	}
	ps := &PluginSpec{
		Name:        b.Labels[0],
		Path:        filepath.Clean(path),
		Args:        body.Args,
		Env:         body.Env,
		SHA256:      strings.ToLower(body.SHA256),
		AutoMTLS:    body.AutoMTLS == nil || *body.AutoMTLS,
		RestartWait: p.duration(b, "restart_wait", body.RestartWait, DefaultRestartWait),
		// Zero when absent: the server's setting applies.
		LivenessInterval: p.duration(b, "liveness_interval", body.LivenessInterval, 0),
		LivenessTimeout:  p.duration(b, "liveness_timeout", body.LivenessTimeout, 0),
		LivenessMisses:   body.LivenessMisses,
		Range:            b.DefRange,
	}
	if ps.SHA256 != "" && len(ps.SHA256) != 64 {
		p.errf(attrRange(b, "sha256"), "Invalid checksum", "sha256 must be 64 hex digits")
	}
	if ps.LivenessMisses != nil && *ps.LivenessMisses < 0 {
		p.errf(attrRange(b, "liveness_misses"), "Invalid liveness_misses", "liveness_misses must be 0 (checks off) or more")
	}
	if ps.LivenessInterval > 0 && ps.LivenessTimeout > ps.LivenessInterval {
		p.errf(attrRange(b, "liveness_timeout"), "Invalid liveness_timeout", "liveness_timeout must not be longer than liveness_interval")
	}
	p.spec.Plugins[ps.Name] = ps
}

func (p *parser) instance(b *hcl.Block, kind, plugin string, cfg hcl.Expression) Instance {
	inst := Instance{Name: b.Labels[0], Kind: kind, Plugin: plugin, Config: []byte("{}"), Range: b.DefRange}
	if cfg != nil && cfg.Range().Empty() == false && !isNullExpr(cfg) {
		inst.ConfigExpr = cfg
		v, diags := cfg.Value(p.ctx)
		p.diags = append(p.diags, diags...)
		if diags.HasErrors() {
			return inst
		}
		if !v.Type().IsObjectType() && !v.Type().IsMapType() {
			p.errf(cfg.Range(), "Invalid config", "config must be an object, like config = { key = \"value\" }")
			return inst
		}
		js, err := ctyjson.Marshal(v, v.Type())
		if err != nil {
			p.errf(cfg.Range(), "Invalid config", "%v", err)
			return inst
		}
		inst.Config = js
	}
	if plugin == "" {
		p.errf(attrRange(b, "plugin"), "Missing plugin", "%s %q needs plugin = \"NAME\"", kind, inst.Name)
	}
	return inst
}

// isNullExpr reports whether an optional expression was left out (gohcl
// gives a synthetic null expression).
func isNullExpr(e hcl.Expression) bool {
	v, diags := e.Value(nil)
	return !diags.HasErrors() && v.IsNull()
}

func (p *parser) provider(b *hcl.Block) {
	var body providerBody
	if !p.decode(b, &body) {
		return
	}
	ps := &ProviderSpec{
		Instance:        p.instance(b, "provider", body.Plugin, body.Config),
		BreakerFailures: 5,
		BreakerCooldown: p.duration(b, "breaker_cooldown", body.BreakerCooldown, 30*time.Second),
	}
	if body.BreakerFailures != nil {
		if *body.BreakerFailures < 0 {
			p.errf(attrRange(b, "breaker_failures"), "Invalid breaker_failures", "must be 0 (off) or more")
		}
		ps.BreakerFailures = *body.BreakerFailures
	}
	p.spec.Providers[ps.Name] = ps
}

func (p *parser) model(b *hcl.Block) {
	var body modelBody
	if !p.decode(b, &body) {
		return
	}
	m := &ModelSpec{
		Name:             b.Labels[0],
		Provider:         body.Provider,
		Upstream:         body.Upstream,
		Fallback:         body.Fallback,
		Targets:          body.Targets,
		FirstByteTimeout: p.duration(b, "first_byte_timeout", body.FirstByteTimeout, DefaultFirstByteTimeout),
		IdleTimeout:      p.duration(b, "idle_timeout", body.IdleTimeout, DefaultIdleTimeout),
		TotalTimeout:     p.duration(b, "total_timeout", body.TotalTimeout, DefaultTotalTimeout),
		RetryBackoff:     p.duration(b, "retry_backoff", body.RetryBackoff, 100*time.Millisecond),
		Price:            body.Price,
		DropParams:       body.DropParams,
		Range:            b.DefRange,
	}
	for _, d := range m.DropParams {
		if !slices.Contains(sdk.DroppableParams, d) {
			p.errf(attrRange(b, "drop_params"), "Invalid drop_params", "model %q: drop_params: %q is not a parameter the gateway can drop (one of %s)", m.Name, d, strings.Join(sdk.DroppableParams, ", "))
		}
	}
	p.modelKind(b, m, body)
	if body.Retries != nil {
		if *body.Retries < 0 || *body.Retries > 5 {
			p.errf(attrRange(b, "retries"), "Invalid retries", "retries must be between 0 and 5")
		}
		m.Retries = *body.Retries
	}
	if m.Price != nil {
		if !m.IsDirect() {
			p.errf(attrRange(b, "price"), "Invalid price", "model %q is a fallback chain or balanced: set price on its members", m.Name)
		} else if _, err := pricing.ParseOverride(m.Price); err != nil {
			p.errf(attrRange(b, "price"), "Invalid price", "model %q: price: %v", m.Name, err)
		}
	}
	kinds := 0
	for _, set := range []bool{m.Provider != "" || m.Upstream != "", len(m.Fallback) > 0, len(m.Targets) > 0} {
		if set {
			kinds++
		}
	}
	switch {
	case kinds > 1:
		p.errf(b.DefRange, "Invalid model", "model %q: use one of provider/upstream, fallback or targets, not several", m.Name)
	case m.IsDirect() && (m.Provider == "" || m.Upstream == ""):
		p.errf(b.DefRange, "Invalid model", "model %q needs provider and upstream, a fallback list or a targets list", m.Name)
	}
	p.balancing(b, m, &body)
	p.spec.Models = append(p.spec.Models, m)
}

// balancing reads a balanced model's targets, strategy, weights and explore.
func (p *parser) balancing(b *hcl.Block, m *ModelSpec, body *modelBody) {
	m.Strategy, m.Weights, m.Explore = body.Strategy, body.Weights, DefaultExplore
	m.TargetsRange = attrRange(b, "targets")
	if !m.IsBalanced() {
		for _, attr := range []string{"strategy", "weights", "explore"} {
			if attrRange(b, attr) != b.DefRange {
				p.errf(attrRange(b, attr), "Invalid "+attr, "model %q: %s applies to a model with targets only", m.Name, attr)
			}
		}
		return
	}
	if m.Strategy == "" {
		m.Strategy = StrategyWeighted
	}
	if !slices.Contains(Strategies, m.Strategy) {
		p.errf(attrRange(b, "strategy"), "Invalid strategy", "model %q: strategy must be one of %s, not %q", m.Name, strings.Join(Strategies, ", "), m.Strategy)
	}
	switch {
	case m.Weights != nil && m.Strategy != StrategyWeighted:
		p.errf(attrRange(b, "weights"), "Invalid weights", "model %q: weights apply to strategy \"weighted\" only", m.Name)
	case m.Weights != nil && len(m.Weights) != len(m.Targets):
		p.errf(attrRange(b, "weights"), "Invalid weights", "model %q: %d weights for %d targets; give one weight per target", m.Name, len(m.Weights), len(m.Targets))
	case m.Weights != nil && slices.ContainsFunc(m.Weights, func(w int) bool { return w < 1 || w > MaxWeight }):
		p.errf(attrRange(b, "weights"), "Invalid weights", "model %q: each weight must be between 1 and %d", m.Name, MaxWeight)
	}
	if body.Explore != nil {
		m.Explore = *body.Explore
		if m.Strategy != StrategyLeastLatency {
			p.errf(attrRange(b, "explore"), "Invalid explore", "model %q: explore applies to strategy \"least_latency\" only", m.Name)
		} else if m.Explore < 0 || m.Explore > 0.5 {
			p.errf(attrRange(b, "explore"), "Invalid explore", "model %q: explore is a share of requests between 0 and 0.5", m.Name)
		}
	}
}

// MaxWeight bounds a target's weight (the weighted schedule has as many
// slots as the weights add up to).
const MaxWeight = 1000

func (p *parser) pipeline(b *hcl.Block) {
	content, diags := b.Body.Content(pipelineSchema)
	p.diags = append(p.diags, diags...)
	if content == nil {
		return
	}
	names := map[string]bool{}
	for _, sb := range content.Blocks {
		if names[sb.Labels[0]] {
			p.errf(sb.DefRange, "Duplicate "+sb.Type, "%s %q is defined twice", sb.Type, sb.Labels[0])
			continue
		}
		names[sb.Labels[0]] = true
		switch sb.Type {
		case "stage":
			var body stageBody
			if !p.decode(sb, &body) {
				continue
			}
			st := &StageSpec{
				Instance:   p.instance(sb, "stage", body.Plugin, body.Config),
				OnError:    body.OnError,
				Timeout:    p.duration(sb, "timeout", body.Timeout, DefaultStageTimeout),
				Parallel:   body.Parallel,
				DuringCall: body.DuringCall,
			}
			switch st.OnError {
			case "":
				st.OnError = "fail_closed"
			case "fail_closed", "fail_open":
			default:
				p.errf(attrRange(sb, "on_error"), "Invalid on_error", "on_error must be \"fail_closed\" or \"fail_open\", not %q", st.OnError)
			}
			p.spec.Stages = append(p.spec.Stages, st)
		case "tracker":
			var body trackerBody
			if !p.decode(sb, &body) {
				continue
			}
			p.spec.Trackers = append(p.spec.Trackers, &TrackerSpec{Instance: p.instance(sb, "tracker", body.Plugin, body.Config)})
		}
	}
}

// check resolves references between blocks.
func (p *parser) check() {
	s := p.spec
	needPlugin := func(inst Instance) {
		if _, ok := s.Plugins[inst.Plugin]; !ok {
			p.errf(inst.Range, "Unknown plugin", "%s %q uses plugin %q, which no plugin block defines (defined: %s)", inst.Kind, inst.Name, inst.Plugin, strings.Join(slices.Sorted(maps.Keys(s.Plugins)), ", "))
		}
	}
	for _, name := range slices.Sorted(maps.Keys(s.Providers)) {
		needPlugin(s.Providers[name].Instance)
	}
	for _, st := range s.Stages {
		needPlugin(st.Instance)
	}
	for _, t := range s.Trackers {
		needPlugin(t.Instance)
	}
	if len(s.Models) == 0 {
		p.errf(hcl.Range{Filename: s.File, Start: hcl.InitialPos, End: hcl.InitialPos}, "No models", "a pipeline needs at least one model block")
	}
	for _, m := range s.Models {
		switch {
		case m.IsDirect():
			if _, ok := s.Providers[m.Provider]; !ok {
				p.errf(m.Range, "Unknown provider", "model %q uses provider %q, which no provider block defines", m.Name, m.Provider)
			}
		case m.IsChain():
			p.checkChain(m)
		case m.IsBalanced():
			p.checkTargets(m)
		}
	}
	if !p.diags.HasErrors() {
		p.checkKinds()
	}
}

// checkChain resolves a fallback chain: its members are direct or balanced
// models, and no direct model is reached twice.
func (p *parser) checkChain(m *ModelSpec) {
	seen := map[string]string{}
	for _, name := range m.Fallback {
		t := p.spec.Model(name)
		switch {
		case t == nil:
			p.errf(m.Range, "Unknown model in fallback", "model %q falls back to %q, which no model block defines", m.Name, name)
			continue
		case t.IsChain():
			p.errf(m.Range, "Nested fallback", "model %q falls back to %q, which is itself a fallback chain; list direct or balanced models only", m.Name, name)
			continue
		}
		reached := []string{name}
		if t.IsBalanced() {
			reached = t.Targets
		}
		for _, r := range reached {
			switch via, dup := seen[r]; {
			case dup && via == name:
				p.errf(m.Range, "Duplicate fallback", "model %q lists %q twice", m.Name, name)
			case dup:
				p.errf(m.Range, "Duplicate fallback", "model %q reaches %q twice (through %q and %q)", m.Name, r, via, name)
			}
			seen[r] = name
		}
	}
}

// checkTargets resolves a balanced model: its targets are direct models
// (deployments), each listed once. A chain may name a balanced model, not
// the reverse, so every request's order is flat: fallback → balanced → direct.
func (p *parser) checkTargets(m *ModelSpec) {
	seen := map[string]bool{}
	for _, name := range m.Targets {
		t := p.spec.Model(name)
		switch {
		case t == nil:
			p.errf(m.TargetsRange, "Unknown model in targets", "model %q balances over %q, which no model block defines", m.Name, name)
		case !t.IsDirect():
			p.errf(m.TargetsRange, "Nested targets", "model %q balances over %q, which is a fallback chain or balanced model; targets must be direct models (a fallback chain may list a balanced model instead)", m.Name, name)
		case seen[name]:
			p.errf(m.TargetsRange, "Duplicate target", "model %q lists %q twice", m.Name, name)
		}
		seen[name] = true
	}
}

// ctyToGo converts a cty value to plain Go values for koanf.
func ctyToGo(v cty.Value) (any, error) {
	if v.IsNull() {
		return nil, nil
	}
	js, err := ctyjson.Marshal(v, v.Type())
	if err != nil {
		return nil, err
	}
	return decodeJSON(js)
}

// ConfigRange finds the best position for a plugin's complaint about its
// config: the key the message names in quotes, else the whole config object,
// else the block.
func (inst *Instance) ConfigRange(message string) hcl.Range {
	if inst.ConfigExpr == nil {
		return inst.Range
	}
	if obj, ok := inst.ConfigExpr.(*hclsyntax.ObjectConsExpr); ok {
		for _, item := range obj.Items {
			key, diags := item.KeyExpr.Value(nil)
			if diags.HasErrors() || key.Type() != cty.String {
				continue
			}
			if strings.Contains(message, `"`+key.AsString()+`"`) {
				return item.KeyExpr.Range()
			}
		}
	}
	return inst.ConfigExpr.Range()
}
