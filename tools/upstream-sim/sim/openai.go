package sim

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// chatRequest is the part of an OpenAI chat completions request the
// simulator reads.
type chatRequest struct {
	Model               string          `json:"model"`
	Messages            []chatMessage   `json:"messages"`
	MaxTokens           *int            `json:"max_tokens"`
	MaxCompletionTokens *int            `json:"max_completion_tokens"`
	Stop                json.RawMessage `json:"stop"`
	Stream              bool            `json:"stream"`
	StreamOptions       *struct {
		IncludeUsage bool `json:"include_usage"`
	} `json:"stream_options"`
}

type chatMessage struct {
	Role    string          `json:"role"`
	Content json.RawMessage `json:"content"`
}

// text returns the text of a message content: a string or an array of parts.
func (m *chatMessage) text() string {
	c := m.Content
	if len(c) == 0 || c[0] == 'n' {
		return ""
	}
	if c[0] == '"' {
		var s string
		_ = json.Unmarshal(c, &s)
		return s
	}
	var parts []struct {
		Type string `json:"type"`
		Text string `json:"text"`
	}
	if json.Unmarshal(c, &parts) != nil {
		return ""
	}
	var b strings.Builder
	for i, p := range parts {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(p.Text)
	}
	return b.String()
}

// stops decodes the stop field: a string, an array of strings or null.
func (r *chatRequest) stops() []string {
	if len(r.Stop) == 0 || r.Stop[0] == 'n' {
		return nil
	}
	if r.Stop[0] == '"' {
		var s string
		_ = json.Unmarshal(r.Stop, &s)
		return []string{s}
	}
	var ss []string
	_ = json.Unmarshal(r.Stop, &ss)
	return ss
}

type usage struct {
	PromptTokens     int `json:"prompt_tokens"`
	CompletionTokens int `json:"completion_tokens"`
	TotalTokens      int `json:"total_tokens"`
}

type chatCompletion struct {
	ID                string       `json:"id"`
	Object            string       `json:"object"`
	Created           int64        `json:"created"`
	Model             string       `json:"model"`
	Choices           []chatChoice `json:"choices"`
	Usage             usage        `json:"usage"`
	SystemFingerprint string       `json:"system_fingerprint"`
}

type chatChoice struct {
	Index        int             `json:"index"`
	Message      assistantMsg    `json:"message"`
	Logprobs     json.RawMessage `json:"logprobs"`
	FinishReason string          `json:"finish_reason"`
}

type assistantMsg struct {
	Role    string  `json:"role"`
	Content string  `json:"content"`
	Refusal *string `json:"refusal"`
}

type chatChunk struct {
	ID                string        `json:"id"`
	Object            string        `json:"object"`
	Created           int64         `json:"created"`
	Model             string        `json:"model"`
	SystemFingerprint string        `json:"system_fingerprint"`
	Choices           []chunkChoice `json:"choices"`
	Usage             *usage        `json:"usage,omitempty"`
}

type chunkChoice struct {
	Index        int             `json:"index"`
	Delta        chunkDelta      `json:"delta"`
	Logprobs     json.RawMessage `json:"logprobs"`
	FinishReason *string         `json:"finish_reason"`
}

type chunkDelta struct {
	Role    string  `json:"role,omitempty"`
	Content *string `json:"content,omitempty"`
}

var jsonNull = json.RawMessage("null")

const fingerprint = "fp_sim0001"

// malformedChat is the invalid JSON body of the malformed fault.
const malformedChat = `{"id":"chatcmpl-sim-malformed","object":"chat.completion",choices:[{not json]` + "\n"

