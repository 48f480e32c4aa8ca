package api

// POST /v1/embeddings: OpenAI's embeddings request and answer. The body is
// decoded here into the pipeline's EmbeddingsRequest; the answer's vectors
// are written as JSON floats or, with encoding_format "base64", as OpenAI
// does: the little-endian float32 bytes of each vector in standard base64
// (the official SDKs ask for base64 by default and decode it).

import (
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"

	sdk "github.com/llmgw/llmgw/sdk/go"
	pb "github.com/llmgw/llmgw/sdk/go/proto/llmgw/v1"

	"github.com/llmgw/llmgw/core/pipeline"
)

func (s *Server) embeddings(w http.ResponseWriter, r *http.Request) {
	s.servePipeline(w, r, embeddingsRoute)
}

// embeddingsBody is the body of POST /v1/embeddings.
type embeddingsBody struct {
	Model          string          `json:"model"`
	Input          json.RawMessage `json:"input"`
	EncodingFormat *string         `json:"encoding_format"`
	Dimensions     *int64          `json:"dimensions"`
	User           string          `json:"user"`
}

var embeddingsFieldCodes = map[string]string{"dimensions": "invalid_value", "encoding_format": "invalid_value", "user": "invalid_value", "model": "invalid_value"}

// decodeEmbeddings turns an OpenAI embeddings body into the pipeline's
// request.
func decodeEmbeddings(body []byte) (*pb.EmbeddingsRequest, *decodeError) {
	var b embeddingsBody
	if err := strictDecode(body, &b, embeddingsFieldCodes); err != nil {
		return nil, err
	}
	if b.Model == "" {
		return nil, badRequest("missing_field", "model", "model is required")
	}
	req := &pb.EmbeddingsRequest{Model: b.Model, User: b.User, EncodingFormat: "float"}
	if b.EncodingFormat != nil {
		switch *b.EncodingFormat {
		case "float", "base64":
			req.EncodingFormat = *b.EncodingFormat
		default:
			return nil, badRequest("invalid_value", "encoding_format", "encoding_format must be \"float\" or \"base64\"")
		}
	}
	if b.Dimensions != nil {
		if *b.Dimensions < 1 || *b.Dimensions > 65536 {
			return nil, badRequest("invalid_value", "dimensions", "dimensions must be an integer between 1 and 65536")
		}
		d := int32(*b.Dimensions)
		req.Dimensions = &d
	}
	if err := decodeInput(b.Input, req); err != nil {
		return nil, err
	}
	return req, nil
}

// decodeInput accepts OpenAI's four input shapes: a string, a list of
// strings, a list of token ids, a list of lists of token ids. Every input
// must be non-empty, and there are at most sdk.MaxEmbeddingInputs.
func decodeInput(raw json.RawMessage, req *pb.EmbeddingsRequest) *decodeError {
	if len(raw) == 0 || string(raw) == "null" {
		return badRequest("missing_field", "input", "input is required: a string or a list of strings")
	}
	var one string
	if json.Unmarshal(raw, &one) == nil {
		req.Input = []string{one}
		return checkInputs(req)
	}
	var items []json.RawMessage
	if json.Unmarshal(raw, &items) != nil {
		return badRequest("invalid_value", "input", "input must be a string, a list of strings, or a list of token ids")
	}
	if len(items) == 0 {
		return badRequest("invalid_value", "input", "input must not be empty")
	}
	if len(items) > sdk.MaxEmbeddingInputs {
		return badRequest("invalid_value", "input", "input has %d items; at most %d inputs per request", len(items), sdk.MaxEmbeddingInputs)
	}
	var strs []string
	if json.Unmarshal(raw, &strs) == nil {
		req.Input = strs
		return checkInputs(req)
	}
	var ids []int64
	if json.Unmarshal(raw, &ids) == nil {
		t, err := tokenIDs(ids, "input")
		if err != nil {
			return err
		}
		req.InputTokens = []*pb.TokenIds{t}
		return nil
	}
	var lists [][]int64
	if json.Unmarshal(raw, &lists) != nil {
		return badRequest("invalid_value", "input", "input must be a string, a list of strings, or a list of token ids (not a mix)")
	}
	for i, l := range lists {
		t, err := tokenIDs(l, fmt.Sprintf("input[%d]", i))
		if err != nil {
			return err
		}
		req.InputTokens = append(req.InputTokens, t)
	}
	return nil
}

