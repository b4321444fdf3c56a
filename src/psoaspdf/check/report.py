"""What `check` reports: findings placed at file:line:col, reading scores, PEMAT-P and layout items."""

from __future__ import annotations

import dataclasses
from typing import Any, Literal

from ..errors import Problem
from ..validate import Where
from .readability import Readability

Severity = Literal["error", "warning", "info"]


@dataclasses.dataclass(frozen=True)
class Finding:
    """One thing to look at, placed at file:line:col where the handout has a position for it."""

    severity: Severity
    check: str  # readability, long-sentence, medical-word, passive-voice, pemat, calculation, labels, layout, print
    file: str
    line: int | None
    col: int | None
    field: str
    message: str

    def __str__(self) -> str:
        return str(Problem(self.file, self.line, self.col, self.field, self.message))


@dataclasses.dataclass(frozen=True)
class PematItem:
    """One PEMAT-P item a program can judge; ``met`` is None when it does not apply."""

    item: str
    met: bool | None
    note: str = ""


@dataclasses.dataclass(frozen=True)
class LayoutItem:
    """One check of the layout: what is checked, whether it passed, and what was found."""

    item: str
    met: bool
    note: str = ""


@dataclasses.dataclass(frozen=True)
class LayoutFacts:
    """What the check found about the layout the handout is printed with."""

    name: str
    body_size: float
    lowest_contrast: float
    items: tuple[LayoutItem, ...] = ()


@dataclasses.dataclass(frozen=True)
class Report:
    """Everything `check` found about one handout or program."""

    file: str
    handout_id: str
    language: str
    target_grade: float
    target_ease: float | None  # the Fernández-Huerta score that matches target_grade (Spanish)
    overall: Readability
    sections: tuple[Readability, ...]
    pemat: tuple[PematItem, ...]
    layout: LayoutFacts
    findings: tuple[Finding, ...]
    kind: str = "handout"  # or "program"

    @property
    def pemat_score(self) -> float:
        """Per cent of the applicable automatic PEMAT-P items that are met."""
        judged = [p for p in self.pemat if p.met is not None]
        return round(100 * sum(1 for p in judged if p.met) / len(judged), 1) if judged else 100.0

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    def as_dict(self) -> dict[str, Any]:
        """The report as JSON-ready data (the keys are documented in docs/check.md)."""
        return {
            "file": self.file,
            "id": self.handout_id,
            "kind": self.kind,
            "language": self.language,
            "target_grade": self.target_grade,
            "target_ease": self.target_ease,
            "readability": {
                "overall": dataclasses.asdict(self.overall),
                "sections": [dataclasses.asdict(s) for s in self.sections],
            },
            "pemat": {
                "score": self.pemat_score if self.kind == "handout" else None,  # a program is not rated
                "items": [dataclasses.asdict(p) for p in self.pemat],
            },
            "layout": dataclasses.asdict(self.layout),
            "findings": [dataclasses.asdict(f) for f in self.findings],
            "counts": {s: self.count(s) for s in ("error", "warning", "info")},
        }


def finding(severity: Severity, check: str, where: Where, field: str, message: str) -> Finding:
    p = where.problem(field, message)
    return Finding(severity, check, p.path, p.line, p.col, p.field, p.message)
