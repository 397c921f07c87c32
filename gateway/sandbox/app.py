"""create_sandbox_app: a store filled from a fixture or demo data, behind Starlette."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.routing import Mount

from .demo.seed import seed_demo
from .endpoints.info import info_routes
from .http.api import api_stack
from .http.control import control_routes
from .options import SandboxOptions
from .state import Sandbox
from .store.fixtures import load_fixture
from .store.sqlite import Store


def open_store(options: SandboxOptions) -> Store:
    """Open the database; fill it (fixture or demo data) only when it is empty."""
    store = Store(options.db)
    if store.is_empty():
        if options.fixture is not None:
            load_fixture(store, options.fixture)
        else:
            seed_demo(store, options)
    return store


def create_sandbox_app(options: SandboxOptions | None = None) -> Starlette:
    """A Rocket.Chat 8.x livechat REST stand-in; `app.state.sandbox` holds its state."""
    options = options or SandboxOptions()
    sandbox = Sandbox(options, open_store(options))
    app = Starlette(
        routes=[
            *control_routes(sandbox),
            *info_routes(),
            Mount("/api/v1", app=api_stack(sandbox)),
        ]
    )
    app.state.sandbox = sandbox
    return app
