package pipeline

import (
	"context"
	"errors"
	"math"
	"slices"
	"sort"
	"time"

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
// provider served from its cache at the cached-input price, the ones it
// wrote to its cache at the cache-write price); false when t has no price
// or the provider reported no usage.
func (t *target) cost(u *pb.Usage) (int64, bool) {
	if t.price == nil || u == nil {
		return 0, false
	}
	return t.price.CostWithWrites(int64(u.PromptTokens), int64(u.CachedTokens), int64(u.CacheCreationTokens), int64(u.CompletionTokens)), true
}

// estimatePromptTokens bounds the prompt's text tokens from above: a token
// is at least one byte of text, plus a few for the framing of each message,
// call and tool. Every text a provider bills as prompt counts: the messages
// (text, name, refusal, the tool calls of the history and the call id a
// tool message answers), the tool definitions, the tool choice and the JSON
// schema. Images are bounded apart (promptImages).
func estimatePromptTokens(c *pb.ChatRequest) int64 {
	n := int64(8)
	for _, m := range c.GetMessages() {
		// content is the text parts joined; a stage may have changed one
		// of them, so the larger counts.
		text := 0
		for _, p := range m.GetParts() {
			text += len(p.GetText())
		}
		n += int64(max(text, len(m.GetContent()))+len(m.GetName())+len(m.GetRefusal())+len(m.GetToolCallId())) + 8
		for _, tc := range m.GetToolCalls() {
			n += int64(len(tc.GetId())+len(tc.GetType())+len(tc.GetName())+len(tc.GetArguments())) + 8
		}
	}
	for _, t := range c.GetTools() {
		n += int64(len(t.GetType())+len(t.GetName())+len(t.GetDescription())+len(t.GetParametersJson())) + 16
	}
	if tc := c.GetToolChoice(); tc != nil {
		n += int64(len(tc.GetMode())+len(tc.GetName())) + 8
	}
	if s := c.GetJsonSchema(); s != nil {
		n += int64(len(s.GetName())+len(s.GetDescription())+len(s.GetSchemaJson())) + 16
	}
	return n
}

// promptImages counts the request's images (each costs up to the model's
// pricing.Price.ImageTokens, whatever its URL's length).
func promptImages(c *pb.ChatRequest) int64 {
	var n int64
	for _, m := range c.GetMessages() {
		for _, p := range m.GetParts() {
			if p.GetImageUrl() != "" || p.GetType() == "image_url" {
				n++
			}
		}
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
	prompt, images := estimatePromptTokens(c), promptImages(c)
	var worst int64
	known := false
	for _, t := range r.targets {
		if t.price == nil {
			continue
		}
		known = true
		worst = max(worst, t.price.Worst(prompt, images, int64(c.GetMaxTokens()), int64(c.GetN())))
	}
	return worst, known
}

// cutUsage bounds from above the usage of an answer on t that was cut short
// after outBytes bytes of output, before the provider reported its usage:
// the prompt as the reservation counts it (worstCost) and a token per byte
// of output, at most the request's output limit. Its cost never exceeds the
// request's reservation.
func (t *target) cutUsage(c *pb.ChatRequest, outBytes int64) *pb.Usage {
	var p pricing.Price
	if t.price != nil {
		p = *t.price
	}
	prompt := estimatePromptTokens(c) + promptImages(c)*p.ImageTokens()
	out := min(outBytes, p.OutputLimit(int64(c.GetMaxTokens()))*max(int64(c.GetN()), 1))
	return &pb.Usage{PromptTokens: int32(min(prompt, math.MaxInt32)), CompletionTokens: int32(min(out, math.MaxInt32)), TotalTokens: int32(min(prompt+out, math.MaxInt32))}
}

// ErrNoAdminStage: no stage of the serving pipeline serves the admin route.
var ErrNoAdminStage = errors.New("no stage of the pipeline serves this admin route")

// adminTimeout is the least time an admin request (create, change, list
// keys) is given; a key holder's own question gets the stage's timeout, as
// a model call's key check does.
const adminTimeout = 5 * time.Second

// StageAdmin forwards an admin request to the first stage of the serving
// pipeline that declares capability (e.g. sdk.CapStageKeys), within the
// stage's timeout (at least adminTimeout for the admin API): a hung stage
// makes it fail, not hang.
func (rt *Runtime) StageAdmin(ctx context.Context, capability string, req *pb.AdminRequest) (*pb.AdminResponse, error) {
	g := rt.acquire()
	if g == nil {
		return nil, ErrNoAdminStage
	}
	defer g.done()
	for _, s := range g.stages {
		if !slices.Contains(s.caps, capability) {
			continue
		}
		timeout := s.timeout
		if p := req.GetPath(); p != sdk.HolderKeyPath && p != sdk.HolderModelsPath {
			timeout = max(timeout, adminTimeout)
		}
		ctx, cancel := context.WithTimeout(ctx, timeout)
		defer cancel()
		c, err := s.proc.Client(ctx)
		if err != nil {
			return nil, err
		}
		r := &pb.AdminRequest{InstanceId: s.id, Method: req.GetMethod(), Path: req.GetPath(), Body: req.GetBody(),
			ApiKeyHash: req.GetApiKeyHash(), ClientIp: req.GetClientIp(), Headers: req.GetHeaders()}
		return c.Stage.Admin(ctx, r)
	}
	return nil, ErrNoAdminStage
}

// KeysRequired reports whether the serving pipeline has a key stage that
// refuses requests without a valid key (its info says require_keys=true).
func (rt *Runtime) KeysRequired() bool { return rt.Current().KeysRequired() }

// KeysRequired reports whether the generation has a key stage that refuses
// requests without a valid key (false for nil).
func (g *Generation) KeysRequired() bool {
	if g == nil {
		return false
	}
	for _, s := range g.stages {
		if slices.Contains(s.caps, sdk.CapStageKeys) && s.info["require_keys"] == "true" {
			return true
		}
	}
	return false
}
