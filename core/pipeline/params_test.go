package pipeline

import (
	"context"
	"strings"
	"testing"
	"time"

	sdk "github.com/llmgw/llmgw/sdk/go"
	pb "github.com/llmgw/llmgw/sdk/go/proto/llmgw/v1"
	"github.com/llmgw/llmgw/sdk/go/sdktest"
)

// TestParamsRefusedBeforeAnyCall: a parameter that one provider of a chain
// did not declare is a 400 unsupported_parameter naming that provider, and
// no provider is called — even when the first one could honour it; with
// drop_params it is served, and only the provider it is dropped for loses it.
func TestParamsRefusedBeforeAnyCall(t *testing.T) {
	rt := newTestRuntime(t, "provider \"px\" {\n  plugin = \"fake\"\n}\nmodel \"x\" {\n  provider = \"px\"\n  upstream = \"x\"\n}\n")
	// "withseed" honours seed; "fake" declares no parameter.
	h := sdktest.Start(t, sdk.Plugin{Name: "withseed", Version: "0.0.1", Provider: func(sdk.Config) (sdk.Provider, error) {
		return scriptedProvider{rt.script}, nil
	}, Capabilities: []string{sdk.ParamCap("seed")}})
	rt.host.Attach("withseed", h.Client)
	const models = `plugin "withseed" {
  path = "/nonexistent/withseed"
}
provider "ps" {
  plugin = "withseed"
}
provider "pf" {
  plugin = "fake"
}
model "s" {
  provider = "ps"
  upstream = "s"
}
model "f" {
  provider = "pf"
  upstream = "f"
}
model "chain" {
  fallback = ["s", "f"]
}
`
	if err := rt.load(models); err != nil {
		t.Fatal(err)
	}
	seed := int64(7)
	send := func(model string) *recorder {
		w := &recorder{}
		rt.Serve(context.Background(), &Request{ID: "r", Route: RouteChat, Start: time.Now(), Chat: &pb.ChatRequest{Model: model, Seed: &seed,
			Messages: []*pb.Message{{Role: "user", Content: "hi"}}}}, w)
		return w
	}
	if w := send("s"); w.err != nil || rt.script.lastChat.GetSeed() != 7 {
		t.Fatalf("seed on a provider that declares it: %+v %v", w.err, rt.script.lastChat)
	}
	for _, model := range []string{"f", "chain"} {
		calls := rt.script.count("s") + rt.script.count("f")
		w := send(model)
		if w.err == nil || w.err.Status != 400 || w.err.Code != "unsupported_parameter" || w.err.Param != "seed" ||
			!strings.Contains(w.err.Message, `provider "pf"`) {
			t.Fatalf("%s: want unsupported_parameter naming pf, got %+v", model, w.err)
		}
		if got := rt.script.count("s") + rt.script.count("f"); got != calls {
			t.Fatalf("%s: a provider was called before the refusal", model)
		}
	}

	// drop_params on the chain: the chain is served by its first member,
	// which honours seed and gets it; the member it is dropped for does not.
	if err := rt.load(strings.Replace(models, `fallback = ["s", "f"]`, `fallback = ["s", "f"]
  drop_params = ["seed"]`, 1) + "model \"f2\" {\n  provider = \"pf\"\n  upstream = \"f\"\n  drop_params = [\"seed\"]\n}\n"); err != nil {
		t.Fatal(err)
	}
	if w := send("f2"); w.err != nil || rt.script.lastChat.Seed != nil {
		t.Fatalf("dropped seed: %+v, provider saw %v", w.err, rt.script.lastChat)
	}
	rt.script.set("s", step{err: fail(sdk.ClassUpstream5xx)})
	if w := send("chain"); w.err != nil || w.res.ModelUsed != "f" || rt.script.lastChat.Seed != nil {
		t.Fatalf("chain with drop_params: %+v %+v, provider saw %v", w.err, w.res, rt.script.lastChat)
	}
}
