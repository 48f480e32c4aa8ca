// The openai npm package's embeddings against the gateway at LLMGW_URL. The
// conformance pipeline has embed-openai, embed-gemini and smart-embed (1536
// dimensions each), embed-fallback (an OpenAI model whose upstream answers
// 500, then embed-gemini) and embed-gemini-strict (`user` is refused).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';

const base = process.env.LLMGW_URL;
const simURL = process.env.LLMGW_SIM_URL;
if (!base || !simURL) {
  throw new Error('LLMGW_URL and LLMGW_SIM_URL must be set: run these tests through tests/e2e (go test -run TestConformance ./tests/e2e/)');
}
const client = new OpenAI({ baseURL: base.replace(/\/$/, '') + '/v1', apiKey: 'sk-conformance-node', maxRetries: 0, timeout: 30_000 });
const TEXTS = ['The quick brown fox', 'jumps over the lazy dog', 'and embeds three inputs'];

function checkVectors(vectors) {
  assert.equal(vectors.length, 3);
  for (const v of vectors) {
    assert.equal(v.length, 1536);
    assert.ok(Math.abs(Math.hypot(...v) - 1) < 1e-4);
  }
}

function fromBase64(s) {
  const buf = Buffer.from(s, 'base64');
  return Array.from(new Float32Array(buf.buffer, buf.byteOffset, buf.length / 4));
}

// Calls of embed-gemini-strict's upstream model (the other test files run
// at the same time, so the total would move).
async function strictCalls() {
  const r = await fetch(simURL.replace(/\/$/, '') + '/sim/stats');
  return (await r.json()).by_model?.['text-embedding-004'] ?? 0;
}

for (const model of ['embed-openai', 'embed-gemini', 'smart-embed']) {
  test(`embeddings as floats and base64 on ${model}`, async () => {
    const floats = await client.embeddings.create({ model, input: TEXTS, encoding_format: 'float' });
    // Without encoding_format the package asks for base64 and decodes it.
    const byDefault = await client.embeddings.create({ model, input: TEXTS });
    const raw = await client.embeddings.create({ model, input: TEXTS, encoding_format: 'base64' });
    assert.equal(floats.object, 'list');
    assert.equal(floats.model, model === 'smart-embed' ? 'embed-openai' : model);
    assert.deepEqual(floats.data.map((d) => d.index), [0, 1, 2]);
    assert.ok(floats.usage.prompt_tokens > 0);
    assert.equal(floats.usage.total_tokens, floats.usage.prompt_tokens);
    checkVectors(floats.data.map((d) => d.embedding));
    for (let i = 0; i < 3; i++) {
      // JSON floats are float32 values printed shortest; both decode to them.
      const want = Array.from(Float32Array.from(floats.data[i].embedding));
      assert.deepEqual(Array.from(Float32Array.from(byDefault.data[i].embedding)), want);
      assert.equal(typeof raw.data[i].embedding, 'string');
      assert.deepEqual(fromBase64(raw.data[i].embedding), want);
    }
  });
}

test('embeddings fall back from an OpenAI 500 to Gemini', async () => {
  const { data, response } = await client.embeddings.create({ model: 'embed-fallback', input: TEXTS }).withResponse();
  assert.equal(response.headers.get('x-llmgw-model-used'), 'embed-gemini');
  assert.equal(data.model, 'embed-gemini');
  checkVectors(data.data.map((d) => d.embedding));
});

test('an unsupported embeddings parameter reaches no provider', async () => {
  const before = await strictCalls();
  await assert.rejects(client.embeddings.create({ model: 'embed-gemini-strict', input: TEXTS, user: 'user-1' }), (err) => {
    assert.ok(err instanceof OpenAI.BadRequestError);
    assert.equal(err.status, 400);
    assert.equal(err.code, 'unsupported_parameter');
    assert.equal(err.param, 'user');
    return true;
  });
  assert.equal(await strictCalls(), before);
});

test('a chat model serves no embeddings', async () => {
  await assert.rejects(client.embeddings.create({ model: 'gpt-4o-primary', input: 'x' }), (err) => {
    assert.equal(err.status, 400);
    assert.equal(err.code, 'wrong_model_kind');
    return true;
  });
});
