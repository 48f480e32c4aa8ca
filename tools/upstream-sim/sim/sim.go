package sim

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Config is the start-up configuration of a Simulator.
type Config struct {
	// Addr is the address ListenAndServe binds (default 127.0.0.1:8081).
	Addr string
	// Latency is waited before every chat answer; stream chunks are
	// additionally spaced by Latency/20.
	Latency time.Duration
	// Fault is the global fault ("" is FaultNone).
	Fault Fault
	// Pacing is the global pacing of answers (zero: immediate).
	Pacing Pacing
}

// DefaultAddr is the address ListenAndServe binds when Config.Addr is empty.
const DefaultAddr = "127.0.0.1:8081"

// invalidKeyPrefix marks API keys the simulator refuses (401 on
// OpenAI-compatible routes, 400 API_KEY_INVALID on Gemini), so a test can
// exercise a wrong key.
const invalidKeyPrefix = "sim-invalid"

// maxBody bounds a request body.
const maxBody = 8 << 20

// maxKeys bounds the distinct keys of each stats breakdown; further keys are
// counted under "(other)".
const maxKeys = 1024

// apiKind is the flavour of a chat route.
type apiKind int

const (
	apiOpenAI apiKind = iota
	apiGroq
	apiOpenRouter
	apiGemini
	apiAzure
	apiAnthropic
	numAPIs
)

var apiNames = [numAPIs]string{"openai", "groq", "openrouter", "gemini", "azure", "anthropic"}

// faultState is an immutable snapshot of the fault configuration.
type faultState struct {
	global Fault
	models map[string]Fault
}

// counterMap is a bounded map of counters safe for concurrent use.
type counterMap struct {
	m sync.Map // string -> *atomic.Int64
	n atomic.Int64
}

func (c *counterMap) inc(key string) {
	if v, ok := c.m.Load(key); ok {
		v.(*atomic.Int64).Add(1)
		return
	}
	if c.n.Load() >= maxKeys {
		key = "(other)"
	}
	v, loaded := c.m.LoadOrStore(key, new(atomic.Int64))
	if !loaded {
		c.n.Add(1)
	}
	v.(*atomic.Int64).Add(1)
}

func (c *counterMap) snapshot() map[string]int64 {
	out := map[string]int64{}
	c.m.Range(func(k, v any) bool {
		out[k.(string)] = v.(*atomic.Int64).Load()
		return true
	})
	return out
}

func (c *counterMap) reset() {
	c.m.Range(func(k, _ any) bool {
		c.m.Delete(k)
		return true
	})
	c.n.Store(0)
}

// Simulator is an http.Handler that simulates the OpenAI, OpenRouter, Groq
// and Gemini APIs. Its methods are safe for concurrent use.
type Simulator struct {
	faults  atomic.Pointer[faultState]
	faultMu sync.Mutex // serialises writers of faults
	latency atomic.Int64
	pacing  atomic.Pointer[Pacing]

	seq      atomic.Uint64
	requests atomic.Int64
	streams  atomic.Int64
	inFlight atomic.Int64
	byAPI    [numAPIs]atomic.Int64
	byModel  counterMap
	byPath   counterMap
	// last is the last chat call's path and JSON body (GET /sim/last-request).
	last atomic.Pointer[LastRequest]
}

// LastRequest is the last chat call with a JSON body, as GET
// /sim/last-request answers it: a test proves what a provider sent upstream.
type LastRequest struct {
	Path string          `json:"path"`
	Body json.RawMessage `json:"body"`
}

// remember keeps a chat call's body for GET /sim/last-request.
func (s *Simulator) remember(path string, body []byte) {
	if body != nil {
		s.last.Store(&LastRequest{Path: path, Body: body})
	}
}

// New returns a Simulator configured by cfg (Addr is ignored).
func New(cfg Config) *Simulator {
	s := &Simulator{}
	f := cfg.Fault
	if f == "" {
		f = FaultNone
	}
	s.faults.Store(&faultState{global: f})
	s.latency.Store(int64(cfg.Latency))
	p := cfg.Pacing
	s.pacing.Store(&p)
	return s
}

