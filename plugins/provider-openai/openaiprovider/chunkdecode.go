package openaiprovider

import (
	"encoding/json"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	openai "github.com/sashabaranov/go-openai"
)

// chunkDecoder decodes the events of one stream into streamChunks, exactly
// as json.Unmarshal does.
//
// A stream carries an event per token, so this is the provider's hottest
// decoding. The shape OpenAI-compatible servers send — streamChunk's fields
// under their exact names, holding strings, integers, objects, arrays or
// null, every other field skipped — is read by chunkScanner in one pass,
// without reflection. Anything else (an error object, a key that matches a
// field only in another letter case, a repeated field, a value of another
// type, invalid JSON, …) is left to encoding/json, whose result is the
// reference: the scanner either yields what json.Unmarshal yields or gives
// up, and c is then decoded afresh by encoding/json (FuzzDecodeChunk checks
// both). The decoder keeps the last event's id and model, which every event
// repeats, so that they are not allocated again. The zero value is ready.
type chunkDecoder struct{ id, model string }

// decode decodes one event into c (which it clears first).
func (d *chunkDecoder) decode(data []byte, c *streamChunk) error {
	*c = streamChunk{}
	s := chunkScanner{data: data, dec: d}
	if s.chunk(c) && s.end() {
		d.id, d.model = c.ID, c.Model
		return nil
	}
	*c = streamChunk{}
	return json.Unmarshal(data, c)
}

// chunkScanner reads a chunk's JSON. Every method reports false when the
// input is not of the shape it handles; the caller then gives up.
type chunkScanner struct {
	data []byte
	pos  int
	dec  *chunkDecoder
	// seen has, per object being read (depth of them), the members taken,
	// so that a repeated one gives up: encoding/json would merge it into
	// the first.
	seen  [maxDepth]uint64
	depth int
}

// maxDepth bounds the nesting of the objects the scanner reads (a chunk's
// deepest is a tool call's function, 5).
const maxDepth = 8

// maxSkipDepth bounds the nesting of a skipped value (encoding/json's limit
// is far higher; deeper values are left to it).
const maxSkipDepth = 64

// maxIntDigits are the digits of an integer that surely fits an int (18
// for 64 bits, 9 for 32).
const maxIntDigits = 9 + 9*(strconv.IntSize/64)

func (s *chunkScanner) ws() {
	for s.pos < len(s.data) {
		switch s.data[s.pos] {
		case ' ', '\t', '\n', '\r':
			s.pos++
		default:
			return
		}
	}
}

// peek is the next byte after white space, 0 at the end.
func (s *chunkScanner) peek() byte {
	s.ws()
	if s.pos < len(s.data) {
		return s.data[s.pos]
	}
	return 0
}

// consume takes the byte c if it comes next.
func (s *chunkScanner) consume(c byte) bool {
	if s.peek() == c {
		s.pos++
		return true
	}
	return false
}

// end reports whether only white space is left.
func (s *chunkScanner) end() bool { return s.peek() == 0 && s.pos == len(s.data) }

// literal takes lit (null, true, false).
func (s *chunkScanner) literal(lit string) bool {
	s.ws()
	if len(s.data)-s.pos >= len(lit) && string(s.data[s.pos:s.pos+len(lit)]) == lit {
		s.pos += len(lit)
		return true
	}
	return false
}

// object reads an object, calling member for each key (escape-free, as
// found) with the scanner at its value; member must take the value.
func (s *chunkScanner) object(member func(key []byte) bool) bool {
	if s.depth == maxDepth || !s.consume('{') {
		return false
	}
	if s.consume('}') {
		return true
	}
	s.seen[s.depth] = 0
	s.depth++
	for {
		if s.peek() != '"' {
			return false
		}
		start := s.pos + 1
		end := start
		for end < len(s.data) && s.data[end] != '"' && s.data[end] != '\\' && s.data[end] >= ' ' {
			end++
		}
		if end >= len(s.data) || s.data[end] != '"' {
			return false // an escape, a control character or no end: not a plain key
		}
		s.pos = end + 1
		if !s.consume(':') || !member(s.data[start:end]) {
			return false
		}
		if s.consume(',') {
			continue
		}
		s.depth-- // (left as it is when giving up: the scan ends there)
		return s.consume('}')
	}
}

// once marks the member bit of the object being read as taken; false when
// it already was.
func (s *chunkScanner) once(bit int) bool {
	seen := &s.seen[s.depth-1]
	if *seen&(1<<bit) != 0 {
		return false
	}
	*seen |= 1 << bit
	return true
}

