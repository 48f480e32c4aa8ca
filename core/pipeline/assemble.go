package pipeline

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"google.golang.org/protobuf/proto"

	sdk "github.com/llmgw/llmgw/sdk/go"
	pb "github.com/llmgw/llmgw/sdk/go/proto/llmgw/v1"
)

// maxStreamChoices bounds the choices a stream may open (the API's n
// limit), whatever index a provider sends.
const maxStreamChoices = 128

// streamAccumulator builds the Result of a stream from its chunks: per
// choice, the text, refusal and reasoning joined, tool-call deltas joined
// by their index, and the logprobs entries concatenated.
type streamAccumulator struct {
	choices []*choiceAccumulator
	res     Result
	ended   bool
}

// choiceAccumulator is one choice of a stream being assembled.
type choiceAccumulator struct {
	content, refusal, reasoning strings.Builder
	finish                      string
	calls                       []*pb.ToolCall
	logprobs                    logprobsAccumulator
}

// add folds a chunk in and reports whether it carries anything for the
// client (role-only or usage-only chunks do not).
func (a *streamAccumulator) add(chunk *pb.StreamChunk) bool {
	if chunk.Id != "" {
		a.res.ID = chunk.Id
	}
	if chunk.Usage != nil {
		a.res.Usage = chunk.Usage
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
	for _, d := range chunk.ToolCalls {
		c.addCall(d)
	}
	c.logprobs.add(chunk.LogprobsJson)
	return chunk.Content != "" || chunk.FinishReason != "" || chunk.Refusal != "" || chunk.ReasoningContent != "" ||
		len(chunk.ToolCalls) > 0 || chunk.LogprobsJson != ""
}

// choice is the accumulator of choice i, opened on first use; nil past
// the limit.
func (a *streamAccumulator) choice(i int) *choiceAccumulator {
	if i < 0 || i >= maxStreamChoices {
		return nil
	}
	for len(a.choices) <= i {
		a.choices = append(a.choices, &choiceAccumulator{})
	}
	return a.choices[i]
}

// addCall joins a tool-call delta into the call with its index: the first
// delta of a call brings its id, type and name, the others more arguments.
func (c *choiceAccumulator) addCall(d *pb.ToolCall) {
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

// result is the stream's Result, or a failure when it ended without a
// finish reason.
func (a *streamAccumulator) result() (*Result, *pb.ProviderError) {
	if !a.ended {
		return nil, &pb.ProviderError{Class: sdk.ClassTransport, Message: "upstream stream ended early"}
	}
	res := a.res
	if len(a.choices) == 0 {
		return &res, nil
	}
	c := a.choices[0]
	res.Content, res.Refusal, res.Reasoning, res.FinishReason = c.content.String(), c.refusal.String(), c.reasoning.String(), c.finish
	res.ToolCalls, res.LogprobsJSON = c.sortedCalls(), c.logprobs.json()
	for i, c := range a.choices[1:] {
		res.MoreChoices = append(res.MoreChoices, &pb.Choice{Index: int32(i + 1), Content: c.content.String(), FinishReason: c.finish,
			ToolCalls: c.sortedCalls(), Refusal: c.refusal.String(), LogprobsJson: c.logprobs.json()})
	}
	return &res, nil
}

// sortedCalls are the choice's calls in index order, renumbered 0…k-1 as
// a plain answer lists them.
func (c *choiceAccumulator) sortedCalls() []*pb.ToolCall {
	slices.SortStableFunc(c.calls, func(x, y *pb.ToolCall) int { return int(x.Index) - int(y.Index) })
	return c.calls
}

// logprobsAccumulator joins the logprobs objects of a stream's chunks
// ({"content": [...], "refusal": [...]}) into the answer's one.
type logprobsAccumulator struct {
	content, refusal []json.RawMessage
	seen             bool
}

func (l *logprobsAccumulator) add(raw string) {
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
func (l *logprobsAccumulator) json() string {
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

// eventRequest is the request as trackers see it: an image sent inline (a
// data URL of up to 20 MiB) is shortened to its type and size, so the
// tracking queue and the trackers' spools never hold the image. The
// request itself is left alone (the After hooks still read it).
func eventRequest(chat *pb.ChatRequest) *pb.ChatRequest {
	var out *pb.ChatRequest
	for i, m := range chat.GetMessages() {
		for j, p := range m.GetParts() {
			meta, data, ok := strings.Cut(p.GetImageUrl(), ",")
			if !ok || !strings.HasPrefix(meta, "data:") {
				continue
			}
			if out == nil {
				out = proto.Clone(chat).(*pb.ChatRequest)
			}
			out.Messages[i].Parts[j].ImageUrl = fmt.Sprintf("%s,[%d base64 characters]", meta, len(data))
		}
	}
	if out == nil {
		return chat
	}
	return out
}
