"""Raw speech-to-text transcripts (Whisper and friends): JSON, SRT, WebVTT, TSV and plain text, one file = one
conversation. Transcripts carry relative times, so turns have `timestamp=None` and `start`/`end` seconds in `extra`.

Bounded memory: segments stream in, and the conversation is cut into parts (`parts.Parts`, by turns and characters;
a recording has no sessions, so never at a gap) streamed out as each closes. One speaker's merged turn that reaches
`max_chars_per_part` is cut there and goes on as a new turn marked `extra["continued"]`.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import Field

from scsf.parsers.base import ParsedConversation, ParsedTurn, Parser, ParseError, Provenance, Sniff
from scsf.parsers.jsonstream import JsonWalker
from scsf.parsers.jsonvalues import clean_text, json_type, key_list
from scsf.parsers.parts import PartLimits, Parts
from scsf.parsers.textio import decoded_lines, detect_encoding, read_head

SourceFormat = Literal["whisper_json", "srt", "vtt", "tsv", "txt"]
_BY_SUFFIX: dict[str, SourceFormat] = {
    ".json": "whisper_json",
    ".srt": "srt",
    ".vtt": "vtt",
    ".webvtt": "vtt",
    ".tsv": "tsv",
    ".txt": "txt",
}
MAX_CUE_CHARS = 1 << 20

_CLOCK = re.compile(r"(?:(\d{1,3}):)?(\d{1,2}):(\d{1,2})(?:[.,](\d{1,3}))?")
_TIMING = re.compile(r"^\s*([\d:.,]+)\s*-->\s*([\d:.,]+)(?:\s.*)?$")
_TXT_TIMING = re.compile(r"^\[\s*([\d:.,]+)\s*-->\s*([\d:.,]+)\s*\]\s*(.*)$")
_SRT_HEAD = re.compile(r"^\d+[ \t]*\r?\n[ \t]*\d{1,3}:\d{2}:\d{2}[,.]\d{1,3}[ \t]*-->")
_ANY_TIMING = re.compile(r"(?m)^[ \t]*(?:\d{1,3}:)?\d{1,2}:\d{2}[.,]\d{1,3}\s*-->\s*(?:\d{1,3}:)?\d{1,2}:\d{2}[.,]\d{1,3}")
_TSV_HEADER = re.compile(r"^(start|inicio)\t(end|fin)\t", re.IGNORECASE)
_CHAT_DATE = re.compile(r"(?m)^\[?\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4},?\s+\d{1,2}:\d{2}")
_NUMBER = re.compile(r"^\d+(?:\.\d+)?$")

_BRACKET_PREFIX = re.compile(r"^\[(?P<name>[^\[\]]{1,40})\](?P<colon>:)?\s*(?P<text>.*)$")
_DIARIZED = re.compile(r"^(?:SPEAKER|Speaker|speaker|HABLANTE|Hablante|SPK|spk)[ _-]?\d+$")
_NAMED_PREFIX = re.compile(r"^(?P<name>[^\W\d_][\w.'’-]*(?: [\w.'’-]+){0,2}):[ \t]+(?P<text>\S.*)$")
_VOICE = re.compile(r"<v(?:\.[^\s>]*)?(?:[ \t]+([^>]*))?>")
_TAG = re.compile(r"<[^>\n]*>|\{\\[^}\n]*\}")


def split_speaker(text: str) -> tuple[str | None, str]:
    """`SPEAKER_01: hola`, `[SPEAKER_01] hola`, `[Ana]: hola` and `Nombre: hola` → (speaker, text); else (None, text).

    A named prefix is at most three words, the first capitalised, followed by ': ' and some text."""
    match = _BRACKET_PREFIX.match(text)
    if match and match["text"] and (match["colon"] or _DIARIZED.match(match["name"].strip())):
        return match["name"].strip(), match["text"]
    match = _NAMED_PREFIX.match(text)
    if match and (match["name"][0].isupper() or _DIARIZED.match(match["name"])):
        return match["name"], match["text"]
    return None, text


def _clock(token: str) -> float | None:
    match = _CLOCK.fullmatch(token.strip())
    if match is None:
        return None
    hours, minutes, seconds, fraction = match.groups()
    if int(minutes) > 59 or int(seconds) > 59:
        return None
    millis = int(fraction.ljust(3, "0")) if fraction else 0
    return int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds) + millis / 1000


def _timing(path: Path, number: int, line: str, pattern: re.Pattern[str] = _TIMING) -> tuple[float, float, str]:
    """(start, end, rest) of a `start --> end` line; a malformed one is a ParseError naming the line."""
    match = pattern.match(line)
    if match is None:
        raise ParseError(path, f"bad timecode line {line.strip()[:80]!r}", line=number)
    start, end = _clock(match[1]), _clock(match[2])
    if start is None or end is None:
        bad = match[1] if start is None else match[2]
        raise ParseError(path, f"bad timecode {bad[:40]!r}", line=number)
    return start, end, match[3] if pattern is _TXT_TIMING else ""


def _plain(text: str) -> str:
    """Markup (`<i>`, `<c.x>`, `{\\an8}`) removed, entities decoded, blanks collapsed."""
    return " ".join(html.unescape(_TAG.sub("", text)).split())


@dataclass(slots=True)
class _Segment:
    """One timed piece of speech. `speaker=None`: no label, so the previous segment's speaker goes on."""

    speaker: str | None
    text: str
    line: int
    start: float | None = None
    end: float | None = None


