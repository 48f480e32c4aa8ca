package api

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"sync"
	"time"

	pb "github.com/llmgw/llmgw/sdk/go/proto/llmgw/v1"

	"github.com/llmgw/llmgw/core/pipeline"
)

// errorBody is the contract's error JSON.
type errorBody struct {
	Error    errorDetail   `json:"error"`
	Attempts []attemptJSON `json:"attempts,omitempty"`
}

type errorDetail struct {
	Message   string  `json:"message"`
	Type      string  `json:"type"`
	Code      string  `json:"code"`
	Param     *string `json:"param"`
	RequestID string  `json:"request_id"`
}

// attemptJSON is one provider attempt as answers show it.
type attemptJSON struct {
	Model     string  `json:"model"`
	Provider  string  `json:"provider"`
	Outcome   string  `json:"outcome"`
	ErrorCode *string `json:"error_code"`
	LatencyMs float64 `json:"latency_ms"`
}

func attemptsJSON(in []*pb.Attempt) []attemptJSON {
	out := make([]attemptJSON, len(in))
	for i, a := range in {
		out[i] = attemptJSON{Model: a.Model, Provider: a.Provider, Outcome: a.Outcome, LatencyMs: ms(time.Duration(a.EndUnixNano - a.StartUnixNano))}
		if a.ErrorCode != "" {
			code := a.ErrorCode
			out[i].ErrorCode = &code
		}
	}
	return out
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// errorPayload builds the error JSON of e (shared by plain answers and SSE
// error events).
func errorPayload(e *pipeline.Error, requestID string, tr *pipeline.Trace) errorBody {
	body := errorBody{Error: errorDetail{Message: e.Message, Type: e.Type, Code: e.Code, RequestID: requestID}}
	if e.Param != "" {
		p := e.Param
		body.Error.Param = &p
	}
	if e.WithAttempts && tr != nil {
		body.Attempts = attemptsJSON(tr.Attempts)
		if body.Attempts == nil {
			body.Attempts = []attemptJSON{}
		}
	}
	return body
}

// writeError writes e in the contract's error JSON.
func writeError(w http.ResponseWriter, r *http.Request, e *pipeline.Error, tr *pipeline.Trace) {
	writeErrorBody(w, e, errorPayload(e, requestID(r), tr))
}

// writeErrorBody is the one place an error answer is written: Retry-After,
// the status, and body, the route's error JSON for e.
func writeErrorBody(w http.ResponseWriter, e *pipeline.Error, body any) {
	if e.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.FormatInt(int64((e.RetryAfter+time.Second-1)/time.Second), 10))
	}
	status := e.Status
	if status == 499 {
		// The client is gone; nothing will read this.
		status = http.StatusBadRequest
	}
	writeJSON(w, status, body)
}

// fail writes a host-side error (decode errors, routing errors, admin).
func fail(w http.ResponseWriter, r *http.Request, status int, errType, code, param, message string) {
	writeError(w, r, &pipeline.Error{Status: status, Type: errType, Code: code, Param: param, Message: message}, nil)
}

// jsonOut is a reusable encoding buffer of writeJSON: an answer is encoded
// once, straight into it, and written from it (json.Marshal would copy it
// out, and the newline another time).
type jsonOut struct {
	buf bytes.Buffer
	enc *json.Encoder
}

var jsonOuts = sync.Pool{New: func() any {
	o := &jsonOut{}
	o.enc = json.NewEncoder(&o.buf)
	return o
}}

// maxPooledJSON bounds the buffers kept for reuse: a rare huge answer's is
// let go rather than held by the pool.
const maxPooledJSON = 64 << 10

// writeJSON writes v as the JSON answer with status, with its length (a
// plain answer goes out in one piece, never chunked).
func writeJSON(w http.ResponseWriter, status int, v any) {
	o := jsonOuts.Get().(*jsonOut)
	defer func() {
		if o.buf.Cap() <= maxPooledJSON {
			o.buf.Reset()
			jsonOuts.Put(o)
		}
	}()
	b := internalErrorJSON
	if err := o.enc.Encode(v); err == nil {
		b = o.buf.Bytes() // Encode ends it with a newline, as before
	} else {
		status = http.StatusInternalServerError
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

var internalErrorJSON = []byte(`{"error":{"message":"internal error","type":"server_error","code":"internal_error","param":null,"request_id":""}}` + "\n")
