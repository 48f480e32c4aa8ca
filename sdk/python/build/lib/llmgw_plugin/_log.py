"""Logging to stderr as hclog JSON lines, which the host parses and re-logs
under the plugin's name (stdout carries go-plugin's handshake)."""

import datetime
import json
import logging
import os
import sys

_LEVELS = {
    logging.DEBUG: "debug",
    logging.INFO: "info",
    logging.WARNING: "warn",
    logging.ERROR: "error",
    logging.CRITICAL: "error",
}

_STD_ATTRS = set(vars(logging.LogRecord("", 0, "", 0, "", (), None)).keys()) | {"message", "asctime"}


class _HCLogFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "@level": _LEVELS.get(record.levelno, "info"),
            "@message": record.getMessage(),
            "@timestamp": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="microseconds"),
        }
        # Extra key/values: logger.info("msg", extra={"words": 3}).
        for k, v in vars(record).items():
            if k not in _STD_ATTRS and not k.startswith("_"):
                entry[k] = v if isinstance(v, (str, int, float, bool)) or v is None else str(v)
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info)
        return json.dumps(entry)


_configured = False


def get_logger(name: str = "plugin") -> logging.Logger:
    """A logger whose lines reach the host's log. LLMGW_PLUGIN_LOG_LEVEL sets
    the level (trace/debug/info/warn/error; default info)."""
    global _configured
    root = logging.getLogger("llmgw")
    if not _configured:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(_HCLogFormatter())
        root.addHandler(handler)
        root.propagate = False
        level = os.environ.get("LLMGW_PLUGIN_LOG_LEVEL", "info").lower()
        root.setLevel({"trace": logging.DEBUG, "debug": logging.DEBUG, "warn": logging.WARNING,
                       "warning": logging.WARNING, "error": logging.ERROR}.get(level, logging.INFO))
        _configured = True
    return root.getChild(name)
