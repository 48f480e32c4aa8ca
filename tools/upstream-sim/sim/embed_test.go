package sim

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"math"
	"net/http"
	"strings"
	"testing"
	"time"
)

func norm(v []float32) float64 {
	var s float64
	for _, x := range v {
		s += float64(x) * float64(x)
	}
	return math.Sqrt(s)
}

func TestVectorIsFixedUnitAndNested(t *testing.T) {
	a := Vector("text-embedding-3-small", "hello", 0)
	b := Vector("text-embedding-3-small", "hello", 0)
	if len(a) != 1536 || math.Abs(norm(a)-1) > 1e-5 {
		t.Fatalf("len %d norm %v", len(a), norm(a))
	}
	for i := range a {
		if a[i] != b[i] {
			t.Fatal("the same text gave two vectors")
		}
	}
	if c := Vector("text-embedding-3-small", "hello!", 0); c[0] == a[0] && c[1] == a[1] {
		t.Error("two texts gave the same vector")
	}
	short := Vector("text-embedding-3-small", "hello", 256)
	if len(short) != 256 || math.Abs(norm(short)-1) > 1e-5 {
		t.Fatalf("short: len %d norm %v", len(short), norm(short))
	}
	// The short vector is the full one's prefix, rescaled: same direction.
	scale := float64(short[0]) / float64(a[0])
	for i := range short {
		if math.Abs(float64(short[i])-scale*float64(a[i])) > 1e-5 {
			t.Fatalf("component %d is not the prefix's", i)
		}
	}
	for model, dims := range map[string]int{"text-embedding-3-large": 3072, "gemini-embedding-001": 3072, "models/text-embedding-004": 768} {
		if n := len(Vector(model, "x", 0)); n != dims {
			t.Errorf("%s: %d dims, want %d", model, n, dims)
		}
	}
}

func TestOpenAIEmbeddings(t *testing.T) {
	s, ts := newServer(t, Config{})
	r := do(t, "POST", ts.URL+"/v1/embeddings", bearer, `{"model":"text-embedding-3-small","input":["one two","three"],"dimensions":64}`)
	if r.status != 200 {
		t.Fatalf("%d %s", r.status, r.body)
	}
	var resp struct {
		Object string `json:"object"`
		Data   []struct {
			Object    string    `json:"object"`
			Index     int       `json:"index"`
			Embedding []float32 `json:"embedding"`
		} `json:"data"`
		Usage struct {
			PromptTokens int `json:"prompt_tokens"`
			TotalTokens  int `json:"total_tokens"`
		} `json:"usage"`
	}
	decode(t, r.body, &resp)
	if resp.Object != "list" || len(resp.Data) != 2 || resp.Data[1].Index != 1 || len(resp.Data[1].Embedding) != 64 || resp.Usage.PromptTokens != 3 || resp.Usage.TotalTokens != 3 {
		t.Fatalf("answer: %s", r.body)
	}
	want := Vector("text-embedding-3-small", "three", 64)
	if resp.Data[1].Embedding[5] != want[5] {
		t.Error("the answer is not the text's vector")
	}

	r = do(t, "POST", ts.URL+"/v1/embeddings", bearer, `{"model":"text-embedding-3-small","input":"three","encoding_format":"base64"}`)
	var b64 struct {
		Data []struct {
			Embedding string `json:"embedding"`
		} `json:"data"`
	}
	decode(t, r.body, &b64)
	raw, err := base64.StdEncoding.DecodeString(b64.Data[0].Embedding)
	if err != nil || len(raw) != 4*1536 {
		t.Fatalf("base64: %v, %d bytes", err, len(raw))
	}
	full := Vector("text-embedding-3-small", "three", 0)
	if got := math.Float32frombits(binary.LittleEndian.Uint32(raw[8:])); got != full[2] {
		t.Errorf("base64 component 2 = %v, want %v", got, full[2])
	}

	for _, body := range []string{
		`{"model":"text-embedding-3-small","input":""}`,
		`{"model":"text-embedding-3-small","input":[]}`,
		`{"model":"text-embedding-3-small","input":"x","dimensions":5000}`,
		`{"model":"text-embedding-ada-002","input":"x","dimensions":64}`,
	} {
		if r := do(t, "POST", ts.URL+"/v1/embeddings", bearer, body); r.status != 400 {
			t.Errorf("%s: %d %s", body, r.status, r.body)
		}
	}
	r = do(t, "POST", ts.URL+"/v1/embeddings", bearer, `{"model":"text-embedding-3-small","input":[[1,2,3],[4]]}`)
	decode(t, r.body, &resp)
	if r.status != 200 || len(resp.Data) != 2 || resp.Usage.PromptTokens != 4 {
		t.Errorf("token arrays: %d %.300s", r.status, r.body)
	}
	if st := s.Stats(); st.Requests != 7 || st.ByPath["/v1/embeddings"] != 7 {
		t.Errorf("stats: %+v", st)
	}
}

