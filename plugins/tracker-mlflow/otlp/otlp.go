// Package otlp turns finished-request events into OTLP trace data in the
// shape MLflow's trace UI understands: one trace per event, a root span for
// the request, a child span per stage and per provider attempt, with MLflow's
// mlflow.* span attributes (each value a JSON document in a string).
//
// Trace and span ids are derived from the event id, so sending an event twice
// addresses the same MLflow trace (MLflow upserts it).
package otlp

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"google.golang.org/protobuf/proto"

	commonpb "go.opentelemetry.io/proto/otlp/common/v1"
	resourcepb "go.opentelemetry.io/proto/otlp/resource/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"

	sdk "github.com/llmgw/llmgw/sdk/go"
)

// MLflow span attribute keys (mlflow/tracing/constant.py).
const (
	AttrSpanType   = "mlflow.spanType"
	AttrInputs     = "mlflow.spanInputs"
	AttrOutputs    = "mlflow.spanOutputs"
	AttrTokenUsage = "mlflow.chat.tokenUsage"
	// AttrChatTools lists the tools offered, in OpenAI's shape; the Traces
	// UI shows them beside the messages.
	AttrChatTools = "mlflow.chat.tools"
	// AttrMessageFormat picks the UI's parser of inputs and outputs.
	AttrMessageFormat = "mlflow.message.format"
	AttrModel         = "mlflow.llm.model"
	AttrProvider      = "mlflow.llm.provider"
	TraceTagPrefix    = "mlflow.traceTag."
	// MetadataTagPrefix names the trace tags of a request's metadata (the
	// client's own tags: metadata.<key>).
	MetadataTagPrefix = "metadata."
	GatewayAttrBase   = "llmgw."
)

// Trace tags the root span carries (as mlflow.traceTag.<key>); MLflow stores
// them as the trace's tags, searchable as tags.`llmgw.request_id` = '…'.
const (
	TagEventID        = "llmgw.event_id"
	TagRequestID      = "llmgw.request_id"
	TagRoute          = "llmgw.route"
	TagEndpoint       = "llmgw.endpoint"
	TagRequestedModel = "llmgw.requested_model"
	TagModelUsed      = "llmgw.model_used"
	TagProvider       = "llmgw.provider"
	TagFallbackCount  = "llmgw.fallback_count"
	TagClientKeyHash  = "llmgw.client_key_hash"
	TagStream         = "llmgw.stream"
	TagStatus         = "llmgw.status"
	TagErrorCode      = "llmgw.error_code"
	// TagCostUSD, TagKeyID, TagKeyName and TagKeyTeam come from the
	// gateway's annotations (cost_usd, key.id, key.name, key.team), so
	// traces can be searched by cost, by virtual key and by team.
	TagCostUSD = "llmgw.cost_usd"
	TagKeyID   = "llmgw.key_id"
	TagKeyName = "llmgw.key_name"
	TagKeyTeam = "llmgw.key_team"
	// TagAnsweredBy is the stage that answered the request itself (the
	// cache), TagSavedUSD what that answer saved (annotation saved_usd).
	TagAnsweredBy = "llmgw.answered_by"
	TagSavedUSD   = "llmgw.saved_usd"
)

// ServiceName is the resource's service.name.
const ServiceName = "llmgw"

// TraceID is the OTLP trace id of an event (sdk.EventTraceID, which the
// host's dashboard links by). MLflow names the trace "tr-" + hex(TraceID).
func TraceID(eventID string) []byte { return sdk.EventTraceID(eventID) }

// MLflowTraceID is the id MLflow gives the trace of an event.
func MLflowTraceID(eventID string) string {
	return fmt.Sprintf("tr-%x", TraceID(eventID))
}

// spanID derives a span id from the event id and the span's role.
func spanID(eventID, role string) []byte {
	sum := sha256.Sum256([]byte("llmgw-span\x00" + eventID + "\x00" + role))
	if allZero(sum[:8]) { // an all-zero span id is invalid in OTLP
		sum[0] = 1
	}
	return sum[:8]
}

func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

