"""The floor: a bare pass-through proxy making the optimal calls, no GraphQL.

Starlette + the gateway's HTTP client (`Upstream.request`: an httpx request
handed to `WireTransport`, exactly as the gateway calls; or, for
comparison, `httpx.AsyncClient.request` over a chosen transport), served by
uvicorn as `rc-gateway serve` serves the gateway. Each scenario of `bench/perf.py`
has a route here that reads the request, forwards the caller's credentials,
makes the fewest REST calls the data needs (all lookups of a wave at once),
and writes the same JSON `data` the gateway answers, by hand. Whatever the
gateway spends beyond this is the price of GraphQL and of our own code.

    python bench/floor.py --upstream http://127.0.0.1:3000 --port 8100 \
        [--transport upstream|wire|aiohttp|httpcore|httpx-aiohttp|raw-aiohttp]
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.responses import Response
from starlette.routing import Route

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gateway.config import Settings
from gateway.errors import GatewayError
from gateway.upstream.client import Credentials, Upstream
from gateway.upstream.wire import WireTransport

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from starlette.requests import Request

FORWARDED = ("x-auth-token", "x-user-id", "x-request-id")


def global_id(type_name: str, raw: str) -> str:
    return base64.b64encode(f"{type_name}:{raw}".encode()).decode()


def state(room: dict[str, Any]) -> str:
    if not room.get("open"):
        return "CLOSED"
    if room.get("onHold"):
        return "ON_HOLD"
    if not room.get("servedBy"):
        return "QUEUED"
    return "OPEN"


def emails(visitor: dict[str, Any]) -> list[dict[str, str]]:
    return [{"address": e["address"]} for e in visitor.get("visitorEmails") or ()]


def phones(visitor: dict[str, Any]) -> list[dict[str, str]]:
    return [{"phoneNumber": p["phoneNumber"]} for p in visitor.get("phone") or ()]


def httpx_transport(name: str, limits: httpx.Limits) -> httpx.AsyncBaseTransport:
    """The httpx transport called `name`: wire, aiohttp, httpx-aiohttp, httpcore."""
    if name == "wire":
        return WireTransport(limits=limits)
    if name == "aiohttp":
        from bench.transports import AiohttpTransport

        return AiohttpTransport(limits=limits)
    if name == "httpx-aiohttp":
        from httpx_aiohttp import AiohttpTransport as PackagedTransport

        return PackagedTransport(limits=limits)
    return httpx.AsyncHTTPTransport(limits=limits)


def make_client(upstream: str, transport: str) -> Any:
    """(`fetch(method, path, headers, body) -> decoded JSON`, closer)."""
    headers = {"User-Agent": "rc-gateway-floor", "Accept": "application/json"}
    base = upstream.rstrip("/") + "/api/v1/"
    if transport == "raw-aiohttp":
        import aiohttp

        session: list[aiohttp.ClientSession] = []

        async def raw_fetch(method: str, path: str, hdrs: Any, body: Any) -> Any:
            if not session:
                session.append(
                    aiohttp.ClientSession(
                        base,
                        headers=headers,
                        cookie_jar=aiohttp.DummyCookieJar(),
                        connector=aiohttp.TCPConnector(limit=100),
                    )
                )
            params = None
            if "?" in path:
                path, _, query = path.partition("?")
                params = dict(part.split("=", 1) for part in query.split("&"))
            async with session[0].request(
                method, path, headers=hdrs, params=params, json=body
            ) as response:
                return json.loads(await response.read())

        async def raw_close() -> None:
            if session:
                await session[0].close()

        return raw_fetch, raw_close

    if transport == "upstream":
        return upstream_client(upstream)

    limits = httpx.Limits(max_connections=100, max_keepalive_connections=100)
    chosen = httpx_transport(transport, limits)
    client = httpx.AsyncClient(
        base_url=base, transport=chosen, headers=headers, timeout=5, trust_env=False
    )

    async def fetch(method: str, path: str, hdrs: Any, body: Any) -> Any:
        response = await client.request(method, path, headers=hdrs, json=body)
        return response.json()

    return fetch, client.aclose


def upstream_client(upstream: str) -> Any:
    """The gateway's own client: `Upstream.request`, no budget, no telemetry."""
    stack = contextlib.AsyncExitStack()
    opened: list[Upstream] = []

    async def fetch(method: str, path: str, hdrs: Any, body: Any) -> Any:
        if not opened:
            opened.append(
                await stack.enter_async_context(Upstream.open(upstream, Settings()))
            )
        credentials = Credentials(
            auth_token=hdrs.get("x-auth-token"),
            user_id=hdrs.get("x-user-id"),
            request_id=hdrs.get("x-request-id"),
        )
        try:
            return await opened[0].request(method, path, credentials, json=body)
        except GatewayError:
            return {}  # what cannot be read is null, as the gateway answers it

    return fetch, stack.aclose


