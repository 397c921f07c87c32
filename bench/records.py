"""Decoding REST pages into records: declared key maps, the hand-written decoder
they replaced, and pydantic v2 models, in µs per page.

Run by hand:

    .venv/bin/python bench/records.py [--before REV] [--repeat 40] [--number 5]

Pages of up to 100 rooms, visitors and contacts are captured once from a demo
sandbox (started in this process). Each decoder turns a page's envelope into
records, the boundary checks included (`_id`, the array, `total`):

- `declared`: `gateway.upstream.records`, this checkout's records;
- `before`: the hand-written `from_json`s of `gateway/upstream/records.py` as
  of REV (by default the last commit that had that module), read with git;
- `pydantic`: models below with the same keys and tolerant fallbacks, the
  fallbacks pydantic-core can do (strict types, `on_error` defaults, alias
  paths) in Rust, the others (dates, counts, lists of strings) as Python
  validators. Their values are checked against the declared records' first.

The module is long because the pydantic variant has to spell every model
of the three pages again; it is only a yardstick, kept beside its run.

Figures are the best of `--repeat` runs of `--number` decodings each: many
short runs, the decoders taking turns, in this thread's CPU time: the best
run is the one least disturbed by other processes (caches, frequency).
"""

from __future__ import annotations

import argparse
import dataclasses
import subprocess
import sys
import time
import timeit
import types
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import httpx
from pydantic import AliasPath, BaseModel, ConfigDict, Field, model_validator
from pydantic.functional_validators import PlainValidator
from pydantic_core import core_schema

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gateway.sandbox import SandboxOptions, create_sandbox_app, login
from gateway.serving import serve_in_thread
from gateway.upstream import records
from gateway.upstream.records.values import (
    addresses,
    as_int,
    as_strs,
    parse_date,
    phone_numbers,
)

ROOT = Path(__file__).resolve().parent.parent
OLD_MODULE = "gateway/upstream/records.py"
PAGES = {
    "rooms": ("livechat/rooms", {"count": 100}),
    "visitors": ("livechat/visitors.search", {"count": 100, "term": ""}),
    "contacts": ("omnichannel/contacts.search", {"count": 100}),
}
RECORDS = {
    "rooms": "RoomRecord",
    "visitors": "VisitorRecord",
    "contacts": "ContactRecord",
}


# --- pydantic v2 ------------------------------------------------------------


@dataclass(frozen=True)
class Fallback:
    """A value that fails its type becomes `default` (or, in a list, is left out)."""

    default: Any
    omit: bool = False

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        return core_schema.with_default_schema(
            handler(source),
            default=self.default,
            on_error="omit" if self.omit else "default",
        )


Str = Annotated[str, Field(strict=True), Fallback(None)]
Bool = Annotated[bool, Field(strict=True), Fallback(None)]
TrueFlag = Annotated[bool, Field(strict=True), Fallback(False)]
FalseFlag = Annotated[bool, Field(strict=True), Fallback(True)]
Obj = Annotated[dict[str, Any], Field(strict=True), Fallback(None)]
Lst = Annotated[list[Any], Field(strict=True), Fallback(None)]
Id = Annotated[str, Field(strict=True, min_length=1)]
Date = Annotated[datetime | None, PlainValidator(parse_date)]
Int = Annotated[int | None, PlainValidator(as_int)]
Strs = Annotated[tuple[str, ...], PlainValidator(as_strs)]
Emails = Annotated[tuple[str, ...], PlainValidator(addresses)]
Phones = Annotated[tuple[str, ...], PlainValidator(phone_numbers)]
FROZEN = ConfigDict(frozen=True)


def from_key(*path: str | int) -> Any:
    """The field's JSON key (or path), absent or null as None."""
    return Field(None, validation_alias=path[0] if len(path) == 1 else AliasPath(*path))


class UserRef(BaseModel):
    model_config = FROZEN
    id: Str = from_key("_id")
    username: Str = from_key("username")
    name: Str = from_key("name")
    at: Date = from_key("ts")


class AgentRef(UserRef):
    id: Str = from_key("agentId")


class ChatRef(BaseModel):
    model_config = FROZEN
    room_id: Id = Field(validation_alias="_id")
    created_at: Date = from_key("ts")


class ContactManager(BaseModel):
    model_config = FROZEN
    id: Str = from_key("_id")
    username: Str = from_key("username")
    name: Str = from_key("name")
    emails: Emails = Field((), validation_alias="emails")

    @model_validator(mode="before")
    @classmethod
    def bare_id(cls, value: Any) -> Any:
        return {"_id": value} if isinstance(value, str) else value


class Source(BaseModel):
    model_config = FROZEN
    type: Str = from_key("type")
    id: Str = from_key("id")
    alias: Str = from_key("alias")
    label: Str = from_key("label")


def nested(model: type[BaseModel]) -> Any:
    return Annotated[model, Fallback(None)]


def listed(model: type[BaseModel]) -> Any:
    return Annotated[
        tuple[Annotated[model, Fallback(None, omit=True)], ...], Fallback(())
    ]


