"""Records: tolerant parsing of REST JSON, renames, the token rule, the decoder."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from gateway.errors import UpstreamError
from gateway.upstream.records import (
    AgentRecord,
    AttachmentRecord,
    ChatMessageRecord,
    ChatRefRecord,
    ContactRecord,
    DepartmentRecord,
    PageVisitRecord,
    Record,
    RoomRecord,
    SourceRecord,
    UserRefRecord,
    VisitorRecord,
    derived,
    key,
    nested,
    page_of,
    parse_date,
    record_id,
)
from gateway.upstream.records.values import as_int, as_str

WHEN = datetime(2024, 3, 14, 13, 21, 2, 239000, tzinfo=UTC)
WHEN_MS = 1710422462239


@pytest.mark.parametrize(
    "value",
    [
        "2024-03-14T13:21:02.239Z",
        {"$date": "2024-03-14T13:21:02.239Z"},
        {"$date": 1710422462239},
        1710422462239,
    ],
)
def test_dates(value: object) -> None:
    assert parse_date(value) == WHEN


@pytest.mark.parametrize(
    "value", [None, "yesterday", True, [], {}, 1e300, float("nan"), {"$date": "x"}]
)
def test_bad_dates_are_none(value: object) -> None:
    assert parse_date(value) is None


def test_visitor_token_only_when_kept() -> None:
    data = {"_id": "v1", "token": "secret", "visitorEmails": [{"address": "a@b.c"}]}
    assert VisitorRecord.from_json(data).token is None
    assert VisitorRecord.from_json(data, keep_token=True).token == "secret"


def test_room_drops_embedded_token_and_renames() -> None:
    room = RoomRecord.from_json(
        {
            "_id": "r1",
            "t": "l",
            "fname": "Alice",
            "msgs": 3,
            "ts": "2024-03-14T13:21:02.239Z",
            "v": {
                "_id": "v1",
                "username": "guest-2",
                "token": "secret",
                "status": "online",
            },
            "departmentId": "d1",
            "department": {"_id": "d1", "name": "Sales"},
            "tags": ["a", 7, "b"],
            "open": True,
        }
    )
    assert room.visitor == VisitorRecord(id="v1", username="guest-2", status="online")
    assert (room.name, room.message_count, room.created_at, room.open) == (
        "Alice",
        3,
        WHEN,
        True,
    )
    assert room.department is not None
    assert (room.department.id, room.department.name) == ("d1", "Sales")
    assert room.tags == ("a", "b")


def test_contact_manager_in_both_shapes() -> None:
    by_id = ContactRecord.from_json({"_id": "c", "contactManager": "u1"})
    searched = ContactRecord.from_json(
        {"_id": "c", "contactManager": {"_id": "u1", "username": "ann", "name": "Ann"}}
    )
    assert by_id.contact_manager is not None
    assert searched.contact_manager is not None
    assert (by_id.contact_manager.id, by_id.contact_manager.username) == ("u1", None)
    assert (searched.contact_manager.id, searched.contact_manager.username) == (
        "u1",
        "ann",
    )


def test_page_trusts_total_not_count() -> None:
    page = page_of(
        {"contacts": [{"_id": "a"}], "count": 50, "offset": 7, "total": 8},
        "contacts",
        ContactRecord.from_json,
        offset=7,
    )
    assert ([c.id for c in page.items], page.offset, page.total) == (["a"], 7, 8)


def test_a_visitor_message_keeps_no_token_and_parses_attachments() -> None:
    message = ChatMessageRecord.from_json(
        {
            "_id": "m1",
            "rid": "r1",
            "msg": "see file",
            "ts": "2024-03-14T13:21:02.239Z",
            "u": {"_id": "v1", "username": "guest-1", "name": "Ann"},
            "token": "the-visitors-secret",
            "alias": "Ann",
            "editedAt": "2024-03-14T13:21:02.239Z",
            "attachments": [
                {
                    "title": "invoice.pdf",
                    "title_link": "/file-upload/f1/invoice.pdf",
                    "description": "March",
                    "type": "file",
                },
                "not an object",
            ],
            "md": [{"type": "PARAGRAPH"}],
        }
    )
    assert message == ChatMessageRecord(
        id="m1",
        text="see file",
        created_at=WHEN,
        author=UserRefRecord(id="v1", username="guest-1", name="Ann"),
        type=None,
        alias="Ann",
        edited_at=WHEN,
        attachments=(
            AttachmentRecord(
                title="invoice.pdf",
                title_link="/file-upload/f1/invoice.pdf",
                description="March",
                type="file",
                image_url=None,
            ),
        ),
        from_visitor=True,
    )
    assert "the-visitors-secret" not in repr(message)


def test_an_agent_list_item_tolerates_null_keys() -> None:
    agent = AgentRecord.from_json(
        {
            "_id": "u1",
            "username": "ann",
            "name": None,
            "status": None,
            "statusLivechat": "available",
            "emails": None,
            "livechat": {"maxNumberSimultaneousChat": 3},
            "departments": ["d1"],
        }
    )
    assert agent == AgentRecord(
        id="u1",
        username="ann",
        status_livechat="available",
        max_chats=3,
        department_ids=("d1",),
    )


def test_wrong_types_fall_back_to_what_absent_keys_give() -> None:
    room = RoomRecord.from_json(
        {
            "_id": "r1",
            "t": 1,
            "v": "v1",
            "fname": ["Alice"],
            "msgs": "3",
            "usersCount": float("inf"),
            "ts": "yesterday",
            "lm": True,
            "open": "yes",
            "closedBy": "u1",
            "servedBy": [],
            "departmentId": 7,
            "department": {"_id": "d1", "name": "Sales"},
            "source": "widget",
            "tags": "a",
            "livechatData": [],
            "onHold": 1,
            "waitingResponse": "no",
            "lastMessage": 5,
            "u": None,
        }
    )
    assert room == RoomRecord(id="r1")


def test_counts_take_integers_and_truncate_floats() -> None:
    assert [as_int(v) for v in (3, 3.9, -2.0, True, "3", float("nan"))] == [
        3,
        3,
        -2,
        None,
        None,
        None,
    ]


def test_a_record_read_directly_needs_its_id() -> None:
    with pytest.raises(UpstreamError) as caught:
        ChatMessageRecord.from_json({"msg": "hi"})
    assert caught.value.extensions == {
        "code": "UPSTREAM_ERROR",
        "upstreamStatus": 200,
    }


def test_an_embedded_record_without_its_id_is_none() -> None:
    contact = ContactRecord.from_json(
        {"_id": "c1", "lastChat": {"ts": 1710422462239}, "channels": [{"_id": 3}, 4]}
    )
    visitor = VisitorRecord.from_json(
        {"_id": "v1", "lastChat": {"_id": "", "ts": 1710422462239}}
    )
    assert (contact.last_chat, visitor.last_chat) == (None, None)
    assert [c.name for c in contact.channels] == [None]
    assert VisitorRecord.from_json(
        {"_id": "v1", "lastChat": {"_id": "r1", "ts": 1710422462239}}
    ).last_chat == ChatRefRecord(room_id="r1", created_at=WHEN)


def test_dotted_keys_reach_into_nested_objects_and_tolerate_gaps() -> None:
    page = {"navigation": {"page": {"title": "Prices", "location": {"href": "/p"}}}}
    assert PageVisitRecord.from_json({"_id": "m1", **page}) == PageVisitRecord(
        id="m1", title="Prices", url="/p"
    )
    broken = {"navigation": {"page": "Prices"}}
    assert PageVisitRecord.from_json({"_id": "m1", **broken}) == PageVisitRecord(
        id="m1"
    )


def test_a_renamed_variant_reads_its_own_key() -> None:
    visitor = VisitorRecord.from_json(
        {
            "_id": "v1",
            "lastAgent": {
                "agentId": "u1",
                "_id": "x",
                "username": "ann",
                "ts": WHEN_MS,
            },
        }
    )
    assert visitor.last_agent == UserRefRecord(id="u1", username="ann", at=WHEN)


def test_the_key_map_of_a_record_is_complete() -> None:
    entries = set(RoomRecord.decoder.readers)
    assert RoomRecord.decoder.id == ("id", "_id")
    # Every other field is keyed but the department, derived from two keys.
    fields = set(RoomRecord.__dataclass_fields__) - {"id", "department"}
    assert entries == fields


def test_a_field_without_a_key_is_refused_at_class_creation() -> None:
    with pytest.raises(TypeError, match=r"Forgotten.count has no JSON key"):

        class Forgotten(Record):
            id: str = record_id()
            count: int | None = None


def test_a_variant_naming_an_unknown_field_is_refused() -> None:
    with pytest.raises(TypeError, match="VisitorRecord has no keyed field nmae"):
        nested(VisitorRecord, only=("nmae",))
    with pytest.raises(TypeError, match="UserRefRecord has no keyed field ident"):
        nested(UserRefRecord, rename={"ident": "agentId"})


@pytest.mark.parametrize(
    ("path", "coerce"),
    [("a..b", as_str), (".a", as_str), ("", as_str), ("a", "as_str")],
)
def test_a_malformed_key_is_refused(path: str, coerce: Any) -> None:
    with pytest.raises(TypeError):
        key(path, coerce)


def test_a_coercer_with_a_mutable_fallback_is_refused() -> None:
    with pytest.raises(ValueError, match="mutable default"):

        class Shared(Record):
            items: list[str] = key("items", lambda v: v if isinstance(v, list) else [])


def test_a_record_is_a_frozen_dataclass_with_derived_defaults() -> None:
    class Probe(Record):
        id: str = record_id()
        label: str | None = key("meta.label", as_str)
        extra: tuple[str, ...] = derived(())

    probe = Probe.from_json({"_id": "p", "meta": {"label": "L"}, "extra": ["x"]})
    assert probe == Probe(id="p", label="L")
    with pytest.raises(AttributeError):
        probe.label = "M"  # type: ignore[misc]


def test_a_department_is_only_made_from_its_id() -> None:
    listed = RoomRecord.from_json(
        {"_id": "r", "departmentId": "d1", "department": {"name": 5}}
    )
    named = RoomRecord.from_json({"_id": "r", "department": {"_id": "d1"}})
    assert (listed.department, named.department) == (DepartmentRecord(id="d1"), None)
    assert RoomRecord.from_json(
        {"_id": "r", "source": {"type": "api", "id": "x", "label": "L", "more": 1}}
    ).source == SourceRecord(type="api", id="x", label="L")


def test_decoding_gives_what_the_constructor_gives() -> None:
    data = {"_id": "d1", "name": "Sales", "numAgents": 2.0, "chatClosingTags": ["x"]}
    decoded = DepartmentRecord.from_json(data)
    made = DepartmentRecord(id="d1", name="Sales", agent_count=2, closing_tags=("x",))
    assert (decoded, hash(decoded), repr(decoded)) == (made, hash(made), repr(made))
    # Comparing read every field: the record now holds what `__init__` sets.
    assert {k: v for k, v in vars(decoded).items() if not k.startswith("_")} == vars(
        made
    )
    assert DepartmentRecord.name is None  # on the class: the field's default


def test_a_field_is_read_from_the_json_on_first_access_only() -> None:
    reads: list[object] = []

    def counted(value: object) -> str | None:
        reads.append(value)
        return as_str(value)

    class Probe(Record):
        id: str = record_id()
        label: str | None = key("meta.label", counted)
        title: str | None = key("title", counted)
        count: int | None = key("n", as_int)

    reads.clear()  # `key()` asked the coercer for the default
    probe = Probe.from_json({"_id": "p", "meta": {"label": "L"}, "title": 7, "n": 3})
    assert (reads, probe.id) == ([], "p")
    assert (probe.label, probe.label) == ("L", "L")
    assert reads == ["L"]
    assert (probe.title, probe.count) == (None, 3)  # a wrong type: the default
    assert reads == ["L", 7]
    assert probe == Probe(id="p", label="L", count=3)


def test_a_variant_reads_only_its_fields_lazily() -> None:
    room = RoomRecord.from_json(
        {
            "_id": "r",
            "v": {
                "_id": "v1",
                "token": "secret",
                "name": "Ann",
                "username": "guest-1",
                "visitorEmails": [{"address": "a@b.c"}],
                "lastMessageTs": WHEN_MS,
            },
        }
    )
    visitor = room.visitor
    assert visitor is not None
    assert (visitor.id, visitor.name, visitor.username) == ("v1", "Ann", "guest-1")
    assert (visitor.token, visitor.emails) == (None, ())  # not in the variant
    assert room.visitor_last_message_at == WHEN  # a dotted path into `v`
    assert RoomRecord.from_json({"_id": "r", "v": "x"}).visitor is None


def test_a_derived_value_must_name_a_derived_field() -> None:
    with pytest.raises(TypeError, match="RoomRecord has no derived field departmnt"):
        RoomRecord.decode({"_id": "r"}, departmnt=None)


def test_a_record_may_not_have_a_post_init() -> None:
    with pytest.raises(TypeError, match="skip __post_init__"):

        class Checked(Record):
            id: str = record_id()

            def __post_init__(self) -> None:
                raise AssertionError
