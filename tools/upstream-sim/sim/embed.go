package sim

// Embeddings: OpenAI's POST /v1/embeddings (also OpenRouter's
// /api/v1/embeddings) and Gemini's models/M:embedContent and
// models/M:batchEmbedContents. Every input gets a fixed vector: seeded from a
// hash of the model and the text, of the model's dimension, unit length.
// A smaller requested size is the first components of the full vector scaled
// back to unit length (the Matryoshka property of the real models), so the
// same text always maps to the same vector. Every fault kind applies.

import (
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"math"
	"net/http"
	"strconv"
	"strings"
)

// embeddingDims are the native vector sizes of the embeddings models the
// simulator knows (from the providers' model pages); other models get
// defaultDims.
var embeddingDims = map[string]int{
	"text-embedding-3-small": 1536,
	"text-embedding-3-large": 3072,
	"text-embedding-ada-002": 1536,
	"gemini-embedding-001":   3072,
	"text-embedding-004":     768,
	"embedding-001":          768,
}

const defaultDims = 1536

// maxEmbedInputs is OpenAI's limit of inputs per request; maxGeminiBatch is
// Gemini's per batchEmbedContents call.
const (
	maxEmbedInputs = 2048
	maxGeminiBatch = 100
)

// nativeDims is model's vector size (a "models/" prefix is ignored).
func nativeDims(model string) int {
	if d, ok := embeddingDims[strings.TrimPrefix(model, "models/")]; ok {
		return d
	}
	return defaultDims
}

// Vector is the simulator's embedding of text by model, of dims components
// (the model's own size when dims ≤ 0). It is exported so tests can check
// what a client received.
func Vector(model, text string, dims int) []float32 {
	model = strings.TrimPrefix(model, "models/")
	full := nativeDims(model)
	if dims <= 0 || dims > full {
		dims = full
	}
	h := fnv.New64a()
	h.Write([]byte(model))
	h.Write([]byte{0})
	h.Write([]byte(text))
	state := h.Sum64()
	v := make([]float32, dims)
	var sum float64
	for i := range v {
		// splitmix64: a fixed, well-spread sequence from the seed.
		state += 0x9e3779b97f4a7c15
		z := state
		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
		z = (z ^ (z >> 27)) * 0x94d049bb133111eb
		z ^= z >> 31
		x := float64(z>>11)/float64(1<<53)*2 - 1
		v[i] = float32(x)
		sum += x * x
	}
	n := math.Sqrt(sum)
	for i := range v {
		v[i] = float32(float64(v[i]) / n)
	}
	return v
}

// embeddingTokens is the simulated token count of one input.
func embeddingTokens(text string) int { return max(1, countWords(text)) }

// openAIEmbedRequest is OpenAI's embeddings body.
type openAIEmbedRequest struct {
	Model          string          `json:"model"`
	Input          json.RawMessage `json:"input"`
	EncodingFormat string          `json:"encoding_format"`
	Dimensions     *int            `json:"dimensions"`
	User           string          `json:"user"`
}

type openAIEmbedding struct {
	Object    string `json:"object"`
	Index     int    `json:"index"`
	Embedding any    `json:"embedding"`
}

type openAIEmbedResponse struct {
	Object string            `json:"object"`
	Data   []openAIEmbedding `json:"data"`
	Model  string            `json:"model"`
	Usage  struct {
		PromptTokens int `json:"prompt_tokens"`
		TotalTokens  int `json:"total_tokens"`
	} `json:"usage"`
}

// embedFault handles the fault in force for an embeddings call. It reports
// whether the call is answered (a fault answered it, or the client left).
// A fault that shapes an answer (cut-stream, empty answers) is left to the
// caller.
func (s *Simulator) embedFault(w http.ResponseWriter, r *http.Request, api apiKind, model string, fault Fault) bool {
	tl := newTimeline(r.Context(), s.latencyFor(r), s.pacingFor(r))
	if !tl.wait(tl.lat) {
		return true
	}
	switch fault {
	case FaultTimeout, FaultStall:
		waitGone(r)
		return true
	case FaultMalformed:
		w.Header().Set("Content-Type", errorType(api))
		_, _ = w.Write([]byte(`{"object":"list","data":[{"embedding":[0.1,not json]` + "\n"))
		return true
	case FaultErrorIn200, FaultMidstreamError:
		writeJSON(w, http.StatusOK, errorType(api), errorBody(api, inBandError(fault, api)))
		return true
	}
	if e, ok := faultError(fault, api, model); ok {
		writeError(w, api, e)
		return true
	}
	return false
}

