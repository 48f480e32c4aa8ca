package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// piiLogic is what a newcomer writes into the scaffolded stage: block a
// prompt holding an email address or a card number, with the rejection
// builder. Config defaults are filled in before decoding.
const piiLogic = `// Package piiguard blocks prompts that carry personal data.
package piiguard

import (
	"context"
	"regexp"
	"strings"

	sdk "github.com/llmgw/llmgw/sdk/go"
)

// Config is the stage's config block.
type Config struct {
	// Block lists what to look for: "email", "card".
	Block []string ` + "`json:\"block\"`" + `
}

var patterns = map[string]*regexp.Regexp{
	"email": regexp.MustCompile(` + "`[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}`" + `),
	"card":  regexp.MustCompile(` + "`\\b\\d(?:[ -]?\\d){12,18}\\b`" + `),
}

// Stage is one configured instance.
type Stage struct{ block []string }

// Plugin describes the binary to sdk.Serve.
func Plugin(version string) sdk.Plugin {
	return sdk.Plugin{Name: "pii-guard", Version: version, Stage: New}
}

// New builds an instance: the defaults first, then the config over them.
func New(c sdk.Config) (sdk.Stage, error) {
	cfg := Config{Block: []string{"email", "card"}}
	if err := c.Decode(&cfg); err != nil {
		return nil, err
	}
	for _, b := range cfg.Block {
		if patterns[b] == nil {
			return nil, sdk.ConfigError("field \"block\": unknown kind %q (email, card)", b)
		}
	}
	return &Stage{block: cfg.Block}, nil
}

// Process refuses a prompt with personal data in it.
func (s *Stage) Process(_ context.Context, req *sdk.StageRequest) (*sdk.StageResponse, error) {
	for _, m := range req.GetRequest().GetMessages() {
		for _, kind := range s.block {
			if patterns[kind].MatchString(m.GetContent()) {
				return sdk.Rejection{
					Status:   400,
					Type:     sdk.TypeInvalidRequest,
					Code:     "pii_detected",
					Message:  "the prompt contains personal data (" + kind + ")",
					Param:    sdk.PromptParam(req),
					Category: "pii",
				}.Response(), nil
			}
		}
	}
	return sdk.Continue(), nil
}

// Info is shown in /security-status.
func (s *Stage) Info() map[string]string {
	return map[string]string{"block": strings.Join(s.block, ",")}
}
`

// piiLogicTest replaces the scaffold's keyword test: the newcomer's unit
// test, with the conformance suite kept.
const piiLogicTest = `package piiguard_test

import (
	"context"
	"testing"

	sdk "github.com/llmgw/llmgw/sdk/go"
	"github.com/llmgw/llmgw/sdk/go/sdktest"

	"example.com/llmgw-plugins/pii-guard/piiguard"
)

func TestBlocksPII(t *testing.T) {
	h := sdktest.Start(t, piiguard.Plugin("test"))
	id := h.MustConfigure(t, sdk.KindStage, "pii-guard", "{}")
	for text, blocked := range map[string]bool{
		"write to jane.doe@example.com": true,
		"card 4111 1111 1111 1111":      true,
		"What is the capital of France?": false,
	} {
		resp, err := h.Process(context.Background(), id, &sdk.StageRequest{Route: "chat", Request: &sdk.ChatRequest{Messages: []*sdk.Message{{Role: "user", Content: text}}}})
		if err != nil || sdk.IsReject(resp) != blocked {
			t.Fatalf("%q: %v %+v", text, err, resp)
		}
		if blocked && (resp.Reject.Code != "pii_detected" || resp.Reject.Param != "messages" || resp.Reject.Category != "pii") {
			t.Fatalf("%q: %+v", text, resp.Reject)
		}
	}
	if _, err := h.Configure(context.Background(), sdk.KindStage, "pii-guard", ` + "`" + `{"block": ["phone"]}` + "`" + `); err == nil {
		t.Fatal("an unknown kind was accepted")
	}
}

func TestConformance(t *testing.T) {
	sdktest.Conformance(t, piiguard.Plugin("test"), sdktest.ConformanceOptions{Configs: map[string]string{sdk.KindStage: "{}"}})
}
`

