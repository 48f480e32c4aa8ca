package ratelimit

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"

	sdk "github.com/llmgw/llmgw/sdk/go"

	"github.com/llmgw/llmgw/plugins/ratelimit/internal/redistest"
)

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func newRedisStage(t *testing.T, configJSON string, logs *syncBuffer) *Stage {
	t.Helper()
	c := sdk.Config{Raw: []byte(configJSON)}
	if logs != nil {
		c.Logger = hclog.New(&hclog.LoggerOptions{Output: logs, Level: hclog.Info})
	}
	s, err := newStage(c, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// TestRedisTwoReplicas is two gateway replicas (two stage instances, each
// with its own connection pool) sharing one Redis: 100 concurrent requests
// from one client against a limit of 60. The test is about exactness, not
// latency: Redis gets 5 s per call, since 100 calls at once on a CI machine
// busy with -race builds once took longer than the default 250 ms (84 of
// them failed open).
func TestRedisTwoReplicas(t *testing.T) {
	srv := redistest.Start(t)
	cfg := `{"redis_url":"` + srv.URL() + `","rpm":60,"redis_timeout":"5s"}`
	replicas := []*Stage{newRedisStage(t, cfg, nil), newRedisStage(t, cfg, nil)}
	var allowed, limited, other atomic.Int32
	var wg sync.WaitGroup
	for i := range 100 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := replicas[i%2].Process(context.Background(), fromIP("192.0.2.50"))
			switch {
			case err != nil || resp.Annotations[AnnotationDegraded] != "":
				other.Add(1)
			case sdk.IsReject(resp) && resp.Reject.Status == 429 && resp.Reject.RetryAfterMs >= 1000:
				limited.Add(1)
			case !sdk.IsReject(resp):
				allowed.Add(1)
			}
		}()
	}
	wg.Wait()
	if allowed.Load() != 60 || limited.Load() != 40 || other.Load() != 0 {
		t.Fatalf("allowed %d, limited %d, other %d; want 60, 40, 0", allowed.Load(), limited.Load(), other.Load())
	}
	info := replicas[0].Info()
	if info["backend"] != "redis" || info["redis"] != srv.Addr()+"/0" || info["on_redis_error"] != "fail_open" {
		t.Fatalf("info: %v", info)
	}
}

func TestRedisTokensAcrossReplicas(t *testing.T) {
	srv := redistest.Start(t)
	cfg := `{"redis_url":"` + srv.URL() + `","rules":[{"name":"tpm","key":"api_key","tokens":100,"window":"1s"}]}`
	a, b := newRedisStage(t, cfg, nil), newRedisStage(t, cfg, nil)
	key := strings.Repeat("e", 64)
	req := &sdk.StageRequest{ApiKeyHash: key, Request: &sdk.ChatRequest{}}
	if resp := process(t, a, req); sdk.IsReject(resp) {
		t.Fatal(resp.Reject)
	}
	if err := a.After(context.Background(), &sdk.StageAfterRequest{ApiKeyHash: key, Usage: &sdk.Usage{TotalTokens: 100}}); err != nil {
		t.Fatal(err)
	}
	resp := process(t, b, req)
	if !sdk.IsReject(resp) || resp.Reject.Code != "rate_limit_exceeded" || resp.Reject.RetryAfterMs != 1000 {
		t.Fatalf("tokens charged on replica a do not limit replica b: %+v", resp)
	}
	time.Sleep(1100 * time.Millisecond)
	if resp := process(t, b, req); sdk.IsReject(resp) {
		t.Fatalf("still limited after the window: %+v", resp.Reject)
	}
}

func TestRedisOutage(t *testing.T) {
	for _, policy := range []string{"fail_open", "fail_closed"} {
		t.Run(policy, func(t *testing.T) { testRedisOutage(t, policy) })
	}
}

