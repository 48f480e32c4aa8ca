package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/mux"

	sdk "github.com/llmgw/llmgw/sdk/go"
)

// The recent requests' links to MLflow: GET /ui/trace/{event_id} redirects to
// the request's trace in MLflow's UI (#/experiments/{id}/traces/tr-…). The
// trace id is sdk.EventTraceID of the event, the experiment's id is asked of
// MLflow once by the name the tracker was configured with.

// mlflowExperiments caches experiment ids by tracking URI and name.
type mlflowExperiments struct {
	mu   sync.Mutex
	byID map[string]string
}

var mlflowClient = &http.Client{Timeout: 5 * time.Second}

// id returns the experiment's id, asking MLflow the first time.
func (m *mlflowExperiments) id(ctx context.Context, uri, name string) (string, error) {
	key := uri + "\x00" + name
	m.mu.Lock()
	id, ok := m.byID[key]
	m.mu.Unlock()
	if ok {
		return id, nil
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(uri, "/")+"/api/2.0/mlflow/experiments/get-by-name?experiment_name="+url.QueryEscape(name), nil)
	if err != nil {
		return "", err
	}
	resp, err := mlflowClient.Do(req)
	if err != nil {
		return "", errors.New("MLflow did not answer")
	}
	defer resp.Body.Close()
	var body struct {
		Experiment struct {
			ID string `json:"experiment_id"`
		} `json:"experiment"`
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("MLflow answered %d for experiment %q", resp.StatusCode, name)
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&body); err != nil || body.Experiment.ID == "" {
		return "", fmt.Errorf("MLflow's answer for experiment %q has no id", name)
	}
	m.mu.Lock()
	if m.byID == nil {
		m.byID = map[string]string{}
	}
	m.byID[key] = body.Experiment.ID
	m.mu.Unlock()
	return body.Experiment.ID, nil
}

// uiTrace redirects to an event's trace in the MLflow UI of the pipeline's
// MLflow tracker.
func (s *Server) uiTrace(w http.ResponseWriter, r *http.Request, _ string, _ uiSession) {
	event := mux.Vars(r)["event"]
	if !saneID(event) {
		fail(w, r, http.StatusBadRequest, "invalid_request_error", "invalid_event_id", "event_id", "not an event id")
		return
	}
	var uri, experiment string
	for _, t := range s.rt.Graph().Trackers {
		if t.Info["tracking_uri"] != "" {
			uri, experiment = t.Info["tracking_uri"], t.Info["experiment"]
			break
		}
	}
	if uri == "" {
		fail(w, r, http.StatusNotFound, "invalid_request_error", "not_found", "", "the pipeline has no MLflow tracker")
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
	defer cancel()
	expID, err := s.mlflow.id(ctx, uri, experiment)
	if err != nil {
		s.logger.Warn("MLflow trace link", "request_id", requestID(r), "error", err)
		fail(w, r, http.StatusBadGateway, "api_error", "mlflow_unavailable", "", "cannot find the trace's experiment in MLflow: "+err.Error())
		return
	}
	// The browser gets the address without any credentials it carried.
	u, err := url.Parse(strings.TrimRight(uri, "/"))
	if err != nil {
		fail(w, r, http.StatusBadGateway, "api_error", "mlflow_unavailable", "", "the tracker's tracking_uri is not a URL")
		return
	}
	u.User = nil
	u.Fragment = ""
	target := u.String() + "/#/experiments/" + url.PathEscape(expID) + "/traces/" + fmt.Sprintf("tr-%x", sdk.EventTraceID(event))
	http.Redirect(w, r, target, http.StatusFound)
}
