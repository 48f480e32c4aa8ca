package pipeline

// The embeddings route (POST /v1/embeddings) on the same request path as
// chat: the stages see StageRequest.embeddings, the router tries the model's
// chain with its breakers and retries, and finish runs the After hooks,
// metrics and trackers. What differs is here: the model's kind, the
// embeddings parameters, the one unary Embed call per attempt and the check
// of what a provider answered.

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"

	"google.golang.org/protobuf/proto"

	"github.com/llmgw/llmgw/core/config"
	sdk "github.com/llmgw/llmgw/sdk/go"
	pb "github.com/llmgw/llmgw/sdk/go/proto/llmgw/v1"
)

// model is the pipeline model the request names, on every route.
func (r *Request) model() string {
	if r.Embeddings != nil {
		return r.Embeddings.GetModel()
	}
	return r.Chat.GetModel()
}

// serveEmbeddings runs an embeddings request through the stages and the
// router and writes its answer (a plain answer: embeddings never stream).
func (g *Generation) serveEmbeddings(ctx context.Context, req *Request, tr *Trace, w Writer, m *Metrics) (*Result, *Error) {
	err := g.runStages(ctx, req, tr, m)
	var route *modelRoute
	if err == nil {
		if route = g.models[req.Embeddings.GetModel()]; route == nil {
			err = unknownModel(req)
		}
	}
	if err == nil {
		err = route.checkKind(req)
	}
	if err == nil {
		err = route.checkEmbeddingParams(req.Embeddings)
	}
	if err != nil {
		w.Error(err, tr)
		return nil, err
	}
	if tr.answer != nil {
		return serveEmbeddingsAnswer(req, tr, w), nil
	}
	rctx, cancel := context.WithTimeout(ctx, route.total)
	defer cancel()
	res, err := g.route(rctx, req, route, tr, func(ctx context.Context, t *target, c *sdk.Client, _ *pb.CompleteRequest, _ func()) (*Result, *pb.ProviderError) {
		return embedAttempt(ctx, t, c, req)
	})
	if err != nil {
		// res, when set, is what a request that ended there is charged
		// (a client that went away while the provider had its input).
		w.Error(err, tr)
		return res, err
	}
	w.Complete(res, tr)
	return res, nil
}

// checkKind refuses a chat request for an embeddings model and the other way
// round, naming the route that serves the model.
func (r *modelRoute) checkKind(req *Request) *Error {
	want := config.KindChat
	if req.Route == RouteEmbeddings {
		want = config.KindEmbeddings
	}
	if r.kind == want {
		return nil
	}
	msg := fmt.Sprintf("model %q is an embeddings model; use POST /v1/embeddings", r.name)
	if want == config.KindEmbeddings {
		msg = fmt.Sprintf("model %q is a chat model and serves no embeddings; use an embeddings model (kind = \"embeddings\" in the pipeline) or POST /v1/chat/completions", r.name)
	}
	return &Error{Status: 400, Type: "invalid_request_error", Code: "wrong_model_kind", Param: "model", Category: "validation", Counter: sdk.CountValidation, Message: msg}
}

// checkEmbeddingParams refuses, before any provider is called, an
// embeddings parameter or a token-array input that some provider of the
// chain did not declare (as checkParams does for chat).
func (r *modelRoute) checkEmbeddingParams(e *pb.EmbeddingsRequest) *Error {
	refuse := func(t *target, what, param string) *Error {
		msg := fmt.Sprintf("%s is not supported by provider %q (plugin %s) serving model %q", what, t.provider.name, t.provider.plugin, t.model)
		return &Error{Status: 400, Type: "invalid_request_error", Code: "unsupported_parameter", Param: param, Category: "validation", Counter: sdk.CountValidation, Message: msg}
	}
	for _, t := range r.targets {
		if len(e.GetInputTokens()) > 0 && !slices.Contains(t.provider.caps, sdk.CapProviderEmbeddingTokens) {
			return refuse(t, "token-array input", "input")
		}
		for _, p := range sdk.EmbeddingParamsSet(e) {
			if !slices.Contains(t.drop, p) && !slices.Contains(t.provider.caps, sdk.ParamCap(p)) {
				return refuse(t, p, p)
			}
		}
	}
	return nil
}