func testRedisOutage(t *testing.T, policy string) {
	srv := redistest.Start(t)
	logs := &syncBuffer{}
	s := newRedisStage(t, `{"redis_url":"`+srv.URL()+`","rpm":10,"on_redis_error":"`+policy+`"}`, logs)
	for range 3 {
		if resp := process(t, s, fromIP("192.0.2.60")); sdk.IsReject(resp) || resp.ResponseHeaders[HeaderLimit] != "10" {
			t.Fatalf("before the outage: %+v", resp)
		}
	}

	srv.Stop()
	var wg sync.WaitGroup
	var slowest atomic.Int64
	var wrong atomic.Int32
	for g := range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 10 {
				start := time.Now()
				resp, err := s.Process(context.Background(), fromIP("192.0.2.60"))
				if d := int64(time.Since(start)); d > slowest.Load() {
					slowest.Store(d)
				}
				switch {
				case err != nil:
					wrong.Add(1)
				case policy == "fail_open" && (sdk.IsReject(resp) || resp.Annotations[AnnotationDegraded] != "true"):
					wrong.Add(1)
				case policy == "fail_closed" && (!sdk.IsReject(resp) || resp.Reject.Status != 503 || resp.Reject.Code != "plugin_unavailable" || resp.Reject.Type != "service_unavailable"):
					wrong.Add(1)
				}
				time.Sleep(time.Duration(5+g) * time.Millisecond)
			}
		}()
	}
	wg.Wait()
	if wrong.Load() != 0 {
		t.Fatalf("%d answers did not follow %s during the outage", wrong.Load(), policy)
	}
	if d := time.Duration(slowest.Load()); d > 500*time.Millisecond {
		t.Fatalf("a request blocked %v with Redis down", d)
	}
	// After charging during an outage does not block either.
	start := time.Now()
	_ = s.After(context.Background(), &sdk.StageAfterRequest{ClientIp: "192.0.2.60", Usage: &sdk.Usage{TotalTokens: 5}})
	if d := time.Since(start); d > 500*time.Millisecond {
		t.Fatalf("After blocked %v", d)
	}

	srv.StartAgain() // same port, empty data set
	deadline := time.Now().Add(5 * time.Second)
	for {
		resp := process(t, s, fromIP("192.0.2.99"))
		if resp.Annotations[AnnotationDegraded] == "" && !sdk.IsReject(resp) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("still degraded 5s after Redis came back")
		}
		time.Sleep(20 * time.Millisecond)
	}
	allowed := 0
	for range 15 {
		resp := process(t, s, fromIP("192.0.2.60"))
		if resp.Annotations[AnnotationDegraded] != "" {
			t.Fatal("degraded after recovery")
		}
		if !sdk.IsReject(resp) {
			allowed++
		}
	}
	if allowed != 10 {
		t.Fatalf("%d of 15 allowed after recovery, want exactly 10", allowed)
	}

	out := logs.String()
	if n := strings.Count(out, "redis unreachable"); n != 1 {
		t.Fatalf("outage logged %d times, want once:\n%s", n, out)
	}
	if n := strings.Count(out, "redis is back"); n != 1 {
		t.Fatalf("recovery logged %d times, want once:\n%s", n, out)
	}
}

func TestRedisPasswordNeverShown(t *testing.T) {
	srv := redistest.Start(t)
	logs := &syncBuffer{}
	url := strings.Replace(srv.URL(), "redis://", "redis://:s3cret@", 1)
	s := newRedisStage(t, `{"redis_url":"`+url+`","on_redis_error":"fail_closed"}`, logs)
	if resp := process(t, s, fromIP("192.0.2.1")); sdk.IsReject(resp) {
		t.Fatalf("with Redis up: %+v", resp.Reject)
	}
	srv.Stop() // the outage is logged, with the address but not the password
	resp := process(t, s, fromIP("192.0.2.1"))
	if !sdk.IsReject(resp) || resp.Reject.Status != 503 || strings.Contains(resp.Reject.Message, "s3cret") {
		t.Errorf("answer: %+v", resp)
	}
	for k, v := range s.Info() {
		if strings.Contains(v, "s3cret") {
			t.Errorf("info %s shows the password: %s", k, v)
		}
	}
	out := logs.String()
	if !strings.Contains(out, "redis unreachable") || !strings.Contains(out, srv.Addr()) || strings.Contains(out, "s3cret") {
		t.Errorf("outage log:\n%s", out)
	}
}
