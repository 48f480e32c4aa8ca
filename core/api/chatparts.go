package api

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/llmgw/llmgw/sdk/go/jsonscan"
	pb "github.com/llmgw/llmgw/sdk/go/proto/llmgw/v1"
)

// Limits of the chat request's richer parts (OpenAI's own, where it has one).
const (
	maxChoices     = 128
	maxTopLogprobs = 20
	maxTools       = 128
	maxImageURL    = 8192
)

// maxImageBytes bounds one data-URL image once decoded (the server's
// max_body_bytes bounds the whole body first). A variable for tests.
var maxImageBytes = 20 << 20

// nameRE is what OpenAI accepts as a function or schema name.
var nameRE = regexp.MustCompile(`^[a-zA-Z0-9_-]{1,64}$`)

// imageTypes are the media types a data-URL image may have.
var imageTypes = []string{"image/png", "image/jpeg", "image/gif", "image/webp"}

// chatMessage is one message of a chat body.
type chatMessage struct {
	Role       string          `json:"role"`
	Content    messageContent  `json:"content"`
	Name       string          `json:"name"`
	ToolCalls  json.RawMessage `json:"tool_calls"`
	ToolCallID string          `json:"tool_call_id"`
	Refusal    *string         `json:"refusal"`
	// What an SDK echoes back with an earlier answer's message: describes
	// that answer, not this request, so it is accepted and not sent on.
	ReasoningContent json.RawMessage `json:"reasoning_content"`
	Annotations      json.RawMessage `json:"annotations"`
	// Refused when set (the gateway speaks tool_calls, and no audio).
	FunctionCall json.RawMessage `json:"function_call"`
	Audio        json.RawMessage `json:"audio"`
}

// messageContent is a message's content as the body's decoder meets it. A
// JSON string (nearly every message) becomes text there, once; anything
// else is kept raw for decodeContent, which explains what is wrong with it.
// Before, every content was copied raw and then parsed again twice
// (validated, then decoded).
type messageContent struct {
	text   string
	isText bool
	raw    json.RawMessage
}

func (c *messageContent) UnmarshalJSON(b []byte) error {
	if len(b) == 0 || b[0] != '"' {
		c.raw = append(json.RawMessage(nil), b...)
		return nil
	}
	// The decoder has checked the literal: unquoted once, not checked again
	// by json.Unmarshal (a pass over every byte of what, in an agent's
	// conversation, is most of the body).
	c.isText, c.text = true, jsonscan.Text(b[1:len(b)-1])
	return nil
}

// decodeField decodes one nested value strictly; its errors name param.
func decodeField(raw json.RawMessage, v any, param, want string) *decodeError {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		if f, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
			f = strings.Trim(f, `"`)
			return badRequest("unknown_field", param+"."+f, "unknown field %q in %s", f, param)
		}
		return badRequest("invalid_value", param, "%s must be %s", param, want)
	}
	return nil
}

// decodeMessages reads the messages: roles, content (string or parts),
// an assistant's tool calls and refusal, a tool message's tool_call_id
// (which must answer a call of an earlier assistant message).
func decodeMessages(b *chatBody, req *pb.ChatRequest) *decodeError {
	callIDs := map[string]bool{}
	for i := range b.Messages {
		msg, err := decodeMessage(fmt.Sprintf("messages[%d]", i), &b.Messages[i], callIDs)
		if err != nil {
			return err
		}
		req.Messages = append(req.Messages, msg)
	}
	return nil
}

