package config

import (
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"
	"time"
)

const base = `
plugin "p" {
  path = "bin/p"
}

provider "prov" {
  plugin = "p"
  config = {
    api_key = env("TEST_KEY", "none")
    n       = 3
    nested  = { a = [1, 2] }
  }
}

model "m1" {
  provider = "prov"
  upstream = "u1"
}

model "m2" {
  provider = "prov"
  upstream = "u2"
  first_byte_timeout = "2s"
  retries = 2
}

model "chain" {
  fallback = ["m1", "m2"]
}
`

func lookup(env map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := env[k]; return v, ok }
}

func TestParseResolvesEverything(t *testing.T) {
	spec, err := Parse("/etc/llmgw/pipeline.hcl", []byte(base), lookup(map[string]string{"TEST_KEY": "secret"}))
	if err != nil {
		t.Fatal(err)
	}
	if got := spec.Plugins["p"].Path; got != "/etc/llmgw/bin/p" {
		t.Errorf("relative plugin path resolves against the file's dir: %q", got)
	}
	if !spec.Plugins["p"].AutoMTLS {
		t.Error("AutoMTLS is on by default")
	}
	if got := string(spec.Providers["prov"].Config); got != `{"api_key":"secret","n":3,"nested":{"a":[1,2]}}` {
		t.Errorf("config JSON: %s", got)
	}
	if strings.Join(spec.ModelNames(), ",") != "m1,m2,chain" {
		t.Errorf("models keep their order: %v", spec.ModelNames())
	}
	m1, m2 := spec.Model("m1"), spec.Model("m2")
	if m1.FirstByteTimeout != DefaultFirstByteTimeout || m1.IdleTimeout != DefaultIdleTimeout || m1.TotalTimeout != DefaultTotalTimeout {
		t.Errorf("contract defaults: %+v", m1)
	}
	if m2.FirstByteTimeout != 2*time.Second || m2.Retries != 2 {
		t.Errorf("per-model settings: %+v", m2)
	}
	if !spec.Model("chain").IsChain() {
		t.Error("chain")
	}
}

func TestEnvDefaultWhenUnset(t *testing.T) {
	spec, err := Parse("p.hcl", []byte(base), lookup(nil))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(spec.Providers["prov"].Config), `"api_key":"none"`) {
		t.Errorf("env default: %s", spec.Providers["prov"].Config)
	}
}

func TestDiagnosticsCarryPositions(t *testing.T) {
	cases := map[string]diagnosticCase{
		"syntax":           {base + "model \"x\" {\n  provider = \n}\n", "p.hcl:31:14"},
		"unknown argument": {base + "model \"x\" {\n  provder = \"prov\"\n}\n", `Unsupported argument`},
		"unknown block":    {base + "modle \"x\" {\n}\n", "p.hcl:30:1"},
		"unknown plugin":   {base + "provider \"q\" {\n  plugin = \"nope\"\n}\n", `uses plugin "nope"`},
		"unknown provider": {base + "model \"x\" {\n  provider = \"nope\"\n  upstream = \"u\"\n}\n", `provider "nope"`},
		"nested chain":     {base + "model \"c2\" {\n  fallback = [\"chain\"]\n}\n", "itself a fallback chain"},
		"unknown target":   {base + "model \"c2\" {\n  fallback = [\"m9\"]\n}\n", `falls back to "m9"`},
		"duplicate model":  {base + "model \"m1\" {\n  provider = \"prov\"\n  upstream = \"u\"\n}\n", "Duplicate model"},
		"both kinds":       {base + "model \"x\" {\n  provider = \"prov\"\n  upstream = \"u\"\n  fallback = [\"m1\"]\n}\n", "not several"},
		"bad duration":     {base + "model \"x\" {\n  provider = \"prov\"\n  upstream = \"u\"\n  idle_timeout = \"-1s\"\n}\n", "p.hcl:33:18: Invalid duration"},
		"bad on_error":     {base + "pipeline \"d\" {\n  stage \"s\" {\n    plugin = \"p\"\n    on_error = \"maybe\"\n  }\n}\n", "p.hcl:33:16: Invalid on_error"},
		"unknown setting":  {"server {\n  listne = \"x\"\n}\n" + base, "p.hcl:2:3: Unknown server setting"},
		"config not obj":   {base + "pipeline \"d\" {\n  stage \"s\" {\n    plugin = \"p\"\n    config = 3\n  }\n}\n", "config must be an object"},
		"env arity":        {base + "provider \"q\" {\n  plugin = \"p\"\n  config = { a = env(\"A\", \"b\", \"c\") }\n}\n", "p.hcl:32:18"},
		"no models":        {"plugin \"p\" {\n  path = \"x\"\n}\n", "No models"},
	}
	expectDiagnostics(t, cases)
}

