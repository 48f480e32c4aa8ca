package vkeys

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/llmgw/llmgw/plugins/ratelimit/limiter"
	sdk "github.com/llmgw/llmgw/sdk/go"
	pb "github.com/llmgw/llmgw/sdk/go/proto/llmgw/v1"
)

func TestSecretsAreRandomPrefixedAndHashedLikeTheHost(t *testing.T) {
	a, b := newSecret(), newSecret()
	if a == b || !strings.HasPrefix(a, Prefix) || len(a)-len(Prefix) != 32 {
		t.Fatalf("secrets %q %q", a, b)
	}
	sum := sha256.Sum256([]byte(a))
	if HashSecret(a) != hex.EncodeToString(sum[:]) {
		t.Fatal("HashSecret must be the host's sha256 hex of the credential")
	}
}

func TestFileStoreReplaysAndDropsTornTail(t *testing.T) {
	path := filepath.Join(t.TempDir(), "keys.jsonl")
	s, err := openFileStore(path)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	k := &Key{ID: "vk_1", Name: "one", Hash: HashSecret("llmgw-x"), CreatedAt: time.Now().UTC()}
	if err := s.Create(ctx, k); err != nil {
		t.Fatal(err)
	}
	if ok, _ := s.Reserve(ctx, "vk_1", "total", "r1", 100, 1000, time.Minute); !ok {
		t.Fatal("reserve refused")
	}
	if err := s.Settle(ctx, "vk_1", "total", "r1", 40); err != nil {
		t.Fatal(err)
	}
	if err := s.Revoke(ctx, "vk_1", time.Now()); err != nil {
		t.Fatal(err)
	}
	_ = s.Close()
	// A write torn by a kill: half a line at the end.
	f, _ := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	_, _ = f.WriteString(`{"op":"create","key":{"id":"vk_2"`)
	_ = f.Close()

	s2, err := openFileStore(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	got, err := s2.ByHash(ctx, HashSecret("llmgw-x"))
	if err != nil || got == nil || got.RevokedAt == nil {
		t.Fatalf("replayed key = %+v, %v", got, err)
	}
	if n, _ := s2.Spent(ctx, "vk_1", "total"); n != 40 {
		t.Fatalf("replayed spend = %d, want 40", n)
	}
	if _, err := s2.Get(ctx, "vk_2"); err != ErrNotFound {
		t.Fatalf("torn record must be dropped, got %v", err)
	}
	// The file was cut back to whole lines: the next write is readable.
	if err := s2.Create(ctx, &Key{ID: "vk_3", Hash: "h3"}); err != nil {
		t.Fatal(err)
	}
	s3, err := openFileStore(path)
	if err != nil {
		t.Fatalf("reopen after a write behind the cut: %v", err)
	}
	_ = s3.Close()
}

// testBudgets runs the budget contract on a store.
func testBudgets(t *testing.T, b Budgets, expire func(time.Duration)) {
	ctx := context.Background()
	// Concurrent reservations never overbook: 100 × 10 against 250.
	var wg sync.WaitGroup
	var mu sync.Mutex
	admitted := 0
	for i := range 100 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ok, err := b.Reserve(ctx, "k", "w", "r"+strconv.Itoa(i), 10, 250, time.Minute)
			if err != nil {
				t.Error(err)
			}
			if ok {
				mu.Lock()
				admitted++
				mu.Unlock()
				if err := b.Settle(ctx, "k", "w", "r"+strconv.Itoa(i), 7); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	spent, _ := b.Spent(ctx, "k", "w")
	if spent > 250 || spent != int64(admitted)*7 {
		t.Fatalf("spent %d for %d admitted", spent, admitted)
	}
	// A crashed gateway's reservation blocks until it expires.
	if ok, _ := b.Reserve(ctx, "c", "w", "crashed", 90, 100, 2*time.Second); !ok {
		t.Fatal("first reservation refused")
	}
	if ok, _ := b.Reserve(ctx, "c", "w", "next", 20, 100, time.Minute); ok {
		t.Fatal("reservation beyond the budget admitted")
	}
	expire(2 * time.Second)
	if ok, _ := b.Reserve(ctx, "c", "w", "next", 20, 100, time.Minute); !ok {
		t.Fatal("an expired reservation still holds the budget")
	}
	// Release: settling at 0 frees the reservation and spends nothing.
	if err := b.Settle(ctx, "c", "w", "next", 0); err != nil {
		t.Fatal(err)
	}
	if n, _ := b.Spent(ctx, "c", "w"); n != 0 {
		t.Fatalf("released reservation spent %d", n)
	}
}

func TestMemoryBudgets(t *testing.T) {
	now := time.Now()
	m := newMemBudgets(nil)
	m.now = func() time.Time { return now }
	testBudgets(t, m, func(d time.Duration) { now = now.Add(d) })
}

func TestRedisBudgets(t *testing.T) {
	url := startRedis(t)
	s, err := openRedisStore(url, "test:", time.Second, 500*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	// Redis's own clock decides expiry: wait it out.
	testBudgets(t, s, func(d time.Duration) { time.Sleep(d + 50*time.Millisecond) })
}

// A settle retried after one that took — the plugin died before answering
// and the host sent the After again to its new process — charges once.
func TestRedisSettleRetriedChargesOnce(t *testing.T) {
	url := startRedis(t)
	s, err := openRedisStore(url, "retry:", time.Second, 500*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	if ok, err := s.Reserve(ctx, "k", "w", "r1", 50, 1000, time.Minute); !ok || err != nil {
		t.Fatalf("reserve: %v %v", ok, err)
	}
	for range 2 {
		if err := s.Settle(ctx, "k", "w", "r1", 30); err != nil {
			t.Fatal(err)
		}
	}
	if n, _ := s.Spent(ctx, "k", "w"); n != 30 {
		t.Fatalf("spent %d after a retried settle, want 30", n)
	}
}

func TestRedisStoreRevocationIsSeenWithinCacheTTL(t *testing.T) {
	url := startRedis(t)
	a, _ := openRedisStore(url, "t:", time.Second, 300*time.Millisecond)
	b, _ := openRedisStore(url, "t:", time.Second, 300*time.Millisecond)
	defer a.Close()
	defer b.Close()
	ctx := context.Background()
	k := &Key{ID: "vk_r", Hash: HashSecret("llmgw-r")}
	if err := a.Create(ctx, k); err != nil {
		t.Fatal(err)
	}
	if got, _ := b.ByHash(ctx, k.Hash); got == nil || got.RevokedAt != nil {
		t.Fatalf("b sees %+v", got)
	}
	if err := a.Revoke(ctx, k.ID, time.Now()); err != nil {
		t.Fatal(err)
	}
	time.Sleep(350 * time.Millisecond)
	if got, _ := b.ByHash(ctx, k.Hash); got == nil || got.RevokedAt == nil {
		t.Fatalf("b still sees the key active after its cache TTL: %+v", got)
	}
}

func TestStageChecksKeysModelsAndBudget(t *testing.T) {
	dir := t.TempDir()
	st, err := New(sdk.Config{Raw: []byte(`{"require_keys":"1","failed_per_minute":100}`), Host: &pb.HostInfo{DataDir: dir, Models: []string{"m1", "m2"}}})
	if err != nil {
		t.Fatal(err)
	}
	s := st.(*Stage)
	defer s.Close()
	ctx := context.Background()
	resp, err := s.Admin(ctx, &pb.AdminRequest{Method: "POST", Path: "/admin/keys", Body: []byte(`{"name":"n","models":["m1"],"budget_usd":0.000001,"budget_period":"day"}`)})
	if err != nil || resp.Status != 201 {
		t.Fatalf("create: %v %s", err, resp.GetBody())
	}
	var created struct{ ID, Key string }
	_ = json.Unmarshal(resp.Body, &created)
	process := func(key, model string, worst int64) *pb.StageResponse {
		req := &pb.StageRequest{RequestId: "r", ClientIp: "10.0.0.1", Request: &pb.ChatRequest{Model: model}, MaxCostNanos: worst, CostKnown: true}
		if key != "" {
			req.ApiKeyHash = HashSecret(key)
		}
		r, err := s.Process(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	for _, c := range []struct {
		key, model string
		worst      int64
		code       string
	}{
		{"", "m1", 1, "invalid_api_key"},
		{"llmgw-unknown", "m1", 1, "invalid_api_key"},
		{created.Key, "m2", 1, "model_not_allowed"},
		{created.Key, "m1", 1001, "budget_exceeded"},
		{created.Key, "m1", 1000, ""},
	} {
		r := process(c.key, c.model, c.worst)
		if got := r.GetReject().GetCode(); got != c.code {
			t.Errorf("%+v: got %q", c, got)
		}
		if c.code == "" && r.Annotations["key.id"] != created.ID {
			t.Errorf("annotations %v lack the key id", r.Annotations)
		}
		if c.code == "budget_exceeded" && (!strings.Contains(r.GetReject().GetMessage(), "resets at") || !strings.Contains(r.GetReject().GetMessage(), "max_tokens")) {
			t.Errorf("budget message says nothing of the reset or of max_tokens: %s", r.GetReject().GetMessage())
		}
	}
	// Settle at 600 of the 1000 reserved: 400 left for the day.
	if err := s.After(ctx, &pb.StageAfterRequest{RequestId: "r", CostNanos: 600, CostKnown: true}); err != nil {
		t.Fatal(err)
	}
	if r := process(created.Key, "m1", 401); r.GetReject().GetCode() != "budget_exceeded" {
		t.Errorf("after settling 600 of 1000, a 401 reservation must not fit")
	}
	show, _ := s.Admin(ctx, &pb.AdminRequest{Method: "GET", Path: "/admin/keys/" + created.ID})
	if !strings.Contains(string(show.Body), `"spend_usd":0.0000006`) || strings.Contains(string(show.Body), created.Key) {
		t.Errorf("show: %s", show.Body)
	}
	bad, _ := s.Admin(ctx, &pb.AdminRequest{Method: "POST", Path: "/admin/keys", Body: []byte(`{"name":"x","models":["nope"]}`)})
	if bad.Status != 400 {
		t.Errorf("unknown model in a key: %d %s", bad.Status, bad.Body)
	}
}

func startRedis(t *testing.T) string {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		t.Fatal("redis-server not found in PATH (Debian's redis-server package)")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
	_ = l.Close()
	cmd := exec.Command(bin, "--port", port, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", t.TempDir())
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	for i := 0; i < 200; i++ {
		if c, err := net.Dial("tcp", "127.0.0.1:"+port); err == nil {
			_ = c.Close()
			return "redis://127.0.0.1:" + port + "/0"
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("redis-server did not listen")
	return ""
}

func TestStageEnforcesKeyRPMAndTPM(t *testing.T) {
	s := newTestStage(t, `{"require_keys":true}`)
	ctx := context.Background()
	mk := func(body string) string {
		resp, err := s.Admin(ctx, &pb.AdminRequest{Method: "POST", Path: "/admin/keys", Body: []byte(body)})
		if err != nil || resp.Status != 201 {
			t.Fatalf("create: %v %s", err, resp.GetBody())
		}
		var c struct{ Key string }
		_ = json.Unmarshal(resp.Body, &c)
		return c.Key
	}
	rpmKey, tpmKey := mk(`{"name":"rpm","rpm":2}`), mk(`{"name":"tpm","tpm":10}`)
	code := func(key string) string {
		r, err := s.Process(ctx, &pb.StageRequest{RequestId: "x", ApiKeyHash: HashSecret(key), Request: &pb.ChatRequest{Model: "m"}})
		if err != nil {
			t.Fatal(err)
		}
		return r.GetReject().GetCode()
	}
	if got := []string{code(rpmKey), code(rpmKey), code(rpmKey)}; got[0] != "" || got[1] != "" || got[2] != "rate_limit_exceeded" {
		t.Fatalf("rpm 2: %q", got)
	}
	if code(tpmKey) != "" {
		t.Fatal("tpm key refused before any tokens")
	}
	// A cache hit (a stage's own answer) charges no tokens.
	_ = s.After(ctx, &pb.StageAfterRequest{RequestId: "x", ApiKeyHash: HashSecret(tpmKey), Ok: true, Usage: &pb.Usage{TotalTokens: 10}, AnsweredBy: "cache"})
	if code(tpmKey) != "" {
		t.Fatal("tpm 10: tokens of a cache hit were charged")
	}
	_ = s.After(ctx, &pb.StageAfterRequest{RequestId: "x", ApiKeyHash: HashSecret(tpmKey), Ok: true, Usage: &pb.Usage{TotalTokens: 10}})
	if code(tpmKey) != "rate_limit_exceeded" {
		t.Fatal("tpm 10: a key that used 10 tokens this minute must be refused")
	}
}

// TestReusedRequestIDCannotOverspend: a client may send one X-Request-ID on
// many requests at once. A request's After must settle its own reservation,
// never another's: otherwise a fast small request frees a slow large one's
// reservation while it still runs, and the budget is overspent.
func TestReusedRequestIDCannotOverspend(t *testing.T) {
	s := newTestStage(t, `{"require_keys":true}`)
	ctx := context.Background()
	resp, _ := s.Admin(ctx, &pb.AdminRequest{Method: "POST", Path: "/admin/keys", Body: []byte(`{"name":"n","budget_usd":0.000001}`)}) // 1000 nano-USD
	var created struct{ ID, Key string }
	_ = json.Unmarshal(resp.Body, &created)
	// process runs the stage as the host does: a continue's annotations go
	// with the request to its After.
	process := func(worst int64) (string, map[string]string) {
		r, err := s.Process(ctx, &pb.StageRequest{RequestId: "same", ApiKeyHash: HashSecret(created.Key), Request: &pb.ChatRequest{Model: "m"}, MaxCostNanos: worst, CostKnown: true})
		if err != nil {
			t.Fatal(err)
		}
		return r.GetReject().GetCode(), r.Annotations
	}
	after := func(ann map[string]string, cost int64) {
		if err := s.After(ctx, &pb.StageAfterRequest{RequestId: "same", Ok: true, Annotations: ann, CostNanos: cost, CostKnown: true}); err != nil {
			t.Fatal(err)
		}
	}
	_, slow := process(600) // a large request, still running
	_, fast := process(100)
	after(fast, 100) // the small one ends first
	code, third := process(700)
	if code == "" {
		after(third, 700)
	}
	after(slow, 600)
	spent, _ := s.store.Spent(ctx, created.ID, "total")
	if spent > 1000 || spent != 700 {
		t.Fatalf("spent %d nano-USD of a 1000 budget, want 700 (the third request refused)", spent)
	}
	// An answer whose reservation this process no longer holds (the plugin
	// was restarted since Process) is still charged, by its annotation.
	_, lost := process(200)
	s.mu.Lock()
	clear(s.pending)
	s.mu.Unlock()
	after(lost, 150)
	if spent, _ := s.store.Spent(ctx, created.ID, "total"); spent != 850 {
		t.Fatalf("spent %d after a settle by annotation, want 850", spent)
	}
	// The host retries an After whose answer it did not get: charged once.
	after(lost, 150)
	if spent, _ := s.store.Spent(ctx, created.ID, "total"); spent != 850 {
		t.Fatalf("spent %d after a retried After, want 850 (charged once)", spent)
	}
}

// TestFailedChecksCountTheClientBehindTrustedProxies: behind a trusted
// proxy the failed-key limiter counts the client the proxy names (the
// ratelimit plugin's trusted_proxies rule), so one guesser does not block
// every client of the proxy; an untrusted peer's X-Forwarded-For is not
// believed.
func TestFailedChecksCountTheClientBehindTrustedProxies(t *testing.T) {
	s := newTestStage(t, `{"require_keys":true,"failed_per_minute":2,"trusted_proxies":["10.0.0.0/8"]}`)
	try := func(peer, xff string) string {
		r, err := s.Process(context.Background(), &pb.StageRequest{RequestId: "r", ClientIp: peer, ApiKeyHash: HashSecret("llmgw-wrong"),
			Headers: map[string]string{"x-forwarded-for": xff}, Request: &pb.ChatRequest{Model: "m"}})
		if err != nil {
			t.Fatal(err)
		}
		return r.GetReject().GetCode()
	}
	for i := 0; i < 2; i++ {
		if c := try("10.0.0.1", "203.0.113.7"); c != "invalid_api_key" {
			t.Fatalf("guess %d: %q", i, c)
		}
	}
	if c := try("10.0.0.1", "203.0.113.7"); c != "rate_limit_exceeded" {
		t.Fatalf("the guesser behind the proxy: %q, want rate_limit_exceeded", c)
	}
	if c := try("10.0.0.1", "203.0.113.8"); c != "invalid_api_key" {
		t.Fatalf("another client of the same proxy: %q, want invalid_api_key (not blocked)", c)
	}
	// An untrusted peer cannot pick the address it is counted under.
	for _, xff := range []string{"198.51.100.1", "198.51.100.2"} {
		try("192.0.2.9", xff)
	}
	if c := try("192.0.2.9", "198.51.100.3"); c != "rate_limit_exceeded" {
		t.Fatalf("an untrusted peer rotating X-Forwarded-For: %q, want rate_limit_exceeded", c)
	}
	if _, err := New(sdk.Config{Raw: []byte(`{"trusted_proxies":["not-an-ip"]}`), Host: &pb.HostInfo{DataDir: t.TempDir()}}); err == nil || !strings.Contains(err.Error(), "trusted_proxies[0]") {
		t.Fatalf("a bad trusted_proxies entry: %v", err)
	}
}

// TestFailedChecksCountedAcrossReplicas: with Redis, failed key checks of an
// address are counted by every replica together (two stages on two
// connections to one Redis, as two gateways).
func TestFailedChecksCountedAcrossReplicas(t *testing.T) {
	url := startRedis(t)
	replica := func(u string) *Stage {
		return newTestStage(t, `{"require_keys":true,"failed_per_minute":3,"redis_url":"`+u+`"}`)
	}
	// Two spellings of one server: two backends, as in two processes.
	a, b := replica(url), replica(strings.TrimSuffix(url, "/0"))
	if a.limits == b.limits {
		t.Fatal("the two stages share one backend; the test needs two")
	}
	try := func(s *Stage) string {
		r, err := s.Process(context.Background(), &pb.StageRequest{RequestId: "r", ClientIp: "203.0.113.9", ApiKeyHash: HashSecret("llmgw-wrong"),
			Request: &pb.ChatRequest{Model: "m"}})
		if err != nil {
			t.Fatal(err)
		}
		return r.GetReject().GetCode()
	}
	for i, s := range []*Stage{a, b, a} {
		if c := try(s); c != "invalid_api_key" {
			t.Fatalf("guess %d: %q", i, c)
		}
	}
	if c := try(b); c != "rate_limit_exceeded" {
		t.Fatalf("the fourth guess, on the other replica: %q, want rate_limit_exceeded", c)
	}
}

// countingLimits records the checks a Stage asks its rate-limit backend.
type countingLimits struct {
	limiter.Backend
	mu   sync.Mutex
	keys []string
}

func (c *countingLimits) Allow(ctx context.Context, checks []limiter.Check, results []limiter.Result) (bool, error) {
	c.mu.Lock()
	for _, ch := range checks {
		c.keys = append(c.keys, ch.Key)
	}
	c.mu.Unlock()
	return c.Backend.Allow(ctx, checks, results)
}

// TestGuessCountReadOnlyAfterAFailure: a keyed request from an address this
// gateway never refused reads no failed-check count (no backend call; with
// Redis a round trip per request); after a refusal the count is read.
func TestGuessCountReadOnlyAfterAFailure(t *testing.T) {
	s := newTestStage(t, `{"require_keys":true,"failed_per_minute":5}`)
	c := &countingLimits{Backend: s.limits}
	s.limits = c
	if err := s.store.Create(context.Background(), &Key{ID: "vk_ok", Hash: HashSecret("llmgw-right")}); err != nil {
		t.Fatal(err)
	}
	send := func(secret string) string {
		r, err := s.Process(context.Background(), &pb.StageRequest{RequestId: "r", ClientIp: "198.51.100.4", ApiKeyHash: HashSecret(secret),
			Request: &pb.ChatRequest{Model: "m"}})
		if err != nil {
			t.Fatal(err)
		}
		return r.GetReject().GetCode()
	}
	reads := func() int {
		c.mu.Lock()
		defer c.mu.Unlock()
		return strings.Count(strings.Join(c.keys, " "), "failed:")
	}
	if code := send("llmgw-right"); code != "" || reads() != 0 {
		t.Fatalf("a valid key: code %q, %d reads of the failed-check count, want none", code, reads())
	}
	if code := send("llmgw-wrong"); code != "invalid_api_key" {
		t.Fatalf("a wrong key: %q", code)
	}
	if code := send("llmgw-right"); code != "" || reads() != 1 {
		t.Fatalf("after a refusal: code %q, %d reads, want the count read once", code, reads())
	}
}

// TestKeyExpiresKeepsMetadataAndMonthBudgets: a key is refused once its
// expires_at passed (status "expired"), its metadata is stored and shown,
// and a month budget's spend resets at the first of the next month (UTC).
func TestKeyExpiresKeepsMetadataAndMonthBudgets(t *testing.T) {
	s := newTestStage(t, `{"require_keys":true}`)
	ctx := context.Background()
	now := time.Date(2026, 1, 31, 22, 0, 0, 0, time.UTC)
	s.now = func() time.Time { return now }
	body := fmt.Sprintf(`{"name":"n","budget_usd":0.000001,"budget_period":"month","expires_at":%q,"metadata":{"team":"search","owner":"ana"}}`, now.Add(3*time.Hour).Format(time.RFC3339))
	resp, _ := s.Admin(ctx, &pb.AdminRequest{Method: "POST", Path: "/admin/keys", Body: []byte(body)})
	var created struct{ ID, Key string }
	if err := json.Unmarshal(resp.GetBody(), &created); err != nil || resp.GetStatus() != 201 {
		t.Fatalf("create: %d %s", resp.GetStatus(), resp.GetBody())
	}
	show := func() (v struct {
		Status   string
		Metadata map[string]string
		Spend    json.Number `json:"spend_usd"`
		Resets   time.Time   `json:"budget_resets_at"`
	}) {
		r, _ := s.Admin(ctx, &pb.AdminRequest{Method: "GET", Path: "/admin/keys/" + created.ID})
		if err := json.Unmarshal(r.GetBody(), &v); err != nil {
			t.Fatalf("show: %s", r.GetBody())
		}
		return v
	}
	use := func(cost int64) string {
		r, err := s.Process(ctx, &pb.StageRequest{RequestId: "r", ApiKeyHash: HashSecret(created.Key), Request: &pb.ChatRequest{Model: "m"}, MaxCostNanos: cost, CostKnown: true})
		if err != nil {
			t.Fatal(err)
		}
		if code := r.GetReject().GetCode(); code != "" {
			return code
		}
		if err := s.After(ctx, &pb.StageAfterRequest{RequestId: "r", Ok: true, Annotations: r.Annotations, CostNanos: cost, CostKnown: true}); err != nil {
			t.Fatal(err)
		}
		return ""
	}
	if v := show(); v.Status != "active" || v.Metadata["team"] != "search" || v.Metadata["owner"] != "ana" {
		t.Fatalf("metadata not kept: %+v", v)
	}
	// January's budget: 1000 nano-USD, spent.
	if code := use(1000); code != "" {
		t.Fatalf("first use: %q", code)
	}
	if code := use(1); code != "budget_exceeded" {
		t.Fatalf("January's budget is spent: %q", code)
	}
	if v := show(); v.Spend.String() != "0.000001" || !v.Resets.Equal(time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("January's window: %+v", v)
	}
	// February 1st: a new window.
	now = time.Date(2026, 2, 1, 0, 30, 0, 0, time.UTC)
	if code := use(500); code != "" {
		t.Fatalf("February's budget: %q", code)
	}
	if v := show(); v.Spend.String() != "0.0000005" || !v.Resets.Equal(time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("February's window: %+v", v)
	}
	// Past expires_at (Feb 1st 01:00): refused, shown as expired.
	now = time.Date(2026, 2, 1, 1, 0, 1, 0, time.UTC)
	if code := use(1); code != "invalid_api_key" {
		t.Fatalf("an expired key: %q", code)
	}
	if v := show(); v.Status != "expired" || v.Metadata["team"] != "search" {
		t.Fatalf("an expired key's view: %+v", v)
	}
}

// TestFileStoreIsCompactedAtStart: a log that grew to many spend records is
// rewritten at start as one record per key and per live window (past day and
// month windows forgotten), with the same keys and spend, and appends go on
// in the new file.
func TestFileStoreIsCompactedAtStart(t *testing.T) {
	defer func(n int) { compactMin = n }(compactMin)
	compactMin = 50
	path := filepath.Join(t.TempDir(), "keys.jsonl")
	s, err := openFileStore(path)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	today, _ := budgetWindow("day", time.Now())
	_ = s.Create(ctx, &Key{ID: "vk_a", Hash: "ha"})
	_ = s.Create(ctx, &Key{ID: "vk_b", Hash: "hb"})
	_ = s.Revoke(ctx, "vk_b", time.Now())
	for i := range 100 {
		_ = s.Settle(ctx, "vk_a", "total", fmt.Sprint("r", i), 7)
		_ = s.Settle(ctx, "vk_a", today, fmt.Sprint("d", i), 3)
	}
	_ = s.Settle(ctx, "vk_a", "d:2020-01-01", "old", 5)
	_ = s.Close()
	lines := func() int {
		b, _ := os.ReadFile(path)
		return bytes.Count(b, []byte("\n"))
	}
	if n := lines(); n != 204 {
		t.Fatalf("the log has %d lines before compaction, want 204", n)
	}
	s2, err := openFileStore(path)
	if err != nil {
		t.Fatal(err)
	}
	if n := lines(); n != 4 { // 2 keys, the total and today's window
		t.Fatalf("after compaction the file has %d lines, want 4", n)
	}
	check := func(s *fileStore, total int64) {
		t.Helper()
		if n, _ := s.Spent(ctx, "vk_a", "total"); n != total {
			t.Fatalf("total spend %d, want %d", n, total)
		}
		if n, _ := s.Spent(ctx, "vk_a", today); n != 300 {
			t.Fatalf("today's spend %d, want 300", n)
		}
		if n, _ := s.Spent(ctx, "vk_a", "d:2020-01-01"); n != 0 {
			t.Fatalf("a past window's spend is kept: %d", n)
		}
		if k, _ := s.ByHash(ctx, "hb"); k == nil || k.RevokedAt == nil {
			t.Fatalf("the revoked key after compaction: %+v", k)
		}
	}
	check(s2, 700)
	_ = s2.Settle(ctx, "vk_a", "total", "after", 1)
	_ = s2.Close()
	s3, err := openFileStore(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s3.Close()
	check(s3, 701)
	if _, err := os.Stat(path + ".compact"); !os.IsNotExist(err) {
		t.Fatalf("the temporary file is left: %v", err)
	}
}

// TestRedisSpendOfPastWindowsExpires: a day window's spend key expires a day
// after the window; the total's never does.
func TestRedisSpendOfPastWindowsExpires(t *testing.T) {
	url := startRedis(t)
	s, err := openRedisStore(url, "exp:", time.Second, 500*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	today, resets := budgetWindow("day", time.Now())
	_, _ = s.Reserve(ctx, "vk", today, "r1", 5, 100, time.Minute)
	_, _ = s.Reserve(ctx, "vk", "total", "r2", 5, 100, time.Minute)
	_ = s.Settle(ctx, "vk", today, "r1", 5)
	_ = s.Settle(ctx, "vk", "total", "r2", 5)
	at, err := s.rdb.PExpireTime(ctx, s.k("spent", "vk", today)).Result()
	if err != nil || at.Milliseconds() != resets.AddDate(0, 0, 1).UnixMilli() {
		t.Fatalf("today's spend expires at %v (%v), want %v", at, err, resets.AddDate(0, 0, 1))
	}
	if ttl, _ := s.rdb.PTTL(ctx, s.k("spent", "vk", "total")).Result(); ttl != -1 {
		t.Fatalf("the total's spend has a ttl %v", ttl)
	}
}

// newTestStage is a configured stage with a file store in a temporary
// directory, closed when the test ends.
func newTestStage(t *testing.T, config string) *Stage {
	t.Helper()
	st, err := New(sdk.Config{Raw: []byte(config), Host: &pb.HostInfo{DataDir: t.TempDir()}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.(*Stage).Close() })
	return st.(*Stage)
}

// TestKeyHolderSeesItsOwnKeyAndModels: GET /v1/key and the models question
// are authenticated as a model call is — a valid key gets its own view
// (spend, budget, models; never the secret, hash or the admin's metadata),
// an unknown key counts as a failed try — and anonymous use lists every model.
func TestKeyHolderSeesItsOwnKeyAndModels(t *testing.T) {
	for _, require := range []bool{false, true} {
		t.Run(fmt.Sprintf("require=%v", require), func(t *testing.T) {
			s := newTestStage(t, fmt.Sprintf(`{"require_keys":%v,"failed_per_minute":2}`, require))
			ctx := context.Background()
			create := func(body string) (id, key string) {
				resp, err := s.Admin(ctx, &pb.AdminRequest{Method: "POST", Path: "/admin/keys", Body: []byte(body)})
				if err != nil || resp.Status != 201 {
					t.Fatalf("create: %v %s", err, resp.GetBody())
				}
				var created struct{ ID, Key string }
				_ = json.Unmarshal(resp.Body, &created)
				return created.ID, created.Key
			}
			id, key := create(`{"name":"team-a","models":["m1"],"budget_usd":2.5,"budget_period":"month","metadata":{"cost_centre":"secret-4711"}}`)
			_, open := create(`{"name":"all-models"}`)
			ask := func(path, secret, ip string) *pb.AdminResponse {
				req := &pb.AdminRequest{Method: "GET", Path: path, ClientIp: ip}
				if secret != "" {
					req.ApiKeyHash = HashSecret(secret)
				}
				resp, err := s.Admin(ctx, req)
				if err != nil {
					t.Fatal(err)
				}
				return resp
			}
			models := func(resp *pb.AdminResponse) sdk.HolderModels {
				var hm sdk.HolderModels
				if resp.Status != 200 || json.Unmarshal(resp.Body, &hm) != nil {
					t.Fatalf("models answer %d %s", resp.Status, resp.Body)
				}
				return hm
			}
			if hm := models(ask(sdk.HolderModelsPath, key, "10.0.0.1")); hm.All || !slices.Equal(hm.Models, []string{"m1"}) {
				t.Errorf("a key for m1: %+v", hm)
			}
			if hm := models(ask(sdk.HolderModelsPath, open, "10.0.0.1")); !hm.All {
				t.Errorf("a key for every model: %+v", hm)
			}
			own := ask(sdk.HolderKeyPath, key, "10.0.0.1")
			body := string(own.Body)
			if own.Status != 200 || !strings.Contains(body, `"id":"`+id+`"`) || !strings.Contains(body, `"budget_usd":2.5`) ||
				!strings.Contains(body, `"spend_usd":0`) || !strings.Contains(body, `"budget_resets_at"`) || !strings.Contains(body, `"models":["m1"]`) {
				t.Errorf("own key: %d %s", own.Status, body)
			}
			for _, leak := range []string{key, HashSecret(key), "secret-4711", "metadata", `"key"`} {
				if strings.Contains(body, leak) {
					t.Errorf("own key shows %q: %s", leak, body)
				}
			}
			// A bearer token that is no virtual key: anonymous use lists
			// every model when keys are not required; it has no key to show.
			unknown := ask(sdk.HolderModelsPath, "sk-not-a-virtual-key", "10.0.0.2")
			if require {
				if unknown.Status != 401 || !strings.Contains(string(unknown.Body), "invalid_api_key") {
					t.Errorf("unknown key, keys required: %d %s", unknown.Status, unknown.Body)
				}
			} else if !models(unknown).All {
				t.Errorf("unknown key, anonymous use: %s", unknown.Body)
			}
			if r := ask(sdk.HolderKeyPath, "", "10.0.0.3"); r.Status != 401 {
				t.Errorf("own key without a key: %d %s", r.Status, r.Body)
			}
			if r, _ := s.Admin(ctx, &pb.AdminRequest{Method: "DELETE", Path: sdk.HolderKeyPath, ApiKeyHash: HashSecret(key)}); r.Status != 405 {
				t.Errorf("DELETE own key: %d", r.Status)
			}
			// The admin routes are never served on a key holder's request.
			if r, _ := s.Admin(ctx, &pb.AdminRequest{Method: "GET", Path: "/admin/keys", ApiKeyHash: HashSecret(key)}); r.Status != 404 {
				t.Errorf("admin list with a holder's key: %d %s", r.Status, r.Body)
			}
			// A revoked key is refused, and a guesser is blocked as on a
			// model call (failed_per_minute 2), with Retry-After.
			if r, _ := s.Admin(ctx, &pb.AdminRequest{Method: "DELETE", Path: "/admin/keys/" + id}); r.Status != 204 {
				t.Fatalf("revoke: %d", r.Status)
			}
			for i := 0; i < 2; i++ {
				if r := ask(sdk.HolderKeyPath, key, "10.0.0.9"); r.Status != 401 {
					t.Fatalf("revoked key, try %d: %d %s", i, r.Status, r.Body)
				}
			}
			blocked := ask(sdk.HolderModelsPath, key, "10.0.0.9")
			if blocked.Status != 429 || blocked.Headers["Retry-After"] == "" || !strings.Contains(string(blocked.Body), "rate_limit_error") {
				t.Errorf("a guesser's third try: %d %v %s", blocked.Status, blocked.Headers, blocked.Body)
			}
		})
	}
}

// TestAdminUpdatesAndRotatesKeys: PATCH /admin/keys/{id} replaces the
// fields it sets and keeps the rest (and the spend); rotate gives the key a
// new secret and refuses the old one; a revoked key can be neither; both
// survive a restart of the file store.
func TestAdminUpdatesAndRotatesKeys(t *testing.T) {
	dir := t.TempDir()
	open := func() *Stage {
		st, err := New(sdk.Config{Raw: []byte(`{"require_keys":true,"failed_per_minute":100}`), Host: &pb.HostInfo{DataDir: dir, Models: []string{"m1", "m2"}}})
		if err != nil {
			t.Fatal(err)
		}
		return st.(*Stage)
	}
	s := open()
	ctx := context.Background()
	admin := func(method, path, body string) (int32, map[string]any) {
		t.Helper()
		resp, err := s.Admin(ctx, &pb.AdminRequest{Method: method, Path: path, Body: []byte(body)})
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		_ = json.Unmarshal(resp.Body, &m)
		return resp.Status, m
	}
	code := func(m map[string]any) any { e, _ := m["error"].(map[string]any); return e["code"] }
	status, created := admin("POST", "/admin/keys", `{"name":"n","models":["m1"],"budget_usd":1,"budget_period":"day","metadata":{"a":"1"}}`)
	if status != 201 {
		t.Fatalf("create: %d %v", status, created)
	}
	id, secret := created["id"].(string), created["key"].(string)
	process := func(key, model string) string {
		t.Helper()
		r, err := s.Process(ctx, &pb.StageRequest{RequestId: "r-" + model, ClientIp: "10.0.0.1", ApiKeyHash: HashSecret(key), Request: &pb.ChatRequest{Model: model}, MaxCostNanos: 1000, CostKnown: true})
		if err != nil {
			t.Fatal(err)
		}
		return r.GetReject().GetCode()
	}
	if c := process(secret, "m1"); c != "" {
		t.Fatalf("new key: %q", c)
	}
	if err := s.After(ctx, &pb.StageAfterRequest{RequestId: "r-m1", CostNanos: 700, CostKnown: true}); err != nil {
		t.Fatal(err)
	}

	status, v := admin("PATCH", "/admin/keys/"+id, `{"budget_usd":2,"metadata":{"b":"2"},"rpm":5,"models":["m1","m2"]}`)
	if status != 200 || v["budget_usd"] != 2.0 || v["budget_period"] != "day" || v["rpm"] != 5.0 || v["name"] != "n" ||
		fmt.Sprint(v["metadata"]) != "map[b:2]" || fmt.Sprint(v["models"]) != "[m1 m2]" || v["spend_usd"] != 0.0000007 || v["key"] != nil {
		t.Fatalf("patch: %d %v", status, v)
	}
	if c := process(secret, "m2"); c != "" {
		t.Errorf("a model added by the patch: %q", c)
	}
	for _, c := range []struct {
		body string
		want int32
		code string
	}{
		{`{"expires_at":"2001-01-01T00:00:00Z"}`, 400, "invalid_request"},
		{`{"colour":"red"}`, 400, "invalid_request"},
		{`{"Models":["nope"]}`, 400, "invalid_request"},
		{`{"Expires_At":"2001-01-01T00:00:00Z"}`, 400, "invalid_request"},
		{`{"models":["nope"]}`, 400, "invalid_request"},
		{`{"budget_period":"week"}`, 400, "invalid_request"},
		{`[1]`, 400, "invalid_request"},
	} {
		if status, m := admin("PATCH", "/admin/keys/"+id, c.body); status != c.want || code(m) != c.code {
			t.Errorf("PATCH %s: %d %v", c.body, status, m)
		}
	}
	if status, m := admin("PATCH", "/admin/keys/vk_nope", `{"rpm":1}`); status != 404 || code(m) != "key_not_found" {
		t.Errorf("PATCH an unknown key: %d %v", status, m)
	}
	status, v = admin("PATCH", "/admin/keys/"+id, `{"budget_usd":null,"expires_at":"2099-01-01T00:00:00Z"}`)
	if status != 200 || v["budget_usd"] != nil || v["budget_period"] != nil || v["expires_at"] != "2099-01-01T00:00:00Z" || v["rpm"] != 5.0 {
		t.Fatalf("removing the budget: %d %v", status, v)
	}

	status, rotated := admin("POST", "/admin/keys/"+id+"/rotate", "")
	fresh, _ := rotated["key"].(string)
	if status != 200 || rotated["id"] != id || !strings.HasPrefix(fresh, Prefix) || fresh == secret {
		t.Fatalf("rotate: %d %v", status, rotated)
	}
	if c := process(secret, "m1"); c != "invalid_api_key" {
		t.Errorf("the old secret after a rotation: %q", c)
	}
	s.cfg.require = false // a rotated-out secret is refused, not served anonymously
	if c := process(secret, "m1"); c != "invalid_api_key" {
		t.Errorf("the old secret after a rotation, keys not required: %q", c)
	}
	s.cfg.require = true
	if c := process(fresh, "m1"); c != "" {
		t.Errorf("the new secret: %q", c)
	}
	if status, _ := admin("GET", "/admin/keys/"+id+"/nope", ""); status != 404 {
		t.Errorf("an unknown action: %d", status)
	}

	// Restarted: the update and the rotation are in the file, also once it
	// is compacted (the retired hash with the key).
	_ = s.Close()
	defer func(n int) { compactMin = n }(compactMin)
	compactMin = 0
	s = open()
	if b, _ := os.ReadFile(filepath.Join(dir, "virtual-keys.jsonl")); strings.Count(string(b), "\n") > 3 || !strings.Contains(string(b), `"retired":[{"hash":`) {
		t.Errorf("the store was not compacted with its retired hash:\n%s", b)
	}
	if c := process(fresh, "m2"); c != "" {
		t.Errorf("the new secret after a restart: %q", c)
	}
	s.cfg.require = false
	if c := process(secret, "m1"); c != "invalid_api_key" {
		t.Errorf("the old secret after a restart: %q", c)
	}
	s.cfg.require = true
	if status, v := admin("GET", "/admin/keys/"+id, ""); status != 200 || v["rpm"] != 5.0 || v["budget_usd"] != nil {
		t.Errorf("the key after a restart: %d %v", status, v)
	}
	// A rotation with a grace period: the old secret works as the key until
	// it ends, then is refused; a bad grace period is refused.
	for _, body := range []string{`{"grace_period_s":-1}`, `{"grace_period_s":2592001}`, `{"grace":60}`} {
		if status, m := admin("POST", "/admin/keys/"+id+"/rotate", body); status != 400 || code(m) != "invalid_request" {
			t.Errorf("rotate %s: %d %v", body, status, m)
		}
	}
	status, graced := admin("POST", "/admin/keys/"+id+"/rotate", `{"grace_period_s":60}`)
	newest, _ := graced["key"].(string)
	until, _ := time.Parse(time.RFC3339Nano, fmt.Sprint(graced["old_secret_valid_until"]))
	if status != 200 || newest == "" || until.Sub(time.Now()) < 55*time.Second || until.Sub(time.Now()) > 65*time.Second {
		t.Fatalf("rotate with a grace period: %d %v", status, graced)
	}
	if c := process(fresh, "m1"); c != "" {
		t.Errorf("the replaced secret within its grace period: %q", c)
	}
	if c := process(newest, "m1"); c != "" {
		t.Errorf("the newest secret: %q", c)
	}
	s.now = func() time.Time { return time.Now().Add(61 * time.Second) }
	if c := process(fresh, "m1"); c != "invalid_api_key" {
		t.Errorf("the replaced secret after its grace period: %q", c)
	}
	if status, v := admin("GET", "/admin/keys/"+id, ""); status != 200 || v["old_secret_valid_until"] != nil {
		t.Errorf("the key after the grace period: %d %v", status, v)
	}
	s.now = time.Now
	if status, _ := admin("DELETE", "/admin/keys/"+id, ""); status != 204 {
		t.Fatal("revoke")
	}
	for _, c := range []struct{ method, path, body string }{{"PATCH", "/admin/keys/" + id, `{"rpm":1}`}, {"POST", "/admin/keys/" + id + "/rotate", ""}} {
		if status, m := admin(c.method, c.path, c.body); status != 409 || code(m) != "key_revoked" {
			t.Errorf("%s %s on a revoked key: %d %v", c.method, c.path, status, m)
		}
	}
	_ = s.Close()
}

// TestRedisStoreUpdatesAreAtomicAndSeenByReplicas: concurrent updates
// through two replicas all land (WATCH retries), and a rotation through one
// is seen by the other within its cache TTL — the old secret finds nothing.
func TestRedisStoreUpdatesAreAtomicAndSeenByReplicas(t *testing.T) {
	url := startRedis(t)
	a, _ := openRedisStore(url, "u:", time.Second, 300*time.Millisecond)
	b, _ := openRedisStore(url, "u:", time.Second, 300*time.Millisecond)
	defer a.Close()
	defer b.Close()
	ctx := context.Background()
	k := &Key{ID: "vk_u", Hash: HashSecret("llmgw-old")}
	if err := a.Create(ctx, k); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := range 20 {
		st := []*redisStore{a, b}[i%2]
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := st.Update(ctx, k.ID, func(k *Key) error { k.RPM++; return nil }); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if got, _ := b.Get(ctx, k.ID); got.RPM != 20 {
		t.Errorf("20 concurrent increments left rpm at %d", got.RPM)
	}
	if got, _ := b.ByHash(ctx, k.Hash); got == nil {
		t.Fatal("b does not find the key")
	}
	if _, err := a.Update(ctx, k.ID, func(k *Key) error { k.Hash = HashSecret("llmgw-new"); return nil }); err != nil {
		t.Fatal(err)
	}
	// The old hash still finds the key, whose hash no longer matches it (so
	// the old secret is refused, not taken for no key at all).
	if got, _ := a.ByHash(ctx, k.Hash); got == nil || got.Hash == k.Hash {
		t.Errorf("a by the old secret right after rotating it: %+v", got)
	}
	time.Sleep(350 * time.Millisecond)
	if got, _ := b.ByHash(ctx, k.Hash); got == nil || got.Hash == k.Hash {
		t.Errorf("b by the old secret after its cache TTL: %+v", got)
	}
	if got, _ := b.ByHash(ctx, HashSecret("llmgw-new")); got == nil || got.ID != k.ID || got.RPM != 20 {
		t.Errorf("b by the new secret: %+v", got)
	}
	if _, err := a.Update(ctx, "vk_nope", func(*Key) error { return nil }); !errors.Is(err, ErrNotFound) {
		t.Errorf("an unknown key: %v", err)
	}
}

// TestMaxParallelSlots: a key with max_parallel 2 runs two requests at once;
// a third is refused (429) without keeping its budget reservation or using
// an rpm permit; After frees a slot, also when it comes to a restarted
// plugin (by the annotation).
func TestMaxParallelSlots(t *testing.T) {
	s := newTestStage(t, `{"require_keys":true}`)
	ctx := context.Background()
	resp, _ := s.Admin(ctx, &pb.AdminRequest{Method: "POST", Path: "/admin/keys", Body: []byte(`{"name":"p","max_parallel":2,"rpm":3,"budget_usd":1}`)})
	var created struct {
		ID, Key     string
		MaxParallel int64 `json:"max_parallel"`
	}
	if json.Unmarshal(resp.Body, &created) != nil || created.MaxParallel != 2 {
		t.Fatalf("create: %s", resp.Body)
	}
	start := func(rid string) *pb.StageResponse {
		t.Helper()
		r, err := s.Process(ctx, &pb.StageRequest{RequestId: rid, ApiKeyHash: HashSecret(created.Key), Request: &pb.ChatRequest{Model: "m"}, MaxCostNanos: 1000, CostKnown: true})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	a, b := start("a"), start("b")
	if a.GetReject() != nil || b.GetReject() != nil || a.Annotations[annParallel] == "" {
		t.Fatalf("two requests: %v / %v", a, b)
	}
	c := start("c")
	if c.GetReject().GetStatus() != 429 || !strings.Contains(c.GetReject().GetMessage(), "2 parallel requests") {
		t.Fatalf("a third at once: %v", c)
	}
	s.mu.Lock()
	left := len(s.pending["c"])
	s.mu.Unlock()
	if left != 0 {
		t.Errorf("the refused request kept %d reservations", left)
	}
	if err := s.After(ctx, &pb.StageAfterRequest{RequestId: "a", Annotations: a.Annotations, CostNanos: 10, CostKnown: true}); err != nil {
		t.Fatal(err)
	}
	d := start("d") // a's slot is free; rpm: a, b, d = 3 (c used none)
	if d.GetReject() != nil {
		t.Fatalf("after one finished: %v", d.GetReject())
	}
	// A restarted plugin frees a slot by the annotation alone.
	s.mu.Lock()
	clear(s.pending)
	s.mu.Unlock()
	if err := s.After(ctx, &pb.StageAfterRequest{RequestId: "b", Annotations: b.Annotations, CostNanos: 10, CostKnown: true}); err != nil {
		t.Fatal(err)
	}
	if spent, _ := s.store.Spent(ctx, created.ID, "total"); spent != 20 {
		t.Errorf("spend %d, want 20 (a slot costs nothing)", spent)
	}
	if e := start("e"); e.GetReject().GetCode() != "rate_limit_exceeded" || strings.Contains(e.GetReject().GetMessage(), "parallel") {
		t.Errorf("a fourth request in the minute: the rpm limit, not the slots: %v", e.GetReject())
	}
	if r, _ := s.Admin(ctx, &pb.AdminRequest{Method: "PATCH", Path: "/admin/keys/" + created.ID, Body: []byte(`{"max_parallel":-1}`)}); r.Status != 400 {
		t.Errorf("max_parallel -1: %d", r.Status)
	}
}

// TestTeamBudgetIsSharedByItsKeys: keys of one team draw on its budget
// together (a request its key's budget covers is refused when the team's
// does not, and its key's reservation is given back); GET /admin/teams
// shows the team's spend and keys; a key taken out of the team (PATCH
// null) is no longer held by it; a key whose team the config no longer
// defines is refused 403, never served without the shared budget; a team
// settles after a restart of the plugin by its annotation alone.
func TestTeamBudgetIsSharedByItsKeys(t *testing.T) {
	dir := t.TempDir()
	open := func(config string) *Stage {
		st, err := New(sdk.Config{Raw: []byte(config), Host: &pb.HostInfo{DataDir: dir}})
		if err != nil {
			t.Fatal(err)
		}
		return st.(*Stage)
	}
	s := open(`{"require_keys":true,"teams":{"research":{"budget_usd":"0.000001","budget_period":"month"}}}`) // 1000 nano-USD
	ctx := context.Background()
	admin := func(method, path, body string) *pb.AdminResponse {
		t.Helper()
		r, err := s.Admin(ctx, &pb.AdminRequest{Method: method, Path: path, Body: []byte(body)})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	if r := admin("POST", "/admin/keys", `{"name":"x","team":"physics"}`); r.Status != 400 || !strings.Contains(string(r.Body), `unknown team \"physics\"`) {
		t.Fatalf("an unknown team: %d %s", r.Status, r.Body)
	}
	create := func(body string) (string, string) {
		t.Helper()
		var c struct{ ID, Key, Team string }
		if r := admin("POST", "/admin/keys", body); r.Status != 201 || json.Unmarshal(r.Body, &c) != nil || c.Team != "research" {
			t.Fatalf("create: %d %s", r.Status, r.Body)
		}
		return c.ID, c.Key
	}
	idA, keyA := create(`{"name":"alice","team":"research"}`)
	idB, keyB := create(`{"name":"bob","team":"research","budget_usd":1}`)
	n := 0
	call := func(key string, worst, cost int64) *pb.StageResponse {
		t.Helper()
		n++
		return runRequest(t, s, fmt.Sprintf("r%d", n), key, worst, cost)
	}
	if r := call(keyA, 700, 600); r.GetReject() != nil || r.Annotations[annTeamReservation] == "" || r.Annotations["key.team"] != "research" {
		t.Fatalf("alice's first request: %v", r)
	}
	r := call(keyB, 500, 0)
	if rj := r.GetReject(); rj.GetStatus() != 429 || rj.GetCode() != "budget_exceeded" || !strings.Contains(rj.GetMessage(), `team "research"`) || rj.GetRetryAfterMs() <= 0 {
		t.Fatalf("bob's request over the team's budget (his own covers it): %v", r)
	}
	// Bob's own reservation was given back.
	s.mu.Lock()
	left := len(s.pending["r2"])
	s.mu.Unlock()
	if spent, _ := s.store.Spent(ctx, idB, "total"); spent != 0 || left != 0 {
		t.Errorf("bob's spend %d and %d reservations kept after a refusal", spent, left)
	}
	if r := call(keyB, 400, 300); r.GetReject() != nil {
		t.Fatalf("bob's request that fits what the team has left: %v", r.GetReject())
	}
	var teams struct {
		Data []struct {
			Name         string
			BudgetPeriod string      `json:"budget_period"`
			BudgetUSD    json.Number `json:"budget_usd"`
			SpendUSD     json.Number `json:"spend_usd"`
			Keys         []string
		}
	}
	if r := admin("GET", "/admin/teams", ""); r.Status != 200 || json.Unmarshal(r.Body, &teams) != nil || len(teams.Data) != 1 ||
		teams.Data[0].SpendUSD != "0.0000009" || teams.Data[0].BudgetUSD != "0.000001" || teams.Data[0].BudgetPeriod != "month" || fmt.Sprint(teams.Data[0].Keys) != fmt.Sprint([]string{idA, idB}) && fmt.Sprint(teams.Data[0].Keys) != fmt.Sprint([]string{idB, idA}) {
		t.Fatalf("GET /admin/teams: %d %s", r.Status, r.Body)
	}
	// Alice sees her team's budget and spend in her own view.
	own, err := s.Admin(ctx, &pb.AdminRequest{Method: "GET", Path: sdk.HolderKeyPath, ApiKeyHash: HashSecret(keyA)})
	var ov struct {
		Team       string
		TeamLimits struct {
			Name     string
			SpendUSD json.Number `json:"spend_usd"`
		} `json:"team_limits"`
	}
	if err != nil || own.Status != 200 || json.Unmarshal(own.Body, &ov) != nil || ov.Team != "research" || ov.TeamLimits.Name != "research" || ov.TeamLimits.SpendUSD != "0.0000009" {
		t.Fatalf("alice's own view: %v %s", err, own.GetBody())
	}
	if r := admin("POST", "/admin/teams", `{}`); r.Status != 405 {
		t.Errorf("POST /admin/teams: %d", r.Status)
	}
	// Out of the team, bob spends on his own budget only.
	if r := admin("PATCH", "/admin/keys/"+idB, `{"team":null}`); r.Status != 200 || strings.Contains(string(r.Body), `"team"`) {
		t.Fatalf("PATCH team null: %d %s", r.Status, r.Body)
	}
	if r := call(keyB, 500, 500); r.GetReject() != nil {
		t.Fatalf("bob out of the team: %v", r.GetReject())
	}
	// After a restart of the plugin, a team reservation settles by its
	// annotation: alice's 100 leave the team at 1000 of 1000.
	pending, err := s.Process(ctx, &pb.StageRequest{RequestId: "late", ApiKeyHash: HashSecret(keyA), Request: &pb.ChatRequest{Model: "m"}, MaxCostNanos: 100, CostKnown: true})
	if err != nil || pending.GetReject() != nil {
		t.Fatalf("alice's last request: %v %v", err, pending.GetReject())
	}
	_ = s.Close()
	s = open(`{"require_keys":true,"teams":{"research":{"budget_usd":"0.000001","budget_period":"month"}}}`)
	if err := s.After(ctx, &pb.StageAfterRequest{RequestId: "late", Annotations: pending.Annotations, CostNanos: 100, CostKnown: true}); err != nil {
		t.Fatal(err)
	}
	window, _ := budgetWindow("month", s.now())
	if spent, _ := s.store.Spent(ctx, teamStoreID("research"), window); spent != 1000 {
		t.Errorf("the team's spend after a restart: %d, want 1000", spent)
	}
	if r := call(keyA, 1, 0); r.GetReject().GetCode() != "budget_exceeded" {
		t.Errorf("alice at the team's budget: %v", r)
	}
	// The team gone from the config: its keys are refused, not served
	// without the budget they share.
	_ = s.Close()
	s = open(`{"require_keys":true}`)
	defer s.Close()
	if r := call(keyA, 1, 0); r.GetReject().GetStatus() != 403 || r.GetReject().GetCode() != "team_not_configured" {
		t.Errorf("a key of a team no longer configured: %v", r)
	}
	// Also for a model without a price (nothing to reserve).
	if r, err := s.Process(ctx, &pb.StageRequest{RequestId: "unpriced", ApiKeyHash: HashSecret(keyA), Request: &pb.ChatRequest{Model: "m"}}); err != nil ||
		r.GetReject().GetCode() != "team_not_configured" {
		t.Errorf("a key of a team no longer configured, unpriced model: %v %v", r, err)
	}
}

// TestTeamRateLimitsAndModels: a team's rpm and tpm count its keys
// together, its models bound theirs, and the refusals say it is the
// team's; a team must share something, and only the pipeline's models.
func TestTeamRateLimitsAndModels(t *testing.T) {
	s := newTestStage(t, `{"teams":{"ops":{"rpm":3,"models":["m"]},"tok":{"tpm":100},"free":{"models":["m"]}}}`)
	ctx := context.Background()
	create := func(body string) string {
		t.Helper()
		r, err := s.Admin(ctx, &pb.AdminRequest{Method: "POST", Path: "/admin/keys", Body: []byte(body)})
		var c struct{ Key string }
		if err != nil || r.Status != 201 || json.Unmarshal(r.Body, &c) != nil {
			t.Fatalf("create: %v %s", err, r.GetBody())
		}
		return c.Key
	}
	a, b, c := create(`{"name":"a","team":"ops"}`), create(`{"name":"b","team":"ops"}`), create(`{"name":"c","team":"tok"}`)
	process := func(secret, model string) *pb.StageResponse {
		t.Helper()
		r, err := s.Process(ctx, &pb.StageRequest{RequestId: "x", ApiKeyHash: HashSecret(secret), Request: &pb.ChatRequest{Model: model}})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	if r := process(a, "other"); r.GetReject().GetCode() != "model_not_allowed" || !strings.Contains(r.GetReject().GetMessage(), `team "ops"`) {
		t.Fatalf("a model the team may not use: %v", r)
	}
	for i, k := range []string{a, b, a} {
		if r := process(k, "m"); r.GetReject() != nil {
			t.Fatalf("request %d of the team: %v", i, r.GetReject())
		}
	}
	if r := process(b, "m"); r.GetReject().GetCode() != "rate_limit_exceeded" || !strings.Contains(r.GetReject().GetMessage(), `team "ops" is reached: 3 requests per minute`) {
		t.Fatalf("the team's fourth request in the minute: %v", r)
	}
	// tpm: the answer's tokens are charged to the team after it.
	if r := process(c, "m"); r.GetReject() != nil {
		t.Fatalf("c's first: %v", r.GetReject())
	}
	if err := s.After(ctx, &pb.StageAfterRequest{RequestId: "x", ApiKeyHash: HashSecret(c), Usage: &pb.Usage{TotalTokens: 150}}); err != nil {
		t.Fatal(err)
	}
	if r := process(c, "m"); r.GetReject().GetCode() != "rate_limit_exceeded" || !strings.Contains(r.GetReject().GetMessage(), `team "tok" is reached: 100 tokens per minute`) {
		t.Fatalf("after the team's tokens: %v", r)
	}
	// The models question: the key's within its team's.
	models := func(secret string) string {
		t.Helper()
		r, err := s.Admin(ctx, &pb.AdminRequest{Method: "GET", Path: sdk.HolderModelsPath, ApiKeyHash: HashSecret(secret)})
		if err != nil || r.Status != 200 {
			t.Fatalf("models question: %v %s", err, r.GetBody())
		}
		return string(r.Body)
	}
	d := create(`{"name":"d","team":"ops","models":["m","n"]}`)
	if got := models(a) + " " + models(d) + " " + models(c); got != `{"all":false,"models":["m"]} {"all":false,"models":["m"]} {"all":true,"models":[]}` {
		t.Errorf("the models of a team's keys: %s", got)
	}
	// A team without a budget still counts what its keys spend.
	e := create(`{"name":"e","team":"free"}`)
	if r := runRequest(t, s, "e1", e, 100, 40); r.GetReject() != nil {
		t.Fatalf("e's priced request: %v", r.GetReject())
	}
	var teams struct {
		Data []struct {
			Name      string
			BudgetUSD *json.Number `json:"budget_usd"`
			SpendUSD  json.Number  `json:"spend_usd"`
			RPM       int64
			Models    []string
		}
	}
	r, _ := s.Admin(ctx, &pb.AdminRequest{Method: "GET", Path: "/admin/teams"})
	if json.Unmarshal(r.Body, &teams) != nil || len(teams.Data) != 3 || teams.Data[1].Name != "ops" || teams.Data[1].BudgetUSD != nil || teams.Data[1].RPM != 3 ||
		fmt.Sprint(teams.Data[1].Models) != "[m]" || teams.Data[0].Name != "free" || teams.Data[0].SpendUSD != "0.00000004" {
		t.Fatalf("GET /admin/teams: %s", r.Body)
	}
	for config, want := range map[string]string{
		`{"teams":{"empty":{}}}`:                           "set what its keys share",
		`{"teams":{"x":{"budget_period":"day","rpm":1}}}`:  "budget_period without budget_usd",
		`{"teams":{"x":{"rpm":-1}}}`:                       "must be ≥ 0",
		`{"teams":{"bad name":{"rpm":1}}}`:                 "a team's name",
		`{"teams":{"x":{"budget_usd":"-1"}}}`:              "above 0",
		`{"teams":{"x":{"rpm":1,"budget_period":"week"}}}`: "budget_period",
	} {
		if _, err := New(sdk.Config{Raw: []byte(config), Host: &pb.HostInfo{DataDir: t.TempDir()}}); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", config, err, want)
		}
	}
	if _, err := New(sdk.Config{Raw: []byte(`{"teams":{"x":{"models":["nope"]}}}`), Host: &pb.HostInfo{DataDir: t.TempDir(), Models: []string{"m"}}}); err == nil || !strings.Contains(err.Error(), `unknown model "nope"`) {
		t.Errorf("a team's unknown model: %v", err)
	}
}
