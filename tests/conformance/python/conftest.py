"""Fixtures of the OpenAI Python SDK conformance tests.

They run against a live gateway at LLMGW_URL (tests/e2e/conformance_test.go
starts the simulator and a gateway with the conformance pipeline and runs
pytest with it). The pipeline's models are the course's, plus `failing`
(every attempt answers 500: 502 all_providers_failed) and `cut` (the stream
stops after its first chunk); the rate-limit stage allows one request per
minute per value of the X-Conformance-Bucket header.
"""

import os
import uuid

import openai
import pytest


@pytest.fixture(scope="session")
def gateway_url() -> str:
    url = os.environ.get("LLMGW_URL")
    if not url:
        pytest.fail("LLMGW_URL is not set: run these tests through tests/e2e (go test -run TestConformance ./tests/e2e/)")
    return url.rstrip("/")


@pytest.fixture(scope="session")
def client(gateway_url: str) -> openai.OpenAI:
    # The SDK needs some key; the gateway never forwards it upstream.
    return openai.OpenAI(base_url=gateway_url + "/v1", api_key="sk-conformance-python", max_retries=0, timeout=30)


@pytest.fixture
def bucket() -> dict:
    """A fresh rate-limit bucket: its second request is refused."""
    return {"X-Conformance-Bucket": "py-" + uuid.uuid4().hex}
