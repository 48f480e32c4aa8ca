package ratelimit

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	sdk "github.com/llmgw/llmgw/sdk/go"
	"github.com/llmgw/llmgw/sdk/go/sdktest"
)

type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func newTestStage(t *testing.T, configJSON string) (*Stage, *fakeClock) {
	t.Helper()
	clock := &fakeClock{t: time.Unix(1_700_000_000, 0)}
	s, err := newStage(sdk.Config{Raw: []byte(configJSON)}, clock.Now)
	if err != nil {
		t.Fatalf("config %s: %v", configJSON, err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s, clock
}

func process(t *testing.T, s *Stage, req *sdk.StageRequest) *sdk.StageResponse {
	t.Helper()
	resp, err := s.Process(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

func fromIP(ip string) *sdk.StageRequest {
	return &sdk.StageRequest{ClientIp: ip, Request: &sdk.ChatRequest{Model: "smart-router"}}
}

func TestConfig(t *testing.T) {
	s, _ := newTestStage(t, `{}`)
	if len(s.cfg.rules) != 1 || s.cfg.rules[0].name != "per-ip" || s.cfg.rules[0].limit != 60 || s.cfg.rules[0].window != time.Minute {
		t.Fatalf("default rule: %+v", s.cfg.rules)
	}
	for _, rpm := range []string{`"120"`, `120`, `" 120 "`, `120.0`} {
		s, _ := newTestStage(t, `{"rpm":`+rpm+`}`)
		if s.cfg.rules[0].limit != 120 {
			t.Fatalf("rpm %s: %+v", rpm, s.cfg.rules[0])
		}
	}
	s, _ = newTestStage(t, `{"max_keys":"5","rules":[{"name":"d","key":"header:X-Tenant-ID","tokens":"1000","window":"24h"}]}`)
	if r := s.cfg.rules[0]; r.header != "x-tenant-id" || r.limit != 1000 || r.desc != "1000 tokens per 24h" || s.cfg.maxKeys != 5 {
		t.Fatalf("rule: %+v", r)
	}

	bad := map[string]string{
		`{"rpm":"sixty"}`:             `field "rpm": expected a whole number`,
		`{"rpm":0}`:                   `field "rpm": must be between`,
		`{"rmp":60}`:                  `unknown field "rmp"`,
		`{"on_redis_error":"ignore"}`: `field "on_redis_error"`,
		`{"trusted_proxies":["10.0.0.0/8","proxy.local"]}`: `field "trusted_proxies[1]"`,
		`{"max_keys":0}`: `field "max_keys"`,
		`{"redis_url":"redis://u:s3cret@[::1:bad/0"}`:                                              `field "redis_url"`,
		`{"rules":[{"name":"a","key":"ip"}]}`:                                                      `field "rules[0]": set requests or tokens`,
		`{"rules":[{"name":"a","key":"ip","requests":1,"tokens":5}]}`:                              `not both`,
		`{"rules":[{"name":"a","key":"tenant","requests":1}]}`:                                     `field "rules[0].key"`,
		`{"rules":[{"name":"a","key":"header:authorization","requests":1}]}`:                       `api_key`,
		`{"rules":[{"key":"ip","requests":1}]}`:                                                    `field "rules[0].name"`,
		`{"rules":[{"name":"a","key":"ip","requests":1},{"name":"a","key":"model","requests":1}]}`: `used twice`,
		`{"rules":[{"name":"a","key":"ip","requests":1,"window":"0s"}]}`:                           `field "rules[0].window"`,
		`{"rules":[{"name":"a","key":"ip","requests":1,"burst":2}]}`:                               `unknown field "burst"`,
	}
	for cfg, want := range bad {
		_, err := newStage(sdk.Config{Raw: []byte(cfg)}, nil)
		if err == nil || !strings.Contains(err.Error(), want) || !sdk.IsConfigError(err) {
			t.Errorf("config %s: error %v, want one containing %q", cfg, err, want)
		}
		if err != nil && strings.Contains(err.Error(), "s3cret") {
			t.Errorf("config error shows the Redis password: %v", err)
		}
	}
}

func TestHeadersAndReject(t *testing.T) {
	s, clock := newTestStage(t, `{"rpm":3}`)
	for i := range 3 {
		resp := process(t, s, fromIP("203.0.113.9"))
		if sdk.IsReject(resp) {
			t.Fatalf("request %d rejected", i+1)
		}
		h := resp.ResponseHeaders
		if h[HeaderLimit] != "3" || h[HeaderRemaining] != fmt.Sprint(2-i) || h[HeaderReset] != fmt.Sprint(60-10*i) {
			t.Fatalf("request %d headers: %v", i+1, h)
		}
		clock.Advance(10 * time.Second)
	}
	clock.Advance(4500 * time.Millisecond) // 34.5s after the first request
	resp := process(t, s, fromIP("203.0.113.9"))
	if !sdk.IsReject(resp) {
		t.Fatal("4th request within the minute not rejected")
	}
	rj := resp.Reject
	if rj.Status != 429 || rj.Type != "rate_limit_error" || rj.Code != "rate_limit_exceeded" || rj.Category != "rate_limit" ||
		rj.Message != "rate limit exceeded for rule per-ip: 3 requests per 1m" {
		t.Fatalf("rejection: %+v", rj)
	}
	if rj.RetryAfterMs != 26000 { // 25.5s until the first leaves, in whole seconds
		t.Fatalf("retry_after_ms = %d", rj.RetryAfterMs)
	}
	if h := resp.ResponseHeaders; h[HeaderLimit] != "3" || h[HeaderRemaining] != "0" || h[HeaderReset] != "26" {
		t.Fatalf("rejection headers: %v", h)
	}
	if resp.Annotations[AnnotationRule] != "per-ip" {
		t.Fatalf("annotations: %v", resp.Annotations)
	}
	if sdk.IsReject(process(t, s, fromIP("203.0.113.10"))) {
		t.Fatal("another IP shares the limit")
	}
	clock.Advance(25500 * time.Millisecond)
	if resp := process(t, s, fromIP("203.0.113.9")); sdk.IsReject(resp) {
		t.Fatalf("not admitted once the oldest request left: %+v", resp.Reject)
	}
}

func TestTrustedProxies(t *testing.T) {
	s, _ := newTestStage(t, `{"trusted_proxies":["127.0.0.1/32","10.0.0.0/8","::1"]}`)
	cases := []struct {
		peer    string
		headers map[string]string
		want    string
	}{
		{"198.51.100.7", map[string]string{"x-forwarded-for": "1.1.1.1"}, "198.51.100.7"}, // untrusted peer: header ignored
		{"198.51.100.7:5555", nil, "198.51.100.7"},
		{"127.0.0.1", map[string]string{"x-forwarded-for": "6.6.6.6, 198.51.100.7"}, "198.51.100.7"},           // right-most untrusted
		{"127.0.0.1", map[string]string{"x-forwarded-for": "6.6.6.6, 198.51.100.7, 10.1.2.3"}, "198.51.100.7"}, // skip trusted hops
		{"127.0.0.1", map[string]string{"x-forwarded-for": "10.9.9.9, 10.1.2.3"}, "10.9.9.9"},                  // all trusted: left-most
		{"127.0.0.1", map[string]string{"x-forwarded-for": "6.6.6.6, garbage"}, "127.0.0.1"},                   // stop at what parses
		{"127.0.0.1", nil, "127.0.0.1"},
		{"[::1]:443", map[string]string{"forwarded": `for=6.6.6.6, for="[2001:db8::17]:4711";proto=https`}, "2001:db8::/64"},
		{"127.0.0.1", map[string]string{"forwarded": "for=198.51.100.8;by=10.0.0.1", "x-forwarded-for": "6.6.6.6"}, "198.51.100.8"},
		{"::ffff:127.0.0.1", map[string]string{"x-forwarded-for": "::ffff:198.51.100.9"}, "198.51.100.9"},
		{"", nil, "unknown"},
	}
	for _, c := range cases {
		checks, _ := s.checks(nil, nil, c.peer, nil, "", c.headers, "", "", false)
		if len(checks) != 1 || checks[0].Key != "per-ip:="+c.want {
			t.Errorf("peer %q headers %v: key %v, want per-ip:=%s", c.peer, c.headers, checks, c.want)
		}
	}
}

func TestIPv6PrefixSetting(t *testing.T) {
	s, _ := newTestStage(t, `{"rpm":1}`)
	process(t, s, fromIP("2001:db8:1:2::1"))
	if !sdk.IsReject(process(t, s, fromIP("2001:db8:1:2::ffff"))) {
		t.Fatal("a second address of the same /64 got its own limit")
	}
	s, _ = newTestStage(t, `{"rpm":1,"ipv6_prefix":128}`)
	process(t, s, fromIP("2001:db8:1:2::1"))
	if sdk.IsReject(process(t, s, fromIP("2001:db8:1:2::ffff"))) {
		t.Fatal("ipv6_prefix = 128 still groups addresses")
	}
}

func TestKeysAndCheckAllThenCommit(t *testing.T) {
	s, _ := newTestStage(t, `{"rules":[
		{"name":"per-key","key":"api_key","requests":2},
		{"name":"per-tenant","key":"header:x-tenant-id","requests":3},
		{"name":"per-model","key":"model","requests":4}]}`)
	req := func(key, tenant, model string) *sdk.StageRequest {
		r := &sdk.StageRequest{ClientIp: "1.2.3.4", ApiKeyHash: key, Request: &sdk.ChatRequest{Model: model}, Headers: map[string]string{}}
		if tenant != "" {
			r.Headers["x-tenant-id"] = tenant
		}
		return r
	}
	keyA := strings.Repeat("a", 64)
	keyB := strings.Repeat("b", 64)
	for i := range 2 {
		if resp := process(t, s, req(keyA, "t1", "m")); sdk.IsReject(resp) {
			t.Fatalf("key A request %d: %+v", i, resp.Reject)
		}
	}
	// Key A is out; its refused requests must not use up tenant t1 or model m.
	for range 5 {
		resp := process(t, s, req(keyA, "t1", "m"))
		if !sdk.IsReject(resp) || !strings.Contains(resp.Reject.Message, "rule per-key:") {
			t.Fatalf("key A over its limit: %+v", resp)
		}
	}
	resp := process(t, s, req(keyB, "t1", "m"))
	if sdk.IsReject(resp) {
		t.Fatalf("tenant t1 used up by refused requests: %+v", resp.Reject)
	}
	// t1 now has 3 of 3: tenant is the most constraining rule.
	if h := resp.ResponseHeaders; h[HeaderLimit] != "3" || h[HeaderRemaining] != "0" {
		t.Fatalf("headers of the most constraining rule: %v", h)
	}
	resp = process(t, s, req(keyB, "t1", "m"))
	if !sdk.IsReject(resp) || !strings.Contains(resp.Reject.Message, "rule per-tenant: 3 requests per 1m") {
		t.Fatalf("tenant limit: %+v", resp)
	}
	// No key and no tenant header: only the model rule applies (4th for m).
	if resp := process(t, s, req("", "", "m")); sdk.IsReject(resp) || resp.ResponseHeaders[HeaderLimit] != "4" || resp.ResponseHeaders[HeaderRemaining] != "0" {
		t.Fatalf("keyless request: %+v", resp)
	}
	if resp := process(t, s, req("", "", "m")); !sdk.IsReject(resp) || !strings.Contains(resp.Reject.Message, "per-model") {
		t.Fatalf("model limit: %+v", resp)
	}
	// A request no rule applies to carries no rate-limit headers.
	if resp := process(t, s, req("", "", "")); sdk.IsReject(resp) || len(resp.ResponseHeaders) != 0 {
		t.Fatalf("unkeyed request: %+v", resp)
	}
	// A huge or odd header value is hashed into a bounded key.
	checks, _ := s.checks(nil, nil, "", nil, "", map[string]string{"x-tenant-id": strings.Repeat("x", 5000)}, "", "", false)
	if len(checks) != 1 || len(checks[0].Key) > 64 {
		t.Fatalf("long header key: %v", checks)
	}
}

// TestAPIKeyIsTheVirtualKey: with the keys stage's annotation, api_key and
// user rules count a virtual key's requests together whichever of its
// secrets they came with (a rotation's grace period: old and new secret
// hash differently); without it, each bearer token on its own.
func TestAPIKeyIsTheVirtualKey(t *testing.T) {
	s, _ := newTestStage(t, `{"rules":[{"name":"per-key","key":"api_key","requests":3},{"name":"per-user","key":"user","requests":2}]}`)
	oldSecret, newSecret, other := strings.Repeat("a", 64), strings.Repeat("b", 64), strings.Repeat("c", 64)
	req := func(hash, keyID, user string) *sdk.StageRequest {
		r := &sdk.StageRequest{ClientIp: "1.2.3.4", ApiKeyHash: hash, Request: &sdk.ChatRequest{Model: "m", User: user}}
		if keyID != "" {
			r.Annotations = map[string]string{sdk.AnnotationKeyID: keyID}
		}
		return r
	}
	if resp := process(t, s, req(oldSecret, "vk_1", "alice")); sdk.IsReject(resp) {
		t.Fatalf("alice with the old secret: %+v", resp.Reject)
	}
	if resp := process(t, s, req(newSecret, "vk_1", "alice")); sdk.IsReject(resp) {
		t.Fatalf("alice with the new secret: %+v", resp.Reject)
	}
	if resp := process(t, s, req(newSecret, "vk_1", "alice")); !sdk.IsReject(resp) || !strings.Contains(resp.Reject.Message, "per-user") {
		t.Fatalf("alice's third request of the key, over two secrets: %+v", resp)
	}
	// A refused request is not counted: the key has used two of its three.
	if resp := process(t, s, req(newSecret, "vk_1", "")); sdk.IsReject(resp) {
		t.Fatalf("the key's third counted request: %+v", resp.Reject)
	}
	if resp := process(t, s, req(oldSecret, "vk_1", "")); !sdk.IsReject(resp) || !strings.Contains(resp.Reject.Message, "per-key") {
		t.Fatalf("the key's fourth request, over two secrets: %+v", resp)
	}
	// Without the annotation (no keys stage), each token counts alone.
	for i := range 3 {
		if resp := process(t, s, req(oldSecret, "", "")); sdk.IsReject(resp) {
			t.Fatalf("the bare token's request %d: %+v", i, resp.Reject)
		}
	}
	if resp := process(t, s, req(other, "vk_2", "")); sdk.IsReject(resp) {
		t.Fatalf("another key: %+v", resp.Reject)
	}
}

// TestPerEndUserWithinItsKey: key = "user" counts each end user of each API
// key (safety_identifier before user); a request without one is not
// counted by the rule, and the lease capabilities name both fields.
func TestPerEndUserWithinItsKey(t *testing.T) {
	s, _ := newTestStage(t, `{"rules":[{"name":"per-user","key":"user","requests":2}]}`)
	keyA, keyB := strings.Repeat("a", 64), strings.Repeat("b", 64)
	req := func(key, user, safetyID string) *sdk.StageRequest {
		return &sdk.StageRequest{ClientIp: "1.2.3.4", ApiKeyHash: key, Request: &sdk.ChatRequest{Model: "m", User: user, SafetyIdentifier: safetyID}}
	}
	for i := range 2 {
		if resp := process(t, s, req(keyA, "alice", "")); sdk.IsReject(resp) {
			t.Fatalf("alice's request %d: %+v", i, resp.Reject)
		}
	}
	if resp := process(t, s, req(keyA, "", "alice")); !sdk.IsReject(resp) || !strings.Contains(resp.Reject.Message, "per-user") {
		t.Fatalf("alice's third request (as safety_identifier): %+v", resp)
	}
	if resp := process(t, s, req(keyA, "alice", "bob")); sdk.IsReject(resp) {
		t.Fatalf("safety_identifier bob before user alice: %+v", resp.Reject)
	}
	if resp := process(t, s, req(keyB, "alice", "")); sdk.IsReject(resp) {
		t.Fatalf("another key's alice: %+v", resp.Reject)
	}
	for range 5 {
		if resp := process(t, s, req(keyA, "", "")); sdk.IsReject(resp) || len(resp.ResponseHeaders) != 0 {
			t.Fatalf("a request without an end user: %+v", resp)
		}
	}
	emb := &sdk.StageRequest{ApiKeyHash: keyA, Embeddings: &sdk.EmbeddingsRequest{Model: "e", User: "alice"}}
	if resp := process(t, s, emb); !sdk.IsReject(resp) {
		t.Fatalf("alice's embeddings request after her two: %+v", resp)
	}
	fields, ok := sdk.LeaseKeyFields(s.Capabilities())
	if !ok || !slices.Equal(fields, []string{"api_key_hash", "annotation:key.id", "end_user"}) {
		t.Fatalf("lease key fields %v (%v)", fields, ok)
	}
}

func TestTokensChargedAfter(t *testing.T) {
	s, clock := newTestStage(t, `{"rules":[{"name":"tpm","key":"api_key","tokens":1000,"window":"1m"},{"name":"rpm","key":"ip","requests":100}]}`)
	key := strings.Repeat("c", 64)
	req := &sdk.StageRequest{ClientIp: "1.2.3.4", ApiKeyHash: key, Request: &sdk.ChatRequest{Model: "m"}}
	after := func(tokens int32) {
		err := s.After(context.Background(), &sdk.StageAfterRequest{ClientIp: "1.2.3.4", ApiKeyHash: key, Request: &sdk.ChatRequest{Model: "m"}, Usage: &sdk.Usage{TotalTokens: tokens}, Ok: true})
		if err != nil {
			t.Fatal(err)
		}
	}
	if resp := process(t, s, req); sdk.IsReject(resp) {
		t.Fatal(resp.Reject)
	}
	after(700)
	// A stage's own answer (a cache hit) charges no tokens.
	if err := s.After(context.Background(), &sdk.StageAfterRequest{ClientIp: "1.2.3.4", ApiKeyHash: key, Request: &sdk.ChatRequest{Model: "m"},
		Usage: &sdk.Usage{TotalTokens: 999}, Ok: true, AnsweredBy: "cache"}); err != nil {
		t.Fatal(err)
	}
	clock.Advance(10 * time.Second)
	resp := process(t, s, req)
	if sdk.IsReject(resp) || resp.ResponseHeaders[HeaderLimit] != "1000" || resp.ResponseHeaders[HeaderRemaining] != "300" {
		t.Fatalf("700 of 1000 tokens: %+v", resp)
	}
	after(400)
	clock.Advance(10 * time.Second)
	resp = process(t, s, req)
	if !sdk.IsReject(resp) || resp.Reject.Message != "rate limit exceeded for rule tpm: 1000 tokens per 1m" || resp.Reject.RetryAfterMs != 40000 {
		t.Fatalf("1100 of 1000 tokens: %+v", resp)
	}
	// Another key is not charged.
	other := &sdk.StageRequest{ClientIp: "1.2.3.4", ApiKeyHash: strings.Repeat("d", 64), Request: &sdk.ChatRequest{}}
	if sdk.IsReject(process(t, s, other)) {
		t.Fatal("tokens charged to the wrong key")
	}
	clock.Advance(40 * time.Second) // the 700 leave; 400 remain
	if resp := process(t, s, req); sdk.IsReject(resp) {
		t.Fatalf("after the window: %+v", resp.Reject)
	}
}

func TestInfo(t *testing.T) {
	s, _ := newTestStage(t, `{"trusted_proxies":["127.0.0.1"],"rules":[{"name":"per-ip","key":"ip","requests":60},{"name":"tpm","key":"api_key","tokens":5000,"window":"1h"}]}`)
	info := s.Info()
	if info["backend"] != "memory" || info["max_keys"] != "100000" || info["trusted_proxies"] != "127.0.0.1/32" ||
		info["rules"] != "per-ip: 60 requests per 1m by ip; tpm: 5000 tokens per 1h by api_key" {
		t.Fatalf("info: %v", info)
	}
}

// TestThroughPluginProtocol runs the stage as the host sees it: over gRPC,
// through the SDK's server.
func TestThroughPluginProtocol(t *testing.T) {
	h := sdktest.Start(t, sdk.Plugin{Name: "ratelimit", Version: "test", Stage: New, Capabilities: []string{sdk.CapStageAfter}})
	ctx := context.Background()
	if _, err := h.Configure(ctx, sdk.KindStage, "bad", `{"rpm":"lots"}`); err == nil || !strings.Contains(err.Error(), `"rpm"`) {
		t.Fatalf("bad config: %v", err)
	}
	id := h.MustConfigure(t, sdk.KindStage, "ratelimit", `{"rpm":"60","rules":[]}`)
	t.Cleanup(func() { _ = h.CloseInstance(context.Background(), id) })
	ok, limited := 0, 0
	for range 65 {
		resp, err := h.Process(ctx, id, &sdk.StageRequest{ClientIp: "192.0.2.1", Route: "generate", Request: &sdk.ChatRequest{Model: "smart-router"}})
		if err != nil {
			t.Fatal(err)
		}
		if resp.ResponseHeaders[HeaderLimit] != "60" {
			t.Fatalf("headers: %v", resp.ResponseHeaders)
		}
		if sdk.IsReject(resp) {
			limited++
			if resp.Reject.Status != 429 || resp.Reject.RetryAfterMs < 1000 {
				t.Fatalf("rejection: %+v", resp.Reject)
			}
		} else {
			ok++
		}
	}
	if ok != 60 || limited != 5 {
		t.Fatalf("%d allowed, %d limited; want 60 and 5", ok, limited)
	}
	if err := h.After(ctx, id, &sdk.StageAfterRequest{ClientIp: "192.0.2.1", Usage: &sdk.Usage{TotalTokens: 10}}); err != nil {
		t.Fatal(err)
	}
}

func BenchmarkProcess(b *testing.B) {
	s, err := newStage(sdk.Config{Raw: []byte(`{"rpm": 1000000000000}`)}, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	req := fromIP("203.0.113.9")
	b.ReportAllocs()
	for b.Loop() {
		_, _ = s.Process(context.Background(), req)
	}
}

// TestReloadKeepsHistory is a pipeline reload: the host configures the next
// generation of an instance, then closes the old one. Clients keep their
// history; another instance name has its own.
func TestReloadKeepsHistory(t *testing.T) {
	gen := func(name, rpm string) *Stage {
		s, err := newStage(sdk.Config{Name: name, InstanceID: name + "@x", Raw: []byte(`{"rpm":` + rpm + `}`)}, nil)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	g1 := gen("rl-reload", "3")
	for range 3 {
		process(t, g1, fromIP("192.0.2.5"))
	}
	g2 := gen("rl-reload", "3")
	if err := g1.Close(); err != nil {
		t.Fatal(err)
	}
	if !sdk.IsReject(process(t, g2, fromIP("192.0.2.5"))) {
		t.Fatal("a reload handed the client a fresh window")
	}
	other := gen("rl-other", "3")
	if sdk.IsReject(process(t, other, fromIP("192.0.2.5"))) {
		t.Fatal("another instance shares the history")
	}
	_ = other.Close()
	g3 := gen("rl-reload", "4") // a raised limit applies to the kept history
	_ = g2.Close()
	if resp := process(t, g3, fromIP("192.0.2.5")); sdk.IsReject(resp) || resp.ResponseHeaders[HeaderRemaining] != "0" {
		t.Fatalf("raised limit: %+v", resp)
	}
	_ = g3.Close()
	g4 := gen("rl-reload", "3") // every generation closed: the state went with them
	defer g4.Close()
	if sdk.IsReject(process(t, g4, fromIP("192.0.2.5"))) {
		t.Fatal("state outlived the last instance")
	}
}
