package geminiprovider

import "strings"

// thinkingConfig is generationConfig.thinkingConfig: Gemini 2.5 models take
// a token budget, Gemini 3 and later a level; the API refuses both at once.
type thinkingConfig struct {
	ThinkingBudget *int32 `json:"thinkingBudget,omitempty"`
	ThinkingLevel  string `json:"thinkingLevel,omitempty"`
}

// thinkingBudgets are the budgets Google's OpenAI compatibility layer gives
// reasoning_effort on Gemini 2.5 (ai.google.dev/gemini-api/docs/openai):
// none turns thinking off, low, medium and high are 1K, 8K and 24K tokens.
var thinkingBudgets = map[string]int32{"none": 0, "low": 1024, "medium": 8192, "high": 24576}

// thinkingLevels are the reasoning_effort values Gemini 3 takes as its
// thinking level under the same name.
var thinkingLevels = map[string]bool{"minimal": true, "low": true, "medium": true, "high": true}

// budgetModel reports whether a model takes a thinking budget rather than a
// level (the Gemini 2.5 family).
func budgetModel(model string) bool {
	return strings.Contains(model, "gemini-2.5")
}

// applyReasoningEffort sets gr's thinking configuration for the request's
// reasoning_effort on model, or refuses a value that has no equivalent there
// (nothing is sent in its place). A model that does not think at all (Gemini
// 2.0) gets the configuration and the API's own refusal.
func applyReasoningEffort(gr *generateRequest, model, effort string) error {
	if effort == "" {
		return nil
	}
	var tc thinkingConfig
	if budgetModel(model) {
		b, ok := thinkingBudgets[effort]
		if !ok {
			return badRequest("reasoning_effort %q has no thinking budget on %s (none, low, medium or high)", effort, model)
		}
		tc.ThinkingBudget = &b
	} else {
		if !thinkingLevels[effort] {
			return badRequest("reasoning_effort %q has no thinking level on %s (minimal, low, medium or high)", effort, model)
		}
		tc.ThinkingLevel = effort
	}
	if gr.GenerationConfig == nil {
		gr.GenerationConfig = &generationConfig{}
	}
	gr.GenerationConfig.ThinkingConfig = &tc
	return nil
}