// Marshal encodes the events as the body of an OTLP/HTTP export request
// (Content-Type application/x-protobuf). TracesData has the same wire format
// as collector's ExportTraceServiceRequest (both are `repeated ResourceSpans
// resource_spans = 1`), which spares us the collector package's gRPC-gateway
// dependencies.
func Marshal(events []*sdk.Event) ([]byte, error) {
	return proto.Marshal(Build(events))
}

// Build returns the trace data for events: one trace each.
func Build(events []*sdk.Event) *tracepb.TracesData {
	var spans []*tracepb.Span
	for _, ev := range events {
		spans = append(spans, EventSpans(ev)...)
	}
	return &tracepb.TracesData{ResourceSpans: []*tracepb.ResourceSpans{{
		Resource: &resourcepb.Resource{Attributes: []*commonpb.KeyValue{str("service.name", ServiceName)}},
		ScopeSpans: []*tracepb.ScopeSpans{{
			Scope: &commonpb.InstrumentationScope{Name: "llmgw/tracker-mlflow"},
			Spans: spans,
		}},
	}}}
}

// tagName is k as MLflow takes a tag's name: letters, digits, _ - . : and
// spaces; anything else (a slash too: MLflow refuses names that a path's
// normalisation would change) becomes _. MLflow drops a tag whose name it
// refuses without a word, so a client's "a?b" would otherwise be lost.
func tagName(k string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsNumber(r) || strings.ContainsRune("_-.: ", r) {
			return r
		}
		return '_'
	}, k)
}

// EventSpans returns the spans of one event's trace, the root first.
func EventSpans(ev *sdk.Event) []*tracepb.Span {
	traceID := TraceID(ev.EventId)
	rootID := spanID(ev.EventId, "root")
	start, end := times(ev.StartUnixNano, ev.EndUnixNano)

	root := &tracepb.Span{
		TraceId:           traceID,
		SpanId:            rootID,
		Name:              rootName(ev),
		Kind:              tracepb.Span_SPAN_KIND_SERVER,
		StartTimeUnixNano: start,
		EndTimeUnixNano:   end,
	}
	inputs := requestInputs(ev.Request, ev.RequestedModel)
	root.Attributes = append(root.Attributes,
		jsonAttr(AttrSpanType, "CHAIN"),
		jsonAttr(AttrInputs, inputs),
	)
	if ev.Ok {
		root.Attributes = append(root.Attributes, jsonAttr(AttrOutputs, completion(ev, ev.ModelUsed, ev.Usage)))
		root.Status = &tracepb.Status{Code: tracepb.Status_STATUS_CODE_OK}
	} else {
		root.Attributes = append(root.Attributes, jsonAttr(AttrOutputs, errorOutput(ev.Status, ev.ErrorCode, ev.ErrorMessage)))
		setError(root, ev.ErrorCode, ev.ErrorMessage, ev.EndUnixNano)
	}
	for _, kv := range tags(ev) {
		root.Attributes = append(root.Attributes,
			str(TraceTagPrefix+kv[0], kv[1]), // becomes a trace tag
			jsonAttr(kv[0], kv[1]),           // and stays visible on the span
		)
	}
	for _, k := range sortedKeys(ev.Annotations) {
		root.Attributes = append(root.Attributes, jsonAttr(GatewayAttrBase+"annotation."+k, ev.Annotations[k]))
	}
	// The client's metadata (the request's own tags): trace tags
	// metadata.<key>, searchable like the gateway's, and span attributes
	// under the key exactly as sent.
	md := ev.GetRequest().GetMetadata()
	for _, k := range sortedKeys(md) {
		root.Attributes = append(root.Attributes, str(TraceTagPrefix+MetadataTagPrefix+tagName(k), md[k]), jsonAttr(MetadataTagPrefix+k, md[k]))
	}
	if ev.ClientKeyHash != "" {
		// MLflow groups traces by user in the UI; the hash is all it gets.
		root.Attributes = append(root.Attributes, jsonAttr("user.id", ev.ClientKeyHash))
	}

	spans := []*tracepb.Span{root}
	for i, st := range ev.Stages {
		spans = append(spans, stageSpan(ev, traceID, rootID, i, st))
	}
	for i, at := range ev.Attempts {
		spans = append(spans, attemptSpan(ev, traceID, rootID, i, at))
	}
	if ev.Route == RouteEmbeddings {
		embeddingSpans(ev, spans)
	}
	return spans
}

