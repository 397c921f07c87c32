"""Settings: environment names, the ROCKETCHAT_URL alias, and precedence."""

from __future__ import annotations

import os
import typing

import pydantic
import pytest

from gateway.cli import main
from gateway.config import (
    ConfigError,
    Settings,
    env_name,
    is_secret,
    load_settings,
    unknown_variables,
)


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


def _env(monkeypatch: pytest.MonkeyPatch, **values: str) -> None:
    for name in list(os.environ):
        if name.startswith("GATEWAY_") or name == "ROCKETCHAT_URL":
            monkeypatch.delenv(name)
    for name, value in values.items():
        monkeypatch.setenv(name, value)


@pytest.mark.parametrize(
    ("environment", "message"),
    [
        pytest.param(
            {"GATEWAY_MAX_PAGE_SIZE": "500"},
            "GATEWAY_MAX_PAGE_SIZE must be between 1 and 100, got 500",
            id="out-of-range",
        ),
        pytest.param(
            {"GATEWAY_MAX_FAN_OUT": "0"},
            "GATEWAY_MAX_FAN_OUT must be at least 1, got 0",
            id="below-minimum",
        ),
        pytest.param(
            {"GATEWAY_UPSTREAM_TIMEOUT": "soon"},
            "GATEWAY_UPSTREAM_TIMEOUT must be a number, got soon",
            id="not-a-number",
        ),
        pytest.param(
            {"GATEWAY_UPSTREAM_TIMEOUT": "0"},
            "GATEWAY_UPSTREAM_TIMEOUT must be greater than 0, got 0",
            id="not-positive",
        ),
        pytest.param(
            {"GATEWAY_MAX_CONNECTIONS": "1.5"},
            "GATEWAY_MAX_CONNECTIONS must be a whole number, got 1.5",
            id="not-whole",
        ),
        pytest.param(
            {"GATEWAY_RETRY_READS": "maybe"},
            "GATEWAY_RETRY_READS must be true or false, got maybe",
            id="not-boolean",
        ),
        pytest.param(
            {"ROCKETCHAT_URL": "chat.example.com"},
            "ROCKETCHAT_URL must be an http:// or https:// URL, got chat.example.com",
            id="not-a-url",
        ),
        pytest.param(
            {"GATEWAY_LOG_FORMAT": "xml"},
            "GATEWAY_LOG_FORMAT must be one of 'text' or 'json', got xml",
            id="not-a-choice",
        ),
        pytest.param(
            {"GATEWAY_ROOT_PATH": "chat/"},
            "GATEWAY_ROOT_PATH must start with / and not end with /, got chat/",
            id="bad-root-path",
        ),
        pytest.param(
            {"GATEWAY_FORWARDED_ALLOW_IPS": "10.0.0.0/8, proxy"},
            "GATEWAY_FORWARDED_ALLOW_IPS must be addresses or networks separated "
            "by commas, or *, got '10.0.0.0/8, proxy'",
            id="bad-network",
        ),
        pytest.param(
            {"GATEWAY_DEMO_HEADERS": "{secret"},
            "GATEWAY_DEMO_HEADERS must be a JSON object, got ********",
            id="secret-not-echoed",
        ),
        pytest.param(
            {"GATEWAY_DEFAULT_PAGE_SIZE": "50", "GATEWAY_MAX_PAGE_SIZE": "20"},
            "GATEWAY_DEFAULT_PAGE_SIZE (50) must not exceed GATEWAY_MAX_PAGE_SIZE (20)",
            id="default-above-max",
        ),
        pytest.param(
            {"GATEWAY_SANDBOX": "false"},
            "ROCKETCHAT_URL must be set when GATEWAY_SANDBOX is false",
            id="production-without-upstream",
        ),
    ],
)
def test_invalid_settings_are_one_line_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, environment: dict[str, str], message: str
) -> None:
    _env(monkeypatch, **environment)
    with pytest.raises(ConfigError) as caught:
        load_settings()
    assert str(caught.value) == message


