package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

const ttfbHeader = "X-Bench-Ttfb-Ns"

// prompt is the small request every setup gets.
const prompt = "What is the capital of France? Answer in one short sentence."

func chatBody(model string, stream bool) []byte {
	b, _ := json.Marshal(map[string]any{
		"model":      model,
		"messages":   []map[string]string{{"role": "user", "content": prompt}},
		"max_tokens": 32,
		"stream":     stream,
	})
	return b
}

// agentTurns is the number of turns of agentBody's conversation.
const agentTurns = 100

// agentSystem is the agent's system prompt.
const agentSystem = "You are a coding agent. Use the tools to read and change the repository."

// agentSource is the source file the agent's i-th tool call reads (about
// 1.5 kB, whose newlines and quotes JSON escapes).
func agentSource(i int) string {
	var src strings.Builder
	fmt.Fprintf(&src, "package handlers%d\n\nimport (\n\t\"fmt\"\n\t\"net/http\"\n)\n\n", i)
	for j := range 12 {
		fmt.Fprintf(&src, "func handle%d_%d(w http.ResponseWriter, r *http.Request) {\n\tfmt.Fprintf(w, \"%%s %%d\", r.URL.Path, %d)\n}\n\n", i, j, j)
	}
	return src.String()
}

// agentBody is the agent regime's request: a coding agent's conversation
// as its client re-sends it whole on every turn — agentTurns turns of a
// tool call and its result (a source file of about 1.5 kB, each turn's its
// own, whose newlines and quotes JSON escapes), then the user's next
// request; about 160 kB.
func agentBody(model string) []byte {
	msgs := []any{
		map[string]any{"role": "system", "content": agentSystem},
		map[string]any{"role": "user", "content": "The HTTP handlers log too much. Find where and make it quieter."},
	}
	for i := range agentTurns {
		id := fmt.Sprintf("call_%03d", i)
		msgs = append(msgs,
			map[string]any{"role": "assistant", "content": nil, "tool_calls": []any{map[string]any{"id": id, "type": "function",
				"function": map[string]any{"name": "read_file", "arguments": fmt.Sprintf(`{"path":"internal/handlers%d/handlers.go"}`, i)}}}},
			map[string]any{"role": "tool", "tool_call_id": id, "content": agentSource(i)})
	}
	msgs = append(msgs, map[string]any{"role": "user", "content": "Now summarise what you found."})
	b, _ := json.Marshal(map[string]any{"model": model, "messages": msgs, "max_tokens": 32})
	return b
}

// agentMessagesBody is agentBody's conversation as Claude Code sends it to
// the Messages API: the system prompt on its own, each tool call a tool_use
// block of an assistant message and each result a tool_result block of the
// next user message.
func agentMessagesBody(model string) []byte {
	msgs := []any{map[string]any{"role": "user", "content": "The HTTP handlers log too much. Find where and make it quieter."}}
	for i := range agentTurns {
		id := fmt.Sprintf("toolu_%03d", i)
		result := []any{map[string]any{"type": "tool_result", "tool_use_id": id, "content": agentSource(i)}}
		if i == agentTurns-1 {
			// roles alternate: the user's next request shares the last result's message
			result = append(result, map[string]any{"type": "text", "text": "Now summarise what you found."})
		}
		msgs = append(msgs,
			map[string]any{"role": "assistant", "content": []any{map[string]any{"type": "tool_use", "id": id, "name": "read_file",
				"input": map[string]any{"path": fmt.Sprintf("internal/handlers%d/handlers.go", i)}}}},
			map[string]any{"role": "user", "content": result})
	}
	b, _ := json.Marshal(map[string]any{"model": model, "system": agentSystem, "messages": msgs, "max_tokens": 32})
	return b
}

// messagesURL is the Messages API URL of the server whose chat completions
// URL is chat.
func messagesURL(chat string) string {
	return strings.TrimSuffix(chat, "/chat/completions") + "/messages"
}

