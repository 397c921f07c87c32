"""Contacts: search paging (with the `count` quirk), filters, orderings, links."""

from __future__ import annotations

from base64 import b64encode
from typing import TYPE_CHECKING, Any

import pytest

from tests.support import node_ids, rest, rest_ids

if TYPE_CHECKING:
    from tests.conftest import GraphQLClient, Upstream

SEARCH = """
query Contacts($searchText: String, $unknown: Boolean, $first: Int, $after: String,
               $last: Int, $before: String, $orderBy: ContactOrder) {
  contacts(searchText: $searchText, unknown: $unknown, first: $first, after: $after,
           last: $last, before: $before, orderBy: $orderBy) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    nodes { rocketChatId }
  }
}
"""


async def pages(
    gql: GraphQLClient, headers: dict[str, str], *, backward: bool, **variables: Any
) -> tuple[list[str], int]:
    ids: list[str] = []
    cursor = None
    while True:
        window = (
            {"last": 20, "before": cursor}
            if backward
            else {"first": 20, "after": cursor}
        )
        body = await gql(SEARCH, {**window, **variables}, headers=headers)
        assert "errors" not in body, body
        page = body["data"]["contacts"]
        info = page["pageInfo"]
        if backward:
            ids[:0] = node_ids(page)
            if not info["hasPreviousPage"]:
                return ids, page["totalCount"]
            cursor = info["startCursor"]
        else:
            ids.extend(node_ids(page))
            if not info["hasNextPage"]:
                return ids, page["totalCount"]
            cursor = info["endCursor"]


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("variables", "params"),
    [
        pytest.param({}, [], id="known"),
        pytest.param({"unknown": True}, [("unknown", "true")], id="unknown"),
        pytest.param({"unknown": False}, [("unknown", "false")], id="explicit-known"),
        pytest.param({"searchText": "ber"}, [("searchText", "ber")], id="search"),
        pytest.param(
            {"searchText": "example.com"},
            [("searchText", "example.com")],
            id="email-substring",
        ),
    ],
)
async def test_pages_equal_rest(
    gql: GraphQLClient,
    upstream: Upstream,
    users: dict[str, dict[str, str]],
    variables: dict[str, Any],
    params: list[tuple[str, str]],
) -> None:
    admin = users["admin"]
    expected = rest_ids(
        upstream.url, "omnichannel/contacts.search", "contacts", admin, params
    )
    assert expected[1] > 0
    assert await pages(gql, admin, backward=False, **variables) == expected
    assert await pages(gql, admin, backward=True, **variables) == expected


@pytest.mark.anyio
async def test_count_quirk_does_not_confuse_paging(
    gql: GraphQLClient, upstream: Upstream, users: dict[str, dict[str, str]]
) -> None:
    admin = users["admin"]
    total = rest(upstream.url, "omnichannel/contacts.search", admin, {"count": 1})[
        "total"
    ]
    # The REST `count` echoes the page size asked (30), not the items returned.
    tail = rest(
        upstream.url,
        "omnichannel/contacts.search",
        admin,
        {"count": 30, "offset": total - 2},
    )
    assert (tail["count"], len(tail["contacts"])) == (30, 2)
    body = await gql(SEARCH, {"last": 2}, headers=admin)
    page = body["data"]["contacts"]
    assert len(page["nodes"]) == 2
    assert (page["totalCount"], page["pageInfo"]["hasNextPage"]) == (total, False)


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("field", "key"),
    [
        ("NAME", "name"),
        ("CREATED_AT", "createdAt"),
        ("UPDATED_AT", "_updatedAt"),
        ("LAST_CHAT_AT", "lastChat.ts"),
    ],
)
@pytest.mark.parametrize("direction", ["ASC", "DESC"])
async def test_orderings(
    gql: GraphQLClient,
    upstream: Upstream,
    users: dict[str, dict[str, str]],
    field: str,
    key: str,
    direction: str,
) -> None:
    admin = users["admin"]
    sign = 1 if direction == "ASC" else -1
    expected = rest_ids(
        upstream.url,
        "omnichannel/contacts.search",
        "contacts",
        admin,
        [("sort", f'{{"{key}":{sign},"_id":{sign}}}')],
    )
    got = await pages(
        gql, admin, backward=False, orderBy={"field": field, "direction": direction}
    )
    assert got == expected


