"""The plugin description and the base classes of the three kinds."""

import warnings
from typing import Callable, Iterable, List, Optional, Sequence

from .proto import llmgw_pb2 as pb

PROTOCOL_VERSION = 1
"""The newest plugin protocol version this SDK speaks."""

SUPPORTED_PROTOCOL_VERSIONS = (1,)
"""Every protocol version this SDK speaks."""

KIND_STAGE = "stage"
KIND_PROVIDER = "provider"
KIND_TRACKER = "tracker"

CAP_STAGE_AFTER = "stage.after"
"""Declared automatically when a Stage subclass overrides ``after``."""
CAP_PROVIDER_STREAM = "provider.stream"
"""Declared for every provider."""
CAP_STAGE_VERDICT = "stage.verdict"
"""Declare it (in ``capabilities``) for a stage that only continues or refuses, never
changes the request nor answers it: such a stage may run ``during_call``."""
CAP_STAGE_METADATA = "stage.metadata"
"""Declare it (in ``capabilities``) for a stage that reads a request's metadata only (route,
model, client address, key hash, headers, cost, annotations): the host then sends it the
request as its model alone — no messages — and no answer to ``after``. Such a stage may not
change the request."""


class ErrorClass:
    """Provider error classes; they decide whether the router falls back."""

    RATE_LIMITED = pb.RATE_LIMITED
    UPSTREAM_5XX = pb.UPSTREAM_5XX
    TIMEOUT = pb.TIMEOUT
    TRANSPORT = pb.TRANSPORT
    BAD_REQUEST = pb.BAD_REQUEST
    AUTH = pb.AUTH
    QUOTA_EXHAUSTED = pb.QUOTA_EXHAUSTED
    CONTENT_FILTER = pb.CONTENT_FILTER
    MODEL_UNAVAILABLE = pb.MODEL_UNAVAILABLE


class ProviderFailure(Exception):
    """A classified provider failure. Raise it from ``complete`` or ``stream``;
    the message must be safe to show to a client (no keys). ``upstream_param``
    names the request field the upstream's error is about; a bad request's
    error passes it on to the client."""

    def __init__(
        self,
        error_class: int,
        message: str,
        status: int = 0,
        retry_after_ms: int = 0,
        upstream_code: str = "",
        upstream_param: str = "",
    ):
        super().__init__(message)
        self.error = pb.ProviderError(
            **{"class": error_class},
            status=status,
            message=message,
            retry_after_ms=retry_after_ms,
            upstream_code=upstream_code,
            upstream_param=upstream_param,
        )


class Stage:
    """Checks, mutates or rejects a request before any provider is called.

    Subclass it; the constructor receives the instance's :class:`Config`
    (raise ConfigError for a bad one). ``process`` runs concurrently on
    several threads.
    """

    def __init__(self, config):
        self.config = config

    def process(self, request: pb.StageRequest, context) -> pb.StageResponse:
        """Return proceed() to let the request go on, reject(...) to refuse it."""
        raise NotImplementedError

    def after(self, request: pb.StageAfterRequest, context) -> None:
        """Called once the response is finished (only when overridden)."""

    def info(self) -> dict:
        """Non-secret settings the host shows in /security-status."""
        return {}

    def close(self) -> None:
        """Release the instance's resources."""


class Provider:
    """Serves chat completions. ``complete`` and ``stream`` run concurrently."""

    def __init__(self, config):
        self.config = config

    def complete(self, request: pb.CompleteRequest, context) -> pb.CompleteResponse:
        raise NotImplementedError

    def stream(self, request: pb.CompleteRequest, context) -> Iterable[pb.StreamChunk]:
        """Yield StreamChunks; raise ProviderFailure for a classified failure.
        The default answers with complete() in one chunk."""
        resp = self.complete(request, context)
        yield pb.StreamChunk(content=resp.content, role="assistant", finish_reason=resp.finish_reason or "stop",
                             usage=resp.usage, model=resp.model, id=resp.id)

    def info(self) -> dict:
        return {}

    def close(self) -> None:
        pass


class Tracker:
    """Receives finished-request events after the response was written."""

    def __init__(self, config):
        self.config = config

    def track(self, events: Sequence[pb.Event], context) -> List[str]:
        """Return the event ids sent or durably stored; the host re-sends the others."""
        raise NotImplementedError

    def state(self) -> str:
        """"ok", or "spooling" while the destination is unreachable."""
        return ""

    def info(self) -> dict:
        return {}

    def close(self) -> None:
        pass


