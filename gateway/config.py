"""Settings: the only place the gateway reads its environment."""

from __future__ import annotations

from pydantic import Field, HttpUrl
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_UPSTREAM_TIMEOUT = 5.0
DEFAULT_PAGE_SIZE = 25
MAX_PAGE_SIZE = 100
# A full page (up to MAX_PAGE_SIZE items, each with a distinct lookup) in one
# wave of concurrent calls: two round trips, not 1 + ceil(page / fan-out).
MAX_FAN_OUT = MAX_PAGE_SIZE
MAX_CONNECTIONS = 100


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
