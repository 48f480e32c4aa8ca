package api

import (
	"encoding/json"
	"errors"
	"net/http"

	"github.com/gorilla/mux"

	sdk "github.com/llmgw/llmgw/sdk/go"
	pb "github.com/llmgw/llmgw/sdk/go/proto/llmgw/v1"

	"github.com/llmgw/llmgw/core/pipeline"
)

// adminKeys serves /admin/keys…: the host checks the admin token and
// forwards the request to the pipeline's key stage (the plugin that declares
// sdk.CapStageKeys owns the keys and their store), then writes its answer.
// Without LLMGW_ADMIN_TOKEN the admin API is off and answers 404.
func (s *Server) adminKeys(w http.ResponseWriter, r *http.Request) {
	if !s.adminAllowed(w, r) {
		return
	}
	var body []byte
	// A body is read for create and update, and for rotate when one is
	// sent (the stage refuses it: rotate takes none).
	if r.Method == http.MethodPatch || r.Method == http.MethodPost && (mux.Vars(r)["id"] == "" || r.ContentLength != 0) {
		var derr *decodeError
		if body, derr = readBody(r, s.settings.MaxBodyBytes); derr != nil {
			fail(w, r, derr.status, "invalid_request_error", derr.code, derr.param, derr.msg)
			return
		}
	}
	resp, err := s.rt.StageAdmin(r.Context(), sdk.CapStageKeys, &pb.AdminRequest{Method: r.Method, Path: r.URL.Path, Body: body})
	s.writeKeyStage(w, r, resp, err, fail)
}

// errorWriter writes an error answer in a route's shape: fail (OpenAI's
// and the gateway's) or failAnthropic.
type errorWriter func(w http.ResponseWriter, r *http.Request, status int, errType, code, param, message string)

// writeKeyStage writes the key stage's answer to a forwarded request, or
// the host's when there is none; errors with failWith.
func (s *Server) writeKeyStage(w http.ResponseWriter, r *http.Request, resp *pb.AdminResponse, err error, failWith errorWriter) {
	switch {
	case errors.Is(err, pipeline.ErrNoAdminStage):
		failWith(w, r, http.StatusNotFound, "invalid_request_error", "not_found", "", "no virtual-keys stage in the pipeline: add the virtual-keys plugin's stage to pipeline.hcl")
		return
	case err != nil:
		s.logger.Warn("key stage unavailable", "request_id", requestID(r), "error", err)
		failWith(w, r, http.StatusServiceUnavailable, "service_unavailable", "plugin_unavailable", "", "the key stage is unavailable; retry shortly")
		return
	}
	for k, v := range resp.GetHeaders() {
		w.Header().Set(k, v)
	}
	status := int(resp.GetStatus())
	if status >= 400 {
		// The stage's error in the one error writer (it adds request_id).
		var e struct {
			Error struct {
				Message, Type, Code string
				Param               *string
			}
		}
		_ = json.Unmarshal(resp.GetBody(), &e)
		param := ""
		if e.Error.Param != nil {
			param = *e.Error.Param
		}
		failWith(w, r, status, e.Error.Type, e.Error.Code, param, e.Error.Message)
		return
	}
	if len(resp.GetBody()) == 0 {
		w.WriteHeader(status)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(resp.GetBody())
}

// holderRequest is a key holder's own request (sdk.HolderKeyPath or
// sdk.HolderModelsPath) for the key stage, which authenticates it.
func holderRequest(r *http.Request, path string) *pb.AdminRequest {
	return &pb.AdminRequest{Method: http.MethodGet, Path: path, ApiKeyHash: apiKeyHash(r), ClientIp: clientIP(r), Headers: stageHeaders(r)}
}

// ownKey serves GET /v1/key: the client's own virtual key — its limits,
// budget and spend — as the key stage shows it to its holder.
func (s *Server) ownKey(w http.ResponseWriter, r *http.Request) {
	resp, err := s.rt.StageAdmin(r.Context(), sdk.CapStageKeys, holderRequest(r, sdk.HolderKeyPath))
	s.writeKeyStage(w, r, resp, err, fail)
}

// keyModels returns the models the client's key may use, nil for all of
// them: when the client sent no credential (listing is no model call), the
// pipeline has no key stage, or the stage answers that the key may use
// every model (or a bearer token that is no virtual key, while keys are
// not required). When the stage refuses the key, keyModels writes its
// refusal with failWith and returns false.
func (s *Server) keyModels(w http.ResponseWriter, r *http.Request, failWith errorWriter) (map[string]bool, bool) {
	if apiKeyHash(r) == "" {
		return nil, true
	}
	resp, err := s.rt.StageAdmin(r.Context(), sdk.CapStageKeys, holderRequest(r, sdk.HolderModelsPath))
	switch {
	case errors.Is(err, pipeline.ErrNoAdminStage), err == nil && resp.GetStatus() == http.StatusNotFound:
		return nil, true
	case err != nil || resp.GetStatus() != http.StatusOK:
		s.writeKeyStage(w, r, resp, err, failWith)
		return nil, false
	}
	var hm sdk.HolderModels
	if err := json.Unmarshal(resp.GetBody(), &hm); err != nil {
		s.logger.Warn("key stage answered the models question with invalid JSON", "request_id", requestID(r), "error", err)
		failWith(w, r, http.StatusServiceUnavailable, "service_unavailable", "plugin_unavailable", "", "the key stage is unavailable; retry shortly")
		return nil, false
	}
	if hm.All {
		return nil, true
	}
	allowed := make(map[string]bool, len(hm.Models))
	for _, m := range hm.Models {
		allowed[m] = true
	}
	return allowed, true
}
