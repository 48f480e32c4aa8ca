"""The Responses API (POST /v1/responses) through the official OpenAI Python
SDK, LangChain's ChatOpenAI(use_responses_api=True) and the OpenAI Agents
SDK, unchanged:
create, the stream helper (which checks the event sequence strictly),
parse with a Pydantic model, the tool loop that sends response.output back
as input, and the errors of a stateless gateway.

The simulator behind the gateway is a deterministic tool user (see
test_tools.py).
"""

import json
from typing import Literal

import openai
import pytest
from pydantic import BaseModel

# Every provider kind: OpenAI, Gemini, the chain of both.
MODELS = ["gpt-4o-primary", "gemini-secondary", "smart-router"]

WEATHER = {
    "type": "function",
    "name": "get_weather",
    "description": "The weather of a city",
    "parameters": {
        "type": "object",
        "properties": {"city": {"type": "string"}, "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]}},
        "required": ["city", "unit"],
        "additionalProperties": False,
    },
    "strict": True,
}


class Weather(BaseModel):
    city: str
    unit: Literal["celsius", "fahrenheit"]


@pytest.mark.parametrize("model", MODELS)
def test_create(client, model):
    r = client.responses.create(model=model, instructions="Be brief.", input="What is the capital of France?", max_output_tokens=60)
    assert r.object == "response" and r.id.startswith("resp_") and r.status == "completed"
    assert "echo: What is the capital of France?" in r.output_text
    assert r.usage.total_tokens == r.usage.input_tokens + r.usage.output_tokens > 0
    assert r.store is False and r.error is None


@pytest.mark.parametrize("model", MODELS)
def test_stream_helper_assembles_the_response(client, model):
    with client.responses.stream(model=model, input="Tell me a short story") as stream:
        deltas = "".join(ev.delta for ev in stream if ev.type == "response.output_text.delta")
        final = stream.get_final_response()
    assert deltas and final.output_text == deltas
    assert final.status == "completed" and final.usage.output_tokens > 0


@pytest.mark.parametrize("model", MODELS)
def test_tool_loop_sends_output_back(client, model):
    question = [{"role": "user", "content": "What is the weather in Paris?"}]
    first = client.responses.create(model=model, input=question, tools=[WEATHER], tool_choice="required")
    calls = [item for item in first.output if item.type == "function_call"]
    assert len(calls) == 1 and calls[0].name == "get_weather"
    args = json.loads(calls[0].arguments)
    assert set(args) == {"city", "unit"}

    # The SDK's own output items go back into the input, as OpenAI's guide does.
    history = question + first.output + [{"type": "function_call_output", "call_id": calls[0].call_id, "output": "11 degrees"}]
    second = client.responses.create(model=model, input=history, tools=[WEATHER])
    assert "11 degrees" in second.output_text
    assert not [item for item in second.output if item.type == "function_call"]


@pytest.mark.parametrize("model", MODELS)
def test_streamed_tool_call(client, model):
    with client.responses.stream(model=model, input="Weather in Paris?", tools=[WEATHER], tool_choice="required") as stream:
        for _ in stream:
            pass
        final = stream.get_final_response()
    [call] = [item for item in final.output if item.type == "function_call"]
    assert call.name == "get_weather" and set(json.loads(call.arguments)) == {"city", "unit"}


@pytest.mark.parametrize("model", MODELS)
def test_parse_pydantic_model(client, model):
    r = client.responses.parse(model=model, input="The weather in Paris, as JSON", text_format=Weather)
    assert isinstance(r.output_parsed, Weather)


def test_metadata_is_echoed(client):
    resp = client.responses.create(model="gpt-4o-primary", input="hi", metadata={"feature": "search"})
    assert resp.metadata == {"feature": "search"}
    assert client.responses.create(model="gpt-4o-primary", input="hi").metadata == {}


def test_stateless_refusals_are_clear(client):
    with pytest.raises(openai.BadRequestError) as e:
        client.responses.create(model="gpt-4o-primary", input="hi", previous_response_id="resp_123")
    assert e.value.code == "unsupported_parameter" and e.value.param == "previous_response_id"
    with pytest.raises(openai.BadRequestError) as e:
        client.responses.create(model="gpt-4o-primary", input="hi", store=True)
    assert e.value.param == "store"
    with pytest.raises(openai.BadRequestError) as e:
        client.responses.create(model="gpt-4o-primary", input="hi", tools=[{"type": "web_search"}])
    assert e.value.param == "tools[0].type"
    with pytest.raises(openai.NotFoundError) as e:
        client.responses.retrieve("resp_123")
    assert "keeps no responses" in str(e.value)
    with pytest.raises(openai.NotFoundError):
        client.responses.create(model="no-such-model", input="hi")


@pytest.mark.parametrize("model", MODELS)
def test_input_tokens_count(client, model):
    """responses.input_tokens.count counts what the model reads with the
    provider's own count (OpenAI's POST /v1/responses/input_tokens, Gemini's
    countTokens; the simulator counts as an answer's usage does), so it
    matches the answer's usage.input_tokens."""
    ask = dict(model=model, instructions="Be brief.", input="What is the weather in Paris today?", tools=[WEATHER])
    counted = client.responses.input_tokens.count(**ask)
    r = client.responses.create(**ask, max_output_tokens=60)
    assert counted.object == "response.input_tokens"
    assert counted.input_tokens == r.usage.input_tokens > 0


def test_input_tokens_count_refusals(client):
    # A model none of whose providers counts (OpenRouter has no count).
    with pytest.raises(openai.NotFoundError) as e:
        client.responses.input_tokens.count(model="openrouter-fallback", input="hi")
    assert "cannot count tokens" in str(e.value)
    # A count takes what the model reads, not what shapes an answer.
    with pytest.raises(openai.BadRequestError) as e:
        client.responses.input_tokens.count(model="gpt-4o-primary", input="hi", extra_body={"max_output_tokens": 5})
    assert e.value.param == "max_output_tokens" and e.value.code == "unknown_field"
    with pytest.raises(openai.BadRequestError) as e:
        client.responses.input_tokens.count(model="gpt-4o-primary", input="hi", previous_response_id="resp_1")
    assert e.value.param == "previous_response_id"


def test_failed_stream_ends_with_response_failed(client):
    with client.responses.stream(model="cut", input="hello") as stream:
        events = [ev.type for ev in stream]
    assert events[0] == "response.created" and events[-1] == "response.failed"


def test_langchain_responses_api(gateway_url):
    from langchain_core.messages import HumanMessage, ToolMessage
    from langchain_core.tools import tool
    from langchain_openai import ChatOpenAI

    @tool
    def get_weather(city: str) -> str:
        """The weather of a city."""
        return f"11 degrees in {city}"

    llm = ChatOpenAI(model="gpt-4o-primary", base_url=gateway_url + "/v1", api_key="sk-conformance-langchain",
                     use_responses_api=True, max_retries=0, timeout=30)
    assert "echo: hello" in llm.invoke("hello").text
    question = HumanMessage("What is the weather in Paris?")
    ai = llm.bind_tools([get_weather], tool_choice="get_weather").invoke([question])
    assert ai.tool_calls and ai.tool_calls[0]["name"] == "get_weather"
    call = ai.tool_calls[0]
    result = ToolMessage(get_weather.invoke(call["args"]), tool_call_id=call["id"])
    final = llm.bind_tools([get_weather]).invoke([question, ai, result])
    assert "11 degrees in" in final.text and not final.tool_calls


@pytest.mark.parametrize("model", MODELS + ["claude-sonnet"])
def test_openai_agents_sdk_tool_loop(gateway_url, model):
    """An Agents SDK agent on the Responses model runs its tool loop (the
    call, the tool, the answer that reads its output), plain and streamed."""
    import asyncio

    from agents import Agent, ModelSettings, OpenAIResponsesModel, Runner, function_tool, set_tracing_disabled

    set_tracing_disabled(True)  # the SDK would upload traces to OpenAI

    @function_tool
    def get_weather(city: str) -> str:
        """The weather of a city."""
        return f"11 degrees in {city}"

    client = openai.AsyncOpenAI(base_url=gateway_url + "/v1", api_key="sk-conformance-agents", max_retries=0, timeout=30)
    agent = Agent(name="weather", instructions="Be brief.", tools=[get_weather],
                  model=OpenAIResponsesModel(model=model, openai_client=client),
                  model_settings=ModelSettings(tool_choice="get_weather"))

    async def run():
        plain = await Runner.run(agent, "What is the weather in Paris?")
        streamed = Runner.run_streamed(agent, "What is the weather in Paris?")
        async for _ in streamed.stream_events():
            pass
        return plain.final_output, streamed.final_output

    plain, streamed = asyncio.run(run())
    assert "11 degrees in" in plain and "11 degrees in" in streamed
