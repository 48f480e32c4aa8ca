package api

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	pb "github.com/llmgw/llmgw/sdk/go/proto/llmgw/v1"
)

// POST /v1/responses: OpenAI's Responses API, stateless, in front of every
// pipeline chat model. The body is translated to the pipeline's chat
// request (the one /v1/chat/completions makes: same stages, router, cost
// and tracking) and the answer is written as a response object or its
// event stream by responsesWriter (responses_respond.go). The gateway keeps
// no responses: store = true, previous_response_id, conversation and
// background are refused, and a client sends the whole conversation in
// input (the usual loop: input += response.output + the tool results).

// responsesBody is the body of POST /v1/responses. Every field OpenAI
// documents is carried or refused by name; unknown fields are refused.
type responsesBody struct {
	Model           string          `json:"model"`
	Input           json.RawMessage `json:"input"`
	Instructions    *string         `json:"instructions"`
	MaxOutputTokens *int32          `json:"max_output_tokens"`
	Temperature     *float64        `json:"temperature"`
	TopP            *float64        `json:"top_p"`
	Stream          bool            `json:"stream"`
	StreamOptions   *struct {
		IncludeObfuscation *bool `json:"include_obfuscation"`
	} `json:"stream_options"`
	Tools             json.RawMessage `json:"tools"`
	ToolChoice        json.RawMessage `json:"tool_choice"`
	ParallelToolCalls *bool           `json:"parallel_tool_calls"`
	Text              *struct {
		Format    json.RawMessage `json:"format"`
		Verbosity *string         `json:"verbosity"`
	} `json:"text"`
	Reasoning *struct {
		Effort          *string `json:"effort"`
		Summary         *string `json:"summary"`
		GenerateSummary *string `json:"generate_summary"`
	} `json:"reasoning"`
	User             string  `json:"user"`
	SafetyIdentifier string  `json:"safety_identifier"`
	PromptCacheKey   string  `json:"prompt_cache_key"`
	Truncation       *string `json:"truncation"`

	// Refused when set to anything but their default (refuseResponses).
	Store       *bool           `json:"store"`
	Metadata    json.RawMessage `json:"metadata"`
	ServiceTier *string         `json:"service_tier"`
	Background  *bool           `json:"background"`
	Include     []string        `json:"include"`

	PreviousResponseID   setFlag `json:"previous_response_id"`
	Conversation         setFlag `json:"conversation"`
	Prompt               setFlag `json:"prompt"`
	MaxToolCalls         setFlag `json:"max_tool_calls"`
	TopLogprobs          setFlag `json:"top_logprobs"`
	ContextManagement    setFlag `json:"context_management"`
	PromptCacheRetention setFlag `json:"prompt_cache_retention"`
}

// notCarriedResponses are the Responses parameters the gateway does not
// carry, each with why.
var notCarriedResponses = []struct {
	name, why string
	set       func(*responsesBody) bool
}{
	{"previous_response_id", "the gateway keeps no responses; send the conversation in input", func(b *responsesBody) bool { return bool(b.PreviousResponseID) }},
	{"conversation", "the gateway keeps no conversations; send the conversation in input", func(b *responsesBody) bool { return bool(b.Conversation) }},
	{"prompt", "stored prompt templates live in OpenAI's dashboard; send instructions and input", func(b *responsesBody) bool { return bool(b.Prompt) }},
	{"max_tool_calls", "it bounds OpenAI's built-in tools, which the gateway does not run", func(b *responsesBody) bool { return bool(b.MaxToolCalls) }},
	{"top_logprobs", "log probabilities are served on /v1/chat/completions", func(b *responsesBody) bool { return bool(b.TopLogprobs) }},
	{"context_management", "the gateway does not compact input", func(b *responsesBody) bool { return bool(b.ContextManagement) }},
	{"prompt_cache_retention", "the upstream's prompt cache keeps its default retention", func(b *responsesBody) bool { return bool(b.PromptCacheRetention) }},
	{"background", "answers are served while the client waits (no background responses)", func(b *responsesBody) bool { return b.Background != nil && *b.Background }},
}

