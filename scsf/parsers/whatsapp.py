"""WhatsApp "Export chat" text files (Android and iOS, English and Spanish) into one conversation per file.

Android writes `12/03/24, 14:05 - Name: text`, iOS `[12/03/24, 14:05:33] Name: text`; both in 12 h clocks
(`2:05 PM`, `2:05 p. m.`, the space often a no-break U+00A0 or narrow no-break U+202F) or 24 h. Whether the
date is day-first or month-first is decided once for the whole file from its evidence (a first field > 12
proves day-first, a second field > 12 proves month-first), so `parse` reads the file twice: a cheap pass over
the message-start lines for that evidence, then the real one. Neither pass holds more than one message's text.

System lines (encryption notice, group events), media placeholders and deleted messages never become turns;
they are counted in the metadata of the conversation part they fall in.

Bounded memory: a chat is cut into conversations (`parts.Parts`) at a silence over `split_gap_hours` (24 h by
default: a new session) and at `max_turns_per_part` / `max_chars_per_part`, each streamed out as it closes. Times
are naive, as written (see `timestamps`). One message longer than `MAX_MESSAGE_CHARS` (WhatsApp itself stops at
65,536) is a ParseError, so no single message can grow without bound either.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from scsf.parsers.base import ParsedConversation, ParsedTurn, Parser, ParseError, Provenance, Sniff
from scsf.parsers.parts import Parts, SessionLimits
from scsf.parsers.textio import INVISIBLE, Encoding, decoded_lines, detect_encoding, strip_invisible

_SP = "[ \u00a0\u202f]"
_DATE = r"(?P<d1>[0-9]{1,2})(?P<sep>[/.\-])(?P<d2>[0-9]{1,2})(?P=sep)(?P<y>[0-9]{4}|[0-9]{2})"
_TIME = (
    rf"(?P<h>[0-9]{{1,2}})[:.](?P<mi>[0-9]{{2}})(?:[:.](?P<s>[0-9]{{2}}))?"
    rf"(?:{_SP}*(?P<ampm>[AaPp]\.?{_SP}?[Mm]\.?))?"
)
_START_CHARS = frozenset("0123456789[")
_STARTS: dict[str, re.Pattern[str]] = {
    "android": re.compile(rf"{_DATE},?{_SP}+{_TIME}{_SP}+[-\u2013]{_SP}(?P<rest>.*)", re.S),
    "ios": re.compile(rf"\[{_DATE},?{_SP}+{_TIME}\]{_SP}?(?P<rest>.*)", re.S),
}

# Group events, matched on a whole author-less line (Android) or on text iOS marks with a leading LRM. A
# third-person event needs a subject without ": " before its verb, so `Ana: Beto left` stays a message from Ana.
_THIRD_PERSON = (
    "added|removed|left|created group|joined using this group's invite link|changed the subject|"
    "changed the group name|changed this group's icon|changed the group icon|changed the group description|"
    "changed their phone number|añadió|agregó|eliminó a|salió|creó el grupo|se unió usando el enlace|"
    "cambió el asunto|cambió el nombre del grupo|cambió el ícono|cambió la imagen del grupo|"
    "cambió la descripción|cambió su número|te añadió|te agregó|te eliminó"
)
_SUBJECTLESS = (
    "añadiste|agregaste|eliminaste a|saliste|creaste el grupo|te uniste usando el enlace|cambiaste el asunto|"
    "cambiaste el nombre|cambiaste el ícono|cambiaste la imagen|cambiaste la descripción|ahora eres admin|"
    "you're now an admin|you are now an admin"
)
_EVENT = re.compile(rf"(?:[^:]{{1,120}}?\s(?:{_THIRD_PERSON})|(?:{_SUBJECTLESS}))\b.*", re.S | re.I)
# Author-attributed lines that are still not conversation: the encryption notice, security codes, calls.
_SYSTEM_TEXT = re.compile(
    r"(?:Messages and calls are end-to-end encrypted|Messages to this (?:group|chat) are now secured|"
    r"Los mensajes y las llamadas están cifrados de extremo a extremo|"
    r"Los mensajes (?:de|en|que envíes a) este (?:chat|grupo)[^.]{0,80}cifrado de extremo a extremo|"
    r"Your security code with .{1,80} changed|Tu código de seguridad con .{1,80} cambió)\b.*|"
    r"(?:Missed (?:voice|video) call|Llamada (?:de (?:voz|video) )?perdida)(?:[.,].*)?",
    re.S | re.I,
)
_MEDIA = re.compile(
    r"<[^<>]{0,80}(?:omitted|omitid[oa]s?)>|"
    r"<(?:attached|adjunto): [^<>]*>|"
    r"(?:[^\n]*•[^\n]*\s)?(?:image|video|audio|GIF|sticker|document|Contact card|imagen|vídeo|documento|"
    r"tarjeta de contacto) (?:omitted|omitid[oa])|"
    r".{1,200} \((?:file attached|archivo adjunto)\)",
    re.I,
)
_DELETED = re.compile(
    r"(?:This message was deleted|You deleted this message|Se eliminó este mensaje|Eliminaste este mensaje|"
    r"Este mensaje fue eliminado)\.?",
    re.I,
)
# One pass over a message's first line: which kind of non-conversation it is, if any.
_NOT_TALK = re.compile(
    rf"(?P<system>{_SYSTEM_TEXT.pattern})|(?P<deleted>{_DELETED.pattern})|(?P<media>{_MEDIA.pattern})", re.S | re.I
)
_AUTHOR_SPACE = re.compile(_SP)
_IOS_MARK = re.compile(r":[ \u00a0]?\u200e")
_EDITED = re.compile(r"\s*<(?:This message was edited|Se editó este mensaje\.?)>\s*\Z", re.I)

DateOrder = Literal["day_first", "month_first"]
MAX_MESSAGE_CHARS = 1 << 20


def _variant_of(clean: str) -> str | None:
    for variant, pattern in _STARTS.items():
        if pattern.fullmatch(clean):
            return variant
    return None


@dataclass
class _Pending:
    line: int
    timestamp: datetime
    author: str | None
    marked: bool
    lines: list[str] = field(default_factory=list)
    chars: int = 0


@dataclass
class _Counts:
    system_lines: int = 0
    media_omitted: int = 0
    deleted: int = 0

    def take(self) -> dict[str, int]:
        """The counts so far, then zero again (each conversation part has its own)."""
        counts = asdict(self)
        self.system_lines = self.media_omitted = self.deleted = 0
        return counts


class WhatsAppParser(Parser):
    """One WhatsApp chat export (`_chat.txt` / `WhatsApp Chat with X.txt`): conversations keyed by the file stem
    (`<stem>#part<n>` after the first, see `parts`)."""

    name = "whatsapp_export"

    class Options(SessionLimits):
        date_order: Literal["auto", "day_first", "month_first"] = "auto"
        """`auto`: from the file's evidence; without any, `default_date_order`."""
        default_date_order: DateOrder = "day_first"
        """Used when no date in the file has a field > 12 (Spanish-language exports are day-first)."""
        encoding: Encoding = None
        """Force a text encoding instead of detecting UTF-8 / Latin-1."""

    @classmethod
    def sniff(cls, path: Path, head: str) -> Sniff:
        lines = [clean for clean in (strip_invisible(raw) for raw in head.splitlines()[:200]) if clean.strip()][:20]
        if not lines:
            return Sniff(0.0, "no text")
        variant = _variant_of(lines[0])
        if variant is None:
            later = sum(1 for line in lines if _variant_of(line))
            reason = f"{later} WhatsApp-like lines, but the first line is not a message start" if later else ""
            return Sniff(0.1 if later else 0.0, reason or "no WhatsApp message-start lines")
        starts = [m for m in (_STARTS[variant].fullmatch(line) for line in lines) if m]
        authored = sum(1 for m in starts if ": " in m["rest"])
        shape = "'12/03/24, 14:05 - Name: text'" if variant == "android" else "'[12/03/24, 14:05:33] Name: text'"
        confidence = 0.95 if len(starts) >= 2 and authored else 0.75
        found = f"{len(starts)} of the first {len(lines)} lines look like {shape}"
        return Sniff(confidence, f"{variant} WhatsApp export: {found}")

    def parse(self, path: Path) -> Iterator[ParsedConversation]:
        encoding = self.options.encoding or detect_encoding(path)
        variant, day_first, evidence = self._scan(path, encoding)
        counts = _Counts()
        source = str(path)
        facts = {
            "variant": variant,
            "encoding": encoding,
            "date_order": "day_first" if day_first else "month_first",
            "date_order_evidence": evidence,
        }

        def build(key: str, turns: list[ParsedTurn], part: dict[str, Any]) -> ParsedConversation:
            metadata = facts | counts.take() | part
            return ParsedConversation(format=self.name, source=source, key=key, turns=turns, metadata=metadata)

        parts = Parts(path.stem, build, self.options)
        pending: _Pending | None = None
        pattern = _STARTS[variant]
        for number, raw in _lines(path, encoding):
            clean = strip_invisible(raw)
            start = pattern.fullmatch(clean) if clean[:1] in _START_CHARS else None
            if start is None:
                if pending is None:
                    continue  # blank lines before the first message (the scan rejected anything else)
                pending.chars += len(clean) + 1
                if pending.chars > MAX_MESSAGE_CHARS:
                    raise ParseError(path, f"message longer than {MAX_MESSAGE_CHARS} characters", line=pending.line)
                pending.lines.append(clean)
                continue
            if pending is not None:
                yield from self._flush(pending, source, parts, counts)
            pending = self._open(path, number, raw, start, day_first)
        if pending is not None:
            yield from self._flush(pending, source, parts, counts)
        yield from parts.finish()

    # -- the two passes ---------------------------------------------------------------------------------------

    def _scan(self, path: Path, encoding: str) -> tuple[str, bool, str]:
        """First pass: the variant (from the first message line) and the date order, with its evidence."""
        variant: str | None = None
        day_first_at: tuple[int, str] | None = None
        month_first_at: tuple[int, str] | None = None
        for number, raw in _lines(path, encoding):
            if variant is not None and raw[:1] not in _START_CHARS and not INVISIBLE.match(raw):
                continue  # a continuation line: not evidence
            clean = strip_invisible(raw)
            if variant is None:
                if not clean.strip():
                    continue
                variant = _variant_of(clean)
                if variant is None:
                    reason = f"not a WhatsApp message line (expected a date and time first): {clean[:80]!r}"
                    raise ParseError(path, reason, line=number)
            start = _STARTS[variant].fullmatch(clean) if clean[:1] in _START_CHARS else None
            if start is None:
                continue
            d1, d2 = int(start["d1"]), int(start["d2"])
            if d1 <= 12 and d2 <= 12:
                continue
            date = f"{start['d1']}{start['sep']}{start['d2']}{start['sep']}{start['y']}"
            if d1 > 12 and d2 > 12:
                raise ParseError(path, f"date {date} has no month (both fields > 12)", line=number)
            if d1 > 12 and day_first_at is None:
                day_first_at = (number, date)
            if d2 > 12 and month_first_at is None:
                month_first_at = (number, date)
        if variant is None:
            raise ParseError(path, "no WhatsApp messages (the file is empty)")
        if day_first_at and month_first_at:
            raise ParseError(
                path,
                f"dates disagree on their order: line {day_first_at[0]} has {day_first_at[1]} (day first), "
                f"line {month_first_at[0]} has {month_first_at[1]} (month first)",
                line=month_first_at[0] if month_first_at[0] > day_first_at[0] else day_first_at[0],
            )
        forced = self.options.date_order
        if forced != "auto":
            return variant, forced == "day_first", f"set by options (date_order={forced})"
        if day_first_at:
            return variant, True, f"line {day_first_at[0]}: {day_first_at[1]} has a first field > 12"
        if month_first_at:
            return variant, False, f"line {month_first_at[0]}: {month_first_at[1]} has a second field > 12"
        default = self.options.default_date_order
        return variant, default == "day_first", f"none (no date field > 12); default {default}"

    # -- one message ------------------------------------------------------------------------------------------

    def _open(self, path: Path, number: int, raw: str, start: re.Match[str], day_first: bool) -> _Pending:
        try:
            timestamp = _timestamp(start, day_first)
        except ValueError as exc:
            raise ParseError(path, f"bad date or time: {exc}", line=number) from None
        rest = start["rest"]
        if _EVENT.fullmatch(rest):
            author, text = None, rest
        elif ": " in rest:
            author, text = rest.split(": ", 1)
        elif rest.endswith(":") and rest[:-1].strip():
            author, text = rest[:-1], ""
        else:
            author, text = None, rest
        if author is not None:
            author = _AUTHOR_SPACE.sub(" ", author).strip()
            if not author:
                raise ParseError(path, "message without an author (nothing before ': ')", line=number)
        # iOS puts an LRM right before system text and media placeholders (`Group: \u200eAna added Beto`).
        marked = author is not None and "\u200e" in raw and bool(_IOS_MARK.search(raw))
        return _Pending(number, timestamp, author, marked, [text])

    @staticmethod
    def _flush(pending: _Pending, source: str, parts: Parts, counts: _Counts) -> Iterator[ParsedConversation]:
        """The message as a turn into `parts` (yielding a part it closes), or counted as not conversation."""
        first = pending.lines[0].strip()
        kind = _NOT_TALK.fullmatch(first)
        kind = kind.lastgroup if kind else None
        if pending.author is None or kind == "system" or (pending.marked and _EVENT.fullmatch(first)):
            counts.system_lines += 1
            return
        if kind == "deleted" and len(pending.lines) == 1:
            counts.deleted += 1
            return
        extra: dict[str, Any] = {}
        lines = pending.lines
        if kind == "media":
            lines = lines[1:]  # what follows a placeholder is the caption
            if not any(line.strip() for line in lines):
                counts.media_omitted += 1
                return
            extra["media"] = first
        text = "\n".join(lines).rstrip("\n")
        edited = _EDITED.search(text)
        if edited:
            text = text[: edited.start()]
            extra["edited"] = True
        turn = ParsedTurn(
            speaker=pending.author,
            text=text,
            timestamp=pending.timestamp,
            provenance=Provenance(source=source, line=pending.line),
            extra=extra,
        )
        yield from parts.add(turn)
        counts.media_omitted += kind == "media"  # after `add`: a caption counts in the part it opens


def _timestamp(match: re.Match[str], day_first: bool) -> datetime:
    d1, d2 = int(match["d1"]), int(match["d2"])
    day, month = (d1, d2) if day_first else (d2, d1)
    year = int(match["y"]) + (2000 if len(match["y"]) == 2 else 0)
    hour, minute, second = int(match["h"]), int(match["mi"]), int(match["s"] or 0)
    if match["ampm"]:
        if not 1 <= hour <= 12:
            raise ValueError(f"hour {hour} on a 12-hour clock")
        hour = hour % 12 + (12 if match["ampm"][0] in "Pp" else 0)
    return datetime(year, month, day, hour, minute, second)


def _lines(path: Path, encoding: str) -> Iterator[tuple[int, str]]:
    """(number, line without its ending) for every line."""
    return ((number, line.rstrip("\r\n")) for number, line in decoded_lines(path, encoding))
