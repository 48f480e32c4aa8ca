// Tools, structured outputs (zodResponseFormat), images and unsupported
// parameters through the official openai npm package, unchanged, against
// the gateway at LLMGW_URL (the simulator at LLMGW_SIM_URL behind it is a
// deterministic tool user: see tools/upstream-sim/sim/doc.go).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { zodResponseFormat, zodFunction } from 'openai/helpers/zod';
import { z } from 'zod';

const base = process.env.LLMGW_URL;
const sim = process.env.LLMGW_SIM_URL;
if (!base || !sim) {
  throw new Error('LLMGW_URL and LLMGW_SIM_URL must be set: run these tests through tests/e2e (go test -run TestConformance ./tests/e2e/)');
}
const client = new OpenAI({ baseURL: base.replace(/\/$/, '') + '/v1', apiKey: 'sk-conformance-node', maxRetries: 0, timeout: 30_000 });

// The models whose every provider serves tools, structured outputs and
// images: OpenAI, Gemini (provider-gemini maps them to its own wire), and
// the chain of both.
const TOOL_MODELS = ['gpt-4o-primary', 'gemini-secondary', 'smart-router'];

const weatherTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'The weather of a city',
    strict: true,
    parameters: {
      type: 'object',
      properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] } },
      required: ['city', 'unit'],
      additionalProperties: false,
    },
  },
};
const QUESTION = [{ role: 'user', content: 'What is the weather in Paris?' }];

async function simRequests() {
  const r = await fetch(sim + '/sim/stats');
  return (await r.json()).requests;
}

for (const model of TOOL_MODELS) {
  test(`${model}: two-turn tool loop`, async () => {
    const first = await client.chat.completions.create({ model, messages: QUESTION, tools: [weatherTool], tool_choice: 'required' });
    const choice = first.choices[0];
    assert.equal(choice.finish_reason, 'tool_calls');
    assert.equal(choice.message.content, null);
    const call = choice.message.tool_calls[0];
    assert.equal(call.function.name, 'get_weather');
    const args = JSON.parse(call.function.arguments);
    assert.deepEqual(Object.keys(args).sort(), ['city', 'unit']);

    const second = await client.chat.completions.create({
      model,
      tools: [weatherTool],
      messages: [...QUESTION, choice.message, { role: 'tool', tool_call_id: call.id, content: '11 degrees, light rain' }],
    });
    assert.equal(second.choices[0].finish_reason, 'stop');
    assert.match(second.choices[0].message.content, /11 degrees, light rain/);
  });

  test(`${model}: streamed tool call assembled from deltas`, async () => {
    const stream = client.chat.completions.stream({
      model,
      messages: QUESTION,
      tools: [zodFunction({ name: 'get_weather', parameters: z.object({ city: z.string(), unit: z.enum(['celsius', 'fahrenheit']) }) })],
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
    });
    let deltas = 0;
    stream.on('tool_calls.function.arguments.delta', () => deltas++);
    const final = await stream.finalChatCompletion();
    assert.ok(deltas >= 3, `only ${deltas} argument deltas`);
    const call = final.choices[0].message.tool_calls[0];
    assert.equal(call.function.name, 'get_weather');
    assert.equal(typeof call.function.parsed_arguments.city, 'string');
    assert.ok(['celsius', 'fahrenheit'].includes(call.function.parsed_arguments.unit));
  });

  test(`${model}: parse() with zodResponseFormat`, async () => {
    const Event = z.object({ name: z.string(), date: z.string(), participants: z.array(z.string()) });
    const completion = await client.chat.completions.parse({
      model,
      messages: [{ role: 'user', content: 'Alice and Bob are going to a science fair on Friday.' }],
      response_format: zodResponseFormat(Event, 'event'),
    });
    const parsed = completion.choices[0].message.parsed;
    assert.equal(typeof parsed.name, 'string');
    assert.ok(Array.isArray(parsed.participants) && parsed.participants.length > 0);
  });

  test(`${model}: image data URL`, async () => {
    const png = Buffer.concat([Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'), Buffer.alloc(32)]).toString('base64');
    const resp = await client.chat.completions.create({
      model,
      messages: [{ role: 'user', content: [
        { type: 'text', text: 'What is in this image?' },
        { type: 'image_url', image_url: { url: `data:image/png;base64,${png}`, detail: 'low' } },
      ] }],
    });
    assert.match(resp.choices[0].message.content, /What is in this image\?/);
  });
}

test('an unsupported parameter is 400 unsupported_parameter and reaches no provider', async () => {
  const before = await simRequests();
  await assert.rejects(
    client.chat.completions.create({ model: 'openrouter-fallback', messages: QUESTION, n: 2 }),
    (err) => {
      assert.ok(err instanceof OpenAI.BadRequestError);
      assert.equal(err.code, 'unsupported_parameter');
      assert.equal(err.param, 'n');
      return true;
    },
  );
  assert.equal(await simRequests(), before);
});
