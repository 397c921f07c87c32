"""Meteor's `check()` for the registration body, with its `Match error` texts.

Object keys are visited in the order they arrived (type errors of present keys
come first), then missing required keys are reported, as Meteor does.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

_IDENTIFIER = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$]*$")


class MatchError(Exception):
    """A value did not match; str() is Meteor's `Match error: ...` message."""

    def __init__(self, message: str, path: str) -> None:
        text = f"Match error: {message}" + (f" in field {path}" if path else "")
        super().__init__(text)


@dataclass(frozen=True)
class Maybe:
    """`Match.Maybe(pattern)`: the key may be absent, undefined or null."""

    pattern: Any


@dataclass(frozen=True)
class Including:
    """`Match.ObjectIncluding({...})`: unknown keys are allowed."""

    fields: dict[str, Any]


def check(value: Any, pattern: Any) -> None:
    """Raise MatchError unless `value` matches `pattern`.

    Patterns: `str`, `bool` (types), `[p]` (array of p), a dict (closed object),
    `Including(dict)`, `Maybe(p)`.
    """
    failure = _test(value, pattern)
    if failure is not None:
        raise MatchError(*failure)


def _typeof(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "object"


def _shown(value: Any) -> str:
    return "null" if value is None else json.dumps(value, separators=(",", ":"))


def _join(key: str | int, path: str) -> str:
    if isinstance(key, int):
        head = f"[{key}]"
    elif _IDENTIFIER.match(key):
        head = f".{key}"
    else:
        head = f"[{json.dumps(key)}]"
    tail = path if path.startswith("[") or not path else f".{path}"
    return (head + tail).lstrip(".")


def _test(value: Any, pattern: Any) -> tuple[str, str] | None:
    if isinstance(pattern, Maybe):
        return None if value is None else _test(value, pattern.pattern)
    if pattern is str or pattern is bool:
        expected = "string" if pattern is str else "boolean"
        if _typeof(value) == expected:
            return None
        return f"Expected {expected}, got {_typeof(value)}", ""
    if isinstance(pattern, list):
        if not isinstance(value, list):
            return f"Expected array, got {_shown(value)}", ""
        for index, item in enumerate(value):
            failure = _test(item, pattern[0])
            if failure is not None:
                return failure[0], _join(index, failure[1])
        return None
    open_keys = isinstance(pattern, Including)
    fields: dict[str, Any] = pattern.fields if open_keys else pattern
    if not isinstance(value, dict) and (value is None or _typeof(value) != "object"):
        return f"Expected object, got {_typeof(value)}", ""
    if not isinstance(value, dict):
        return "Expected plain object", ""
    for key, item in value.items():
        if key in fields:
            failure = _test(item, fields[key])
            if failure is not None:
                return failure[0], _join(key, failure[1])
        elif not open_keys:
            return "Unknown key", _join(key, "")
    for key, sub in fields.items():
        if key not in value and not isinstance(sub, Maybe):
            return f"Missing key '{key}'", ""
    return None
