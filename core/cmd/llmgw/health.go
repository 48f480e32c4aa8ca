package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/llmgw/llmgw/core/config"
)

// health is `llmgw health`: it asks a running gateway for GET /health and
// exits 0 when the answer is 200, 1 otherwise. The container image uses it
// as its HEALTHCHECK, because that image has no shell and no curl.
func health(args []string) int {
	return runHealth(args, os.Environ(), os.Stdout, os.Stderr)
}

func runHealth(args, environ []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("health", flag.ContinueOnError)
	fs.SetOutput(stderr)
	url := fs.String("url", "", "the gateway's base URL (default: from LLMGW_LISTEN, else http://127.0.0.1:8000)")
	timeout := fs.Duration("timeout", 5*time.Second, "how long to wait for the answer")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *url == "" {
		// The same layered settings as serve (defaults, then LLMGW_*), so
		// the check asks where the gateway listens.
		s, err := config.LoadSettings(nil, environ, nil)
		if err != nil {
			fmt.Fprintln(stderr, "llmgw health:", err)
			return 1
		}
		*url = "http://" + dialable(s.Listen)
	}
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, *url+"/health", nil)
	if err != nil {
		fmt.Fprintln(stderr, "llmgw health:", err)
		return 1
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		fmt.Fprintln(stderr, "llmgw health:", err)
		return 1
	}
	defer resp.Body.Close()
	var body struct {
		Status     string `json:"status"`
		Generation uint64 `json:"generation"`
	}
	_ = json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&body)
	if resp.StatusCode != http.StatusOK {
		fmt.Fprintf(stderr, "llmgw health: %s answered %d (status %q)\n", *url, resp.StatusCode, body.Status)
		return 1
	}
	fmt.Fprintf(stdout, "%s: %s (generation %d)\n", *url, body.Status, body.Generation)
	return 0
}

// dialable turns a listen address into one a client can connect to: a
// wildcard host (0.0.0.0, ::, or none) becomes loopback.
func dialable(listen string) string {
	host, port, err := net.SplitHostPort(listen)
	if err != nil {
		return listen
	}
	switch host {
	case "", "0.0.0.0":
		host = "127.0.0.1"
	case "::":
		host = "::1"
	}
	return net.JoinHostPort(host, port)
}
