"""The official Anthropic Python SDK, unchanged, against the gateway's POST /v1/messages.

The conformance pipeline serves the course's models (OpenAI, Gemini and
OpenRouter on the simulator) and claude-sonnet (the simulator's Messages API
through provider-anthropic); /v1/messages answers for every one of them.
"""

import anthropic
import pytest

USER = [{"role": "user", "content": "What is the capital of France?"}]
WEATHER = {
    "name": "get_weather",
    "description": "The weather of a city",
    "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
}


@pytest.fixture(scope="module")
def claude(gateway_url: str) -> anthropic.Anthropic:
    # The SDK needs some key; the gateway never forwards it upstream.
    return anthropic.Anthropic(base_url=gateway_url, api_key="sk-ant-conformance", max_retries=0, timeout=30)


# Each model of the pipeline, and the model that answers for it.
MODELS = [
    ("gpt-4o-primary", "gpt-4o-primary", "[sim openai gpt-4o]"),
    ("gemini-secondary", "gemini-secondary", "[sim gemini gemini-2.0-flash]"),
    ("claude-sonnet", "claude-sonnet", "[sim anthropic claude-sonnet-4-5]"),
    ("smart-router", "gpt-4o-primary", "[sim openai gpt-4o]"),
]


@pytest.mark.parametrize("model,served_by,prefix", MODELS)
def test_message(claude, model, served_by, prefix):
    # temperature is no longer a parameter of the SDK's create (2.x); the API and the gateway still take it.
    msg = claude.messages.create(model=model, max_tokens=100, system="Be brief.", messages=USER, extra_body={"temperature": 0.2})
    assert isinstance(msg, anthropic.types.Message)
    assert msg.id.startswith("msg_")
    assert msg.type == "message" and msg.role == "assistant"
    assert msg.model == served_by
    assert msg.stop_reason == "end_turn"
    assert len(msg.content) == 1 and msg.content[0].type == "text"
    assert msg.content[0].text.startswith(prefix)
    assert "What is the capital of France?" in msg.content[0].text
    assert msg.usage.input_tokens > 0 and msg.usage.output_tokens > 0
    assert msg._request_id


@pytest.mark.parametrize("model,served_by,prefix", MODELS)
def test_stream(claude, model, served_by, prefix):
    with claude.messages.stream(model=model, max_tokens=100, messages=USER) as stream:
        text = "".join(stream.text_stream)
        final = stream.get_final_message()
    assert text.startswith(prefix)
    assert final.content[0].text == text
    assert final.model == served_by
    assert final.stop_reason == "end_turn"
    assert final.usage.input_tokens > 0 and final.usage.output_tokens > 0


def test_stream_event_sequence(claude):
    # The SDK drops ping events; the gateway sends one after message_start.
    events = [e.type for e in claude.messages.create(model="claude-sonnet", max_tokens=100, messages=USER, stream=True)]
    assert events[:2] == ["message_start", "content_block_start"]
    assert set(events[2:-3]) == {"content_block_delta"}
    assert events[-3:] == ["content_block_stop", "message_delta", "message_stop"]


def test_max_tokens_is_max_tokens(claude):
    msg = claude.messages.create(model="claude-sonnet", max_tokens=3, messages=USER)
    assert msg.stop_reason == "max_tokens"
    assert msg.usage.output_tokens == 3


def test_tool_use_loop(claude):
    msg = claude.messages.create(
        model="claude-sonnet", max_tokens=200, messages=[{"role": "user", "content": "Weather in Paris?"}],
        tools=[WEATHER], tool_choice={"type": "tool", "name": "get_weather"},
    )
    assert msg.stop_reason == "tool_use"
    call = msg.content[-1]
    assert call.type == "tool_use" and call.name == "get_weather" and call.input == {"city": "sim-city"}
    final = claude.messages.create(
        model="claude-sonnet", max_tokens=200, tools=[WEATHER],
        messages=[
            {"role": "user", "content": "Weather in Paris?"},
            {"role": "assistant", "content": msg.content},
            {"role": "user", "content": [{"type": "tool_result", "tool_use_id": call.id, "content": "11 degrees"}]},
        ],
    )
    assert final.stop_reason == "end_turn"
    assert final.content[0].text.endswith("tool results: 11 degrees")


