"""The command line: help everywhere, --version, and settings errors at start."""

from __future__ import annotations

import argparse
import subprocess
import sys
from importlib.metadata import version

import pytest

from gateway.cli import build_parser, main


def subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    raise AssertionError("no subcommands")


def test_every_command_and_option_has_help() -> None:
    parser = build_parser()
    commands = subcommands(parser)
    assert {"serve", "config", "sandbox", "export-schema"} <= set(commands)
    helped = {
        action.dest
        for action in parser._actions
        if isinstance(action, argparse._SubParsersAction)
        for action in action._choices_actions
        if action.help
    }
    assert helped == set(commands)
    missing = [
        f"{name} {action.option_strings}"
        for name, command in commands.items()
        for action in command._actions
        if not action.help and action.option_strings
    ]
    assert missing == []
    assert all(command.description for command in commands.values())


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["--version"])
    assert caught.value.code == 0
    assert capsys.readouterr().out == f"rc-gateway {version('rc-gateway')}\n"


def test_serve_help_names_the_operating_options() -> None:
    usage = subcommands(build_parser())["serve"].format_help()
    for option in (
        "--log-level",
        "--log-format",
        "--root-path",
        "--forwarded-allow-ips",
        "--workers",
    ):
        assert option in usage


def test_serve_refuses_a_bad_setting_before_starting() -> None:
    child = subprocess.run(
        [sys.executable, "-m", "gateway", "serve", "--port", "1"],
        env={"GATEWAY_MAX_PAGE_SIZE": "500", "PATH": ""},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert child.returncode == 1
    assert child.stderr == (
        "rc-gateway: GATEWAY_MAX_PAGE_SIZE must be between 1 and 100, got 500\n"
    )


def test_serve_without_sandbox_needs_rocketchat_url() -> None:
    child = subprocess.run(
        [sys.executable, "-m", "gateway", "serve", "--port", "1"],
        env={"GATEWAY_SANDBOX": "false", "PATH": ""},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert child.returncode == 1
    assert child.stderr == (
        "rc-gateway: ROCKETCHAT_URL must be set when GATEWAY_SANDBOX is false\n"
    )
