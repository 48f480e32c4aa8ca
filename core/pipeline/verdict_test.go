package pipeline

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	sdk "github.com/llmgw/llmgw/sdk/go"
	pb "github.com/llmgw/llmgw/sdk/go/proto/llmgw/v1"
	"github.com/llmgw/llmgw/sdk/go/sdktest"
)

// judge is a verdict-only stage: it refuses a prompt containing "block" or
// "forbidden" (the blocking stage of plugin "fake" refuses only "block").
// With wait set it answers only once the provider has been called (or
// after 2 s, saying so in a header), which a stage the request waits for
// can never see; linger is a pause after that.
type judge struct {
	s      *script
	wait   bool
	linger time.Duration
	mutate bool
}

func (j judge) Process(ctx context.Context, req *sdk.StageRequest) (*sdk.StageResponse, error) {
	saw := "yes"
	if j.wait {
		deadline := time.Now().Add(2 * time.Second)
		for j.s.count("a") == 0 {
			if time.Now().After(deadline) {
				saw = "no"
				break
			}
			time.Sleep(time.Millisecond)
		}
		time.Sleep(j.linger)
	}
	for _, m := range req.Request.GetMessages() {
		if strings.Contains(m.Content, "block") || strings.Contains(m.Content, "forbidden") {
			return sdk.Rejection{Status: 400, Code: "judged", Message: "the judge refused", Category: "injection", Counter: sdk.CountPromptInjection}.Response(), nil
		}
	}
	resp := sdk.Continue()
	resp.ResponseHeaders = map[string]string{"X-Judge-Saw-Provider": saw}
	resp.Annotations = map[string]string{"judge": "continue"}
	if j.mutate {
		resp.Mutated = &pb.ChatRequest{Model: req.Request.Model, Messages: []*pb.Message{{Role: "user", Content: "changed"}}}
	}
	return resp, nil
}

// newJudgeRuntime serves threeProviders with a pipeline whose first stage
// is the judge (plugin "judge", declaring caps) and whose second is the
// blocking stage of plugin "fake".
func newJudgeRuntime(t *testing.T, caps []string, judgeBlock string) *testRuntime {
	t.Helper()
	rt := newTestRuntime(t, threeProviders("", ""))
	h := sdktest.Start(t, sdk.Plugin{Name: "judge", Version: "0.0.1", Stage: func(c sdk.Config) (sdk.Stage, error) {
		var cfg struct {
			Wait, Mutate bool
			LingerMs     int `json:"linger_ms"`
		}
		if err := c.Decode(&cfg); err != nil {
			return nil, err
		}
		return judge{s: rt.script, wait: cfg.Wait, linger: time.Duration(cfg.LingerMs) * time.Millisecond, mutate: cfg.Mutate}, nil
	}, Capabilities: caps})
	rt.host.Attach("judge", h.Client)
	if judgeBlock != "" {
		if err := rt.load(judgePipeline(judgeBlock)); err != nil {
			t.Fatal(err)
		}
	}
	return rt
}

func judgePipeline(judgeBlock string) string {
	return "plugin \"judge\" {\n  path = \"/nonexistent/judge\"\n}\n" + threeProviders("", "") +
		"pipeline \"default\" {\n  stage \"judge\" {\n    plugin = \"judge\"\n" + judgeBlock + "\n  }\n" +
		"  stage \"later\" {\n    plugin = \"fake\"\n  }\n}\n"
}

func TestDuringCallRunsBesideTheProviderCall(t *testing.T) {
	for _, stream := range []bool{false, true} {
		rt := newJudgeRuntime(t, []string{sdk.CapStageVerdict}, "    during_call = true\n    timeout = \"5s\"\n    config = { wait = true }")
		w := rt.ask("hello", stream)
		if w.err != nil || w.res == nil {
			t.Fatalf("stream=%v: %+v", stream, w.err)
		}
		// The judge answered only after the provider was called: the call did
		// not wait for it. Its headers and annotations still came before the
		// answer was written.
		if got := w.tr.Headers["X-Judge-Saw-Provider"]; got != "yes" {
			t.Fatalf("stream=%v: the judge saw the provider called: %q, want yes", stream, got)
		}
		if w.tr.Annotations["judge"] != "continue" {
			t.Fatalf("stream=%v: annotations %v", stream, w.tr.Annotations)
		}
		if got := describeStages(w.tr); got != "later:continue judge:continue" {
			t.Fatalf("stream=%v: stages %q", stream, got)
		}
	}

	// Without during_call the request waits for the judge, which gives up
	// waiting for a provider call that cannot come first.
	rt := newJudgeRuntime(t, []string{sdk.CapStageVerdict}, "    timeout = \"5s\"\n    config = { wait = true }")
	w := rt.ask("hello", false)
	if w.err != nil || w.tr.Headers["X-Judge-Saw-Provider"] != "no" {
		t.Fatalf("a stage the request waits for saw the provider called: %+v %v", w.err, w.tr.Headers)
	}
}

