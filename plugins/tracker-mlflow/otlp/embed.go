package otlp

import (
	"strconv"

	commonpb "go.opentelemetry.io/proto/otlp/common/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"

	sdk "github.com/llmgw/llmgw/sdk/go"
)

// RouteEmbeddings is the host's route of POST /v1/embeddings.
const RouteEmbeddings = "embeddings"

// Attributes of an embeddings request's root span.
const (
	AttrEmbeddingsCount      = GatewayAttrBase + "embeddings.count"
	AttrEmbeddingsDimensions = GatewayAttrBase + "embeddings.dimensions"
)

// embeddingSpans turns the chat-shaped spans of an embeddings event into
// MLflow's embeddings shape: each provider attempt an EMBEDDING span whose
// inputs are the request (texts, dimensions) and whose outputs say how many
// vectors of what size came back, with the token usage. The vectors never
// reach a trace: they are large and say nothing to a reader.
func embeddingSpans(ev *sdk.Event, spans []*tracepb.Span) {
	root := spans[0]
	setAttr(root, jsonAttr(AttrInputs, embeddingsInputs(ev.Embeddings, ev.RequestedModel)))
	if ev.Ok {
		setAttr(root, jsonAttr(AttrOutputs, embeddingsOutput(ev, ev.ModelUsed, ev.Usage)))
		setAttr(root, jsonAttr(AttrEmbeddingsCount, ev.EmbeddingsCount))
		setAttr(root, jsonAttr(AttrEmbeddingsDimensions, ev.EmbeddingsDimensions))
	}
	byID := map[string]*tracepb.Span{}
	for _, sp := range spans {
		byID[string(sp.SpanId)] = sp
	}
	for i, at := range ev.Attempts {
		sp := byID[string(spanID(ev.EventId, "attempt/"+strconv.Itoa(i)))]
		if sp == nil {
			continue
		}
		model := at.UpstreamModel
		if model == "" {
			model = at.Model
		}
		setAttr(sp, jsonAttr(AttrSpanType, "EMBEDDING"))
		setAttr(sp, jsonAttr(AttrInputs, embeddingsInputs(ev.Embeddings, model)))
		if at.Outcome == "ok" {
			usage := at.Usage
			if usage == nil || usage.TotalTokens == 0 {
				usage = ev.Usage
			}
			setAttr(sp, jsonAttr(AttrOutputs, embeddingsOutput(ev, model, usage)))
		}
	}
}

// embeddingsInputs is the OpenAI-shaped embeddings request.
func embeddingsInputs(e *sdk.EmbeddingsRequest, model string) map[string]any {
	in := map[string]any{"model": model}
	switch {
	case len(e.GetInputTokens()) > 0:
		lists := make([][]int32, len(e.GetInputTokens()))
		for i, t := range e.GetInputTokens() {
			lists[i] = t.GetIds()
		}
		in["input"] = lists
	default:
		in["input"] = e.GetInput()
	}
	if e != nil && e.Dimensions != nil { // an event without its request (a host bug) is still traced
		in["dimensions"] = e.GetDimensions()
	}
	if f := e.GetEncodingFormat(); f != "" {
		in["encoding_format"] = f
	}
	return in
}

// embeddingsOutput describes the answer without its vectors.
func embeddingsOutput(ev *sdk.Event, model string, usage *sdk.Usage) map[string]any {
	out := map[string]any{
		"object":     "list",
		"model":      model,
		"count":      ev.EmbeddingsCount,
		"dimensions": ev.EmbeddingsDimensions,
	}
	if usage != nil {
		out["usage"] = map[string]int32{"prompt_tokens": usage.PromptTokens, "total_tokens": usage.TotalTokens}
	}
	return out
}

// setAttr sets an attribute of sp, replacing one of the same key.
func setAttr(sp *tracepb.Span, kv *commonpb.KeyValue) {
	for i, a := range sp.Attributes {
		if a.Key == kv.Key {
			sp.Attributes[i] = kv
			return
		}
	}
	sp.Attributes = append(sp.Attributes, kv)
}
