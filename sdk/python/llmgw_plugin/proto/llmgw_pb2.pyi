from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class SecurityCounter(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SECURITY_COUNTER_UNSPECIFIED: _ClassVar[SecurityCounter]
    SECURITY_COUNTER_VALIDATION: _ClassVar[SecurityCounter]
    SECURITY_COUNTER_PROMPT_INJECTION: _ClassVar[SecurityCounter]
    SECURITY_COUNTER_RATE_LIMIT: _ClassVar[SecurityCounter]

class ErrorClass(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ERROR_CLASS_UNSPECIFIED: _ClassVar[ErrorClass]
    RATE_LIMITED: _ClassVar[ErrorClass]
    UPSTREAM_5XX: _ClassVar[ErrorClass]
    TIMEOUT: _ClassVar[ErrorClass]
    TRANSPORT: _ClassVar[ErrorClass]
    BAD_REQUEST: _ClassVar[ErrorClass]
    AUTH: _ClassVar[ErrorClass]
    QUOTA_EXHAUSTED: _ClassVar[ErrorClass]
    CONTENT_FILTER: _ClassVar[ErrorClass]
    MODEL_UNAVAILABLE: _ClassVar[ErrorClass]
SECURITY_COUNTER_UNSPECIFIED: SecurityCounter
SECURITY_COUNTER_VALIDATION: SecurityCounter
SECURITY_COUNTER_PROMPT_INJECTION: SecurityCounter
SECURITY_COUNTER_RATE_LIMIT: SecurityCounter
ERROR_CLASS_UNSPECIFIED: ErrorClass
RATE_LIMITED: ErrorClass
UPSTREAM_5XX: ErrorClass
TIMEOUT: ErrorClass
TRANSPORT: ErrorClass
BAD_REQUEST: ErrorClass
AUTH: ErrorClass
QUOTA_EXHAUSTED: ErrorClass
CONTENT_FILTER: ErrorClass
MODEL_UNAVAILABLE: ErrorClass

class DescribeRequest(_message.Message):
    __slots__ = ("host_protocol_versions",)
    HOST_PROTOCOL_VERSIONS_FIELD_NUMBER: _ClassVar[int]
    host_protocol_versions: _containers.RepeatedScalarFieldContainer[int]
    def __init__(self, host_protocol_versions: _Optional[_Iterable[int]] = ...) -> None: ...

class DescribeResponse(_message.Message):
    __slots__ = ("name", "version", "kinds", "protocol_versions", "capabilities", "config_schema")
    NAME_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    KINDS_FIELD_NUMBER: _ClassVar[int]
    PROTOCOL_VERSIONS_FIELD_NUMBER: _ClassVar[int]
    CAPABILITIES_FIELD_NUMBER: _ClassVar[int]
    CONFIG_SCHEMA_FIELD_NUMBER: _ClassVar[int]
    name: str
    version: str
    kinds: _containers.RepeatedScalarFieldContainer[str]
    protocol_versions: _containers.RepeatedScalarFieldContainer[int]
    capabilities: _containers.RepeatedScalarFieldContainer[str]
    config_schema: str
    def __init__(self, name: _Optional[str] = ..., version: _Optional[str] = ..., kinds: _Optional[_Iterable[str]] = ..., protocol_versions: _Optional[_Iterable[int]] = ..., capabilities: _Optional[_Iterable[str]] = ..., config_schema: _Optional[str] = ...) -> None: ...

class ConfigureRequest(_message.Message):
    __slots__ = ("instance_id", "kind", "config_json", "protocol_version", "host")
    INSTANCE_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    CONFIG_JSON_FIELD_NUMBER: _ClassVar[int]
    PROTOCOL_VERSION_FIELD_NUMBER: _ClassVar[int]
    HOST_FIELD_NUMBER: _ClassVar[int]
    instance_id: str
    kind: str
    config_json: bytes
    protocol_version: int
    host: HostInfo
    def __init__(self, instance_id: _Optional[str] = ..., kind: _Optional[str] = ..., config_json: _Optional[bytes] = ..., protocol_version: _Optional[int] = ..., host: _Optional[_Union[HostInfo, _Mapping]] = ...) -> None: ...

class HostInfo(_message.Message):
    __slots__ = ("models", "data_dir", "generation", "host_version")
    MODELS_FIELD_NUMBER: _ClassVar[int]
    DATA_DIR_FIELD_NUMBER: _ClassVar[int]
    GENERATION_FIELD_NUMBER: _ClassVar[int]
    HOST_VERSION_FIELD_NUMBER: _ClassVar[int]
    models: _containers.RepeatedScalarFieldContainer[str]
    data_dir: str
    generation: int
    host_version: str
    def __init__(self, models: _Optional[_Iterable[str]] = ..., data_dir: _Optional[str] = ..., generation: _Optional[int] = ..., host_version: _Optional[str] = ...) -> None: ...

class ConfigureResponse(_message.Message):
    __slots__ = ("warnings", "info", "capabilities", "instance_capabilities")
    class InfoEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    WARNINGS_FIELD_NUMBER: _ClassVar[int]
    INFO_FIELD_NUMBER: _ClassVar[int]
    CAPABILITIES_FIELD_NUMBER: _ClassVar[int]
    INSTANCE_CAPABILITIES_FIELD_NUMBER: _ClassVar[int]
    warnings: _containers.RepeatedScalarFieldContainer[str]
    info: _containers.ScalarMap[str, str]
    capabilities: _containers.RepeatedScalarFieldContainer[str]
    instance_capabilities: bool
    def __init__(self, warnings: _Optional[_Iterable[str]] = ..., info: _Optional[_Mapping[str, str]] = ..., capabilities: _Optional[_Iterable[str]] = ..., instance_capabilities: _Optional[bool] = ...) -> None: ...

class CloseRequest(_message.Message):
    __slots__ = ("instance_id",)
    INSTANCE_ID_FIELD_NUMBER: _ClassVar[int]
    instance_id: str
    def __init__(self, instance_id: _Optional[str] = ...) -> None: ...

class CloseResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class Message(_message.Message):
    __slots__ = ("role", "content", "name", "parts", "tool_calls", "tool_call_id", "refusal", "thinking")
    ROLE_FIELD_NUMBER: _ClassVar[int]
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    PARTS_FIELD_NUMBER: _ClassVar[int]
    TOOL_CALLS_FIELD_NUMBER: _ClassVar[int]
    TOOL_CALL_ID_FIELD_NUMBER: _ClassVar[int]
    REFUSAL_FIELD_NUMBER: _ClassVar[int]
    THINKING_FIELD_NUMBER: _ClassVar[int]
    role: str
    content: str
    name: str
    parts: _containers.RepeatedCompositeFieldContainer[ContentPart]
    tool_calls: _containers.RepeatedCompositeFieldContainer[ToolCall]
    tool_call_id: str
    refusal: str
    thinking: _containers.RepeatedCompositeFieldContainer[ThinkingBlock]
    def __init__(self, role: _Optional[str] = ..., content: _Optional[str] = ..., name: _Optional[str] = ..., parts: _Optional[_Iterable[_Union[ContentPart, _Mapping]]] = ..., tool_calls: _Optional[_Iterable[_Union[ToolCall, _Mapping]]] = ..., tool_call_id: _Optional[str] = ..., refusal: _Optional[str] = ..., thinking: _Optional[_Iterable[_Union[ThinkingBlock, _Mapping]]] = ...) -> None: ...

class ThinkingBlock(_message.Message):
    __slots__ = ("thinking", "signature", "redacted_data")
    THINKING_FIELD_NUMBER: _ClassVar[int]
    SIGNATURE_FIELD_NUMBER: _ClassVar[int]
    REDACTED_DATA_FIELD_NUMBER: _ClassVar[int]
    thinking: str
    signature: str
    redacted_data: str
    def __init__(self, thinking: _Optional[str] = ..., signature: _Optional[str] = ..., redacted_data: _Optional[str] = ...) -> None: ...

class ContentPart(_message.Message):
    __slots__ = ("type", "text", "image_url", "image_detail")
    TYPE_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    IMAGE_URL_FIELD_NUMBER: _ClassVar[int]
    IMAGE_DETAIL_FIELD_NUMBER: _ClassVar[int]
    type: str
    text: str
    image_url: str
    image_detail: str
    def __init__(self, type: _Optional[str] = ..., text: _Optional[str] = ..., image_url: _Optional[str] = ..., image_detail: _Optional[str] = ...) -> None: ...

class ToolCall(_message.Message):
    __slots__ = ("index", "id", "type", "name", "arguments")
    INDEX_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    ARGUMENTS_FIELD_NUMBER: _ClassVar[int]
    index: int
    id: str
    type: str
    name: str
    arguments: str
    def __init__(self, index: _Optional[int] = ..., id: _Optional[str] = ..., type: _Optional[str] = ..., name: _Optional[str] = ..., arguments: _Optional[str] = ...) -> None: ...

class Tool(_message.Message):
    __slots__ = ("type", "name", "description", "parameters_json", "strict")
    TYPE_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    PARAMETERS_JSON_FIELD_NUMBER: _ClassVar[int]
    STRICT_FIELD_NUMBER: _ClassVar[int]
    type: str
    name: str
    description: str
    parameters_json: str
    strict: bool
    def __init__(self, type: _Optional[str] = ..., name: _Optional[str] = ..., description: _Optional[str] = ..., parameters_json: _Optional[str] = ..., strict: _Optional[bool] = ...) -> None: ...

class ToolChoice(_message.Message):
    __slots__ = ("mode", "name")
    MODE_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    mode: str
    name: str
    def __init__(self, mode: _Optional[str] = ..., name: _Optional[str] = ...) -> None: ...

class JsonSchema(_message.Message):
    __slots__ = ("name", "description", "schema_json", "strict")
    NAME_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    SCHEMA_JSON_FIELD_NUMBER: _ClassVar[int]
    STRICT_FIELD_NUMBER: _ClassVar[int]
    name: str
    description: str
    schema_json: str
    strict: bool
    def __init__(self, name: _Optional[str] = ..., description: _Optional[str] = ..., schema_json: _Optional[str] = ..., strict: _Optional[bool] = ...) -> None: ...

class ChatRequest(_message.Message):
    __slots__ = ("model", "messages", "temperature", "max_tokens", "top_p", "stop", "stream", "include_usage", "user", "seed", "presence_penalty", "frequency_penalty", "response_format", "logit_bias", "tools", "tool_choice", "parallel_tool_calls", "json_schema", "n", "logprobs", "top_logprobs", "max_completion_tokens", "reasoning_effort", "verbosity", "safety_identifier", "prompt_cache_key", "thinking_budget_tokens", "thinking_adaptive", "metadata")
    class LogitBiasEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: float
        def __init__(self, key: _Optional[str] = ..., value: _Optional[float] = ...) -> None: ...
    class MetadataEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    MODEL_FIELD_NUMBER: _ClassVar[int]
    MESSAGES_FIELD_NUMBER: _ClassVar[int]
    TEMPERATURE_FIELD_NUMBER: _ClassVar[int]
    MAX_TOKENS_FIELD_NUMBER: _ClassVar[int]
    TOP_P_FIELD_NUMBER: _ClassVar[int]
    STOP_FIELD_NUMBER: _ClassVar[int]
    STREAM_FIELD_NUMBER: _ClassVar[int]
    INCLUDE_USAGE_FIELD_NUMBER: _ClassVar[int]
    USER_FIELD_NUMBER: _ClassVar[int]
    SEED_FIELD_NUMBER: _ClassVar[int]
    PRESENCE_PENALTY_FIELD_NUMBER: _ClassVar[int]
    FREQUENCY_PENALTY_FIELD_NUMBER: _ClassVar[int]
    RESPONSE_FORMAT_FIELD_NUMBER: _ClassVar[int]
    LOGIT_BIAS_FIELD_NUMBER: _ClassVar[int]
    TOOLS_FIELD_NUMBER: _ClassVar[int]
    TOOL_CHOICE_FIELD_NUMBER: _ClassVar[int]
    PARALLEL_TOOL_CALLS_FIELD_NUMBER: _ClassVar[int]
    JSON_SCHEMA_FIELD_NUMBER: _ClassVar[int]
    N_FIELD_NUMBER: _ClassVar[int]
    LOGPROBS_FIELD_NUMBER: _ClassVar[int]
    TOP_LOGPROBS_FIELD_NUMBER: _ClassVar[int]
    MAX_COMPLETION_TOKENS_FIELD_NUMBER: _ClassVar[int]
    REASONING_EFFORT_FIELD_NUMBER: _ClassVar[int]
    VERBOSITY_FIELD_NUMBER: _ClassVar[int]
    SAFETY_IDENTIFIER_FIELD_NUMBER: _ClassVar[int]
    PROMPT_CACHE_KEY_FIELD_NUMBER: _ClassVar[int]
    THINKING_BUDGET_TOKENS_FIELD_NUMBER: _ClassVar[int]
    THINKING_ADAPTIVE_FIELD_NUMBER: _ClassVar[int]
    METADATA_FIELD_NUMBER: _ClassVar[int]
    model: str
    messages: _containers.RepeatedCompositeFieldContainer[Message]
    temperature: float
    max_tokens: int
    top_p: float
    stop: _containers.RepeatedScalarFieldContainer[str]
    stream: bool
    include_usage: bool
    user: str
    seed: int
    presence_penalty: float
    frequency_penalty: float
    response_format: str
    logit_bias: _containers.ScalarMap[str, float]
    tools: _containers.RepeatedCompositeFieldContainer[Tool]
    tool_choice: ToolChoice
    parallel_tool_calls: bool
    json_schema: JsonSchema
    n: int
    logprobs: bool
    top_logprobs: int
    max_completion_tokens: bool
    reasoning_effort: str
    verbosity: str
    safety_identifier: str
    prompt_cache_key: str
    thinking_budget_tokens: int
    thinking_adaptive: bool
    metadata: _containers.ScalarMap[str, str]
    def __init__(self, model: _Optional[str] = ..., messages: _Optional[_Iterable[_Union[Message, _Mapping]]] = ..., temperature: _Optional[float] = ..., max_tokens: _Optional[int] = ..., top_p: _Optional[float] = ..., stop: _Optional[_Iterable[str]] = ..., stream: _Optional[bool] = ..., include_usage: _Optional[bool] = ..., user: _Optional[str] = ..., seed: _Optional[int] = ..., presence_penalty: _Optional[float] = ..., frequency_penalty: _Optional[float] = ..., response_format: _Optional[str] = ..., logit_bias: _Optional[_Mapping[str, float]] = ..., tools: _Optional[_Iterable[_Union[Tool, _Mapping]]] = ..., tool_choice: _Optional[_Union[ToolChoice, _Mapping]] = ..., parallel_tool_calls: _Optional[bool] = ..., json_schema: _Optional[_Union[JsonSchema, _Mapping]] = ..., n: _Optional[int] = ..., logprobs: _Optional[bool] = ..., top_logprobs: _Optional[int] = ..., max_completion_tokens: _Optional[bool] = ..., reasoning_effort: _Optional[str] = ..., verbosity: _Optional[str] = ..., safety_identifier: _Optional[str] = ..., prompt_cache_key: _Optional[str] = ..., thinking_budget_tokens: _Optional[int] = ..., thinking_adaptive: _Optional[bool] = ..., metadata: _Optional[_Mapping[str, str]] = ...) -> None: ...

class EmbeddingsRequest(_message.Message):
    __slots__ = ("model", "input", "input_tokens", "dimensions", "encoding_format", "user")
    MODEL_FIELD_NUMBER: _ClassVar[int]
    INPUT_FIELD_NUMBER: _ClassVar[int]
    INPUT_TOKENS_FIELD_NUMBER: _ClassVar[int]
    DIMENSIONS_FIELD_NUMBER: _ClassVar[int]
    ENCODING_FORMAT_FIELD_NUMBER: _ClassVar[int]
    USER_FIELD_NUMBER: _ClassVar[int]
    model: str
    input: _containers.RepeatedScalarFieldContainer[str]
    input_tokens: _containers.RepeatedCompositeFieldContainer[TokenIds]
    dimensions: int
    encoding_format: str
    user: str
    def __init__(self, model: _Optional[str] = ..., input: _Optional[_Iterable[str]] = ..., input_tokens: _Optional[_Iterable[_Union[TokenIds, _Mapping]]] = ..., dimensions: _Optional[int] = ..., encoding_format: _Optional[str] = ..., user: _Optional[str] = ...) -> None: ...

class TokenIds(_message.Message):
    __slots__ = ("ids",)
    IDS_FIELD_NUMBER: _ClassVar[int]
    ids: _containers.RepeatedScalarFieldContainer[int]
    def __init__(self, ids: _Optional[_Iterable[int]] = ...) -> None: ...

class Usage(_message.Message):
    __slots__ = ("prompt_tokens", "completion_tokens", "total_tokens", "cached_tokens", "reasoning_tokens", "cache_creation_tokens")
    PROMPT_TOKENS_FIELD_NUMBER: _ClassVar[int]
    COMPLETION_TOKENS_FIELD_NUMBER: _ClassVar[int]
    TOTAL_TOKENS_FIELD_NUMBER: _ClassVar[int]
    CACHED_TOKENS_FIELD_NUMBER: _ClassVar[int]
    REASONING_TOKENS_FIELD_NUMBER: _ClassVar[int]
    CACHE_CREATION_TOKENS_FIELD_NUMBER: _ClassVar[int]
    prompt_tokens: int
    completion_tokens: int
    total_tokens: int
    cached_tokens: int
    reasoning_tokens: int
    cache_creation_tokens: int
    def __init__(self, prompt_tokens: _Optional[int] = ..., completion_tokens: _Optional[int] = ..., total_tokens: _Optional[int] = ..., cached_tokens: _Optional[int] = ..., reasoning_tokens: _Optional[int] = ..., cache_creation_tokens: _Optional[int] = ...) -> None: ...

class StageRequest(_message.Message):
    __slots__ = ("instance_id", "request_id", "route", "request", "client_ip", "api_key_hash", "headers", "max_cost_nanos", "cost_known", "embeddings", "annotations", "accepts_lease")
    class HeadersEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    class AnnotationsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    INSTANCE_ID_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    ROUTE_FIELD_NUMBER: _ClassVar[int]
    REQUEST_FIELD_NUMBER: _ClassVar[int]
    CLIENT_IP_FIELD_NUMBER: _ClassVar[int]
    API_KEY_HASH_FIELD_NUMBER: _ClassVar[int]
    HEADERS_FIELD_NUMBER: _ClassVar[int]
    MAX_COST_NANOS_FIELD_NUMBER: _ClassVar[int]
    COST_KNOWN_FIELD_NUMBER: _ClassVar[int]
    EMBEDDINGS_FIELD_NUMBER: _ClassVar[int]
    ANNOTATIONS_FIELD_NUMBER: _ClassVar[int]
    ACCEPTS_LEASE_FIELD_NUMBER: _ClassVar[int]
    instance_id: str
    request_id: str
    route: str
    request: ChatRequest
    client_ip: str
    api_key_hash: str
    headers: _containers.ScalarMap[str, str]
    max_cost_nanos: int
    cost_known: bool
    embeddings: EmbeddingsRequest
    annotations: _containers.ScalarMap[str, str]
    accepts_lease: bool
    def __init__(self, instance_id: _Optional[str] = ..., request_id: _Optional[str] = ..., route: _Optional[str] = ..., request: _Optional[_Union[ChatRequest, _Mapping]] = ..., client_ip: _Optional[str] = ..., api_key_hash: _Optional[str] = ..., headers: _Optional[_Mapping[str, str]] = ..., max_cost_nanos: _Optional[int] = ..., cost_known: _Optional[bool] = ..., embeddings: _Optional[_Union[EmbeddingsRequest, _Mapping]] = ..., annotations: _Optional[_Mapping[str, str]] = ..., accepts_lease: _Optional[bool] = ...) -> None: ...

class StageResponse(_message.Message):
    __slots__ = ("action", "reject", "response_headers", "annotations", "mutated", "category", "answer", "lease")
    class Action(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        CONTINUE: _ClassVar[StageResponse.Action]
        REJECT: _ClassVar[StageResponse.Action]
        ANSWER: _ClassVar[StageResponse.Action]
    CONTINUE: StageResponse.Action
    REJECT: StageResponse.Action
    ANSWER: StageResponse.Action
    class ResponseHeadersEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    class AnnotationsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    ACTION_FIELD_NUMBER: _ClassVar[int]
    REJECT_FIELD_NUMBER: _ClassVar[int]
    RESPONSE_HEADERS_FIELD_NUMBER: _ClassVar[int]
    ANNOTATIONS_FIELD_NUMBER: _ClassVar[int]
    MUTATED_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    ANSWER_FIELD_NUMBER: _ClassVar[int]
    LEASE_FIELD_NUMBER: _ClassVar[int]
    action: StageResponse.Action
    reject: Rejection
    response_headers: _containers.ScalarMap[str, str]
    annotations: _containers.ScalarMap[str, str]
    mutated: ChatRequest
    category: str
    answer: StageAnswer
    lease: StageLease
    def __init__(self, action: _Optional[_Union[StageResponse.Action, str]] = ..., reject: _Optional[_Union[Rejection, _Mapping]] = ..., response_headers: _Optional[_Mapping[str, str]] = ..., annotations: _Optional[_Mapping[str, str]] = ..., mutated: _Optional[_Union[ChatRequest, _Mapping]] = ..., category: _Optional[str] = ..., answer: _Optional[_Union[StageAnswer, _Mapping]] = ..., lease: _Optional[_Union[StageLease, _Mapping]] = ...) -> None: ...

class StageLease(_message.Message):
    __slots__ = ("id", "permits", "ttl_ms", "response_headers", "remaining_header", "remaining_base", "reset_header", "reset_ms", "annotations")
    class ResponseHeadersEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    class AnnotationsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    ID_FIELD_NUMBER: _ClassVar[int]
    PERMITS_FIELD_NUMBER: _ClassVar[int]
    TTL_MS_FIELD_NUMBER: _ClassVar[int]
    RESPONSE_HEADERS_FIELD_NUMBER: _ClassVar[int]
    REMAINING_HEADER_FIELD_NUMBER: _ClassVar[int]
    REMAINING_BASE_FIELD_NUMBER: _ClassVar[int]
    RESET_HEADER_FIELD_NUMBER: _ClassVar[int]
    RESET_MS_FIELD_NUMBER: _ClassVar[int]
    ANNOTATIONS_FIELD_NUMBER: _ClassVar[int]
    id: str
    permits: int
    ttl_ms: int
    response_headers: _containers.ScalarMap[str, str]
    remaining_header: str
    remaining_base: int
    reset_header: str
    reset_ms: int
    annotations: _containers.ScalarMap[str, str]
    def __init__(self, id: _Optional[str] = ..., permits: _Optional[int] = ..., ttl_ms: _Optional[int] = ..., response_headers: _Optional[_Mapping[str, str]] = ..., remaining_header: _Optional[str] = ..., remaining_base: _Optional[int] = ..., reset_header: _Optional[str] = ..., reset_ms: _Optional[int] = ..., annotations: _Optional[_Mapping[str, str]] = ...) -> None: ...

class LeaseRelease(_message.Message):
    __slots__ = ("instance_id", "leases")
    INSTANCE_ID_FIELD_NUMBER: _ClassVar[int]
    LEASES_FIELD_NUMBER: _ClassVar[int]
    instance_id: str
    leases: _containers.RepeatedCompositeFieldContainer[ReleasedLease]
    def __init__(self, instance_id: _Optional[str] = ..., leases: _Optional[_Iterable[_Union[ReleasedLease, _Mapping]]] = ...) -> None: ...

class ReleasedLease(_message.Message):
    __slots__ = ("id", "unused")
    ID_FIELD_NUMBER: _ClassVar[int]
    UNUSED_FIELD_NUMBER: _ClassVar[int]
    id: str
    unused: int
    def __init__(self, id: _Optional[str] = ..., unused: _Optional[int] = ...) -> None: ...

class LeaseReleaseResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class StageAnswer(_message.Message):
    __slots__ = ("chat", "embeddings", "saved_cost_nanos", "saved_cost_known")
    CHAT_FIELD_NUMBER: _ClassVar[int]
    EMBEDDINGS_FIELD_NUMBER: _ClassVar[int]
    SAVED_COST_NANOS_FIELD_NUMBER: _ClassVar[int]
    SAVED_COST_KNOWN_FIELD_NUMBER: _ClassVar[int]
    chat: CompleteResponse
    embeddings: EmbedResponse
    saved_cost_nanos: int
    saved_cost_known: bool
    def __init__(self, chat: _Optional[_Union[CompleteResponse, _Mapping]] = ..., embeddings: _Optional[_Union[EmbedResponse, _Mapping]] = ..., saved_cost_nanos: _Optional[int] = ..., saved_cost_known: _Optional[bool] = ...) -> None: ...

class Rejection(_message.Message):
    __slots__ = ("status", "type", "code", "message", "param", "category", "retry_after_ms", "counter")
    STATUS_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    CODE_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    PARAM_FIELD_NUMBER: _ClassVar[int]
    CATEGORY_FIELD_NUMBER: _ClassVar[int]
    RETRY_AFTER_MS_FIELD_NUMBER: _ClassVar[int]
    COUNTER_FIELD_NUMBER: _ClassVar[int]
    status: int
    type: str
    code: str
    message: str
    param: str
    category: str
    retry_after_ms: int
    counter: SecurityCounter
    def __init__(self, status: _Optional[int] = ..., type: _Optional[str] = ..., code: _Optional[str] = ..., message: _Optional[str] = ..., param: _Optional[str] = ..., category: _Optional[str] = ..., retry_after_ms: _Optional[int] = ..., counter: _Optional[_Union[SecurityCounter, str]] = ...) -> None: ...

class StageAfterRequest(_message.Message):
    __slots__ = ("instance_id", "request_id", "request", "client_ip", "api_key_hash", "headers", "usage", "ok", "model_used", "cost_nanos", "cost_known", "route", "response", "embeddings", "embeddings_response", "answered_by", "annotations")
    class HeadersEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    class AnnotationsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    INSTANCE_ID_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    REQUEST_FIELD_NUMBER: _ClassVar[int]
    CLIENT_IP_FIELD_NUMBER: _ClassVar[int]
    API_KEY_HASH_FIELD_NUMBER: _ClassVar[int]
    HEADERS_FIELD_NUMBER: _ClassVar[int]
    USAGE_FIELD_NUMBER: _ClassVar[int]
    OK_FIELD_NUMBER: _ClassVar[int]
    MODEL_USED_FIELD_NUMBER: _ClassVar[int]
    COST_NANOS_FIELD_NUMBER: _ClassVar[int]
    COST_KNOWN_FIELD_NUMBER: _ClassVar[int]
    ROUTE_FIELD_NUMBER: _ClassVar[int]
    RESPONSE_FIELD_NUMBER: _ClassVar[int]
    EMBEDDINGS_FIELD_NUMBER: _ClassVar[int]
    EMBEDDINGS_RESPONSE_FIELD_NUMBER: _ClassVar[int]
    ANSWERED_BY_FIELD_NUMBER: _ClassVar[int]
    ANNOTATIONS_FIELD_NUMBER: _ClassVar[int]
    instance_id: str
    request_id: str
    request: ChatRequest
    client_ip: str
    api_key_hash: str
    headers: _containers.ScalarMap[str, str]
    usage: Usage
    ok: bool
    model_used: str
    cost_nanos: int
    cost_known: bool
    route: str
    response: CompleteResponse
    embeddings: EmbeddingsRequest
    embeddings_response: EmbedResponse
    answered_by: str
    annotations: _containers.ScalarMap[str, str]
    def __init__(self, instance_id: _Optional[str] = ..., request_id: _Optional[str] = ..., request: _Optional[_Union[ChatRequest, _Mapping]] = ..., client_ip: _Optional[str] = ..., api_key_hash: _Optional[str] = ..., headers: _Optional[_Mapping[str, str]] = ..., usage: _Optional[_Union[Usage, _Mapping]] = ..., ok: _Optional[bool] = ..., model_used: _Optional[str] = ..., cost_nanos: _Optional[int] = ..., cost_known: _Optional[bool] = ..., route: _Optional[str] = ..., response: _Optional[_Union[CompleteResponse, _Mapping]] = ..., embeddings: _Optional[_Union[EmbeddingsRequest, _Mapping]] = ..., embeddings_response: _Optional[_Union[EmbedResponse, _Mapping]] = ..., answered_by: _Optional[str] = ..., annotations: _Optional[_Mapping[str, str]] = ...) -> None: ...

class AdminRequest(_message.Message):
    __slots__ = ("instance_id", "method", "path", "body", "api_key_hash", "client_ip", "headers")
    class HeadersEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    INSTANCE_ID_FIELD_NUMBER: _ClassVar[int]
    METHOD_FIELD_NUMBER: _ClassVar[int]
    PATH_FIELD_NUMBER: _ClassVar[int]
    BODY_FIELD_NUMBER: _ClassVar[int]
    API_KEY_HASH_FIELD_NUMBER: _ClassVar[int]
    CLIENT_IP_FIELD_NUMBER: _ClassVar[int]
    HEADERS_FIELD_NUMBER: _ClassVar[int]
    instance_id: str
    method: str
    path: str
    body: bytes
    api_key_hash: str
    client_ip: str
    headers: _containers.ScalarMap[str, str]
    def __init__(self, instance_id: _Optional[str] = ..., method: _Optional[str] = ..., path: _Optional[str] = ..., body: _Optional[bytes] = ..., api_key_hash: _Optional[str] = ..., client_ip: _Optional[str] = ..., headers: _Optional[_Mapping[str, str]] = ...) -> None: ...

class AdminResponse(_message.Message):
    __slots__ = ("status", "body", "headers")
    class HeadersEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    STATUS_FIELD_NUMBER: _ClassVar[int]
    BODY_FIELD_NUMBER: _ClassVar[int]
    HEADERS_FIELD_NUMBER: _ClassVar[int]
    status: int
    body: bytes
    headers: _containers.ScalarMap[str, str]
    def __init__(self, status: _Optional[int] = ..., body: _Optional[bytes] = ..., headers: _Optional[_Mapping[str, str]] = ...) -> None: ...

class StageAfterResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class CompleteRequest(_message.Message):
    __slots__ = ("instance_id", "request_id", "upstream_model", "request", "assemble")
    INSTANCE_ID_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    UPSTREAM_MODEL_FIELD_NUMBER: _ClassVar[int]
    REQUEST_FIELD_NUMBER: _ClassVar[int]
    ASSEMBLE_FIELD_NUMBER: _ClassVar[int]
    instance_id: str
    request_id: str
    upstream_model: str
    request: ChatRequest
    assemble: AssembleDeadlines
    def __init__(self, instance_id: _Optional[str] = ..., request_id: _Optional[str] = ..., upstream_model: _Optional[str] = ..., request: _Optional[_Union[ChatRequest, _Mapping]] = ..., assemble: _Optional[_Union[AssembleDeadlines, _Mapping]] = ...) -> None: ...

class AssembleDeadlines(_message.Message):
    __slots__ = ("first_byte_ms", "idle_ms")
    FIRST_BYTE_MS_FIELD_NUMBER: _ClassVar[int]
    IDLE_MS_FIELD_NUMBER: _ClassVar[int]
    first_byte_ms: int
    idle_ms: int
    def __init__(self, first_byte_ms: _Optional[int] = ..., idle_ms: _Optional[int] = ...) -> None: ...

class EmbedRequest(_message.Message):
    __slots__ = ("instance_id", "request_id", "upstream_model", "request")
    INSTANCE_ID_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    UPSTREAM_MODEL_FIELD_NUMBER: _ClassVar[int]
    REQUEST_FIELD_NUMBER: _ClassVar[int]
    instance_id: str
    request_id: str
    upstream_model: str
    request: EmbeddingsRequest
    def __init__(self, instance_id: _Optional[str] = ..., request_id: _Optional[str] = ..., upstream_model: _Optional[str] = ..., request: _Optional[_Union[EmbeddingsRequest, _Mapping]] = ...) -> None: ...

class Embedding(_message.Message):
    __slots__ = ("index", "values")
    INDEX_FIELD_NUMBER: _ClassVar[int]
    VALUES_FIELD_NUMBER: _ClassVar[int]
    index: int
    values: _containers.RepeatedScalarFieldContainer[float]
    def __init__(self, index: _Optional[int] = ..., values: _Optional[_Iterable[float]] = ...) -> None: ...

class EmbedResponse(_message.Message):
    __slots__ = ("data", "usage", "model", "error")
    DATA_FIELD_NUMBER: _ClassVar[int]
    USAGE_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    data: _containers.RepeatedCompositeFieldContainer[Embedding]
    usage: Usage
    model: str
    error: ProviderError
    def __init__(self, data: _Optional[_Iterable[_Union[Embedding, _Mapping]]] = ..., usage: _Optional[_Union[Usage, _Mapping]] = ..., model: _Optional[str] = ..., error: _Optional[_Union[ProviderError, _Mapping]] = ...) -> None: ...

class CountTokensRequest(_message.Message):
    __slots__ = ("instance_id", "request_id", "upstream_model", "request")
    INSTANCE_ID_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    UPSTREAM_MODEL_FIELD_NUMBER: _ClassVar[int]
    REQUEST_FIELD_NUMBER: _ClassVar[int]
    instance_id: str
    request_id: str
    upstream_model: str
    request: ChatRequest
    def __init__(self, instance_id: _Optional[str] = ..., request_id: _Optional[str] = ..., upstream_model: _Optional[str] = ..., request: _Optional[_Union[ChatRequest, _Mapping]] = ...) -> None: ...

class CountTokensResponse(_message.Message):
    __slots__ = ("input_tokens", "error")
    INPUT_TOKENS_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    input_tokens: int
    error: ProviderError
    def __init__(self, input_tokens: _Optional[int] = ..., error: _Optional[_Union[ProviderError, _Mapping]] = ...) -> None: ...

class ProviderError(_message.Message):
    __slots__ = ("status", "message", "retry_after_ms", "upstream_code", "upstream_param")
    CLASS_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    RETRY_AFTER_MS_FIELD_NUMBER: _ClassVar[int]
    UPSTREAM_CODE_FIELD_NUMBER: _ClassVar[int]
    UPSTREAM_PARAM_FIELD_NUMBER: _ClassVar[int]
    status: int
    message: str
    retry_after_ms: int
    upstream_code: str
    upstream_param: str
    def __init__(self, status: _Optional[int] = ..., message: _Optional[str] = ..., retry_after_ms: _Optional[int] = ..., upstream_code: _Optional[str] = ..., upstream_param: _Optional[str] = ..., **kwargs) -> None: ...

class CompleteResponse(_message.Message):
    __slots__ = ("id", "content", "finish_reason", "usage", "model", "error", "tool_calls", "refusal", "logprobs_json", "reasoning_content", "more_choices", "reasoning_signature", "first_chunk_nanos")
    ID_FIELD_NUMBER: _ClassVar[int]
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    FINISH_REASON_FIELD_NUMBER: _ClassVar[int]
    USAGE_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    TOOL_CALLS_FIELD_NUMBER: _ClassVar[int]
    REFUSAL_FIELD_NUMBER: _ClassVar[int]
    LOGPROBS_JSON_FIELD_NUMBER: _ClassVar[int]
    REASONING_CONTENT_FIELD_NUMBER: _ClassVar[int]
    MORE_CHOICES_FIELD_NUMBER: _ClassVar[int]
    REASONING_SIGNATURE_FIELD_NUMBER: _ClassVar[int]
    FIRST_CHUNK_NANOS_FIELD_NUMBER: _ClassVar[int]
    id: str
    content: str
    finish_reason: str
    usage: Usage
    model: str
    error: ProviderError
    tool_calls: _containers.RepeatedCompositeFieldContainer[ToolCall]
    refusal: str
    logprobs_json: str
    reasoning_content: str
    more_choices: _containers.RepeatedCompositeFieldContainer[Choice]
    reasoning_signature: str
    first_chunk_nanos: int
    def __init__(self, id: _Optional[str] = ..., content: _Optional[str] = ..., finish_reason: _Optional[str] = ..., usage: _Optional[_Union[Usage, _Mapping]] = ..., model: _Optional[str] = ..., error: _Optional[_Union[ProviderError, _Mapping]] = ..., tool_calls: _Optional[_Iterable[_Union[ToolCall, _Mapping]]] = ..., refusal: _Optional[str] = ..., logprobs_json: _Optional[str] = ..., reasoning_content: _Optional[str] = ..., more_choices: _Optional[_Iterable[_Union[Choice, _Mapping]]] = ..., reasoning_signature: _Optional[str] = ..., first_chunk_nanos: _Optional[int] = ...) -> None: ...

class Choice(_message.Message):
    __slots__ = ("index", "content", "finish_reason", "tool_calls", "refusal", "logprobs_json")
    INDEX_FIELD_NUMBER: _ClassVar[int]
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    FINISH_REASON_FIELD_NUMBER: _ClassVar[int]
    TOOL_CALLS_FIELD_NUMBER: _ClassVar[int]
    REFUSAL_FIELD_NUMBER: _ClassVar[int]
    LOGPROBS_JSON_FIELD_NUMBER: _ClassVar[int]
    index: int
    content: str
    finish_reason: str
    tool_calls: _containers.RepeatedCompositeFieldContainer[ToolCall]
    refusal: str
    logprobs_json: str
    def __init__(self, index: _Optional[int] = ..., content: _Optional[str] = ..., finish_reason: _Optional[str] = ..., tool_calls: _Optional[_Iterable[_Union[ToolCall, _Mapping]]] = ..., refusal: _Optional[str] = ..., logprobs_json: _Optional[str] = ...) -> None: ...

class StreamChunk(_message.Message):
    __slots__ = ("content", "role", "finish_reason", "usage", "error", "model", "id", "reasoning_content", "refusal", "tool_calls", "logprobs_json", "choice_index", "reasoning_signature")
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    ROLE_FIELD_NUMBER: _ClassVar[int]
    FINISH_REASON_FIELD_NUMBER: _ClassVar[int]
    USAGE_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    REASONING_CONTENT_FIELD_NUMBER: _ClassVar[int]
    REFUSAL_FIELD_NUMBER: _ClassVar[int]
    TOOL_CALLS_FIELD_NUMBER: _ClassVar[int]
    LOGPROBS_JSON_FIELD_NUMBER: _ClassVar[int]
    CHOICE_INDEX_FIELD_NUMBER: _ClassVar[int]
    REASONING_SIGNATURE_FIELD_NUMBER: _ClassVar[int]
    content: str
    role: str
    finish_reason: str
    usage: Usage
    error: ProviderError
    model: str
    id: str
    reasoning_content: str
    refusal: str
    tool_calls: _containers.RepeatedCompositeFieldContainer[ToolCall]
    logprobs_json: str
    choice_index: int
    reasoning_signature: str
    def __init__(self, content: _Optional[str] = ..., role: _Optional[str] = ..., finish_reason: _Optional[str] = ..., usage: _Optional[_Union[Usage, _Mapping]] = ..., error: _Optional[_Union[ProviderError, _Mapping]] = ..., model: _Optional[str] = ..., id: _Optional[str] = ..., reasoning_content: _Optional[str] = ..., refusal: _Optional[str] = ..., tool_calls: _Optional[_Iterable[_Union[ToolCall, _Mapping]]] = ..., logprobs_json: _Optional[str] = ..., choice_index: _Optional[int] = ..., reasoning_signature: _Optional[str] = ...) -> None: ...

class TrackRequest(_message.Message):
    __slots__ = ("instance_id", "events")
    INSTANCE_ID_FIELD_NUMBER: _ClassVar[int]
    EVENTS_FIELD_NUMBER: _ClassVar[int]
    instance_id: str
    events: _containers.RepeatedCompositeFieldContainer[Event]
    def __init__(self, instance_id: _Optional[str] = ..., events: _Optional[_Iterable[_Union[Event, _Mapping]]] = ...) -> None: ...

class TrackResponse(_message.Message):
    __slots__ = ("acked_ids", "state")
    ACKED_IDS_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    acked_ids: _containers.RepeatedScalarFieldContainer[str]
    state: str
    def __init__(self, acked_ids: _Optional[_Iterable[str]] = ..., state: _Optional[str] = ...) -> None: ...

class Attempt(_message.Message):
    __slots__ = ("model", "provider", "upstream_model", "outcome", "error_code", "error_message", "start_unix_nano", "end_unix_nano", "usage")
    MODEL_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_FIELD_NUMBER: _ClassVar[int]
    UPSTREAM_MODEL_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    ERROR_CODE_FIELD_NUMBER: _ClassVar[int]
    ERROR_MESSAGE_FIELD_NUMBER: _ClassVar[int]
    START_UNIX_NANO_FIELD_NUMBER: _ClassVar[int]
    END_UNIX_NANO_FIELD_NUMBER: _ClassVar[int]
    USAGE_FIELD_NUMBER: _ClassVar[int]
    model: str
    provider: str
    upstream_model: str
    outcome: str
    error_code: str
    error_message: str
    start_unix_nano: int
    end_unix_nano: int
    usage: Usage
    def __init__(self, model: _Optional[str] = ..., provider: _Optional[str] = ..., upstream_model: _Optional[str] = ..., outcome: _Optional[str] = ..., error_code: _Optional[str] = ..., error_message: _Optional[str] = ..., start_unix_nano: _Optional[int] = ..., end_unix_nano: _Optional[int] = ..., usage: _Optional[_Union[Usage, _Mapping]] = ...) -> None: ...

class StageSpan(_message.Message):
    __slots__ = ("name", "plugin", "outcome", "code", "start_unix_nano", "end_unix_nano")
    NAME_FIELD_NUMBER: _ClassVar[int]
    PLUGIN_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    CODE_FIELD_NUMBER: _ClassVar[int]
    START_UNIX_NANO_FIELD_NUMBER: _ClassVar[int]
    END_UNIX_NANO_FIELD_NUMBER: _ClassVar[int]
    name: str
    plugin: str
    outcome: str
    code: str
    start_unix_nano: int
    end_unix_nano: int
    def __init__(self, name: _Optional[str] = ..., plugin: _Optional[str] = ..., outcome: _Optional[str] = ..., code: _Optional[str] = ..., start_unix_nano: _Optional[int] = ..., end_unix_nano: _Optional[int] = ...) -> None: ...

class Event(_message.Message):
    __slots__ = ("event_id", "request_id", "route", "start_unix_nano", "end_unix_nano", "request", "requested_model", "model_used", "provider", "upstream_model", "response", "finish_reason", "usage", "ok", "status", "error_code", "error_message", "attempts", "stages", "client_key_hash", "stream", "annotations", "embeddings", "tool_calls", "answered_by", "embeddings_count", "embeddings_dimensions", "refusal", "endpoint")
    class AnnotationsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    ROUTE_FIELD_NUMBER: _ClassVar[int]
    START_UNIX_NANO_FIELD_NUMBER: _ClassVar[int]
    END_UNIX_NANO_FIELD_NUMBER: _ClassVar[int]
    REQUEST_FIELD_NUMBER: _ClassVar[int]
    REQUESTED_MODEL_FIELD_NUMBER: _ClassVar[int]
    MODEL_USED_FIELD_NUMBER: _ClassVar[int]
    PROVIDER_FIELD_NUMBER: _ClassVar[int]
    UPSTREAM_MODEL_FIELD_NUMBER: _ClassVar[int]
    RESPONSE_FIELD_NUMBER: _ClassVar[int]
    FINISH_REASON_FIELD_NUMBER: _ClassVar[int]
    USAGE_FIELD_NUMBER: _ClassVar[int]
    OK_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    ERROR_CODE_FIELD_NUMBER: _ClassVar[int]
    ERROR_MESSAGE_FIELD_NUMBER: _ClassVar[int]
    ATTEMPTS_FIELD_NUMBER: _ClassVar[int]
    STAGES_FIELD_NUMBER: _ClassVar[int]
    CLIENT_KEY_HASH_FIELD_NUMBER: _ClassVar[int]
    STREAM_FIELD_NUMBER: _ClassVar[int]
    ANNOTATIONS_FIELD_NUMBER: _ClassVar[int]
    EMBEDDINGS_FIELD_NUMBER: _ClassVar[int]
    TOOL_CALLS_FIELD_NUMBER: _ClassVar[int]
    ANSWERED_BY_FIELD_NUMBER: _ClassVar[int]
    EMBEDDINGS_COUNT_FIELD_NUMBER: _ClassVar[int]
    EMBEDDINGS_DIMENSIONS_FIELD_NUMBER: _ClassVar[int]
    REFUSAL_FIELD_NUMBER: _ClassVar[int]
    ENDPOINT_FIELD_NUMBER: _ClassVar[int]
    event_id: str
    request_id: str
    route: str
    start_unix_nano: int
    end_unix_nano: int
    request: ChatRequest
    requested_model: str
    model_used: str
    provider: str
    upstream_model: str
    response: str
    finish_reason: str
    usage: Usage
    ok: bool
    status: int
    error_code: str
    error_message: str
    attempts: _containers.RepeatedCompositeFieldContainer[Attempt]
    stages: _containers.RepeatedCompositeFieldContainer[StageSpan]
    client_key_hash: str
    stream: bool
    annotations: _containers.ScalarMap[str, str]
    embeddings: EmbeddingsRequest
    tool_calls: _containers.RepeatedCompositeFieldContainer[ToolCall]
    answered_by: str
    embeddings_count: int
    embeddings_dimensions: int
    refusal: str
    endpoint: str
    def __init__(self, event_id: _Optional[str] = ..., request_id: _Optional[str] = ..., route: _Optional[str] = ..., start_unix_nano: _Optional[int] = ..., end_unix_nano: _Optional[int] = ..., request: _Optional[_Union[ChatRequest, _Mapping]] = ..., requested_model: _Optional[str] = ..., model_used: _Optional[str] = ..., provider: _Optional[str] = ..., upstream_model: _Optional[str] = ..., response: _Optional[str] = ..., finish_reason: _Optional[str] = ..., usage: _Optional[_Union[Usage, _Mapping]] = ..., ok: _Optional[bool] = ..., status: _Optional[int] = ..., error_code: _Optional[str] = ..., error_message: _Optional[str] = ..., attempts: _Optional[_Iterable[_Union[Attempt, _Mapping]]] = ..., stages: _Optional[_Iterable[_Union[StageSpan, _Mapping]]] = ..., client_key_hash: _Optional[str] = ..., stream: _Optional[bool] = ..., annotations: _Optional[_Mapping[str, str]] = ..., embeddings: _Optional[_Union[EmbeddingsRequest, _Mapping]] = ..., tool_calls: _Optional[_Iterable[_Union[ToolCall, _Mapping]]] = ..., answered_by: _Optional[str] = ..., embeddings_count: _Optional[int] = ..., embeddings_dimensions: _Optional[int] = ..., refusal: _Optional[str] = ..., endpoint: _Optional[str] = ...) -> None: ...
