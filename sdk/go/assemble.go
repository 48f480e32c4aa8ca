package sdk

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"google.golang.org/grpc/status"

	pb "github.com/llmgw/llmgw/sdk/go/proto/llmgw/v1"
)

// CapProviderAssemble says the plugin answers a Complete that carries
// CompleteRequest.assemble by streaming from the upstream under those
// deadlines and returning the assembled answer. The SDK declares it for
// every Go provider (it is the SDK's serve layer that assembles); a host
// asks a provider without it for a Stream and assembles the answer itself.
const CapProviderAssemble = "provider.assemble"

// maxStreamChoices bounds the choices a stream may open (the API's n
// limit), whatever index a provider sends.
const maxStreamChoices = 128

// Assembler builds a plain answer from a stream's chunks: per choice, the
// text, refusal and reasoning joined, tool-call deltas joined by their
// index, and the logprobs entries concatenated. It is the one assembly of a
// stream, used by the host (streamed and stage answers, providers without
// CapProviderAssemble) and by the SDK (assembled plain answers). The zero
// value is ready; it is not safe for concurrent use.
type Assembler struct {
	choices []*choiceAssembler
	resp    pb.CompleteResponse
	ended   bool
}

// choiceAssembler is one choice of a stream being assembled.
type choiceAssembler struct {
	content, refusal, reasoning strings.Builder
	signature                   strings.Builder
	finish                      string
	calls                       []*pb.ToolCall
	logprobs                    logprobsAssembler
}

// Add folds a chunk in and reports whether it carries anything for the
// client (role-only or usage-only chunks do not).
func (a *Assembler) Add(chunk *pb.StreamChunk) bool {
	if chunk.Id != "" {
		a.resp.Id = chunk.Id
	}
	if chunk.Model != "" {
		a.resp.Model = chunk.Model
	}
	if chunk.Usage != nil {
		a.resp.Usage = chunk.Usage
	}
	c := a.choice(int(chunk.ChoiceIndex))
	if c == nil {
		return false
	}
	if chunk.FinishReason != "" {
		c.finish = chunk.FinishReason
		a.ended = true
	}
	c.content.WriteString(chunk.Content)
	c.refusal.WriteString(chunk.Refusal)
	c.reasoning.WriteString(chunk.ReasoningContent)
	c.signature.WriteString(chunk.ReasoningSignature)
	for _, d := range chunk.ToolCalls {
		c.addCall(d)
	}
	c.logprobs.add(chunk.LogprobsJson)
	return chunk.Content != "" || chunk.FinishReason != "" || chunk.Refusal != "" || chunk.ReasoningContent != "" ||
		chunk.ReasoningSignature != "" || len(chunk.ToolCalls) > 0 || chunk.LogprobsJson != ""
}

// choice is the assembler of choice i, opened on first use; nil past the
// limit.
func (a *Assembler) choice(i int) *choiceAssembler {
	if i < 0 || i >= maxStreamChoices {
		return nil
	}
	for len(a.choices) <= i {
		a.choices = append(a.choices, &choiceAssembler{})
	}
	return a.choices[i]
}

// addCall joins a tool-call delta into the call with its index: the first
// delta of a call brings its id, type and name, the others more arguments.
func (c *choiceAssembler) addCall(d *pb.ToolCall) {
	for _, call := range c.calls {
		if call.Index == d.Index {
			if call.Id == "" {
				call.Id = d.Id
			}
			if call.Name == "" {
				call.Name = d.Name
			}
			call.Arguments += d.Arguments
			return
		}
	}
	typ := d.Type
	if typ == "" {
		typ = "function"
	}
	c.calls = append(c.calls, &pb.ToolCall{Index: d.Index, Id: d.Id, Type: typ, Name: d.Name, Arguments: d.Arguments})
}

// Response is the assembled answer, or a transport failure when the stream
// ended without a finish reason (an upstream that hung up mid-answer).
func (a *Assembler) Response() (*pb.CompleteResponse, *pb.ProviderError) {
	if !a.ended {
		return nil, &pb.ProviderError{Class: ClassTransport, Message: "upstream stream ended early"}
	}
	resp := &pb.CompleteResponse{Id: a.resp.Id, Model: a.resp.Model, Usage: a.resp.Usage}
	if len(a.choices) == 0 {
		return resp, nil
	}
	c := a.choices[0]
	resp.Content, resp.Refusal, resp.ReasoningContent, resp.FinishReason = c.content.String(), c.refusal.String(), c.reasoning.String(), c.finish
	resp.ToolCalls, resp.LogprobsJson, resp.ReasoningSignature = c.sortedCalls(), c.logprobs.json(), c.signature.String()
	for i, c := range a.choices[1:] {
		resp.MoreChoices = append(resp.MoreChoices, &pb.Choice{Index: int32(i + 1), Content: c.content.String(), FinishReason: c.finish,
			ToolCalls: c.sortedCalls(), Refusal: c.refusal.String(), LogprobsJson: c.logprobs.json()})
	}
	return resp, nil
}

// sortedCalls are the choice's calls in index order, as a plain answer
// lists them.
func (c *choiceAssembler) sortedCalls() []*pb.ToolCall {
	slices.SortStableFunc(c.calls, func(x, y *pb.ToolCall) int { return int(x.Index) - int(y.Index) })
	return c.calls
}

