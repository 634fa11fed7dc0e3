"""IP addresses: Presidio's own recognizer, minus the ranges reserved for documentation (used for pseudonyms)."""

from __future__ import annotations

import ipaddress

from presidio_analyzer.predefined_recognizers import IpRecognizer as PresidioIpRecognizer

from scsf.privacy.recognizers.prefilter import PatternPrefilter

DOCUMENTATION_NETWORKS = tuple(
    ipaddress.ip_network(net) for net in ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/32")
)


class IpRecognizer(PatternPrefilter, PresidioIpRecognizer):
    QUICK_CHECK = (r":|\d\.\d", "5f7f281db001a5ce")
    """Presidio's patterns (at the version fingerprinted here): IPv6 forms all hold ":", IPv4 a digit, ".", digit."""

    def __init__(self, supported_language: str = "es", name: str | None = None) -> None:
        super().__init__(supported_language=supported_language, name=name or f"IpRecognizer_{supported_language}")

    def invalidate_result(self, pattern_text: str) -> bool:
        try:
            address = ipaddress.ip_interface(pattern_text).ip
        except ValueError:
            return True
        return any(address.version == net.version and address in net for net in DOCUMENTATION_NETWORKS)
