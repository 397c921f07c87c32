"""SQLite document store: one table per collection, JSON documents, indexed paths.

Each collection is a table `(seq, _id, doc)` where `doc` is the JSON document and
`seq` keeps insertion ("natural") order. Hot filter paths are generated columns
with indexes. One connection guarded by a re-entrant lock serves every request;
writes run inside `transaction()`, so each is atomic.

Longer than most modules because the Store class and the SQL fragments its
callers compose (`any_element`, `contains`, `json_path`) belong together.
"""

from __future__ import annotations

import contextlib
import functools
import json
import re
import sqlite3
import threading
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Sequence

Doc = dict[str, Any]

# Generated columns per collection (name -> JSON path, or an SQL expression),
# stored so that filters on them never parse the document; and their indexes.
COLUMNS: dict[str, dict[str, str]] = {
    "users": {
        "username": "$.username",
        "name": "$.name",
        "status": "$.status",
        "status_livechat": "$.statusLivechat",
    },
    "rocketchat_room": {
        "t": "$.t",
        "ts": "$.ts",
        "v_id": "$.v._id",
        "served_by": "$.servedBy._id",
        "department_id": "$.departmentId",
        "fname": "$.fname",
        "name": "$.name",
        "closed_at": "$.closedAt",
        "lm": "$.lm",
        "updated_at": "$._updatedAt",
        "msgs": "$.msgs",
        "open_type": "json_type(doc, '$.open')",
        "hold_type": "json_type(doc, '$.onHold')",
        "served_type": "json_type(doc, '$.servedBy')",
    },
    "livechat_visitor": {"token": "$.token", "ts": "$.ts", "disabled": "$.disabled"},
    "rocketchat_message": {"rid": "$.rid", "t": "$.t", "ts": "$.ts"},
    "livechat_contact": {"name": "$.name"},
    "livechat_department": {"name": "$.name"},
    "rocketchat_subscription": {"rid": "$.rid", "user_id": "$.u._id"},
    "livechat_custom_field": {},
    "rocketchat_settings": {},
    "rocketchat_livechat_department_agents": {
        "agent_id": "$.agentId",
        "department_id": "$.departmentId",
    },
}
INDEXES: dict[str, list[tuple[str, ...]]] = {
    "users": [("username",)],
    "rocketchat_room": [
        # One (t, field) index per sort order a client is likely to ask for.
        ("t", "ts"),
        ("t", "lm"),
        ("t", "updated_at"),
        ("t", "closed_at"),
        ("t", "fname"),
        ("t", "msgs"),
        ("t", "open_type", "served_type", "hold_type", "ts"),
        ("v_id", "ts"),
        ("served_by", "ts"),
        ("department_id", "ts"),
        ("name",),
    ],
    "livechat_visitor": [("token",), ("ts",)],
    "rocketchat_message": [("rid", "t", "ts"), ("rid", "ts")],
    "rocketchat_subscription": [("rid", "user_id")],
    "livechat_contact": [("name",)],
    "rocketchat_livechat_department_agents": [("agent_id",), ("department_id",)],
}
COLLECTION_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")


def json_path(field: str) -> str | None:
    """The SQLite JSON path for a dotted Mongo field name, or None if unusable."""
    parts = field.split(".")
    if not field or any(not part or '"' in part for part in parts):
        return None
    return "$" + "".join(f'."{part}"' for part in parts)


def _expression(column: str) -> str:
    return f"json_extract(doc, '{column}')" if column.startswith("$") else column


def _icontains(haystack: object, needle: object) -> int:
    if not isinstance(haystack, str) or not isinstance(needle, str):
        return 0
    return int(needle.casefold() in haystack.casefold())


@functools.lru_cache(maxsize=256)
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


def _iregexp(haystack: object, pattern: object) -> int:
    if not isinstance(haystack, str) or not isinstance(pattern, str):
        return 0
    return int(_compiled(pattern).search(haystack) is not None)


def _dumps(doc: Doc) -> str:
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":"))