// unknown skips the value of a key that is none of the object's fields.
// encoding/json matches keys without regard to letter case, so a key that
// is not lower-case ASCII might still name a field: give up on it.
func (s *chunkScanner) unknown(key []byte) bool {
	for _, c := range key {
		if c >= 'A' && c <= 'Z' || c >= utf8.RuneSelf {
			return false
		}
	}
	return s.skip(0)
}

// skip takes any valid JSON value.
func (s *chunkScanner) skip(depth int) bool {
	if depth > maxSkipDepth {
		return false
	}
	switch s.peek() {
	case '{':
		s.pos++
		if s.consume('}') {
			return true
		}
		for {
			if s.peek() != '"' || !s.skipString() || !s.consume(':') || !s.skip(depth+1) {
				return false
			}
			if !s.consume(',') {
				return s.consume('}')
			}
		}
	case '[':
		s.pos++
		if s.consume(']') {
			return true
		}
		for {
			if !s.skip(depth + 1) {
				return false
			}
			if !s.consume(',') {
				return s.consume(']')
			}
		}
	case '"':
		return s.skipString()
	case 't':
		return s.literal("true")
	case 'f':
		return s.literal("false")
	case 'n':
		return s.literal("null")
	}
	return s.skipNumber()
}

// skipString takes a string.
func (s *chunkScanner) skipString() bool {
	_, _, ok := s.scanString()
	return ok
}

// scanString takes a string, checking it as JSON's grammar does: its
// content as found, and whether that is the string itself (no escapes,
// ASCII only).
func (s *chunkScanner) scanString() (content []byte, plain, ok bool) {
	plain = true
	start := s.pos + 1
	for i := start; i < len(s.data); i++ {
		switch c := s.data[i]; {
		case c == '"':
			s.pos = i + 1
			return s.data[start:i], plain, true
		case c == '\\':
			plain = false
			switch {
			case i+1 < len(s.data) && strings.IndexByte(escaped, s.data[i+1]) >= 0:
				i++
			case getu4(s.data[i:]) >= 0:
				i += 5
			default:
				return nil, false, false
			}
		case c < ' ':
			return nil, false, false
		case c >= utf8.RuneSelf:
			plain = false
		}
	}
	return nil, false, false
}

// escaped are the characters of JSON's one-letter escapes, escapedAs what
// they stand for.
const (
	escaped   = "\"\\/bfnrt"
	escapedAs = "\"\\/\b\f\n\r\t"
)

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// digits takes a run of digits at i; the index after them.
func (s *chunkScanner) digits(i int) int {
	for i < len(s.data) && isDigit(s.data[i]) {
		i++
	}
	return i
}

// skipNumber takes a number of JSON's grammar.
func (s *chunkScanner) skipNumber() bool {
	i := s.pos
	if i < len(s.data) && s.data[i] == '-' {
		i++
	}
	switch {
	case i < len(s.data) && s.data[i] == '0':
		i++
	case i < len(s.data) && isDigit(s.data[i]):
		i = s.digits(i)
	default:
		return false
	}
	if i < len(s.data) && s.data[i] == '.' {
		j := s.digits(i + 1)
		if j == i+1 {
			return false
		}
		i = j
	}
	if i < len(s.data) && (s.data[i] == 'e' || s.data[i] == 'E') {
		i++
		if i < len(s.data) && (s.data[i] == '+' || s.data[i] == '-') {
			i++
		}
		j := s.digits(i)
		if j == i {
			return false
		}
		i = j
	}
	s.pos = i
	return true
}

// integer reads an integer into dst; null leaves dst as it is. A fraction,
// an exponent or a number too long to surely fit is left to encoding/json.
func (s *chunkScanner) integer(dst *int) bool {
	switch c := s.peek(); {
	case c == 'n':
		return s.literal("null")
	case c != '-' && !isDigit(c):
		return false
	}
	i := s.pos
	neg := s.data[i] == '-'
	if neg {
		i++
	}
	start := i
	end := s.digits(i)
	switch {
	case end == start, end-start > maxIntDigits, s.data[start] == '0' && end-start > 1:
		return false
	case end < len(s.data) && (s.data[end] == '.' || s.data[end] == 'e' || s.data[end] == 'E'):
		return false
	}
	n := 0
	for _, c := range s.data[start:end] {
		n = n*10 + int(c-'0')
	}
	if neg {
		n = -n
	}
	*dst = n
	s.pos = end
	return true
}

