"""Precise geographic coordinates: a latitude/longitude pair with at least 4 decimals (about 11 m), or DMS with seconds.

Coarse coordinates (3 decimals or fewer, about a city block or more) are not reported: they do not locate a person.
"""

from __future__ import annotations

import regex as re
from presidio_analyzer import Pattern, PatternRecognizer

from scsf.privacy.base import GEO_COORDINATE
from scsf.privacy.recognizers.prefilter import PatternPrefilter

_DECIMAL = re.compile(r"([-+]?\d{1,3}\.\d+)[^\d.+-]+([-+]?\d{1,3}\.\d+)")
_DMS = re.compile(
    r"(\d{1,3})\s*°\s*(\d{1,2})\s*['′]\s*(\d{1,2}(?:\.\d+)?)\s*(?:\"|″|'')?\s*([NSEWO])", re.IGNORECASE
)


class GeoCoordinateRecognizer(PatternPrefilter, PatternRecognizer):
    """`19.432608, -99.133209`, `lat 19.4326 lon -99.1332`, `@19.4326,-99.1332` or `19°25'57.4"N 99°07'59.6"W`."""

    MIN_DECIMALS = 4
    PATTERNS = [
        Pattern(
            "lat, lon (decimal)",
            r"(?<![\w.]|\d\.)[-+]?\d{1,2}\.\d{4,}\s*(?:,|;|\s)\s*(?:(?:lon|lng|long|longitud|longitude)\s*[:=]?\s*)?"
            r"[-+]?\d{1,3}\.\d{4,}(?!\w|\.\d)",
            0.85,
        ),
        Pattern(
            "lat, lon (DMS)",
            r"\d{1,2}\s*°\s*\d{1,2}\s*['′]\s*\d{1,2}(?:\.\d+)?\s*(?:\"|″|'')?\s*[NS][\s,]*"
            r"\d{1,3}\s*°\s*\d{1,2}\s*['′]\s*\d{1,2}(?:\.\d+)?\s*(?:\"|″|'')?\s*[EWO]\b",
            0.85,
        ),
    ]
    QUICK_CHECK = (r"\d{4}|°", "e10267bc597617e1")
    """A decimal match holds 4+ decimals in a row; a DMS match holds "°"."""
    CONTEXT = ["ubicación", "coordenadas", "latitud", "longitud", "gps", "maps", "location", "coordinates", "lat"]

    def __init__(self, supported_language: str = "es", name: str | None = None) -> None:
        super().__init__(
            supported_entity=GEO_COORDINATE,
            name=name or f"GeoCoordinateRecognizer_{supported_language}",
            supported_language=supported_language,
            patterns=list(self.PATTERNS),
            context=list(self.CONTEXT),
        )

    def validate_result(self, pattern_text: str) -> bool:
        if "°" in pattern_text:
            parts = _DMS.findall(pattern_text)
            if len(parts) != 2:
                return False
            (lat_d, lat_m, lat_s, _), (lon_d, lon_m, lon_s, _) = parts
            return (
                int(lat_d) <= 90 and int(lon_d) <= 180
                and all(int(m) < 60 for m in (lat_m, lon_m)) and all(float(s) < 60 for s in (lat_s, lon_s))
            )  # fmt: skip
        match = _DECIMAL.search(pattern_text)
        if not match:
            return False
        lat, lon = match.groups()
        precise = all(len(value.split(".")[1]) >= self.MIN_DECIMALS for value in (lat, lon))
        return precise and abs(float(lat)) <= 90 and abs(float(lon)) <= 180