// rootName is the root span's name: the endpoint the request came in on,
// or (from a host that does not say) the one its route implies.
func rootName(ev *sdk.Event) string {
	if ev.Endpoint != "" {
		return ev.Endpoint
	}
	switch route := ev.Route; route {
	case "generate":
		return "POST /generate"
	case "chat":
		return "POST /v1/chat/completions"
	case RouteEmbeddings:
		return "POST /v1/embeddings"
	case "":
		return "request"
	}
	return ev.Route
}

// times keeps a span well-formed: a start, and an end not before it.
func times(start, end int64) (uint64, uint64) {
	if start <= 0 {
		start = end
	}
	if end < start {
		end = start
	}
	return uint64(max(start, 0)), uint64(max(end, 0))
}

// FallbackCount is how many attempts failed before the one that answered
// (all of them when none did); skipped providers do not count.
func FallbackCount(ev *sdk.Event) int {
	n := 0
	for _, a := range ev.Attempts {
		if a.Outcome == "ok" {
			break
		}
		if a.Outcome == "error" {
			n++
		}
	}
	return n
}

func tags(ev *sdk.Event) [][2]string {
	status := "ok"
	if !ev.Ok {
		status = "error"
	}
	out := [][2]string{
		{TagEventID, ev.EventId},
		{TagRequestID, ev.RequestId},
		{TagRoute, ev.Route},
		{TagEndpoint, ev.Endpoint},
		{TagRequestedModel, ev.RequestedModel},
		{TagModelUsed, ev.ModelUsed},
		{TagProvider, ev.Provider},
		{TagFallbackCount, strconv.Itoa(FallbackCount(ev))},
		{TagClientKeyHash, ev.ClientKeyHash},
		{TagStream, strconv.FormatBool(ev.Stream)},
		{TagStatus, status},
		{TagErrorCode, ev.ErrorCode},
		{TagCostUSD, ev.Annotations["cost_usd"]},
		{TagKeyID, ev.Annotations["key.id"]},
		{TagKeyName, ev.Annotations["key.name"]},
		{TagKeyTeam, ev.Annotations["key.team"]},
		{TagAnsweredBy, ev.AnsweredBy},
		{TagSavedUSD, ev.Annotations["saved_usd"]},
	}
	kept := out[:0]
	for _, kv := range out {
		if kv[1] != "" {
			kept = append(kept, kv)
		}
	}
	return kept
}

func stageSpan(ev *sdk.Event, traceID, parent []byte, i int, st *sdk.StageSpan) *tracepb.Span {
	start, end := times(st.StartUnixNano, st.EndUnixNano)
	name := st.Name
	if name == "" {
		name = st.Plugin
	}
	sp := &tracepb.Span{
		TraceId:           traceID,
		SpanId:            spanID(ev.EventId, "stage/"+strconv.Itoa(i)),
		ParentSpanId:      parent,
		Name:              "stage " + name,
		Kind:              tracepb.Span_SPAN_KIND_INTERNAL,
		StartTimeUnixNano: start,
		EndTimeUnixNano:   end,
		Attributes: []*commonpb.KeyValue{
			jsonAttr(AttrSpanType, stageType(st)),
			jsonAttr(AttrOutputs, map[string]any{"outcome": st.Outcome, "code": st.Code}),
			jsonAttr(GatewayAttrBase+"stage.plugin", st.Plugin),
			jsonAttr(GatewayAttrBase+"stage.outcome", st.Outcome),
		},
	}
	switch st.Outcome {
	case "reject", "error":
		msg := st.Code
		if msg == "" {
			msg = st.Outcome
		}
		setError(sp, st.Code, "stage "+name+": "+st.Outcome, st.EndUnixNano)
		sp.Status.Message = msg
	default:
		sp.Status = &tracepb.Status{Code: tracepb.Status_STATUS_CODE_OK}
	}
	return sp
}

// stageType maps a stage to an MLflow span type: guards are GUARDRAIL.
func stageType(st *sdk.StageSpan) string {
	for _, s := range []string{st.Name, st.Plugin} {
		if containsFold(s, "guard") {
			return "GUARDRAIL"
		}
	}
	return "UNKNOWN"
}