// writeEmbedAnswer writes a 200 answer; cut-stream sends half of it and
// closes the connection.
func writeEmbedAnswer(w http.ResponseWriter, api apiKind, fault Fault, v any) {
	if fault == FaultCutStream {
		body := encodeJSON(v)
		w.Header().Set("Content-Type", errorType(api))
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(body[:len(body)/2])
		abort(w)
	}
	writeJSON(w, http.StatusOK, errorType(api), v)
}

// openAIEmbed serves POST /v1/embeddings (and OpenRouter's).
func (s *Simulator) openAIEmbed(w http.ResponseWriter, r *http.Request, api apiKind) {
	if r.Method != http.MethodPost {
		notAllowed(w, api)
		return
	}
	s.inFlight.Add(1)
	defer s.inFlight.Add(-1)
	var req openAIEmbedRequest
	raw, bodyErr := readJSONBody(w, r, &req, true)
	s.remember(r.URL.Path, raw)
	s.count(api, r.URL.Path, req.Model, false)
	key, present := bearerKey(r)
	if e, ok := checkKey(api, key, present); !ok {
		writeError(w, api, e)
		return
	}
	fault := s.faultFor(r, req.Model)
	if s.embedFault(w, r, api, req.Model, fault) {
		return
	}
	texts, tokens, e, ok := validateOpenAIEmbed(&req, bodyErr)
	if !ok {
		writeError(w, api, e)
		return
	}
	dims := 0
	if req.Dimensions != nil {
		dims = *req.Dimensions
	}
	resp := openAIEmbedResponse{Object: "list", Model: req.Model, Data: make([]openAIEmbedding, 0, len(texts))}
	if fault != FaultEmptyCandidate && fault != FaultEmptyStop {
		for i, t := range texts {
			v := Vector(req.Model, t, dims)
			d := openAIEmbedding{Object: "embedding", Index: i, Embedding: v}
			if req.EncodingFormat == "base64" {
				d.Embedding = float32Base64(v)
			}
			resp.Data = append(resp.Data, d)
		}
	}
	resp.Usage.PromptTokens, resp.Usage.TotalTokens = tokens, tokens
	writeEmbedAnswer(w, api, fault, &resp)
}

// validateOpenAIEmbed checks a body as OpenAI does and returns the texts to
// embed (token arrays as their ids' text) and the input tokens.
func validateOpenAIEmbed(req *openAIEmbedRequest, bodyErr error) ([]string, int, apiError, bool) {
	invalid := func(param, msg string) ([]string, int, apiError, bool) {
		return nil, 0, apiError{status: http.StatusBadRequest, message: msg, typ: "invalid_request_error", param: param}, false
	}
	if bodyErr != nil {
		return invalid("", "We could not parse the JSON body of your request.")
	}
	if req.Model == "" {
		return invalid("model", "you must provide a model parameter")
	}
	if req.EncodingFormat != "" && req.EncodingFormat != "float" && req.EncodingFormat != "base64" {
		return invalid("encoding_format", "Invalid value for 'encoding_format': must be 'float' or 'base64'.")
	}
	if req.Dimensions != nil {
		native := nativeDims(req.Model)
		if !strings.HasPrefix(req.Model, "text-embedding-3") && embeddingDims[req.Model] != 0 {
			return invalid("dimensions", "This model does not support specifying dimensions.")
		}
		if *req.Dimensions < 1 || *req.Dimensions > native {
			return invalid("dimensions", fmt.Sprintf("Invalid value for 'dimensions' = %d. Must be between 1 and %d.", *req.Dimensions, native))
		}
	}
	var one string
	if json.Unmarshal(req.Input, &one) == nil {
		if one == "" {
			return invalid("input", "'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.")
		}
		return []string{one}, embeddingTokens(one), apiError{}, true
	}
	var texts []string
	if json.Unmarshal(req.Input, &texts) != nil {
		var ids [][]int
		if json.Unmarshal(req.Input, &ids) != nil {
			var flat []int
			if json.Unmarshal(req.Input, &flat) != nil {
				return invalid("input", "'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.")
			}
			ids = [][]int{flat}
		}
		// A failed decoding above may have filled texts partly.
		texts = make([]string, 0, len(ids))
		tokens := 0
		for _, l := range ids {
			texts = append(texts, fmt.Sprint(l))
			tokens += len(l)
		}
		if len(texts) == 0 || len(texts) > maxEmbedInputs {
			return invalid("input", fmt.Sprintf("'$.input' must have between 1 and %d items.", maxEmbedInputs))
		}
		return texts, tokens, apiError{}, true
	}
	if len(texts) == 0 || len(texts) > maxEmbedInputs {
		return invalid("input", fmt.Sprintf("'$.input' must have between 1 and %d items.", maxEmbedInputs))
	}
	tokens := 0
	for _, t := range texts {
		if t == "" {
			return invalid("input", "'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.")
		}
		tokens += embeddingTokens(t)
	}
	return texts, tokens, apiError{}, true
}

