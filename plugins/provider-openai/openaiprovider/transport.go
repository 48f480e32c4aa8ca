package openaiprovider

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/llmgw/llmgw/sdk/go/provkit"
)

// maxResponseBody bounds a non-streaming answer read into memory.
const maxResponseBody = 32 << 20

// maxStreamEvent bounds one server-sent event of a streamed answer, so a
// broken upstream cannot make the plugin buffer without limit.
const maxStreamEvent = 8 << 20

// maxErrorBody bounds an error body read for classification.
const maxErrorBody = 64 << 10

// exchange records what go-openai does not expose about one HTTP exchange:
// the response's status and headers and, for a 200, its body. It travels in
// the request's context from Complete to the doer and back.
type exchange struct {
	patch  bodyPatch
	status int
	header http.Header
	body   []byte // the full body of a 2xx answer (non-streaming calls only), or an error body
}

type exchangeKey struct{}

func withExchange(ctx context.Context, x *exchange) context.Context {
	return context.WithValue(ctx, exchangeKey{}, x)
}

func exchangeFrom(ctx context.Context) *exchange {
	x, _ := ctx.Value(exchangeKey{}).(*exchange)
	return x
}

// doer is the HTTP client go-openai calls through (its ClientConfig.HTTPClient)
// and the one the stream path uses. It adds the instance's extra headers,
// patches the zero sampling fields into the body, and records the exchange.
type doer struct {
	client  *http.Client
	headers map[string]string
}

// Do implements openai.HTTPDoer.
func (d *doer) Do(req *http.Request) (*http.Response, error) {
	for k, v := range d.headers {
		req.Header.Set(k, v)
	}
	x := exchangeFrom(req.Context())
	if x != nil && !x.patch.empty() && req.Body != nil {
		body, err := io.ReadAll(req.Body)
		_ = req.Body.Close()
		if err != nil {
			return nil, fmt.Errorf("reading request body: %w", err)
		}
		body = x.patch.apply(body)
		req.Body = io.NopCloser(bytes.NewReader(body))
		req.ContentLength = int64(len(body))
		req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	}
	resp, err := d.client.Do(req)
	if err != nil || x == nil {
		return resp, err
	}
	x.status = resp.StatusCode
	x.header = resp.Header
	if resp.StatusCode/100 == 2 && req.Header.Get("Accept") != "text/event-stream" {
		// Buffer the answer: Complete needs it to find an error sent inside a
		// 200, and to tell a malformed body from a cut connection.
		body, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBody+1))
		_ = resp.Body.Close()
		if err != nil {
			return nil, err
		}
		if len(body) > maxResponseBody {
			return nil, errBodyTooLarge
		}
		x.body = body
		resp.Body = io.NopCloser(bytes.NewReader(body))
	} else if resp.StatusCode/100 != 2 {
		// Keep the error body: go-openai's APIError drops what classes some
		// of them (OpenRouter's moderation metadata).
		body, err := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
		_ = resp.Body.Close()
		if err != nil {
			return nil, err
		}
		x.body = body
		resp.Body = io.NopCloser(bytes.NewReader(body))
	}
	return resp, nil
}

// errBodyTooLarge is returned for a non-streaming answer over maxResponseBody.
var errBodyTooLarge = fmt.Errorf("upstream answer larger than %d bytes", maxResponseBody)

// newHTTPClient returns the instance's client: the provider kit's
// keep-alive pool (sized for many concurrent calls to one upstream host) and
// no redirects (a redirect would resend the key elsewhere). timeout bounds a
// whole call; the host enforces first-byte and idle deadlines through the
// context.
func newHTTPClient(timeout time.Duration) *http.Client {
	return &http.Client{Transport: provkit.NewTransport(), Timeout: timeout, CheckRedirect: provkit.NoRedirect}
}