CONTACT = """
query($id: ID!) {
  node(id: $id) {
    ... on Contact {
      rocketChatId name emails { address } phones { phoneNumber } unknown
      customFields createdAt contactManager { rocketChatId }
      channels { name visitorId source { type } blocked verified
                 visitor { rocketChatId } }
      visitors { rocketChatId name }
      lastChat { rocketChatId }
    }
  }
}
"""


@pytest.mark.anyio
async def test_contact_fields_and_visitors(
    gql: GraphQLClient, upstream: Upstream, users: dict[str, dict[str, str]]
) -> None:
    admin = users["admin"]
    listed = rest(upstream.url, "omnichannel/contacts.search", admin, {"count": 100})
    document = next(c for c in listed["contacts"] if c.get("channels"))
    by_id = rest(
        upstream.url, "omnichannel/contacts.get", admin, {"contactId": document["_id"]}
    )["contact"]
    upstream.clear()
    body = await gql(
        CONTACT,
        {"id": b64encode(f"Contact:{document['_id']}".encode()).decode()},
        headers=admin,
    )
    assert "errors" not in body, body
    paths = sorted(c.path for c in upstream.calls())
    visitor_ids = [c["visitor"]["visitorId"] for c in by_id["channels"]]
    names = {
        v: rest(upstream.url, "livechat/visitors.info", admin, {"visitorId": v})[
            "visitor"
        ].get("name")
        for v in visitor_ids
    }
    manager = by_id.get("contactManager")
    assert body == {
        "data": {
            "node": {
                "rocketChatId": by_id["_id"],
                "name": by_id["name"],
                "emails": by_id.get("emails", []),
                "phones": by_id.get("phones", []),
                "unknown": by_id.get("unknown"),
                "customFields": by_id.get("customFields"),
                "createdAt": by_id["createdAt"],
                "contactManager": {"rocketChatId": manager} if manager else None,
                "channels": [
                    {
                        "name": c["name"],
                        "visitorId": c["visitor"]["visitorId"],
                        "source": {"type": c["visitor"]["source"]["type"].upper()},
                        "blocked": c.get("blocked"),
                        "verified": c.get("verified"),
                        "visitor": {"rocketChatId": c["visitor"]["visitorId"]},
                    }
                    for c in by_id["channels"]
                ],
                "visitors": [
                    {"rocketChatId": v, "name": names[v]}
                    for v in dict.fromkeys(visitor_ids)
                ],
                "lastChat": (
                    {"rocketChatId": by_id["lastChat"]["_id"]}
                    if "lastChat" in by_id
                    else None
                ),
            }
        }
    }
    assert paths == sorted(
        ["/api/v1/omnichannel/contacts.get"]
        + ["/api/v1/livechat/visitors.info"] * len(set(visitor_ids))
    )


@pytest.mark.anyio
async def test_viewer_is_forbidden_on_contacts(
    gql: GraphQLClient, users: dict[str, dict[str, str]]
) -> None:
    body = await gql(SEARCH, {}, headers=users["viewer"])
    assert body["data"] == {"contacts": None}
    assert [e["extensions"]["code"] for e in body["errors"]] == ["FORBIDDEN"]


@pytest.mark.anyio
async def test_agent_may_search_contacts(
    gql: GraphQLClient, upstream: Upstream, users: dict[str, dict[str, str]]
) -> None:
    body = await gql(SEARCH, {"first": 5}, headers=users["agent"])
    expected = rest(
        upstream.url, "omnichannel/contacts.search", users["agent"], {"count": 5}
    )
    assert node_ids(body["data"]["contacts"]) == [
        c["_id"] for c in expected["contacts"]
    ]
