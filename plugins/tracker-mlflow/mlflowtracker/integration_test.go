package mlflowtracker

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"
	"google.golang.org/protobuf/proto"

	"github.com/llmgw/llmgw/plugins/tracker-mlflow/mlflowapi"
	"github.com/llmgw/llmgw/plugins/tracker-mlflow/otlp"
	sdk "github.com/llmgw/llmgw/sdk/go"
	"github.com/llmgw/llmgw/sdk/go/sdktest"
)

// makeEvent builds a finished-request event of one of three kinds: "ok",
// "fallback" (first provider failed, second answered) or "blocked" (the
// guard rejected it).
func makeEvent(kind string, i int) *sdk.Event {
	return makeEventAt(kind, i, time.Now().Add(-time.Second).UnixNano())
}

// makeEventAt is makeEvent with the request's start time t0 (Unix ns): the
// same arguments give the same event.
func makeEventAt(kind string, i int, t0 int64) *sdk.Event {
	temp, maxTok := 0.7, int32(64)
	ev := &sdk.Event{
		EventId:        fmt.Sprintf("%s-%d-%d", kind, i, t0),
		RequestId:      fmt.Sprintf("req-%s-%d", kind, i),
		Route:          "generate",
		StartUnixNano:  t0,
		EndUnixNano:    t0 + int64(200+i)*int64(time.Millisecond),
		RequestedModel: "smart-router",
		Request: &sdk.ChatRequest{Model: "smart-router", Temperature: &temp, MaxTokens: &maxTok, Messages: []*sdk.Message{
			{Role: "system", Content: "be brief"},
			{Role: "user", Content: fmt.Sprintf("question %s %d", kind, i)},
		}},
		ClientKeyHash: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
		Stages:        []*sdk.StageSpan{{Name: "guard", Plugin: "guard-injection", Outcome: "continue", StartUnixNano: t0, EndUnixNano: t0 + 50_000}},
		Annotations:   map[string]string{"guard.score": "0.02", "upstream_api_key": "sk-must-not-leak"},
	}
	okAttempt := func(model, provider, upstream string, start int64) *sdk.Attempt {
		return &sdk.Attempt{Model: model, Provider: provider, UpstreamModel: upstream, Outcome: "ok",
			StartUnixNano: start, EndUnixNano: ev.EndUnixNano - 1_000_000,
			Usage: &sdk.Usage{PromptTokens: 11, CompletionTokens: int32(5 + i), TotalTokens: int32(16 + i)}}
	}
	switch kind {
	case "ok":
		ev.Attempts = []*sdk.Attempt{okAttempt("gpt-4o-primary", "openai", "gpt-4o", t0+100_000)}
	case "fallback":
		ev.Attempts = []*sdk.Attempt{
			{Model: "gpt-4o-primary", Provider: "openai", UpstreamModel: "gpt-4o", Outcome: "error", ErrorCode: "upstream_5xx",
				ErrorMessage: "upstream answered 503", StartUnixNano: t0 + 100_000, EndUnixNano: t0 + 50_000_000},
			okAttempt("gemini-secondary", "gemini", "gemini-2.0-flash", t0+50_000_000),
		}
		ev.Stream = true
		ev.Route = "chat"
	case "blocked":
		ev.Stages[0].Outcome, ev.Stages[0].Code = "reject", "prompt_injection_detected"
		ev.Ok, ev.Status = false, 400
		ev.ErrorCode, ev.ErrorMessage = "prompt_injection_detected", "prompt injection detected (category: injection)"
		ev.EndUnixNano = t0 + 60_000
		return ev
	}
	last := ev.Attempts[len(ev.Attempts)-1]
	ev.Ok, ev.Status = true, 200
	ev.ModelUsed, ev.Provider, ev.UpstreamModel = last.Model, last.Provider, last.UpstreamModel
	ev.Response, ev.FinishReason = fmt.Sprintf("answer %s %d", kind, i), "stop"
	ev.Usage = last.Usage
	return ev
}

func mixedEvents(n int) []*sdk.Event {
	kinds := []string{"ok", "fallback", "blocked"}
	var out []*sdk.Event
	for i := 0; i < n; i++ {
		out = append(out, makeEvent(kinds[i%3], i))
	}
	return out
}

