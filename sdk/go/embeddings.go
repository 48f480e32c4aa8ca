package sdk

import (
	"unicode/utf8"

	pb "github.com/llmgw/llmgw/sdk/go/proto/llmgw/v1"
)

// EmbeddingParams are the optional embeddings parameters a provider may
// declare with ParamCap (e.g. "provider.param.dimensions"), as ChatParams are
// for chat. The host refuses a request that sets one a provider of its
// model's chain did not declare (400 unsupported_parameter) before any call.
var EmbeddingParams = []string{"dimensions", "user"}

// MaxEmbeddingInputs is the most inputs one embeddings request may carry
// (OpenAI's limit; Gemini's batchEmbedContents takes 100 per call, which its
// provider splits).
const MaxEmbeddingInputs = 2048

// EmbeddingParamsSet lists the optional parameters req sets, in
// EmbeddingParams' order.
func EmbeddingParamsSet(req *pb.EmbeddingsRequest) []string {
	var out []string
	if req.Dimensions != nil {
		out = append(out, "dimensions")
	}
	if req.GetUser() != "" {
		out = append(out, "user")
	}
	return out
}

// DropEmbeddingParam clears parameter name from req (a model's drop_params;
// only "user" may be dropped: a vector of another size is another answer).
func DropEmbeddingParam(req *pb.EmbeddingsRequest, name string) {
	if name == "user" {
		req.User = ""
	}
}

// RequestModel is the pipeline model a stage request names, on every route
// (the chat request's model, or the embeddings request's).
func RequestModel(req *pb.StageRequest) string {
	if e := req.GetEmbeddings(); e != nil {
		return e.GetModel()
	}
	return req.GetRequest().GetModel()
}

// AnnotationKeyID is the annotation the virtual-keys stage sets to the id
// of the request's key, for the stages after it.
const AnnotationKeyID = "key.id"

// KeyIdentity names the API key a request came with, for stages that count
// or partition per key: "key:<id>" when an earlier stage named its virtual
// key (AnnotationKeyID; the same across the key's rotated secrets), else
// "bearer:<hash>" of its bearer token, else "" (no key).
func KeyIdentity(annotations map[string]string, apiKeyHash string) string {
	if id := annotations[AnnotationKeyID]; id != "" {
		return "key:" + id
	}
	if apiKeyHash != "" {
		return "bearer:" + apiKeyHash
	}
	return ""
}

// RequestEndUser is the id the client gave its end user: the chat
// request's safety_identifier (OpenAI's successor of user), else its user
// (Anthropic's metadata.user_id arrives as user), or the embeddings
// request's user; "" when none. Stages that read metadata only
// (CapStageMetadata) get these fields too.
func RequestEndUser(req *pb.StageRequest) string {
	if e := req.GetEmbeddings(); e != nil {
		return e.GetUser()
	}
	return chatEndUser(req.GetRequest())
}

// AfterRequestEndUser is RequestEndUser for an After call.
func AfterRequestEndUser(req *pb.StageAfterRequest) string {
	if e := req.GetEmbeddings(); e != nil {
		return e.GetUser()
	}
	return chatEndUser(req.GetRequest())
}

func chatEndUser(c *pb.ChatRequest) string {
	if id := c.GetSafetyIdentifier(); id != "" {
		return id
	}
	return c.GetUser()
}

// AfterRequestModel is RequestModel for an After call.
func AfterRequestModel(req *pb.StageAfterRequest) string {
	if e := req.GetEmbeddings(); e != nil {
		return e.GetModel()
	}
	return req.GetRequest().GetModel()
}

// charsPerToken is the usual rule of thumb for English text with OpenAI's
// and Google's tokenizers: a token is about four characters.
const charsPerToken = 4

// EstimateTextTokens estimates the tokens of s (about four characters a
// token, at least one for a non-empty text): for providers that report no
// counts and for limits that must judge a request before it is sent.
func EstimateTextTokens(s string) int {
	n := utf8.RuneCountInString(s)
	if n == 0 {
		return 0
	}
	return (n + charsPerToken - 1) / charsPerToken
}

// EstimateEmbeddingTokens estimates the input tokens of an embeddings
// request: token-id inputs count exactly, texts by EstimateTextTokens.
func EstimateEmbeddingTokens(req *pb.EmbeddingsRequest) int64 {
	var n int64
	for _, s := range req.GetInput() {
		n += int64(EstimateTextTokens(s))
	}
	for _, ids := range req.GetInputTokens() {
		n += int64(len(ids.GetIds()))
	}
	return n
}
