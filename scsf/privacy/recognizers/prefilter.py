"""`analyze` returns [] at once when none of a pattern recognizer's regexes can match anywhere in the text.

That is what Presidio's pattern loop returns then too (a result needs a match), without its per-pattern overhead
(timing, logging, explanation objects): most chat turns hold no identifier. Two checks, each exact:
- `QUICK_CHECK`: a small regex that every match of the recognizer's patterns contains (the six digits of a CURP's
  birth date, the "@" of an e-mail), derived by hand from the patterns; it applies only while the patterns are the
  ones it was derived from (their fingerprint is part of it), so an edited pattern falls back to the next check;
- the patterns themselves, searched once, compiled with the same engine (`regex`) and flags as Presidio does, under
  Presidio's timeout (a timed-out search falls through to the normal analysis).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from functools import lru_cache
from typing import Any, ClassVar

import regex as re
from presidio_analyzer.pattern_recognizer import REGEX_TIMEOUT_SECONDS


@lru_cache(maxsize=256)
def _compiled(pattern: str, flags: int) -> Any:
    return re.compile(pattern, flags=flags)


def patterns_fingerprint(patterns: Sequence[Any]) -> str:
    """What a `QUICK_CHECK` was derived from: a short hash of the pattern regexes, in order."""
    return hashlib.sha256("\0".join(p.regex for p in patterns).encode()).hexdigest()[:16]


@lru_cache(maxsize=64)
def _quick(check: str, fingerprint: str, current: str) -> Any:
    return re.compile(check) if fingerprint == current else None


class PatternPrefilter:
    """Mixin, before a `PatternRecognizer` in the bases. `QUICK_CHECK = (regex, patterns_fingerprint(PATTERNS))`."""

    QUICK_CHECK: ClassVar[tuple[str, str] | None] = None

    def analyze(self, text, entities, nlp_artifacts=None, regex_flags=None):  # noqa: ANN001, ANN201
        if self.QUICK_CHECK is not None:
            quick = _quick(*self.QUICK_CHECK, self._fingerprint())
            if quick is not None and not quick.search(text):
                return []
        flags = regex_flags if regex_flags else self.global_regex_flags  # as PatternRecognizer picks them
        try:
            if not any(_compiled(p.regex, flags).search(text, timeout=REGEX_TIMEOUT_SECONDS) for p in self.patterns):
                return []
        except TimeoutError:
            pass
        return super().analyze(text, entities, nlp_artifacts, regex_flags)

    def _fingerprint(self) -> str:
        cached = self.__dict__.get("_patterns_fingerprint")
        if cached is None or cached[0] is not self.patterns or cached[1] != len(self.patterns):
            cached = self.__dict__["_patterns_fingerprint"] = (self.patterns, len(self.patterns),
                                                               patterns_fingerprint(self.patterns))  # fmt: skip
        return cached[2]
