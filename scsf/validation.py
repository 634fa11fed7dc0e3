"""One-line descriptions of pydantic validation errors: `json.path[0].field: reason (and N more)`."""

from __future__ import annotations

import re
from typing import Any

from pydantic import ValidationError

# Model-level validators name their field themselves: "field.path: reason".
_FIELD_PREFIX = re.compile(r"^([a-z_][a-z0-9_.\[\]]*): (.*)$", re.DOTALL)


def describe_first_error(exc: ValidationError, *, schema: str | None = None) -> str:
    """The JSON path of the first error and its reason; `schema` names the model in unknown-field messages."""
    errors = exc.errors()
    error = errors[0]
    path = json_path(error["loc"])
    message = error["msg"].removeprefix("Value error, ")
    if error["type"] == "extra_forbidden":
        message = f"unknown field (not in {schema})" if schema else "unknown field"
    elif error["type"] == "missing":
        message = "required field is missing"
    if path == "(root)" and (match := _FIELD_PREFIX.match(message)):
        path, message = match.group(1), match.group(2)
    extra = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return f"{path}: {message}{extra}"


def json_path(loc: tuple[Any, ...]) -> str:
    """`("roles", 1, "lado")` -> `roles[1].lado`; empty -> `(root)`."""
    parts = ""
    for part in loc:
        parts += f"[{part}]" if isinstance(part, int) else (f".{part}" if parts else str(part))
    return parts or "(root)"
