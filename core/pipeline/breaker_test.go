package pipeline

import (
	"context"
	"testing"
	"time"

	sdk "github.com/llmgw/llmgw/sdk/go"
	pb "github.com/llmgw/llmgw/sdk/go/proto/llmgw/v1"
)

func TestBreakerOpensCoolsDownAndProbesOnce(t *testing.T) {
	b := newBreaker(2, 50*time.Millisecond)
	b.failure()
	if !b.allow() {
		t.Fatal("one failure must not open the circuit")
	}
	b.failure()
	if b.allow() || !b.open() {
		t.Fatal("two failures must open it")
	}
	time.Sleep(60 * time.Millisecond)
	if !b.allow() {
		t.Fatal("after the cool-down one probe goes through")
	}
	if b.allow() {
		t.Fatal("only one probe at a time")
	}
	b.failure()
	if b.allow() {
		t.Fatal("a failed probe opens the circuit again")
	}
	time.Sleep(60 * time.Millisecond)
	if !b.allow() {
		t.Fatal("probe")
	}
	b.success()
	if !b.allow() || !b.allow() || b.open() {
		t.Fatal("a successful probe closes the circuit")
	}
	off := newBreaker(0, time.Second)
	for i := 0; i < 10; i++ {
		off.failure()
	}
	if !off.allow() {
		t.Fatal("failures = 0 turns the breaker off")
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
