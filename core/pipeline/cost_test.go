package pipeline

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	sdk "github.com/llmgw/llmgw/sdk/go"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"google.golang.org/protobuf/proto"

	"github.com/llmgw/llmgw/core/config"
	"github.com/llmgw/llmgw/core/pricing"
	pb "github.com/llmgw/llmgw/sdk/go/proto/llmgw/v1"
)

func TestWorstCostIsTheDearestPricedTarget(t *testing.T) {
	cheap := pricing.Price{Input: 100_000, Output: 400_000}
	dear := pricing.Price{Input: 2_500_000, Output: 10_000_000}
	g := &Generation{models: map[string]*modelRoute{
		"chain": {targets: []*target{{model: "a", price: &cheap}, {model: "b"}, {model: "c", price: &dear}}},
		"free":  {targets: []*target{{model: "b"}}},
	}}
	max := int32(50)
	chat := &pb.ChatRequest{Model: "chain", MaxTokens: &max, Messages: []*pb.Message{{Role: "user", Content: "hello"}}}
	prompt := estimatePromptTokens(chat)
	if prompt < 5 {
		t.Fatalf("the estimate %d is below the prompt's bytes", prompt)
	}
	got, known := g.worstCost(chat)
	if !known || got != dear.Worst(prompt, 0, 50, 1) {
		t.Fatalf("worst = %d, %v; want %d", got, known, dear.Worst(prompt, 0, 50, 1))
	}
	if _, known := g.worstCost(&pb.ChatRequest{Model: "free"}); known {
		t.Fatal("a model without any price has no known worst case")
	}
	if _, known := g.worstCost(&pb.ChatRequest{Model: "nope"}); known {
		t.Fatal("an unknown model has no known worst case")
	}
	if u := g.Unpriced(); len(u) != 1 || u[0] != "b" {
		t.Fatalf("unpriced = %v", u)
	}
	if c, ok := (&target{price: &dear}).cost(&pb.Usage{PromptTokens: 4, CompletionTokens: 8}); !ok || c != 90_000 {
		t.Fatalf("cost = %d, %v; want 90000 nano-USD ($0.00009)", c, ok)
	}
	// Cached prompt tokens at the cached-input price: 4 prompt tokens (3 of
	// them cached) at 2.50 and 1.25 USD per million, 8 completion at 10:
	// (2.5 + 3.75 + 80) micro-USD = 86_250 nano-USD.
	cachedPrice := pricing.Price{Input: 2_500_000, CachedInput: 1_250_000, Output: 10_000_000}
	if c, ok := (&target{price: &cachedPrice}).cost(&pb.Usage{PromptTokens: 4, CachedTokens: 3, CompletionTokens: 8}); !ok || c != 86_250 {
		t.Fatalf("cost with cached tokens = %d, %v; want 86250 nano-USD", c, ok)
	}
	// Tokens written to the provider's cache (Anthropic) at cache_write:
	// 4 prompt tokens, 2 of them written, at 2.50 and 3.125 (1.25 × input).
	if c, ok := (&target{price: &dear}).cost(&pb.Usage{PromptTokens: 4, CacheCreationTokens: 2}); !ok || c != 11_250 {
		t.Fatalf("cost with cache writes = %d, %v; want 11250 nano-USD", c, ok)
	}
	if _, ok := (&target{price: &dear}).cost(nil); ok {
		t.Fatal("no usage, no cost")
	}
}

func TestPriceOverrideWinsOverTheShippedTable(t *testing.T) {
	m := &config.ModelSpec{Upstream: "gpt-4o", Price: map[string]string{"input": "1", "output": "2"}}
	if p := priceOf(m); p == nil || p.Input != 1_000_000 || p.Output != 2_000_000 {
		t.Fatalf("override = %+v", p)
	}
	if p := priceOf(&config.ModelSpec{Upstream: "gpt-4o"}); p == nil || p.Input != 2_500_000 {
		t.Fatalf("shipped = %+v", p)
	}
	if p := priceOf(&config.ModelSpec{Upstream: "no-such-model"}); p != nil {
		t.Fatalf("unknown upstream priced: %+v", p)
	}
}

