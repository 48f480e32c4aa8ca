package cache

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"

	"google.golang.org/protobuf/proto"

	sdk "github.com/llmgw/llmgw/sdk/go"
	pb "github.com/llmgw/llmgw/sdk/go/proto/llmgw/v1"
)

// keyVersion starts every hashed key: a change of what the key covers
// changes it, so old entries are never misread.
const keyVersion = "llmgw-cache-v1"

// namespace is whose answers a request may see: its virtual key's (the
// annotation key.id of the virtual-keys stage), else its bearer token's
// hash, else the anonymous clients'; one namespace for all when shared.
func namespace(shared bool, annotations map[string]string, apiKeyHash string) string {
	if shared {
		return "shared"
	}
	if id := sdk.KeyIdentity(annotations, apiKeyHash); id != "" {
		return id
	}
	return "anonymous"
}

// normalised is the request without what does not change the answer: how
// it is delivered (stream, include_usage), the end-user id, the name the
// client gave the token limit, and the client's metadata.
func normalised(req *pb.ChatRequest) *pb.ChatRequest {
	n := proto.Clone(req).(*pb.ChatRequest)
	n.Stream, n.IncludeUsage, n.User, n.MaxCompletionTokens = false, false, "", false
	n.Metadata = nil // the client's tags change no answer
	return n
}

// hashKey is the hex sha256 of the namespace and the request (every field
// that changes the answer: model, messages with their parts and tool calls,
// tools, tool_choice, response format and schema, sampling parameters).
// Deterministic marshalling orders map entries (logit_bias).
func hashKey(ns string, req proto.Message) string {
	b, err := proto.MarshalOptions{Deterministic: true}.Marshal(req)
	if err != nil {
		return ""
	}
	h := sha256.New()
	h.Write([]byte(keyVersion))
	h.Write([]byte{0})
	h.Write([]byte(ns))
	h.Write([]byte{0})
	h.Write(b)
	return hex.EncodeToString(h.Sum(nil))
}

// embeddingsKey is the key of an embeddings answer: its model, inputs and
// dimensions (the encoding is the host's business, and the end-user id
// changes nothing), apart from every chat key.
func embeddingsKey(ns string, e *pb.EmbeddingsRequest) string {
	n := proto.Clone(e).(*pb.EmbeddingsRequest)
	n.EncodingFormat, n.User = "", ""
	return hashKey("embeddings\x00"+ns, n)
}

// exactKey is the key of the request's answer.
func exactKey(ns string, req *pb.ChatRequest) string {
	return hashKey(ns, normalised(req))
}

// lastUser is the index of the request's last user message, -1 when none.
func lastUser(req *pb.ChatRequest) int {
	for i := len(req.Messages) - 1; i >= 0; i-- {
		if req.Messages[i].Role == "user" {
			return i
		}
	}
	return -1
}

// semanticGroup is the key of the requests a semantic hit may come from:
// the same namespace and request (model, system prompt, earlier turns,
// parameters) but for the words of the last user message. ok is false when
// the request has no last user message of text only.
func semanticGroup(ns string, req *pb.ChatRequest) (group, question string, ok bool) {
	i := lastUser(req)
	if i < 0 || len(req.Messages[i].Parts) > 0 && hasImage(req.Messages[i]) {
		return "", "", false
	}
	n := normalised(req)
	question = strings.TrimSpace(n.Messages[i].Content)
	if question == "" {
		return "", "", false
	}
	n.Messages[i].Content, n.Messages[i].Parts = "", nil
	return hashKey("semantic\x00"+ns, n), question, true
}

func hasImage(m *pb.Message) bool {
	for _, p := range m.Parts {
		if p.Type != "text" {
			return true
		}
	}
	return false
}

// cacheControl reads the request's Cache-Control directives.
func cacheControl(headers map[string]string) (noCache, noStore bool) {
	for _, d := range strings.Split(headers["cache-control"], ",") {
		switch strings.ToLower(strings.TrimSpace(d)) {
		case "no-cache":
			noCache = true
		case "no-store":
			noStore = true
		}
	}
	return noCache, noStore
}

// deterministic reports whether the request asks for a repeatable answer:
// temperature 0 or a seed.
func deterministic(req *pb.ChatRequest) bool {
	return req.Temperature != nil && *req.Temperature == 0 || req.Seed != nil
}