// diagnosticCase is a pipeline file that must be refused with want in the
// error.
type diagnosticCase = struct{ src, want string }

// expectDiagnostics parses each case's file and checks it is refused with
// Diagnostics that contain its want.
func expectDiagnostics(t *testing.T, cases map[string]diagnosticCase) {
	t.Helper()
	for name, c := range cases {
		_, err := Parse("p.hcl", []byte(c.src), lookup(nil))
		if err == nil {
			t.Errorf("%s: accepted", name)
			continue
		}
		if !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %q does not contain %q", name, err.Error(), c.want)
		}
		if _, ok := err.(Diagnostics); !ok {
			t.Errorf("%s: error is %T, want Diagnostics", name, err)
		}
	}
}

func TestConfigRangeFindsTheKey(t *testing.T) {
	spec, err := Parse("p.hcl", []byte(base), lookup(nil))
	if err != nil {
		t.Fatal(err)
	}
	inst := spec.Providers["prov"].Instance
	rng := inst.ConfigRange(`field "n": must be even`)
	if rng.Start.Line != 10 || rng.Start.Column != 5 {
		t.Errorf("key position: %v", rng)
	}
	if rng := inst.ConfigRange("something else"); rng.Start.Line != 8 {
		t.Errorf("fallback to the config object: %v", rng)
	}
}

