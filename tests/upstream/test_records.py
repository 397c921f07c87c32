"""Records: tolerant parsing of REST JSON, renames, and the token rule."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from gateway.upstream.records import (
    AgentRecord,
    AttachmentRecord,
    ChatMessageRecord,
    ContactRecord,
    RoomRecord,
    UserRefRecord,
    VisitorRecord,
    page_of,
    parse_date,
)

WHEN = datetime(2024, 3, 14, 13, 21, 2, 239000, tzinfo=UTC)


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


@pytest.mark.parametrize("value", [None, "yesterday", True, [], {}])
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
        room_id="r1",
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