// chat answers the OpenAI-compatible chat completions routes.
func (s *Simulator) chat(w http.ResponseWriter, r *http.Request, api apiKind) {
	if r.Method != http.MethodPost {
		notAllowed(w, api)
		return
	}
	s.inFlight.Add(1)
	defer s.inFlight.Add(-1)

	var req chatRequest
	bodyErr := readJSON(w, r, &req)
	s.count(api, r.URL.Path, req.Model, req.Stream)

	if key, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); !ok || strings.TrimSpace(key) == "" || strings.HasPrefix(key, invalidKeyPrefix) {
		writeError(w, api, authError(api, ok && strings.TrimSpace(key) != ""))
		return
	}
	ctx := r.Context()
	fault := s.faultFor(r, req.Model)
	lat := s.latencyFor(r)
	if !sleep(ctx, lat) {
		return
	}
	if fault == FaultTimeout || (fault == FaultStall && !req.Stream) {
		waitGone(r)
		return
	}
	if e, ok := faultError(fault, req.Model); ok {
		writeError(w, api, e)
		return
	}
	if fault == FaultMalformed && !req.Stream {
		w.Header().Set("Content-Type", jsonType)
		_, _ = w.Write([]byte(malformedChat))
		return
	}
	if e, ok := validateChat(&req, bodyErr); !ok {
		writeError(w, api, e)
		return
	}

	// Build the answer.
	// The prompt is the last user message (the first message when no
	// message is the user's); every message counts towards prompt tokens.
	pi := 0
	for i := len(req.Messages) - 1; i > 0; i-- {
		if req.Messages[i].Role == "user" {
			pi = i
			break
		}
	}
	promptWords := 0
	prompt := ""
	for i := range req.Messages {
		t := req.Messages[i].text()
		promptWords += countWords(t)
		if i == pi {
			prompt = t
		}
	}
	if strings.Contains(prompt, triggerBlock) {
		writeError(w, api, apiError{status: http.StatusBadRequest, message: "Your request was rejected as a result of our safety system. (simulated by upstream-sim trigger " + triggerBlock + ")", typ: "invalid_request_error", param: "messages", code: "content_policy_violation"})
		return
	}
	limit := 0
	if req.MaxCompletionTokens != nil {
		limit = *req.MaxCompletionTokens
	} else if req.MaxTokens != nil {
		limit = *req.MaxTokens
	}
	full := answerText(apiNames[api], req.Model, prompt)
	content, cut := shapeAnswer(full, req.stops(), limit)
	finish := "stop"
	switch {
	case strings.Contains(prompt, triggerSafety):
		content, finish = "", "content_filter"
	case cut:
		finish = "length"
	}
	u := usage{PromptTokens: max(promptWords, 1), CompletionTokens: countWords(content)}
	u.TotalTokens = u.PromptTokens + u.CompletionTokens
	id := s.nextID("chatcmpl-sim")
	created := time.Now().Unix()
	w.Header().Set("X-Request-Id", "req_"+id[len("chatcmpl-"):])

	if !req.Stream {
		resp := chatCompletion{
			ID: id, Object: "chat.completion", Created: created, Model: req.Model,
			Choices: []chatChoice{{
				Message:      assistantMsg{Role: "assistant", Content: content},
				Logprobs:     jsonNull,
				FinishReason: finish,
			}},
			Usage:             u,
			SystemFingerprint: fingerprint,
		}
		if fault == FaultCutStream {
			body := encodeJSON(&resp)
			w.Header().Set("Content-Type", jsonType)
			w.Header().Set("Content-Length", strconv.Itoa(len(body)))
			w.WriteHeader(http.StatusOK)
			_, _ = w.Write(body[:len(body)/2])
			abort(w)
		}
		writeJSON(w, http.StatusOK, jsonType, &resp)
		return
	}

	sse := newSSE(w)
	if api == apiOpenRouter {
		sse.raw(": OPENROUTER PROCESSING\n\n")
	}
	if fault == FaultMalformed {
		sse.raw("data: {not json\n\n")
		sse.raw("data: [DONE]\n\n")
		return
	}
	empty := ""
	ch := chatChunk{
		ID: id, Object: "chat.completion.chunk", Created: created, Model: req.Model,
		SystemFingerprint: fingerprint,
		Choices:           []chunkChoice{{Delta: chunkDelta{Role: "assistant", Content: &empty}, Logprobs: jsonNull}},
	}
	sse.data(&ch)
	ch.Choices[0].Delta.Role = ""
	pieces := streamPieces(content)
	if len(pieces) == 0 && (fault == FaultStall || fault == FaultCutStream) {
		pieces = streamPieces(full)
	}
	gap := lat / 20
	for i := range pieces {
		if i > 0 && !sleep(ctx, gap) {
			return
		}
		ch.Choices[0].Delta.Content = &pieces[i]
		sse.data(&ch)
		switch fault {
		case FaultStall:
			waitGone(r)
			return
		case FaultCutStream:
			abort(w)
		}
	}
	if !sleep(ctx, gap) {
		return
	}
	ch.Choices[0].Delta = chunkDelta{}
	ch.Choices[0].FinishReason = &finish
	sse.data(&ch)
	if req.StreamOptions != nil && req.StreamOptions.IncludeUsage {
		ch.Choices = []chunkChoice{}
		ch.Usage = &u
		sse.data(&ch)
	}
	sse.raw("data: [DONE]\n\n")
}

