"""Query strings parsed as Express's `qs` does: repeats and `a[]` make arrays."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote_plus

_KEY = re.compile(r"^([^\[\]]+)((?:\[[^\[\]]*\])*)$")
_SUB = re.compile(r"\[([^\[\]]*)\]")
ARRAY_INDEX_LIMIT = 20


def split_query(raw: bytes | str) -> list[tuple[str, str]]:
    """The decoded `(key, value)` pairs of a raw query string, in order."""
    text = raw.decode("latin-1") if isinstance(raw, bytes) else raw
    pairs: list[tuple[str, str]] = []
    for part in text.split("&"):
        if not part:
            continue
        key, _, value = part.partition("=")
        pairs.append((_decode(key), _decode(value)))
    return pairs


def _decode(text: str) -> str:
    return unquote_plus(text.encode("latin-1").decode("utf-8", "replace"))


def parse_query(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """Nest pairs qs-style: `a=1&a=2` and `a[]=1` give lists, `a[b]=1` a dict."""
    result: dict[str, Any] = {}
    for key, value in pairs:
        if not key:
            continue
        match = _KEY.match(key)
        if match is None:
            _merge(result, key, [], value)
        else:
            _merge(result, match.group(1), _SUB.findall(match.group(2)), value)
    return result


def _merge(target: dict[str, Any], name: str, subs: list[str], value: str) -> None:
    existing = target.get(name)
    if not subs:
        if name not in target:
            target[name] = value
        elif isinstance(existing, list):
            existing.append(value)
        elif isinstance(existing, dict):
            existing[str(len(existing))] = value
        else:
            target[name] = [existing, value]
        return
    head, rest = subs[0], subs[1:]
    is_index = head == "" or (head.isdigit() and int(head) <= ARRAY_INDEX_LIMIT)
    if is_index and not rest and not isinstance(existing, dict):
        if existing is None:
            target[name] = [value]
        elif isinstance(existing, list):
            existing.append(value)
        else:
            target[name] = [existing, value]
        return
    if not isinstance(existing, dict):
        converted: dict[str, Any] = {}
        if isinstance(existing, list):
            converted = {str(i): item for i, item in enumerate(existing)}
        elif existing is not None:
            converted = {"0": existing}
        target[name] = existing = converted
    _merge(existing, head or str(len(existing)), rest, value)
