package ratelimit

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	sdk "github.com/llmgw/llmgw/sdk/go"
	"github.com/llmgw/llmgw/sdk/go/clientaddr"

	"github.com/llmgw/llmgw/plugins/ratelimit/limiter"
)

// config is the instance's `config = { … }` block.
type config struct {
	RedisURL       string        `json:"redis_url"`
	RedisKeyPrefix string        `json:"redis_key_prefix"`
	RedisTimeout   *sdk.Duration `json:"redis_timeout"`
	OnRedisError   string        `json:"on_redis_error"`
	TrustedProxies []string      `json:"trusted_proxies"`
	IPv6Prefix     number        `json:"ipv6_prefix"`
	MaxKeys        number        `json:"max_keys"`
	RPM            number        `json:"rpm"`
	Rules          []ruleConfig  `json:"rules"`
	Lease          *bool         `json:"lease"`
	LeasePercent   number        `json:"lease_percent"`
	LeaseMax       number        `json:"lease_max"`
	LeaseTTL       *sdk.Duration `json:"lease_ttl"`
}

type ruleConfig struct {
	Name     string        `json:"name"`
	Key      string        `json:"key"`
	Requests number        `json:"requests"`
	Tokens   number        `json:"tokens"`
	Window   *sdk.Duration `json:"window"`
}

// number is a whole number given as a JSON number or a numeric string (the
// pipeline's env() yields strings). A bad value is reported by validation,
// which knows the field's name.
type number struct {
	set bool
	bad bool
	v   int64
	raw string
}

