package sim

// Azure OpenAI: `POST /openai/deployments/{deployment}/chat/completions
// ?api-version=…` with the key in an `api-key` header (or a Microsoft Entra
// token as `Authorization: Bearer`). The deployment, not the body's model,
// picks the model: answers, faults and stats go by the deployment name.
// Answers are OpenAI's plus Azure's content-filter annotations; errors are
// Azure's {"error":{"code","message"}} with the code the HTTP status as a
// string ("429") or a name ("DeploymentNotFound", "content_filter").

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"
)

// azurePrefix starts every Azure deployment route.
const azurePrefix = "/openai/deployments/"

// azureVersion is a dated api-version, GA or preview.
var azureVersion = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}(-preview)?$`)

// azureChat answers POST /openai/deployments/{deployment}/chat/completions.
// rest is the path after azurePrefix.
func (s *Simulator) azureChat(w http.ResponseWriter, r *http.Request, rest string) {
	deployment, ok := strings.CutSuffix(rest, "/chat/completions")
	if !ok || deployment == "" || strings.Contains(deployment, "/") {
		writeJSON(w, http.StatusNotFound, jsonType, azureErrorBody{Error: azureErrorDetail{Code: "404", Message: "Resource not found"}})
		return
	}
	switch v := r.URL.Query().Get("api-version"); {
	case v == "":
		// What Azure answers a call without api-version.
		writeJSON(w, http.StatusNotFound, jsonType, azureErrorBody{Error: azureErrorDetail{Code: "404", Message: "Resource not found"}})
		return
	case !azureVersion.MatchString(v):
		writeJSON(w, http.StatusBadRequest, jsonType, azureErrorBody{Error: azureErrorDetail{Code: "BadRequest", Message: "API version not supported"}})
		return
	}
	s.chat(w, r, apiAzure)
}

// azureDeployment is the deployment named in an Azure route's path.
func azureDeployment(r *http.Request) string {
	d, _ := strings.CutSuffix(strings.TrimPrefix(r.URL.Path, azurePrefix), "/chat/completions")
	return d
}

// azureKey is the credential of an Azure call: the api-key header, else a
// bearer token.
func azureKey(r *http.Request) (string, bool) {
	if k := r.Header.Get("api-key"); k != "" {
		return k, true
	}
	return bearerKey(r)
}

// azureAuthMessage is Azure's 401 message for a missing or wrong key.
const azureAuthMessage = "Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource."

// azureErrorBody is Azure OpenAI's error format.
type azureErrorBody struct {
	Error azureErrorDetail `json:"error"`
}

type azureErrorDetail struct {
	Code       string           `json:"code"`
	Message    string           `json:"message"`
	Param      *string          `json:"param,omitempty"`
	Type       *string          `json:"type,omitempty"`
	Status     int              `json:"status,omitempty"`
	InnerError *azureInnerError `json:"innererror,omitempty"`
}

type azureInnerError struct {
	Code                string         `json:"code"`
	ContentFilterResult map[string]any `json:"content_filter_result"`
}

// azureError renders e as Azure does: a content-filter refusal with its
// inner error, a 401/429/5xx with the status as code, else the OpenAI code.
func azureError(e apiError) azureErrorBody {
	d := azureErrorDetail{Code: e.code, Message: e.message}
	switch {
	case e.code == "content_policy_violation" || e.code == "content_filter":
		d.Code, d.Param, d.Status = "content_filter", nullable("prompt"), e.status
		d.Message = "The response was filtered due to the prompt triggering Azure OpenAI's content management policy. Please modify your prompt and retry."
		d.InnerError = &azureInnerError{Code: "ResponsibleAIPolicyViolation", ContentFilterResult: azureFilterResults(true)}
	case e.status == http.StatusUnauthorized:
		d.Code, d.Message = "401", azureAuthMessage
	case e.status == http.StatusTooManyRequests:
		d.Code = "429"
		d.Message = "Requests to the ChatCompletions_Create Operation under Azure OpenAI API have exceeded token rate limit of your current OpenAI S0 pricing tier. Please retry after 1 second." + noteOf(e.message)
	case e.status >= 500:
		d.Code = strconv.Itoa(e.status)
	case d.Code == "":
		d.Code = strconv.Itoa(e.status)
	}
	return azureErrorBody{Error: d}
}

// noteOf keeps the simulator's "(simulated by …)" note of a message.
func noteOf(msg string) string {
	if i := strings.Index(msg, simNote); i >= 0 {
		return msg[i:]
	}
	return ""
}

// azureFilterResults are the content-filter categories Azure annotates
// prompts and answers with.
func azureFilterResults(jailbreak bool) map[string]any {
	safe := map[string]any{"filtered": false, "severity": "safe"}
	return map[string]any{
		"hate": safe, "self_harm": safe, "sexual": safe, "violence": safe,
		"jailbreak": map[string]any{"filtered": jailbreak, "detected": jailbreak},
	}
}

// azurePromptFilter is the prompt_filter_results of an answer.
func azurePromptFilter() []any {
	return []any{map[string]any{"prompt_index": 0, "content_filter_results": azureFilterResults(false)}}
}

// azureFirstChunk is the event an Azure stream starts with: no choices,
// the prompt's filter results.
func azureFirstChunk() map[string]any {
	return map[string]any{"choices": []any{}, "created": 0, "id": "", "model": "", "object": "", "prompt_filter_results": azurePromptFilter()}
}
