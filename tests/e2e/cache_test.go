package e2e

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// cacheHCL is a pipeline with the virtual-keys stage (keys required when
// requireKeys) and the cache stage whose config is cfg.
func cacheHCL(s *sim, requireKeys bool, cfg string) string {
	req := "0"
	if requireKeys {
		req = "1"
	}
	return providersHCL(s) + fmt.Sprintf(`
plugin "virtual-keys" {
  path = %q
}

plugin "cache" {
  path = %q
}

pipeline "default" {
  stage "keys" {
    plugin   = "virtual-keys"
    on_error = "fail_closed"
    timeout  = "1s"
    config   = { require_keys = %q }
  }

  stage "cache" {
    plugin   = "cache"
    on_error = "fail_open"
    timeout  = "1s"
    config   = %s
  }
}
`, binPath("plugins/virtual-keys"), binPath("plugins/cache"), req, cfg)
}

// chatBody is a temperature-0 chat request.
func chatBody(prompt string, stream bool) map[string]any {
	return map[string]any{"model": "gpt-4o-primary", "temperature": 0, "max_tokens": 30, "stream": stream,
		"messages": []map[string]string{{"role": "system", "content": "Be brief."}, {"role": "user", "content": prompt}}}
}

// timedChat sends one chat request and returns the answer and its latency.
func timedChat(t testing.TB, g *gateway, body map[string]any, header map[string]string) (reply, time.Duration) {
	t.Helper()
	start := time.Now()
	r := postJSON(t, g.url()+"/v1/chat/completions", body, header)
	return r, time.Since(start)
}

func chatContent(t testing.TB, r reply) string {
	t.Helper()
	if r.status != 200 {
		t.Fatalf("chat: %d %s", r.status, r.body)
	}
	var m struct {
		Choices []struct {
			Message struct {
				Content string `json:"content"`
			} `json:"message"`
		} `json:"choices"`
	}
	if err := json.Unmarshal(r.body, &m); err != nil || len(m.Choices) != 1 {
		t.Fatalf("chat answer: %v %s", err, r.body)
	}
	return m.Choices[0].Message.Content
}

// streamContent joins a chat stream's content deltas; it fails unless the
// stream ends with [DONE].
func streamContent(t testing.TB, r reply) string {
	t.Helper()
	ev := sseEvents(r.body)
	if r.status != 200 || len(ev) < 2 || ev[len(ev)-1] != "[DONE]" {
		t.Fatalf("stream: %d %s", r.status, r.body)
	}
	var b strings.Builder
	for _, e := range ev[:len(ev)-1] {
		var c struct {
			Object  string `json:"object"`
			Choices []struct {
				Delta struct {
					Content string `json:"content"`
				} `json:"delta"`
			} `json:"choices"`
		}
		if err := json.Unmarshal([]byte(e), &c); err != nil || c.Object != "chat.completion.chunk" {
			t.Fatalf("stream event %q: %v", e, err)
		}
		for _, ch := range c.Choices {
			b.WriteString(ch.Delta.Content)
		}
	}
	return b.String()
}

// untilHit repeats a request until the cache answers it (the answer is
// stored just after the first one was written) and returns that answer.
func untilHit(t testing.TB, g *gateway, body map[string]any, header map[string]string) reply {
	t.Helper()
	var r reply
	waitFor(t, "the answer to be cached", 5*time.Second, func() bool {
		r, _ = timedChat(t, g, body, header)
		return r.header.Get("X-LLMGW-Cache") == "hit"
	})
	return r
}

