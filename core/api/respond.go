package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	sdk "github.com/llmgw/llmgw/sdk/go"
	pb "github.com/llmgw/llmgw/sdk/go/proto/llmgw/v1"

	"github.com/llmgw/llmgw/core/pipeline"
)

// usageJSON is the usage object of both routes.
type usageJSON struct {
	PromptTokens     int32 `json:"prompt_tokens"`
	CompletionTokens int32 `json:"completion_tokens"`
	TotalTokens      int32 `json:"total_tokens"`
}

func usageOf(u *pb.Usage) usageJSON {
	if u == nil {
		return usageJSON{}
	}
	return usageJSON{PromptTokens: u.PromptTokens, CompletionTokens: u.CompletionTokens, TotalTokens: u.TotalTokens}
}

// answer is the state shared by both routes' writers: the request, where to
// write, and the stream's framing once it started.
type answer struct {
	w       http.ResponseWriter
	r       *http.Request
	req     *pipeline.Request
	flusher http.Flusher
	created int64
}

// setHeaders adds what every pipeline answer carries: the stages' headers
// (X-RateLimit-*), Server-Timing, and which model and provider served.
func (a *answer) setHeaders(tr *pipeline.Trace, res *pipeline.Result) {
	h := a.w.Header()
	for k, v := range tr.Headers {
		h.Set(k, v)
	}
	h.Set("Server-Timing", serverTiming(tr.Timings))
	if res != nil {
		h.Set("X-LLMGW-Model-Used", res.ModelUsed)
		h.Set("X-LLMGW-Provider", res.Provider)
		if res.CostKnown {
			// Streams have sent their headers before the cost is known;
			// their cost is in the last event (/generate) and /metrics.
			h.Set("X-LLMGW-Cost-USD", sdk.FormatUSD(res.CostNanos))
		}
	}
}

// generateUsage is /generate's usage: the tokens and what they cost (null
// when the model has no price).
type generateUsage struct {
	usageJSON
	CostUSD *json.Number `json:"cost_usd"`
}

func generateUsageOf(res *pipeline.Result) generateUsage {
	u := generateUsage{usageJSON: usageOf(res.Usage)}
	if res.CostKnown {
		n := json.Number(sdk.FormatUSD(res.CostNanos))
		u.CostUSD = &n
	}
	return u
}

// serverTiming formats Server-Timing: one entry per stage, then the provider.
func serverTiming(ts []pipeline.Timing) string {
	var b strings.Builder
	for i, t := range ts {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(t.Name)
		b.WriteString(";dur=")
		b.WriteString(strconv.FormatFloat(float64(t.Dur.Nanoseconds())/1e6, 'f', 3, 64))
	}
	return b.String()
}

// flush sends a finished answer now: the pipeline's after-answer work (token
// charging, tracking) must not hold it back.
func (a *answer) flush() {
	_ = http.NewResponseController(a.w).Flush()
}

func (a *answer) Error(e *pipeline.Error, tr *pipeline.Trace) {
	a.setHeaders(tr, nil)
	writeError(a.w, a.r, e, tr)
}

// startSSE writes the event-stream headers. Streams are exempt from the
// server's write timeout.
func (a *answer) startSSE(tr *pipeline.Trace, res *pipeline.Result) error {
	a.setHeaders(tr, res)
	rc := http.NewResponseController(a.w)
	_ = rc.SetWriteDeadline(time.Time{})
	h := a.w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Accel-Buffering", "no")
	a.w.WriteHeader(http.StatusOK)
	f, ok := a.w.(http.Flusher)
	if !ok {
		return fmt.Errorf("streaming unsupported")
	}
	a.flusher = f
	return nil
}

// event writes one SSE `data:` event and flushes it.
func (a *answer) event(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return a.raw(b)
}

