// Package ratelimit is the rate-limit stage: it keys each request by client
// IP, API key, a header or the model, checks every configured rule at once
// through an exact sliding-log limiter (package limiter, in memory or in a
// shared Redis), answers 429 rate_limit_exceeded with Retry-After when a rule
// is full, sets X-RateLimit-* on every answer, and charges token rules from
// the provider's reported usage after the response.
package ratelimit

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/go-hclog"

	sdk "github.com/llmgw/llmgw/sdk/go"
	"github.com/llmgw/llmgw/sdk/go/refpool"

	"github.com/llmgw/llmgw/plugins/ratelimit/limiter"
)

// Response headers set on every rate-checked answer.
const (
	HeaderLimit     = "X-RateLimit-Limit"
	HeaderRemaining = "X-RateLimit-Remaining"
	HeaderReset     = "X-RateLimit-Reset"
)

// AnnotationDegraded is set to "true" on requests let through because the
// Redis backend could not be reached (on_redis_error = "fail_open").
const AnnotationDegraded = "ratelimit.degraded"

// AnnotationRule names the rule that refused a request.
const AnnotationRule = "ratelimit.rule"

// memories keeps one in-memory backend per instance name (and max_keys) for
// as long as some generation of that instance is configured, so a pipeline
// reload — the host configures name@N+1, then closes name@N — keeps every
// client's history instead of handing everyone a fresh window. Rules are
// keyed by name, so a renamed rule starts afresh and a changed limit or
// window applies to the kept history at once.
var memories refpool.Pool[memoryKey, *limiter.Memory]

// memoryKey names a shared memory backend: a changed max_keys gets a new one.
type memoryKey struct {
	instance string
	maxKeys  int
}

// Stage is one configured rate-limit instance.
type Stage struct {
	cfg     *settings
	backend limiter.Backend
	redis   *limiter.Redis
	// closeBackend releases the backend: closes it, or drops this
	// generation's reference to a memory backend shared across reloads.
	closeBackend func() error
	logger       hclog.Logger
	hasTokens    bool
	// byAPIKey: a rule counts per API key (api_key or user).
	byAPIKey bool
	// leasing: the stage grants quota leases (lease.go).
	leasing bool
	info    map[string]string
}

// New builds a stage from its config; it is the plugin's Stage factory.
func New(c sdk.Config) (sdk.Stage, error) { return newStage(c, nil) }

// newStage builds a stage; clock (nil for time.Now) drives the memory backend.
func newStage(c sdk.Config, clock func() time.Time) (*Stage, error) {
	cfg, err := parseConfig(c)
	if err != nil {
		return nil, err
	}
	logger := c.Logger
	if logger == nil {
		logger = hclog.NewNullLogger()
	}
	s := &Stage{cfg: cfg, logger: logger}
	for _, r := range cfg.rules {
		s.hasTokens = s.hasTokens || r.kind == limiter.Tokens
		s.byAPIKey = s.byAPIKey || r.key == keyAPIKey || r.key == keyUser
	}
	s.leasing = s.leaseKeys() != nil
	lease := "off"
	if s.leasing {
		lease = fmt.Sprintf("%d%% of the limit, at most %d permits, %s", cfg.leasePercent, cfg.leaseMax, cfg.leaseTTL)
	}
	policy := "fail_open"
	if cfg.failClosed {
		policy = "fail_closed"
	}
	s.info = map[string]string{
		"algorithm": "sliding-log (exact: at most N in any rolling window)",
		"rules":     s.describeRules(),
		"lease":     lease,
	}
	if len(cfg.trusted) > 0 {
		ps := make([]string, len(cfg.trusted))
		for i, p := range cfg.trusted {
			ps[i] = p.String()
		}
		s.info["trusted_proxies"] = strings.Join(ps, ",")
	}
	if cfg.redisURL == "" {
		if clock != nil || c.Name == "" {
			m := limiter.NewMemory(limiter.MemoryOptions{MaxKeys: cfg.maxKeys, Clock: clock})
			s.backend, s.closeBackend = m, m.Close
		} else {
			h, err := memories.Acquire(memoryKey{c.Name, cfg.maxKeys}, func() (*limiter.Memory, error) {
				return limiter.NewMemory(limiter.MemoryOptions{MaxKeys: cfg.maxKeys}), nil
			})
			if err != nil {
				return nil, err
			}
			s.backend, s.closeBackend = h.Value(), h.Release
		}
		s.info["backend"] = "memory"
		s.info["max_keys"] = strconv.Itoa(cfg.maxKeys)
		return s, nil
	}
	var r *limiter.Redis // the callbacks run only after NewRedis returned
	r, err = limiter.NewRedis(limiter.RedisOptions{
		URL:     cfg.redisURL,
		Prefix:  cfg.redisPrefix,
		Timeout: cfg.redisTimeout,
		OnDown: func(err error) {
			logger.Warn("redis unreachable: applying on_redis_error until it is back",
				"redis", redisAddr(r), "on_redis_error", policy, "error", err.Error())
		},
		OnUp: func(outage time.Duration, failed int64) {
			logger.Info("redis is back: rate limits are exact again",
				"redis", redisAddr(r), "outage", outage.Round(time.Millisecond).String(), "failed_calls", failed)
		},
	})
	if err != nil {
		return nil, sdk.ConfigError("field %q: %v", "redis_url", err)
	}
	s.backend, s.redis, s.closeBackend = r, r, r.Close
	s.info["backend"] = "redis"
	s.info["redis"] = fmt.Sprintf("%s/%d", r.Addr(), r.DB())
	s.info["on_redis_error"] = policy
	if err := r.Ping(context.Background()); err == nil {
		logger.Info("rate limits shared through redis", "redis", redisAddr(r))
	}
	return s, nil
}

