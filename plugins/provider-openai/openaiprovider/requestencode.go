package openaiprovider

import (
	"encoding/json"
	"math"
	"strconv"
	"unicode/utf8"

	sdk "github.com/llmgw/llmgw/sdk/go"
	openai "github.com/sashabaranov/go-openai"
)

// appendChatRequest appends the JSON body of a call for req to b without
// reflection: byte for byte what encoding/json makes of buildRequest's
// go-openai request with its bodyPatch applied (go-openai's field order,
// its omitempty rules, encoding/json's string escaping and float format),
// which FuzzEncodeRequest and TestEncodeRequestIsGoOpenAIs check. It
// writes text conversations with their tool calls, tools and tool choice —
// what chat clients and coding agents send; ok is false for anything else
// (message parts, a response format, logit_bias, a float that is not
// finite), which go-openai's encoding handles. The tools, the tool choice
// and parallel_tool_calls are go-openai's values (mapTools) marshalled
// one by one, as encoding/json would inside the request.
//
// encoding/json spent most of its time on go-openai's per-message
// MarshalJSON (a reflective encoding per message, then a re-scan of its
// output) and the request's reflective walk.
func appendChatRequest(b []byte, req *sdk.CompleteRequest, stream bool) (_ []byte, ok bool) {
	cr := req.GetRequest()
	if !plainChat(cr) {
		return b, false
	}
	model := req.GetUpstreamModel()
	if model == "" {
		model = cr.GetModel()
	}
	var temperature, topP float32
	if cr.Temperature != nil {
		temperature = float32(cr.GetTemperature())
	}
	if cr.TopP != nil {
		topP = float32(cr.GetTopP())
	}
	presence, frequency := float32(cr.GetPresencePenalty()), float32(cr.GetFrequencyPenalty())
	for _, f := range []float32{temperature, topP, presence, frequency} {
		if math.IsInf(float64(f), 0) || math.IsNaN(float64(f)) {
			return b, false // encoding/json refuses it: keep its error
		}
	}
	b = append(b, '{')
	// bodyPatch: a zero the client set on purpose, which go-openai drops.
	if cr.Temperature != nil && temperature == 0 {
		b = append(b, `"temperature":0,`...)
	}
	if cr.TopP != nil && topP == 0 {
		b = append(b, `"top_p":0,`...)
	}
	if k := cr.GetPromptCacheKey(); k != "" { // bodyPatch too: go-openai has no field for it
		b = append(b, `"prompt_cache_key":`...)
		b = appendJSONString(b, k)
		b = append(b, ',')
	}
	b = append(b, `"model":`...)
	b = appendJSONString(b, model)
	b = append(b, `,"messages":[`...)
	for i, m := range cr.GetMessages() {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"role":`...)
		b = appendJSONString(b, m.GetRole())
		b = appendStringField(b, "content", m.GetContent())
		b = appendStringField(b, "refusal", m.GetRefusal())
		b = appendStringField(b, "name", m.GetName())
		b = appendToolCalls(b, m.GetToolCalls())
		b = appendStringField(b, "tool_call_id", m.GetToolCallId())
		b = append(b, '}')
	}
	b = append(b, ']')
	if cr.MaxTokens != nil && cr.GetMaxTokens() > 0 {
		if cr.GetMaxCompletionTokens() || isReasoningModel(model) {
			b = appendIntField(b, "max_completion_tokens", int64(cr.GetMaxTokens()))
		} else {
			b = appendIntField(b, "max_tokens", int64(cr.GetMaxTokens()))
		}
	}
	b = appendFloatField(b, "temperature", temperature)
	b = appendFloatField(b, "top_p", topP)
	if cr.N != nil && cr.GetN() > 1 {
		b = appendIntField(b, "n", int64(cr.GetN()))
	}
	b = append(b, `,"stream":`...)
	b = strconv.AppendBool(b, stream)
	if stop := cr.GetStop(); len(stop) > 0 {
		b = append(b, `,"stop":[`...)
		for i, s := range stop {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSONString(b, s)
		}
		b = append(b, ']')
	}
	b = appendFloatField(b, "presence_penalty", presence)
	if cr.Seed != nil {
		b = append(b, `,"seed":`...)
		b = strconv.AppendInt(b, int64(int(cr.GetSeed())), 10)
	}
	b = appendFloatField(b, "frequency_penalty", frequency)
	if cr.GetLogprobs() {
		b = append(b, `,"logprobs":true`...)
	}
	if n := int(cr.GetTopLogprobs()); n != 0 {
		b = appendIntField(b, "top_logprobs", int64(n))
	}
	b = appendStringField(b, "user", cr.GetUser())
	var tools openai.ChatCompletionRequest
	mapTools(cr, &tools)
	if len(tools.Tools) > 0 {
		if b, ok = appendMarshalled(b, "tools", tools.Tools); !ok {
			return b, false // go-openai's encoding says what is wrong
		}
	}
	if tools.ToolChoice != nil {
		if b, ok = appendMarshalled(b, "tool_choice", tools.ToolChoice); !ok {
			return b, false
		}
	}
	if stream {
		b = append(b, `,"stream_options":{"include_usage":true}`...)
	}
	if tools.ParallelToolCalls != nil {
		if b, ok = appendMarshalled(b, "parallel_tool_calls", tools.ParallelToolCalls); !ok {
			return b, false
		}
	}
	b = appendStringField(b, "reasoning_effort", cr.GetReasoningEffort())
	b = appendStringField(b, "verbosity", cr.GetVerbosity())
	b = appendStringField(b, "safety_identifier", cr.GetSafetyIdentifier())
	return append(b, '}'), true
}

// plainChat reports whether appendChatRequest writes cr: text messages
// (with tool calls) only, none of the fields whose encoding it leaves to
// go-openai.
func plainChat(cr *sdk.ChatRequest) bool {
	if cr.GetResponseFormat() != "" || len(cr.GetLogitBias()) > 0 {
		return false
	}
	for _, m := range cr.GetMessages() {
		if len(m.GetParts()) > 0 {
			return false
		}
	}
	return true
}

// appendToolCalls appends an assistant message's tool calls as go-openai's
// ToolCall (no index; the id, the function's name and arguments omitted
// when empty), nothing when there are none.
func appendToolCalls(b []byte, calls []*sdk.ToolCall) []byte {
	if len(calls) == 0 {
		return b
	}
	b = append(b, `,"tool_calls":[`...)
	for i, c := range calls {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '{')
		if id := c.GetId(); id != "" {
			b = append(b, `"id":`...)
			b = appendJSONString(b, id)
			b = append(b, ',')
		}
		b = append(b, `"type":"function","function":{`...)
		name, args := c.GetName(), c.GetArguments()
		if name != "" {
			b = append(b, `"name":`...)
			b = appendJSONString(b, name)
		}
		if args != "" {
			if name != "" {
				b = append(b, ',')
			}
			b = append(b, `"arguments":`...)
			b = appendJSONString(b, args)
		}
		b = append(b, '}', '}')
	}
	return append(b, ']')
}

// appendMarshalled appends `,"name":` and v as encoding/json writes it;
// false when it cannot.
func appendMarshalled(b []byte, name string, v any) ([]byte, bool) {
	enc, err := json.Marshal(v)
	if err != nil {
		return b, false
	}
	b = append(b, ',', '"')
	b = append(b, name...)
	b = append(b, '"', ':')
	return append(b, enc...), true
}

// appendStringField appends `,"name":"v"`, nothing when v is empty
// (omitempty).
func appendStringField(b []byte, name, v string) []byte {
	if v == "" {
		return b
	}
	b = append(b, ',', '"')
	b = append(b, name...)
	b = append(b, '"', ':')
	return appendJSONString(b, v)
}

// appendIntField appends `,"name":v`.
func appendIntField(b []byte, name string, v int64) []byte {
	b = append(b, ',', '"')
	b = append(b, name...)
	b = append(b, '"', ':')
	return strconv.AppendInt(b, v, 10)
}

// appendFloatField appends `,"name":v` for a float32 field, nothing when it
// is zero (omitempty), formatted as encoding/json formats a float32.
func appendFloatField(b []byte, name string, f float32) []byte {
	if f == 0 {
		return b
	}
	b = append(b, ',', '"')
	b = append(b, name...)
	b = append(b, '"', ':')
	format := byte('f')
	if abs := float32(math.Abs(float64(f))); abs < 1e-6 || abs >= 1e21 {
		format = 'e'
	}
	b = strconv.AppendFloat(b, float64(f), format, -1, 32)
	if format == 'e' {
		// e-09 → e-9, as encoding/json does.
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b
}

const hexDigits = "0123456789abcdef"

// appendJSONString appends s as encoding/json writes a string (HTML
// escaping on, as json.Marshal has it): <, > and & as \u escapes, invalid
// UTF-8 as \ufffd, U+2028 and U+2029 escaped.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '\\', '"':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
