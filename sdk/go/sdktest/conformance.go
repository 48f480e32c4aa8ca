package sdktest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	sdk "github.com/llmgw/llmgw/sdk/go"
	pb "github.com/llmgw/llmgw/sdk/go/proto/llmgw/v1"
)

// UnknownFieldConfig is the config the conformance suite sends to prove that a
// plugin rejects fields it does not know (sdk.Config.Decode does).
const UnknownFieldConfig = `{"__llmgw_conformance_unknown_field__": true}`

// ConformanceOptions tunes the conformance suite. The zero value works for a
// plugin whose kinds all accept the config "{}".
type ConformanceOptions struct {
	// Configs holds a valid config (JSON) per kind; "{}" when absent.
	Configs map[string]string
	// UpstreamModel is what provider calls ask for (default "gpt-4o").
	UpstreamModel string
	// StageTimeout, ProviderTimeout and TrackerTimeout bound each call of
	// that kind (defaults 2s, 20s and 15s); Timeout bounds Describe,
	// Configure and Close (default 5s).
	StageTimeout, ProviderTimeout, TrackerTimeout, Timeout time.Duration
	// Concurrency is how many calls of each kind run at once (default 8).
	Concurrency int
	// Protocol is the protocol version negotiated at the handshake; when
	// set, Describe must list it.
	Protocol int
	// Host is sent with every Configure (default: no models, no data dir).
	Host *sdk.HostInfo
}

func (o *ConformanceOptions) defaults() {
	if o.UpstreamModel == "" {
		o.UpstreamModel = "gpt-4o"
	}
	if o.StageTimeout <= 0 {
		o.StageTimeout = 2 * time.Second
	}
	if o.ProviderTimeout <= 0 {
		o.ProviderTimeout = 20 * time.Second
	}
	if o.TrackerTimeout <= 0 {
		o.TrackerTimeout = 15 * time.Second
	}
	if o.Timeout <= 0 {
		o.Timeout = 5 * time.Second
	}
	if o.Concurrency <= 0 {
		o.Concurrency = 8
	}
	if o.Host == nil {
		o.Host = &sdk.HostInfo{Models: []string{"conformance-model"}, Generation: 1, HostVersion: "plugin-check"}
	}
}

// CheckResult is the outcome of one conformance check.
type CheckResult struct {
	// Name says what was checked, e.g. "stage: Configure rejects an unknown field".
	Name string
	// Passed is true when the plugin behaved.
	Passed bool
	// Detail explains a failure, or adds a fact to a pass.
	Detail string
}

// String formats the result as one line: "PASS  name (detail)".
func (r CheckResult) String() string {
	verdict := "PASS"
	if !r.Passed {
		verdict = "FAIL"
	}
	s := verdict + "  " + r.Name
	if r.Detail != "" {
		s += ": " + r.Detail
	}
	return s
}

// RunConformance runs the protocol-level conformance checks against a
// connected plugin: Describe is sane, Configure rejects a bad config with
// INVALID_ARGUMENT, each kind's calls answer within their timeout under
// concurrency, and Close releases the instance. report is called once per
// check, in order; the answer is true when every check passed.
func RunConformance(ctx context.Context, c *sdk.Client, opts ConformanceOptions, report func(CheckResult)) bool {
	opts.defaults()
	r := &runner{c: c, o: opts, report: report, ok: true}
	desc := r.describe(ctx)
	if desc == nil {
		return false
	}
	for _, kind := range desc.Kinds {
		if !validKind(kind) {
			continue
		}
		r.kind(ctx, kind, desc)
	}
	r.unservedKind(ctx, desc)
	return r.ok
}