// logprobsAssembler joins the logprobs objects of a stream's chunks
// ({"content": [...], "refusal": [...]}) into the answer's one.
type logprobsAssembler struct {
	content, refusal []json.RawMessage
	seen             bool
}

func (l *logprobsAssembler) add(raw string) {
	if raw == "" || raw == "null" {
		return
	}
	var lp struct {
		Content []json.RawMessage `json:"content"`
		Refusal []json.RawMessage `json:"refusal"`
	}
	if json.Unmarshal([]byte(raw), &lp) != nil {
		return
	}
	l.seen = true
	l.content = append(l.content, lp.Content...)
	l.refusal = append(l.refusal, lp.Refusal...)
}

// json is the joined object, "" when no chunk had logprobs.
func (l *logprobsAssembler) json() string {
	if !l.seen {
		return ""
	}
	out := struct {
		Content []json.RawMessage `json:"content"`
		Refusal []json.RawMessage `json:"refusal"`
	}{Content: l.content, Refusal: l.refusal}
	if out.Content == nil {
		out.Content = []json.RawMessage{}
	}
	b, _ := json.Marshal(out)
	return string(b)
}

// The causes a ProgressDeadline cancels its context with.
var (
	ErrFirstByte = errors.New("no first byte before the deadline")
	ErrIdle      = errors.New("stream idle for too long")
)

// ProgressDeadline is a stream's progress timer: the first-byte deadline
// until the first chunk, then the idle deadline between chunks. When one
// passes it cancels the stream's context with ErrFirstByte or ErrIdle. The
// host runs one per streamed attempt, the SDK one per assembled answer, so
// both watch progress alike.
type ProgressDeadline struct {
	timer    *time.Timer
	idle     time.Duration
	gotFirst atomic.Bool
}

// StartProgressDeadline starts the first-byte deadline.
func StartProgressDeadline(firstByte, idle time.Duration, cancel context.CancelCauseFunc) *ProgressDeadline {
	d := &ProgressDeadline{idle: idle}
	d.timer = time.AfterFunc(firstByte, func() {
		if d.gotFirst.Load() {
			cancel(ErrIdle)
		} else {
			cancel(ErrFirstByte)
		}
	})
	return d
}

// Chunk records progress: the timer restarts on the idle deadline.
func (d *ProgressDeadline) Chunk() {
	d.gotFirst.Store(true)
	d.timer.Reset(d.idle)
}

// Stop stops the timer.
func (d *ProgressDeadline) Stop() { d.timer.Stop() }

// DeadlineError is the failure of a stream whose context ctx a
// ProgressDeadline cancelled (a timeout, as the router classes it), nil when
// it did not.
func DeadlineError(ctx context.Context) *pb.ProviderError {
	switch cause := context.Cause(ctx); {
	case errors.Is(cause, ErrFirstByte):
		return &pb.ProviderError{Class: ClassTimeout, Message: "no first byte before the deadline"}
	case errors.Is(cause, ErrIdle):
		return &pb.ProviderError{Class: ClassTimeout, Message: "stream stalled"}
	}
	return nil
}

// errChunkError stops a provider's Stream that sent a chunk with error set.
var errChunkError = errors.New("the provider sent an error chunk")

// assemble serves a Complete that carries assemble: the provider's Stream
// runs under the request's progress deadlines, every chunk restarting the
// idle one (a long answer that keeps coming, or a model that thinks, is
// never a timeout), and the chunks become the one answer. A failure is the
// answer's error, classed as the host classes a failed stream; the call
// itself fails only when the host's context ended, as a Stream does.
func assemble(ctx context.Context, p Provider, req *pb.CompleteRequest) (*pb.CompleteResponse, error) {
	start := time.Now()
	sctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	dl := StartProgressDeadline(time.Duration(req.Assemble.FirstByteMs)*time.Millisecond, time.Duration(req.Assemble.IdleMs)*time.Millisecond, cancel)
	defer dl.Stop()
	var (
		acc     Assembler
		first   int64
		failure *pb.ProviderError
	)
	err := p.Stream(sctx, req, func(c *pb.StreamChunk) error {
		if sctx.Err() != nil {
			return context.Cause(sctx)
		}
		if c.Error != nil {
			failure = c.Error
			return errChunkError
		}
		if first == 0 {
			first = max(1, int64(time.Since(start)))
		}
		dl.Chunk()
		acc.Add(c)
		return nil
	})
	if failure != nil {
		return &pb.CompleteResponse{Error: failure}, nil
	}
	if err == nil {
		// A whole stream is the answer, even when a deadline passed
		// between its last chunk and its end.
		if resp, pe := acc.Response(); pe == nil {
			resp.FirstChunkNanos = first
			return resp, nil
		} else if ctx.Err() == nil {
			return &pb.CompleteResponse{Error: pe}, nil
		}
	}
	if ctx.Err() != nil {
		return nil, status.FromContextError(ctx.Err()).Err()
	}
	if pe := DeadlineError(sctx); pe != nil {
		return &pb.CompleteResponse{Error: pe}, nil
	}
	return &pb.CompleteResponse{Error: AsProviderError(err)}, nil
}
