"""Shared helpers for the sandbox contract tests: fixture data, servers, logins."""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx

from gateway.sandbox import SandboxOptions, create_sandbox_app, login
from gateway.serving import serve_in_thread

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator

FIXTURE_PATH = Path(__file__).parent / "fixtures" / "contract.json"

Doc = dict[str, Any]

UNAUTHENTICATED = {
    "success": False,
    "error": "You must be logged in to do this.",
    "status": "error",
    "message": "You must be logged in to do this.",
}
FORBIDDEN = {
    "success": False,
    "error": "User does not have the permissions required for this action "
    "[error-unauthorized]",
}
ROOMS_FORBIDDEN = {"success": False, "error": "unauthorized"}
ISO_MS_Z = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")
HEX24 = re.compile(r"^[0-9a-f]{24}$")
_ISO_IN = re.compile(
    r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$"
)


def invalid_params(message: str) -> Doc:
    """The body of a schema-validation failure (CONTRACT §0.4)."""
    return {
        "success": False,
        "error": f"{message} [invalid-params]",
        "errorType": "invalid-params",
    }


def invalid_sort(raw: str) -> Doc:
    """The body of a refused `sort` parameter (CONTRACT §0.6)."""
    return {
        "success": False,
        "error": f'Invalid sort parameter provided: "{raw}" [error-invalid-sort]',
        "errorType": "error-invalid-sort",
        "details": {"helperMethod": "parseJsonQuery"},
    }


