"""Settings: the only place the gateway reads its environment."""

from __future__ import annotations

import json
import re
from pathlib import Path  # noqa: TC003 - pydantic reads it at runtime
from typing import Annotated, Any, Self

from pydantic import Field, HttpUrl, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_UPSTREAM_TIMEOUT = 5.0
DEFAULT_PAGE_SIZE = 25
MAX_PAGE_SIZE = 100
# A full page (up to MAX_PAGE_SIZE items, each with a distinct lookup) in one
# wave of concurrent calls: two round trips, not 1 + ceil(page / fan-out).
MAX_FAN_OUT = MAX_PAGE_SIZE
MAX_CONNECTIONS = 100
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
        env_prefix="GATEWAY_", frozen=True, validate_by_name=True
    )

    rocketchat_url: HttpUrl | None = Field(
        default=None,
        validation_alias="ROCKETCHAT_URL",
        description="Rocket.Chat server to front; unset starts the embedded sandbox.",
    )
    upstream_timeout: float = Field(
        default=DEFAULT_UPSTREAM_TIMEOUT,
        gt=0,
        description="Seconds to wait for one upstream call (connect, read, write).",
    )
    default_page_size: int = Field(
        default=DEFAULT_PAGE_SIZE,
        ge=1,
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
