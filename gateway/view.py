"""The GraphQL HTTP endpoint: Strawberry's ASGI view, GraphQL-over-HTTP compliant.

Strawberry answers every request `application/json` with status 200 and turns
transport problems into plain text. This view follows the GraphQL-over-HTTP
specification instead:

- the response media type is negotiated from `Accept`:
  `application/graphql-response+json` when the client accepts it, else
  `application/json` (also for a missing `Accept` or `*/*`), else 406;
- with `application/graphql-response+json`, a request error (parse,
  validation, variable coercion) is a 400 whose body has no `data` key; with
  `application/json` it stays a 200, as legacy clients expect;
- a mutation over GET is a 405 with `Allow: POST`; a method other than GET or
  POST a 405 with `Allow: GET, POST`; a POST body that is not
  `application/json` (UTF-8) a 415; a body that is not JSON a 400;
- every HTTP-level error is a JSON body `{"errors": [...]}` with a stable
  `extensions.code`, never plain text.

Persisted documents (APQ hashes, trusted `documentId`s) are resolved to a
query string by `gateway.documents` first, so they go through the same
parse, validation and limits as any query.
"""

from __future__ import annotations

import dataclasses
import functools
import json
from typing import TYPE_CHECKING, Any

from cross_web import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from strawberry.asgi import GraphQL
from strawberry.exceptions import MissingQueryError
from strawberry.http import GraphQLRequestData
from strawberry.schema.exceptions import (
    CannotGetOperationTypeError,
    InvalidOperationTypeError,
)
from strawberry.types.graphql import OperationType

from gateway.config import APQ_CACHE_SIZE
from gateway.documents import DocumentError, MemoryStore, PersistedDocuments
from gateway.documents.resolve import BAD_REQUEST, CACHE_CONTROL
from gateway.graphiql import render_page
from gateway.schema.errors import request_error_code
from gateway.telemetry.requests import current

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Mapping

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

GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
APPLICATION_JSON = "application/json"
ALLOWED_METHODS = "GET, POST"

# HTTP status → `extensions.code` of the error answered with it.
HTTP_ERROR_CODES = {
    400: "BAD_REQUEST",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    406: "NOT_ACCEPTABLE",
    415: "UNSUPPORTED_MEDIA_TYPE",
}