@dataclass(slots=True)
class _Turn:
    speaker: str
    line: int
    start: float | None
    end: float | None
    continued: bool = False
    segments: int = 0
    chars: int = 0
    parts: list[str] = field(default_factory=list)
    chunks: list[str] = field(default_factory=list)

    def add(self, text: str) -> None:
        self.chars += len(text) + 1
        self.parts.append(text)
        if len(self.parts) >= 1024:  # keep many tiny strings from piling up in one long monologue
            self.chunks.append(" ".join(self.parts))
            self.parts.clear()

    def text(self) -> str:
        return " ".join([*self.chunks, *self.parts])


class TranscriptParser(Parser):
    """Whisper JSON (incl. WhisperX diarization and HF `chunks`), SRT, WebVTT, Whisper TSV and plain text.

    Consecutive segments of one speaker become one turn (texts joined with a space). A segment with no speaker label
    continues the previous speaker ("unknown" at the start); Whisper JSON segments without `speaker` are "unknown".
    Empty segments are dropped; a transcript with no text yields no conversation. Parts after the first are keyed
    `<stem>#part<n>`; each part's metadata counts its segments and gives its latest time (`duration_s`).
    """

    name = "transcript_raw"

    class Options(PartLimits):
        source_format: SourceFormat | None = Field(
            default=None, description="force a variant instead of choosing by file extension, then content"
        )

    options: Options

    @classmethod
    def sniff(cls, path: Path, head: str) -> Sniff:
        text = head.lstrip("\ufeff")
        stripped = text.lstrip()
        suffix = path.suffix.lower()
        if text.startswith("WEBVTT") and (len(text) == 6 or text[6] in " \t\r\n"):
            return Sniff(0.95, "WEBVTT header")
        if _SRT_HEAD.match(stripped):
            return Sniff(0.9, "SRT cue number and arrow timecode")
        labelled_first = split_speaker(stripped.split("\n", 1)[0].strip())[0] is not None
        if stripped[:1] == "{" or (stripped[:1] == "[" and not labelled_first):
            if '"segments"' in head and '"start"' in head and '"end"' in head:
                return Sniff(0.9, "Whisper JSON: 'segments' with start/end")
            if '"chunks"' in head and '"timestamp"' in head:
                return Sniff(0.75, "Whisper JSON: 'chunks' with timestamps")
            if stripped[:1] == "[" and re.search(r'"start"\s*:', head) and re.search(r'"text"\s*:', head):
                return Sniff(0.6, "JSON list of timed segments")
            return Sniff(0.0, "JSON without transcript segments")
        first_line = stripped.split("\n", 1)[0].rstrip("\r")
        if _TSV_HEADER.match(first_line):
            return Sniff(0.95, "Whisper TSV header start/end/text")
        if suffix == ".tsv" and re.match(r"^\d+\t\d+\t", first_line):
            return Sniff(0.7, ".tsv with millisecond start/end columns")
        if _ANY_TIMING.search(head):
            return Sniff(0.6, "arrow timecodes")
        if suffix in (".srt", ".vtt"):
            return Sniff(0.5, f"{suffix} file extension")
        if suffix == ".txt":
            if _CHAT_DATE.search(head):
                return Sniff(0.1, "dated lines look like a chat export, not a transcript")
            lines = [line.strip() for line in text.splitlines()[:50] if line.strip()]
            labelled = sum(1 for line in lines if split_speaker(line)[0] is not None)
            if labelled >= 2:
                return Sniff(0.45, "plain text with 'Speaker:' prefixes")
            return Sniff(0.35, "plain .txt transcript")
        return Sniff(0.0, "no transcript markers")

    def parse(self, path: Path) -> Iterator[ParsedConversation]:
        encoding = detect_encoding(path)
        source_format = self.options.source_format or self._choose(path, encoding)
        if source_format == "whisper_json":
            segments: Iterator[_Segment] = self._whisper_json(path, encoding)
        else:
            lines = ((n, text.rstrip("\r\n")) for n, text in decoded_lines(path, encoding))
            segments = {"srt": self._srt, "vtt": self._vtt, "tsv": self._tsv, "txt": self._txt}[source_format](
                path, lines
            )
        yield from self._conversations(path, source_format, segments)

    @staticmethod
    def _choose(path: Path, encoding: str) -> SourceFormat:
        """By file extension; otherwise by the first line."""
        by_suffix = _BY_SUFFIX.get(path.suffix.lower())
        if by_suffix is not None:
            return by_suffix
        head = read_head(path, encoding)
        first = next((line.strip() for line in head.lstrip("\ufeff").splitlines() if line.strip()), "")
        if first.startswith("WEBVTT"):
            return "vtt"
        if first[:1] == "{" or (first[:1] == "[" and split_speaker(first)[0] is None and "-->" not in first):
            return "whisper_json"
        if first.isdigit() or _TIMING.match(first):
            return "srt"
        if _TSV_HEADER.match(first) or re.match(r"^\d+\t\d+\t", first):
            return "tsv"
        return "txt"

    # -- merging -----------------------------------------------------------------------------------------------

    def _conversations(
        self, path: Path, source_format: str, segments: Iterable[_Segment]
    ) -> Iterator[ParsedConversation]:
        """Segments merged into turns (one speaker's consecutive segments), the turns into parts."""
        source = str(path)

        def build(key: str, turns: list[ParsedTurn], part: dict[str, Any]) -> ParsedConversation:
            moments = [turn.extra.get("end", turn.extra.get("start")) for turn in turns]
            latest = max((moment for moment in moments if moment is not None), default=None)
            metadata = {
                "source_format": source_format,
                "segments": sum(turn.extra["segments"] for turn in turns),
                "duration_s": latest,
            }
            return ParsedConversation(format=self.name, source=source, key=key, turns=turns, metadata=metadata | part)

        parts = Parts(path.stem, build, self.options)
        limit = self.options.max_chars_per_part
        current: _Turn | None = None
        for segment in segments:
            text = " ".join(segment.text.split())
            if not text:
                continue
            speaker = segment.speaker if segment.speaker is not None else (current.speaker if current else "unknown")
            if current is None or speaker != current.speaker or current.chars + len(text) > limit:
                if current is not None:
                    yield from parts.add(_turn(current, source))
                continued = current is not None and speaker == current.speaker
                current = _Turn(speaker, segment.line, segment.start, segment.end, continued=continued)
            current.add(text)
            current.segments += 1
            if segment.end is not None:
                current.end = segment.end
            if current.start is None:
                current.start = segment.start
        if current is not None:
            yield from parts.add(_turn(current, source))
        yield from parts.finish()

    # -- Whisper JSON ------------------------------------------------------------------------------------------

    def _whisper_json(self, path: Path, encoding: str) -> Iterator[_Segment]:
        with JsonWalker(path, encoding) as stream:
            first = stream.peek()
            if first == "":
                return
            if first == "[":
                yield from self._json_items(stream, "segments")
            elif first == "{":
                found: str | None = None
                others: list[str] = []
                for key in stream.keys():
                    if found is None and key in ("segments", "chunks"):
                        found = key
                        yield from self._json_items(stream, key)
                    else:
                        others.append(key)
                        stream.skip()
                if found is None:
                    raise ParseError(path, f"no 'segments' array in the JSON object (keys: {key_list(others)})", line=1)
            else:
                raise stream.error("expected a Whisper JSON object or a list of segments")
            if not stream.at_end():
                raise stream.error("unexpected data after the JSON document")

    def _json_items(self, stream: JsonWalker, key: str) -> Iterator[_Segment]:
        if stream.peek() != "[":
            raise stream.error(f"'{key}' is not an array")
        for line in stream.items():
            yield self._json_segment(stream.path, stream.value(), line, key)

    @staticmethod
    def _json_segment(path: Path, item: Any, line: int, key: str) -> _Segment:
        if not isinstance(item, dict):
            raise ParseError(path, f"a {key} item is {json_type(item)}, not an object", line=line)
        text = item.get("text")
        if not isinstance(text, str):
            raise ParseError(path, f"a {key} item has no 'text' string (found {json_type(text)})", line=line)
        try:
            if key == "chunks":
                stamp = item.get("timestamp")
                if not isinstance(stamp, list) or len(stamp) != 2:
                    raise ValueError("'timestamp' must be [start, end]")
                start, end = _seconds(stamp[0], "start"), _seconds(stamp[1], "end")
            else:
                start, end = _seconds(item.get("start"), "start"), _seconds(item.get("end"), "end")
        except ValueError as exc:
            raise ParseError(path, str(exc), line=line) from exc
        speaker = item.get("speaker")
        if speaker is None:
            label = "unknown"
        elif isinstance(speaker, str) and speaker.strip():
            label = clean_text(speaker.strip())
        elif isinstance(speaker, int) and not isinstance(speaker, bool):
            label = str(speaker)
        else:
            raise ParseError(path, f"'speaker' is {json_type(speaker)}, not a label", line=line)
        return _Segment(speaker=label, text=clean_text(text), line=line, start=start, end=end)

    # -- SRT ---------------------------------------------------------------------------------------------------

    def _srt(self, path: Path, lines: Iterable[tuple[int, str]]) -> Iterator[_Segment]:
        cue: tuple[float, float, int] | None = None
        texts: list[tuple[int, str]] = []
        in_text = False
        index_line: int | None = None
        size = 0
        for number, raw in lines:
            line = raw.strip().lstrip("\ufeff")
            if in_text:
                if line and "-->" in line and _TIMING.match(line):  # no blank line before the next cue
                    if texts and texts[-1][1].isascii() and texts[-1][1].isdigit():
                        index_line = texts.pop()[0]
                    in_text = False
                elif line:
                    size += len(line)
                    if size > MAX_CUE_CHARS:
                        raise ParseError(path, f"cue text over {MAX_CUE_CHARS} characters", line=number)
                    texts.append((number, line))
                    continue
                else:
                    in_text = False
                    continue
            if not line:
                continue
            if "-->" in line:
                start, end, _ = _timing(path, number, line)
                if cue is not None:
                    yield from _cue_segments(cue, texts)
                cue = (start, end, index_line if index_line is not None else number)
                texts, size, in_text, index_line = [], 0, True, None
                continue
            if index_line is not None:
                raise ParseError(path, "expected a timecode line after the cue number", line=number)
            if line.isascii() and line.isdigit():
                index_line = number
                continue
            if cue is None:
                raise ParseError(path, "expected a cue number or a 'start --> end' timecode", line=number)
            texts.append((number, line))  # text after a stray blank line: the same cue goes on
            in_text = True
        if index_line is not None:
            raise ParseError(path, "cue number without a timecode", line=index_line)
        if cue is not None:
            yield from _cue_segments(cue, texts)

    # -- WebVTT ------------------------------------------------------------------------------------------------

    def _vtt(self, path: Path, lines: Iterable[tuple[int, str]]) -> Iterator[_Segment]:
        iterator = iter(lines)
        first = next(iterator, None)
        if first is None:
            return
        header = first[1].lstrip("\ufeff")
        if not header.startswith("WEBVTT") or (len(header) > 6 and header[6] not in " \t"):
            raise ParseError(path, "missing the WEBVTT header", line=first[0])
        block: list[tuple[int, str]] = []
        skipping = True  # the header block runs to the first blank line
        size = 0
        for number, raw in iterator:
            line = raw.strip()
            if not line:
                if block:
                    yield from self._vtt_cue(path, block)
                block, skipping, size = [], False, 0
                continue
            if skipping:
                continue
            if not block and re.match(r"^(NOTE|STYLE|REGION)(\s|$)", line):
                skipping = True
                continue
            size += len(line)
            if size > MAX_CUE_CHARS:
                raise ParseError(path, f"cue over {MAX_CUE_CHARS} characters", line=number)
            block.append((number, line))
        if block:
            yield from self._vtt_cue(path, block)

    @staticmethod
    def _vtt_cue(path: Path, block: list[tuple[int, str]]) -> Iterator[_Segment]:
        at = 0
        if "-->" not in block[0][1]:  # a cue identifier
            if len(block) < 2 or "-->" not in block[1][1]:
                where = block[1][0] if len(block) > 1 else block[0][0]
                raise ParseError(path, "expected a cue timing line ('start --> end')", line=where)
            at = 1
        start, end, _ = _timing(path, block[at][0], block[at][1])
        payload = block[at + 1 :]
        if not payload:
            return
        cue_line = block[0][0]
        joined = "\n".join(text for _, text in payload)
        voices = list(_VOICE.finditer(joined))
        if not voices:
            yield from _cue_segments((start, end, cue_line), [(n, _plain(text)) for n, text in payload])
            return
        lead = _plain(joined[: voices[0].start()])
        if lead:
            yield _Segment(speaker=None, text=lead, line=cue_line, start=start, end=end)
        for position, voice in enumerate(voices):
            stop = voices[position + 1].start() if position + 1 < len(voices) else len(joined)
            text = _plain(joined[voice.end() : stop])
            name = " ".join(html.unescape(voice[1] or "").split()) or None
            yield _Segment(speaker=name, text=text, line=cue_line, start=start, end=end)

    # -- TSV ---------------------------------------------------------------------------------------------------

    def _tsv(self, path: Path, lines: Iterable[tuple[int, str]]) -> Iterator[_Segment]:
        columns: dict[str, int] | None = None
        width = 0
        aliases = {
            "start": ("start", "start_ms", "inicio"),
            "end": ("end", "end_ms", "fin"),
            "text": ("text", "texto"),
            "speaker": ("speaker", "hablante", "spk"),
        }
        for number, raw in lines:
            if not raw.strip():
                continue
            fields = raw.split("\t")
            if columns is None:
                head = fields[0].strip().lstrip("\ufeff")
                if not _NUMBER.match(head):
                    names = [name.strip().lstrip("\ufeff").lower() for name in fields]
                    columns = {
                        role: names.index(alias)
                        for role, options in aliases.items()
                        for alias in options
                        if alias in names
                    }
                    if not {"start", "end", "text"} <= columns.keys():
                        raise ParseError(path, "TSV header needs start, end and text columns", line=number)
                    width = len(fields)
                    continue
                if len(fields) == 3:
                    columns = {"start": 0, "end": 1, "text": 2}
                elif len(fields) == 4:
                    columns = {"start": 0, "end": 1, "speaker": 2, "text": 3}
                else:
                    reason = f"expected start, end[, speaker] and text, found {len(fields)} fields"
                    raise ParseError(path, reason, line=number)
                width = len(fields)
            if len(fields) < width:
                raise ParseError(path, f"expected {width} tab-separated fields, found {len(fields)}", line=number)
            text_at = columns["text"]
            if len(fields) > width:
                if text_at != width - 1:
                    raise ParseError(path, f"expected {width} tab-separated fields, found {len(fields)}", line=number)
                text = "\t".join(fields[text_at:])
            else:
                text = fields[text_at]
            start = _milliseconds(path, number, fields[columns["start"]])
            end = _milliseconds(path, number, fields[columns["end"]])
            if "speaker" in columns:
                speaker: str | None = fields[columns["speaker"]].strip() or "unknown"
            else:
                speaker, text = split_speaker(text.strip())
            yield _Segment(speaker=speaker, text=text, line=number, start=start, end=end)

    # -- plain text --------------------------------------------------------------------------------------------

    def _txt(self, path: Path, lines: Iterable[tuple[int, str]]) -> Iterator[_Segment]:
        for number, raw in lines:
            text = raw.strip().lstrip("\ufeff")
            if not text:
                continue
            start = end = None
            if text.startswith("[") and "-->" in text.split("]", 1)[0]:
                start, end, text = _timing(path, number, text, _TXT_TIMING)
            speaker, text = split_speaker(text.strip())
            yield _Segment(speaker=speaker, text=text, line=number, start=start, end=end)


