package openaiprovider

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	openai "github.com/sashabaranov/go-openai"

	sdk "github.com/llmgw/llmgw/sdk/go"
	"github.com/llmgw/llmgw/sdk/go/provkit/sse"
)

// streamChunk is one "chat.completion.chunk" event, with the extras some
// upstreams add: an error object (OpenRouter, OpenAI mid-stream errors) and
// Groq's x_groq.usage. chunkDecoder reads it.
type streamChunk struct {
	ID      string         `json:"id"`
	Model   string         `json:"model"`
	Choices []chunkChoice  `json:"choices"`
	Usage   *openai.Usage  `json:"usage"`
	XGroq   *xGroqExtra    `json:"x_groq"`
	Error   *upstreamError `json:"error"`
}

// chunkChoice is one choice of a chunk.
type chunkChoice struct {
	Index        int             `json:"index"`
	Delta        chunkDelta      `json:"delta"`
	Logprobs     json.RawMessage `json:"logprobs"`
	FinishReason *string         `json:"finish_reason"`
}

// chunkDelta is what a chunk adds to its choice.
type chunkDelta struct {
	Role    string `json:"role"`
	Content string `json:"content"`
	// OpenRouter and Groq stream a reasoning model's thinking as
	// reasoning, DeepSeek-style servers as reasoning_content.
	Reasoning        string         `json:"reasoning"`
	ReasoningContent string         `json:"reasoning_content"`
	Refusal          string         `json:"refusal"`
	ToolCalls        []wireToolCall `json:"tool_calls"`
}

// xGroqExtra is Groq's x_groq: the usage comes there on the last chunk.
type xGroqExtra struct {
	Usage *openai.Usage `json:"usage"`
}

// encodeStreamRequest is the JSON body of a streamed call for req: written
// directly for a plain text conversation (appendChatRequest), else by
// go-openai's encoding.
func encodeStreamRequest(req *sdk.CompleteRequest) ([]byte, error) {
	// The body's size, with room for escapes (source code's newlines,
	// tabs and quotes), so that it is allocated once.
	size := 160 + len(req.GetUpstreamModel()) + len(req.GetRequest().GetModel())
	for _, m := range req.GetRequest().GetMessages() {
		size += 32 + len(m.GetContent())*9/8
		for _, c := range m.GetToolCalls() {
			size += 64 + len(c.GetId()) + len(c.GetName()) + len(c.GetArguments())*9/8
		}
	}
	for _, t := range req.GetRequest().GetTools() {
		size += 64 + len(t.GetName()) + len(t.GetDescription()) + len(t.GetParametersJson())
	}
	if b, ok := appendChatRequest(make([]byte, 0, size), req, true); ok {
		return b, nil
	}
	return encodeWithGoOpenAI(req, true)
}

// encodeWithGoOpenAI is the JSON body of a call for req as go-openai
// encodes buildRequest's request, with its bodyPatch.
func encodeWithGoOpenAI(req *sdk.CompleteRequest, stream bool) ([]byte, error) {
	oreq, patch := buildRequest(req, stream)
	body, err := marshalGoOpenAI(oreq)
	if err != nil {
		return nil, err
	}
	return patch.apply(body), nil
}

// messagesNull is where marshalGoOpenAI's request without its messages
// has them: Model, a string, is the only field before Messages, so the
// first occurrence is the field (a quote inside a string is escaped).
var messagesNull = []byte(`"messages":null`)

// marshalGoOpenAI is json.Marshal(oreq), byte for byte, without scanning
// the messages a second time: json.Marshal compacts what a Marshaler
// returns, and every message is one (go-openai's MarshalJSON, itself a
// json.Marshal, so already compact and HTML-escaped). On a coding agent's
// conversation — tool calls and their results, which the direct encoding
// (appendChatRequest) does not write — that pass over every byte again was
// most of this plugin's CPU (BenchmarkEncodeRequest/agent).
func marshalGoOpenAI(oreq openai.ChatCompletionRequest) ([]byte, error) {
	msgs := oreq.Messages
	if msgs == nil {
		return json.Marshal(oreq)
	}
	oreq.Messages = nil
	head, err := json.Marshal(oreq)
	if err != nil {
		return nil, err
	}
	i := bytes.Index(head, messagesNull)
	if i < 0 {
		oreq.Messages = msgs
		return json.Marshal(oreq)
	}
	parts := make([][]byte, len(msgs))
	size := len(head) + len(msgs)
	for k := range msgs {
		if parts[k], err = msgs[k].MarshalJSON(); err != nil {
			return nil, err
		}
		size += len(parts[k])
	}
	at := i + len(`"messages":`)
	out := append(make([]byte, 0, size), head[:at]...)
	out = append(out, '[')
	for k, p := range parts {
		if k > 0 {
			out = append(out, ',')
		}
		out = append(out, p...)
	}
	out = append(out, ']')
	return append(out, head[i+len(messagesNull):]...), nil
}