func (a *answer) raw(b []byte) error {
	buf := make([]byte, 0, len(b)+8)
	buf = append(buf, "data: "...)
	buf = append(buf, b...)
	buf = append(buf, '\n', '\n')
	if _, err := a.w.Write(buf); err != nil {
		return err
	}
	a.flusher.Flush()
	return nil
}

// StreamFail ends a stream that failed after it started with an SSE error
// event (`event: error`, `data: {"error":{…}}`) and no [DONE], so no client
// mistakes it for a complete answer.
func (a *answer) StreamFail(e *pipeline.Error, tr *pipeline.Trace) {
	b, err := json.Marshal(errorPayload(e, a.req.ID, tr))
	if err != nil {
		return
	}
	_, _ = a.w.Write([]byte("event: error\n"))
	_ = a.raw(b)
}

// currentAttempt is the attempt being streamed (the last one so far).
func currentAttempt(tr *pipeline.Trace) *pipeline.Result {
	if n := len(tr.Attempts); n > 0 {
		at := tr.Attempts[n-1]
		return &pipeline.Result{ModelUsed: at.Model, Provider: at.Provider, UpstreamModel: at.UpstreamModel}
	}
	return nil
}

// generateWriter answers POST /generate.
type generateWriter struct{ answer }

// generateJSON is a successful /generate answer.
type generateJSON struct {
	RequestID      string        `json:"request_id"`
	Response       string        `json:"response"`
	ModelUsed      string        `json:"model_used"`
	Provider       string        `json:"provider"`
	RequestedModel string        `json:"requested_model"`
	Usage          generateUsage `json:"usage"`
	LatencyMs      float64       `json:"latency_ms"`
	Attempts       []attemptJSON `json:"attempts"`
	SecurityStatus string        `json:"security_status"`
	FinishReason   string        `json:"finish_reason,omitempty"`
	Done           bool          `json:"done,omitempty"`
}

func (g *generateWriter) body(res *pipeline.Result, tr *pipeline.Trace) generateJSON {
	return generateJSON{
		RequestID:      g.req.ID,
		Response:       res.Content,
		ModelUsed:      res.ModelUsed,
		Provider:       res.Provider,
		RequestedModel: g.req.Chat.Model,
		Usage:          generateUsageOf(res),
		LatencyMs:      ms(time.Since(g.req.Start)),
		Attempts:       attemptsJSON(tr.Attempts),
		SecurityStatus: "protected",
		FinishReason:   generateFinish(res),
	}
}

// generateFinish is /generate's finish reason: its body has no refusal
// field, so a model's refusal shows as content_filter.
func generateFinish(res *pipeline.Result) string {
	if res.Refusal != "" && res.Content == "" {
		return "content_filter"
	}
	return res.FinishReason
}

func (g *generateWriter) Complete(res *pipeline.Result, tr *pipeline.Trace) {
	g.setHeaders(tr, res)
	writeJSON(g.w, http.StatusOK, g.body(res, tr))
	g.flush()
}

func (g *generateWriter) StreamStart(tr *pipeline.Trace) error {
	return g.startSSE(tr, currentAttempt(tr))
}

func (g *generateWriter) StreamChunk(c *pb.StreamChunk) error {
	if c.Content == "" {
		return nil
	}
	return g.event(struct {
		Response string `json:"response"`
	}{c.Content})
}

// StreamEnd sends the whole answer's metadata as the last event (with the
// full text), then [DONE].
func (g *generateWriter) StreamEnd(res *pipeline.Result, tr *pipeline.Trace) error {
	body := g.body(res, tr)
	body.Done = true
	if err := g.event(body); err != nil {
		return err
	}
	return g.raw([]byte("[DONE]"))
}

// chatWriter answers POST /v1/chat/completions in OpenAI's shapes.
type chatWriter struct {
	answer
	streamModel string
}

type chatCompletion struct {
	ID                string       `json:"id"`
	Object            string       `json:"object"`
	Created           int64        `json:"created"`
	Model             string       `json:"model"`
	Choices           []chatChoice `json:"choices"`
	Usage             *usageJSON   `json:"usage,omitempty"`
	SystemFingerprint *string      `json:"system_fingerprint"`
}