// SetFault sets the global fault.
func (s *Simulator) SetFault(f Fault) {
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	old := s.faults.Load()
	s.faults.Store(&faultState{global: f, models: old.models})
}

// SetModelFault sets the fault of one upstream model, overriding the global
// fault; FaultNone makes that model healthy whatever the global fault.
func (s *Simulator) SetModelFault(model string, f Fault) {
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	old := s.faults.Load()
	models := make(map[string]Fault, len(old.models)+1)
	for k, v := range old.models {
		models[k] = v
	}
	models[model] = f
	s.faults.Store(&faultState{global: old.global, models: models})
}

// ClearModelFault removes the override of one upstream model.
func (s *Simulator) ClearModelFault(model string) {
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	old := s.faults.Load()
	if _, ok := old.models[model]; !ok {
		return
	}
	models := make(map[string]Fault, len(old.models))
	for k, v := range old.models {
		if k != model {
			models[k] = v
		}
	}
	s.faults.Store(&faultState{global: old.global, models: models})
}

// ClearFaults sets the global fault to FaultNone and removes every per-model
// override.
func (s *Simulator) ClearFaults() {
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	s.faults.Store(&faultState{global: FaultNone})
}

// SetLatency sets the latency waited before every chat answer.
func (s *Simulator) SetLatency(d time.Duration) { s.latency.Store(int64(d)) }

// Stats is a snapshot of the simulator's counters, as GET /sim/stats answers it.
type Stats struct {
	// Requests counts chat calls (OpenAI-compatible and Gemini), whatever
	// their outcome.
	Requests int64 `json:"requests"`
	// Streams counts the chat calls that asked for a stream.
	Streams int64 `json:"streams"`
	// InFlight is the number of chat calls being answered right now.
	InFlight int64 `json:"in_flight"`
	// ByAPI breaks Requests down by flavour: openai, groq, openrouter,
	// gemini, azure.
	ByAPI map[string]int64 `json:"by_api"`
	// ByModel breaks Requests down by the upstream model requested.
	ByModel map[string]int64 `json:"by_model"`
	// ByPath breaks Requests down by URL path.
	ByPath map[string]int64 `json:"by_path"`
}

// Stats returns a snapshot of the counters.
func (s *Simulator) Stats() Stats {
	st := Stats{
		Requests: s.requests.Load(),
		Streams:  s.streams.Load(),
		InFlight: s.inFlight.Load(),
		ByAPI:    map[string]int64{},
		ByModel:  s.byModel.snapshot(),
		ByPath:   s.byPath.snapshot(),
	}
	for i := range s.byAPI {
		if n := s.byAPI[i].Load(); n > 0 {
			st.ByAPI[apiNames[i]] = n
		}
	}
	return st
}

// Reset zeroes every counter except InFlight; faults and latency are kept.
func (s *Simulator) Reset() {
	s.requests.Store(0)
	s.streams.Store(0)
	for i := range s.byAPI {
		s.byAPI[i].Store(0)
	}
	s.byModel.reset()
	s.byPath.reset()
	s.last.Store(nil)
}

// FaultStatus is the fault configuration, as GET /sim/fault answers it.
type FaultStatus struct {
	// Fault is the global fault.
	Fault Fault `json:"fault"`
	// Models holds the per-model overrides.
	Models map[string]Fault `json:"models"`
	// Latency is the global latency, in time.Duration syntax.
	Latency string `json:"latency"`
	// Tokens, TokenInterval and Reasoning are the global pacing.
	Tokens        int    `json:"tokens"`
	TokenInterval string `json:"token_interval"`
	Reasoning     string `json:"reasoning"`
}

