"""Checks tool arguments against the JSON Schema subset the domain packs use.

Supported: type (object, array, string, number, integer, boolean), properties, required, enum, minimum, maximum,
items, minItems, maxItems, format "date", and the annotations description/title. An object that declares
`properties` is closed (a name outside them is refused), as tool-calling APIs treat function arguments; an object
without `properties` (a map such as `asignacion`) takes any keys. Any other keyword is refused, so a pack cannot rely
on a rule that would silently go unchecked.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from scsf.generation.tools.base import ToolError

ANNOTATIONS = frozenset({"description", "title"})
KEYWORDS = frozenset(
    {"type", "properties", "required", "enum", "minimum", "maximum", "items", "minItems", "maxItems", "format"}
)
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _is_type(value: Any, expected: str) -> bool:
    if expected == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if expected == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
    return isinstance(value, {"string": str, "boolean": bool, "array": list, "object": dict}[expected])


def validate_arguments(schema: Mapping[str, Any], arguments: Any, tool: str) -> None:
    """Raise ToolError naming the tool and the argument path at the first mismatch."""
    _check(schema, arguments, tool, "arguments")


def _check(schema: Mapping[str, Any], value: Any, tool: str, path: str) -> None:
    def fail(message: str) -> None:
        raise ToolError(f"{tool}: {path}: {message}")

    if unknown := set(schema) - KEYWORDS - ANNOTATIONS:
        fail(f"schema keyword {sorted(unknown)[0]!r} is not supported")
    expected = schema.get("type")
    if expected is not None and not _is_type(value, expected):
        fail(f"expected {expected}, got {type(value).__name__} {value!r}")
    if "enum" in schema and value not in schema["enum"]:
        fail(f"{value!r} is not one of {schema['enum']}")
    if _is_type(value, "number"):
        if "minimum" in schema and value < schema["minimum"]:
            fail(f"{value} is below the minimum {schema['minimum']}")
        if "maximum" in schema and value > schema["maximum"]:
            fail(f"{value} is above the maximum {schema['maximum']}")
    if "format" in schema:
        if schema["format"] != "date":
            fail(f"schema format {schema['format']!r} is not supported")
        if not (isinstance(value, str) and ISO_DATE.match(value) and _is_date(value)):
            fail(f"{value!r} is not a date YYYY-MM-DD")
    if isinstance(value, list):
        if len(value) < schema.get("minItems", 0):
            fail(f"needs at least {schema['minItems']} items")
        if len(value) > schema.get("maxItems", math.inf):
            fail(f"allows at most {schema['maxItems']} items")
        for index, item in enumerate(value):
            _check(schema.get("items", {}), item, tool, f"{path}[{index}]")
    if isinstance(value, dict):
        _check_object(schema, value, tool, path)


def _check_object(schema: Mapping[str, Any], value: dict[str, Any], tool: str, path: str) -> None:
    if missing := [name for name in schema.get("required", []) if name not in value]:
        raise ToolError(f"{tool}: {path}: missing required {missing[0]!r}")
    properties = schema.get("properties")
    if properties is None:
        return
    for name, item in value.items():
        if name not in properties:
            raise ToolError(f"{tool}: {path}: unknown argument {name!r} (allowed: {', '.join(properties)})")
        _check(properties[name], item, tool, f"{path}.{name}")


def _is_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True
