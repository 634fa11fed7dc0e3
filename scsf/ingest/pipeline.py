"""The ingest pipeline: parse (streaming) -> detect language -> map roles -> scan PII -> redact -> validate ->
store one file per transaction. A bad file is listed and skipped; nothing of it is stored."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from itertools import islice
from pathlib import Path
from typing import Any, Literal

from pydantic import ValidationError

from scsf.domains import DomainPack
from scsf.errors import ConfigError, ScsfError
from scsf.hashing import file_sha256, sha256_hex
from scsf.ingest.report import QualityReport
from scsf.ingest.roles import RoleAssignment, assign_roles
from scsf.ingest.validator import TurnView, ValidadorConversacional
from scsf.langid import detect_languages
from scsf.parsers import ParsedConversation, ParseError, Parser, parser_class
from scsf.parsers.detect import detect_format
from scsf.privacy import PiiFinding, PiiScanner, redact_conversation, redact_text, risk_score
from scsf.store.imports import ImportedConversation, ImportRepository, StoredFinding
from scsf.validation import describe_first_error

BATCH = 64
RedactionMode = Literal["redact", "mask", "pseudonymize"]
SAFE_METADATA = (int, float, bool)


@dataclass(frozen=True)
class IngestOptions:
    format: str = "auto"
    parser_options: dict[str, Any] = field(default_factory=dict)
    role_map: dict[str, str] | None = None
    redaction: RedactionMode = "pseudonymize"
    risk_threshold: float = 0.5

    def as_dict(self) -> dict[str, Any]:
        return {
            "format": self.format,
            "parser_options": self.parser_options,
            "role_map": bool(self.role_map),
            "redaction": self.redaction,
            "risk_threshold": self.risk_threshold,
        }


@dataclass(frozen=True)
class Processed:
    """A conversation after the pipeline; `roles` maps the source's own speaker names (shown, never stored)."""

    stored: ImportedConversation
    roles: RoleAssignment


def new_import_id() -> str:
    return f"imp-{datetime.now(UTC):%Y%m%d-%H%M%S}-{secrets.token_hex(3)}"


