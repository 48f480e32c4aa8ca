package geminiprovider

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	sdk "github.com/llmgw/llmgw/sdk/go"
)

// TestCandidatesAndLogprobs replays an answer with two candidates and log
// probabilities (the shape of the Gemini API's logprobs guide, a sentiment
// classifier) for n = 2, logprobs, top_logprobs = 2.
func TestCandidatesAndLogprobs(t *testing.T) {
	rp := newReplay(t, reply{file: "candidates_logprobs.json"})
	p := providerFor(t, rp.srv.URL)
	req := chatRequest()
	req.Request.N, req.Request.Logprobs, req.Request.TopLogprobs = ptr(int32(2)), true, ptr(int32(2))
	resp, err := p.Complete(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	var body struct {
		GenerationConfig map[string]any `json:"generationConfig"`
	}
	_ = json.Unmarshal(rp.last().body, &body)
	gc := body.GenerationConfig
	if gc["candidateCount"] != 2.0 || gc["responseLogprobs"] != true || gc["logprobs"] != 2.0 {
		t.Errorf("generationConfig %v", gc)
	}
	if resp.Content != "positive" || resp.FinishReason != "stop" || len(resp.MoreChoices) != 1 {
		t.Fatalf("answer %+v", resp)
	}
	sameJSON(t, "choice 0 logprobs", []byte(resp.LogprobsJson), []byte(`{"content":[{"token":"positive","logprob":-0.00011950182,"bytes":[112,111,115,105,116,105,118,101],
		"top_logprobs":[{"token":"positive","logprob":-0.00011950182,"bytes":[112,111,115,105,116,105,118,101]},{"token":"neutral","logprob":-9.031473,"bytes":[110,101,117,116,114,97,108]}]}],"refusal":null}`))
	c1 := resp.MoreChoices[0]
	if c1.Index != 1 || c1.Content != "neutral" || c1.FinishReason != "stop" || !strings.Contains(c1.LogprobsJson, `"token":"neutral","logprob":-9.031473`) {
		t.Errorf("choice 1 %+v", c1)
	}
	// Without n or logprobs nothing of it is asked for.
	req = chatRequest()
	if _, err := p.Complete(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	if b := string(rp.last().body); strings.Contains(b, "candidateCount") || strings.Contains(b, "Logprobs") {
		t.Errorf("unasked: %s", b)
	}
}

func TestStreamOfSeveralCandidates(t *testing.T) {
	rp := newReplay(t, reply{file: "stream_candidates.sse"})
	p := providerFor(t, rp.srv.URL)
	req := chatRequest()
	req.Request.N = ptr(int32(2))
	var chunks []*sdk.StreamChunk
	err := p.Stream(context.Background(), req, func(c *sdk.StreamChunk) error {
		chunks = append(chunks, c)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	text := map[int32]string{}
	finish := map[int32]string{}
	roles := 0
	for _, c := range chunks {
		text[c.ChoiceIndex] += c.Content
		if c.FinishReason != "" {
			finish[c.ChoiceIndex] = c.FinishReason
		}
		if c.Role != "" {
			roles++
		}
	}
	if text[0] != "Roses are red." || text[1] != "Violets are blue." || finish[0] != "stop" || finish[1] != "stop" || roles != 2 {
		t.Errorf("choices %q %q finish %v roles %d", text[0], text[1], finish, roles)
	}
	last := chunks[len(chunks)-1]
	if last.Usage == nil || last.Usage.TotalTokens != 14 {
		t.Errorf("usage on the last chunk: %+v", last)
	}

	// Gemini may return fewer candidates than asked: the stream ends when
	// every candidate it sent has finished.
	rp = newReplay(t, reply{file: "stream_candidates_fewer.sse"})
	p = providerFor(t, rp.srv.URL)
	chunks = nil
	err = p.Stream(context.Background(), req, func(c *sdk.StreamChunk) error {
		chunks = append(chunks, c)
		return nil
	})
	if err != nil || len(chunks) != 2 || chunks[0].Content != "Only one." || chunks[0].FinishReason != "stop" || chunks[1].Usage.GetTotalTokens() != 9 {
		t.Errorf("fewer candidates: %v %+v", err, chunks)
	}
	// A cut stream is still an error.
	rp = newReplay(t, reply{file: "stream_cut.sse"})
	p = providerFor(t, rp.srv.URL)
	err = p.Stream(context.Background(), req, func(*sdk.StreamChunk) error { return nil })
	if pe := providerError(t, err); pe.Class != sdk.ClassTransport {
		t.Errorf("cut: %v", pe)
	}
}