// float32Base64 is OpenAI's base64 encoding of a vector: its little-endian
// float32 bytes.
func float32Base64(v []float32) string {
	b := make([]byte, 4*len(v))
	for i, f := range v {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(f))
	}
	return base64.StdEncoding.EncodeToString(b)
}

// geminiEmbedContent is one EmbedContentRequest.
type geminiEmbedContent struct {
	Model                string        `json:"model"`
	Content              geminiContent `json:"content"`
	OutputDimensionality *int          `json:"outputDimensionality"`
}

type geminiBatchEmbed struct {
	Requests []geminiEmbedContent `json:"requests"`
}

type geminiValues struct {
	Values []float32 `json:"values"`
}

// geminiEmbed serves models/M:embedContent and models/M:batchEmbedContents.
func (s *Simulator) geminiEmbed(w http.ResponseWriter, r *http.Request, model, method string) {
	if r.Method != http.MethodPost {
		notAllowed(w, apiGemini)
		return
	}
	s.inFlight.Add(1)
	defer s.inFlight.Add(-1)
	var batch geminiBatchEmbed
	var one geminiEmbedContent
	var raw []byte
	var bodyErr error
	if method == "batchEmbedContents" {
		raw, bodyErr = readJSONBody(w, r, &batch, true)
	} else {
		raw, bodyErr = readJSONBody(w, r, &one, true)
		one.Model = "models/" + model
		batch.Requests = []geminiEmbedContent{one}
	}
	s.remember(r.URL.Path, raw)
	s.count(apiGemini, r.URL.Path, model, false)
	if e, ok := geminiAuth(r); !ok {
		writeError(w, apiGemini, e)
		return
	}
	fault := s.faultFor(r, model)
	if s.embedFault(w, r, apiGemini, model, fault) {
		return
	}
	if e, ok := validateGeminiEmbed(model, &batch, bodyErr); !ok {
		writeError(w, apiGemini, e)
		return
	}
	out := make([]geminiValues, len(batch.Requests))
	for i, q := range batch.Requests {
		dims := 0
		if q.OutputDimensionality != nil {
			dims = *q.OutputDimensionality
		}
		if fault != FaultEmptyCandidate && fault != FaultEmptyStop {
			out[i].Values = Vector(model, q.Content.text(), dims)
		}
	}
	if method == "batchEmbedContents" {
		writeEmbedAnswer(w, apiGemini, fault, map[string]any{"embeddings": out})
		return
	}
	writeEmbedAnswer(w, apiGemini, fault, map[string]any{"embedding": out[0]})
}

// validateGeminiEmbed checks a batch as the Gemini API does.
func validateGeminiEmbed(model string, b *geminiBatchEmbed, bodyErr error) (apiError, bool) {
	invalid := func(msg string) (apiError, bool) {
		return apiError{status: http.StatusBadRequest, message: msg, gStatus: "INVALID_ARGUMENT"}, false
	}
	if bodyErr != nil {
		return invalid("Invalid JSON payload received.")
	}
	if len(b.Requests) == 0 {
		return invalid("* BatchEmbedContentsRequest.requests: contents is not specified")
	}
	if len(b.Requests) > maxGeminiBatch {
		return invalid(fmt.Sprintf("* BatchEmbedContentsRequest.requests: at most %d requests can be in one batch", maxGeminiBatch))
	}
	for i, q := range b.Requests {
		if q.Model != "models/"+model {
			return invalid(fmt.Sprintf("* BatchEmbedContentsRequest.requests[%d].model: the model of each request must be the batch's (models/%s)", i, model))
		}
		if strings.TrimSpace(q.Content.text()) == "" {
			return invalid(fmt.Sprintf("* BatchEmbedContentsRequest.requests[%d].content: contents must not be empty", i))
		}
		if d := q.OutputDimensionality; d != nil && (*d < 1 || *d > nativeDims(model)) {
			return invalid(fmt.Sprintf("* BatchEmbedContentsRequest.requests[%d].output_dimensionality: must be between 1 and %d", i, nativeDims(model)))
		}
	}
	return apiError{}, true
}
