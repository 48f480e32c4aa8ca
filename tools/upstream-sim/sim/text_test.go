package sim

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestWords(t *testing.T) {
	for _, s := range []string{"", "one", "  lead and trail  ", "a\nb\tc  d", "[sim openai gpt-4o] echo: héllo wörld ünïcode", "x\u00a0y z"} {
		if got, want := countWords(s), len(strings.Fields(s)); got != want {
			t.Errorf("countWords(%q) = %d, want %d", s, got, want)
		}
		for per := 1; per <= 4; per++ {
			pieces := splitWords(s, per)
			if strings.Join(pieces, "") != s {
				t.Errorf("splitWords(%q,%d) = %q does not concatenate back", s, per, pieces)
			}
			for _, p := range pieces {
				if n := countWords(p); n > per || (n == 0 && strings.TrimSpace(s) != "") {
					t.Errorf("splitWords(%q,%d): piece %q has %d words", s, per, p, n)
				}
			}
		}
	}
	if got := streamPieces("a b c d"); len(got) != 4 {
		t.Errorf("streamPieces: %q", got)
	}
	if got := streamPieces(strings.Repeat("w ", 100)); len(got) != 25 {
		t.Errorf("streamPieces(100 words): %d pieces", len(got))
	}
	if got, cut := firstWords("a b  c", 2); got != "a b" || !cut {
		t.Errorf("firstWords: %q %v", got, cut)
	}
	if got, cut := firstWords("a b  ", 2); got != "a b  " || cut {
		t.Errorf("firstWords exact: %q %v", got, cut)
	}
	if got := truncateRunes("héllo", 2); got != "hé" {
		t.Errorf("truncateRunes: %q", got)
	}
	if got := answerText("openai", "m", "   "); got != "[sim openai m] echo:" {
		t.Errorf("answerText empty: %q", got)
	}
}

func BenchmarkChat(b *testing.B) {
	s := New(Config{})
	body := chatBody("gpt-4o", "What is the capital of France? Answer in one word.", "")
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest("POST", "/v1/chat/completions", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer k")
		w := httptest.NewRecorder()
		s.ServeHTTP(w, req)
		if w.Code != 200 {
			b.Fatal(w.Code)
		}
	}
}

func BenchmarkChatStream(b *testing.B) {
	s := New(Config{})
	body := chatBody("gpt-4o", "What is the capital of France? Answer in one word.", `"stream":true`)
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest("POST", "/v1/chat/completions", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer k")
		w := httptest.NewRecorder()
		s.ServeHTTP(w, req)
		if w.Code != 200 {
			b.Fatal(w.Code)
		}
	}
}

// BenchmarkChatHTTP is one answer over a keep-alive loopback connection, as
// the gateway benchmark's upstream serves it: the gateway benchmark's
// request, plain and streamed (read to the end), at zero latency and paced
// (one token per 1 µs). cpu-ns/op is the process's user + system CPU per
// answer, the client's included (they share the process).
func BenchmarkChatHTTP(b *testing.B) {
	_, ts := newServer(b, Config{})
	for _, c := range []struct{ name, extra, interval string }{
		{"plain", "", ""}, {"stream", `"stream":true,"stream_options":{"include_usage":true}`, ""},
		{"stream-paced", `"stream":true,"stream_options":{"include_usage":true}`, "1us"},
	} {
		body := `{"model":"gpt-4o","messages":[{"role":"user","content":"What is the capital of France? Answer in one short sentence."}],"max_tokens":32`
		if c.extra != "" {
			body += "," + c.extra
		}
		body += "}"
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			start := cpuNow()
			for b.Loop() {
				req, _ := http.NewRequest(http.MethodPost, ts.URL+"/v1/chat/completions", strings.NewReader(body))
				req.Header.Set("Authorization", "Bearer k")
				if c.interval != "" {
					req.Header.Set(hdrTokenInterval, c.interval)
				}
				resp, err := ts.Client().Do(req)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := io.Copy(io.Discard, resp.Body); err != nil || resp.StatusCode != http.StatusOK {
					b.Fatal(resp.StatusCode, err)
				}
				resp.Body.Close()
			}
			b.ReportMetric(float64(cpuNow()-start)/float64(b.N), "cpu-ns/op")
		})
	}
}

// cpuNow is the process's user + system CPU time.
func cpuNow() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
