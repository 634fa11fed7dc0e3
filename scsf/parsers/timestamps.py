"""Turn timestamps as every parser normalises them: a datetime carries exactly what the source states.

- Text without an offset (WhatsApp lines, CSV dates, ISO 8601 without `Z` or `±hh:mm`) is a **naive** datetime: the
  wall-clock time as written, in the exporting device's zone, which the file does not name and nothing guesses.
- Text with an offset is an **aware** datetime with that same offset (`-06:00` stays `-06:00`, never converted).
- An epoch number (seconds, or milliseconds when >= 1e11) is an instant, so it is an **aware** datetime in UTC.

So `timestamp.isoformat()`, as the ingest stores it, shows an offset exactly when the source fixed the instant.
Naive and aware times are never compared with each other: `elapsed` has no answer for such a pair, and `order_key`
(used only to sort the turns of one conversation) reads a naive time as if it were UTC.
"""

from __future__ import annotations

import math
import re
from datetime import datetime, timezone
from typing import Any

from scsf.parsers.jsonvalues import json_type

EPOCH_MILLIS_FROM = 1e11
"""An epoch value this large is milliseconds: 1e11 seconds would be the year 5138, 1e11 ms is 1973."""
EPOCH_END = 4_102_444_800
"""2100-01-01T00:00:00Z: epoch values from 1970 up to here are accepted."""
_EPOCH_TEXT = re.compile(r"-?\d+(\.\d+)?")
_YYYYMMDD = re.compile(r"\d{8}")


def from_epoch(value: float) -> datetime:
    """Epoch seconds or milliseconds as an aware UTC datetime; ValueError outside 1970-2100."""
    try:
        seconds = value / 1000 if abs(value) >= EPOCH_MILLIS_FROM else float(value)
    except OverflowError:
        raise ValueError(f"epoch value out of range: {value!r}") from None
    if not (math.isfinite(seconds) and 0 <= seconds < EPOCH_END):
        raise ValueError(f"epoch value out of range: {value!r}")
    return datetime.fromtimestamp(seconds, tz=timezone.utc)


def parse_timestamp(value: Any) -> datetime | None:
    """ISO 8601 text (offset kept, or naive without one), or epoch seconds / milliseconds as a number or numeric
    string (aware UTC); null and blank text are None. ValueError otherwise."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ValueError(f"expected an ISO 8601 date or epoch seconds, got {json_type(value)}")
    if not isinstance(value, str):
        return from_epoch(value)
    text = value.strip()
    if not text:
        return None
    if _EPOCH_TEXT.fullmatch(text) and not _YYYYMMDD.fullmatch(text):  # YYYYMMDD is a date
        return from_epoch(float(text))
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"not an ISO 8601 date or epoch number: {value[:40]!r}") from None


def elapsed(earlier: datetime | None, later: datetime | None) -> float | None:
    """Seconds from `earlier` to `later`; None when either is unknown or only one of them states its offset."""
    if earlier is None or later is None or (earlier.tzinfo is None) != (later.tzinfo is None):
        return None
    return (later - earlier).total_seconds()


def order_key(stamp: datetime) -> float:
    """Seconds since the epoch, for sorting one conversation's turns; a naive time is read as if it were UTC."""
    return (stamp if stamp.tzinfo else stamp.replace(tzinfo=timezone.utc)).timestamp()