func containsFold(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		match := true
		for j := 0; j < len(sub); j++ {
			c := s[i+j]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			if c != sub[j] {
				match = false
				break
			}
		}
		if match {
			return true
		}
	}
	return false
}

func attemptSpan(ev *sdk.Event, traceID, parent []byte, i int, at *sdk.Attempt) *tracepb.Span {
	start, end := times(at.StartUnixNano, at.EndUnixNano)
	model := at.UpstreamModel
	if model == "" {
		model = at.Model
	}
	sp := &tracepb.Span{
		TraceId:           traceID,
		SpanId:            spanID(ev.EventId, "attempt/"+strconv.Itoa(i)),
		ParentSpanId:      parent,
		Name:              fmt.Sprintf("%s %s", at.Provider, at.Model),
		Kind:              tracepb.Span_SPAN_KIND_CLIENT,
		StartTimeUnixNano: start,
		EndTimeUnixNano:   end,
		Attributes: []*commonpb.KeyValue{
			jsonAttr(AttrSpanType, "CHAT_MODEL"),
			jsonAttr(AttrModel, model),
			jsonAttr(AttrProvider, at.Provider),
			jsonAttr(AttrInputs, requestInputs(ev.Request, model)),
			jsonAttr(GatewayAttrBase+"attempt.model", at.Model),
			jsonAttr(GatewayAttrBase+"attempt.outcome", at.Outcome),
			jsonAttr(GatewayAttrBase+"attempt.index", i),
			jsonAttr(AttrMessageFormat, "openai"),
		},
	}
	if tools := chatTools(ev.Request); len(tools) > 0 {
		sp.Attributes = append(sp.Attributes, jsonAttr(AttrChatTools, tools))
	}
	switch at.Outcome {
	case "ok":
		usage := at.Usage
		if usage == nil || usage.TotalTokens == 0 {
			usage = ev.Usage
		}
		sp.Attributes = append(sp.Attributes, jsonAttr(AttrOutputs, completion(ev, model, usage)))
		if usage != nil {
			sp.Attributes = append(sp.Attributes, jsonAttr(AttrTokenUsage, tokenUsage(usage)))
		}
		sp.Status = &tracepb.Status{Code: tracepb.Status_STATUS_CODE_OK}
	case "skipped":
		sp.Attributes = append(sp.Attributes, jsonAttr(AttrOutputs, map[string]any{"skipped": true, "reason": at.ErrorCode}))
		sp.Status = &tracepb.Status{Code: tracepb.Status_STATUS_CODE_UNSET, Message: "skipped"}
	default:
		sp.Attributes = append(sp.Attributes, jsonAttr(AttrOutputs, errorOutput(0, at.ErrorCode, at.ErrorMessage)))
		setError(sp, at.ErrorCode, at.ErrorMessage, at.EndUnixNano)
	}
	return sp
}

func errorOutput(status int32, code, message string) map[string]any {
	e := map[string]any{"code": code, "message": message}
	if status != 0 {
		e["status"] = status
	}
	return map[string]any{"error": e}
}

// setError marks a span failed (OTLP code 2) with an "exception" event, which
// MLflow shows as the span's error.
func setError(sp *tracepb.Span, code, message string, atNano int64) {
	if code == "" {
		code = "error"
	}
	text := code
	if message != "" {
		text = code + ": " + message
	}
	sp.Status = &tracepb.Status{Code: tracepb.Status_STATUS_CODE_ERROR, Message: text}
	sp.Events = append(sp.Events, &tracepb.Span_Event{
		Name:         "exception",
		TimeUnixNano: uint64(max(atNano, 0)),
		Attributes: []*commonpb.KeyValue{
			str("exception.type", code),
			str("exception.message", message),
		},
	})
}

// jsonAttr is an attribute whose value is v as a JSON document, as MLflow's
// own client writes them.
func jsonAttr(key string, v any) *commonpb.KeyValue {
	b, err := json.Marshal(v)
	if err != nil {
		b, _ = json.Marshal(fmt.Sprint(v))
	}
	return str(key, string(b))
}

func str(key, v string) *commonpb.KeyValue {
	return &commonpb.KeyValue{Key: key, Value: &commonpb.AnyValue{Value: &commonpb.AnyValue_StringValue{StringValue: v}}}
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
