"""The PEMAT-P items a program can judge (AHRQ Patient Education Materials Assessment Tool)."""

from __future__ import annotations

import functools

import yaml

from .. import model
from ..library import package_data
from ..render.inline import plain_text
from ..validate import Where
from .report import AUTOMATIC, FOR_A_PERSON, PEMAT_P, Finding, PematItem, finding
from .text import WORD, printed_texts, sentences
from .words import CALCULATION, PASSIVE, quote

__all__ = ["AUTOMATIC", "FOR_A_PERSON", "PEMAT_P", "pemat_items", "word_lists"]


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
    """The PEMAT-P items psoaspdf can judge (by AHRQ number and domain), psoaspdf's own items
    (no number, not in the PEMAT scores), and a finding for each one not met."""
    items: list[PematItem] = []
    findings: list[Finding] = []

    def pemat(number: int, met: bool | None, note: str = "", field: str = "") -> None:
        domain, text = PEMAT_P[number]
        items.append(PematItem(text, met, note, number, domain))
        if met is False:
            findings.append(
                finding("warning", "pemat", where, field, f"PEMAT-P {number}, {text} {note}".rstrip())
            )

    def own(name: str, met: bool | None, note: str = "", field: str = "") -> None:
        items.append(PematItem(name, met, note))
        if met is False:
            findings.append(finding("warning", "pemat", where, field, f"{name}: {note}"))

    texts = printed_texts(handout)
    if english:
        passive = [t.field for t in texts for s in sentences(t.text) if PASSIVE.search(s)]
        pemat(5, not passive, f"passive voice at {', '.join(passive[:3])}" if passive else "")
    else:
        pemat(5, None, f"not judged for '{handout.language}' (the passive-voice check is English)")
    # each calculation is a finding of its own (sentence_findings)
    sums = [t.field for t in texts if CALCULATION.search(t.text)]
    pemat(7, not sums, f"see {', '.join(sums)}" if sums else "")
    vague = [
        f"{name}.heading"
        for name in ("about", "symptoms", "causes", "why_it_hurts", "treatment", "self_care", "get_help")
        if (heading := getattr(getattr(handout, name), "heading", None)) is not None
        and _is_vague(plain_text(heading))
    ]
    pemat(
        9,
        not vague,
        f"vague heading at {', '.join(vague)}; say what the section is about" if vague else "",
        vague[0] if vague else "",
    )
    pemat(11, bool(handout.summary.strip()), "", "summary")
    exercises = handout.exercises
    pictures = [e for e in exercises if e.illustration is not None]
    uncaptioned = [
        f"exercises[{i}]"
        for i, e in enumerate(exercises, start=1)
        if e.illustration and not e.illustration.alt.strip()
    ]
    pemat(
        17,
        not uncaptioned if pictures else None,
        f"no caption at {', '.join(uncaptioned)}" if uncaptioned else ("" if pictures else "no pictures"),
        uncaptioned[0] if uncaptioned else "",
    )
    pemat(20, bool(handout.self_care.items or exercises), "", "self_care")
    pemat(23, bool(handout.self_care.items), "", "self_care")
    pemat(24, None, "a person judges the calculations found (see item 7)" if sums else "no calculations")

    own("Key message present and printed first", bool(handout.key_message.strip()), "", "key_message")
    if exercises and english:
        bad = [
            (f"exercises[{i}].steps[{j}]", step)
            for i, e in enumerate(exercises, start=1)
            for j, step in enumerate(e.steps, start=1)
            if _first_word(plain_text(step)) in word_lists()["not_verbs"]
        ]
        items.append(
            PematItem("Each step starts with a verb", not bad, f"{len(bad)} step(s) do not" if bad else "")
        )
        for field, step in bad:
            message = f"start the step with what to do (a verb), not '{_first_word(step)}': {quote(step)}"
            findings.append(finding("warning", "pemat", where, field, message))
    elif exercises:
        note = f"not judged for '{handout.language}' (the list of words that are not verbs is English)"
        items.append(PematItem("Each step starts with a verb", None, note))
        findings.append(finding("info", "pemat", where, "language", f"each step starts with a verb: {note}"))
    else:
        items.append(PematItem("Each step starts with a verb", None, "no exercises"))
    missing = [f"exercises[{i}]" for i, e in enumerate(exercises, start=1) if e.illustration is None]
    own(
        "Every exercise has a picture",
        not missing if exercises else None,
        f"no picture at {', '.join(missing)}" if missing else ("" if exercises else "no exercises"),
        missing[0] if missing else "",
    )
    own("When to get help is present", bool(handout.get_help.urgent), "", "get_help")
    return items, findings


def _is_vague(heading: str) -> bool:
    words = [w.lower() for w in WORD.findall(heading)]
    return not words or all(w in word_lists()["vague_headings"] for w in words)