// FaultStatus returns the current fault configuration.
func (s *Simulator) FaultStatus() FaultStatus {
	fs := s.faults.Load()
	models := make(map[string]Fault, len(fs.models))
	for k, v := range fs.models {
		models[k] = v
	}
	p := s.pacing.Load()
	return FaultStatus{
		Fault: fs.global, Models: models, Latency: time.Duration(s.latency.Load()).String(),
		Tokens: p.Tokens, TokenInterval: p.TokenInterval.String(), Reasoning: p.Reasoning.String(),
	}
}

// count records one chat call.
func (s *Simulator) count(api apiKind, path, model string, stream bool) {
	s.requests.Add(1)
	s.byAPI[api].Add(1)
	if stream {
		s.streams.Add(1)
	}
	s.byPath.inc(path)
	if model != "" {
		s.byModel.inc(model)
	}
}

// countCall starts a token-count route (Anthropic's count_tokens, OpenAI's
// responses/input_tokens): POST only, the body decoded into req, the call
// recorded under the model model() reads from req, the key checked by auth,
// and an error fault in force for the model answered. It returns the body's
// decoding error and whether the route goes on to answer.
func (s *Simulator) countCall(w http.ResponseWriter, r *http.Request, api apiKind, req any, model func() string, auth func(*http.Request) (apiError, bool)) (error, bool) {
	if r.Method != http.MethodPost {
		notAllowed(w, api)
		return nil, false
	}
	raw, bodyErr := readJSONBody(w, r, req, true)
	s.remember(r.URL.Path, raw)
	s.count(api, r.URL.Path, model(), false)
	if e, ok := auth(r); !ok {
		writeError(w, api, e)
		return nil, false
	}
	if e, ok := faultError(s.faultFor(r, model()), api, model()); ok {
		writeError(w, api, e)
		return nil, false
	}
	return bodyErr, true
}

// faultFor returns the fault in force for a request for model.
func (s *Simulator) faultFor(r *http.Request, model string) Fault {
	if h := r.Header.Get("X-Sim-Fault"); h != "" {
		if f, err := ParseFault(h); err == nil {
			return f
		}
	}
	fs := s.faults.Load()
	if f, ok := fs.models[model]; ok {
		return f
	}
	return fs.global
}

// latencyFor returns the latency in force for a request.
func (s *Simulator) latencyFor(r *http.Request) time.Duration {
	if h := r.Header.Get("X-Sim-Latency"); h != "" {
		if d, err := time.ParseDuration(h); err == nil && d >= 0 {
			return d
		}
	}
	return time.Duration(s.latency.Load())
}

// sleep waits d or until ctx is done; it reports whether the wait completed.
func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// nextID returns a fresh identifier with the given prefix.
func (s *Simulator) nextID(prefix string) string {
	n := s.seq.Add(1)
	b := make([]byte, 0, len(prefix)+16)
	b = append(b, prefix...)
	digits := strconv.AppendUint(make([]byte, 0, 16), n, 36)
	for i := len(digits); i < 12; i++ {
		b = append(b, '0')
	}
	return string(append(b, digits...))
}

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// readJSON decodes the request body into v. It reports a read error (body
// too large, connection gone) as errRead and a decoding error as errJSON.
func readJSON(w http.ResponseWriter, r *http.Request, v any) error {
	_, err := readJSONBody(w, r, v, false)
	return err
}

// readJSONBody is readJSON that, with keep, also returns a copy of a body
// that decoded.
func readJSONBody(w http.ResponseWriter, r *http.Request, v any, keep bool) ([]byte, error) {
	buf := bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	defer bufPool.Put(buf)
	if _, err := buf.ReadFrom(http.MaxBytesReader(w, r.Body, maxBody)); err != nil {
		return nil, errRead
	}
	if err := json.Unmarshal(buf.Bytes(), v); err != nil {
		return nil, errJSON
	}
	if !keep {
		return nil, nil
	}
	return bytes.Clone(buf.Bytes()), nil
}

var (
	errRead = errors.New("cannot read body")
	errJSON = errors.New("invalid JSON")
)

