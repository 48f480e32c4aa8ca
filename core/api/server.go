// Package api is the gateway's HTTP surface on gorilla/mux: the pipeline
// routes (/generate, /v1/chat/completions, /v1/embeddings), the informational routes
// (/models, /health, /security-*, /metrics), the admin API, request ids,
// Server-Timing and the one error writer.
package api

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/gorilla/mux"
	"github.com/hashicorp/go-hclog"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	pb "github.com/llmgw/llmgw/sdk/go/proto/llmgw/v1"

	"github.com/llmgw/llmgw/core/config"
	"github.com/llmgw/llmgw/core/pipeline"
)

// Server holds what the handlers need.
type Server struct {
	rt       *pipeline.Runtime
	settings config.Settings
	logger   hclog.Logger
	started  time.Time

	inflight atomic.Int64
	streams  atomic.Int64
	ui       uiSessions
	mlflow   mlflowExperiments
}

// failRoute refuses a request no route takes: in Anthropic's error shape
// under /v1/messages (an Anthropic SDK calling an endpoint the gateway does
// not have, such as /v1/messages/batches, reads the message), in OpenAI's
// everywhere else.
func failRoute(w http.ResponseWriter, r *http.Request, status int, code, message string) {
	if r.URL.Path == "/v1/messages" || strings.HasPrefix(r.URL.Path, "/v1/messages/") {
		failAnthropic(w, r, status, "invalid_request_error", code, "", message)
		return
	}
	if strings.HasPrefix(r.URL.Path, "/v1/responses/") && status == http.StatusNotFound {
		message += "; the gateway keeps no responses: POST /v1/responses answers statelessly, so stored responses (retrieve, delete, cancel, input_items) and compact are not served"
	}
	fail(w, r, status, "invalid_request_error", code, "", message)
}

// New returns the gateway's HTTP handler.
func New(rt *pipeline.Runtime, settings config.Settings, logger hclog.Logger) http.Handler {
	s := &Server{rt: rt, settings: settings, logger: logger, started: time.Now()}
	r := mux.NewRouter()
	r.NotFoundHandler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		failRoute(w, r, http.StatusNotFound, "not_found", "no route "+r.Method+" "+r.URL.Path)
	})
	r.MethodNotAllowedHandler = http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		w.Header().Set("Allow", allowedMethods(r, req.URL.Path))
		failRoute(w, req, http.StatusMethodNotAllowed, "method_not_allowed", req.Method+" is not allowed on "+req.URL.Path)
	})
	r.HandleFunc("/generate", s.generate).Methods(http.MethodPost)
	r.HandleFunc("/v1/chat/completions", s.chat).Methods(http.MethodPost)
	r.HandleFunc("/v1/embeddings", s.embeddings).Methods(http.MethodPost)
	r.HandleFunc("/v1/messages", s.messages).Methods(http.MethodPost)
	r.HandleFunc("/v1/messages/count_tokens", func(w http.ResponseWriter, r *http.Request) { s.countTokens(w, r, messagesCount) }).Methods(http.MethodPost)
	r.HandleFunc("/v1/responses/input_tokens", func(w http.ResponseWriter, r *http.Request) { s.countTokens(w, r, responsesCount) }).Methods(http.MethodPost)
	r.HandleFunc("/v1/responses", s.responses).Methods(http.MethodPost)
	r.HandleFunc("/models", s.models).Methods(http.MethodGet)
	r.HandleFunc("/v1/models", s.openAIModels).Methods(http.MethodGet)
	r.HandleFunc("/v1/models/{model:.+}", s.openAIModel).Methods(http.MethodGet)
	r.HandleFunc("/v1/key", s.ownKey).Methods(http.MethodGet)
	r.HandleFunc("/health", s.health).Methods(http.MethodGet)
	r.HandleFunc("/security-status", s.securityStatus).Methods(http.MethodGet)
	r.HandleFunc("/security-metrics", s.securityMetrics).Methods(http.MethodGet)
	r.Handle("/metrics", promhttp.HandlerFor(rt.Metrics().Registry, promhttp.HandlerOpts{})).Methods(http.MethodGet)
	r.HandleFunc("/openapi.json", serveOpenAPI).Methods(http.MethodGet)
	r.HandleFunc("/admin/reload", s.adminReload).Methods(http.MethodPost)
	r.HandleFunc("/admin/keys", s.adminKeys).Methods(http.MethodGet, http.MethodPost)
	r.HandleFunc("/admin/keys/{id}", s.adminKeys).Methods(http.MethodGet, http.MethodPatch, http.MethodDelete)
	r.HandleFunc("/admin/keys/{id}/rotate", s.adminKeys).Methods(http.MethodPost)
	r.HandleFunc("/admin/teams", s.adminKeys).Methods(http.MethodGet)
	s.routeUI(r)
	return s.middleware(r)
}

