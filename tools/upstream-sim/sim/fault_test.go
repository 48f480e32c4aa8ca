package sim

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

type route struct {
	name, path, body string
	header           map[string]string
}

func routes(stream bool) []route {
	x := ""
	gpath := gemGenerate
	if stream {
		x = `"stream":true`
		gpath = gemStream
	}
	return []route{
		{"openai", "/v1/chat/completions", chatBody("gpt-4o", "hello there", x), bearer},
		{"groq", "/openai/v1/chat/completions", chatBody("moonshotai/kimi-k2-instruct", "hello there", x), bearer},
		{"openrouter", "/api/v1/chat/completions", chatBody("mistralai/mistral-7b-instruct", "hello there", x), bearer},
		{"gemini", gpath, geminiBody("hello there", ""), gkey},
	}
}

func TestErrorFaults(t *testing.T) {
	cases := []struct {
		fault      Fault
		status     int
		oaType     string
		oaCode     string
		gStatus    string
		retryAfter bool
	}{
		{Fault400, 400, "invalid_request_error", `"invalid_request_error"`, "INVALID_ARGUMENT", false},
		{Fault500, 500, "server_error", "null", "INTERNAL", false},
		{Fault503, 503, "server_error", "null", "UNAVAILABLE", false},
		{Fault429, 429, "requests", `"rate_limit_exceeded"`, "RESOURCE_EXHAUSTED", true},
	}
	for _, c := range cases {
		for _, stream := range []bool{false, true} {
			s, ts := newServer(t, Config{Fault: c.fault})
			for _, rt := range routes(stream) {
				r := do(t, "POST", ts.URL+rt.path, rt.header, rt.body)
				name := string(c.fault) + "/" + rt.name
				if stream {
					name += "/stream"
				}
				if r.status != c.status {
					t.Errorf("%s: status %d: %s", name, r.status, r.body)
					continue
				}
				if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
					t.Errorf("%s: Content-Type %q", name, ct)
				}
				// Gemini never sends Retry-After: the delay is in RetryInfo.
				if got := r.header.Get("Retry-After"); (got == "1") != (c.retryAfter && rt.name != "gemini") || (!c.retryAfter && got != "") {
					t.Errorf("%s: Retry-After %q", name, got)
				}
				switch rt.name {
				case "openai", "groq":
					var eb struct {
						Error struct {
							Message string          `json:"message"`
							Type    string          `json:"type"`
							Param   json.RawMessage `json:"param"`
							Code    json.RawMessage `json:"code"`
						} `json:"error"`
					}
					strictDecode(t, r.body, &eb)
					if eb.Error.Message == "" || eb.Error.Type != c.oaType || string(eb.Error.Code) != c.oaCode || eb.Error.Param == nil {
						t.Errorf("%s: body %s", name, r.body)
					}
					if c.fault == Fault400 && string(eb.Error.Param) != `"messages"` {
						t.Errorf("%s: param %s", name, eb.Error.Param)
					}
				case "openrouter":
					var eb struct {
						Error struct {
							Code    int    `json:"code"`
							Message string `json:"message"`
						} `json:"error"`
					}
					strictDecode(t, r.body, &eb)
					if eb.Error.Code != c.status || eb.Error.Message == "" {
						t.Errorf("%s: body %s", name, r.body)
					}
				case "gemini":
					var eb errBody
					strictDecode(t, r.body, &eb)
					if string(eb.Error.Code) != jsonInt(c.status) || eb.Error.Status != c.gStatus || eb.Error.Message == "" {
						t.Errorf("%s: body %s", name, r.body)
					}
					if c.retryAfter {
						d := eb.Error.Details
						if len(d) != 3 || d[2].Type != "type.googleapis.com/google.rpc.RetryInfo" || d[2].RetryDelay != "1s" || d[0].Type != "type.googleapis.com/google.rpc.QuotaFailure" || len(d[0].Violations) != 1 {
							t.Errorf("%s: details %s", name, r.body)
						}
					} else if len(eb.Error.Details) != 0 {
						t.Errorf("%s: unexpected details %s", name, r.body)
					}
				}
			}
			if st := s.Stats(); st.Requests != 4 {
				t.Errorf("%s: requests %d", c.fault, st.Requests)
			}
			ts.Close()
		}
	}
}

