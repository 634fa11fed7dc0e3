"""Helpers for the parsers of JSON input: sniffing a head, naming and cleaning decoded values."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

_WS = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()
_JSON_OPENING = re.compile(r'\ufeff?\s*(\{\s*["}]|\[\s*[\[{"\]])')
_SURROGATE = re.compile("[\ud800-\udfff]")

# -- sniffing ------------------------------------------------------------------------------------------------------


def first_record(head: str) -> Any:
    """The first record (top-level value, or first element of a top-level array) if it fits in `head`; else None."""
    text = head.lstrip("\ufeff \t\r\n")
    try:
        if text.startswith("["):
            at = _WS.match(text, 1).end()  # type: ignore[union-attr]
            if text[at : at + 1] == "]":
                return None
            return _DECODER.raw_decode(text, at)[0]
        if text.startswith("{"):
            return _DECODER.raw_decode(text, 0)[0]
    except (ValueError, RecursionError):
        return None
    return None


def looks_like_json(path: Path, head: str) -> bool:
    """The name ends in .json / .jsonl / .ndjson, or the text opens like a JSON object or array of them.

    (`[05/03/24, 10:15] Ana: hola`, a WhatsApp line, does not.)
    """
    if path.suffix.lower() in {".json", ".jsonl", ".ndjson"}:
        return True
    return _JSON_OPENING.match(head) is not None


def has_key(head: str, key: str) -> bool:
    """`"key":` appears in the text (a cheap test for a head too short to decode)."""
    return re.search(r'"' + re.escape(key) + r'"\s*:', head) is not None


def first_dict(value: Any) -> dict[str, Any] | None:
    """The first element of a list when it is an object."""
    if isinstance(value, list) and value and isinstance(value[0], dict):
        return value[0]
    return None


# -- values --------------------------------------------------------------------------------------------------------


def json_type(value: Any) -> str:
    """The JSON name of a decoded value's type, for error messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def key_list(keys: Iterable[Any], limit: int = 8) -> str:
    """Up to `limit` keys, quoted and cut to 40 characters, for error messages: `'a', 'b'` (or `none`)."""
    shown = [repr(clean_text(str(k))[:40]) for k in list(keys)[:limit]]
    return ", ".join(shown) if shown else "none"


def keys_found(value: dict[str, Any], limit: int = 12) -> str:
    """Up to `limit` keys of an object, unquoted, with the count when there are more: `a, b, ... (20 keys)`."""
    keys = [str(key) for key in value]
    shown = ", ".join(keys[:limit]) + (f", ... ({len(keys)} keys)" if len(keys) > limit else "")
    return shown or "none"


def clean_text(text: str) -> str:
    """`text` with lone UTF-16 surrogates (legal in JSON escapes, illegal in UTF-8) replaced by U+FFFD."""
    if _SURROGATE.search(text) is None:
        return text
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def clean_value(value: Any) -> Any:
    """`clean_text` applied through a decoded JSON value (keys included)."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {clean_text(str(k)): clean_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [clean_value(v) for v in value]
    return value
