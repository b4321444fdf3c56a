"""The PEMAT-P items a program can judge (AHRQ Patient Education Materials Assessment Tool)."""

from __future__ import annotations

import functools

import yaml

from .. import model
from ..library import package_data
from ..render.inline import plain_text
from ..validate import Where
from .report import Finding, PematItem, finding
from .text import WORD, printed_texts
from .words import CALCULATION, quote


@functools.cache
def word_lists(language: str = "en") -> dict[str, frozenset[str]]:
    """Words a step cannot usefully start with (``not_verbs``) and headings that say nothing
    about what follows (``vague_headings``), from ``glossary/<language>-words.yaml``."""
    data = yaml.safe_load(package_data("glossary", f"{language}-words.yaml").read_text(encoding="utf-8"))
    return {
        key: frozenset(str(word).lower() for word in data[key]) for key in ("not_verbs", "vague_headings")
    }


def _first_word(text: str) -> str:
    match = WORD.search(text)
    return match.group(0).lower() if match else ""


def pemat_items(handout: model.Handout, where: Where, english: bool) -> tuple[list[PematItem], list[Finding]]:
    """The PEMAT-P items a program can judge, and a finding for each one not met."""
    items: list[PematItem] = []
    findings: list[Finding] = []

    def item(name: str, met: bool | None, note: str = "", field: str = "") -> None:
        items.append(PematItem(name, met, note))
        if met is False:
            findings.append(finding("warning", "pemat", where, field, f"{name}: {note}"))

    item("Key message present and printed first", bool(handout.key_message.strip()), "", "key_message")
    item("Summary present", bool(handout.summary.strip()), "", "summary")

    vague = [
        f"{name}.heading"
        for name in ("about", "symptoms", "causes", "why_it_hurts", "treatment", "self_care", "get_help")
        if (heading := getattr(getattr(handout, name), "heading", None)) is not None
        and _is_vague(plain_text(heading))
    ]
    item(
        "Section headings are informative",
        not vague,
        f"vague heading at {', '.join(vague)}; say what the section is about" if vague else "",
        vague[0] if vague else "",
    )

    exercises = handout.exercises
    item(
        "Exercises have numbered steps",
        all(e.steps for e in exercises) if exercises else None,
        "" if exercises else "no exercises",
    )
    if exercises and english:
        bad = [
            (f"exercises[{i}].steps[{j}]", step)
            for i, e in enumerate(exercises, start=1)
            for j, step in enumerate(e.steps, start=1)
            if _first_word(plain_text(step)) in word_lists()["not_verbs"]
        ]
        note = f"{len(bad)} step(s) do not" if bad else ""
        items.append(PematItem("Each step starts with a verb", not bad, note))
        for field, step in bad:
            message = f"start the step with what to do (a verb), not '{_first_word(step)}': {quote(step)}"
            findings.append(finding("warning", "pemat", where, field, message))
    elif exercises:
        note = f"not judged for '{handout.language}' (the list of words that are not verbs is English)"
        items.append(PematItem("Each step starts with a verb", None, note))
        findings.append(finding("info", "pemat", where, "language", f"each step starts with a verb: {note}"))
    else:
        items.append(PematItem("Each step starts with a verb", None, "no exercises"))

    item("A checklist or tool is included", bool(handout.self_care.items), "", "self_care")

    missing = [
        f"exercises[{i}]"
        for i, e in enumerate(exercises, start=1)
        if e.illustration is None or not e.illustration.alt.strip()
    ]
    item(
        "Every exercise has a picture with a caption",
        not missing if exercises else None,
        f"no illustration at {', '.join(missing)}" if missing else ("" if exercises else "no exercises"),
        missing[0] if missing else "",
    )

    # each calculation is a finding of its own (sentence_findings)
    sums = [t.field for t in printed_texts(handout) if CALCULATION.search(t.text)]
    items.append(
        PematItem("No calculations asked of the reader", not sums, f"see {', '.join(sums)}" if sums else "")
    )
    item("When to get help is present", bool(handout.get_help.urgent), "", "get_help")
    return items, findings


def _is_vague(heading: str) -> bool:
    words = [w.lower() for w in WORD.findall(heading)]
    return not words or all(w in word_lists()["vague_headings"] for w in words)
