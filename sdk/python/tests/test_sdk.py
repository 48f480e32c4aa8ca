"""Unit tests of the Python SDK (run by `make python-test` and by the Go
end-to-end tests in tests/e2e/plugins_test.go)."""

import base64
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from llmgw_plugin import Config, ConfigError, ErrorClass, Plugin, ProviderFailure, Stage, pb, proceed, reject, type_for_status  # noqa: E402
from llmgw_plugin._log import get_logger  # noqa: E402
from llmgw_plugin._mtls import make_server_cert  # noqa: E402


def config(raw):
    return Config("x@1", "stage", raw, None, get_logger("test"))


class DecodeTest(unittest.TestCase):
    fields = {"words": (list, []), "limit": (int, 10), "ratio": (float, 0.5), "on": (bool, True)}

    def test_defaults_and_values(self):
        self.assertEqual(config(b"").decode(self.fields), {"words": [], "limit": 10, "ratio": 0.5, "on": True})
        got = config(b'{"words":["a"],"limit":3,"ratio":1,"on":false}').decode(self.fields)
        self.assertEqual(got, {"words": ["a"], "limit": 3, "ratio": 1.0, "on": False})
        self.assertEqual(config(b"{}").name, "x")

    def test_unknown_field(self):
        with self.assertRaisesRegex(ConfigError, 'unknown field "__llmgw_conformance_unknown_field__"'):
            config(b'{"__llmgw_conformance_unknown_field__": true}').decode(self.fields)

    def test_wrong_types(self):
        for raw, msg in [(b'{"words":"a"}', 'field "words": expected list, got string'),
                         (b'{"limit":true}', 'field "limit": expected integer, got bool'),
                         (b'[1]', "config must be an object"),
                         (b'{', "not valid JSON")]:
            with self.assertRaisesRegex(ConfigError, msg):
                config(raw).decode(self.fields)


class AnswersTest(unittest.TestCase):
    def test_reject_and_proceed(self):
        r = reject(status=429, code="too_many_emails", message="no", param="messages", category="pii",
                   retry_after_ms=2000)
        self.assertEqual(r.action, pb.StageResponse.REJECT)
        got = (r.reject.status, r.reject.type, r.reject.code, r.reject.message, r.reject.param, r.reject.category,
               r.reject.retry_after_ms)
        self.assertEqual(got, (429, "rate_limit_error", "too_many_emails", "no", "messages", "pii", 2000))
        with self.assertWarns(DeprecationWarning):
            old = reject(400, "invalid_request_error", "blocked_keyword", "keyword", "blocked")
        self.assertEqual((old.reject.code, old.reject.category, old.reject.message), ("blocked_keyword", "keyword", "blocked"))
        with self.assertRaises(TypeError):
            reject(400, "blocked_keyword")
        self.assertEqual([type_for_status(s) for s in (400, 401, 403, 404, 429, 503, 500, 200)],
                         ["invalid_request_error", "authentication_error", "permission_error", "invalid_request_error",
                          "rate_limit_error", "service_unavailable", "", ""])
        self.assertEqual(proceed(response_headers={"X-A": "1"}).response_headers["X-A"], "1")

    def test_provider_failure_names_the_field(self):
        f = ProviderFailure(ErrorClass.BAD_REQUEST, "too many stop sequences", status=400, upstream_code="array_above_max_length",
                            upstream_param="stop")
        got = (getattr(f.error, "class"), f.error.status, f.error.upstream_code, f.error.upstream_param)
        self.assertEqual(got, (pb.BAD_REQUEST, 400, "array_above_max_length", "stop"))
        self.assertEqual(ProviderFailure(ErrorClass.TIMEOUT, "slow").error.upstream_param, "")

    def test_reject_sets_the_security_counter(self):
        self.assertEqual(reject(status=400, type="invalid_request_error", code="x", category="keyword", message="no").reject.counter,
                         pb.SECURITY_COUNTER_UNSPECIFIED)
        self.assertEqual(reject(status=400, type="invalid_request_error", code="x", category="jailbreak", message="no").reject.counter,
                         pb.SECURITY_COUNTER_PROMPT_INJECTION)
        self.assertEqual(reject(status=429, type="rate_limit_error", code="x", category="rate_limit", message="no").reject.counter,
                         pb.SECURITY_COUNTER_RATE_LIMIT)
        self.assertEqual(reject(status=400, type="invalid_request_error", code="x", category="pii", message="no",
                                counter=pb.SECURITY_COUNTER_VALIDATION).reject.counter,
                         pb.SECURITY_COUNTER_VALIDATION)

    def test_capabilities(self):
        class WithAfter(Stage):
            def process(self, request, context):
                return proceed()

            def after(self, request, context):
                pass

        self.assertEqual(Plugin("p", "1", stage=WithAfter).all_capabilities(), ["stage.after"])
        self.assertEqual(Plugin("p", "1", stage=Stage).all_capabilities(), [])
        self.assertEqual(Plugin("p", "1", stage=Stage).kinds(), ["stage"])
        with self.assertRaises(ValueError):
            Plugin("p", "1")


class CertTest(unittest.TestCase):
    def test_handshake_cert_field(self):
        from cryptography import x509

        cert_pem, key_pem, field = make_server_cert()
        self.assertNotIn("=", field)
        der = base64.b64decode(field + "=" * (-len(field) % 4))
        cert = x509.load_der_x509_certificate(der)
        names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value.get_values_for_type(x509.DNSName)
        self.assertEqual(names, ["localhost"])
        self.assertIn(b"PRIVATE KEY", key_pem)
        self.assertIn(b"CERTIFICATE", cert_pem)


if __name__ == "__main__":
    unittest.main()