def test_a_lowered_maximum_takes_the_default_down(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _env(monkeypatch, GATEWAY_MAX_PAGE_SIZE="10")
    settings = load_settings()
    assert (settings.default_page_size, settings.max_page_size) == (10, 10)


def test_command_line_overrides_are_named_as_options(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _env(monkeypatch, GATEWAY_ROOT_PATH="/fine")
    with pytest.raises(ConfigError) as caught:
        load_settings({"root_path": "nope"}, options={"root_path": "--root-path"})
    assert str(caught.value) == (
        "--root-path must start with / and not end with /, got nope"
    )


# A value no setting of that type accepts; str settings without a rule take any.
BAD_VALUES = {int: "many", float: "lots", bool: "perhaps", dict: "{"}


@pytest.mark.parametrize("field", list(Settings.model_fields))
def test_every_setting_explains_a_bad_value_on_one_line(
    monkeypatch: pytest.MonkeyPatch, field: str
) -> None:
    annotation = Settings.model_fields[field].annotation
    kinds = [
        kind
        for kind in BAD_VALUES
        if annotation is kind
        or kind in typing.get_args(annotation)
        or typing.get_origin(annotation) is kind
        or kind in {typing.get_origin(arg) for arg in typing.get_args(annotation)}
    ]
    if typing.get_origin(annotation) is typing.Literal:
        value = "not-one-of-them"
    elif kinds:
        value = BAD_VALUES[kinds[0]]
    elif field == "rocketchat_url":
        value = "nowhere"
    else:
        value = "   "  # str settings: blank must be accepted or explained
    _env(monkeypatch, **{env_name(field): value})
    try:
        load_settings()
    except ConfigError as exc:
        message = str(exc)
        assert message.startswith(env_name(field) + " must ")
        assert "\n" not in message
        assert "validation error" not in message
        if is_secret(field):
            assert value not in message.removeprefix(env_name(field))
    else:
        assert not kinds, f"{env_name(field)}={value!r} was accepted"


def test_unknown_variables_are_warned_with_the_closest_match() -> None:
    environ = {
        "GATEWAY_MAX_PAGESIZE": "3",
        "GATEWAY_ZZZ": "1",
        "GATEWAY_MAX_PAGE_SIZE": "3",
        "OTHER": "x",
    }
    assert unknown_variables(environ) == [
        "GATEWAY_MAX_PAGESIZE is not a setting and is ignored; did you mean "
        "GATEWAY_MAX_PAGE_SIZE?",
        "GATEWAY_ZZZ is not a setting and is ignored",
    ]


def test_config_command_prints_effective_settings_masked(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _env(
        monkeypatch,
        ROCKETCHAT_URL="https://bot:hunter2@chat.example.com",
        GATEWAY_MAX_FAN_OUT="4",
        GATEWAY_DEMO_HEADERS='{"X-Auth-Token": "tok-secret"}',
        GATEWAY_MAX_FANOUT="4",
    )
    main(["config"])
    out, err = capsys.readouterr()
    rows = {line.split()[0]: line.split()[1:] for line in out.splitlines()}
    assert set(rows) == {env_name(field) for field in Settings.model_fields}
    assert rows["ROCKETCHAT_URL"] == [
        "https://bot:********@chat.example.com/",
        "(environment)",
    ]
    assert rows["GATEWAY_MAX_FAN_OUT"] == ["4", "(environment)"]
    assert rows["GATEWAY_MAX_PAGE_SIZE"] == ["100", "(default)"]
    assert rows["GATEWAY_DEMO_HEADERS"] == ["********", "(environment)"]
    assert "hunter2" not in out + err
    assert "tok-secret" not in out + err
    assert err == (
        "rc-gateway: warning: GATEWAY_MAX_FANOUT is not a setting and is ignored; "
        "did you mean GATEWAY_MAX_FAN_OUT?\n"
    )


def test_config_command_refuses_bad_values_in_one_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _env(monkeypatch, GATEWAY_MAX_PAGE_SIZE="500")
    with pytest.raises(SystemExit) as caught:
        main(["config"])
    assert str(caught.value) == (
        "rc-gateway: GATEWAY_MAX_PAGE_SIZE must be between 1 and 100, got 500"
    )
