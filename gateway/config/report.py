"""What `rc-gateway config` prints: every setting's value and where it came from."""

from __future__ import annotations

import os
import re
from typing import Any

from gateway.config.settings import MASK, Settings, env_name, is_secret


def effective(settings: Settings) -> list[tuple[str, str, str]]:
    """(variable, value, source) of every setting, secrets masked."""
    rows = []
    for field in Settings.model_fields:
        value = getattr(settings, field)
        name = env_name(field)
        source = "environment" if name in os.environ else "default"
        if field in settings.model_fields_set and name not in os.environ:
            source = "command line"
        rows.append((name, _show(field, value), source))
    return rows


def _show(field: str, value: Any) -> str:
    if value is None:
        return "(unset)"
    if is_secret(field):
        return MASK
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ",".join(str(item) for item in value)
    # A URL's password (Rocket.Chat's, Redis') is masked, the rest shown.
    return _URL_PASSWORD.sub(rf"\1{MASK}@", str(value))


_URL_PASSWORD = re.compile(r"^([a-z][a-z0-9+.-]*://[^/@:]*:)[^/@]*@", re.IGNORECASE)