var responsesFieldCodes = map[string]string{
	"temperature":       "invalid_temperature",
	"max_output_tokens": "invalid_max_tokens",
}

// decodeResponses turns a Responses body into the pipeline's request and
// the response object's echo of the request.
func decodeResponses(body []byte) (*pb.ChatRequest, answerOptions, *decodeError) {
	var b responsesBody
	if err := decodeResponsesBody(body, &b); err != nil {
		return nil, answerOptions{}, err
	}
	req, err := translateResponses(&b)
	if err != nil {
		return nil, answerOptions{}, err
	}
	return req, answerOptions{responses: responseEcho(&b, req)}, nil
}

// decodeResponsesBody decodes a Responses body strictly: in one pass when it
// can, else by encoding/json.
func decodeResponsesBody(body []byte, b *responsesBody) *decodeError {
	if decodeResponsesFast(body, b) {
		return nil
	}
	*b = responsesBody{}
	return strictDecode(body, b, responsesFieldCodes)
}

// translateResponses checks a decoded Responses body and translates it.
func translateResponses(b *responsesBody) (*pb.ChatRequest, *decodeError) {
	if err := refuseResponses(b); err != nil {
		return nil, err
	}
	metadata, err := decodeMetadata(b.Metadata)
	if err != nil {
		return nil, err
	}
	req := &pb.ChatRequest{Model: b.Model, Temperature: b.Temperature, TopP: b.TopP, MaxTokens: b.MaxOutputTokens, Stream: b.Stream,
		IncludeUsage: true, User: b.User, SafetyIdentifier: b.SafetyIdentifier, PromptCacheKey: b.PromptCacheKey, Metadata: metadata}
	if b.Instructions != nil && blankAsNone(*b.Instructions) != "" {
		req.Messages = append(req.Messages, &pb.Message{Role: "system", Content: *b.Instructions})
	}
	steps := []func(*responsesBody, *pb.ChatRequest) *decodeError{decodeInputItems, decodeResponsesTools, decodeResponsesText, decodeResponsesReasoning}
	for _, step := range steps {
		if err := step(b, req); err != nil {
			return nil, err
		}
	}
	return req, nil
}

// countOnlyResponses are the Responses fields POST /v1/responses/input_tokens
// takes: what the model reads. The others shape an answer a count does not
// make, and OpenAI refuses them there.
var countOnlyResponses = []string{"model", "input", "instructions", "tools", "tool_choice", "parallel_tool_calls", "text", "reasoning", "truncation",
	"previous_response_id", "conversation"}

// decodeResponsesCount turns a POST /v1/responses/input_tokens body (the
// Responses fields a model reads) into the pipeline's request.
func decodeResponsesCount(body []byte) (*pb.ChatRequest, *decodeError) {
	var b responsesBody
	if err := decodeResponsesBody(body, &b); err != nil {
		return nil, err
	}
	var fields map[string]json.RawMessage
	if json.Unmarshal(body, &fields) == nil {
		for name := range fields {
			if !slices.Contains(countOnlyResponses, name) {
				return nil, badRequest("unknown_field", name, "%s is not taken by a count: it takes what the model reads (model, input, instructions, tools, tool_choice, parallel_tool_calls, text, reasoning, truncation)", name)
			}
		}
	}
	return translateResponses(&b)
}