class Plugin:
    """Describes a plugin: its name and version, and one factory per kind it
    serves (a class or any callable taking a Config)."""

    def __init__(
        self,
        name: str,
        version: str,
        stage: Optional[Callable] = None,
        provider: Optional[Callable] = None,
        tracker: Optional[Callable] = None,
        capabilities: Sequence[str] = (),
        config_schema: str = "",
    ):
        if not name or not version:
            raise ValueError("a plugin needs a name and a version")
        if stage is None and provider is None and tracker is None:
            raise ValueError("a plugin serves at least one kind")
        self.name = name
        self.version = version
        self.stage = stage
        self.provider = provider
        self.tracker = tracker
        self.capabilities = list(capabilities)
        self.config_schema = config_schema

    def factory(self, kind: str):
        return {KIND_STAGE: self.stage, KIND_PROVIDER: self.provider, KIND_TRACKER: self.tracker}.get(kind)

    def kinds(self) -> List[str]:
        return [k for k in (KIND_STAGE, KIND_PROVIDER, KIND_TRACKER) if self.factory(k) is not None]

    def all_capabilities(self) -> List[str]:
        caps = set(self.capabilities)
        if isinstance(self.stage, type) and issubclass(self.stage, Stage) and self.stage.after is not Stage.after:
            caps.add(CAP_STAGE_AFTER)
        if self.provider is not None:
            caps.add(CAP_PROVIDER_STREAM)
        return sorted(caps)


def proceed(response_headers: Optional[dict] = None, annotations: Optional[dict] = None,
            mutated: Optional[pb.ChatRequest] = None, category: str = "") -> pb.StageResponse:
    """Let the request go on to the next stage."""
    return pb.StageResponse(action=pb.StageResponse.CONTINUE, response_headers=response_headers or {},
                            annotations=annotations or {}, mutated=mutated, category=category)


# The /security-metrics counter of the documented categories (as the Go SDK's CounterFor).
_COUNTERS = {
    "validation": pb.SECURITY_COUNTER_VALIDATION,
    "injection": pb.SECURITY_COUNTER_PROMPT_INJECTION,
    "jailbreak": pb.SECURITY_COUNTER_PROMPT_INJECTION,
    "prompt_leak": pb.SECURITY_COUNTER_PROMPT_INJECTION,
    "template_token": pb.SECURITY_COUNTER_PROMPT_INJECTION,
    "obfuscation": pb.SECURITY_COUNTER_PROMPT_INJECTION,
    "rate_limit": pb.SECURITY_COUNTER_RATE_LIMIT,
}


def type_for_status(status: int) -> str:
    """The error type that goes with a status a stage may answer with (a 4xx
    or 503), or "" for any other status. Same rules as the Go SDK's
    ``sdk.TypeForStatus``."""
    if status == 401:
        return "authentication_error"
    if status == 403:
        return "permission_error"
    if status == 429:
        return "rate_limit_error"
    if status == 503:
        return "service_unavailable"
    if 400 <= status <= 499:
        return "invalid_request_error"
    return ""


_LEGACY_REJECT_ORDER = ("status", "type", "code", "category", "message")


def reject(*legacy, status: int = 0, type: str = "", code: str = "", message: str = "", param: str = "",
           category: str = "", retry_after_ms: int = 0, response_headers: Optional[dict] = None,
           counter: Optional[int] = None) -> pb.StageResponse:
    """Refuse the request. Every field is named, so none can be swapped::

        return reject(status=400, code="pii_detected", message="the prompt contains an email address",
                      param="messages", category="pii")

    The client gets ``status`` (a 4xx or 503) and the error JSON
    {message, type, code, param, request_id}; ``type`` defaults to the type of
    the status (:func:`type_for_status`); ``code`` and ``category`` are lower
    snake_case and label the gateway's metrics; ``category`` groups the
    refusal in /security-metrics. ``bin/llmgw plugin check`` fails a rejection
    that breaks these rules. The old positional form
    ``reject(status, type, code, category, message)`` still works but is
    deprecated. ``counter`` is the /security-metrics counter the refusal adds to
    (``pb.SECURITY_COUNTER_*``); by default the one of the category
    ("validation", "rate_limit", the injection categories), else none."""
    if legacy:
        if len(legacy) != len(_LEGACY_REJECT_ORDER):
            raise TypeError("reject() takes keyword arguments: reject(status=…, code=…, message=…, category=…)")
        warnings.warn("reject(status, type, code, category, message) is deprecated; name the arguments",
                      DeprecationWarning, stacklevel=2)
        status, type, code, category, message = legacy
    if counter is None:
        counter = _COUNTERS.get(category, pb.SECURITY_COUNTER_UNSPECIFIED)
    return pb.StageResponse(
        action=pb.StageResponse.REJECT,
        reject=pb.Rejection(status=status, type=type or type_for_status(status), code=code, message=message,
                            param=param, category=category, retry_after_ms=retry_after_ms, counter=counter),
        response_headers=response_headers or {},
    )
