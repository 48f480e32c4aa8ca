package provkit

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	sdk "github.com/llmgw/llmgw/sdk/go"
)

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errors.New("connection reset") }

func TestDecodeAnswer(t *testing.T) {
	answer := func(body io.Reader) *http.Response {
		return &http.Response{StatusCode: 200, Body: io.NopCloser(body)}
	}
	var v struct{ ID string }
	if err := DecodeAnswer(answer(strings.NewReader(`{"ID":"x"}`)), "p: ", &v, nil); err != nil || v.ID != "x" {
		t.Fatalf("a JSON answer: %v, %+v", err, v)
	}
	for name, tc := range map[string]struct {
		body io.Reader
		msg  string
	}{
		"not JSON":  {strings.NewReader("<html>"), "p: malformed answer (invalid JSON)"},
		"too large": {io.LimitReader(neverEnding('a'), MaxAnswerBody+2), "p: answer too large"},
	} {
		err := DecodeAnswer(answer(tc.body), "p: ", &v, nil)
		pe := sdk.AsProviderError(err)
		if pe == nil || pe.Class != sdk.ClassUpstream5xx || pe.Message != tc.msg {
			t.Errorf("%s: %v, want upstream_5xx %q", name, err, tc.msg)
		}
	}
	readErr := errors.New("classed by the caller")
	if err := DecodeAnswer(answer(failingReader{}), "p: ", &v, func(error) error { return readErr }); err != readErr {
		t.Errorf("a failed read: %v, want the caller's classing", err)
	}
}

type neverEnding byte

func (b neverEnding) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(b)
	}
	return len(p), nil
}
