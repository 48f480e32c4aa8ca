package openaiprovider

import (
	"bytes"
	"encoding/json"
	"math"
	"testing"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	sdk "github.com/llmgw/llmgw/sdk/go"
)

// checkEncode compares appendChatRequest with go-openai's encoding of req
// (streamed and not), when it writes req at all; it reports whether it did.
func checkEncode(t *testing.T, req *sdk.CompleteRequest) bool {
	t.Helper()
	checkMarshal(t, req)
	wrote := false
	for _, stream := range []bool{true, false} {
		got, ok := appendChatRequest(nil, req, stream)
		want, err := encodeWithGoOpenAI(req, stream)
		if !ok {
			continue
		}
		wrote = true
		if err != nil {
			t.Fatalf("go-openai cannot encode a request the direct encoding writes (%v): %s", err, got)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("stream %v:\ndirect   %s\ngo-openai %s", stream, got, want)
		}
	}
	return wrote
}

// checkMarshal compares marshalGoOpenAI with json.Marshal of the request
// go-openai would be given for req.
func checkMarshal(t *testing.T, req *sdk.CompleteRequest) {
	t.Helper()
	oreq, _ := buildRequest(req, true)
	want, werr := json.Marshal(oreq)
	got, gerr := marshalGoOpenAI(oreq)
	if (werr == nil) != (gerr == nil) || !bytes.Equal(got, want) {
		t.Fatalf("marshalGoOpenAI:\ngot  %s (%v)\nwant %s (%v)", got, gerr, want, werr)
	}
}

// A coding agent's conversation (tool calls, their results, content parts,
// tools) is not written directly; go-openai's encoding of it, without its
// second pass over the messages, is json.Marshal's byte for byte.
func TestMarshalGoOpenAIIsJSONMarshal(t *testing.T) {
	odd := "<a & b> \"q\" \\ \b\f\n\r\t \x00\x1f\x7f é \u2028\u2029 \xff\xfe 😀 </script>"
	for name, cr := range map[string]*sdk.ChatRequest{
		"agent": {Model: "gpt-4o", Messages: []*sdk.Message{{Role: "system", Content: odd}, {Role: "user", Content: "read main.go"},
			{Role: "assistant", ToolCalls: []*sdk.ToolCall{{Id: "c1", Type: "function", Name: "read", Arguments: `{"path":"main.go"}`}}},
			{Role: "tool", Content: odd, ToolCallId: "c1"}, {Role: "user", Parts: []*sdk.ContentPart{{Type: "text", Text: odd}}}},
			Tools: []*sdk.Tool{{Name: "read", Description: odd, ParametersJson: `{"type": "object", "properties": {"path": {"type": "string"}}}`}}},
		"no messages":   {Model: "gpt-4o"},
		"empty message": {Model: "gpt-4o", Messages: []*sdk.Message{{}}},
		"model":         {Model: `"messages":null`, Messages: []*sdk.Message{{Role: "user", Content: `"messages":null`}}},
	} {
		t.Run(name, func(t *testing.T) { checkMarshal(t, &sdk.CompleteRequest{Request: cr}) })
	}
	// The messages are spliced in, not marshalled again with the rest.
	oreq, _ := buildRequest(agentRequest(), true)
	oreq.Messages = nil
	if head, _ := json.Marshal(oreq); !bytes.HasPrefix(head, []byte(`{"model":"gpt-4o",`+string(messagesNull))) {
		t.Fatalf("go-openai's request without messages is %s; marshalGoOpenAI looks for %s after the model", head, messagesNull)
	}
}