// Conformance runs the conformance suite in-process against p, one subtest
// per check, so a Go plugin's own tests prove what `llmgw plugin check`
// checks on the binary:
//
//	func TestConformance(t *testing.T) {
//		sdktest.Conformance(t, sdk.Plugin{Name: "x", Version: "0.1.0", Stage: mystage.New}, sdktest.ConformanceOptions{})
//	}
func Conformance(t *testing.T, p sdk.Plugin, opts ConformanceOptions) {
	t.Helper()
	h := Start(t, p)
	if opts.Host == nil {
		opts.Host = &sdk.HostInfo{Models: []string{"conformance-model"}, DataDir: t.TempDir(), Generation: 1}
	}
	opts.Protocol = h.Protocol
	RunConformance(context.Background(), h.Client, opts, func(r CheckResult) {
		t.Run(r.Name, func(t *testing.T) {
			if !r.Passed {
				t.Error(r.Detail)
			} else if r.Detail != "" {
				t.Log(r.Detail)
			}
		})
	})
}

type runner struct {
	c      *sdk.Client
	o      ConformanceOptions
	report func(CheckResult)
	ok     bool
}

func (r *runner) pass(name, detail string) {
	r.report(CheckResult{Name: name, Passed: true, Detail: detail})
}

func (r *runner) fail(name, format string, args ...any) {
	r.ok = false
	r.report(CheckResult{Name: name, Detail: fmt.Sprintf(format, args...)})
}

func validKind(k string) bool {
	return k == sdk.KindStage || k == sdk.KindProvider || k == sdk.KindTracker
}

func (r *runner) describe(ctx context.Context) *pb.DescribeResponse {
	const name = "Describe names the plugin, its kinds and protocol versions"
	cctx, cancel := context.WithTimeout(ctx, r.o.Timeout)
	defer cancel()
	d, err := r.c.Plugin.Describe(cctx, &pb.DescribeRequest{HostProtocolVersions: sdk.SupportedProtocolVersions})
	if err != nil {
		r.fail(name, "Describe failed: %s", statusText(err))
		return nil
	}
	var problems []string
	if strings.TrimSpace(d.Name) == "" {
		problems = append(problems, "name is empty")
	}
	if strings.TrimSpace(d.Version) == "" {
		problems = append(problems, "version is empty")
	}
	if len(d.Kinds) == 0 {
		problems = append(problems, "kinds is empty (serve at least one of stage, provider, tracker)")
	}
	seen := map[string]bool{}
	for _, k := range d.Kinds {
		if !validKind(k) {
			problems = append(problems, fmt.Sprintf("unknown kind %q (want stage, provider or tracker)", k))
		}
		if seen[k] {
			problems = append(problems, fmt.Sprintf("kind %q listed twice", k))
		}
		seen[k] = true
	}
	common := false
	for _, v := range sdk.SupportedProtocolVersions {
		if slices.Contains(d.ProtocolVersions, v) {
			common = true
		}
	}
	if !common {
		problems = append(problems, fmt.Sprintf("protocol_versions %v has none of the host's %v", d.ProtocolVersions, sdk.SupportedProtocolVersions))
	}
	if r.o.Protocol != 0 && !slices.Contains(d.ProtocolVersions, uint32(r.o.Protocol)) {
		problems = append(problems, fmt.Sprintf("protocol_versions %v lacks the version negotiated at the handshake (%d)", d.ProtocolVersions, r.o.Protocol))
	}
	if d.ConfigSchema != "" && !json.Valid([]byte(d.ConfigSchema)) {
		problems = append(problems, "config_schema is not valid JSON")
	}
	if len(problems) > 0 {
		r.fail(name, "%s", strings.Join(problems, "; "))
		return nil
	}
	caps := "none"
	if len(d.Capabilities) > 0 {
		caps = strings.Join(d.Capabilities, ",")
	}
	r.pass(name, fmt.Sprintf("%s %s, kinds %s, protocol %v, capabilities %s", d.Name, d.Version, strings.Join(d.Kinds, ","), d.ProtocolVersions, caps))
	return d
}

func (r *runner) configure(ctx context.Context, id, kind, cfg string) error {
	cctx, cancel := context.WithTimeout(ctx, r.o.Timeout)
	defer cancel()
	_, err := r.c.Plugin.Configure(cctx, &pb.ConfigureRequest{
		InstanceId:      id,
		Kind:            kind,
		ConfigJson:      []byte(cfg),
		ProtocolVersion: uint32(max(r.o.Protocol, 1)),
		Host:            r.o.Host,
	})
	return err
}

