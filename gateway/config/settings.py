"""Settings: every setting, its default, bounds and description, and its checks.

One class with one field per setting, as pydantic-settings wants it; its
length is the number of settings (README "Settings"), not several concepts.
"""

from __future__ import annotations

import ipaddress
import json
import re
from pathlib import Path  # noqa: TC003 - pydantic reads it at runtime
from typing import Annotated, Any, Literal, Self

from pydantic import Field, HttpUrl, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_UPSTREAM_TIMEOUT = 5.0
DEFAULT_PAGE_SIZE = 25
MAX_PAGE_SIZE = 100
# A full page (up to MAX_PAGE_SIZE items, each with a distinct lookup) in one
# wave of concurrent calls: two round trips, not 1 + ceil(page / fan-out).
MAX_FAN_OUT = MAX_PAGE_SIZE
MAX_CONNECTIONS = 100
# Request limits (README "Limits"): each has a setting and a stable code.
MAX_BODY_BYTES = 1_000_000
MAX_TOKENS = 15_000  # as Apollo Router
MAX_ALIASES = 64
MAX_DEPTH = 12
MAX_FRAGMENT_DEPTH = 8
MAX_ROOT_FIELDS = 20
MAX_VARIABLES_BYTES = 64_000
MAX_UPSTREAM_CALLS = 250
REQUEST_TIMEOUT = 15.0
MAX_BATCH = 0
READINESS_CACHE_SECONDS = 5.0
ENV_PREFIX = "GATEWAY_"
MASK = "********"  # how a secret value is shown
CORS_MAX_AGE = 600
APQ_CACHE_SIZE = 1000
APQ_TTL = 86400
REDIS_TIMEOUT = 0.5
REDIS_SCHEMES = ("redis://", "rediss://", "unix://")
# An origin is scheme://host[:port]: no path, no trailing slash (a browser's
# Origin header never has one, so such an entry could never match).
_ORIGIN = re.compile(r"https?://(\[[0-9a-fA-F:.]+\]|[^/\s:\[\]]+)(:\d{1,5})?|\*")