// Stream asks the upstream for a streamed answer and sends one chunk per
// upstream delta as it arrives: the role (and id, model) on the first, the
// finish_reason on the last, together with the usage when the upstream sent
// it (usage is always requested). The stream is only a success when the
// upstream ends it with [DONE] or a finish_reason; anything else is an error.
func (p *Provider) Stream(ctx context.Context, req *sdk.CompleteRequest, send sdk.ChunkSender) error {
	if err := p.checkKey(); err != nil {
		return err
	}
	body, err := encodeStreamRequest(req)
	if err != nil {
		return p.classify.fail(sdk.ClassBadRequest, 0, 0, "invalid_request", "cannot encode the request")
	}

	// Leaving Stream (an error, the host going away) always aborts the
	// upstream request, not only when ctx ends.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	hreq, err := http.NewRequestWithContext(ctx, http.MethodPost, p.apiURL(req.GetUpstreamModel(), "/chat/completions"), bytes.NewReader(body))
	if err != nil {
		return p.classify.fail(sdk.ClassBadRequest, 0, 0, "invalid_request", "cannot build the request")
	}
	hreq.Header.Set("Content-Type", "application/json")
	hreq.Header.Set("Accept", "text/event-stream")
	hreq.Header.Set("Cache-Control", "no-cache")
	p.authorize(hreq.Header)
	resp, err := p.doer.Do(hreq)
	if err != nil {
		p.log.Debug("upstream stream call failed", "error", p.classify.redact.Message(err.Error()))
		return p.classify.transportError(ctx, err)
	}
	defer resp.Body.Close()

	if resp.StatusCode/100 != 2 {
		errBody, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
		return p.classify.httpError(resp.StatusCode, resp.Header, errBody)
	}
	if ct := resp.Header.Get("Content-Type"); strings.HasPrefix(ct, "application/json") {
		return p.streamFromJSON(ctx, resp, send)
	}
	return p.readStream(ctx, resp, send)
}

// readStream turns the upstream's SSE events into chunks.
func (p *Provider) readStream(ctx context.Context, resp *http.Response, send sdk.ChunkSender) error {
	events := sse.NewReader(resp.Body, maxStreamEvent)
	defer events.Release()
	st := &streamState{send: send}
	var (
		dec chunkDecoder
		c   streamChunk // each event's, in turn: nothing keeps it
	)
	done := false
	for !done {
		ev, err := events.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return p.streamReadError(ctx, resp, err)
		}
		if ev.Unterminated {
			// The stream ended inside an event: whatever it holds, the
			// answer was cut.
			break
		}
		data := bytes.TrimSpace(ev.Data)
		if len(data) == 0 {
			continue
		}
		if string(data) == "[DONE]" {
			done = true
			break
		}
		if ev.Type == "error" {
			if ue := parseErrorBody(data); ue != nil {
				return p.classify.embeddedError(resp.StatusCode, resp.Header, ue)
			}
			return p.classify.fail(sdk.ClassUpstream5xx, resp.StatusCode, 0, "", "upstream sent an error event")
		}
		if err := dec.decode(data, &c); err != nil {
			return p.classify.fail(sdk.ClassUpstream5xx, resp.StatusCode, 0, "", "upstream sent a malformed stream chunk")
		}
		if c.Error != nil {
			return p.classify.embeddedError(resp.StatusCode, resp.Header, c.Error)
		}
		if c.hasErrorFinish() {
			return p.classify.fail(sdk.ClassUpstream5xx, resp.StatusCode, 0, "", "upstream ended the generation with an error")
		}
		if err := st.add(&c); err != nil {
			return err
		}
	}
	if st.ended() {
		return st.flush()
	}
	if done {
		return nil
	}
	if ctx.Err() != nil {
		return p.classify.transportError(ctx, ctx.Err())
	}
	return p.classify.fail(sdk.ClassTransport, resp.StatusCode, 0, "", "upstream stream ended early")
}

// streamReadError classes a failed read of the upstream's stream.
func (p *Provider) streamReadError(ctx context.Context, resp *http.Response, err error) error {
	if errors.Is(err, sse.ErrTooLarge) {
		return p.classify.fail(sdk.ClassUpstream5xx, resp.StatusCode, 0, "", "upstream sent a malformed stream (event too large)")
	}
	if ctx.Err() != nil {
		return p.classify.transportError(ctx, err)
	}
	p.log.Debug("upstream stream read failed", "error", p.classify.redact.Message(err.Error()))
	if terr := p.classify.transportError(ctx, err); sdk.AsProviderError(terr).Class == sdk.ClassTimeout {
		return terr
	}
	return p.classify.fail(sdk.ClassTransport, resp.StatusCode, 0, "", "upstream stream ended early")
}

// hasErrorFinish reports a choice that finished with "error" (OpenRouter).
func (c *streamChunk) hasErrorFinish() bool {
	for _, ch := range c.Choices {
		if ch.FinishReason != nil && *ch.FinishReason == "error" {
			return true
		}
	}
	return false
}

// streamState turns upstream chunks into the host's: one per choice
// delta, the role (and id, model) on the first, tool-call deltas
// renumbered where needed. Each choice's finish chunk is held back until
// the stream ends, so that the usage (which comes after it) travels on
// the last one.
type streamState struct {
	send      sdk.ChunkSender
	sentFirst bool
	calls     callNumbering
	pending   []*sdk.StreamChunk // the finish chunks, by arrival
}