// The direct encoding is go-openai's, byte for byte, for the benchmark's
// request, for every parameter a plain conversation can carry, and for
// strings that need escaping; what it does not write it leaves to go-openai.
func TestEncodeRequestIsGoOpenAIs(t *testing.T) {
	if !checkEncode(t, benchRequest()) {
		t.Fatal("the benchmark's request is not written directly")
	}
	odd := "<a & b> \"q\" \\ \b\f\n\r\t \x00\x1f\x7f é \u2028\u2029 \xff\xfe 😀 </script>"
	full := &sdk.CompleteRequest{Request: &sdk.ChatRequest{Model: "o3-mini", Messages: []*sdk.Message{
		{Role: "system", Content: odd}, {Role: "user", Content: "hi", Name: "ann"}, {Role: "assistant", Refusal: "no"},
		{Role: "tool", Content: "42", ToolCallId: "call_1"}, {}},
		Temperature: f64(0.7), TopP: f64(0), MaxTokens: i32(100), Stop: []string{"\n", odd}, User: odd, Seed: proto.Int64(-7),
		PresencePenalty: f64(1e-7), FrequencyPenalty: f64(-2), N: i32(3), Logprobs: true, TopLogprobs: i32(5), MaxCompletionTokens: true,
		ReasoningEffort: "high", Verbosity: "low", SafetyIdentifier: odd, PromptCacheKey: odd}}
	if !checkEncode(t, full) {
		t.Fatal("a plain conversation with every parameter is not written directly")
	}
	// A coding agent's conversation: tool calls, their results, tools.
	if !checkEncode(t, agentRequest()) {
		t.Fatal("a coding agent's conversation is not written directly")
	}
	for name, cr := range map[string]*sdk.ChatRequest{
		"tool calls": {Messages: []*sdk.Message{{Role: "assistant", Content: odd, ToolCalls: []*sdk.ToolCall{
			{Id: "c", Name: "f", Arguments: "{}"}, {Name: odd}, {Id: odd, Arguments: odd}, {}}}}},
		"tools": {Tools: []*sdk.Tool{{Name: "f"}, {Name: "g", Description: odd, Strict: proto.Bool(true),
			ParametersJson: `{ "type" : "object", "description": "<b> & \u2028", "properties": {} }`}}},
		"tool choice auto":     {Tools: []*sdk.Tool{{Name: "f"}}, ToolChoice: &sdk.ToolChoice{Mode: "auto"}},
		"tool choice function": {Tools: []*sdk.Tool{{Name: "f"}}, ToolChoice: &sdk.ToolChoice{Mode: "function", Name: odd}},
		"parallel":             {Tools: []*sdk.Tool{{Name: "f"}}, ParallelToolCalls: proto.Bool(false)},
	} {
		if !checkEncode(t, &sdk.CompleteRequest{Request: cr}) {
			t.Errorf("%s: not written directly", name)
		}
	}
	// Parameters that are not JSON: go-openai's encoding fails, and says why.
	if _, ok := appendChatRequest(nil, &sdk.CompleteRequest{Request: &sdk.ChatRequest{Tools: []*sdk.Tool{{Name: "f", ParametersJson: "{"}}}}, true); ok {
		t.Error("tools with parameters that are not JSON: written directly")
	}
	for name, cr := range map[string]*sdk.ChatRequest{
		"parts":         {Messages: []*sdk.Message{{Role: "user", Parts: []*sdk.ContentPart{{Type: "text", Text: "x"}}}}},
		"format":        {ResponseFormat: "json_object"},
		"logit bias":    {LogitBias: map[string]float64{"50256": -100}},
		"NaN":           {Temperature: f64(math.NaN())},
		"infinite":      {PresencePenalty: f64(math.Inf(1))},
		"float32 range": {TopP: f64(1e300)},
	} {
		if _, ok := appendChatRequest(nil, &sdk.CompleteRequest{Request: cr}, true); ok {
			t.Errorf("%s: written directly", name)
		}
	}
	for _, f := range []float64{1, 0.5, 1.0 / 3, 1e-6, 9.99e-7, 1e20, 1e21, 123456789, -0.0, 5e-324} {
		checkEncode(t, &sdk.CompleteRequest{Request: &sdk.ChatRequest{Temperature: f64(f), PresencePenalty: f64(f), FrequencyPenalty: f64(-f)}})
	}
}

// Every field of ChatRequest, set on its own to a value that is not its
// default, is either written as go-openai writes it or left to go-openai: a
// field added to the protocol and to buildRequest but not to the direct
// encoding fails here.
func TestEncodeRequestCoversEveryField(t *testing.T) {
	fields := (&sdk.ChatRequest{}).ProtoReflect().Descriptor().Fields()
	for i := range fields.Len() {
		fd := fields.Get(i)
		cr := &sdk.ChatRequest{Model: "gpt-4o", Messages: []*sdk.Message{{Role: "user", Content: "hi"}}}
		m := cr.ProtoReflect()
		switch {
		case fd.IsMap():
			mp := m.Mutable(fd).Map()
			mp.Set(protoreflect.ValueOfString("1").MapKey(), scalar(fd.MapValue()))
		case fd.IsList():
			l := m.Mutable(fd).List()
			if fd.Kind() == protoreflect.MessageKind {
				l.Append(protoreflect.ValueOfMessage(populated(l.NewElement().Message())))
			} else {
				l.Append(scalar(fd))
			}
		case fd.Kind() == protoreflect.MessageKind:
			m.Set(fd, protoreflect.ValueOfMessage(populated(m.NewField(fd).Message())))
		default:
			m.Set(fd, scalar(fd))
		}
		t.Run(string(fd.Name()), func(t *testing.T) { checkEncode(t, &sdk.CompleteRequest{UpstreamModel: "up", Request: cr}) })
	}
}

