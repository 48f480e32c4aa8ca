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
