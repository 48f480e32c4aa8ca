package pipeline

import (
	"context"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	sdk "github.com/llmgw/llmgw/sdk/go"
	pb "github.com/llmgw/llmgw/sdk/go/proto/llmgw/v1"
)

// allowed is breaker.allow without the probe flag.
func allowed(b *breaker) bool { ok, _ := b.allow(); return ok }

func TestBreakerOpensCoolsDownAndProbesOnce(t *testing.T) {
	b := newBreaker(2, 50*time.Millisecond)
	b.failure()
	if !allowed(b) {
		t.Fatal("one failure must not open the circuit")
	}
	b.failure()
	if allowed(b) || !b.open() {
		t.Fatal("two failures must open it")
	}
	time.Sleep(60 * time.Millisecond)
	if ok, probe := b.allow(); !ok || !probe {
		t.Fatal("after the cool-down one probe goes through")
	}
	if allowed(b) {
		t.Fatal("only one probe at a time")
	}
	b.failure()
	if allowed(b) {
		t.Fatal("a failed probe opens the circuit again")
	}
	time.Sleep(60 * time.Millisecond)
	if !allowed(b) {
		t.Fatal("probe")
	}
	b.success()
	if !allowed(b) || !allowed(b) || b.open() {
		t.Fatal("a successful probe closes the circuit")
	}
	off := newBreaker(0, time.Second)
	for i := 0; i < 10; i++ {
		off.failure()
	}
	if !allowed(off) {
		t.Fatal("failures = 0 turns the breaker off")
	}
}

func TestBreakerNeutralProbeGivesItsTurnBack(t *testing.T) {
	b := newBreaker(1, 20*time.Millisecond)
	b.failure()
	time.Sleep(30 * time.Millisecond)
	_, probe := b.allow()
	if !probe {
		t.Fatal("expected the probe")
	}
	b.neutral(probe)
	if ok, probe := b.allow(); !ok || !probe {
		t.Fatal("a probe cut short by its client lets the next request probe")
	}
	// A neutral outcome of an ordinary attempt changes nothing.
	c := newBreaker(2, time.Minute)
	c.failure()
	c.neutral(false)
	c.failure()
	if !c.open() {
		t.Fatal("neutral outcomes must not reset the failure count")
	}
}

func TestRetryWait(t *testing.T) {
	tg := &target{retries: 2, backoff: 100 * time.Millisecond, firstByte: time.Second}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	w, ok := retryWait(ctx, tg, 0, &pb.ProviderError{Class: sdk.ClassUpstream5xx})
	if !ok || w < 100*time.Millisecond || w > 150*time.Millisecond {
		t.Errorf("first retry: %v %v", w, ok)
	}
	w, ok = retryWait(ctx, tg, 1, &pb.ProviderError{Class: sdk.ClassUpstream5xx})
	if !ok || w < 200*time.Millisecond || w > 300*time.Millisecond {
		t.Errorf("backoff doubles: %v %v", w, ok)
	}
	if _, ok := retryWait(ctx, tg, 2, &pb.ProviderError{Class: sdk.ClassUpstream5xx}); ok {
		t.Error("retries are bounded")
	}
	if w, ok := retryWait(ctx, tg, 0, &pb.ProviderError{Class: sdk.ClassRateLimited, RetryAfterMs: 3000}); !ok || w != 3*time.Second {
		t.Errorf("Retry-After is honoured: %v", w)
	}
	for _, c := range []sdk.ErrorClass{sdk.ClassBadRequest, sdk.ClassAuth, sdk.ClassQuotaExhausted, sdk.ClassContentFilter} {
		if _, ok := retryWait(ctx, tg, 0, &pb.ProviderError{Class: c}); ok {
			t.Errorf("%s must not be retried on the same provider", sdk.ClassName(c))
		}
	}
	short, cancel2 := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel2()
	if _, ok := retryWait(short, tg, 0, &pb.ProviderError{Class: sdk.ClassRateLimited, RetryAfterMs: 5000}); ok {
		t.Error("a Retry-After that does not fit the deadline means moving on")
	}
}

func TestRPCDeadlineReportedByThePluginIsATimeout(t *testing.T) {
	ctx := context.Background()
	actx, cancel := context.WithTimeout(ctx, time.Hour)
	defer cancel()
	// The plugin's side saw the deadline first: the host's timer has not fired.
	pe := rpcToProviderError(actx, ctx, status.Error(codes.DeadlineExceeded, "context deadline exceeded"))
	if pe.Class != sdk.ClassTimeout {
		t.Fatalf("class %s, want timeout", sdk.ClassName(pe.Class))
	}
	if pe := rpcToProviderError(actx, ctx, status.Error(codes.Unavailable, "broken pipe")); pe.Class != sdk.ClassTransport {
		t.Fatalf("a broken connection is transport, got %s", sdk.ClassName(pe.Class))
	}
}