func TestCacheHitNeverReachesTheProvider(t *testing.T) {
	s := startSim(t, "--latency", "300ms")
	g := startGateway(t, writePipeline(t, cacheHCL(s, false, `{ ttl = "1m" }`)))

	first, missTook := timedChat(t, g, chatBody("What is the capital of France?", false), nil)
	if first.header.Get("X-LLMGW-Cache") != "miss" || missTook < 300*time.Millisecond {
		t.Fatalf("first request: cache %q after %v", first.header.Get("X-LLMGW-Cache"), missTook)
	}
	want := chatContent(t, first)
	untilHit(t, g, chatBody("What is the capital of France?", false), nil)
	before, _ := s.requests(t)

	// Hits: identical content, the provider never called, ≥3× faster.
	var took []time.Duration
	for range 5 {
		r, d := timedChat(t, g, chatBody("What is the capital of France?", false), nil)
		if r.header.Get("X-LLMGW-Cache") != "hit" || chatContent(t, r) != want {
			t.Fatalf("hit: cache %q content %q, want %q", r.header.Get("X-LLMGW-Cache"), chatContent(t, r), want)
		}
		if r.header.Get("X-LLMGW-Cost-USD") != "0" || r.header.Get("X-LLMGW-Provider") != "cache" {
			t.Fatalf("a hit costs 0 and is served by the cache: cost %q provider %q", r.header.Get("X-LLMGW-Cost-USD"), r.header.Get("X-LLMGW-Provider"))
		}
		took = append(took, d)
	}
	slices.Sort(took)
	if median := took[len(took)/2]; 3*median > missTook {
		t.Errorf("a hit took %v (median), a miss %v: not 3× faster", median, missTook)
	} else {
		t.Logf("a hit took %v (median of 5), the miss %v", median, missTook)
	}

	// A streamed request replays the answer as SSE ending in [DONE].
	r, _ := timedChat(t, g, chatBody("What is the capital of France?", true), nil)
	if r.header.Get("X-LLMGW-Cache") != "hit" || streamContent(t, r) != want {
		t.Fatalf("streamed hit: cache %q content %q", r.header.Get("X-LLMGW-Cache"), r.body)
	}
	if after, _ := s.requests(t); after != before {
		t.Fatalf("hits reached the provider: %d calls before, %d after", before, after)
	}

	// Cache-Control: no-cache reaches the provider.
	r, _ = timedChat(t, g, chatBody("What is the capital of France?", false), map[string]string{"Cache-Control": "no-cache"})
	if r.header.Get("X-LLMGW-Cache") != "bypass" {
		t.Fatalf("no-cache: cache %q", r.header.Get("X-LLMGW-Cache"))
	}
	if after, _ := s.requests(t); after != before+1 {
		t.Fatalf("no-cache did not reach the provider: %d calls before, %d after", before, after)
	}
	// A non-deterministic request is not cached.
	warm := chatBody("What is the capital of France?", false)
	warm["temperature"] = 0.7
	if r, _ := timedChat(t, g, warm, nil); r.header.Get("X-LLMGW-Cache") != "bypass" {
		t.Fatalf("temperature 0.7: cache %q", r.header.Get("X-LLMGW-Cache"))
	}

	// /generate shows the cache as the request's one attempt.
	genBody := map[string]any{"prompt": "What is the capital of Spain?", "model": "gpt-4o-primary", "temperature": 0, "max_tokens": 30}
	var gen reply
	waitFor(t, "the /generate answer to be cached", 5*time.Second, func() bool {
		gen = postJSON(t, g.url()+"/generate", genBody, nil)
		return gen.header.Get("X-LLMGW-Cache") == "hit"
	})
	var gb struct {
		Attempts []struct {
			Provider string `json:"provider"`
			Outcome  string `json:"outcome"`
		} `json:"attempts"`
		Usage struct {
			CostUSD json.Number `json:"cost_usd"`
		} `json:"usage"`
	}
	if err := json.Unmarshal(gen.body, &gb); err != nil || len(gb.Attempts) != 1 || gb.Attempts[0].Provider != "cache" || gb.Attempts[0].Outcome != "ok" || gb.Usage.CostUSD != "0" {
		t.Fatalf("/generate hit: %s", gen.body)
	}

	// What the hits saved is in /metrics.
	m := regexp.MustCompile(`(?m)^llmgw_cache_saved_usd_total\{[^}]*model="gpt-4o-primary"[^}]*\} (\S+)$`).FindSubmatch(get(t, g.url()+"/metrics").body)
	if m == nil {
		t.Fatal("no llmgw_cache_saved_usd_total series for gpt-4o-primary")
	}
	if v, err := strconv.ParseFloat(string(m[1]), 64); err != nil || v <= 0 {
		t.Fatalf("llmgw_cache_saved_usd_total = %s", m[1])
	}
}

func TestCacheNeverSharesBetweenVirtualKeys(t *testing.T) {
	s := startSim(t)
	g := startGateway(t, writePipeline(t, cacheHCL(s, true, `{}`)), "LLMGW_ADMIN_TOKEN="+adminToken)
	_, a := createKey(t, g, map[string]any{"name": "a"})
	_, b := createKey(t, g, map[string]any{"name": "b"})
	body := chatBody("Tell me a secret of team a", false)
	want := chatContent(t, postJSON(t, g.url()+"/v1/chat/completions", body, bearer(a)))
	if got := chatContent(t, untilHit(t, g, body, bearer(a))); got != want {
		t.Fatalf("key a's hit: %q, want %q", got, want)
	}
	before, _ := s.requests(t)
	r, _ := timedChat(t, g, body, bearer(b))
	if r.status != 200 || r.header.Get("X-LLMGW-Cache") != "miss" {
		t.Fatalf("key b: %d cache %q", r.status, r.header.Get("X-LLMGW-Cache"))
	}
	if after, _ := s.requests(t); after != before+1 {
		t.Fatalf("key b's request did not reach the provider (%d → %d)", before, after)
	}
}

