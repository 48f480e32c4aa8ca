package sdk_test

import (
	"strings"
	"testing"
	"time"

	sdk "github.com/llmgw/llmgw/sdk/go"
	pb "github.com/llmgw/llmgw/sdk/go/proto/llmgw/v1"
)

func TestRejectionResponseCarriesEveryField(t *testing.T) {
	resp := sdk.Rejection{
		Status:     429,
		Code:       "too_many_emails",
		Message:    "slow down",
		Param:      "messages",
		Category:   "pii",
		RetryAfter: 1500 * time.Millisecond,
	}.Response()
	if !sdk.IsReject(resp) {
		t.Fatalf("not a rejection: %+v", resp)
	}
	rj := resp.Reject
	got := []any{rj.Status, rj.Type, rj.Code, rj.Message, rj.Param, rj.Category, rj.RetryAfterMs}
	want := []any{int32(429), sdk.TypeRateLimit, "too_many_emails", "slow down", "messages", "pii", int64(1500)}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("field %d: got %v, want %v (empty type must become the status's type)", i, got[i], want[i])
		}
	}
	if err := sdk.ValidateRejection(rj); err != nil {
		t.Errorf("a valid rejection fails on the wire: %v", err)
	}
}

func TestRejectionValidate(t *testing.T) {
	ok := sdk.Rejection{Status: 400, Type: sdk.TypeInvalidRequest, Code: "pii_detected", Message: "m", Category: "pii"}
	if err := ok.Validate(); err != nil {
		t.Fatalf("valid: %v", err)
	}
	for _, st := range []struct {
		status int
		typ    string
	}{{401, sdk.TypeAuthentication}, {403, sdk.TypePermission}, {404, sdk.TypeInvalidRequest}, {413, sdk.TypeInvalidRequest}, {429, sdk.TypeRateLimit}, {503, sdk.TypeServiceUnavailable}} {
		r := ok
		r.Status, r.Type = st.status, st.typ
		if err := r.Validate(); err != nil {
			t.Errorf("%d %s: %v", st.status, st.typ, err)
		}
	}
	bad := map[string]func(r *sdk.Rejection){
		"status 200":                func(r *sdk.Rejection) { r.Status = 200 },
		"status 500":                func(r *sdk.Rejection) { r.Status = 500 },
		"status 0":                  func(r *sdk.Rejection) { r.Status = 0 },
		"type":                      func(r *sdk.Rejection) { r.Type = "pii_error" },
		"type of another status":    func(r *sdk.Rejection) { r.Type = sdk.TypeRateLimit },
		"code":                      func(r *sdk.Rejection) { r.Code = "PII detected" },
		"no code":                   func(r *sdk.Rejection) { r.Code = "" },
		"category":                  func(r *sdk.Rejection) { r.Category = "" },
		"message":                   func(r *sdk.Rejection) { r.Message = "" },
		"negative retry-after":      func(r *sdk.Rejection) { r.Status, r.Type, r.RetryAfter = 429, "", -time.Second },
		"retry-after on a 400":      func(r *sdk.Rejection) { r.RetryAfter = time.Second },
		"category with a space":     func(r *sdk.Rejection) { r.Category = "p ii" },
		"code longer than 64 chars": func(r *sdk.Rejection) { r.Code = strings.Repeat("a", 65) },
	}
	for name, mutate := range bad {
		r := ok
		mutate(&r)
		if err := r.Validate(); err == nil {
			t.Errorf("%s: accepted %+v", name, r)
		}
	}
	if err := sdk.ValidateRejection(&pb.Rejection{Status: 400, Code: "x", Message: "m", Category: "c"}); err == nil {
		t.Error("a wire rejection without a type was accepted")
	}
	if err := sdk.ValidateRejection(nil); err == nil {
		t.Error("a missing rejection was accepted")
	}
}

func TestDeprecatedRejectKeepsItsOrder(t *testing.T) {
	rj := sdk.Reject(400, sdk.TypeInvalidRequest, "blocked_keyword", "keyword", "blocked").Reject //nolint:staticcheck // the deprecated form must keep working
	if rj.Code != "blocked_keyword" || rj.Category != "keyword" || rj.Message != "blocked" || rj.Param != "" {
		t.Fatalf("%+v", rj)
	}
}

func TestPromptParam(t *testing.T) {
	if p := sdk.PromptParam(&sdk.StageRequest{Route: "chat"}); p != "messages" {
		t.Errorf("chat: %q", p)
	}
	if p := sdk.PromptParam(&sdk.StageRequest{Route: "generate"}); p != "prompt" {
		t.Errorf("generate: %q", p)
	}
}
