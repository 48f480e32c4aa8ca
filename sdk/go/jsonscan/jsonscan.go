// Package jsonscan reads JSON in one pass, for decoders that read the usual
// shape of a message themselves and leave everything else to encoding/json.
//
// encoding/json reads a value twice — a scan that checks it, then the
// decoding, which finds every value again — and by reflection. A decoder
// built on a Scanner reads the fields it knows as it checks the JSON, and
// every method reports false when the input is not of the shape it handles
// (or not JSON): the decoder then gives up, and the caller decodes the same
// bytes afresh with encoding/json, whose result stays the reference. So the
// fast path need only be right where it answers; its tests compare the two
// (provider-openai's FuzzDecodeChunk, the host's FuzzDecodeChatFast).
//
// What a Scanner gives up on, so that encoding/json decides: a key with an
// escape or a control character (encoding/json would unescape it before
// matching it to a field), objects nested deeper than MaxDepth, skipped
// values nested deeper than MaxSkipDepth, integers that might not fit.
package jsonscan

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"strconv"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// Scanner reads Data from Pos.
type Scanner struct {
	Data []byte
	Pos  int
	// seen has, per object being read (depth of them), the members taken
	// (Once), so that a repeated one gives up: encoding/json keeps the last.
	seen  [MaxDepth]uint64
	depth int
}

// MaxDepth bounds the nesting of the objects Object reads.
const MaxDepth = 8

// MaxSkipDepth bounds the nesting of a value Skip or Raw takes
// (encoding/json's limit is far higher; deeper values are left to it).
const MaxSkipDepth = 64

// maxIntDigits are the digits of an integer that surely fits an int (18
// for 64 bits, 9 for 32).
const maxIntDigits = 9 + 9*(strconv.IntSize/64)

// WS skips white space.
func (s *Scanner) WS() {
	for s.Pos < len(s.Data) {
		switch s.Data[s.Pos] {
		case ' ', '\t', '\n', '\r':
			s.Pos++
		default:
			return
		}
	}
}

// Peek is the next byte after white space, 0 at the end.
func (s *Scanner) Peek() byte {
	s.WS()
	if s.Pos < len(s.Data) {
		return s.Data[s.Pos]
	}
	return 0
}

// Consume takes the byte c if it comes next.
func (s *Scanner) Consume(c byte) bool {
	if s.Peek() == c {
		s.Pos++
		return true
	}
	return false
}

// End reports whether only white space is left.
func (s *Scanner) End() bool { return s.Peek() == 0 && s.Pos == len(s.Data) }

// Literal takes lit (null, true, false).
func (s *Scanner) Literal(lit string) bool {
	s.WS()
	if len(s.Data)-s.Pos >= len(lit) && string(s.Data[s.Pos:s.Pos+len(lit)]) == lit {
		s.Pos += len(lit)
		return true
	}
	return false
}

// Object reads an object, calling member for each key (escape-free, as
// found) with the scanner at its value; member must take the value.
func (s *Scanner) Object(member func(key []byte) bool) bool {
	if s.depth == MaxDepth || !s.Consume('{') {
		return false
	}
	if s.Consume('}') {
		return true
	}
	s.seen[s.depth] = 0
	s.depth++
	for {
		if s.Peek() != '"' {
			return false
		}
		start := s.Pos + 1
		end := start
		for end < len(s.Data) && s.Data[end] != '"' && s.Data[end] != '\\' && s.Data[end] >= ' ' {
			end++
		}
		if end >= len(s.Data) || s.Data[end] != '"' {
			return false // an escape, a control character or no end: not a plain key
		}
		s.Pos = end + 1
		if !s.Consume(':') || !member(s.Data[start:end]) {
			return false
		}
		if s.Consume(',') {
			continue
		}
		s.depth-- // (left as it is when giving up: the scan ends there)
		return s.Consume('}')
	}
}

// Once marks member bit (below 64) of the object being read as taken;
// false when it already was.
func (s *Scanner) Once(bit int) bool {
	seen := &s.seen[s.depth-1]
	if *seen&(1<<bit) != 0 {
		return false
	}
	*seen |= 1 << bit
	return true
}