func jsonInt(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// TestBlockingFaults checks timeout (both kinds of request) and stall
// (non-stream): nothing is answered, and the handler returns once the client
// goes away.
func TestBlockingFaults(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		fault  Fault
		stream bool
	}{{FaultTimeout, false}, {FaultTimeout, true}, {FaultStall, false}} {
		s, ts := newServer(t, Config{Fault: c.fault})
		for _, rt := range routes(c.stream) {
			ctx, cancel := context.WithTimeout(context.Background(), 150*time.Millisecond)
			req, _ := http.NewRequestWithContext(ctx, "POST", ts.URL+rt.path, strings.NewReader(rt.body))
			for k, v := range rt.header {
				req.Header.Set(k, v)
			}
			start := time.Now()
			resp, err := http.DefaultClient.Do(req)
			cancel()
			if err == nil {
				resp.Body.Close()
				t.Errorf("%s/%s: answered %d", c.fault, rt.name, resp.StatusCode)
				continue
			}
			if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) < 140*time.Millisecond {
				t.Errorf("%s/%s: %v after %v", c.fault, rt.name, err, time.Since(start))
			}
			// /sim/stats answers under every fault.
			r := do(t, "GET", ts.URL+"/sim/stats", nil, "")
			if r.status != 200 {
				t.Errorf("stats under %s: %d", c.fault, r.status)
			}
		}
		waitFor(t, "handlers to return", func() bool { return s.Stats().InFlight == 0 })
		if st := s.Stats(); st.Requests != 4 {
			t.Errorf("%s: requests %d", c.fault, st.Requests)
		}
		ts.Close()
	}
}

// openStream starts a streaming request and returns its response.
func openStream(t *testing.T, ctx context.Context, url string, rt route) *http.Response {
	t.Helper()
	req, _ := http.NewRequestWithContext(ctx, "POST", url+rt.path, strings.NewReader(rt.body))
	for k, v := range rt.header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s: %v", rt.name, err)
	}
	return resp
}

func TestStallStream(t *testing.T) {
	t.Parallel()
	s, ts := newServer(t, Config{Fault: FaultStall})
	for _, rt := range routes(true) {
		ctx, cancel := context.WithCancel(context.Background())
		resp := openStream(t, ctx, ts.URL, rt)
		if resp.StatusCode != 200 {
			t.Fatalf("%s: status %d", rt.name, resp.StatusCode)
		}
		// Read the events that arrive, then expect silence.
		events := make(chan string, 16)
		go func() {
			defer close(events)
			br := bufio.NewReader(resp.Body)
			for {
				line, err := br.ReadString('\n')
				if err != nil {
					return
				}
				if strings.HasPrefix(line, "data: ") {
					events <- line
				}
			}
		}()
		want := 2 // role chunk + one content chunk
		if rt.name == "gemini" {
			want = 1
		}
		var got []string
		for len(got) < want {
			select {
			case ev := <-events:
				got = append(got, ev)
			case <-time.After(3 * time.Second):
				t.Fatalf("%s: only %d events before stall", rt.name, len(got))
			}
		}
		if !strings.Contains(got[len(got)-1], "[sim ") {
			t.Errorf("%s: no content chunk: %q", rt.name, got)
		}
		select {
		case ev, ok := <-events:
			if ok {
				t.Errorf("%s: event after stall: %q", rt.name, ev)
			} else {
				t.Errorf("%s: stream ended instead of stalling", rt.name)
			}
		case <-time.After(200 * time.Millisecond):
		}
		cancel()
		resp.Body.Close()
		for range events {
		}
	}
	waitFor(t, "stalled handlers to return", func() bool { return s.Stats().InFlight == 0 })
}

func TestCutStream(t *testing.T) {
	_, ts := newServer(t, Config{Fault: FaultCutStream})
	for _, rt := range routes(true) {
		resp := openStream(t, context.Background(), ts.URL, rt)
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Errorf("%s: status %d err %v", rt.name, resp.StatusCode, err)
		}
		body := string(b)
		if strings.Contains(body, "[DONE]") || strings.Contains(body, "finish_reason\":\"") || strings.Contains(body, "finishReason") {
			t.Errorf("%s: cut stream ended cleanly: %q", rt.name, body)
		}
		if !strings.Contains(body, "[sim ") {
			t.Errorf("%s: no content chunk before the cut: %q", rt.name, body)
		}
	}
	for _, rt := range routes(false) {
		r := do(t, "POST", ts.URL+rt.path, rt.header, rt.body)
		if r.status != 200 || !errors.Is(r.err, io.ErrUnexpectedEOF) || json.Valid(r.body) || len(r.body) == 0 {
			t.Errorf("%s non-stream: status %d err %v body %q", rt.name, r.status, r.err, r.body)
		}
	}
}