// refuseResponses checks the required fields and refuses what the gateway
// does not serve.
func refuseResponses(b *responsesBody) *decodeError {
	switch {
	case b.Model == "":
		return badRequest("missing_field", "model", "model is required")
	case !isSet(b.Input) || string(b.Input) == `""`:
		return badRequest("missing_field", "input", "input is required and must not be empty")
	case b.MaxOutputTokens != nil && *b.MaxOutputTokens < 1:
		return badRequest("invalid_max_tokens", "max_output_tokens", "max_output_tokens must be at least 1")
	case b.Truncation != nil && *b.Truncation != "disabled":
		return unsupported("truncation", "the gateway never drops input to fit the context; only disabled")
	case b.StreamOptions != nil && b.StreamOptions.IncludeObfuscation != nil && *b.StreamOptions.IncludeObfuscation:
		return unsupported("stream_options.include_obfuscation", "the gateway's stream events carry no obfuscation padding")
	case b.StreamOptions != nil && !b.Stream:
		return badRequest("invalid_value", "stream_options", "stream_options is only allowed with stream = true")
	case len(b.Include) > 0:
		return unsupported("include", fmt.Sprintf("%q is not served: no built-in tools, log probabilities or encrypted reasoning", b.Include[0]))
	}
	if err := refuseStored(b.Store, b.ServiceTier); err != nil {
		return err
	}
	for _, p := range notCarriedResponses {
		if p.set(b) {
			return unsupported(p.name, p.why)
		}
	}
	return nil
}

// inputItem is one item of input, of any type the gateway reads (message,
// function_call, function_call_output, reasoning); the fields of an item
// an SDK echoes back from an earlier response are accepted.
type inputItem struct {
	Type      string          `json:"type"`
	ID        string          `json:"id"`
	Status    string          `json:"status"`
	Role      string          `json:"role"`
	Content   json.RawMessage `json:"content"`
	Phase     string          `json:"phase"`
	CallID    string          `json:"call_id"`
	Name      string          `json:"name"`
	Arguments *string         `json:"arguments"`
	Output    json.RawMessage `json:"output"`
	// A reasoning item's: the model's earlier thinking, which no provider
	// behind the gateway takes back (as Chat Completions carries none).
	Summary          json.RawMessage `json:"summary"`
	EncryptedContent json.RawMessage `json:"encrypted_content"`
}

// inputPart is one part of an input message's content.
type inputPart struct {
	Type        string          `json:"type"`
	Text        *string         `json:"text"`
	ImageURL    *string         `json:"image_url"`
	Detail      string          `json:"detail"`
	FileID      setFlag         `json:"file_id"`
	Refusal     *string         `json:"refusal"`
	Annotations json.RawMessage `json:"annotations"`
	Logprobs    json.RawMessage `json:"logprobs"`
	// input_file and input_audio are refused; named to say so.
	FileData   setFlag `json:"file_data"`
	FileURL    setFlag `json:"file_url"`
	Filename   setFlag `json:"filename"`
	InputAudio setFlag `json:"input_audio"`
}

// decodeInputItems reads input: a string (one user message) or a list of items.
// Function calls become the tool calls of an assistant message (the one
// just before them, or a new one), their outputs tool messages, which must
// answer a call made earlier.
func decodeInputItems(b *responsesBody, req *pb.ChatRequest) *decodeError {
	// The usual items are read in one pass (inputItemsFast); anything else
	// one by one, each item's error before the next item's checks.
	items, fast := inputItemsFast(b.Input)
	var raws []json.RawMessage
	if !fast {
		var s string
		if json.Unmarshal(b.Input, &s) == nil {
			req.Messages = append(req.Messages, &pb.Message{Role: "user", Content: s})
			return nil
		}
		if json.Unmarshal(b.Input, &raws) != nil {
			return badRequest("invalid_value", "input", "input must be a string or a list of items")
		}
	}
	callIDs := map[string]bool{}
	before := len(req.Messages) // the instructions
	for i := range max(len(items), len(raws)) {
		at := fmt.Sprintf("input[%d]", i)
		var it inputItem
		if fast {
			it = items[i]
		} else if err := decodeField(raws[i], &it, at, "an item object"); err != nil {
			return err
		}
		switch it.Type {
		case "", "message":
			msg, err := inputMessage(at, &it)
			if err != nil {
				return err
			}
			req.Messages = append(req.Messages, msg)
		case "function_call":
			if err := inputCall(at, &it, req, callIDs); err != nil {
				return err
			}
		case "function_call_output":
			msg, err := inputCallOutput(at, &it, callIDs)
			if err != nil {
				return err
			}
			req.Messages = append(req.Messages, msg)
		case "reasoning":
			// Not sent on (see inputItem.Summary).
		case "item_reference":
			return unsupported(at+".type", "the gateway keeps no items; send the item itself")
		default:
			return unsupported(at+".type", fmt.Sprintf("items of type %q are not served (message, function_call, function_call_output and reasoning are)", it.Type))
		}
	}
	if len(req.Messages) == before {
		return badRequest("missing_field", "input", "input holds no message")
	}
	return nil
}

