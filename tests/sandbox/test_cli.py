"""`rc-gateway sandbox`: the banner, serving, and a database that survives restarts."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
from typing import TYPE_CHECKING

import httpx

if TYPE_CHECKING:
    from pathlib import Path

BANNER_URL = re.compile(r"^Rocket\.Chat livechat sandbox on (http://\S+) ")
BANNER_USER = re.compile(
    r"^  (admin|agent|viewer) +id (\S+) +password (.+?) +roles (.+)$"
)


def _start(db: Path, *extra: str) -> tuple[subprocess.Popen[str], str, dict[str, str]]:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gateway",
            "sandbox",
            "--port",
            "0",
            "--db",
            str(db),
            "--visitors",
            "6",
            "--rooms",
            "12",
            "--contacts",
            "4",
            *extra,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    url, users = "", {}
    for line in process.stdout:
        if found := BANNER_URL.match(line):
            url = found.group(1)
        if found := BANNER_USER.match(line):
            users[found.group(1)] = (
                f"{found.group(2)} {found.group(3)} {found.group(4)}"
            )
        if line.startswith("knobs:"):
            break
    assert url, process.stderr.read() if process.stderr else ""
    return process, url, users


def _stop(process: subprocess.Popen[str]) -> None:
    process.terminate()
    _, errors = process.communicate(timeout=10)
    # uvicorn shuts down cleanly, then re-raises the signal it caught.
    assert process.returncode == -signal.SIGTERM, errors


def test_banner_lists_demo_users_and_data_survives_a_restart(tmp_path: Path) -> None:
    db = tmp_path / "sandbox.sqlite3"
    process, url, users = _start(db, "--password", "s3cret")
    try:
        assert sorted(users) == ["admin", "agent", "viewer"]
        assert [
            users[name].split(" ", 1)[1] for name in ("admin", "agent", "viewer")
        ] == [
            "s3cret admin",
            "s3cret user, livechat-agent",
            "s3cret user",
        ]
        login = httpx.post(
            f"{url}/api/v1/login", json={"user": "viewer", "password": "s3cret"}
        )
        assert login.json()["data"]["userId"] == users["viewer"].split()[0]
        first = httpx.post(
            f"{url}/api/v1/livechat/visitor", json={"visitor": {"token": "keep"}}
        )
        assert first.json()["visitor"]["username"] == "guest-8"
    finally:
        _stop(process)

    process, url, again = _start(db)
    try:
        # Same users, not re-seeded; the password is the one the data was made with.
        assert {k: v.split()[0] for k, v in again.items()} == {
            k: v.split()[0] for k, v in users.items()
        }
        assert again["admin"].split()[1] == "(set"
        kept = httpx.get(f"{url}/api/v1/livechat/visitor/keep")
        assert kept.json()["visitor"]["username"] == "guest-8"
        second = httpx.post(
            f"{url}/api/v1/livechat/visitor", json={"visitor": {"token": "new"}}
        )
        assert second.json()["visitor"]["username"] == "guest-9"
    finally:
        _stop(process)


def test_knob_options_reach_the_running_sandbox(tmp_path: Path) -> None:
    process, url, _ = _start(
        tmp_path / "k.sqlite3",
        "--latency-ms",
        "5",
        "--fault-kind",
        "drop",
        "--rate-limit",
    )
    try:
        knobs = httpx.get(f"{url}/_sandbox/options").json()
        assert {k: knobs[k] for k in ("latency_ms", "fault_kind", "rate_limit")} == {
            "latency_ms": 5.0,
            "fault_kind": "drop",
            "rate_limit": True,
        }
    finally:
        _stop(process)


def test_unreadable_fixture_is_a_clear_error(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "gateway",
            "sandbox",
            "--port",
            "0",
            "--db",
            ":memory:",
            "--fixture",
            str(tmp_path / "missing.json"),
        ],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 1
    assert "rc-gateway sandbox: cannot read fixture" in result.stderr
