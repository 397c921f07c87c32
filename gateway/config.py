"""Settings: the only place the gateway reads its environment."""

from __future__ import annotations

from pydantic import Field, HttpUrl
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_UPSTREAM_TIMEOUT = 5.0
DEFAULT_PAGE_SIZE = 25
MAX_PAGE_SIZE = 100
MAX_FAN_OUT = 10
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
        description=(
            "Seconds one upstream call may take as a whole: connect, send, "
            "headers and the whole body."
        ),
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
    )