// inputMessage reads a message item: a user, system or developer message
// of input_text and input_image parts, or an assistant message (an earlier
// response's output) of output_text and refusal parts.
func inputMessage(at string, it *inputItem) (*pb.Message, *decodeError) {
	role := it.Role
	switch role {
	case "user", "system", "assistant":
	case "developer":
		role = "system"
	default:
		return nil, badRequest("invalid_value", at+".role", "role must be one of user, system, developer, assistant")
	}
	msg := &pb.Message{Role: role}
	if t, ok := textFast(it.Content); ok {
		msg.Content = t
		return msg, nil
	}
	fastParts, fast := inputPartsFast(it.Content)
	var parts []json.RawMessage
	if !fast {
		if json.Unmarshal(it.Content, &msg.Content) == nil {
			return msg, nil
		}
		if json.Unmarshal(it.Content, &parts) != nil {
			return nil, badRequest("invalid_value", at+".content", "content must be a string or a list of content parts")
		}
	}
	var text strings.Builder
	image := false
	for j := range max(len(fastParts), len(parts)) {
		pat := fmt.Sprintf("%s.content[%d]", at, j)
		var p inputPart
		if fast {
			p = fastParts[j]
		} else if err := decodeField(parts[j], &p, pat, "a content part object"); err != nil {
			return nil, err
		}
		part, err := inputContentPart(pat, role, msg, &p)
		if err != nil {
			return nil, err
		}
		if part == nil {
			continue
		}
		text.WriteString(part.Text)
		image = image || part.Type == "image_url"
		msg.Parts = append(msg.Parts, part)
	}
	msg.Content = text.String()
	if !image {
		msg.Parts = nil // text only: the text as the content, as every provider reads it
	}
	return msg, nil
}

// inputContentPart checks one content part against its message's role.
func inputContentPart(at, role string, msg *pb.Message, p *inputPart) (*pb.ContentPart, *decodeError) {
	assistant := role == "assistant"
	switch {
	case (p.Type == "input_text" && !assistant) || (p.Type == "output_text" && assistant):
		if p.Text == nil {
			return nil, badRequest("missing_field", at+".text", "a text part needs text")
		}
		return &pb.ContentPart{Type: "text", Text: *p.Text}, nil
	case p.Type == "refusal" && assistant:
		if p.Refusal == nil {
			return nil, badRequest("missing_field", at+".refusal", "a refusal part needs refusal")
		}
		msg.Refusal = *p.Refusal
		return nil, nil
	case p.Type == "input_image" && role == "user":
		if bool(p.FileID) {
			return nil, unsupported(at+".file_id", "the gateway keeps no files; send image_url (an https or data URL)")
		}
		if p.ImageURL == nil {
			return nil, badRequest("missing_field", at+".image_url", "an input_image part needs image_url")
		}
		img, _ := json.Marshal(struct {
			URL    string `json:"url"`
			Detail string `json:"detail,omitempty"`
		}{*p.ImageURL, p.Detail})
		part, err := decodeImage(at, img)
		if err != nil && err.param == at+".url" {
			err.param = at + ".image_url"
		}
		return part, err
	case p.Type == "input_file" || p.Type == "input_audio":
		return nil, unsupported(at, "content parts of type "+p.Type+" are not served; input_text and input_image are")
	}
	want := "input_text or input_image (user), input_text (system, developer)"
	if assistant {
		want = "output_text or refusal"
	}
	return nil, badRequest("invalid_value", at+".type", "a %s message's content parts must be %s (got %q)", role, want, p.Type)
}

