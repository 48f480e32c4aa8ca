package cache

import (
	"context"
	"testing"
	"time"
)

func TestMemoryIsAnLRUWithATTL(t *testing.T) {
	ctx := context.Background()
	now := time.Unix(1000, 0)
	m := newMemory(2, time.Minute)
	m.now = func() time.Time { return now }
	_ = m.put(ctx, "a", []byte("A"))
	_ = m.put(ctx, "b", []byte("B"))
	if v, _ := m.get(ctx, "a"); string(v) != "A" { // a is now the most recent
		t.Fatalf("a = %q", v)
	}
	_ = m.put(ctx, "c", []byte("C")) // evicts b, the least recently used
	if v, _ := m.get(ctx, "b"); v != nil || m.len() != 2 {
		t.Fatalf("b survived the bound: %q, %d entries", v, m.len())
	}
	if v, _ := m.get(ctx, "a"); string(v) != "A" {
		t.Fatalf("a was evicted: %q", v)
	}
	now = now.Add(time.Minute)
	if v, _ := m.get(ctx, "c"); v != nil || m.len() != 1 {
		t.Fatalf("an expired entry was served: %q (%d entries)", v, m.len())
	}
}
