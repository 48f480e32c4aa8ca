package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	pb "github.com/llmgw/llmgw/sdk/go/proto/llmgw/v1"

	"github.com/llmgw/llmgw/core/pipeline"
)

// responseObject is OpenAI's response object; the request's echo is filled
// at decoding (responseEcho), the answer's part by responsesWriter.
type responseObject struct {
	ID                 string             `json:"id"`
	Object             string             `json:"object"`
	CreatedAt          int64              `json:"created_at"`
	Status             string             `json:"status"`
	Background         bool               `json:"background"`
	Error              *responseError     `json:"error"`
	IncompleteDetails  *incompleteDetails `json:"incomplete_details"`
	Instructions       *string            `json:"instructions"`
	MaxOutputTokens    *int32             `json:"max_output_tokens"`
	Model              string             `json:"model"`
	Output             []any              `json:"output"`
	ParallelToolCalls  bool               `json:"parallel_tool_calls"`
	PreviousResponseID *string            `json:"previous_response_id"`
	Reasoning          responseReasoning  `json:"reasoning"`
	Store              bool               `json:"store"`
	Temperature        float64            `json:"temperature"`
	Text               responseText       `json:"text"`
	ToolChoice         json.RawMessage    `json:"tool_choice"`
	Tools              json.RawMessage    `json:"tools"`
	TopP               float64            `json:"top_p"`
	Truncation         string             `json:"truncation"`
	Usage              *responsesUsage    `json:"usage"`
	User               *string            `json:"user"`
	Metadata           map[string]string  `json:"metadata"`
}

type responseError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

type incompleteDetails struct {
	Reason string `json:"reason"`
}

type responseReasoning struct {
	Effort  *string `json:"effort"`
	Summary *string `json:"summary"`
}

type responseText struct {
	Format    json.RawMessage `json:"format"`
	Verbosity *string         `json:"verbosity,omitempty"`
}

// responsesUsage is the Responses API's usage: input_tokens includes the
// cached ones (as prompt_tokens does on chat).
type responsesUsage struct {
	InputTokens        int32 `json:"input_tokens"`
	InputTokensDetails struct {
		CachedTokens     int32 `json:"cached_tokens"`
		CacheWriteTokens int32 `json:"cache_write_tokens"`
	} `json:"input_tokens_details"`
	OutputTokens        int32 `json:"output_tokens"`
	OutputTokensDetails struct {
		ReasoningTokens int32 `json:"reasoning_tokens"`
	} `json:"output_tokens_details"`
	TotalTokens int32 `json:"total_tokens"`
}

func responsesUsageOf(u *pb.Usage) *responsesUsage {
	out := &responsesUsage{InputTokens: u.GetPromptTokens(), OutputTokens: u.GetCompletionTokens(), TotalTokens: u.GetTotalTokens()}
	out.InputTokensDetails.CachedTokens = u.GetCachedTokens()
	out.InputTokensDetails.CacheWriteTokens = u.GetCacheCreationTokens()
	out.OutputTokensDetails.ReasoningTokens = u.GetReasoningTokens()
	return out
}

// responseEcho is the part of the response object that repeats the
// request, with OpenAI's defaults where the body set nothing.
func responseEcho(b *responsesBody, req *pb.ChatRequest) *responseObject {
	o := &responseObject{Object: "response", Instructions: b.Instructions, MaxOutputTokens: b.MaxOutputTokens, ParallelToolCalls: true,
		Temperature: 1, TopP: 1, Truncation: "disabled", ToolChoice: json.RawMessage(`"auto"`), Tools: json.RawMessage("[]"),
		Text: responseText{Format: json.RawMessage(`{"type":"text"}`)}, Metadata: req.GetMetadata()}
	if o.Metadata == nil {
		o.Metadata = map[string]string{}
	}
	if b.ParallelToolCalls != nil {
		o.ParallelToolCalls = *b.ParallelToolCalls
	}
	if b.Temperature != nil {
		o.Temperature = *b.Temperature
	}
	if b.TopP != nil {
		o.TopP = *b.TopP
	}
	if isSet(b.ToolChoice) {
		o.ToolChoice = b.ToolChoice
	}
	if isSet(b.Tools) {
		o.Tools = b.Tools
	}
	if b.Text != nil {
		if isSet(b.Text.Format) {
			o.Text.Format = b.Text.Format
		}
		o.Text.Verbosity = b.Text.Verbosity
	}
	if b.Reasoning != nil {
		o.Reasoning = responseReasoning{Effort: b.Reasoning.Effort, Summary: b.Reasoning.Summary}
	}
	if req.User != "" {
		o.User = &req.User
	}
	return o
}

