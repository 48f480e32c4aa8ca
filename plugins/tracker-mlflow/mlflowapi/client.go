// Package mlflowapi is a small client of an MLflow tracking server: the REST
// calls the tracker needs (experiments, runs, metrics, trace search) and the
// OTLP/HTTP trace endpoint.
package mlflowapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Error codes MLflow answers with.
const (
	CodeAlreadyExists = "RESOURCE_ALREADY_EXISTS"
	CodeDoesNotExist  = "RESOURCE_DOES_NOT_EXIST"
)

// Limits of runs/log-batch.
const (
	MaxMetricsPerBatch = 1000
	MaxParamsPerBatch  = 100
	MaxTagsPerBatch    = 100
)

// APIError is an answer from MLflow other than 2xx.
type APIError struct {
	Status  int
	Code    string
	Message string
}

func (e *APIError) Error() string {
	if e.Code != "" {
		return fmt.Sprintf("mlflow: HTTP %d %s: %s", e.Status, e.Code, e.Message)
	}
	return fmt.Sprintf("mlflow: HTTP %d: %s", e.Status, e.Message)
}

// HasCode reports whether err is an APIError with the given error_code.
func HasCode(err error, code string) bool {
	var ae *APIError
	return errors.As(err, &ae) && ae.Code == code
}

// Permanent reports whether retrying the same request cannot succeed: a 4xx
// other than 408 (timeout) and 429 (throttled).
func Permanent(err error) bool {
	var ae *APIError
	if !errors.As(err, &ae) {
		return false
	}
	return ae.Status >= 400 && ae.Status < 500 && ae.Status != http.StatusRequestTimeout && ae.Status != http.StatusTooManyRequests
}

// Client talks to one tracking server.
type Client struct {
	base     *url.URL
	user     *url.Userinfo
	http     *http.Client
	probe    *http.Client // no keep-alive: a probe leaves no idle connection
	redacted string

	onServerClose atomic.Pointer[func()]
}

// New returns a client of the server at trackingURI (http or https; user
// info in the URI is sent as basic auth and never shown). timeout bounds
// each request.
func New(trackingURI string, timeout time.Duration) (*Client, error) {
	u, err := url.Parse(strings.TrimRight(trackingURI, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("tracking URI must be an http(s) URL")
	}
	c := &Client{base: u, user: u.User}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	dialer := &net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}
	tr.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		conn, err := dialer.DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		return &watchedConn{Conn: conn, c: c}, nil
	}
	c.http = &http.Client{Timeout: timeout, Transport: tr}
	probe := http.DefaultTransport.(*http.Transport).Clone()
	probe.DisableKeepAlives = true
	c.probe = &http.Client{Timeout: timeout, Transport: probe}
	clean := *u
	clean.User = nil
	clean.RawQuery = ""
	clean.Fragment = ""
	c.base = &clean
	c.redacted = clean.String()
	return c, nil
}

// OnServerClose sets f to be called (at most once per connection, never
// concurrently with itself for one connection) when the server closes or
// resets a connection of this client: an idle keep-alive connection closed
// by the server is the first sign of a server shutting down. f must not
// block.
func (c *Client) OnServerClose(f func()) { c.onServerClose.Store(&f) }

// watchedConn reports the server's end of the connection (EOF or an error
// other than our own close or deadline) to the client's OnServerClose.
type watchedConn struct {
	net.Conn
	c    *Client
	once sync.Once
}

func (w *watchedConn) Read(b []byte) (int, error) {
	n, err := w.Conn.Read(b)
	if err != nil && !errors.Is(err, net.ErrClosed) && !errors.Is(err, os.ErrDeadlineExceeded) {
		if f := w.c.onServerClose.Load(); f != nil {
			w.once.Do(*f)
		}
	}
	return n, err
}

// Ping checks that the server answers its /health endpoint, on a fresh
// connection that is closed afterwards.
func (c *Client) Ping(ctx context.Context) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.url("/health"), nil)
	if err != nil {
		return err
	}
	if c.user != nil {
		pw, _ := c.user.Password()
		req.SetBasicAuth(c.user.Username(), pw)
	}
	resp, err := c.probe.Do(req)
	if err != nil {
		return scrub(err)
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
	_ = resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return &APIError{Status: resp.StatusCode, Message: "health check failed"}
	}
	return nil
}

// URI is the tracking URI without credentials.
func (c *Client) URI() string { return c.redacted }

func (c *Client) url(path string) string { return c.redacted + path }

func (c *Client) do(ctx context.Context, method, path string, query url.Values, body any, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	u := c.url(path)
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return c.send(req, out)
}

