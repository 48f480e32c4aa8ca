package pipeline

// POST /v1/messages/count_tokens: how many input tokens a request is,
// counted by the provider of the model's first target that can count
// (sdk.CapProviderCountTokens). A count is no model call: only the stages
// that declare sdk.CapStageCountTokens run (a key stage, to authenticate
// it), the router's breakers, retries and latency statistics are left
// alone, and no tracker hears of it.

import (
	"context"
	"fmt"
	"slices"

	sdk "github.com/llmgw/llmgw/sdk/go"
	pb "github.com/llmgw/llmgw/sdk/go/proto/llmgw/v1"
)

// RouteCountTokens is POST /v1/messages/count_tokens.
const RouteCountTokens = sdk.RouteCountTokens

// countStages are the stages of group that take count_tokens requests.
func countStages(group []*stageInst) []*stageInst {
	var out []*stageInst
	for _, s := range group {
		if slices.Contains(s.caps, sdk.CapStageCountTokens) {
			out = append(out, s)
		}
	}
	return out
}

// CountTokens counts req's input tokens.
func (rt *Runtime) CountTokens(ctx context.Context, req *Request) (int32, *Error) {
	g := rt.acquire()
	if g == nil {
		return 0, &Error{Status: 503, Type: "service_unavailable", Code: "no_provider_configured", Message: "no pipeline is loaded"}
	}
	defer g.done()
	tr := &Trace{Generation: g.ID, Headers: map[string]string{}}
	if err := g.runStages(ctx, req, tr, rt.metrics); err != nil {
		return 0, err
	}
	route := g.models[req.Chat.GetModel()]
	if route == nil {
		return 0, unknownModel(req)
	}
	if err := route.checkKind(req); err != nil {
		return 0, err
	}
	var t *target
	for _, cand := range route.order() {
		if slices.Contains(cand.provider.caps, sdk.CapProviderCountTokens) {
			t = cand
			break
		}
	}
	if t == nil {
		return 0, &Error{Status: 404, Type: "invalid_request_error", Code: "not_found",
			Message: fmt.Sprintf("model %q cannot count tokens: none of its providers does (they do not declare %s)", req.Chat.GetModel(), sdk.CapProviderCountTokens)}
	}
	c := t.provider.proc.ClientNow()
	if c == nil {
		return 0, countFailed(t, &pb.ProviderError{Class: sdk.ClassTransport, Message: "provider plugin unavailable (restarting)"})
	}
	actx, cancel := context.WithTimeout(ctx, t.firstByte)
	defer cancel()
	resp, err := c.Provider.CountTokens(actx, &pb.CountTokensRequest{InstanceId: t.provider.id, RequestId: req.ID, UpstreamModel: t.upstream, Request: t.paramsFor(req.Chat)})
	if err != nil {
		pe := rpcToProviderError(actx, ctx, err)
		if notTheProvider(ctx, pe) {
			return 0, cancelledError(ctx)
		}
		return 0, countFailed(t, pe)
	}
	if pe := resp.GetError(); pe != nil {
		return 0, countFailed(t, pe)
	}
	return resp.GetInputTokens(), nil
}

// countFailed is the error of a count the provider could not make: the
// request's fault (400), the upstream's limit (429), or a failure (502).
func countFailed(t *target, pe *pb.ProviderError) *Error {
	msg := fmt.Sprintf("provider %q could not count the tokens: %s", t.provider.name, pe.GetMessage())
	switch pe.GetClass() {
	case sdk.ClassBadRequest:
		return &Error{Status: 400, Type: "invalid_request_error", Code: "upstream_bad_request", Param: pe.GetUpstreamParam(), Message: msg}
	case sdk.ClassRateLimited:
		return &Error{Status: 429, Type: "rate_limit_error", Code: "rate_limit_exceeded", Message: msg}
	}
	return &Error{Status: 502, Type: "upstream_error", Code: "all_providers_failed", Message: msg}
}
