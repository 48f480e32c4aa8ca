package openaiprovider

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/llmgw/llmgw/sdk/go/jsonscan"
)

// scanChunk is the scanner alone: ok false when it gives up.
func scanChunk(data []byte) (streamChunk, bool) {
	s := chunkScanner{Scanner: jsonscan.Scanner{Data: data}, dec: &chunkDecoder{}}
	var c streamChunk
	ok := s.chunk(&c) && s.End()
	return c, ok
}

// recordedEvents are the data of every event of the recorded streams in
// testdata, and of the simulator's streams of the benchmark's answer.
func recordedEvents(t testing.TB) [][]byte {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.sse"))
	var out [][]byte
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, events(t, b)...)
	}
	for _, s := range benchStreams {
		out = append(out, events(t, simStream(t, s.tokens))...)
	}
	return out
}

// chunkCases are shapes the scanner must read as encoding/json does, or
// leave to it.
var chunkCases = []string{
	`{"id":"a","model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}],"usage":null}`,
	`{"choices":[]}`,
	`{"choices":null,"usage":{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3,"prompt_tokens_details":null,"completion_tokens_details":{"reasoning_tokens":4}}}`,
	` { "choices" : [ { "index" : 1 , "delta" : { "content" : "x\ny \u00e9 \ud83d\ude00 \ud800 \"q\" \\ \/" } } ] } `,
	`{"choices":[{"delta":{"content":"h\u00e9llo w` + "\xff" + `rld"}}]}`,
	`{"choices":[{"delta":{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"f","arguments":""}}]}}]}`,
	`{"choices":[{"delta":{"tool_calls":[{"index":null,"function":{"arguments":"{\"a\":1}"}}]}}]}`,
	`{"choices":[{"delta":{"tool_calls":[]},"logprobs":{"content":[{"token":"a","logprob":-0.5e-3,"bytes":[97],"top_logprobs":[]}]}}]}`,
	`{"choices":[null,{"delta":null,"finish_reason":"stop","native_finish_reason":"stop"}],"x_groq":{"id":"req_1","usage":{"prompt_tokens":5}}}`,
	`{"x_groq":null,"error":null,"object":"chat.completion.chunk","created":1,"system_fingerprint":null,"obfuscation":"abc","provider":{"a":[1,2.5,true,false,null,"s"]}}`,
	`{"usage":{"prompt_tokens":-0,"total_tokens":123456789012345678,"cost":1.5E+2,"is_byok":false}}`,
	// Left to encoding/json: errors, other cases of a key, repeats, other
	// types, invalid JSON, numbers that are not plain integers.
	`{"error":{"message":"boom","type":"server_error","code":null}}`,
	`{"ID":"a","Choices":[]}`,
	`{"id":"a","id":"b"}`,
	`{"choices":[{"index":"0"}]}`,
	`{"choices":[{"index":1.0}]}`,
	`{"choices":[{"index":1e2}]}`,
	`{"choices":[{"index":12345678901234567890}]}`,
	`{"choices":[{"index":01}]}`,
	`{"id":5}`,
	`{"id":"a"`,
	`{"id":"a"} x`,
	`{"id":"a` + "\x01" + `"}`,
	`{"id":"\q"}`,
	`{"choices":{}}`,
	`{"x\u0069d":"a"}`,
	`null`,
	`[]`,
	``,
	`{"choices":[{"delta":{"content":"a"}},]}`,
	`{"usage":{"prompt_tokens":1,}}`,
	`{"a":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}`,
}

// checkChunk fails when the scanner took data and read it otherwise than
// encoding/json, or when chunkDecoder differs from encoding/json.
func checkChunk(t *testing.T, data []byte) (scanned bool) {
	var want streamChunk
	wantErr := json.Unmarshal(data, &want)
	got, ok := scanChunk(data)
	if ok && (wantErr != nil || !reflect.DeepEqual(got, want)) {
		t.Fatalf("scanner took %q:\n got %+v\nwant %+v (err %v)", data, got, want, wantErr)
	}
	var (
		d   chunkDecoder
		dec streamChunk
	)
	err := d.decode(data, &dec)
	if (err == nil) != (wantErr == nil) || (err == nil && !reflect.DeepEqual(dec, want)) {
		t.Fatalf("chunkDecoder(%q) = %+v, %v; encoding/json %+v, %v", data, dec, err, want, wantErr)
	}
	// Once more with the same decoder, which now has the event's id and
	// model (a stream repeats them).
	err = d.decode(data, &dec)
	if (err == nil) != (wantErr == nil) || (err == nil && !reflect.DeepEqual(dec, want)) {
		t.Fatalf("chunkDecoder(%q) again = %+v, %v; encoding/json %+v, %v", data, dec, err, want, wantErr)
	}
	return ok
}

func TestDecodeChunk(t *testing.T) {
	scanned := 0
	for _, c := range chunkCases {
		if checkChunk(t, []byte(c)) {
			scanned++
		}
	}
	if scanned != 11 {
		t.Errorf("the scanner took %d of the cases, want the first 11", scanned)
	}
	// Every event of the recorded streams but errors is read by the
	// scanner.
	for _, data := range recordedEvents(t) {
		if !checkChunk(t, data) && !bytes.Contains(data, []byte(`"error"`)) && json.Valid(data) {
			t.Errorf("the scanner left %s to encoding/json", data)
		}
	}
}

// FuzzDecodeChunk checks that the scanner reads what it takes exactly as
// encoding/json does, and that chunkDecoder always agrees with encoding/json.
func FuzzDecodeChunk(f *testing.F) {
	for _, c := range chunkCases {
		f.Add([]byte(c))
	}
	for _, data := range recordedEvents(f) {
		f.Add(data)
	}
	f.Add([]byte(strings.Repeat(`{"choices":[`, 3)))
	f.Fuzz(func(t *testing.T, data []byte) {
		checkChunk(t, data)
	})
}
