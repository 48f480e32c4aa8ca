package mlflowtracker

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"

	sdk "github.com/llmgw/llmgw/sdk/go"
)

func deadURI(t *testing.T) string { return fmt.Sprintf("http://127.0.0.1:%d", freePort(t)) }

func TestConfigDefaults(t *testing.T) {
	cfg, err := decodeConfig(sdk.Config{Name: "mlflow", Raw: []byte(`{}`), Host: &sdk.HostInfo{DataDir: "/var/lib/llmgw"}})
	if err != nil {
		t.Fatal(err)
	}
	want := Config{
		TrackingURI: "http://127.0.0.1:5000", ExperimentName: "llm-gateway", LogPrompts: true, BatchSize: 64,
		FlushInterval: sdk.Duration(2 * time.Second), QueueSize: 1000, QueueBytes: 4 << 20, SpoolDir: "/var/lib/llmgw/tracker-mlflow/mlflow",
		SpoolMaxBytes: 256 << 20, RunMetricsInterval: sdk.Duration(30 * time.Second), RequestTimeout: sdk.Duration(5 * time.Second),
	}
	if cfg != want {
		t.Fatalf("defaults = %+v\nwant %+v", cfg, want)
	}
}

// TestQueueBoundsReachTheSpool: queue_size and queue_bytes bound the spool's
// in-memory copy.
func TestQueueBoundsReachTheSpool(t *testing.T) {
	tr := newTracker(t, `{"tracking_uri": "http://127.0.0.1:1", "spool_dir": "`+t.TempDir()+`", "queue_size": 7, "queue_bytes": 1234}`)
	defer tr.Close()
	if o := tr.p.sp.Options(); o.MemRecords != 7 || o.MemBytes != 1234 {
		t.Fatalf("spool options: MemRecords %d, MemBytes %d; want 7, 1234", o.MemRecords, o.MemBytes)
	}
}

func TestConfigErrors(t *testing.T) {
	for raw, field := range map[string]string{
		`{"tracking_url": "x"}`:              "tracking_url",
		`{"batch_size": 0}`:                  "batch_size",
		`{"queue_bytes": -1}`:                "queue_bytes",
		`{"batch_size": "ten"}`:              "batch_size",
		`{"flush_interval": "soon"}`:         "flush_interval",
		`{"spool_max_bytes": 10}`:            "spool_max_bytes",
		`{"experiment_name": ""}`:            "experiment_name",
		`{"run_metrics_interval": "10ms"}`:   "run_metrics_interval",
		`{"tracking_uri": "ftp://x"}`:        "tracking_uri",
		`{"tracking_uri": "127.0.0.1:5000"}`: "tracking_uri",
	} {
		_, err := New(sdk.Config{Name: "m", Raw: []byte(raw), Host: &sdk.HostInfo{DataDir: t.TempDir()}, Logger: hclog.NewNullLogger()})
		if err == nil || !sdk.IsConfigError(err) || !strings.Contains(err.Error(), field) {
			t.Errorf("config %s: err = %v, want a config error naming %q", raw, err, field)
		}
	}
}

// TestConfigureNeverContactsMLflow: a dead MLflow does not fail Configure,
// Track acknowledges at once, and the state says "spooling".
func TestConfigureNeverContactsMLflow(t *testing.T) {
	var logs lockedWriter
	logs.w = &bytes.Buffer{}
	raw := testConfig("http://user:s3cret@127.0.0.1:1", "x", t.TempDir())
	inst, err := New(sdk.Config{Name: "mlflow", Raw: []byte(raw), Host: &sdk.HostInfo{},
		Logger: hclog.New(&hclog.LoggerOptions{Output: &logs, Level: hclog.Debug})})
	if err != nil {
		t.Fatal(err)
	}
	tr := inst.(*Tracker)
	defer func() {
		tr.Close()
		if strings.Contains(logs.String(), "s3cret") || !strings.Contains(logs.String(), "unreachable") {
			t.Errorf("logs leak the password or miss the outage:\n%s", logs.String())
		}
	}()
	start := time.Now()
	acked, err := tr.Track(ctx(t), mixedEvents(3))
	if err != nil || len(acked) != 3 {
		t.Fatalf("Track = %v, %v", acked, err)
	}
	if d := time.Since(start); d > 500*time.Millisecond {
		t.Fatalf("Track took %v", d)
	}
	waitFor(t, 5*time.Second, "state spooling", func() (bool, string) { return tr.State() == "spooling", tr.State() })
	info := tr.Info()
	if info["tracking_uri"] != "http://127.0.0.1:1" || info["experiment"] != "x" || info["spool_pending_bytes"] == "0" {
		t.Fatalf("Info = %v", info)
	}
	for _, v := range info {
		if strings.Contains(v, "s3cret") {
			t.Fatalf("Info leaks the password: %v", info)
		}
	}
}

func TestLogPromptsFalseKeepsNoTextOnDisk(t *testing.T) {
	dir := t.TempDir()
	raw, _ := json.Marshal(map[string]any{"tracking_uri": deadURI(t), "spool_dir": dir, "log_prompts": false})
	tr := newTracker(t, string(raw))
	ev := makeEvent("ok", 1)
	ev.Request.Messages[1].Content = "my very private prompt"
	ev.Response = "a very private answer"
	if _, err := tr.Track(ctx(t), []*sdk.Event{ev}); err != nil {
		t.Fatal(err)
	}
	tr.Close()
	files, _ := filepath.Glob(filepath.Join(dir, "*.seg"))
	if len(files) == 0 {
		t.Fatal("nothing spooled")
	}
	for _, f := range files {
		b, _ := os.ReadFile(f)
		for _, secret := range []string{"very private", "sk-must-not-leak"} {
			if bytes.Contains(b, []byte(secret)) {
				t.Fatalf("%q reached the spool", secret)
			}
		}
		if !bytes.Contains(b, []byte("[redacted: 22 chars, sha256 ")) {
			t.Fatalf("no length+hash stand-in in the spool")
		}
	}
}

