package sdk

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	pb "github.com/llmgw/llmgw/sdk/go/proto/llmgw/v1"
)

// A plain answer is assembled from a stream: tool-call deltas joined by
// their index (two calls interleaved), logprobs concatenated, each choice
// of an n = 2 answer on its own.
func TestAssembleToolCallsChoicesLogprobs(t *testing.T) {
	acc := &Assembler{}
	chunks := []*pb.StreamChunk{
		{Role: "assistant", Id: "chatcmpl-1"},
		{ToolCalls: []*pb.ToolCall{{Index: 0, Id: "call_a", Type: "function", Name: "get_weather"}}},
		{ToolCalls: []*pb.ToolCall{{Index: 0, Arguments: `{"ci`}}},
		{ToolCalls: []*pb.ToolCall{{Index: 1, Id: "call_b", Name: "get_time", Arguments: `{"zone"`}}},
		{ToolCalls: []*pb.ToolCall{{Index: 0, Arguments: `ty":"Paris"}`}}},
		{ToolCalls: []*pb.ToolCall{{Index: 1, Arguments: `:"UTC"}`}}},
		{ChoiceIndex: 1, Content: "Hel", LogprobsJson: `{"content":[{"token":"Hel","logprob":-0.1}],"refusal":null}`},
		{ChoiceIndex: 1, Content: "lo", LogprobsJson: `{"content":[{"token":"lo","logprob":-0.2}],"refusal":null}`},
		{FinishReason: "tool_calls"},
		{ChoiceIndex: 1, FinishReason: "stop"},
		{Usage: &pb.Usage{PromptTokens: 5, CompletionTokens: 9, TotalTokens: 14, CachedTokens: 2, ReasoningTokens: 3}},
	}
	for i, c := range chunks {
		forward := acc.Add(c)
		if want := i > 0 && i < 10; forward != want {
			t.Errorf("chunk %d: forward %v, want %v", i, forward, want)
		}
	}
	res, pe := acc.Response()
	if pe != nil {
		t.Fatal(pe)
	}
	if res.Id != "chatcmpl-1" || res.FinishReason != "tool_calls" || res.Content != "" || res.Usage.GetCachedTokens() != 2 {
		t.Errorf("result: %+v", res)
	}
	if len(res.ToolCalls) != 2 {
		t.Fatalf("calls: %v", res.ToolCalls)
	}
	a, b := res.ToolCalls[0], res.ToolCalls[1]
	if a.Id != "call_a" || a.Name != "get_weather" || a.Arguments != `{"city":"Paris"}` || a.Type != "function" {
		t.Errorf("call 0: %v", a)
	}
	if b.Id != "call_b" || b.Name != "get_time" || b.Arguments != `{"zone":"UTC"}` || b.Type != "function" || b.Index != 1 {
		t.Errorf("call 1: %v", b)
	}
	if len(res.MoreChoices) != 1 {
		t.Fatalf("more choices: %v", res.MoreChoices)
	}
	c := res.MoreChoices[0]
	if c.Index != 1 || c.Content != "Hello" || c.FinishReason != "stop" ||
		c.LogprobsJson != `{"content":[{"token":"Hel","logprob":-0.1},{"token":"lo","logprob":-0.2}],"refusal":null}` {
		t.Errorf("choice 1: %v", c)
	}
	if res.LogprobsJson != "" {
		t.Errorf("choice 0 had no logprobs: %s", res.LogprobsJson)
	}
	if (&Assembler{}).Add(&pb.StreamChunk{ChoiceIndex: 1 << 20, Content: "x"}) {
		t.Error("a choice index past the limit was accepted")
	}
}

// pacedProvider streams its chunks with a pause before each; Complete is
// never the way to a plain answer here.
type pacedProvider struct {
	chunks []*pb.StreamChunk
	gap    time.Duration
	// end is what Stream returns after the chunks.
	end error
}

func (p pacedProvider) Complete(context.Context, *CompleteRequest) (*CompleteResponse, error) {
	return nil, errors.New("Complete called for an assembled answer")
}

func (p pacedProvider) Stream(ctx context.Context, _ *CompleteRequest, send ChunkSender) error {
	for _, c := range p.chunks {
		select {
		case <-time.After(p.gap):
		case <-ctx.Done():
			return ctx.Err()
		}
		if err := send(c); err != nil {
			return err
		}
	}
	return p.end
}

func assembleReq(firstByte, idle time.Duration) *CompleteRequest {
	return &CompleteRequest{Assemble: &pb.AssembleDeadlines{FirstByteMs: firstByte.Milliseconds(), IdleMs: idle.Milliseconds()}}
}

func words(n int, w string) []*pb.StreamChunk {
	out := make([]*pb.StreamChunk, n)
	for i := range out {
		out[i] = &pb.StreamChunk{Content: w}
	}
	return out
}