// configBlockRE is the scaffold snippet's config block, which the newcomer
// replaces with the stage's own.
var configBlockRE = regexp.MustCompile(`(?s)\n    config = \{.*?\n    \}\n`)

// newcomerStage follows a newcomer's first plugin, as in
// docs/writing-plugins.md: `bin/llmgw plugin new pii-guard --kind stage`
// outside the repository, the logic rewritten with the rejection builder,
// its tests, `bin/llmgw plugin check`, the stage loaded in a copy of the
// pipeline on a free port, 400 with code, param and category for an email
// and 200 for a clean prompt, a live config edit that takes effect, and a
// bad edit refused with file:line:col while the old pipeline keeps serving.
func newcomerStage(t *testing.T, cli string) {
	dir := filepath.Join(t.TempDir(), "pii-guard")
	out, code := runCmd(t, 2*time.Minute, "", nil, cli, "plugin", "new", "pii-guard", "--kind", "stage", "--dir", dir)
	if code != 0 {
		t.Fatalf("plugin new: exit %d\n%s", code, out)
	}
	bin := filepath.Join(dir, "pii-guard")
	// The printed next steps are the commands that work from here.
	if want := "bin/llmgw plugin check " + bin; !strings.Contains(out, want) {
		t.Errorf("next steps lack %q:\n%s", want, out)
	}
	for name, text := range map[string]string{"piiguard/piiguard.go": piiLogic, "piiguard/piiguard_test.go": piiLogicTest} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if out, code := runCmd(t, 3*time.Minute, dir, goOffline, "go", "test", "-count=1", "./..."); code != 0 {
		t.Fatalf("go test: exit %d\n%s", code, out)
	}
	goBuild(t, dir, bin)
	if out, code := runCmd(t, 2*time.Minute, "", nil, cli, "plugin", "check", bin); code != 0 || !strings.Contains(out, "0 failed") {
		t.Fatalf("plugin check: exit %d\n%s", code, out)
	}

	snippet, err := os.ReadFile(filepath.Join(dir, "pipeline.snippet.hcl"))
	if err != nil || !configBlockRE.Match(snippet) {
		t.Fatalf("the snippet has no config block to edit (update this test): %v\n%s", err, snippet)
	}
	s := startSim(t)
	pipeline := func(config string) string {
		return providersHCL(s) + configBlockRE.ReplaceAllLiteralString(string(snippet), "\n    config = {\n      "+config+"\n    }\n")
	}
	g := startGateway(t, writePipeline(t, pipeline(`block = ["email", "card"]`)))
	chat := func(text string) reply {
		return postJSON(t, g.url()+"/v1/chat/completions", map[string]any{"model": "gpt-4o-primary", "messages": []map[string]string{{"role": "user", "content": text}}}, nil)
	}
	const email, card, clean = "mail me at jane.doe@example.com", "my card is 4111 1111 1111 1111", "What is the capital of France?"

	r := chat(email)
	wantPII(t, r, "messages")
	if r := postJSON(t, g.url()+"/generate", map[string]any{"prompt": card}, nil); r.status != 400 {
		t.Fatalf("a card number on /generate: %d %s", r.status, r.body)
	} else {
		wantPII(t, r, "prompt")
	}
	if n, _ := s.requests(t); n != 0 {
		t.Fatalf("a blocked prompt reached the upstream (%d requests)", n)
	}
	if r := chat(clean); r.status != 200 {
		t.Fatalf("a clean prompt: %d %s", r.status, r.body)
	}
	checkPIIMetrics(t, g, 2)

	// A live edit: only card numbers now.
	replaceFile(t, g.file, pipeline(`block = ["card"]`))
	waitFor(t, "the edited config to take effect", 5*time.Second, func() bool {
		return chat(email).status == 200 && chat(card).status == 400
	})
	gen := health(t, g).Generation

	// A bad edit: the plugin refuses the config; the position is the key's.
	bad := pipeline(`block = ["phone"]`)
	replaceFile(t, g.file, bad)
	before, _, _ := strings.Cut(bad, `block = ["phone"]`)
	pos := fmt.Sprintf("pipeline.hcl:%d:%d:", strings.Count(before, "\n")+1, len(before)-strings.LastIndex(before, "\n"))
	waitFor(t, "the bad edit to be refused", 5*time.Second, func() bool { return !health(t, g).LastReload.OK })
	h := health(t, g)
	if !strings.Contains(h.LastReload.Error, pos) || !strings.Contains(h.LastReload.Error, `unknown kind "phone"`) {
		t.Errorf("last_reload.error lacks %s and the plugin's message: %q", pos, h.LastReload.Error)
	}
	if h.Generation != gen {
		t.Errorf("generation %d after a refused edit, want %d (the old pipeline serving)", h.Generation, gen)
	}
	if r := chat(card); r.status != 400 {
		t.Errorf("after the bad edit the old config stopped serving: card → %d %s", r.status, r.body)
	}
	if r := chat(email); r.status != 200 {
		t.Errorf("after the bad edit the old config stopped serving: email → %d %s", r.status, r.body)
	}
	// The refused edit used no generation number: the next good one is gen+1.
	replaceFile(t, g.file, pipeline(`block = ["email"]`))
	waitFor(t, "the fixed edit to take effect", 5*time.Second, func() bool { return health(t, g).LastReload.OK })
	if h := health(t, g); h.Generation != gen+1 {
		t.Errorf("generation %d after a refused then a good edit, want %d", h.Generation, gen+1)
	}
}

