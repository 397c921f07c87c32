"""Settings: environment names, the ROCKETCHAT_URL alias, and precedence."""

from __future__ import annotations

import pydantic
import pytest

from gateway.config import Settings


def test_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ROCKETCHAT_URL", raising=False)
    settings = Settings()
    assert (
        settings.rocketchat_url,
        settings.upstream_timeout,
        settings.default_page_size,
        settings.max_page_size,
        settings.max_fan_out,
        settings.retry_reads,
    ) == (None, 5.0, 25, 100, 100, True)


def test_environment_and_constructor(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ROCKETCHAT_URL", "https://chat.example.com")
    monkeypatch.setenv("GATEWAY_MAX_FAN_OUT", "4")
    monkeypatch.setenv("GATEWAY_UPSTREAM_TIMEOUT", "2.5")
    settings = Settings(max_fan_out=7)
    assert str(settings.rocketchat_url) == "https://chat.example.com/"
    assert (settings.max_fan_out, settings.upstream_timeout) == (7, 2.5)


@pytest.mark.parametrize(
    "changes",
    [
        {"max_page_size": 101},
        {"max_page_size": 0},
        {"max_fan_out": 0},
        {"upstream_timeout": 0},
    ],
)
def test_out_of_range_values_are_refused(changes: dict[str, object]) -> None:
    with pytest.raises(pydantic.ValidationError):
        Settings(**changes)  # type: ignore[arg-type]
