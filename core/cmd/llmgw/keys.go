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

  create --name NAME [--models a,b] [--rpm N] [--tpm N] [--max-parallel N] [--budget-usd 0.01 --budget-period day|month|total] [--expires-at RFC3339]
         [--team NAME] [--meta k=v]…
  list
  show ID
  update ID [--name NAME] [--models a,b] [--rpm N] [--tpm N] [--max-parallel N] [--budget-usd 0.01] [--budget-period P] [--expires-at RFC3339]
            [--team NAME] [--meta k=v]… [--no-budget] [--no-expiry] [--no-team] [--no-meta]
  rotate ID [--grace-period 1h]
  revoke ID
  teams     the teams (the keys stage's teams config): budget, spend, keys

They talk to a running gateway's admin API (/admin/keys) with
Authorization: Bearer $LLMGW_ADMIN_TOKEN, and print its JSON answer.
update changes only what its flags set (--models "" = every model; --meta
replaces all the metadata) and keeps the spend. rotate gives the key a new
secret and refuses the old one at once (or after --grace-period, up to 720h);
id, limits, budget and spend stay.
The secret key is printed by create and rotate, and never again.
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
		name, models, period, expires, budget, team string
		rpm, tpm, parallel                          int64
		meta                                        multiFlag
		noBudget, noExpiry, noMeta, noTeam          bool
		grace                                       time.Duration
	)
	if cmd == "rotate" {
		fs.DurationVar(&grace, "grace-period", 0, "keep the old secret working this long (e.g. 1h; default: refused at once)")
	}
	if cmd == "update" {
		fs.BoolVar(&noBudget, "no-budget", false, "remove the budget")
		fs.BoolVar(&noExpiry, "no-expiry", false, "remove the expiry")
		fs.BoolVar(&noMeta, "no-meta", false, "remove the metadata")
		fs.BoolVar(&noTeam, "no-team", false, "take the key out of its team")
	}
	if cmd == "create" || cmd == "update" {
		fs.StringVar(&name, "name", "", "a name for the key (who or what uses it)")
		fs.StringVar(&models, "models", "", "comma-separated pipeline models the key may use (default: all)")
		fs.Int64Var(&rpm, "rpm", 0, "requests per minute (0: no own limit)")
		fs.Int64Var(&tpm, "tpm", 0, "tokens per minute (0: no own limit)")
		fs.Int64Var(&parallel, "max-parallel", 0, "requests running at once (0: no limit)")
		fs.StringVar(&budget, "budget-usd", "", "budget in USD, e.g. 0.01")
		fs.StringVar(&period, "budget-period", "", "day, month or total (default total)")
		fs.StringVar(&expires, "expires-at", "", "expiry, RFC 3339 (e.g. 2027-01-01T00:00:00Z)")
		fs.Var(&meta, "meta", "metadata key=value (repeatable)")
		fs.StringVar(&team, "team", "", "a team of the keys stage's teams config, whose budget the key also draws on")
	}
	// Flags may come before or after the key id ("update ID --rpm 5").
	var ids []string
	for rest := args[1:]; ; rest = fs.Args()[1:] {
		if err := fs.Parse(rest); err != nil {
			return 2
		}
		if fs.NArg() == 0 {
			break
		}
		ids = append(ids, fs.Arg(0))
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
	if (cmd == "create" || cmd == "list" || cmd == "teams") && len(ids) > 0 {
		fmt.Fprintf(stderr, "llmgw keys %s: unexpected argument %q (flags are --name value)\n", cmd, ids[0])
		return 2
	}
	switch cmd {
	case "create":
		b, err := createBody(name, models, budget, period, expires, team, rpm, tpm, parallel, meta)
		if err != nil {
			fmt.Fprintln(stderr, "llmgw keys create:", err)
			return 2
		}
		method, path, body = http.MethodPost, "/admin/keys", b
	case "list":
		method, path = http.MethodGet, "/admin/keys"
	case "teams":
		method, path = http.MethodGet, "/admin/teams"
	case "show", "revoke", "update", "rotate":
		if len(ids) != 1 {
			fmt.Fprintf(stderr, "llmgw keys %s: give one key id\n", cmd)
			return 2
		}
		method, path = http.MethodGet, "/admin/keys/"+url.PathEscape(ids[0])
		switch cmd {
		case "revoke":
			method = http.MethodDelete
		case "rotate":
			method, path = http.MethodPost, path+"/rotate"
			if grace < 0 || grace%time.Second != 0 {
				fmt.Fprintln(stderr, "llmgw keys rotate: --grace-period: want whole seconds ≥ 0 (e.g. 90s, 1h)")
				return 2
			}
			if grace > 0 {
				body, _ = json.Marshal(map[string]int64{"grace_period_s": int64(grace / time.Second)})
			}
		case "update":
			set := map[string]bool{}
			fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
			b, err := updateBody(set, name, models, budget, period, expires, team, rpm, tpm, parallel, meta)
			if err != nil {
				fmt.Fprintln(stderr, "llmgw keys update:", err)
				return 2
			}
			method, body = http.MethodPatch, b
		}
	default:
		fmt.Fprintf(stderr, "llmgw keys: unknown command %q\n\n%s", cmd, keysUsage)
		return 2
	}
	return adminCall(strings.TrimRight(*base, "/")+path, method, body, env["LLMGW_ADMIN_TOKEN"], stdout, stderr)
}

