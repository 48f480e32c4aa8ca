package sim

import (
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// geminiRequest is the part of a GenerateContentRequest the simulator reads.
type geminiRequest struct {
	SystemInstruction *geminiContent    `json:"systemInstruction"`
	Contents          []geminiContent   `json:"contents"`
	Tools             []geminiTool      `json:"tools"`
	ToolConfig        *geminiToolConfig `json:"toolConfig"`
	GenerationConfig  *struct {
		Temperature     *float64 `json:"temperature"`
		MaxOutputTokens *int     `json:"maxOutputTokens"`
		TopP            *float64 `json:"topP"`
		StopSequences   []string `json:"stopSequences"`
		ThinkingConfig  *struct {
			IncludeThoughts bool   `json:"includeThoughts"`
			ThinkingBudget  *int   `json:"thinkingBudget"`
			ThinkingLevel   string `json:"thinkingLevel"`
		} `json:"thinkingConfig"`
		ResponseMimeType   string          `json:"responseMimeType"`
		CandidateCount     *int            `json:"candidateCount"`
		ResponseLogprobs   bool            `json:"responseLogprobs"`
		Logprobs           *int            `json:"logprobs"`
		ResponseSchema     json.RawMessage `json:"responseSchema"`
		ResponseJSONSchema json.RawMessage `json:"responseJsonSchema"`
	} `json:"generationConfig"`
}

// thinkingLevelTokens are the thought tokens the simulator charges per
// thinking level; a budget is charged a 32nd of itself. Deterministic, so a
// test can tell which configuration reached the upstream.
var thinkingLevelTokens = map[string]int{"minimal": 8, "low": 32, "medium": 128, "high": 512}

// hiddenThoughts are the thought tokens charged for the request's thinking
// budget or level (usage's thoughtsTokenCount).
func (r *geminiRequest) hiddenThoughts() int {
	gc := r.GenerationConfig
	if gc == nil || gc.ThinkingConfig == nil {
		return 0
	}
	if b := gc.ThinkingConfig.ThinkingBudget; b != nil && *b > 0 {
		return *b / 32
	}
	return thinkingLevelTokens[gc.ThinkingConfig.ThinkingLevel]
}

// validateGeminiThinking checks the thinking configuration as the API does:
// a budget or a level, not both; a level only for Gemini 3 and later, a
// budget not for Gemini 2.0 (which does not think).
func validateGeminiThinking(req *geminiRequest, model string) (apiError, bool) {
	gc := req.GenerationConfig
	if gc == nil || gc.ThinkingConfig == nil {
		return apiError{}, true
	}
	tc := gc.ThinkingConfig
	bad := apiError{status: http.StatusBadRequest, gStatus: "INVALID_ARGUMENT"}
	switch {
	case tc.ThinkingBudget != nil && tc.ThinkingLevel != "":
		bad.message = "thinking_budget and thinking_level are not supported together."
	case tc.ThinkingLevel != "" && thinkingLevelTokens[tc.ThinkingLevel] == 0:
		bad.message = "Invalid value at 'generation_config.thinking_config.thinking_level' (type.googleapis.com/google.ai.generativelanguage.v1beta.ThinkingConfig.ThinkingLevel), \"" + tc.ThinkingLevel + "\""
	case tc.ThinkingLevel != "" && strings.HasPrefix(model, "gemini-2"):
		bad.message = "Thinking level is not supported for this model."
	case tc.ThinkingBudget != nil && strings.HasPrefix(model, "gemini-2.0"):
		bad.message = "Thinking is not enabled for " + model + "."
	default:
		return apiError{}, true
	}
	return bad, false
}

// includeThoughts reports whether the request asked for thought parts.
func (r *geminiRequest) includeThoughts() bool {
	gc := r.GenerationConfig
	return gc != nil && gc.ThinkingConfig != nil && gc.ThinkingConfig.IncludeThoughts
}

type geminiContent struct {
	Role  string       `json:"role,omitempty"`
	Parts []geminiPart `json:"parts,omitempty"`
}

type geminiPart struct {
	Text             string                  `json:"text,omitempty"`
	Thought          bool                    `json:"thought,omitempty"`
	ThoughtSignature string                  `json:"thoughtSignature,omitempty"`
	InlineData       *geminiBlob             `json:"inlineData,omitempty"`
	FunctionCall     *geminiFunctionCall     `json:"functionCall,omitempty"`
	FunctionResponse *geminiFunctionResponse `json:"functionResponse,omitempty"`
}

func (c *geminiContent) text() string {
	if len(c.Parts) == 1 {
		return c.Parts[0].Text
	}
	var b strings.Builder
	for _, p := range c.Parts {
		b.WriteString(p.Text)
	}
	return b.String()
}

type geminiResponse struct {
	Candidates     []geminiCandidate `json:"candidates,omitempty"`
	PromptFeedback *geminiFeedback   `json:"promptFeedback,omitempty"`
	UsageMetadata  *geminiUsage      `json:"usageMetadata,omitempty"`
	ModelVersion   string            `json:"modelVersion"`
	ResponseID     string            `json:"responseId"`
}

type geminiCandidate struct {
	Content        *geminiContent  `json:"content,omitempty"`
	FinishReason   string          `json:"finishReason,omitempty"`
	Index          int             `json:"index"`
	SafetyRatings  []safetyRating  `json:"safetyRatings,omitempty"`
	LogprobsResult *geminiLogprobs `json:"logprobsResult,omitempty"`
}

type geminiFeedback struct {
	BlockReason   string         `json:"blockReason"`
	SafetyRatings []safetyRating `json:"safetyRatings,omitempty"`
}

type safetyRating struct {
	Category    string `json:"category"`
	Probability string `json:"probability"`
	Blocked     bool   `json:"blocked,omitempty"`
}

type geminiUsage struct {
	PromptTokenCount     int `json:"promptTokenCount"`
	CandidatesTokenCount int `json:"candidatesTokenCount,omitempty"`
	ThoughtsTokenCount   int `json:"thoughtsTokenCount,omitempty"`
	TotalTokenCount      int `json:"totalTokenCount"`
}

// makeGeminiUsage counts prompt, candidate and thought tokens; the total is
// their sum, as Gemini reports it.
func makeGeminiUsage(prompt, candidates, thoughts int) *geminiUsage {
	return &geminiUsage{PromptTokenCount: prompt, CandidatesTokenCount: candidates, ThoughtsTokenCount: thoughts, TotalTokenCount: prompt + candidates + thoughts}
}

var blockedRatings = []safetyRating{{Category: "HARM_CATEGORY_DANGEROUS_CONTENT", Probability: "HIGH", Blocked: true}}

// malformedGemini is the invalid JSON body of the malformed fault.
const malformedGemini = `{"candidates":[{"content":{not json]` + "\n"

const geminiJSON = "application/json; charset=UTF-8"

// geminiAnswer is one generated Gemini answer, before it is sent.
type geminiAnswer struct {
	resp     geminiResponse // the whole answer, as generateContent sends it
	model    string
	id       string
	prompt   string
	promptN  int    // prompt tokens
	content  string // "" for blocked, filtered and empty answers
	finish   string
	thoughts int          // thought tokens
	hidden   int          // thought tokens charged for a thinking budget or level, never shown (hiddenThoughts)
	include  bool         // the request asked for thought parts
	full     string       // the planned answer text ("" for the echo)
	calls    []geminiPart // the functionCall parts of the answer
	n        int          // candidateCount: every candidate is the same answer
	logprobs bool         // responseLogprobs
	top      int          // logprobs: alternatives per token
}

// gemini answers the Gemini routes; rest is the path after "/v1beta/models".
func (s *Simulator) gemini(w http.ResponseWriter, r *http.Request, rest string) {
	if rest == "" || rest == "/" {
		if r.Method != http.MethodGet {
			notAllowed(w, apiGemini)
			return
		}
		l := geminiModels{Models: make([]geminiModel, 0, 1)}
		for _, m := range knownModels {
			if strings.HasPrefix(m, "gemini") {
				l.Models = append(l.Models, geminiModelInfo(m))
			}
		}
		writeJSON(w, http.StatusOK, geminiJSON, l)
		return
	}
	rest = rest[1:]
	i := strings.LastIndexByte(rest, ':')
	if i < 0 {
		if r.Method != http.MethodGet {
			notAllowed(w, apiGemini)
			return
		}
		writeJSON(w, http.StatusOK, geminiJSON, geminiModelInfo(rest))
		return
	}
	model, method := rest[:i], rest[i+1:]
	var stream bool
	switch method {
	case "embedContent", "batchEmbedContents":
		s.geminiEmbed(w, r, model, method)
		return
	case "countTokens":
		s.geminiCount(w, r, model)
		return
	case "generateContent":
	case "streamGenerateContent":
		stream = true
	default:
		writeError(w, apiGemini, apiError{status: http.StatusNotFound, message: "Method " + strconv.Quote(method) + " not found for model " + strconv.Quote(model) + "."})
		return
	}
	if r.Method != http.MethodPost {
		notAllowed(w, apiGemini)
		return
	}
	s.inFlight.Add(1)
	defer s.inFlight.Add(-1)

	var req geminiRequest
	raw, bodyErr := readJSONBody(w, r, &req, true)
	s.remember(r.URL.Path, raw)
	s.count(apiGemini, r.URL.Path, model, stream)
	if e, ok := geminiAuth(r); !ok {
		writeError(w, apiGemini, e)
		return
	}

	fault := s.faultFor(r, model)
	tl := newTimeline(r.Context(), s.latencyFor(r), s.pacingFor(r))
	if !tl.wait(tl.lat) {
		return
	}
	if fault == FaultTimeout || (fault == FaultStall && !stream) {
		waitGone(r)
		return
	}
	if e, ok := faultError(fault, apiGemini, model); ok {
		writeError(w, apiGemini, e)
		return
	}
	if fault == FaultMalformed && !stream {
		w.Header().Set("Content-Type", geminiJSON)
		_, _ = io.WriteString(w, malformedGemini)
		return
	}
	if e, ok := validateGemini(&req, bodyErr, model); !ok {
		writeError(w, apiGemini, e)
		return
	}
	a := s.buildGemini(&req, model, fault, tl)
	if !stream {
		plainGemini(w, a, fault, tl)
		return
	}
	streamGemini(w, r, a, fault, tl)
}

// geminiAuth checks the API key as the real service does: header
// x-goog-api-key or query ?key=. A Bearer token is taken for an OAuth access
// token, so an API key sent that way is refused with 401 UNAUTHENTICATED.
func geminiAuth(r *http.Request) (apiError, bool) {
	key := r.Header.Get("X-Goog-Api-Key")
	if key == "" {
		key = r.URL.Query().Get("key")
	}
	switch {
	case key == "" && r.Header.Get("Authorization") != "":
		return apiError{
			status:   http.StatusUnauthorized,
			message:  "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.",
			gStatus:  "UNAUTHENTICATED",
			gDetails: []any{map[string]any{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "ACCESS_TOKEN_TYPE_UNSUPPORTED", "metadata": map[string]string{"service": "generativelanguage.googleapis.com", "method": "google.ai.generativelanguage.v1beta.GenerativeService.GenerateContent"}}},
		}, false
	case key == "":
		return apiError{status: http.StatusForbidden, message: "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.", gStatus: "PERMISSION_DENIED"}, false
	case strings.HasPrefix(key, invalidKeyPrefix):
		return apiError{
			status: http.StatusBadRequest, message: "API key not valid. Please pass a valid API key.", gStatus: "INVALID_ARGUMENT",
			gDetails: []any{map[string]any{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "API_KEY_INVALID", "domain": "googleapis.com", "metadata": map[string]string{"service": "generativelanguage.googleapis.com"}}},
		}, false
	}
	return apiError{}, true
}

// promptWords counts the request's input as generateContent's
// usageMetadata.promptTokenCount does: the words of the system instruction
// and of every content.
func (r *geminiRequest) promptWords() int {
	n := 0
	if r.SystemInstruction != nil {
		n += countWords(r.SystemInstruction.text())
	}
	for i := range r.Contents {
		n += countWords(r.Contents[i].text())
	}
	return max(n, 1)
}

// geminiCount answers models/{model}:countTokens: {"totalTokens"}, the
// promptTokenCount generateContent reports for the same input, for a body
// of contents or of a whole generateContentRequest (whose model must be
// given, as the API wants).
func (s *Simulator) geminiCount(w http.ResponseWriter, r *http.Request, model string) {
	if r.Method != http.MethodPost {
		notAllowed(w, apiGemini)
		return
	}
	var body struct {
		Contents               []geminiContent `json:"contents"`
		GenerateContentRequest *struct {
			Model string `json:"model"`
			geminiRequest
		} `json:"generateContentRequest"`
	}
	raw, bodyErr := readJSONBody(w, r, &body, true)
	s.remember(r.URL.Path, raw)
	s.count(apiGemini, r.URL.Path, model, false)
	if e, ok := geminiAuth(r); !ok {
		writeError(w, apiGemini, e)
		return
	}
	bad := func(msg string) {
		writeError(w, apiGemini, apiError{status: http.StatusBadRequest, message: msg, gStatus: "INVALID_ARGUMENT"})
	}
	req := &geminiRequest{Contents: body.Contents}
	switch g := body.GenerateContentRequest; {
	case bodyErr != nil:
		bad("Invalid JSON payload received.")
		return
	case g != nil && len(body.Contents) > 0:
		bad("contents and generateContentRequest are mutually exclusive.")
		return
	case g != nil && g.Model == "":
		bad("generateContentRequest.model: Field required.")
		return
	case g != nil:
		req = &g.geminiRequest
	}
	if len(req.Contents) == 0 {
		bad("contents is not specified")
		return
	}
	n := req.promptWords()
	writeJSON(w, http.StatusOK, geminiJSON, map[string]any{"totalTokens": n, "promptTokensDetails": []map[string]any{{"modality": "TEXT", "tokenCount": n}}})
}

// buildGemini generates the answer to req.
func (s *Simulator) buildGemini(req *geminiRequest, model string, fault Fault, tl *timeline) *geminiAnswer {
	a := &geminiAnswer{model: model, id: s.nextID("sim"), include: req.includeThoughts(), n: 1}
	if gc := req.GenerationConfig; gc != nil {
		if gc.CandidateCount != nil && *gc.CandidateCount > 1 {
			a.n = *gc.CandidateCount
		}
		a.logprobs = gc.ResponseLogprobs
		if gc.Logprobs != nil {
			a.top = *gc.Logprobs
		}
	}
	for i := range req.Contents {
		if t := req.Contents[i].text(); req.Contents[i].Role != "model" && t != "" {
			a.prompt = t
		}
	}
	a.promptN = req.promptWords()
	a.resp = geminiResponse{ModelVersion: model, ResponseID: a.id}
	resp := &a.resp
	switch {
	case strings.Contains(a.prompt, triggerBlock):
		resp.PromptFeedback = &geminiFeedback{BlockReason: "SAFETY", SafetyRatings: blockedRatings}
		resp.UsageMetadata = makeGeminiUsage(a.promptN, 0, 0)
		return a
	case strings.Contains(a.prompt, triggerSafety):
		resp.Candidates = []geminiCandidate{{FinishReason: "SAFETY", SafetyRatings: blockedRatings}}
		resp.UsageMetadata = makeGeminiUsage(a.promptN, 0, 0)
		return a
	case fault == FaultEmptyCandidate:
		resp.Candidates = []geminiCandidate{{FinishReason: "OTHER"}}
		resp.UsageMetadata = makeGeminiUsage(a.promptN, 0, 0)
		return a
	case fault == FaultEmptyStop:
		resp.Candidates = []geminiCandidate{{Content: &geminiContent{Role: "model"}, FinishReason: "STOP"}}
		resp.UsageMetadata = makeGeminiUsage(a.promptN, 0, 0)
		return a
	}
	limit := 0
	var stops []string
	if gc := req.GenerationConfig; gc != nil {
		if gc.MaxOutputTokens != nil {
			limit = *gc.MaxOutputTokens
		}
		stops = gc.StopSequences
	}
	a.planGemini(req)
	if a.full == "" {
		a.full = fitTokens(answerText("gemini", model, a.prompt), tl.pace.Tokens)
	}
	var cut bool
	a.content, cut = shapeAnswer(a.full, stops, limit)
	a.finish = "STOP"
	if cut {
		a.finish = "MAX_TOKENS"
	}
	a.thoughts = tl.reasoningTokens()
	parts := []geminiPart{{Text: a.content}}
	completion := countWords(a.content)
	if len(a.calls) > 0 {
		// A call answers with the calls only, finishing with STOP.
		a.content, a.finish, parts, completion = "", "STOP", a.calls, a.callWords()
	}
	if a.thoughts > 0 && a.include {
		parts = append([]geminiPart{{Text: reasoningText(a.thoughts), Thought: true}}, parts...)
	}
	a.hidden = req.hiddenThoughts()
	resp.UsageMetadata = makeGeminiUsage(a.promptN, completion*a.n, a.thoughts+a.hidden)
	resp.Candidates = a.candidates(parts, a.finish)
	return a
}

// plainGemini writes a generateContent answer once it is generated.
func plainGemini(w http.ResponseWriter, a *geminiAnswer, fault Fault, tl *timeline) {
	if fault == FaultErrorIn200 {
		writeJSON(w, http.StatusOK, geminiJSON, errorBody(apiGemini, inBandError(fault, apiGemini)))
		return
	}
	if !tl.wait(tl.doneAt(countWords(a.content))) {
		return
	}
	if fault == FaultMidstreamError {
		writeJSON(w, http.StatusOK, geminiJSON, errorBody(apiGemini, inBandError(fault, apiGemini)))
		return
	}
	if fault == FaultCutStream {
		body := encodeJSON(&a.resp)
		w.Header().Set("Content-Type", geminiJSON)
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(body[:len(body)/2])
		abort(w)
	}
	writeJSON(w, http.StatusOK, geminiJSON, &a.resp)
}

// streamGemini writes a streamGenerateContent answer: thought parts (when
// asked for) and text parts on the answer's timeline, each event with the
// usageMetadata counted so far, the last one with finishReason.
func streamGemini(w http.ResponseWriter, r *http.Request, a *geminiAnswer, fault Fault, tl *timeline) {
	gs := newGeminiStream(w, r.URL.Query().Get("alt") == "sse")
	tl.streamTo(gs.flush)
	if streamGeminiEvents(gs, r, a, fault, tl) {
		gs.end()
	}
}

// streamGeminiEvents writes the events of streamGemini; false when the
// client left (the stream is then not closed).
func streamGeminiEvents(gs *geminiStream, r *http.Request, a *geminiAnswer, fault Fault, tl *timeline) bool {
	switch {
	case fault == FaultMalformed:
		gs.raw(gs.prefix() + "{not json" + gs.sep())
		return true
	case fault == FaultErrorIn200:
		gs.send(errorBody(apiGemini, inBandError(fault, apiGemini)))
		return true
	case fault == FaultStall || fault == FaultCutStream:
		// The start of an answer, then nothing (stall) or a broken connection.
		pieces := streamPieces(answerText("gemini", a.model, a.prompt))
		gs.send(a.chunk(geminiPart{Text: pieces[0]}, 1, 0, ""))
		if fault == FaultStall {
			tl.waitGone(r)
			return false
		}
		abort(gs.w)
	case a.resp.Candidates == nil || a.finish == "":
		// Blocked prompt, safety stop or empty candidate: one event says it all.
		gs.send(&a.resp)
		return true
	}
	for i := 0; i < a.thoughts; i++ {
		// Without includeThoughts the model thinks in silence, as Gemini does.
		if !tl.wait(tl.reasoningAt(i)) {
			return false
		}
		if a.include {
			gs.send(a.chunk(geminiPart{Text: reasoningPiece(i), Thought: true}, 0, i+1, ""))
		}
	}
	if len(a.calls) > 0 {
		return streamGeminiCalls(gs, a, tl)
	}
	pieces := tl.pieces(a.content)
	if len(pieces) == 0 {
		pieces = []string{""}
	}
	words := 0
	for i := range pieces {
		if !tl.wait(tl.contentAt(i)) {
			return false
		}
		words += countWords(pieces[i])
		finish := ""
		if i == len(pieces)-1 {
			finish = a.finish
		}
		gs.send(a.chunk(geminiPart{Text: pieces[i]}, words, a.thoughts+a.hidden, finish))
		if fault == FaultMidstreamError && i+1 >= max(1, len(pieces)/2) {
			gs.send(errorBody(apiGemini, inBandError(fault, apiGemini)))
			return true
		}
	}
	return true
}

// streamGeminiCalls sends each function call whole in its own event, as
// Gemini does (it never splits a call's arguments), the last one with the
// finish reason; false when the client left.
func streamGeminiCalls(gs *geminiStream, a *geminiAnswer, tl *timeline) bool {
	words := 0
	for i, c := range a.calls {
		if !tl.wait(tl.contentAt(i)) {
			return false
		}
		words += callTokens(c)
		finish := ""
		if i == len(a.calls)-1 {
			finish = a.finish
		}
		gs.send(a.chunk(c, words, a.thoughts+a.hidden, finish))
	}
	return true
}

// chunk is one stream event: one part and the usage so far.
func (a *geminiAnswer) chunk(p geminiPart, words, thoughts int, finish string) *geminiResponse {
	return &geminiResponse{
		Candidates:    a.candidates([]geminiPart{p}, finish),
		UsageMetadata: makeGeminiUsage(a.promptN, words*a.n, thoughts),
		ModelVersion:  a.model, ResponseID: a.id,
	}
}

// validateGemini checks a decoded request (bodyErr is the decoding error):
// its contents, tools and parts.
func validateGemini(req *geminiRequest, bodyErr error, model string) (apiError, bool) {
	if e, ok := validateGeminiContents(req, bodyErr); !ok {
		return e, false
	}
	if e, ok := validateGeminiTools(req); !ok {
		return e, false
	}
	if e, ok := validateGeminiThinking(req, model); !ok {
		return e, false
	}
	return validateGeminiParts(req, model)
}

// validateGeminiContents checks that there are contents, with valid roles.
func validateGeminiContents(req *geminiRequest, bodyErr error) (apiError, bool) {
	bad := apiError{status: http.StatusBadRequest, gStatus: "INVALID_ARGUMENT"}
	switch {
	case bodyErr != nil:
		bad.message = "Invalid JSON payload received. Unexpected token."
	case len(req.Contents) == 0:
		bad.message = "* GenerateContentRequest.contents: contents is not specified\n"
	default:
		for i := range req.Contents {
			if r := req.Contents[i].Role; r != "" && r != "user" && r != "model" {
				bad.message = "Please use a valid role: user, model."
				return bad, false
			}
		}
		return apiError{}, true
	}
	return bad, false
}

// geminiStream writes a streamGenerateContent answer: server-sent events
// (alt=sse) separated by "\r\n\r\n" like the real service, or else a JSON
// array streamed element by element. Like sseWriter it leaves flushing to
// the answer's timeline.
type geminiStream struct {
	w   http.ResponseWriter
	f   http.Flusher
	sse bool
	n   int
}

func newGeminiStream(w http.ResponseWriter, sse bool) *geminiStream {
	h := w.Header()
	if sse {
		h.Set("Content-Type", "text/event-stream")
	} else {
		h.Set("Content-Type", geminiJSON)
	}
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	f, _ := w.(http.Flusher)
	return &geminiStream{w: w, f: f, sse: sse}
}

// prefix is what precedes the next element.
func (g *geminiStream) prefix() string {
	switch {
	case g.sse:
		return "data: "
	case g.n == 0:
		return "["
	}
	return ",\r\n"
}

// sep is what follows an element.
func (g *geminiStream) sep() string {
	if g.sse {
		return "\r\n\r\n"
	}
	return ""
}

func (g *geminiStream) send(v any) {
	b := encodeJSON(v)
	_, _ = io.WriteString(g.w, g.prefix())
	_, _ = g.w.Write(b)
	_, _ = io.WriteString(g.w, g.sep())
	g.n++
}

func (g *geminiStream) raw(s string) {
	_, _ = io.WriteString(g.w, s)
	g.n++
}

// flush sends what was written; the answer's timeline calls it before it
// waits (see sseWriter).
func (g *geminiStream) flush() {
	if g.f != nil {
		g.f.Flush()
	}
}

// end closes the JSON array (nothing for SSE).
func (g *geminiStream) end() {
	if !g.sse {
		if g.n == 0 {
			_, _ = io.WriteString(g.w, "[")
		}
		_, _ = io.WriteString(g.w, "]")
	}
}

type geminiModel struct {
	Name                       string   `json:"name"`
	Version                    string   `json:"version"`
	DisplayName                string   `json:"displayName"`
	InputTokenLimit            int      `json:"inputTokenLimit"`
	OutputTokenLimit           int      `json:"outputTokenLimit"`
	SupportedGenerationMethods []string `json:"supportedGenerationMethods"`
}

type geminiModels struct {
	Models []geminiModel `json:"models"`
}

func geminiModelInfo(model string) geminiModel {
	return geminiModel{
		Name: "models/" + model, Version: "001", DisplayName: model + " (simulated)",
		InputTokenLimit: 1048576, OutputTokenLimit: 8192,
		SupportedGenerationMethods: []string{"generateContent", "countTokens", "streamGenerateContent"},
	}
}
