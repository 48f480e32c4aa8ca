// Package cache is the response-cache stage: a repeated request is answered
// from the cache (the host serves the answer as a provider's, plain or as a
// stream), and a provider's complete answer is kept for the next one.
//
// Exact mode keys an answer by a hash of the normalised request and its
// namespace (the virtual key, unless shared). Semantic mode (per model) also
// answers a question whose embedding is close enough to a cached one's.
package cache

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-hclog"
	"google.golang.org/protobuf/proto"

	sdk "github.com/llmgw/llmgw/sdk/go"
	pb "github.com/llmgw/llmgw/sdk/go/proto/llmgw/v1"
)

// Response headers and annotations of the stage.
const (
	// HeaderCache is hit, miss or bypass.
	HeaderCache = "X-LLMGW-Cache"
	// HeaderSimilarity is a semantic hit's cosine similarity.
	HeaderSimilarity = "X-LLMGW-Cache-Similarity"
	// annotationKey carries the exact key from Process to After: a
	// provider's answer is stored under it (absent: do not store).
	annotationKey = "cache.key"
	// annotationStatus is hit, miss or bypass, for trackers.
	annotationStatus = "cache.status"
)

// Stage is one configured cache instance.
type Stage struct {
	cfg      *settings
	store    store
	semantic *semantic
	logger   hclog.Logger
	info     map[string]string
	// storeDown: the last store call failed (logged once per outage).
	storeDown atomic.Bool
}

// entry is one cached answer as it is stored.
type entry struct {
	// Response is the pb.CompleteResponse, marshalled (a chat answer).
	Response []byte `json:"r,omitempty"`
	// Embeddings is the pb.EmbedResponse, marshalled (an embeddings answer).
	Embeddings []byte `json:"e,omitempty"`
	// CostNanos is what the answer cost from the provider (the saving of
	// each hit), valid when CostKnown.
	CostNanos int64 `json:"c"`
	CostKnown bool  `json:"k"`
}

// New configures an instance.
func New(c sdk.Config) (sdk.Stage, error) {
	cfg, err := parseConfig(c)
	if err != nil {
		return nil, err
	}
	logger := c.Logger
	if logger == nil {
		logger = hclog.NewNullLogger()
	}
	s := &Stage{cfg: cfg, logger: logger}
	backend := "memory"
	if cfg.redisURL != "" {
		r, err := newRedisStore(cfg.redisURL, cfg.redisPrefix, cfg.redisTimeout, cfg.ttl)
		if err != nil {
			return nil, sdk.ConfigError("field %q: %v", "redis_url", err)
		}
		s.store, backend = r, "redis"
		logger.Info("answers shared through redis", "redis", r.addr())
	} else {
		s.store = newMemory(cfg.maxEntries, cfg.ttl)
	}
	if cfg.semantic != nil {
		s.semantic = newSemantic(cfg.semantic)
	}
	s.info = cfg.info(backend)
	return s, nil
}

// Info is shown in /security-status.
func (s *Stage) Info() map[string]string { return s.info }

// Close releases the store.
func (s *Stage) Close() error { return s.store.close() }

// decision is what the stage does with one request.
type decision struct {
	// key is the exact key, "" when the request is not cached at all.
	key    string
	ns     string
	lookup bool
	store  bool
}

// decide says whether a request is cached: a chat request for a cached
// model, deterministic unless configured otherwise, with one choice and no
// log probabilities (the answer kept has neither), or an embeddings request
// for a cached model (embeddings are deterministic), as Cache-Control allows.
func (s *Stage) decide(sreq *sdk.StageRequest) decision {
	if e := sreq.GetEmbeddings(); e != nil {
		if len(s.cfg.models) > 0 && !slices.Contains(s.cfg.models, e.Model) {
			return decision{}
		}
		noCache, noStore := cacheControl(sreq.Headers)
		ns := namespace(s.cfg.shared, sreq.Annotations, sreq.ApiKeyHash)
		return decision{key: embeddingsKey(ns, e), ns: ns, lookup: !noCache, store: !noStore}
	}
	req, headers, annotations, apiKeyHash := sreq.Request, sreq.Headers, sreq.Annotations, sreq.ApiKeyHash
	if req == nil || len(req.Messages) == 0 {
		return decision{}
	}
	if len(s.cfg.models) > 0 && !slices.Contains(s.cfg.models, req.Model) {
		return decision{}
	}
	if s.cfg.deterministicOnly && !deterministic(req) || req.GetN() > 1 || req.Logprobs {
		return decision{}
	}
	noCache, noStore := cacheControl(headers)
	ns := namespace(s.cfg.shared, annotations, apiKeyHash)
	return decision{key: exactKey(ns, req), ns: ns, lookup: !noCache, store: !noStore}
}

// Process answers from the cache when it can.
func (s *Stage) Process(ctx context.Context, req *sdk.StageRequest) (*sdk.StageResponse, error) {
	d := s.decide(req)
	status := "bypass"
	if d.key != "" && d.lookup {
		status = "miss"
		if resp := s.lookup(ctx, d, req.Request); resp != nil {
			return resp, nil
		}
	}
	resp := &sdk.StageResponse{ResponseHeaders: map[string]string{HeaderCache: status}, Annotations: map[string]string{annotationStatus: status}}
	if d.key != "" && d.store {
		resp.Annotations[annotationKey] = d.key
	}
	return resp, nil
}