// writeJSON writes v as a JSON answer.
func writeJSON(w http.ResponseWriter, status int, contentType string, v any) {
	h := w.Header()
	h.Set("Content-Type", contentType)
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

// encodeJSON returns v as JSON (no trailing newline, no HTML escaping).
func encodeJSON(v any) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
	b := buf.Bytes()
	return b[:len(b)-1]
}

// abort closes the connection abruptly after flushing what was written: the
// client sees an unexpected EOF.
func abort(w http.ResponseWriter) {
	if f, ok := w.(http.Flusher); ok {
		f.Flush()
	}
	panic(http.ErrAbortHandler)
}

// waitGone blocks until the client goes away.
func waitGone(r *http.Request) { <-r.Context().Done() }

const jsonType = "application/json"

// ServeHTTP routes a request to the simulated APIs and control endpoints.
func (s *Simulator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	switch p {
	case "/v1/chat/completions", "/chat/completions":
		s.chat(w, r, apiOpenAI)
		return
	case "/openai/v1/chat/completions":
		s.chat(w, r, apiGroq)
		return
	case "/api/v1/chat/completions":
		s.chat(w, r, apiOpenRouter)
		return
	case "/v1/embeddings", "/embeddings":
		s.openAIEmbed(w, r, apiOpenAI)
		return
	case "/api/v1/embeddings":
		s.openAIEmbed(w, r, apiOpenRouter)
		return
	case "/v1/messages":
		s.anthropic(w, r)
		return
	case "/v1/messages/count_tokens":
		s.anthropicCount(w, r)
		return
	case "/v1/responses/input_tokens", "/responses/input_tokens":
		s.responsesCount(w, r)
		return
	case "/v1/models", "/models", "/api/v1/models", "/openai/v1/models":
		if r.Method != http.MethodGet {
			notAllowed(w, apiOpenAI)
			return
		}
		writeJSON(w, http.StatusOK, jsonType, openAIModelList())
		return
	case "/sim/stats":
		if r.Method != http.MethodGet {
			notAllowed(w, apiOpenAI)
			return
		}
		writeJSON(w, http.StatusOK, jsonType, s.Stats())
		return
	case "/sim/last-request":
		if r.Method != http.MethodGet {
			notAllowed(w, apiOpenAI)
			return
		}
		last := s.last.Load()
		if last == nil {
			writeError(w, apiOpenAI, apiError{status: http.StatusNotFound, message: "No chat call since the start or the last reset.", typ: "invalid_request_error", code: "no_request"})
			return
		}
		writeJSON(w, http.StatusOK, jsonType, last)
		return
	case "/sim/reset":
		if r.Method != http.MethodPost {
			notAllowed(w, apiOpenAI)
			return
		}
		s.Reset()
		writeJSON(w, http.StatusOK, jsonType, s.Stats())
		return
	case "/sim/fault":
		s.faultControl(w, r)
		return
	}
	if rest, ok := strings.CutPrefix(p, azurePrefix); ok {
		s.azureChat(w, r, rest)
		return
	}
	if rest, ok := strings.CutPrefix(p, "/v1beta/models"); ok {
		s.gemini(w, r, rest)
		return
	}
	if rest, ok := strings.CutPrefix(p, "/v1/models/"); ok {
		if strings.Contains(rest, ":") {
			s.gemini(w, r, "/"+rest)
			return
		}
		if r.Method != http.MethodGet {
			notAllowed(w, apiOpenAI)
			return
		}
		writeJSON(w, http.StatusOK, jsonType, openAIModel{ID: rest, Object: "model", Created: modelsCreated, OwnedBy: ownerOf(rest)})
		return
	}
	writeError(w, apiOpenAI, apiError{status: http.StatusNotFound, message: "Unknown request URL: " + r.Method + " " + p + ".", typ: "invalid_request_error", code: "unknown_url"})
}