// checkInputs refuses empty strings (providers refuse them too, after the
// call was made).
func checkInputs(req *pb.EmbeddingsRequest) *decodeError {
	for i, s := range req.Input {
		if s == "" {
			param := "input"
			if len(req.Input) > 1 {
				param = fmt.Sprintf("input[%d]", i)
			}
			return badRequest("invalid_value", param, "%s must not be empty", param)
		}
	}
	return nil
}

// tokenIDs checks one token-id list.
func tokenIDs(ids []int64, param string) (*pb.TokenIds, *decodeError) {
	if len(ids) == 0 {
		return nil, badRequest("invalid_value", param, "%s must not be empty", param)
	}
	out := &pb.TokenIds{Ids: make([]int32, len(ids))}
	for i, id := range ids {
		if id < 0 || id > math.MaxInt32 {
			return nil, badRequest("invalid_value", param, "%s: token ids are integers between 0 and %d", param, math.MaxInt32)
		}
		out.Ids[i] = int32(id)
	}
	return out, nil
}

// embeddingsWriter writes the embeddings route's answer (never a stream).
type embeddingsWriter struct {
	answer
}

// embeddingJSON is one vector of the answer: a list of floats, or a base64
// string of little-endian float32s.
type embeddingJSON struct {
	Object    string `json:"object"`
	Index     int32  `json:"index"`
	Embedding any    `json:"embedding"`
}

type embeddingsUsageJSON struct {
	PromptTokens int32 `json:"prompt_tokens"`
	TotalTokens  int32 `json:"total_tokens"`
}

type embeddingsJSON struct {
	Object string              `json:"object"`
	Data   []embeddingJSON     `json:"data"`
	Model  string              `json:"model"`
	Usage  embeddingsUsageJSON `json:"usage"`
}

func (e *embeddingsWriter) Complete(res *pipeline.Result, tr *pipeline.Trace) {
	e.setHeaders(tr, res)
	base64Out := e.req.Embeddings.GetEncodingFormat() == "base64"
	out := embeddingsJSON{Object: "list", Model: res.ModelUsed, Data: make([]embeddingJSON, len(res.Embeddings.GetData()))}
	for i, d := range res.Embeddings.GetData() {
		out.Data[i] = embeddingJSON{Object: "embedding", Index: d.GetIndex(), Embedding: d.GetValues()}
		if base64Out {
			out.Data[i].Embedding = encodeFloat32s(d.GetValues())
		}
	}
	if u := res.Usage; u != nil {
		out.Usage = embeddingsUsageJSON{PromptTokens: u.PromptTokens, TotalTokens: max(u.TotalTokens, u.PromptTokens)}
	}
	writeJSON(e.w, http.StatusOK, out)
	e.flush()
}

// encodeFloat32s is OpenAI's base64 encoding of a vector.
func encodeFloat32s(v []float32) string {
	buf := make([]byte, 4*len(v))
	for i, f := range v {
		binary.LittleEndian.PutUint32(buf[4*i:], math.Float32bits(f))
	}
	return base64.StdEncoding.EncodeToString(buf)
}

var errNoStream = errors.New("embeddings are never streamed")

// The stream half of pipeline.Writer: the embeddings route never streams.
func (e *embeddingsWriter) StreamStart(*pipeline.Trace) error                 { return errNoStream }
func (e *embeddingsWriter) StreamChunk(*pb.StreamChunk) error                 { return errNoStream }
func (e *embeddingsWriter) StreamEnd(*pipeline.Result, *pipeline.Trace) error { return errNoStream }
func (e *embeddingsWriter) StreamFail(err *pipeline.Error, tr *pipeline.Trace) {
	e.Error(err, tr)
}
