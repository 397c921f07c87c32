"""`agents` and the one User type: the same fields on every path."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from tests.support import rest

if TYPE_CHECKING:
    from tests.conftest import GraphQLClient, Upstream

USER = "rocketChatId username name emails { address } status availability maxChats"
AGENTS = f"""
query ($text: String, $onlyAvailable: Boolean! = false) {{
  agents(text: $text, onlyAvailable: $onlyAvailable, first: 100) {{
    totalCount
    nodes {{ {USER} departments {{ rocketChatId name }} }}
  }}
}}
"""


def expected(doc: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    livechat = doc.get("livechat") or {}
    return {
        "rocketChatId": doc["_id"],
        "username": doc["username"],
        "name": doc.get("name"),
        "emails": [{"address": e["address"]} for e in doc.get("emails") or []],
        "status": doc["status"].upper() if doc.get("status") else None,
        "availability": (doc.get("statusLivechat") or "").upper().replace("-", "_")
        or None,
        "maxChats": livechat.get("maxNumberSimultaneousChat"),
        "departments": [
            {"rocketChatId": d, "name": names[d]} for d in doc.get("departments") or []
        ],
    }


def department_names(upstream: Upstream, admin: dict[str, str]) -> dict[str, str]:
    docs = rest(
        upstream.url,
        "livechat/department",
        admin,
        {"count": 100, "showArchived": "true"},
    )["departments"]
    return {d["_id"]: d["name"] for d in docs}


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("variables", "params"),
    [
        pytest.param({}, {}, id="all"),
        pytest.param({"text": "agent"}, {"text": "agent"}, id="text"),
        pytest.param(
            {"onlyAvailable": True}, {"onlyAvailable": "true"}, id="available"
        ),
    ],
)
async def test_agents_equal_the_rest_listing(
    gql: GraphQLClient,
    upstream: Upstream,
    users: dict[str, dict[str, str]],
    variables: dict[str, Any],
    params: dict[str, str],
) -> None:
    admin = users["admin"]
    docs = rest(
        upstream.url,
        "livechat/users/agent",
        admin,
        {**params, "count": 100, "sort": '{"name":1,"_id":1}'},
    )
    names = department_names(upstream, admin)
    body = await gql(AGENTS, variables, headers=admin)
    assert body == {
        "data": {
            "agents": {
                "totalCount": docs["total"],
                "nodes": [expected(d, names) for d in docs["users"]],
            }
        }
    }
    assert docs["total"] > 0


@pytest.mark.anyio
async def test_served_by_reads_like_the_agent_list(
    gql: GraphQLClient, upstream: Upstream, users: dict[str, dict[str, str]]
) -> None:
    admin = users["admin"]
    body = await gql(
        f"{{ rooms(first: 50, filter: {{open: true}}) "
        f"{{ nodes {{ servedBy {{ {USER} }} }} }} "
        f"agents(first: 100) {{ nodes {{ {USER} }} }} }}",
        headers=admin,
    )
    agents = {a["rocketChatId"]: a for a in body["data"]["agents"]["nodes"]}
    served = [n["servedBy"] for n in body["data"]["rooms"]["nodes"] if n["servedBy"]]
    assert served
    assert all(user == agents[user["rocketChatId"]] for user in served)
    assert all(user["name"] for user in served)


@pytest.mark.anyio
async def test_viewer_may_not_list_agents(
    gql: GraphQLClient, users: dict[str, dict[str, str]]
) -> None:
    body = await gql("{ agents { totalCount } }", headers=users["viewer"])
    assert body["data"] == {"agents": None}
    assert [e["extensions"]["code"] for e in body["errors"]] == ["FORBIDDEN"]
