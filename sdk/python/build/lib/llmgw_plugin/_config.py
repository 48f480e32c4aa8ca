"""An instance's configuration and strict decoding of it."""

import json
import logging
from typing import Any, Dict, Mapping, Optional, Tuple

from .proto import llmgw_pb2 as pb

_TYPE_NAMES = {
    str: "string",
    bool: "bool",
    int: "integer",
    float: "number",
    list: "list",
    dict: "object",
}


class ConfigError(Exception):
    """The instance's config is invalid; the host shows the message with the
    pipeline file's position. Name the field: ``field "words": must not be empty``."""


class Config:
    """What a factory receives for one instance.

    Attributes:
        instance_id: unique within the process ("<name>@<generation>").
        name: the instance's name in pipeline.hcl.
        kind: "stage", "provider" or "tracker".
        raw: the ``config = { ... }`` block as JSON bytes (b"{}" when absent).
        host: HostInfo (models, data_dir, generation, host_version).
        logger: a logger whose lines reach the host's log, tagged with the instance.
    """

    def __init__(self, instance_id: str, kind: str, raw: bytes, host: Optional[pb.HostInfo], logger: logging.Logger):
        self.instance_id = instance_id
        self.name = instance_id.rsplit("@", 1)[0] if "@" in instance_id else instance_id
        self.kind = kind
        self.raw = raw or b"{}"
        self.host = host if host is not None else pb.HostInfo()
        self.logger = logger

    def data(self) -> Dict[str, Any]:
        """The config as a dict (no checks beyond it being a JSON object)."""
        text = self.raw.decode("utf-8").strip() or "{}"
        try:
            value = json.loads(text)
        except ValueError as e:
            raise ConfigError("config is not valid JSON: %s" % e) from None
        if not isinstance(value, dict):
            raise ConfigError("config must be an object")
        return value

    def decode(self, fields: Mapping[str, Tuple[type, Any]]) -> Dict[str, Any]:
        """Decode the config strictly: ``fields`` maps each allowed key to
        ``(type, default)``. An unknown key or a value of the wrong type raises
        ConfigError naming the field (as the Go SDK's Config.Decode does);
        missing keys get their default. Lists are checked element-free; an
        int is accepted where a float is expected."""
        value = self.data()
        for key in value:
            if key not in fields:
                raise ConfigError('unknown field "%s"' % key)
        out = {}
        for key, (typ, default) in fields.items():
            if key not in value or value[key] is None:
                out[key] = default
                continue
            v = value[key]
            ok = isinstance(v, typ) and not (typ is int and isinstance(v, bool))
            if typ is float and isinstance(v, int) and not isinstance(v, bool):
                v, ok = float(v), True
            if not ok:
                raise ConfigError('field "%s": expected %s, got %s' % (key, _TYPE_NAMES.get(typ, typ.__name__), _json_type(v)))
            out[key] = v
        return out


def _json_type(v: Any) -> str:
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, (int, float)):
        return "number"
    if isinstance(v, str):
        return "string"
    if isinstance(v, list):
        return "list"
    if isinstance(v, dict):
        return "object"
    return type(v).__name__
