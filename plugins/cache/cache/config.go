package cache

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	sdk "github.com/llmgw/llmgw/sdk/go"
)

// config is the instance's `config = { … }` block.
type config struct {
	// TTL is how long an answer is served (default 1h).
	TTL *sdk.Duration `json:"ttl"`
	// MaxEntries bounds the in-memory cache (least recently used answers
	// go first; default 10 000).
	MaxEntries *int `json:"max_entries"`
	// MaxEntryBytes: a larger answer is not kept (default 1 MiB).
	MaxEntryBytes *int `json:"max_entry_bytes"`
	// Shared: every client shares one namespace (default: one per virtual
	// key, so a key never sees another's answers).
	Shared bool `json:"shared"`
	// DeterministicOnly: only requests with temperature 0 or a seed are
	// cached (default true).
	DeterministicOnly *bool `json:"deterministic_only"`
	// Models are the pipeline models cached (empty: every model).
	Models []string `json:"models"`
	// RedisURL keeps the answers in Redis, shared by every replica.
	RedisURL       string        `json:"redis_url"`
	RedisKeyPrefix string        `json:"redis_key_prefix"`
	RedisTimeout   *sdk.Duration `json:"redis_timeout"`
	// Semantic turns on the semantic lookup for some models.
	Semantic *semanticConfig `json:"semantic"`
}

// semanticConfig is the `semantic = { … }` block.
type semanticConfig struct {
	// Models are the pipeline models answered from a similar question.
	Models []string `json:"models"`
	// Threshold is the least cosine similarity of a hit (default 0.95).
	Threshold *float64 `json:"threshold"`
	// EmbeddingsURL is an OpenAI-compatible POST …/embeddings endpoint: the
	// gateway's own /v1/embeddings, or a provider's.
	EmbeddingsURL   string        `json:"embeddings_url"`
	EmbeddingsModel string        `json:"embeddings_model"`
	APIKey          string        `json:"api_key"`
	Timeout         *sdk.Duration `json:"timeout"`
	// MaxEntries bounds the vectors kept per replica (default 100 000).
	MaxEntries *int `json:"max_entries"`
}

// settings are the validated config.
type settings struct {
	ttl               time.Duration
	maxEntries        int
	maxEntryBytes     int
	shared            bool
	deterministicOnly bool
	models            []string
	redisURL          string
	redisPrefix       string
	redisTimeout      time.Duration
	semantic          *semanticSettings
}

type semanticSettings struct {
	models     []string
	threshold  float64
	url        string
	model      string
	apiKey     string
	timeout    time.Duration
	maxEntries int
}

func intOr(p *int, def int) int {
	if p == nil {
		return def
	}
	return *p
}

func durOr(p *sdk.Duration, def time.Duration) time.Duration {
	if p == nil {
		return def
	}
	return p.D()
}

func parseConfig(c sdk.Config) (*settings, error) {
	var cfg config
	if err := c.Decode(&cfg); err != nil {
		return nil, err
	}
	s := &settings{
		ttl:               durOr(cfg.TTL, time.Hour),
		maxEntries:        intOr(cfg.MaxEntries, 10_000),
		maxEntryBytes:     intOr(cfg.MaxEntryBytes, 1<<20),
		shared:            cfg.Shared,
		deterministicOnly: cfg.DeterministicOnly == nil || *cfg.DeterministicOnly,
		models:            cfg.Models,
		redisURL:          strings.TrimSpace(cfg.RedisURL),
		redisPrefix:       cfg.RedisKeyPrefix,
		redisTimeout:      durOr(cfg.RedisTimeout, 250*time.Millisecond),
	}
	if s.redisPrefix == "" {
		s.redisPrefix = "llmgw:cache:"
	}
	switch {
	case s.ttl < time.Second || s.ttl > 30*24*time.Hour:
		return nil, sdk.ConfigError(`field "ttl": must be between 1s and 720h`)
	case s.maxEntries < 1:
		return nil, sdk.ConfigError(`field "max_entries": must be at least 1`)
	case s.maxEntryBytes < 1024:
		return nil, sdk.ConfigError(`field "max_entry_bytes": must be at least 1024`)
	case s.redisTimeout < time.Millisecond || s.redisTimeout > 5*time.Second:
		return nil, sdk.ConfigError(`field "redis_timeout": must be between 1ms and 5s`)
	}
	if err := knownModels("models", s.models, c.Host.GetModels()); err != nil {
		return nil, err
	}
	if cfg.Semantic != nil {
		sem, err := parseSemantic(cfg.Semantic, c.Host.GetModels())
		if err != nil {
			return nil, err
		}
		s.semantic = sem
	}
	return s, nil
}

func parseSemantic(cfg *semanticConfig, hostModels []string) (*semanticSettings, error) {
	s := &semanticSettings{
		models:     cfg.Models,
		threshold:  0.95,
		url:        strings.TrimSpace(cfg.EmbeddingsURL),
		model:      cfg.EmbeddingsModel,
		apiKey:     cfg.APIKey,
		timeout:    durOr(cfg.Timeout, 2*time.Second),
		maxEntries: intOr(cfg.MaxEntries, 100_000),
	}
	if cfg.Threshold != nil {
		s.threshold = *cfg.Threshold
	}
	if len(s.models) == 0 {
		return nil, sdk.ConfigError(`field "semantic.models": name the models answered from similar questions`)
	}
	if err := knownModels("semantic.models", s.models, hostModels); err != nil {
		return nil, err
	}
	if u, err := url.Parse(s.url); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, sdk.ConfigError(`field "semantic.embeddings_url": must be an http(s) URL of an OpenAI-compatible embeddings endpoint`)
	}
	switch {
	case s.model == "":
		return nil, sdk.ConfigError(`field "semantic.embeddings_model": required`)
	case s.threshold <= 0 || s.threshold > 1:
		return nil, sdk.ConfigError(`field "semantic.threshold": must be in (0, 1]`)
	case s.timeout < time.Millisecond || s.timeout > 30*time.Second:
		return nil, sdk.ConfigError(`field "semantic.timeout": must be between 1ms and 30s`)
	case s.maxEntries < 1:
		return nil, sdk.ConfigError(`field "semantic.max_entries": must be at least 1`)
	}
	return s, nil
}

// knownModels refuses a model the pipeline does not define (a typo would
// silently cache nothing).
func knownModels(field string, models, host []string) error {
	if len(host) == 0 {
		return nil
	}
	for _, m := range models {
		if !slices.Contains(host, m) {
			return sdk.ConfigError("field %q: the pipeline has no model %q", field, m)
		}
	}
	return nil
}

// info is what /security-status shows of the settings (no secrets).
func (s *settings) info(backend string) map[string]string {
	m := map[string]string{
		"ttl":                s.ttl.String(),
		"backend":            backend,
		"shared":             fmt.Sprint(s.shared),
		"deterministic_only": fmt.Sprint(s.deterministicOnly),
	}
	if backend == "memory" {
		m["max_entries"] = fmt.Sprint(s.maxEntries)
	}
	if len(s.models) > 0 {
		m["models"] = strings.Join(s.models, ",")
	}
	if s.semantic != nil {
		m["semantic_models"] = strings.Join(s.semantic.models, ",")
		m["semantic_threshold"] = fmt.Sprint(s.semantic.threshold)
	}
	return m
}
