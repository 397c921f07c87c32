"""Log records as readable text or one JSON object a line; the logging config.

Structured fields travel in a record's `fields` attribute (`extra={"fields":
{...}}`); both formatters print them after the message. Nothing here decides
what is safe to log: callers pass only ids, names, codes and numbers.
"""

from __future__ import annotations

import datetime
import json
import logging
from typing import Any

ACCESS_LOGGER = "gateway.access"
UPSTREAM_LOGGER = "gateway.upstream"
GATEWAY_LOGGER = "gateway"
FORMATTERS = {
    "text": "gateway.telemetry.logs.TextFormatter",
    "json": "gateway.telemetry.logs.JsonFormatter",
}


def _timestamp(record: logging.LogRecord) -> str:
    moment = datetime.datetime.fromtimestamp(record.created, tz=datetime.UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def fields_of(record: logging.LogRecord) -> dict[str, Any]:
    fields = getattr(record, "fields", None)
    return fields if isinstance(fields, dict) else {}


class JsonFormatter(logging.Formatter):
    """`{"time", "level", "logger", "message", ...fields}`, one line per record."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": _timestamp(record),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            **fields_of(record),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    """`<time> <LEVEL> <logger>: <message> key=value ...`, for people."""

    def format(self, record: logging.LogRecord) -> str:
        parts = [
            _timestamp(record),
            record.levelname,
            f"{record.name}:",
            record.getMessage(),
        ]
        for key, value in fields_of(record).items():
            if value is None or value == []:
                continue
            if isinstance(value, list):
                value = ",".join(str(item) for item in value)
            text = str(value)
            parts.append(f"{key}={json.dumps(text) if ' ' in text else text}")
        line = " ".join(parts)
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line


def log_config(level: str, log_format: str) -> dict[str, Any]:
    """A `logging.config.dictConfig` for the gateway and uvicorn's loggers.

    uvicorn's access logger is silenced: the gateway writes its own access
    line, which carries no query string.
    """
    handler = {
        "class": "logging.StreamHandler",
        "formatter": log_format,
        "stream": "ext://sys.stderr",
    }
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {name: {"()": path} for name, path in FORMATTERS.items()},
        "handlers": {"stderr": handler},
        "loggers": {
            GATEWAY_LOGGER: {
                "handlers": ["stderr"],
                "level": level.upper(),
                "propagate": False,
            },
            "uvicorn": {
                "handlers": ["stderr"],
                "level": level.upper(),
                "propagate": False,
            },
            "uvicorn.error": {"level": level.upper()},
            "uvicorn.access": {"handlers": [], "level": "CRITICAL", "propagate": False},
        },
    }