// kind runs the checks of one kind the plugin serves.
func (r *runner) kind(ctx context.Context, kind string, desc *pb.DescribeResponse) {
	prefix := kind + ": "

	// A bad config is refused with INVALID_ARGUMENT and leaves no instance.
	badID := "conformance-bad-" + kind + "@1"
	name := prefix + "Configure rejects an unknown config field with INVALID_ARGUMENT"
	err := r.configure(ctx, badID, kind, UnknownFieldConfig)
	switch {
	case err == nil:
		r.fail(name, "the config %s was accepted; decode configs strictly (sdk.Config.Decode) and reject unknown fields", UnknownFieldConfig)
		r.closeQuietly(ctx, badID)
	case status.Code(err) != codes.InvalidArgument:
		r.fail(name, "rejected with %s, want InvalidArgument (return sdk.ConfigError or the error of sdk.Config.Decode): %s", status.Code(err), status.Convert(err).Message())
	case strings.TrimSpace(status.Convert(err).Message()) == "":
		r.fail(name, "rejected without a message; name the field")
	default:
		r.pass(name, fmt.Sprintf("%q", status.Convert(err).Message()))
	}

	cfg := r.o.Configs[kind]
	if cfg == "" {
		cfg = "{}"
	}
	id := "conformance-" + kind + "@1"
	name = prefix + "Configure accepts a valid config"
	if err := r.configure(ctx, id, kind, cfg); err != nil {
		r.fail(name, "config %s rejected (%s): %s (pass a working config for this kind)", cfg, status.Code(err), status.Convert(err).Message())
		return
	}
	r.pass(name, cfg)

	switch kind {
	case sdk.KindStage:
		verdict := slices.Contains(desc.Capabilities, sdk.CapStageVerdict)
		// A stage that reads metadata only gets what a host sends it: the
		// request as its model alone.
		meta := slices.Contains(desc.Capabilities, sdk.CapStageMetadata)
		req := benignRequest("conformance-model")
		if meta {
			req = &pb.ChatRequest{Model: "conformance-model"}
		}
		r.concurrently(ctx, prefix+"Process answers within its timeout under concurrency", r.o.StageTimeout, func(cctx context.Context, i int) error {
			return r.process(cctx, id, i, req, verdict, meta)
		})
		if slices.Contains(desc.Capabilities, sdk.CapStageAfter) {
			r.concurrently(ctx, prefix+"After answers within its timeout under concurrency", r.o.StageTimeout, func(cctx context.Context, i int) error {
				_, err := r.c.Stage.After(cctx, &pb.StageAfterRequest{InstanceId: id, RequestId: fmt.Sprintf("conformance-after-%d", i), Request: req, ClientIp: "127.0.0.1", Usage: &pb.Usage{PromptTokens: 5, CompletionTokens: 5, TotalTokens: 10}, Ok: true, ModelUsed: "conformance-model"})
				if err != nil {
					return fmt.Errorf("After: %s", statusText(err))
				}
				return nil
			})
		}
		if slices.Contains(desc.Capabilities, sdk.CapStageLease) {
			r.leases(ctx, prefix, id)
		}
	case sdk.KindProvider:
		r.concurrently(ctx, prefix+"Complete answers within its timeout under concurrency", r.o.ProviderTimeout, func(cctx context.Context, i int) error {
			return r.complete(cctx, id, i, nil)
		})
		if slices.Contains(desc.Capabilities, sdk.CapProviderAssemble) {
			// What a host sends for a plain answer to such a plugin.
			deadlines := &pb.AssembleDeadlines{FirstByteMs: r.o.ProviderTimeout.Milliseconds(), IdleMs: r.o.ProviderTimeout.Milliseconds()}
			r.concurrently(ctx, prefix+"Complete with assemble answers within its timeout under concurrency", r.o.ProviderTimeout, func(cctx context.Context, i int) error {
				return r.complete(cctx, id, i, deadlines)
			})
		}
		r.concurrently(ctx, prefix+"Stream answers within its timeout under concurrency", r.o.ProviderTimeout, func(cctx context.Context, i int) error {
			return r.stream(cctx, id, i)
		})
	case sdk.KindTracker:
		r.concurrently(ctx, prefix+"Track answers within its timeout under concurrency", r.o.TrackerTimeout, func(cctx context.Context, i int) error {
			return r.track(cctx, id, i)
		})
	}

	name = prefix + "Close releases the instance"
	cctx, cancel := context.WithTimeout(ctx, r.o.Timeout)
	_, err = r.c.Plugin.Close(cctx, &pb.CloseRequest{InstanceId: id})
	cancel()
	if err != nil {
		r.fail(name, "Close failed: %s", statusText(err))
		return
	}
	if err := r.callClosed(ctx, kind, id); err != nil {
		r.fail(name, "%v", err)
		return
	}
	r.pass(name, "a call on the closed instance fails with NotFound")
}

