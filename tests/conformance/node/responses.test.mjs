// The Responses API (POST /v1/responses) through the official openai npm
// package, unchanged: create, the stream helper's final response, the tool
// loop that sends response.output back as input, parse() with
// zodTextFormat, the token count (inputTokens.count), and a stateless
// gateway's refusals.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { zodTextFormat } from 'openai/helpers/zod';
import { z } from 'zod';

const base = process.env.LLMGW_URL;
if (!base) {
  throw new Error('LLMGW_URL must be set: run these tests through tests/e2e (go test -run TestConformance ./tests/e2e/)');
}
const client = new OpenAI({ baseURL: base.replace(/\/$/, '') + '/v1', apiKey: 'sk-conformance-node', maxRetries: 0, timeout: 30_000 });

const MODELS = ['gpt-4o-primary', 'gemini-secondary', 'smart-router'];
const weather = {
  type: 'function',
  name: 'get_weather',
  description: 'The weather of a city',
  strict: true,
  parameters: {
    type: 'object',
    properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] } },
    required: ['city', 'unit'],
    additionalProperties: false,
  },
};

for (const model of MODELS) {
  test(`${model}: responses.create`, async () => {
    const r = await client.responses.create({ model, instructions: 'Be brief.', input: 'What is the capital of France?' });
    assert.equal(r.status, 'completed');
    assert.match(r.output_text, /echo: What is the capital of France\?/);
    assert.equal(r.usage.total_tokens, r.usage.input_tokens + r.usage.output_tokens);
  });

  test(`${model}: responses.stream final response`, async () => {
    const stream = client.responses.stream({ model, input: 'Tell me a short story' });
    let deltas = '';
    stream.on('response.output_text.delta', (ev) => { deltas += ev.delta; });
    const final = await stream.finalResponse();
    assert.ok(deltas.length > 0);
    assert.equal(final.output_text, deltas);
  });

  test(`${model}: tool loop with output sent back`, async () => {
    const input = [{ role: 'user', content: 'What is the weather in Paris?' }];
    const first = await client.responses.create({ model, input, tools: [weather], tool_choice: 'required' });
    const calls = first.output.filter((it) => it.type === 'function_call');
    assert.equal(calls.length, 1);
    assert.deepEqual(Object.keys(JSON.parse(calls[0].arguments)).sort(), ['city', 'unit']);
    const second = await client.responses.create({
      model,
      tools: [weather],
      input: [...input, ...first.output, { type: 'function_call_output', call_id: calls[0].call_id, output: '11 degrees' }],
    });
    assert.match(second.output_text, /11 degrees/);
  });

  test(`${model}: inputTokens.count matches the answer's usage`, async () => {
    const ask = { model, instructions: 'Be brief.', input: 'What is the weather in Paris today?', tools: [weather] };
    const counted = await client.responses.inputTokens.count(ask);
    const r = await client.responses.create(ask);
    assert.equal(counted.object, 'response.input_tokens');
    assert.ok(counted.input_tokens > 0);
    assert.equal(counted.input_tokens, r.usage.input_tokens);
  });

  test(`${model}: parse() with zodTextFormat`, async () => {
    const Weather = z.object({ city: z.string(), unit: z.enum(['celsius', 'fahrenheit']) });
    const r = await client.responses.parse({ model, input: 'The weather in Paris, as JSON', text: { format: zodTextFormat(Weather, 'weather') } });
    assert.equal(typeof r.output_parsed.city, 'string');
  });
}

test('stateless refusals', async () => {
  await assert.rejects(client.responses.create({ model: 'gpt-4o-primary', input: 'hi', previous_response_id: 'resp_1' }),
    (e) => e instanceof OpenAI.BadRequestError && e.code === 'unsupported_parameter' && e.param === 'previous_response_id');
  await assert.rejects(client.responses.retrieve('resp_1'), (e) => e instanceof OpenAI.NotFoundError && /keeps no responses/.test(e.message));
  // OpenRouter has no token count.
  await assert.rejects(client.responses.inputTokens.count({ model: 'openrouter-fallback', input: 'hi' }),
    (e) => e instanceof OpenAI.NotFoundError && /cannot count tokens/.test(e.message));
});