def iso(value: Any) -> str:
    """Render a fixture date (ISO string or epoch ms) as the API does."""
    if isinstance(value, int | float):
        moment = dt.datetime.fromtimestamp(value / 1000, dt.UTC)
    else:
        moment = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    moment = moment.astimezone(dt.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def normalize(value: Any) -> Any:
    """A fixture value as the API serialises it: every date as ISO with `Z`."""
    if isinstance(value, dict):
        if set(value) == {"$date"}:
            return iso(value["$date"])
        return {key: normalize(item) for key, item in value.items()}
    if isinstance(value, list):
        return [normalize(item) for item in value]
    if isinstance(value, str) and _ISO_IN.match(value):
        return iso(value)
    return value


def project(doc: Doc, keys: Iterable[str]) -> Doc:
    """The keys of `doc` that are in `keys`, in the document's own order."""
    wanted = set(keys)
    return {key: value for key, value in doc.items() if key in wanted}


def without(doc: Doc, *keys: str) -> Doc:
    return {key: value for key, value in doc.items() if key not in keys}


def ids(docs: Iterable[Doc]) -> list[str]:
    return [doc["_id"] for doc in docs]


def newest_first(docs: Iterable[Doc], key: str = "ts") -> list[Doc]:
    return sorted(docs, key=lambda doc: doc[key], reverse=True)


@dataclass
class Fixture:
    """The contract fixture, read as the tests' source of expected values."""

    raw: dict[str, list[Doc]]

    @classmethod
    def load(cls, path: Path = FIXTURE_PATH) -> Fixture:
        return cls(json.loads(path.read_text(encoding="utf-8")))

    def copy_raw(self) -> dict[str, list[Doc]]:
        return copy.deepcopy(self.raw)

    def docs(self, collection: str) -> list[Doc]:
        """All documents of a collection, as the API would serialise them."""
        return [normalize(doc) for doc in self.raw[collection]]

    def by_ref(self, collection: str, ref: str) -> Doc:
        for doc in self.docs(collection):
            if doc.get("fixtureRef") == ref:
                return doc
        raise KeyError(f"{collection} has no document {ref!r}")

    def refs(self, collection: str, *refs: str) -> list[Doc]:
        return [self.by_ref(collection, ref) for ref in refs]

    def visitor(self, ref: str) -> Doc:
        return self.by_ref("livechat_visitor", ref)

    def room(self, ref: str) -> Doc:
        return self.by_ref("rocketchat_room", ref)

    def contact(self, ref: str) -> Doc:
        return self.by_ref("livechat_contact", ref)

    def message(self, ref: str) -> Doc:
        return self.by_ref("rocketchat_message", ref)

    def user(self, username: str) -> Doc:
        for doc in self.raw["users"]:
            if doc["username"] == username:
                return doc
        raise KeyError(username)

    def user_id(self, username: str) -> str:
        return str(self.user(username)["_id"])

    def department(self, name: str) -> Doc:
        for doc in self.docs("livechat_department"):
            if doc["name"] == name:
                return doc
        raise KeyError(name)

    def livechat_rooms(self) -> list[Doc]:
        """Livechat rooms as `livechat/rooms` returns them (with department)."""
        departments = {doc["_id"]: doc for doc in self.docs("livechat_department")}
        rooms = []
        for doc in self.docs("rocketchat_room"):
            if doc["t"] != "l":
                continue
            department = departments.get(doc.get("departmentId", ""))
            if department is not None:
                doc = {**doc, "department": project(department, ["_id", "name"])}
            rooms.append(doc)
        return rooms

    def livechat_room(self, ref: str) -> Doc:
        for doc in self.livechat_rooms():
            if doc["fixtureRef"] == ref:
                return doc
        raise KeyError(ref)


FIXTURE = Fixture.load()


def write_fixture(
    directory: Path, mutate: Callable[[dict[str, list[Doc]]], None]
) -> Path:
    """Write a variant of the contract fixture, changed by `mutate`."""
    raw = FIXTURE.copy_raw()
    mutate(raw)
    path = directory / "fixture.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    return path


@dataclass
class Sandbox:
    """A sandbox served on loopback, with a client and cached logins."""

    base_url: str
    app: Any
    client: httpx.Client
    logins: dict[str, dict[str, str]] = field(default_factory=dict)

    @property
    def state(self) -> Any:
        return self.app.state.sandbox

    def auth(self, username: str) -> dict[str, str]:
        """`X-User-Id` / `X-Auth-Token` of `username`, logging in once."""
        if username not in self.logins:
            password = FIXTURE.user(username)["password"]
            self.logins[username] = login(self.base_url, username, password)
        return self.logins[username]

    def get(
        self,
        path: str,
        params: Any = None,
        *,
        user: str | None = "admin",
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        """GET `/api/v1/<path>` as `user` (None: no credentials)."""
        sent = {**(self.auth(user) if user else {}), **(headers or {})}
        return self.client.get(path, params=params, headers=sent)

    def post(
        self,
        path: str,
        body: Any = None,
        *,
        user: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        """POST a JSON body to `/api/v1/<path>` (visitor routes need no user)."""
        sent = {**(self.auth(user) if user else {}), **(headers or {})}
        return self.client.post(path, json=body, headers=sent)

    def raw_get(self, raw_path: str, *, user: str | None = None) -> httpx.Response:
        """GET a path sent byte for byte, percent-escapes untouched."""
        sent = self.auth(user) if user else {}
        return self.client.get(self.base_url + raw_path, headers=sent)


@contextlib.contextmanager
def running(fixture: Path = FIXTURE_PATH, **options: Any) -> Iterator[Sandbox]:
    """Serve a fresh in-memory sandbox loaded from `fixture` on loopback."""
    options.setdefault("rate_limit", False)
    app = create_sandbox_app(SandboxOptions(db=":memory:", fixture=fixture, **options))
    with (
        serve_in_thread(app) as base_url,
        httpx.Client(base_url=f"{base_url}/api/v1/", timeout=15) as client,
    ):
        yield Sandbox(base_url=base_url, app=app, client=client)


def listing(key: str, items: list[Doc], total: int, offset: int = 0) -> Doc:
    """A list endpoint's body whose `count` is the number of items returned."""
    return {
        key: items,
        "count": len(items),
        "offset": offset,
        "total": total,
        "success": True,
    }
