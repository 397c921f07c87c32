"""Why a setting was refused, in one line naming its variable, and typos.

pydantic's errors name fields and error types; `load_settings` turns the
first into `GATEWAY_X must be ..., got ...` (secrets masked), and
`unknown_variables` warns about `GATEWAY_*` variables that are no setting.
"""

from __future__ import annotations

import difflib
import os
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError
from pydantic_settings import SettingsError

from gateway.config.settings import ENV_PREFIX, MASK, Settings, env_name, is_secret

if TYPE_CHECKING:
    from collections.abc import Mapping

    from pydantic_core import ErrorDetails


class ConfigError(Exception):
    """A setting is invalid; the message is one line naming its variable."""


def load_settings(
    overrides: Mapping[str, Any] | None = None, *, options: Mapping[str, str] = {}
) -> Settings:
    """Settings from the environment and `overrides`, or a one-line ConfigError.

    `options` names the command-line option an override came from, so the
    message points at what the user typed.
    """
    overrides = dict(overrides or {})
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        raise ConfigError(_explain(exc.errors()[0], options)) from None
    except SettingsError as exc:
        field = next(
            (name for name in Settings.model_fields if f'"{name}"' in str(exc)), None
        )
        if field is None:
            raise ConfigError(str(exc)) from None
        raise ConfigError(f"{env_name(field)} must be a JSON object") from None


def _explain(error: ErrorDetails, options: Mapping[str, str]) -> str:
    location = [part for part in error["loc"] if isinstance(part, str)]
    if not location:  # a rule across settings: its message names them
        return error["msg"].removeprefix("Value error, ")
    field = next(
        (
            name
            for name in Settings.model_fields
            if location[0] in (name, env_name(name))
        ),
        location[0],
    )
    name = options.get(field) or (
        env_name(field) if field in Settings.model_fields else field
    )
    value = error.get("input")
    if field in Settings.model_fields and is_secret(field):
        shown = MASK
    elif isinstance(value, str) and value and not any(c.isspace() for c in value):
        shown = value
    else:
        shown = repr(value)
    return f"{name} {_rule(field, error)}, got {shown}"


def _rule(field: str, error: ErrorDetails) -> str:
    kind = error["type"]
    context = error.get("ctx") or {}
    if kind in (
        "greater_than",
        "greater_than_equal",
        "less_than",
        "less_than_equal",
    ):
        bounds: dict[str, Any] = {}
        for item in Settings.model_fields[field].metadata:
            for key in ("ge", "gt", "le", "lt"):
                if getattr(item, key, None) is not None:
                    bounds[key] = getattr(item, key)
        if "ge" in bounds and "le" in bounds:
            return f"must be between {bounds['ge']} and {bounds['le']}"
        rules = {
            "gt": "greater than",
            "ge": "at least",
            "lt": "less than",
            "le": "at most",
        }
        return " and ".join(f"must be {rules[k]} {v}" for k, v in bounds.items())
    if kind == "literal_error":
        return f"must be one of {context.get('expected', '')}"
    if kind in ("int_parsing", "int_from_float", "int_type"):
        return "must be a whole number"
    if kind in ("float_parsing", "float_type", "finite_number"):
        return "must be a number"
    if kind in ("bool_parsing", "bool_type"):
        return "must be true or false"
    if kind.startswith("url"):
        return "must be an http:// or https:// URL"
    if kind in ("dict_type", "json_invalid", "json_type"):
        return "must be a JSON object"
    message = error["msg"].removeprefix("Value error, ")
    return message if message.startswith("must ") else f"must be valid ({message})"


def unknown_variables(environ: Mapping[str, str] | None = None) -> list[str]:
    """A warning for each GATEWAY_* variable that is no setting, with a guess."""
    environ = os.environ if environ is None else environ
    known = {env_name(field) for field in Settings.model_fields}
    warnings = []
    for name in sorted(environ):
        if name.startswith(ENV_PREFIX) and name not in known:
            # Compared without the shared prefix, which would make all look alike.
            stems = {
                known_name.removeprefix(ENV_PREFIX): known_name for known_name in known
            }
            guess = difflib.get_close_matches(
                name.removeprefix(ENV_PREFIX), stems, n=1, cutoff=0.6
            )
            hint = f"; did you mean {stems[guess[0]]}?" if guess else ""
            warnings.append(f"{name} is not a setting and is ignored{hint}")
    return warnings