class Store:
    """Documents by collection, persisted in SQLite (a file or `:memory:`)."""

    def __init__(self, path: str = ":memory:") -> None:
        self.path = path
        self.lock = threading.RLock()
        self._depth = 0
        self._known: set[str] = set()
        self.db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        if path != ":memory:":
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.create_function("icontains", 2, _icontains, deterministic=True)
        self.db.create_function("iregexp", 2, _iregexp, deterministic=True)
        with self.transaction():
            for name in COLUMNS:
                self._ensure(name)

    def close(self) -> None:
        with self.lock:
            self.db.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """Hold the lock and run the block in one SQLite transaction (re-entrant)."""
        with self.lock:
            if self._depth:
                self._depth += 1
                try:
                    yield
                finally:
                    self._depth -= 1
                return
            self.db.execute("BEGIN IMMEDIATE")
            self._depth = 1
            try:
                yield
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
            else:
                self.db.execute("COMMIT")
            finally:
                self._depth = 0

    def _ensure(self, collection: str) -> None:
        if collection in self._known:
            return
        if not COLLECTION_NAME.match(collection):
            raise ValueError(f"not a collection name: {collection!r}")
        generated = COLUMNS.get(collection, {})
        existing = [
            (row[1], row[6])
            for row in self.db.execute(f'PRAGMA table_xinfo("{collection}")')
        ]
        # table_xinfo marks stored generated columns with 3 in its last field.
        wanted = [("seq", 0), ("_id", 0), ("doc", 0), *((n, 3) for n in generated)]
        if existing and existing != wanted:
            self._rebuild(collection)
            return
        columns = "".join(
            f", {name} GENERATED ALWAYS AS ({_expression(path)}) STORED"
            for name, path in generated.items()
        )
        self.db.execute(
            f'CREATE TABLE IF NOT EXISTS "{collection}" ('
            "seq INTEGER PRIMARY KEY AUTOINCREMENT, _id TEXT NOT NULL UNIQUE, "
            f"doc TEXT NOT NULL{columns})"
        )
        for index in INDEXES.get(collection, []):
            self.db.execute(
                f'CREATE INDEX IF NOT EXISTS "{collection}_{"_".join(index)}" '
                f'ON "{collection}" ({", ".join(index)})'
            )
        self._known.add(collection)

    def _rebuild(self, collection: str) -> None:
        """Re-create a table written with an older column layout, keeping its rows."""
        with self.transaction():
            rows = self.db.execute(
                f'SELECT _id, doc FROM "{collection}" ORDER BY seq'
            ).fetchall()
            self.db.execute(f'DROP TABLE "{collection}"')
            self._ensure(collection)
            self.db.executemany(
                f'INSERT INTO "{collection}" (_id, doc) VALUES (?, ?)', rows
            )

    def column(self, collection: str, field: str) -> str | None:
        """The generated column holding the value of `field`, if there is one."""
        for name, path in COLUMNS.get(collection, {}).items():
            if path == f"$.{field}":
                return name
        return None

    def is_empty(self) -> bool:
        """Whether no collection (known or not) holds a document."""
        with self.lock:
            tables = [
                row[0]
                for row in self.db.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' "
                    "AND name NOT LIKE 'sqlite_%'"
                )
            ]
            return not any(
                self.db.execute(f'SELECT 1 FROM "{name}" LIMIT 1').fetchone()
                for name in tables
            )

    def insert_many(self, collection: str, docs: Iterable[Doc]) -> None:
        with self.transaction():
            self._ensure(collection)
            self.db.executemany(
                f'INSERT INTO "{collection}" (_id, doc) VALUES (?, ?)',
                ((str(doc["_id"]), _dumps(doc)) for doc in docs),
            )

    def insert(self, collection: str, doc: Doc) -> None:
        self.insert_many(collection, [doc])

    def save(self, collection: str, doc: Doc) -> None:
        """Insert or replace the document with this `_id` (keeping its position)."""
        with self.transaction():
            self._ensure(collection)
            self.db.execute(
                f'INSERT INTO "{collection}" (_id, doc) VALUES (?, ?) '
                "ON CONFLICT(_id) DO UPDATE SET doc = excluded.doc",
                (str(doc["_id"]), _dumps(doc)),
            )

    def delete(self, collection: str, where: str, params: Sequence[object] = ()) -> int:
        """Remove the matching documents; return how many there were."""
        with self.transaction():
            self._ensure(collection)
            cursor = self.db.execute(
                f'DELETE FROM "{collection}" WHERE {where}', tuple(params)
            )
        return int(cursor.rowcount)

    def get(self, collection: str, doc_id: str) -> Doc | None:
        return self.find_one(collection, "_id = ?", (doc_id,))

    def find_one(
        self, collection: str, where: str = "1", params: Sequence[object] = ()
    ) -> Doc | None:
        found = self.find(collection, where, params, limit=1)
        return found[0] if found else None

    def find(
        self,
        collection: str,
        where: str = "1",
        params: Sequence[object] = (),
        sort: Sequence[tuple[str, int]] = (),
        offset: int = 0,
        limit: int | None = None,
    ) -> list[Doc]:
        """Documents matching the SQL `where`, ordered Mongo-style by `sort`.

        Ties (and `sort=()`) fall back to insertion order. `limit=None` means all.
        """
        order: list[str] = []
        order_params: list[object] = []
        for field, direction in sort:
            column = self.column(collection, field)
            if column is None:
                path = json_path(field)
                column = "json_extract(doc, ?)" if path else "NULL"
                if path:
                    order_params.append(path)
            order.append(f"{column} {'DESC' if direction < 0 else 'ASC'}")
        order.append("seq ASC")
        sql = (
            f'SELECT doc FROM "{collection}" WHERE {where} '
            f"ORDER BY {', '.join(order)} LIMIT ? OFFSET ?"
        )
        args = [*params, *order_params, -1 if limit is None else limit, offset]
        with self.lock:
            self._ensure(collection)
            rows = self.db.execute(sql, args).fetchall()
        return [json.loads(row[0]) for row in rows]

    def count(
        self, collection: str, where: str = "1", params: Sequence[object] = ()
    ) -> int:
        with self.lock:
            self._ensure(collection)
            row = self.db.execute(
                f'SELECT COUNT(*) FROM "{collection}" WHERE {where}', tuple(params)
            ).fetchone()
        return int(row[0])

    def setting(self, setting_id: str, default: object = None) -> Any:
        doc = self.get("rocketchat_settings", setting_id)
        return default if doc is None else doc.get("value", default)

    def set_setting(self, setting_id: str, value: object) -> None:
        with self.transaction():
            doc = self.get("rocketchat_settings", setting_id) or {"_id": setting_id}
            doc["value"] = value
            self.save("rocketchat_settings", doc)


def any_element(array_path: str, key: str | None, condition: str) -> str:
    """SQL: some element of the array at `array_path` (or its `key`) meets `condition`.

    `condition` holds `{}` where the element's value goes, e.g. `"{} = ?"`.
    Non-object elements never match a `key`, and malformed ones never raise.
    """
    value = (
        f"CASE WHEN e.type = 'object' THEN json_extract(e.value, '$.{key}') END"
        if key
        else "CASE WHEN e.type NOT IN ('object', 'array') THEN e.value END"
    )
    return (
        f"EXISTS (SELECT 1 FROM json_each(doc, '{array_path}') e "
        f"WHERE {condition.replace('{}', value)})"
    )


def contains(needle: str) -> tuple[str, list[object]]:
    """A case-insensitive substring test: SQL with `{}` for the value, and params.

    Strings only match (never numbers), and `needle` is literal. An ASCII needle
    uses SQLite's LIKE (ASCII case folding, fast); any other goes through Python's
    casefold.
    """
    if needle.isascii():
        escaped = needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        return "(typeof({}) = 'text' AND {} LIKE ? ESCAPE '\\')", [f"%{escaped}%"]
    return "icontains({}, ?)", [needle]
