package sdktest_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	sdk "github.com/llmgw/llmgw/sdk/go"
	"github.com/llmgw/llmgw/sdk/go/sdktest"
)

type ackTracker struct{}

func (ackTracker) Track(_ context.Context, events []*sdk.Event) ([]string, error) {
	ids := make([]string, len(events))
	for i, e := range events {
		ids[i] = e.EventId
	}
	return ids, nil
}

func goodPlugin() sdk.Plugin {
	closed := false
	p := newPlugin(&closed)
	p.Tracker = func(c sdk.Config) (sdk.Tracker, error) {
		if err := c.Decode(&struct{}{}); err != nil {
			return nil, err
		}
		return ackTracker{}, nil
	}
	inner := p.Provider
	p.Provider = func(c sdk.Config) (sdk.Provider, error) {
		if err := c.Decode(&struct{}{}); err != nil {
			return nil, err
		}
		return inner(c)
	}
	return p
}

func TestConformanceOfAGoodPlugin(t *testing.T) {
	sdktest.Conformance(t, goodPlugin(), sdktest.ConformanceOptions{
		Configs: map[string]string{sdk.KindStage: `{"word":"nope"}`},
	})
}

// run runs the suite against p and returns the failed checks' lines.
func run(t *testing.T, p sdk.Plugin, opts sdktest.ConformanceOptions) (bool, []string) {
	t.Helper()
	h := sdktest.Start(t, p)
	var failed []string
	ok := sdktest.RunConformance(context.Background(), h.Client, opts, func(r sdktest.CheckResult) {
		if !r.Passed {
			failed = append(failed, r.String())
		}
	})
	return ok, failed
}

type sleepyStage struct{}

func (sleepyStage) Process(ctx context.Context, _ *sdk.StageRequest) (*sdk.StageResponse, error) {
	<-ctx.Done()
	return nil, ctx.Err()
}

func TestConformanceCatchesBrokenPlugins(t *testing.T) {
	cases := []struct {
		name   string
		plugin sdk.Plugin
		want   string
	}{
		{
			name: "accepts any config",
			plugin: sdk.Plugin{Name: "lax", Version: "1", Stage: func(sdk.Config) (sdk.Stage, error) {
				return &wordStage{word: "x"}, nil
			}},
			want: "was accepted",
		},
		{
			name: "never answers",
			plugin: sdk.Plugin{Name: "sleepy", Version: "1", Stage: func(c sdk.Config) (sdk.Stage, error) {
				return sleepyStage{}, c.Decode(&struct{}{})
			}},
			want: "no answer within",
		},
		{
			name: "config error is not a ConfigError",
			plugin: sdk.Plugin{Name: "plain", Version: "1", Stage: func(c sdk.Config) (sdk.Stage, error) {
				if len(c.Raw) > 2 {
					return nil, context.Canceled
				}
				return &wordStage{word: "x"}, nil
			}},
			want: "want InvalidArgument",
		},
		{
			name:   "no version",
			plugin: sdk.Plugin{Name: "noversion", Stage: func(c sdk.Config) (sdk.Stage, error) { return &wordStage{}, c.Decode(&struct{}{}) }},
			want:   "version is empty",
		},
		{
			name: "empty lease",
			plugin: sdk.Plugin{Name: "badlease", Version: "1", Capabilities: []string{sdk.CapStageLease}, Stage: func(c sdk.Config) (sdk.Stage, error) {
				return badLeaser{}, c.Decode(&struct{}{})
			}},
			want: "permits ≥ 1",
		},
		{
			name: "verdict-only stage that changes the request",
			plugin: sdk.Plugin{Name: "badverdict", Version: "1", Capabilities: []string{sdk.CapStageVerdict}, Stage: func(c sdk.Config) (sdk.Stage, error) {
				return rewriter{}, c.Decode(&struct{}{})
			}},
			want: "declares stage.verdict",
		},
		{
			name: "metadata-only stage that changes the request",
			plugin: sdk.Plugin{Name: "badmeta", Version: "1", Capabilities: []string{sdk.CapStageMetadata}, Stage: func(c sdk.Config) (sdk.Stage, error) {
				return rewriter{}, c.Decode(&struct{}{})
			}},
			want: "declares stage.metadata",
		},
		{
			name: "metadata-only stage that reads the messages",
			plugin: sdk.Plugin{Name: "readsmeta", Version: "1", Capabilities: []string{sdk.CapStageMetadata}, Stage: func(c sdk.Config) (sdk.Stage, error) {
				return firstMessageStage{}, c.Decode(&struct{}{})
			}},
			want: "Process:",
		},
		{
			name: "unclassified provider error",
			plugin: sdk.Plugin{Name: "unclassified", Version: "1", Provider: func(c sdk.Config) (sdk.Provider, error) {
				return badProvider{}, c.Decode(&struct{}{})
			}},
			want: "an error without a class",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ok, failed := run(t, tc.plugin, sdktest.ConformanceOptions{StageTimeout: 300 * time.Millisecond, Concurrency: 4})
			if ok {
				t.Fatal("a broken plugin passed the conformance suite")
			}
			if !strings.Contains(strings.Join(failed, "\n"), tc.want) {
				t.Fatalf("failures do not say %q:\n%s", tc.want, strings.Join(failed, "\n"))
			}
		})
	}
}

// rewriter changes every request.
type rewriter struct{}

func (rewriter) Process(_ context.Context, req *sdk.StageRequest) (*sdk.StageResponse, error) {
	resp := sdk.Continue()
	resp.Mutated = req.Request
	return resp, nil
}

// firstMessageStage needs the request's first message.
type firstMessageStage struct{}

func (firstMessageStage) Process(_ context.Context, req *sdk.StageRequest) (*sdk.StageResponse, error) {
	if len(req.Request.GetMessages()) == 0 {
		return nil, errors.New("no message to read")
	}
	return sdk.Continue(), nil
}

// badLeaser grants leases without permits.
type badLeaser struct{}

func (badLeaser) Process(context.Context, *sdk.StageRequest) (*sdk.StageResponse, error) {
	resp := sdk.Continue()
	resp.Lease = &sdk.StageLease{Id: "l", TtlMs: 1000}
	return resp, nil
}

type badProvider struct{}

func (badProvider) Complete(context.Context, *sdk.CompleteRequest) (*sdk.CompleteResponse, error) {
	return &sdk.CompleteResponse{Error: &sdk.ProviderError{Message: "oops"}}, nil
}

func (badProvider) Stream(_ context.Context, _ *sdk.CompleteRequest, send sdk.ChunkSender) error {
	return send(&sdk.StreamChunk{Content: "x", FinishReason: "stop"})
}
