// Package pricing turns the usage a provider reported into what the answer
// cost, in whole nano-USD (1e-9 USD) so that sums never drift: the price
// table shipped in prices.json (USD per million tokens, as decimal strings),
// overridable per model in pipeline.hcl.
package pricing

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"math/big"
	"strconv"
	"strings"
)

//go:embed prices.json
var shipped []byte

// Price is one model's price in micro-USD per million tokens (so "2.50" USD
// per million is 2_500_000): a whole number for any price with at most six
// decimals.
type Price struct {
	Input       int64
	CachedInput int64
	Output      int64
	// CacheWrite is the price of prompt tokens written to the provider's
	// prompt cache (Anthropic's cache_creation_input_tokens); 0: not set,
	// CacheWritePrice's default.
	CacheWrite int64
	// MaxOutput bounds a request without max_tokens when reserving budget
	// (0: DefaultMaxOutput).
	MaxOutput int64
	// MaxImageTokens bounds the prompt tokens one image costs when
	// reserving budget (0: DefaultMaxImageTokens).
	MaxImageTokens int64
}

// DefaultMaxOutput is the output reserved for a request without max_tokens
// on a model whose output limit is unknown.
const DefaultMaxOutput = 16384

// DefaultMaxImageTokens is the prompt tokens reserved per image on a model
// whose price does not say (max_image_tokens): the largest per-image count
// of the shipped table (gpt-4o-mini's 2,833 + 8 × 5,667 at high detail), so
// a model without the field is over- rather than under-reserved.
const DefaultMaxImageTokens = 48169

// Table maps an upstream model name (e.g. "gpt-4o") to its price.
type Table map[string]Price

type rawPrice struct {
	Input       json.Number `json:"input"`
	CachedInput json.Number `json:"cached_input"`
	CacheWrite  json.Number `json:"cache_write"`
	Output      json.Number `json:"output"`
	MaxOutput   int64       `json:"max_output_tokens"`
	MaxImage    int64       `json:"max_image_tokens"`
}

// Shipped is the table in prices.json.
func Shipped() Table {
	var f struct {
		Models map[string]rawPrice `json:"models"`
	}
	if err := json.Unmarshal(shipped, &f); err != nil {
		panic("pricing: prices.json: " + err.Error())
	}
	t := Table{}
	for name, rp := range f.Models {
		p, err := rp.parse()
		if err != nil {
			panic(fmt.Sprintf("pricing: prices.json: %s: %v", name, err))
		}
		t[name] = p
	}
	return t
}

func (rp rawPrice) parse() (Price, error) {
	var p Price
	var err error
	if p.Input, err = ParseUSDPerMillion(string(rp.Input)); err != nil {
		return p, fmt.Errorf("input: %w", err)
	}
	if p.Output, err = ParseUSDPerMillion(string(rp.Output)); err != nil {
		return p, fmt.Errorf("output: %w", err)
	}
	if rp.CachedInput == "" {
		p.CachedInput = p.Input
	} else if p.CachedInput, err = ParseUSDPerMillion(string(rp.CachedInput)); err != nil {
		return p, fmt.Errorf("cached_input: %w", err)
	}
	if rp.CacheWrite != "" {
		if p.CacheWrite, err = ParseUSDPerMillion(string(rp.CacheWrite)); err != nil {
			return p, fmt.Errorf("cache_write: %w", err)
		}
	}
	p.MaxOutput, p.MaxImageTokens = rp.MaxOutput, rp.MaxImage
	return p, nil
}

