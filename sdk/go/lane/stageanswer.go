package lane

import (
	"errors"
	"unicode/utf8"

	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"

	pb "github.com/llmgw/llmgw/sdk/go/proto/llmgw/v1"
)

// StageResponse's map fields.
const (
	responseHeadersField protowire.Number = 3
	annotationsField     protowire.Number = 4
)

var errBadMapEntry = errors.New("malformed map entry")

// decodeStageResponse decodes a stage's answer as proto.Unmarshal does, but
// reads its two string maps (response_headers, annotations: a few entries
// on nearly every answer) itself, straight into Go maps: protobuf-go
// decodes a map through reflection, with several allocations per entry,
// which was most of the host's cost of decoding an answer. The runs of
// other fields between them go to protobuf, merged in order.
func decodeStageResponse(b []byte, resp *pb.StageResponse) error {
	proto.Reset(resp)
	merge := proto.UnmarshalOptions{Merge: true}
	start := 0 // where the current run of other fields began
	for i := 0; i < len(b); {
		num, typ, n := protowire.ConsumeTag(b[i:])
		if n < 0 {
			return protowire.ParseError(n)
		}
		m := protowire.ConsumeFieldValue(num, typ, b[i+n:])
		if m < 0 {
			return protowire.ParseError(m)
		}
		if typ != protowire.BytesType || (num != responseHeadersField && num != annotationsField) {
			i += n + m
			continue
		}
		if start < i {
			if err := merge.Unmarshal(b[start:i], resp); err != nil {
				return err
			}
		}
		entry, _ := protowire.ConsumeBytes(b[i+n:])
		k, v, err := mapEntry(entry)
		if err != nil {
			return err
		}
		dst := &resp.ResponseHeaders
		if num == annotationsField {
			dst = &resp.Annotations
		}
		if *dst == nil {
			*dst = make(map[string]string, 4)
		}
		(*dst)[k] = v
		i += n + m
		start = i
	}
	if start < len(b) {
		return merge.Unmarshal(b[start:], resp)
	}
	return nil
}

// mapEntry reads a map<string, string> entry {1: key, 2: value}; either may
// be missing (empty) and unknown fields are skipped, as protobuf does.
func mapEntry(b []byte) (k, v string, err error) {
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return "", "", protowire.ParseError(n)
		}
		b = b[n:]
		if typ == protowire.BytesType && (num == 1 || num == 2) {
			s, m := protowire.ConsumeBytes(b)
			if m < 0 {
				return "", "", protowire.ParseError(m)
			}
			if !utf8.Valid(s) {
				return "", "", errBadMapEntry
			}
			if num == 1 {
				k = string(s)
			} else {
				v = string(s)
			}
			b = b[m:]
			continue
		}
		m := protowire.ConsumeFieldValue(num, typ, b)
		if m < 0 {
			return "", "", protowire.ParseError(m)
		}
		b = b[m:]
	}
	return k, v, nil
}
