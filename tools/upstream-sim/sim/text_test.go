package sim

import (
	"net/http/httptest"
	"strings"
	"testing"
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
