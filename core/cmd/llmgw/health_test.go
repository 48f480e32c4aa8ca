package main

import (
	"bytes"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestHealthExitCodeFollowsTheGatewaysAnswer(t *testing.T) {
	status := http.StatusOK
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/health" {
			http.NotFound(w, r)
			return
		}
		w.WriteHeader(status)
		if status == http.StatusOK {
			_, _ = w.Write([]byte(`{"status":"ok","generation":3}`))
		} else {
			_, _ = w.Write([]byte(`{"status":"degraded","generation":3}`))
		}
	}))
	defer srv.Close()

	var out, errOut bytes.Buffer
	if code := runHealth([]string{"--url", srv.URL}, nil, &out, &errOut); code != 0 || !strings.Contains(out.String(), "ok (generation 3)") {
		t.Fatalf("healthy gateway: exit %d, out %q, err %q", code, out.String(), errOut.String())
	}

	status = http.StatusServiceUnavailable
	out.Reset()
	errOut.Reset()
	if code := runHealth([]string{"--url", srv.URL}, nil, &out, &errOut); code != 1 || !strings.Contains(errOut.String(), `503 (status "degraded")`) {
		t.Fatalf("degraded gateway: exit %d, err %q", code, errOut.String())
	}
}

func TestHealthFindsTheGatewayFromLLMGWListen(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(`{"status":"ok","generation":1}`))
	}))
	defer srv.Close()
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())

	// The container listens on 0.0.0.0; the check dials loopback.
	var out, errOut bytes.Buffer
	env := []string{"LLMGW_LISTEN=0.0.0.0:" + port}
	if code := runHealth(nil, env, &out, &errOut); code != 0 || !strings.Contains(out.String(), "http://127.0.0.1:"+port) {
		t.Fatalf("exit %d, out %q, err %q", code, out.String(), errOut.String())
	}
}

func TestHealthFailsWhenNothingListens(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	var out, errOut bytes.Buffer
	if code := runHealth([]string{"--url", "http://" + addr, "--timeout", "2s"}, nil, &out, &errOut); code != 1 || errOut.Len() == 0 {
		t.Fatalf("exit %d, err %q", code, errOut.String())
	}
}

func TestDialable(t *testing.T) {
	for in, want := range map[string]string{
		"0.0.0.0:8000":   "127.0.0.1:8000",
		":8000":          "127.0.0.1:8000",
		"[::]:8000":      "[::1]:8000",
		"10.0.0.5:9000":  "10.0.0.5:9000",
		"127.0.0.1:8000": "127.0.0.1:8000",
	} {
		if got := dialable(in); got != want {
			t.Errorf("dialable(%q) = %q, want %q", in, got, want)
		}
	}
}
