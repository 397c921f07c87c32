"""Demo data: deterministic, sized by the options, shaped as Rocket.Chat stores it."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import httpx

from gateway.sandbox import SandboxOptions
from gateway.sandbox.seed import demo_documents

if TYPE_CHECKING:
    from collections.abc import Callable

HEX24 = re.compile(r"^[0-9a-f]{24}$")
METEOR = re.compile(r"^[23456789ABCDEFGHJKLMNPQRSTWXYZabcdefghijkmnopqrstuvwxyz]{17}$")
ISO = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")


def _without_secrets(documents: dict[str, list[dict[str, object]]]) -> object:
    # Password hashes are salted at random; everything else must repeat.
    return {
        name: [{k: v for k, v in doc.items() if k != "services"} for doc in docs]
        for name, docs in documents.items()
    }


def test_same_seed_gives_same_documents() -> None:
    first = demo_documents(SandboxOptions(seed=7, visitors=20, rooms=50, contacts=10))
    second = demo_documents(SandboxOptions(seed=7, visitors=20, rooms=50, contacts=10))
    other = demo_documents(SandboxOptions(seed=8, visitors=20, rooms=50, contacts=10))
    assert _without_secrets(first) == _without_secrets(second)
    assert _without_secrets(first) != _without_secrets(other)


def test_sizes_follow_the_options() -> None:
    docs = demo_documents(SandboxOptions(visitors=12, rooms=34, contacts=5))
    assert (
        len(docs["livechat_visitor"]),
        len(docs["rocketchat_room"]),
        len(docs["livechat_contact"]),
    ) == (12, 34, 5)


def test_demo_users_log_in_and_ids_look_like_rocket_chat(
    demo_sandbox_url: str, login: Callable[[str], dict[str, str]]
) -> None:
    for username, roles in (
        ("admin", ["admin"]),
        ("agent", ["user", "livechat-agent"]),
        ("viewer", ["user"]),
    ):
        me = httpx.get(f"{demo_sandbox_url}/api/v1/me", headers=login(username))
        assert me.status_code == 200, me.text
        body = me.json()
        assert (body["username"], body["roles"], body["success"]) == (
            username,
            roles,
            True,
        )
        assert METEOR.match(body["_id"])
