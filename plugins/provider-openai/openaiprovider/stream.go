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
// Groq's x_groq.usage.
type streamChunk struct {
	ID      string `json:"id"`
	Model   string `json:"model"`
	Choices []struct {
		Index int `json:"index"`
		Delta struct {
			Role    string `json:"role"`
			Content string `json:"content"`
			// OpenRouter and Groq stream a reasoning model's thinking as
			// reasoning, DeepSeek-style servers as reasoning_content.
			Reasoning        string          `json:"reasoning"`
			ReasoningContent string          `json:"reasoning_content"`
			Refusal          string          `json:"refusal"`
			ToolCalls        json.RawMessage `json:"tool_calls"`
		} `json:"delta"`
		FinishReason *string `json:"finish_reason"`
	} `json:"choices"`
	Usage *openai.Usage `json:"usage"`
	XGroq *struct {
		Usage *openai.Usage `json:"usage"`
	} `json:"x_groq"`
	Error *upstreamError `json:"error"`
}

func toUsage(u *openai.Usage) *sdk.Usage {
	if u == nil {
		return nil
	}
	return &sdk.Usage{
		PromptTokens:     int32(u.PromptTokens),
		CompletionTokens: int32(u.CompletionTokens),
		TotalTokens:      int32(u.TotalTokens),
	}
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
	oreq, patch := buildRequest(req, true)
	body, err := json.Marshal(oreq)
	if err != nil {
		return p.classify.fail(sdk.ClassBadRequest, 0, 0, "invalid_request", "cannot encode the request")
	}
	body = patch.apply(body)

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
	var (
		events    = sse.NewReader(resp.Body, maxStreamEvent)
		sentFirst bool
		pending   *sdk.StreamChunk // the chunk with the finish_reason, held for the usage
		done      bool
	)
	first := func(out *sdk.StreamChunk, role, id, model string) {
		if sentFirst {
			return
		}
		if role == "" {
			role = "assistant"
		}
		out.Role, out.Id, out.Model = role, id, model
		sentFirst = true
	}
	for !done {
		ev, err := events.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
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
		var c streamChunk
		if err := json.Unmarshal(data, &c); err != nil {
			return p.classify.fail(sdk.ClassUpstream5xx, resp.StatusCode, 0, "", "upstream sent a malformed stream chunk")
		}
		if c.Error != nil {
			return p.classify.embeddedError(resp.StatusCode, resp.Header, c.Error)
		}
		out := &sdk.StreamChunk{Usage: toUsage(c.Usage)}
		if out.Usage == nil && c.XGroq != nil {
			out.Usage = toUsage(c.XGroq.Usage)
		}
		var role, finish string
		progress := false // a delta that is not content but shows the model at work
		for i := range c.Choices {
			if ch := &c.Choices[i]; ch.Index == 0 {
				out.Content, role = ch.Delta.Content, ch.Delta.Role
				out.ReasoningContent = ch.Delta.Reasoning + ch.Delta.ReasoningContent
				out.Refusal = ch.Delta.Refusal
				progress = out.ReasoningContent != "" || out.Refusal != "" || hasToolCalls(ch.Delta.ToolCalls)
				if ch.FinishReason != nil {
					finish = *ch.FinishReason
				}
				break
			}
		}
		if finish == "error" {
			return p.classify.fail(sdk.ClassUpstream5xx, resp.StatusCode, 0, "", "upstream ended the generation with an error")
		}
		switch {
		case pending != nil:
			// After the finish_reason: OpenAI's usage chunk (choices: []).
			pending.Content += out.Content
			if out.Usage != nil {
				pending.Usage = out.Usage
			}
			continue
		case finish != "":
			out.FinishReason = finish
			first(out, role, c.ID, c.Model)
			pending = out
			continue
		case out.Content == "" && out.Usage == nil && !progress && (role == "" || sentFirst):
			continue // an empty keep-alive delta
		}
		first(out, role, c.ID, c.Model)
		if err := send(out); err != nil {
			return err
		}
	}
	if pending != nil {
		return send(pending)
	}
	if done {
		return nil
	}
	if ctx.Err() != nil {
		return p.classify.transportError(ctx, ctx.Err())
	}
	return p.classify.fail(sdk.ClassTransport, resp.StatusCode, 0, "", "upstream stream ended early")
}

// hasToolCalls reports whether a delta's tool_calls holds anything. The
// gateway does not forward tool calls, but a model writing one is at work:
// the chunk keeps the host's idle deadline from firing.
func hasToolCalls(raw json.RawMessage) bool {
	s := string(bytes.TrimSpace(raw))
	return s != "" && s != "null" && s != "[]"
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
	var full openai.ChatCompletionResponse
	if err := json.Unmarshal(body, &full); err != nil || len(full.Choices) == 0 {
		return p.classify.fail(sdk.ClassUpstream5xx, resp.StatusCode, 0, "", "upstream sent a malformed answer")
	}
	ch := full.Choices[0]
	if ch.FinishReason == "error" {
		return p.classify.fail(sdk.ClassUpstream5xx, resp.StatusCode, 0, "", "upstream ended the generation with an error")
	}
	finish := string(ch.FinishReason)
	if finish == "" {
		finish = "stop"
	}
	return send(&sdk.StreamChunk{
		Role:         "assistant",
		Id:           full.ID,
		Model:        full.Model,
		Content:      ch.Message.Content,
		FinishReason: finish,
		Usage:        toUsage(&full.Usage),
	})
}

// String names the instance in logs.
func (p *Provider) String() string { return fmt.Sprintf("provider-openai(%s, %s)", p.name, p.flavor) }