def expand_inputs(paths: Iterable[Path]) -> list[Path]:
    """Files as given; directories contribute every regular file below them (sorted, hidden ones skipped)."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(p for p in sorted(path.rglob("*")) if p.is_file() and not p.name.startswith("."))
        else:
            files.append(path)
    return files


class Ingestor:
    """Runs the pipeline over files. `repository=None` is a dry run: everything but storing."""

    def __init__(
        self,
        pack: DomainPack,
        scanner: PiiScanner,
        options: IngestOptions,
        repository: ImportRepository | None,
        on_conversation: Callable[[Processed], None] = lambda processed: None,
    ) -> None:
        self.pack = pack
        self.scanner = scanner
        self.options = options
        self.repository = repository
        self.on_conversation = on_conversation
        self._parts_roles: tuple[str, dict[str, str]] = ("", {})  # (source key, speaker -> role) of the last part

    def ingest(self, paths: Iterable[Path], import_id: str | None = None) -> tuple[str, QualityReport]:
        import_id = import_id or new_import_id()
        report = QualityReport()
        if self.repository:
            self.repository.start(import_id, self.options.as_dict())
        for path in expand_inputs(paths):
            self._ingest_file(import_id, path, report)
        if self.repository:
            self.repository.finish(import_id, report.as_dict(for_storage=True))
        return import_id, report

    def _ingest_file(self, import_id: str, path: Path, report: QualityReport) -> None:
        fmt: str | None = None
        label = self.source_label(path)
        try:
            if not path.is_file():
                raise ParseError(path, "no such file")
            sha = file_sha256(path)
            fmt, reason = self._choose_format(path)
            parser = self._parser(fmt)
            conversations = self._process(parser.parse(path), sha, label)
            count = self._store(import_id, label, sha, fmt, reason, conversations, report)
        except ScsfError as exc:
            category = "parse error" if isinstance(exc, ParseError) else exc.title
            report.file_failed(str(path), label, fmt, exc.msg, category)
            if self.repository:
                sha = file_sha256(path) if path.is_file() else ""
                self.repository.record_failure(import_id, label, sha, fmt, exc.msg.replace(str(path), label))
            return
        report.file_ok(str(path), label, fmt, reason, count)

    def _parser(self, fmt: str) -> Parser:
        cls = parser_class(fmt)
        try:
            return cls(cls.Options(**self.options.parser_options))
        except ValidationError as exc:
            raise ConfigError(f"format {fmt}: parser option {describe_first_error(exc)}") from exc

    def _choose_format(self, path: Path) -> tuple[str, str]:
        if self.options.format != "auto":
            return self.options.format, "given with --format"
        detection = detect_format(path)
        return detection.format, detection.sniff.reason

    def _store(self, import_id, path, sha, fmt, reason, conversations: Iterator[Processed], report) -> int:
        count = 0

        def account(processed: Processed) -> None:
            nonlocal count
            stored = processed.stored
            count += 1
            report.conversations_by_format[fmt] += 1
            report.turns += len(stored.turns)
            report.pii_by_type.update(finding.entity_type for finding in stored.findings)
            report.languages.update(turn["lang"] or "unknown" for turn in stored.turns)
            report.validation_failures.update(
                check["name"] for check in stored.validation["checks"] if check["passed"] is False
            )
            report.review_queue += stored.review_status == "pending_review"
            self.on_conversation(processed)

        if self.repository is None:
            for processed in conversations:
                account(processed)
            return count
        with self.repository.file_transaction(import_id, path, sha, fmt, reason) as writer:
            for batch in _batched(conversations, BATCH):
                known = self.repository.known_conversations([p.stored.conversation_id for p in batch])
                for processed in batch:
                    if processed.stored.conversation_id in known:
                        report.already_imported += 1
                        continue
                    writer.add(processed.stored)
                    account(processed)
        return count

    def source_label(self, path: Path) -> str:
        """The path as stored: export names carry contact names ("WhatsApp Chat with ..."), so PII in the file
        name is replaced by tags; the file's sha256 identifies it exactly."""
        findings = self.scanner.scan(path.stem.replace("_", " "))
        return str(path.with_name(redact_text(path.stem, findings, "redact") + path.suffix))

    def _process(self, parsed: Iterator[ParsedConversation], sha: str, label: str) -> Iterator[Processed]:
        """Language, roles, PII and validation, a batch of conversations at a time (NER runs batched)."""
        for batch in _batched(parsed, BATCH):
            turns = [turn for conversation in batch for turn in conversation.turns]
            texts = [turn.text for turn in turns]
            detected = iter(detect_languages([turn.text for turn in turns if not turn.lang], None))
            langs = [turn.lang or next(detected) for turn in turns]
            findings = self.scanner.scan_many(texts, langs)
            offset = 0
            for conversation in batch:
                size = len(conversation.turns)
                yield self._finish(
                    conversation, sha, label, langs[offset : offset + size], findings[offset : offset + size]
                )
                offset += size

    def _roles(self, conversation: ParsedConversation) -> RoleAssignment:
        """Roles of a conversation; a later part of a long conversation keeps the roles its earlier parts had
        (parts come in order, so only the last source's mapping is kept)."""
        source_key = conversation.key.split("#part")[0]
        last_key, last_roles = self._parts_roles
        earlier = last_roles if conversation.metadata.get("part", 1) > 1 and last_key == source_key else None
        roles = assign_roles(conversation, self.pack, self.options.role_map, earlier)
        if "part" in conversation.metadata:
            self._parts_roles = (source_key, {**(earlier or {}), **roles.mapping})
        return roles

    def _finish(
        self,
        conversation: ParsedConversation,
        sha: str,
        label: str,
        langs: list[str | None],
        findings: list[list[PiiFinding]],
    ) -> Processed:
        conversation_id = "imp-" + sha256_hex(f"{sha}|{conversation.key}")[:32]
        roles = self._roles(conversation)
        originals = [turn.text for turn in conversation.turns]
        redacted = redact_conversation(originals, findings, self.options.redaction, key=conversation_id)
        aliases = _speaker_aliases(roles.mapping)
        turns = [
            {
                "role": roles.mapping.get(turn.speaker),
                "speaker": aliases[turn.speaker],
                "text": text,
                "timestamp": turn.timestamp.isoformat() if turn.timestamp else None,
                "lang": lang,
                "kind": turn.kind,
                "provenance": {**turn.provenance.model_dump(exclude_none=True), "source": label},
            }
            for turn, text, lang in zip(conversation.turns, redacted, langs, strict=True)
        ]
        flat = [
            StoredFinding(index, f.entity_type, f.start, f.end, round(f.score, 4), f.recognizer)
            for index, per_turn in enumerate(findings)
            for f in per_turn
        ]
        risk = risk_score([f for per_turn in findings for f in per_turn])
        originals_found = {f.text for per_turn in findings for f in per_turn if f.text}
        validator = ValidadorConversacional(self.pack, partial(self._residual_counts, originals=originals_found))
        report = validator.validar([TurnView(t["role"], t["text"]) for t in turns if t["kind"] == "message"])
        stored = ImportedConversation(
            conversation_id=conversation_id,
            source=label,
            source_sha256=sha,
            source_key=sha256_hex(conversation.key)[:16],
            format=conversation.format,
            domain=self.pack.namespace,
            role_reason=roles.reason,
            turns=turns,
            metadata={k: v for k, v in conversation.metadata.items() if isinstance(v, SAFE_METADATA)},
            redaction=self.options.redaction,
            findings=flat,
            risk_score=risk,
            validation=report.as_dict(),
            review_status="pending_review" if risk > self.options.risk_threshold else "clean",
        )
        return Processed(stored, roles)

    def _residual_counts(self, texts: list[str], originals: set[str]) -> list[int]:
        """Zero tolerance: any original PII string still present after redaction, or any structured identifier
        (check-digit valid) found by a fresh rule-based scan, counts as residual PII."""
        structured = self.scanner.scan_structured(texts)
        return [
            len(found) + sum(1 for original in originals if original in text)
            for text, found in zip(texts, structured, strict=True)
        ]


def _speaker_aliases(mapping: dict[str, str]) -> dict[str, str]:
    """Speakers (names, phone numbers) are PII: stored only as `<role>#<n>`."""
    counters: dict[str, int] = {}
    aliases = {}
    for speaker, role in mapping.items():
        counters[role] = counters.get(role, 0) + 1
        aliases[speaker] = f"{role}#{counters[role]}"
    return aliases


def _batched(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch
