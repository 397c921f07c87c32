"""Users and credentials: login, logout, me, and header authentication (§0.2, §L)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from typing import TYPE_CHECKING, Any

from ..http.errors import ApiError, unauthenticated
from ..store.ids import now_iso
from ..store.sqlite import any_element

if TYPE_CHECKING:
    from ..http.request import ApiRequest
    from ..store.sqlite import Doc, Store

PBKDF2_ROUNDS = 2000
LOGIN_FAILED = {
    "success": False,
    "status": "error",
    "error": "Unauthorized",
    "message": "Unauthorized",
}


def hash_token(token: str) -> str:
    """How Rocket.Chat stores a resume token: base64(SHA-256(token))."""
    return base64.b64encode(hashlib.sha256(token.encode()).digest()).decode()


def _digest(password: str) -> str:
    # Meteor hashes the SHA-256 hex digest of the password, so clients may
    # send `{"digest", "algorithm": "sha-256"}` instead of the plain text.
    return hashlib.sha256(password.encode()).hexdigest()


def password_record(password: str, salt: str | None = None) -> dict[str, str]:
    salt = salt or secrets.token_hex(8)
    derived = hashlib.pbkdf2_hmac(
        "sha256", _digest(password).encode(), salt.encode(), PBKDF2_ROUNDS
    )
    return {"salt": salt, "hash": derived.hex(), "rounds": str(PBKDF2_ROUNDS)}


def prepare_user(doc: Doc, password: str | None = None) -> Doc:
    """Move a plain `password` (or the given one) into `services.password`."""
    user = dict(doc)
    plain_password = user.pop("password", None)
    if plain_password is None:
        plain_password = password
    if isinstance(plain_password, str):
        services = dict(user.get("services") or {})
        services["password"] = {"pbkdf2": password_record(plain_password)}
        user["services"] = services
    return user


def check_password(user: Doc, given: Any) -> bool:
    record = ((user.get("services") or {}).get("password") or {}).get("pbkdf2")
    if not isinstance(record, dict):
        return False
    if isinstance(given, str):
        digest = _digest(given)
    elif (
        isinstance(given, dict)
        and given.get("algorithm") == "sha-256"
        and isinstance(given.get("digest"), str)
    ):
        digest = given["digest"].lower()
    else:
        return False
    derived = hashlib.pbkdf2_hmac(
        "sha256",
        digest.encode(),
        str(record.get("salt", "")).encode(),
        int(record.get("rounds", PBKDF2_ROUNDS)),
    )
    return hmac.compare_digest(derived.hex(), str(record.get("hash", "")))


def _tokens(user: Doc) -> list[Any]:
    resume = (user.get("services") or {}).get("resume") or {}
    tokens = resume.get("loginTokens") or []
    return tokens if isinstance(tokens, list) else []


def _holds(user: Doc, hashed: str) -> bool:
    return any(
        isinstance(item, dict) and item.get("hashedToken") == hashed
        for item in _tokens(user)
    )


def authenticate(store: Store, user_id: str | None, token: str | None) -> Doc:
    """The user owning this id/token pair; raises the 401 error otherwise."""
    if not user_id or not token:
        raise unauthenticated()
    user = store.get("users", user_id)
    if user is None or not _holds(user, hash_token(token)):
        raise unauthenticated()
    return user


def find_login_user(store: Store, body: dict[str, Any]) -> Doc | None:
    name = body.get("user")
    username = body.get("username")
    email = body.get("email")
    if isinstance(name, str):
        if "@" in name:
            email = name
        else:
            username = name
    if isinstance(username, str):
        return store.find_one("users", "username = ?", (username,))
    if isinstance(email, str):
        return store.find_one(
            "users",
            any_element("$.emails", "address", "{} COLLATE NOCASE = ?"),
            (email.strip().lower(),),
        )
    return None


def profile(user: Doc) -> Doc:
    """The `me` document: the user without services or secrets."""
    me = {key: value for key, value in user.items() if key != "services"}
    me.setdefault("status", "offline")
    me.setdefault("roles", [])
    me.setdefault("settings", {"preferences": {}})
    return me


async def login(req: ApiRequest) -> dict[str, Any]:
    body = req.body_params()
    if not isinstance(body, dict):
        raise ApiError(401, dict(LOGIN_FAILED))
    store = req.store
    with store.transaction():
        resume = body.get("resume")
        if isinstance(resume, str):
            user = store.find_one(
                "users",
                any_element("$.services.resume.loginTokens", "hashedToken", "{} = ?"),
                (hash_token(resume),),
            )
            token = resume
        else:
            user = find_login_user(store, body)
            if user is None or not check_password(user, body.get("password")):
                user = None
            token = secrets.token_urlsafe(32)
        if user is None:
            raise ApiError(401, dict(LOGIN_FAILED))
        if not isinstance(resume, str):
            services = dict(user.get("services") or {})
            resume_service = dict(services.get("resume") or {})
            tokens = [
                *_tokens(user),
                {"when": now_iso(), "hashedToken": hash_token(token)},
            ]
            resume_service["loginTokens"] = tokens
            services["resume"] = resume_service
            user["services"] = services
            store.save("users", user)
    return {
        "status": "success",
        "data": {"userId": user["_id"], "authToken": token, "me": profile(user)},
    }


async def logout(req: ApiRequest) -> dict[str, Any]:
    store = req.store
    hashed = hash_token(req.headers.get("x-auth-token", ""))
    with store.transaction():
        user = store.get("users", req.current_user["_id"]) or req.current_user
        services = dict(user.get("services") or {})
        resume = dict(services.get("resume") or {})
        resume["loginTokens"] = [
            item
            for item in _tokens(user)
            if not (isinstance(item, dict) and item.get("hashedToken") == hashed)
        ]
        services["resume"] = resume
        user["services"] = services
        store.save("users", user)
    return {"status": "success", "data": {"message": "You've been logged out!"}}


async def me(req: ApiRequest) -> dict[str, Any]:
    return profile(req.current_user)
