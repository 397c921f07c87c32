"""DateTime speaks Rocket.Chat's format both ways."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given, strategies as st

from gateway.schema.scalars import parse_datetime, serialize_datetime


def test_serialize_is_utc_milliseconds_z() -> None:
    local = datetime(
        2024, 3, 14, 14, 21, 2, 239999, tzinfo=timezone(timedelta(hours=1))
    )
    assert serialize_datetime(local) == "2024-03-14T13:21:02.239Z"
    assert serialize_datetime(datetime(2024, 1, 1)) == "2024-01-01T00:00:00.000Z"


def reference(value: datetime) -> str:
    """The format by its definition: UTC, isoformat's milliseconds, `Z`."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    text = value.astimezone(UTC).isoformat(timespec="milliseconds")
    return text.replace("+00:00", "Z")


@given(
    st.datetimes(
        min_value=datetime(1, 1, 2),
        max_value=datetime(9999, 12, 30),
        timezones=st.sampled_from(
            [
                None,
                UTC,
                timezone(timedelta(0)),
                timezone(timedelta(hours=-5, minutes=-30)),
            ]
        ),
    )
)
def test_serialize_agrees_with_isoformat(value: datetime) -> None:
    assert serialize_datetime(value) == reference(value)


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
