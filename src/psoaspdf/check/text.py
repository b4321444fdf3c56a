"""The text a reader sees: every printed string of a handout with its field, split into
sentences and words."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from typing import Any

from .. import model
from ..render.inline import plain_text
from ..wording import sets_sentence

# Printed prose, by top-level field, in the order the handout prints it (model.PRINT_ORDER),
# leaving out what is not prose for the reader (the tick chart repeats self-care items): the
# chart, the video link, the notes box and the sources
SECTIONS = (
    *model.TITLE_BLOCK,
    *(name for name in model.PRINT_ORDER if name not in ("chart", "video", "notes", "sources")),
    "disclaimer",
)
# fields that hold no prose for the reader: names, codes, links, files, figures (a figure's alt
# text is printed as its caption, so it is prose)
NOT_PROSE = frozenset({"id", "region", "language", "version", "keywords", "video", "image", "pose", "per"})


@dataclasses.dataclass(frozen=True)
class Text:
    """One printed string, as printed (emphasis marks removed), and its field path."""

    field: str
    text: str

    @property
    def section(self) -> str:
        return re.split(r"[.\[]", self.field, maxsplit=1)[0]


def printed_texts(handout: model.Handout, labels: dict[str, Any] | None = None) -> list[Text]:
    """Every string the reader sees, in print order, with field paths as validate names them;
    with ``labels``, also the sentences psoaspdf prints round them (the help box's leads, the
    line that explains sets), graded with the section they sit in."""
    found: list[Text] = []
    for name in SECTIONS:
        found += _walk(getattr(handout, name), name)
        if labels and name == "exercises":
            sets = sets_sentence(handout.exercises, labels)
            if sets:
                found.append(Text("exercises", sets))
        if labels and name == "get_help":
            leads = [labels["urgent"].format(emergency="911")]
            leads += [labels["today"]] if handout.get_help.today else []
            leads += [labels["call_clinic"].format(phone="")] if handout.get_help.call_clinic else []
            found += [Text("get_help", lead.rstrip(":") + ".") for lead in leads]
    return found


def _walk(value: Any, where: str) -> Iterator[Text]:
    if value is None or isinstance(value, (bool, int, float, model.Url, model.FilePath)):
        return
    if isinstance(value, str):
        yield Text(where, plain_text(value))
    elif isinstance(value, tuple):
        for i, item in enumerate(value, start=1):
            yield from _walk(item, f"{where}[{i}]")
    elif dataclasses.is_dataclass(value):
        for f in dataclasses.fields(value):
            if f.name not in NOT_PROSE:
                yield from _walk(getattr(value, f.name), f"{where}.{f.name}")


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=\S)")
WORD = re.compile(r"[^\W_][\w'\u2019\-\u2013]*")


def sentences(text: str) -> list[str]:
    """Sentences of one string; a bullet point without a full stop is one sentence."""
    return [s for s in _SENTENCE_END.split(text.strip()) if s]


def word_count(text: str) -> int:
    return len(WORD.findall(text))


def as_prose(texts: list[Text]) -> str:
    """Strings joined so the formulas see each bullet point as a sentence of its own."""
    return " ".join(t.text if t.text.rstrip()[-1:] in ".!?" else t.text.rstrip() + "." for t in texts)


def base_language(language: str) -> str:
    return language.split("-")[0]