// Member reads the value of key for a decoder that, as encoding/json by
// default, ignores unknown keys: with read(i) when key is names[i], else
// skipped (Unknown). A field that comes twice gives up.
func (s *Scanner) Member(key []byte, names []string, read func(i int) bool) bool {
	for i, n := range names {
		if string(key) == n {
			return s.Once(i) && read(i)
		}
	}
	return s.Unknown(key)
}

// Unknown skips the value of a key that is none of the object's fields.
// encoding/json matches keys without regard to letter case, so a key that
// is not lower-case ASCII might still name a field: give up on it.
func (s *Scanner) Unknown(key []byte) bool {
	for _, c := range key {
		if c >= 'A' && c <= 'Z' || c >= utf8.RuneSelf {
			return false
		}
	}
	return s.Skip(0)
}

// Skip takes any valid JSON value.
func (s *Scanner) Skip(depth int) bool {
	if depth > MaxSkipDepth {
		return false
	}
	switch s.Peek() {
	case '{':
		s.Pos++
		if s.Consume('}') {
			return true
		}
		for {
			if s.Peek() != '"' || !s.skipString() || !s.Consume(':') || !s.Skip(depth+1) {
				return false
			}
			if !s.Consume(',') {
				return s.Consume('}')
			}
		}
	case '[':
		s.Pos++
		if s.Consume(']') {
			return true
		}
		for {
			if !s.Skip(depth + 1) {
				return false
			}
			if !s.Consume(',') {
				return s.Consume(']')
			}
		}
	case '"':
		return s.skipString()
	case 't':
		return s.Literal("true")
	case 'f':
		return s.Literal("false")
	case 'n':
		return s.Literal("null")
	}
	return s.SkipNumber()
}

// Value takes any valid JSON value and returns its bytes.
func (s *Scanner) Value() ([]byte, bool) {
	s.WS()
	start := s.Pos
	if !s.Skip(0) {
		return nil, false
	}
	return s.Data[start:s.Pos], true
}

func (s *Scanner) skipString() bool {
	_, _, ok := s.ScanString()
	return ok
}

// ScanString takes a string (the scanner at its opening quote), checking
// it as JSON's grammar does: its content as found, and whether that is the
// string itself (no escapes, ASCII only).
func (s *Scanner) ScanString() (content []byte, plain, ok bool) {
	plain = true
	start := s.Pos + 1
	for i := start; i < len(s.Data); i++ {
		i = skipPlain(s.Data, i)
		if i == len(s.Data) {
			break
		}
		switch byteClass[s.Data[i]] {
		case quoteByte:
			s.Pos = i + 1
			return s.Data[start:i], plain, true
		case backslashByte:
			plain = false
			switch {
			case i+1 < len(s.Data) && isEscape(s.Data[i+1]):
				i++
			case getu4(s.Data[i:]) >= 0:
				i += 5
			default:
				return nil, false, false
			}
		case controlByte:
			return nil, false, false
		default: // not ASCII
			plain = false
		}
	}
	return nil, false, false
}

// Eight bytes at a time: lanes repeats a byte in each of a word's bytes,
// highs is every byte's high bit.
const (
	lanes = 0x0101010101010101
	highs = 0x8080808080808080
)

// hasByte reports whether a byte of x is c (exact: a borrow only follows a
// byte that is c).
func hasByte(x uint64, c byte) bool {
	y := x ^ lanes*uint64(c)
	return (y-lanes)&^y&highs != 0
}

// skipPlain returns the index of the first byte of b from i that is not a
// plain byte of a string (a quote, a backslash, a control character or a
// byte of a character beyond ASCII), or len(b): eight bytes at a time, then
// by the byte-class table.
func skipPlain(b []byte, i int) int {
	for ; i+8 <= len(b); i += 8 {
		x := binary.LittleEndian.Uint64(b[i:])
		// a byte under 0x20 borrows, when every byte is ASCII (the high
		// bits are checked first)
		if x&highs != 0 || (x-lanes*0x20)&^x&highs != 0 || hasByte(x, '"') || hasByte(x, '\\') {
			break
		}
	}
	for i < len(b) && byteClass[b[i]] == plainByte {
		i++
	}
	return i
}

