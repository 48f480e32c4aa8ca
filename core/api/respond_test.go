package api

import (
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/llmgw/llmgw/core/pipeline"
	pb "github.com/llmgw/llmgw/sdk/go/proto/llmgw/v1"
)

func testAnswer(route string, stream bool) (answer, *httptest.ResponseRecorder) {
	rec := httptest.NewRecorder()
	req := &pipeline.Request{ID: "r1", Route: route, Start: time.Now(), Chat: &pb.ChatRequest{Model: "m", Stream: stream}}
	return answer{w: rec, r: httptest.NewRequest("POST", "/", nil), req: req, created: 1}, rec
}

// A chat client sees a reasoning model's thinking as delta.reasoning_content
// and a refusal as delta.refusal; /generate sends neither.
func TestStreamChunksCarryReasoningAndRefusal(t *testing.T) {
	a, rec := testAnswer(pipeline.RouteChat, true)
	c := &chatWriter{answer: a}
	tr := &pipeline.Trace{Headers: map[string]string{}}
	if err := c.StreamStart(tr); err != nil {
		t.Fatal(err)
	}
	for _, ch := range []*pb.StreamChunk{{ReasoningContent: "thinking"}, {Refusal: "no"}, {Content: "hi"}} {
		if err := c.StreamChunk(ch); err != nil {
			t.Fatal(err)
		}
	}
	body := rec.Body.String()
	for _, want := range []string{`"delta":{"reasoning_content":"thinking"}`, `"delta":{"refusal":"no"}`, `"delta":{"content":"hi"}`} {
		if !strings.Contains(body, want) {
			t.Errorf("missing %s in %s", want, body)
		}
	}

	a, rec = testAnswer(pipeline.RouteGenerate, true)
	g := &generateWriter{answer: a}
	if err := g.StreamStart(tr); err != nil {
		t.Fatal(err)
	}
	if err := g.StreamChunk(&pb.StreamChunk{ReasoningContent: "thinking"}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(rec.Body.String(), "thinking") {
		t.Errorf("/generate passed reasoning on: %s", rec.Body.String())
	}
}

// A refusal with no content is /generate's content_filter, and the chat
// answer's message.refusal.
func TestPlainRefusal(t *testing.T) {
	res := &pipeline.Result{Refusal: "I can't help with that.", FinishReason: "stop", ModelUsed: "m"}
	tr := &pipeline.Trace{Headers: map[string]string{}}
	a, rec := testAnswer(pipeline.RouteGenerate, false)
	(&generateWriter{answer: a}).Complete(res, tr)
	if !strings.Contains(rec.Body.String(), `"finish_reason":"content_filter"`) {
		t.Errorf("/generate: %s", rec.Body.String())
	}
	a, rec = testAnswer(pipeline.RouteChat, false)
	(&chatWriter{answer: a}).Complete(res, tr)
	if !strings.Contains(rec.Body.String(), `"refusal":"I can't help with that."`) {
		t.Errorf("chat: %s", rec.Body.String())
	}
}