// intPtr reads an integer into a new int, null into nil.
func (s *chunkScanner) intPtr(dst **int) bool {
	if s.peek() == 'n' {
		*dst = nil
		return s.literal("null")
	}
	var n int
	if s.peek() == '"' || !s.integer(&n) {
		return false
	}
	*dst = &n
	return true
}

// str reads a string into dst; null leaves dst as it is.
func (s *chunkScanner) str(dst *string) bool {
	switch s.peek() {
	case 'n':
		return s.literal("null")
	case '"':
	default:
		return false
	}
	content, plain, ok := s.scanString()
	switch {
	case !ok:
		return false
	case plain:
		*dst = string(content)
	default:
		*dst = unquote(content)
	}
	return true
}

// strAs is str that reuses prev when the string is the same.
func (s *chunkScanner) strAs(dst *string, prev string) bool {
	if s.peek() == '"' {
		start := s.pos
		if content, plain, ok := s.scanString(); ok && plain && string(content) == prev {
			*dst = prev
			return true
		}
		s.pos = start
	}
	return s.str(dst)
}

// unquote decodes a string's content that scanString checked, as
// encoding/json does: escapes decoded, a \u surrogate that is not half of
// a pair and every byte that is not UTF-8 become U+FFFD.
func unquote(in []byte) string {
	b := make([]byte, 0, len(in)+8)
	for i := 0; i < len(in); {
		switch c := in[i]; {
		case c == '\\' && in[i+1] != 'u':
			b = append(b, escapedAs[strings.IndexByte(escaped, in[i+1])])
			i += 2
		case c == '\\':
			r := getu4(in[i:])
			i += 6
			if utf16.IsSurrogate(r) {
				if dec := utf16.DecodeRune(r, getu4(in[i:])); dec != unicode.ReplacementChar {
					r = dec
					i += 6
				} else {
					r = unicode.ReplacementChar
				}
			}
			b = utf8.AppendRune(b, r)
		case c < utf8.RuneSelf:
			b = append(b, c)
			i++
		default:
			r, size := utf8.DecodeRune(in[i:])
			b = utf8.AppendRune(b, r)
			i += size
		}
	}
	return string(b)
}

// getu4 decodes the \uXXXX at the start of s, -1 when there is none.
func getu4(s []byte) rune {
	if len(s) < 6 || s[0] != '\\' || s[1] != 'u' {
		return -1
	}
	var r rune
	for _, c := range s[2:6] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return -1
		}
		r = r*16 + rune(c)
	}
	return r
}

// rawNull is the json.RawMessage of a null, shared (never written to).
var rawNull = json.RawMessage("null")

// raw copies any value as it is, null included (json.RawMessage).
func (s *chunkScanner) raw(dst *json.RawMessage) bool {
	if s.peek() == 'n' && s.literal("null") {
		*dst = rawNull
		return true
	}
	start := s.pos
	if !s.skip(0) {
		return false
	}
	*dst = append(json.RawMessage(nil), s.data[start:s.pos]...)
	return true
}

// structValue reads an object with fill; null leaves the value as it is.
func (s *chunkScanner) structValue(fill func(key []byte) bool) bool {
	if s.peek() == 'n' {
		return s.literal("null")
	}
	return s.object(fill)
}

// pointer reads an object into a new T, null into nil.
func pointer[T any](s *chunkScanner, dst **T, fill func(v *T, key []byte) bool) bool {
	switch s.peek() {
	case 'n':
		*dst = nil
		return s.literal("null")
	case '{':
		v := new(T)
		*dst = v
		return s.object(func(key []byte) bool { return fill(v, key) })
	}
	return false
}

// array reads an array into a new slice (empty, not nil, for []), null
// into nil; elem reads one element.
func array[T any](s *chunkScanner, dst *[]T, elem func(v *T) bool) bool {
	switch s.peek() {
	case 'n':
		*dst = nil
		return s.literal("null")
	case '[':
		s.pos++
	default:
		return false
	}
	out := make([]T, 0, 1)
	if !s.consume(']') {
		for {
			var zero T
			out = append(out, zero)
			if !elem(&out[len(out)-1]) {
				return false
			}
			if !s.consume(',') {
				if !s.consume(']') {
					return false
				}
				break
			}
		}
	}
	*dst = out
	return true
}

// member reads the value of key: with read(i) when key is names[i], else
// skipped. A field that comes twice gives up.
func (s *chunkScanner) member(key []byte, names []string, read func(i int) bool) bool {
	for i, n := range names {
		if string(key) == n {
			return s.once(i) && read(i)
		}
	}
	return s.unknown(key)
}