// skipASCII returns the index of the first byte of in from i that is a
// backslash or not ASCII, or len(in).
func skipASCII(in []byte, i int) int {
	for ; i+8 <= len(in); i += 8 {
		if x := binary.LittleEndian.Uint64(in[i:]); x&highs != 0 || hasByte(x, '\\') {
			break
		}
	}
	for i < len(in) && in[i] < utf8.RuneSelf && in[i] != '\\' {
		i++
	}
	return i
}

// The classes of a string's bytes for ScanString.
const (
	plainByte = iota
	quoteByte
	backslashByte
	controlByte
	highByte
)

var byteClass = func() (t [256]uint8) {
	for c := range 256 {
		switch {
		case c == '"':
			t[c] = quoteByte
		case c == '\\':
			t[c] = backslashByte
		case c < ' ':
			t[c] = controlByte
		case c >= utf8.RuneSelf:
			t[c] = highByte
		}
	}
	return t
}()

// isEscape reports whether c makes a one-letter escape after a backslash.
func isEscape(c byte) bool {
	switch c {
	case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		return true
	}
	return false
}

// unescape is what a one-letter escape stands for.
func unescape(c byte) byte {
	switch c {
	case 'b':
		return '\b'
	case 'f':
		return '\f'
	case 'n':
		return '\n'
	case 'r':
		return '\r'
	case 't':
		return '\t'
	}
	return c // '"', '\\', '/'
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// digits takes a run of digits at i; the index after them.
func (s *Scanner) digits(i int) int {
	for i < len(s.Data) && isDigit(s.Data[i]) {
		i++
	}
	return i
}

// SkipNumber takes a number of JSON's grammar.
func (s *Scanner) SkipNumber() bool {
	i := s.Pos
	if i < len(s.Data) && s.Data[i] == '-' {
		i++
	}
	switch {
	case i < len(s.Data) && s.Data[i] == '0':
		i++
	case i < len(s.Data) && isDigit(s.Data[i]):
		i = s.digits(i)
	default:
		return false
	}
	if i < len(s.Data) && s.Data[i] == '.' {
		j := s.digits(i + 1)
		if j == i+1 {
			return false
		}
		i = j
	}
	if i < len(s.Data) && (s.Data[i] == 'e' || s.Data[i] == 'E') {
		i++
		if i < len(s.Data) && (s.Data[i] == '+' || s.Data[i] == '-') {
			i++
		}
		j := s.digits(i)
		if j == i {
			return false
		}
		i = j
	}
	s.Pos = i
	return true
}

// Number takes a number and returns its literal.
func (s *Scanner) Number() ([]byte, bool) {
	s.WS()
	start := s.Pos
	if !s.SkipNumber() {
		return nil, false
	}
	return s.Data[start:s.Pos], true
}

// Integer reads an integer into dst; null leaves dst as it is. A fraction,
// an exponent or a number too long to surely fit is left to encoding/json.
func (s *Scanner) Integer(dst *int) bool {
	switch c := s.Peek(); {
	case c == 'n':
		return s.Literal("null")
	case c != '-' && !isDigit(c):
		return false
	}
	i := s.Pos
	neg := s.Data[i] == '-'
	if neg {
		i++
	}
	start := i
	end := s.digits(i)
	switch {
	case end == start, end-start > maxIntDigits, s.Data[start] == '0' && end-start > 1:
		return false
	case end < len(s.Data) && (s.Data[end] == '.' || s.Data[end] == 'e' || s.Data[end] == 'E'):
		return false
	}
	n := 0
	for _, c := range s.Data[start:end] {
		n = n*10 + int(c-'0')
	}
	if neg {
		n = -n
	}
	*dst = n
	s.Pos = end
	return true
}

// IntPtr reads an integer into a new int, null into nil.
func (s *Scanner) IntPtr(dst **int) bool {
	if s.Peek() == 'n' {
		*dst = nil
		return s.Literal("null")
	}
	var n int
	if s.Peek() == '"' || !s.Integer(&n) {
		return false
	}
	*dst = &n
	return true
}

// Int32Ptr reads a number into a new int32 as encoding/json does (a
// fraction, an exponent or a number out of range gives up), null into nil.
func (s *Scanner) Int32Ptr(dst **int32) bool {
	if s.Peek() == 'n' {
		*dst = nil
		return s.Literal("null")
	}
	lit, ok := s.Number()
	if !ok {
		return false
	}
	n, err := strconv.ParseInt(string(lit), 10, 32)
	if err != nil {
		return false
	}
	v := int32(n)
	*dst = &v
	return true
}

// Float64Ptr reads a number into a new float64 as encoding/json does (one
// out of range gives up), null into nil.
func (s *Scanner) Float64Ptr(dst **float64) bool {
	if s.Peek() == 'n' {
		*dst = nil
		return s.Literal("null")
	}
	lit, ok := s.Number()
	if !ok {
		return false
	}
	f, err := strconv.ParseFloat(string(lit), 64)
	if err != nil {
		return false
	}
	*dst = &f
	return true
}

// Bool reads true or false into dst; null leaves dst as it is.
func (s *Scanner) Bool(dst *bool) bool {
	switch s.Peek() {
	case 'n':
		return s.Literal("null")
	case 't':
		*dst = true
		return s.Literal("true")
	case 'f':
		*dst = false
		return s.Literal("false")
	}
	return false
}

// Str reads a string into dst; null leaves dst as it is.
func (s *Scanner) Str(dst *string) bool {
	switch s.Peek() {
	case 'n':
		return s.Literal("null")
	case '"':
	default:
		return false
	}
	content, plain, ok := s.ScanString()
	switch {
	case !ok:
		return false
	case plain:
		*dst = string(content)
	default:
		*dst = Unquote(content)
	}
	return true
}

// Text is the text of a string's content that a JSON decoder has checked,
// as encoding/json gives it (Unquote, without its copy loop when there is
// no escape and the bytes are UTF-8).
func Text(content []byte) string {
	if bytes.IndexByte(content, '\\') < 0 && utf8.Valid(content) {
		return string(content)
	}
	return Unquote(content)
}

// Unquote decodes a string's content that ScanString (or another JSON
// decoder) checked, as encoding/json does: escapes decoded, a \u surrogate
// that is not half of a pair and every byte that is not UTF-8 become
// U+FFFD.
func Unquote(in []byte) string {
	b := make([]byte, 0, len(in)+8)
	for i := 0; i < len(in); {
		switch c := in[i]; {
		case c == '\\' && in[i+1] != 'u':
			b = append(b, unescape(in[i+1]))
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
			// a run of ASCII bytes without an escape, at once
			j := skipASCII(in, i+1)
			b = append(b, in[i:j]...)
			i = j
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

// Raw copies any value as it is, null included (json.RawMessage).
func (s *Scanner) Raw(dst *json.RawMessage) bool {
	if s.Peek() == 'n' && s.Literal("null") {
		*dst = rawNull
		return true
	}
	v, ok := s.Value()
	if ok {
		*dst = append(json.RawMessage(nil), v...)
	}
	return ok
}

// StructValue reads an object with fill; null leaves the value as it is.
func (s *Scanner) StructValue(fill func(key []byte) bool) bool {
	if s.Peek() == 'n' {
		return s.Literal("null")
	}
	return s.Object(fill)
}

// Pointer reads an object into a new T, null into nil.
func Pointer[T any](s *Scanner, dst **T, fill func(v *T, key []byte) bool) bool {
	switch s.Peek() {
	case 'n':
		*dst = nil
		return s.Literal("null")
	case '{':
		v := new(T)
		*dst = v
		return s.Object(func(key []byte) bool { return fill(v, key) })
	}
	return false
}

// Array reads an array into a new slice (empty, not nil, for []), null
// into nil; elem reads one element.
func Array[T any](s *Scanner, dst *[]T, elem func(v *T) bool) bool {
	switch s.Peek() {
	case 'n':
		*dst = nil
		return s.Literal("null")
	case '[':
		s.Pos++
	default:
		return false
	}
	out := make([]T, 0, 1)
	if !s.Consume(']') {
		for {
			var zero T
			out = append(out, zero)
			if !elem(&out[len(out)-1]) {
				return false
			}
			if !s.Consume(',') {
				if !s.Consume(']') {
					return false
				}
				break
			}
		}
	}
	*dst = out
	return true
}