func decodeMessage(at string, m *chatMessage, callIDs map[string]bool) (*pb.Message, *decodeError) {
	role := m.Role
	switch role {
	case "system", "developer", "user", "assistant", "tool":
	default:
		return nil, badRequest("invalid_value", at+".role", "role must be one of system, developer, user, assistant, tool")
	}
	if role == "developer" {
		role = "system"
	}
	switch {
	case isSet(m.FunctionCall):
		return nil, unsupported(at+".function_call", "use tool_calls")
	case isSet(m.Audio):
		return nil, unsupported(at+".audio", "audio is not served")
	}
	msg := &pb.Message{Role: role, Name: m.Name}
	if m.Content.isText {
		msg.Content = m.Content.text
	} else if err := decodeContent(at, m.Content.raw, msg); err != nil {
		return nil, err
	}
	if m.Refusal != nil && *m.Refusal != "" {
		if role != "assistant" {
			return nil, badRequest("invalid_value", at+".refusal", "only an assistant message has a refusal")
		}
		msg.Refusal = *m.Refusal
	}
	if isSet(m.ToolCalls) {
		if role != "assistant" {
			return nil, badRequest("invalid_value", at+".tool_calls", "only an assistant message has tool_calls")
		}
		calls, err := decodeToolCalls(at+".tool_calls", m.ToolCalls, callIDs)
		if err != nil {
			return nil, err
		}
		msg.ToolCalls = calls
	}
	switch {
	case role == "tool" && m.ToolCallID == "":
		return nil, badRequest("missing_field", at+".tool_call_id", "a tool message needs the tool_call_id of the call it answers")
	case role == "tool" && !callIDs[m.ToolCallID]:
		return nil, badRequest("invalid_value", at+".tool_call_id", "tool_call_id %q answers no tool call of an earlier assistant message", m.ToolCallID)
	case role != "tool" && m.ToolCallID != "":
		return nil, badRequest("invalid_value", at+".tool_call_id", "only a tool message has a tool_call_id")
	}
	msg.ToolCallId = m.ToolCallID
	return msg, nil
}

// contentPart is one element of a content array.
type contentPart struct {
	Type     string          `json:"type"`
	Text     *string         `json:"text"`
	ImageURL json.RawMessage `json:"image_url"`
	Refusal  *string         `json:"refusal"`
	// Named only to be refused clearly.
	InputAudio json.RawMessage `json:"input_audio"`
	File       json.RawMessage `json:"file"`
}

// decodeContent reads a message's content: null, a string, or a list of
// parts (text; image_url in user messages; refusal in assistant ones).
// msg.Content is the concatenation of the text parts.
func decodeContent(at string, raw json.RawMessage, msg *pb.Message) *decodeError {
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	if json.Unmarshal(raw, &msg.Content) == nil {
		return nil
	}
	var parts []json.RawMessage
	if json.Unmarshal(raw, &parts) != nil {
		return badRequest("invalid_value", at+".content", "content must be a string or a list of content parts")
	}
	var text strings.Builder
	for j, rawPart := range parts {
		pat := fmt.Sprintf("%s.content[%d]", at, j)
		var p contentPart
		if err := decodeField(rawPart, &p, pat, "a content part object"); err != nil {
			return err
		}
		part, err := decodePart(pat, msg, &p)
		if err != nil {
			return err
		}
		if part != nil {
			text.WriteString(part.Text)
			msg.Parts = append(msg.Parts, part)
		}
	}
	msg.Content = text.String()
	return nil
}

// decodePart checks one content part against its message's role.
func decodePart(at string, msg *pb.Message, p *contentPart) (*pb.ContentPart, *decodeError) {
	switch p.Type {
	case "text":
		if p.Text == nil {
			return nil, badRequest("missing_field", at+".text", "a text part needs text")
		}
		return &pb.ContentPart{Type: "text", Text: *p.Text}, nil
	case "image_url":
		if msg.Role != "user" {
			return nil, badRequest("invalid_value", at, "image parts are only allowed in user messages")
		}
		return decodeImage(at+".image_url", p.ImageURL)
	case "refusal":
		if msg.Role != "assistant" || p.Refusal == nil {
			return nil, badRequest("invalid_value", at, "a refusal part belongs to an assistant message and needs refusal")
		}
		msg.Refusal = *p.Refusal
		return nil, nil
	case "input_audio", "file":
		return nil, unsupported(at, "content parts of type "+p.Type+" are not served; text and image_url are")
	}
	return nil, badRequest("invalid_value", at+".type", "a content part's type must be text or image_url (got %q)", p.Type)
}