// Run is one measurement of one setup in one regime and round.
type Run struct {
	Setup   string
	Regime  string
	Round   int
	Lat     []float64 // ms per request (successes and failures)
	OKLat   []float64 // ms per successful request
	TTFB    []float64 // ms to the first body byte, successful streams only
	OK      int
	Errors  int
	ErrKind map[string]int
	ErrText map[string]string // the first error message of each kind
	Wall    float64           // seconds from the first request's start to the last one's end
	// Server-Timing entries (ms) of successful answers, and per request the
	// guard+ratelimit cost (the longer one when the stages run in parallel).
	Timings  map[string][]float64
	Stages   []float64
	Upstream int     // chat calls the simulator counted during the run
	PeakRSS  TreeRSS // of the setup's process tree, when sampled
	// Backlog and HeapMB are the gateway's tracker backlog (events queued
	// or unacknowledged) and Go heap in use when the run started (64
	// connections only; -1: not read).
	Backlog, HeapMB float64
	// CPU is the CPU time the run cost, by process: the setup's process
	// tree by command name, and the simulator as "upstream-sim" (measured
	// in the many-connection regime only).
	CPU map[string]time.Duration
}

// RPS is successful answers per second of wall time.
func (r *Run) RPS() float64 {
	if r.Wall <= 0 {
		return 0
	}
	return float64(r.OK) / r.Wall
}

// ttfbTransport stamps the time from sending the request to the first body
// byte into the response's headers, where vegeta keeps them.
type ttfbTransport struct{ base http.RoundTripper }

func (t ttfbTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	start := time.Now()
	resp, err := t.base.RoundTrip(r)
	if err != nil {
		return nil, err
	}
	resp.Body = &firstByteBody{ReadCloser: resp.Body, start: start, h: resp.Header}
	return resp, nil
}

type firstByteBody struct {
	io.ReadCloser
	start time.Time
	h     http.Header
	seen  bool
}

func (b *firstByteBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if n > 0 && !b.seen {
		b.seen = true
		b.h.Set(ttfbHeader, strconv.FormatInt(time.Since(b.start).Nanoseconds(), 10))
	}
	return n, err
}

// newClient is the load generator's HTTP/1.1 client: conns keep-alive
// connections (0: unbounded), no compression, a 10 s timeout.
func newClient(conns int) (*http.Client, *http.Transport) {
	tr := &http.Transport{
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        1024,
		MaxIdleConnsPerHost: 1024,
		MaxConnsPerHost:     conns,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
	}
	return &http.Client{Transport: ttfbTransport{tr}, Timeout: 10 * time.Second}, tr
}

// Load is one attack: conns workers as fast as answers come (rate 0), or a
// fixed rate when Rate > 0.
type Load struct {
	Conns    int
	Rate     int
	Duration time.Duration
	Stream   bool
	// Agent sends a coding agent's conversation instead of the one-question
	// chatBody: agentBody to the chat completions route ("chat"), or
	// agentMessagesBody to the Messages API route ("messages").
	Agent string
	// OnResult, when set, sees every result (the soak's sampler uses it).
	OnResult func(*vegeta.Result)
}

// attack runs l against s and returns what it measured.
func attack(s *Setup, regime string, round int, l Load) *Run {
	run := &Run{Setup: s.Name, Regime: regime, Round: round, ErrKind: map[string]int{}, ErrText: map[string]string{}, Timings: map[string][]float64{}}
	client, tr := newClient(l.Conns)
	defer tr.CloseIdleConnections()
	workers := uint64(l.Conns)
	maxWorkers := uint64(l.Conns)
	pacer := vegeta.Pacer(vegeta.Rate{Freq: 0, Per: time.Second})
	if l.Rate > 0 {
		pacer = vegeta.Rate{Freq: l.Rate, Per: time.Second}
		maxWorkers = 1024
		client, tr = newClient(0)
		defer tr.CloseIdleConnections()
	}
	a := vegeta.NewAttacker(vegeta.Client(client), vegeta.Workers(workers), vegeta.MaxWorkers(maxWorkers), vegeta.MaxBody(1<<16))
	body, want := chatBody(s.Model, l.Stream), `"choices"`
	tgt := vegeta.Target{Method: http.MethodPost, URL: s.URL, Header: s.Headers.Clone()}
	switch l.Agent {
	case "chat":
		body = agentBody(s.Model)
	case "messages":
		body, want = agentMessagesBody(s.Model), `"type":"message"`
		tgt.URL = messagesURL(s.URL)
		tgt.Header.Set("anthropic-version", "2023-06-01")
	}
	tgt.Body = body
	var first, last time.Time
	for res := range a.Attack(vegeta.NewStaticTargeter(tgt), pacer, l.Duration, s.Name+"/"+regime) {
		if first.IsZero() || res.Timestamp.Before(first) {
			first = res.Timestamp
		}
		if e := res.End(); e.After(last) {
			last = e
		}
		lat := ms(res.Latency)
		run.Lat = append(run.Lat, lat)
		if kind := classify(res, l.Stream, want); kind != "" {
			run.Errors++
			if run.ErrKind[kind]++; run.ErrKind[kind] == 1 {
				run.ErrText[kind] = errText(res)
			}
		} else {
			run.OK++
			run.OKLat = append(run.OKLat, lat)
			if l.Stream {
				if ns, err := strconv.ParseInt(res.Headers.Get(ttfbHeader), 10, 64); err == nil {
					run.TTFB = append(run.TTFB, float64(ns)/1e6)
				}
			}
			if st := res.Headers.Values("Server-Timing"); len(st) > 0 {
				t := ParseServerTiming(strings.Join(st, ","))
				for k, v := range t {
					run.Timings[k] = append(run.Timings[k], v)
				}
				if c, ok := stagesCost(t, s.StagesParallel); ok {
					run.Stages = append(run.Stages, c)
				}
			}
		}
		if l.OnResult != nil {
			l.OnResult(res)
		}
	}
	if !first.IsZero() {
		run.Wall = last.Sub(first).Seconds()
	}
	return run
}

