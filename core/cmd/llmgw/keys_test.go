package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestKeysCLITalksToTheAdminAPI(t *testing.T) {
	var got []string
	var body map[string]any
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = append(got, r.Method+" "+r.URL.Path+" "+r.Header.Get("Authorization"))
		if r.Method == http.MethodPost || r.Method == http.MethodPatch {
			b, _ := io.ReadAll(r.Body)
			_ = json.Unmarshal(b, &body)
			w.WriteHeader(201)
			_, _ = w.Write([]byte(`{"id":"vk_1","key":"llmgw-secret"}`))
			return
		}
		if r.Method == http.MethodDelete {
			w.WriteHeader(204)
			return
		}
		if strings.HasSuffix(r.URL.Path, "/nope") {
			w.WriteHeader(404)
			_, _ = w.Write([]byte(`{"error":{"message":"no key \"nope\""}}`))
			return
		}
		_, _ = w.Write([]byte(`{"data":[]}`))
	}))
	defer srv.Close()
	env := []string{"LLMGW_ADMIN_TOKEN=tok"}
	run := func(args ...string) (int, string, string) {
		var out, errb bytes.Buffer
		code := runKeys(append(args[:1:1], append([]string{"--url", srv.URL}, args[1:]...)...), env, &out, &errb)
		return code, out.String(), errb.String()
	}
	if code, out, _ := run("create", "--name", "team", "--models", "a, b", "--budget-usd", "0.01", "--budget-period", "day", "--meta", "team=x", "--team", "research"); code != 0 || !strings.Contains(out, "llmgw-secret") {
		t.Fatalf("create: %d %s", code, out)
	}
	if body["name"] != "team" || body["budget_usd"] != 0.01 || body["budget_period"] != "day" || len(body["models"].([]any)) != 2 || body["metadata"].(map[string]any)["team"] != "x" || body["team"] != "research" {
		t.Fatalf("create body: %v", body)
	}
	if code, _, _ := run("list"); code != 0 {
		t.Fatal("list failed")
	}
	if code, out, _ := run("revoke", "vk_1"); code != 0 || !strings.Contains(out, "revoked") {
		t.Fatalf("revoke: %d %s", code, out)
	}
	if code, _, errOut := run("show", "nope"); code != 1 || !strings.Contains(errOut, `no key "nope"`) {
		t.Fatalf("show unknown: %d %s", code, errOut)
	}
	// update sends only the fields its flags set, null for the --no-… ones,
	// whether the flags come before or after the id.
	for _, args := range [][]string{
		{"update", "vk_1", "--rpm", "0", "--models", "", "--no-budget", "--meta", "a=b", "--max-parallel", "4"},
		{"update", "--rpm", "0", "--models", "", "--no-budget", "--meta", "a=b", "--max-parallel", "4", "vk_1"},
	} {
		body = nil
		if code, _, errOut := run(args...); code != 0 {
			t.Fatalf("%v: %d %s", args, code, errOut)
		}
		if b, _ := json.Marshal(body); string(b) != `{"budget_usd":null,"max_parallel":4,"metadata":{"a":"b"},"models":[],"rpm":0}` {
			t.Errorf("%v sent %s", args, b)
		}
	}
	body = nil
	if code, _, errOut := run("update", "vk_1", "--no-team"); code != 0 {
		t.Fatalf("update --no-team: %d %s", code, errOut)
	}
	if b, _ := json.Marshal(body); string(b) != `{"team":null}` {
		t.Errorf("update --no-team sent %s", b)
	}
	if code, _, _ := run("teams"); code != 0 {
		t.Fatal("teams failed")
	}
	if code, out, _ := run("rotate", "vk_1"); code != 0 || !strings.Contains(out, "llmgw-secret") {
		t.Fatalf("rotate: %d %s", code, out)
	}
	body = nil
	if code, _, _ := run("rotate", "vk_1", "--grace-period", "1h"); code != 0 || body["grace_period_s"] != 3600.0 {
		t.Fatalf("rotate with a grace period: %d %v", code, body)
	}
	for _, args := range [][]string{{"update", "vk_1"}, {"update", "vk_1", "--no-expiry", "--expires-at", "2030-01-01T00:00:00Z"}, {"rotate"}, {"update", "vk_1", "vk_2", "--rpm", "1"}, {"list", "extra"}, {"rotate", "vk_1", "--grace-period", "1.5s"}, {"teams", "x"}, {"update", "vk_1", "--team", "a", "--no-team"}} {
		if code, _, _ := run(args...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
	want := []string{"POST /admin/keys Bearer tok", "GET /admin/keys Bearer tok", "DELETE /admin/keys/vk_1 Bearer tok", "GET /admin/keys/nope Bearer tok",
		"PATCH /admin/keys/vk_1 Bearer tok", "PATCH /admin/keys/vk_1 Bearer tok", "PATCH /admin/keys/vk_1 Bearer tok", "GET /admin/teams Bearer tok", "POST /admin/keys/vk_1/rotate Bearer tok", "POST /admin/keys/vk_1/rotate Bearer tok"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("calls %q", got)
	}
	if code := runKeys([]string{"create"}, env, io.Discard, io.Discard); code != 2 {
		t.Fatalf("create without --name: exit %d", code)
	}
	if code := runKeys([]string{"list", "--url", srv.URL}, nil, io.Discard, io.Discard); code != 1 {
		t.Fatalf("without LLMGW_ADMIN_TOKEN: exit %d", code)
	}
}