// add handles one upstream chunk.
func (st *streamState) add(c *streamChunk) error {
	for i := range c.Choices {
		out, role, progress := st.delta(c, i)
		if prev := st.finished(out.ChoiceIndex); prev != nil {
			// After its finish_reason (OpenRouter's usage chunk keeps one
			// choice): folded into the held finish chunk.
			prev.Content += out.Content
			continue
		}
		if out.FinishReason != "" {
			st.first(out, role, c.ID, c.Model)
			st.pending = append(st.pending, out)
			continue
		}
		if !progress && (role == "" || st.sentFirst) {
			continue // an empty keep-alive delta
		}
		st.first(out, role, c.ID, c.Model)
		if err := st.send(out); err != nil {
			return err
		}
	}
	usage := toUsage(c.Usage)
	if usage == nil && c.XGroq != nil {
		usage = toUsage(c.XGroq.Usage)
	}
	if usage == nil {
		return nil
	}
	if len(st.pending) > 0 {
		st.pending[len(st.pending)-1].Usage = usage
		return nil
	}
	// A usage chunk before any finish: sent on its own.
	out := &sdk.StreamChunk{Usage: usage}
	st.first(out, "", c.ID, c.Model)
	return st.send(out)
}

// delta maps choice i of c; progress says it carries something (content,
// reasoning, refusal, tool calls, logprobs).
func (st *streamState) delta(c *streamChunk, i int) (*sdk.StreamChunk, string, bool) {
	ch := &c.Choices[i]
	d := &ch.Delta
	out := &sdk.StreamChunk{ChoiceIndex: int32(ch.Index), Content: d.Content, ReasoningContent: d.Reasoning + d.ReasoningContent,
		Refusal: d.Refusal, LogprobsJson: rawJSON(ch.Logprobs)}
	if ch.FinishReason != nil {
		out.FinishReason = *ch.FinishReason
	}
	for k := range d.ToolCalls {
		tc := &d.ToolCalls[k]
		out.ToolCalls = append(out.ToolCalls, &sdk.ToolCall{Index: int32(st.calls.index(ch.Index, tc, k)), Id: tc.ID, Type: tc.Type,
			Name: tc.Function.Name, Arguments: tc.Function.Arguments})
	}
	progress := out.Content != "" || out.ReasoningContent != "" || out.Refusal != "" || len(out.ToolCalls) > 0 || out.LogprobsJson != ""
	return out, d.Role, progress
}

// finished is the held finish chunk of a choice, nil while it runs.
func (st *streamState) finished(choice int32) *sdk.StreamChunk {
	for _, p := range st.pending {
		if p.ChoiceIndex == choice {
			return p
		}
	}
	return nil
}

// first puts the role, id and model on the stream's first chunk.
func (st *streamState) first(out *sdk.StreamChunk, role, id, model string) {
	if st.sentFirst {
		return
	}
	if role == "" {
		role = "assistant"
	}
	out.Role, out.Id, out.Model = role, id, model
	st.sentFirst = true
}

func (st *streamState) ended() bool { return len(st.pending) > 0 }

// flush sends the held finish chunks.
func (st *streamState) flush() error {
	for _, p := range st.pending {
		if err := st.send(p); err != nil {
			return err
		}
	}
	return nil
}

// streamFromJSON handles a 2xx JSON answer to a stream request: an error
// inside a 200 (OpenRouter), or a server that ignored stream:true.
func (p *Provider) streamFromJSON(ctx context.Context, resp *http.Response, send sdk.ChunkSender) error {
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBody))
	if err != nil {
		return p.classify.transportError(ctx, err)
	}
	if ue := parseErrorBody(body); ue != nil {
		return p.classify.embeddedError(resp.StatusCode, resp.Header, ue)
	}
	var full wireAnswer
	if err := json.Unmarshal(body, &full); err != nil || len(full.Choices) == 0 {
		return p.classify.fail(sdk.ClassUpstream5xx, resp.StatusCode, 0, "", "upstream sent a malformed answer")
	}
	r := full.toResponse()
	if r.FinishReason == "error" {
		return p.classify.fail(sdk.ClassUpstream5xx, resp.StatusCode, 0, "", "upstream ended the generation with an error")
	}
	for _, c := range r.MoreChoices {
		if err := send(&sdk.StreamChunk{ChoiceIndex: c.Index, Content: c.Content, Refusal: c.Refusal, ToolCalls: c.ToolCalls,
			LogprobsJson: c.LogprobsJson, FinishReason: c.FinishReason}); err != nil {
			return err
		}
	}
	return send(&sdk.StreamChunk{Role: "assistant", Id: r.Id, Model: r.Model, Content: r.Content, Refusal: r.Refusal, ReasoningContent: r.ReasoningContent,
		ToolCalls: r.ToolCalls, LogprobsJson: r.LogprobsJson, FinishReason: r.FinishReason, Usage: r.Usage})
}

// String names the instance in logs.
func (p *Provider) String() string { return fmt.Sprintf("provider-openai(%s, %s)", p.name, p.flavor) }