// decodeImage checks an image_url part: an https URL, or a base64 data URL
// of a PNG, JPEG, GIF or WebP image within the size limit; detail auto,
// low or high.
func decodeImage(at string, raw json.RawMessage) (*pb.ContentPart, *decodeError) {
	var img struct {
		URL    string `json:"url"`
		Detail string `json:"detail"`
	}
	if len(raw) == 0 || string(raw) == "null" {
		return nil, badRequest("missing_field", at, "an image part needs image_url {url}")
	}
	if err := json.Unmarshal(raw, &img.URL); err != nil {
		if err := decodeField(raw, &img, at, `an object {"url", "detail"}`); err != nil {
			return nil, err
		}
	}
	switch img.Detail {
	case "", "auto", "low", "high":
	default:
		return nil, badRequest("invalid_value", at+".detail", "detail must be auto, low or high")
	}
	switch {
	case img.URL == "":
		return nil, badRequest("missing_field", at+".url", "an image part needs a url")
	case strings.HasPrefix(img.URL, "data:"):
		if err := checkDataURL(img.URL); err != "" {
			return nil, badRequest("invalid_value", at+".url", "%s", err)
		}
	default:
		u, err := url.Parse(img.URL)
		if err != nil || u.Scheme != "https" || u.Host == "" || len(img.URL) > maxImageURL {
			return nil, badRequest("invalid_value", at+".url", "the image url must be an https URL (at most %d characters) or a data URL", maxImageURL)
		}
	}
	return &pb.ContentPart{Type: "image_url", ImageUrl: img.URL, ImageDetail: img.Detail}, nil
}

// checkDataURL explains what is wrong with an image data URL, or "".
func checkDataURL(s string) string {
	meta, data, ok := strings.Cut(strings.TrimPrefix(s, "data:"), ",")
	mediaType, isBase64 := strings.CutSuffix(meta, ";base64")
	switch {
	case !ok || !isBase64:
		return "a data URL must have the form data:image/png;base64,<data>"
	case !slices.Contains(imageTypes, strings.ToLower(mediaType)):
		return fmt.Sprintf("the image type must be one of %s (got %q)", strings.Join(imageTypes, ", "), mediaType)
	case base64.StdEncoding.DecodedLen(len(data)) > maxImageBytes+3:
		return fmt.Sprintf("the image is larger than %d bytes", maxImageBytes)
	}
	n, err := base64.StdEncoding.DecodeString(data)
	if err != nil {
		if n, err = base64.RawStdEncoding.DecodeString(data); err != nil {
			return "the data URL's data is not valid base64"
		}
	}
	switch {
	case len(n) == 0:
		return "the data URL holds no image"
	case len(n) > maxImageBytes:
		return fmt.Sprintf("the image is larger than %d bytes", maxImageBytes)
	}
	return ""
}

// toolCallJSON is a tool call of an assistant message, as clients send it.
type toolCallJSON struct {
	ID       string            `json:"id"`
	Type     string            `json:"type"`
	Function *toolCallFunction `json:"function"`
}

// toolCallFunction is the function a tool call calls.
type toolCallFunction struct {
	Name      string `json:"name"`
	Arguments string `json:"arguments"`
}

// decodeToolCalls reads an assistant message's tool calls and records
// their ids for the tool messages that follow.
func decodeToolCalls(at string, raw json.RawMessage, callIDs map[string]bool) ([]*pb.ToolCall, *decodeError) {
	// The usual tool calls are read in one pass; anything else one by one,
	// each call's error before the next call's checks.
	calls, fast := toolCallsFast(raw)
	var list []json.RawMessage
	if !fast && json.Unmarshal(raw, &list) != nil {
		return nil, badRequest("invalid_value", at, "tool_calls must be a list")
	}
	n := max(len(calls), len(list))
	out := make([]*pb.ToolCall, 0, n)
	for k := range n {
		cat := fmt.Sprintf("%s[%d]", at, k)
		var c toolCallJSON
		if fast {
			c = calls[k]
		} else if err := decodeField(list[k], &c, cat, `an object {"id", "type", "function": {"name", "arguments"}}`); err != nil {
			return nil, err
		}
		switch {
		case c.Type != "" && c.Type != "function":
			return nil, unsupported(cat+".type", "only function tool calls")
		case c.ID == "":
			return nil, badRequest("missing_field", cat+".id", "a tool call needs its id")
		case callIDs[c.ID]:
			return nil, badRequest("invalid_value", cat+".id", "tool call id %q is used twice", c.ID)
		case c.Function == nil || c.Function.Name == "":
			return nil, badRequest("missing_field", cat+".function.name", "a tool call needs the function's name")
		}
		callIDs[c.ID] = true
		out = append(out, &pb.ToolCall{Index: int32(k), Id: c.ID, Type: "function", Name: c.Function.Name, Arguments: c.Function.Arguments})
	}
	return out, nil
}

