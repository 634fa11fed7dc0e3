"""E-mail addresses: Presidio's own recognizer (regex plus a public-suffix check on the domain).

Addresses at the domains reserved for documentation (RFC 2606/6761: example.com/.net/.org, .example, .test,
.invalid, .localhost) identify nobody; pseudonymisation uses them, so they are not reported.
"""

from __future__ import annotations

from presidio_analyzer.predefined_recognizers import EmailRecognizer as PresidioEmailRecognizer

from scsf.privacy.recognizers.prefilter import PatternPrefilter

RESERVED_DOMAINS = ("example.com", "example.net", "example.org")
RESERVED_TLDS = (".example", ".test", ".invalid", ".localhost")


class EmailRecognizer(PatternPrefilter, PresidioEmailRecognizer):
    QUICK_CHECK = ("@", "004723abbb67ff6c")
    """Presidio's pattern (at the version fingerprinted here) needs an "@"."""
    CONTEXT = ["email", "e-mail", "correo", "mail", "electrónico"]

    def __init__(self, supported_language: str = "es", name: str | None = None) -> None:
        super().__init__(
            supported_language=supported_language,
            context=list(self.CONTEXT),
            name=name or f"EmailRecognizer_{supported_language}",
        )

    def invalidate_result(self, pattern_text: str) -> bool:
        domain = pattern_text.rsplit("@", 1)[-1].lower().rstrip(".")
        reserved = any(domain == d or domain.endswith("." + d) for d in RESERVED_DOMAINS)
        return reserved or domain.endswith(RESERVED_TLDS)
