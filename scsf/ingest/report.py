"""The import quality report: counts per format, rejections by reason, PII findings by type, review queue."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any


@dataclass
class QualityReport:
    files: list[dict[str, Any]] = field(default_factory=list)
    conversations_by_format: Counter = field(default_factory=Counter)
    turns: int = 0
    rejections: Counter = field(default_factory=Counter)
    pii_by_type: Counter = field(default_factory=Counter)
    validation_failures: Counter = field(default_factory=Counter)
    review_queue: int = 0
    already_imported: int = 0
    languages: Counter = field(default_factory=Counter)

    def file_ok(self, path: str, label: str, fmt: str, reason: str, conversations: int) -> None:
        self.files.append(
            {"path": path, "label": label, "format": fmt, "reason": reason, "conversations": conversations, "ok": True}
        )

    def file_failed(self, path: str, label: str, fmt: str | None, error: str, category: str) -> None:
        self.files.append({"path": path, "label": label, "format": fmt, "error": error, "ok": False})
        self.rejections[category] += 1

    @property
    def failed_files(self) -> list[dict[str, Any]]:
        return [entry for entry in self.files if not entry["ok"]]

    def as_dict(self, *, for_storage: bool = False) -> dict[str, Any]:
        """The report; `for_storage` replaces real paths (which may carry contact names) by their safe labels."""
        files = self.files
        if for_storage:
            files = [
                {**{k: v for k, v in f.items() if k != "path"},
                 **({"error": f["error"].replace(f["path"], f["label"])} if "error" in f else {})}
                for f in self.files
            ]  # fmt: skip
        return {
            "totals": {
                "files": len(self.files),
                "files_failed": len(self.failed_files),
                "conversations": sum(self.conversations_by_format.values()),
                "turns": self.turns,
                "already_imported": self.already_imported,
                "review_queue": self.review_queue,
            },
            "conversations_by_format": dict(self.conversations_by_format),
            "rejections_by_reason": dict(self.rejections),
            "pii_findings_by_type": dict(self.pii_by_type),
            "validation_failures_by_check": dict(self.validation_failures),
            "languages": dict(self.languages),
            "files": files,
        }
