package vkeys

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"

	sdk "github.com/llmgw/llmgw/sdk/go"
	pb "github.com/llmgw/llmgw/sdk/go/proto/llmgw/v1"
)

// webhook is a test receiver of budget alerts; its first answer is a 500
// when failFirst, so a retry is needed.
type webhook struct {
	mu        sync.Mutex
	srv       *httptest.Server
	got       []alertEvent
	sigs      []string
	bodies    [][]byte
	failFirst bool
	tries     int
}

func newWebhook(t *testing.T, failFirst bool) *webhook {
	w := &webhook{failFirst: failFirst}
	w.srv = httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		w.mu.Lock()
		defer w.mu.Unlock()
		w.tries++
		if w.failFirst && w.tries == 1 {
			rw.WriteHeader(500)
			return
		}
		var ev alertEvent
		if err := json.Unmarshal(b, &ev); err != nil || r.Header.Get("Content-Type") != "application/json" {
			t.Errorf("alert %q (%s): %v", b, r.Header.Get("Content-Type"), err)
		}
		w.got, w.sigs, w.bodies = append(w.got, ev), append(w.sigs, r.Header.Get("X-LLMGW-Signature")), append(w.bodies, b)
	}))
	t.Cleanup(w.srv.Close)
	return w
}

func (w *webhook) events() []alertEvent {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]alertEvent(nil), w.got...)
}

