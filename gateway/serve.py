"""`rc-gateway serve`: run the gateway under uvicorn, over Rocket.Chat or a sandbox."""

from __future__ import annotations

import contextlib
import json
import logging
import logging.config
import os
from typing import TYPE_CHECKING, Any

import uvicorn

from gateway.config import env_name, load_settings, unknown_variables
from gateway.documents import load_manifest
from gateway.telemetry.logs import log_config
from gateway.telemetry.multiprocess import metrics_directory

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

WORKER_FACTORY = "gateway.app:app_from_environment"

logger = logging.getLogger("gateway.serve")


@contextlib.contextmanager
def embedded_sandbox() -> Iterator[tuple[str, dict[str, str]]]:
    """Start the demo sandbox on a free loopback port, say so in the log; yield
    its URL and the demo admin's auth headers."""
    from gateway.sandbox import (
        DEMO_PASSWORD,
        FEATURED_USERS,
        SandboxOptions,
        create_sandbox_app,
        login,
    )
    from gateway.serving import serve_in_thread

    with serve_in_thread(create_sandbox_app(SandboxOptions(db=":memory:"))) as url:
        headers = login(url)
        logger.info(
            "ROCKETCHAT_URL is not set: started the embedded sandbox with "
            f"demo data at {url}"
        )
        users = ", ".join(FEATURED_USERS)
        logger.info(f"demo users: {users} (password: {DEMO_PASSWORD})")
        for name, value in headers.items():
            logger.info(f"  {name}: {value}   (demo admin)")
        yield url, headers


def serve(
    *,
    host: str,
    port: int,
    workers: int,
    overrides: Mapping[str, Any] | None = None,
    options: Mapping[str, str] | None = None,
) -> None:
    """Serve the gateway; without ROCKETCHAT_URL, in front of the demo sandbox.

    `overrides` are settings given as command-line options (named in
    `options`); they outrank the environment. Raises ConfigError, before
    anything starts, when a setting is invalid.
    """
    overrides = dict(overrides or {})
    settings = load_settings(overrides, options=options or {})
    logging_config = log_config(settings.log_level, settings.log_format)
    logging.config.dictConfig(logging_config)
    for warning in unknown_variables():
        logger.warning(warning)
    if settings.trusted_documents is not None:
        # Read once here too, so a bad manifest stops the start, not each worker.
        load_manifest(settings.trusted_documents)
    with contextlib.ExitStack() as stack:
        if workers > 1:
            # Before the app (and prometheus-client's value class) is loaded.
            stack.enter_context(metrics_directory())
        # Imported here: metrics must see PROMETHEUS_MULTIPROC_DIR first.
        from gateway.app import create_app

        if settings.rocketchat_url is not None:
            upstream_url = str(settings.rocketchat_url)
            demo_headers = None
            logger.info(f"fronting Rocket.Chat at {upstream_url}")
        else:
            upstream_url, demo_headers = stack.enter_context(embedded_sandbox())
        logger.info(f"GraphiQL: http://{host}:{port}{settings.root_path}/graphql")
        server_options: dict[str, Any] = {
            "host": host,
            "port": port,
            "root_path": settings.root_path,
            # The gateway reads X-Forwarded-For itself (trusting only
            # GATEWAY_FORWARDED_ALLOW_IPS) and appends the real peer.
            "proxy_headers": False,
            "log_config": logging_config,
            "access_log": False,
            "server_header": False,
        }
        if workers > 1:
            # Workers are separate processes: they rebuild the app from the env.
            os.environ["ROCKETCHAT_URL"] = upstream_url
            if demo_headers:
                os.environ["GATEWAY_DEMO_HEADERS"] = json.dumps(demo_headers)
            for field, value in overrides.items():
                os.environ[env_name(field)] = str(value)
            uvicorn.run(WORKER_FACTORY, factory=True, workers=workers, **server_options)
        else:
            app = create_app(settings, upstream_url, demo_headers=demo_headers)
            uvicorn.run(app, **server_options)