// allowedMethods lists the methods a path answers, for 405's Allow header.
func allowedMethods(r *mux.Router, path string) string {
	var methods []string
	_ = r.Walk(func(route *mux.Route, _ *mux.Router, _ []*mux.Route) error {
		if tpl, err := route.GetPathTemplate(); err == nil && tpl == path {
			if ms, err := route.GetMethods(); err == nil {
				methods = append(methods, ms...)
			}
		}
		return nil
	})
	return strings.Join(methods, ", ")
}

type ctxKey int

const requestIDKey ctxKey = 0

// requestID returns the request's id (set by the middleware).
func requestID(r *http.Request) string {
	if id, ok := r.Context().Value(requestIDKey).(string); ok {
		return id
	}
	return ""
}

// saneID accepts a client's X-Request-ID when it is a short token.
func saneID(id string) bool {
	if id == "" || len(id) > 128 {
		return false
	}
	for _, c := range id {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.' || c == ':') {
			return false
		}
	}
	return true
}

// timingWriter adds a Server-Timing entry to answers that have none (the
// pipeline routes write their own, one per stage).
type timingWriter struct {
	http.ResponseWriter
	start       time.Time
	wroteHeader bool
	status      int
}

func (t *timingWriter) WriteHeader(code int) {
	if !t.wroteHeader {
		t.wroteHeader = true
		t.status = code
		if t.Header().Get("Server-Timing") == "" {
			t.Header().Set("Server-Timing", serverTiming([]pipeline.Timing{{Name: "total", Dur: time.Since(t.start)}}))
		}
	}
	t.ResponseWriter.WriteHeader(code)
}

func (t *timingWriter) Write(b []byte) (int, error) {
	if !t.wroteHeader {
		t.WriteHeader(http.StatusOK)
	}
	return t.ResponseWriter.Write(b)
}

func (t *timingWriter) Flush() {
	if f, ok := t.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Unwrap lets http.ResponseController reach the real writer.
func (t *timingWriter) Unwrap() http.ResponseWriter { return t.ResponseWriter }

// middleware gives every request an id (X-Request-ID, echoed), a
// Server-Timing header and a recovery that answers JSON, never a panic page.
func (s *Server) middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := r.Header.Get("X-Request-ID")
		if !saneID(id) {
			id = pipeline.NewID()
		}
		w.Header().Set("X-Request-ID", id)
		r = r.WithContext(context.WithValue(r.Context(), requestIDKey, id))
		tw := &timingWriter{ResponseWriter: w, start: start}
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.logger.Error("handler panic", "request_id", id, "panic", v)
				if !tw.wroteHeader {
					fail(tw, r, http.StatusInternalServerError, "server_error", "internal_error", "", "internal error")
				}
			}
		}()
		next.ServeHTTP(tw, r)
		if s.logger.IsDebug() || tw.status >= 500 {
			s.logger.Log(levelFor(tw.status), "request", "request_id", id, "method", r.Method, "path", r.URL.Path, "status", tw.status, "duration_ms", ms(time.Since(start)))
		}
	})
}

func levelFor(status int) hclog.Level {
	if status >= 500 {
		return hclog.Warn
	}
	return hclog.Debug
}

func (s *Server) generate(w http.ResponseWriter, r *http.Request) {
	s.servePipeline(w, r, generateRoute)
}

func (s *Server) chat(w http.ResponseWriter, r *http.Request) {
	s.servePipeline(w, r, chatRoute)
}

func (s *Server) messages(w http.ResponseWriter, r *http.Request) {
	s.servePipeline(w, r, messagesRoute)
}

// countRoute is how a token-count route speaks: its decoding and
// refusals (route), how it writes a pipeline error, and its answer.
type countRoute struct {
	httpRoute
	writeError func(w http.ResponseWriter, r *http.Request, e *pipeline.Error)
	answer     func(n int32) any
}