type chatChoice struct {
	Index        int          `json:"index"`
	Message      *chatMsgJSON `json:"message,omitempty"`
	Delta        *chatMsgJSON `json:"delta,omitempty"`
	Logprobs     *struct{}    `json:"logprobs"`
	FinishReason *string      `json:"finish_reason"`
}

type chatMsgJSON struct {
	Role    string  `json:"role,omitempty"`
	Content *string `json:"content,omitempty"`
	Refusal *string `json:"refusal,omitempty"`
	// A reasoning model's thinking, as DeepSeek-style OpenAI-compatible
	// servers stream it.
	ReasoningContent *string `json:"reasoning_content,omitempty"`
}

func (c *chatWriter) id() string { return "chatcmpl-" + c.req.ID }

func (c *chatWriter) Complete(res *pipeline.Result, tr *pipeline.Trace) {
	c.setHeaders(tr, res)
	content, finish := res.Content, orStop(res.FinishReason)
	u := usageOf(res.Usage)
	writeJSON(c.w, http.StatusOK, chatCompletion{
		ID: c.id(), Object: "chat.completion", Created: c.created, Model: res.ModelUsed,
		Choices: []chatChoice{{Index: 0, Message: &chatMsgJSON{Role: "assistant", Content: &content, Refusal: optional(res.Refusal),
			ReasoningContent: optional(res.Reasoning)}, FinishReason: &finish}},
		Usage: &u,
	})
	c.flush()
}

func orStop(s string) string {
	if s == "" {
		return "stop"
	}
	return s
}

func (c *chatWriter) chunk(model string, delta *chatMsgJSON, finish *string) chatCompletion {
	return chatCompletion{ID: c.id(), Object: "chat.completion.chunk", Created: c.created, Model: model,
		Choices: []chatChoice{{Index: 0, Delta: delta, FinishReason: finish}}}
}

func (c *chatWriter) model(tr *pipeline.Trace) string {
	if r := currentAttempt(tr); r != nil {
		return r.ModelUsed
	}
	return c.req.Chat.Model
}

func (c *chatWriter) StreamStart(tr *pipeline.Trace) error {
	if err := c.startSSE(tr, currentAttempt(tr)); err != nil {
		return err
	}
	empty := ""
	c.streamModel = c.model(tr)
	return c.event(c.chunk(c.streamModel, &chatMsgJSON{Role: "assistant", Content: &empty}, nil))
}

// StreamChunk sends the chunk's content, refusal and reasoning (the
// reasoning as delta.reasoning_content).
func (c *chatWriter) StreamChunk(ch *pb.StreamChunk) error {
	if ch.Content == "" && ch.Refusal == "" && ch.ReasoningContent == "" {
		return nil
	}
	return c.event(c.chunk(c.streamModel, &chatMsgJSON{Content: optional(ch.Content), Refusal: optional(ch.Refusal),
		ReasoningContent: optional(ch.ReasoningContent)}, nil))
}

// optional is nil for an empty string, so that the field is left out.
func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// StreamEnd sends the finish chunk, the usage chunk when the client asked for
// it (stream_options.include_usage), then [DONE].
func (c *chatWriter) StreamEnd(res *pipeline.Result, _ *pipeline.Trace) error {
	finish := orStop(res.FinishReason)
	if err := c.event(c.chunk(c.streamModel, &chatMsgJSON{}, &finish)); err != nil {
		return err
	}
	if c.req.Chat.IncludeUsage {
		u := usageOf(res.Usage)
		if err := c.event(chatCompletion{ID: c.id(), Object: "chat.completion.chunk", Created: c.created, Model: c.streamModel, Choices: []chatChoice{}, Usage: &u}); err != nil {
			return err
		}
	}
	return c.raw([]byte("[DONE]"))
}