class Visitor(BaseModel):
    model_config = FROZEN
    id: Id = Field(validation_alias="_id")
    token: None = None
    username: Str = from_key("username")
    name: Str = from_key("name")
    emails: Emails = Field((), validation_alias="visitorEmails")
    phones: Phones = Field((), validation_alias="phone")
    department_id: Str = from_key("department")
    status: Str = from_key("status")
    created_at: Date = from_key("ts")
    updated_at: Date = from_key("_updatedAt")
    last_chat: nested(ChatRef) = from_key("lastChat")
    last_agent: nested(AgentRef) = from_key("lastAgent")
    custom_fields: Obj = from_key("livechatData")
    contact_manager: nested(ContactManager) = from_key("contactManager")
    user_agent: Str = from_key("userAgent")
    ip: Str = from_key("ip")
    host: Str = from_key("host")
    external_ids: Lst = from_key("externalIds")
    activity: Strs = Field((), validation_alias="activity")
    disabled: Bool = from_key("disabled")


class EmbeddedVisitor(BaseModel):
    """A room's `v`: its token and the rest are not kept."""

    model_config = FROZEN
    id: Id = Field(validation_alias="_id")
    username: Str = from_key("username")
    name: Str = from_key("name")
    status: Str = from_key("status")
    phones: Phones = Field((), validation_alias="phone")


class Message(BaseModel):
    model_config = FROZEN
    id: Str = from_key("_id")
    text: Str = from_key("msg")
    created_at: Date = from_key("ts")
    author: nested(UserRef) = from_key("u")


class DepartmentRef(BaseModel):
    model_config = FROZEN
    id: str
    name: str | None = None


class Room(BaseModel):
    model_config = FROZEN
    id: Id = Field(validation_alias="_id")
    type: Str = from_key("t")
    visitor: nested(EmbeddedVisitor) = from_key("v")
    name: Str = from_key("fname")
    message_count: Int = from_key("msgs")
    user_count: Int = from_key("usersCount")
    created_at: Date = from_key("ts")
    updated_at: Date = from_key("_updatedAt")
    last_message_at: Date = from_key("lm")
    visitor_last_message_at: Date = from_key("v", "lastMessageTs")
    open: TrueFlag = Field(False, validation_alias="open")
    closed_at: Date = from_key("closedAt")
    closer: Str = from_key("closer")
    closed_by: nested(UserRef) = from_key("closedBy")
    served_by: nested(UserRef) = from_key("servedBy")
    department: DepartmentRef | None = None
    source: nested(Source) = from_key("source")
    tags: Strs = Field((), validation_alias="tags")
    custom_fields: Obj = from_key("livechatData")
    on_hold: TrueFlag = Field(False, validation_alias="onHold")
    metrics: Obj = from_key("metrics")
    response_by: Obj = from_key("responseBy")
    waiting_response: Bool = from_key("waitingResponse")
    priority_id: Str = from_key("priorityId")
    sla_id: Str = from_key("slaId")
    contact_id: Str = from_key("contactId")
    last_message: nested(Message) = from_key("lastMessage")
    transcript_request: Obj = from_key("transcriptRequest")
    queued_at: Date = from_key("queuedAt")
    status: Str = from_key("status")
    verified: Bool = from_key("verified")
    creator: nested(UserRef) = from_key("u")

    @model_validator(mode="before")
    @classmethod
    def department_of(cls, data: Any) -> Any:
        department_id = data.get("departmentId") if isinstance(data, dict) else None
        if not isinstance(department_id, str) or not department_id:
            return data
        embedded = data.get("department")
        name = embedded.get("name") if isinstance(embedded, dict) else None
        ref = {"id": department_id, "name": name if isinstance(name, str) else None}
        return {**data, "department": ref}


class Channel(BaseModel):
    model_config = FROZEN
    name: Str = from_key("name")
    visitor_id: Str = from_key("visitor", "visitorId")
    source: nested(Source) = from_key("visitor", "source")
    verified: Bool = from_key("verified")
    blocked: Bool = from_key("blocked")
    field: Str = from_key("field")
    value: Str = from_key("value")
    verified_at: Date = from_key("verifiedAt")
    details: Obj = from_key("details")
    last_chat: nested(ChatRef) = from_key("lastChat")


class Conflict(BaseModel):
    model_config = FROZEN
    field: Str = from_key("field")
    value: Any = from_key("value")


class Contact(BaseModel):
    model_config = FROZEN
    id: Id = Field(validation_alias="_id")
    name: Str = from_key("name")
    emails: Emails = Field((), validation_alias="emails")
    phones: Phones = Field((), validation_alias="phones")
    contact_manager: nested(ContactManager) = from_key("contactManager")
    unknown: Bool = from_key("unknown")
    conflicting_fields: listed(Conflict) = Field(
        (), validation_alias="conflictingFields"
    )
    custom_fields: Obj = from_key("customFields")
    channels: listed(Channel) = Field((), validation_alias="channels")
    created_at: Date = from_key("createdAt")
    updated_at: Date = from_key("_updatedAt")
    last_chat: nested(ChatRef) = from_key("lastChat")
    import_ids: Strs = Field((), validation_alias="importIds")
    activity: Strs = Field((), validation_alias="activity")
    pre_registration: Bool = from_key("preRegistration")
    enabled: FalseFlag = Field(True, validation_alias="enabled")