// unservedKind checks that Configure refuses a kind the plugin does not serve.
func (r *runner) unservedKind(ctx context.Context, desc *pb.DescribeResponse) {
	for _, k := range []string{sdk.KindStage, sdk.KindProvider, sdk.KindTracker} {
		if slices.Contains(desc.Kinds, k) {
			continue
		}
		name := "Configure refuses a kind the plugin does not serve"
		id := "conformance-unserved@1"
		if err := r.configure(ctx, id, k, "{}"); err == nil {
			r.fail(name, "Configure of kind %q succeeded although Describe does not list it", k)
			r.closeQuietly(ctx, id)
		} else {
			r.pass(name, fmt.Sprintf("kind %q: %s", k, status.Code(err)))
		}
		return
	}
}

func (r *runner) closeQuietly(ctx context.Context, id string) {
	cctx, cancel := context.WithTimeout(ctx, r.o.Timeout)
	defer cancel()
	_, _ = r.c.Plugin.Close(cctx, &pb.CloseRequest{InstanceId: id})
}

// callClosed makes one call on a closed instance and wants NotFound.
func (r *runner) callClosed(ctx context.Context, kind, id string) error {
	cctx, cancel := context.WithTimeout(ctx, r.o.Timeout)
	defer cancel()
	var err error
	switch kind {
	case sdk.KindStage:
		_, err = r.c.Stage.Process(cctx, &pb.StageRequest{InstanceId: id, RequestId: "conformance-closed", Route: "generate", Request: benignRequest("conformance-model")})
	case sdk.KindProvider:
		_, err = r.c.Provider.Complete(cctx, &pb.CompleteRequest{InstanceId: id, RequestId: "conformance-closed", UpstreamModel: r.o.UpstreamModel, Request: benignRequest("conformance-model")})
	case sdk.KindTracker:
		_, err = r.c.Tracker.Track(cctx, &pb.TrackRequest{InstanceId: id, Events: []*pb.Event{event(999)}})
	}
	if err == nil {
		return errors.New("a call on the closed instance still succeeded; Close must release it")
	}
	if status.Code(err) != codes.NotFound {
		return fmt.Errorf("a call on the closed instance failed with %s, want NotFound: %s", status.Code(err), status.Convert(err).Message())
	}
	return nil
}

// concurrently runs 2×Concurrency calls, Concurrency at a time, each bounded
// by timeout, and reports the first failure.
func (r *runner) concurrently(ctx context.Context, name string, timeout time.Duration, call func(context.Context, int) error) {
	n := 2 * r.o.Concurrency
	errs := make([]error, n)
	var slowest time.Duration
	var mu sync.Mutex
	sem := make(chan struct{}, r.o.Concurrency)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			cctx, cancel := context.WithTimeout(ctx, timeout)
			defer cancel()
			start := time.Now()
			err := call(cctx, i)
			took := time.Since(start)
			if err == nil && took > timeout {
				err = fmt.Errorf("answered after %s, over the %s timeout", took.Round(time.Millisecond), timeout)
			}
			// The plugin's side may report the deadline (the status, or an
			// RST_STREAM) a moment before this side's timer fires, and the
			// call functions return the status as text: an error at the
			// deadline's doorstep is the deadline.
			if err != nil && (cctx.Err() != nil || status.Code(err) == codes.DeadlineExceeded || took >= timeout*9/10) {
				err = fmt.Errorf("no answer within %s: %v", timeout, err)
			}
			errs[i] = err
			mu.Lock()
			slowest = max(slowest, took)
			mu.Unlock()
		}()
	}
	wg.Wait()
	failed := 0
	var first error
	for _, err := range errs {
		if err != nil {
			failed++
			if first == nil {
				first = err
			}
		}
	}
	if failed > 0 {
		r.fail(name, "%d of %d calls failed; first: %v", failed, n, first)
		return
	}
	r.pass(name, fmt.Sprintf("%d calls, %d at a time, slowest %s", n, r.o.Concurrency, slowest.Round(time.Millisecond)))
}

