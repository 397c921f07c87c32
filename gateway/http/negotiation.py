"""Which media type answers a request, and which request bodies are accepted.

GraphQL over HTTP: the response is `application/graphql-response+json` when
the client accepts it, else `application/json` (also for a missing `Accept`
or `*/*`); nothing acceptable is a 406. A POST body must be UTF-8
`application/json`, else 415.
"""

from __future__ import annotations

import functools

from cross_web import StarletteRequestAdapter, parse_content_type

from gateway.http.refusals import Refusal

GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
APPLICATION_JSON = "application/json"
UTF_8 = frozenset({"utf-8", "utf8"})


@functools.lru_cache(maxsize=256)  # clients send the same few Accept headers
def negotiate(accept: str | None) -> str | None:
    """The response media type for an `Accept` header, or None if none fits.

    The highest quality wins; on a tie `application/graphql-response+json` is
    preferred. A missing or empty header means `application/json`.
    """
    if not accept or not accept.strip():
        return APPLICATION_JSON
    best: tuple[float, bool] = (0.0, False)
    chosen: str | None = None
    for item in accept.split(","):
        # An Accept item has Content-Type's syntax: a media range, `;` params.
        mime, params = parse_content_type(item)
        if mime == GRAPHQL_RESPONSE_JSON:
            candidate = GRAPHQL_RESPONSE_JSON
        elif mime in (APPLICATION_JSON, "application/*", "*/*"):
            candidate = APPLICATION_JSON
        else:
            continue
        rank = (quality(params.get("q")), candidate == GRAPHQL_RESPONSE_JSON)
        if rank[0] > 0 and rank > best:
            best, chosen = rank, candidate
    return chosen


def quality(value: str | None) -> float:
    """An Accept item's `q`, clamped to 0..1; 1 when absent, 0 when garbled."""
    if value is None:
        return 1.0
    try:
        return min(max(float(value), 0.0), 1.0)
    except ValueError:
        return 0.0


def not_acceptable() -> Refusal:
    return Refusal(
        406,
        f"Nothing acceptable in Accept; this endpoint answers "
        f"{GRAPHQL_RESPONSE_JSON} or {APPLICATION_JSON}.",
    )


def check_json_body(content_type: str | None) -> None:
    """Refuse a POST whose body is not declared as UTF-8 `application/json`."""
    if not content_type:
        raise Refusal(415, "POST requests need Content-Type: application/json.")
    mime, params = parse_content_type(content_type)
    if mime != APPLICATION_JSON:
        raise Refusal(415, f"Unsupported Content-Type {mime!r}; use application/json.")
    charset = params.get("charset", "utf-8").lower()
    if charset not in UTF_8:
        raise Refusal(415, f"Unsupported charset {charset!r}; use utf-8.")


class RequestAdapter(StarletteRequestAdapter):
    """Starlette's request adapter, its Content-Type reduced to the media type.

    `check_json_body` reads the header as HTTP says (any case, parameters);
    Strawberry looks for `application/json` in the raw value, case-sensitively.
    """

    @property
    def content_type(self) -> str | None:
        value = super().content_type
        return None if value is None else parse_content_type(value)[0]
