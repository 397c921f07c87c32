"""Frozen records parsed from Rocket.Chat's REST JSON, terse keys renamed once.

Each record is a `Record` (decoding.py): a frozen dataclass whose fields
name their JSON key and coercer, so the mapping is written once, beside
the field. Parsing is tolerant where the contract allows it: optional keys
may be absent or null, dates may be ISO strings, epoch milliseconds or
`{"$date": ...}`, and unexpected optional values fall back to what an
absent key gives (values.py) rather than failing a whole page. What the
contract requires — the record itself, its string `_id`, a listing's array
and `total` — is checked at the boundary: an answer without it is an
UpstreamError (`upstreamStatus` 200), never empty data. A visitor's `token`
is only kept where the caller asks for it (`keep_token=True`), so it cannot
leak into agent-facing data.
"""

from gateway.upstream.records.contacts import (
    ChannelRecord,
    ConflictRecord,
    ContactRecord,
)
from gateway.upstream.records.decoding import (
    Decoder,
    Record,
    derived,
    key,
    malformed,
    many,
    nested,
    record_id,
    record_of,
)
from gateway.upstream.records.departments import AgentRecord, DepartmentRecord
from gateway.upstream.records.messages import AttachmentRecord, ChatMessageRecord
from gateway.upstream.records.pages import Page, page_of
from gateway.upstream.records.refs import (
    ChatRefRecord,
    ContactManagerRecord,
    SourceRecord,
    UserRefRecord,
)
from gateway.upstream.records.rooms import MessageRecord, RoomRecord
from gateway.upstream.records.values import JsonObject, parse_date
from gateway.upstream.records.visitors import PageVisitRecord, VisitorRecord

__all__ = [
    "AgentRecord",
    "AttachmentRecord",
    "ChannelRecord",
    "ChatMessageRecord",
    "ChatRefRecord",
    "ConflictRecord",
    "ContactManagerRecord",
    "ContactRecord",
    "Decoder",
    "DepartmentRecord",
    "JsonObject",
    "MessageRecord",
    "Page",
    "PageVisitRecord",
    "Record",
    "RoomRecord",
    "SourceRecord",
    "UserRefRecord",
    "VisitorRecord",
    "derived",
    "key",
    "malformed",
    "many",
    "nested",
    "page_of",
    "parse_date",
    "record_id",
    "record_of",
]
