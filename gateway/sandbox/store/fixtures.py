"""Load a fixture: a JSON object of Rocket.Chat collections, as Rocket.Chat stores them.

Dates may be ISO strings or mongoexport's `{"$date": ...}`; they are stored as
the REST API prints them (ISO, milliseconds, `Z`). Users may carry a plain
`password`, which is hashed. Every other key is kept as it is.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..endpoints.auth import prepare_user
from .ids import iso, meteor_id, object_id, parse_date

if TYPE_CHECKING:
    from .sqlite import Doc, Store

DATE_KEYS = frozenset(
    {
        "ts",
        "_updatedAt",
        "_createdAt",
        "createdAt",
        "lm",
        "closedAt",
        "lastMessageTs",
        "queuedAt",
        "verifiedAt",
        "when",
        "lastLogin",
        "takenAt",
        "waitingResponseSince",
    }
)
# A string that is a whole ISO-8601 timestamp with a zone is a date anywhere.
ISO_WITH_ZONE = re.compile(
    r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$"
)
HEX_ID_COLLECTIONS = ("livechat_visitor", "livechat_contact", "rocketchat_message")


class FixtureError(ValueError):
    """The fixture file is not a JSON object of collection -> document list."""


def normalize(value: Any, key: str | None = None) -> Any:
    """Dates to ISO strings, `{"$oid"}` to strings; everything else unchanged."""
    if isinstance(value, dict):
        if set(value) == {"$oid"}:
            return str(value["$oid"])
        if set(value) == {"$date"}:
            moment = parse_date(value)
            if moment is None:
                raise FixtureError(f"bad date in {key!r}: {value!r}")
            if key == "expireAt":
                return int(moment.timestamp() * 1000)
            return iso(moment)
        return {k: normalize(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [normalize(item, key) for item in value]
    if isinstance(value, str) and (key in DATE_KEYS or ISO_WITH_ZONE.match(value)):
        moment = parse_date(value)
        return value if moment is None else iso(moment)
    return value


def read_fixture(path: str | Path) -> dict[str, list[Doc]]:
    """Parse and check a fixture file; raise FixtureError with the reason."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise FixtureError(f"cannot read fixture {path}: {exc}") from exc
    if not isinstance(data, dict):
        raise FixtureError("a fixture is a JSON object of collection name -> documents")
    for name, docs in data.items():
        if not isinstance(docs, list) or not all(isinstance(d, dict) for d in docs):
            raise FixtureError(f"collection {name!r} must be a list of objects")
    return data


def load_fixture(store: Store, path: str | Path) -> None:
    """Load every collection of the fixture into the (empty) store, atomically."""
    data = read_fixture(path)
    with store.transaction():
        for collection, docs in data.items():
            prepared = []
            for raw in docs:
                doc = normalize(raw)
                if "_id" not in doc:
                    hex_id = collection in HEX_ID_COLLECTIONS
                    doc = {"_id": object_id() if hex_id else meteor_id(), **doc}
                if collection == "users":
                    doc = prepare_user(doc)
                prepared.append(doc)
            try:
                store.insert_many(collection, prepared)
            except Exception as exc:
                raise FixtureError(f"collection {collection!r}: {exc}") from exc
