"""A local stand-in for Rocket.Chat's livechat REST API, faithful to CONTRACT.md."""

from .app import create_sandbox_app
from .log import LoggedRequest
from .options import SandboxOptions
from .state import Sandbox

__all__ = ["LoggedRequest", "Sandbox", "SandboxOptions", "create_sandbox_app"]
