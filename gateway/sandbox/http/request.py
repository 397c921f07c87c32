"""ApiRequest: what a handler sees of one /api/v1 call."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .errors import plain

if TYPE_CHECKING:
    from starlette.datastructures import Headers

    from ..state import Sandbox
    from ..store.sqlite import Doc, Store


@dataclass
class ApiRequest:
    """Path parameters (decoded), qs-parsed query, headers, body, caller."""

    sandbox: Sandbox
    method: str
    params: dict[str, str]
    query: dict[str, Any]
    headers: Headers
    body: bytes
    client: str
    user: Doc | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def store(self) -> Store:
        return self.sandbox.store

    @property
    def current_user(self) -> Doc:
        """The authenticated user (only on authenticated routes)."""
        assert self.user is not None
        return self.user

    def body_params(self) -> Any:
        """The body as Rocket.Chat's router sees it.

        JSON bodies are parsed (empty means `{}`); a body sent with another
        content type stays text, which then fails the endpoint's validation.
        """
        media = self.headers.get("content-type", "").split(";")[0].strip().lower()
        if media == "application/json" or media.endswith("+json"):
            if not self.body.strip():
                return {}
            try:
                return json.loads(self.body)
            except ValueError as exc:
                raise plain(f"Invalid JSON body: {exc}") from None
        if not self.body:
            return {}
        return self.body.decode("utf-8", "replace")