func TestSettingsLayers(t *testing.T) {
	s, err := LoadSettings(nil, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if s.Listen != "127.0.0.1:8000" || s.MaxBodyBytes != 1<<20 {
		t.Errorf("defaults: %+v", s)
	}
	file := map[string]any{"listen": "0.0.0.0:1", "read_timeout": "5s", "max_body_bytes": int64(10)}
	env := []string{"LLMGW_LISTEN=127.0.0.1:2", "LLMGW_RATE_LIMIT_RPM=5", "LLMGW_CONFIG=x.hcl", "LLMGW_ADMIN_TOKEN=t0k", "PATH=/bin"}
	s, err = LoadSettings(file, env, nil)
	if err != nil {
		t.Fatal(err)
	}
	if s.Listen != "127.0.0.1:2" || s.ReadTimeout != 5*time.Second || s.MaxBodyBytes != 10 || s.AdminToken != "t0k" {
		t.Errorf("env over file: %+v", s)
	}
	s, err = LoadSettings(file, env, map[string]any{"listen": "127.0.0.1:3"})
	if err != nil || s.Listen != "127.0.0.1:3" {
		t.Errorf("flags over env: %v %+v", err, s)
	}
}

func TestSettingsRejectBadValues(t *testing.T) {
	for name, layer := range map[string]map[string]any{
		"unknown key":  {"lisen": "x"},
		"bad duration": {"read_timeout": "soon"},
		"negative":     {"max_body_bytes": int64(-1)},
		// Plugins take messages up to 16 MiB: a body larger than 15 MiB
		// would fail at the first plugin.
		"body over what plugins take": {"max_body_bytes": int64(15<<20 + 1)},
		"bad format":                  {"log_format": "xml"},
		"zero timeout":                {"idle_timeout": "0s"},
		// A check must be over before the next one starts.
		"liveness timeout over interval": {"liveness_interval": "1s", "liveness_timeout": "2s"},
		"negative liveness misses":       {"liveness_misses": -1},
		"cpus not a list":                {"cpus": "first"},
		"cpus range backwards":           {"cpus": "3-1"},
	} {
		if _, err := LoadSettings(layer, nil, nil); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := LoadSettings(nil, []string{"LLMGW_READ_TIMEOUT=nope"}, nil); err == nil {
		t.Error("a bad env value was accepted")
	}
	if _, err := LoadSettings(nil, []string{"LLMGW_CPUS=0-"}, nil); err == nil || !strings.Contains(err.Error(), `cpus "0-"`) {
		t.Errorf("LLMGW_CPUS=0-: %v", err)
	}
	if s, err := LoadSettings(map[string]any{"max_body_bytes": int64(15 << 20)}, nil, nil); err != nil || s.MaxBodyBytes != 15<<20 {
		t.Errorf("max_body_bytes = 15 MiB: %v", err)
	}
	// A number in the server block is a one-CPU list.
	if s, err := LoadSettings(map[string]any{"cpus": int64(1)}, nil, nil); err != nil || s.CPUs != "1" {
		t.Errorf("cpus = 1: %q %v", s.CPUs, err)
	}
}

func TestLivenessSettings(t *testing.T) {
	s, err := LoadSettings(nil, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if s.Liveness() != DefaultLiveness() || DefaultLiveness() != (Liveness{Interval: time.Second, Timeout: 500 * time.Millisecond, Misses: 3}) {
		t.Errorf("defaults: %+v", s.Liveness())
	}
	s, err = LoadSettings(map[string]any{"liveness_interval": "2s", "liveness_misses": int64(5)}, []string{"LLMGW_LIVENESS_TIMEOUT=1s"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	server := s.Liveness()
	if server != (Liveness{Interval: 2 * time.Second, Timeout: time.Second, Misses: 5}) {
		t.Errorf("server block and env: %+v", server)
	}

	src := `
plugin "own" {
  path = "bin/p"
  liveness_interval = "300ms"
  liveness_misses   = 0
}
` + base
	spec, err := Parse("p.hcl", []byte(src), lookup(nil))
	if err != nil {
		t.Fatal(err)
	}
	if got := spec.Plugins["p"].LivenessOver(server); got != server {
		t.Errorf("a plugin block without liveness settings takes the server's: %+v", got)
	}
	// The server's 1 s timeout is cut to the plugin's 300 ms interval.
	if got := spec.Plugins["own"].LivenessOver(server); got != (Liveness{Interval: 300 * time.Millisecond, Timeout: 300 * time.Millisecond, Misses: 0}) {
		t.Errorf("plugin block overrides: %+v", got)
	}

	for name, c := range map[string]struct{ attrs, want string }{
		"bad interval":       {`liveness_interval = "0s"`, "p.hcl:3:23: Invalid duration"},
		"negative misses":    {`liveness_misses = -2`, "p.hcl:3:21: Invalid liveness_misses"},
		"timeout > interval": {"liveness_interval = \"1s\"\n  liveness_timeout = \"3s\"", "p.hcl:4:22: Invalid liveness_timeout"},
	} {
		src := "plugin \"own\" {\n  path = \"bin/p\"\n  " + c.attrs + "\n}\n" + base
		_, err := Parse("p.hcl", []byte(src), lookup(nil))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", name, err, c.want)
		}
	}
}

func TestModelPriceOverride(t *testing.T) {
	src := base + `
model "priced" {
  provider = "prov"
  upstream = "u3"
  price    = { input = 2.5, output = "10" }
}
`
	spec, err := Parse("p.hcl", []byte(src), func(string) (string, bool) { return "", false })
	if err != nil {
		t.Fatal(err)
	}
	if p := spec.Model("priced").Price; p["input"] != "2.5" || p["output"] != "10" {
		t.Fatalf("price = %v", p)
	}
	bad := base + `
model "priced" {
  provider = "prov"
  upstream = "u3"
  price    = { input = "-1", output = "1" }
}
`
	_, err = Parse("p.hcl", []byte(bad), func(string) (string, bool) { return "", false })
	if err == nil || !strings.Contains(err.Error(), "price") || !strings.Contains(err.Error(), "p.hcl:") {
		t.Fatalf("a negative price: %v", err)
	}
}

func TestModelDropParams(t *testing.T) {
	model := func(drop string) string {
		return base + "\nmodel \"d\" {\n  provider = \"prov\"\n  upstream = \"u3\"\n  drop_params = " + drop + "\n}\n"
	}
	env := func(string) (string, bool) { return "", false }
	spec, err := Parse("p.hcl", []byte(model(`["logit_bias", "user"]`)), env)
	if err != nil {
		t.Fatal(err)
	}
	if d := spec.Model("d").DropParams; len(d) != 2 || d[0] != "logit_bias" || d[1] != "user" {
		t.Fatalf("drop_params = %v", d)
	}
	// A name the gateway cannot drop is a load error at its position, not a
	// silently inert setting.
	_, err = Parse("p.hcl", []byte(model(`["tools"]`)), env)
	if err == nil || !strings.Contains(err.Error(), `"tools"`) || !strings.Contains(err.Error(), "p.hcl:") {
		t.Fatalf("drop_params tools: %v", err)
	}
}

// balanced is base plus a weighted model over m1 and m2 and a chain that
// names it.
const balanced = base + `
model "pool" {
  targets  = ["m1", "m2"]
  strategy = "weighted"
  weights  = [3, 1]
}

model "pool-then-chain" {
  fallback = ["pool"]
}
`

func TestParseBalancedModels(t *testing.T) {
	spec, err := Parse("p.hcl", []byte(balanced), lookup(nil))
	if err != nil {
		t.Fatal(err)
	}
	pool := spec.Model("pool")
	if !pool.IsBalanced() || pool.IsDirect() || pool.IsChain() || pool.Strategy != StrategyWeighted || len(pool.Weights) != 2 || pool.Weights[0] != 3 {
		t.Errorf("pool: %+v", pool)
	}
	if pool.TargetsRange.Start.Line != 32 || pool.TargetsRange.Start.Column != 14 {
		t.Errorf("targets range: %v", pool.TargetsRange)
	}
	src := base + "model \"ll\" {\n  targets = [\"m1\", \"m2\"]\n  strategy = \"least_latency\"\n}\nmodel \"def\" {\n  targets = [\"m1\"]\n}\n"
	spec, err = Parse("p.hcl", []byte(src), lookup(nil))
	if err != nil {
		t.Fatal(err)
	}
	if ll := spec.Model("ll"); ll.Explore != DefaultExplore {
		t.Errorf("explore default: %v", ll.Explore)
	}
	if d := spec.Model("def"); d.Strategy != StrategyWeighted || d.Weights != nil {
		t.Errorf("strategy default: %+v", d)
	}
}

func TestBalancingDiagnostics(t *testing.T) {
	model := func(body string) string { return base + "model \"b\" {\n" + body + "}\n" }
	cases := map[string]diagnosticCase{
		"bad strategy":      {model("  targets = [\"m1\"]\n  strategy = \"random\"\n"), `p.hcl:32:14: Invalid strategy: model "b": strategy must be one of weighted, round_robin, least_latency, least_busy, not "random"`},
		"weights count":     {model("  targets = [\"m1\", \"m2\"]\n  weights = [1]\n"), "p.hcl:32:13: Invalid weights: model \"b\": 1 weights for 2 targets"},
		"weight zero":       {model("  targets = [\"m1\", \"m2\"]\n  weights = [1, 0]\n"), "p.hcl:32:13: Invalid weights"},
		"weights not wtd":   {model("  targets = [\"m1\", \"m2\"]\n  strategy = \"round_robin\"\n  weights = [1, 2]\n"), "p.hcl:33:13: Invalid weights: model \"b\": weights apply to strategy \"weighted\" only"},
		"explore range":     {model("  targets = [\"m1\"]\n  strategy = \"least_latency\"\n  explore = 0.9\n"), "p.hcl:33:13: Invalid explore"},
		"explore not ll":    {model("  targets = [\"m1\"]\n  explore = 0.1\n"), "p.hcl:32:13: Invalid explore"},
		"strategy alone":    {model("  provider = \"prov\"\n  upstream = \"u\"\n  strategy = \"weighted\"\n"), "p.hcl:33:14: Invalid strategy: model \"b\": strategy applies to a model with targets only"},
		"unknown target":    {model("  targets = [\"m1\", \"m9\"]\n"), `p.hcl:31:13: Unknown model in targets: model "b" balances over "m9"`},
		"chain target":      {model("  targets = [\"chain\"]\n"), "p.hcl:31:13: Nested targets"},
		"balanced target":   {balanced + "model \"b\" {\n  targets = [\"pool\"]\n}\n", "Nested targets"},
		"duplicate target":  {model("  targets = [\"m1\", \"m1\"]\n"), `p.hcl:31:13: Duplicate target: model "b" lists "m1" twice`},
		"targets and prov":  {model("  targets = [\"m1\"]\n  provider = \"prov\"\n  upstream = \"u\"\n"), "not several"},
		"targets and chain": {model("  targets = [\"m1\"]\n  fallback = [\"m2\"]\n"), "not several"},
		"price on pool":     {model("  targets = [\"m1\"]\n  price = { input = \"1\", output = \"2\" }\n"), "Invalid price"},
		"chain reaches twice": {balanced + "model \"c3\" {\n  fallback = [\"pool\", \"m2\"]\n}\n",
			`Duplicate fallback: model "c3" reaches "m2" twice (through "pool" and "m2")`},
	}
	expectDiagnostics(t, cases)
}

// TestShippedSmartRouterTakesOpenAIHints: the repository's pipeline.hcl
// lets smart-router serve OpenAI clients that send safety_identifier or
// prompt_cache_key: every member whose provider is not OpenAI's own drops
// them (the host refuses a parameter any member's provider cannot take).
func TestShippedSmartRouterTakesOpenAIHints(t *testing.T) {
	src, err := os.ReadFile("../../pipeline.hcl")
	if err != nil {
		t.Fatal(err)
	}
	spec, err := Parse("pipeline.hcl", src, lookup(nil))
	if err != nil {
		t.Fatal(err)
	}
	router := spec.Model("smart-router")
	if router == nil || len(router.Fallback) < 2 {
		t.Fatalf("smart-router: %+v", router)
	}
	for _, name := range router.Fallback {
		m := spec.Model(name)
		if m == nil {
			t.Fatalf("%s is not a model", name)
		}
		// No model of the chain thinks: extended thinking is dropped.
		if !slices.Contains(m.DropParams, "thinking") {
			t.Errorf("%s does not drop thinking: smart-router would refuse a Messages client with thinking on", name)
		}
		if m.Provider == "openai" {
			continue
		}
		for _, p := range []string{"safety_identifier", "prompt_cache_key"} {
			if !slices.Contains(m.DropParams, p) {
				t.Errorf("%s (provider %s) does not drop %s: smart-router would refuse it", name, m.Provider, p)
			}
		}
	}
}

// TestShippedGuard: the shipped pipeline's guard keeps the course's limits
// for /generate, takes an agent's requests on the chat routes (chat_limits),
// and its mode comes from LLMGW_GUARD_MODE (block unless set).
func TestShippedGuard(t *testing.T) {
	src, err := os.ReadFile("../../pipeline.hcl")
	if err != nil {
		t.Fatal(err)
	}
	for env, mode := range map[string]string{"": "block", "flag": "flag"} {
		vars := map[string]string{}
		if env != "" {
			vars["LLMGW_GUARD_MODE"] = env
		}
		spec, err := Parse("pipeline.hcl", src, lookup(vars))
		if err != nil {
			t.Fatal(err)
		}
		var cfg struct {
			MaxPromptChars int    `json:"max_prompt_chars"`
			MaxTokensLimit int    `json:"max_tokens_limit"`
			Mode           string `json:"mode"`
			ChatLimits     struct {
				MaxPromptChars int `json:"max_prompt_chars"`
				MaxTokensLimit int `json:"max_tokens_limit"`
			} `json:"chat_limits"`
		}
		for _, st := range spec.Stages {
			if st.Name == "guard" {
				if err := json.Unmarshal(st.Config, &cfg); err != nil {
					t.Fatal(err)
				}
			}
		}
		if cfg.Mode != mode || cfg.MaxPromptChars != 2000 || cfg.MaxTokensLimit != 4096 || cfg.ChatLimits.MaxPromptChars < 100000 || cfg.ChatLimits.MaxTokensLimit < 32000 {
			t.Errorf("LLMGW_GUARD_MODE=%q: guard config %+v", env, cfg)
		}
	}
}
