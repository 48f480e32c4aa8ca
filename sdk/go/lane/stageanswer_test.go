package lane

import (
	"testing"

	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"

	pb "github.com/llmgw/llmgw/sdk/go/proto/llmgw/v1"
)

func rateLimitAnswer() *pb.StageResponse {
	return &pb.StageResponse{ResponseHeaders: map[string]string{"X-RateLimit-Limit": "100000000", "X-RateLimit-Remaining": "99998349", "X-RateLimit-Reset": "58"}}
}

// The host's decoding of a stage's answer gives what proto.Unmarshal gives,
// for every field and for map entries written in unusual ways.
func TestDecodeStageResponseIsProtobufs(t *testing.T) {
	full := &pb.StageResponse{Action: pb.StageResponse_REJECT, Reject: &pb.Rejection{Status: 429, Code: "rate_limited", Message: "slow down"},
		ResponseHeaders: map[string]string{"X-A": "1", "X-B": ""}, Annotations: map[string]string{"guard.score": "0.12", "": "empty key"},
		Mutated: &pb.ChatRequest{Model: "m", Messages: []*pb.Message{{Role: "user", Content: "hi"}}}, Category: "odd",
		Answer: &pb.StageAnswer{Chat: &pb.CompleteResponse{Content: "cached"}, SavedCostNanos: 5, SavedCostKnown: true}}
	cases := map[string][]byte{}
	for name, m := range map[string]*pb.StageResponse{"empty": {}, "continue": {Action: pb.StageResponse_CONTINUE}, "ratelimit": rateLimitAnswer(), "full": full} {
		b, err := proto.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		cases[name] = b
	}
	// By hand: a header entry whose value comes first, carries an unknown
	// field and repeats a key (the last wins); an entry with no key; other
	// fields before, between and after the maps.
	var b []byte
	b = protowire.AppendTag(b, 6, protowire.BytesType)
	b = protowire.AppendString(b, "first")
	entry := protowire.AppendTag(nil, 2, protowire.BytesType)
	entry = protowire.AppendString(entry, "v1")
	entry = protowire.AppendTag(entry, 9, protowire.VarintType)
	entry = protowire.AppendVarint(entry, 7)
	entry = protowire.AppendTag(entry, 1, protowire.BytesType)
	entry = protowire.AppendString(entry, "k")
	b = protowire.AppendTag(b, 3, protowire.BytesType)
	b = protowire.AppendBytes(b, entry)
	b = protowire.AppendTag(b, 1, protowire.VarintType)
	b = protowire.AppendVarint(b, 2)
	again := protowire.AppendTag(nil, 1, protowire.BytesType)
	again = protowire.AppendString(again, "k")
	again = protowire.AppendTag(again, 2, protowire.BytesType)
	again = protowire.AppendString(again, "v2")
	b = protowire.AppendTag(b, 3, protowire.BytesType)
	b = protowire.AppendBytes(b, again)
	noKey := protowire.AppendTag(nil, 2, protowire.BytesType)
	noKey = protowire.AppendString(noKey, "x")
	b = protowire.AppendTag(b, 4, protowire.BytesType)
	b = protowire.AppendBytes(b, noKey)
	b = protowire.AppendTag(b, 6, protowire.BytesType)
	b = protowire.AppendString(b, "last")
	cases["by hand"] = b

	for name, b := range cases {
		var want, got pb.StageResponse
		if err := proto.Unmarshal(b, &want); err != nil {
			t.Fatal(name, err)
		}
		if err := decodeStageResponse(b, &got); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !proto.Equal(&got, &want) {
			t.Errorf("%s: decoded\n%v\nprotobuf\n%v", name, &got, &want)
		}
	}
	if got := cases["by hand"]; got != nil {
		var r pb.StageResponse
		_ = decodeStageResponse(got, &r)
		if r.ResponseHeaders["k"] != "v2" || r.Category != "last" || r.Action != pb.StageResponse_ANSWER {
			t.Errorf("by hand: %v", &r)
		}
	}
}

