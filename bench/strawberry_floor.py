"""The least a Strawberry gateway costs: scenarios (a) and (b), nothing else.

A second floor for `bench/perf.py` (`--targets strawberry`): Strawberry's
own ASGI view with its parser and validation caches, served by uvicorn as
`rc-gateway serve` serves the gateway, and the gateway's HTTP client
(`Upstream.request`). Its types are plain Strawberry types built from the
upstream JSON; no limits, demand control, telemetry, access log, error
codes or Relay machinery. What rc-gateway spends beyond it on (a) and (b)
is the price of those; what this spends beyond `bench/floor.py` is the
price of GraphQL over Strawberry itself.

    python bench/strawberry_floor.py --upstream http://127.0.0.1:3000 --port 8200
"""

from __future__ import annotations

import argparse
import contextlib
import enum
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import strawberry
import uvicorn
from starlette.applications import Starlette
from starlette.responses import Response
from starlette.routing import Route
from strawberry.asgi import GraphQL
from strawberry.extensions import ParserCache, ValidationCache

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.floor import global_id, state
from gateway.config import Settings
from gateway.upstream.client import Credentials, Upstream

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from starlette.requests import Request

CLIENT: list[Upstream] = []


@strawberry.enum
class RoomState(enum.Enum):
    OPEN = "OPEN"
    ON_HOLD = "ON_HOLD"
    QUEUED = "QUEUED"
    CLOSED = "CLOSED"


@strawberry.type
class Room:
    id: strawberry.ID
    rocket_chat_id: str
    name: str | None
    state: RoomState
    open: bool
    on_hold: bool
    message_count: int | None
    user_count: int | None
    created_at: str | None
    updated_at: str | None
    last_message_at: str | None


@strawberry.type
class RoomPage:
    nodes: list[Room]


@strawberry.type
class Email:
    address: str


@strawberry.type
class Phone:
    phone_number: str


@strawberry.type
class Visitor:
    id: strawberry.ID
    rocket_chat_id: str
    username: str | None
    name: str | None
    emails: list[Email]
    phones: list[Phone]
    status: str | None
    created_at: str | None


def credentials(info: strawberry.Info) -> Credentials:
    headers = info.context["request"].headers
    return Credentials(
        auth_token=headers.get("x-auth-token"),
        user_id=headers.get("x-user-id"),
        request_id=headers.get("x-request-id"),
    )


@strawberry.type
class Query:
    @strawberry.field
    async def rooms(self, info: strawberry.Info, first: int = 25) -> RoomPage:
        body = await CLIENT[0].request(
            "GET",
            "livechat/rooms",
            credentials(info),
            params={"offset": 0, "count": first},
        )
        return RoomPage(
            nodes=[
                Room(
                    id=strawberry.ID(global_id("Room", r["_id"])),
                    rocket_chat_id=r["_id"],
                    name=r.get("fname"),
                    state=RoomState(state(r)),
                    open=r.get("open") is True,
                    on_hold=r.get("onHold") is True,
                    message_count=r.get("msgs"),
                    user_count=r.get("usersCount"),
                    created_at=r.get("ts"),
                    updated_at=r.get("_updatedAt"),
                    last_message_at=r.get("lm"),
                )
                for r in body["rooms"]
            ]
        )

    @strawberry.field
    async def visitor(self, info: strawberry.Info, id: str) -> Visitor:
        body = await CLIENT[0].request(
            "GET", "livechat/visitors.info", credentials(info), params={"visitorId": id}
        )
        v: dict[str, Any] = body["visitor"]
        return Visitor(
            id=strawberry.ID(global_id("Visitor", v["_id"])),
            rocket_chat_id=v["_id"],
            username=v.get("username"),
            name=v.get("name"),
            emails=[Email(address=e["address"]) for e in v.get("visitorEmails") or ()],
            phones=[Phone(phone_number=p["phoneNumber"]) for p in v.get("phone") or ()],
            status=(v.get("status") or "").upper() or None,
            created_at=v.get("ts"),
        )


def build_app(upstream: str) -> Starlette:
    schema = strawberry.Schema(Query, extensions=[ParserCache, ValidationCache])

    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with Upstream.open(upstream, Settings()) as client:
            CLIENT.append(client)
            yield

    def healthz(request: Request) -> Response:
        return Response("ok")

    return Starlette(
        routes=[
            Route("/graphql", GraphQL(schema, graphql_ide=None), methods=["POST"]),
            Route("/healthz", healthz, methods=["GET"]),
        ],
        lifespan=contextlib.asynccontextmanager(lifespan),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--upstream", required=True)
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    app = build_app(args.upstream)
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