// Output items and their content parts, in OpenAI's shapes.
type (
	messageItem struct {
		Type    string `json:"type"`
		ID      string `json:"id"`
		Status  string `json:"status"`
		Role    string `json:"role"`
		Content []any  `json:"content"`
	}
	outputText struct {
		Type        string `json:"type"`
		Text        string `json:"text"`
		Annotations []any  `json:"annotations"`
		Logprobs    []any  `json:"logprobs"`
	}
	refusalPart struct {
		Type    string `json:"type"`
		Refusal string `json:"refusal"`
	}
	reasoningItem struct {
		Type    string          `json:"type"`
		ID      string          `json:"id"`
		Status  string          `json:"status"`
		Summary []any           `json:"summary"`
		Content []reasoningText `json:"content"`
	}
	reasoningText struct {
		Type string `json:"type"`
		Text string `json:"text"`
	}
	functionCallItem struct {
		Type      string `json:"type"`
		ID        string `json:"id"`
		Status    string `json:"status"`
		CallID    string `json:"call_id"`
		Name      string `json:"name"`
		Arguments string `json:"arguments"`
	}
)

func newOutputText(text string) *outputText {
	return &outputText{Type: "output_text", Text: text, Annotations: []any{}, Logprobs: []any{}}
}

// responseStatus is the response's status and, when incomplete, why: the
// output limit or the provider's content filter.
func responseStatus(res *pipeline.Result) (string, *incompleteDetails) {
	switch res.FinishReason {
	case "length":
		return "incomplete", &incompleteDetails{Reason: "max_output_tokens"}
	case "content_filter":
		return "incomplete", &incompleteDetails{Reason: "content_filter"}
	}
	return "completed", nil
}

// responsesWriter answers POST /v1/responses: the response object, or its
// event stream — response.created, response.in_progress, per output item
// response.output_item.added, its content's events (content_part.added,
// output_text.delta… / refusal.delta… / reasoning_text.delta…,
// *.done, content_part.done; function_call_arguments.delta… and .done),
// response.output_item.done, then response.completed (or
// response.incomplete) with the whole response and its usage; a failure
// after the stream started ends it with response.failed. Every event
// carries its sequence_number.
type responsesWriter struct {
	answer
	seq   int
	model string
	// The output items so far (by output index) and the open one: a
	// message or reasoning item (-1: none), and its open content part.
	items    []any
	open     int
	openPart int
	partText strings.Builder
	// The function calls' output indexes, by the call's index.
	calls map[int32]int
}

func newResponsesWriter(a answer) pipeline.Writer {
	return &responsesWriter{answer: a, open: -1, openPart: -1, calls: map[int32]int{}}
}

func (rw *responsesWriter) id() string { return "resp_" + rw.req.ID }

// itemID is the id of output item i (unique in the response).
func (rw *responsesWriter) itemID(prefix string, i int) string {
	return fmt.Sprintf("%s_%s_%d", prefix, rw.req.ID, i)
}

// object is the response object with the answer's part set.
func (rw *responsesWriter) object(status, model string) *responseObject {
	o := *rw.opts.responses
	o.ID, o.CreatedAt, o.Status, o.Model, o.Output = rw.id(), rw.created, status, model, []any{}
	return &o
}

