package api

import (
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"math"
	"net/http/httptest"
	"strings"
	"testing"

	pb "github.com/llmgw/llmgw/sdk/go/proto/llmgw/v1"

	"github.com/llmgw/llmgw/core/pipeline"
)

func TestDecodeEmbeddingsShapes(t *testing.T) {
	for _, c := range []struct {
		body   string
		inputs int
		tokens int
	}{
		{`{"model":"m","input":"one"}`, 1, 0},
		{`{"model":"m","input":["one","two","three"],"encoding_format":"base64","dimensions":256,"user":"u"}`, 3, 0},
		{`{"model":"m","input":[1,2,3]}`, 0, 1},
		{`{"model":"m","input":[[1,2],[3]],"encoding_format":null,"dimensions":null}`, 0, 2},
	} {
		req, err := decodeEmbeddings([]byte(c.body))
		if err != nil {
			t.Errorf("%s: %v", c.body, err)
			continue
		}
		if len(req.Input) != c.inputs || len(req.InputTokens) != c.tokens || req.EncodingFormat == "" {
			t.Errorf("%s: %v", c.body, req)
		}
	}
	req, _ := decodeEmbeddings([]byte(`{"model":"m","input":["a"],"encoding_format":"base64","dimensions":256,"user":"u"}`))
	if req.EncodingFormat != "base64" || req.GetDimensions() != 256 || req.User != "u" {
		t.Errorf("fields: %v", req)
	}
}

func TestDecodeEmbeddingsErrors(t *testing.T) {
	many := `["` + strings.Repeat(`x","`, 2048) + `x"]`
	for _, c := range []struct{ body, code, param string }{
		{`{"input":"x"}`, "missing_field", "model"},
		{`{"model":"m"}`, "missing_field", "input"},
		{`{"model":"m","input":""}`, "invalid_value", "input"},
		{`{"model":"m","input":[]}`, "invalid_value", "input"},
		{`{"model":"m","input":["a",""]}`, "invalid_value", "input[1]"},
		{`{"model":"m","input":` + many + `}`, "invalid_value", "input"},
		{`{"model":"m","input":["a",1]}`, "invalid_value", "input"},
		{`{"model":"m","input":[[1],[]]}`, "invalid_value", "input[1]"},
		{`{"model":"m","input":[-1]}`, "invalid_value", "input"},
		{`{"model":"m","input":{"text":"x"}}`, "invalid_value", "input"},
		{`{"model":"m","input":"x","encoding_format":"int8"}`, "invalid_value", "encoding_format"},
		{`{"model":"m","input":"x","dimensions":0}`, "invalid_value", "dimensions"},
		{`{"model":"m","input":"x","dimensions":"8"}`, "invalid_value", "dimensions"},
		{`{"model":"m","input":"x","colour":"red"}`, "unknown_field", "colour"},
	} {
		_, err := decodeEmbeddings([]byte(c.body))
		if err == nil || err.status != 400 || err.code != c.code || err.param != c.param {
			t.Errorf("%.80s: %+v, want %s/%s", c.body, err, c.code, c.param)
		}
	}
}

func TestEmbeddingsAnswerFloatAndBase64(t *testing.T) {
	vec := []float32{0.5, -0.25, float32(math.Pi)}
	res := &pipeline.Result{ModelUsed: "embed-openai", Provider: "openai", Usage: &pb.Usage{PromptTokens: 7},
		Embeddings: &pb.EmbedResponse{Data: []*pb.Embedding{{Index: 0, Values: vec}}}}
	for _, format := range []string{"float", "base64"} {
		rec := httptest.NewRecorder()
		req := &pipeline.Request{Route: pipeline.RouteEmbeddings, Embeddings: &pb.EmbeddingsRequest{EncodingFormat: format}}
		w := &embeddingsWriter{answer{w: rec, r: httptest.NewRequest("POST", "/v1/embeddings", nil), req: req}}
		w.Complete(res, &pipeline.Trace{Headers: map[string]string{}})
		var out struct {
			Object string `json:"object"`
			Model  string `json:"model"`
			Data   []struct {
				Object    string          `json:"object"`
				Index     int             `json:"index"`
				Embedding json.RawMessage `json:"embedding"`
			} `json:"data"`
			Usage map[string]int `json:"usage"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
			t.Fatal(err)
		}
		if out.Object != "list" || out.Model != "embed-openai" || out.Data[0].Object != "embedding" || out.Usage["prompt_tokens"] != 7 || out.Usage["total_tokens"] != 7 || len(out.Usage) != 2 {
			t.Errorf("%s: %s", format, rec.Body)
		}
		var got []float32
		if format == "float" {
			if err := json.Unmarshal(out.Data[0].Embedding, &got); err != nil {
				t.Fatal(err)
			}
		} else {
			var s string
			_ = json.Unmarshal(out.Data[0].Embedding, &s)
			raw, err := base64.StdEncoding.DecodeString(s)
			if err != nil || len(raw) != 12 {
				t.Fatalf("base64 %q: %v", s, err)
			}
			for i := 0; i < len(raw); i += 4 {
				got = append(got, math.Float32frombits(binary.LittleEndian.Uint32(raw[i:])))
			}
		}
		for i := range vec {
			if got[i] != vec[i] {
				t.Errorf("%s: component %d = %v, want %v", format, i, got[i], vec[i])
			}
		}
	}
}
