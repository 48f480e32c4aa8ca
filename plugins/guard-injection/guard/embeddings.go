package guard

import (
	"fmt"
	"unicode/utf8"

	sdk "github.com/llmgw/llmgw/sdk/go"
)

// routeEmbeddings is the host's route of POST /v1/embeddings.
const routeEmbeddings = "embeddings"

// MaxEmbeddingInputChars caps each embeddings input, in characters: about
// the 8192 tokens an OpenAI embeddings model takes, at four characters a
// token.
const MaxEmbeddingInputChars = 32768

// checkEmbeddings validates an embeddings request's size and lets it
// through unscanned: embeddings input is text to index, never instructions
// a model will follow, and documents routinely quote the phrases an
// injection scan looks for.
func checkEmbeddings(e *sdk.EmbeddingsRequest) *sdk.StageResponse {
	if len(e.GetInput()) == 0 && len(e.GetInputTokens()) == 0 {
		return invalid(400, "missing_field", "input", "input is required and must not be empty")
	}
	for i, text := range e.GetInput() {
		if n := utf8.RuneCountInString(text); n > MaxEmbeddingInputChars {
			return invalid(400, "input_too_long", "input", fmt.Sprintf("input[%d] is %d characters; the limit is %d", i, n, MaxEmbeddingInputChars))
		}
	}
	return sdk.Continue()
}
