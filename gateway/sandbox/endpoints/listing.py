"""Paging (`offset`/`count`) and `sort` parsing shared by the list endpoints (§0.6)."""

from __future__ import annotations

import json
import math
from typing import TYPE_CHECKING, Any

from ..compat.ajv import js_string
from ..http.errors import coded, plain

if TYPE_CHECKING:
    from ..store.sqlite import Store

DEFAULT_COUNT = 50
MAX_COUNT = 100

Sort = list[tuple[str, int]]


def _js_parse_int(value: Any) -> int | None:
    """JavaScript's `parseInt(String(value))` for a coerced number."""
    if not isinstance(value, int | float) or isinstance(value, bool):
        return None
    if math.isnan(value) or math.isinf(value):
        return None
    if isinstance(value, float) and abs(value) >= 1e21:
        # String(1e21) is "1e+21", which parseInt reads as 1.
        return 1 if value > 0 else -1
    return int(value)


def _number_setting(store: Store, setting: str, default: int) -> int:
    value = store.setting(setting, default)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return default
    return int(value)


def paging(query: dict[str, Any], store: Store) -> tuple[int, int]:
    """`(offset, count)` after Rocket.Chat's rules; count 0 means no limit.

    The defaults come from the settings `API_Default_Count` (50),
    `API_Upper_Count_Limit` (100) and `API_Allow_Infinite_Count` (true).
    """
    default = _number_setting(store, "API_Default_Count", DEFAULT_COUNT)
    upper = _number_setting(store, "API_Upper_Count_Limit", MAX_COUNT)
    raw_offset = query.get("offset")
    offset = (_js_parse_int(raw_offset) or 0) if raw_offset else 0
    raw_count = query.get("count")
    if raw_count is None:
        count = default
    else:
        parsed = _js_parse_int(raw_count)
        count = upper if parsed is None else parsed
    count = min(count, upper)
    if count == 0 and store.setting("API_Allow_Infinite_Count", True) is False:
        count = default
    return offset, count


def skip(offset: int) -> int:
    """The offset for the database, which refuses a negative one (at query time)."""
    if offset < 0:
        raise plain(f"BSON field 'skip' value must be >= 0, actual value {offset}")
    return offset


def limit_of(count: int) -> int | None:
    """The database limit for a page size: 0 is unlimited, negative is |count|."""
    return None if count == 0 else abs(count)


def parse_sort(query: dict[str, Any], default: Sort) -> Sort:
    """The `sort` parameter as `[(field, ±1)]`; raises the error-invalid-sort error."""
    raw = query.get("sort")
    if not raw:
        return list(default)
    if not isinstance(raw, str):
        # JSON.parse first turns the value into a string, as JavaScript does.
        raw = js_string(raw)
    try:
        parsed = json.loads(raw)
    except ValueError:
        raise _invalid_sort(raw) from None
    if isinstance(parsed, dict):
        entries = list(parsed.items())
    elif isinstance(parsed, list | str):
        entries = [(str(i), item) for i, item in enumerate(parsed)]
    elif parsed is None:
        raise _invalid_sort(raw)
    else:
        entries = []
    sort: Sort = []
    for field, direction in entries:
        if isinstance(direction, bool) or direction not in (1, -1):
            raise _invalid_sort(raw)
        sort.append((field, int(direction)))
    return sort


def _invalid_sort(raw: str) -> Exception:
    return coded(
        "error-invalid-sort",
        f'Invalid sort parameter provided: "{raw}"',
        {"helperMethod": "parseJsonQuery"},
    )


def listing(
    key: str, items: list[dict[str, Any]], offset: int, total: int
) -> dict[str, Any]:
    """The standard list payload: items, count returned, offset, total."""
    return {key: items, "count": len(items), "offset": offset, "total": total}
