package pipeline

import (
	"fmt"
	"strings"

	"google.golang.org/protobuf/proto"

	sdk "github.com/llmgw/llmgw/sdk/go"
	pb "github.com/llmgw/llmgw/sdk/go/proto/llmgw/v1"
)

// streamAccumulator builds the Result of a stream from its chunks with the
// SDK's Assembler, the one a Go plugin uses for an assembled plain answer
// (sdk.CapProviderAssemble): both paths give the same Result.
type streamAccumulator struct {
	sdk.Assembler
	// usage is the last usage the provider reported; outBytes the bytes of
	// output received (text, refusal, reasoning, tool calls), for the cost
	// of a stream cut short.
	usage    *pb.Usage
	outBytes int64
}

// add folds a chunk in and reports whether it carries anything for the
// client (role-only or usage-only chunks do not).
func (a *streamAccumulator) add(chunk *pb.StreamChunk) bool {
	if chunk.Usage != nil {
		a.usage = chunk.Usage
	}
	a.outBytes += int64(len(chunk.Content) + len(chunk.Refusal) + len(chunk.ReasoningContent))
	for _, c := range chunk.ToolCalls {
		a.outBytes += int64(len(c.Id) + len(c.Name) + len(c.Arguments))
	}
	return a.Add(chunk)
}

// cut is what a stream that ended early had produced on t, to charge: the
// provider's usage when it came, else cutUsage's bound from the prompt and
// the output received.
func (a *streamAccumulator) cut(t *target, creq *pb.CompleteRequest) *Result {
	if a.usage != nil {
		return &Result{Usage: a.usage}
	}
	return &Result{Usage: t.cutUsage(creq.GetRequest(), a.outBytes), UsageEstimated: true}
}

// result is the stream's Result, or a failure when it ended without a
// finish reason.
func (a *streamAccumulator) result() (*Result, *pb.ProviderError) {
	resp, pe := a.Response()
	if pe != nil {
		return nil, pe
	}
	return resultOf(resp), nil
}

// resultOf is a provider's answer as a Result; the router adds who answered
// and what it cost.
func resultOf(r *pb.CompleteResponse) *Result {
	return &Result{ID: r.Id, Content: r.Content, FinishReason: r.FinishReason, Usage: r.Usage, Refusal: r.Refusal, Reasoning: r.ReasoningContent,
		ReasoningSignature: r.ReasoningSignature, ToolCalls: r.ToolCalls, LogprobsJSON: r.LogprobsJson, MoreChoices: r.MoreChoices}
}

// eventRequest is the request as trackers see it: an image sent inline (a
// data URL of up to 20 MiB) is shortened to its type and size, so the
// tracking queue and the trackers' spools never hold the image. The
// request itself is left alone (the After hooks still read it).
func eventRequest(chat *pb.ChatRequest) *pb.ChatRequest {
	var out *pb.ChatRequest
	for i, m := range chat.GetMessages() {
		for j, p := range m.GetParts() {
			meta, data, ok := strings.Cut(p.GetImageUrl(), ",")
			if !ok || !strings.HasPrefix(meta, "data:") {
				continue
			}
			if out == nil {
				out = proto.Clone(chat).(*pb.ChatRequest)
			}
			out.Messages[i].Parts[j].ImageUrl = fmt.Sprintf("%s,[%d base64 characters]", meta, len(data))
		}
	}
	if out == nil {
		return chat
	}
	return out
}
