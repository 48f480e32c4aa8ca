package sim

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// newServer starts a Simulator behind an httptest server.
func newServer(t testing.TB, cfg Config) (*Simulator, *httptest.Server) {
	t.Helper()
	s := New(cfg)
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	return s, ts
}

type result struct {
	status int
	header http.Header
	body   []byte
	err    error // error reading the body
}

// do sends a request and reads the whole answer.
func do(t *testing.T, method, url string, header map[string]string, body string) result {
	t.Helper()
	return doCtx(t, context.Background(), method, url, header, body)
}

func doCtx(t *testing.T, ctx context.Context, method, url string, header map[string]string, body string) result {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, rerr := io.ReadAll(resp.Body)
	return result{status: resp.StatusCode, header: resp.Header, body: b, err: rerr}
}

var bearer = map[string]string{"Authorization": "Bearer sk-test", "Content-Type": "application/json"}

var gkey = map[string]string{"x-goog-api-key": "test-key", "Content-Type": "application/json"}

func with(h map[string]string, kv ...string) map[string]string {
	out := make(map[string]string, len(h)+len(kv)/2)
	for k, v := range h {
		out[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		out[kv[i]] = kv[i+1]
	}
	return out
}

func chatBody(model, prompt string, extra string) string {
	b, _ := json.Marshal(prompt)
	if extra != "" {
		extra = "," + extra
	}
	return `{"model":"` + model + `","messages":[{"role":"system","content":"You are terse."},{"role":"user","content":` + string(b) + `}]` + extra + `}`
}

func geminiBody(prompt string, extra string) string {
	b, _ := json.Marshal(prompt)
	if extra != "" {
		extra = "," + extra
	}
	return `{"systemInstruction":{"parts":[{"text":"You are terse."}]},"contents":[{"role":"user","parts":[{"text":` + string(b) + `}]}]` + extra + `}`
}

// sseEvents splits a stream into events the way SSE parsers (and genai's
// scanner) do: on a blank line, "\n\n" or "\r\n\r\n".
func sseEvents(b []byte) []string {
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Split(func(data []byte, atEOF bool) (int, []byte, error) {
		if atEOF && len(data) == 0 {
			return 0, nil, nil
		}
		if i := bytes.Index(data, []byte("\r\n\r\n")); i >= 0 {
			return i + 4, data[:i], nil
		}
		if i := bytes.Index(data, []byte("\n\n")); i >= 0 {
			return i + 2, data[:i], nil
		}
		if atEOF {
			return len(data), data, nil
		}
		return 0, nil, nil
	})
	var out []string
	for sc.Scan() {
		out = append(out, sc.Text())
	}
	return out
}

// dataOf returns the payload of a "data: " event, or false.
func dataOf(ev string) (string, bool) {
	return strings.CutPrefix(ev, "data: ")
}

func decode(t *testing.T, b []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("decode %s: %v", b, err)
	}
}

// errBody is a superset of the three providers' error formats.
type errBody struct {
	Error struct {
		Message string          `json:"message"`
		Type    string          `json:"type"`
		Param   *string         `json:"param"`
		Code    json.RawMessage `json:"code"`
		Status  string          `json:"status"`
		Details []struct {
			Type       string            `json:"@type"`
			RetryDelay string            `json:"retryDelay"`
			Reason     string            `json:"reason"`
			Domain     string            `json:"domain"`
			Metadata   map[string]string `json:"metadata"`
			Violations []json.RawMessage `json:"violations"`
			Links      []json.RawMessage `json:"links"`
		} `json:"details"`
		Metadata map[string]json.RawMessage `json:"metadata"`
	} `json:"error"`
}

// waitFor polls cond until it holds or a deadline passes.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
