package openaiprovider

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	sdk "github.com/llmgw/llmgw/sdk/go"
)

// testKey is the API key the tests configure; it must never show up in an
// error message.
const testKey = "sk-test-Zk3pQ9xLmW2vR8tY6uB1nC4dF7gH0jKe"

// reply is what the fake upstream answers: a recorded payload from testdata.
type reply struct {
	status      int
	file        string // under testdata/
	body        string // used when file is empty
	contentType string
	headers     map[string]string
}

// seen is one request the fake upstream received.
type seen struct {
	url    string // path and query
	header http.Header
	body   map[string]any
	raw    string
}

// upstream is an httptest server replaying recorded payloads. SSE payloads
// are written one event at a time, flushed, like a real API streams.
type upstream struct {
	*httptest.Server
	mu    sync.Mutex
	reqs  []seen
	reply reply
}

func newUpstream(t testing.TB, r reply) *upstream {
	t.Helper()
	u := &upstream{reply: r}
	u.Server = httptest.NewServer(http.HandlerFunc(u.serve))
	t.Cleanup(u.Close)
	return u
}

func (u *upstream) serve(w http.ResponseWriter, r *http.Request) {
	raw, _ := io.ReadAll(r.Body)
	var body map[string]any
	_ = json.Unmarshal(raw, &body)
	u.mu.Lock()
	u.reqs = append(u.reqs, seen{url: r.URL.RequestURI(), header: r.Header.Clone(), body: body, raw: string(raw)})
	rep := u.reply
	u.mu.Unlock()

	payload := []byte(rep.body)
	if rep.file != "" {
		var err error
		payload, err = os.ReadFile(filepath.Join("testdata", rep.file))
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
	}
	ct := rep.contentType
	if ct == "" {
		ct = "application/json"
		if strings.HasSuffix(rep.file, ".sse") {
			ct = "text/event-stream"
		}
		if strings.HasSuffix(rep.file, ".html") {
			ct = "text/html"
		}
	}
	w.Header().Set("Content-Type", ct)
	for k, v := range rep.headers {
		w.Header().Set(k, v)
	}
	status := rep.status
	if status == 0 {
		status = 200
	}
	w.WriteHeader(status)
	if ct != "text/event-stream" {
		_, _ = w.Write(payload)
		return
	}
	// Stream event by event.
	fl := w.(http.Flusher)
	for len(payload) > 0 {
		i := strings.Index(string(payload), "\n\n")
		n := len(payload)
		if i >= 0 {
			n = i + 2
		}
		_, _ = w.Write(payload[:n])
		fl.Flush()
		payload = payload[n:]
	}
}

func (u *upstream) last(t *testing.T) seen {
	t.Helper()
	u.mu.Lock()
	defer u.mu.Unlock()
	if len(u.reqs) == 0 {
		t.Fatal("the upstream received no request")
	}
	return u.reqs[len(u.reqs)-1]
}

// newTestProvider configures an instance named name with the JSON config.
func newTestProvider(t testing.TB, name, configJSON string) *Provider {
	t.Helper()
	p, err := newProvider(sdk.Config{Name: name, InstanceID: name + "@1", Kind: sdk.KindProvider, Raw: []byte(configJSON)})
	if err != nil {
		t.Fatalf("configure %s: %v", name, err)
	}
	t.Cleanup(func() { _ = p.Close() })
	return p
}

func configFor(u *upstream, extra string) string {
	cfg := `{"api_key":"` + testKey + `","base_url":"` + u.URL + `/v1"`
	if extra != "" {
		cfg += "," + extra
	}
	return cfg + "}"
}

func f64(v float64) *float64 { return &v }
func i32(v int32) *int32     { return &v }
func i64(v int64) *int64     { return &v }

func chatReq(model string) *sdk.CompleteRequest {
	return &sdk.CompleteRequest{
		RequestId:     "req-1",
		UpstreamModel: model,
		Request: &sdk.ChatRequest{
			Model:    "gpt-4o-primary",
			Messages: []*sdk.Message{{Role: "system", Content: "Be brief."}, {Role: "user", Content: "What is the capital of France?"}},
		},
	}
}

// collect runs Stream and gathers the chunks it sends.
func collect(ctx context.Context, p *Provider, req *sdk.CompleteRequest) ([]*sdk.StreamChunk, error) {
	var chunks []*sdk.StreamChunk
	err := p.Stream(ctx, req, func(c *sdk.StreamChunk) error {
		chunks = append(chunks, c)
		return nil
	})
	return chunks, err
}

// providerError asserts err is a classified error and returns it.
func providerError(t *testing.T, err error) *sdk.ProviderError {
	t.Helper()
	if err == nil {
		t.Fatal("expected an error, got none")
	}
	var e *sdk.Error
	if !errors.As(err, &e) {
		t.Fatalf("not a classified error: %T %v", err, err)
	}
	if strings.Contains(e.PE.Message, testKey) || strings.Contains(e.Error(), testKey) {
		t.Fatalf("the API key leaked into an error: %q", e.PE.Message)
	}
	return e.PE
}

func withTimeout(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}