func testConfig(uri, experiment, spoolDir string) string {
	b, _ := json.Marshal(map[string]any{
		"tracking_uri": uri, "experiment_name": experiment, "spool_dir": spoolDir,
		"flush_interval": "100ms", "batch_size": 16, "request_timeout": "2s", "run_metrics_interval": "1s",
	})
	return string(b)
}

func newTracker(t *testing.T, configJSON string) *Tracker {
	t.Helper()
	tr, err := New(sdk.Config{InstanceID: "mlflow@1", Name: "mlflow", Kind: sdk.KindTracker, Raw: []byte(configJSON),
		Host: &sdk.HostInfo{DataDir: t.TempDir()}, Logger: hclog.New(&hclog.LoggerOptions{Name: "tracker-mlflow", Output: testWriter{t}, Level: hclog.Debug})})
	if err != nil {
		t.Fatal(err)
	}
	return tr.(*Tracker)
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// tracesByRequest searches the experiment's traces through MLflow's own
// search API, keyed by the request id tag.
func tracesByRequest(t *testing.T, c *mlflowapi.Client, experiment string) (map[string][]mlflowapi.TraceInfo, int) {
	t.Helper()
	exp, err := c.GetExperimentByName(ctx(t), experiment)
	if err != nil {
		return nil, 0
	}
	traces, err := c.SearchTraces(ctx(t), exp.ID, "")
	if err != nil {
		t.Logf("search: %v", err)
		return nil, 0
	}
	out := map[string][]mlflowapi.TraceInfo{}
	for _, tr := range traces {
		out[tr.Tags[otlp.TagRequestID]] = append(out[tr.Tags[otlp.TagRequestID]], tr)
	}
	return out, len(traces)
}

func waitTraces(t *testing.T, c *mlflowapi.Client, experiment string, n int, timeout time.Duration) map[string][]mlflowapi.TraceInfo {
	t.Helper()
	var got map[string][]mlflowapi.TraceInfo
	waitFor(t, timeout, fmt.Sprintf("%d traces in %q", n, experiment), func() (bool, string) {
		var total int
		got, total = tracesByRequest(t, c, experiment)
		return total >= n, fmt.Sprintf("%d traces", total)
	})
	return got
}

func checkTraces(t *testing.T, got map[string][]mlflowapi.TraceInfo, events []*sdk.Event) {
	t.Helper()
	total := 0
	for _, v := range got {
		total += len(v)
	}
	if total != len(events) {
		t.Fatalf("MLflow holds %d traces, want exactly %d", total, len(events))
	}
	for _, ev := range events {
		trs := got[ev.RequestId]
		if len(trs) != 1 {
			t.Fatalf("request %s: %d traces, want 1", ev.RequestId, len(trs))
		}
		tr := trs[0]
		if tr.TraceID != otlp.MLflowTraceID(ev.EventId) {
			t.Errorf("request %s: trace id %s, want %s", ev.RequestId, tr.TraceID, otlp.MLflowTraceID(ev.EventId))
		}
		if ev.Ok {
			if tr.State != "OK" {
				t.Errorf("request %s: state %s, want OK", ev.RequestId, tr.State)
			}
			var usage map[string]int
			if err := json.Unmarshal([]byte(tr.Metadata["mlflow.trace.tokenUsage"]), &usage); err != nil || usage["total_tokens"] != int(ev.Usage.TotalTokens) {
				t.Errorf("request %s: token usage %q, want total %d", ev.RequestId, tr.Metadata["mlflow.trace.tokenUsage"], ev.Usage.TotalTokens)
			}
			if tr.Tags[otlp.TagModelUsed] != ev.ModelUsed || tr.Tags[otlp.TagProvider] != ev.Provider {
				t.Errorf("request %s: tags %v", ev.RequestId, tr.Tags)
			}
			if !strings.Contains(tr.ResponsePreview, ev.Response) {
				t.Errorf("request %s: response preview %q", ev.RequestId, tr.ResponsePreview)
			}
		} else if tr.State != "ERROR" {
			t.Errorf("blocked request %s: state %s, want ERROR", ev.RequestId, tr.State)
		}
		if !strings.Contains(tr.RequestPreview, ev.Request.Messages[1].Content) {
			t.Errorf("request %s: request preview %q", ev.RequestId, tr.RequestPreview)
		}
		for k, v := range tr.Tags {
			if strings.Contains(v, "sk-must-not-leak") || strings.Contains(strings.ToLower(k), "api_key") {
				t.Errorf("a secret reached MLflow: %s=%s", k, v)
			}
		}
	}
}

// TestTracesArriveInMLflow serves the plugin in-process over gRPC (sdktest),
// tracks successful, fallen-back and blocked requests, and finds exactly one
// trace per request through MLflow's search API, with token usage, state,
// chat-shaped inputs/outputs and tags. Re-sending the same events (as the
// host does after a tracker restart) adds no trace.
func TestTracesArriveInMLflow(t *testing.T) {
	srv := startMLflow(t)
	client, _ := mlflowapi.New(srv.URL(), 5*time.Second)
	h := sdktest.Start(t, sdk.Plugin{Name: "tracker-mlflow", Version: "test", Tracker: New})
	experiment := uniqueName(t)
	spoolDir := t.TempDir()
	id := h.MustConfigure(t, sdk.KindTracker, "mlflow", testConfig(srv.URL(), experiment, spoolDir))

	events := mixedEvents(9)
	acked, err := h.Track(ctx(t), id, events)
	if err != nil || len(acked) != len(events) {
		t.Fatalf("Track acked %d of %d: %v", len(acked), len(events), err)
	}
	got := waitTraces(t, client, experiment, len(events), 30*time.Second)
	checkTraces(t, got, events)
	checkSpansWithPython(t, srv.URL(), got[events[1].RequestId][0].TraceID)
	if u := got[events[0].RequestId][0].Metadata["mlflow.trace.user"]; u != events[0].ClientKeyHash {
		t.Errorf("trace user = %q, want the client key hash", u)
	}
	// Request id and model used are searchable tags.
	exp, err := client.GetExperimentByName(ctx(t), experiment)
	if err != nil {
		t.Fatal(err)
	}
	for filter, want := range map[string]int{
		"tags.`llmgw.request_id` = '" + events[4].RequestId + "'": 1,
		"tags.`llmgw.model_used` = 'gemini-secondary'":            3,
		"trace.status = 'ERROR'":                                  3,
	} {
		found, err := client.SearchTraces(ctx(t), exp.ID, filter)
		if err != nil || len(found) != want {
			t.Errorf("search %s: %d traces (%v), want %d", filter, len(found), err, want)
		}
	}

	// Replay: the same events again are upserted, not duplicated.
	if acked, err := h.Track(ctx(t), id, mixedEventsCopy(events)); err != nil || len(acked) != len(events) {
		t.Fatalf("replay acked %d: %v", len(acked), err)
	}
	p := pipeOf(t, spoolDir)
	waitFor(t, 20*time.Second, "replayed events to be delivered", func() (bool, string) {
		return p.sp.Pending() == 0, fmt.Sprint(p.sp.Pending(), " bytes pending")
	})
	time.Sleep(300 * time.Millisecond)
	got, _ = tracesByRequest(t, client, experiment)
	checkTraces(t, got, events)

	// Traces are linked to the process's run.
	runID := p.runIDForTest()
	if linked, err := client.SearchTraces(ctx(t), exp.ID, "attribute.run_id = '"+runID+"'"); err != nil || len(linked) != len(events) {
		t.Errorf("traces linked to run %s: %d (%v), want %d", runID, len(linked), err, len(events))
	}

	// Closing the instance ends the run with its metrics.
	if err := h.CloseInstance(ctx(t), id); err != nil {
		t.Fatal(err)
	}
	if runID == "" {
		t.Fatal("no MLflow run was created")
	}
	status, metrics, err := client.GetRunMetrics(ctx(t), runID)
	if err != nil {
		t.Fatal(err)
	}
	if status != "FINISHED" || metrics["request_count"] != 18 || metrics["error_count"] != 6 || metrics["fallback_count"] != 6 || metrics["latency_p95_ms"] <= 0 {
		t.Fatalf("run %s: status %s, metrics %v", runID, status, metrics)
	}
}

func mixedEventsCopy(events []*sdk.Event) []*sdk.Event {
	out := make([]*sdk.Event, len(events))
	for i, ev := range events {
		out[i] = cloneEvent(ev)
	}
	return out
}

// pipeOf returns the open pipe of a spool directory.
func pipeOf(t *testing.T, dir string) *pipe {
	p, ok := pipes.Peek(dir)
	if !ok {
		t.Fatalf("no pipe for %s", dir)
	}
	return p
}

// readTraceWithPython reads one trace back with MLflow's own Python client:
// each span as the UI shows it (type, inputs, outputs, model, provider,
// token usage, tools, message format) as JSON.
func readTraceWithPython(t *testing.T, uri, traceID string) []byte {
	t.Helper()
	bin, err := mlflowBinary()
	if err != nil {
		t.Fatal(err)
	}
	script := `
import json, sys, mlflow
mlflow.set_tracking_uri(sys.argv[1])
tr = mlflow.get_trace(sys.argv[2])
print(json.dumps({"state": str(tr.info.state), "spans": [
    {"name": s.name, "type": s.span_type, "parent": s.parent_id, "status": str(s.status.status_code),
     "inputs": s.inputs, "outputs": s.outputs, "model": s.attributes.get("mlflow.llm.model"),
     "provider": s.attributes.get("mlflow.llm.provider"), "usage": s.attributes.get("mlflow.chat.tokenUsage"),
     "tools": s.attributes.get("mlflow.chat.tools"), "format": s.attributes.get("mlflow.message.format"),
     "events": [e.name for e in s.events]}
    for s in tr.data.spans]}))
`
	cmd := exec.Command(filepath.Join(filepath.Dir(bin), "python"), "-c", script, uri, traceID)
	cmd.Env = append(os.Environ(), "MLFLOW_DISABLE_TELEMETRY=true", "DO_NOT_TRACK=true", "MLFLOW_MODEL_CATALOG_URI=")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("python client: %v\n%s", err, out)
	}
	return out
}