// ParseOverride reads a model's `price = { input = …, cached_input = …,
// cache_write = …, output = …, max_output_tokens = …, max_image_tokens = … }` from
// pipeline.hcl (values as text).
// input and output are required.
func ParseOverride(m map[string]string) (Price, error) {
	rp := rawPrice{}
	for k, v := range m {
		switch k {
		case "input":
			rp.Input = json.Number(v)
		case "cached_input":
			rp.CachedInput = json.Number(v)
		case "cache_write":
			rp.CacheWrite = json.Number(v)
		case "output":
			rp.Output = json.Number(v)
		case "max_output_tokens", "max_image_tokens":
			n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
			if err != nil || n < 0 {
				return Price{}, fmt.Errorf("%s: want a whole number ≥ 0, got %q", k, v)
			}
			if k == "max_output_tokens" {
				rp.MaxOutput = n
			} else {
				rp.MaxImage = n
			}
		default:
			return Price{}, fmt.Errorf("unknown price field %q (want input, cached_input, cache_write, output, max_output_tokens, max_image_tokens)", k)
		}
	}
	if rp.Input == "" || rp.Output == "" {
		return Price{}, fmt.Errorf("set both input and output (USD per million tokens)")
	}
	return rp.parse()
}

// ParseUSDPerMillion reads a decimal USD amount per million tokens ("2.50",
// "0.075") exactly into micro-USD per million tokens.
func ParseUSDPerMillion(s string) (int64, error) {
	s = strings.TrimSpace(s)
	r, ok := new(big.Rat).SetString(s)
	if !ok || r.Sign() < 0 {
		return 0, fmt.Errorf("want a decimal number ≥ 0, got %q", s)
	}
	r.Mul(r, big.NewRat(1_000_000, 1))
	if !r.IsInt() || !r.Num().IsInt64() || r.Num().Int64() > 1e12 {
		return 0, fmt.Errorf("%q: at most six decimals and at most 1000000", s)
	}
	return r.Num().Int64(), nil
}

// Cost is what prompt and completion tokens cost at p, in nano-USD, rounded
// up to a whole nano-USD (exact for prices with at most three decimals).
// cached is the part of prompt billed at the cached-input price.
func (p Price) Cost(prompt, cached, completion int64) int64 {
	return p.CostWithWrites(prompt, cached, 0, completion)
}

// CostWithWrites is Cost with written of the prompt tokens written to the
// provider's prompt cache, at CacheWritePrice.
func (p Price) CostWithWrites(prompt, cached, written, completion int64) int64 {
	cached = min(cached, prompt)
	written = min(written, prompt-cached)
	// micro-USD per million tokens × tokens = pico-USD; 1000 pico = 1 nano.
	pico := (prompt-cached-written)*p.Input + cached*p.CachedInput + written*p.CacheWritePrice() + completion*p.Output
	return (pico + 999) / 1000
}

// CacheWritePrice is the price of a prompt token written to the provider's
// cache: cache_write, else 1.25 × input (Anthropic's price of a 5-minute
// cache write; only Anthropic reports written tokens).
func (p Price) CacheWritePrice() int64 {
	if p.CacheWrite > 0 {
		return p.CacheWrite
	}
	return (p.Input*5 + 3) / 4
}

// Worst is the most a request can cost: all prompt tokens at the input
// price (or cache_write, when set and dearer), images at their bound, and maxOut output tokens (the model's limit
// when maxOut ≤ 0) for each of choices.
func (p Price) Worst(prompt, images, maxOut, choices int64) int64 {
	// A model whose price sets cache_write may write the whole prompt to
	// its cache.
	q := p
	q.Input = max(p.Input, p.CacheWrite)
	return q.Cost(prompt+images*p.ImageTokens(), 0, p.OutputLimit(maxOut)*max(choices, 1))
}

// OutputLimit is the most output tokens one choice can have: maxOut, or the
// model's limit when maxOut ≤ 0.
func (p Price) OutputLimit(maxOut int64) int64 {
	if maxOut > 0 {
		return maxOut
	}
	if p.MaxOutput > 0 {
		return p.MaxOutput
	}
	return DefaultMaxOutput
}

// ImageTokens is the most prompt tokens one image costs on the model.
func (p Price) ImageTokens() int64 {
	if p.MaxImageTokens > 0 {
		return p.MaxImageTokens
	}
	return DefaultMaxImageTokens
}