// inputCall adds a function_call item to the assistant message just
// before it, or to a new one.
func inputCall(at string, it *inputItem, req *pb.ChatRequest, callIDs map[string]bool) *decodeError {
	switch {
	case it.CallID == "":
		return badRequest("missing_field", at+".call_id", "a function_call item needs call_id")
	case callIDs[it.CallID]:
		return badRequest("invalid_value", at+".call_id", "call_id %q is used twice", it.CallID)
	case it.Name == "":
		return badRequest("missing_field", at+".name", "a function_call item needs name")
	case it.Arguments == nil:
		return badRequest("missing_field", at+".arguments", "a function_call item needs arguments")
	}
	callIDs[it.CallID] = true
	var last *pb.Message
	if n := len(req.Messages); n > 0 && req.Messages[n-1].Role == "assistant" {
		last = req.Messages[n-1]
	} else {
		last = &pb.Message{Role: "assistant"}
		req.Messages = append(req.Messages, last)
	}
	last.ToolCalls = append(last.ToolCalls, &pb.ToolCall{Index: int32(len(last.ToolCalls)), Id: it.CallID, Type: "function", Name: it.Name, Arguments: *it.Arguments})
	return nil
}

// inputCallOutput is a function_call_output item as a tool message: output
// is a string or a list of input_text parts.
func inputCallOutput(at string, it *inputItem, callIDs map[string]bool) (*pb.Message, *decodeError) {
	switch {
	case it.CallID == "":
		return nil, badRequest("missing_field", at+".call_id", "a function_call_output item needs call_id")
	case !callIDs[it.CallID]:
		return nil, badRequest("invalid_value", at+".call_id", "call_id %q answers no function_call earlier in input", it.CallID)
	case len(it.Output) == 0:
		return nil, badRequest("missing_field", at+".output", "a function_call_output item needs output")
	}
	msg := &pb.Message{Role: "tool", ToolCallId: it.CallID}
	if t, ok := textFast(it.Output); ok {
		msg.Content = t
		return msg, nil
	}
	if json.Unmarshal(it.Output, &msg.Content) == nil {
		return msg, nil
	}
	var parts []inputPart
	if json.Unmarshal(it.Output, &parts) != nil {
		return nil, badRequest("invalid_value", at+".output", "output must be a string or a list of input_text parts")
	}
	texts := make([]string, 0, len(parts))
	for j, p := range parts {
		if p.Type != "input_text" || p.Text == nil {
			return nil, unsupported(fmt.Sprintf("%s.output[%d]", at, j), "a function's output may hold text only (input_text parts)")
		}
		texts = append(texts, *p.Text)
	}
	msg.Content = strings.Join(texts, "\n")
	return msg, nil
}

// responsesTool is a tool of a Responses body: a function, declared flat.
type responsesTool struct {
	Type string `json:"type"`
	functionDecl
}

// decodeResponsesTools reads tools (functions only: OpenAI's built-in tools
// run on its servers), tool_choice and parallel_tool_calls.
func decodeResponsesTools(b *responsesBody, req *pb.ChatRequest) *decodeError {
	if err := eachTool(b.Tools, req, decodeResponsesTool); err != nil {
		return err
	}
	if err := decodeResponsesToolChoice(b.ToolChoice, req); err != nil {
		return err
	}
	if b.ParallelToolCalls != nil && len(req.Tools) > 0 {
		// Without tools it means nothing (OpenAI echoes it and ignores it).
		req.ParallelToolCalls = b.ParallelToolCalls
	}
	return nil
}

