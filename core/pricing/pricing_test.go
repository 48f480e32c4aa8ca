package pricing

import (
	"strings"
	"testing"

	sdk "github.com/llmgw/llmgw/sdk/go"
)

func TestShippedTableCoversDefaultModels(t *testing.T) {
	tab := Shipped()
	for _, m := range []string{"gpt-4o", "gemini-2.0-flash", "mistralai/mistral-7b-instruct", "moonshotai/kimi-k2-instruct", "claude-sonnet-4-5", "text-embedding-3-small", "gemini-embedding-001"} {
		if _, ok := tab[m]; !ok {
			t.Errorf("no price for %s", m)
		}
	}
	if p := tab["gpt-4o"]; p.Input != 2_500_000 || p.CachedInput != 1_250_000 || p.Output != 10_000_000 {
		t.Fatalf("gpt-4o = %+v", p)
	}
}

func TestCostIsExactInteger(t *testing.T) {
	p := Shipped()["gpt-4o-mini"] // 0.15 / 0.075 / 0.60 per million
	// 1000 prompt (200 cached), 500 completion:
	// (800×0.15 + 200×0.075 + 500×0.60) / 1e6 USD = 0.000435 USD.
	if got := p.Cost(1000, 200, 500); got != 435_000 || sdk.FormatUSD(got) != "0.000435" {
		t.Fatalf("cost = %d nano-USD, want 435000", got)
	}
	// A million calls of 10 prompt tokens at gpt-4o add up to exactly $25:
	// the float sum 0.000025×1e6 drifts, the integer one does not.
	g := Shipped()["gpt-4o"]
	var sum int64
	for range 1_000_000 {
		sum += g.Cost(10, 0, 0)
	}
	if sdk.FormatUSD(sum) != "25" {
		t.Fatalf("sum = %s, want 25", sdk.FormatUSD(sum))
	}
}

func TestCostRoundsUpSubNano(t *testing.T) {
	p := Price{Input: 1, Output: 1} // 0.000001 USD per million: 1 pico per token
	if got := p.Cost(1, 0, 0); got != 1 {
		t.Fatalf("1 pico-USD rounds up to 1 nano-USD, got %d", got)
	}
	if got := p.Cost(0, 0, 0); got != 0 {
		t.Fatalf("nothing costs nothing, got %d", got)
	}
}

func TestWorstUsesModelLimitWithoutMaxTokens(t *testing.T) {
	p := Price{Input: 1_000_000, Output: 2_000_000, MaxOutput: 100}
	if got, want := p.Worst(10, 0, 0, 0), p.Cost(10, 0, 100); got != want {
		t.Fatalf("worst = %d, want %d", got, want)
	}
	if got, want := p.Worst(10, 0, 5, 1), p.Cost(10, 0, 5); got != want {
		t.Fatalf("worst with max_tokens = %d, want %d", got, want)
	}
	if got, want := (Price{Input: 1, Output: 1}).Worst(0, 0, 0, 0), (Price{Input: 1, Output: 1}).Cost(0, 0, DefaultMaxOutput); got != want {
		t.Fatalf("unknown limit = %d, want %d", got, want)
	}
}

// TestWorstBoundsImagesAndChoices: each image costs up to the model's
// max_image_tokens (the conservative default without one), and n choices
// n times the output limit.
func TestWorstBoundsImagesAndChoices(t *testing.T) {
	p := Price{Input: 1_000_000, Output: 2_000_000, MaxOutput: 100, MaxImageTokens: 1600}
	if got, want := p.Worst(10, 2, 5, 3), p.Cost(10+2*1600, 0, 15); got != want {
		t.Fatalf("worst with 2 images and n=3 = %d, want %d", got, want)
	}
	noBound := Price{Input: 1_000_000, Output: 2_000_000}
	if got, want := noBound.Worst(0, 1, 1, 1), noBound.Cost(DefaultMaxImageTokens, 0, 1); got != want {
		t.Fatalf("an image on a model without max_image_tokens = %d, want the default bound %d", got, want)
	}
	o, err := ParseOverride(map[string]string{"input": "1", "output": "2", "max_image_tokens": "1445"})
	if err != nil || o.MaxImageTokens != 1445 {
		t.Fatalf("override max_image_tokens = %+v, %v", o, err)
	}
	if _, err := ParseOverride(map[string]string{"input": "1", "output": "2", "max_image_tokens": "-1"}); err == nil {
		t.Fatal("a negative max_image_tokens must be refused")
	}
	for name, m := range Shipped() {
		if strings.HasPrefix(name, "gpt-4") || strings.HasPrefix(name, "claude") {
			if m.MaxImageTokens == 0 || m.MaxImageTokens > DefaultMaxImageTokens {
				t.Errorf("%s: max_image_tokens %d, want a bound ≤ the default", name, m.MaxImageTokens)
			}
		}
	}
}