// checkSpansWithPython checks what the UI shows of one trace: span types,
// chat-shaped inputs and outputs, the model and provider of the attempts.
func checkSpansWithPython(t *testing.T, uri, traceID string) {
	t.Helper()
	out := readTraceWithPython(t, uri, traceID)
	var tr struct {
		Spans []struct {
			Name, Type, Parent, Status, Model, Provider string
			Inputs                                      struct{ Messages []map[string]string }
			Outputs                                     struct {
				Choices []struct{ Message map[string]string }
			}
			Usage  map[string]int
			Events []string
		}
	}
	if err := json.Unmarshal(out, &tr); err != nil {
		t.Fatalf("python client output %s: %v", out, err)
	}
	types := map[string]int{}
	for _, s := range tr.Spans {
		types[s.Type]++
		switch s.Type {
		case "CHAIN":
			if len(s.Inputs.Messages) != 2 || s.Inputs.Messages[1]["role"] != "user" || len(s.Outputs.Choices) != 1 ||
				s.Outputs.Choices[0].Message["role"] != "assistant" {
				t.Errorf("root span inputs/outputs are not chat-shaped: %s", out)
			}
		case "CHAT_MODEL":
			if s.Model == "" || s.Provider == "" {
				t.Errorf("attempt span %q without model/provider: %s", s.Name, out)
			}
			if s.Status == "StatusCode.OK" && s.Usage["total_tokens"] == 0 {
				t.Errorf("successful attempt span without token usage: %s", out)
			}
			if s.Status == "StatusCode.ERROR" && (len(s.Events) == 0 || s.Events[0] != "exception") {
				t.Errorf("failed attempt without an exception event: %s", out)
			}
		}
	}
	if types["CHAIN"] != 1 || types["CHAT_MODEL"] != 2 || types["GUARDRAIL"] != 1 {
		t.Errorf("span types %v, want 1 CHAIN, 2 CHAT_MODEL, 1 GUARDRAIL", types)
	}
}