// notAllowed answers 405.
func notAllowed(w http.ResponseWriter, api apiKind) {
	writeError(w, api, apiError{status: http.StatusMethodNotAllowed, message: "Method not allowed.", typ: "invalid_request_error", code: "method_not_allowed", gStatus: "INVALID_ARGUMENT"})
}

// faultRequest is the body of POST /sim/fault.
type faultRequest struct {
	Model         *string `json:"model"`
	Fault         *string `json:"fault"`
	Latency       *string `json:"latency"`
	Tokens        *int    `json:"tokens"`
	TokenInterval *string `json:"token_interval"`
	Reasoning     *string `json:"reasoning"`
}

func (s *Simulator) faultControl(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet:
	case http.MethodDelete:
		s.ClearFaults()
	case http.MethodPost:
		var req faultRequest
		if err := readJSON(w, r, &req); err != nil {
			controlError(w, "body must be a JSON object such as {\"fault\":\"500\"} or {\"model\":\"gpt-4o\",\"fault\":\"500\"}")
			return
		}
		if msg := s.applyControl(&req); msg != "" {
			controlError(w, msg)
			return
		}
	default:
		notAllowed(w, apiOpenAI)
		return
	}
	writeJSON(w, http.StatusOK, jsonType, s.FaultStatus())
}

// applyControl validates a POST /sim/fault body and, when all of it is
// valid, applies it; it returns an error message otherwise.
func (s *Simulator) applyControl(req *faultRequest) string {
	if req.Fault == nil && req.Latency == nil && req.Tokens == nil && req.TokenInterval == nil && req.Reasoning == nil {
		return "nothing to change: give \"fault\", \"latency\", \"tokens\", \"token_interval\" and/or \"reasoning\""
	}
	lat := time.Duration(s.latency.Load())
	pace := *s.pacing.Load()
	for _, d := range []struct {
		name string
		val  *string
		dst  *time.Duration
	}{{"latency", req.Latency, &lat}, {"token_interval", req.TokenInterval, &pace.TokenInterval}, {"reasoning", req.Reasoning, &pace.Reasoning}} {
		if d.val == nil {
			continue
		}
		v, err := time.ParseDuration(*d.val)
		if err != nil || v < 0 {
			return "invalid " + d.name + " " + strconv.Quote(*d.val) + ": want a duration such as \"250ms\""
		}
		*d.dst = v
	}
	if req.Tokens != nil {
		if *req.Tokens < 0 {
			return "invalid tokens " + strconv.Itoa(*req.Tokens) + ": want 0 or more"
		}
		pace.Tokens = *req.Tokens
	}
	if req.Fault != nil {
		model := ""
		if req.Model != nil {
			model = *req.Model
		}
		if model != "" && strings.EqualFold(strings.TrimSpace(*req.Fault), string(faultInherit)) {
			s.ClearModelFault(model)
		} else {
			f, err := ParseFault(*req.Fault)
			if err != nil {
				return err.Error()
			}
			switch {
			case model != "":
				s.SetModelFault(model, f)
			case f == FaultNone:
				s.ClearFaults()
			default:
				s.SetFault(f)
			}
		}
	}
	s.SetLatency(lat)
	s.SetPacing(pace)
	return ""
}

func controlError(w http.ResponseWriter, msg string) {
	writeError(w, apiOpenAI, apiError{status: http.StatusBadRequest, message: msg, typ: "invalid_request_error", code: "invalid_sim_control"})
}

// openAIErrorBody is OpenAI's (and Groq's) error format.
type openAIErrorBody struct {
	Error openAIErrorDetail `json:"error"`
}

type openAIErrorDetail struct {
	Message string  `json:"message"`
	Type    string  `json:"type"`
	Param   *string `json:"param"`
	Code    *string `json:"code"`
}

// openRouterErrorBody is OpenRouter's error format.
type openRouterErrorBody struct {
	Error openRouterErrorDetail `json:"error"`
}

type openRouterErrorDetail struct {
	Code     int            `json:"code"`
	Message  string         `json:"message"`
	Metadata map[string]any `json:"metadata,omitempty"`
}

