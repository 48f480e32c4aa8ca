package api

import (
	"encoding/json"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/llmgw/llmgw/sdk/go/jsonscan"
)

// A chat body in one pass. encoding/json reads a body twice — a scan that
// checks it, then the decoding, which finds every value again — and a
// coding agent re-sends its whole conversation (100 kB and more) each turn,
// so on such a body that was most of the host's CPU. decodeChatFast reads
// the common shape of a chat body once with a jsonscan.Scanner, checking the
// JSON as it goes, and gives up (false) on anything it does not know for
// certain: a key it does not read itself, one spelt in another case or
// escaped, a value of a type the field does not take, a number out of range,
// a duplicate key, data after the object. strictDecode then reads the body
// as before, so a body decodes to the same chatBody, and fails with the same
// error, either way (FuzzDecodeChatFast and TestDecodeChatFastOneByteOff hold
// the two paths to that). The keys of the body it does not read itself but
// that name a field exactly (stream_options, logit_bias, n, …) are handed to
// encoding/json together, as one small object.

// fastScan is a jsonscan.Scanner with the readers of a message and a tool
// call.
type fastScan struct{ jsonscan.Scanner }

func newFastScan(b []byte) *fastScan { return &fastScan{jsonscan.Scanner{Data: b}} }

// strict reads an object whose keys are all fields, each at most once, as
// encoding/json does with unknown fields disallowed: read(i) reads the
// value of fields[i]. Any other key gives up.
func (s *fastScan) strict(fields []string, read func(i int) bool) bool {
	return s.Object(func(k []byte) bool {
		i := slices.Index(fields, string(k))
		return i >= 0 && s.Once(i) && read(i)
	})
}

// fastList reads raw as one JSON list whose every element elem reads;
// false for anything else (null included).
func fastList[T any](raw []byte, elem func(s *fastScan, v *T) bool) ([]T, bool) {
	s := newFastScan(raw)
	var out []T
	if s.Peek() != '[' || !jsonscan.Array(&s.Scanner, &out, func(v *T) bool { return elem(s, v) }) || !s.End() {
		return nil, false
	}
	return out, true
}

// chatBodyNames are chatBody's JSON names: a key decodeChatFast does not
// read itself but that names a field exactly is left to encoding/json.
var chatBodyNames = jsonNames(reflect.TypeFor[chatBody]())

func jsonNames(t reflect.Type) map[string]bool {
	names := map[string]bool{}
	for f := range t.Fields() {
		if name, _, _ := strings.Cut(f.Tag.Get("json"), ","); name != "" {
			names[name] = true
		}
	}
	return names
}

// chatFields are the keys decodeChatFast reads itself (bits of Once).
var chatFields = []string{"model", "messages", "stream", "max_tokens", "max_completion_tokens", "temperature", "top_p",
	"user", "tools", "tool_choice", "stop"}

// decodeChatFast decodes body into b in one pass when it can (see above);
// false leaves b half-filled, for the caller to discard.
func decodeChatFast(body []byte, b *chatBody) bool {
	return fastTop(body, chatFields, chatBodyNames, func(s *fastScan, i int) bool {
		switch i {
		case 0:
			return s.Str(&b.Model)
		case 1:
			return jsonscan.Array(&s.Scanner, &b.Messages, s.message) && b.Messages != nil
		case 2:
			return s.Bool(&b.Stream)
		case 3:
			return s.Int32Ptr(&b.MaxTokens)
		case 4:
			return s.Int32Ptr(&b.MaxCompletionTokens)
		case 5:
			return s.Float64Ptr(&b.Temperature)
		case 6:
			return s.Float64Ptr(&b.TopP)
		case 7:
			return s.Str(&b.User)
		}
		return s.Raw([]*json.RawMessage{&b.Tools, &b.ToolChoice, &b.Stop}[i-8])
	}, b, chatFieldCodes)
}

// fastTop reads a body's top-level object for strictDecode's v in one pass:
// read(s, i) reads the value of fields[i] (each at most once); a key that
// names one of v's other fields exactly (names) is handed to encoding/json
// with the others, as one small object decoded into v when the scan is
// done; any other key gives up, as does anything the scan does not read.
func fastTop(body []byte, fields []string, names map[string]bool, read func(s *fastScan, i int) bool, v any, codes map[string]string) bool {
	s := newFastScan(body)
	var rest []byte
	ok := s.Object(func(k []byte) bool {
		if i := slices.Index(fields, string(k)); i >= 0 {
			return s.Once(i) && read(s, i)
		}
		// A field's exact name (a duplicate keeps the last, there as
		// here); an unknown key, or one in another case, gives up.
		if !names[string(k)] {
			return false
		}
		val, ok := s.Value()
		rest = append(rest, ',')
		rest = strconv.AppendQuote(rest, string(k))
		rest = append(append(rest, ':'), val...)
		return ok
	})
	if !ok || !s.End() {
		return false
	}
	if rest != nil {
		rest[0] = '{'
		return strictDecode(append(rest, '}'), v, codes) == nil
	}
	return true
}

