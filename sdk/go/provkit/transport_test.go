package provkit

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"syscall"
	"testing"
	"time"

	sdk "github.com/llmgw/llmgw/sdk/go"
)

func TestCallFailure(t *testing.T) {
	bg := context.Background()

	// The caller gave up: its own error, unclassified.
	gone, cancel := context.WithCancel(bg)
	cancel()
	if err := CallFailure(gone, gone, errors.New("x"), time.Second, "p: ", "while streaming"); !errors.Is(err, context.Canceled) {
		t.Fatalf("caller gone: %v", err)
	}

	// The instance's timeout passed: a timeout naming it.
	call, cancel2 := context.WithDeadline(bg, time.Now().Add(-time.Second))
	defer cancel2()
	var e *sdk.Error
	err := CallFailure(bg, call, context.DeadlineExceeded, 90*time.Second, "p: ", "before answering")
	if !errors.As(err, &e) || e.PE.Class != sdk.ClassTimeout || e.PE.Message != "p: no complete answer within 1m30s" {
		t.Fatalf("timeout: %v", err)
	}

	// A transport failure: classified, the Go error's text left out.
	err = CallFailure(bg, bg, &wrapped{syscall.ECONNREFUSED}, time.Second, "p: ", "before answering")
	if !errors.As(err, &e) || e.PE.Class != sdk.ClassTransport || e.PE.Message != "p: upstream refused the connection before answering" {
		t.Fatalf("refused: %v", err)
	}
}

type wrapped struct{ err error }

func (w *wrapped) Error() string { return "dial tcp https://key@host/?key=secret: " + w.err.Error() }
func (w *wrapped) Unwrap() error { return w.err }

func TestNoRedirect(t *testing.T) {
	var hops int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hops++
		http.Redirect(w, r, "/elsewhere", http.StatusTemporaryRedirect)
	}))
	defer srv.Close()
	c := &http.Client{Transport: NewTransport(), CheckRedirect: NoRedirect}
	resp, err := c.Post(srv.URL, "application/json", strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusTemporaryRedirect || hops != 1 {
		t.Fatalf("followed the redirect: %d after %d hops", resp.StatusCode, hops)
	}
}
