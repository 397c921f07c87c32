"""Logins as Rocket.Chat answers them: token shape, digest passwords, no secrets."""

from __future__ import annotations

import hashlib
import re

import httpx

TOKEN = re.compile(r"^[A-Za-z0-9_-]{43}$")


def test_login_token_shape_and_no_secrets_in_profiles(demo_sandbox_url: str) -> None:
    with httpx.Client(base_url=f"{demo_sandbox_url}/api/v1/") as client:
        login = client.post("login", json={"username": "agent", "password": "demo"})
        data = login.json()["data"]
        headers = {"X-User-Id": data["userId"], "X-Auth-Token": data["authToken"]}
        me = client.get("me", headers=headers).json()
    assert TOKEN.match(data["authToken"])
    assert "services" not in data["me"]
    assert "services" not in me
    assert {k: v for k, v in me.items() if k != "success"} == data["me"]


def test_sha256_digest_password_logs_in(demo_sandbox_url: str) -> None:
    digest = hashlib.sha256(b"demo").hexdigest()
    with httpx.Client(base_url=f"{demo_sandbox_url}/api/v1/") as client:
        good = client.post(
            "login",
            json={
                "user": "viewer",
                "password": {"digest": digest, "algorithm": "sha-256"},
            },
        )
        bad = client.post(
            "login",
            json={"user": "viewer", "password": {"digest": digest, "algorithm": "md5"}},
        )
    assert good.status_code == 200
    assert good.json()["data"]["me"]["username"] == "viewer"
    assert (bad.status_code, bad.json()) == (
        401,
        {
            "success": False,
            "status": "error",
            "error": "Unauthorized",
            "message": "Unauthorized",
        },
    )


def test_email_login_ignores_case_and_resume_keeps_the_token(
    demo_sandbox_url: str,
) -> None:
    with httpx.Client(base_url=f"{demo_sandbox_url}/api/v1/") as client:
        first = client.post(
            "login", json={"user": "Admin@Example.com", "password": "demo"}
        ).json()["data"]
        again = client.post("login", json={"resume": first["authToken"]}).json()["data"]
    assert first["me"]["username"] == "admin"
    assert (again["userId"], again["authToken"]) == (
        first["userId"],
        first["authToken"],
    )
