package detect

import (
	"runtime"
	"testing"
)

// The embedded model's 2 MiB of weights are read where the binary holds
// them, not copied onto the heap.
func TestEmbeddedModelIsNotCopied(t *testing.T) {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	m, err := EmbeddedModel()
	runtime.ReadMemStats(&after)
	if err != nil || m == nil {
		t.Fatalf("embedded model: %v", err)
	}
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 64<<10 {
		t.Fatalf("loading the embedded model allocated %d bytes", grew)
	}
	if len(m.Weights) != NumBuckets || int8(embeddedModel[headerSize+12345]) != m.Weights[12345] {
		t.Fatal("the weights are not the embedded model's")
	}
	var copied Model
	if err := copied.UnmarshalBinary(embeddedModel); err != nil || copied.Weights[12345] != m.Weights[12345] {
		t.Fatalf("UnmarshalBinary: %v", err)
	}
}