func (c *Client) send(req *http.Request, out any) error {
	if c.user != nil {
		pw, _ := c.user.Password()
		req.SetBasicAuth(c.user.Username(), pw)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return scrub(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 32<<20))
	if err != nil {
		return scrub(err)
	}
	if resp.StatusCode/100 != 2 {
		ae := &APIError{Status: resp.StatusCode}
		var e struct {
			Code    string `json:"error_code"`
			Message string `json:"message"`
			Detail  any    `json:"detail"`
		}
		if json.Unmarshal(b, &e) == nil && (e.Code != "" || e.Message != "" || e.Detail != nil) {
			ae.Code, ae.Message = e.Code, e.Message
			if ae.Message == "" && e.Detail != nil {
				ae.Message = fmt.Sprint(e.Detail)
			}
		} else {
			ae.Message = strings.TrimSpace(string(b))
		}
		if len(ae.Message) > 300 {
			ae.Message = ae.Message[:300] + "…"
		}
		return ae
	}
	if out != nil && len(b) > 0 {
		if err := json.Unmarshal(b, out); err != nil {
			return fmt.Errorf("mlflow: decoding %s answer: %w", req.URL.Path, err)
		}
	}
	return nil
}

// scrub drops the URL (which may carry credentials) from a transport error.
func scrub(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return fmt.Errorf("mlflow: %s: %w", ue.Op, ue.Err)
	}
	return fmt.Errorf("mlflow: %w", err)
}

// Experiment is an MLflow experiment.
type Experiment struct {
	ID             string `json:"experiment_id"`
	Name           string `json:"name"`
	LifecycleStage string `json:"lifecycle_stage"`
}

// GetExperimentByName looks an experiment up (deleted ones included).
func (c *Client) GetExperimentByName(ctx context.Context, name string) (*Experiment, error) {
	var out struct {
		Experiment Experiment `json:"experiment"`
	}
	if err := c.do(ctx, http.MethodGet, "/api/2.0/mlflow/experiments/get-by-name", url.Values{"experiment_name": {name}}, nil, &out); err != nil {
		return nil, err
	}
	return &out.Experiment, nil
}

// CreateExperiment creates an experiment and returns its id.
func (c *Client) CreateExperiment(ctx context.Context, name string, tags map[string]string) (string, error) {
	var out struct {
		ID string `json:"experiment_id"`
	}
	err := c.do(ctx, http.MethodPost, "/api/2.0/mlflow/experiments/create", nil,
		map[string]any{"name": name, "tags": tagList(tags)}, &out)
	return out.ID, err
}

// EnsureExperiment returns the id of the experiment called name, creating
// it when missing and restoring it when deleted.
func (c *Client) EnsureExperiment(ctx context.Context, name string) (string, error) {
	for range 3 {
		exp, err := c.GetExperimentByName(ctx, name)
		if err == nil {
			if exp.LifecycleStage == "deleted" {
				if err := c.do(ctx, http.MethodPost, "/api/2.0/mlflow/experiments/restore", nil,
					map[string]string{"experiment_id": exp.ID}, nil); err != nil {
					return "", err
				}
			}
			return exp.ID, nil
		}
		if !HasCode(err, CodeDoesNotExist) {
			return "", err
		}
		id, err := c.CreateExperiment(ctx, name, map[string]string{"mlflow.note.content": "LLM gateway requests, traced by llmgw's tracker-mlflow."})
		if err == nil {
			return id, nil
		}
		if !HasCode(err, CodeAlreadyExists) {
			return "", err
		}
		// Someone created it meanwhile: look it up again.
	}
	return "", fmt.Errorf("mlflow: experiment %q keeps appearing and disappearing", name)
}

// CreateRun starts a run and returns its id.
func (c *Client) CreateRun(ctx context.Context, experimentID, name string, start time.Time, tags map[string]string) (string, error) {
	var out struct {
		Run struct {
			Info struct {
				RunID string `json:"run_id"`
			} `json:"info"`
		} `json:"run"`
	}
	err := c.do(ctx, http.MethodPost, "/api/2.0/mlflow/runs/create", nil, map[string]any{
		"experiment_id": experimentID,
		"run_name":      name,
		"start_time":    start.UnixMilli(),
		"tags":          tagList(tags),
	}, &out)
	return out.Run.Info.RunID, err
}

// Metric is one metric value of a run.
type Metric struct {
	Key       string  `json:"key"`
	Value     float64 `json:"value"`
	Timestamp int64   `json:"timestamp"`
	Step      int64   `json:"step"`
}

