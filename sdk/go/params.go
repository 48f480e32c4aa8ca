package sdk

import pb "github.com/llmgw/llmgw/sdk/go/proto/llmgw/v1"

// CapParamPrefix starts the capability a provider declares for each optional
// chat parameter it honours ("provider.param.seed"). The host refuses a
// request that sets a parameter one of its model's providers did not declare
// (400 unsupported_parameter), so a plugin built before the parameter existed
// — which would silently ignore the field — is never sent it.
const CapParamPrefix = "provider.param."

// ParamCap is the capability that declares parameter name (an OpenAI chat
// parameter name, e.g. "top_p").
func ParamCap(name string) string { return CapParamPrefix + name }

// ChatParams are the optional chat parameters a provider may declare.
var ChatParams = []string{"stop", "seed", "top_p", "presence_penalty", "frequency_penalty", "user", "response_format", "logit_bias"}

// ParamsSet lists the optional parameters req sets, in ChatParams' order.
func ParamsSet(req *pb.ChatRequest) []string {
	var out []string
	set := map[string]bool{
		"stop":              len(req.GetStop()) > 0,
		"seed":              req.Seed != nil,
		"top_p":             req.TopP != nil,
		"presence_penalty":  req.PresencePenalty != nil,
		"frequency_penalty": req.FrequencyPenalty != nil,
		"user":              req.GetUser() != "",
		"response_format":   req.GetResponseFormat() != "" && req.GetResponseFormat() != "text",
		"logit_bias":        len(req.GetLogitBias()) > 0,
	}
	for _, p := range ChatParams {
		if set[p] {
			out = append(out, p)
		}
	}
	return out
}

// DropParam clears parameter name from req (the pipeline's drop_params).
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
	}
}
