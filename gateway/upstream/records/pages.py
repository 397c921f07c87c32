"""Listings: one slice of records and the upstream's total for the filter."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, TypeVar

from gateway.upstream.records.decoding import malformed, record_of
from gateway.upstream.records.values import as_int

if TYPE_CHECKING:
    from collections.abc import Callable

    from gateway.upstream.records.values import JsonObject

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    """One slice of a listing and the upstream's total for the whole filter."""

    items: tuple[T, ...]
    offset: int
    total: int


def page_of(
    body: JsonObject, key: str, parse: Callable[[JsonObject], T], *, offset: int
) -> Page[T]:
    """Build a Page from a list envelope `{key: [...], offset, total}`.

    Only `total` is trusted for the size of the whole listing; the returned
    `count` is ignored (contacts.search echoes the requested page size there).
    """
    listed = body.get(key)
    if not isinstance(listed, list):
        raise malformed(f"`{key}` is not a list")
    total = as_int(body.get("total"))
    if total is None:
        raise malformed(f"the `{key}` listing has no `total`")
    items = tuple(parse(record_of(item, f"an item of `{key}`")) for item in listed)
    return Page(items=items, offset=offset, total=total)
