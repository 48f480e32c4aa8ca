package pipeline

// The request path, in one place:
//
//  1. Serve takes the current Generation and holds it until the answer
//     (stream included) is written.
//  2. Stages run in the declared order (neighbouring `parallel` stages
//     together); a Reject short-circuits, a stage that is down or times out
//     follows its on_error.
//  3. The router tries the model's providers in order (a balanced model's
//     strategy orders its targets per request, balance.go): per-attempt first-byte
//     and idle deadlines, bounded retries with backoff that honour
//     Retry-After, a circuit breaker per provider, fallback decided by the
//     error's class (never on bad_request).
//  4. After the answer: stages' After hooks (token charging) and one event per
//     request to the trackers, through a bounded queue, off the request path.

import (
	"context"
	cryptorand "crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	sdk "github.com/llmgw/llmgw/sdk/go"
	pb "github.com/llmgw/llmgw/sdk/go/proto/llmgw/v1"
)

// Routes of the pipeline.
const (
	RouteGenerate = "generate"
	RouteChat     = "chat"
	// RouteEmbeddings is POST /v1/embeddings (embed.go).
	RouteEmbeddings = "embeddings"
)

// Request is one pipeline request, already decoded from its route.
type Request struct {
	ID    string
	Route string
	// Endpoint is the HTTP endpoint the request came in on ("POST
	// /v1/responses"), for trackers.
	Endpoint   string
	Chat       *pb.ChatRequest
	ClientIP   string
	APIKeyHash string
	// Headers, lower-cased, without Authorization and Cookie.
	Headers map[string]string
	Start   time.Time
	// Embeddings is set (and Chat nil) on the embeddings route.
	Embeddings *pb.EmbeddingsRequest
}

// Trace is what happened to a request, for the answer's headers, the
// response body's attempts, metrics and trackers.
type Trace struct {
	Generation  uint64
	Stages      []*pb.StageSpan
	Attempts    []*pb.Attempt
	Headers     map[string]string
	Timings     []Timing
	Annotations map[string]string
	// AnsweredBy is the stage that answered the request itself (e.g. the
	// cache), empty when a provider did.
	AnsweredBy string
	// answer is that stage's answer until it is served.
	answer *stageAnswer
	// reservedNanos is the worst case a key stage was given to reserve
	// (reserved: one was given; it reserved it when it annotated key.id);
	// an answer that cost more overran it.
	reservedNanos int64
	reserved      bool
	// verdicts are the request's during_call stages (verdict.go).
	verdicts verdicts
}

// Timing is one Server-Timing entry.
type Timing struct {
	Name string
	Dur  time.Duration
}

// Result is a provider's successful answer.
type Result struct {
	ID            string
	Content       string
	FinishReason  string
	Usage         *pb.Usage
	ModelUsed     string
	Provider      string
	UpstreamModel string
	// CostNanos is what the answer cost in nano-USD (CostKnown: the model
	// has a price and the provider reported usage, or it was estimated).
	CostNanos int64
	CostKnown bool
	// UsageEstimated: the answer was cut short (the client went away, or the
	// stream broke after it started) before the provider reported its usage;
	// Usage is the host's upper bound of it (cutUsage).
	UsageEstimated bool
	// Refusal is the model's refusal text (OpenAI's message.refusal), empty
	// when it answered.
	Refusal string
	// Reasoning is a reasoning model's thinking, when the provider streamed it.
	Reasoning string
	// ReasoningSignature signs Reasoning (Anthropic's thinking block), when
	// the provider gave one.
	ReasoningSignature string
	// ToolCalls are the calls the model made, in index order.
	ToolCalls []*pb.ToolCall
	// LogprobsJSON is OpenAI's logprobs object of the answer, "" when not
	// asked for.
	LogprobsJSON string
	// MoreChoices are choices 1…n-1 of an n > 1 answer.
	MoreChoices []*pb.Choice
	// Embeddings is the answer on the embeddings route.
	Embeddings *pb.EmbedResponse
}

