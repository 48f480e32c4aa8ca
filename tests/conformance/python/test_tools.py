"""Tools, structured outputs, images and unsupported parameters through the
official OpenAI Python SDK and LangChain's ChatOpenAI, unchanged.

The simulator behind the gateway is a deterministic tool user: it calls the
tool that tool_choice names or requires (arguments generated from the
function's schema), answers in text that echoes the tool results once the
conversation ends with them, and answers a json_schema response_format
with JSON valid against the schema.
"""

import base64
import json
import os
import urllib.request
from typing import Literal, Optional

import openai
import pytest
from pydantic import BaseModel

# The models whose every provider serves tools, structured outputs and
# images: OpenAI, Gemini (provider-gemini maps them to its own wire), and
# the chain of both.
TOOL_MODELS = ["gpt-4o-primary", "gemini-secondary", "smart-router"]
# provider-anthropic maps tools and images too, not structured outputs
# (Anthropic has no response format: the gateway refuses json_schema there).
TOOL_AND_IMAGE_MODELS = TOOL_MODELS + ["claude-sonnet"]

WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "The weather of a city",
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string"}, "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]}},
            "required": ["city", "unit"],
            "additionalProperties": False,
        },
        "strict": True,
    },
}
QUESTION = [{"role": "user", "content": "What is the weather in Paris?"}]


class GetWeather(BaseModel):
    """The weather of a city."""

    city: str
    unit: Literal["celsius", "fahrenheit"]


class Step(BaseModel):
    explanation: str
    output: str


class MathReasoning(BaseModel):
    steps: list[Step]
    final_answer: str
    confidence: Optional[float]


def sim_requests() -> int:
    with urllib.request.urlopen(os.environ["LLMGW_SIM_URL"] + "/sim/stats", timeout=10) as r:
        return json.load(r)["requests"]


@pytest.mark.parametrize("model", TOOL_AND_IMAGE_MODELS)
def test_two_turn_tool_loop(client, model):
    first = client.chat.completions.create(model=model, messages=QUESTION, tools=[WEATHER_TOOL], tool_choice="required")
    choice = first.choices[0]
    assert choice.finish_reason == "tool_calls"
    assert choice.message.content is None
    call = choice.message.tool_calls[0]
    assert call.type == "function" and call.function.name == "get_weather"
    args = json.loads(call.function.arguments)
    assert set(args) == {"city", "unit"} and args["unit"] in ("celsius", "fahrenheit")

    # The SDK's own message object goes back into the history, as the
    # OpenAI cookbook does it, followed by the tool's result.
    messages = QUESTION + [choice.message, {"role": "tool", "tool_call_id": call.id, "content": "11 degrees, light rain"}]
    second = client.chat.completions.create(model=model, messages=messages, tools=[WEATHER_TOOL])
    assert second.choices[0].finish_reason == "stop"
    assert "11 degrees, light rain" in second.choices[0].message.content
    assert second.choices[0].message.tool_calls is None


@pytest.mark.parametrize("model", TOOL_AND_IMAGE_MODELS)
def test_streamed_tool_call_assembled(client, model):
    """The SDK's stream helper joins the tool-call deltas into the call."""
    with client.chat.completions.stream(
        model=model,
        messages=QUESTION,
        tools=[openai.pydantic_function_tool(GetWeather)],
        tool_choice={"type": "function", "function": {"name": "GetWeather"}},
    ) as stream:
        deltas = 0
        for event in stream:
            if event.type == "tool_calls.function.arguments.delta":
                deltas += 1
        final = stream.get_final_completion()
    assert deltas >= 3
    call = final.choices[0].message.tool_calls[0]
    assert call.function.name == "GetWeather"
    assert isinstance(call.function.parsed_arguments, GetWeather)


@pytest.mark.parametrize("model", TOOL_MODELS)
def test_parse_pydantic_model(client, model):
    parse = client.chat.completions.parse
    completion = parse(model=model, messages=[{"role": "user", "content": "Solve 8x + 7 = -23"}], response_format=MathReasoning)
    msg = completion.choices[0].message
    assert msg.refusal is None
    assert isinstance(msg.parsed, MathReasoning)
    assert msg.parsed.steps and isinstance(msg.parsed.steps[0], Step)


@pytest.mark.parametrize("model", TOOL_MODELS)
def test_parse_tool_arguments(client, model):
    completion = client.chat.completions.parse(
        model=model, messages=QUESTION, tools=[openai.pydantic_function_tool(GetWeather)], tool_choice="required"
    )
    parsed = completion.choices[0].message.tool_calls[0].function.parsed_arguments
    assert isinstance(parsed, GetWeather)


@pytest.mark.parametrize("model", TOOL_AND_IMAGE_MODELS)
def test_image_data_url(client, model):
    png = base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"\x00" * 32).decode()
    resp = client.chat.completions.create(
        model=model,
        messages=[
            {
                "role": "user",
                "content": [
                    {"type": "text", "text": "What is in this image?"},
                    {"type": "image_url", "image_url": {"url": f"data:image/png;base64,{png}", "detail": "low"}},
                ],
            }
        ],
    )
    assert "What is in this image?" in resp.choices[0].message.content


def test_bad_image_is_400_naming_the_part(client):
    with pytest.raises(openai.BadRequestError) as info:
        client.chat.completions.create(
            model="gpt-4o-primary",
            messages=[{"role": "user", "content": [{"type": "image_url", "image_url": {"url": "ftp://example.com/a.png"}}]}],
        )
    assert info.value.code == "invalid_value"
    assert info.value.body["param"] == "messages[0].content[0].image_url.url"


def test_unsupported_parameter_reaches_no_provider(client):
    before = sim_requests()
    with pytest.raises(openai.BadRequestError) as info:
        client.chat.completions.create(model="openrouter-fallback", messages=QUESTION, n=2)
    assert info.value.code == "unsupported_parameter"
    assert info.value.body["param"] == "n"
    assert '"openrouter"' in info.value.message
    assert sim_requests() == before


def test_langchain_bind_tools(gateway_url):
    from langchain_core.messages import HumanMessage, ToolMessage
    from langchain_core.tools import tool
    from langchain_openai import ChatOpenAI

    @tool
    def get_weather(city: str) -> str:
        """The weather of a city."""
        return f"11 degrees in {city}"

    llm = ChatOpenAI(model="gpt-4o-primary", base_url=gateway_url + "/v1", api_key="sk-conformance-langchain", max_retries=0, timeout=30)
    bound = llm.bind_tools([get_weather], tool_choice="get_weather")
    question = HumanMessage("What is the weather in Paris?")
    ai = bound.invoke([question])
    assert ai.tool_calls and ai.tool_calls[0]["name"] == "get_weather"
    call = ai.tool_calls[0]
    assert isinstance(call["args"].get("city"), str)
    result = ToolMessage(get_weather.invoke(call["args"]), tool_call_id=call["id"])
    final = llm.bind_tools([get_weather]).invoke([question, ai, result])
    assert "11 degrees in" in final.content
    assert not final.tool_calls