func benignRequest(model string) *pb.ChatRequest {
	temp := 0.2
	maxTokens := int32(16)
	return &pb.ChatRequest{
		Model:       model,
		Messages:    []*pb.Message{{Role: "user", Content: "What is the capital of France?"}},
		Temperature: &temp,
		MaxTokens:   &maxTokens,
	}
}

// process makes one Process call; a stage declaring stage.verdict must only
// continue or refuse, one declaring stage.metadata must not change the
// request.
func (r *runner) process(ctx context.Context, id string, i int, req *pb.ChatRequest, verdict, meta bool) error {
	resp, err := r.c.Stage.Process(ctx, &pb.StageRequest{
		InstanceId: id,
		RequestId:  fmt.Sprintf("conformance-%d", i),
		Route:      "generate",
		Request:    req,
		ClientIp:   "127.0.0.1",
		Headers:    map[string]string{"user-agent": "llmgw-plugin-check", "content-type": "application/json"},
	})
	if err != nil {
		return fmt.Errorf("Process: %s", statusText(err))
	}
	if resp.Action == pb.StageResponse_REJECT {
		return sdk.ValidateRejection(resp.Reject)
	}
	if verdict && (resp.Action == pb.StageResponse_ANSWER || resp.Mutated != nil) {
		return fmt.Errorf("the plugin declares %s (it only continues or refuses) but changed the request or answered it", sdk.CapStageVerdict)
	}
	if meta && resp.Mutated != nil {
		return fmt.Errorf("the plugin declares %s (it gets the request without its messages) but changed the request", sdk.CapStageMetadata)
	}
	return nil
}

// leases checks a stage declaring stage.lease: what it grants a host that
// accepts leases is well formed, and Release takes it back (and accepts an
// id it does not know).
func (r *runner) leases(ctx context.Context, prefix, id string) {
	name := prefix + "leases granted are well formed and Release takes them back"
	var rel []*pb.ReleasedLease
	for i := range 3 {
		cctx, cancel := context.WithTimeout(ctx, r.o.StageTimeout)
		resp, err := r.c.Stage.Process(cctx, &pb.StageRequest{InstanceId: id, RequestId: fmt.Sprintf("conformance-lease-%d", i), Route: "generate",
			Request: benignRequest("conformance-model"), ClientIp: "127.0.0.1", AcceptsLease: true})
		cancel()
		if err != nil {
			r.fail(name, "Process: %s", statusText(err))
			return
		}
		if g := resp.GetLease(); g != nil {
			if resp.Action != pb.StageResponse_CONTINUE || g.Id == "" || g.Permits < 1 || g.TtlMs < 1 {
				r.fail(name, "a lease needs a CONTINUE, an id, permits ≥ 1 and ttl_ms ≥ 1: %v", g)
				return
			}
			rel = append(rel, &pb.ReleasedLease{Id: g.Id, Unused: g.Permits})
		}
	}
	rel = append(rel, &pb.ReleasedLease{Id: "conformance-unknown-lease", Unused: 1})
	cctx, cancel := context.WithTimeout(ctx, r.o.StageTimeout)
	_, err := r.c.Stage.Release(cctx, &pb.LeaseRelease{InstanceId: id, Leases: rel})
	cancel()
	if err != nil {
		r.fail(name, "Release: %s", statusText(err))
		return
	}
	r.pass(name, fmt.Sprintf("%d granted and released", len(rel)-1))
}

