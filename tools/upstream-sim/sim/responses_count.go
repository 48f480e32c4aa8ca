package sim

// OpenAI's token count of the Responses API: POST /v1/responses/input_tokens
// (after platform.openai.com/docs/api-reference/responses/input-tokens). The
// count is the one the chat route's usage.prompt_tokens gives for the same
// conversation written as chat messages, so a gateway that translates between
// the two wires can be checked against either.

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
)

// responsesCountFields are the body fields the count takes; any other is
// refused as an unknown parameter.
var responsesCountFields = map[string]bool{
	"model": true, "input": true, "instructions": true, "tools": true, "tool_choice": true,
	"parallel_tool_calls": true, "reasoning": true, "text": true, "truncation": true,
	"conversation": true, "previous_response_id": true, "personality": true,
}

// responsesInputTokens is the count's answer.
type responsesInputTokens struct {
	Object      string `json:"object"`
	InputTokens int    `json:"input_tokens"`
}

// responsesCount answers POST /v1/responses/input_tokens: {"object":
// "response.input_tokens","input_tokens":N}, N the prompt tokens a chat
// completion reports for the same conversation. The request is checked as
// strictly as the API checks it; the model is required (faults and stats go
// by it).
func (s *Simulator) responsesCount(w http.ResponseWriter, r *http.Request) {
	var body map[string]json.RawMessage
	bodyErr, ok := s.countCall(w, r, apiOpenAI, &body, func() string { return stringField(body, "model") }, openAIAuth)
	if !ok {
		return
	}
	if bodyErr == nil && body == nil {
		bodyErr = errJSON // null: not an object
	}
	n, e, ok := checkResponsesCount(body, bodyErr)
	if !ok {
		writeError(w, apiOpenAI, e)
		return
	}
	writeJSON(w, http.StatusOK, jsonType, responsesInputTokens{Object: "response.input_tokens", InputTokens: n})
}

// checkResponsesCount validates a count's body and returns its tokens: the
// words of the instructions, of every message's text and of every function
// call output (at least 1, as the chat route's prompt_tokens). Function
// calls and tools count nothing, as the chat route does not count tool
// calls' arguments or tool definitions.
func checkResponsesCount(body map[string]json.RawMessage, bodyErr error) (int, apiError, bool) {
	if bodyErr != nil {
		return 0, invalidRequest("", "", badJSONMessage), false
	}
	for _, k := range sortedRawKeys(body) {
		if !responsesCountFields[k] {
			return 0, invalidRequest(k, "unknown_parameter", "Unknown parameter: '"+k+"'."), false
		}
	}
	for _, k := range []string{"model", "instructions"} {
		if raw := body[k]; isJSONSet(raw) && raw[0] != '"' {
			return 0, invalidType(k, "a string", raw), false
		}
	}
	if stringField(body, "model") == "" {
		return 0, missingParam("model"), false
	}
	if e, ok := checkResponsesTools(body["tools"], body["tool_choice"]); !ok {
		return 0, e, false
	}
	words, e, ok := checkResponsesInput(body["input"])
	if !ok {
		return 0, e, false
	}
	return max(words+countWords(stringField(body, "instructions")), 1), apiError{}, true
}

// checkResponsesInput validates input (a string, one user message, or a
// list of items) and counts its words.
func checkResponsesInput(raw json.RawMessage) (int, apiError, bool) {
	if !isJSONSet(raw) {
		return 0, apiError{}, true
	}
	var text string
	if json.Unmarshal(raw, &text) == nil {
		return countWords(text), apiError{}, true
	}
	var items []json.RawMessage
	if json.Unmarshal(raw, &items) != nil {
		return 0, invalidType("input", "one of a string or array of input items", raw), false
	}
	words := 0
	calls := map[string]bool{}
	for i, it := range items {
		n, e, ok := checkResponsesItem(it, "input["+strconv.Itoa(i)+"]", calls)
		if !ok {
			return 0, e, false
		}
		words += n
	}
	return words, apiError{}, true
}