// authError is the 401 of a missing (present=false) or refused key.
func authError(api apiKind, present bool) apiError {
	e := apiError{status: http.StatusUnauthorized, typ: "invalid_request_error", code: "invalid_api_key"}
	switch {
	case api == apiOpenRouter && !present:
		e.message = "No auth credentials found"
	case api == apiOpenRouter:
		e.message = "User not found."
	case api == apiGroq:
		e.message = "Invalid API Key"
	case !present:
		e.message = "Incorrect API key provided: you didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY)."
	default:
		e.message = "Incorrect API key provided. You can find your API key at https://platform.openai.com/account/api-keys."
	}
	return e
}

// validateChat checks a decoded request; bodyErr is the decoding error.
func validateChat(req *chatRequest, bodyErr error) (apiError, bool) {
	bad := apiError{status: http.StatusBadRequest, typ: "invalid_request_error"}
	switch {
	case bodyErr != nil:
		bad.message = "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)"
	case req.Model == "":
		bad.message = "you must provide a model parameter"
	case len(req.Messages) == 0:
		bad.message, bad.param, bad.code = "Missing required parameter: 'messages'.", "messages", "missing_required_parameter"
	case req.MaxTokens != nil && *req.MaxTokens < 1:
		bad.message, bad.param, bad.code = "Invalid 'max_tokens': integer below minimum value. Expected a value >= 1, but got "+strconv.Itoa(*req.MaxTokens)+" instead.", "max_tokens", "integer_below_min_value"
	case req.MaxCompletionTokens != nil && *req.MaxCompletionTokens < 1:
		bad.message, bad.param, bad.code = "Invalid 'max_completion_tokens': integer below minimum value. Expected a value >= 1, but got "+strconv.Itoa(*req.MaxCompletionTokens)+" instead.", "max_completion_tokens", "integer_below_min_value"
	default:
		return apiError{}, true
	}
	return bad, false
}

// modelsCreated is the fixed creation time of the listed models.
const modelsCreated = 1715367049

type openAIModel struct {
	ID      string `json:"id"`
	Object  string `json:"object"`
	Created int64  `json:"created"`
	OwnedBy string `json:"owned_by"`
}

type openAIModels struct {
	Object string        `json:"object"`
	Data   []openAIModel `json:"data"`
}

// knownModels are the models the lists show; any model name is served.
var knownModels = []string{"gpt-4o", "gpt-4o-mini", "mistralai/mistral-7b-instruct", "moonshotai/kimi-k2-instruct", "gemini-2.0-flash"}

func ownerOf(model string) string {
	if i := strings.IndexByte(model, '/'); i > 0 {
		return model[:i]
	}
	if strings.HasPrefix(model, "gemini") {
		return "google"
	}
	return "openai"
}

func openAIModelList() openAIModels {
	l := openAIModels{Object: "list", Data: make([]openAIModel, len(knownModels))}
	for i, m := range knownModels {
		l.Data[i] = openAIModel{ID: m, Object: "model", Created: modelsCreated, OwnedBy: ownerOf(m)}
	}
	return l
}