// Complete writes the response object: the reasoning (when the provider
// gave it), the message (text or refusal; an empty text when the model
// only called functions is left out) and a function_call per call.
func (rw *responsesWriter) Complete(res *pipeline.Result, tr *pipeline.Trace) {
	rw.setHeaders(tr, res)
	status, why := responseStatus(res)
	itemStatus := status
	o := rw.object(status, res.ModelUsed)
	o.IncompleteDetails = why
	if res.Reasoning != "" {
		o.Output = append(o.Output, &reasoningItem{Type: "reasoning", ID: rw.itemID("rs", len(o.Output)), Status: itemStatus, Summary: []any{},
			Content: []reasoningText{{Type: "reasoning_text", Text: res.Reasoning}}})
	}
	if res.Content != "" || res.Refusal != "" || len(res.ToolCalls) == 0 {
		msg := &messageItem{Type: "message", ID: rw.itemID("msg", len(o.Output)), Status: itemStatus, Role: "assistant", Content: []any{}}
		if res.Content != "" || res.Refusal == "" {
			msg.Content = append(msg.Content, newOutputText(res.Content))
		}
		if res.Refusal != "" {
			msg.Content = append(msg.Content, &refusalPart{Type: "refusal", Refusal: res.Refusal})
		}
		o.Output = append(o.Output, msg)
	}
	for _, tc := range res.ToolCalls {
		o.Output = append(o.Output, &functionCallItem{Type: "function_call", ID: rw.itemID("fc", len(o.Output)), Status: "completed",
			CallID: tc.Id, Name: tc.Name, Arguments: tc.Arguments})
	}
	o.Usage = responsesUsageOf(res.Usage)
	writeJSON(rw.w, http.StatusOK, o)
	rw.flush()
}

// send writes one event: its type names it, and it gets the next sequence
// number.
func (rw *responsesWriter) send(typ string, ev map[string]any) error {
	ev["type"] = typ
	ev["sequence_number"] = rw.seq
	rw.seq++
	if _, err := rw.w.Write([]byte("event: " + typ + "\n")); err != nil {
		return err
	}
	return rw.event(ev)
}

func (rw *responsesWriter) StreamStart(tr *pipeline.Trace) error {
	if err := rw.startSSE(tr, currentAttempt(tr)); err != nil {
		return err
	}
	rw.model = rw.req.Chat.Model
	if r := currentAttempt(tr); r != nil {
		rw.model = r.ModelUsed
	}
	if err := rw.send("response.created", map[string]any{"response": rw.object("in_progress", rw.model)}); err != nil {
		return err
	}
	return rw.send("response.in_progress", map[string]any{"response": rw.object("in_progress", rw.model)})
}

// addItem starts output item it (its status in_progress).
func (rw *responsesWriter) addItem(it any) (int, error) {
	i := len(rw.items)
	rw.items = append(rw.items, it)
	return i, rw.send("response.output_item.added", map[string]any{"output_index": i, "item": it})
}

// partKinds are the events of an open content part: the part's type, its
// delta and done events and the field the done event carries its text in.
var partKinds = map[string]struct{ delta, done, field string }{
	"output_text":    {"response.output_text.delta", "response.output_text.done", "text"},
	"refusal":        {"response.refusal.delta", "response.refusal.done", "refusal"},
	"reasoning_text": {"response.reasoning_text.delta", "response.reasoning_text.done", "text"},
}

// openPartType is the type of the open content part ("" when none).
func (rw *responsesWriter) openPartType() string {
	if rw.open < 0 || rw.openPart < 0 {
		return ""
	}
	switch it := rw.items[rw.open].(type) {
	case *messageItem:
		switch it.Content[rw.openPart].(type) {
		case *outputText:
			return "output_text"
		case *refusalPart:
			return "refusal"
		}
	case *reasoningItem:
		return "reasoning_text"
	}
	return ""
}

