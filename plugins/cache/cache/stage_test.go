package cache

import (
	"context"
	"encoding/json"
	"hash/fnv"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	sdk "github.com/llmgw/llmgw/sdk/go"
	pb "github.com/llmgw/llmgw/sdk/go/proto/llmgw/v1"
)

func newStage(t *testing.T, cfg string) *Stage {
	t.Helper()
	st, err := New(sdk.Config{Name: "cache", Kind: sdk.KindStage, Raw: []byte(cfg), Host: &pb.HostInfo{Models: []string{"m", "other"}}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.(*Stage).Close() })
	return st.(*Stage)
}

func zero() *float64 { z := 0.0; return &z }

func chatReq(prompt string) *pb.ChatRequest {
	return &pb.ChatRequest{Model: "m", Temperature: zero(), Messages: []*pb.Message{{Role: "system", Content: "be brief"}, {Role: "user", Content: prompt}}}
}

// roundTrip runs Process and, when it did not answer, After with a
// provider's answer; it returns Process's response.
func roundTrip(t *testing.T, s *Stage, req *pb.ChatRequest, headers, annotations map[string]string, answer string) *sdk.StageResponse {
	t.Helper()
	resp, err := s.Process(context.Background(), &sdk.StageRequest{Route: "chat", Request: req, Headers: headers, Annotations: annotations})
	if err != nil {
		t.Fatal(err)
	}
	if resp.Action == pb.StageResponse_ANSWER {
		return resp
	}
	all := map[string]string{}
	for k, v := range annotations {
		all[k] = v
	}
	for k, v := range resp.Annotations {
		all[k] = v
	}
	err = s.After(context.Background(), &sdk.StageAfterRequest{Route: "chat", Request: req, Ok: true, Annotations: all, CostNanos: 2500, CostKnown: true,
		Response: &pb.CompleteResponse{Content: answer, FinishReason: "stop", Usage: &pb.Usage{TotalTokens: 9}}})
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

func TestExactHitMissBypass(t *testing.T) {
	s := newStage(t, `{}`)
	keyA := map[string]string{"key.id": "vk_a"}
	if r := roundTrip(t, s, chatReq("capital of France?"), nil, keyA, "Paris"); r.ResponseHeaders[HeaderCache] != "miss" {
		t.Fatalf("first: %+v", r)
	}
	r := roundTrip(t, s, chatReq("capital of France?"), nil, keyA, "unused")
	if r.Action != pb.StageResponse_ANSWER || r.Answer.Chat.Content != "Paris" || r.ResponseHeaders[HeaderCache] != "hit" ||
		r.Answer.SavedCostNanos != 2500 || !r.Answer.SavedCostKnown {
		t.Fatalf("second: %+v", r)
	}
	// A stream of the same question is the same entry.
	streamed := chatReq("capital of France?")
	streamed.Stream, streamed.IncludeUsage = true, true
	if r := roundTrip(t, s, streamed, nil, keyA, "unused"); r.Action != pb.StageResponse_ANSWER {
		t.Fatal("a streamed request must hit the plain one's entry")
	}
	// Another virtual key never sees it.
	if r := roundTrip(t, s, chatReq("capital of France?"), nil, map[string]string{"key.id": "vk_b"}, "Paris for b"); r.Action == pb.StageResponse_ANSWER {
		t.Fatal("key b got key a's answer")
	}
	// No-cache skips the lookup (bypass) but stores the new answer.
	if r := roundTrip(t, s, chatReq("capital of France?"), map[string]string{"cache-control": "no-cache"}, keyA, "Paris, fresh"); r.Action == pb.StageResponse_ANSWER || r.ResponseHeaders[HeaderCache] != "bypass" {
		t.Fatalf("no-cache: %+v", r)
	}
	if r := roundTrip(t, s, chatReq("capital of France?"), nil, keyA, ""); r.Answer.GetChat().GetContent() != "Paris, fresh" {
		t.Fatalf("no-cache's answer was not stored: %+v", r)
	}
	// No-store: looked up, never stored.
	if r := roundTrip(t, s, chatReq("capital of Spain?"), map[string]string{"cache-control": "no-store"}, keyA, "Madrid"); r.ResponseHeaders[HeaderCache] != "miss" || r.Annotations[annotationKey] != "" {
		t.Fatalf("no-store: %+v", r)
	}
	if r := roundTrip(t, s, chatReq("capital of Spain?"), nil, keyA, "Madrid"); r.Action == pb.StageResponse_ANSWER {
		t.Fatal("a no-store answer was stored")
	}
	// Not deterministic: bypass.
	warm := chatReq("capital of Italy?")
	warm.Temperature = nil
	for range 2 {
		if r := roundTrip(t, s, warm, nil, keyA, "Rome"); r.Action == pb.StageResponse_ANSWER || r.ResponseHeaders[HeaderCache] != "bypass" {
			t.Fatalf("temperature unset: %+v", r)
		}
	}
	seeded := chatReq("capital of Italy?")
	seeded.Temperature, seeded.Seed = nil, new(int64)
	roundTrip(t, s, seeded, nil, keyA, "Rome")
	if r := roundTrip(t, s, seeded, nil, keyA, ""); r.Action != pb.StageResponse_ANSWER {
		t.Fatal("a seeded request is deterministic")
	}
}

func TestEveryAnswerChangingFieldChangesTheKey(t *testing.T) {
	base := chatReq("q")
	key := exactKey("key:a", base)
	change := map[string]func(*pb.ChatRequest){
		"model":           func(r *pb.ChatRequest) { r.Model = "other" },
		"system prompt":   func(r *pb.ChatRequest) { r.Messages[0].Content = "be long" },
		"temperature":     func(r *pb.ChatRequest) { v := 0.5; r.Temperature = &v },
		"max_tokens":      func(r *pb.ChatRequest) { v := int32(5); r.MaxTokens = &v },
		"stop":            func(r *pb.ChatRequest) { r.Stop = []string{"x"} },
		"tools":           func(r *pb.ChatRequest) { r.Tools = []*pb.Tool{{Type: "function", Name: "f"}} },
		"tool_choice":     func(r *pb.ChatRequest) { r.ToolChoice = &pb.ToolChoice{Mode: "required"} },
		"response_format": func(r *pb.ChatRequest) { r.ResponseFormat = "json_object" },
		"json_schema":     func(r *pb.ChatRequest) { r.JsonSchema = &pb.JsonSchema{Name: "s", SchemaJson: "{}"} },
		"image part": func(r *pb.ChatRequest) {
			r.Messages[1].Parts = []*pb.ContentPart{{Type: "image_url", ImageUrl: "https://x/y.png"}}
		},
		"tool call": func(r *pb.ChatRequest) {
			r.Messages[1].ToolCalls = []*pb.ToolCall{{Id: "c", Name: "f", Arguments: "{}"}}
		},
		"logit_bias": func(r *pb.ChatRequest) { r.LogitBias = map[string]float64{"1": 5} },
	}
	for name, f := range change {
		r := chatReq("q")
		f(r)
		if exactKey("key:a", r) == key {
			t.Errorf("%s does not change the key", name)
		}
	}
	same := chatReq("q")
	same.Stream, same.IncludeUsage, same.User = true, true, "end-user-1"
	same.Metadata = map[string]string{"feature": "search"}
	if exactKey("key:a", same) != key {
		t.Error("stream, include_usage, user or metadata changed the key")
	}
	if exactKey("key:b", base) == key {
		t.Error("the namespace does not change the key")
	}
}

func TestOnlyCompleteProviderAnswersAreStored(t *testing.T) {
	s := newStage(t, `{}`)
	for name, after := range map[string]*sdk.StageAfterRequest{
		"failed":           {Ok: false},
		"no response":      {Ok: true},
		"no finish reason": {Ok: true, Response: &pb.CompleteResponse{Content: "half"}},
		"tool_calls lost":  {Ok: true, Response: &pb.CompleteResponse{FinishReason: "tool_calls"}},
		"answered by us":   {Ok: true, AnsweredBy: "cache", Response: &pb.CompleteResponse{Content: "x", FinishReason: "stop"}},
	} {
		req := chatReq(name)
		resp, _ := s.Process(context.Background(), &sdk.StageRequest{Route: "chat", Request: req})
		after.Request, after.Annotations = req, resp.Annotations
		if err := s.After(context.Background(), after); err != nil {
			t.Fatal(err)
		}
		if r, _ := s.Process(context.Background(), &sdk.StageRequest{Route: "chat", Request: req}); r.Action == pb.StageResponse_ANSWER {
			t.Errorf("%s: stored", name)
		}
	}
}

func TestConfigErrorsNameTheField(t *testing.T) {
	for cfg, field := range map[string]string{
		`{"ttl":"0s"}`:                  "ttl",
		`{"max_entries":0}`:             "max_entries",
		`{"models":["nope"]}`:           "models",
		`{"redis_url":"http://x"}`:      "redis_url",
		`{"semantic":{"models":["m"]}}`: "semantic.embeddings_url",
		`{"semantic":{"models":["m"],"embeddings_url":"http://127.0.0.1:1/v1/embeddings","embeddings_model":"e","threshold":1.5}}`: "semantic.threshold",
		`{"unknown":1}`: "unknown",
	} {
		_, err := New(sdk.Config{Raw: []byte(cfg), Host: &pb.HostInfo{Models: []string{"m"}}})
		if err == nil || !sdk.IsConfigError(err) || !strings.Contains(err.Error(), field) {
			t.Errorf("%s: %v", cfg, err)
		}
	}
}

// embeddingsServer is an OpenAI-compatible embeddings endpoint whose
// vectors are bags of words (hashed into 64 dimensions): questions sharing
// most words are close.
func embeddingsServer(t *testing.T) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body struct {
			Input []string `json:"input"`
		}
		if json.NewDecoder(r.Body).Decode(&body) != nil || len(body.Input) != 1 || r.Header.Get("Authorization") != "Bearer emb-key" {
			http.Error(w, "bad", 400)
			return
		}
		v := make([]float32, 64)
		for _, w := range strings.Fields(strings.ToLower(body.Input[0])) {
			h := fnv.New32a()
			h.Write([]byte(strings.Trim(w, "?!.,")))
			v[h.Sum32()%64]++
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"data": []map[string]any{{"index": 0, "embedding": v}}})
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestSemanticHitAboveTheThresholdOnly(t *testing.T) {
	srv := embeddingsServer(t)
	s := newStage(t, `{"semantic":{"models":["m"],"threshold":0.85,"embeddings_url":"`+srv.URL+`","embeddings_model":"e","api_key":"emb-key"}}`)
	keyA := map[string]string{"key.id": "vk_a"}
	roundTrip(t, s, chatReq("what is the capital city of France?"), nil, keyA, "Paris")
	r := roundTrip(t, s, chatReq("so what is the capital city of France"), nil, keyA, "unused")
	if r.Action != pb.StageResponse_ANSWER || r.Answer.Chat.Content != "Paris" || r.ResponseHeaders[HeaderSimilarity] == "" {
		t.Fatalf("paraphrase: %+v", r)
	}
	if r := roundTrip(t, s, chatReq("what is the tallest mountain of Nepal?"), nil, keyA, "Everest"); r.Action == pb.StageResponse_ANSWER {
		t.Fatalf("another question answered from the cache: %+v", r)
	}
	// Another key, or another system prompt, never matches.
	if r := roundTrip(t, s, chatReq("what is the capital city of France"), nil, map[string]string{"key.id": "vk_b"}, "x"); r.Action == pb.StageResponse_ANSWER {
		t.Fatal("key b got a semantic hit from key a")
	}
	other := chatReq("what is the capital city of France")
	other.Messages[0].Content = "answer in German"
	if r := roundTrip(t, s, other, nil, keyA, "x"); r.Action == pb.StageResponse_ANSWER {
		t.Fatal("another system prompt got a semantic hit")
	}
}

