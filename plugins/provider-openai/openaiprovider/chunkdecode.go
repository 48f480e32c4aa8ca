package openaiprovider

import (
	"encoding/json"

	"github.com/llmgw/llmgw/sdk/go/jsonscan"
	openai "github.com/sashabaranov/go-openai"
)

// chunkDecoder decodes the events of one stream into streamChunks, exactly
// as json.Unmarshal does.
//
// A stream carries an event per token, so this is the provider's hottest
// decoding. The shape OpenAI-compatible servers send — streamChunk's fields
// under their exact names, holding strings, integers, objects, arrays or
// null, every other field skipped — is read by chunkScanner in one pass,
// without reflection. Anything else (an error object, a key that matches a
// field only in another letter case, a repeated field, a value of another
// type, invalid JSON, …) is left to encoding/json, whose result is the
// reference: the scanner either yields what json.Unmarshal yields or gives
// up, and c is then decoded afresh by encoding/json (FuzzDecodeChunk checks
// both). The decoder keeps the last event's id and model, which every event
// repeats, so that they are not allocated again. The zero value is ready.
type chunkDecoder struct{ id, model string }

// decode decodes one event into c (which it clears first).
func (d *chunkDecoder) decode(data []byte, c *streamChunk) error {
	*c = streamChunk{}
	s := chunkScanner{Scanner: jsonscan.Scanner{Data: data}, dec: d}
	if s.chunk(c) && s.End() {
		d.id, d.model = c.ID, c.Model
		return nil
	}
	*c = streamChunk{}
	return json.Unmarshal(data, c)
}

// chunkScanner reads a chunk's JSON (jsonscan: every method reports false
// when the input is not of the shape it handles; the caller then gives up).
type chunkScanner struct {
	jsonscan.Scanner
	dec *chunkDecoder
}

// strAs is Str that reuses prev when the string is the same.
func (s *chunkScanner) strAs(dst *string, prev string) bool {
	if s.Peek() == '"' {
		start := s.Pos
		if content, plain, ok := s.ScanString(); ok && plain && string(content) == prev {
			*dst = prev
			return true
		}
		s.Pos = start
	}
	return s.Str(dst)
}

// The fields of each object the scanner reads, as streamChunk names them.
var (
	chunkFields         = []string{"id", "model", "choices", "usage", "x_groq", "error"}
	choiceFields        = []string{"index", "delta", "logprobs", "finish_reason"}
	deltaFields         = []string{"role", "content", "reasoning", "reasoning_content", "refusal", "tool_calls"}
	toolCallFields      = []string{"id", "type", "index", "function"}
	functionFields      = []string{"name", "arguments"}
	usageFields         = []string{"prompt_tokens", "completion_tokens", "total_tokens", "prompt_tokens_details", "completion_tokens_details"}
	promptDetailsFields = []string{"audio_tokens", "cached_tokens"}
	outputDetailsFields = []string{"audio_tokens", "reasoning_tokens", "accepted_prediction_tokens", "rejected_prediction_tokens"}
	xGroqFields         = []string{"usage"}
)

// chunk reads a whole chunk.
func (s *chunkScanner) chunk(c *streamChunk) bool {
	return s.Object(func(key []byte) bool {
		return s.Member(key, chunkFields, func(i int) bool {
			switch i {
			case 0:
				return s.strAs(&c.ID, s.dec.id)
			case 1:
				return s.strAs(&c.Model, s.dec.model)
			case 2:
				return jsonscan.Array(&s.Scanner, &c.Choices, s.choice)
			case 3:
				return jsonscan.Pointer(&s.Scanner, &c.Usage, s.usage)
			case 4:
				return jsonscan.Pointer(&s.Scanner, &c.XGroq, func(x *xGroqExtra, key []byte) bool {
					return s.Member(key, xGroqFields, func(int) bool { return jsonscan.Pointer(&s.Scanner, &x.Usage, s.usage) })
				})
			}
			// An error object is rare: encoding/json reads it.
			return s.Peek() == 'n' && s.Literal("null")
		})
	})
}

// choice reads one choice of a chunk.
func (s *chunkScanner) choice(ch *chunkChoice) bool {
	return s.StructValue(func(key []byte) bool {
		return s.Member(key, choiceFields, func(i int) bool {
			switch i {
			case 0:
				return s.Integer(&ch.Index)
			case 1:
				return s.StructValue(func(key []byte) bool { return s.delta(&ch.Delta, key) })
			case 2:
				return s.Raw(&ch.Logprobs)
			}
			if s.Peek() == 'n' {
				ch.FinishReason = nil
				return s.Literal("null")
			}
			var f string
			if s.Peek() != '"' || !s.Str(&f) {
				return false
			}
			ch.FinishReason = &f
			return true
		})
	})
}

// delta reads one member of a choice's delta.
func (s *chunkScanner) delta(d *chunkDelta, key []byte) bool {
	return s.Member(key, deltaFields, func(i int) bool {
		if i == 5 {
			return jsonscan.Array(&s.Scanner, &d.ToolCalls, s.toolCall)
		}
		return s.Str([]*string{&d.Role, &d.Content, &d.Reasoning, &d.ReasoningContent, &d.Refusal}[i])
	})
}

// toolCall reads one tool-call delta.
func (s *chunkScanner) toolCall(tc *wireToolCall) bool {
	return s.StructValue(func(key []byte) bool {
		return s.Member(key, toolCallFields, func(i int) bool {
			switch i {
			case 0, 1:
				return s.Str([]*string{&tc.ID, &tc.Type}[i])
			case 2:
				return s.IntPtr(&tc.Index)
			}
			return s.StructValue(func(key []byte) bool {
				return s.Member(key, functionFields, func(i int) bool {
					return s.Str([]*string{&tc.Function.Name, &tc.Function.Arguments}[i])
				})
			})
		})
	})
}

// usage reads one member of a usage object.
func (s *chunkScanner) usage(u *openai.Usage, key []byte) bool {
	return s.Member(key, usageFields, func(i int) bool {
		switch i {
		case 3:
			return jsonscan.Pointer(&s.Scanner, &u.PromptTokensDetails, func(d *openai.PromptTokensDetails, key []byte) bool {
				return s.Member(key, promptDetailsFields, func(i int) bool {
					return s.Integer([]*int{&d.AudioTokens, &d.CachedTokens}[i])
				})
			})
		case 4:
			return jsonscan.Pointer(&s.Scanner, &u.CompletionTokensDetails, func(d *openai.CompletionTokensDetails, key []byte) bool {
				return s.Member(key, outputDetailsFields, func(i int) bool {
					return s.Integer([]*int{&d.AudioTokens, &d.ReasoningTokens, &d.AcceptedPredictionTokens, &d.RejectedPredictionTokens}[i])
				})
			})
		}
		return s.Integer([]*int{&u.PromptTokens, &u.CompletionTokens, &u.TotalTokens}[i])
	})
}
