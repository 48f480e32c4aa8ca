package sdk

import pb "github.com/llmgw/llmgw/sdk/go/proto/llmgw/v1"

// CapParamPrefix starts the capability a provider declares for each optional
// chat parameter it honours ("provider.param.seed"). The host refuses a
// request that sets a parameter one of its model's providers did not declare
// (400 unsupported_parameter), so a plugin built before the parameter existed
// — which would silently ignore the field — is never sent it.
const CapParamPrefix = "provider.param."

// ParamCap is the capability that declares parameter name (one of
// ChatParams, e.g. "top_p").
func ParamCap(name string) string { return CapParamPrefix + name }

// ChatParams are the optional chat parameters a provider may declare. Most
// are OpenAI chat parameter names; four name a feature rather than one field:
//   - "tools": tools, tool_choice, assistant tool_calls and tool messages;
//   - "json_schema": response_format {"type": "json_schema"};
//   - "images": image_url content parts;
//   - "thinking": Anthropic's extended thinking (thinking_budget_tokens or
//     thinking_adaptive; the signed thinking blocks of assistant messages go
//     with it).
var ChatParams = []string{"stop", "seed", "top_p", "presence_penalty", "frequency_penalty", "user", "response_format", "logit_bias",
	"tools", "parallel_tool_calls", "json_schema", "images", "n", "logprobs", "reasoning_effort", "verbosity", "safety_identifier",
	"prompt_cache_key", "thinking"}

// DroppableParams are the ChatParams a pipeline may drop for a model
// (drop_params): those whose absence changes the answer's style, not its
// meaning (reasoning_effort: how long a reasoning model thinks, which a
// model that does not reason cannot take, and thinking the same; verbosity
// the same for length; safety_identifier and prompt_cache_key are hints to
// the provider). Tools,
// structured outputs, images and n are never dropped.
var DroppableParams = []string{"stop", "seed", "top_p", "presence_penalty", "frequency_penalty", "user", "response_format", "logit_bias",
	"parallel_tool_calls", "logprobs", "reasoning_effort", "verbosity", "safety_identifier", "prompt_cache_key", "thinking"}

// ParamField is the request field an unsupported_parameter error names for
// parameter name (its "param").
func ParamField(name string) string {
	switch name {
	case "json_schema":
		return "response_format"
	case "images":
		return "messages"
	}
	return name
}

// ParamsSet lists the optional parameters req sets, in ChatParams' order
// (nil when none: the common request allocates nothing).
func ParamsSet(req *pb.ChatRequest) []string {
	var out []string
	for _, p := range ChatParams {
		if paramSet(req, p) {
			out = append(out, p)
		}
	}
	return out
}

// paramSet reports whether req sets ChatParams entry name.
func paramSet(req *pb.ChatRequest, name string) bool {
	switch name {
	case "stop":
		return len(req.GetStop()) > 0
	case "seed":
		return req.Seed != nil
	case "top_p":
		return req.TopP != nil
	case "presence_penalty":
		return req.PresencePenalty != nil
	case "frequency_penalty":
		return req.FrequencyPenalty != nil
	case "user":
		return req.GetUser() != ""
	case "response_format":
		return req.GetResponseFormat() == "json_object"
	case "logit_bias":
		return len(req.GetLogitBias()) > 0
	case "tools":
		return usesTools(req)
	case "parallel_tool_calls":
		return req.ParallelToolCalls != nil
	case "json_schema":
		return req.GetResponseFormat() == "json_schema" || req.GetJsonSchema() != nil
	case "images":
		return hasImages(req)
	case "n":
		return req.N != nil && req.GetN() != 1
	case "logprobs":
		return req.GetLogprobs() || req.TopLogprobs != nil
	case "reasoning_effort":
		return req.GetReasoningEffort() != ""
	case "verbosity":
		return req.GetVerbosity() != ""
	case "safety_identifier":
		return req.GetSafetyIdentifier() != ""
	case "prompt_cache_key":
		return req.GetPromptCacheKey() != ""
	case "thinking":
		return req.ThinkingBudgetTokens != nil || req.GetThinkingAdaptive()
	}
	return false
}

// usesTools reports whether req offers tools, chooses one, or carries a tool
// loop's history.
func usesTools(req *pb.ChatRequest) bool {
	if len(req.GetTools()) > 0 || req.GetToolChoice() != nil {
		return true
	}
	for _, m := range req.GetMessages() {
		if len(m.GetToolCalls()) > 0 || m.GetRole() == "tool" || m.GetToolCallId() != "" {
			return true
		}
	}
	return false
}

// hasImages reports whether a message of req has an image part.
func hasImages(req *pb.ChatRequest) bool {
	for _, m := range req.GetMessages() {
		for _, p := range m.GetParts() {
			if p.GetType() == "image_url" {
				return true
			}
		}
	}
	return false
}

// DropParam clears parameter name from req (the pipeline's drop_params; one
// of DroppableParams, others are left alone).
func DropParam(req *pb.ChatRequest, name string) {
	switch name {
	case "stop":
		req.Stop = nil
	case "seed":
		req.Seed = nil
	case "top_p":
		req.TopP = nil
	case "presence_penalty":
		req.PresencePenalty = nil
	case "frequency_penalty":
		req.FrequencyPenalty = nil
	case "user":
		req.User = ""
	case "response_format":
		req.ResponseFormat = ""
	case "logit_bias":
		req.LogitBias = nil
	case "parallel_tool_calls":
		req.ParallelToolCalls = nil
	case "logprobs":
		req.Logprobs = false
		req.TopLogprobs = nil
	case "reasoning_effort":
		req.ReasoningEffort = ""
	case "verbosity":
		req.Verbosity = ""
	case "safety_identifier":
		req.SafetyIdentifier = ""
	case "prompt_cache_key":
		req.PromptCacheKey = ""
	case "thinking":
		req.ThinkingBudgetTokens, req.ThinkingAdaptive = nil, false
	}
}
