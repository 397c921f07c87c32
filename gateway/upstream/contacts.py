"""Omnichannel contacts over REST: the search and the lookup by id."""

from __future__ import annotations

from typing import TYPE_CHECKING

from gateway.errors import NotFoundError
from gateway.upstream.client import paging
from gateway.upstream.records import ContactRecord, page_of, record_of

if TYPE_CHECKING:
    from collections.abc import Mapping

    from gateway.upstream.client import Credentials, Upstream
    from gateway.upstream.records import Page


async def search_contacts(
    upstream: Upstream,
    credentials: Credentials,
    search_text: str | None,
    *,
    unknown: bool | None,
    offset: int,
    count: int,
    sort: Mapping[str, int] | None = None,
) -> Page[ContactRecord]:
    params = paging(offset, count, sort)
    if search_text:
        params["searchText"] = search_text
    if unknown is not None:
        params["unknown"] = "true" if unknown else "false"
    body = await upstream.request(
        "GET", "omnichannel/contacts.search", credentials, params=params
    )
    return page_of(body, "contacts", ContactRecord.from_json, offset=offset)


async def get_contact(
    upstream: Upstream, credentials: Credentials, contact_id: str
) -> ContactRecord:
    body = await upstream.request(
        "GET",
        "omnichannel/contacts.get",
        credentials,
        params={"contactId": contact_id},
    )
    contact = body.get("contact")
    if contact is None:
        # 7.0 answered 200 with `contact: null` for an unknown id.
        raise NotFoundError(f"No contact with id {contact_id!r}.")
    return ContactRecord.from_json(record_of(contact, "`contact`"))
