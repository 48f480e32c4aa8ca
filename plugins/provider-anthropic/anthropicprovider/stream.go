package anthropicprovider

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"

	sdk "github.com/llmgw/llmgw/sdk/go"
	"github.com/llmgw/llmgw/sdk/go/provkit/sse"
)

// streamState turns the events of one Messages stream into chunks:
//
//	message_start                      id, model, input usage
//	content_block_start text/thinking  (its text, if any)
//	content_block_start tool_use       a tool-call delta with id and name
//	content_block_delta text_delta     content
//	content_block_delta input_json     a tool-call delta with an arguments fragment
//	content_block_delta thinking_delta reasoning_content
//	content_block_stop                 "{}" for a tool call that got no arguments
//	message_delta                      stop_reason, cumulative usage
//	message_stop                       the last chunk: finish_reason and usage
//	ping                               nothing
//	error                              a failed stream, classified
//
// Tool calls are numbered among themselves (Anthropic's block index counts
// text blocks too). A stream that ends before message_stop was cut.
type streamState struct {
	p      *Provider
	send   sdk.ChunkSender
	status int

	id, model  string
	usage      usage
	stopReason string
	started    bool           // a chunk has gone out (it carried the role)
	said       bool           // text or a tool call has gone out
	tools      map[int]int32  // block index → tool-call index
	argsSent   map[int32]bool // tool-call index → an arguments fragment went out
}

// read consumes the stream. ctx is the caller's context, callCtx the one
// bounded by the instance timeout.
func (s *streamState) read(ctx, callCtx context.Context, body io.Reader) error {
	events := sse.NewReader(body, maxStreamEvent)
	defer events.Release()
	for {
		ev, err := events.Next()
		if err == io.EOF || err == nil && ev.Unterminated {
			return sdk.Fail(sdk.ClassTransport, s.status, 0, "", "anthropic: upstream stream ended early (no message_stop)")
		}
		if errors.Is(err, sse.ErrTooLarge) {
			return sdk.Fail(sdk.ClassUpstream5xx, s.status, 0, "", "anthropic: stream event too large")
		}
		if err != nil {
			return s.p.transportError(ctx, callCtx, err, "while streaming")
		}
		data := bytes.TrimSpace(ev.Data)
		if len(data) == 0 {
			continue
		}
		var se streamEvent
		if err := json.Unmarshal(data, &se); err != nil {
			return sdk.Fail(sdk.ClassUpstream5xx, s.status, 0, "", "anthropic: malformed stream event (invalid JSON)")
		}
		done, err := s.handle(&se)
		if err != nil || done {
			return err
		}
	}
}

// handle applies one event; done is set by message_stop.
func (s *streamState) handle(se *streamEvent) (done bool, err error) {
	switch se.Type {
	case "message_start":
		if se.Message != nil {
			s.id, s.model = se.Message.ID, se.Message.Model
			s.usage.merge(se.Message.Usage)
		}
	case "content_block_start":
		return false, s.blockStart(se)
	case "content_block_delta":
		return false, s.blockDelta(se)
	case "content_block_stop":
		if i, ok := s.tools[se.Index]; ok && !s.argsSent[i] {
			// A call without arguments: OpenAI clients parse "{}".
			s.argsSent[i] = true
			return false, s.emit(&sdk.StreamChunk{ToolCalls: []*sdk.ToolCall{{Index: i, Arguments: "{}"}}})
		}
	case "message_delta":
		if se.Delta != nil && se.Delta.StopReason != "" {
			s.stopReason = se.Delta.StopReason
		}
		s.usage.merge(se.Usage)
	case "message_stop":
		return true, s.finish()
	case "error":
		if se.Error == nil {
			se.Error = &apiError{Type: "api_error", Message: "upstream reported an error"}
		}
		return false, s.p.classify(0, nil, se.Error)
	}
	// ping, and event types added after this provider was written.
	return false, nil
}

// blockStart opens a content block: a tool_use block starts a tool call.
func (s *streamState) blockStart(se *streamEvent) error {
	b := se.ContentBlock
	if b == nil {
		return nil
	}
	switch b.Type {
	case "text":
		if b.Text != nil && *b.Text != "" {
			return s.emit(&sdk.StreamChunk{Content: *b.Text})
		}
	case "thinking":
		if b.Thinking != "" || b.Signature != "" {
			return s.emit(&sdk.StreamChunk{ReasoningContent: b.Thinking, ReasoningSignature: b.Signature})
		}
	case "tool_use":
		i := int32(len(s.tools))
		s.tools[se.Index] = i
		return s.emit(&sdk.StreamChunk{ToolCalls: []*sdk.ToolCall{{Index: i, Id: b.ID, Type: "function", Name: b.Name}}})
	}
	return nil
}

// blockDelta forwards a block's next piece.
func (s *streamState) blockDelta(se *streamEvent) error {
	d := se.Delta
	if d == nil {
		return nil
	}
	switch d.Type {
	case "text_delta":
		if d.Text != "" {
			return s.emit(&sdk.StreamChunk{Content: d.Text})
		}
	case "thinking_delta":
		if d.Thinking != "" {
			return s.emit(&sdk.StreamChunk{ReasoningContent: d.Thinking})
		}
	case "signature_delta":
		if d.Signature != "" {
			return s.emit(&sdk.StreamChunk{ReasoningSignature: d.Signature})
		}
	case "input_json_delta":
		i, ok := s.tools[se.Index]
		if !ok {
			return sdk.Fail(sdk.ClassUpstream5xx, s.status, 0, "", "anthropic: malformed stream (arguments for a block that is no tool call)")
		}
		if d.PartialJSON == "" {
			return nil
		}
		s.argsSent[i] = true
		return s.emit(&sdk.StreamChunk{ToolCalls: []*sdk.ToolCall{{Index: i, Arguments: d.PartialJSON}}})
	}
	// citations_delta: nothing for an OpenAI client.
	return nil
}

// emit sends a chunk; the first one carries the role, id and model.
func (s *streamState) emit(c *sdk.StreamChunk) error {
	if !s.started {
		c.Role, c.Id, c.Model = "assistant", s.id, s.model
		s.started = true
	}
	if c.Content != "" || len(c.ToolCalls) > 0 {
		s.said = true
	}
	return s.send(c)
}

// finish sends the last chunk at message_stop.
func (s *streamState) finish() error {
	if s.stopReason == "refusal" && !s.said {
		return refused()
	}
	return s.emit(&sdk.StreamChunk{FinishReason: finishReason(s.stopReason), Usage: s.usage.toSDK(), Id: s.id, Model: s.model})
}
