package sdk

import "crypto/sha256"

// EventTraceID is the trace id (16 bytes, OpenTelemetry's size) of a
// finished request's event: the first 16 bytes of sha256 over the event id.
// Trackers that export traces use it, so the host can link a request to its
// trace (the dashboard's MLflow links) without asking the tracker.
func EventTraceID(eventID string) []byte {
	sum := sha256.Sum256([]byte("llmgw-trace\x00" + eventID))
	return sum[:16]
}