// TestToolLoopShowsInMLflow: MLflow's own client reads the tools offered,
// the tool calls made and the tool result back from the CHAT_MODEL span,
// in the OpenAI chat format the Traces UI renders.
func TestToolLoopShowsInMLflow(t *testing.T) {
	srv := startMLflow(t)
	client, _ := mlflowapi.New(srv.URL(), 5*time.Second)
	h := sdktest.Start(t, sdk.Plugin{Name: "tracker-mlflow", Version: "test", Tracker: New})
	experiment := uniqueName(t)
	id := h.MustConfigure(t, sdk.KindTracker, "mlflow", testConfig(srv.URL(), experiment, t.TempDir()))
	ev := makeEvent("ok", 0)
	ev.Route = "chat"
	ev.Request.Tools = []*sdk.Tool{{Type: "function", Name: "get_weather", ParametersJson: `{"type":"object","properties":{"city":{"type":"string"}}}`}}
	ev.Request.Messages = append(ev.Request.Messages,
		&sdk.Message{Role: "assistant", ToolCalls: []*sdk.ToolCall{{Id: "call_1", Type: "function", Name: "get_weather", Arguments: `{"city":"Paris"}`}}},
		&sdk.Message{Role: "tool", ToolCallId: "call_1", Content: "11 degrees"})
	ev.Response, ev.FinishReason = "", "tool_calls"
	ev.ToolCalls = []*sdk.ToolCall{{Id: "call_2", Type: "function", Name: "get_weather", Arguments: `{"city":"Lyon"}`}}
	if acked, err := h.Track(ctx(t), id, []*sdk.Event{ev}); err != nil || len(acked) != 1 {
		t.Fatalf("Track: %v %v", acked, err)
	}
	got := waitTraces(t, client, experiment, 1, 30*time.Second)
	out := readTraceWithPython(t, srv.URL(), got[ev.RequestId][0].TraceID)
	var tr struct {
		Spans []struct {
			Type   string
			Format string
			Tools  []struct {
				Type     string
				Function struct{ Name string }
			}
			Inputs struct {
				Messages []struct {
					Role       string
					ToolCalls  []map[string]any `json:"tool_calls"`
					ToolCallID string           `json:"tool_call_id"`
				}
			}
			Outputs struct {
				Choices []struct {
					Message struct {
						Content   *string
						ToolCalls []map[string]any `json:"tool_calls"`
					}
					FinishReason string `json:"finish_reason"`
				}
			}
		}
	}
	if err := json.Unmarshal(out, &tr); err != nil {
		t.Fatalf("python client output %s: %v", out, err)
	}
	chat := 0
	for _, s := range tr.Spans {
		if s.Type != "CHAT_MODEL" {
			continue
		}
		chat++
		m := s.Inputs.Messages
		o := s.Outputs.Choices
		if s.Format != "openai" || len(s.Tools) != 1 || s.Tools[0].Function.Name != "get_weather" || len(m) != 4 ||
			len(m[2].ToolCalls) != 1 || m[3].ToolCallID != "call_1" || len(o) != 1 || o[0].Message.Content != nil ||
			len(o[0].Message.ToolCalls) != 1 || o[0].FinishReason != "tool_calls" {
			t.Errorf("the chat span does not show the tool loop: %s", out)
		}
	}
	if chat != 1 {
		t.Errorf("%d CHAT_MODEL spans: %s", chat, out)
	}
}