// embedTrip runs Process for an embeddings request and, when it did not
// answer, After with a provider's vectors (one per input).
func embedTrip(t *testing.T, s *Stage, e *pb.EmbeddingsRequest, annotations map[string]string, value float32) *sdk.StageResponse {
	t.Helper()
	resp, err := s.Process(context.Background(), &sdk.StageRequest{Route: "embeddings", Embeddings: e, Annotations: annotations})
	if err != nil {
		t.Fatal(err)
	}
	if resp.Action == pb.StageResponse_ANSWER {
		return resp
	}
	all := map[string]string{}
	for k, v := range annotations {
		all[k] = v
	}
	for k, v := range resp.Annotations {
		all[k] = v
	}
	out := &pb.EmbedResponse{Model: "text-embedding-3-small", Usage: &pb.Usage{PromptTokens: 4, TotalTokens: 4}}
	for i := range e.Input {
		out.Data = append(out.Data, &pb.Embedding{Index: int32(i), Values: []float32{value, 1 - value}})
	}
	if err := s.After(context.Background(), &sdk.StageAfterRequest{Route: "embeddings", Embeddings: e, Ok: true, Annotations: all,
		CostNanos: 80, CostKnown: true, EmbeddingsResponse: out}); err != nil {
		t.Fatal(err)
	}
	return resp
}