// decodeResponsesTool reads one tool: a function, declared flat.
func decodeResponsesTool(at string, raw json.RawMessage, earlier []*pb.Tool) (*pb.Tool, *decodeError) {
	var typ struct {
		Type string `json:"type"`
	}
	if json.Unmarshal(raw, &typ) != nil {
		return nil, badRequest("invalid_value", at, "%s must be a tool object", at)
	}
	if typ.Type != "function" {
		return nil, unsupported(at+".type", fmt.Sprintf("tool type %q runs on OpenAI's servers; only function tools are served", typ.Type))
	}
	var t responsesTool
	if err := decodeField(raw, &t, at, `an object {"type": "function", "name", "description", "parameters", "strict"}`); err != nil {
		return nil, err
	}
	tool, err := functionTool(at, &t.functionDecl, earlier)
	if err != nil || t.Strict != nil {
		return tool, err
	}
	// strict left out: strict, with the schema normalized as OpenAI does
	// on this API (strictschema.go).
	strict := true
	tool.Strict = &strict
	if tool.ParametersJson != "" {
		s, serr := strictSchema([]byte(tool.ParametersJson))
		if serr != nil {
			return nil, badRequest("invalid_value", at+".parameters", "parameters must be a JSON Schema object")
		}
		tool.ParametersJson = string(s)
	}
	return tool, nil
}

// decodeResponsesToolChoice reads tool_choice: "none", "auto", "required"
// (as on chat), or {"type": "function", "name"} naming an offered function.
func decodeResponsesToolChoice(raw json.RawMessage, req *pb.ChatRequest) *decodeError {
	if len(raw) == 0 || raw[0] != '{' {
		if len(req.Tools) == 0 && string(raw) == `"auto"` {
			return nil // the default, which OpenAI takes without tools too
		}
		return decodeToolChoice(raw, req)
	}
	var c struct {
		Type string `json:"type"`
		Name string `json:"name"`
	}
	if json.Unmarshal(raw, &c) != nil || c.Type != "function" {
		return unsupported("tool_choice", "only none, auto, required or a function")
	}
	if err := decodeField(raw, &c, "tool_choice", `{"type": "function", "name"}`); err != nil {
		return err
	}
	for _, t := range req.Tools {
		if t.Name == c.Name {
			req.ToolChoice = &pb.ToolChoice{Mode: "function", Name: c.Name}
			return nil
		}
	}
	return badRequest("invalid_value", "tool_choice.name", "tool_choice names %q, which is not among the tools", c.Name)
}

// decodeResponsesText reads text: format (text, json_object, or
// json_schema with name and schema, declared flat) and verbosity.
func decodeResponsesText(b *responsesBody, req *pb.ChatRequest) *decodeError {
	if b.Text == nil {
		return nil
	}
	var err *decodeError
	if req.Verbosity, err = oneOf("text.verbosity", b.Text.Verbosity, verbosities); err != nil {
		return err
	}
	if !isSet(b.Text.Format) {
		return nil
	}
	const at = "text.format"
	var f struct {
		Type string `json:"type"`
		schemaDecl
	}
	if err := decodeField(b.Text.Format, &f, at, `an object {"type", …}`); err != nil {
		return err
	}
	switch f.Type {
	case "text":
		return nil
	case "json_object":
		req.ResponseFormat = f.Type
		return nil
	case "json_schema":
		return setJSONSchema(at, &f.schemaDecl, req)
	}
	return badRequest("invalid_value", at+".type", "text.format.type must be text, json_object or json_schema")
}

// decodeResponsesReasoning reads reasoning: effort (as reasoning_effort on
// chat) and summary ("auto" only).
func decodeResponsesReasoning(b *responsesBody, req *pb.ChatRequest) *decodeError {
	r := b.Reasoning
	if r == nil {
		return nil
	}
	var err *decodeError
	if req.ReasoningEffort, err = oneOf("reasoning.effort", r.Effort, reasoningEfforts); err != nil {
		return err
	}
	for _, s := range []struct {
		param string
		v     *string
	}{{"reasoning.summary", r.Summary}, {"reasoning.generate_summary", r.GenerateSummary}} {
		if s.v != nil && *s.v != "auto" {
			return unsupported(s.param, "no provider of the gateway writes reasoning summaries; auto returns the model's reasoning when its provider gives it")
		}
	}
	return nil
}
