"""The paged listing every list endpoint answers with: `offset`/`count` and
`sort` parsed as Rocket.Chat does (§0.6), one page fetched, the list payload."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..compat.ajv import js_string
from ..http.errors import coded, plain

if TYPE_CHECKING:
    from collections.abc import Sequence

    from ..store.sqlite import Doc, Store

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


@dataclass(frozen=True)
class Window:
    """One page of a list endpoint, read from its query before anything else."""

    offset: int
    count: int
    sort: Sort

    @classmethod
    def of(cls, query: dict[str, Any], store: Store, default_sort: Sort) -> Window:
        """Paging, then sort (so their errors come in Rocket.Chat's order)."""
        offset, count = paging(query, store)
        return cls(offset, count, parse_sort(query, default_sort))

    def fetch(
        self, store: Store, collection: str, where: str, params: Sequence[object]
    ) -> tuple[list[Doc], int]:
        """The page's documents and the total matching `where`."""
        total = store.count(collection, where, params)
        found = store.find(
            collection,
            where,
            params,
            self.sort,
            skip(self.offset),
            limit_of(self.count),
        )
        return found, total

    def listing(
        self, key: str, items: list[Doc], total: int, *, count: int | None = None
    ) -> dict[str, Any]:
        """The list payload; `count` is the items returned unless given (some
        endpoints report the page size instead)."""
        return {
            key: items,
            "count": len(items) if count is None else count,
            "offset": self.offset,
            "total": total,
        }
