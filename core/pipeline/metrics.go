package pipeline

import (
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/llmgw/llmgw/core/pluginhost"
	sdk "github.com/llmgw/llmgw/sdk/go"
)

// Metrics are the gateway's counters: the Prometheus series of /metrics and
// the security counters of /security-metrics. One per Runtime; nothing global.
type Metrics struct {
	Registry *prometheus.Registry

	requests       *prometheus.CounterVec
	latency        *prometheus.HistogramVec
	stageLatency   *prometheus.HistogramVec
	attempts       *prometheus.CounterVec
	attemptLatency *prometheus.HistogramVec
	fallbacks      prometheus.Counter
	stageErrors    *prometheus.CounterVec
	afterErrors    *prometheus.CounterVec
	leased         *prometheus.CounterVec
	verdicts       *prometheus.CounterVec
	tokens         *prometheus.CounterVec
	cost           *prometheus.CounterVec
	saved          *prometheus.CounterVec
	overruns       *prometheus.CounterVec
	inflight       prometheus.Gauge

	total, allowed, blocked, injections, validation, rateLimited atomic.Int64
	catMu                                                        sync.Mutex
	categories                                                   map[string]int64
}

// NewMetrics registers the gateway's series on a fresh registry.
func NewMetrics() *Metrics {
	m := &Metrics{
		Registry: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "llmgw_requests_total", Help: "Pipeline requests by route, model and status."},
			[]string{"route", "model", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "llmgw_request_duration_seconds", Help: "Pipeline request latency.", Buckets: prometheus.ExponentialBuckets(0.0005, 2, 18)},
			[]string{"route"}),
		stageLatency: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "llmgw_stage_duration_seconds", Help: "Latency of each stage call.", Buckets: prometheus.ExponentialBuckets(0.00005, 2, 16)},
			[]string{"stage"}),
		attempts: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "llmgw_provider_attempts_total", Help: "Provider attempts by provider and outcome."},
			[]string{"provider", "outcome", "error_class"}),
		attemptLatency: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "llmgw_provider_duration_seconds", Help: "Latency of provider attempts.", Buckets: prometheus.ExponentialBuckets(0.0005, 2, 18)},
			[]string{"provider"}),
		fallbacks: prometheus.NewCounter(prometheus.CounterOpts{Name: "llmgw_fallbacks_total", Help: "Requests answered by a provider other than the first one tried."}),
		leased: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "llmgw_stage_leased_total", Help: "Stage passes admitted from a quota lease, without a plugin call (llmgw_stage_duration_seconds counts every pass)."},
			[]string{"stage"}),
		stageErrors: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "llmgw_stage_errors_total", Help: "Stage calls that failed (plugin down or timeout), by policy."},
			[]string{"stage", "policy"}),
		afterErrors: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "llmgw_stage_after_errors_total", Help: "Stage After calls that failed (error, timeout, plugin down); a failed call is retried a few times."},
			[]string{"stage"}),
		verdicts: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "llmgw_stage_verdicts_total", Help: "Stage refusals and detections by code and category."},
			[]string{"code", "category"}),
		tokens: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "llmgw_tokens_total", Help: "Tokens reported by providers."},
			[]string{"provider", "kind"}),
		cost: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "llmgw_cost_usd_total", Help: "What answers cost in USD, by pipeline model, provider and virtual key id (\"\" when anonymous)."},
			[]string{"model", "provider", "key_id"}),
		saved: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "llmgw_cache_saved_usd_total", Help: "What answers given by a stage (a cache hit) saved in USD: what a provider would have charged, by pipeline model, stage and virtual key id."},
			[]string{"model", "stage", "key_id"}),
		overruns: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "llmgw_budget_overrun_total", Help: "Answers that cost more than the budget reservation a key stage made for them (the worst-case estimate was not an upper bound), by pipeline model."},
			[]string{"model"}),
		inflight:   prometheus.NewGauge(prometheus.GaugeOpts{Name: "llmgw_inflight_requests", Help: "Pipeline requests in flight."}),
		categories: map[string]int64{},
	}
	m.Registry.MustRegister(m.requests, m.latency, m.stageLatency, m.leased, m.attempts, m.attemptLatency, m.fallbacks, m.stageErrors, m.afterErrors, m.verdicts, m.tokens, m.cost, m.saved, m.overruns, m.inflight,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// costDone adds a priced answer's cost (its model label is a pipeline model
// name, never the client's).
func (m *Metrics) costDone(res *Result, keyID string) {
	m.cost.WithLabelValues(res.ModelUsed, res.Provider, keyID).Add(float64(res.CostNanos) / 1e9)
}

// budgetOverrun counts an answer that cost more than its reservation.
func (m *Metrics) budgetOverrun(model string) { m.overruns.WithLabelValues(model).Inc() }

// answerDone adds what a stage's answer saved, when the stage knew it.
func (m *Metrics) answerDone(tr *Trace, model string) {
	if a := tr.answer; a != nil && a.answer.SavedCostKnown {
		m.saved.WithLabelValues(model, tr.AnsweredBy, tr.Annotations["key.id"]).Add(float64(a.answer.SavedCostNanos) / 1e9)
	}
}

func (m *Metrics) requestStarted() {
	m.total.Add(1)
	m.inflight.Inc()
}

// stageLeased counts a stage pass served from a quota lease.
func (m *Metrics) stageLeased(stage string) { m.leased.WithLabelValues(stage).Inc() }

func (m *Metrics) stageError(stage string, failOpen bool) {
	policy := "fail_closed"
	if failOpen {
		policy = "fail_open"
	}
	m.stageErrors.WithLabelValues(stage, policy).Inc()
}

// afterError counts a failed After call of a stage.
func (m *Metrics) afterError(stage string) { m.afterErrors.WithLabelValues(stage).Inc() }

// detection counts a stage's finding that did not block (monitor mode).
func (m *Metrics) detection(category string) {
	m.verdicts.WithLabelValues("detected", category).Inc()
	m.addCategory(category)
}

func (m *Metrics) addCategory(category string) {
	m.catMu.Lock()
	m.categories[category]++
	m.catMu.Unlock()
}

func (m *Metrics) requestDone(route, model string, tr *Trace, res *Result, err *Error, d time.Duration) {
	m.inflight.Dec()
	status := 200
	if err != nil {
		status = err.Status
	}
	m.requests.WithLabelValues(route, model, strconv.Itoa(status)).Inc()
	m.latency.WithLabelValues(route).Observe(d.Seconds())
	for _, s := range tr.Stages {
		m.stageLatency.WithLabelValues(s.Name).Observe(float64(s.EndUnixNano-s.StartUnixNano) / 1e9)
	}
	for _, a := range tr.Attempts {
		class := ""
		if a.Outcome == "error" {
			class = a.ErrorCode
		}
		m.attempts.WithLabelValues(a.Provider, a.Outcome, class).Inc()
		if a.Outcome != "skipped" {
			m.attemptLatency.WithLabelValues(a.Provider).Observe(float64(a.EndUnixNano-a.StartUnixNano) / 1e9)
		}
	}
	if res != nil && tr.AnsweredBy == "" {
		if len(tr.Attempts) > 1 && err == nil {
			m.fallbacks.Inc()
		}
		if u := res.Usage; u != nil && !res.UsageEstimated {
			m.tokens.WithLabelValues(res.Provider, "prompt").Add(float64(u.PromptTokens))
			m.tokens.WithLabelValues(res.Provider, "completion").Add(float64(u.CompletionTokens))
		}
	}
	// A refusal by a stage (validation, injection, rate limit) is "blocked";
	// a provider failure is neither blocked nor allowed.
	if err != nil && err.Category != "" {
		m.blocked.Add(1)
		m.verdicts.WithLabelValues(err.Code, err.Category).Inc()
		m.addCategory(err.Category)
		// The counter is what the refusing stage declared; the host does
		// not guess it from the code or the plugin's name.
		switch err.Counter {
		case sdk.CountRateLimit:
			m.rateLimited.Add(1)
		case sdk.CountPromptInjection:
			m.injections.Add(1)
		case sdk.CountValidation:
			m.validation.Add(1)
		}
		return
	}
	m.allowed.Add(1)
}

// SecurityCounters is the body of GET /security-metrics.
type SecurityCounters struct {
	TotalRequests            int64            `json:"total_requests"`
	AllowedRequests          int64            `json:"allowed_requests"`
	BlockedRequests          int64            `json:"blocked_requests"`
	PromptInjectionsDetected int64            `json:"prompt_injections_detected"`
	ValidationErrors         int64            `json:"validation_errors"`
	RateLimitedRequests      int64            `json:"rate_limited_requests"`
	Categories               map[string]int64 `json:"categories"`
}

// Security returns the security counters since start.
func (m *Metrics) Security() SecurityCounters {
	m.catMu.Lock()
	cats := make(map[string]int64, len(m.categories))
	for k, v := range m.categories {
		cats[k] = v
	}
	m.catMu.Unlock()
	return SecurityCounters{
		TotalRequests:            m.total.Load(),
		AllowedRequests:          m.allowed.Load(),
		BlockedRequests:          m.blocked.Load(),
		PromptInjectionsDetected: m.injections.Load(),
		ValidationErrors:         m.validation.Load(),
		RateLimitedRequests:      m.rateLimited.Load(),
		Categories:               cats,
	}
}

// pluginCollector exports each plugin process's restarts and state.
type pluginCollector struct {
	statuses func() []pluginhost.Status
	restarts *prometheus.Desc
	up       *prometheus.Desc
	state    *prometheus.Desc
	hangs    *prometheus.Desc
}

func newPluginCollector(statuses func() []pluginhost.Status) *pluginCollector {
	return &pluginCollector{
		statuses: statuses,
		restarts: prometheus.NewDesc("llmgw_plugin_restarts_total", "Restarts of each plugin process.", []string{"plugin"}, nil),
		up:       prometheus.NewDesc("llmgw_plugin_up", "1 when the plugin process is serving.", []string{"plugin"}, nil),
		state:    prometheus.NewDesc("llmgw_plugin_state", "1 for the state each plugin process is in, 0 for the others.", []string{"plugin", "state"}, nil),
		hangs:    prometheus.NewDesc("llmgw_plugin_unresponsive_total", "Times each plugin process stopped answering its liveness checks and was replaced.", []string{"plugin"}, nil),
	}
}

func (c *pluginCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.restarts
	ch <- c.up
	ch <- c.state
	ch <- c.hangs
}

func (c *pluginCollector) Collect(ch chan<- prometheus.Metric) {
	for _, s := range c.statuses() {
		ch <- prometheus.MustNewConstMetric(c.restarts, prometheus.CounterValue, float64(s.Restarts), s.Name)
		up := 0.0
		if s.State == pluginhost.StateServing {
			up = 1
		}
		ch <- prometheus.MustNewConstMetric(c.up, prometheus.GaugeValue, up, s.Name)
		for _, st := range pluginhost.States {
			v := 0.0
			if s.State == st {
				v = 1
			}
			ch <- prometheus.MustNewConstMetric(c.state, prometheus.GaugeValue, v, s.Name, st)
		}
		ch <- prometheus.MustNewConstMetric(c.hangs, prometheus.CounterValue, float64(s.Hangs), s.Name)
	}
}
