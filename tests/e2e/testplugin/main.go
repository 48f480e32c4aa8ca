// Command testplugin is a plugin for the host's end-to-end tests: a stage
// that can be told (by its config) to reject, sleep, crash or burn CPU. It is
// built by the tests, never shipped.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"runtime"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	sdk "github.com/llmgw/llmgw/sdk/go"
)

type stageConfig struct {
	RejectWord string       `json:"reject_word"`
	RejectCode string       `json:"reject_code"`
	Sleep      sdk.Duration `json:"sleep"`
	CrashWord  string       `json:"crash_word"`
	Header     string       `json:"header"`
	Mutate     string       `json:"mutate_suffix"`
	// BurnWord makes a request that contains it spin one CPU for Burn.
	BurnWord string       `json:"burn_word"`
	Burn     sdk.Duration `json:"burn"`
	// IgnoreSIGTERM makes the whole process ignore SIGTERM (a plugin that
	// does not exit when asked: only SIGKILL ends it).
	IgnoreSIGTERM bool `json:"ignore_sigterm"`
	// RuntimeHeader answers with X-Test-Runtime: the process's GOMAXPROCS
	// and GC percent, as sdk.Serve left them.
	RuntimeHeader bool `json:"runtime_header"`
	// KeysStage declares stage.keys with an Admin that answers 404 to every
	// path: a team's own key stage that knows nothing of a key holder's
	// questions (GET /v1/key, GET /v1/models).
	KeysStage bool `json:"keys_stage"`
}

type stage struct{ cfg stageConfig }

// keysStage is a stage with KeysStage set.
type keysStage struct{ *stage }

func (keysStage) Capabilities() []string { return []string{sdk.CapStageKeys} }

func (keysStage) Admin(_ context.Context, req *sdk.AdminRequest) (*sdk.AdminResponse, error) {
	return &sdk.AdminResponse{Status: 404, Body: []byte(`{"error":{"message":"no such path: ` + req.GetPath() + `","type":"invalid_request_error","code":"not_found"}}`)}, nil
}

func (s *stage) Process(ctx context.Context, req *sdk.StageRequest) (*sdk.StageResponse, error) {
	if s.cfg.Sleep > 0 {
		select {
		case <-time.After(s.cfg.Sleep.D()):
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	for _, m := range req.Request.GetMessages() {
		if s.cfg.CrashWord != "" && strings.Contains(m.Content, s.cfg.CrashWord) {
			os.Exit(3)
		}
		if s.cfg.BurnWord != "" && strings.Contains(m.Content, s.cfg.BurnWord) {
			burn(s.cfg.Burn.D())
		}
		if s.cfg.RejectWord != "" && strings.Contains(m.Content, s.cfg.RejectWord) {
			code := s.cfg.RejectCode
			if code == "" {
				code = "blocked_keyword"
			}
			return sdk.Rejection{Status: 400, Type: sdk.TypeInvalidRequest, Code: code, Message: "blocked by the test stage", Category: "keyword"}.Response(), nil
		}
	}
	resp := sdk.Continue()
	if s.cfg.Header != "" {
		resp.ResponseHeaders = map[string]string{"X-Test-Stage": s.cfg.Header}
	}
	if s.cfg.RuntimeHeader {
		gogc := debug.SetGCPercent(100)
		debug.SetGCPercent(gogc)
		if resp.ResponseHeaders == nil {
			resp.ResponseHeaders = map[string]string{}
		}
		resp.ResponseHeaders["X-Test-Runtime"] = fmt.Sprintf("gomaxprocs=%d gogc=%d", runtime.GOMAXPROCS(0), gogc)
	}
	if s.cfg.Mutate != "" {
		mutated := &sdk.ChatRequest{Model: req.Request.Model, Temperature: req.Request.Temperature, MaxTokens: req.Request.MaxTokens, Stream: req.Request.Stream, IncludeUsage: req.Request.IncludeUsage}
		for _, m := range req.Request.Messages {
			mutated.Messages = append(mutated.Messages, &sdk.Message{Role: m.Role, Content: m.Content + s.cfg.Mutate})
		}
		resp.Mutated = mutated
	}
	return resp, nil
}

// burn keeps one CPU busy for d: real work, not a sleep.
func burn(d time.Duration) {
	end := time.Now().Add(d)
	x := uint64(1)
	for time.Now().Before(end) {
		for i := 0; i < 1e5; i++ {
			x = x*6364136223846793005 + 1442695040888963407
		}
	}
	sink = x
}

var sink uint64

func main() {
	sdk.Serve(sdk.Plugin{
		Name:    "testplugin",
		Version: "0.0.1",
		Stage: func(c sdk.Config) (sdk.Stage, error) {
			var cfg stageConfig
			if err := c.Decode(&cfg); err != nil {
				return nil, err
			}
			if cfg.RejectWord == "bad-config" {
				return nil, sdk.ConfigError(`field "reject_word": must not be "bad-config"`)
			}
			if cfg.IgnoreSIGTERM {
				signal.Ignore(syscall.SIGTERM)
			}
			if cfg.KeysStage {
				return keysStage{&stage{cfg: cfg}}, nil
			}
			return &stage{cfg: cfg}, nil
		},
	})
}
