package sim

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Pacing is how fast an answer is generated. The zero value answers at once
// (after the latency), with the echo answer.
type Pacing struct {
	// Tokens is the length of every answer in tokens (words): the echo
	// answer cut or padded with filler words; 0 keeps the echo answer.
	// max_tokens still cuts it.
	Tokens int
	// TokenInterval is the time one token takes: the first content token
	// is sent after the latency (and any reasoning), then one token per
	// interval; the finish follows one interval after the last token, so
	// a non-streamed answer is sent after latency + reasoning +
	// tokens×interval. 0 keeps the unpaced stream (chunks of up to four
	// words spaced by latency/20).
	TokenInterval time.Duration
	// Reasoning is how long the model "thinks" before the content: reasoning
	// deltas (one token per TokenInterval, or per 100 ms when that is 0)
	// from the latency on, then the content.
	Reasoning time.Duration
}

// defaultReasoningStep spaces reasoning deltas when TokenInterval is 0.
const defaultReasoningStep = 100 * time.Millisecond

// validate reports a negative field.
func (p Pacing) validate() error {
	switch {
	case p.Tokens < 0:
		return errors.New("tokens must not be negative")
	case p.TokenInterval < 0:
		return errors.New("token interval must not be negative")
	case p.Reasoning < 0:
		return errors.New("reasoning must not be negative")
	}
	return nil
}

// pacingHeaders are the request headers that override one request's pacing.
const (
	hdrTokens        = "X-Sim-Tokens"
	hdrTokenInterval = "X-Sim-Token-Interval"
	hdrReasoning     = "X-Sim-Reasoning"
)

// pacingFor returns the pacing in force for a request: the global pacing,
// with each field overridden by its request header when that is valid.
func (s *Simulator) pacingFor(r *http.Request) Pacing {
	p := *s.pacing.Load()
	if h := r.Header.Get(hdrTokens); h != "" {
		if n, err := strconv.Atoi(strings.TrimSpace(h)); err == nil && n >= 0 {
			p.Tokens = n
		}
	}
	if d, ok := headerDuration(r, hdrTokenInterval); ok {
		p.TokenInterval = d
	}
	if d, ok := headerDuration(r, hdrReasoning); ok {
		p.Reasoning = d
	}
	return p
}

func headerDuration(r *http.Request, name string) (time.Duration, bool) {
	h := r.Header.Get(name)
	if h == "" {
		return 0, false
	}
	d, err := time.ParseDuration(strings.TrimSpace(h))
	return d, err == nil && d >= 0
}

// SetPacing sets the global pacing.
func (s *Simulator) SetPacing(p Pacing) { s.pacing.Store(&p) }

// timeline schedules the parts of one answer relative to the moment the
// request arrived, so that time spent writing does not accumulate.
type timeline struct {
	ctx   context.Context
	start time.Time
	lat   time.Duration
	pace  Pacing
	// flush sends what a started stream has written (nil before): called
	// before every wait that sleeps.
	flush func()
}

func newTimeline(ctx context.Context, lat time.Duration, p Pacing) *timeline {
	return &timeline{ctx: ctx, start: time.Now(), lat: lat, pace: p}
}

// wait blocks until offset after the start; false when the client left.
// A stream's events written so far are flushed first when it has to sleep.
func (t *timeline) wait(offset time.Duration) bool {
	d := time.Until(t.start.Add(offset))
	if d > 0 {
		t.flushNow()
	}
	return sleep(t.ctx, d)
}

// streamTo makes the timeline flush f (a stream's flusher) before it sleeps.
func (t *timeline) streamTo(f func()) { t.flush = f }

func (t *timeline) flushNow() {
	if t.flush != nil {
		t.flush()
	}
}

// waitGone flushes a started stream and blocks until the client goes away.
func (t *timeline) waitGone(r *http.Request) {
	t.flushNow()
	waitGone(r)
}

// reasoningStep is the spacing of reasoning deltas.
func (t *timeline) reasoningStep() time.Duration {
	if t.pace.TokenInterval > 0 {
		return t.pace.TokenInterval
	}
	return defaultReasoningStep
}

// reasoningTokens is the number of reasoning deltas (0 without reasoning).
func (t *timeline) reasoningTokens() int {
	if t.pace.Reasoning <= 0 {
		return 0
	}
	return max(1, int(t.pace.Reasoning/t.reasoningStep()))
}

// reasoningAt is when reasoning delta i is sent.
func (t *timeline) reasoningAt(i int) time.Duration {
	return t.lat + time.Duration(i)*t.reasoningStep()
}

// pieces splits content into stream deltas: one token each when paced,
// otherwise as streamPieces does.
func (t *timeline) pieces(content string) []string {
	if t.pace.TokenInterval > 0 {
		return splitWords(content, 1)
	}
	return streamPieces(content)
}

// gap is the spacing of content deltas.
func (t *timeline) gap() time.Duration {
	if t.pace.TokenInterval > 0 {
		return t.pace.TokenInterval
	}
	return t.lat / 20
}

// contentAt is when content delta i is sent (i = number of deltas: the
// finish).
func (t *timeline) contentAt(i int) time.Duration {
	return t.lat + t.pace.Reasoning + time.Duration(i)*t.gap()
}

// doneAt is when a non-streamed answer of n completion tokens is complete.
func (t *timeline) doneAt(n int) time.Duration {
	return t.lat + t.pace.Reasoning + time.Duration(n)*t.pace.TokenInterval
}

// filler pads answers to the paced length and makes reasoning text.
var filler = []string{"lorem", "ipsum", "dolor", "sit", "amet,", "consectetur", "adipiscing", "elit."}

var thinking = []string{"Let", "me", "think", "about", "this", "request", "step", "by", "step."}

// fitTokens cuts or pads text to exactly n words (n = 0: unchanged).
func fitTokens(text string, n int) string {
	if n <= 0 {
		return text
	}
	have := countWords(text)
	if have >= n {
		s, _ := firstWords(text, n)
		return s
	}
	var b strings.Builder
	b.Grow(len(text) + (n-have)*7)
	b.WriteString(text)
	for i := 0; have < n; i++ {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(filler[i%len(filler)])
		have++
	}
	return b.String()
}

// reasoningPiece is reasoning delta i: one word and its separator.
func reasoningPiece(i int) string {
	return thinking[i%len(thinking)] + " "
}

// reasoningText is the whole reasoning of n deltas.
func reasoningText(n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		b.WriteString(reasoningPiece(i))
	}
	return b.String()
}