// TestMLflowOutageLosesNothing stops MLflow while events are tracked, then
// restarts it: the outage is noticed at once, every event arrives once, and
// Track stays fast meanwhile.
func TestMLflowOutageLosesNothing(t *testing.T) {
	srv := startMLflow(t)
	client, _ := mlflowapi.New(srv.URL(), 5*time.Second)
	experiment := uniqueName(t)
	tr := newTracker(t, testConfig(srv.URL(), experiment, t.TempDir()))
	defer tr.Close()

	up := mixedEvents(40)
	upLatency := trackOneByOne(t, tr, up[:10])
	waitTraces(t, client, experiment, 10, 30*time.Second)

	srv.stop()
	// MLflow closing the sender's idle connection is enough to notice it is
	// gone: /health says "spooling" before the next delivery is even due.
	waitFor(t, 2*time.Second, "state spooling before any event is tracked", func() (bool, string) { return tr.State() == "spooling", tr.State() })
	downLatency := trackOneByOne(t, tr, up[10:])
	waitFor(t, 10*time.Second, "state spooling", func() (bool, string) { return tr.State() == "spooling", tr.State() })
	t.Logf("Track latency p50 with MLflow up: %v, down: %v", upLatency, downLatency)
	if downLatency > 20*time.Millisecond+2*upLatency {
		t.Errorf("Track slowed down during the outage: %v vs %v", downLatency, upLatency)
	}

	restart := time.Now()
	if err := srv.start(); err != nil {
		t.Fatal(err)
	}
	t.Logf("mlflow server restarted in %v", time.Since(restart).Round(10*time.Millisecond))
	got := waitTraces(t, client, experiment, 40, 60*time.Second)
	checkTraces(t, got, up)
	waitFor(t, 10*time.Second, "state ok", func() (bool, string) { return tr.State() == "ok", tr.State() })
}

