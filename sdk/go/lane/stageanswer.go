package lane

import (
	"errors"
	"unicode/utf8"

	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"

	pb "github.com/llmgw/llmgw/sdk/go/proto/llmgw/v1"
)

// The map<string, string> fields of the messages the lane decodes itself.
const (
	// StageResponse
	responseHeadersField protowire.Number = 3
	annotationsField     protowire.Number = 4
	// StageRequest
	requestHeadersField     protowire.Number = 7
	requestAnnotationsField protowire.Number = 11
	// StageAfterRequest
	afterHeadersField     protowire.Number = 6
	afterAnnotationsField protowire.Number = 17
)

var errBadMapEntry = errors.New("malformed map entry")

// decodeStageResponse decodes a stage's answer (host side) as
// proto.Unmarshal does; its two string maps (response_headers, annotations:
// a few entries on nearly every answer) are read by decodeWithMaps.
func decodeStageResponse(b []byte, resp *pb.StageResponse) error {
	return decodeWithMaps(b, resp, mapField{responseHeadersField, &resp.ResponseHeaders}, mapField{annotationsField, &resp.Annotations})
}

// decodeStageRequest decodes a stage's request (plugin side) as
// proto.Unmarshal does; headers (every request's) and annotations are read
// by decodeWithMaps.
func decodeStageRequest(b []byte, req *pb.StageRequest) error {
	return decodeWithMaps(b, req, mapField{requestHeadersField, &req.Headers}, mapField{requestAnnotationsField, &req.Annotations})
}

// decodeStageAfterRequest is decodeStageRequest for an After call.
func decodeStageAfterRequest(b []byte, req *pb.StageAfterRequest) error {
	return decodeWithMaps(b, req, mapField{afterHeadersField, &req.Headers}, mapField{afterAnnotationsField, &req.Annotations})
}

// mapField is a map<string, string> field of a message and where it goes.
type mapField struct {
	num protowire.Number
	dst *map[string]string
}

// decodeWithMaps decodes b into m as proto.Unmarshal does, but reads the
// map<string, string> fields named in maps itself,
// straight into Go maps: protobuf-go decodes a map through reflection, with
// several allocations per entry, which was most of the cost of decoding a
// stage's answer (host) and a good part of a stage's request (plugin: the
// request's headers). The runs of other fields between them go to protobuf,
// merged in order. m must be a new (empty) message, as every caller's is:
// unlike proto.Unmarshal, it is not reset first (a reflective walk of its
// own).
func decodeWithMaps(b []byte, m proto.Message, maps ...mapField) error {
	merge := proto.UnmarshalOptions{Merge: true}
	start := 0 // where the current run of other fields began
	for i := 0; i < len(b); {
		num, typ, n := protowire.ConsumeTag(b[i:])
		if n < 0 {
			return protowire.ParseError(n)
		}
		l := protowire.ConsumeFieldValue(num, typ, b[i+n:])
		if l < 0 {
			return protowire.ParseError(l)
		}
		var dst *map[string]string
		if typ == protowire.BytesType {
			for _, f := range maps {
				if f.num == num {
					dst = f.dst
				}
			}
		}
		if dst == nil {
			i += n + l
			continue
		}
		if start < i {
			if err := merge.Unmarshal(b[start:i], m); err != nil {
				return err
			}
		}
		entry, _ := protowire.ConsumeBytes(b[i+n:])
		k, v, err := mapEntry(entry)
		if err != nil {
			return err
		}
		if *dst == nil {
			*dst = make(map[string]string, 8)
		}
		(*dst)[k] = v
		i += n + l
		start = i
	}
	if start < len(b) {
		return merge.Unmarshal(b[start:], m)
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