def build_app(upstream: str, transport: str) -> Starlette:
    fetch, close = make_client(upstream, transport)

    async def begin(request: Request) -> dict[str, str]:
        json.loads(await request.body())  # a proxy reads what it is sent
        return {k: v for k in FORWARDED if (v := request.headers.get(k))}

    def answer(data: Any) -> Response:
        return Response(
            json.dumps({"data": data}, separators=(",", ":")),
            media_type="application/json",
        )

    async def rooms_page(headers: dict[str, str]) -> Any:
        return await fetch("GET", "livechat/rooms?offset=0&count=25", headers, None)

    async def visitors_of(rooms: list[Any], headers: dict[str, str]) -> dict[str, Any]:
        ids = list(dict.fromkeys(room["v"]["_id"] for room in rooms))
        found = await asyncio.gather(
            *(
                fetch("GET", f"livechat/visitors.info?visitorId={i}", headers, None)
                for i in ids
            )
        )
        # A visitor that cannot be read is null, as the gateway answers it.
        return {i: body.get("visitor") for i, body in zip(ids, found, strict=True)}

    async def scalars(request: Request) -> Response:
        rooms = (await rooms_page(await begin(request)))["rooms"]
        nodes = [
            {
                "id": global_id("Room", r["_id"]),
                "rocketChatId": r["_id"],
                "name": r.get("fname"),
                "state": state(r),
                "open": r.get("open") is True,
                "onHold": r.get("onHold") is True,
                "messageCount": r.get("msgs"),
                "userCount": r.get("usersCount"),
                "createdAt": r.get("ts"),
                "updatedAt": r.get("_updatedAt"),
                "lastMessageAt": r.get("lm"),
            }
            for r in rooms
        ]
        return answer({"rooms": {"nodes": nodes}})

    async def one_visitor(request: Request) -> Response:
        headers = await begin(request)
        visitor_id = request.query_params["id"]
        path = f"livechat/visitors.info?visitorId={visitor_id}"
        v = (await fetch("GET", path, headers, None))["visitor"]
        return answer(
            {
                "visitor": {
                    "id": global_id("Visitor", v["_id"]),
                    "rocketChatId": v["_id"],
                    "username": v.get("username"),
                    "name": v.get("name"),
                    "emails": emails(v),
                    "phones": phones(v),
                    "status": v.get("status", "").upper() or None,
                    "createdAt": v.get("ts"),
                }
            }
        )

    async def visitor_names(request: Request) -> Response:
        headers = await begin(request)
        rooms = (await rooms_page(headers))["rooms"]
        visitors = await visitors_of(rooms, headers)
        nodes = []
        for room in rooms:
            v = visitors[room["v"]["_id"]]
            nodes.append(
                {"visitor": {"name": v.get("name"), "emails": emails(v)} if v else None}
            )
        return answer({"rooms": {"nodes": nodes}})

    async def console(request: Request) -> Response:
        headers = await begin(request)
        page = await rooms_page(headers)
        rooms = page["rooms"]
        visitors = await visitors_of(rooms, headers)
        nodes = []
        for r in rooms:
            v = visitors[r["v"]["_id"]]
            served = r.get("servedBy")
            department = r.get("department")
            nodes.append(
                {
                    "id": global_id("Room", r["_id"]),
                    "name": r.get("fname"),
                    "state": state(r),
                    "createdAt": r.get("ts"),
                    "lastMessageAt": r.get("lm"),
                    "tags": r.get("tags") or [],
                    "visitor": {
                        "id": global_id("Visitor", v["_id"]),
                        "name": v.get("name"),
                        "username": v.get("username"),
                        "emails": emails(v),
                        "phones": phones(v),
                    }
                    if v
                    else None,
                    "servedBy": {"username": served.get("username")}
                    if served
                    else None,
                    "department": {"name": department.get("name")}
                    if r.get("departmentId") and department
                    else ({"name": None} if r.get("departmentId") else None),
                }
            )
        return answer({"rooms": {"totalCount": page["total"], "nodes": nodes}})

    async def register(request: Request) -> Response:
        headers = await begin(request)
        token = request.query_params["token"]
        body = {"visitor": {"token": token, "name": "Bench Visitor"}}
        v = (await fetch("POST", "livechat/visitor", headers, body))["visitor"]
        return answer(
            {
                "registerVisitor": {
                    "visitor": {
                        "id": global_id("Visitor", v["_id"]),
                        "token": v.get("token"),
                        "username": v.get("username"),
                        "name": v.get("name"),
                    }
                }
            }
        )

    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        await close()

    return Starlette(
        routes=[
            Route("/a", scalars, methods=["POST"]),
            Route("/b", one_visitor, methods=["POST"]),
            Route("/c", visitor_names, methods=["POST"]),
            Route("/d", console, methods=["POST"]),
            Route("/m", register, methods=["POST"]),
            Route("/healthz", lambda r: Response("ok"), methods=["GET"]),
        ],
        lifespan=contextlib.asynccontextmanager(lifespan),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--upstream", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument(
        "--transport",
        default="upstream",
        choices=[
            "upstream",
            "wire",
            "aiohttp",
            "httpcore",
            "httpx-aiohttp",
            "raw-aiohttp",
        ],
    )
    args = parser.parse_args()
    app = build_app(args.upstream, args.transport)
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