func TestParseAndFormat(t *testing.T) {
	for in, want := range map[string]int64{"2.50": 2_500_000, "0.075": 75_000, "0": 0, "0.000001": 1} {
		got, err := ParseUSDPerMillion(in)
		if err != nil || got != want {
			t.Errorf("ParseUSDPerMillion(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, bad := range []string{"-1", "abc", "0.0000001", ""} {
		if _, err := ParseUSDPerMillion(bad); err == nil {
			t.Errorf("ParseUSDPerMillion(%q) accepted", bad)
		}
	}
	for n, want := range map[int64]string{0: "0", 25_000: "0.000025", 1_500_000_000: "1.5", 10_000_000: "0.01"} {
		if got := sdk.FormatUSD(n); got != want {
			t.Errorf("sdk.FormatUSD(%d) = %q, want %q", n, got, want)
		}
		if back, err := sdk.ParseUSD(want); err != nil || back != n {
			t.Errorf("ParseUSD(%q) = %d, %v", want, back, err)
		}
	}
	if _, err := ParseOverride(map[string]string{"input": "1"}); err == nil {
		t.Error("override without output accepted")
	}
	if p, err := ParseOverride(map[string]string{"input": "1", "output": "2"}); err != nil || p.CachedInput != p.Input {
		t.Errorf("override = %+v, %v", p, err)
	}
}

// TestCacheWritesArePriced: prompt tokens written to the provider's cache
// cost cache_write (1.25 × input without it), and a model whose price sets
// cache_write reserves the prompt at that price.
func TestCacheWritesArePriced(t *testing.T) {
	sonnet := Shipped()["claude-sonnet-4-5"]
	if sonnet.CacheWrite != 3_750_000 {
		t.Fatalf("claude-sonnet-4-5 cache_write = %d, want 3.75 USD per million", sonnet.CacheWrite)
	}
	// 1000 prompt tokens: 200 read from the cache, 300 written, 500 plain;
	// 10 completion: 500×3 + 200×0.30 + 300×3.75 + 10×15 = 2835 micro-USD.
	if got := sonnet.CostWithWrites(1000, 200, 300, 10); got != 2_835_000 {
		t.Fatalf("cost with writes = %d nano-USD, want 2835000", got)
	}
	if got := sonnet.Worst(1000, 0, 10, 1); got != sonnet.Cost(0, 0, 10)+3_750_000 {
		t.Fatalf("worst = %d: the whole prompt may be written at 3.75", got)
	}
	noField := Price{Input: 2_000_000, Output: 1}
	if noField.CacheWritePrice() != 2_500_000 || noField.CostWithWrites(100, 0, 100, 0) != 250_000 {
		t.Fatalf("default cache-write price = %d, want 1.25 × input", noField.CacheWritePrice())
	}
	if noField.Worst(100, 0, 1, 1) != noField.Cost(100, 0, 1) {
		t.Fatal("a model without cache_write reserves its prompt at the input price")
	}
	if o, err := ParseOverride(map[string]string{"input": "3", "output": "15", "cache_write": "3.75"}); err != nil || o.CacheWrite != 3_750_000 {
		t.Fatalf("override cache_write: %+v %v", o, err)
	}
}