def test_tool_use_stream(claude):
    with claude.messages.stream(
        model="claude-sonnet", max_tokens=200, messages=[{"role": "user", "content": "Weather in Paris?"}],
        tools=[WEATHER], tool_choice={"type": "any"},
    ) as stream:
        final = stream.get_final_message()
    assert final.stop_reason == "tool_use"
    assert final.content[-1].type == "tool_use" and final.content[-1].input == {"city": "sim-city"}


THINKING = {"type": "enabled", "budget_tokens": 1024}


def test_extended_thinking_tool_loop(claude):
    """Thinking on: the answer starts with a signed thinking block, and the
    tool loop that sends msg.content back unchanged (as Anthropic's guide
    does) is accepted by the simulator, which, like the API, refuses a loop
    whose thinking is missing or altered."""
    question = {"role": "user", "content": "Call get_weather for Paris"}
    msg = claude.messages.create(model="claude-sonnet", max_tokens=2048, thinking=THINKING, tools=[WEATHER], messages=[question])
    assert [b.type for b in msg.content] == ["thinking", "tool_use"]
    assert msg.content[0].thinking and msg.content[0].signature
    call = msg.content[1]
    result = {"role": "user", "content": [{"type": "tool_result", "tool_use_id": call.id, "content": "11 degrees"}]}
    final = claude.messages.create(model="claude-sonnet", max_tokens=2048, thinking=THINKING, tools=[WEATHER],
                                   messages=[question, {"role": "assistant", "content": msg.content}, result])
    assert final.content[0].type == "thinking" and final.content[-1].text.endswith("tool results: 11 degrees")
    # Without the thinking block the upstream refuses the loop, and says why.
    with pytest.raises(anthropic.BadRequestError) as info:
        claude.messages.create(model="claude-sonnet", max_tokens=2048, thinking=THINKING, tools=[WEATHER],
                               messages=[question, {"role": "assistant", "content": msg.content[1:]}, result])
    assert "thinking" in info.value.body["error"]["message"]


def test_extended_thinking_stream(claude):
    with claude.messages.stream(model="claude-sonnet", max_tokens=2048, thinking=THINKING, tools=[WEATHER],
                                messages=[{"role": "user", "content": "Call get_weather for Paris"}]) as stream:
        final = stream.get_final_message()
    assert [b.type for b in final.content] == ["thinking", "tool_use"]
    thinking = final.content[0]
    assert thinking.thinking and thinking.signature
    # The streamed block goes back as it came.
    result = {"role": "user", "content": [{"type": "tool_result", "tool_use_id": final.content[1].id, "content": "11 degrees"}]}
    again = claude.messages.create(model="claude-sonnet", max_tokens=2048, thinking=THINKING, tools=[WEATHER],
                                   messages=[{"role": "user", "content": "Call get_weather for Paris"},
                                             {"role": "assistant", "content": final.content}, result])
    assert again.content[-1].text.endswith("tool results: 11 degrees")


def test_extended_thinking_needs_a_provider_that_thinks(claude):
    with pytest.raises(anthropic.BadRequestError) as info:
        claude.messages.create(model="gpt-4o-primary", max_tokens=2048, thinking=THINKING, messages=USER)
    assert "thinking" in info.value.body["error"]["message"]


def test_count_tokens(claude):
    """messages.count_tokens counts with the provider's own count — Anthropic's
    count_tokens for a Claude model, OpenAI's input_tokens for an OpenAI one
    (the simulator counts as a message's usage does) —, and is 404 for a model
    whose provider cannot count (OpenRouter): a client then estimates."""
    for model in ("claude-sonnet", "gpt-4o-primary"):
        counted = claude.messages.count_tokens(model=model, system="Be brief.", messages=USER, tools=[WEATHER])
        msg = claude.messages.create(model=model, max_tokens=50, system="Be brief.", messages=USER, tools=[WEATHER])
        assert counted.input_tokens == msg.usage.input_tokens > 0, model
    with pytest.raises(anthropic.NotFoundError) as info:
        claude.messages.count_tokens(model="openrouter-fallback", messages=USER)
    assert "cannot count tokens" in info.value.body["error"]["message"]