// redisAddr is the server's host:port for log lines (nil-safe).
func redisAddr(r *limiter.Redis) string {
	if r == nil {
		return ""
	}
	return r.Addr()
}

// Info implements the host's optional Info: non-secret settings for
// /security-status. The Redis URL is shown as host:port/db only.
func (s *Stage) Info() map[string]string { return s.info }

// Close implements sdk.Closer.
func (s *Stage) Close() error { return s.closeBackend() }

// Process implements sdk.Stage.
func (s *Stage) Process(ctx context.Context, req *sdk.StageRequest) (*sdk.StageResponse, error) {
	var cbuf [8]limiter.Check
	var rbuf [8]*rule
	checks, rules := s.checks(cbuf[:0], rbuf[:0], req.GetClientIp(), req.GetAnnotations(), req.GetApiKeyHash(), req.GetHeaders(), sdk.RequestModel(req), sdk.RequestEndUser(req), false)
	if len(checks) == 0 {
		return sdk.Continue(), nil
	}
	var resbuf [8]limiter.Result
	var results []limiter.Result
	if len(checks) <= len(resbuf) {
		results = resbuf[:len(checks)]
	} else {
		results = make([]limiter.Result, len(checks))
	}
	if e := req.GetEmbeddings(); e != nil {
		// Its tokens are known before the call: refuse what would go over.
		checks = limiter.WithExpected(checks, sdk.EstimateEmbeddingTokens(e))
	}
	want, ttl := s.leaseWant(req, rules)
	allowed, lease, err := s.backend.Grant(ctx, checks, results, want, ttl)
	if err != nil {
		return s.unavailable(err), nil
	}
	if !allowed {
		return s.reject(rules, results), nil
	}
	best := 0
	for i := 1; i < len(results); i++ {
		if tighter(rules[i], results[i], rules[best], results[best]) {
			best = i
		}
	}
	resp := sdk.Continue()
	if lease.Permits > 0 {
		if ctx.Err() != nil {
			// The host gave up on this call (its stage timeout) and will
			// never see the lease: give the permits back now.
			_ = s.backend.Release(context.WithoutCancel(ctx), checks, lease, lease.Permits)
		} else {
			leaseResponse(resp, lease, ttl, checks, rules[best], results[best])
			return resp, nil
		}
	}
	remaining := max(0, rules[best].limit-results[best].Used)
	resp.ResponseHeaders = headers(rules[best].limitStr, remaining, ceilSeconds(results[best].ResetAfter))
	return resp, nil
}

// tighter reports whether rule a (with result ra) leaves a smaller share of
// its limit than b; on a tie, the one that frees capacity later.
func tighter(a *rule, ra limiter.Result, b *rule, rb limiter.Result) bool {
	fa := float64(max(0, a.limit-ra.Used)) / float64(a.limit)
	fb := float64(max(0, b.limit-rb.Used)) / float64(b.limit)
	if fa != fb {
		return fa < fb
	}
	return ra.ResetAfter > rb.ResetAfter
}

func (s *Stage) reject(rules []*rule, results []limiter.Result) *sdk.StageResponse {
	worst := -1
	for i, r := range results {
		if !r.Allowed && (worst < 0 || r.RetryAfter > results[worst].RetryAfter) {
			worst = i
		}
	}
	if worst < 0 { // a backend refused without naming a rule: refuse on the first
		worst = 0
	}
	r := rules[worst]
	wait := max(1, ceilSeconds(results[worst].RetryAfter))
	resp := sdk.Rejection{
		Status:     429,
		Type:       sdk.TypeRateLimit,
		Code:       "rate_limit_exceeded",
		Message:    "rate limit exceeded for rule " + r.name + ": " + r.desc,
		Category:   "rate_limit",
		Counter:    sdk.CountRateLimit,
		RetryAfter: time.Duration(wait) * time.Second,
	}.Response()
	resp.ResponseHeaders = headers(r.limitStr, 0, wait)
	resp.Annotations = map[string]string{AnnotationRule: r.name}
	return resp
}