func describeStages(tr *Trace) string {
	var parts []string
	for _, s := range tr.Stages {
		parts = append(parts, s.Name+":"+s.Outcome)
	}
	return strings.Join(parts, " ")
}

func TestDuringCallRefusalCancelsTheCallAndIsTheAnswer(t *testing.T) {
	for _, stream := range []bool{false, true} {
		// The judge refuses once the provider has been called.
		rt := newJudgeRuntime(t, []string{sdk.CapStageVerdict}, "    during_call = true\n    config = { wait = true }")
		rt.script.set("a", step{delay: 3 * time.Second, chunks: []string{"too late"}})
		start := time.Now()
		w := rt.ask("something forbidden", stream)
		took := time.Since(start)
		if w.err == nil || w.err.Code != "judged" || w.err.Status != 400 {
			t.Fatalf("stream=%v: error %+v, want the judge's refusal", stream, w.err)
		}
		if w.res != nil || w.started || len(w.chunks) > 0 {
			t.Fatalf("stream=%v: a refused request was answered: %+v started=%v %v", stream, w.res, w.started, w.chunks)
		}
		// The provider was called (beside the judge) and cancelled at once,
		// not waited for: its answer takes 3 s.
		if took > 2*time.Second {
			t.Fatalf("stream=%v: the refused request took %v: the provider call was not cancelled", stream, took)
		}
		if got := describeAttempts(w.tr); got != "a:error:client_closed_request" {
			t.Fatalf("stream=%v: attempts %q", stream, got)
		}
		if got := describeStages(w.tr); got != "later:continue judge:reject" {
			t.Fatalf("stream=%v: stages %q", stream, got)
		}
		if n := rt.script.count("a"); n != 1 {
			t.Fatalf("stream=%v: provider calls %d, want 1", stream, n)
		}
	}
}

func TestDuringCallRefusalComesFirstInDeclaredOrder(t *testing.T) {
	rt := newJudgeRuntime(t, []string{sdk.CapStageVerdict}, "    during_call = true")
	// "block" is refused by both the judge and the later stage: the judge is
	// declared first. The later stage's refusal alone still ends a request
	// the judge lets through.
	w := rt.ask("block", false)
	if w.err == nil || w.err.Code != "judged" {
		t.Fatalf("error %+v, want the judge's", w.err)
	}
	if n := rt.script.count("a"); n != 0 {
		t.Fatalf("the later stage refused, yet the provider was called %d times", n)
	}
}

func TestDuringCallStreamRefusedAfterTheFirstChunkCame(t *testing.T) {
	// The provider's chunks are in hand before the judge refuses: the
	// stream must not start, and the refusal is a plain error.
	rt := newJudgeRuntime(t, []string{sdk.CapStageVerdict}, "    during_call = true\n    config = { wait = true, linger_ms = 50 }")
	rt.script.set("a", step{chunks: []string{"one ", "two"}})
	w := rt.ask("forbidden", true)
	if w.err == nil || w.err.Code != "judged" || w.started || len(w.chunks) > 0 || w.ended {
		t.Fatalf("error %+v started=%v chunks=%v ended=%v, want the judge's refusal and no stream", w.err, w.started, w.chunks, w.ended)
	}
	if w.tr.Headers["X-Judge-Saw-Provider"] != "" || rt.script.count("a") != 1 {
		t.Fatalf("headers %v, provider calls %d", w.tr.Headers, rt.script.count("a"))
	}
	// Let through, the same stream is served whole.
	w = rt.ask("x", true)
	if w.err != nil || !w.ended || strings.Join(w.chunks, "") != "one two" {
		t.Fatalf("a stream the judge lets through: %+v %v", w.err, w.chunks)
	}
}

func TestDuringCallNeedsAVerdictOnlyStage(t *testing.T) {
	rt := newJudgeRuntime(t, []string{sdk.CapRoleGuard}, "")
	err := rt.load(judgePipeline("    during_call = true"))
	if err == nil || !strings.Contains(err.Error(), sdk.CapStageVerdict) || !strings.Contains(err.Error(), `stage "judge"`) {
		t.Fatalf("load: %v, want a refusal naming the stage and %s", err, sdk.CapStageVerdict)
	}
}

