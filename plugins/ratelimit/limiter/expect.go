package limiter

// WithExpected returns checks (a copy) in which every Tokens check also
// refuses a request whose own tokens, known before it is served (an
// embeddings request's input), would take the window's sum over the limit:
// a Tokens check refuses once the sum reaches its Limit, so lowering the
// Limit by expected-1 refuses exactly when sum + expected > Limit. The
// limit stays at least 1, so an empty window admits any one request, as it
// does for chat. The tokens are still charged after the answer, from the
// provider's count.
func WithExpected(checks []Check, expected int64) []Check {
	out := make([]Check, len(checks))
	copy(out, checks)
	if expected <= 1 {
		return out
	}
	for i := range out {
		if out[i].Kind == Tokens {
			out[i].Limit = max(1, out[i].Limit-expected+1)
		}
	}
	return out
}
