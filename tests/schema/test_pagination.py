"""Relay arguments → one upstream window, cursors, and the `last` tail case."""

from __future__ import annotations

import base64

import pytest

from gateway.errors import BadUserInputError
from gateway.schema.pagination import (
    Connection,
    Window,
    decode_cursor,
    encode_cursor,
    fetch_window,
    window,
)
from gateway.upstream.records import Page


def c(offset: int) -> str:
    return encode_cursor(offset)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        pytest.param({}, Window(0, 25), id="default-size"),
        pytest.param({"first": 10}, Window(0, 10), id="first"),
        pytest.param({"first": 10, "after": c(9)}, Window(10, 20), id="first-after"),
        pytest.param({"first": 0}, Window(0, 0), id="first-zero"),
        pytest.param({"last": 5, "before": c(20)}, Window(15, 20), id="last-before"),
        pytest.param({"last": 50, "before": c(20)}, Window(0, 20), id="last-clipped"),
        pytest.param({"before": c(3)}, Window(0, 3), id="before-only"),
        pytest.param(
            {"after": c(4), "before": c(8)}, Window(5, 8), id="after-and-before"
        ),
        pytest.param({"last": 5}, Window(0, None, tail=5), id="last-needs-total"),
        pytest.param(
            {"last": 5, "after": c(1)}, Window(2, None, tail=5), id="last-after"
        ),
        pytest.param({"first": 10, "last": 3}, Window(7, 10), id="first-then-last"),
        pytest.param(
            {"after": c(9), "before": c(2)}, Window(10, 10), id="crossed-cursors"
        ),
    ],
)
def test_window(args: dict[str, object], expected: Window) -> None:
    arguments: dict[str, object] = {
        "first": None,
        "after": None,
        "last": None,
        "before": None,
        **args,
    }
    assert window(**arguments, default_size=25, max_size=100) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param({"first": 101}, "`first` may be at most 100, got 101.", id="max"),
        pytest.param({"last": 101}, "`last` may be at most 100, got 101.", id="lmax"),
        pytest.param({"first": -1}, "`first` must not be negative.", id="negative"),
        pytest.param({"last": -3}, "`last` must not be negative.", id="lnegative"),
        pytest.param(
            {"after": "nonsense"},
            "`after` is not a cursor this API handed out.",
            id="garbage-cursor",
        ),
        pytest.param(
            {"before": base64.b64encode(b"offset:-4").decode()},
            "`before` is not a cursor this API handed out.",
            id="negative-cursor",
        ),
        pytest.param(
            {"after": base64.b64encode(b"arrayconnection:4").decode()},
            "`after` is not a cursor this API handed out.",
            id="foreign-cursor",
        ),
    ],
)
def test_bad_arguments(args: dict[str, object], message: str) -> None:
    arguments: dict[str, object] = {
        "first": None,
        "after": None,
        "last": None,
        "before": None,
        **args,
    }
    with pytest.raises(BadUserInputError) as caught:
        window(**arguments, default_size=25, max_size=100)  # type: ignore[arg-type]
    assert caught.value.message == message
    assert caught.value.extensions["code"] == "BAD_USER_INPUT"


def test_cursor_round_trip() -> None:
    assert [decode_cursor(encode_cursor(n), "after") for n in (0, 7, 12345)] == [
        0,
        7,
        12345,
    ]


class Listing:
    """A fake offset/count listing that records the windows it was asked for."""

    def __init__(self, total: int) -> None:
        self.data = list(range(total))
        self.calls: list[tuple[int, int]] = []

    async def __call__(self, offset: int, count: int) -> Page[int]:
        self.calls.append((offset, count))
        items = self.data[offset:] if count == 0 else self.data[offset : offset + count]
        return Page(items=tuple(items), offset=offset, total=len(self.data))


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("total", "win", "items", "calls"),
    [
        pytest.param(30, Window(5, 8), [5, 6, 7], [(5, 3)], id="one-call"),
        pytest.param(30, Window(3, 3), [], [(3, 1)], id="empty-asks-one-not-zero"),
        pytest.param(4, Window(0, None, 5), [0, 1, 2, 3], [(0, 5)], id="tail-fits"),
        pytest.param(
            30, Window(0, None, 5), [25, 26, 27, 28, 29], [(0, 5), (25, 5)], id="tail"
        ),
        pytest.param(
            30, Window(27, None, 5), [27, 28, 29], [(27, 5)], id="tail-after-cursor"
        ),
    ],
)
async def test_fetch_window(
    total: int, win: Window, items: list[int], calls: list[tuple[int, int]]
) -> None:
    listing = Listing(total)
    got, offset, got_total = await fetch_window(win, listing)
    assert (got, got_total, listing.calls) == (items, total, calls)
    assert offset == (items[0] if items else win.start)


def test_connection_page_info() -> None:
    page = Connection.of(["a", "b"], offset=3, total=6)
    assert [e.cursor for e in page.edges] == [c(3), c(4)]
    assert (
        page.page_info.has_previous_page,
        page.page_info.has_next_page,
        page.page_info.start_cursor,
        page.page_info.end_cursor,
        page.total_count,
    ) == (True, True, c(3), c(4), 6)
    last = Connection.of(["e", "f"], offset=4, total=6)
    assert (last.page_info.has_next_page, last.page_info.has_previous_page) == (
        False,
        True,
    )