// lookup finds the request's answer: by its exact key, then, for a
// semantic model, by the similarity of its question.
func (s *Stage) lookup(ctx context.Context, d decision, req *pb.ChatRequest) *sdk.StageResponse {
	if e := s.load(ctx, d.key); e != nil {
		return hit(e, nil)
	}
	if req == nil || s.semantic == nil || !slices.Contains(s.semantic.cfg.models, req.Model) {
		return nil
	}
	group, question, ok := semanticGroup(d.ns, req)
	if !ok {
		return nil
	}
	vec, err := s.semantic.embed(ctx, question)
	if err != nil {
		s.logger.Warn("semantic lookup skipped: the embeddings endpoint failed", "error", err.Error())
		return nil
	}
	key, sim, found := s.semantic.index.nearest(group, vec, s.semantic.cfg.threshold)
	if !found {
		return nil
	}
	if e := s.load(ctx, key); e != nil {
		return hit(e, &sim)
	}
	return nil
}

// hit is the stage's answer from a cached entry.
func hit(e *cached, similarity *float32) *sdk.StageResponse {
	resp := &sdk.StageResponse{
		Action:          pb.StageResponse_ANSWER,
		ResponseHeaders: map[string]string{HeaderCache: "hit"},
		Annotations:     map[string]string{annotationStatus: "hit"},
		Answer:          &pb.StageAnswer{Chat: e.response, Embeddings: e.embeddings, SavedCostNanos: e.CostNanos, SavedCostKnown: e.CostKnown},
	}
	if similarity != nil {
		v := strconv.FormatFloat(float64(*similarity), 'f', 4, 32)
		resp.ResponseHeaders[HeaderSimilarity] = v
		resp.Annotations["cache.similarity"] = v
	}
	return resp
}

// cached is a decoded entry.
type cached struct {
	entry
	response   *pb.CompleteResponse
	embeddings *pb.EmbedResponse
}

// load reads and decodes one entry; a store failure is a miss (the request
// goes to the provider).
func (s *Stage) load(ctx context.Context, key string) *cached {
	b, err := s.store.get(ctx, key)
	s.noteStore(err)
	if err != nil || b == nil {
		return nil
	}
	var c cached
	if json.Unmarshal(b, &c.entry) != nil {
		return nil
	}
	if c.Embeddings != nil {
		c.embeddings = &pb.EmbedResponse{}
		if proto.Unmarshal(c.Embeddings, c.embeddings) != nil {
			return nil
		}
		return &c
	}
	c.response = &pb.CompleteResponse{}
	if proto.Unmarshal(c.Response, c.response) != nil {
		return nil
	}
	return &c
}

// noteStore logs a store outage once, and its end.
func (s *Stage) noteStore(err error) {
	if err != nil {
		if !s.storeDown.Swap(true) {
			s.logger.Warn("cache store unreachable: requests go to the providers until it is back", "error", err.Error())
		}
	} else if s.storeDown.Swap(false) {
		s.logger.Info("cache store is back")
	}
}

// After keeps a provider's complete, successful answer (never a failed or
// cut stream, never an answer the cache gave itself).
func (s *Stage) After(ctx context.Context, req *sdk.StageAfterRequest) error {
	key := req.Annotations[annotationKey]
	if key == "" || !req.Ok || req.AnsweredBy != "" {
		return nil
	}
	var e entry
	switch r, er := req.Response, req.EmbeddingsResponse; {
	case er != nil && er.Error == nil && len(er.Data) > 0:
		e.Embeddings, _ = proto.Marshal(er)
	case r != nil && complete(r):
		e.Response, _ = proto.Marshal(r)
	default:
		return nil
	}
	e.CostNanos, e.CostKnown = req.CostNanos, req.CostKnown
	b, err := json.Marshal(e)
	if err != nil || len(b) > s.cfg.maxEntryBytes {
		return nil
	}
	// The question is indexed for semantic lookups before the answer is
	// stored: once the answer is an exact hit it is a semantic one too (a
	// lookup that finds the key before the store has it is a miss).
	if s.semantic != nil && req.Request != nil && slices.Contains(s.semantic.cfg.models, req.Request.GetModel()) {
		s.remember(ctx, req, key)
	}
	err = s.store.put(ctx, key, b)
	s.noteStore(err)
	if err != nil {
		return fmt.Errorf("cache: store an answer: %w", err)
	}
	return nil
}

// complete reports whether an answer is whole: it has a finish reason, no
// failure, and the tool calls its finish reason announces.
func complete(r *pb.CompleteResponse) bool {
	return r.FinishReason != "" && r.Error == nil && len(r.MoreChoices) == 0 &&
		(r.FinishReason != "tool_calls" || len(r.ToolCalls) > 0)
}

// remember indexes a stored answer's question for semantic lookups.
func (s *Stage) remember(ctx context.Context, req *sdk.StageAfterRequest, key string) {
	ns := namespace(s.cfg.shared, req.Annotations, req.ApiKeyHash)
	group, question, ok := semanticGroup(ns, req.Request)
	if !ok {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, s.semantic.cfg.timeout)
	defer cancel()
	vec, err := s.semantic.embed(ctx, question)
	if err != nil {
		s.logger.Warn("an answer was not indexed for semantic lookups: the embeddings endpoint failed", "error", err.Error())
		return
	}
	s.semantic.index.add(group, key, vec, time.Now().Add(s.cfg.ttl))
}
