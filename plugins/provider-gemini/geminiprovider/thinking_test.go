package geminiprovider

import (
	"encoding/json"
	"strings"
	"testing"

	sdk "github.com/llmgw/llmgw/sdk/go"
)

// TestReasoningEffortToThinking: reasoning_effort becomes Gemini 2.5's
// thinking budget (Google's own mapping) or Gemini 3's thinking level, and a
// value without an equivalent on the model is refused as a bad request,
// never sent as something else.
func TestReasoningEffortToThinking(t *testing.T) {
	for _, c := range []struct {
		model, effort, want string // want: the generationConfig JSON, or "" for a refusal
	}{
		{"gemini-2.5-flash", "none", `{"thinkingConfig":{"thinkingBudget":0}}`},
		{"gemini-2.5-flash", "low", `{"thinkingConfig":{"thinkingBudget":1024}}`},
		{"gemini-2.5-pro", "medium", `{"thinkingConfig":{"thinkingBudget":8192}}`},
		{"gemini-2.5-flash-lite", "high", `{"thinkingConfig":{"thinkingBudget":24576}}`},
		{"gemini-2.5-flash", "minimal", ""},
		{"gemini-2.5-flash", "xhigh", ""},
		{"gemini-3-pro-preview", "low", `{"thinkingConfig":{"thinkingLevel":"low"}}`},
		{"gemini-3-flash", "minimal", `{"thinkingConfig":{"thinkingLevel":"minimal"}}`},
		{"gemini-3-pro-preview", "none", ""},
		{"gemini-3-pro-preview", "xhigh", ""},
	} {
		gr := &generateRequest{}
		err := applyReasoningEffort(gr, c.model, c.effort)
		if c.want == "" {
			if err == nil || sdk.AsProviderError(err).GetClass() != sdk.ClassBadRequest || !strings.Contains(err.Error(), c.effort) {
				t.Errorf("%s %s: got %v, want a bad request naming the value", c.model, c.effort, err)
			}
			continue
		}
		got, _ := json.Marshal(gr.GenerationConfig)
		if err != nil || string(got) != c.want {
			t.Errorf("%s %s: %s %v, want %s", c.model, c.effort, got, err, c.want)
		}
	}
	// Not set: nothing is added.
	gr := &generateRequest{}
	if err := applyReasoningEffort(gr, "gemini-2.5-flash", ""); err != nil || gr.GenerationConfig != nil {
		t.Errorf("unset: %v %v", gr.GenerationConfig, err)
	}
}
