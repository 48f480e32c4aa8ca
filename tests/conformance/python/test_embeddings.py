"""The official OpenAI Python SDK's embeddings against the gateway.

The conformance pipeline has the contract's embed-openai, embed-gemini and
smart-embed (1536 dimensions each), embed-fallback (an OpenAI model whose
upstream answers 500, then embed-gemini) and embed-gemini-strict (Gemini
without drop_params: `user` is refused).
"""

import base64
import json
import math
import os
import struct
import urllib.request

import openai
import pytest

TEXTS = ["The quick brown fox", "jumps over the lazy dog", "and embeds three inputs"]


def sim_requests() -> int:
    url = os.environ.get("LLMGW_SIM_URL")
    if not url:
        pytest.fail("LLMGW_SIM_URL is not set")
    with urllib.request.urlopen(url.rstrip("/") + "/sim/stats") as resp:
        return json.load(resp)["requests"]


def check_vectors(vectors):
    assert len(vectors) == 3
    for v in vectors:
        assert len(v) == 1536
        assert abs(math.sqrt(sum(x * x for x in v)) - 1) < 1e-4


@pytest.mark.parametrize("model", ["embed-openai", "embed-gemini", "smart-embed"])
def test_embeddings_float_and_base64(client, model):
    floats = client.embeddings.create(model=model, input=TEXTS, encoding_format="float")
    # Without encoding_format the SDK asks for base64 and decodes it itself.
    default = client.embeddings.create(model=model, input=TEXTS)
    raw = client.embeddings.create(model=model, input=TEXTS, encoding_format="base64")
    assert floats.object == "list"
    assert floats.model == ("embed-openai" if model == "smart-embed" else model)
    assert [d.index for d in floats.data] == [0, 1, 2]
    assert floats.usage.prompt_tokens > 0
    assert floats.usage.total_tokens == floats.usage.prompt_tokens
    check_vectors([d.embedding for d in floats.data])
    decoded = [list(struct.unpack("<1536f", base64.b64decode(d.embedding))) for d in raw.data]
    for f, d, r in zip(floats.data, default.data, decoded):
        assert [float(x) for x in d.embedding] == pytest.approx(f.embedding, abs=0, rel=1e-7)
        assert r == pytest.approx(f.embedding, abs=0, rel=1e-7)


def test_embeddings_one_string_and_dimensions(client):
    one = client.embeddings.create(model="embed-openai", input=TEXTS[0], dimensions=256, encoding_format="float")
    assert len(one.data) == 1 and len(one.data[0].embedding) == 256


def test_embeddings_fall_back_from_an_openai_500_to_gemini(client):
    raw = client.embeddings.with_raw_response.create(model="embed-fallback", input=TEXTS)
    assert raw.headers.get("x-llmgw-model-used") == "embed-gemini"
    assert raw.headers.get("x-llmgw-provider") == "gemini"
    resp = raw.parse()
    assert resp.model == "embed-gemini"
    check_vectors([d.embedding for d in resp.data])


def test_unsupported_parameter_reaches_no_provider(client):
    before = sim_requests()
    with pytest.raises(openai.BadRequestError) as info:
        client.embeddings.create(model="embed-gemini-strict", input=TEXTS, user="user-1")
    assert info.value.status_code == 400
    assert info.value.code == "unsupported_parameter"
    assert info.value.param == "user"
    assert sim_requests() == before


def test_chat_model_is_not_an_embeddings_model(client):
    with pytest.raises(openai.BadRequestError) as info:
        client.embeddings.create(model="gpt-4o-primary", input="x")
    assert info.value.code == "wrong_model_kind"
    with pytest.raises(openai.BadRequestError) as info:
        client.chat.completions.create(model="embed-openai", messages=[{"role": "user", "content": "hi"}])
    assert info.value.code == "wrong_model_kind"


def test_empty_input_is_bad_request(client):
    with pytest.raises(openai.BadRequestError) as info:
        client.embeddings.create(model="embed-openai", input=[])
    assert info.value.code == "invalid_value"
    assert info.value.param == "input"