class HTTPError(Exception):
    """A request refused before GraphQL execution, with its status and headers."""

    def __init__(
        self, status: int, message: str, headers: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = dict(headers or {})


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
        mime, _, params = item.partition(";")
        mime = mime.strip().lower()
        if mime == GRAPHQL_RESPONSE_JSON:
            candidate = GRAPHQL_RESPONSE_JSON
        elif mime in (APPLICATION_JSON, "application/*", "*/*"):
            candidate = APPLICATION_JSON
        else:
            continue
        rank = (_quality(params), candidate == GRAPHQL_RESPONSE_JSON)
        if rank[0] > 0 and rank > best:
            best, chosen = rank, candidate
    return chosen


def _quality(params: str) -> float:
    for param in params.split(";"):
        name, _, value = param.partition("=")
        if name.strip().lower() == "q":
            try:
                return min(max(float(value.strip()), 0.0), 1.0)
            except ValueError:
                return 0.0
    return 1.0


def check_json_body(content_type: str | None) -> None:
    """Refuse a POST whose body is not declared as UTF-8 `application/json`."""
    if not content_type:
        raise HTTPError(415, "POST requests need Content-Type: application/json.")
    mime, _, params = content_type.partition(";")
    if mime.strip().lower() != APPLICATION_JSON:
        raise HTTPError(
            415, f"Unsupported Content-Type {mime.strip()!r}; use application/json."
        )
    for param in params.split(";"):
        name, _, value = param.partition("=")
        charset = value.strip().strip('"').lower()
        if name.strip().lower() == "charset" and charset not in ("utf-8", "utf8"):
            raise HTTPError(415, f"Unsupported charset {charset!r}; use utf-8.")


@dataclasses.dataclass
class DocumentRequestData(GraphQLRequestData):
    """Strawberry's request data plus the `documentId` a client may send."""

    document_id: object = None


def error_body(message: str, code: str) -> dict[str, Any]:
    return {"errors": [{"message": message, "extensions": {"code": code}}]}


def is_request_error(result: ExecutionResult) -> bool:
    """True when execution never started: parse, validation or variable errors.

    Field errors always carry a `path`; errors raised before execution don't.
    """
    return (
        result.data is None
        and bool(result.errors)
        and all(error.path is None for error in result.errors or ())
    )


class GraphQLView(GraphQL[Any, None]):
    """Serves `/graphql`; `context_getter` builds each request's context.

    `graphiql` turns the GraphiQL page (GET with an HTML `Accept` and no
    query) on or off; `persist_headers` lets GraphiQL keep the headers editor
    in the browser's localStorage; `documents` resolves persisted queries
    (default: APQ in an in-process store, no trusted documents).
    """

    def __init__(
        self,
        schema: BaseSchema,
        *,
        context_getter: ContextGetter,
        graphiql: bool = True,
        persist_headers: bool = False,
        documents: PersistedDocuments | None = None,
        **options: Any,
    ) -> None:
        super().__init__(
            schema, graphql_ide="graphiql" if graphiql else None, **options
        )
        self._context_getter = context_getter
        self.persist_headers = persist_headers
        self.documents = documents or PersistedDocuments(MemoryStore(APQ_CACHE_SIZE))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        request = Request(scope, receive)
        media_type = negotiate(request.headers.get("accept")) or APPLICATION_JSON
        record = current()
        if record is not None:
            record.graphql = True
        try:
            response = await self._answer(request)
        except HTTPError as exc:
            response = self._error(exc.status, exc.message, media_type, exc.headers)
        except HTTPException as exc:
            response = self._error(exc.status_code, exc.reason, media_type)
        except DocumentError as exc:
            response = self._document_error(exc, media_type)
        await response(scope, receive, send)

    async def _answer(self, request: Request) -> Response:
        if request.method not in ("GET", "POST"):
            raise HTTPError(
                405,
                f"{request.method} is not supported; use GET or POST.",
                {"Allow": ALLOWED_METHODS},
            )
        if request.method == "GET" and self.should_render_graphql_ide(
            self.request_adapter_class(request)
        ):
            return await self.run(request)
        if negotiate(request.headers.get("accept")) is None:
            raise HTTPError(
                406,
                f"Nothing acceptable in Accept; this endpoint answers "
                f"{GRAPHQL_RESPONSE_JSON} or {APPLICATION_JSON}.",
            )
        if request.method == "POST":
            check_json_body(request.headers.get("content-type"))
        return await self.run(request)

    def _error(
        self,
        status: int,
        message: str,
        media_type: str,
        headers: Mapping[str, str] | None = None,
    ) -> Response:
        if status == 405 and "Allow" not in (headers or {}):
            headers = {**(headers or {}), "Allow": ALLOWED_METHODS}
        code = HTTP_ERROR_CODES.get(status, "BAD_REQUEST")
        if (record := current()) is not None:
            record.error_codes.append(code)
        return Response(
            self.encode_json(error_body(message, code)),
            status_code=status,
            headers=dict(headers or {}),
            media_type=f"{media_type}; charset=utf-8",
        )

    def _document_error(self, exc: DocumentError, media_type: str) -> Response:
        """Malformed is a 400; not found / not trusted is a request error."""
        bad = exc.code == BAD_REQUEST or media_type == GRAPHQL_RESPONSE_JSON
        if (record := current()) is not None:
            record.error_codes.append(exc.code)
        return Response(
            self.encode_json(error_body(exc.message, exc.code)),
            status_code=400 if bad else 200,
            headers={"Cache-Control": CACHE_CONTROL},
            media_type=f"{media_type}; charset=utf-8",
        )

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
        accept = request.headers.get("accept")
        sub_response.media_type = negotiate(accept) or APPLICATION_JSON
        return sub_response

    def decode_json(self, data: str | bytes) -> object:
        try:
            return json.loads(data)
        except UnicodeDecodeError as exc:
            raise HTTPError(400, "The request body is not valid UTF-8.") from exc
        except RecursionError as exc:
            raise HTTPError(400, "The request body is nested too deeply.") from exc

    def parse_query_params(self, params: QueryParams) -> dict[str, Any]:
        try:
            return super().parse_query_params(params)
        except HTTPException as exc:
            raise HTTPError(
                400, "The `variables` and `extensions` parameters must be JSON."
            ) from exc

    async def parse_http_body(
        self, request: AsyncHTTPRequestAdapter
    ) -> GraphQLRequestData | list[GraphQLRequestData]:
        if request.method == "POST":
            body = self.parse_json(await request.get_body())
            if not isinstance(body, dict | list):
                raise HTTPError(
                    400, "The request body must be a JSON object with a `query`."
                )
        else:
            body = dict(request.query_params)
        data = await super().parse_http_body(request)
        for item in data if isinstance(data, list) else [data]:
            if not isinstance(item.operation_name, str | None):
                raise HTTPError(
                    400, "The GraphQL operation's `operationName` must be a string."
                )
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
        allowed = OperationType.from_http(request_adapter.method)
        if (record := current()) is not None:
            # Refined from the document by the schema's operation extension.
            record.operation_name = request_data.operation_name
        resolved = await self.documents.resolve(
            request_data.query,
            request_data.extensions,
            getattr(request_data, "document_id", None),
        )
        try:
            result = await self.schema.execute(
                resolved.query,
                root_value=root_value,
                variable_values=request_data.variables,
                context_value=context,
                operation_name=request_data.operation_name,
                allowed_operation_types=allowed,
                operation_extensions=request_data.extensions,
            )
        except InvalidOperationTypeError as exc:
            if request_adapter.method == "GET":
                raise HTTPError(
                    405,
                    "Only queries can be sent with GET; send mutations with POST.",
                    {"Allow": "POST"},
                ) from exc
            raise HTTPError(
                400, exc.as_http_error_reason(request_adapter.method)
            ) from exc
        except CannotGetOperationTypeError as exc:
            raise HTTPError(400, exc.as_http_error_reason()) from exc
        except MissingQueryError as exc:
            raise HTTPError(400, "No GraphQL query found in the request.") from exc
        # Stored only once it validated, as Apollo Server does: a document that
        # cannot run is not worth a slot.
        if resolved.register and resolved.query and not is_request_error(result):
            await self.documents.register(resolved.register, resolved.query)
        return result

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        processed = await super().process_result(request, result)
        if is_request_error(result):
            del processed["data"]
            for error, formatted in zip(
                result.errors or (), processed.get("errors") or (), strict=True
            ):
                if isinstance(formatted, dict):
                    extensions = formatted.setdefault("extensions", {})
                    extensions.setdefault("code", request_error_code(error))
        if (record := current()) is not None:
            record.has_data = result.data is not None and not is_request_error(result)
            for formatted in processed.get("errors") or ():
                if not isinstance(formatted, dict):
                    continue
                extensions = formatted.get("extensions") or {}
                code = extensions.get("code") if isinstance(extensions, dict) else None
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