func (n *number) UnmarshalJSON(b []byte) error {
	s := strings.TrimSpace(string(b))
	if s == "null" {
		return nil
	}
	n.set, n.raw = true, s
	if uq, err := strconv.Unquote(s); err == nil {
		s = strings.TrimSpace(uq)
	}
	if v, err := strconv.ParseInt(s, 10, 64); err == nil {
		n.v = v
		return nil
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil && f == math.Trunc(f) && math.Abs(f) < 1<<53 {
		n.v = int64(f)
		return nil
	}
	n.bad = true
	return nil
}

// get returns the value, def when unset, or a config error naming field.
func (n number) get(field string, def, lo, hi int64) (int64, error) {
	if !n.set {
		return def, nil
	}
	if n.bad {
		return 0, sdk.ConfigError("field %q: expected a whole number, got %s", field, n.raw)
	}
	if n.v < lo || n.v > hi {
		return 0, sdk.ConfigError("field %q: must be between %d and %d, got %d", field, lo, hi, n.v)
	}
	return n.v, nil
}

// keyKind is what a rule counts by.
type keyKind uint8

const (
	keyIP keyKind = iota
	keyAPIKey
	keyHeader
	keyModel
	// keyUser counts by the request's end user (sdk.RequestEndUser) within
	// its API key: two apps' user ids never share a count.
	keyUser
)

// rule is one validated limit.
type rule struct {
	name     string
	key      keyKind
	keySpec  string // as configured: "ip", "header:x-tenant-id", …
	header   string // lower-cased, for keyHeader
	kind     limiter.Kind
	limit    int64
	window   time.Duration
	limitStr string
	desc     string // "60 requests per 1m"
}

// settings is the validated config.
type settings struct {
	redisURL     string
	redisPrefix  string
	redisTimeout time.Duration
	failClosed   bool
	trusted      clientaddr.Proxies
	ipv6Prefix   int
	maxKeys      int
	rules        []rule
	// lease: grant the host quota leases (README, "Quota leases").
	lease        bool
	leasePercent int64
	leaseMax     int64
	leaseTTL     time.Duration
}

var ruleName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$`)

const (
	maxWindow = 24 * time.Hour
	maxLimit  = 1 << 40
)

func parseConfig(c sdk.Config) (*settings, error) {
	var cfg config
	if err := c.Decode(&cfg); err != nil {
		return nil, err
	}
	s := &settings{redisURL: strings.TrimSpace(cfg.RedisURL), redisPrefix: cfg.RedisKeyPrefix}
	if s.redisPrefix == "" {
		s.redisPrefix = "llmgw:rl:"
	}
	s.redisTimeout = 250 * time.Millisecond
	if cfg.RedisTimeout != nil {
		s.redisTimeout = cfg.RedisTimeout.D()
		if s.redisTimeout < time.Millisecond || s.redisTimeout > 5*time.Second {
			return nil, sdk.ConfigError(`field "redis_timeout": must be between 1ms and 5s`)
		}
	}
	switch cfg.OnRedisError {
	case "", "fail_open":
	case "fail_closed":
		s.failClosed = true
	default:
		return nil, sdk.ConfigError(`field "on_redis_error": must be "fail_open" or "fail_closed", got %q`, cfg.OnRedisError)
	}
	trusted, err := clientaddr.ParseProxies("trusted_proxies", cfg.TrustedProxies)
	if err != nil {
		return nil, err
	}
	s.trusted = trusted
	v6, err := cfg.IPv6Prefix.get("ipv6_prefix", 64, 1, 128)
	if err != nil {
		return nil, err
	}
	s.ipv6Prefix = int(v6)
	mk, err := cfg.MaxKeys.get("max_keys", 100000, 1, 100_000_000)
	if err != nil {
		return nil, err
	}
	s.maxKeys = int(mk)
	s.lease = cfg.Lease == nil || *cfg.Lease
	if s.leasePercent, err = cfg.LeasePercent.get("lease_percent", 10, 1, 50); err != nil {
		return nil, err
	}
	if s.leaseMax, err = cfg.LeaseMax.get("lease_max", 100, 1, 1000); err != nil {
		return nil, err
	}
	s.leaseTTL = time.Second
	if cfg.LeaseTTL != nil {
		s.leaseTTL = cfg.LeaseTTL.D()
		if s.leaseTTL < time.Millisecond || s.leaseTTL > 5*time.Second {
			return nil, sdk.ConfigError(`field "lease_ttl": must be between 1ms and 5s`)
		}
	}
	rpm, err := cfg.RPM.get("rpm", 60, 1, maxLimit)
	if err != nil {
		return nil, err
	}

	if len(cfg.Rules) == 0 {
		cfg.Rules = []ruleConfig{{Name: "per-ip", Key: "ip", Requests: number{set: true, v: rpm}}}
	}
	seen := map[string]bool{}
	for i, rc := range cfg.Rules {
		field := fmt.Sprintf("rules[%d]", i)
		r, err := parseRule(field, rc)
		if err != nil {
			return nil, err
		}
		if seen[r.name] {
			return nil, sdk.ConfigError("field %q: rule name %q is used twice", field+".name", r.name)
		}
		seen[r.name] = true
		s.rules = append(s.rules, r)
	}
	return s, nil
}

func parseRule(field string, rc ruleConfig) (rule, error) {
	r := rule{name: rc.Name, keySpec: strings.TrimSpace(rc.Key)}
	if !ruleName.MatchString(r.name) {
		return r, sdk.ConfigError("field %q: a rule needs a name of letters, digits, '_', '.', '-' (at most 64), got %q", field+".name", r.name)
	}
	switch {
	case r.keySpec == "ip":
		r.key = keyIP
	case r.keySpec == "api_key":
		r.key = keyAPIKey
	case r.keySpec == "model":
		r.key = keyModel
	case r.keySpec == "user":
		r.key = keyUser
	case strings.HasPrefix(r.keySpec, "header:"):
		r.key = keyHeader
		r.header = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(r.keySpec, "header:")))
		if r.header == "" {
			return r, sdk.ConfigError("field %q: header name missing in %q", field+".key", r.keySpec)
		}
		if r.header == "authorization" || r.header == "cookie" {
			return r, sdk.ConfigError("field %q: the host never forwards %q to stages; use key = \"api_key\" to limit per API key", field+".key", r.header)
		}
		r.keySpec = "header:" + r.header
	default:
		return r, sdk.ConfigError(`field %q: must be "ip", "api_key", "user", "model" or "header:NAME", got %q`, field+".key", r.keySpec)
	}
	req, err := rc.Requests.get(field+".requests", 0, 1, maxLimit)
	if err != nil {
		return r, err
	}
	tok, err := rc.Tokens.get(field+".tokens", 0, 1, maxLimit)
	if err != nil {
		return r, err
	}
	switch {
	case req > 0 && tok > 0:
		return r, sdk.ConfigError("field %q: set either requests or tokens, not both (use two rules)", field)
	case req > 0:
		r.kind, r.limit = limiter.Requests, req
	case tok > 0:
		r.kind, r.limit = limiter.Tokens, tok
	default:
		return r, sdk.ConfigError("field %q: set requests or tokens", field)
	}
	r.window = time.Minute
	if rc.Window != nil {
		r.window = rc.Window.D()
		if r.window < time.Millisecond || r.window > maxWindow {
			return r, sdk.ConfigError("field %q: must be between 1ms and 24h", field+".window")
		}
	}
	r.limitStr = strconv.FormatInt(r.limit, 10)
	r.desc = fmt.Sprintf("%d %s per %s", r.limit, r.kind, formatWindow(r.window))
	return r, nil
}

// formatWindow writes 1m, 30s, 2h rather than 1m0s.
func formatWindow(d time.Duration) string {
	switch {
	case d%time.Hour == 0:
		return fmt.Sprintf("%dh", d/time.Hour)
	case d%time.Minute == 0:
		return fmt.Sprintf("%dm", d/time.Minute)
	case d%time.Second == 0:
		return fmt.Sprintf("%ds", d/time.Second)
	}
	return d.String()
}

var _ json.Unmarshaler = (*number)(nil)
