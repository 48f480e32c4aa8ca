package e2e

import (
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestSlowClientsDoNotBlockOthers opens connections that trickle their headers
// (slowloris) and one that stalls its body; a normal client is still served
// promptly, and the server drops the slow ones after its timeouts.
func TestSlowClientsDoNotBlockOthers(t *testing.T) {
	s := startSim(t)
	text := "server {\n  read_header_timeout = \"1s\"\n  read_timeout = \"2s\"\n}\n" + providersHCL(s)
	g := startGateway(t, writePipeline(t, text))
	var conns []net.Conn
	for i := 0; i < 50; i++ {
		c, err := net.Dial("tcp", g.addr)
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
		_, _ = c.Write([]byte("POST /generate HTTP/1.1\r\nHost: x\r\n"))
	}
	stalled, err := net.Dial("tcp", g.addr)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = stalled.Write([]byte("POST /generate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"prompt\":"))
	conns = append(conns, stalled)
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	start := time.Now()
	r := postJSON(t, g.url()+"/generate", map[string]any{"prompt": "am I served?"}, nil)
	if r.status != 200 || time.Since(start) > time.Second {
		t.Fatalf("a normal client behind 51 slow ones: %d after %v", r.status, time.Since(start))
	}
	// The server closes the slow connections once their time is up.
	deadline := time.Now().Add(5 * time.Second)
	for _, c := range conns {
		_ = c.SetReadDeadline(deadline)
		b, _ := io.ReadAll(c)
		if time.Now().After(deadline) {
			t.Fatalf("a slow connection was kept open past the server's timeouts (read %q)", b)
		}
	}
}

func TestInflightBoundAnswers503(t *testing.T) {
	s := startSim(t)
	text := "server {\n  max_inflight = 2\n}\n" + providersHCL(s)
	g := startGateway(t, writePipeline(t, text))
	postJSON(t, s.url()+"/sim/fault", map[string]any{"latency": "500ms"}, nil)
	var mu sync.Mutex
	codes := map[int]int{}
	var overloaded string
	var wg sync.WaitGroup
	for i := 0; i < 6; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := postJSON(t, g.url()+"/generate", map[string]any{"prompt": "x", "model": "gemini-secondary"}, nil)
			mu.Lock()
			codes[r.status]++
			if r.status == 503 {
				overloaded = string(r.body)
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	if codes[200] < 2 || codes[503] == 0 || codes[200]+codes[503] != 6 || !strings.Contains(overloaded, `"overloaded"`) {
		t.Errorf("max_inflight 2 with 6 concurrent requests: %v %s", codes, overloaded)
	}
	if r := get(t, g.url()+"/health"); r.status != 200 {
		t.Errorf("the gateway is not healthy after shedding load: %d", r.status)
	}
}