// Error is a failed request as the contract shows it; the api package turns
// it into the error JSON.
type Error struct {
	Status     int
	Type       string
	Code       string
	Message    string
	Param      string
	RetryAfter time.Duration
	// Category feeds the security metrics ("validation", "injection", …).
	Category string
	// Counter is the /security-metrics counter a refusal adds to, as the
	// refusing stage declared it.
	Counter pb.SecurityCounter
	// WithAttempts asks for the attempts array in the body (502, 504).
	WithAttempts bool
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// Writer writes the answer of one route. The pipeline calls Error or
// Complete for a plain answer; for a stream it calls StreamStart once the
// first chunk is in hand (the commit point: no fallback after it), then
// StreamChunk per chunk, then StreamEnd or StreamFail.
type Writer interface {
	Error(*Error, *Trace)
	Complete(*Result, *Trace)
	StreamStart(*Trace) error
	StreamChunk(*pb.StreamChunk) error
	StreamEnd(*Result, *Trace) error
	StreamFail(*Error, *Trace)
}

// Serve runs one request through the current generation and writes its
// answer with w.
func (rt *Runtime) Serve(ctx context.Context, req *Request, w Writer) {
	g := rt.acquire()
	if g == nil {
		w.Error(&Error{Status: 503, Type: "service_unavailable", Code: "no_provider_configured", Message: "no pipeline is loaded"}, &Trace{})
		return
	}
	defer g.done()
	// The gateway's shutdown cancels what is still running when its drain
	// deadline passes (errShuttingDown), before the plugins stop.
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	defer context.AfterFunc(rt.stopping, func() { cancel(errShuttingDown) })()
	tr := &Trace{Generation: g.ID, Headers: map[string]string{}}
	if g.hasDuringCall {
		tr.verdicts.cancel = cancel
		w = &verdictGate{w: w, g: g, req: req, m: rt.metrics}
	}
	rt.metrics.requestStarted()
	if req.Route == RouteEmbeddings {
		res, err := g.serveEmbeddings(ctx, req, tr, w, rt.metrics)
		rt.finish(g, req, tr, res, g.verdictOr(req, tr, rt.metrics, err))
		return
	}

	var (
		res *Result
		err *Error
	)
	var route *modelRoute
	if err = g.runStages(ctx, req, tr, rt.metrics); err == nil {
		// Looked up after the stages, which may have changed the request.
		if route = g.models[req.Chat.Model]; route == nil {
			err = unknownModel(req)
		}
	}
	if err == nil {
		err = route.checkKind(req)
	}
	if err == nil {
		err = route.checkParams(req.Chat)
	}
	if err == nil && g.hasDuringCall && errors.Is(context.Cause(ctx), errVerdictRefused) {
		// Refused already: no provider call.
		err = g.awaitVerdicts(req, tr, rt.metrics)
	}
	if err == nil && tr.answer != nil {
		res, err = g.serveAnswer(ctx, req, tr, w)
	} else if err == nil {
		total := route.total
		rctx, cancel := context.WithTimeout(ctx, total)
		if req.Chat.Stream {
			res, err = g.stream(rctx, req, route, tr, w)
		} else {
			res, err = g.complete(rctx, req, route, tr)
			if err == nil {
				w.Complete(res, tr)
			}
		}
		cancel()
		if err != nil && !req.Chat.Stream {
			w.Error(err, tr)
		}
	} else {
		w.Error(err, tr)
	}
	rt.finish(g, req, tr, res, g.verdictOr(req, tr, rt.metrics, err))
}

// verdictOr is the request's outcome once its during_call stages have
// decided (they were awaited before its first write; this waits for them
// when nothing was written): their refusal, else err.
func (g *Generation) verdictOr(req *Request, tr *Trace, m *Metrics, err *Error) *Error {
	if !g.hasDuringCall {
		return err
	}
	if ve := g.awaitVerdicts(req, tr, m); ve != nil {
		if tr.AnsweredBy != "" {
			// A stage's answer (a cache hit) was not served: it saved nothing.
			tr.AnsweredBy = ""
			delete(tr.Annotations, AnnotationSavedUSD)
		}
		return ve
	}
	return err
}

// checkParams refuses, before any provider is called, a chat parameter that
// some provider of the model's chain did not declare (sdk.ParamCap) and the
// pipeline does not drop for it. Any provider, not only the first: a
// fallback would otherwise silently drop it, which the contract forbids.
func (r *modelRoute) checkParams(chat *pb.ChatRequest) *Error {
	for _, p := range sdk.ParamsSet(chat) {
		for _, t := range r.targets {
			if slices.Contains(t.drop, p) || slices.Contains(t.provider.caps, sdk.ParamCap(p)) {
				continue
			}
			msg := fmt.Sprintf("%s is not supported by provider %q (plugin %s) serving model %q", p, t.provider.name, t.provider.plugin, t.model)
			if slices.Contains(sdk.DroppableParams, p) {
				msg += "; the pipeline can drop it with drop_params"
			}
			return &Error{Status: 400, Type: "invalid_request_error", Code: "unsupported_parameter", Param: sdk.ParamField(p), Category: "validation", Counter: sdk.CountValidation, Message: msg}
		}
	}
	return nil
}

// paramsFor is the request as this target receives it: without the
// parameters its pipeline drops.
func (t *target) paramsFor(chat *pb.ChatRequest) *pb.ChatRequest {
	var out *pb.ChatRequest
	for _, p := range sdk.ParamsSet(chat) {
		if slices.Contains(t.drop, p) {
			if out == nil {
				out = proto.Clone(chat).(*pb.ChatRequest)
			}
			sdk.DropParam(out, p)
		}
	}
	if out == nil {
		return chat
	}
	return out
}

// unknownModel is the refusal of a model the pipeline does not serve; the
// message says where the names it serves are listed (a client asking for
// "gpt-4o" of a gateway whose model is "gpt-4o-primary" learns why).
func unknownModel(req *Request) *Error {
	if req.Route != RouteGenerate { // OpenAI's answer on its routes
		return &Error{Status: 404, Type: "invalid_request_error", Code: "model_not_found", Param: "model", Category: "validation", Counter: sdk.CountValidation,
			Message: fmt.Sprintf("The model %q does not exist (GET /v1/models lists the models this gateway serves)", req.model())}
	}
	return &Error{Status: 400, Type: "invalid_request_error", Code: "unknown_model", Param: "model", Category: "validation", Counter: sdk.CountValidation,
		Message: fmt.Sprintf("unknown model %q (GET /models lists the models this gateway serves)", req.model())}
}

// runStages runs the stages in order; the first Reject (in declared order)
// wins.
func (g *Generation) runStages(ctx context.Context, req *Request, tr *Trace, m *Metrics) *Error {
	headers, headersOK := mapWire(stageHeadersField, req.Headers)
	for _, group := range g.groups {
		if req.Route == RouteCountTokens {
			if group = countStages(group); len(group) == 0 {
				continue
			}
		}
		sreq := &pb.StageRequest{
			RequestId:   req.ID,
			Route:       req.Route,
			Request:     req.Chat,
			Embeddings:  req.Embeddings,
			ClientIp:    req.ClientIP,
			ApiKeyHash:  req.APIKeyHash,
			Headers:     req.Headers,
			Annotations: tr.Annotations,
		}
		if req.Route != RouteCountTokens { // a count costs nothing
			sreq.MaxCostNanos, sreq.CostKnown = g.requestWorstCost(req)
		}
		if sreq.CostKnown && slices.ContainsFunc(group, func(s *stageInst) bool { return slices.Contains(s.caps, sdk.CapStageKeys) }) {
			tr.reservedNanos, tr.reserved = sreq.MaxCostNanos, true
		}
		// Encoded (or, without a wire, copied per stage) before the stages
		// run: applying their answers adds to tr's map.
		in := newStageInput(group, sreq, headers, headersOK)
		if group = g.startDuringCall(ctx, group, in, tr); len(group) == 0 {
			continue
		}
		results := g.callGroup(ctx, group, in)
		if g.hasDuringCall && errors.Is(context.Cause(ctx), errVerdictRefused) {
			// A stage running during the call refused the request: the
			// calls it cut short are not the stages' failures.
			return g.awaitVerdicts(req, tr, m)
		}
		for i, s := range group {
			if err := applyStage(s, results[i], req, tr, m); err != nil {
				return err
			}
			if tr.answer != nil {
				// The first answer (in declared order) ends the stages.
				return nil
			}
		}
	}
	return nil
}

// errSiblingRefused cancels the calls of a group one of whose stages
// refused the request: what the others would say no longer matters.
var errSiblingRefused = errors.New("another stage of the group refused the request")

// callGroup passes the request through a group's stages side by side and
// returns their results in the group's order. The stages a quota lease
// admits are served first, on this goroutine (no call); of the calls left,
// the last is made on this goroutine too, so a group with one stage to
// call (a guard beside a leased rate limiter, or a sequential stage) starts
// no goroutine.
//
// A stage that refuses the request cancels the calls still running beside
// it (their results are marked cut): a rate limiter's refusal is answered at
// once instead of after a guard's scan of a long body, and a guard that
// honours cancellation stops scanning, so a client over its limit cannot
// keep the guard busy for everyone else. An answer (a cache hit) cancels
// nothing: the guard beside it must still have its say.
func (g *Generation) callGroup(ctx context.Context, group []*stageInst, in *stageInput) []stageResult {
	results := make([]stageResult, len(group))
	var (
		todoBuf [4]int
		keysBuf [4]string
	)
	todo, keys := todoBuf[:0], keysBuf[:0]
	for i, s := range group {
		r, key, ok := takeLease(s, in.req)
		if ok {
			results[i] = r
			continue
		}
		todo, keys = append(todo, i), append(keys, key)
	}
	switch len(todo) {
	case 0:
		return results
	case 1:
		results[todo[0]] = g.callStage(ctx, group[todo[0]], in, keys[0])
		return results
	}
	gctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	call := func(j, i int) {
		r := g.callStage(gctx, group[i], in, keys[j])
		if r.err == nil && sdk.IsReject(r.resp) {
			cancel(errSiblingRefused)
		} else if r.err != nil && errors.Is(context.Cause(gctx), errSiblingRefused) && ctx.Err() == nil {
			r.cut = true
		}
		results[i] = r
	}
	var wg sync.WaitGroup
	for j, i := range todo {
		if j == len(todo)-1 {
			call(j, i)
			break
		}
		wg.Add(1)
		go func() { defer wg.Done(); call(j, i) }()
	}
	wg.Wait()
	return results
}

// takeLease admits the request from one of the stage's quota leases (ok),
// without a call; otherwise key is the request's key of the stage's leases
// ("" when it grants none), for callStage.
func takeLease(s *stageInst, sreq *pb.StageRequest) (r stageResult, key string, ok bool) {
	if s.leases == nil {
		return stageResult{}, "", false
	}
	start := time.Now()
	key = s.leases.key(sreq)
	if resp, ok := s.leases.take(key, start); ok {
		return stageResult{resp: resp, start: start, end: time.Now(), leased: true}, key, true
	}
	return stageResult{}, key, false
}

type stageResult struct {
	resp  *pb.StageResponse
	err   error
	start time.Time
	end   time.Time
	// leased: admitted from a quota lease, without calling the stage.
	leased bool
	// cut: the call was cancelled because another stage of its group
	// refused the request (callGroup); it says nothing.
	cut bool
}

// callStage makes the stage's one RPC (no quota lease of the stage admitted
// the request: callGroup tried; leaseKey is the request's key of the
// stage's leases). A process that is restarting is waited for (up to its
// restart wait); a call broken by a crash is retried once on the restarted
// process. in is the group's request, encoded once (stagewire.go).
func (g *Generation) callStage(ctx context.Context, s *stageInst, in *stageInput, leaseKey string) stageResult {
	start := time.Now()
	asked := false
	if s.leases != nil {
		var r stageResult
		if r, asked = s.leases.await(ctx, leaseKey, start); r.leased {
			return r
		}
	}
	var (
		resp *pb.StageResponse
		err  error
	)
	if asked {
		// Deferred: the requests waiting for this call must be woken
		// whatever happens to it.
		defer func() {
			var grant *pb.StageLease
			if err == nil && resp.GetAction() == pb.StageResponse_CONTINUE {
				grant = resp.GetLease()
			}
			s.leases.answered(leaseKey, grant, start)
		}()
	}
	sreq, wire := in.of(s)
	req := stageRequestFor(s.id, sreq, wire)
	req.AcceptsLease = asked
	c, err := s.proc.Client(ctx)
	if err == nil {
		// The timeout counts from start: a wait for another call's lease
		// (await) is part of it.
		cctx, cancel := context.WithDeadline(ctx, start.Add(s.timeout))
		resp, err = c.Stage.Process(cctx, req)
		cancel()
		if err != nil && isConnectionError(err) && ctx.Err() == nil {
			if c2, err2 := s.proc.ClientAfterFailure(ctx, c); err2 == nil && c2 != c {
				cctx, cancel := context.WithTimeout(ctx, s.timeout)
				resp, err = c2.Stage.Process(cctx, req)
				cancel()
			} else if err2 != nil {
				err = err2
			}
		}
	}
	if err == nil && s.leases != nil && sdk.IsReject(resp) {
		s.leases.refused(leaseKey)
	}
	return stageResult{resp: resp, err: err, start: start, end: time.Now()}
}

// isConnectionError tells a broken plugin connection from an answer.
func isConnectionError(err error) bool {
	switch status.Code(err) {
	case codes.Unavailable, codes.Canceled:
		return true
	case codes.NotFound:
		// A restarted process that has not been configured again yet.
		return true
	}
	return false
}

// applyStage folds one stage's answer into the request; a Reject or a
// fail-closed failure becomes the request's error.
func applyStage(s *stageInst, r stageResult, req *Request, tr *Trace, m *Metrics) *Error {
	span := &pb.StageSpan{Name: s.name, Plugin: s.plugin, StartUnixNano: r.start.UnixNano(), EndUnixNano: r.end.UnixNano()}
	tr.Stages = append(tr.Stages, span)
	tr.Timings = append(tr.Timings, Timing{Name: s.name, Dur: r.end.Sub(r.start)})
	if r.cut {
		// Another stage of its group refused the request: that refusal is
		// the answer, and this stage's call was cancelled for it.
		span.Outcome = "cancelled"
		return nil
	}
	if r.err == nil && s.metadata && r.resp.GetMutated() != nil {
		// It changed a request it saw without its messages.
		r.err = errMetadataMutated
	}
	if r.err != nil {
		span.Outcome = "error"
		span.Code = "plugin_unavailable"
		m.stageError(s.name, s.failOpen)
		if s.failOpen {
			span.Outcome = "skipped"
			return nil
		}
		msg := fmt.Sprintf("stage %q is unavailable", s.name)
		if errors.Is(r.err, context.DeadlineExceeded) || status.Code(r.err) == codes.DeadlineExceeded {
			// Say so: a slow answer and a dead process need different fixes.
			msg = fmt.Sprintf("stage %q did not answer within its timeout (%s)", s.name, s.timeout)
		} else if r.err == errMetadataMutated {
			msg = fmt.Sprintf("stage %q changed the request, but its plugin declares %q (it never sees the messages)", s.name, sdk.CapStageMetadata)
		}
		return &Error{Status: 503, Type: "service_unavailable", Code: "plugin_unavailable", Category: "plugin_unavailable", Message: msg}
	}
	resp := r.resp
	if r.leased {
		m.stageLeased(s.name)
	}
	for k, v := range resp.ResponseHeaders {
		tr.Headers[k] = v
	}
	for k, v := range resp.Annotations {
		tr.annotate(k, v)
	}
	if resp.Category != "" {
		m.detection(resp.Category)
	}
	if sdk.IsReject(resp) {
		rj := resp.Reject
		span.Outcome = "reject"
		span.Code = rj.Code
		e := &Error{
			Status:     int(rj.Status),
			Type:       rj.Type,
			Code:       rj.Code,
			Message:    rj.Message,
			Param:      rj.Param,
			Category:   rj.Category,
			Counter:    rj.Counter,
			RetryAfter: time.Duration(rj.RetryAfterMs) * time.Millisecond,
		}
		if e.Status < 400 || e.Status > 599 {
			e.Status = 400
		}
		if e.Type == "" {
			e.Type = "invalid_request_error"
		}
		if e.Code == "" {
			e.Code = "rejected"
		}
		if e.Message == "" {
			e.Message = fmt.Sprintf("stage %q refused the request", s.name)
		}
		return e
	}
	if resp.Action == pb.StageResponse_ANSWER {
		return acceptAnswer(s, r, req, tr, span, m)
	}
	span.Outcome = "continue"
	if resp.Mutated != nil && req.Chat != nil {
		req.Chat = resp.Mutated
	}
	return nil
}

// errMetadataMutated is the failure of a stage that declares
// sdk.CapStageMetadata and answered with a changed request.
var errMetadataMutated = errors.New("a metadata-only stage changed the request")

// errClientGone is the failure of an attempt whose answer could not be
// written because the client went away. It is recognised by identity.
var errClientGone = &pb.ProviderError{Class: sdk.ClassTransport, Message: "client went away"}

// errShuttingDown is the cancellation cause of requests still running when
// the gateway stops.
var errShuttingDown = errors.New("the gateway is shutting down")

// notTheProvider reports whether an attempt ended because of the client or
// the gateway (disconnect, cancellation, shutdown) rather than the provider:
// such an attempt never counts against the provider's breaker.
func notTheProvider(ctx context.Context, pe *pb.ProviderError) bool {
	return pe == errClientGone || errors.Is(ctx.Err(), context.Canceled)
}

// complete routes a non-streaming request. The upstream is streamed all the
// same, under the first-byte and idle deadlines, so that they watch its real
// progress: a long answer that keeps generating is never mistaken for a
// stalled one (and retried while the abandoned call is still billed). Only
// the request's total deadline bounds the whole answer. A provider that
// declares sdk.CapProviderAssemble (every Go plugin) streams and assembles
// in its own process and answers once; for the others the host streams and
// assembles.
func (g *Generation) complete(ctx context.Context, req *Request, route *modelRoute, tr *Trace) (*Result, *Error) {
	return g.route(ctx, req, route, tr, func(ctx context.Context, t *target, c *sdk.Client, creq *pb.CompleteRequest, _ func()) (*Result, *pb.ProviderError) {
		if t.provider.assembles {
			return assembledAttempt(ctx, t, c, creq)
		}
		return streamAttempt(ctx, t, c, creq, nil)
	})
}

// assembledAttempt makes one Complete RPC that asks the plugin to stream
// from the upstream under the attempt's deadlines and assemble the answer
// (one reply, not a frame per upstream event). The plugin classes a missed
// deadline as streamAttempt does; the request's context bounds the call.
func assembledAttempt(ctx context.Context, t *target, c *sdk.Client, creq *pb.CompleteRequest) (*Result, *pb.ProviderError) {
	creq.Assemble = &pb.AssembleDeadlines{FirstByteMs: t.firstByte.Milliseconds(), IdleMs: t.idle.Milliseconds()}
	resp, err := c.Provider.Complete(ctx, creq)
	switch {
	case err == nil:
	case ctx.Err() != nil || status.Code(err) == codes.DeadlineExceeded:
		// The plugin got the request's deadline and may report it a moment
		// before the host's own timer fires. The provider had the prompt: a
		// client that went away is charged for it.
		return &Result{Usage: t.cutUsage(creq.GetRequest(), 0), UsageEstimated: true}, &pb.ProviderError{Class: sdk.ClassTimeout, Message: "request deadline passed"}
	default:
		return nil, rpcToProviderError(ctx, ctx, err)
	}
	if resp.Error != nil {
		return nil, resp.Error
	}
	if resp.FirstChunkNanos > 0 {
		t.stats.observe(time.Duration(resp.FirstChunkNanos))
	}
	return resultOf(resp), nil
}

// attemptFunc runs one attempt on one provider. commit is called by streams
// once the first byte went to the client (no fallback after that). A failed
// attempt may return, with its error, what the provider produced before it
// failed (its usage, else cutUsage's bound): the request is charged for it
// when it ends there (the client went away, or a committed stream broke).
type attemptFunc func(ctx context.Context, t *target, c *sdk.Client, creq *pb.CompleteRequest, commit func()) (*Result, *pb.ProviderError)

// route tries the model's targets in order, with retries and the breaker.
func (g *Generation) route(ctx context.Context, req *Request, route *modelRoute, tr *Trace, attempt attemptFunc) (*Result, *Error) {
	providerStart := time.Now()
	defer func() { tr.Timings = append(tr.Timings, Timing{Name: "provider", Dur: time.Since(providerStart)}) }()
	committed := false
	commit := func() { committed = true }
	var lastErr *pb.ProviderError
	for _, t := range route.order() {
		allowed, probe := t.provider.breaker.allow()
		if !allowed {
			now := time.Now().UnixNano()
			tr.Attempts = append(tr.Attempts, &pb.Attempt{Model: t.model, Provider: t.provider.name, UpstreamModel: t.upstream, Outcome: "skipped", ErrorCode: "circuit_open",
				ErrorMessage: "provider skipped: circuit open after repeated failures", StartUnixNano: now, EndUnixNano: now})
			continue
		}
		for try := 0; ; try++ {
			at := &pb.Attempt{Model: t.model, Provider: t.provider.name, UpstreamModel: t.upstream, StartUnixNano: time.Now().UnixNano()}
			tr.Attempts = append(tr.Attempts, at)
			t.stats.begin()
			res, pe := g.tryOnce(ctx, req, t, attempt, commit)
			t.stats.end()
			at.EndUnixNano = time.Now().UnixNano()
			if pe == nil {
				t.provider.breaker.success()
				at.Outcome = "ok"
				at.Usage = res.Usage
				res.ModelUsed, res.Provider, res.UpstreamModel = t.model, t.provider.name, t.upstream
				res.CostNanos, res.CostKnown = t.cost(res.Usage)
				return res, nil
			}
			at.Outcome = "error"
			at.ErrorCode = sdk.ClassName(pe.Class)
			at.ErrorMessage = pe.Message
			if res != nil {
				res.ModelUsed, res.Provider, res.UpstreamModel = t.model, t.provider.name, t.upstream
				res.CostNanos, res.CostKnown = t.cost(res.Usage)
			}
			if notTheProvider(ctx, pe) {
				t.provider.breaker.neutral(probe)
				at.ErrorCode, at.ErrorMessage = "client_closed_request", "the client went away or the gateway is stopping"
				return res, cancelledError(ctx)
			}
			lastErr = pe
			if stop := recordOutcome(t, pe); stop != nil {
				return nil, stop
			}
			probe = false // resolved by recordOutcome
			if committed {
				return res, upstreamStreamError(pe)
			}
			if deadlinePassed(ctx) {
				return nil, deadlineError(ctx)
			}
			if t.provider.breaker.open() {
				// This failure opened the circuit (or a failed probe opened
				// it again): no retry, the next target.
				break
			}
			wait, ok := retryWait(ctx, t, try, pe)
			if !ok {
				break
			}
			if !sleepCtx(ctx, wait) {
				return nil, deadlineError(ctx)
			}
		}
	}
	if deadlinePassed(ctx) {
		return nil, deadlineError(ctx)
	}
	return nil, allFailed(tr, lastErr)
}

// recordOutcome tells the provider's breaker what a failed attempt says
// about the provider, and returns the request's error when the failure ends
// the request (a bad request: the next provider would refuse it too). A
// failure that is the provider's doing also counts, for least_latency, as an
// answer as slow as the first-byte deadline: a target that fails fast must
// not look like the fastest.
func recordOutcome(t *target, pe *pb.ProviderError) *Error {
	p := t.provider
	switch pe.Class {
	case sdk.ClassBadRequest:
		// The caller's fault; the provider answered.
		p.breaker.success()
		return &Error{Status: 400, Type: "invalid_request_error", Code: "upstream_bad_request", Param: pe.UpstreamParam,
			Message: fmt.Sprintf("provider %q refused the request: %s", p.name, pe.Message)}
	case sdk.ClassContentFilter, sdk.ClassModelUnavailable:
		// A judgement on the content, or a model this provider does not
		// serve: the provider is up, and the next one may answer.
		p.breaker.success()
	default:
		p.breaker.failure()
		t.stats.observe(t.firstByte)
	}
	return nil
}

// allFailed is the 502 after every target failed or was skipped.
func allFailed(tr *Trace, lastErr *pb.ProviderError) *Error {
	msg := "every provider failed"
	if lastErr == nil {
		msg = "every provider is cooling down after repeated failures"
	}
	var parts []string
	for _, a := range tr.Attempts {
		parts = append(parts, fmt.Sprintf("%s: %s", a.Model, orDefault(a.ErrorCode, a.Outcome)))
	}
	if len(parts) > 0 {
		msg += " (" + strings.Join(parts, ", ") + ")"
	}
	return &Error{Status: 502, Type: "upstream_error", Code: "all_providers_failed", Message: msg, WithAttempts: true}
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// tryOnce runs one attempt; a connection broken by a plugin crash is a
// transport failure for the router (fallback covers it).
func (g *Generation) tryOnce(ctx context.Context, req *Request, t *target, attempt attemptFunc, commit func()) (*Result, *pb.ProviderError) {
	// A provider whose process is restarting is just a failed attempt: the
	// router moves on rather than wait.
	c := t.provider.proc.ClientNow()
	if c == nil {
		return nil, &pb.ProviderError{Class: sdk.ClassTransport, Message: "provider plugin unavailable (restarting)"}
	}
	var creq *pb.CompleteRequest
	if req.Chat != nil { // nil on the embeddings route
		creq = &pb.CompleteRequest{InstanceId: t.provider.id, RequestId: req.ID, UpstreamModel: t.upstream, Request: t.paramsFor(req.Chat)}
	}
	return attempt(ctx, t, c, creq, commit)
}

// retryWait decides whether to retry the same target and after how long:
// exponential backoff with jitter, at least the upstream's Retry-After, and
// only when the wait fits the request's deadline.
func retryWait(ctx context.Context, t *target, try int, pe *pb.ProviderError) (time.Duration, bool) {
	if try >= t.retries {
		return 0, false
	}
	switch pe.Class {
	case sdk.ClassRateLimited, sdk.ClassUpstream5xx, sdk.ClassTimeout, sdk.ClassTransport:
	default:
		return 0, false
	}
	wait := t.backoff << try
	wait += time.Duration(rand.Int64N(int64(wait)/2 + 1))
	if ra := time.Duration(pe.RetryAfterMs) * time.Millisecond; ra > wait {
		wait = ra
	}
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) < wait+t.firstByte/4 {
		return 0, false
	}
	return wait, true
}

func sleepCtx(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// rpcToProviderError classes a failed RPC: the attempt's own deadline is a
// timeout, a broken plugin connection is transport.
func rpcToProviderError(actx, reqCtx context.Context, err error) *pb.ProviderError {
	// The deadline travels with the call, so the plugin's side may report it
	// (DeadlineExceeded) a moment before the host's own timer fires.
	if (actx.Err() != nil || status.Code(err) == codes.DeadlineExceeded) && reqCtx.Err() == nil {
		return &pb.ProviderError{Class: sdk.ClassTimeout, Message: "no answer before the first-byte deadline"}
	}
	if reqCtx.Err() != nil {
		return &pb.ProviderError{Class: sdk.ClassTimeout, Message: "request deadline passed"}
	}
	return &pb.ProviderError{Class: sdk.ClassTransport, Message: "provider plugin call failed: " + status.Convert(err).Message()}
}

// deadlinePassed reports whether the request's deadline is (all but) over:
// a plugin may notice the cancellation and answer a moment before the host's
// own context reports it.
func deadlinePassed(ctx context.Context) bool {
	if ctx.Err() != nil {
		return true
	}
	dl, ok := ctx.Deadline()
	return ok && time.Until(dl) < 5*time.Millisecond
}

func deadlineError(ctx context.Context) *Error {
	if errors.Is(ctx.Err(), context.Canceled) {
		return cancelledError(ctx)
	}
	return &Error{Status: 504, Type: "timeout", Code: "deadline_exceeded", Message: "the request's deadline passed before a provider answered", WithAttempts: true}
}

// cancelledError is the answer of a request cut short by its client (nobody
// reads it) or by the gateway's shutdown.
func cancelledError(ctx context.Context) *Error {
	if errors.Is(context.Cause(ctx), errShuttingDown) {
		return &Error{Status: 503, Type: "service_unavailable", Code: "shutting_down", Message: "the gateway is shutting down; retry shortly"}
	}
	return &Error{Status: 499, Type: "invalid_request_error", Code: "client_closed_request", Message: "client closed the request"}
}

func upstreamStreamError(pe *pb.ProviderError) *Error {
	code := "upstream_stream_error"
	if pe.Class == sdk.ClassTimeout {
		code = "stream_timeout"
	}
	return &Error{Status: 502, Type: "upstream_error", Code: code, Message: "the provider's stream failed after it started: " + pe.Message}
}

// stream routes a streaming request: failures before the first chunk reaches
// the client fall back; after it, the stream ends with an SSE error event.
func (g *Generation) stream(ctx context.Context, req *Request, route *modelRoute, tr *Trace, w Writer) (*Result, *Error) {
	sr := &streamRun{w: w, tr: tr}
	res, err := g.route(ctx, req, route, tr, sr.attempt)
	sr.finish(res, err)
	return res, err
}

// streamRun is the client side of one streamed request: whether its answer
// has started (the commit point).
type streamRun struct {
	w       Writer
	tr      *Trace
	started bool
}

// attempt streams from one provider, forwarding every chunk with content;
// the first one commits the answer to this provider.
func (sr *streamRun) attempt(ctx context.Context, t *target, c *sdk.Client, creq *pb.CompleteRequest, commit func()) (*Result, *pb.ProviderError) {
	return streamAttempt(ctx, t, c, creq, func(chunk *pb.StreamChunk) error { return sr.forward(chunk, commit) })
}

// streamAttempt makes one Stream RPC under the attempt's first-byte and idle
// deadlines and folds its chunks into a Result. Every chunk the provider
// sends restarts the idle timer (providers send one for reasoning, refusal
// and tool-call deltas too, so a model that thinks is not a stalled one);
// the chunks with something for the client go to forward, when given.
func streamAttempt(ctx context.Context, t *target, c *sdk.Client, creq *pb.CompleteRequest, forward func(*pb.StreamChunk) error) (*Result, *pb.ProviderError) {
	start := time.Now()
	actx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	dl := sdk.StartProgressDeadline(t.firstByte, t.idle, cancel)
	defer dl.Stop()
	s, err := c.Provider.Stream(actx, creq)
	if err != nil {
		return nil, streamErr(actx, ctx, err)
	}
	acc := &streamAccumulator{}
	for first := true; ; first = false {
		chunk, err := s.Recv()
		if err == io.EOF {
			break
		}
		if err != nil {
			return acc.cut(t, creq), streamErr(actx, ctx, err)
		}
		if chunk.Error != nil {
			return acc.cut(t, creq), chunk.Error
		}
		if first {
			t.stats.observe(time.Since(start))
		}
		dl.Chunk()
		if !acc.add(chunk) || forward == nil {
			continue
		}
		if err := forward(chunk); err != nil {
			cancel(err)
			return acc.cut(t, creq), errClientGone
		}
	}
	res, pe := acc.result()
	if pe != nil {
		return acc.cut(t, creq), pe
	}
	return res, nil
}

// forward writes one chunk to the client, starting the answer first.
func (sr *streamRun) forward(chunk *pb.StreamChunk, commit func()) error {
	if !sr.started {
		if err := sr.w.StreamStart(sr.tr); err != nil {
			return err
		}
		sr.started = true
		commit()
	}
	return sr.w.StreamChunk(chunk)
}

// finish ends the client's answer after the routing.
func (sr *streamRun) finish(res *Result, err *Error) {
	switch {
	case err == nil:
		if !sr.started && sr.w.StreamStart(sr.tr) != nil {
			// An answer with no content at all (e.g. only a finish reason),
			// and the client is gone.
			return
		}
		_ = sr.w.StreamEnd(res, sr.tr)
	case sr.started:
		sr.w.StreamFail(err, sr.tr)
	default:
		sr.w.Error(err, sr.tr)
	}
}

// streamErr classes a broken stream RPC by its cause.
func streamErr(actx, reqCtx context.Context, err error) *pb.ProviderError {
	if pe := sdk.DeadlineError(actx); pe != nil {
		return pe
	}
	if actx.Err() != nil && reqCtx.Err() == nil {
		return &pb.ProviderError{Class: sdk.ClassTimeout, Message: "stream stalled"}
	}
	return rpcToProviderError(actx, reqCtx, err)
}

// finish runs after the answer is written: After hooks, metrics, trackers.
func (rt *Runtime) finish(g *Generation, req *Request, tr *Trace, res *Result, err *Error) {
	end := time.Now()
	model := req.model()
	if !g.HasModel(model) {
		// Client-chosen names must not become metric labels.
		model = "unknown"
	}
	rt.metrics.requestDone(req.Route, model, tr, res, err, end.Sub(req.Start))
	switch {
	case tr.AnsweredBy != "":
		rt.metrics.answerDone(tr, model)
	case res != nil && res.CostKnown:
		rt.metrics.costDone(res, tr.Annotations["key.id"])
		if tr.reserved && tr.Annotations["key.id"] != "" && res.CostNanos > tr.reservedNanos {
			// The reservation was not an upper bound: the key's spend may
			// pass its budget by the difference.
			rt.metrics.budgetOverrun(model)
			rt.logger.Warn("an answer cost more than its budget reservation", "request_id", req.ID, "model", model, "key_id", tr.Annotations["key.id"],
				"cost_usd", sdk.FormatUSD(res.CostNanos), "reserved_usd", sdk.FormatUSD(tr.reservedNanos))
		}
	}
	if g.hasAfter {
		// After hooks (token charging, budget settling) run beside the
		// connection, so a keep-alive client's next request is not held up
		// by them. They run for failures too: a budget reservation must be
		// released.
		g.inflight.Add(1) // the generation stays up until the hooks ran
		go func() {
			defer g.done()
			rt.runAfter(g, req, tr, res, err == nil)
		}()
	}
	var eventID string
	if len(g.trackers) > 0 {
		ev := buildEvent(req, tr, res, err, end)
		eventID = ev.EventId
		rt.tracking.enqueue(ev)
	}
	rt.stats.record(recentOf(req, tr, res, err, end, eventID), end.Sub(req.Start), res != nil && err == nil && len(tr.Attempts) > 1, res.costNanos())
}

// runAfter calls the After hook of the stages that asked for it. The
// complete answer goes with a success only (never a failed or cut stream),
// so a stage may keep it.
func (rt *Runtime) runAfter(g *Generation, req *Request, tr *Trace, res *Result, ok bool) {
	var response *pb.CompleteResponse
	if ok && res != nil {
		response = res.completeResponse()
	}
	var metaChat *pb.ChatRequest
	for _, s := range g.stages {
		if !s.after {
			continue
		}
		chat, answer := req.Chat, response
		if s.metadata {
			if metaChat == nil {
				metaChat = metadataChat(req.Chat)
			}
			chat, answer = metaChat, nil
		}
		after := &pb.StageAfterRequest{InstanceId: s.id, RequestId: req.ID, Request: chat, ClientIp: req.ClientIP, ApiKeyHash: req.APIKeyHash,
			Headers: req.Headers, Ok: ok, Route: req.Route, Response: answer, AnsweredBy: tr.AnsweredBy, Annotations: tr.Annotations}
		if res != nil {
			after.Usage, after.ModelUsed, after.CostNanos, after.CostKnown = res.Usage, res.ModelUsed, res.CostNanos, res.CostKnown
		}
		embedAfter(after, req, res, s)
		rt.callAfter(s, after)
	}
}

// An After hook settles what the request spent (a key's budget): a call that
// fails is tried again, on the restarted process when it broke, up to
// afterTries calls (backing off 0.2, 0.4, 0.8, 1.6 s) within afterWindow:
// long enough for a hung plugin to be detected and replaced.
const (
	afterTries  = 5
	afterWindow = 15 * time.Second
)

// callAfter makes one stage's After call, retrying a failed one; every
// failed call is counted (llmgw_stage_after_errors_total) and logged.
func (rt *Runtime) callAfter(s *stageInst, after *pb.StageAfterRequest) {
	ctx, cancel := context.WithTimeout(context.Background(), afterWindow)
	defer cancel()
	var broken *sdk.Client
	for try := 1; ; try++ {
		var c *sdk.Client
		var err error
		if broken == nil {
			c, err = s.proc.Client(ctx) // waits for a restarting process
		} else {
			c, err = s.proc.ClientAfterFailure(ctx, broken)
		}
		if err == nil {
			cctx, ccancel := context.WithTimeout(ctx, s.timeout)
			_, err = c.Stage.After(cctx, after)
			ccancel()
			if err == nil {
				return
			}
			if isConnectionError(err) {
				broken = c
			}
		}
		rt.metrics.afterError(s.name)
		if try < afterTries && ctx.Err() == nil {
			rt.logger.Warn("a stage's After hook failed; retrying", "stage", s.name, "request_id", after.RequestId, "try", try, "error", err)
			if sleepCtx(ctx, 100*time.Millisecond<<try) {
				continue
			}
		}
		rt.logger.Error("a stage's After hook failed; what it settles (a key's spend, tokens) is lost", "stage", s.name, "request_id", after.RequestId, "tries", try, "error", err)
		return
	}
}

// NewID returns a fresh random id (24 hex digits).
func NewID() string {
	var b [12]byte
	_, _ = cryptorand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// buildEvent is the trackers' view of a finished request.
func buildEvent(req *Request, tr *Trace, res *Result, err *Error, end time.Time) *pb.Event {
	ev := &pb.Event{
		// The event's identity is the host's own: a client may send one
		// X-Request-ID many times, and trackers de-duplicate on EventId.
		EventId:        NewID(),
		RequestId:      req.ID,
		Route:          req.Route,
		Endpoint:       req.Endpoint,
		StartUnixNano:  req.Start.UnixNano(),
		EndUnixNano:    end.UnixNano(),
		Request:        eventRequest(req.Chat),
		RequestedModel: req.model(),
		Attempts:       tr.Attempts,
		Stages:         tr.Stages,
		ClientKeyHash:  hashKey(req),
		Stream:         req.Chat.GetStream(),
		Annotations:    tr.Annotations,
		Ok:             err == nil,
		Status:         200,
		AnsweredBy:     tr.AnsweredBy,
	}
	if res != nil {
		ev.ModelUsed, ev.Provider, ev.UpstreamModel = res.ModelUsed, res.Provider, res.UpstreamModel
		ev.Response, ev.FinishReason, ev.Usage = res.Content, res.FinishReason, res.Usage
		ev.ToolCalls, ev.Refusal = res.ToolCalls, res.Refusal
		if res.CostKnown {
			ev.Annotations = maps.Clone(ev.Annotations)
			if ev.Annotations == nil {
				ev.Annotations = map[string]string{}
			}
			ev.Annotations["cost_usd"] = sdk.FormatUSD(res.CostNanos)
			if res.UsageEstimated {
				// The answer was cut short before the provider reported
				// its usage: usage and cost are the host's upper bound.
				ev.Annotations["usage_estimated"] = "true"
			}
		}
	}
	embedEvent(ev, req, res)
	if err != nil {
		ev.Status = int32(err.Status)
		ev.ErrorCode = err.Code
		ev.ErrorMessage = err.Message
	}
	return ev
}
