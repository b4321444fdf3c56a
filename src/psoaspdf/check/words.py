"""Words and sentences that make a handout hard: medical words (from the glossaries), long
sentences, passive voice, and sums the reader is asked to work out."""

from __future__ import annotations

import functools
import re

import yaml

from ..library import package_data
from ..validate import Where
from .report import Finding, finding
from .text import Text, sentences, word_count

MAX_SENTENCE_WORDS = 20
# The same content takes more words in Spanish (articles, "de", pronouns): our parallel
# iliopsoas handouts hold 1,647 English and 1,850 Spanish words in about the same number of
# sentences (x1.12), so 20 English words are about 22 Spanish ones (docs/check.md).
SENTENCE_WORDS = {"en": MAX_SENTENCE_WORDS, "es": 22}


@functools.cache
def glossary(language: str) -> dict[str, str]:
    """Medical word or phrase → plain words, for a language ({} when there is no glossary)."""
    path = package_data("glossary") / f"{language.split('-')[0]}.yaml"
    if not path.is_file():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a mapping of word: plain words")
    return {str(k): str(v) for k, v in data.items()}


@functools.cache
def _term_pattern(term: str) -> re.Pattern[str]:
    words = r"\s+".join(re.escape(w) for w in term.split())
    return re.compile(rf"(?<![\w-])(?P<term>{words}(?:e?s)?)(?![\w-])", re.IGNORECASE)


# a pronunciation guide: "(say: HY-per-...)", "(se dice: i-per-...)", "(se pronuncia ...)"
_SAY = re.compile(r"\s*\(\s*(say|se\s+dice|se\s+pronuncia)\b", re.IGNORECASE)
_BRACKET_AFTER = re.compile(r"\s*\(")
_NAMED_BEFORE = re.compile(
    r"(medical (word|name|term) for (this|it) is|is called|are called"
    r"|(nombre|término|palabra) médic[oa] (de|para) (esto|eso|esta|este) es|se llaman?|se conocen? como)\s*$",
    re.IGNORECASE,
)


def _explained(text: str, match: re.Match[str]) -> bool:
    """Explained where used: 'term (plain words)', 'plain words (term)', 'the medical word ... is term'
    (Spanish: 'el nombre médico de esto es term', '... se llama term')."""
    after, before = text[match.end() :], text[: match.start()]
    if _BRACKET_AFTER.match(after) and not _SAY.match(after):
        return True
    if before.rstrip().endswith("(") and after.lstrip().startswith(")"):
        return True
    return bool(_NAMED_BEFORE.search(before))


def medical_words(texts: list[Text], language: str, where: Where) -> list[Finding]:
    """A warning at the first unexplained use of each glossary word; info where it is explained."""
    findings: list[Finding] = []
    taken: set[tuple[str, int]] = set()  # (field, offset) inside a longer term already reported
    for term, plain in sorted(glossary(language).items(), key=lambda kv: -len(kv[0])):
        uses = [
            (t, m)
            for t in texts
            for m in _term_pattern(term).finditer(t.text)
            if (t.field, m.start()) not in taken
        ]
        if not uses:
            continue
        taken.update((t.field, i) for t, m in uses for i in range(m.start(), m.end()))
        first_text, first = uses[0]
        others = len(uses) - 1
        more = f" (used {others} more time{'s' if others != 1 else ''})" if others else ""
        if _explained(first_text.text, first):
            message = f"'{first.group('term')}' is explained where it is first used{more}"
            findings.append(finding("info", "medical-word", where, first_text.field, message))
        else:
            message = (
                f"'{first.group('term')}' is a medical word{more}: say '{plain}', or explain it in"
                f" brackets right after it the first time"
            )
            findings.append(finding("warning", "medical-word", where, first_text.field, message))
    return findings


# "is/are/was/were/be/been/being + a word ending in -ed": misses irregular verbs, on purpose
PASSIVE = re.compile(r"\b(?:is|are|was|were|be|been|being)\s+(?:\w+ly\s+)?\w+ed\b", re.IGNORECASE)
# money, percentages and 'N x M' ask the reader to work something out
CALCULATION = re.compile(r"\d\s*%|%\s*\d|\bper\s*cent\b|\b\d+\s*[x\u00d7*]\s*\d+\b", re.IGNORECASE)


def sentence_findings(
    texts: list[Text], where: Where, english: bool, limit: int = MAX_SENTENCE_WORDS
) -> list[Finding]:
    findings: list[Finding] = []
    for t in texts:
        for sentence in sentences(t.text):
            words = word_count(sentence)
            if words > limit:
                message = f"sentence of {words} words (keep to {limit}): {quote(sentence)}"
                findings.append(finding("warning", "long-sentence", where, t.field, message))
            passive = PASSIVE.search(sentence) if english else None
            if passive:
                message = f"passive voice '{passive.group(0)}': say who does what, if you can"
                findings.append(finding("info", "passive-voice", where, t.field, message))
        calculation = CALCULATION.search(t.text)
        if calculation:
            message = f"'{calculation.group(0)}' asks the reader to work something out; say it in words"
            findings.append(finding("warning", "calculation", where, t.field, message))
    return findings


def quote(sentence: str, limit: int = 90) -> str:
    return repr(sentence if len(sentence) <= limit else sentence[: limit - 3] + "...")
