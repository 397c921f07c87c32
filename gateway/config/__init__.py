"""Configuration: the only place the gateway reads its environment.

`settings` declares every setting (`Settings`, its defaults and checks);
`messages` turns a refused value into one line naming its variable and warns
about unknown `GATEWAY_*` variables; `report` is what `rc-gateway config`
prints.
"""

from gateway.config.messages import ConfigError, load_settings, unknown_variables
from gateway.config.report import effective
from gateway.config.settings import (
    APQ_CACHE_SIZE,
    DEFAULT_UPSTREAM_TIMEOUT,
    MAX_CONNECTIONS,
    MAX_DEPTH,
    Settings,
    env_name,
    is_secret,
    split_list,
)

__all__ = [
    "APQ_CACHE_SIZE",
    "DEFAULT_UPSTREAM_TIMEOUT",
    "MAX_CONNECTIONS",
    "MAX_DEPTH",
    "ConfigError",
    "Settings",
    "effective",
    "env_name",
    "is_secret",
    "load_settings",
    "split_list",
    "unknown_variables",
]
