package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/textproto"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
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
	opts    answerOptions
}

// setHeaders adds what every pipeline answer carries: the stages' headers
// (X-RateLimit-*), Server-Timing, and which model and provider served.
func (a *answer) setHeaders(tr *pipeline.Trace, res *pipeline.Result) {
	h := a.w.Header()
	// The values share one backing array, and the names are canonical
	// already (cached for the stages' own): per header, no allocation
	// where http.Header.Set makes one or two.
	vals := make([]string, 0, len(tr.Headers)+4)
	set := func(k, v string) {
		vals = append(vals, v)
		h[k] = vals[len(vals)-1 : len(vals) : len(vals)]
	}
	for k, v := range tr.Headers {
		set(canonicalHeader(k), v)
	}
	set("Server-Timing", serverTiming(tr.Timings))
	if res != nil {
		set("X-Llmgw-Model-Used", res.ModelUsed)
		set("X-Llmgw-Provider", res.Provider)
		if res.CostKnown {
			// Streams have sent their headers before the cost is known;
			// their cost is in the last event (/generate) and /metrics.
			set("X-Llmgw-Cost-Usd", sdk.FormatUSD(res.CostNanos))
		}
	}
}

// canonicalNames caches the canonical form of the header names stages set
// (X-RateLimit-Limit → X-Ratelimit-Limit), which would otherwise be built
// again for every answer. Stages set a handful of names; the cache stops
// growing at maxCanonicalNames so an odd stage cannot make it grow forever.
var (
	canonicalNames    sync.Map // name → canonical name
	canonicalCount    atomic.Int32
	maxCanonicalNames = int32(256)
)

func canonicalHeader(k string) string {
	if c, ok := canonicalNames.Load(k); ok {
		return c.(string)
	}
	c := textproto.CanonicalMIMEHeaderKey(k)
	if canonicalCount.Load() < maxCanonicalNames {
		if _, loaded := canonicalNames.LoadOrStore(k, c); !loaded {
			canonicalCount.Add(1)
		}
	}
	return c
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
	b.Grow(len(ts) * 24) // "name;dur=0.123, "
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
	// Reasoning is the model's thinking, only when the body asked for it
	// (include_reasoning) and the provider streamed some.
	Reasoning string `json:"reasoning,omitempty"`
	Done      bool   `json:"done,omitempty"`
}

