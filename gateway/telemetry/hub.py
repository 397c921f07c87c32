"""Telemetry: the one object that logs, counts and traces requests and REST calls.

The app makes one per process and hands it to the access middleware (once per
HTTP request) and to `Upstream` (once per REST call). Nothing here runs per
GraphQL field.
"""

from __future__ import annotations

import contextlib
import logging
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from gateway.errors import GatewayError
from gateway.telemetry.logs import ACCESS_LOGGER, UPSTREAM_LOGGER
from gateway.telemetry.requests import current

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

    from gateway.telemetry.metrics import Metrics
    from gateway.telemetry.requests import RequestRecord
    from gateway.telemetry.tracing import Tracing

REJECTED_CODE = "COST_ESTIMATED_TOO_EXPENSIVE"
UNKNOWN_OPERATION = "unknown"

access_logger = logging.getLogger(ACCESS_LOGGER)
upstream_logger = logging.getLogger(UPSTREAM_LOGGER)


@dataclass(slots=True)
class UpstreamCall:
    """One REST exchange being made: the client sets `status` once answered."""

    headers: dict[str, str] = field(default_factory=dict)
    status: int | None = None


@dataclass(slots=True)
class Exchange:
    """One HTTP request being answered, as the access middleware sees it."""

    method: str
    path: str
    client: str | None
    record: RequestRecord
    started: float = field(default_factory=time.perf_counter)
    status: int = 0
    span: Any = None


class Telemetry:
    """Logs always; metrics and spans when they are on."""

    def __init__(self, metrics: Metrics | None, tracing: Tracing | None) -> None:
        self.metrics = metrics
        self.tracing = tracing

    # -- per HTTP request ------------------------------------------------

    def start_request(
        self, exchange: Exchange, headers: Mapping[str, str]
    ) -> contextlib.AbstractContextManager[Any]:
        """Called when a request arrives; the block runs the app."""
        if self.metrics is not None and exchange.path == "/graphql":
            self.metrics.in_flight.inc()
        if self.tracing is None:
            return contextlib.nullcontext()
        tracer = self.tracing.tracer
        exchange.span = tracer.start_span(
            f"{exchange.method} {exchange.path}",
            context=self.tracing.extract(headers),
            kind=self.tracing.kinds.SERVER,
            attributes={
                "http.request.method": exchange.method,
                "url.path": exchange.path,
                "http.route": exchange.path,
            },
        )
        return self.tracing.use_span(exchange.span)  # type: ignore[no-any-return]

    def finish_request(self, exchange: Exchange) -> None:
        """Called once the response is sent (or the app failed)."""
        record = exchange.record
        duration = time.perf_counter() - exchange.started
        operation_type = record.operation_type or UNKNOWN_OPERATION
        used, estimated = record.calls()
        if self.metrics is not None and exchange.path == "/graphql":
            self.metrics.in_flight.dec()
        if self.metrics is not None and record.graphql:
            metrics = self.metrics
            metrics.requests.labels(operation_type, record.outcome).inc()
            metrics.request_duration.labels(operation_type).observe(duration)
            for code in record.error_codes:
                metrics.errors.labels(code).inc()
            if REJECTED_CODE in record.error_codes:
                metrics.rejections.inc()
            metrics.calls_per_request.labels("actual").observe(used)
            if estimated is not None:
                metrics.calls_per_request.labels("estimated").observe(estimated)
        fields: dict[str, Any] = {
            "request_id": record.request_id,
            "method": exchange.method,
            "path": exchange.path,
            "status": exchange.status,
            "duration_ms": round(duration * 1000, 2),
            "client": exchange.client,
            "user_id": record.user_id,
        }
        if record.graphql:
            fields.update(
                operation_name=record.operation_name,
                operation_type=operation_type,
                upstream_calls=used,
                estimated_calls=estimated,
                error_codes=sorted(set(record.error_codes)),
            )
        access_logger.info(
            f"{exchange.method} {exchange.path} {exchange.status}",
            extra={"fields": fields},
        )
        span = exchange.span
        if span is not None:
            if record.graphql:
                name = record.operation_name
                span.update_name(f"{operation_type} {name}" if name else operation_type)
                span.set_attribute("graphql.operation.type", operation_type)
                if name:
                    span.set_attribute("graphql.operation.name", name)
                span.set_attribute("rc_gateway.upstream_calls", used)
                if record.error_codes:
                    span.set_attribute(
                        "rc_gateway.error_codes", sorted(set(record.error_codes))
                    )
            if record.request_id:
                span.set_attribute("rc_gateway.request_id", record.request_id)
            span.set_attribute("http.response.status_code", exchange.status)
            if exchange.status >= 500 and self.tracing is not None:
                span.set_status(self.tracing.status_error)
            span.end()

    # -- per REST call ---------------------------------------------------

    @contextlib.contextmanager
    def upstream_call(self, method: str, route: str) -> Iterator[UpstreamCall]:
        """Measure one REST exchange; the block makes it and maps its errors.

        `call.headers` are to be sent with it (the trace context, when
        tracing is on). A GatewayError leaving the block is logged here,
        once, with the code it became.
        """
        call = UpstreamCall()
        span = None
        if self.tracing is not None:
            span = self.tracing.tracer.start_span(
                f"{method} {route}",
                kind=self.tracing.kinds.CLIENT,
                attributes={"http.request.method": method, "url.template": route},
            )
            with self.tracing.use_span(span):
                self.tracing.inject(call.headers)
        started = time.perf_counter()
        code: str | None = None
        try:
            yield call
        except GatewayError as exc:
            code = exc.code
            raise
        finally:
            duration = time.perf_counter() - started
            self._record_call(method, route, call, duration, code, span)

    def _record_call(
        self,
        method: str,
        route: str,
        call: UpstreamCall,
        duration: float,
        code: str | None,
        span: Any,
    ) -> None:
        record = current()
        if record is not None and record.budget is None:
            record.upstream_calls += 1
        status_class = f"{call.status // 100}xx" if call.status else "error"
        if self.metrics is not None:
            self.metrics.upstream_requests.labels(method, route, status_class).inc()
            self.metrics.upstream_duration.labels(method, route).observe(duration)
        if code is not None:
            # Rocket.Chat failing (5xx, no answer, nonsense) is a warning; a
            # refusal of the caller's request (4xx) is routine.
            failed = code.startswith("UPSTREAM_") or code == "RATE_LIMITED"
            upstream_logger.log(
                logging.WARNING if failed else logging.INFO,
                f"upstream {method} {route} failed: {code}",
                extra={
                    "fields": {
                        "request_id": record.request_id if record else None,
                        "method": method,
                        "route": route,
                        "status": call.status,
                        "duration_ms": round(duration * 1000, 2),
                        "code": code,
                    }
                },
            )
        if span is not None:
            if call.status is not None:
                span.set_attribute("http.response.status_code", call.status)
            if code is not None:
                span.set_attribute("rc_gateway.error_code", code)
                if self.tracing is not None and code.startswith("UPSTREAM_"):
                    span.set_status(self.tracing.status_error)
            span.end()
