package openaiprovider

import (
	"context"
	"testing"
)

// BenchmarkComplete measures the provider's own overhead with 64 callers
// sharing one instance, as the gateway benchmark does.
func BenchmarkComplete(b *testing.B) {
	u := newUpstream(b, reply{file: "openai_success.json"})
	p := newTestProvider(b, "openai", configFor(u, ""))
	req := chatReq("gpt-4o")
	req.Request.Temperature = f64(0)
	b.SetParallelism(64)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := p.Complete(context.Background(), req); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkStream measures a recorded OpenAI stream through the SSE reader.
func BenchmarkStream(b *testing.B) {
	u := newUpstream(b, reply{file: "openai_stream_usage.sse"})
	p := newTestProvider(b, "openai", configFor(u, ""))
	req := chatReq("gpt-4o")
	b.SetParallelism(64)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := collect(context.Background(), p, req); err != nil {
				b.Error(err)
				return
			}
		}
	})
}