// embeddingsFor is the request as target t receives it: without the
// parameters its pipeline drops, and with the model's dimensions when the
// client named none.
func (t *target) embeddingsFor(e *pb.EmbeddingsRequest) *pb.EmbeddingsRequest {
	drop := slices.Contains(t.drop, "user") && e.GetUser() != ""
	dims := e.Dimensions == nil && t.dims > 0
	if !drop && !dims {
		return e
	}
	out := proto.Clone(e).(*pb.EmbeddingsRequest)
	if drop {
		sdk.DropEmbeddingParam(out, "user")
	}
	if dims {
		d := int32(t.dims)
		out.Dimensions = &d
	}
	return out
}

// embedAttempt makes one Embed call, bounded by the target's first-byte
// deadline (the answer is its first byte), and checks the answer's shape: a
// provider that returns the wrong number of vectors or vectors of the wrong
// size has failed, and the router moves on rather than hand a client
// vectors that would corrupt its index.
func embedAttempt(ctx context.Context, t *target, c *sdk.Client, req *Request) (*Result, *pb.ProviderError) {
	actx, cancel := context.WithTimeout(ctx, t.firstByte)
	defer cancel()
	ereq := t.embeddingsFor(req.Embeddings)
	resp, err := c.Provider.Embed(actx, &pb.EmbedRequest{InstanceId: t.provider.id, RequestId: req.ID, UpstreamModel: t.upstream, Request: ereq})
	if err != nil {
		pe := rpcToProviderError(actx, ctx, err)
		if ctx.Err() != nil {
			// The client went away (or the request's deadline passed) while
			// the provider had the input, which it is billed for whether or
			// not an answer comes: charge the input's upper bound, as a cut
			// chat answer is charged its prompt.
			n := int32(min(estimateEmbeddingTokens(ereq), math.MaxInt32))
			return &Result{Usage: &pb.Usage{PromptTokens: n, TotalTokens: n}, UsageEstimated: true}, pe
		}
		return nil, pe
	}
	if resp.GetError() != nil {
		return nil, resp.GetError()
	}
	if pe := checkEmbedAnswer(resp, ereq); pe != nil {
		return nil, pe
	}
	return &Result{Embeddings: resp, Usage: resp.GetUsage()}, nil
}

// inputCount is the number of inputs of an embeddings request.
func inputCount(e *pb.EmbeddingsRequest) int {
	return max(len(e.GetInput()), len(e.GetInputTokens()))
}

// checkEmbedAnswer puts the answer in input order and checks it has one
// vector per input, all of one size (the requested one when set).
func checkEmbedAnswer(resp *pb.EmbedResponse, e *pb.EmbeddingsRequest) *pb.ProviderError {
	bad := func(format string, args ...any) *pb.ProviderError {
		return &pb.ProviderError{Class: sdk.ClassUpstream5xx, Message: "provider answered malformed embeddings: " + fmt.Sprintf(format, args...)}
	}
	n := inputCount(e)
	if len(resp.GetData()) != n {
		return bad("%d vectors for %d inputs", len(resp.GetData()), n)
	}
	slices.SortFunc(resp.Data, func(a, b *pb.Embedding) int { return cmp.Compare(a.GetIndex(), b.GetIndex()) })
	size := len(resp.Data[0].GetValues())
	if e.Dimensions != nil && size != int(e.GetDimensions()) {
		return bad("vectors of %d dimensions, %d asked", size, e.GetDimensions())
	}
	for i, d := range resp.Data {
		if int(d.GetIndex()) != i {
			return bad("no vector for input %d", i)
		}
		if len(d.GetValues()) != size || size == 0 {
			return bad("vectors of different sizes")
		}
	}
	return nil
}