// What protobuf refuses, the host refuses: a string that is not UTF-8, a
// truncated entry.
func TestDecodeStageResponseRefusesWhatProtobufRefuses(t *testing.T) {
	bad := protowire.AppendTag(nil, 1, protowire.BytesType)
	bad = protowire.AppendString(bad, "caf\xe9")
	var b []byte
	b = protowire.AppendTag(b, 4, protowire.BytesType)
	b = protowire.AppendBytes(b, bad)
	truncated := append(protowire.AppendTag(nil, 3, protowire.BytesType), 5, 10, 1)
	for name, b := range map[string][]byte{"not UTF-8": b, "truncated": truncated} {
		var want, got pb.StageResponse
		if proto.Unmarshal(b, &want) == nil {
			t.Fatalf("%s: protobuf accepts it", name)
		}
		if decodeStageResponse(b, &got) == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// BenchmarkDecodeStageResponse is the host's decoding of the rate limiter's
// usual answer (three X-RateLimit-* headers).
func BenchmarkDecodeStageResponse(b *testing.B) {
	data, err := proto.Marshal(rateLimitAnswer())
	if err != nil {
		b.Fatal(err)
	}
	b.Run("protobuf", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var r pb.StageResponse
			if err := proto.Unmarshal(data, &r); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("lane", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var r pb.StageResponse
			if err := decodeStageResponse(data, &r); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// A stage's request and an After request, decoded by the plugin's side of
// the lane, are what proto.Unmarshal gives: with and without maps, the maps
// before, between and after the other fields, and the request split the
// way the host sends a group's shared request (its fields as one run, the
// maps appended).
func TestDecodeStageRequestIsProtobufs(t *testing.T) {
	typical := typicalStageRequest()
	typical.Annotations = map[string]string{"key.id": "k1", "guard.score": "0.01"}
	embed := &pb.StageRequest{Route: "embeddings", Embeddings: &pb.EmbeddingsRequest{Model: "e", Input: []string{"a", "b"}}, Headers: map[string]string{"x": ""}}
	shared := typicalStageRequest()
	h := shared.Headers
	shared.Headers = nil
	sharedWire, err := proto.Marshal(shared)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range h {
		e := protowire.AppendTag(nil, 1, protowire.BytesType)
		e = protowire.AppendString(e, k)
		e = protowire.AppendTag(e, 2, protowire.BytesType)
		e = protowire.AppendString(e, v)
		sharedWire = protowire.AppendTag(sharedWire, requestHeadersField, protowire.BytesType)
		sharedWire = protowire.AppendBytes(sharedWire, e)
	}
	// The instance id after the maps, as a stage's own field would come.
	sharedWire = protowire.AppendTag(sharedWire, 1, protowire.BytesType)
	sharedWire = protowire.AppendString(sharedWire, "ratelimit@1")
	cases := map[string][]byte{"shared": sharedWire}
	for name, m := range map[string]*pb.StageRequest{"empty": {}, "typical": typical, "embeddings": embed} {
		b, err := proto.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		cases[name] = b
	}
	for name, b := range cases {
		var want, got pb.StageRequest
		if err := proto.Unmarshal(b, &want); err != nil {
			t.Fatal(name, err)
		}
		if err := decodeStageRequest(b, &got); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !proto.Equal(&got, &want) {
			t.Errorf("%s: decoded\n%v\nprotobuf\n%v", name, &got, &want)
		}
	}
	after := &pb.StageAfterRequest{InstanceId: "ratelimit@1", RequestId: "r", Request: typical.Request, Headers: typical.Headers, Ok: true,
		Annotations: map[string]string{"key.id": "k1"}, Usage: &pb.Usage{PromptTokens: 3, CompletionTokens: 5}, ModelUsed: "gpt-4o"}
	b, err := proto.Marshal(after)
	if err != nil {
		t.Fatal(err)
	}
	var want, got pb.StageAfterRequest
	if err := proto.Unmarshal(b, &want); err != nil {
		t.Fatal(err)
	}
	if err := decodeStageAfterRequest(b, &got); err != nil || !proto.Equal(&got, &want) {
		t.Errorf("after: %v: decoded\n%v\nprotobuf\n%v", err, &got, &want)
	}
	// Refused as protobuf refuses it: a header that is not UTF-8.
	bad := protowire.AppendTag(nil, 2, protowire.BytesType)
	bad = protowire.AppendString(bad, "caf\xe9")
	badReq := protowire.AppendTag(nil, requestHeadersField, protowire.BytesType)
	badReq = protowire.AppendBytes(badReq, bad)
	if proto.Unmarshal(badReq, &pb.StageRequest{}) == nil {
		t.Fatal("protobuf accepts a header that is not UTF-8")
	}
	if decodeStageRequest(badReq, &pb.StageRequest{}) == nil {
		t.Error("a header that is not UTF-8 was accepted")
	}
}

// BenchmarkDecodeStageRequest is the plugin's decoding of the benchmark's
// chat request as a stage gets it.
func BenchmarkDecodeStageRequest(b *testing.B) {
	data, err := proto.Marshal(typicalStageRequest())
	if err != nil {
		b.Fatal(err)
	}
	b.Run("protobuf", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var r pb.StageRequest
			if err := proto.Unmarshal(data, &r); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("lane", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var r pb.StageRequest
			if err := decodeStageRequest(data, &r); err != nil {
				b.Fatal(err)
			}
		}
	})
}