func trackOneByOne(t *testing.T, tr *Tracker, events []*sdk.Event) time.Duration {
	t.Helper()
	var lat []time.Duration
	for _, ev := range events {
		start := time.Now()
		acked, err := tr.Track(ctx(t), []*sdk.Event{ev})
		lat = append(lat, time.Since(start))
		if err != nil || len(acked) != 1 {
			t.Fatalf("Track: %v %v", acked, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	return lat[len(lat)/2]
}

// TestClosedWithSpooledEventsDeliveredByNextInstance closes an instance that
// could not reach MLflow; a new instance on the same spool delivers them.
func TestClosedWithSpooledEventsDeliveredByNextInstance(t *testing.T) {
	srv := startMLflow(t)
	client, _ := mlflowapi.New(srv.URL(), 5*time.Second)
	experiment := uniqueName(t)
	dir := t.TempDir()
	dead := fmt.Sprintf("http://127.0.0.1:%d", freePort(t))

	first := newTracker(t, testConfig(dead, experiment, dir))
	events := mixedEvents(12)
	if acked, err := first.Track(ctx(t), events); err != nil || len(acked) != 12 {
		t.Fatalf("Track: %d %v", len(acked), err)
	}
	start := time.Now()
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > closeTimeout+2*time.Second {
		t.Fatalf("Close took %v", d)
	}

	second := newTracker(t, testConfig(srv.URL(), experiment, dir))
	defer second.Close()
	got := waitTraces(t, client, experiment, 12, 30*time.Second)
	checkTraces(t, got, events)
}

// TestKill9LosesNothing runs a tracker in a child process that acknowledges
// events while MLflow is unreachable and is then killed with SIGKILL; a new
// tracker on the same spool delivers every acknowledged event.
func TestKill9LosesNothing(t *testing.T) {
	srv := startMLflow(t)
	client, _ := mlflowapi.New(srv.URL(), 5*time.Second)
	experiment := uniqueName(t)
	dir := t.TempDir()

	cmd, acked := startChild(t, dir, experiment)
	_ = cmd.Process.Signal(syscall.SIGKILL)
	_ = cmd.Wait()

	tr := newTracker(t, testConfig(srv.URL(), experiment, dir))
	defer tr.Close()
	got := waitTraces(t, client, experiment, 15, 30*time.Second)
	checkTraces(t, got, acked)
}

// TestKilledThenClosedProcessesAreReplayed is the gateway's crash sequence
// on one spool directory while MLflow is down: process A acknowledges events
// and is killed with SIGKILL; its restarted successor B (started after A
// exited, or while A still held the directory) acknowledges more, including
// some of A's again (the host re-sends what it saw no answer for), and is
// closed at shutdown with everything still spooled; then C, with MLflow up,
// delivers every event exactly once.
func TestKilledThenClosedProcessesAreReplayed(t *testing.T) {
	srv := startMLflow(t)
	client, _ := mlflowapi.New(srv.URL(), 5*time.Second)
	for _, overlap := range []bool{false, true} {
		name := "B starts after A exited"
		if overlap {
			name = "B starts while A still holds the spool"
		}
		t.Run(name, func(t *testing.T) {
			experiment := uniqueName(t)
			dir := t.TempDir()
			dead := deadURI(t)
			a, aEvents := startChild(t, dir, experiment)
			kill := func() {
				_ = a.Process.Signal(syscall.SIGKILL)
				_ = a.Wait()
			}
			if !overlap {
				kill()
			}
			b := newTracker(t, testConfig(dead, experiment, dir))
			if overlap != strings.Contains(b.p.sp.Dir(), "overflow-") {
				t.Fatalf("B's spool is %s", b.p.sp.Dir())
			}
			if overlap {
				kill()
			}
			var bEvents []*sdk.Event
			for i := 0; i < 10; i++ {
				bEvents = append(bEvents, makeEvent([]string{"ok", "fallback", "blocked"}[i%3], 100+i))
			}
			resent := aEvents[12:]
			for _, batch := range [][]*sdk.Event{resent, bEvents[:4], bEvents[4:]} {
				if acked, err := b.Track(ctx(t), mixedEventsCopy(batch)); err != nil || len(acked) != len(batch) {
					t.Fatalf("B: Track: %d of %d, %v", len(acked), len(batch), err)
				}
			}
			if err := b.Close(); err != nil {
				t.Fatal(err)
			}

			c := newTracker(t, testConfig(srv.URL(), experiment, dir))
			defer c.Close()
			all := append(aEvents, bEvents...)
			got := waitTraces(t, client, experiment, len(all), 60*time.Second)
			time.Sleep(time.Second) // a late duplicate would show up now
			got, _ = tracesByRequest(t, client, experiment)
			checkTraces(t, got, all)
			waitFor(t, 10*time.Second, "C's spool drained", func() (bool, string) {
				n := c.p.sp.Pending()
				return n == 0, fmt.Sprintf("%d bytes pending", n)
			})
		})
	}
}

// startChild starts a tracker in a child process that acknowledges
// childEvents while MLflow is unreachable and then waits to be killed. It
// returns the process and the events it acknowledged.
func startChild(t *testing.T, dir, experiment string) (*exec.Cmd, []*sdk.Event) {
	t.Helper()
	exe, _ := os.Executable()
	t0 := time.Now().Add(-time.Second).UnixNano()
	cmd := exec.Command(exe, "-test.run=^$")
	cmd.Env = append(os.Environ(), childSpoolEnv+"="+dir, childURIEnv+"=http://127.0.0.1:1", childExpEnv+"="+experiment,
		fmt.Sprintf("%s=%d", childT0Env, t0))
	stdout, _ := cmd.StdoutPipe()
	cmd.Stderr = testWriter{t}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		_ = cmd.Process.Kill()
		t.Fatalf("child: %v", err)
	}
	var acked []string
	if err := json.Unmarshal([]byte(line), &acked); err != nil || len(acked) != 15 {
		_ = cmd.Process.Kill()
		t.Fatalf("child acked %q", line)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	return cmd, childEvents(t0)
}

const (
	childSpoolEnv = "LLMGW_TEST_CHILD_SPOOL"
	childURIEnv   = "LLMGW_TEST_CHILD_URI"
	childExpEnv   = "LLMGW_TEST_CHILD_EXPERIMENT"
	childT0Env    = "LLMGW_TEST_CHILD_T0"
)

// childEvents are the events the child process tracks: the same for the
// same t0 in both processes.
func childEvents(t0 int64) []*sdk.Event {
	kinds := []string{"ok", "fallback", "blocked"}
	var evs []*sdk.Event
	for i := 0; i < 15; i++ {
		ev := makeEventAt(kinds[i%3], i, t0)
		ev.EventId = fmt.Sprintf("child-%d-%d", i, t0)
		evs = append(evs, ev)
	}
	return evs
}

// runChild is the child process of TestKill9LosesNothing: it tracks events,
// prints the acknowledged ids and waits to be killed.
func runChild(dir string) {
	raw, _ := json.Marshal(map[string]any{"tracking_uri": os.Getenv(childURIEnv), "experiment_name": os.Getenv(childExpEnv),
		"spool_dir": dir, "flush_interval": "50ms"})
	tr, err := New(sdk.Config{Name: "mlflow", Raw: raw, Host: &sdk.HostInfo{}, Logger: hclog.NewNullLogger()})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	t0, _ := strconv.ParseInt(os.Getenv(childT0Env), 10, 64)
	acked, err := tr.Track(context.Background(), childEvents(t0))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	b, _ := json.Marshal(acked)
	fmt.Println(string(b))
	select {}
}

func cloneEvent(ev *sdk.Event) *sdk.Event { return proto.Clone(ev).(*sdk.Event) }

func (p *pipe) runIDForTest() string {
	id, _ := p.currentRun.Load().(string)
	return id
}

// TestDeletedExperimentIsRestored: events for an experiment someone deleted
// restore it rather than failing forever.
func TestDeletedExperimentIsRestored(t *testing.T) {
	srv := startMLflow(t)
	client, _ := mlflowapi.New(srv.URL(), 5*time.Second)
	experiment := uniqueName(t)
	id, err := client.EnsureExperiment(ctx(t), experiment)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Post(srv.URL()+"/api/2.0/mlflow/experiments/delete", "application/json", strings.NewReader(`{"experiment_id":"`+id+`"}`))
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("delete experiment: %v %v", resp, err)
	}
	resp.Body.Close()
	tr := newTracker(t, testConfig(srv.URL(), experiment, t.TempDir()))
	defer tr.Close()
	events := mixedEvents(3)
	if _, err := tr.Track(ctx(t), events); err != nil {
		t.Fatal(err)
	}
	checkTraces(t, waitTraces(t, client, experiment, 3, 30*time.Second), events)
	exp, err := client.GetExperimentByName(ctx(t), experiment)
	if err != nil || exp.ID != id || exp.LifecycleStage != "active" {
		t.Fatalf("experiment after delivery: %+v %v", exp, err)
	}
}