// text sends a fragment of kind (output_text, refusal or reasoning_text),
// opening the item and the part it belongs to when they are not open.
func (rw *responsesWriter) text(kind, delta string) error {
	if rw.openPartType() != kind {
		if err := rw.openContent(kind); err != nil {
			return err
		}
	}
	rw.partText.WriteString(delta)
	itemID := rw.openItemID()
	ev := map[string]any{"item_id": itemID, "output_index": rw.open, "content_index": rw.openPart, "delta": delta}
	if kind == "output_text" {
		ev["logprobs"] = []any{}
	}
	return rw.send(partKinds[kind].delta, ev)
}

func (rw *responsesWriter) openItemID() string {
	switch it := rw.items[rw.open].(type) {
	case *messageItem:
		return it.ID
	case *reasoningItem:
		return it.ID
	}
	return ""
}

// openContent opens a part of kind: in the open message for text and
// refusal (a new message after reasoning or function calls), in a new
// reasoning item for reasoning.
func (rw *responsesWriter) openContent(kind string) error {
	if err := rw.closePart(); err != nil {
		return err
	}
	inMessage := false
	if rw.open >= 0 {
		_, inMessage = rw.items[rw.open].(*messageItem)
	}
	if kind == "reasoning_text" || !inMessage {
		if err := rw.closeItem(); err != nil {
			return err
		}
		var it any
		if kind == "reasoning_text" {
			it = &reasoningItem{Type: "reasoning", ID: rw.itemID("rs", len(rw.items)), Status: "in_progress", Summary: []any{}, Content: []reasoningText{}}
		} else {
			it = &messageItem{Type: "message", ID: rw.itemID("msg", len(rw.items)), Status: "in_progress", Role: "assistant", Content: []any{}}
		}
		i, err := rw.addItem(it)
		if err != nil {
			return err
		}
		rw.open = i
	}
	var part any
	switch kind {
	case "output_text":
		part = newOutputText("")
	case "refusal":
		part = &refusalPart{Type: "refusal"}
	default:
		part = &reasoningText{Type: "reasoning_text"}
	}
	switch it := rw.items[rw.open].(type) {
	case *messageItem:
		it.Content = append(it.Content, part)
		rw.openPart = len(it.Content) - 1
	case *reasoningItem:
		it.Content = append(it.Content, reasoningText{Type: "reasoning_text"})
		rw.openPart = len(it.Content) - 1
	}
	rw.partText.Reset()
	return rw.send("response.content_part.added", map[string]any{"item_id": rw.openItemID(), "output_index": rw.open, "content_index": rw.openPart, "part": part})
}

// closePart ends the open content part with its done events.
func (rw *responsesWriter) closePart() error {
	kind := rw.openPartType()
	if kind == "" {
		return nil
	}
	text := rw.partText.String()
	var part any
	switch it := rw.items[rw.open].(type) {
	case *messageItem:
		if kind == "output_text" {
			part = newOutputText(text)
		} else {
			part = &refusalPart{Type: "refusal", Refusal: text}
		}
		it.Content[rw.openPart] = part
	case *reasoningItem:
		it.Content[rw.openPart] = reasoningText{Type: "reasoning_text", Text: text}
		part = it.Content[rw.openPart]
	}
	k := partKinds[kind]
	ev := map[string]any{"item_id": rw.openItemID(), "output_index": rw.open, "content_index": rw.openPart, k.field: text}
	if kind == "output_text" {
		ev["logprobs"] = []any{}
	}
	if err := rw.send(k.done, ev); err != nil {
		return err
	}
	i, j := rw.open, rw.openPart
	rw.openPart = -1
	return rw.send("response.content_part.done", map[string]any{"item_id": rw.openItemID(), "output_index": i, "content_index": j, "part": part})
}

// closeItem ends the open message or reasoning item.
func (rw *responsesWriter) closeItem() error {
	if rw.open < 0 {
		return nil
	}
	if err := rw.closePart(); err != nil {
		return err
	}
	i := rw.open
	rw.open = -1
	return rw.finishItem(i, "completed")
}

