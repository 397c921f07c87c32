"""A small ajv 8 look-alike: coercion, closed schemas and ajv's messages.

Rocket.Chat validates query strings (and some bodies) with ajv using
`coerceTypes: "array"` and reports only the first error, except that `anyOf`
lists its branches' errors before its own. Keyword order per level follows
ajv's: type, required, additionalProperties, then properties in schema order.
"""

from __future__ import annotations

import math
import re
from typing import Any

Schema = dict[str, Any]

NUMBER = {"type": "number", "nullable": True}
STRING = {"type": "string"}
STRINGS = {"type": "array", "items": {"type": "string"}}
BOOLEAN = {"type": "boolean"}
NULLABLE_STRING = {"type": "string", "nullable": True}
NULLABLE_BOOLEAN = {"type": "boolean", "nullable": True}
PAGINATION: dict[str, Schema] = {"offset": NUMBER, "count": NUMBER, "sort": STRING}

_JS_WHITESPACE = (
    " \t\n\v\f\r\u00a0\u1680\u2028\u2029\u202f\u205f\u3000\ufeff"
    + "".join(chr(c) for c in range(0x2000, 0x200B))
)
_DECIMAL = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
_RADIX = re.compile(r"^0([xX][0-9a-fA-F]+|[oO][0-7]+|[bB][01]+)$")


class ValidationError(Exception):
    """Validation failed; `messages` are ajv's texts, in reporting order."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("\n ".join(messages))
        self.messages = messages


def closed(properties: dict[str, Schema], required: tuple[str, ...] = ()) -> Schema:
    """An object schema refusing unknown keys."""
    return {
        "type": "object",
        "properties": properties,
        "required": list(required),
        "additionalProperties": False,
    }


def js_number(text: str) -> float | None:
    """JavaScript's `+text` for strings; None where JS gives NaN."""
    stripped = text.strip(_JS_WHITESPACE)
    if not stripped:
        return 0.0
    if stripped in ("Infinity", "+Infinity"):
        return math.inf
    if stripped == "-Infinity":
        return -math.inf
    if _DECIMAL.match(stripped):
        return float(stripped)
    radix = _RADIX.match(stripped)
    if radix:
        return float(int(stripped, 0))
    return None


def _number(value: float) -> int | float:
    return int(value) if value.is_integer() and abs(value) < 2**53 else value


def _matches(value: Any, kind: str) -> bool:
    if kind == "string":
        return isinstance(value, str)
    if kind == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "object":
        return isinstance(value, dict)
    if kind == "array":
        return isinstance(value, list)
    if kind == "null":
        return value is None
    return False


def _coerce(value: Any, kind: str, arrays: bool = True) -> tuple[bool, Any]:
    """ajv's coercion of `value` to `kind`: (done, result)."""
    is_number = isinstance(value, int | float) and not isinstance(value, bool)
    if kind == "string":
        if value is None:
            return True, ""
        if isinstance(value, bool):
            return True, "true" if value else "false"
        if is_number:
            return True, js_string(value)
    elif kind == "number":
        if isinstance(value, bool):
            return True, int(value)
        if value is None:
            return True, 0
        if isinstance(value, str) and value:
            number = js_number(value)
            if number is not None:
                return True, _number(number)
    elif kind == "boolean":
        if value == "true" or (is_number and value == 1):
            return True, True
        if value == "false" or value is None or (is_number and value == 0):
            return True, False
    elif kind == "null":
        if value == "" or value is False or (is_number and value == 0):
            return True, None
    elif kind == "array" and arrays and not isinstance(value, list | dict):
        return True, [value]
    return False, value


def js_string(value: Any) -> str:
    """JavaScript's `String(value)` for JSON values."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e21:
        return str(int(value))
    if isinstance(value, list):
        return ",".join("" if item is None else js_string(item) for item in value)
    if isinstance(value, dict):
        return "[object Object]"
    return str(value)


def validate(schema: Schema, value: Any, *, arrays: bool = True) -> Any:
    """Return `value` coerced to `schema`; raise ValidationError on failure.

    `arrays=False` is ajv's `coerceTypes: true` (request bodies): scalars are
    still coerced, but a scalar is not wrapped into an array nor a
    one-element array unwrapped.
    """
    errors: list[str] = []
    result = _check(schema, value, errors, arrays)
    if errors:
        raise ValidationError(errors)
    return result


def _check(schema: Schema, value: Any, errors: list[str], arrays: bool = True) -> Any:
    if "anyOf" in schema:
        branch_errors: list[str] = []
        for branch in schema["anyOf"]:
            attempt: list[str] = []
            result = _check(branch, value, attempt, arrays)
            if not attempt:
                return result
            branch_errors.extend(attempt)
        errors.extend([*branch_errors, "must match a schema in anyOf"])
        return value
    value = _check_type(schema, value, errors, arrays)
    if errors:
        return value
    if "enum" in schema and value not in schema["enum"]:
        errors.append("must be equal to one of the allowed values")
        return value
    if isinstance(value, str) and schema.get("isNotEmpty") and not value.strip():
        errors.append('must pass "isNotEmpty" keyword validation')
        return value
    if isinstance(value, dict) and schema.get("type") == "object":
        return _check_object(schema, value, errors, arrays)
    if isinstance(value, list) and "items" in schema:
        items = []
        for item in value:
            items.append(_check(schema["items"], item, errors, arrays))
            if errors:
                return value
        return items
    return value


def _check_type(
    schema: Schema, value: Any, errors: list[str], arrays: bool = True
) -> Any:
    declared = schema.get("type")
    if declared is None:
        return value
    kinds = [declared] if isinstance(declared, str) else list(declared)
    if schema.get("nullable") and "null" not in kinds:
        kinds.append("null")
    if any(_matches(value, kind) for kind in kinds):
        return value
    if arrays and isinstance(value, list) and len(value) == 1 and "array" not in kinds:
        # coerceTypes "array": a one-element array stands for its element.
        return _check_type(schema, value[0], errors)
    for kind in kinds:
        ok, coerced = _coerce(value, kind, arrays)
        if ok:
            return coerced
    shown = [kind for kind in kinds if kind != "null" or "nullable" not in schema]
    errors.append(f"must be {','.join(shown)}")
    return value


def _check_object(
    schema: Schema, value: dict[str, Any], errors: list[str], arrays: bool = True
) -> Any:
    properties: dict[str, Schema] = schema.get("properties", {})
    for name in schema.get("required", []):
        if name not in value:
            errors.append(f"must have required property '{name}'")
            return value
    if schema.get("additionalProperties") is False and any(
        key not in properties for key in value
    ):
        errors.append("must NOT have additional properties")
        return value
    result = dict(value)
    for name, sub in properties.items():
        if name in value:
            result[name] = _check(sub, value[name], errors, arrays)
            if errors:
                return value
    return result