// checkResponsesItem validates one input item (a message, a function call or
// a function call's output) and counts its words. A message's text is what
// the chat route reads of a message: a string, or its parts' texts joined
// by newlines; an output's text likewise. calls holds the call ids of the
// function calls before it: an output must answer one, as OpenAI checks.
func checkResponsesItem(raw json.RawMessage, at string, calls map[string]bool) (int, apiError, bool) {
	var item map[string]json.RawMessage
	if json.Unmarshal(raw, &item) != nil || item == nil {
		return 0, invalidType(at, "an input item", raw), false
	}
	typ, e, ok := stringParam(item, "type", at, false)
	if !ok {
		return 0, e, false
	}
	switch typ {
	case "", "message":
		role, e, ok := stringParam(item, "role", at, true)
		if !ok {
			return 0, e, false
		}
		parts := []string{"input_text", "input_image", "input_file"}
		switch role {
		case "assistant":
			parts = []string{"output_text", "refusal"}
		case "user", "system", "developer":
		default:
			return 0, invalidValue(at+".role", role, "user", "assistant", "system", "developer"), false
		}
		return contentWords(item, "content", at, parts)
	case "function_call":
		for _, k := range []string{"call_id", "name", "arguments"} {
			v, e, ok := stringParam(item, k, at, true)
			if !ok {
				return 0, e, false
			}
			if k == "call_id" {
				calls[v] = true
			}
		}
		return 0, apiError{}, true
	case "function_call_output":
		id, e, ok := stringParam(item, "call_id", at, true)
		if !ok {
			return 0, e, false
		}
		if !calls[id] {
			return 0, invalidRequest("input", "", "No tool call found for function call output with call_id "+id+"."), false
		}
		return contentWords(item, "output", at, []string{"input_text", "input_image", "input_file"})
	}
	return 0, invalidValue(at+".type", typ, "message", "function_call", "function_call_output"), false
}

// contentWords validates item[k], a required string or list of parts of the
// given types, and counts the words of its text.
func contentWords(item map[string]json.RawMessage, k, at string, types []string) (int, apiError, bool) {
	raw, at := item[k], at+"."+k
	if !isJSONSet(raw) {
		return 0, missingParam(at), false
	}
	if raw[0] != '"' {
		var parts []map[string]json.RawMessage
		if json.Unmarshal(raw, &parts) != nil {
			return 0, invalidType(at, "one of a string or array of content parts", raw), false
		}
		for j, p := range parts {
			if e, ok := checkContentPart(p, at+"["+strconv.Itoa(j)+"]", types); !ok {
				return 0, e, false
			}
		}
	}
	return countWords((&chatMessage{Content: raw}).text()), apiError{}, true
}

// checkContentPart validates one content part: its type among types, and
// the field that type requires.
func checkContentPart(p map[string]json.RawMessage, at string, types []string) (apiError, bool) {
	if p == nil {
		return invalidType(at, "a content part", jsonNull), false
	}
	typ, e, ok := stringParam(p, "type", at, true)
	if !ok {
		return e, false
	}
	known := false
	for _, t := range types {
		known = known || t == typ
	}
	if !known {
		return invalidValue(at+".type", typ, types...), false
	}
	switch typ {
	case "input_text", "output_text":
		_, e, ok = stringParam(p, "text", at, true)
	case "refusal":
		_, e, ok = stringParam(p, "refusal", at, true)
	case "input_image":
		if !isJSONSet(p["image_url"]) && !isJSONSet(p["file_id"]) {
			return invalidRequest(at, "missing_required_parameter", "Missing required parameter: '"+at+".image_url' (or '"+at+".file_id')."), false
		}
	}
	return e, ok
}