// stagesCost is what guard and ratelimit cost one request together: the
// longer of the two when they run in parallel, else the sum. ok is false
// when neither entry is present.
func stagesCost(t map[string]float64, parallel bool) (float64, bool) {
	g, gok := t["guard"]
	r, rok := t["ratelimit"]
	if !gok && !rok {
		return 0, false
	}
	if parallel {
		if g > r {
			return g, true
		}
		return r, true
	}
	return g + r, true
}

// classify returns "" for a good answer, else a short error kind.
func classify(res *vegeta.Result, stream bool, want string) string {
	if res.Error != "" && res.Code == 0 {
		e := strings.ToLower(res.Error)
		switch {
		case strings.Contains(e, "timeout") || strings.Contains(e, "deadline"):
			return "timeout"
		case strings.Contains(e, "refused"):
			return "connection refused"
		case strings.Contains(e, "reset"):
			return "connection reset"
		case strings.Contains(e, "eof"):
			return "eof"
		}
		if i := strings.LastIndex(res.Error, ": "); i >= 0 {
			return res.Error[i+2:]
		}
		return res.Error
	}
	if res.Code != http.StatusOK {
		return fmt.Sprintf("HTTP %d", res.Code)
	}
	if stream {
		if !bytes.Contains(res.Body, []byte("[DONE]")) {
			return "stream without [DONE]"
		}
	} else if !bytes.Contains(res.Body, []byte(want)) {
		return "answer without " + want
	}
	return ""
}

// errText is a result's error for the report: vegeta's message, or the
// start of the body.
func errText(res *vegeta.Result) string {
	t := res.Error
	if len(res.Body) > 0 {
		b := res.Body
		if len(b) > 200 {
			b = b[:200]
		}
		t += ": " + string(b)
	}
	return oneLine(t)
}

// simRequests is the simulator's count of chat calls.
func simRequests(simURL string) int {
	c := &http.Client{Timeout: 5 * time.Second}
	resp, err := c.Get(simURL + "/sim/stats")
	if err != nil {
		return -1
	}
	defer resp.Body.Close()
	var st struct {
		Requests int `json:"requests"`
	}
	if json.NewDecoder(resp.Body).Decode(&st) != nil {
		return -1
	}
	return st.Requests
}

// promGauges reads the gateway's /metrics and returns the wanted series
// (plain gauges without labels).
func promGauges(url string, names ...string) map[string]float64 {
	out := map[string]float64{}
	c := &http.Client{Timeout: 5 * time.Second}
	resp, err := c.Get(url)
	if err != nil {
		return out
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	return parseProm(string(body), names...)
}

// parseProm picks label-less samples by name from Prometheus text format.
func parseProm(text string, names ...string) map[string]float64 {
	want := map[string]bool{}
	for _, n := range names {
		want[n] = true
	}
	out := map[string]float64{}
	for _, line := range strings.Split(text, "\n") {
		if line == "" || line[0] == '#' {
			continue
		}
		f := strings.Fields(line)
		if len(f) < 2 || !want[f[0]] {
			continue
		}
		if v, err := strconv.ParseFloat(f[1], 64); err == nil {
			out[f[0]] = v
		}
	}
	return out
}