var (
	// POST /v1/messages/count_tokens: {"input_tokens": N}, errors in
	// Anthropic's shape (a client such as Claude Code then counts with its
	// own estimate).
	messagesCount = countRoute{countTokensRoute, writeAnthropicError, func(n int32) any { return map[string]int32{"input_tokens": n} }}
	// POST /v1/responses/input_tokens: {"object": "response.input_tokens",
	// "input_tokens": N}, errors in OpenAI's shape.
	responsesCount = countRoute{httpRoute{route: pipeline.RouteCountTokens, decode: decodeResponsesCount, fail: fail},
		func(w http.ResponseWriter, r *http.Request, e *pipeline.Error) { writeError(w, r, e, nil) },
		func(n int32) any { return responsesInputTokens{Object: "response.input_tokens", InputTokens: n} }}
)

type responsesInputTokens struct {
	Object      string `json:"object"`
	InputTokens int32  `json:"input_tokens"`
}

// countTokens answers a token-count route: the request's input tokens as
// the model's provider counts them. Stages that declare they take counts
// (route count_tokens) see it first.
func (s *Server) countTokens(w http.ResponseWriter, r *http.Request, cr countRoute) {
	if n := s.inflight.Add(1); n > int64(s.settings.MaxInflight) {
		s.inflight.Add(-1)
		cr.fail(w, r, http.StatusServiceUnavailable, "service_unavailable", "overloaded", "", "too many requests in flight; retry shortly")
		return
	}
	defer s.inflight.Add(-1)
	body, derr := readBody(r, s.settings.MaxBodyBytes)
	var req *pipeline.Request
	if derr == nil {
		req, _, derr = s.decode(r, cr.httpRoute, body, time.Now())
	}
	if derr != nil {
		cr.fail(w, r, derr.status, "invalid_request_error", derr.code, derr.param, derr.msg)
		return
	}
	n, err := s.rt.CountTokens(r.Context(), req)
	w.Header().Set("Request-Id", req.ID)
	if err != nil {
		cr.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, cr.answer(n))
}

func (s *Server) responses(w http.ResponseWriter, r *http.Request) {
	s.servePipeline(w, r, responsesRoute)
}

// httpRoute is how one HTTP route of the pipeline speaks: the pipeline route
// its requests run as, how its body decodes, the writer of its answers and
// how it refuses a request before the pipeline.
type httpRoute struct {
	route  string
	decode func([]byte) (*pb.ChatRequest, *decodeError)
	// decodeAnswer decodes instead of decode on a route whose body also
	// asks something of the answer's shape (/generate's include_reasoning).
	decodeAnswer func([]byte) (*pb.ChatRequest, answerOptions, *decodeError)
	// decodeEmbeddings decodes instead of decode on an embeddings route.
	decodeEmbeddings func([]byte) (*pb.EmbeddingsRequest, *decodeError)
	writer           func(answer) pipeline.Writer
	fail             func(w http.ResponseWriter, r *http.Request, status int, errType, code, param, message string)
}

var (
	generateRoute = httpRoute{route: pipeline.RouteGenerate, decodeAnswer: decodeGenerateAnswer, fail: fail,
		writer: func(a answer) pipeline.Writer { return &generateWriter{answer: a} }}
	chatRoute = httpRoute{route: pipeline.RouteChat, decode: decodeChat, fail: fail,
		writer: func(a answer) pipeline.Writer { return &chatWriter{answer: a} }}
	// /v1/messages runs as a chat request (stages see route "chat"), in
	// Anthropic's shapes.
	messagesRoute = httpRoute{route: pipeline.RouteChat, decode: decodeAnthropicMessages, fail: failAnthropic, writer: newMessagesWriter}
	// /v1/responses runs as a chat request too, in the Responses API's
	// shapes.
	responsesRoute = httpRoute{route: pipeline.RouteChat, decodeAnswer: decodeResponses, fail: fail, writer: newResponsesWriter}
	// /v1/messages/count_tokens: stages see route "count_tokens" (only
	// those that declare they take it).
	countTokensRoute = httpRoute{route: pipeline.RouteCountTokens, decode: decodeAnthropicCount, fail: failAnthropic}
	embeddingsRoute  = httpRoute{route: pipeline.RouteEmbeddings, decodeEmbeddings: decodeEmbeddings, fail: fail,
		writer: func(a answer) pipeline.Writer { return &embeddingsWriter{answer: a} }}
)