// toolJSON is one element of tools.
type toolJSON struct {
	Type     string          `json:"type"`
	Function json.RawMessage `json:"function"`
}

// functionDecl is a function tool's declaration.
type functionDecl struct {
	Name        string          `json:"name"`
	Description string          `json:"description"`
	Parameters  json.RawMessage `json:"parameters"`
	Strict      *bool           `json:"strict"`
}

// decodeTools reads tools, tool_choice and parallel_tool_calls.
func decodeTools(b *chatBody, req *pb.ChatRequest) *decodeError {
	if err := eachTool(b.Tools, req, decodeTool); err != nil {
		return err
	}
	if err := decodeToolChoice(b.ToolChoice, req); err != nil {
		return err
	}
	if b.ParallelToolCalls != nil {
		if len(req.Tools) == 0 {
			return badRequest("invalid_value", "parallel_tool_calls", "parallel_tool_calls is only allowed when tools are given")
		}
		req.ParallelToolCalls = b.ParallelToolCalls
	}
	return nil
}

// eachTool reads tools (a list of at most maxTools) with decode, one tool
// at a time, into req.Tools.
func eachTool(tools json.RawMessage, req *pb.ChatRequest, decode func(at string, raw json.RawMessage, earlier []*pb.Tool) (*pb.Tool, *decodeError)) *decodeError {
	if !isSet(tools) {
		return nil
	}
	var list []json.RawMessage
	if json.Unmarshal(tools, &list) != nil {
		return badRequest("invalid_value", "tools", "tools must be a list of tools")
	}
	if len(list) > maxTools {
		return badRequest("invalid_value", "tools", "at most %d tools", maxTools)
	}
	for i, raw := range list {
		t, err := decode(fmt.Sprintf("tools[%d]", i), raw, req.Tools)
		if err != nil {
			return err
		}
		req.Tools = append(req.Tools, t)
	}
	return nil
}

func decodeTool(at string, raw json.RawMessage, earlier []*pb.Tool) (*pb.Tool, *decodeError) {
	var t toolJSON
	if err := decodeField(raw, &t, at, `an object {"type": "function", "function": {…}}`); err != nil {
		return nil, err
	}
	if t.Type != "function" {
		return nil, unsupported(at+".type", "only function tools")
	}
	if !isSet(t.Function) {
		return nil, badRequest("missing_field", at+".function", "a function tool needs function {name, parameters}")
	}
	var f functionDecl
	if err := decodeField(t.Function, &f, at+".function", `an object {"name", "description", "parameters", "strict"}`); err != nil {
		return nil, err
	}
	return functionTool(at+".function", &f, earlier)
}

// functionTool checks a function declaration (at names it in errors): its
// name, unique among the earlier tools, and its parameters' schema.
func functionTool(at string, f *functionDecl, earlier []*pb.Tool) (*pb.Tool, *decodeError) {
	if !nameRE.MatchString(f.Name) {
		return nil, badRequest("invalid_value", at+".name", "a function's name must be 1 to 64 letters, digits, _ or -")
	}
	for _, e := range earlier {
		if e.Name == f.Name {
			return nil, badRequest("invalid_value", at+".name", "function %q is given twice", f.Name)
		}
	}
	out := &pb.Tool{Type: "function", Name: f.Name, Description: f.Description, Strict: f.Strict}
	if len(f.Parameters) > 0 && string(f.Parameters) != "null" {
		if !isJSONObject(f.Parameters) {
			return nil, badRequest("invalid_value", at+".parameters", "parameters must be a JSON Schema object")
		}
		out.ParametersJson = string(f.Parameters)
	}
	return out, nil
}