// messageFields are the keys of a message the fast path reads (bits of
// Once); any other gives up.
var messageFields = []string{"role", "name", "tool_call_id", "content", "refusal", "tool_calls", "reasoning_content",
	"annotations", "function_call", "audio"}

// message reads one message; null, or a key it does not read, gives up.
func (s *fastScan) message(m *chatMessage) bool {
	return s.strict(messageFields, func(i int) bool {
		switch i {
		case 0:
			return s.Str(&m.Role)
		case 1:
			return s.Str(&m.Name)
		case 2:
			return s.Str(&m.ToolCallID)
		case 3:
			v, ok := s.Value()
			if !ok {
				return false
			}
			if v[0] == '"' {
				m.Content.isText, m.Content.text = true, jsonscan.Text(v[1:len(v)-1])
			} else {
				m.Content.raw = append(json.RawMessage(nil), v...)
			}
			return true
		case 4:
			return s.strPtr(&m.Refusal)
		}
		return s.Raw([]*json.RawMessage{&m.ToolCalls, &m.ReasoningContent, &m.Annotations, &m.FunctionCall, &m.Audio}[i-5])
	})
}

// toolCallsFast reads an assistant message's tool calls when every one has
// the usual shape — {"id", "type", "function": {"name", "arguments"}}, each
// a string or null, no other key, none twice — and false otherwise, for
// decodeToolCalls to read them one by one and say what is wrong.
func toolCallsFast(raw json.RawMessage) ([]toolCallJSON, bool) {
	return fastList(raw, (*fastScan).toolCall)
}

// toolCallFields and functionFields are the keys of a tool call and of its
// function.
var (
	toolCallFields = []string{"id", "type", "function"}
	functionFields = []string{"name", "arguments"}
)

func (s *fastScan) toolCall(c *toolCallJSON) bool {
	return s.strict(toolCallFields, func(i int) bool {
		if i < 2 {
			return s.Str([]*string{&c.ID, &c.Type}[i])
		}
		f := &toolCallFunction{}
		c.Function = f
		return s.strict(functionFields, func(i int) bool { return s.Str([]*string{&f.Name, &f.Arguments}[i]) })
	})
}

// The Messages API (/v1/messages, Claude Code's route) the same way: the
// body's usual keys and its messages in one pass (decodeMessagesFast,
// strict as strictDecode is), and each message's content blocks — and a
// tool result's, its bulk — as json.Unmarshal reads them, unknown keys
// skipped (contentBlocksFast).

var messagesBodyNames = jsonNames(reflect.TypeFor[messagesBody]())

// messagesFields are the keys decodeMessagesFast reads itself.
var messagesFields = []string{"model", "max_tokens", "messages", "system", "stream", "temperature", "top_p"}

// decodeMessagesFast decodes a Messages API body into b in one pass when it
// can; false leaves b half-filled, for the caller to discard.
func decodeMessagesFast(body []byte, b *messagesBody) bool {
	return fastTop(body, messagesFields, messagesBodyNames, func(s *fastScan, i int) bool {
		switch i {
		case 0:
			return s.Str(&b.Model)
		case 1:
			return s.Int32Ptr(&b.MaxTokens)
		case 2:
			return jsonscan.Array(&s.Scanner, &b.Messages, s.anthMessage) && b.Messages != nil
		case 3:
			return s.Raw(&b.System)
		case 4:
			return s.Bool(&b.Stream)
		case 5:
			return s.Float64Ptr(&b.Temperature)
		}
		return s.Float64Ptr(&b.TopP)
	}, b, messagesFieldCodes)
}

// anthMessageFields are anthMessage's keys.
var anthMessageFields = []string{"role", "content"}

func (s *fastScan) anthMessage(m *anthMessage) bool {
	return s.strict(anthMessageFields, func(i int) bool {
		if i == 0 {
			return s.Str(&m.Role)
		}
		return s.Raw(&m.Content)
	})
}

// blockFields and sourceFields are anthBlock's and anthSource's keys.
var (
	blockFields = []string{"type", "text", "source", "id", "name", "input", "tool_use_id", "content", "is_error",
		"cache_control", "citations", "thinking", "signature", "data"}
	sourceFields = []string{"type", "media_type", "data", "url"}
)

// contentBlocksFast reads a content as contentBlocks does — a string (one
// text block) or a list of blocks, as json.Unmarshal reads them — in one
// pass; false leaves it to contentBlocks.
func contentBlocksFast(raw json.RawMessage) ([]anthBlock, bool) {
	s := newFastScan(raw)
	switch s.Peek() {
	case '"':
		var t string
		if !s.Str(&t) || !s.End() {
			return nil, false
		}
		return []anthBlock{{Type: "text", Text: &t}}, true
	case '[':
		return fastList(raw, (*fastScan).block)
	}
	return nil, false
}