// TestEmbeddingsAreCached: an embeddings answer is kept and answered again
// — whatever encoding the client asks for — per key, never across keys or
// inputs.
func TestEmbeddingsAreCached(t *testing.T) {
	s := newStage(t, `{}`)
	keyA := map[string]string{"key.id": "vk_a"}
	req := func(format string, input ...string) *pb.EmbeddingsRequest {
		return &pb.EmbeddingsRequest{Model: "m", Input: input, EncodingFormat: format}
	}
	if r := embedTrip(t, s, req("float", "a", "b"), keyA, 0.25); r.Action == pb.StageResponse_ANSWER || r.ResponseHeaders[HeaderCache] != "miss" {
		t.Fatalf("first: %+v", r)
	}
	r := embedTrip(t, s, req("base64", "a", "b"), keyA, 0.9)
	if r.Action != pb.StageResponse_ANSWER || r.Answer.Chat != nil || len(r.Answer.Embeddings.GetData()) != 2 ||
		r.Answer.Embeddings.Data[1].Values[0] != 0.25 || r.Answer.SavedCostNanos != 80 {
		t.Fatalf("second: %+v", r)
	}
	if r := embedTrip(t, s, req("float", "a", "b"), map[string]string{"key.id": "vk_b"}, 0.5); r.Action == pb.StageResponse_ANSWER {
		t.Fatal("key b got key a's vectors")
	}
	if r := embedTrip(t, s, req("float", "a", "c"), keyA, 0.5); r.Action == pb.StageResponse_ANSWER {
		t.Fatal("other inputs got the cached vectors")
	}
	// A chat request with the same words is another entry.
	if r := roundTrip(t, s, chatReq("a"), nil, keyA, "x"); r.Action == pb.StageResponse_ANSWER {
		t.Fatal("a chat request hit an embeddings entry")
	}
}