func (g *generateWriter) body(res *pipeline.Result, tr *pipeline.Trace) generateJSON {
	var reasoning string
	if g.opts.includeReasoning {
		reasoning = res.Reasoning
	}
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
		Reasoning:      reasoning,
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

// StreamChunk sends the chunk's text as {"response": …}; with
// include_reasoning, the model's thinking as {"reasoning": …} events too.
func (g *generateWriter) StreamChunk(c *pb.StreamChunk) error {
	if c.ReasoningContent != "" && g.opts.includeReasoning {
		if err := g.event(struct {
			Reasoning string `json:"reasoning"`
		}{c.ReasoningContent}); err != nil {
			return err
		}
	}
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
	ID                string         `json:"id"`
	Object            string         `json:"object"`
	Created           int64          `json:"created"`
	Model             string         `json:"model"`
	Choices           []chatChoice   `json:"choices"`
	Usage             *chatUsageJSON `json:"usage,omitempty"`
	SystemFingerprint *string        `json:"system_fingerprint"`
}

// chatUsageJSON is the chat answer's usage, with OpenAI's details.
type chatUsageJSON struct {
	usageJSON
	PromptTokensDetails struct {
		CachedTokens int32 `json:"cached_tokens"`
	} `json:"prompt_tokens_details"`
	CompletionTokensDetails struct {
		ReasoningTokens int32 `json:"reasoning_tokens"`
	} `json:"completion_tokens_details"`
}

func chatUsageOf(u *pb.Usage) *chatUsageJSON {
	out := &chatUsageJSON{usageJSON: usageOf(u)}
	out.PromptTokensDetails.CachedTokens = u.GetCachedTokens()
	out.CompletionTokensDetails.ReasoningTokens = u.GetReasoningTokens()
	return out
}

type chatChoice struct {
	Index        int32           `json:"index"`
	Message      *chatMsgJSON    `json:"message,omitempty"`
	Delta        *chatDeltaJSON  `json:"delta,omitempty"`
	Logprobs     json.RawMessage `json:"logprobs"`
	FinishReason *string         `json:"finish_reason"`
}

// chatMsgJSON is a plain answer's message: content is null when the model
// only called tools or refused, refusal is null when it did not refuse.
type chatMsgJSON struct {
	Role      string        `json:"role"`
	Content   *string       `json:"content"`
	Refusal   *string       `json:"refusal"`
	ToolCalls []toolCallOut `json:"tool_calls,omitempty"`
	// A reasoning model's thinking, as DeepSeek-style OpenAI-compatible
	// servers return it.
	ReasoningContent *string `json:"reasoning_content,omitempty"`
}

// chatDeltaJSON is a stream chunk's delta: only what the chunk adds.
type chatDeltaJSON struct {
	Role             string        `json:"role,omitempty"`
	Content          *string       `json:"content,omitempty"`
	Refusal          *string       `json:"refusal,omitempty"`
	ReasoningContent *string       `json:"reasoning_content,omitempty"`
	ToolCalls        []toolCallOut `json:"tool_calls,omitempty"`
}

// functionJSON is a tool call's function; in a delta, name only in the
// call's first one, arguments the next fragment.
type functionJSON struct {
	Name      string `json:"name,omitempty"`
	Arguments string `json:"arguments"`
}

// toolCallOut is a tool call of an answer; in a stream delta it has its
// index, and only the call's first delta has the id, type and name.
type toolCallOut struct {
	Index    *int32       `json:"index,omitempty"`
	ID       string       `json:"id,omitempty"`
	Type     string       `json:"type,omitempty"`
	Function functionJSON `json:"function"`
}

// toolCallsJSON turns calls into the answer's tool_calls; delta: as stream
// deltas, with their index.
func toolCallsJSON(calls []*pb.ToolCall, delta bool) []toolCallOut {
	out := make([]toolCallOut, 0, len(calls))
	for _, c := range calls {
		t := toolCallOut{ID: c.Id, Type: c.Type, Function: functionJSON{Name: c.Name, Arguments: c.Arguments}}
		if t.Type == "" && (c.Id != "" || !delta) {
			t.Type = "function"
		}
		if delta {
			i := c.Index
			t.Index = &i
		}
		out = append(out, t)
	}
	return out
}

// rawOrNull is a JSON text as a raw value, null when empty.
func rawOrNull(s string) json.RawMessage {
	if s == "" {
		return json.RawMessage("null")
	}
	return json.RawMessage(s)
}

func (c *chatWriter) id() string { return "chatcmpl-" + c.req.ID }

// messageChoice is one choice of a plain answer.
func messageChoice(index int32, content, refusal, reasoning, finish, logprobs string, calls []*pb.ToolCall) chatChoice {
	msg := &chatMsgJSON{Role: "assistant", Content: &content, Refusal: optional(refusal), ReasoningContent: optional(reasoning)}
	if content == "" && (len(calls) > 0 || refusal != "") {
		msg.Content = nil
	}
	if len(calls) > 0 {
		msg.ToolCalls = toolCallsJSON(calls, false)
	}
	finish = orStop(finish)
	return chatChoice{Index: index, Message: msg, Logprobs: rawOrNull(logprobs), FinishReason: &finish}
}

func (c *chatWriter) Complete(res *pipeline.Result, tr *pipeline.Trace) {
	c.setHeaders(tr, res)
	choices := []chatChoice{messageChoice(0, res.Content, res.Refusal, res.Reasoning, res.FinishReason, res.LogprobsJSON, res.ToolCalls)}
	for _, m := range res.MoreChoices {
		choices = append(choices, messageChoice(m.Index, m.Content, m.Refusal, "", m.FinishReason, m.LogprobsJson, m.ToolCalls))
	}
	writeJSON(c.w, http.StatusOK, chatCompletion{
		ID: c.id(), Object: "chat.completion", Created: c.created, Model: res.ModelUsed,
		Choices: choices, Usage: chatUsageOf(res.Usage),
	})
	c.flush()
}

func orStop(s string) string {
	if s == "" {
		return "stop"
	}
	return s
}

func (c *chatWriter) chunk(index int32, delta *chatDeltaJSON, logprobs json.RawMessage, finish *string) chatCompletion {
	if logprobs == nil {
		logprobs = json.RawMessage("null")
	}
	return chatCompletion{ID: c.id(), Object: "chat.completion.chunk", Created: c.created, Model: c.streamModel,
		Choices: []chatChoice{{Index: index, Delta: delta, Logprobs: logprobs, FinishReason: finish}}}
}

func (c *chatWriter) model(tr *pipeline.Trace) string {
	if r := currentAttempt(tr); r != nil {
		return r.ModelUsed
	}
	return c.req.Chat.Model
}

// choices is how many choices the answer has (n).
func (c *chatWriter) choices() int32 { return max(1, c.req.Chat.GetN()) }

// StreamStart starts the stream with each choice's role chunk.
func (c *chatWriter) StreamStart(tr *pipeline.Trace) error {
	if err := c.startSSE(tr, currentAttempt(tr)); err != nil {
		return err
	}
	c.streamModel = c.model(tr)
	for i := range c.choices() {
		empty := ""
		if err := c.event(c.chunk(i, &chatDeltaJSON{Role: "assistant", Content: &empty}, nil, nil)); err != nil {
			return err
		}
	}
	return nil
}

// StreamChunk sends the chunk's content, refusal, reasoning (as
// delta.reasoning_content), tool-call deltas and logprobs, in its choice.
func (c *chatWriter) StreamChunk(ch *pb.StreamChunk) error {
	if ch.Content == "" && ch.Refusal == "" && ch.ReasoningContent == "" && len(ch.ToolCalls) == 0 && ch.LogprobsJson == "" {
		return nil
	}
	d := &chatDeltaJSON{Content: optional(ch.Content), Refusal: optional(ch.Refusal), ReasoningContent: optional(ch.ReasoningContent)}
	if len(ch.ToolCalls) > 0 {
		d.ToolCalls = toolCallsJSON(ch.ToolCalls, true)
	}
	var lp json.RawMessage
	if ch.LogprobsJson != "" {
		lp = json.RawMessage(ch.LogprobsJson)
	}
	return c.event(c.chunk(ch.ChoiceIndex, d, lp, nil))
}

// optional is nil for an empty string, so that the field is left out.
func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// StreamEnd sends each choice's finish chunk, the usage chunk when the
// client asked for it (stream_options.include_usage), then [DONE].
func (c *chatWriter) StreamEnd(res *pipeline.Result, _ *pipeline.Trace) error {
	finishes := []string{orStop(res.FinishReason)}
	for _, m := range res.MoreChoices {
		finishes = append(finishes, orStop(m.FinishReason))
	}
	for len(finishes) < int(c.choices()) {
		finishes = append(finishes, "stop")
	}
	for i := range finishes {
		if err := c.event(c.chunk(int32(i), &chatDeltaJSON{}, nil, &finishes[i])); err != nil {
			return err
		}
	}
	if c.req.Chat.IncludeUsage {
		if err := c.event(chatCompletion{ID: c.id(), Object: "chat.completion.chunk", Created: c.created, Model: c.streamModel, Choices: []chatChoice{}, Usage: chatUsageOf(res.Usage)}); err != nil {
			return err
		}
	}
	return c.raw([]byte("[DONE]"))
}
