package pipeline

import (
	"context"
	"errors"
	"slices"
	"sort"

	"github.com/llmgw/llmgw/core/config"
	"github.com/llmgw/llmgw/core/pricing"
	sdk "github.com/llmgw/llmgw/sdk/go"
	pb "github.com/llmgw/llmgw/sdk/go/proto/llmgw/v1"
)

// shippedPrices is the price table of the repository (core/pricing).
var shippedPrices = pricing.Shipped()

// priceOf is a model's price: its pipeline.hcl override, else the shipped
// price of its upstream model, else nil (served, cost unknown).
func priceOf(m *config.ModelSpec) *pricing.Price {
	if m.Price != nil {
		if p, err := pricing.ParseOverride(m.Price); err == nil {
			return &p
		}
	}
	if p, ok := shippedPrices[m.Upstream]; ok {
		return &p
	}
	return nil
}

// Unpriced lists the generation's provider models without a price, sorted
// (the runtime warns of them once at load).
func (g *Generation) Unpriced() []string {
	var out []string
	for _, r := range g.models {
		for _, t := range r.targets {
			if t.price == nil && !slices.Contains(out, t.model) {
				out = append(out, t.model)
			}
		}
	}
	sort.Strings(out)
	return out
}

// cost is what usage costs on t, in nano-USD (the prompt tokens the
// provider served from its cache at the cached-input price); false when t
// has no price or the provider reported no usage.
func (t *target) cost(u *pb.Usage) (int64, bool) {
	if t.price == nil || u == nil {
		return 0, false
	}
	return t.price.Cost(int64(u.PromptTokens), int64(u.CachedTokens), int64(u.CompletionTokens)), true
}

// estimatePromptTokens bounds the prompt's tokens from above: a token is at
// least one byte of text, plus a few for each message's framing.
func estimatePromptTokens(c *pb.ChatRequest) int64 {
	n := int64(8)
	for _, m := range c.GetMessages() {
		n += int64(len(m.GetContent())+len(m.GetName())) + 8
	}
	return n
}

// worstCost is the most the request can cost on any priced target of its
// model; false when the model is unknown or none of its targets is priced.
func (g *Generation) worstCost(c *pb.ChatRequest) (int64, bool) {
	r := g.models[c.GetModel()]
	if r == nil {
		return 0, false
	}
	prompt := estimatePromptTokens(c)
	var worst int64
	known := false
	for _, t := range r.targets {
		if t.price == nil {
			continue
		}
		known = true
		worst = max(worst, t.price.Worst(prompt, int64(c.GetMaxTokens())))
	}
	return worst, known
}

// ErrNoAdminStage: no stage of the serving pipeline serves the admin route.
var ErrNoAdminStage = errors.New("no stage of the pipeline serves this admin route")

// StageAdmin forwards an admin request to the first stage of the serving
// pipeline that declares capability (e.g. sdk.CapStageKeys).
func (rt *Runtime) StageAdmin(ctx context.Context, capability string, req *pb.AdminRequest) (*pb.AdminResponse, error) {
	g := rt.acquire()
	if g == nil {
		return nil, ErrNoAdminStage
	}
	defer g.done()
	for _, s := range g.stages {
		if !slices.Contains(s.describe.GetCapabilities(), capability) {
			continue
		}
		c, err := s.proc.Client(ctx)
		if err != nil {
			return nil, err
		}
		r := &pb.AdminRequest{InstanceId: s.id, Method: req.GetMethod(), Path: req.GetPath(), Body: req.GetBody()}
		return c.Stage.Admin(ctx, r)
	}
	return nil, ErrNoAdminStage
}

// KeysRequired reports whether the serving pipeline has a key stage that
// refuses requests without a valid key (its info says require_keys=true).
func (rt *Runtime) KeysRequired() bool {
	g := rt.Current()
	if g == nil {
		return false
	}
	for _, s := range g.stages {
		if slices.Contains(s.describe.GetCapabilities(), sdk.CapStageKeys) && s.info["require_keys"] == "true" {
			return true
		}
	}
	return false
}