// TestWorstCostCountsToolsSchemasAndImages: the reservation is an upper
// bound of what the provider bills for the whole prompt, not only the
// messages' text: tool definitions, the tool calls and results of the
// history, a refusal, the JSON schema and every image (at the model's
// per-image bound), and n choices of output.
func TestWorstCostCountsToolsSchemasAndImages(t *testing.T) {
	price := pricing.Price{Input: 1_000_000, Output: 1_000_000, MaxImageTokens: 1600}
	g := &Generation{models: map[string]*modelRoute{"m": {targets: []*target{{model: "m", price: &price}}}}}
	params := `{"type":"object","properties":{"q":{"type":"string","description":"` + strings.Repeat("x", 10_000) + `"}}}`
	args := strings.Repeat("a", 3000)
	schema := `{"type":"object","description":"` + strings.Repeat("s", 2000) + `"}`
	one, n := int32(1), int32(2)
	chat := &pb.ChatRequest{Model: "m", MaxTokens: &one, N: &n,
		Tools:      []*pb.Tool{{Type: "function", Name: "search", Description: strings.Repeat("d", 500), ParametersJson: params}},
		JsonSchema: &pb.JsonSchema{Name: "out", SchemaJson: schema},
		Messages: []*pb.Message{
			{Role: "user", Content: "look", Parts: []*pb.ContentPart{{Type: "text", Text: "look"}, {Type: "image_url", ImageUrl: "https://x/a.png"}, {Type: "image_url", ImageUrl: "https://x/b.png"}}},
			{Role: "assistant", ToolCalls: []*pb.ToolCall{{Id: "call_1", Type: "function", Name: "search", Arguments: args}}},
			{Role: "tool", ToolCallId: "call_1", Content: "found"},
			{Role: "assistant", Refusal: strings.Repeat("r", 400)},
		}}
	textBytes := int64(len(params) + 500 + len(args) + len(schema) + 400 + len("look") + len("found"))
	got, known := g.worstCost(chat)
	floor := price.Cost(textBytes+2*1600, 0, 2) // every byte a token, both images at their bound, 2 choices of 1
	if !known || got < floor {
		t.Fatalf("worst = %d, %v; want at least %d (tools, history, schema, refusal, 2 images, n=2)", got, known, floor)
	}
	// A stream cut after 10 bytes of output, without the provider's usage:
	// charged at most the reservation and at least the prompt.
	u := g.models["m"].targets[0].cutUsage(chat, 10)
	if c, _ := g.models["m"].targets[0].cost(u); c > got || int64(u.PromptTokens) < textBytes+2*1600 || u.CompletionTokens != 2 {
		t.Fatalf("cut usage %v costs %d, reservation %d", u, c, got)
	}
}

// TestCutAnswersAreCharged: an answer cut short after the provider was
// called is charged, to the After hooks (CostKnown) and to
// llmgw_cost_usd_total: a stream the client dropped mid-answer, a stream
// the upstream broke after it started (the provider's usage when it came,
// else the prompt and a token per forwarded byte), and a plain answer whose
// client went away while the provider worked (its prompt).
func TestCutAnswersAreCharged(t *testing.T) {
	rt, a := newAnswerRuntimeWith(t, "  price = { input = \"1\", output = \"1\" }\n", "fail_closed", "count")
	m := rt.Current().models["a"]
	prompt := estimatePromptTokens(&pb.ChatRequest{Messages: []*pb.Message{{Role: "user", Content: "q"}}})
	worst, _ := rt.Current().worstCost(&pb.ChatRequest{Model: "a", Messages: []*pb.Message{{Role: "user", Content: "q"}}})
	spent := func() float64 { return testutil.ToFloat64(rt.metrics.cost.WithLabelValues("a", "pa", "")) }
	cases := []struct {
		name   string
		st     step
		stream bool
		w      *recorder
		cancel time.Duration
		// wantOut is the completion tokens charged.
		wantOut   int32
		wantUsage *pb.Usage
	}{
		{name: "client drops a stream", st: step{chunks: []string{"aaaa ", "bbbb ", "cccc"}, gap: 20 * time.Millisecond}, stream: true, w: &recorder{gone: true, goneWhen: 1}, wantOut: 5 + 5},
		{name: "upstream breaks a stream", st: step{chunks: []string{"aaaa ", "bb"}, failAfter: fail(sdk.ClassUpstream5xx)}, stream: true, wantOut: 7},
		{name: "upstream breaks a stream after its usage", st: step{chunks: []string{"aaaa"}, usage: &pb.Usage{PromptTokens: 3, CompletionTokens: 2, TotalTokens: 5}, failAfter: fail(sdk.ClassTransport)},
			stream: true, wantUsage: &pb.Usage{PromptTokens: 3, CompletionTokens: 2, TotalTokens: 5}},
		{name: "client leaves a plain answer", st: step{delay: 300 * time.Millisecond, chunks: []string{"slow"}}, cancel: 50 * time.Millisecond, wantOut: 0},
		{name: "client leaves a stream before its first byte", st: step{delay: 300 * time.Millisecond, chunks: []string{"slow"}}, stream: true, cancel: 50 * time.Millisecond, wantOut: 0},
	}
	for i, c := range cases {
		rt.script.set("a", c.st)
		ctx, cancel := context.WithCancel(context.Background())
		if c.cancel > 0 {
			time.AfterFunc(c.cancel, cancel)
		}
		w := c.w
		if w == nil {
			w = &recorder{}
		}
		before := spent()
		rt.Serve(ctx, &Request{ID: fmt.Sprint("cut-", i), Route: RouteChat, Start: time.Now(),
			Chat: &pb.ChatRequest{Model: "a", Stream: c.stream, Messages: []*pb.Message{{Role: "user", Content: "q"}}}}, w)
		cancel()
		if w.err == nil && w.failed == nil {
			t.Fatalf("%s: the request did not fail: %+v", c.name, w)
		}
		waitUntil(t, func() bool { return len(a.afterCalls("count")) == i+1 })
		after := a.afterCalls("count")[i]
		want := c.wantUsage
		if want == nil {
			want = &pb.Usage{PromptTokens: int32(prompt), CompletionTokens: c.wantOut, TotalTokens: int32(prompt) + c.wantOut}
		}
		wantCost, _ := m.targets[0].cost(want)
		if !after.CostKnown || after.CostNanos != wantCost || !proto.Equal(after.Usage, want) || after.Ok {
			t.Fatalf("%s: After got cost %d (known %v), usage %v, ok %v; want cost %d, usage %v", c.name, after.CostNanos, after.CostKnown, after.Usage, after.Ok, wantCost, want)
		}
		if wantCost > worst {
			t.Fatalf("%s: charged %d, more than the reservation %d", c.name, wantCost, worst)
		}
		if ev := waitEvent(t, rt, fmt.Sprint("cut-", i)); ev.Annotations["usage_estimated"] != map[bool]string{true: "true"}[c.wantUsage == nil] || ev.Usage.GetPromptTokens() != want.PromptTokens {
			t.Fatalf("%s: the tracker's event: %v %v", c.name, ev.Annotations, ev.Usage)
		}
		if got := spent() - before; math.Abs(got-float64(wantCost)/1e9) > 1e-12 {
			t.Fatalf("%s: llmgw_cost_usd_total grew by %v, want %v", c.name, got, float64(wantCost)/1e9)
		}
	}
}

