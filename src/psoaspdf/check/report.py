"""What `check` reports: findings placed at file:line:col, reading scores, PEMAT-P and layout items."""

from __future__ import annotations

import dataclasses
from typing import Any, Literal

from ..errors import Problem
from ..validate import Where
from .readability import Readability

Severity = Literal["error", "warning", "info"]

# The PEMAT-P items for print (AHRQ, 2013; items 13 and 14 are for audiovisual material only),
# by their AHRQ numbers, in our own short words: (domain, item)
PEMAT_P: dict[int, tuple[str, str]] = {
    1: ("understandability", "The purpose is clear from the start."),
    2: ("understandability", "Nothing in it distracts from that purpose."),
    3: ("understandability", "It uses common, everyday words."),
    4: ("understandability", "Medical words are used only when needed, and explained."),
    5: ("understandability", "It uses the active voice."),
    6: ("understandability", "Numbers are clear and easy to understand."),
    7: ("understandability", "It does not ask the reader to calculate."),
    8: ("understandability", "Information comes in short sections."),
    9: ("understandability", "Section headings are informative."),
    10: ("understandability", "Information comes in a logical order."),
    11: ("understandability", "It gives a summary."),
    12: ("understandability", "Boxes, bullets and bold draw the eye to the key points."),
    15: ("understandability", "Pictures are used wherever they make things easier to understand."),
    16: ("understandability", "Pictures support the text rather than distract from it."),
    17: ("understandability", "Pictures have clear captions."),
    18: ("understandability", "Pictures are clear and uncluttered."),
    19: ("understandability", "Any table is simple, with short, clear headings."),
    20: ("actionability", "It names at least one thing the reader can do."),
    21: ("actionability", "It speaks to the reader directly about what to do."),
    22: ("actionability", "Any action is broken into explicit steps."),
    23: ("actionability", "It gives a tangible tool (a checklist, a chart) to help the reader act."),
    24: ("actionability", "It explains any calculation simply, with examples."),
    25: ("actionability", "It explains how to use its charts or tables to act."),
    26: ("actionability", "Pictures make it easier to do what it asks."),
}
# the items psoaspdf judges from the text; a person judges the rest (the reviewer worksheet)
AUTOMATIC = (5, 7, 9, 11, 17, 20, 23, 24)
FOR_A_PERSON = tuple(n for n in PEMAT_P if n not in AUTOMATIC)


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
    """One item psoaspdf judged; ``met`` is None when it does not apply (or needs a person).
    ``number`` and ``domain`` are the AHRQ PEMAT-P item's; psoaspdf's own items have neither and
    count in no PEMAT score."""

    item: str
    met: bool | None
    note: str = ""
    number: int | None = None
    domain: str = ""  # "understandability" or "actionability"


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

    def pemat_score(self, domain: str) -> tuple[int, int]:
        """(met, judged) among the PEMAT-P items of ``domain`` psoaspdf judged; the items a
        person must judge are not in it, so this is no PEMAT score on its own."""
        judged = [p for p in self.pemat if p.number is not None and p.domain == domain and p.met is not None]
        return sum(1 for p in judged if p.met), len(judged)

    def _pemat_dict(self) -> dict[str, Any]:
        if self.kind != "handout":  # a program is not rated
            return {"understandability": None, "actionability": None, "items": [], "for_a_person": []}
        scores = {}
        for domain in ("understandability", "actionability"):
            met, judged = self.pemat_score(domain)
            scores[domain] = {"met": met, "judged": judged}
        return {
            **scores,
            "items": [dataclasses.asdict(p) for p in self.pemat],
            "for_a_person": list(FOR_A_PERSON),
        }

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
            "pemat": self._pemat_dict(),
            "layout": dataclasses.asdict(self.layout),
            "findings": [dataclasses.asdict(f) for f in self.findings],
            "counts": {s: self.count(s) for s in ("error", "warning", "info")},
        }


def finding(severity: Severity, check: str, where: Where, field: str, message: str) -> Finding:
    p = where.problem(field, message)
    return Finding(severity, check, p.path, p.line, p.col, p.field, p.message)