func TestMalformed(t *testing.T) {
	_, ts := newServer(t, Config{Fault: FaultMalformed})
	for _, rt := range routes(false) {
		r := do(t, "POST", ts.URL+rt.path, rt.header, rt.body)
		if r.status != 200 || r.err != nil || !strings.HasPrefix(r.header.Get("Content-Type"), "application/json") || json.Valid(r.body) {
			t.Errorf("%s: %d %v %q", rt.name, r.status, r.err, r.body)
		}
	}
	for _, rt := range routes(true) {
		r := do(t, "POST", ts.URL+rt.path, rt.header, rt.body)
		found := false
		for _, ev := range sseEvents(r.body) {
			if d, ok := dataOf(ev); ok && d != "[DONE]" {
				if json.Valid([]byte(d)) {
					t.Errorf("%s: valid event before the malformed one: %q", rt.name, d)
				}
				found = strings.HasPrefix(d, "{not json")
				break
			}
		}
		if r.status != 200 || !found {
			t.Errorf("%s: %d %q", rt.name, r.status, r.body)
		}
	}
}

func TestRuntimeFaultControl(t *testing.T) {
	_, ts := newServer(t, Config{})
	post := func(body string) FaultStatus {
		t.Helper()
		r := do(t, "POST", ts.URL+"/sim/fault", nil, body)
		if r.status != 200 {
			t.Fatalf("POST /sim/fault %s: %d %s", body, r.status, r.body)
		}
		var fs FaultStatus
		decode(t, r.body, &fs)
		return fs
	}
	status := func(rt route) int { return do(t, "POST", ts.URL+rt.path, rt.header, rt.body).status }
	rs := routes(false)
	openai, gemini, openrouter := rs[0], rs[3], rs[2]

	// Global fault.
	fs := post(`{"fault":"500"}`)
	if fs.Fault != Fault500 || len(fs.Models) != 0 {
		t.Errorf("state %+v", fs)
	}
	if status(openai) != 500 || status(gemini) != 500 {
		t.Error("global 500 not applied")
	}
	// Clear everything; then the primary fails while the secondary works.
	post(`{"fault":"none"}`)
	fs = post(`{"model":"gpt-4o","fault":"503"}`)
	if fs.Fault != FaultNone || fs.Models["gpt-4o"] != Fault503 {
		t.Errorf("state %+v", fs)
	}
	if status(openai) != 503 || status(gemini) != 200 || status(openrouter) != 200 {
		t.Error("per-model fault not isolated")
	}
	post(`{"model":"gemini-2.0-flash","fault":"429"}`)
	if status(gemini) != 429 {
		t.Error("per-model gemini fault")
	}
	// A per-model "none" wins over a global fault; "inherit" removes it.
	post(`{"fault":"400"}`)
	post(`{"model":"mistralai/mistral-7b-instruct","fault":"none"}`)
	if status(openrouter) != 200 || status(openai) != 503 {
		t.Error("per-model none over global")
	}
	fs = post(`{"model":"mistralai/mistral-7b-instruct","fault":"inherit"}`)
	if _, ok := fs.Models["mistralai/mistral-7b-instruct"]; ok || status(openrouter) != 400 {
		t.Errorf("inherit: %+v", fs)
	}
	// The header beats everything.
	if r := do(t, "POST", ts.URL+openai.path, with(bearer, "X-Sim-Fault", "none"), openai.body); r.status != 200 {
		t.Errorf("X-Sim-Fault none: %d", r.status)
	}
	// none without model clears every override.
	fs = post(`{"fault":"none"}`)
	if fs.Fault != FaultNone || len(fs.Models) != 0 || status(openai) != 200 || status(gemini) != 200 {
		t.Errorf("clear: %+v", fs)
	}
	// Latency, GET and DELETE.
	fs = post(`{"latency":"20ms","model":"gpt-4o","fault":"500"}`)
	if fs.Latency != "20ms" || fs.Models["gpt-4o"] != Fault500 {
		t.Errorf("latency: %+v", fs)
	}
	r := do(t, "DELETE", ts.URL+"/sim/fault", nil, "")
	fs = FaultStatus{}
	decode(t, r.body, &fs)
	if fs.Fault != FaultNone || len(fs.Models) != 0 || fs.Latency != "20ms" {
		t.Errorf("delete: %+v", fs)
	}
	r = do(t, "GET", ts.URL+"/sim/fault", nil, "")
	if r.status != 200 || string(r.body) != `{"fault":"none","models":{},"latency":"20ms","tokens":0,"token_interval":"0s","reasoning":"0s"}`+"\n" {
		t.Errorf("GET: %s", r.body)
	}
	for _, bad := range []string{`{"fault":"explode"}`, `{"latency":"soon"}`, `{}`, `nope`} {
		if r := do(t, "POST", ts.URL+"/sim/fault", nil, bad); r.status != 400 {
			t.Errorf("%s: %d", bad, r.status)
		}
	}
}

