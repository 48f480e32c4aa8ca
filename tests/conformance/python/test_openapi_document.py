"""The checked-in OpenAPI document is a valid OpenAPI 3.1 document and the
gateway serves it unchanged."""

import json
import pathlib
import urllib.request

import jsonschema_rs
from schemathesis.specs.openapi import definitions

DOC = pathlib.Path(__file__).resolve().parents[3] / "core" / "api" / "openapi.json"


def test_document_is_valid_openapi_3_1():
    doc = json.loads(DOC.read_text())
    assert doc["openapi"] == "3.1.0"
    errors = [str(e) for e in jsonschema_rs.validator_for(definitions.OPENAPI_31).iter_errors(doc)]
    assert errors == []


def test_gateway_serves_the_document(gateway_url):
    with urllib.request.urlopen(gateway_url + "/openapi.json", timeout=10) as resp:
        assert resp.status == 200
        assert resp.headers.get_content_type() == "application/json"
        assert resp.read() == DOC.read_bytes()
