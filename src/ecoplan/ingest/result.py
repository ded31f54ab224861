"""What one import did: the counts, the batch, the rows refused."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Progress = Callable[[str], None]
"""Called with the name of each stage as an import reaches it (read, validate, compare,
quarantine, write, commit) — the CLI turns it into a progress bar."""

STAGES: tuple[str, ...] = ("read", "validate", "compare", "quarantine", "write", "commit")


@dataclass
class ImportResult:
    """Counts of one file's import.

    ``accepted`` values (or registry rows) stored that were not held before; ``revised`` stored
    ones that replace a different held value (each recorded in ``revision``); ``duplicates``
    already held with the same value (tolerance 1e-9) or repeated identically within the file
    (not written); ``rejected`` rows quarantined (a malformed line counts once);
    ``skipped_derived`` national-layout ``*_24h``/``*_8h``/``AQI`` values not stored;
    ``missing`` empty value cells; ``resolved`` earlier quarantine rows this import resolved.
    ``batch_id`` is ``None`` when the import changed nothing (the file was imported before).
    """

    kind: str
    file_name: str
    layout: str
    sha256: str = ""
    batch_id: str | None = None
    accepted: int = 0
    rejected: int = 0
    duplicates: int = 0
    revised: int = 0
    skipped_derived: int = 0
    missing: int = 0
    resolved: int = 0
    new_quarantine: int = 0
    rejections: list[dict[str, Any]] = field(default_factory=list)

    @property
    def unchanged(self) -> bool:
        return self.batch_id is None

    def counts(self) -> dict[str, int]:
        return {
            "accepted": self.accepted,
            "rejected": self.rejected,
            "duplicates": self.duplicates,
            "revised": self.revised,
            "skipped_derived": self.skipped_derived,
            "missing": self.missing,
            "resolved": self.resolved,
        }

    def to_dict(self, *, rejections: int = 0) -> dict[str, Any]:
        """JSON-ready summary; *rejections* = how many refused rows to include."""
        out: dict[str, Any] = {
            "file": self.file_name,
            "kind": self.kind,
            "layout": self.layout,
            "batch_id": self.batch_id,
            "unchanged": self.unchanged,
            **self.counts(),
        }
        if rejections:
            out["rejections"] = [
                {k: r[k] for k in ("line", "column_name", "raw_value", "reason_code", "reason")}
                for r in self.rejections[:rejections]
            ]
        return out
