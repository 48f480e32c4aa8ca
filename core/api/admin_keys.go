package api

import (
	"encoding/json"
	"errors"
	"net/http"

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
	if r.Method == http.MethodPost {
		var derr *decodeError
		if body, derr = readBody(r, s.settings.MaxBodyBytes); derr != nil {
			fail(w, r, derr.status, "invalid_request_error", derr.code, derr.param, derr.msg)
			return
		}
	}
	resp, err := s.rt.StageAdmin(r.Context(), sdk.CapStageKeys, &pb.AdminRequest{Method: r.Method, Path: r.URL.Path, Body: body})
	switch {
	case errors.Is(err, pipeline.ErrNoAdminStage):
		fail(w, r, http.StatusNotFound, "invalid_request_error", "not_found", "", "no virtual-keys stage in the pipeline: add the virtual-keys plugin's stage to pipeline.hcl")
		return
	case err != nil:
		s.logger.Warn("key stage unavailable", "request_id", requestID(r), "error", err)
		fail(w, r, http.StatusServiceUnavailable, "service_unavailable", "plugin_unavailable", "", "the key stage is unavailable; retry shortly")
		return
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
		fail(w, r, status, e.Error.Type, e.Error.Code, param, e.Error.Message)
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
