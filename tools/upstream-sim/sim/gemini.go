package sim

import (
	"io"
	"net/http"
	"strconv"
	"strings"
)

// geminiRequest is the part of a GenerateContentRequest the simulator reads.
type geminiRequest struct {
	SystemInstruction *geminiContent  `json:"systemInstruction"`
	Contents          []geminiContent `json:"contents"`
	GenerationConfig  *struct {
		Temperature     *float64 `json:"temperature"`
		MaxOutputTokens *int     `json:"maxOutputTokens"`
		TopP            *float64 `json:"topP"`
		StopSequences   []string `json:"stopSequences"`
	} `json:"generationConfig"`
}

type geminiContent struct {
	Role  string       `json:"role,omitempty"`
	Parts []geminiPart `json:"parts"`
}

type geminiPart struct {
	Text string `json:"text"`
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
	Content       *geminiContent `json:"content,omitempty"`
	FinishReason  string         `json:"finishReason,omitempty"`
	Index         int            `json:"index"`
	SafetyRatings []safetyRating `json:"safetyRatings,omitempty"`
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
	TotalTokenCount      int `json:"totalTokenCount"`
}

var blockedRatings = []safetyRating{{Category: "HARM_CATEGORY_DANGEROUS_CONTENT", Probability: "HIGH", Blocked: true}}

// malformedGemini is the invalid JSON body of the malformed fault.
const malformedGemini = `{"candidates":[{"content":{not json]` + "\n"

const geminiJSON = "application/json; charset=UTF-8"

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
	bodyErr := readJSON(w, r, &req)
	s.count(apiGemini, r.URL.Path, model, stream)

	key := r.Header.Get("X-Goog-Api-Key")
	if key == "" {
		key = r.URL.Query().Get("key")
	}
	if key == "" {
		if k, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
			key = strings.TrimSpace(k)
		}
	}
	switch {
	case key == "":
		writeError(w, apiGemini, apiError{status: http.StatusForbidden, message: "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.", gStatus: "PERMISSION_DENIED"})
		return
	case strings.HasPrefix(key, invalidKeyPrefix):
		writeError(w, apiGemini, apiError{status: http.StatusBadRequest, message: "API key not valid. Please pass a valid API key.", gStatus: "INVALID_ARGUMENT"})
		return
	}

	ctx := r.Context()
	fault := s.faultFor(r, model)
	lat := s.latencyFor(r)
	if !sleep(ctx, lat) {
		return
	}
	if fault == FaultTimeout || (fault == FaultStall && !stream) {
		waitGone(r)
		return
	}
	if e, ok := faultError(fault, model); ok {
		writeError(w, apiGemini, e)
		return
	}
	if fault == FaultMalformed && !stream {
		w.Header().Set("Content-Type", geminiJSON)
		_, _ = io.WriteString(w, malformedGemini)
		return
	}
	if e, ok := validateGemini(&req, bodyErr); !ok {
		writeError(w, apiGemini, e)
		return
	}

	// Build the answer.
	promptWords := 0
	if req.SystemInstruction != nil {
		promptWords += countWords(req.SystemInstruction.text())
	}
	prompt := ""
	for i := range req.Contents {
		t := req.Contents[i].text()
		promptWords += countWords(t)
		if req.Contents[i].Role != "model" {
			prompt = t
		}
	}
	promptWords = max(promptWords, 1)
	id := s.nextID("sim")
	resp := geminiResponse{ModelVersion: model, ResponseID: id}

	var full, content, finish string
	switch {
	case strings.Contains(prompt, triggerBlock):
		resp.PromptFeedback = &geminiFeedback{BlockReason: "SAFETY", SafetyRatings: blockedRatings}
		resp.UsageMetadata = &geminiUsage{PromptTokenCount: promptWords, TotalTokenCount: promptWords}
	case strings.Contains(prompt, triggerSafety):
		resp.Candidates = []geminiCandidate{{FinishReason: "SAFETY", SafetyRatings: blockedRatings}}
		resp.UsageMetadata = &geminiUsage{PromptTokenCount: promptWords, TotalTokenCount: promptWords}
	default:
		limit := 0
		var stops []string
		if gc := req.GenerationConfig; gc != nil {
			if gc.MaxOutputTokens != nil {
				limit = *gc.MaxOutputTokens
			}
			stops = gc.StopSequences
		}
		full = answerText("gemini", model, prompt)
		var cut bool
		content, cut = shapeAnswer(full, stops, limit)
		finish = "STOP"
		if cut {
			finish = "MAX_TOKENS"
		}
		n := countWords(content)
		resp.UsageMetadata = &geminiUsage{PromptTokenCount: promptWords, CandidatesTokenCount: n, TotalTokenCount: promptWords + n}
		resp.Candidates = []geminiCandidate{{Content: &geminiContent{Role: "model", Parts: []geminiPart{{Text: content}}}, FinishReason: finish}}
	}

	if !stream {
		if fault == FaultCutStream {
			body := encodeJSON(&resp)
			w.Header().Set("Content-Type", geminiJSON)
			w.Header().Set("Content-Length", strconv.Itoa(len(body)))
			w.WriteHeader(http.StatusOK)
			_, _ = w.Write(body[:len(body)/2])
			abort(w)
		}
		writeJSON(w, http.StatusOK, geminiJSON, &resp)
		return
	}

	gs := newGeminiStream(w, r.URL.Query().Get("alt") == "sse")
	if fault == FaultMalformed {
		gs.raw(gs.prefix() + "{not json" + gs.sep())
		gs.end()
		return
	}
	if fault == FaultStall || fault == FaultCutStream {
		// The start of an answer, then nothing (stall) or a broken connection.
		if full == "" {
			full = answerText("gemini", model, prompt)
		}
		pieces := streamPieces(full)
		gs.send(&geminiResponse{
			Candidates:   []geminiCandidate{{Content: &geminiContent{Role: "model", Parts: []geminiPart{{Text: pieces[0]}}}}},
			ModelVersion: model, ResponseID: id,
		})
		if fault == FaultStall {
			waitGone(r)
			return
		}
		abort(w)
	}
	if resp.Candidates == nil || resp.Candidates[0].Content == nil {
		// Blocked prompt or safety stop: one event says it all.
		gs.send(&resp)
		gs.end()
		return
	}
	pieces := streamPieces(content)
	if len(pieces) == 0 {
		pieces = []string{""}
	}
	gap := lat / 20
	last := resp.UsageMetadata
	chunk := geminiResponse{ModelVersion: model, ResponseID: id}
	part := []geminiPart{{}}
	cand := []geminiCandidate{{Content: &geminiContent{Role: "model", Parts: part}}}
	chunk.Candidates = cand
	for i := range pieces {
		if i > 0 && !sleep(ctx, gap) {
			return
		}
		part[0].Text = pieces[i]
		if i == len(pieces)-1 {
			cand[0].FinishReason = finish
			chunk.UsageMetadata = last
		}
		gs.send(&chunk)
	}
	gs.end()
}

// validateGemini checks a decoded request; bodyErr is the decoding error.
func validateGemini(req *geminiRequest, bodyErr error) (apiError, bool) {
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
// array streamed element by element.
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
	if g.f != nil {
		g.f.Flush()
	}
}

func (g *geminiStream) raw(s string) {
	_, _ = io.WriteString(g.w, s)
	g.n++
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
