"""OpenTelemetry tracing, when the `otel` extra is installed and configured.

Off unless opentelemetry-sdk is importable and the environment asks for it
(`OTEL_TRACES_EXPORTER` other than `none`, or an OTLP endpoint); the SDK reads
the standard OTEL_* variables itself (service name, sampler, endpoint,
headers, batching). Without it the gateway never imports OpenTelemetry and
pays nothing per request.
"""

from __future__ import annotations

import logging
import os
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Mapping

    from opentelemetry.trace import Tracer, TracerProvider

SERVICE_NAME = "rc-gateway"
INSTRUMENTATION_NAME = "rc-gateway"
ENDPOINT_VARIABLES = (
    "OTEL_EXPORTER_OTLP_ENDPOINT",
    "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
)

logger = logging.getLogger("gateway.tracing")


def requested(environ: Mapping[str, str]) -> bool:
    """Whether the OTEL_* variables ask for traces to be exported."""
    if environ.get("OTEL_SDK_DISABLED", "").strip().lower() == "true":
        return False
    exporter = environ.get("OTEL_TRACES_EXPORTER", "").strip().lower()
    if exporter:
        return exporter != "none"
    return any(environ.get(name) for name in ENDPOINT_VARIABLES)


def provider_from_environment() -> TracerProvider | None:
    """A tracer provider exporting as OTEL_* says, or None when tracing is off."""
    if not requested(os.environ):
        return None
    try:
        from opentelemetry.sdk.resources import Resource
        from opentelemetry.sdk.trace import TracerProvider as SdkTracerProvider
        from opentelemetry.sdk.trace.export import (
            BatchSpanProcessor,
            ConsoleSpanExporter,
            SpanExporter,
        )
    except ImportError:
        logger.warning(
            "OTEL_* variables ask for traces, but the otel extra is not "
            "installed (pip install 'rc-gateway[otel]'); tracing is off"
        )
        return None
    # OTEL_SERVICE_NAME / OTEL_RESOURCE_ATTRIBUTES name the service; else ours.
    resource = Resource.create()
    if str(resource.attributes.get("service.name", "")).startswith("unknown_service"):
        resource = resource.merge(Resource({"service.name": SERVICE_NAME}))
    provider = SdkTracerProvider(resource=resource)
    exporters = os.environ.get("OTEL_TRACES_EXPORTER", "otlp").lower().split(",")
    for name in (name.strip() for name in exporters):
        exporter: SpanExporter
        if name == "console":
            exporter = ConsoleSpanExporter()
        elif name == "otlp":
            from opentelemetry.exporter.otlp.proto.http.trace_exporter import (
                OTLPSpanExporter,
            )

            exporter = OTLPSpanExporter()
        else:
            logger.warning(f"OTEL_TRACES_EXPORTER {name!r} is not supported; skipped")
            continue
        provider.add_span_processor(BatchSpanProcessor(exporter))
    return provider


class Tracing:
    """Spans for requests and upstream calls, W3C trace context in and out."""

    def __init__(self, provider: TracerProvider) -> None:
        from opentelemetry import propagate, trace

        self.tracer: Tracer = provider.get_tracer(INSTRUMENTATION_NAME)
        self._propagate = propagate
        self._trace = trace
        self.kinds = trace.SpanKind
        self.status_error = trace.Status(trace.StatusCode.ERROR)

    def extract(self, headers: Mapping[str, str]) -> Any:
        """The parent context a client sent (`traceparent`), if any."""
        return self._propagate.extract(headers)

    def inject(self, headers: dict[str, str]) -> None:
        """Add the current span's `traceparent` (and baggage) to `headers`."""
        self._propagate.inject(headers)

    def use_span(self, span: Any) -> Any:
        return self._trace.use_span(span, end_on_exit=False)