func (w *webhook) waitFor(t *testing.T, n int) []alertEvent {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for len(w.events()) < n {
		if time.Now().After(deadline) {
			t.Fatalf("want %d alerts, got %+v", n, w.events())
		}
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(50 * time.Millisecond) // and no more
	return w.events()
}

// TestBudgetAlertsOncePerWindowSigned: a key's spend crossing each
// threshold raises one alert, the first request its budget cannot cover
// raises one budget.exceeded (not one per refusal), each signed with the
// secret; a webhook that fails is tried again; the alerts raised survive a
// restart of the file store (no second alert after it).
func TestBudgetAlertsOncePerWindowSigned(t *testing.T) {
	hook := newWebhook(t, true)
	dir := t.TempDir()
	open := func() *Stage {
		st, err := New(sdk.Config{Raw: []byte(`{"alert_webhook":"` + hook.srv.URL + `/hook?token=abc","alert_webhook_secret":"s3cret","alert_thresholds":[0.8,0.5]}`),
			Host: &pb.HostInfo{DataDir: dir}})
		if err != nil {
			t.Fatal(err)
		}
		s := st.(*Stage)
		s.alerts.retries = []time.Duration{10 * time.Millisecond}
		return s
	}
	s := open()
	counted := &markCounting{Store: s.store}
	s.store = counted
	ctx := context.Background()
	resp, _ := s.Admin(ctx, &pb.AdminRequest{Method: "POST", Path: "/admin/keys", Body: []byte(`{"name":"team-a","budget_usd":0.000001,"budget_period":"month"}`)}) // 1000 nano-USD
	var created struct{ ID, Key string }
	_ = json.Unmarshal(resp.Body, &created)
	n := 0
	spend := func(worst, cost int64) string {
		t.Helper()
		n++
		return runRequest(t, s, fmt.Sprintf("r%d", n), created.Key, worst, cost).GetReject().GetCode()
	}
	spend(400, 400) // 40 %: nothing
	spend(300, 300) // 70 %: past 0.5
	spend(200, 150) // 85 %: past 0.8
	spend(100, 50)  // 90 %: nothing new
	for range 3 {
		if c := spend(200, 0); c != "budget_exceeded" {
			t.Fatalf("a request over the budget: %q", c)
		}
	}
	got := hook.waitFor(t, 3)
	if len(got) != 3 || got[0].Type != alertThreshold || got[0].Threshold != 0.5 || got[0].SpendUSD != "0.0000007" ||
		got[1].Type != alertThreshold || got[1].Threshold != 0.8 || got[1].SpendUSD != "0.00000085" ||
		got[2].Type != alertExceeded || got[2].SpendUSD != "0.0000009" || got[2].RequestUSD == nil || *got[2].RequestUSD != "0.0000002" {
		t.Fatalf("alerts %+v", got)
	}
	hook.mu.Lock()
	for i, ev := range got {
		if ev.KeyID != created.ID || ev.KeyName != "team-a" || ev.BudgetUSD != "0.000001" || ev.BudgetPeriod != "month" || !strings.HasPrefix(ev.Window, "m:") || ev.ResetsAt == nil {
			t.Errorf("alert %d: %+v", i, ev)
		}
		mac := hmac.New(sha256.New, []byte("s3cret"))
		mac.Write(hook.bodies[i])
		if hook.sigs[i] != "sha256="+hex.EncodeToString(mac.Sum(nil)) {
			t.Errorf("alert %d: signature %q does not match its body", i, hook.sigs[i])
		}
	}
	if hook.tries != 4 {
		t.Errorf("%d posts for 3 alerts with the first refused, want 4", hook.tries)
	}
	// Once raised, an alert costs no store call: the three refusals marked
	// budget.exceeded once; the settles after 0.8 read no key.
	if counted.marks.Load() != 3 || counted.gets.Load() != 3 {
		t.Errorf("%d MarkOnce and %d Get calls, want 3 and 3", counted.marks.Load(), counted.gets.Load())
	}
	hook.mu.Unlock()
	// Restarted, the window's alerts are not raised again.
	_ = s.Close()
	s = open()
	defer s.Close()
	if c := spend(200, 0); c != "budget_exceeded" {
		t.Fatalf("after a restart: %q", c)
	}
	time.Sleep(200 * time.Millisecond)
	if len(hook.events()) != 3 {
		t.Errorf("alerts raised again after a restart: %+v", hook.events())
	}
	// A budget raised in the middle of the window re-arms its alerts: 900
	// of 2000 is under 0.5, and the next answers cross it, then 0.8, then
	// the new budget is refused once more.
	if r, _ := s.Admin(ctx, &pb.AdminRequest{Method: "PATCH", Path: "/admin/keys/" + created.ID, Body: []byte(`{"budget_usd":0.000002}`)}); r.GetStatus() != 200 {
		t.Fatalf("raise the budget: %d %s", r.GetStatus(), r.GetBody())
	}
	spend(100, 50)  // 47.5 %: nothing
	spend(200, 200) // 57.5 %: past 0.5 again
	spend(500, 500) // 82.5 %: past 0.8 again
	if c := spend(400, 0); c != "budget_exceeded" {
		t.Fatalf("over the raised budget: %q", c)
	}
	got = hook.waitFor(t, 6)[3:]
	if len(got) != 3 || got[0].Threshold != 0.5 || got[0].BudgetUSD != "0.000002" || got[0].SpendUSD != "0.00000115" ||
		got[1].Threshold != 0.8 || got[1].SpendUSD != "0.00000165" || got[2].Type != alertExceeded || got[2].BudgetUSD != "0.000002" {
		t.Errorf("alerts after the budget was raised: %+v", got)
	}
}

// TestRedisMarkOnceAcrossReplicas: of two replicas marking the same alert,
// only one is first. The windows are today's and tomorrow's: a mark outlives
// its window by a day, so a past day's mark is gone at once (the test named
// fixed dates until those dates passed).
func TestRedisMarkOnceAcrossReplicas(t *testing.T) {
	url := startRedis(t)
	now := time.Now()
	today, _ := budgetWindow("day", now)
	tomorrow, _ := budgetWindow("day", now.AddDate(0, 0, 1))
	a, _ := openRedisStore(url, "m:", time.Second, 0)
	b, _ := openRedisStore(url, "m:", time.Second, 0)
	defer a.Close()
	defer b.Close()
	ctx := context.Background()
	var firsts int
	var mu sync.Mutex
	var wg sync.WaitGroup
	for i := range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			first, err := []*redisStore{a, b}[i%2].MarkOnce(ctx, "vk_1", today, alertExceeded)
			if err != nil {
				t.Error(err)
			}
			if first {
				mu.Lock()
				firsts++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if firsts != 1 {
		t.Errorf("%d replicas were first", firsts)
	}
	if first, _ := a.MarkOnce(ctx, "vk_1", tomorrow, alertExceeded); !first {
		t.Error("the next day's window is a new one")
	}
	if ttl := a.rdb.TTL(ctx, a.k("mark", "vk_1", today, alertExceeded)).Val(); ttl <= 0 {
		t.Errorf("a day window's mark has no expiry: %v", ttl)
	}
}

func TestBudgetAlertSettingsAreChecked(t *testing.T) {
	for _, c := range []struct{ config, want string }{
		{`{"alert_webhook":"ftp://x/y"}`, "alert_webhook"},
		{`{"alert_webhook":"https://hooks.example/abc","alert_thresholds":[1.5]}`, "alert_thresholds"},
		{`{"alert_webhook":"https://hooks.example/abc","alert_thresholds":[0]}`, "alert_thresholds"},
		{`{"alert_thresholds":[0.5]}`, "alert_webhook"},
	} {
		_, err := New(sdk.Config{Raw: []byte(c.config), Host: &pb.HostInfo{DataDir: t.TempDir()}})
		if err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "hooks.example") {
			t.Errorf("%s: %v", c.config, err)
		}
	}
}

// markCounting counts a store's MarkOnce and Get calls.
type markCounting struct {
	Store
	marks, gets atomic.Int32
}

func (m *markCounting) MarkOnce(ctx context.Context, keyID, window, event string) (bool, error) {
	m.marks.Add(1)
	return m.Store.MarkOnce(ctx, keyID, window, event)
}

func (m *markCounting) Get(ctx context.Context, id string) (*Key, error) {
	m.gets.Add(1)
	return m.Store.Get(ctx, id)
}

// TestAlertAfterCloseIsLoggedNotSent: an alert raised after its stage was
// closed (a goroutine of a request started before a reload) is logged, and
// does not panic on the closed queue.
func TestAlertAfterCloseIsLoggedNotSent(t *testing.T) {
	var logs strings.Builder
	a := newAlerter("http://127.0.0.1:1/x", "", []float64{0.8}, hclog.New(&hclog.LoggerOptions{Output: &logs}))
	a.close()
	a.close()
	a.send(alertEvent{Type: alertExceeded, KeyID: "vk_1", Window: "total"})
	<-a.done
	if !strings.Contains(logs.String(), "budget alert not sent: the stage was closed") {
		t.Errorf("log: %s", logs.String())
	}
}

// TestTeamBudgetAlerts: a team's budget raises its alerts like a key's,
// once, naming the team and the key whose request crossed the threshold or
// was refused.
func TestTeamBudgetAlerts(t *testing.T) {
	hook := newWebhook(t, false)
	st, err := New(sdk.Config{Raw: []byte(`{"alert_webhook":"` + hook.srv.URL + `","alert_thresholds":[0.5],"teams":{"lab":{"budget_usd":0.000001,"budget_period":"day"}}}`),
		Host: &pb.HostInfo{DataDir: t.TempDir()}})
	if err != nil {
		t.Fatal(err)
	}
	s := st.(*Stage)
	defer s.Close()
	ctx := context.Background()
	create := func(name string) (id, key string) {
		resp, _ := s.Admin(ctx, &pb.AdminRequest{Method: "POST", Path: "/admin/keys", Body: []byte(`{"name":"` + name + `","team":"lab"}`)})
		var c struct{ ID, Key string }
		if json.Unmarshal(resp.Body, &c) != nil || c.ID == "" {
			t.Fatalf("create: %s", resp.Body)
		}
		return c.ID, c.Key
	}
	idA, keyA := create("alice")
	idB, keyB := create("bob")
	n := 0
	spend := func(key string, worst, cost int64) string {
		t.Helper()
		n++
		return runRequest(t, s, fmt.Sprintf("r%d", n), key, worst, cost).GetReject().GetCode()
	}
	spend(keyA, 300, 300) // 30 %
	spend(keyB, 300, 300) // 60 %: past 0.5, by bob
	spend(keyA, 100, 100) // 70 %: nothing new
	for range 2 {
		if c := spend(keyA, 500, 0); c != "budget_exceeded" {
			t.Fatalf("over the team's budget: %q", c)
		}
	}
	got := hook.waitFor(t, 2)
	if len(got) != 2 || got[0].Type != alertThreshold || got[0].Team != "lab" || got[0].KeyID != idB || got[0].KeyName != "bob" || got[0].Threshold != 0.5 ||
		got[0].SpendUSD != "0.0000006" || got[0].BudgetUSD != "0.000001" || got[0].BudgetPeriod != "day" ||
		got[1].Type != alertExceeded || got[1].Team != "lab" || got[1].KeyID != idA || got[1].SpendUSD != "0.0000007" || *got[1].RequestUSD != "0.0000005" {
		t.Fatalf("team alerts %+v", got)
	}
}

// runRequest runs one request of the key (its secret) through the stage:
// Process with its worst case, then, unless refused, After with its cost.
func runRequest(t *testing.T, s *Stage, rid, secret string, worst, cost int64) *pb.StageResponse {
	t.Helper()
	ctx := context.Background()
	r, err := s.Process(ctx, &pb.StageRequest{RequestId: rid, ApiKeyHash: HashSecret(secret), Request: &pb.ChatRequest{Model: "m"}, MaxCostNanos: worst, CostKnown: true})
	if err != nil {
		t.Fatal(err)
	}
	if r.GetReject() == nil {
		if err := s.After(ctx, &pb.StageAfterRequest{RequestId: rid, Annotations: r.Annotations, CostNanos: cost, CostKnown: true}); err != nil {
			t.Fatal(err)
		}
	}
	return r
}