// wantPII checks a pii-guard refusal in the error JSON.
func wantPII(t *testing.T, r reply, param string) {
	t.Helper()
	if r.status != 400 || r.errorCode(t) != "pii_detected" {
		t.Fatalf("want 400 pii_detected: %d %s", r.status, r.body)
	}
	e := r.json(t)["error"].(map[string]any)
	if e["type"] != "invalid_request_error" || e["param"] != param || !strings.Contains(fmt.Sprint(e["message"]), "personal data") {
		t.Fatalf("want type invalid_request_error, param %q: %s", param, r.body)
	}
	if strings.Contains(string(r.body), "jane.doe") || strings.Contains(string(r.body), "4111") {
		t.Fatalf("the refusal repeats the personal data: %s", r.body)
	}
}

// checkPIIMetrics checks the refusals' category in /security-metrics and
// their code and category in /metrics, as the guide's Rejections section
// says.
func checkPIIMetrics(t *testing.T, g *gateway, blocked int) {
	t.Helper()
	var sec struct {
		Blocked    int            `json:"blocked_requests"`
		Categories map[string]int `json:"categories"`
	}
	if err := json.Unmarshal(get(t, g.url()+"/security-metrics").body, &sec); err != nil {
		t.Fatal(err)
	}
	if sec.Blocked != blocked || sec.Categories["pii"] != blocked {
		t.Errorf("/security-metrics: %+v, want %d blocked in category pii", sec, blocked)
	}
	want := fmt.Sprintf(`llmgw_stage_verdicts_total{category="pii",code="pii_detected"} %d`, blocked)
	if m := string(get(t, g.url()+"/metrics").body); !strings.Contains(m, want) ||
		!strings.Contains(m, `llmgw_requests_total{model="gpt-4o-primary",route="chat",status="400"} 1`) {
		t.Errorf("/metrics lacks %s or the chat request's status 400", want)
	}
}

// gatewayHealth is the part of /health the reload checks read.
type gatewayHealth struct {
	Generation int
	LastReload struct {
		OK    bool
		Error string
	} `json:"last_reload"`
}

func health(t *testing.T, g *gateway) gatewayHealth {
	t.Helper()
	var h gatewayHealth
	if err := json.Unmarshal(get(t, g.url()+"/health").body, &h); err != nil {
		t.Fatal(err)
	}
	return h
}
