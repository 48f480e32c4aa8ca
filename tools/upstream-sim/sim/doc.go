// Package sim is a local simulator of the OpenAI (and OpenAI-compatible
// OpenRouter and Groq) chat completions API, of the Gemini
// generativelanguage v1beta API and of Anthropic's Messages API. It is meant for tests, demos and
// benchmarks of llmgw: answers are synthetic, deterministic and cheap, and
// every failure mode a gateway has to survive can be switched on, globally,
// per upstream model or per request, in each provider's real error format.
//
// # Routes
//
// OpenAI flavour (errors {"error":{"message","type","param","code"}}):
//
//	POST /v1/chat/completions
//	POST /chat/completions
//	POST /v1/responses/input_tokens   {"object":"response.input_tokens","input_tokens"}: the chat route's
//	                                  usage.prompt_tokens for the same conversation (also /responses/input_tokens)
//
// The Responses token count takes exactly the API's fields (model, input,
// instructions, tools, tool_choice, parallel_tool_calls, reasoning, text,
// truncation, conversation, previous_response_id, personality; another is
// refused 400 unknown_parameter) and requires model. It counts the words of
// the instructions, of each message (a string, or the text of its
// input_text/output_text parts) and of each function_call_output's output;
// function_call items and tools count nothing, as on the chat route. Items
// (message, function_call, function_call_output), content parts and tools
// are checked as the API checks them (param paths such as
// "input[2].content[0].type"). Error faults apply to it.
//
// Groq flavour (OpenAI-shaped; Groq's default base URL with only the host swapped):
//
//	POST /openai/v1/chat/completions
//
// OpenRouter flavour (errors {"error":{"code":<status>,"message"}}; streams
// start with the SSE comment ": OPENROUTER PROCESSING"):
//
//	POST /api/v1/chat/completions
//
// Azure OpenAI flavour (OpenAI-shaped answers with Azure's content-filter
// annotations, errors {"error":{"code","message"}} with the status as code;
// the deployment is the model; key in api-key or Authorization: Bearer;
// 404 "Resource not found" without api-version):
//
//	POST /openai/deployments/{deployment}/chat/completions?api-version=2024-10-21
//
// All of them require "Authorization: Bearer <key>" with a non-empty key
// (a key starting with "sim-invalid" is refused too) and answer 401 otherwise.
// "stream": true answers server-sent events "data: {chunk}\n\n": a role
// chunk, at least three content chunks, a chunk with finish_reason and an
// empty delta, a usage chunk with "choices":[] when
// stream_options.include_usage is true, then "data: [DONE]".
// max_tokens / max_completion_tokens truncate the answer (finish_reason
// "length"); stop (string or array) cuts it.
//
// Gemini flavour (key in header x-goog-api-key or query ?key=; 403
// PERMISSION_DENIED without one, 401 UNAUTHENTICATED for a key sent as
// Authorization: Bearer (the real API takes it for an OAuth token), 400
// INVALID_ARGUMENT "API key not valid" for a key starting with "sim-invalid";
// errors {"error":{"code","message","status","details"}}):
//
//	POST /v1beta/models/{model}:generateContent
//	POST /v1beta/models/{model}:streamGenerateContent?alt=sse
//	GET  /v1beta/models
//	GET  /v1beta/models/{model}
//
// The stream sends events "data: <GenerateContentResponse>\r\n\r\n" (CRLF
// separators, as the real service does; a parser that splits on blank lines
// must accept both "\n\n" and "\r\n\r\n"), no [DONE]; every event carries the
// usageMetadata counted so far, the last one finishReason. Without alt=sse the stream is a JSON array
// of the same responses. generationConfig.maxOutputTokens truncates
// (finishReason "MAX_TOKENS"), stopSequences cut. The v1 paths
// (/v1/models/{model}:generateContent) are accepted too.
//
// Anthropic flavour (key in x-api-key or Authorization: Bearer, and an
// anthropic-version header; errors {"type":"error","error":{"type","message"}}
// with Anthropic's type per status, 529 overloaded_error):
//
//	POST /v1/messages
//	POST /v1/messages/count_tokens   {"input_tokens"}: a message's input_tokens for the same input
//
// The request is checked as strictly as the real API (required max_tokens,
// alternating roles starting with the user, every tool_use answered by a
// tool_result in the next message). "stream": true answers Anthropic's
// event sequence (message_start, content_block_start, ping,
// content_block_delta…, content_block_stop, message_delta, message_stop).
// With tools and tool_choice any or tool the answer is a tool_use block
// (auto: when the last user text names an offered tool);
// after tool results, a text that echoes them. Extended thinking ("thinking":
// {"type":"enabled","budget_tokens"}: at least 1024, below max_tokens, and
// temperature 1 if set, no tool_choice that forces a tool) puts a signed thinking block first (streamed as
// thinking_delta, then signature_delta); in a tool loop the assistant turn
// that made the calls must start with its thinking block, sent back
// unchanged, as the API requires.
//
// OpenAI-style model lists: GET /v1/models, /models, /api/v1/models,
// /openai/v1/models (no key needed).
//
// # Answers
//
// The answer is "[sim <flavour> <model>] echo: <first 200 characters of the
// last user message>", where flavour is openai, groq, openrouter or gemini.
// One token is one whitespace-separated word: prompt tokens are the words of
// every message (at least 1), completion tokens the words of the answer, and
// the total is their sum.
//
// Prompt triggers, to exercise content filters:
//
//   - SIM_BLOCK_PROMPT: Gemini answers 200 with no candidates and
//     "promptFeedback":{"blockReason":"SAFETY"}; OpenAI-compatible routes
//     answer 400 invalid_request_error, code "content_policy_violation".
//   - SIM_SAFETY_FINISH: Gemini answers a candidate with finishReason
//     "SAFETY" and no content; OpenAI-compatible routes answer an empty
//     content with finish_reason "content_filter".
//
// # Tools and structured outputs (OpenAI wire)
//
// The model is a deterministic tool user. When the request offers tools:
// tool_choice {"type":"function",…} calls that function; "required" calls
// the offered functions the last user message names (the first tool when it
// names none); "auto" (the default) calls the functions the message names
// and otherwise answers in text; "none" never calls. Several named functions
// are called in parallel unless parallel_tool_calls is false. A
// conversation that ends with tool messages is answered in text that echoes
// the results ("… echo: tool results: <r1>; <r2>"). Arguments are generated
// from each function's JSON schema (types, properties, required, enum,
// const, bounds, formats, $ref, anyOf), so they validate against it. A call
// answers content null and finish_reason "tool_calls"; a stream sends each
// call as a delta with its index, id, type and name (arguments ""), then its
// arguments in three fragments, each in its own chunk.
//
// response_format json_schema answers a JSON value generated from the
// schema (valid against it); json_object answers {"answer": "<the echo>"}.
// n > 1 answers n identical choices (a stream sends each piece once per
// choice); logprobs answers made-up log probabilities, one entry per word,
// with top_logprobs alternatives. Faults apply to these answers as to
// text ones.
//
// # Function calling, structured output and images (Gemini wire)
//
// The Gemini routes use the same deterministic plan: toolConfig mode AUTO
// (the default) calls the declared functions the last user text names,
// ANY calls those or the first (only allowedFunctionNames are candidates;
// one allowed name is that function), NONE never calls. Calls are
// functionCall parts with args generated from the declaration's parameters
// (valid against it), the first signed with a thoughtSignature, finishReason
// STOP; a stream sends each call whole in its own event, as Gemini does. A
// conversation whose last turn holds functionResponse parts is answered in
// text that echoes the responses. responseMimeType application/json answers
// a value generated from responseSchema (or responseJsonSchema), or
// {"answer": "<the echo>"} without a schema. The request is checked like
// the API checks it, with its messages: a schema keyword outside Gemini's
// subset ("Unknown name \"additionalProperties\" … Cannot find field"), a
// type list, an invalid function name, allowedFunctionNames without mode
// ANY or naming an undeclared function, inlineData that is not base64 or
// has no mimeType; and on gemini-3 models a model turn whose first
// functionCall has no thoughtSignature. candidateCount n (1 to 8) answers n
// identical candidates (each stream event carries all of them, numbered);
// responseLogprobs answers a made-up logprobsResult, one step per word with
// `logprobs` alternatives (0 to 20).
//
// # Pacing
//
// [Pacing] makes answers take as long as a real model's: Tokens fixes the
// answer's length, TokenInterval the time per token (a non-streamed answer
// is sent after latency + reasoning + tokens×interval; a stream sends one
// token per interval after the latency), and Reasoning streams reasoning
// deltas before the content: delta.reasoning on OpenRouter and Groq,
// delta.reasoning_content on the OpenAI route, Gemini parts with
// "thought": true when thinkingConfig.includeThoughts is set (otherwise the
// model thinks in silence), counted in reasoning_tokens / thoughtsTokenCount.
// The request headers X-Sim-Tokens, X-Sim-Token-Interval and X-Sim-Reasoning
// override it per request. The zero Pacing answers at once.
//
// Each flavour carries its real API's extra fields: service_tier and
// system_fingerprint (OpenAI, Groq), x_groq (Groq), "gen-" ids, provider,
// native_finish_reason and a usage chunk that keeps one choice (OpenRouter),
// and "usage": null on every chunk but the usage chunk when include_usage is
// set.
//
// # Faults
//
// Besides the statuses 400, 402, 403, 404, 413, 429, 498, 500, 503 and 529
// (each in the body its provider documents for it), errors inside a 200
// answer (error-in-200), after part of a stream (midstream-error), empty
// answers (empty-candidate, empty-stop), and broken transports (timeout,
// stall, cut-stream, malformed); see [Fault] for each.
//
// A fault (see [Fault]) applies to chat calls only (OpenAI-compatible
// completions and Gemini generate/stream). The fault in force for a request
// is, first match wins: the request header X-Sim-Fault: KIND, the per-model
// override for the requested upstream model, the global fault (--fault).
// The request header X-Sim-Latency: DUR likewise overrides the latency.
//
// # Control endpoints
//
// These are never faulted, never delayed and need no key.
//
//	GET  /sim/stats   {"requests":N,"streams":N,"in_flight":N,"by_api":{"openai":N,...},
//	                   "by_model":{"gpt-4o":N,...},"by_path":{"/v1/chat/completions":N,...}}
//	GET  /sim/last-request  {"path":"/v1/chat/completions","body":{...}}: the last chat call's
//	                   JSON body as received (404 no_request before the first or after a reset)
//	POST /sim/reset   zeroes every counter and forgets the last request (faults and latency
//	                   are kept); answers the zeroed stats
//	GET  /sim/fault   {"fault":"none","models":{"gpt-4o":"500"},"latency":"0s",
//	                   "tokens":0,"token_interval":"0s","reasoning":"0s"}
//	POST /sim/fault   {"fault":"500"}                   global fault
//	                  {"model":"gpt-4o","fault":"500"}  per-model override ("none" makes that model
//	                                                    healthy even under a global fault)
//	                  {"model":"gpt-4o","fault":"inherit"}  removes that model's override
//	                  {"fault":"none"}                  (no model) clears the global fault and every override
//	                  {"latency":"250ms"}               sets the global latency (may be combined)
//	                  {"tokens":400,"token_interval":"50ms","reasoning":"40s"}  sets the global pacing
//	                  answers the new state, as GET does
//	DELETE /sim/fault clears every fault (latency is kept)
//
// requests counts every chat call that reached the simulator, whatever its
// outcome (401, fault, success), so a test can prove that a request never
// reached a provider. by_model uses the upstream model named in the request
// (the body's "model", or the Gemini path's model).
package sim