// checkResponsesTools validates tools (function tools need a name; other
// tool types are taken as they come) and tool_choice ("none", "auto",
// "required", or an object with a type, a function one with a name).
func checkResponsesTools(tools, choice json.RawMessage) (apiError, bool) {
	if isJSONSet(tools) {
		var list []map[string]json.RawMessage
		if json.Unmarshal(tools, &list) != nil {
			return invalidType("tools", "an array of tools", tools), false
		}
		for i, t := range list {
			at := "tools[" + strconv.Itoa(i) + "]"
			typ, e, ok := stringParam(t, "type", at, true)
			if !ok {
				return e, false
			}
			if typ != "function" {
				continue
			}
			if _, e, ok := stringParam(t, "name", at, true); !ok {
				return e, false
			}
			if _, e, ok := stringParam(t, "description", at, false); !ok {
				return e, false
			}
			if raw := t["parameters"]; isJSONSet(raw) && raw[0] != '{' {
				return invalidType(at+".parameters", "an object", raw), false
			}
			if raw := t["strict"]; isJSONSet(raw) && raw[0] != 't' && raw[0] != 'f' {
				return invalidType(at+".strict", "a boolean", raw), false
			}
		}
	}
	if !isJSONSet(choice) {
		return apiError{}, true
	}
	var mode string
	if json.Unmarshal(choice, &mode) == nil {
		if mode == toolModeNone || mode == toolModeAuto || mode == toolModeRequired {
			return apiError{}, true
		}
		return invalidValue("tool_choice", mode, toolModeNone, toolModeAuto, toolModeRequired), false
	}
	var obj map[string]json.RawMessage
	if json.Unmarshal(choice, &obj) != nil {
		return invalidType("tool_choice", "one of a string or object", choice), false
	}
	typ, e, ok := stringParam(obj, "type", "tool_choice", true)
	if ok && typ == "function" {
		_, e, ok = stringParam(obj, "name", "tool_choice", true)
	}
	return e, ok
}

// stringParam reads obj[k], a string (required: present and not null), and
// refuses it in OpenAI's words; at is obj's path.
func stringParam(obj map[string]json.RawMessage, k, at string, required bool) (string, apiError, bool) {
	raw, at := obj[k], at+"."+k
	if !isJSONSet(raw) {
		if required {
			return "", missingParam(at), false
		}
		return "", apiError{}, true
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return "", invalidType(at, "a string", raw), false
	}
	return s, apiError{}, true
}

// invalidRequest is OpenAI's 400 invalid_request_error.
func invalidRequest(param, code, msg string) apiError {
	return apiError{status: http.StatusBadRequest, message: msg, typ: "invalid_request_error", param: param, code: code}
}

func missingParam(param string) apiError {
	return invalidRequest(param, "missing_required_parameter", "Missing required parameter: '"+param+"'.")
}

func invalidType(param, want string, raw json.RawMessage) apiError {
	return invalidRequest(param, "invalid_type", "Invalid type for '"+param+"': expected "+want+", but got "+jsonKind(raw)+" instead.")
}

// invalidValue refuses got, naming the supported values as OpenAI does
// ("'a', 'b', and 'c'").
func invalidValue(param, got string, supported ...string) apiError {
	quoted := make([]string, len(supported))
	for i, v := range supported {
		quoted[i] = "'" + v + "'"
	}
	list := strings.Join(quoted, ", ")
	if n := len(quoted); n == 2 {
		list = quoted[0] + " and " + quoted[1]
	} else if n > 2 {
		list = strings.Join(quoted[:n-1], ", ") + ", and " + quoted[n-1]
	}
	return invalidRequest(param, "invalid_value", "Invalid value: '"+got+"'. Supported values are: "+list+".")
}

// jsonKind names the kind of a JSON value as OpenAI's messages do.
func jsonKind(raw json.RawMessage) string {
	s := strings.TrimSpace(string(raw))
	switch {
	case s == "" || s == "null":
		return "null"
	case s[0] == '"':
		return "a string"
	case s[0] == '[':
		return "an array"
	case s[0] == '{':
		return "an object"
	case s[0] == 't' || s[0] == 'f':
		return "a boolean"
	case strings.ContainsAny(s, ".eE"):
		return "a decimal"
	}
	return "an integer"
}
