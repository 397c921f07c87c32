"""The GraphQL HTTP endpoint: Strawberry's ASGI view, GraphQL-over-HTTP compliant.

Strawberry answers every request `application/json` with status 200 and turns
transport problems into plain text. This view, on Strawberry's hooks, follows
the GraphQL-over-HTTP specification instead:

- the answer's media type is negotiated from `Accept` once per request
  (`gateway.http.negotiation`); with `application/graphql-response+json` a
  request error (parse, validation, variable coercion) is a 400 without
  `data`, with legacy `application/json` it stays a 200;
- a mutation over GET (any operation, with `allow_queries_via_get=False`) is
  a 405 with `Allow: POST`, another method a 405, a body that is not UTF-8
  `application/json` a 415, one over `max_body_bytes` a 413 (from its
  `Content-Length` or as soon as that many bytes arrived), a batch beyond
  `max_batch` a 400 (`gateway.http.bodies`);
- every refusal, ours or Strawberry's, is rendered in one place
  (`gateway.http.refusals.render`): `{"errors": [...]}` with a stable
  `extensions.code`. GraphQL errors get their codes in the schema
  (`gateway.schema.errors`).

Persisted documents (APQ hashes, trusted `documentId`s) are resolved to a
query string by `gateway.documents` first, so they go through the same
parse, validation and limits as any query.
"""

from __future__ import annotations

import contextvars
import dataclasses
from typing import TYPE_CHECKING, Any

import orjson
from cross_web import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLRequestData

from gateway.config import APQ_CACHE_SIZE
from gateway.documents import DocumentError, MemoryStore, PersistedDocuments
from gateway.documents.resolve import BAD_REQUEST, CACHE_CONTROL
from gateway.graphiql import render_page
from gateway.http.bodies import check_body, check_operation_names, decode_json
from gateway.http.negotiation import (
    APPLICATION_JSON,
    GRAPHQL_RESPONSE_JSON,
    RequestAdapter,
    check_json_body,
    negotiate,
    not_acceptable,
)
from gateway.http.refusals import (
    Refusal,
    limit_body,
    operation_refusal,
    render,
    too_large,
)
from gateway.telemetry.requests import current

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from cross_web import AsyncHTTPRequestAdapter
    from starlette.types import Receive, Scope, Send
    from starlette.websockets import WebSocket
    from strawberry.http import GraphQLHTTPResponse
    from strawberry.http.types import QueryParams
    from strawberry.schema import BaseSchema
    from strawberry.types import ExecutionResult

    ContextGetter = Callable[
        [Request | WebSocket, Response | WebSocket], Awaitable[Any]
    ]

DEFAULT_MAX_BODY_BYTES = 1_000_000


class GraphQLRequest(Request):
    """A request to `/graphql` and the media type negotiated for its answer."""

    media_type: str | None = APPLICATION_JSON


@dataclasses.dataclass
class DocumentRequestData(GraphQLRequestData):
    """Strawberry's request data plus the `documentId` a client may send."""

    document_id: object = None


def document_refusal(exc: DocumentError, media_type: str) -> Refusal:
    """Malformed is a 400; not found / not trusted is a request error."""
    legacy = media_type == APPLICATION_JSON and exc.code != BAD_REQUEST
    return Refusal(
        200 if legacy else 400,
        exc.message,
        code=exc.code,
        headers={"Cache-Control": CACHE_CONTROL},
    )


def is_request_error(result: ExecutionResult) -> bool:
    """True when execution never started: parse, validation or variable errors.

    Field errors always carry a `path`; errors raised before execution don't.
    """
    return (
        result.data is None
        and bool(result.errors)
        and all(error.path is None for error in result.errors or ())
    )


# The request body this task already decoded, and what it decoded to.
_decoded_body: contextvars.ContextVar[tuple[str | bytes, object] | None] = (
    contextvars.ContextVar("decoded_body", default=None)
)