func (s *Stage) unavailable(err error) *sdk.StageResponse {
	_ = err // logged once per outage by the backend's OnDown
	if s.cfg.failClosed {
		resp := sdk.Rejection{
			Status:     503,
			Type:       sdk.TypeServiceUnavailable,
			Code:       "plugin_unavailable",
			Message:    "rate limiting is unavailable (its Redis backend cannot be reached); try again shortly",
			Category:   "unavailable",
			RetryAfter: time.Second,
		}.Response()
		resp.Annotations = map[string]string{AnnotationDegraded: "true"}
		return resp
	}
	resp := sdk.Continue()
	resp.Annotations = map[string]string{AnnotationDegraded: "true"}
	return resp
}

func headers(limit string, remaining, reset int64) map[string]string {
	return map[string]string{
		HeaderLimit:     limit,
		HeaderRemaining: strconv.FormatInt(remaining, 10),
		HeaderReset:     strconv.FormatInt(reset, 10),
	}
}

func ceilSeconds(d time.Duration) int64 {
	if d <= 0 {
		return 0
	}
	return int64(math.Ceil(d.Seconds()))
}

// Capabilities implements sdk.CapabilityReporter: only an instance with
// token rules needs the host to call After, so the others save that call;
// an instance without them may grant quota leases, keyed by its rules' key
// fields. Every instance reads the request's metadata only (its key
// fields and, on the embeddings route, the inputs' estimated tokens), and
// every instance is the pipeline's rate limiter (its role).
func (s *Stage) Capabilities() []string {
	if s.hasTokens {
		return []string{sdk.CapStageAfter, sdk.CapStageMetadata, sdk.CapRoleRateLimit}
	}
	return append(s.leaseKeys(), sdk.CapStageMetadata, sdk.CapRoleRateLimit)
}

// After implements sdk.StageAfter: it charges the response's total tokens to
// every token rule that applies to the request.
func (s *Stage) After(ctx context.Context, req *sdk.StageAfterRequest) error {
	// A stage's own answer (a cache hit) used no provider tokens.
	if !s.hasTokens || req.GetAnsweredBy() != "" {
		return nil
	}
	total := int64(req.GetUsage().GetTotalTokens())
	if total <= 0 {
		return nil
	}
	var cbuf [8]limiter.Check
	var rbuf [8]*rule
	checks, _ := s.checks(cbuf[:0], rbuf[:0], req.GetClientIp(), req.GetAnnotations(), req.GetApiKeyHash(), req.GetHeaders(), sdk.AfterRequestModel(req), sdk.AfterRequestEndUser(req), true)
	if len(checks) == 0 {
		return nil
	}
	if err := s.backend.Charge(ctx, checks, total); err != nil && !errors.Is(err, limiter.ErrUnavailable) {
		return fmt.Errorf("ratelimit: charge tokens: %w", err)
	}
	return nil // an outage is logged once by the backend; the tokens are lost
}

// checks builds the limiter checks of the rules that apply to a request
// (only token rules when tokensOnly). A rule whose key is missing (no API
// key, no such header, no model, no end user) does not apply. An API key
// is its virtual key's id when the keys stage named it (sdk.KeyIdentity),
// so a key's old and new secret count as one while a rotation's grace
// period lasts.
func (s *Stage) checks(checks []limiter.Check, rules []*rule, peer string, annotations map[string]string, apiKeyHash string, hdrs map[string]string, model, endUser string, tokensOnly bool) ([]limiter.Check, []*rule) {
	ipKey, apiKey := "", ""
	if s.byAPIKey {
		apiKey = sdk.KeyIdentity(annotations, apiKeyHash)
	}
	for i := range s.cfg.rules {
		r := &s.cfg.rules[i]
		if tokensOnly && r.kind != limiter.Tokens {
			continue
		}
		var part string
		switch r.key {
		case keyIP:
			if ipKey == "" {
				if a, ok := s.cfg.trusted.Client(peer, hdrs); ok {
					ipKey = "=" + s.ipKey(a)
				} else {
					ipKey = "=unknown"
				}
			}
			part = ipKey
		case keyAPIKey:
			if apiKey == "" {
				continue
			}
			part = keyPart(apiKey)
		case keyHeader:
			v := hdrs[r.header]
			if v == "" {
				continue
			}
			part = keyPart(v)
		case keyModel:
			if model == "" {
				continue
			}
			part = keyPart(model)
		case keyUser:
			if endUser == "" {
				continue
			}
			part = keyPart(apiKey + "\x00" + endUser)
		}
		checks = append(checks, limiter.Check{Key: r.name + ":" + part, Kind: r.kind, Limit: r.limit, Window: r.window})
		rules = append(rules, r)
	}
	return checks, rules
}

func (s *Stage) describeRules() string {
	parts := make([]string, len(s.cfg.rules))
	for i, r := range s.cfg.rules {
		parts[i] = fmt.Sprintf("%s: %s by %s", r.name, r.desc, r.keySpec)
	}
	return strings.Join(parts, "; ")
}
