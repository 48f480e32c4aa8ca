// Command testplugin is a plugin for the host's end-to-end tests: a stage
// that can be told (by its config) to reject, sleep or crash, and a provider
// that echoes. It is built by the tests, never shipped.
package main

import (
	"context"
	"os"
	"strings"
	"time"

	sdk "github.com/llmgw/llmgw/sdk/go"
)

type stageConfig struct {
	RejectWord string       `json:"reject_word"`
	Sleep      sdk.Duration `json:"sleep"`
	CrashWord  string       `json:"crash_word"`
	Header     string       `json:"header"`
	Mutate     string       `json:"mutate_suffix"`
}

type stage struct{ cfg stageConfig }

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
		if s.cfg.RejectWord != "" && strings.Contains(m.Content, s.cfg.RejectWord) {
			return sdk.Rejection{Status: 400, Type: sdk.TypeInvalidRequest, Code: "blocked_keyword", Message: "blocked by the test stage", Category: "keyword"}.Response(), nil
		}
	}
	resp := sdk.Continue()
	if s.cfg.Header != "" {
		resp.ResponseHeaders = map[string]string{"X-Test-Stage": s.cfg.Header}
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
			return &stage{cfg: cfg}, nil
		},
	})
}
