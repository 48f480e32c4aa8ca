package limiter

import (
	"context"
	"testing"
	"time"
)

func TestWithExpectedRefusesWhatWouldGoOver(t *testing.T) {
	m := NewMemory(MemoryOptions{})
	defer m.Close()
	ctx := context.Background()
	checks := []Check{{Key: "tpm", Kind: Tokens, Limit: 100, Window: time.Minute}, {Key: "rpm", Kind: Requests, Limit: 10, Window: time.Minute}}
	res := make([]Result, 2)
	// An empty window admits a request bigger than the limit.
	if ok, _ := m.Allow(ctx, WithExpected(checks, 500), res); !ok {
		t.Fatal("an empty window refused")
	}
	_ = m.Charge(ctx, checks[:1], 60)
	if ok, _ := m.Allow(ctx, WithExpected(checks, 40), res); !ok {
		t.Fatal("60 + 40 of 100 was refused")
	}
	if ok, _ := m.Allow(ctx, WithExpected(checks, 41), res); ok || res[0].Allowed || !res[1].Allowed {
		t.Fatalf("60 + 41 of 100 was admitted: %+v", res)
	}
	if checks[0].Limit != 100 {
		t.Fatal("WithExpected changed its argument")
	}
}
