"""A local stand-in for Rocket.Chat's livechat REST API, faithful to CONTRACT.md."""

from .app import create_sandbox_app
from .demo.users import DEMO_PASSWORD, DEMO_USERS, FEATURED_USERS, DemoUser, login
from .http.log import LoggedRequest
from .options import SandboxOptions
from .state import Sandbox

__all__ = [
    "DEMO_PASSWORD",
    "DEMO_USERS",
    "FEATURED_USERS",
    "DemoUser",
    "LoggedRequest",
    "Sandbox",
    "SandboxOptions",
    "create_sandbox_app",
    "login",
]