def _turn(turn: _Turn, source: str) -> ParsedTurn:
    extra: dict[str, Any] = {}
    if turn.start is not None:
        extra["start"] = round(turn.start, 3)
    if turn.end is not None:
        extra["end"] = round(turn.end, 3)
    extra["segments"] = turn.segments
    if turn.continued:
        extra["continued"] = True
    return ParsedTurn(
        speaker=turn.speaker, text=turn.text(), provenance=Provenance(source=source, line=turn.line), extra=extra
    )


def _cue_segments(cue: tuple[float, float, int], texts: list[tuple[int, str]]) -> Iterator[_Segment]:
    """The segments of one subtitle cue: a line with a speaker prefix opens a new one, others continue it."""
    start, end, cue_line = cue
    speaker: str | None = None
    parts: list[str] = []
    line = cue_line
    for number, raw in texts:
        label, text = split_speaker(_plain(raw))
        if label is not None:
            if parts:
                yield _Segment(speaker=speaker, text=" ".join(parts), line=line, start=start, end=end)
                line = number
            speaker, parts = label, []
        parts.append(text)
    if parts:
        yield _Segment(speaker=speaker, text=" ".join(parts), line=line, start=start, end=end)


def _seconds(value: Any, name: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"'{name}' is {json_type(value)}, not seconds")
    try:
        seconds = float(value)
    except OverflowError as exc:
        raise ValueError(f"'{name}' is out of range") from exc
    if not math.isfinite(seconds) or seconds < 0:
        raise ValueError(f"'{name}' is out of range")
    return seconds


def _milliseconds(path: Path, number: int, token: str) -> float:
    token = token.strip()
    if not _NUMBER.match(token) or len(token) > 15:
        raise ParseError(path, f"bad time {token[:40]!r} (expected milliseconds)", line=number)
    return float(token) / 1000
