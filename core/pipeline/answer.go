package pipeline

// A stage's own answer (StageResponse action ANSWER, e.g. a cache hit): the
// host serves it as if a provider had given it — through the same writer
// calls, and for a stream through the same chunk path a provider's answer
// takes — calls no provider, skips the later stages, and still runs the
// After hooks and trackers.

import (
	"context"
	"fmt"
	"strings"
	"time"

	sdk "github.com/llmgw/llmgw/sdk/go"
	pb "github.com/llmgw/llmgw/sdk/go/proto/llmgw/v1"
)

// AnnotationSavedUSD is the annotation that carries what a stage's answer
// saved (what a provider would have charged), in USD.
const AnnotationSavedUSD = "saved_usd"

// stageAnswer is the answer a stage gave, kept on the Trace until it is
// served.
type stageAnswer struct {
	stage      string
	answer     *pb.StageAnswer
	start, end time.Time
}

// checkAnswer says why a stage's ANSWER cannot be served ("" when it can):
// the stage must have declared sdk.CapStageAnswer (older plugins never
// answer), and the answer must suit the route and be complete.
func checkAnswer(s *stageInst, req *Request, a *pb.StageAnswer) string {
	if !s.answers {
		return fmt.Sprintf("stage %q answered the request but its plugin does not declare %q", s.name, sdk.CapStageAnswer)
	}
	if a == nil {
		return fmt.Sprintf("stage %q answered with nothing", s.name)
	}
	switch req.Route {
	case RouteEmbeddings:
		e := a.GetEmbeddings()
		switch {
		case e == nil || a.Chat != nil:
			return fmt.Sprintf("stage %q did not answer with an embeddings answer on the embeddings route", s.name)
		case e.Error != nil:
			return fmt.Sprintf("stage %q answered with a failure", s.name)
		}
		if pe := checkEmbedAnswer(e, req.Embeddings); pe != nil {
			return fmt.Sprintf("stage %q: %s", s.name, strings.TrimPrefix(pe.Message, "provider answered "))
		}
		return ""
	case RouteChat, RouteGenerate:
		c := a.GetChat()
		switch {
		case c == nil || a.Embeddings != nil:
			return fmt.Sprintf("stage %q did not answer with a chat answer on the %s route", s.name, req.Route)
		case c.Error != nil:
			return fmt.Sprintf("stage %q answered with a failure", s.name)
		case c.FinishReason == "":
			return fmt.Sprintf("stage %q answered with an incomplete answer (no finish reason)", s.name)
		case len(c.MoreChoices) > 0:
			return fmt.Sprintf("stage %q answered with several choices", s.name)
		}
		return ""
	}
	return fmt.Sprintf("stage %q answered on the %s route, which takes no stage answer", s.name, req.Route)
}

// invalidAnswer is the request's error when a fail-closed stage answered
// with something the host cannot serve.
func invalidAnswer(msg string) *Error {
	return &Error{Status: 502, Type: "upstream_error", Code: "invalid_stage_answer", Message: msg}
}

// answerChunks is a stage's chat answer as the chunks a provider's stream
// would have sent: what the model thought, refused and said, its tool calls,
// then the finish reason with the usage.
func answerChunks(c *pb.CompleteResponse) []*pb.StreamChunk {
	var out []*pb.StreamChunk
	if c.ReasoningContent != "" {
		out = append(out, &pb.StreamChunk{Id: c.Id, Model: c.Model, ReasoningContent: c.ReasoningContent, ReasoningSignature: c.ReasoningSignature})
	}
	if c.Refusal != "" {
		out = append(out, &pb.StreamChunk{Id: c.Id, Model: c.Model, Refusal: c.Refusal})
	}
	if c.Content != "" {
		out = append(out, &pb.StreamChunk{Id: c.Id, Model: c.Model, Content: c.Content})
	}
	if len(c.ToolCalls) > 0 {
		out = append(out, &pb.StreamChunk{Id: c.Id, Model: c.Model, ToolCalls: c.ToolCalls, LogprobsJson: c.LogprobsJson})
	}
	return append(out, &pb.StreamChunk{Id: c.Id, Model: c.Model, FinishReason: c.FinishReason, Usage: c.Usage})
}