func TestDuringCallStageThatChangesTheRequestFails(t *testing.T) {
	rt := newJudgeRuntime(t, []string{sdk.CapStageVerdict}, "    during_call = true\n    config = { mutate = true }")
	w := rt.ask("hello", false)
	if w.err == nil || w.err.Code != "invalid_stage_answer" || w.res != nil {
		t.Fatalf("fail-closed: %+v %+v, want invalid_stage_answer", w.err, w.res)
	}
	// The later stage's call may be cut short by the refusal: then it has
	// no span (it neither failed nor answered).
	if got := describeStages(w.tr); got != "later:continue judge:error" && got != "judge:error" {
		t.Fatalf("stages %q", got)
	}
	// Fail-open: skipped, and the provider got the request as it was.
	if err := rt.load(judgePipeline("    during_call = true\n    on_error = \"fail_open\"\n    config = { mutate = true }")); err != nil {
		t.Fatal(err)
	}
	w = rt.ask("hello", false)
	if w.err != nil || w.res == nil {
		t.Fatalf("fail-open: %+v", w.err)
	}
	if got := rt.script.lastChat.Messages[0].Content; got != "hello" {
		t.Fatalf("the provider got %q", got)
	}
	if got := describeStages(w.tr); got != "later:continue judge:skipped" {
		t.Fatalf("stages %q", got)
	}
}

func TestDuringCallRefusalOfAStageAnswer(t *testing.T) {
	// A cache-like stage after the judge answers the request; the judge,
	// running during the call, refuses it: the refusal is the answer, and
	// the stage's answer saved nothing.
	rt, _ := newAnswerRuntime(t, "fail_closed", "answer")
	h := sdktest.Start(t, sdk.Plugin{Name: "judge", Version: "0.0.1", Stage: func(c sdk.Config) (sdk.Stage, error) {
		return judge{s: rt.script}, nil
	}, Capabilities: []string{sdk.CapStageVerdict}})
	rt.host.Attach("judge", h.Client)
	if err := rt.load("plugin \"judge\" {\n  path = \"/nonexistent/judge\"\n}\nplugin \"answerer\" {\n  path = \"/nonexistent/answerer\"\n}\n" + threeProviders("", "") +
		"pipeline \"default\" {\n  stage \"judge\" {\n    plugin = \"judge\"\n    during_call = true\n  }\n" +
		"  stage \"answer\" {\n    plugin = \"answerer\"\n    config = { mode = \"answer\" }\n  }\n  tracker \"rec\" {\n    plugin = \"fake\"\n  }\n}\n"); err != nil {
		t.Fatal(err)
	}
	for _, stream := range []bool{false, true} {
		w := rt.ask("cached but forbidden", stream)
		if w.err == nil || w.err.Code != "judged" || w.res != nil || w.started {
			t.Fatalf("stream=%v: %+v %+v started=%v, want the judge's refusal", stream, w.err, w.res, w.started)
		}
		if w.tr.AnsweredBy != "" || w.tr.Annotations[AnnotationSavedUSD] != "" {
			t.Fatalf("stream=%v: a refused stage answer counts as served: answered_by %q, annotations %v", stream, w.tr.AnsweredBy, w.tr.Annotations)
		}
	}
	if w := rt.ask("cached", false); w.err != nil || w.res == nil || w.tr.AnsweredBy != "answer" {
		t.Fatalf("a stage answer the judge lets through: %+v %q", w.err, w.tr.AnsweredBy)
	}
}

func TestDuringCallConcurrentRequests(t *testing.T) {
	// Many requests at once, refused and answered, plain and streamed: each
	// gets its own verdict, and a refusal never leaks into another request.
	rt := newJudgeRuntime(t, []string{sdk.CapStageVerdict}, "    during_call = true")
	rt.script.set("a", step{chunks: []string{"fine ", "answer"}, gap: time.Millisecond})
	var wg sync.WaitGroup
	errs := make(chan string, 64)
	for i := range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			refuse, stream := i%2 == 0, i%4 < 2
			prompt := fmt.Sprintf("question %d", i)
			if refuse {
				prompt += " forbidden"
			}
			w := rt.ask(prompt, stream)
			switch {
			case refuse && (w.err == nil || w.err.Code != "judged" || w.res != nil || w.started):
				errs <- fmt.Sprintf("%d (refused, stream=%v): %+v %+v started=%v", i, stream, w.err, w.res, w.started)
			case !refuse && (w.err != nil || w.res == nil || w.res.Content != "fine answer"):
				errs <- fmt.Sprintf("%d (answered, stream=%v): %+v %+v", i, stream, w.err, w.res)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}