func TestGeminiEmbeddings(t *testing.T) {
	_, ts := newServer(t, Config{})
	body := `{"requests":[{"model":"models/gemini-embedding-001","content":{"parts":[{"text":"alpha"}]},"outputDimensionality":768},` +
		`{"model":"models/gemini-embedding-001","content":{"parts":[{"text":"beta"}]},"outputDimensionality":768}]}`
	r := do(t, "POST", ts.URL+"/v1beta/models/gemini-embedding-001:batchEmbedContents", gkey, body)
	if r.status != 200 {
		t.Fatalf("%d %s", r.status, r.body)
	}
	var resp struct {
		Embeddings []struct {
			Values []float32 `json:"values"`
		} `json:"embeddings"`
	}
	decode(t, r.body, &resp)
	if len(resp.Embeddings) != 2 || len(resp.Embeddings[0].Values) != 768 || resp.Embeddings[1].Values[3] != Vector("gemini-embedding-001", "beta", 768)[3] {
		t.Fatalf("answer: %.200s", r.body)
	}
	r = do(t, "POST", ts.URL+"/v1beta/models/text-embedding-004:embedContent", gkey, `{"content":{"parts":[{"text":"alpha"}]}}`)
	var one struct {
		Embedding struct {
			Values []float32 `json:"values"`
		} `json:"embedding"`
	}
	decode(t, r.body, &one)
	if r.status != 200 || len(one.Embedding.Values) != 768 {
		t.Fatalf("embedContent: %d %.200s", r.status, r.body)
	}
	many := `{"requests":[` + strings.Repeat(`{"model":"models/gemini-embedding-001","content":{"parts":[{"text":"a"}]}},`, 101)
	many = strings.TrimSuffix(many, ",") + `]}`
	if r := do(t, "POST", ts.URL+"/v1beta/models/gemini-embedding-001:batchEmbedContents", gkey, many); r.status != 400 || !strings.Contains(string(r.body), "at most 100 requests") {
		t.Errorf("101 requests: %d %s", r.status, r.body)
	}
}

// embedRoutes are the embeddings routes every fault applies to.
func embedRoutes() []route {
	return []route{
		{"openai", "/v1/embeddings", `{"model":"text-embedding-3-small","input":["a","b"]}`, bearer},
		{"openrouter", "/api/v1/embeddings", `{"model":"openai/text-embedding-3-small","input":"a"}`, bearer},
		{"gemini-batch", "/v1beta/models/gemini-embedding-001:batchEmbedContents", `{"requests":[{"model":"models/gemini-embedding-001","content":{"parts":[{"text":"a"}]}}]}`, gkey},
		{"gemini-one", "/v1beta/models/gemini-embedding-001:embedContent", `{"content":{"parts":[{"text":"a"}]}}`, gkey},
	}
}

func TestEmbeddingFaults(t *testing.T) {
	for _, f := range Faults {
		_, ts := newServer(t, Config{Fault: f})
		for _, rt := range embedRoutes() {
			name := string(f) + "/" + rt.name
			if f == FaultTimeout || f == FaultStall {
				ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
				req, _ := http.NewRequestWithContext(ctx, "POST", ts.URL+rt.path, strings.NewReader(rt.body))
				for k, v := range rt.header {
					req.Header.Set(k, v)
				}
				resp, err := http.DefaultClient.Do(req)
				cancel()
				if err == nil {
					resp.Body.Close()
					t.Errorf("%s: answered %d", name, resp.StatusCode)
				} else if !errors.Is(err, context.DeadlineExceeded) {
					t.Errorf("%s: %v", name, err)
				}
				continue
			}
			r := do(t, "POST", ts.URL+rt.path, rt.header, rt.body)
			body := string(r.body)
			switch f {
			case FaultNone:
				if r.status != 200 || !strings.Contains(body, "0.") {
					t.Errorf("%s: %d %.100s", name, r.status, body)
				}
			case FaultCutStream:
				if r.err == nil {
					t.Errorf("%s: the body was not cut", name)
				}
			case FaultMalformed:
				if r.status != 200 || !strings.Contains(body, "not json") {
					t.Errorf("%s: %d %.100s", name, r.status, body)
				}
			case FaultErrorIn200, FaultMidstreamError:
				if r.status != 200 || !strings.Contains(body, `"error"`) {
					t.Errorf("%s: %d %.100s", name, r.status, body)
				}
			case FaultEmptyCandidate, FaultEmptyStop:
				if r.status != 200 || strings.Contains(body, "0.") {
					t.Errorf("%s: want an answer without vectors: %d %.100s", name, r.status, body)
				}
			default:
				if r.status < 400 || !strings.Contains(body, `"error"`) {
					t.Errorf("%s: %d %.100s", name, r.status, body)
				}
			}
		}
		ts.Close()
	}
}

// TestEmbeddingAnswersAreOneDocument: every embeddings route answers one
// JSON document (the OpenRouter route once went on after its answer and
// appended a 404 error body).
func TestEmbeddingAnswersAreOneDocument(t *testing.T) {
	_, ts := newServer(t, Config{})
	for _, rt := range embedRoutes() {
		r := do(t, "POST", ts.URL+rt.path, rt.header, rt.body)
		dec := json.NewDecoder(bytes.NewReader(r.body))
		var v any
		if r.status != 200 || dec.Decode(&v) != nil || dec.More() {
			t.Errorf("%s: %d %s", rt.name, r.status, r.body)
		}
	}
}