// decodeToolChoice reads tool_choice: "none", "auto", "required" or
// {"type": "function", "function": {"name"}} naming an offered function.
func decodeToolChoice(raw json.RawMessage, req *pb.ChatRequest) *decodeError {
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	var mode string
	if json.Unmarshal(raw, &mode) == nil {
		switch mode {
		case "none":
			if len(req.Tools) == 0 {
				return nil // what no tools means anyway
			}
		case "auto", "required":
		default:
			return badRequest("invalid_value", "tool_choice", "tool_choice must be none, auto, required or a function")
		}
		if len(req.Tools) == 0 {
			return badRequest("invalid_value", "tool_choice", "tool_choice %q needs tools", mode)
		}
		req.ToolChoice = &pb.ToolChoice{Mode: mode}
		return nil
	}
	var c struct {
		Type     string `json:"type"`
		Function *struct {
			Name string `json:"name"`
		} `json:"function"`
		AllowedTools json.RawMessage `json:"allowed_tools"`
		Custom       json.RawMessage `json:"custom"`
	}
	if err := decodeField(raw, &c, "tool_choice", `a string or {"type": "function", "function": {"name"}}`); err != nil {
		return err
	}
	if c.Type != "function" {
		return unsupported("tool_choice", "only none, auto, required or a function")
	}
	if c.Function == nil || c.Function.Name == "" {
		return badRequest("missing_field", "tool_choice.function.name", "tool_choice names no function")
	}
	for _, t := range req.Tools {
		if t.Name == c.Function.Name {
			req.ToolChoice = &pb.ToolChoice{Mode: "function", Name: c.Function.Name}
			return nil
		}
	}
	return badRequest("invalid_value", "tool_choice.function.name", "tool_choice names %q, which is not among the tools", c.Function.Name)
}

// decodeResponseFormat reads response_format: text, json_object, or
// json_schema with a name and a schema object.
func decodeResponseFormat(b *chatBody, req *pb.ChatRequest) *decodeError {
	if len(b.ResponseFormat) == 0 || string(b.ResponseFormat) == "null" {
		return nil
	}
	var rf struct {
		Type       string          `json:"type"`
		JSONSchema json.RawMessage `json:"json_schema"`
	}
	if err := decodeField(b.ResponseFormat, &rf, "response_format", `an object {"type": …}`); err != nil {
		return err
	}
	switch rf.Type {
	case "text":
		return nil
	case "json_object":
		req.ResponseFormat = rf.Type
		return nil
	case "json_schema":
	default:
		return badRequest("invalid_value", "response_format", "response_format.type must be text, json_object or json_schema")
	}
	if !isSet(rf.JSONSchema) {
		return badRequest("missing_field", "response_format.json_schema", "type json_schema needs json_schema {name, schema}")
	}
	var js schemaDecl
	const at = "response_format.json_schema"
	if err := decodeField(rf.JSONSchema, &js, at, `an object {"name", "schema", "strict"}`); err != nil {
		return err
	}
	return setJSONSchema(at, &js, req)
}

// schemaDecl is a json_schema response format's schema declaration.
type schemaDecl struct {
	Name        string          `json:"name"`
	Description string          `json:"description"`
	Schema      json.RawMessage `json:"schema"`
	Strict      *bool           `json:"strict"`
}

// setJSONSchema checks a schema declaration (at names it in errors) and
// asks req's answer to follow it.
func setJSONSchema(at string, js *schemaDecl, req *pb.ChatRequest) *decodeError {
	if !nameRE.MatchString(js.Name) {
		return badRequest("invalid_value", at+".name", "the schema's name must be 1 to 64 letters, digits, _ or -")
	}
	if !isJSONObject(js.Schema) {
		return badRequest("invalid_value", at+".schema", "schema must be a JSON Schema object")
	}
	req.ResponseFormat = "json_schema"
	req.JsonSchema = &pb.JsonSchema{Name: js.Name, Description: js.Description, SchemaJson: string(js.Schema), Strict: js.Strict}
	return nil
}

// isJSONObject reports whether raw is a JSON object.
func isJSONObject(raw json.RawMessage) bool {
	var m map[string]json.RawMessage
	return json.Unmarshal(raw, &m) == nil && m != nil
}