// serveEmbeddingsAnswer writes a stage's embeddings answer and records it
// as the request's one attempt, as serveAnswer does for chat.
func serveEmbeddingsAnswer(req *Request, tr *Trace, w Writer) *Result {
	a := tr.answer
	e := a.answer.GetEmbeddings()
	tr.Attempts = append(tr.Attempts, &pb.Attempt{Model: req.model(), Provider: a.stage, UpstreamModel: e.Model, Outcome: "ok",
		StartUnixNano: a.start.UnixNano(), EndUnixNano: a.end.UnixNano(), Usage: e.Usage})
	tr.AnsweredBy = a.stage
	if a.answer.SavedCostKnown {
		tr.annotate(AnnotationSavedUSD, sdk.FormatUSD(a.answer.SavedCostNanos))
	}
	res := &Result{Embeddings: e, Usage: e.GetUsage(), ModelUsed: req.model(), Provider: a.stage, UpstreamModel: e.Model, CostKnown: true}
	w.Complete(res, tr)
	return res
}

// serveAnswer writes a stage's answer, plain or replayed as a stream, and
// records it as the request's one attempt (the stage as its provider). The
// answer costs nothing; what it saved goes to the annotations.
func (g *Generation) serveAnswer(ctx context.Context, req *Request, tr *Trace, w Writer) (*Result, *Error) {
	a := tr.answer
	chat := a.answer.GetChat()
	tr.Attempts = append(tr.Attempts, &pb.Attempt{Model: req.Chat.Model, Provider: a.stage, UpstreamModel: chat.Model, Outcome: "ok",
		StartUnixNano: a.start.UnixNano(), EndUnixNano: a.end.UnixNano(), Usage: chat.Usage})
	tr.AnsweredBy = a.stage
	if a.answer.SavedCostKnown {
		tr.annotate(AnnotationSavedUSD, sdk.FormatUSD(a.answer.SavedCostNanos))
	}
	// The chunks go through the accumulator a provider's stream goes
	// through, so both kinds of answer become the same Result.
	chunks := answerChunks(chat)
	acc := &streamAccumulator{}
	var forward []*pb.StreamChunk
	for _, c := range chunks {
		if acc.add(c) {
			forward = append(forward, c)
		}
	}
	res, pe := acc.result()
	if pe != nil { // checkAnswer made sure of the finish reason
		e := invalidAnswer(pe.Message)
		w.Error(e, tr)
		return nil, e
	}
	res.ModelUsed, res.Provider, res.UpstreamModel = req.Chat.Model, a.stage, chat.Model
	res.CostNanos, res.CostKnown = 0, true
	if !req.Chat.Stream {
		w.Complete(res, tr)
		return res, nil
	}
	sr := &streamRun{w: w, tr: tr}
	for _, c := range forward {
		if err := sr.forward(c, func() {}); err != nil {
			e := cancelledError(ctx)
			sr.finish(nil, e)
			return nil, e
		}
	}
	sr.finish(res, nil)
	return res, nil
}

// annotate sets one annotation of the request.
func (tr *Trace) annotate(k, v string) {
	if tr.Annotations == nil {
		tr.Annotations = map[string]string{}
	}
	tr.Annotations[k] = v
}

// completeResponse is the answer as After hooks see it
// (StageAfterRequest.response).
func (r *Result) completeResponse() *pb.CompleteResponse {
	return &pb.CompleteResponse{Id: r.ID, Content: r.Content, FinishReason: r.FinishReason, Usage: r.Usage, Model: r.UpstreamModel,
		Refusal: r.Refusal, ReasoningContent: r.Reasoning, ReasoningSignature: r.ReasoningSignature, ToolCalls: r.ToolCalls, LogprobsJson: r.LogprobsJSON, MoreChoices: r.MoreChoices}
}

// acceptAnswer takes a stage's ANSWER for serving, or, when it cannot be
// served, treats it as the stage's failure (its on_error decides).
func acceptAnswer(s *stageInst, r stageResult, req *Request, tr *Trace, span *pb.StageSpan, m *Metrics) *Error {
	if msg := checkAnswer(s, req, r.resp.Answer); msg != "" {
		span.Outcome, span.Code = "error", "invalid_answer"
		m.stageError(s.name, s.failOpen)
		if s.failOpen {
			span.Outcome = "skipped"
			return nil
		}
		return invalidAnswer(msg)
	}
	span.Outcome = "answer"
	tr.answer = &stageAnswer{stage: s.name, answer: r.resp.Answer, start: r.start, end: r.end}
	return nil
}
