package mlflowtracker

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"unicode/utf8"

	sdk "github.com/llmgw/llmgw/sdk/go"
)

// prepare makes an event safe to store: annotations and request metadata
// whose names look like secrets are dropped, and without log_prompts the
// texts become length + hash. It runs before the event reaches the spool, so
// neither the disk nor MLflow ever holds what must not be kept.
func prepare(ev *sdk.Event, logPrompts bool) {
	if ev.EventId == "" {
		// The event id is the idempotency key and names the trace; the
		// host always sets it, but never let two events share "".
		ev.EventId = "llmgw-noid-" + newID()
	}
	for k := range ev.Annotations {
		if secretKey(k) {
			delete(ev.Annotations, k)
		}
	}
	for k := range ev.GetRequest().GetMetadata() {
		if secretKey(k) {
			delete(ev.Request.Metadata, k)
		}
	}
	if logPrompts {
		return
	}
	if ev.Request != nil {
		for _, m := range ev.Request.Messages {
			m.Content, m.Refusal = redacted(m.Content), redacted(m.Refusal)
			for _, p := range m.Parts {
				p.Text, p.ImageUrl = redacted(p.Text), redacted(p.ImageUrl)
			}
			redactCalls(m.ToolCalls)
		}
	}
	ev.Response, ev.Refusal = redacted(ev.Response), redacted(ev.Refusal)
	redactCalls(ev.ToolCalls)
	for i, in := range ev.GetEmbeddings().GetInput() {
		ev.Embeddings.Input[i] = redacted(in)
	}
}

// redactCalls hides tool-call arguments (they carry what the user said);
// the function names stay.
func redactCalls(calls []*sdk.ToolCall) {
	for _, c := range calls {
		c.Arguments = redacted(c.Arguments)
	}
}

// secretKey reports whether an annotation's name suggests a credential.
func secretKey(k string) bool {
	k = strings.ToLower(k)
	for _, s := range []string{"key", "token", "authorization", "secret", "password", "cookie"} {
		if strings.Contains(k, s) {
			return true
		}
	}
	return false
}

// redacted stands in for a text: its length and its sha256, so equal
// prompts can still be recognised without being readable.
func redacted(s string) string {
	if s == "" {
		return ""
	}
	sum := sha256.Sum256([]byte(s))
	return fmt.Sprintf("[redacted: %d chars, sha256 %s]", utf8.RuneCountInString(s), hex.EncodeToString(sum[:]))
}

func newID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
