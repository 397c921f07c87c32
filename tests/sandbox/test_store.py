"""Storage: atomic and concurrent writes, persistence, fixture round trip."""

from __future__ import annotations

import json
import sqlite3
from typing import TYPE_CHECKING, Any

import anyio
import httpx
import pytest

from gateway.sandbox import SandboxOptions, create_sandbox_app
from gateway.sandbox.store.sqlite import Store
from gateway.serving import serve_in_thread

if TYPE_CHECKING:
    from pathlib import Path


@pytest.mark.anyio
async def test_concurrent_registrations_are_all_kept() -> None:
    app = create_sandbox_app(SandboxOptions(visitors=3, rooms=3, contacts=3))
    usernames: list[str] = []

    async def register(client: httpx.AsyncClient, n: int) -> None:
        response = await client.post(
            "/api/v1/livechat/visitor", json={"visitor": {"token": f"c-{n}"}}
        )
        usernames.append(response.json()["visitor"]["username"])

    with serve_in_thread(app) as url:
        async with httpx.AsyncClient(base_url=url) as client:
            async with anyio.create_task_group() as group:
                for n in range(40):
                    group.start_soon(register, client, n)
            found = [
                (await client.get(f"/api/v1/livechat/visitor/c-{n}")).status_code
                for n in range(40)
            ]
    # Demo data uses guest-2..guest-4; the counter hands out each number once.
    assert sorted(usernames, key=lambda u: int(u[6:])) == [
        f"guest-{n}" for n in range(5, 45)
    ]
    assert found == [200] * 40


def test_failed_transaction_writes_nothing() -> None:
    store = Store()
    store.insert("livechat_visitor", {"_id": "a", "token": "t"})

    def write_then_fail() -> None:
        with store.transaction():
            store.save("livechat_visitor", {"_id": "a", "token": "changed"})
            store.insert("livechat_visitor", {"_id": "b", "token": "u"})
            raise RuntimeError

    with pytest.raises(RuntimeError):
        write_then_fail()
    assert store.find("livechat_visitor") == [{"_id": "a", "token": "t"}]


def test_file_database_survives_reopening_and_is_not_reseeded(tmp_path: Path) -> None:
    db = str(tmp_path / "s.sqlite3")
    options = SandboxOptions(db=db, visitors=4, rooms=6, contacts=2)
    first = create_sandbox_app(options).state.sandbox.store
    first.insert("livechat_visitor", {"_id": "extra", "token": "x"})
    rooms = first.find("rocketchat_room")
    first.close()
    again = create_sandbox_app(SandboxOptions(db=db, visitors=50, rooms=50)).state
    store = again.sandbox.store
    assert store.count("livechat_visitor") == 5
    assert store.find("rocketchat_room") == rooms


def test_natural_order_and_sort_on_any_field() -> None:
    store = Store()
    docs: list[dict[str, object]] = [
        {"_id": "1", "name": "b", "n": {"x": 2}},
        {"_id": "2", "name": "B"},
        {"_id": "3", "name": "a", "n": {"x": 1}},
    ]
    store.insert_many("livechat_contact", docs)
    assert [d["_id"] for d in store.find("livechat_contact")] == ["1", "2", "3"]
    by_name = store.find("livechat_contact", sort=[("name", 1)])
    assert [d["_id"] for d in by_name] == ["2", "3", "1"]
    # Missing values sort first ascending and last descending, as in MongoDB.
    by_nested = store.find("livechat_contact", sort=[("n.x", -1)])
    assert [d["_id"] for d in by_nested] == ["1", "3", "2"]


def test_fixture_round_trip_keeps_unknown_keys_and_normalises_dates(
    tmp_path: Path,
) -> None:
    fixture = {
        "users": [
            {"_id": "rocket.cat", "username": "rocket.cat", "roles": ["bot"]},
            {"_id": "u1", "username": "boss", "roles": ["admin"], "password": "pw"},
        ],
        "livechat_visitor": [
            {
                "_id": {"$oid": "65f2d0a1b2c3d4e5f6a7b8c9"},
                "token": "fx",
                "username": "guest-9",
                "ts": {"$date": 1710422462239},
                "_updatedAt": {"$date": "2024-03-14T13:21:02.239+01:00"},
                "lastChat": {"_id": "r1", "ts": "2024-03-14T13:21:02Z"},
                "favouriteColour": "teal",
                "livechatData": {"note": "2024-01-01 is just text"},
            }
        ],
        "rocketchat_settings": [{"_id": "Livechat_guest_count", "value": 41}],
    }
    path = tmp_path / "fixture.json"
    path.write_text(json.dumps(fixture), encoding="utf-8")
    app = create_sandbox_app(SandboxOptions(fixture=path))
    with serve_in_thread(app) as url, httpx.Client(base_url=f"{url}/api/v1/") as c:
        visitor = c.get("livechat/visitor/fx").json()["visitor"]
        login = c.post("login", json={"user": "boss", "password": "pw"})
        created = c.post("livechat/visitor", json={"visitor": {"token": "n"}}).json()
    assert visitor == {
        "_id": "65f2d0a1b2c3d4e5f6a7b8c9",
        "token": "fx",
        "username": "guest-9",
        "ts": "2024-03-14T13:21:02.239Z",
        "_updatedAt": "2024-03-14T12:21:02.239Z",
        "lastChat": {"_id": "r1", "ts": "2024-03-14T13:21:02.000Z"},
        "favouriteColour": "teal",
        "livechatData": {"note": "2024-01-01 is just text"},
    }
    assert login.status_code == 200
    assert "password" not in login.json()["data"]["me"]
    assert created["visitor"]["username"] == "guest-42"
    # A fixture is loaded as is: no demo data is added next to it.
    assert app.state.sandbox.store.count("rocketchat_room") == 0


def test_database_from_an_older_layout_is_rebuilt(tmp_path: Path) -> None:
    db = str(tmp_path / "old.sqlite3")
    old = sqlite3.connect(db)
    old.execute(
        'CREATE TABLE "rocketchat_room" (seq INTEGER PRIMARY KEY AUTOINCREMENT, '
        "_id TEXT NOT NULL UNIQUE, doc TEXT NOT NULL)"
    )
    rooms: list[dict[str, Any]] = [
        {"_id": "r1", "t": "l", "ts": "2024-01-01T00:00:00.000Z", "open": True},
        {"_id": "r2", "t": "l", "ts": "2024-01-02T00:00:00.000Z"},
    ]
    old.executemany(
        'INSERT INTO "rocketchat_room" (_id, doc) VALUES (?, ?)',
        [(room["_id"], json.dumps(room)) for room in rooms],
    )
    old.commit()
    old.close()
    store = Store(db)
    assert store.find("rocketchat_room") == rooms
    assert store.find("rocketchat_room", "open_type = 'true'") == rooms[:1]
    assert store.find("rocketchat_room", sort=[("ts", -1)]) == rooms[::-1]


def test_fixture_with_only_other_collections_is_loaded_once(tmp_path: Path) -> None:
    fixture = tmp_path / "f.json"
    fixture.write_text(
        json.dumps({"rocketchat_permissions": [{"_id": "p", "roles": []}]})
    )
    options = SandboxOptions(db=str(tmp_path / "db.sqlite3"), fixture=fixture)
    create_sandbox_app(options).state.sandbox.store.close()
    store = create_sandbox_app(options).state.sandbox.store
    assert store.find("rocketchat_permissions") == [{"_id": "p", "roles": []}]