// geminiErrorBody is Gemini's (google.rpc.Status) error format.
type geminiErrorBody struct {
	Error geminiErrorDetail `json:"error"`
}

type geminiErrorDetail struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
	Status  string `json:"status"`
	Details []any  `json:"details,omitempty"`
}

func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// errorBody renders e in the format of api.
func errorBody(api apiKind, e apiError) any {
	switch api {
	case apiGemini:
		msg := e.gMessage
		if msg == "" {
			msg = e.message
		}
		st := e.gStatus
		if st == "" {
			st = geminiStatus(e.status)
		}
		return geminiErrorBody{Error: geminiErrorDetail{Code: e.status, Message: msg, Status: st, Details: e.gDetails}}
	case apiAzure:
		return azureError(e)
	case apiOpenRouter:
		msg := e.orMessage
		if msg == "" {
			msg = e.message
		}
		return openRouterErrorBody{Error: openRouterErrorDetail{Code: e.status, Message: msg, Metadata: e.orMeta}}
	case apiAnthropic:
		return anthropicErrorBody{Type: "error", Error: anthropicErrorDetail{Type: anthropicErrorType(e.status), Message: e.message}, RequestID: "req_sim"}
	}
	return openAIErrorBody{Error: openAIErrorDetail{Message: e.message, Type: e.typ, Param: nullable(e.param), Code: nullable(e.code)}}
}

// errorType is the Content-Type of api's error answers.
func errorType(api apiKind) string {
	if api == apiGemini {
		return geminiJSON
	}
	return jsonType
}

// writeError answers e in the format of api.
func writeError(w http.ResponseWriter, api apiKind, e apiError) {
	if e.retry && api != apiGemini {
		h := w.Header()
		h.Set("Retry-After", "1")
		if api != apiOpenRouter && api != apiAnthropic {
			h.Set("X-Ratelimit-Limit-Requests", "3")
			h.Set("X-Ratelimit-Remaining-Requests", "0")
			h.Set("X-Ratelimit-Reset-Requests", "1s")
		}
	}
	writeJSON(w, e.status, errorType(api), errorBody(api, e))
}

// geminiStatus maps an HTTP status to a google.rpc.Code name.
func geminiStatus(status int) string {
	switch status {
	case 400, 405:
		return "INVALID_ARGUMENT"
	case 401:
		return "UNAUTHENTICATED"
	case 402:
		return "FAILED_PRECONDITION"
	case 403:
		return "PERMISSION_DENIED"
	case 404:
		return "NOT_FOUND"
	case 429:
		return "RESOURCE_EXHAUSTED"
	case 503:
		return "UNAVAILABLE"
	case 504:
		return "DEADLINE_EXCEEDED"
	}
	return "INTERNAL"
}

// sseWriter writes OpenAI-style server-sent events ("data: …\n\n"). It
// does not flush each event: the answer's timeline flushes before it waits
// (timeline.streamTo), and the server when the handler returns, so every
// event is on the wire when it is due and events due at the same moment
// (all of an unpaced answer at zero latency) leave in one write.
type sseWriter struct {
	w   http.ResponseWriter
	f   http.Flusher
	enc *json.Encoder
}

func newSSE(w http.ResponseWriter) *sseWriter {
	h := w.Header()
	h.Set("Content-Type", "text/event-stream; charset=utf-8")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	f, _ := w.(http.Flusher)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return &sseWriter{w: w, f: f, enc: enc}
}

// data writes the event "data: <json of v>\n\n" (Encode writes the first
// newline).
func (e *sseWriter) data(v any) {
	_, _ = io.WriteString(e.w, "data: ")
	_ = e.enc.Encode(v)
	_, _ = io.WriteString(e.w, "\n")
}

// raw writes s verbatim.
func (e *sseWriter) raw(s string) {
	_, _ = io.WriteString(e.w, s)
}

func (e *sseWriter) flush() {
	if e.f != nil {
		e.f.Flush()
	}
}
