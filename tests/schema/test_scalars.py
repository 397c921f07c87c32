"""DateTime speaks Rocket.Chat's format both ways."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from gateway.schema.scalars import parse_datetime, serialize_datetime


def test_serialize_is_utc_milliseconds_z() -> None:
    local = datetime(
        2024, 3, 14, 14, 21, 2, 239999, tzinfo=timezone(timedelta(hours=1))
    )
    assert serialize_datetime(local) == "2024-03-14T13:21:02.239Z"
    assert serialize_datetime(datetime(2024, 1, 1)) == "2024-01-01T00:00:00.000Z"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "2024-03-14T13:21:02.239Z",
            datetime(2024, 3, 14, 13, 21, 2, 239000, tzinfo=UTC),
        ),
        ("2024-03-14T13:21:02", datetime(2024, 3, 14, 13, 21, 2, tzinfo=UTC)),
        ("2024-03-14T14:21:02+01:00", datetime(2024, 3, 14, 13, 21, 2, tzinfo=UTC)),
    ],
)
def test_parse(text: str, expected: datetime) -> None:
    assert parse_datetime(text) == expected


@pytest.mark.parametrize("value", ["yesterday", 1710422462, None])
def test_parse_refuses_non_dates(value: object) -> None:
    with pytest.raises((TypeError, ValueError)):
        parse_datetime(value)