// servePipeline decodes a pipeline request and hands it to the runtime with
// the route's writer.
func (s *Server) servePipeline(w http.ResponseWriter, r *http.Request, hr httpRoute) {
	start := time.Now()
	if n := s.inflight.Add(1); n > int64(s.settings.MaxInflight) {
		s.inflight.Add(-1)
		hr.fail(w, r, http.StatusServiceUnavailable, "service_unavailable", "overloaded", "", "too many requests in flight; retry shortly")
		return
	}
	defer s.inflight.Add(-1)
	body, derr := readBody(r, s.settings.MaxBodyBytes)
	if derr == nil {
		var req *pipeline.Request
		var opts answerOptions
		req, opts, derr = s.decode(r, hr, body, start)
		if derr == nil {
			if req.Chat.GetStream() {
				if n := s.streams.Add(1); n > int64(s.settings.MaxStreams) {
					s.streams.Add(-1)
					hr.fail(w, r, http.StatusServiceUnavailable, "service_unavailable", "overloaded", "", "too many streams open; retry shortly")
					return
				}
				defer s.streams.Add(-1)
			}
			s.rt.Serve(r.Context(), req, hr.writer(answer{w: w, r: r, req: req, created: start.Unix(), opts: opts}))
			return
		}
	}
	hr.fail(w, r, derr.status, "invalid_request_error", derr.code, derr.param, derr.msg)
}

func (s *Server) decode(r *http.Request, hr httpRoute, body []byte, start time.Time) (*pipeline.Request, answerOptions, *decodeError) {
	req := &pipeline.Request{
		ID:         requestID(r),
		Route:      hr.route,
		Endpoint:   r.Method + " " + r.URL.Path,
		ClientIP:   clientIP(r),
		APIKeyHash: apiKeyHash(r),
		Headers:    stageHeaders(r),
		Start:      start,
	}
	var err *decodeError
	var opts answerOptions
	switch {
	case hr.decodeEmbeddings != nil:
		req.Embeddings, err = hr.decodeEmbeddings(body)
	case hr.decodeAnswer != nil:
		req.Chat, opts, err = hr.decodeAnswer(body)
	default:
		req.Chat, err = hr.decode(body)
	}
	if err != nil {
		return nil, answerOptions{}, err
	}
	return req, opts, nil
}

// clientIP is the connection's peer address; proxies' forwarding headers are
// passed to stages, which honour them only from trusted proxies.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// apiKeyHash is the sha256 of the client's key (Authorization: Bearer, else
// x-api-key); the key itself never leaves the host.
func apiKeyHash(r *http.Request) string {
	token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || token == "" {
		token = r.Header.Get("X-Api-Key")
	}
	if token == "" {
		return ""
	}
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// stageHeaders are the request headers stages see: lower-cased, without
// credentials.
func stageHeaders(r *http.Request) map[string]string {
	out := make(map[string]string, len(r.Header))
	for k, v := range r.Header {
		lk := strings.ToLower(k)
		switch lk {
		case "authorization", "cookie", "proxy-authorization", "x-api-key", "api-key":
			continue
		}
		out[lk] = strings.Join(v, ", ")
	}
	return out
}

// adminAllowed guards every /admin route: without LLMGW_ADMIN_TOKEN the
// admin API is off and answers 404 (as if it did not exist); otherwise the
// bearer token must match, compared in constant time, or the answer is 401.
// It writes the refusal and reports whether the request may go on.
func (s *Server) adminAllowed(w http.ResponseWriter, r *http.Request) bool {
	if s.settings.AdminToken == "" {
		fail(w, r, http.StatusNotFound, "invalid_request_error", "not_found", "", "the admin API is off; set LLMGW_ADMIN_TOKEN to enable it")
		return false
	}
	token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || subtle.ConstantTimeCompare([]byte(token), []byte(s.settings.AdminToken)) != 1 {
		fail(w, r, http.StatusUnauthorized, "authentication_error", "unauthorized", "", "a valid admin token is required (Authorization: Bearer <LLMGW_ADMIN_TOKEN>)")
		return false
	}
	return true
}

func (s *Server) adminReload(w http.ResponseWriter, r *http.Request) {
	if s.adminAllowed(w, r) {
		s.reload(w, r)
	}
}

// reload loads the pipeline file again (POST /admin/reload, the dashboard's
// reload button): 200 with the new generation, or 400 invalid_pipeline with
// the file's diagnostics and nothing changed.
func (s *Server) reload(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Minute)
	defer cancel()
	g, err := s.rt.Load(ctx)
	if err != nil {
		fail(w, r, http.StatusBadRequest, "invalid_request_error", "invalid_pipeline", "", err.Error())
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"generation": g.ID})
}
