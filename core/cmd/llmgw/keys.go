package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/llmgw/llmgw/core/config"
)

const keysUsage = `usage: llmgw keys <command> [--url URL] …

  create --name NAME [--models a,b] [--rpm N] [--tpm N] [--budget-usd 0.01 --budget-period day|month|total] [--expires-at RFC3339] [--meta k=v]…
  list
  show ID
  revoke ID

They talk to a running gateway's admin API (/admin/keys) with
Authorization: Bearer $LLMGW_ADMIN_TOKEN, and print its JSON answer.
The secret key is printed once, by create.
`

// keysMain is `llmgw keys …`.
func keysMain(args []string) int {
	return runKeys(args, os.Environ(), os.Stdout, os.Stderr)
}

func runKeys(args, environ []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, keysUsage)
		return 2
	}
	cmd := args[0]
	fs := flag.NewFlagSet("keys "+cmd, flag.ContinueOnError)
	fs.SetOutput(stderr)
	base := fs.String("url", "", "the gateway's base URL (default: from LLMGW_LISTEN, else http://127.0.0.1:8000)")
	var (
		name, models, period, expires, budget string
		rpm, tpm                              int64
		meta                                  multiFlag
	)
	if cmd == "create" {
		fs.StringVar(&name, "name", "", "a name for the key (who or what uses it)")
		fs.StringVar(&models, "models", "", "comma-separated pipeline models the key may use (default: all)")
		fs.Int64Var(&rpm, "rpm", 0, "requests per minute (0: no own limit)")
		fs.Int64Var(&tpm, "tpm", 0, "tokens per minute (0: no own limit)")
		fs.StringVar(&budget, "budget-usd", "", "budget in USD, e.g. 0.01")
		fs.StringVar(&period, "budget-period", "", "day, month or total (default total)")
		fs.StringVar(&expires, "expires-at", "", "expiry, RFC 3339 (e.g. 2027-01-01T00:00:00Z)")
		fs.Var(&meta, "meta", "metadata key=value (repeatable)")
	}
	if err := fs.Parse(args[1:]); err != nil {
		return 2
	}
	env := envMap(environ)
	if *base == "" {
		s, err := config.LoadSettings(nil, environ, nil)
		if err != nil {
			fmt.Fprintln(stderr, "llmgw keys:", err)
			return 1
		}
		*base = "http://" + dialable(s.Listen)
	}
	var method, path string
	var body []byte
	switch cmd {
	case "create":
		b, err := createBody(name, models, budget, period, expires, rpm, tpm, meta)
		if err != nil {
			fmt.Fprintln(stderr, "llmgw keys create:", err)
			return 2
		}
		method, path, body = http.MethodPost, "/admin/keys", b
	case "list":
		method, path = http.MethodGet, "/admin/keys"
	case "show", "revoke":
		if fs.NArg() != 1 {
			fmt.Fprintf(stderr, "llmgw keys %s: give one key id\n", cmd)
			return 2
		}
		method, path = http.MethodGet, "/admin/keys/"+url.PathEscape(fs.Arg(0))
		if cmd == "revoke" {
			method = http.MethodDelete
		}
	default:
		fmt.Fprintf(stderr, "llmgw keys: unknown command %q\n\n%s", cmd, keysUsage)
		return 2
	}
	return adminCall(strings.TrimRight(*base, "/")+path, method, body, env["LLMGW_ADMIN_TOKEN"], stdout, stderr)
}

// createBody is POST /admin/keys's JSON from the flags.
func createBody(name, models, budget, period, expires string, rpm, tpm int64, meta multiFlag) ([]byte, error) {
	if name == "" {
		return nil, fmt.Errorf("--name is required")
	}
	req := map[string]any{"name": name}
	if models != "" {
		var list []string
		for _, m := range strings.Split(models, ",") {
			if m = strings.TrimSpace(m); m != "" {
				list = append(list, m)
			}
		}
		req["models"] = list
	}
	if rpm > 0 {
		req["rpm"] = rpm
	}
	if tpm > 0 {
		req["tpm"] = tpm
	}
	if budget != "" {
		req["budget_usd"] = json.Number(budget)
		if !json.Valid([]byte(budget)) {
			return nil, fmt.Errorf("--budget-usd: want a number, got %q", budget)
		}
	}
	if period != "" {
		req["budget_period"] = period
	}
	if expires != "" {
		if _, err := time.Parse(time.RFC3339, expires); err != nil {
			return nil, fmt.Errorf("--expires-at: want RFC 3339 (2027-01-01T00:00:00Z), got %q", expires)
		}
		req["expires_at"] = expires
	}
	if len(meta) > 0 {
		m := map[string]string{}
		for _, kv := range meta {
			k, v, ok := strings.Cut(kv, "=")
			if !ok || k == "" {
				return nil, fmt.Errorf("--meta: want key=value, got %q", kv)
			}
			m[k] = v
		}
		req["metadata"] = m
	}
	return json.Marshal(req)
}

// adminCall makes one admin request and prints the answer: the JSON on
// success (exit 0), the error message otherwise (exit 1).
func adminCall(u, method string, body []byte, token string, stdout, stderr io.Writer) int {
	if token == "" {
		fmt.Fprintln(stderr, "llmgw keys: set LLMGW_ADMIN_TOKEN to the gateway's admin token")
		return 1
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, u, bytes.NewReader(body))
	if err != nil {
		fmt.Fprintln(stderr, "llmgw keys:", err)
		return 1
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		fmt.Fprintln(stderr, "llmgw keys:", err)
		return 1
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if resp.StatusCode >= 400 {
		var e struct {
			Error struct{ Message string } `json:"error"`
		}
		_ = json.Unmarshal(out, &e)
		fmt.Fprintf(stderr, "llmgw keys: %s answered %d: %s\n", u, resp.StatusCode, e.Error.Message)
		return 1
	}
	if resp.StatusCode == http.StatusNoContent {
		fmt.Fprintln(stdout, "revoked")
		return 0
	}
	var pretty bytes.Buffer
	if json.Indent(&pretty, out, "", "  ") == nil {
		out = pretty.Bytes()
	}
	fmt.Fprintln(stdout, string(out))
	return 0
}

func envMap(environ []string) map[string]string {
	out := map[string]string{}
	for _, kv := range environ {
		if k, v, ok := strings.Cut(kv, "="); ok {
			out[k] = v
		}
	}
	return out
}