class Settings(BaseSettings):
    """Everything the gateway reads from its environment (prefix `GATEWAY_`)."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX, frozen=True, validate_by_name=True
    )

    rocketchat_url: HttpUrl | None = Field(
        default=None,
        validation_alias="ROCKETCHAT_URL",
        description="Rocket.Chat server to front; unset starts the embedded sandbox.",
    )
    upstream_timeout: float = Field(
        default=DEFAULT_UPSTREAM_TIMEOUT,
        gt=0,
        description=(
            "Seconds one upstream call may take as a whole: connect, send, "
            "headers and the whole body."
        ),
    )
    default_page_size: int = Field(
        default=DEFAULT_PAGE_SIZE,
        ge=1,
        le=MAX_PAGE_SIZE,
        description="Page size when neither first nor last.",
    )
    max_page_size: int = Field(
        default=MAX_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description="Largest first/last."
    )
    max_fan_out: int = Field(
        default=MAX_FAN_OUT,
        ge=1,
        description="Upstream calls one GraphQL request may have in flight at once.",
    )
    max_connections: int = Field(
        default=MAX_CONNECTIONS, ge=1, description="Size of the shared upstream pool."
    )
    retry_reads: bool = Field(
        default=True,
        description="Retry a GET once when the connection failed before a response.",
    )
    request_timeout: float = Field(
        default=REQUEST_TIMEOUT,
        gt=0,
        description=(
            "Seconds one GraphQL request may spend on upstream calls; fields "
            "still waiting then fail with UPSTREAM_TIMEOUT (partial data)."
        ),
    )
    max_body_bytes: int = Field(
        default=MAX_BODY_BYTES, ge=1, description="Largest request body (413 above)."
    )
    max_tokens: int = Field(
        default=MAX_TOKENS, ge=1, description="Most lexical tokens in a document."
    )
    max_aliases: int = Field(
        default=MAX_ALIASES,
        ge=0,
        description="Most aliased fields in an operation, fragments expanded.",
    )
    max_depth: int = Field(
        default=MAX_DEPTH,
        ge=1,
        description="Deepest field nesting, fragments expanded.",
    )
    max_fragment_depth: int = Field(
        default=MAX_FRAGMENT_DEPTH,
        ge=1,
        description="Most fragment spreads nested inside one another.",
    )
    max_root_fields: int = Field(
        default=MAX_ROOT_FIELDS,
        ge=1,
        description="Most root fields in an operation, fragments expanded.",
    )
    max_variables_bytes: int = Field(
        default=MAX_VARIABLES_BYTES,
        ge=2,
        description="Largest `variables` object, measured as compact JSON.",
    )
    max_upstream_calls: int = Field(
        default=MAX_UPSTREAM_CALLS,
        ge=1,
        description=(
            "Most REST calls one request may make: operations estimated above "
            "it are refused, and calls beyond it are never made."
        ),
    )
    introspection: bool = Field(
        default=True, description="Answer `__schema` / `__type` queries."
    )
    max_batch: int = Field(
        default=MAX_BATCH,
        ge=0,
        le=100,
        description="Most operations in one batched request; 0 turns batching off.",
    )
    graphiql: bool = Field(default=True, description="Serve the GraphiQL page on GET.")
    graphiql_persist_headers: bool = Field(
        default=False,
        description="Let GraphiQL keep its headers (credentials) in localStorage.",
    )
    demo_headers: dict[str, str] | None = Field(
        default=None,
        description=(
            "Set by `rc-gateway serve` for its workers in sandbox mode: the demo "
            "admin's headers, pre-filled in GraphiQL. Never set it in production."
        ),
        json_schema_extra={"secret": True},
    )
    cors_origins: Annotated[list[str] | None, NoDecode] = Field(
        default=None,
        description=(
            "Origins allowed to call the gateway from a browser (comma-separated "
            "or a JSON list; `*` for any, only without credentials). Unset: local "
            "dev origins in sandbox mode, none in front of Rocket.Chat."
        ),
    )
    cors_allow_credentials: bool = Field(
        default=False,
        description="Let browsers send cookies / `credentials: 'include'` requests.",
    )
    cors_max_age: int = Field(
        default=CORS_MAX_AGE, ge=0, description="Seconds a browser caches a preflight."
    )
    apq: bool = Field(
        default=True, description="Accept automatic persisted queries (APQ)."
    )
    apq_cache_size: int = Field(
        default=APQ_CACHE_SIZE,
        ge=1,
        description="Documents the in-process APQ store keeps (least recently used).",
    )
    apq_ttl: int = Field(
        default=APQ_TTL, ge=1, description="Seconds an APQ document lives in Redis."
    )
    redis_url: str | None = Field(
        default=None,
        description="Redis for state shared across instances (the APQ store).",
    )
    redis_timeout: float = Field(
        default=REDIS_TIMEOUT,
        gt=0,
        description="Seconds to wait for Redis before treating it as unavailable.",
    )
    trusted_documents: Path | None = Field(
        default=None,
        description="JSON manifest of trusted documents (hash → document).",
    )
    trusted_documents_only: bool = Field(
        default=False,
        description="Refuse every document that is not in the trusted manifest.",
    )
    sandbox: bool = Field(
        default=True,
        description=(
            "Start the embedded demo sandbox when ROCKETCHAT_URL is unset; "
            "false makes a missing ROCKETCHAT_URL a start-up error (production)."
        ),
    )
    log_level: Literal["debug", "info", "warning", "error", "critical"] = Field(
        default="info", description="Least severe log level written."
    )
    log_format: Literal["text", "json"] = Field(
        default="text",
        description="`text` (readable lines) or `json` (one JSON object a line).",
    )
    root_path: str = Field(
        default="",
        description="Path prefix the gateway is served under behind a proxy.",
    )
    forwarded_allow_ips: str = Field(
        default="",
        description=(
            "Proxies trusted to set X-Forwarded-For (comma-separated addresses "
            "or networks, `*` for any); their hops are skipped to find the client."
        ),
    )
    readiness_cache_seconds: float = Field(
        default=READINESS_CACHE_SECONDS,
        ge=0,
        description="How long /readyz reuses its last upstream check.",
    )
    metrics: bool = Field(default=True, description="Serve Prometheus metrics.")

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: Any) -> Any:
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                return json.loads(text)
            return [item.strip() for item in text.split(",") if item.strip()]
        return value

    @field_validator("cors_origins")
    @classmethod
    def _check_origins(cls, value: list[str] | None) -> list[str] | None:
        for origin in value or ():
            if not _ORIGIN.fullmatch(origin):
                raise ValueError(
                    f"{origin!r} is not an origin: use scheme://host[:port], "
                    "without a path or trailing slash, or `*`"
                )
        return value

    @field_validator("redis_url")
    @classmethod
    def _check_redis_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(REDIS_SCHEMES):
            raise ValueError("use a redis://, rediss:// or unix:// URL")
        return value

    @model_validator(mode="after")
    def _check_combinations(self) -> Self:
        if self.cors_allow_credentials and "*" in (self.cors_origins or ()):
            raise ValueError(
                "GATEWAY_CORS_ORIGINS=* cannot be combined with "
                "GATEWAY_CORS_ALLOW_CREDENTIALS=true: list the allowed origins"
            )
        if self.trusted_documents_only and self.trusted_documents is None:
            raise ValueError(
                "GATEWAY_TRUSTED_DOCUMENTS_ONLY=true needs GATEWAY_TRUSTED_DOCUMENTS"
            )
        return self

    @field_validator("log_level", "log_format", mode="before")
    @classmethod
    def _lower_case(cls, value: Any) -> Any:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("root_path")
    @classmethod
    def _root_path(cls, value: str) -> str:
        if value and (not value.startswith("/") or value.endswith("/")):
            raise ValueError("must start with / and not end with /")
        return value

    @field_validator("forwarded_allow_ips")
    @classmethod
    def _networks(cls, value: str) -> str:
        for item in split_list(value):
            if item != "*":
                try:
                    ipaddress.ip_network(item, strict=False)
                except ValueError:
                    raise ValueError(
                        "must be addresses or networks separated by commas, or *"
                    ) from None
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if (
            "default_page_size" not in self.model_fields_set
            and self.default_page_size > self.max_page_size
        ):
            # Only the maximum was lowered: the default follows it down.
            object.__setattr__(self, "default_page_size", self.max_page_size)
        if self.default_page_size > self.max_page_size:
            raise ValueError(
                f"GATEWAY_DEFAULT_PAGE_SIZE ({self.default_page_size}) must not "
                f"exceed GATEWAY_MAX_PAGE_SIZE ({self.max_page_size})"
            )
        if self.rocketchat_url is None and not self.sandbox:
            raise ValueError("ROCKETCHAT_URL must be set when GATEWAY_SANDBOX is false")
        return self


def split_list(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


def env_name(field: str) -> str:
    """The environment variable a setting is read from."""
    alias = Settings.model_fields[field].validation_alias
    return alias if isinstance(alias, str) else ENV_PREFIX + field.upper()


def is_secret(field: str) -> bool:
    extra = Settings.model_fields[field].json_schema_extra
    return isinstance(extra, dict) and bool(extra.get("secret"))
