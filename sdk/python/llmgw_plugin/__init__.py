"""Write llmgw plugins in Python.

A plugin is a small class per kind and one call to :func:`serve`::

    from llmgw_plugin import Plugin, Stage, serve, reject, proceed

    class KeywordBlock(Stage):
        def __init__(self, config):
            cfg = config.decode({"words": (list, [])})
            self.words = [w.lower() for w in cfg["words"]]

        def process(self, request, context):
            text = " ".join(m.content for m in request.request.messages).lower()
            if any(w in text for w in self.words):
                return reject(status=400, code="blocked_keyword", message="the prompt contains a blocked word",
                              category="keyword")
            return proceed()

    if __name__ == "__main__":
        serve(Plugin(name="keyword-block", version="0.1.0", stage=KeywordBlock))

The gateway starts the script as a separate process and speaks
hashicorp/go-plugin's protocol with it over gRPC (handshake line on stdout,
health service, GRPCController.Shutdown, GRPCStdio, AutoMTLS). Log with
``config.logger`` (or :func:`get_logger`); never print to stdout, which
carries the handshake.
"""

from ._config import Config, ConfigError
from ._kinds import (
    CAP_PROVIDER_STREAM,
    CAP_STAGE_AFTER,
    CAP_STAGE_METADATA,
    CAP_STAGE_VERDICT,
    KIND_PROVIDER,
    KIND_STAGE,
    KIND_TRACKER,
    PROTOCOL_VERSION,
    SUPPORTED_PROTOCOL_VERSIONS,
    ErrorClass,
    Plugin,
    Provider,
    ProviderFailure,
    Stage,
    Tracker,
    proceed,
    reject,
    type_for_status,
)
from ._log import get_logger
from ._server import serve
from .proto import llmgw_pb2 as pb

__all__ = [
    "CAP_PROVIDER_STREAM",
    "CAP_STAGE_AFTER",
    "CAP_STAGE_METADATA",
    "CAP_STAGE_VERDICT",
    "KIND_PROVIDER",
    "KIND_STAGE",
    "KIND_TRACKER",
    "PROTOCOL_VERSION",
    "SUPPORTED_PROTOCOL_VERSIONS",
    "Config",
    "ConfigError",
    "ErrorClass",
    "Plugin",
    "Provider",
    "ProviderFailure",
    "Stage",
    "Tracker",
    "get_logger",
    "pb",
    "proceed",
    "reject",
    "serve",
    "type_for_status",
]

__version__ = "0.1.0"
