package pipeline

import (
	"testing"

	pb "github.com/llmgw/llmgw/sdk/go/proto/llmgw/v1"
)

// Trackers see an inline image as its type and size, and the request the
// After hooks read keeps it.
func TestEventRequestShortensInlineImages(t *testing.T) {
	chat := &pb.ChatRequest{Messages: []*pb.Message{{Role: "user", Parts: []*pb.ContentPart{
		{Type: "text", Text: "what?"},
		{Type: "image_url", ImageUrl: "data:image/png;base64,iVBORw0KGgoAAAANSUhEUg=="},
		{Type: "image_url", ImageUrl: "https://example.com/a.png"}}}}}
	ev := eventRequest(chat)
	parts := ev.Messages[0].Parts
	if parts[1].ImageUrl != "data:image/png;base64,[24 base64 characters]" || parts[2].ImageUrl != "https://example.com/a.png" || parts[0].Text != "what?" {
		t.Errorf("event parts: %v", parts)
	}
	if chat.Messages[0].Parts[1].ImageUrl != "data:image/png;base64,iVBORw0KGgoAAAANSUhEUg==" {
		t.Error("the request itself was changed")
	}
	plain := &pb.ChatRequest{Messages: []*pb.Message{{Role: "user", Content: "hi"}}}
	if eventRequest(plain) != plain {
		t.Error("a request without inline images is copied")
	}
}