// TestOverrunIsCounted: an answer that costs more than what the key stage
// reserved for it counts in llmgw_budget_overrun_total.
func TestOverrunIsCounted(t *testing.T) {
	rt, _ := newAnswerRuntimeWith(t, "  price = { input = \"1\", output = \"1\" }\n", "fail_closed", "keys")
	overruns := func() float64 { return testutil.ToFloat64(rt.metrics.overruns.WithLabelValues("a")) }
	rt.script.set("a", step{chunks: []string{"ok"}})
	if w := rt.ask("q", false); w.err != nil || overruns() != 0 {
		t.Fatalf("an answer within its reservation: %+v, overruns %v", w.err, overruns())
	}
	rt.script.set("a", step{chunks: []string{"ok"}, usage: &pb.Usage{PromptTokens: 10_000_000, CompletionTokens: 1, TotalTokens: 10_000_001}})
	if w := rt.ask("q", false); w.err != nil || overruns() != 1 {
		t.Fatalf("an answer above its reservation: %+v, overruns %v", w.err, overruns())
	}
}

// TestFailedAfterIsRetriedAndCounted: an After call that fails (it settles
// a key's spend) is made again, and the failure is counted in
// llmgw_stage_after_errors_total.
func TestFailedAfterIsRetriedAndCounted(t *testing.T) {
	rt, a := newAnswerRuntime(t, "fail_closed", "flaky")
	if w := rt.ask("q", false); w.err != nil {
		t.Fatal(w.err)
	}
	waitUntil(t, func() bool { return len(a.afterCalls("flaky")) == 2 })
	if n := testutil.ToFloat64(rt.metrics.afterErrors.WithLabelValues("flaky")); n != 1 {
		t.Fatalf("llmgw_stage_after_errors_total = %v, want 1", n)
	}
	calls := a.afterCalls("flaky")
	if calls[0].RequestId != calls[1].RequestId || !calls[1].Ok {
		t.Fatalf("the retry must be the same After: %+v", calls)
	}
	time.Sleep(300 * time.Millisecond)
	if n := len(a.afterCalls("flaky")); n != 2 {
		t.Fatalf("a successful After was retried: %d calls", n)
	}
}

// TestAdmitVetsEveryReload: a generation the Admit check refuses never
// serves, on a reload as at the first load; the previous one keeps serving
// and the reload fails with the check's message.
func TestAdmitVetsEveryReload(t *testing.T) {
	rt := newTestRuntime(t, threeProviders("", ""))
	first := rt.Current()
	rt.admit = func(g *Generation) error {
		if g.HasModel("d") {
			return errors.New("refused: model d")
		}
		return nil
	}
	err := rt.load(threeProviders("", "") + "model \"d\" {\n  provider = \"pa\"\n  upstream = \"d\"\n}\n")
	if err == nil || !strings.Contains(err.Error(), "refused: model d") {
		t.Fatalf("reload: %v", err)
	}
	if rt.Current() != first || rt.LastReload().OK {
		t.Fatalf("the refused generation serves: %+v", rt.LastReload())
	}
	rt.expect(t, "a", false, "a:ok", "the previous generation still serves")
	if err := rt.load(threeProviders("", "")); err != nil || rt.Current() == first {
		t.Fatalf("an admitted reload: %v", err)
	}
}

// waitEvent waits for the tracked event of request id.
func waitEvent(t *testing.T, rt *testRuntime, id string) *pb.Event {
	t.Helper()
	var ev *pb.Event
	waitUntil(t, func() bool {
		for _, e := range rt.script.tracked() {
			if e.RequestId == id {
				ev = e
			}
		}
		return ev != nil
	})
	return ev
}