func TestStatsAndReset(t *testing.T) {
	_, ts := newServer(t, Config{Fault: FaultTimeout})
	get := func() Stats {
		r := do(t, "GET", ts.URL+"/sim/stats", nil, "")
		var st Stats
		strictDecode(t, r.body, &st)
		return st
	}
	if st := get(); st.Requests != 0 || st.ByModel == nil || st.ByAPI == nil || st.ByPath == nil {
		t.Errorf("initial %+v", st)
	}
	// Under the global timeout, per-request overrides get answers.
	for _, rt := range routes(false) {
		do(t, "POST", ts.URL+rt.path, with(rt.header, "X-Sim-Fault", "none"), rt.body)
	}
	do(t, "POST", ts.URL+"/v1/chat/completions", with(bearer, "X-Sim-Fault", "500"), chatBody("gpt-4o", "x", `"stream":true`))
	do(t, "GET", ts.URL+"/v1/models", nil, "")
	st := get()
	if st.Requests != 5 || st.Streams != 1 || st.ByModel["gpt-4o"] != 2 || st.ByModel["gemini-2.0-flash"] != 1 || st.ByAPI["gemini"] != 1 || st.ByAPI["openai"] != 2 {
		t.Errorf("stats %+v", st)
	}
	r := do(t, "POST", ts.URL+"/sim/reset", nil, "")
	var zero Stats
	decode(t, r.body, &zero)
	if r.status != 200 || zero.Requests != 0 || len(zero.ByModel) != 0 {
		t.Errorf("reset: %s", r.body)
	}
	if st := get(); st.Requests != 0 || len(st.ByPath) != 0 {
		t.Errorf("after reset %+v", st)
	}
	if r := do(t, "GET", ts.URL+"/sim/reset", nil, ""); r.status != 405 {
		t.Errorf("GET reset: %d", r.status)
	}
}

func TestLatency(t *testing.T) {
	t.Parallel()
	s, ts := newServer(t, Config{Latency: 100 * time.Millisecond})
	start := time.Now()
	r := do(t, "POST", ts.URL+"/v1/chat/completions", bearer, chatBody("gpt-4o", "hi", ""))
	if r.status != 200 || time.Since(start) < 100*time.Millisecond {
		t.Errorf("status %d after %v", r.status, time.Since(start))
	}
	// The stats endpoint is not delayed.
	start = time.Now()
	do(t, "GET", ts.URL+"/sim/stats", nil, "")
	if time.Since(start) > 80*time.Millisecond {
		t.Errorf("stats delayed %v", time.Since(start))
	}
	// Header override.
	start = time.Now()
	do(t, "POST", ts.URL+"/v1/chat/completions", with(bearer, "X-Sim-Latency", "0s"), chatBody("gpt-4o", "hi", ""))
	if time.Since(start) > 80*time.Millisecond {
		t.Errorf("X-Sim-Latency 0s took %v", time.Since(start))
	}
	// A client that leaves during the wait frees the handler at once.
	s.SetLatency(time.Hour)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "POST", ts.URL+gemGenerate, strings.NewReader(geminiBody("hi", "")))
	req.Header.Set("x-goog-api-key", "k")
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
		t.Error("answered despite an hour of latency")
	}
	waitFor(t, "handler to return", func() bool { return s.Stats().InFlight == 0 })
}

func TestParseFault(t *testing.T) {
	for _, f := range Faults {
		if g, err := ParseFault(" " + strings.ToUpper(string(f)) + " "); err != nil || g != f {
			t.Errorf("%s: %v %v", f, g, err)
		}
	}
	if f, err := ParseFault(""); err != nil || f != FaultNone {
		t.Errorf("empty: %v %v", f, err)
	}
	if _, err := ParseFault("418"); err == nil {
		t.Error("418 accepted")
	}
}