// finishItem sets item i's status and sends response.output_item.done.
func (rw *responsesWriter) finishItem(i int, status string) error {
	switch it := rw.items[i].(type) {
	case *messageItem:
		it.Status = status
	case *reasoningItem:
		it.Status = status
	case *functionCallItem:
		it.Status = "completed"
	}
	return rw.send("response.output_item.done", map[string]any{"output_index": i, "item": rw.items[i]})
}

// StreamChunk sends the chunk's reasoning, text, refusal and function-call
// deltas.
func (rw *responsesWriter) StreamChunk(ch *pb.StreamChunk) error {
	for _, p := range []struct{ kind, text string }{{"reasoning_text", ch.ReasoningContent}, {"output_text", ch.Content}, {"refusal", ch.Refusal}} {
		if p.text == "" {
			continue
		}
		if err := rw.text(p.kind, p.text); err != nil {
			return err
		}
	}
	for _, tc := range ch.ToolCalls {
		if err := rw.callDelta(tc); err != nil {
			return err
		}
	}
	return nil
}

// callDelta sends one function-call delta: the first of a call ends the
// open message or reasoning item and adds the call's item. Calls stay open
// until the stream ends (a provider may interleave their deltas).
func (rw *responsesWriter) callDelta(tc *pb.ToolCall) error {
	i, ok := rw.calls[tc.Index]
	if !ok {
		if err := rw.closeItem(); err != nil {
			return err
		}
		var err error
		if i, err = rw.addItem(&functionCallItem{Type: "function_call", ID: rw.itemID("fc", len(rw.items)), Status: "in_progress", CallID: tc.Id, Name: tc.Name}); err != nil {
			return err
		}
		rw.calls[tc.Index] = i
	}
	if tc.Arguments == "" {
		return nil
	}
	fc := rw.items[i].(*functionCallItem)
	fc.Arguments += tc.Arguments
	return rw.send("response.function_call_arguments.delta", map[string]any{"item_id": fc.ID, "output_index": i, "delta": tc.Arguments})
}

// StreamEnd closes the open item (a message with an empty text when the
// answer had no output at all), the function calls in order, and sends
// response.completed (or response.incomplete) with the whole response.
func (rw *responsesWriter) StreamEnd(res *pipeline.Result, _ *pipeline.Trace) error {
	status, why := responseStatus(res)
	if len(rw.items) == 0 {
		if err := rw.openContent("output_text"); err != nil {
			return err
		}
	}
	if rw.open >= 0 {
		if err := rw.closePart(); err != nil {
			return err
		}
		i := rw.open
		rw.open = -1
		if err := rw.finishItem(i, status); err != nil {
			return err
		}
	}
	for i, it := range rw.items {
		fc, ok := it.(*functionCallItem)
		if !ok || fc.Status == "completed" {
			continue
		}
		if err := rw.send("response.function_call_arguments.done", map[string]any{"item_id": fc.ID, "output_index": i, "name": fc.Name, "arguments": fc.Arguments}); err != nil {
			return err
		}
		if err := rw.finishItem(i, "completed"); err != nil {
			return err
		}
	}
	o := rw.object(status, rw.model)
	o.IncompleteDetails, o.Output, o.Usage = why, rw.items, responsesUsageOf(res.Usage)
	event := "response.completed"
	if status == "incomplete" {
		event = "response.incomplete"
	}
	return rw.send(event, map[string]any{"response": o})
}

// StreamFail ends a started stream with response.failed: the response with
// status failed, its error, and the output so far.
func (rw *responsesWriter) StreamFail(e *pipeline.Error, _ *pipeline.Trace) {
	o := rw.object("failed", rw.model)
	o.Output = rw.items
	code := e.Code
	if code == "" {
		code = e.Type
	}
	o.Error = &responseError{Code: code, Message: e.Message}
	_ = rw.send("response.failed", map[string]any{"response": o})
}