// populated sets every scalar field of m (one level) to a value that is not
// its default.
func populated(m protoreflect.Message) protoreflect.Message {
	fields := m.Descriptor().Fields()
	for i := range fields.Len() {
		if fd := fields.Get(i); !fd.IsList() && !fd.IsMap() && fd.Kind() != protoreflect.MessageKind {
			m.Set(fd, scalar(fd))
		}
	}
	return m
}

// scalar is a value of fd's kind that is not the default.
func scalar(fd protoreflect.FieldDescriptor) protoreflect.Value {
	switch fd.Kind() {
	case protoreflect.StringKind:
		return protoreflect.ValueOfString("x<y>&z")
	case protoreflect.BoolKind:
		return protoreflect.ValueOfBool(true)
	case protoreflect.DoubleKind:
		return protoreflect.ValueOfFloat64(0.25)
	case protoreflect.FloatKind:
		return protoreflect.ValueOfFloat32(0.25)
	case protoreflect.Int32Kind, protoreflect.Sint32Kind, protoreflect.Sfixed32Kind:
		return protoreflect.ValueOfInt32(3)
	case protoreflect.Int64Kind, protoreflect.Sint64Kind, protoreflect.Sfixed64Kind:
		return protoreflect.ValueOfInt64(3)
	case protoreflect.Uint32Kind, protoreflect.Fixed32Kind:
		return protoreflect.ValueOfUint32(3)
	case protoreflect.Uint64Kind, protoreflect.Fixed64Kind:
		return protoreflect.ValueOfUint64(3)
	case protoreflect.EnumKind:
		return protoreflect.ValueOfEnum(1)
	case protoreflect.BytesKind:
		return protoreflect.ValueOfBytes([]byte("x"))
	}
	panic("no value for " + fd.Kind().String())
}

// FuzzEncodeRequest compares the direct encoding with go-openai's over
// plain conversations: any strings, floats and counts.
func FuzzEncodeRequest(f *testing.F) {
	f.Add("user", "Say hello in one short sentence, please.", "", "gpt-4o", "", "\n", 0.7, 1.0, 0.0, 0.0, int32(32), int32(1), int64(0), int32(0), uint16(0b1001))
	f.Add("system", "<b>&\u2028\xff", "n", "o1", "u", "", 0.0, 0.0, 1e-7, -1e22, int32(0), int32(4), int64(-1), int32(2), uint16(0xffff))
	f.Fuzz(func(t *testing.T, role, content, name, model, user, stop string, temp, topP, pres, freq float64, maxTok, n int32, seed int64, topLP int32, flags uint16) {
		cr := &sdk.ChatRequest{Model: model, User: user, Messages: []*sdk.Message{{Role: role, Content: content, Name: name}, {Role: "user", Content: stop}},
			PresencePenalty: f64(pres), FrequencyPenalty: f64(freq), Logprobs: flags&1 != 0, MaxCompletionTokens: flags&2 != 0}
		set := func(bit uint16, f func()) {
			if flags&(1<<bit) != 0 {
				f()
			}
		}
		set(2, func() { cr.Temperature = f64(temp) })
		set(3, func() { cr.TopP = f64(topP) })
		set(4, func() { cr.MaxTokens = i32(maxTok) })
		set(5, func() { cr.N = i32(n) })
		set(6, func() { cr.Seed = proto.Int64(seed) })
		set(7, func() { cr.TopLogprobs = i32(topLP) })
		set(8, func() { cr.Stop = []string{stop, content} })
		upstream := ""
		set(9, func() { upstream = name })
		set(10, func() { cr.ReasoningEffort = user })
		set(11, func() { cr.Verbosity = name })
		set(12, func() { cr.SafetyIdentifier = content })
		set(13, func() { cr.PromptCacheKey = stop })
		set(14, func() {
			cr.Messages = append(cr.Messages, &sdk.Message{Role: "assistant", Content: stop, ToolCalls: []*sdk.ToolCall{{Id: name, Name: user, Arguments: content}, {Id: stop}}},
				&sdk.Message{Role: "tool", ToolCallId: name, Content: content})
		})
		set(15, func() {
			desc, _ := json.Marshal(content)
			cr.Tools = []*sdk.Tool{{Name: user, Description: content, Strict: proto.Bool(flags&1 != 0), ParametersJson: `{"type":"object","description":` + string(desc) + `}`}, {Name: name}}
			switch n % 4 {
			case 1:
				cr.ToolChoice = &sdk.ToolChoice{Mode: "required"}
			case 2:
				cr.ToolChoice = &sdk.ToolChoice{Mode: "function", Name: name}
			case 3:
				cr.ParallelToolCalls = proto.Bool(seed%2 == 0)
			}
		})
		checkEncode(t, &sdk.CompleteRequest{UpstreamModel: upstream, Request: cr})
	})
}