func TestCacheNeverKeepsACutStream(t *testing.T) {
	s := startSim(t)
	g := startGateway(t, writePipeline(t, cacheHCL(s, false, `{}`)))
	for _, fault := range []string{"midstream-error", "cut-stream"} {
		t.Run(fault, func(t *testing.T) {
			body := chatBody("A question cut short by "+fault, true)
			s.fault(t, "gpt-4o", fault)
			r, _ := timedChat(t, g, body, nil)
			if ev := sseEvents(r.body); r.status == 200 && len(ev) > 0 && ev[len(ev)-1] == "[DONE]" {
				t.Fatalf("the faulty stream ended as a complete one: %s", r.body)
			}
			s.fault(t, "gpt-4o", "none")
			time.Sleep(300 * time.Millisecond) // After runs just after the answer
			r, _ = timedChat(t, g, body, nil)
			if r.header.Get("X-LLMGW-Cache") != "miss" {
				t.Fatalf("after a cut stream: cache %q", r.header.Get("X-LLMGW-Cache"))
			}
			streamContent(t, r)
		})
	}
}

func TestCacheSharedByReplicasThroughRedis(t *testing.T) {
	redisAddr := startRedis(t)
	s := startSim(t)
	cfg := fmt.Sprintf(`{ redis_url = "redis://%s/0", ttl = "1m" }`, redisAddr)
	a := startGateway(t, writePipeline(t, cacheHCL(s, false, cfg)))
	b := startGateway(t, writePipeline(t, cacheHCL(s, false, cfg)))
	body := chatBody("Shared between replicas?", false)
	want := chatContent(t, postJSON(t, a.url()+"/v1/chat/completions", body, nil))
	// The answer is stored just after it is sent; with Redis as the only
	// store, a hit on replica a means Redis holds it.
	untilHit(t, a, body, nil)
	before, _ := s.requests(t)
	got, _ := timedChat(t, b, body, nil)
	if got.header.Get("X-LLMGW-Cache") != "hit" || chatContent(t, got) != want {
		t.Fatalf("replica b: cache %q, content %q, want a hit with %q", got.header.Get("X-LLMGW-Cache"), chatContent(t, got), want)
	}
	if after, _ := s.requests(t); after != before {
		t.Fatalf("replica b reached the provider (%d → %d)", before, after)
	}
}

// bagOfWords is an OpenAI-compatible embeddings endpoint whose vectors
// count words (hashed into 64 dimensions): paraphrases sharing most words
// are close, other questions far.
func bagOfWords(t *testing.T) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body struct {
			Input []string `json:"input"`
		}
		if json.NewDecoder(r.Body).Decode(&body) != nil || len(body.Input) != 1 {
			http.Error(w, `{"error":{"message":"bad request"}}`, 400)
			return
		}
		v := make([]float32, 64)
		for _, word := range strings.Fields(strings.ToLower(body.Input[0])) {
			h := fnv.New32a()
			h.Write([]byte(strings.Trim(word, "?!.,")))
			v[h.Sum32()%64]++
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"object": "list", "data": []map[string]any{{"object": "embedding", "index": 0, "embedding": v}}})
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestCacheSemanticHitAboveTheThreshold(t *testing.T) {
	s := startSim(t)
	emb := bagOfWords(t)
	g := startGateway(t, writePipeline(t, cacheHCL(s, false, fmt.Sprintf(`{
      semantic = {
        models           = ["gpt-4o-primary"]
        threshold        = 0.85
        embeddings_url   = "%s/v1/embeddings"
        embeddings_model = "embed"
      }
    }`, emb.URL))))
	want := chatContent(t, postJSON(t, g.url()+"/v1/chat/completions", chatBody("what is the capital city of France?", false), nil))
	untilHit(t, g, chatBody("what is the capital city of France?", false), nil)
	before, _ := s.requests(t)
	// A paraphrase (7 of 8 words shared, cosine 0.94) is a hit.
	r, _ := timedChat(t, g, chatBody("so what is the capital city of France", false), nil)
	if r.header.Get("X-LLMGW-Cache") != "hit" || chatContent(t, r) != want {
		t.Fatalf("paraphrase: cache %q content %q", r.header.Get("X-LLMGW-Cache"), r.body)
	}
	if sim, err := strconv.ParseFloat(r.header.Get("X-LLMGW-Cache-Similarity"), 64); err != nil || sim < 0.85 || sim >= 1 {
		t.Fatalf("X-LLMGW-Cache-Similarity = %q", r.header.Get("X-LLMGW-Cache-Similarity"))
	}
	if after, _ := s.requests(t); after != before {
		t.Fatalf("the paraphrase reached the provider (%d → %d)", before, after)
	}
	// Below the threshold (4 of 8 words shared): a miss.
	r, _ = timedChat(t, g, chatBody("what is the population of France", false), nil)
	if r.header.Get("X-LLMGW-Cache") != "miss" {
		t.Fatalf("another question: cache %q", r.header.Get("X-LLMGW-Cache"))
	}
}

