package pipeline

// Stages that run during the call (`during_call = true`): a verdict-only
// stage (sdk.CapStageVerdict, e.g. the guard) is started when the request
// reaches it and the request goes on without waiting: the later stages and
// the provider call run beside it. Its verdict is awaited before the first
// byte of the answer — an error, a plain answer or a stream's first chunk —
// so a refused request is never answered, only sent to the provider. A
// refusal cancels the provider call at once and becomes the request's answer
// in place of whatever the call produced; the provider's usage so far is
// still charged and tracked, as for a client that went away.

import (
	"context"
	"errors"
	"fmt"

	sdk "github.com/llmgw/llmgw/sdk/go"
	pb "github.com/llmgw/llmgw/sdk/go/proto/llmgw/v1"
)

// errVerdictRefused cancels a request whose during_call stage refused it.
var errVerdictRefused = errors.New("a stage running during the call refused the request")

// pendingVerdict is a during_call stage's call in flight.
type pendingVerdict struct {
	s  *stageInst
	ch chan stageResult
}

// verdicts is what a request's during_call stages decided so far.
type verdicts struct {
	pending []pendingVerdict
	// err is the first refusal (in declared order), once awaited.
	err *Error
	// cancel cancels the request (Serve's context) when a stage refuses.
	cancel context.CancelCauseFunc
}

// startDuringCall starts the group's during_call stages and returns the
// others, to be called as usual. A stage a quota lease admits needs no call.
func (g *Generation) startDuringCall(ctx context.Context, group []*stageInst, in *stageInput, tr *Trace) []*stageInst {
	if !g.hasDuringCall {
		return group
	}
	var rest []*stageInst
	for i, s := range group {
		if !s.duringCall {
			if rest != nil {
				rest = append(rest, s)
			}
			continue
		}
		if rest == nil {
			rest = append(make([]*stageInst, 0, len(group)), group[:i]...)
		}
		// Its request is made here, not in its goroutine: the stages
		// applied meanwhile add to the annotations it is made from.
		in.of(s)
		p := pendingVerdict{s: s, ch: make(chan stageResult, 1)}
		tr.verdicts.pending = append(tr.verdicts.pending, p)
		cancel := tr.verdicts.cancel
		go func() {
			r := g.callStageOrLease(ctx, s, in)
			if refuses(s, r) && cancel != nil {
				cancel(errVerdictRefused)
			}
			p.ch <- r
		}()
	}
	if rest == nil {
		return group
	}
	return rest
}

// callStageOrLease is one stage's result as callGroup would get it.
func (g *Generation) callStageOrLease(ctx context.Context, s *stageInst, in *stageInput) stageResult {
	r, key, ok := takeLease(s, in.req)
	if ok {
		return r
	}
	return g.callStage(ctx, s, in, key)
}

// refuses reports whether a during_call stage's result ends the request:
// a refusal, a failure of a fail-closed stage, or a changed request or an
// answer, which a verdict-only stage may not give.
func refuses(s *stageInst, r stageResult) bool {
	switch {
	case sdk.IsReject(r.resp):
		return true
	case r.err != nil || brokeVerdict(r):
		return !s.failOpen
	}
	return false
}

// brokeVerdict: the stage changed the request or answered it.
func brokeVerdict(r stageResult) bool {
	return r.err == nil && !sdk.IsReject(r.resp) && (r.resp.Action == pb.StageResponse_ANSWER || r.resp.Mutated != nil)
}

// awaitVerdicts waits for the request's during_call stages, folds their
// answers into the trace in declared order and returns the first refusal
// (nil when every stage let the request go on). It is called before the
// answer's first byte and again when the request ends; the second call only
// returns the first's outcome.
func (g *Generation) awaitVerdicts(req *Request, tr *Trace, m *Metrics) *Error {
	v := &tr.verdicts
	for _, p := range v.pending {
		r := <-p.ch
		var err *Error
		if brokeVerdict(r) {
			err = brokenVerdict(p.s, r, tr, m)
		} else {
			err = applyStage(p.s, r, req, tr, m)
		}
		if err != nil && v.err == nil {
			v.err = err
		}
	}
	v.pending = nil
	return v.err
}

// brokenVerdict is a during_call stage that changed the request or answered
// it: the provider already has the request as it was, so the change cannot
// be honoured. It is the stage's failure (its on_error decides).
func brokenVerdict(s *stageInst, r stageResult, tr *Trace, m *Metrics) *Error {
	span := &pb.StageSpan{Name: s.name, Plugin: s.plugin, StartUnixNano: r.start.UnixNano(), EndUnixNano: r.end.UnixNano(), Outcome: "error", Code: "invalid_verdict"}
	tr.Stages = append(tr.Stages, span)
	tr.Timings = append(tr.Timings, Timing{Name: s.name, Dur: r.end.Sub(r.start)})
	m.stageError(s.name, s.failOpen)
	if s.failOpen {
		span.Outcome = "skipped"
		return nil
	}
	return invalidAnswer(fmt.Sprintf("stage %q runs during the call but changed the request or answered it, which a verdict-only stage may not", s.name))
}

// verdictGate is the request's Writer while during_call stages may still
// refuse it: the first write waits for their verdicts, and a refusal is
// written in place of whatever the request was about to write.
type verdictGate struct {
	w   Writer
	g   *Generation
	req *Request
	m   *Metrics
	// refused: the refusal was written; every later write is dropped.
	refused bool
}

// check awaits the verdicts and writes a refusal once; it reports whether
// the request was refused.
func (v *verdictGate) check(tr *Trace) bool {
	if v.refused {
		return true
	}
	if err := v.g.awaitVerdicts(v.req, tr, v.m); err != nil {
		v.refused = true
		v.w.Error(err, tr)
		return true
	}
	return false
}

func (v *verdictGate) Error(e *Error, tr *Trace) {
	if !v.check(tr) {
		v.w.Error(e, tr)
	}
}

func (v *verdictGate) Complete(res *Result, tr *Trace) {
	if !v.check(tr) {
		v.w.Complete(res, tr)
	}
}

func (v *verdictGate) StreamStart(tr *Trace) error {
	if v.check(tr) {
		return errVerdictRefused
	}
	return v.w.StreamStart(tr)
}

func (v *verdictGate) StreamChunk(c *pb.StreamChunk) error {
	if v.refused {
		return errVerdictRefused
	}
	return v.w.StreamChunk(c)
}

func (v *verdictGate) StreamEnd(res *Result, tr *Trace) error {
	if v.check(tr) {
		return errVerdictRefused
	}
	return v.w.StreamEnd(res, tr)
}

func (v *verdictGate) StreamFail(e *Error, tr *Trace) {
	if !v.refused {
		v.w.StreamFail(e, tr)
	}
}