func classified(pe *pb.ProviderError) error {
	if pe.Class == pb.ErrorClass_ERROR_CLASS_UNSPECIFIED {
		return fmt.Errorf("an error without a class: %q", pe.Message)
	}
	return nil
}

// complete makes one Complete call, assembled from a stream by the plugin
// when assemble is set.
func (r *runner) complete(ctx context.Context, id string, i int, assemble *pb.AssembleDeadlines) error {
	resp, err := r.c.Provider.Complete(ctx, &pb.CompleteRequest{InstanceId: id, RequestId: fmt.Sprintf("conformance-%d", i), UpstreamModel: r.o.UpstreamModel, Request: benignRequest("conformance-model"),
		Assemble: assemble})
	if err != nil {
		return fmt.Errorf("Complete: %s (a failure must come back as CompleteResponse.error)", statusText(err))
	}
	if resp.Error != nil {
		return classified(resp.Error)
	}
	if resp.Content == "" && resp.FinishReason == "" {
		return errors.New("an answer with neither content nor finish_reason nor error")
	}
	return nil
}

func (r *runner) stream(ctx context.Context, id string, i int) error {
	req := benignRequest("conformance-model")
	req.Stream = true
	st, err := r.c.Provider.Stream(ctx, &pb.CompleteRequest{InstanceId: id, RequestId: fmt.Sprintf("conformance-s%d", i), UpstreamModel: r.o.UpstreamModel, Request: req})
	if err != nil {
		return fmt.Errorf("Stream: %s", statusText(err))
	}
	for {
		c, err := st.Recv()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("Stream: %s (a failure must come as a last chunk with error set)", statusText(err))
		}
		if c.Error != nil {
			return classified(c.Error)
		}
	}
}

func event(i int) *pb.Event {
	now := time.Now()
	return &pb.Event{
		EventId:        fmt.Sprintf("conformance-%d-%d", now.UnixNano(), i),
		RequestId:      fmt.Sprintf("conformance-%d", i),
		Route:          "generate",
		StartUnixNano:  now.Add(-time.Second).UnixNano(),
		EndUnixNano:    now.UnixNano(),
		Request:        benignRequest("conformance-model"),
		RequestedModel: "conformance-model",
		ModelUsed:      "conformance-model",
		Provider:       "conformance",
		UpstreamModel:  "gpt-4o",
		Response:       "Paris.",
		FinishReason:   "stop",
		Usage:          &pb.Usage{PromptTokens: 7, CompletionTokens: 2, TotalTokens: 9},
		Ok:             true,
		Status:         200,
		Attempts:       []*pb.Attempt{{Model: "conformance-model", Provider: "conformance", UpstreamModel: "gpt-4o", Outcome: "ok", StartUnixNano: now.Add(-time.Second).UnixNano(), EndUnixNano: now.UnixNano()}},
		ClientKeyHash:  "0000000000000000000000000000000000000000000000000000000000000000",
		Annotations:    map[string]string{"conformance": "true"},
		Stages:         []*pb.StageSpan{{Name: "guard", Plugin: "conformance", Outcome: "continue", StartUnixNano: now.Add(-time.Second).UnixNano(), EndUnixNano: now.Add(-time.Second + time.Millisecond).UnixNano()}},
	}
}

func (r *runner) track(ctx context.Context, id string, i int) error {
	events := []*pb.Event{event(2 * i), event(2*i + 1)}
	resp, err := r.c.Tracker.Track(ctx, &pb.TrackRequest{InstanceId: id, Events: events})
	if err != nil {
		if status.Code(err) == codes.Unavailable {
			return nil // "nothing stored, send again later" is an answer
		}
		return fmt.Errorf("Track: %s (a tracker that cannot store events answers Unavailable)", statusText(err))
	}
	for _, a := range resp.AckedIds {
		if a != events[0].EventId && a != events[1].EventId {
			return fmt.Errorf("acknowledged an id it was not sent: %q", a)
		}
	}
	return nil
}

func statusText(err error) string {
	s := status.Convert(err)
	return fmt.Sprintf("%s: %s", s.Code(), s.Message())
}
