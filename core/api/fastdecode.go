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

// chatFields are the keys decodeChatFast reads itself, in the order of
// its switch (bits of Once).
var chatFields = []string{"model", "messages", "stream", "max_tokens", "max_completion_tokens", "temperature", "top_p",
	"user", "tools", "tool_choice", "stop"}

// decodeChatFast decodes body into b in one pass when it can (see above);
// false leaves b half-filled, for the caller to discard.
func decodeChatFast(body []byte, b *chatBody) bool {
	s := newFastScan(body)
	var rest []byte // the members left to encoding/json, as one object
	ok := s.Object(func(k []byte) bool {
		switch i := slices.Index(chatFields, string(k)); i {
		case 0:
			return s.Once(i) && s.Str(&b.Model)
		case 1:
			return s.Once(i) && jsonscan.Array(&s.Scanner, &b.Messages, s.message) && b.Messages != nil
		case 2:
			return s.Once(i) && s.Bool(&b.Stream)
		case 3:
			return s.Once(i) && s.Int32Ptr(&b.MaxTokens)
		case 4:
			return s.Once(i) && s.Int32Ptr(&b.MaxCompletionTokens)
		case 5:
			return s.Once(i) && s.Float64Ptr(&b.Temperature)
		case 6:
			return s.Once(i) && s.Float64Ptr(&b.TopP)
		case 7:
			return s.Once(i) && s.Str(&b.User)
		case 8:
			return s.Once(i) && s.Raw(&b.Tools)
		case 9:
			return s.Once(i) && s.Raw(&b.ToolChoice)
		case 10:
			return s.Once(i) && s.Raw(&b.Stop)
		}
		// A field's exact name (a duplicate keeps the last, there as
		// here); an unknown key, or one in another case, gives up.
		if !chatBodyNames[string(k)] {
			return false
		}
		v, ok := s.Value()
		rest = append(rest, ',')
		rest = strconv.AppendQuote(rest, string(k))
		rest = append(append(rest, ':'), v...)
		return ok
	})
	if !ok || !s.End() {
		return false
	}
	if rest != nil {
		rest[0] = '{'
		return strictDecode(append(rest, '}'), b, chatFieldCodes) == nil
	}
	return true
}

// messageFields are the keys of a message the fast path reads (bits of
// Once); any other gives up.
var messageFields = []string{"role", "name", "tool_call_id", "content", "refusal", "tool_calls", "reasoning_content",
	"annotations", "function_call", "audio"}

// message reads one message; null, or a key it does not read, gives up.
func (s *fastScan) message(m *chatMessage) bool {
	return s.Object(func(k []byte) bool {
		i := slices.Index(messageFields, string(k))
		if i < 0 || !s.Once(i) {
			return false
		}
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
			if s.Peek() == 'n' {
				m.Refusal = nil
				return s.Literal("null")
			}
			m.Refusal = new(string)
			return s.Peek() == '"' && s.Str(m.Refusal)
		}
		return s.Raw([]*json.RawMessage{&m.ToolCalls, &m.ReasoningContent, &m.Annotations, &m.FunctionCall, &m.Audio}[i-5])
	})
}

// toolCallsFast reads an assistant message's tool calls when every one has
// the usual shape — {"id", "type", "function": {"name", "arguments"}}, each
// a string or null, no other key, none twice — and false otherwise, for
// decodeToolCalls to read them one by one and say what is wrong.
func toolCallsFast(raw json.RawMessage) ([]toolCallJSON, bool) {
	s := newFastScan(raw)
	var out []toolCallJSON
	if s.Peek() != '[' || !jsonscan.Array(&s.Scanner, &out, s.toolCall) || !s.End() {
		return nil, false
	}
	return out, true
}

// toolCallFields and functionFields are the keys of a tool call and of its
// function.
var (
	toolCallFields = []string{"id", "type", "function"}
	functionFields = []string{"name", "arguments"}
)

func (s *fastScan) toolCall(c *toolCallJSON) bool {
	return s.Object(func(k []byte) bool {
		i := slices.Index(toolCallFields, string(k))
		switch {
		case i < 0 || !s.Once(i):
			return false
		case i < 2:
			return s.Str([]*string{&c.ID, &c.Type}[i])
		}
		f := &toolCallFunction{}
		c.Function = f
		return s.Object(func(k []byte) bool {
			i := slices.Index(functionFields, string(k))
			return i >= 0 && s.Once(i) && s.Str([]*string{&f.Name, &f.Arguments}[i])
		})
	})
}