class RoomsPage(BaseModel):
    rooms: tuple[Room, ...]
    total: Annotated[int, Field(strict=True)]


class VisitorsPage(BaseModel):
    visitors: tuple[Visitor, ...]
    total: Annotated[int, Field(strict=True)]


class ContactsPage(BaseModel):
    contacts: tuple[Contact, ...]
    total: Annotated[int, Field(strict=True)]


PYDANTIC_PAGES: dict[str, type[BaseModel]] = {
    "rooms": RoomsPage,
    "visitors": VisitorsPage,
    "contacts": ContactsPage,
}


# --- the run ----------------------------------------------------------------


def capture() -> dict[str, dict[str, Any]]:
    """One page of each listing from a fresh demo sandbox."""
    with serve_in_thread(create_sandbox_app(SandboxOptions())) as url:
        headers = login(url)
        with httpx.Client(base_url=f"{url}/api/v1/", headers=headers) as rest:
            return {
                name: rest.get(path, params=params).raise_for_status().json()
                for name, (path, params) in PAGES.items()
            }


def before_module(rev: str | None) -> types.ModuleType:
    """The hand-written records module as of `rev`, imported from git."""
    git = ["git", "-C", str(ROOT)]
    if rev is None:
        removed = subprocess.run(
            [*git, "log", "-1", "--format=%H", "--diff-filter=D", "--", OLD_MODULE],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        rev = f"{removed}^" if removed else "HEAD"
    source = subprocess.run(
        [*git, "show", f"{rev}:{OLD_MODULE}"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    module = types.ModuleType("records_before")
    module.__dict__["__name__"] = "records_before"
    sys.modules["records_before"] = module
    exec(compile(source, f"{rev}:{OLD_MODULE}", "exec"), module.__dict__)
    return module


def plain(value: Any) -> Any:
    """Records and models as comparable plain values."""
    if isinstance(value, BaseModel):
        return {name: plain(getattr(value, name)) for name in type(value).model_fields}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)
        }
    if isinstance(value, tuple | list):
        return [plain(item) for item in value]
    return value


def same_values(declared: Any, model: Any) -> bool:
    """Whether `model` says what `declared` says, on the fields `model` has."""
    if isinstance(declared, dict) and isinstance(model, dict):
        return all(
            name in declared and same_values(declared[name], value)
            for name, value in model.items()
        )
    if isinstance(declared, list) and isinstance(model, list):
        return len(declared) == len(model) and all(
            same_values(a, b) for a, b in zip(declared, model, strict=True)
        )
    return bool(declared == model)


def timer(decode: Any) -> timeit.Timer:
    """CPU time of this thread: other processes' turns on the core don't count."""
    return timeit.Timer(decode, timer=time.thread_time)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", help="git revision of the hand-written module")
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--number", type=int, default=5)
    args = parser.parse_args()
    pages = capture()
    before = before_module(args.before)
    rows = []
    for name, body in pages.items():
        key = name
        declared_cls = getattr(records, RECORDS[name])
        before_cls = getattr(before, RECORDS[name])
        model = PYDANTIC_PAGES[name]
        decoders = {
            "before": lambda b=body, k=key, c=before_cls: before.page_of(
                b, k, c.from_json, offset=0
            ),
            "declared": lambda b=body, k=key, c=declared_cls: records.page_of(
                b, k, c.from_json, offset=0
            ),
            "pydantic": lambda b=body, m=model: m.model_validate(b),
        }
        declared = plain(decoders["declared"]().items)
        modelled = plain(getattr(decoders["pydantic"](), key))
        if not same_values(declared, modelled):
            raise SystemExit(f"pydantic's {name} differ from the declared records")
        if not same_values(plain(decoders["before"]().items), declared):
            raise SystemExit(f"the declared {name} differ from the hand-written ones")
        best = dict.fromkeys(decoders, float("inf"))
        for _ in range(args.repeat):  # interleaved: disturbances hit all alike
            for label, decode in decoders.items():
                took = timer(decode).timeit(args.number) / args.number
                best[label] = min(best[label], took * 1e6)
        rows.append((name, len(body[key]), best))
    print(
        f"{'page':<10}{'items':>6}{'before':>11}{'declared':>11}{'pydantic':>11}"
        f"{'decl/before':>13}{'pyd/before':>12}"
    )
    for name, count, t in rows:
        print(
            f"{name:<10}{count:>6}{t['before']:>9.0f}µs{t['declared']:>9.0f}µs"
            f"{t['pydantic']:>9.0f}µs{t['declared'] / t['before']:>13.2f}"
            f"{t['pydantic'] / t['before']:>12.2f}"
        )


if __name__ == "__main__":
    main()
