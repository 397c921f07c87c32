"""The visitor-facing writes: `registerVisitor` and `recordPageVisit`."""

from __future__ import annotations

import strawberry

from gateway.context import Info
from gateway.schema.ids import parse_id
from gateway.schema.visitors import Visitor
from gateway.upstream import visitors
from gateway.upstream.visitors import (
    CustomFieldValue,
    PageVisit as PageVisitBody,
    VisitorRegistration,
)


@strawberry.input(description="A visitor custom-field value to write.")
class CustomFieldInput:
    key: str = strawberry.field(description="The custom field's id.")
    value: str
    overwrite: bool = strawberry.field(
        default=False,
        description="Replace an existing non-empty value; otherwise keep it.",
    )


@strawberry.input(
    description=(
        "Register a visitor, or update the one this token (or else this phone, "
        "or else this email) already belongs to."
    )
)
class RegisterVisitorInput:
    token: str = strawberry.field(
        description="The visitor's secret, chosen by the client; keep it private."
    )
    name: str | None = None
    email: str | None = None
    phone: str | None = None
    department: str | None = strawberry.field(
        default=None, description="Department `_id` or exact name."
    )
    username: str | None = strawberry.field(
        default=None, description="Only used when a new visitor is created."
    )
    custom_fields: list[CustomFieldInput] | None = None


@strawberry.type(description="The visitor as written, token included.")
class RegisterVisitorPayload:
    visitor: Visitor


@strawberry.input(description="A page the visitor opened, for the navigation history.")
class RecordPageVisitInput:
    token: str = strawberry.field(description="The visitor's token.")
    room_id: strawberry.ID | None = strawberry.field(
        default=None,
        description=(
            "The visitor's room (global id or Rocket.Chat `_id`); without it "
            "the entry expires."
        ),
    )
    change: str = strawberry.field(
        default="url",
        description=(
            "What changed: Rocket.Chat stores only the kind it monitors "
            "(`url` by default, or `title`)."
        ),
    )
    title: str
    url: str


@strawberry.type(description="The outcome of recording a page visit.")
class RecordPageVisitPayload:
    recorded: bool = strawberry.field(
        description="False when Rocket.Chat does not monitor this kind of change."
    )


@strawberry.type
class VisitorMutation:
    @strawberry.mutation(
        description="Register or update a visitor (`POST livechat/visitor`)."
    )
    async def register_visitor(
        self, info: Info, input: RegisterVisitorInput
    ) -> RegisterVisitorPayload:
        ctx = info.context
        registration = VisitorRegistration(
            token=input.token,
            name=input.name,
            email=input.email,
            phone=input.phone,
            department=input.department,
            username=input.username,
            custom_fields=tuple(
                CustomFieldValue(key=f.key, value=f.value, overwrite=f.overwrite)
                for f in input.custom_fields or ()
            ),
        )
        record = await visitors.register_visitor(
            ctx.upstream, ctx.credentials, registration
        )
        return RegisterVisitorPayload(visitor=Visitor.from_record(record))

    @strawberry.mutation(description="Add a page to a visitor's navigation history.")
    async def record_page_visit(
        self, info: Info, input: RecordPageVisitInput
    ) -> RecordPageVisitPayload:
        ctx = info.context
        visit = PageVisitBody(
            token=input.token,
            room_id=(
                parse_id(input.room_id, "Room", "roomId")
                if input.room_id is not None
                else None
            ),
            change=input.change,
            title=input.title,
            url=input.url,
        )
        recorded = await visitors.record_page_visit(
            ctx.upstream, ctx.credentials, visit
        )
        return RecordPageVisitPayload(recorded=recorded)
