package provkit

import (
	"encoding/json"
	"io"
	"net/http"

	sdk "github.com/llmgw/llmgw/sdk/go"
)

// MaxAnswerBody bounds a plain (non-streamed) upstream answer read into
// memory, so a broken upstream cannot make a plugin buffer without limit.
const MaxAnswerBody = 32 << 20

// DecodeAnswer reads a plain upstream answer of at most MaxAnswerBody bytes
// and decodes its JSON into v. A failed read goes to readFailed, which
// classes it (the caller knows its contexts and deadlines); an answer too
// large or not JSON is an upstream failure, its message led by prefix
// ("gemini: ").
func DecodeAnswer(resp *http.Response, prefix string, v any, readFailed func(error) error) error {
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxAnswerBody+1))
	if err != nil {
		return readFailed(err)
	}
	if len(body) > MaxAnswerBody {
		return sdk.Fail(sdk.ClassUpstream5xx, resp.StatusCode, 0, "", prefix+"answer too large")
	}
	if err := json.Unmarshal(body, v); err != nil {
		return sdk.Fail(sdk.ClassUpstream5xx, resp.StatusCode, 0, "", prefix+"malformed answer (invalid JSON)")
	}
	return nil
}