func TestSecretAnnotationsScrubbed(t *testing.T) {
	ev := &sdk.Event{Annotations: map[string]string{"guard.score": "1", "x-api-key": "k", "Authorization": "Bearer x", "refresh_token": "t"}}
	prepare(ev, true)
	if len(ev.Annotations) != 1 || ev.Annotations["guard.score"] != "1" {
		t.Fatalf("annotations = %v", ev.Annotations)
	}
	// The request's metadata by the same rule.
	ev = &sdk.Event{Request: &sdk.ChatRequest{Metadata: map[string]string{"feature": "search", "openai_api_key": "sk-x", "session_token": "t"}}}
	prepare(ev, false)
	if md := ev.Request.Metadata; len(md) != 1 || md["feature"] != "search" {
		t.Fatalf("metadata = %v", md)
	}
}

func TestFullSpoolLeavesEventsWithTheHost(t *testing.T) {
	raw, _ := json.Marshal(map[string]any{"tracking_uri": deadURI(t), "spool_dir": t.TempDir(), "spool_max_bytes": 1 << 20})
	tr := newTracker(t, string(raw))
	defer tr.Close()
	big := strings.Repeat("x", 100<<10)
	var events []*sdk.Event
	for i := 0; i < 12; i++ {
		ev := makeEvent("ok", i)
		ev.Response = big
		events = append(events, ev)
	}
	acked, err := tr.Track(ctx(t), events)
	if err == nil || len(acked) == 0 || len(acked) >= 12 {
		t.Fatalf("Track on a full spool acked %d, err %v; want a prefix and an error", len(acked), err)
	}
	for i, id := range acked {
		if id != events[i].EventId {
			t.Fatalf("acked %v out of order", acked)
		}
	}
	if tr.State() != "spooling" {
		t.Fatalf("state = %s", tr.State())
	}
}

// TestReloadSharesTheSpool: two generations of one instance (same spool
// dir) are open at once during a reload; they share one spool and sender.
func TestReloadSharesTheSpool(t *testing.T) {
	dir := t.TempDir()
	a := newTracker(t, testConfig(deadURI(t), "x", dir))
	b := newTracker(t, testConfig(deadURI(t), "x", dir))
	if a.p != b.p {
		t.Fatal("two instances on one spool dir got two pipes")
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	if acked, err := b.Track(ctx(t), mixedEvents(2)); err != nil || len(acked) != 2 {
		t.Fatalf("Track after the old generation closed: %v %v", acked, err)
	}
	if _, err := a.Track(ctx(t), mixedEvents(1)); err == nil {
		t.Fatal("a closed instance accepted events")
	}
	// The last instance closing while the next one is configured: the new
	// one waits for the spool and opens it itself (no overflow spool).
	c := make(chan *Tracker)
	go func() { c <- newTracker(t, testConfig(deadURI(t), "x", dir)) }()
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	next := <-c
	defer next.Close()
	if next.p.sp.Dir() != dir {
		t.Fatalf("next instance spools to %s, want %s", next.p.sp.Dir(), dir)
	}
}

func TestEventWithoutIDStillTracked(t *testing.T) {
	tr := newTracker(t, testConfig(deadURI(t), "x", t.TempDir()))
	defer tr.Close()
	evs := mixedEvents(2)
	evs[0].EventId, evs[1].EventId = "", ""
	acked, err := tr.Track(ctx(t), evs)
	if err != nil || len(acked) != 2 || acked[0] != "" {
		t.Fatalf("acked %q, %v", acked, err)
	}
	if evs[0].EventId == evs[1].EventId {
		t.Fatal("two events without id share one trace id")
	}
}

// Without log_prompts, the texts of parts, tool calls, tool results and
// refusals are hidden too; function names stay.
func TestLogPromptsFalseHidesToolLoops(t *testing.T) {
	ev := &sdk.Event{
		Request: &sdk.ChatRequest{Messages: []*sdk.Message{
			{Role: "user", Content: "private words", Parts: []*sdk.ContentPart{{Type: "text", Text: "private words"}, {Type: "image_url", ImageUrl: "data:image/png;base64,cHJpdmF0ZQ=="}}},
			{Role: "assistant", ToolCalls: []*sdk.ToolCall{{Id: "c1", Name: "lookup", Arguments: `{"q":"private query"}`}}, Refusal: "private refusal"},
			{Role: "tool", ToolCallId: "c1", Content: "private result"},
		}},
		ToolCalls: []*sdk.ToolCall{{Id: "c2", Name: "lookup", Arguments: `{"q":"private again"}`}},
		Refusal:   "private no",
	}
	prepare(ev, false)
	b, _ := json.Marshal(ev)
	if bytes.Contains(b, []byte("private")) || bytes.Contains(b, []byte("cHJpdmF0ZQ")) {
		t.Fatalf("private text kept: %s", b)
	}
	if ev.ToolCalls[0].Name != "lookup" || ev.Request.Messages[1].ToolCalls[0].Name != "lookup" {
		t.Errorf("function names must stay: %s", b)
	}
}