// block reads one content block; unknown keys are skipped, as
// json.Unmarshal skips them (jsonscan's Member).
func (s *fastScan) block(bl *anthBlock) bool {
	return s.Object(func(k []byte) bool {
		return s.Member(k, blockFields, func(i int) bool {
			switch i {
			case 1:
				return s.strPtr(&bl.Text)
			case 2:
				return jsonscan.Pointer(&s.Scanner, &bl.Source, func(src *anthSource, k []byte) bool {
					return s.Member(k, sourceFields, func(i int) bool {
						return s.Str([]*string{&src.Type, &src.MediaType, &src.Data, &src.URL}[i])
					})
				})
			case 5:
				return s.Raw(&bl.Input)
			case 7:
				return s.Raw(&bl.Content)
			case 8:
				return s.Bool(&bl.IsError)
			case 9:
				return s.Raw(&bl.CacheControl)
			case 10:
				return s.Raw(&bl.Citations)
			}
			return s.Str([]*string{0: &bl.Type, 3: &bl.ID, 4: &bl.Name, 6: &bl.ToolUseID, 11: &bl.Thinking, 12: &bl.Signature, 13: &bl.Data}[i])
		})
	})
}

// The Responses API (/v1/responses, Codex's route) the same way: the body
// (decodeResponsesFast), its input items and their content parts, strict as
// decodeField is (inputItemsFast, inputPartsFast), and a text that may be a
// string (textFast).

var responsesBodyNames = jsonNames(reflect.TypeFor[responsesBody]())

// responsesFields are the keys decodeResponsesFast reads itself.
var responsesFields = []string{"model", "input", "instructions", "max_output_tokens", "temperature", "top_p", "stream",
	"tools", "tool_choice"}

// decodeResponsesFast decodes a Responses body into b in one pass when it
// can; false leaves b half-filled, for the caller to discard.
func decodeResponsesFast(body []byte, b *responsesBody) bool {
	return fastTop(body, responsesFields, responsesBodyNames, func(s *fastScan, i int) bool {
		switch i {
		case 0:
			return s.Str(&b.Model)
		case 2:
			return s.strPtr(&b.Instructions)
		case 3:
			return s.Int32Ptr(&b.MaxOutputTokens)
		case 4:
			return s.Float64Ptr(&b.Temperature)
		case 5:
			return s.Float64Ptr(&b.TopP)
		case 6:
			return s.Bool(&b.Stream)
		}
		return s.Raw([]*json.RawMessage{1: &b.Input, 7: &b.Tools, 8: &b.ToolChoice}[i])
	}, b, responsesFieldCodes)
}

// inputItemFields are inputItem's keys; inputPartFields those of inputPart
// the fast path reads (a file or audio part's keys give up).
var (
	inputItemFields = []string{"type", "id", "status", "role", "content", "phase", "call_id", "name", "arguments", "output",
		"summary", "encrypted_content"}
	inputPartFields = []string{"type", "text", "image_url", "detail", "refusal", "annotations", "logprobs"}
)

// inputItemsFast reads a list of input items, each as decodeField reads it
// (unknown keys refused: the fast path gives up on them), in one pass.
func inputItemsFast(raw json.RawMessage) ([]inputItem, bool) {
	return fastList(raw, (*fastScan).inputItem)
}

func (s *fastScan) inputItem(it *inputItem) bool {
	return s.strict(inputItemFields, func(i int) bool {
		switch i {
		case 4, 9, 10, 11:
			return s.Raw([]*json.RawMessage{4: &it.Content, 9: &it.Output, 10: &it.Summary, 11: &it.EncryptedContent}[i])
		case 8:
			return s.strPtr(&it.Arguments)
		}
		return s.Str([]*string{0: &it.Type, 1: &it.ID, 2: &it.Status, 3: &it.Role, 5: &it.Phase, 6: &it.CallID, 7: &it.Name}[i])
	})
}

// inputPartsFast reads a list of content parts as decodeField reads each.
func inputPartsFast(raw json.RawMessage) ([]inputPart, bool) {
	return fastList(raw, (*fastScan).inputPart)
}

func (s *fastScan) inputPart(p *inputPart) bool {
	return s.strict(inputPartFields, func(i int) bool {
		switch i {
		case 0:
			return s.Str(&p.Type)
		case 3:
			return s.Str(&p.Detail)
		case 5:
			return s.Raw(&p.Annotations)
		case 6:
			return s.Raw(&p.Logprobs)
		}
		return s.strPtr([]**string{1: &p.Text, 2: &p.ImageURL, 4: &p.Refusal}[i])
	})
}

// strPtr reads a string into a new string, null into nil.
func (s *fastScan) strPtr(dst **string) bool {
	if s.Peek() == 'n' {
		*dst = nil
		return s.Literal("null")
	}
	*dst = new(string)
	return s.Peek() == '"' && s.Str(*dst)
}

// textFast is raw's text when raw is one JSON string, as json.Unmarshal
// reads it into a string; false for anything else (null included, which
// json.Unmarshal leaves as it is).
func textFast(raw json.RawMessage) (string, bool) {
	s := newFastScan(raw)
	var t string
	if s.Peek() != '"' || !s.Str(&t) || !s.End() {
		return "", false
	}
	return t, true
}