// estimateEmbeddingTokens bounds an embeddings request's input tokens from
// above (a token is at least one byte of text; token arrays count exactly).
func estimateEmbeddingTokens(e *pb.EmbeddingsRequest) int64 {
	var n int64
	for _, s := range e.GetInput() {
		n += int64(len(s))
	}
	for _, ids := range e.GetInputTokens() {
		n += int64(len(ids.GetIds()))
	}
	return n
}

// requestWorstCost is the most the request can cost on any priced target of
// its model (the budget a key stage reserves); false when unknown.
func (g *Generation) requestWorstCost(req *Request) (int64, bool) {
	if req.Embeddings == nil {
		return g.worstCost(req.Chat)
	}
	r := g.models[req.Embeddings.GetModel()]
	if r == nil {
		return 0, false
	}
	tokens := estimateEmbeddingTokens(req.Embeddings)
	var worst int64
	known := false
	for _, t := range r.targets {
		if t.price != nil {
			known = true
			worst = max(worst, t.price.Cost(tokens, 0, 0))
		}
	}
	return worst, known
}

// embedAfter gives an After hook the embeddings request, and the answer's
// vectors only to a stage that may answer requests itself (a cache keeps
// them): they can be megabytes, and token charging or budgets need only the
// usage.
func embedAfter(after *pb.StageAfterRequest, req *Request, res *Result, s *stageInst) {
	if req.Embeddings == nil {
		return
	}
	after.Route = req.Route
	after.Embeddings = req.Embeddings
	if res != nil && slices.Contains(s.caps, sdk.CapStageAnswer) {
		after.EmbeddingsResponse = res.Embeddings
	}
}

// embedEvent records an embeddings request on its tracker event: the
// request, the number of vectors and their size (never the vectors).
func embedEvent(ev *pb.Event, req *Request, res *Result) {
	if req.Embeddings == nil {
		return
	}
	ev.Embeddings = req.Embeddings
	if res != nil && res.Embeddings != nil {
		ev.EmbeddingsCount = int32(len(res.Embeddings.GetData()))
		if ev.EmbeddingsCount > 0 {
			ev.EmbeddingsDimensions = int32(len(res.Embeddings.Data[0].GetValues()))
		}
	}
}

// checkEmbeddingModels checks, when the pipeline is built, that every
// embeddings model's providers serve embeddings and can honour the
// dimensions the model sets (a provider's capabilities are known only once
// its plugin runs, so this is not in the file's own checks).
func (b *builder) checkEmbeddingModels() error {
	for _, m := range b.spec.Models {
		route := b.g.models[m.Name]
		if route.kind != config.KindEmbeddings {
			continue
		}
		for _, t := range route.targets {
			summary, msg := "", ""
			switch {
			case !slices.Contains(t.provider.caps, sdk.CapProviderEmbeddings):
				summary = "Not an embeddings provider"
				msg = fmt.Sprintf("model %q is an embeddings model, but provider %q (plugin %s) serves no embeddings (it does not declare %s)", t.model, t.provider.name, t.provider.plugin, sdk.CapProviderEmbeddings)
			case t.dims > 0 && !slices.Contains(t.provider.caps, sdk.ParamCap("dimensions")):
				summary = "Unsupported dimensions"
				msg = fmt.Sprintf("model %q asks for %d dimensions, but provider %q (plugin %s) cannot choose the vector size", m.Name, t.dims, t.provider.name, t.provider.plugin)
			}
			if msg != "" {
				return &BuildError{Diagnostics: config.ErrorAt(m.Range, summary, msg)}
			}
		}
	}
	return nil
}

// wayDims is the vector size asked of a direct model reached through way
// (the requested model first): the first dimensions set on the way.
func wayDims(way ...*config.ModelSpec) int {
	for _, m := range way {
		if m.Dimensions > 0 {
			return m.Dimensions
		}
	}
	return 0
}

// embeddingsKind is the kind /models shows for m ("" for chat).
func embeddingsKind(m *config.ModelSpec) string {
	if m.Kind == config.KindEmbeddings {
		return m.Kind
	}
	return ""
}