// LogMetrics logs metrics to a run with runs/log-batch, in chunks within
// MLflow's limits.
func (c *Client) LogMetrics(ctx context.Context, runID string, metrics []Metric) error {
	for len(metrics) > 0 {
		n := min(len(metrics), MaxMetricsPerBatch)
		if err := c.do(ctx, http.MethodPost, "/api/2.0/mlflow/runs/log-batch", nil,
			map[string]any{"run_id": runID, "metrics": metrics[:n]}, nil); err != nil {
			return err
		}
		metrics = metrics[n:]
	}
	return nil
}

// LogParams logs run parameters (at most 100, values cut to 6000 chars).
func (c *Client) LogParams(ctx context.Context, runID string, params map[string]string) error {
	var list []map[string]string
	for k, v := range params {
		if len(v) > 6000 {
			v = v[:6000]
		}
		list = append(list, map[string]string{"key": k, "value": v})
		if len(list) == MaxParamsPerBatch {
			break
		}
	}
	return c.do(ctx, http.MethodPost, "/api/2.0/mlflow/runs/log-batch", nil,
		map[string]any{"run_id": runID, "params": list}, nil)
}

// EndRun sets the run's final status (FINISHED, FAILED, KILLED).
func (c *Client) EndRun(ctx context.Context, runID, status string, end time.Time) error {
	return c.do(ctx, http.MethodPost, "/api/2.0/mlflow/runs/update", nil, map[string]any{
		"run_id": runID, "status": status, "end_time": end.UnixMilli(),
	}, nil)
}

// GetRunMetrics returns the latest value of each metric of a run.
func (c *Client) GetRunMetrics(ctx context.Context, runID string) (status string, metrics map[string]float64, err error) {
	var out struct {
		Run struct {
			Info struct {
				Status string `json:"status"`
			} `json:"info"`
			Data struct {
				Metrics []Metric `json:"metrics"`
			} `json:"data"`
		} `json:"run"`
	}
	if err := c.do(ctx, http.MethodGet, "/api/2.0/mlflow/runs/get", url.Values{"run_id": {runID}}, nil, &out); err != nil {
		return "", nil, err
	}
	metrics = map[string]float64{}
	for _, m := range out.Run.Data.Metrics {
		metrics[m.Key] = m.Value
	}
	return out.Run.Info.Status, metrics, nil
}

// ExportTraces posts an OTLP/HTTP protobuf body (ExportTraceServiceRequest)
// to the experiment; runID, when set, links the traces to that run.
func (c *Client) ExportTraces(ctx context.Context, experimentID, runID string, body []byte) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.url("/v1/traces"), bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-protobuf")
	req.Header.Set("x-mlflow-experiment-id", experimentID)
	if runID != "" {
		req.Header.Set("x-mlflow-run-id", runID)
	}
	return c.send(req, nil)
}

// TraceInfo is a trace as /api/3.0/mlflow/traces/search lists it.
type TraceInfo struct {
	TraceID         string            `json:"trace_id"`
	State           string            `json:"state"`
	RequestTime     string            `json:"request_time"`
	ExecutionTime   string            `json:"execution_duration"`
	Tags            map[string]string `json:"tags"`
	Metadata        map[string]string `json:"trace_metadata"`
	RequestPreview  string            `json:"request_preview"`
	ResponsePreview string            `json:"response_preview"`
}

// SearchTraces lists every trace of an experiment matching filter (MLflow's
// search syntax, e.g. "tags.`llmgw.request_id` = 'abc'"), following pages.
func (c *Client) SearchTraces(ctx context.Context, experimentID, filter string) ([]TraceInfo, error) {
	var all []TraceInfo
	token := ""
	for {
		body := map[string]any{
			"locations": []any{map[string]any{
				"type":              "MLFLOW_EXPERIMENT",
				"mlflow_experiment": map[string]string{"experiment_id": experimentID},
			}},
			"max_results": 500,
		}
		if filter != "" {
			body["filter"] = filter
		}
		if token != "" {
			body["page_token"] = token
		}
		var out struct {
			Traces    []TraceInfo `json:"traces"`
			NextToken string      `json:"next_page_token"`
		}
		if err := c.do(ctx, http.MethodPost, "/api/3.0/mlflow/traces/search", nil, body, &out); err != nil {
			return nil, err
		}
		all = append(all, out.Traces...)
		if out.NextToken == "" {
			return all, nil
		}
		token = out.NextToken
	}
}

func tagList(tags map[string]string) []map[string]string {
	list := []map[string]string{}
	for k, v := range tags {
		list = append(list, map[string]string{"key": k, "value": v})
	}
	return list
}