// rateCacheHCL is the rate limiter (config rateConfig) then the cache.
func rateCacheHCL(s *sim, rateConfig string) string {
	return providersHCL(s) + fmt.Sprintf(`
plugin "ratelimit" {
  path = %q
}

plugin "cache" {
  path = %q
}

pipeline "default" {
  stage "ratelimit" {
    plugin   = "ratelimit"
    on_error = "fail_closed"
    timeout  = "1s"
    config   = %s
  }

  stage "cache" {
    plugin   = "cache"
    on_error = "fail_open"
    timeout  = "1s"
  }
}
`, binPath("plugins/ratelimit"), binPath("plugins/cache"), rateConfig)
}

func TestCacheHitsCountRequestsButNoTokens(t *testing.T) {
	s := startSim(t)
	body := chatBody("How many tokens does a hit cost?", false)
	t.Run("tokens", func(t *testing.T) {
		g := startGateway(t, writePipeline(t, rateCacheHCL(s, `{ rules = [{ name = "tpm", key = "ip", tokens = 100000, window = "1m" }] }`)))
		miss, _ := timedChat(t, g, body, nil)
		used := miss.json(t)["usage"].(map[string]any)["total_tokens"].(float64)
		untilHit(t, g, body, nil)
		time.Sleep(200 * time.Millisecond) // every After has run
		var remaining []string
		for range 3 {
			r, _ := timedChat(t, g, body, nil)
			if r.header.Get("X-LLMGW-Cache") != "hit" {
				t.Fatalf("cache %q", r.header.Get("X-LLMGW-Cache"))
			}
			remaining = append(remaining, r.header.Get("X-RateLimit-Remaining"))
			time.Sleep(100 * time.Millisecond)
		}
		if used <= 0 || remaining[0] == "" || remaining[0] != remaining[2] {
			t.Fatalf("tokens remaining across hits: %v (an answer uses %v): hits were charged", remaining, used)
		}
	})
	t.Run("requests", func(t *testing.T) {
		g := startGateway(t, writePipeline(t, rateCacheHCL(s, `{ rpm = 5 }`)))
		timedChat(t, g, body, nil)
		time.Sleep(300 * time.Millisecond) // the answer is kept
		for i := 2; i <= 5; i++ {
			if r, _ := timedChat(t, g, body, nil); r.status != 200 || r.header.Get("X-LLMGW-Cache") != "hit" {
				t.Fatalf("request %d: %d cache %q", i, r.status, r.header.Get("X-LLMGW-Cache"))
			}
		}
		if r, _ := timedChat(t, g, body, nil); r.status != 429 {
			t.Fatalf("the 6th request of 5 per minute, after 4 hits: %d %s", r.status, r.body)
		}
	})
}

// TestCacheAnswersEmbeddings: a repeated embeddings request is answered by
// the cache — the same vectors, in whichever encoding the client asks — and
// never reaches the provider.
func TestCacheAnswersEmbeddings(t *testing.T) {
	s := startSim(t)
	g := startGateway(t, writePipeline(t, cacheHCL(s, false, `{ ttl = "1m" }`)+embeddingsHCL()))
	body := func(format string) map[string]any {
		return map[string]any{"model": "embed-openai", "input": threeTexts, "encoding_format": format}
	}
	first, firstAnswer := embed(t, g, body("float"))
	if first.header.Get("X-LLMGW-Cache") != "miss" {
		t.Fatalf("first request: cache %q", first.header.Get("X-LLMGW-Cache"))
	}
	want := firstAnswer.vectors(t)
	var r reply
	var a embeddingsAnswer
	waitFor(t, "the vectors to be cached", 5*time.Second, func() bool {
		r, a = embed(t, g, body("base64"))
		return r.header.Get("X-LLMGW-Cache") == "hit"
	})
	before, _ := s.requests(t)
	r, a = embed(t, g, body("base64"))
	got := a.vectors(t)
	if r.header.Get("X-LLMGW-Cache") != "hit" || r.header.Get("X-LLMGW-Cost-USD") != "0" || len(got) != 3 || !slices.Equal(got[2], want[2]) {
		t.Fatalf("hit: cache %q cost %q, %d vectors", r.header.Get("X-LLMGW-Cache"), r.header.Get("X-LLMGW-Cost-USD"), len(got))
	}
	if after, _ := s.requests(t); after != before {
		t.Fatalf("a hit reached the provider: %d calls before, %d after", before, after)
	}
}