class GraphQLView(GraphQL[Any, None]):
    """Serves `/graphql`; `context_getter` builds each request's context.

    `graphiql` turns the GraphiQL page (GET with an HTML `Accept` and no
    query) on or off; `persist_headers` lets GraphiQL keep the headers editor
    in the browser's localStorage; `documents` resolves persisted queries
    (default: APQ in an in-process store, no trusted documents).
    `max_body_bytes` and `max_batch` are the HTTP-level limits (the document
    limits live in the schema); other options (`allow_queries_via_get`) are
    Strawberry's.
    """

    request_adapter_class = RequestAdapter

    def __init__(
        self,
        schema: BaseSchema,
        *,
        context_getter: ContextGetter,
        graphiql: bool = True,
        persist_headers: bool = False,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
        max_batch: int = 0,
        documents: PersistedDocuments | None = None,
        **options: Any,
    ) -> None:
        super().__init__(
            schema, graphql_ide="graphiql" if graphiql else None, **options
        )
        self._context_getter = context_getter
        self.persist_headers = persist_headers
        self.max_body_bytes = max_body_bytes
        self.max_batch = max_batch
        self.documents = documents or PersistedDocuments(MemoryStore(APQ_CACHE_SIZE))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        request = GraphQLRequest(scope, limit_body(receive, self.max_body_bytes))
        request.media_type = negotiate(request.headers.get("accept"))
        media_type = request.media_type or APPLICATION_JSON
        if (record := current()) is not None:
            record.graphql = True
        try:
            response = await self._answer(request)
        except DocumentError as exc:
            refusal = document_refusal(exc, media_type)
            response = render(refusal, media_type, self.encode_json)
        except HTTPException as exc:
            response = render(exc, media_type, self.encode_json)
        await response(scope, receive, send)

    async def _answer(self, request: GraphQLRequest) -> Response:
        """Strawberry's `run`, after the refusals due before any of its work."""
        if request.method not in ("GET", "POST"):
            raise Refusal(405, f"{request.method} is not supported; use GET or POST.")
        if request.method == "GET" and self.should_render_graphql_ide(
            self.request_adapter_class(request)
        ):
            return await self.run(request)
        if request.media_type is None:
            raise not_acceptable()
        if request.method == "POST":
            check_json_body(request.headers.get("content-type"))
            length = request.headers.get("content-length", "")
            if length.isdigit() and int(length) > self.max_body_bytes:
                raise too_large(self.max_body_bytes)
        return await self.run(request)

    def should_render_graphql_ide(self, request: Any) -> bool:
        # A GET naming a persisted document is an operation, whatever Accept says.
        params = request.query_params
        if "documentId" in params or "extensions" in params:
            return False
        return self.graphql_ide is not None and super().should_render_graphql_ide(
            request
        )

    async def render_graphql_ide(self, request: Request) -> Response:
        if (record := current()) is not None:
            record.graphql = False  # a page for a browser, not an operation
        app = request.scope.get("app")
        demo_headers = getattr(getattr(app, "state", None), "demo_headers", None)
        page = render_page(
            endpoint=request.url.path,
            demo_headers=demo_headers,
            persist_headers=self.persist_headers,
            root_path=request.scope.get("root_path", ""),
        )
        return HTMLResponse(page.html, status_code=page.status, headers=page.headers)

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Any:
        return await self._context_getter(request, response)

    async def get_sub_response(self, request: Request | WebSocket) -> Response:
        sub_response = await super().get_sub_response(request)
        negotiated = request.media_type if isinstance(request, GraphQLRequest) else None
        sub_response.media_type = negotiated or APPLICATION_JSON
        return sub_response

    def decode_json(self, data: str | bytes) -> object:
        decoded = _decoded_body.get()
        if decoded is not None and decoded[0] is data:
            return decoded[1]
        return decode_json(data)

    def encode_json(self, data: object) -> str | bytes:
        """The answer as JSON: orjson, about ten times faster than `json`.

        What orjson cannot encode (an integer beyond 64 bits) goes to `json`.
        """
        try:
            return orjson.dumps(data)
        except TypeError:
            return super().encode_json(data)

    def parse_query_params(self, params: QueryParams) -> dict[str, Any]:
        try:
            return super().parse_query_params(params)
        except HTTPException as exc:
            raise Refusal(
                400, "The `variables` and `extensions` parameters must be JSON."
            ) from exc

    async def parse_http_body(
        self, request: AsyncHTTPRequestAdapter
    ) -> GraphQLRequestData | list[GraphQLRequestData]:
        # Strawberry calls `.get()` on whatever JSON it decoded, so a body
        # that is not an object or a batch must be refused before it reads
        # it; what was decoded here is what its `parse_json` then returns.
        if request.method == "POST":
            raw = await request.get_body()
            body = self.parse_json(raw)
            check_body(body, self.max_batch)
            token = _decoded_body.set((raw, body))
        else:
            body = dict(request.query_params)
            token = None
        try:
            data = await super().parse_http_body(request)
        finally:
            if token is not None:
                _decoded_body.reset(token)
        check_operation_names(data)
        if isinstance(data, list):
            return data
        document_id = body.get("documentId") if isinstance(body, dict) else None
        return DocumentRequestData(**vars(data), document_id=document_id)

    async def execute_single(
        self,
        request: Request,
        request_adapter: AsyncHTTPRequestAdapter,
        sub_response: Response,
        context: Any,
        root_value: None,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        """Strawberry's, on the persisted document's text, with our refusals."""
        if (record := current()) is not None:
            # Refined from the document by the schema's operation extension.
            record.operation_name = request_data.operation_name
        resolved = await self.documents.resolve(
            request_data.query,
            request_data.extensions,
            getattr(request_data, "document_id", None),
        )
        try:
            result = await super().execute_single(
                request=request,
                request_adapter=request_adapter,
                sub_response=sub_response,
                context=context,
                root_value=root_value,
                request_data=dataclasses.replace(request_data, query=resolved.query),
            )
        except HTTPException as exc:
            refusal = operation_refusal(
                exc,
                request_adapter.method,
                queries_via_get=self.allow_queries_via_get,
            )
            if refusal is None:
                raise
            raise refusal from exc
        # Stored only once it validated, as Apollo Server does: a document that
        # cannot run is not worth a slot.
        if resolved.register and resolved.query and not is_request_error(result):
            await self.documents.register(resolved.register, resolved.query)
        return result

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        processed = await super().process_result(request, result)
        request_error = is_request_error(result)
        if request_error:
            del processed["data"]
        if (record := current()) is not None:
            record.has_data = result.data is not None and not request_error
            for error in result.errors or ():
                code = (error.extensions or {}).get("code")
                if isinstance(code, str):
                    record.error_codes.append(code)
        return processed

    def create_response(
        self,
        response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse],
        sub_response: Response,
    ) -> Response:
        response = super().create_response(response_data, sub_response)
        media_type = sub_response.media_type or APPLICATION_JSON
        response.headers["content-type"] = f"{media_type}; charset=utf-8"
        results = response_data if isinstance(response_data, list) else [response_data]
        if media_type == GRAPHQL_RESPONSE_JSON and any(
            "data" not in result for result in results
        ):
            response.status_code = 400
        return response