// createBody is POST /admin/keys's JSON from the flags.
func createBody(name, models, budget, period, expires, team string, rpm, tpm, parallel int64, meta multiFlag) ([]byte, error) {
	if name == "" {
		return nil, fmt.Errorf("--name is required")
	}
	set := map[string]bool{"name": true, "models": models != "", "rpm": rpm > 0, "tpm": tpm > 0, "max-parallel": parallel > 0, "budget-usd": budget != "",
		"budget-period": period != "", "expires-at": expires != "", "meta": len(meta) > 0, "team": team != ""}
	req, err := keyFields(set, name, models, budget, period, expires, team, rpm, tpm, parallel, meta)
	if err != nil {
		return nil, err
	}
	return json.Marshal(req)
}

// updateBody is PATCH /admin/keys/{id}'s JSON: the fields whose flags were
// set (set holds the flags' names), null for --no-budget, --no-expiry,
// --no-team and --no-meta.
func updateBody(set map[string]bool, name, models, budget, period, expires, team string, rpm, tpm, parallel int64, meta multiFlag) ([]byte, error) {
	req, err := keyFields(set, name, models, budget, period, expires, team, rpm, tpm, parallel, meta)
	if err != nil {
		return nil, err
	}
	for _, c := range [][3]string{{"no-budget", "budget-usd", "budget_usd"}, {"no-expiry", "expires-at", "expires_at"}, {"no-meta", "meta", "metadata"}, {"no-team", "team", "team"}} {
		if set[c[0]] && set[c[1]] {
			return nil, fmt.Errorf("--%s and --%s contradict each other", c[0], c[1])
		}
		if set[c[0]] {
			req[c[2]] = nil
		}
	}
	if len(req) == 0 {
		return nil, fmt.Errorf("nothing to change: set at least one field's flag")
	}
	return json.Marshal(req)
}

// keyFields is a key's JSON fields from the flags that set names.
func keyFields(set map[string]bool, name, models, budget, period, expires, team string, rpm, tpm, parallel int64, meta multiFlag) (map[string]any, error) {
	req := map[string]any{}
	if set["name"] {
		req["name"] = name
	}
	if set["team"] {
		req["team"] = team
	}
	if set["models"] {
		list := []string{}
		for _, m := range strings.Split(models, ",") {
			if m = strings.TrimSpace(m); m != "" {
				list = append(list, m)
			}
		}
		req["models"] = list
	}
	if set["rpm"] {
		req["rpm"] = rpm
	}
	if set["tpm"] {
		req["tpm"] = tpm
	}
	if set["max-parallel"] {
		req["max_parallel"] = parallel
	}
	if set["budget-usd"] {
		req["budget_usd"] = json.Number(budget)
		if !json.Valid([]byte(budget)) {
			return nil, fmt.Errorf("--budget-usd: want a number, got %q", budget)
		}
	}
	if set["budget-period"] {
		req["budget_period"] = period
	}
	if set["expires-at"] {
		if _, err := time.Parse(time.RFC3339, expires); err != nil {
			return nil, fmt.Errorf("--expires-at: want RFC 3339 (2027-01-01T00:00:00Z), got %q", expires)
		}
		req["expires_at"] = expires
	}
	if set["meta"] {
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
	return req, nil
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
