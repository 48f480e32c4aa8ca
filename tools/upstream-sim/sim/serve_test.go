package sim

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestListenAndServe(t *testing.T) {
	t.Parallel()
	pr, pw := io.Pipe()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		done <- ListenAndServe(ctx, Config{Addr: "127.0.0.1:0", Fault: FaultNone, Latency: 0}, pw)
		pw.Close()
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	m := regexp.MustCompile(`^upstream-sim listening on (127\.0\.0\.1:\d+) \(fault=none, latency=0s\)\n$`).FindStringSubmatch(line)
	if m == nil || strings.HasSuffix(m[1], ":0") {
		t.Fatalf("startup line %q", line)
	}
	base := "http://" + m[1]
	r := do(t, "POST", base+"/v1/chat/completions", bearer, chatBody("gpt-4o", "hi", ""))
	if r.status != 200 {
		t.Fatalf("status %d", r.status)
	}

	// A stalled request must not hold the shutdown forever.
	reqCtx, reqCancel := context.WithCancel(context.Background())
	defer reqCancel()
	req, _ := http.NewRequestWithContext(reqCtx, "POST", base+"/v1/chat/completions", strings.NewReader(chatBody("gpt-4o", "hi", "")))
	req.Header.Set("Authorization", "Bearer k")
	req.Header.Set("X-Sim-Fault", "timeout")
	go func() {
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
		}
	}()
	time.Sleep(50 * time.Millisecond)

	start := time.Now()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("ListenAndServe did not return")
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("shutdown took %v", d)
	}
	if _, err := http.Get(base + "/sim/stats"); err == nil {
		t.Error("still serving after shutdown")
	}
}

func TestListenAndServeErrors(t *testing.T) {
	if err := ListenAndServe(context.Background(), Config{Addr: "127.0.0.1:0", Fault: "boom"}, io.Discard); err == nil {
		t.Error("bad fault accepted")
	}
	if err := ListenAndServe(context.Background(), Config{Addr: "127.0.0.1:0", Latency: -1}, io.Discard); err == nil {
		t.Error("negative latency accepted")
	}
	if err := ListenAndServe(context.Background(), Config{Addr: "256.0.0.1:x"}, io.Discard); err == nil {
		t.Error("bad address accepted")
	}
}

// TestLastRequest: GET /sim/last-request shows the last chat call's body as
// received, for both wire formats; a reset forgets it.
func TestLastRequest(t *testing.T) {
	_, ts := newServer(t, Config{})
	if r := do(t, "GET", ts.URL+"/sim/last-request", nil, ""); r.status != 404 {
		t.Fatalf("before any call: %d %s", r.status, r.body)
	}
	do(t, "POST", ts.URL+"/v1/chat/completions", bearer, chatBody("gpt-4o", "hi", `"seed":7`))
	var last LastRequest
	decode(t, do(t, "GET", ts.URL+"/sim/last-request", nil, "").body, &last)
	if last.Path != "/v1/chat/completions" || !strings.Contains(string(last.Body), `"seed":7`) {
		t.Errorf("openai: %+v", last)
	}
	do(t, "POST", ts.URL+"/v1beta/models/gemini-2.0-flash:generateContent", gkey, geminiBody("hi", `"generationConfig":{"topP":0.5}`))
	decode(t, do(t, "GET", ts.URL+"/sim/last-request", nil, "").body, &last)
	if last.Path != "/v1beta/models/gemini-2.0-flash:generateContent" || !strings.Contains(string(last.Body), `"topP":0.5`) {
		t.Errorf("gemini: %+v", last)
	}
	do(t, "POST", ts.URL+"/sim/reset", nil, "")
	if r := do(t, "GET", ts.URL+"/sim/last-request", nil, ""); r.status != 404 {
		t.Errorf("after reset: %d", r.status)
	}
}