// An assembled plain answer watches progress, not the whole answer: an
// answer longer than the first-byte deadline that keeps coming is served,
// reasoning alone keeps it alive, and silence is a timeout classed as the
// host classes a stalled stream.
func TestAssembleWatchesProgress(t *testing.T) {
	ctx := context.Background()
	long := append(words(12, "w "), &pb.StreamChunk{FinishReason: "stop", Usage: &pb.Usage{CompletionTokens: 12}})
	resp, err := assemble(ctx, pacedProvider{chunks: long, gap: 25 * time.Millisecond}, assembleReq(150*time.Millisecond, 150*time.Millisecond))
	if err != nil || resp.Error != nil || resp.Content != strings.Repeat("w ", 12) || resp.FinishReason != "stop" || resp.Usage.GetCompletionTokens() != 12 {
		t.Fatalf("a 325ms answer with a 150ms first-byte deadline: %v %v", resp, err)
	}
	if resp.FirstChunkNanos < int64(25*time.Millisecond) || resp.FirstChunkNanos > int64(time.Second) {
		t.Errorf("first chunk after %v, want about 25ms", time.Duration(resp.FirstChunkNanos))
	}
	thinking := []*pb.StreamChunk{{Role: "assistant"}, {ReasoningContent: "hm "}, {ReasoningContent: "so"}, {ReasoningContent: "."},
		{ReasoningSignature: "sig-"}, {ReasoningSignature: "1"}, {Content: "yes"}, {FinishReason: "stop"}}
	resp, _ = assemble(ctx, pacedProvider{chunks: thinking, gap: 50 * time.Millisecond}, assembleReq(200*time.Millisecond, 200*time.Millisecond))
	if resp.GetError() != nil || resp.Content != "yes" || resp.ReasoningContent != "hm so." || resp.ReasoningSignature != "sig-1" {
		t.Fatalf("reasoning is progress: %v", resp)
	}
	for _, c := range []struct {
		name     string
		p        pacedProvider
		fb, idle time.Duration
		want     string
	}{
		{"no first byte", pacedProvider{chunks: words(1, "late"), gap: time.Second}, 50 * time.Millisecond, time.Second, "no first byte before the deadline"},
		{"stalled", pacedProvider{chunks: append(words(1, "one "), words(1, "two")...), gap: 300 * time.Millisecond}, time.Second, 50 * time.Millisecond, "stream stalled"},
	} {
		start := time.Now()
		resp, err := assemble(ctx, c.p, assembleReq(c.fb, c.idle))
		if err != nil || resp.GetError().GetClass() != ClassTimeout || resp.Error.Message != c.want {
			t.Errorf("%s: %v %v", c.name, resp, err)
		}
		if d := time.Since(start); d > 900*time.Millisecond {
			t.Errorf("%s: took %v: the deadline did not stop the stream", c.name, d)
		}
	}
}

// Failures come back as the answer's error with the provider's class; the
// call itself fails only when the host's context ended.
func TestAssembleFailures(t *testing.T) {
	ctx := context.Background()
	req := assembleReq(time.Second, time.Second)
	fail5xx := Fail(ClassUpstream5xx, 502, 0, "", "bad gateway")
	for _, c := range []struct {
		name  string
		p     pacedProvider
		class ErrorClass
	}{
		{"provider error", pacedProvider{chunks: words(1, "x"), end: fail5xx}, ClassUpstream5xx},
		{"error chunk", pacedProvider{chunks: []*pb.StreamChunk{{Content: "x"}, {Error: &pb.ProviderError{Class: ClassRateLimited, Message: "slow down"}}, {FinishReason: "stop"}}}, ClassRateLimited},
		{"ended early", pacedProvider{chunks: words(2, "x")}, ClassTransport},
	} {
		resp, err := assemble(ctx, c.p, req)
		if err != nil || resp.GetError().GetClass() != c.class || resp.Content != "" {
			t.Errorf("%s: %v %v", c.name, resp, err)
		}
	}
	cctx, cancel := context.WithTimeout(ctx, 30*time.Millisecond)
	defer cancel()
	_, err := assemble(cctx, pacedProvider{chunks: words(1, "x"), gap: time.Second}, req)
	if status.Code(err) != codes.DeadlineExceeded {
		t.Errorf("the host's deadline: %v", err)
	}
}

// A Go provider declares provider.assemble, also when its instance
// declares its own capabilities, and Complete with assemble set is served
// from Stream.
func TestProviderDeclaresAssemble(t *testing.T) {
	p := pacedProvider{chunks: []*pb.StreamChunk{{Content: "hi"}, {FinishReason: "stop"}}}
	s := newServer(Plugin{Name: "p", Provider: func(Config) (Provider, error) { return capsProvider{p}, nil }}, hclog.NewNullLogger())
	if caps := s.describe().Capabilities; !slices.Contains(caps, CapProviderAssemble) {
		t.Errorf("describe: %v", caps)
	}
	resp, err := s.configure(&pb.ConfigureRequest{InstanceId: "p@1", Kind: KindProvider})
	if err != nil || !resp.InstanceCapabilities || !slices.Contains(resp.Capabilities, CapProviderAssemble) || !slices.Contains(resp.Capabilities, "x") {
		t.Fatalf("configure: %v %v", resp, err)
	}
	req := assembleReq(time.Second, time.Second)
	req.InstanceId = "p@1"
	answer, err := (&providerService{s: s}).Complete(context.Background(), req)
	if err != nil || answer.Content != "hi" || answer.FinishReason != "stop" {
		t.Fatalf("Complete with assemble: %v %v", answer, err)
	}
}

// capsProvider declares instance capabilities of its own.
type capsProvider struct{ pacedProvider }

func (capsProvider) Capabilities() []string { return []string{"x"} }