// The fields of each object the scanner reads, as streamChunk names them.
var (
	chunkFields         = []string{"id", "model", "choices", "usage", "x_groq", "error"}
	choiceFields        = []string{"index", "delta", "logprobs", "finish_reason"}
	deltaFields         = []string{"role", "content", "reasoning", "reasoning_content", "refusal", "tool_calls"}
	toolCallFields      = []string{"id", "type", "index", "function"}
	functionFields      = []string{"name", "arguments"}
	usageFields         = []string{"prompt_tokens", "completion_tokens", "total_tokens", "prompt_tokens_details", "completion_tokens_details"}
	promptDetailsFields = []string{"audio_tokens", "cached_tokens"}
	outputDetailsFields = []string{"audio_tokens", "reasoning_tokens", "accepted_prediction_tokens", "rejected_prediction_tokens"}
	xGroqFields         = []string{"usage"}
)

// chunk reads a whole chunk.
func (s *chunkScanner) chunk(c *streamChunk) bool {
	return s.object(func(key []byte) bool {
		return s.member(key, chunkFields, func(i int) bool {
			switch i {
			case 0:
				return s.strAs(&c.ID, s.dec.id)
			case 1:
				return s.strAs(&c.Model, s.dec.model)
			case 2:
				return array(s, &c.Choices, s.choice)
			case 3:
				return pointer(s, &c.Usage, s.usage)
			case 4:
				return pointer(s, &c.XGroq, func(x *xGroqExtra, key []byte) bool {
					return s.member(key, xGroqFields, func(int) bool { return pointer(s, &x.Usage, s.usage) })
				})
			}
			// An error object is rare: encoding/json reads it.
			return s.peek() == 'n' && s.literal("null")
		})
	})
}

// choice reads one choice of a chunk.
func (s *chunkScanner) choice(ch *chunkChoice) bool {
	return s.structValue(func(key []byte) bool {
		return s.member(key, choiceFields, func(i int) bool {
			switch i {
			case 0:
				return s.integer(&ch.Index)
			case 1:
				return s.structValue(func(key []byte) bool { return s.delta(&ch.Delta, key) })
			case 2:
				return s.raw(&ch.Logprobs)
			}
			if s.peek() == 'n' {
				ch.FinishReason = nil
				return s.literal("null")
			}
			var f string
			if s.peek() != '"' || !s.str(&f) {
				return false
			}
			ch.FinishReason = &f
			return true
		})
	})
}

// delta reads one member of a choice's delta.
func (s *chunkScanner) delta(d *chunkDelta, key []byte) bool {
	return s.member(key, deltaFields, func(i int) bool {
		if i == 5 {
			return array(s, &d.ToolCalls, s.toolCall)
		}
		return s.str([]*string{&d.Role, &d.Content, &d.Reasoning, &d.ReasoningContent, &d.Refusal}[i])
	})
}

// toolCall reads one tool-call delta.
func (s *chunkScanner) toolCall(tc *wireToolCall) bool {
	return s.structValue(func(key []byte) bool {
		return s.member(key, toolCallFields, func(i int) bool {
			switch i {
			case 0, 1:
				return s.str([]*string{&tc.ID, &tc.Type}[i])
			case 2:
				return s.intPtr(&tc.Index)
			}
			return s.structValue(func(key []byte) bool {
				return s.member(key, functionFields, func(i int) bool {
					return s.str([]*string{&tc.Function.Name, &tc.Function.Arguments}[i])
				})
			})
		})
	})
}

// usage reads one member of a usage object.
func (s *chunkScanner) usage(u *openai.Usage, key []byte) bool {
	return s.member(key, usageFields, func(i int) bool {
		switch i {
		case 3:
			return pointer(s, &u.PromptTokensDetails, func(d *openai.PromptTokensDetails, key []byte) bool {
				return s.member(key, promptDetailsFields, func(i int) bool {
					return s.integer([]*int{&d.AudioTokens, &d.CachedTokens}[i])
				})
			})
		case 4:
			return pointer(s, &u.CompletionTokensDetails, func(d *openai.CompletionTokensDetails, key []byte) bool {
				return s.member(key, outputDetailsFields, func(i int) bool {
					return s.integer([]*int{&d.AudioTokens, &d.ReasoningTokens, &d.AcceptedPredictionTokens, &d.RejectedPredictionTokens}[i])
				})
			})
		}
		return s.integer([]*int{&u.PromptTokens, &u.CompletionTokens, &u.TotalTokens}[i])
	})
}
