package provkit

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	sdk "github.com/llmgw/llmgw/sdk/go"
)

// NewTransport is a provider instance's connection pool to its upstream:
// keep-alive, HTTP/2 when the server offers it, and enough idle connections
// per host for a busy gateway. It has no overall timeout: a call (a stream
// included) is bounded by its context.
func NewTransport() *http.Transport {
	return &http.Transport{
		Proxy: http.ProxyFromEnvironment,
		DialContext: (&net.Dialer{
			Timeout:   10 * time.Second,
			KeepAlive: 30 * time.Second,
		}).DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          1024,
		MaxIdleConnsPerHost:   256,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: time.Second,
	}
}

// NoRedirect is an http.Client's CheckRedirect for upstream APIs: they do
// not redirect chat calls, and following one would resend the key headers
// (x-api-key, api-key) to wherever it points.
func NoRedirect(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// CallFailure classifies a failure to get or read an upstream answer. ctx is
// the caller's context: when it is done (the client left, the host's
// deadline passed) its error is returned as it is. callCtx is the call's own
// context, bounded by the instance's timeout: its deadline passing is a
// timeout that says so. Anything else is classed by ClassifyTransport.
// prefix names the provider in the message ("anthropic: "), what says when
// it happened ("while streaming").
func CallFailure(ctx, callCtx context.Context, err error, timeout time.Duration, prefix, what string) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if errors.Is(callCtx.Err(), context.DeadlineExceeded) {
		return sdk.Fail(sdk.ClassTimeout, 0, 0, "", fmt.Sprintf("%sno complete answer within %s", prefix, timeout))
	}
	class, msg := ClassifyTransport(callCtx, err)
	return sdk.Fail(class, 0, 0, "", prefix+msg+" "+what)
}
