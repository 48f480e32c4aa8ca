package pipeline

import (
	"sync"
	"unicode/utf8"

	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

	pb "github.com/llmgw/llmgw/sdk/go/proto/llmgw/v1"
)

// The stages of a group receive the same request but for their instance
// id. It is encoded once per group: the shared fields go, already in wire
// form, as the unknown fields of each stage's StageRequest, which protobuf
// writes out verbatim, so a stage decodes exactly the message it would
// have got field by field. The maps (headers once per request, annotations
// once per group) are encoded by hand: protobuf-go encodes a map through
// reflection, with allocations per key and value in both its sizing and
// writing passes — most of a stage request's encoding cost (5 headers: 21
// allocations, against 1 for the rest of the message).

// StageRequest's map fields.
const (
	stageHeadersField     protowire.Number = 7
	stageAnnotationsField protowire.Number = 11
)

// mapWire is m as the map<string, string> field num in wire form; ok is
// false when a key or value is not valid UTF-8, which protobuf refuses to
// encode in a string: the request then goes field by field and fails as
// it did.
func mapWire(num protowire.Number, m map[string]string) (b []byte, ok bool) {
	size := 0
	for k, v := range m {
		if !utf8.ValidString(k) || !utf8.ValidString(v) {
			return nil, false
		}
		size += protowire.SizeTag(num) + protowire.SizeBytes(entrySize(k, v))
	}
	if size == 0 {
		return nil, true
	}
	b = make([]byte, 0, size)
	for k, v := range m {
		b = protowire.AppendTag(b, num, protowire.BytesType)
		b = protowire.AppendVarint(b, uint64(entrySize(k, v)))
		b = protowire.AppendTag(b, 1, protowire.BytesType)
		b = protowire.AppendString(b, k)
		b = protowire.AppendTag(b, 2, protowire.BytesType)
		b = protowire.AppendString(b, v)
	}
	return b, true
}

// entrySize is the size of a map entry message {1: k, 2: v}.
func entrySize(k, v string) int {
	return protowire.SizeTag(1) + protowire.SizeBytes(len(k)) + protowire.SizeTag(2) + protowire.SizeBytes(len(v))
}

// stageWire is the wire form of a group's shared request: sreq's fields
// but its maps, then headers (from mapWire, once per request) and the
// annotations; nil when it cannot be encoded ahead (the stages then get
// sreq field by field). It runs before the group's stages start: it sets
// sreq's maps aside for the encoding, so every other field, present or
// added later, is carried without being listed here.
func stageWire(sreq *pb.StageRequest, headers []byte, headersOK bool) []byte {
	annotations, ok := mapWire(stageAnnotationsField, sreq.Annotations)
	if !headersOK || !ok {
		return nil
	}
	h, a := sreq.Headers, sreq.Annotations
	sreq.Headers, sreq.Annotations = nil, nil
	b, err := proto.MarshalOptions{}.MarshalAppend(make([]byte, 0, proto.Size(sreq)+len(headers)+len(annotations)), sreq)
	sreq.Headers, sreq.Annotations = h, a
	if err != nil {
		return nil
	}
	return append(append(b, headers...), annotations...)
}

// stageInput is a group's request as its stages receive it: whole (req,
// and wire, its encoding ahead or nil) and, for a stage that declares
// sdk.CapStageMetadata, without the messages (made on first use: a rate
// limiter admitted from its quota lease is not called at all).
type stageInput struct {
	req       *pb.StageRequest
	wire      []byte
	headers   []byte
	headersOK bool

	metaOnce sync.Once
	meta     *pb.StageRequest
	metaWire []byte
}

// newStageInput encodes sreq for group's stages, whole when one of them
// reads it whole. It runs before the group's stages start (applying their
// answers adds to sreq's annotations).
func newStageInput(group []*stageInst, sreq *pb.StageRequest, headers []byte, headersOK bool) *stageInput {
	in := &stageInput{req: sreq, headers: headers, headersOK: headersOK}
	for _, s := range group {
		if !s.metadata || sreq.Request == nil {
			in.wire = stageWire(sreq, headers, headersOK)
			break
		}
	}
	return in
}

// of is the request s receives, and its encoding.
func (in *stageInput) of(s *stageInst) (*pb.StageRequest, []byte) {
	if !s.metadata || in.req.Request == nil {
		return in.req, in.wire
	}
	in.metaOnce.Do(func() {
		in.meta = metadataView(in.req)
		in.metaWire = stageWire(in.meta, in.headers, in.headersOK)
	})
	return in.meta, in.metaWire
}

// stageRequestField is StageRequest.request's number.
const stageRequestField protowire.Number = 4

// metadataView is sreq as a stage that reads metadata only receives it:
// every field but the chat request, which is its model alone
// (sdk.CapStageMetadata). The other fields are shared with sreq, not
// copied, and sreq is not changed (stages of its group may be reading it).
func metadataView(sreq *pb.StageRequest) *pb.StageRequest {
	meta := &pb.StageRequest{}
	dst := meta.ProtoReflect()
	sreq.ProtoReflect().Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		if fd.Number() != stageRequestField {
			dst.Set(fd, v)
		}
		return true
	})
	meta.Request = metadataChat(sreq.Request)
	return meta
}

// metadataChat is chat as a stage that reads metadata only receives it:
// its model and the ids of its end user (user, safety_identifier).
func metadataChat(chat *pb.ChatRequest) *pb.ChatRequest {
	if chat == nil {
		return nil
	}
	return &pb.ChatRequest{Model: chat.GetModel(), User: chat.GetUser(), SafetyIdentifier: chat.GetSafetyIdentifier()}
}

// stageRequestFor is the StageRequest stage instance id receives: the
// group's shared wire behind its id, or a copy of sreq with its id when
// there is none.
func stageRequestFor(id string, sreq *pb.StageRequest, wire []byte) *pb.StageRequest {
	if wire != nil {
		r := &pb.StageRequest{InstanceId: id}
		r.ProtoReflect().SetUnknown(wire)
		return r
	}
	r := proto.Clone(sreq).(*pb.StageRequest)
	r.InstanceId = id
	return r
}