def test_unknown_model_is_not_found(claude):
    with pytest.raises(anthropic.NotFoundError) as info:
        claude.messages.create(model="nope", max_tokens=10, messages=USER)
    assert info.value.status_code == 404
    assert info.value.body["type"] == "error"
    assert info.value.body["error"]["type"] == "not_found_error"


def test_models_list_and_retrieve(claude):
    """models.list() pages through the chat models in Anthropic's shape (no
    embeddings model: the Messages API serves none); retrieve finds one."""
    every = [m.id for m in claude.models.list(limit=1000)]
    assert {"gpt-4o-primary", "claude-sonnet", "smart-router"} <= set(every)
    assert not any(name.startswith("embed") for name in every)
    pages = claude.models.list(limit=2)
    assert len(pages.data) == 2 and pages.has_more and pages.first_id == every[0] and pages.last_id == every[1]
    assert [m.id for m in pages] == every  # the SDK follows after_id to the end
    back = claude.models.list(limit=2, before_id=every[2])
    assert [m.id for m in back.data] == every[:2] and not back.has_more
    model = claude.models.retrieve("claude-sonnet")
    assert isinstance(model, anthropic.types.ModelInfo)
    assert model.type == "model" and model.id == "claude-sonnet" and model.display_name == "claude-sonnet"
    assert model.created_at.year >= 2026
    with pytest.raises(anthropic.NotFoundError) as info:
        claude.models.retrieve("embed-openai")
    assert info.value.body["type"] == "error" and info.value.body["error"]["type"] == "not_found_error"
    with pytest.raises(anthropic.BadRequestError) as info:
        claude.models.list(limit=2, after_id="nope")
    assert "after_id" in info.value.body["error"]["message"]


def test_bad_request(claude):
    with pytest.raises(anthropic.BadRequestError) as info:
        claude.messages.create(model="claude-sonnet", max_tokens=10, messages=USER, extra_body={"temperature": 1.5})
    assert info.value.body["error"]["type"] == "invalid_request_error"
    assert "temperature" in info.value.body["error"]["message"]


def test_newer_request_fields(claude):
    # Automatic prompt caching (top-level cache_control) and effort are hints the gateway accepts.
    msg = claude.messages.create(
        model="gemini-secondary", max_tokens=50, messages=USER,
        cache_control={"type": "ephemeral"}, output_config={"effort": "low"}, service_tier="auto",
    )
    assert msg.content[0].text
    with pytest.raises(anthropic.BadRequestError) as info:
        claude.messages.create(
            model="claude-sonnet", max_tokens=50, messages=USER,
            output_config={"format": {"type": "json_schema", "schema": {"type": "object"}}},
        )
    assert "output_config" in info.value.body["error"]["message"]


def test_rate_limited(claude, bucket):
    claude.messages.create(model="claude-sonnet", max_tokens=10, messages=USER, extra_headers=bucket)
    with pytest.raises(anthropic.RateLimitError) as info:
        claude.messages.create(model="claude-sonnet", max_tokens=10, messages=USER, extra_headers=bucket)
    assert info.value.body["error"]["type"] == "rate_limit_error"
    assert info.value.response.headers.get("retry-after")


def test_all_providers_failed(claude):
    with pytest.raises(anthropic.InternalServerError) as info:
        claude.messages.create(model="failing", max_tokens=10, messages=USER)
    assert info.value.status_code == 502
    assert info.value.body["error"]["type"] == "api_error"


def test_stream_failing_after_start_raises(claude):
    with pytest.raises(anthropic.APIError):
        with claude.messages.stream(model="cut", max_tokens=100, messages=USER) as stream:
            for _ in stream.text_stream:
                pass