// TestAnExactHitIsAlreadyASemanticOne: an answer's question is indexed
// before the answer is stored, so a client that sees an exact hit can count
// on a paraphrase hitting too (the end-to-end test raced on this when the
// embeddings call was slow).
func TestAnExactHitIsAlreadyASemanticOne(t *testing.T) {
	var calls atomic.Int32
	arrived, release := make(chan struct{}), make(chan struct{})
	bags := embeddingsServer(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 2 { // the After's indexing call
			close(arrived)
			<-release
		}
		proxy, err := http.NewRequest(http.MethodPost, bags.URL, r.Body)
		if err != nil {
			t.Error(err)
			return
		}
		proxy.Header.Set("Authorization", r.Header.Get("Authorization"))
		resp, err := http.DefaultClient.Do(proxy)
		if err != nil {
			t.Error(err)
			return
		}
		defer resp.Body.Close()
		w.WriteHeader(resp.StatusCode)
		_, _ = io.Copy(w, resp.Body)
	}))
	t.Cleanup(srv.Close)
	s := newStage(t, `{"semantic":{"models":["m"],"threshold":0.85,"embeddings_url":"`+srv.URL+`","embeddings_model":"e","api_key":"emb-key"}}`)
	keyA := map[string]string{"key.id": "vk_a"}
	req := chatReq("what is the capital city of France?")
	miss, err := s.Process(context.Background(), &sdk.StageRequest{Route: "chat", Request: req, Annotations: keyA})
	if err != nil || miss.Action == pb.StageResponse_ANSWER {
		t.Fatalf("first request: %+v, %v", miss, err)
	}
	all := map[string]string{"key.id": "vk_a"}
	for k, v := range miss.Annotations {
		all[k] = v
	}
	done := make(chan error, 1)
	go func() {
		done <- s.After(context.Background(), &sdk.StageAfterRequest{Route: "chat", Request: req, Ok: true, Annotations: all,
			Response: &pb.CompleteResponse{Content: "Paris", FinishReason: "stop"}})
	}()
	<-arrived
	// While the question is being indexed, the answer is not served yet.
	if r, err := s.Process(context.Background(), &sdk.StageRequest{Route: "chat", Request: req, Annotations: keyA}); err != nil || r.Action == pb.StageResponse_ANSWER {
		t.Errorf("an exact hit before its question was indexed: %+v, %v", r, err)
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	r, err := s.Process(context.Background(), &sdk.StageRequest{Route: "chat", Request: chatReq("so what is the capital city of France"), Annotations: keyA})
	if err != nil || r.Action != pb.StageResponse_ANSWER || r.Answer.Chat.Content != "Paris" {
		t.Fatalf("paraphrase after the exact answer was stored: %+v, %v", r, err)
	}
}
