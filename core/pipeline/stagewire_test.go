package pipeline

import (
	"testing"

	"google.golang.org/protobuf/proto"

	pb "github.com/llmgw/llmgw/sdk/go/proto/llmgw/v1"
)

func benchStageRequest() *pb.StageRequest {
	return &pb.StageRequest{RequestId: "7b559549093c82cacb7e5627", Route: RouteChat, ClientIp: "127.0.0.1", ApiKeyHash: "ab12",
		Request: &pb.ChatRequest{Model: "gpt-4o-primary", Messages: []*pb.Message{{Role: "user", Content: "Say hello in one short sentence."}}},
		Headers: map[string]string{"content-type": "application/json", "user-agent": "Go-http-client/1.1", "content-length": "120",
			"accept-encoding": "gzip", "x-request-id": "7b559549093c82cacb7e5627"},
		MaxCostNanos: 52500, CostKnown: true, Annotations: map[string]string{"key.id": "team-a"}}
}

// What a stage decodes from the group's shared wire is the request it
// would have got field by field, its own instance id included.
func TestStageWireIsTheSameRequest(t *testing.T) {
	sreq := benchStageRequest()
	h, ok := mapWire(stageHeadersField, sreq.Headers)
	wire := stageWire(sreq, h, ok)
	if wire == nil {
		t.Fatal("no shared wire")
	}
	if len(sreq.Headers) != 5 || len(sreq.Annotations) != 1 {
		t.Fatalf("stageWire did not give sreq its maps back: %v", sreq)
	}
	for _, id := range []string{"guard", "ratelimit"} {
		want := stageRequestFor(id, sreq, nil)
		b, err := proto.Marshal(stageRequestFor(id, sreq, wire))
		if err != nil {
			t.Fatal(err)
		}
		var got pb.StageRequest
		if err := proto.Unmarshal(b, &got); err != nil {
			t.Fatal(err)
		}
		if !proto.Equal(&got, want) {
			t.Errorf("%s: the stage decodes\n%v\nwant\n%v", id, &got, want)
		}
	}
	// An invalid annotation leaves the request to go field by field too.
	sreq.Annotations["odd"] = "\xff"
	if stageWire(sreq, h, ok) != nil {
		t.Error("a shared wire with an annotation protobuf refuses")
	}
	// No headers at all is an empty field, not a refusal.
	if h, ok := mapWire(stageHeadersField, nil); !ok || h != nil {
		t.Errorf("no headers: %v %v", h, ok)
	}
}

// A header protobuf cannot carry (not UTF-8) leaves the request to go
// field by field, so it fails as it did before.
func TestStageWireLeavesInvalidUTF8ToProtobuf(t *testing.T) {
	sreq := benchStageRequest()
	sreq.Headers["x-odd"] = "caf\xe9"
	h, ok := mapWire(stageHeadersField, sreq.Headers)
	if ok {
		t.Fatal("invalid UTF-8 encoded by hand")
	}
	if stageWire(sreq, h, ok) != nil {
		t.Fatal("a shared wire without the headers")
	}
	if _, err := proto.Marshal(stageRequestFor("guard", sreq, nil)); err == nil {
		t.Fatal("protobuf encoded an invalid UTF-8 string")
	}
}

// BenchmarkStageGroupEncode is the host's encoding for one request through
// a group of two stages (the benchmark's guard ‖ ratelimit): field by field
// (each stage's request encoded whole) against the shared wire.
func BenchmarkStageGroupEncode(b *testing.B) {
	sreq := benchStageRequest()
	b.Run("fieldwise", func(b *testing.B) {
		// What the host did before: each stage's request a shallow copy
		// of the group's, encoded whole.
		b.ReportAllocs()
		for b.Loop() {
			for _, id := range []string{"guard", "ratelimit"} {
				req := &pb.StageRequest{InstanceId: id, RequestId: sreq.RequestId, Route: sreq.Route, Request: sreq.Request, Embeddings: sreq.Embeddings,
					ClientIp: sreq.ClientIp, ApiKeyHash: sreq.ApiKeyHash, Headers: sreq.Headers, MaxCostNanos: sreq.MaxCostNanos, CostKnown: sreq.CostKnown,
					Annotations: sreq.Annotations}
				if _, err := proto.Marshal(req); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
	b.Run("wire", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			h, ok := mapWire(stageHeadersField, sreq.Headers)
			wire := stageWire(sreq, h, ok)
			for _, id := range []string{"guard", "ratelimit"} {
				if _, err := proto.Marshal(stageRequestFor(id, sreq, wire)); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
}

// A metadata-only stage's view has every field of the request but the
// chat request, which is its model alone; the request itself is unchanged.
// Every field is set here (a field added to StageRequest later fails the
// test until it is), so a field the view dropped would show.
func TestMetadataViewKeepsEveryFieldButTheMessages(t *testing.T) {
	sreq := benchStageRequest()
	sreq.Embeddings = &pb.EmbeddingsRequest{Model: "e", Input: []string{"x"}}
	sreq.AcceptsLease = true
	sreq.InstanceId = "keys@1"
	fields := sreq.ProtoReflect().Descriptor().Fields()
	for i := range fields.Len() {
		fd := fields.Get(i)
		if !sreq.ProtoReflect().Has(fd) {
			t.Fatalf("the test does not set %s", fd.Name())
		}
	}
	before := proto.Clone(sreq)
	meta := metadataView(sreq)
	if !proto.Equal(sreq, before) {
		t.Fatal("metadataView changed the request")
	}
	want := proto.Clone(sreq).(*pb.StageRequest)
	want.Request = &pb.ChatRequest{Model: "gpt-4o-primary"}
	if !proto.Equal(meta, want) {
		t.Fatalf("view\n%v\nwant\n%v", meta, want)
	}
	h, ok := mapWire(stageHeadersField, meta.Headers)
	var got pb.StageRequest
	if err := proto.Unmarshal(stageWire(meta, h, ok), &got); err != nil || !proto.Equal(&got, want) {
		t.Fatalf("its wire decodes to %v (%v)", &got, err)
	}
}
