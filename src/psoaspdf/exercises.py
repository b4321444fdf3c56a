"""The exercise library: every exercise of every handout the library knows, by a stable id
``<handout id>/<exercise id>`` (e.g. ``iliopsoas-back-pain/bridge``)."""

from __future__ import annotations

import dataclasses
import difflib
import re
from collections.abc import Sequence
from pathlib import Path

from . import model
from .errors import InvalidInput, NotFound, Problem
from .kinds import yaml_files
from .library import BUILT_IN, bundled, find_root
from .validate import Where, load_located

# a body region from the muscles a figure shows, for exercises that do not name one
REGION_OF_MUSCLE: dict[str, model.Region] = {
    "iliopsoas": "hip",
    "glutes": "hip",
    "abdominals": "core",
    "hamstrings": "leg",
    "lower-back": "lower-back",
}


def slug(text: str) -> str:
    """An id from a name: lower case, words joined by hyphens ('Kneeling hip stretch' →
    'kneeling-hip-stretch')."""
    words = re.sub(r"[^a-z0-9]+", "-", plain_text(text).lower()).strip("-")
    return words[:64].rstrip("-") or "exercise"


def exercise_id(exercise: model.Exercise) -> str:
    """The exercise's own part of its library id."""
    return exercise.id or slug(exercise.name)


@dataclasses.dataclass(frozen=True)
class Entry:
    """One exercise in the library, and the handout it comes from."""

    handout: model.Handout
    where: Where
    index: int  # 1-based, as validation messages count exercises
    exercise: model.Exercise

    @property
    def id(self) -> str:
        return f"{self.handout.id}/{exercise_id(self.exercise)}"

    @property
    def title(self) -> str:
        return plain_text(self.exercise.name)

    @property
    def region(self) -> str:
        if self.exercise.region:
            return self.exercise.region
        pose = self.exercise.illustration.pose if self.exercise.illustration else None
        regions = [REGION_OF_MUSCLE[m] for m in pose.highlight] if pose else []
        return regions[0] if regions else ""

    @property
    def figure(self) -> str:
        """What picture it has: a drawn pose (and its base position), an image file, or none."""
        illustration = self.exercise.illustration
        if illustration is None:
            return ""
        if illustration.pose is not None:
            return f"pose: {illustration.pose.base}"
        return f"image: {Path(illustration.image or '').name}"

    def as_dict(self) -> dict[str, str]:
        return {
            "id": self.id,
            "title": self.title,
            "handout": self.handout.id,
            "handout_title": plain_text(self.handout.title),
            "language": self.handout.language,
            "region": self.region,
            "figure": self.figure,
            "file": self.where.file,
        }


@dataclasses.dataclass
class Library:
    """The exercises found, by id, and the problems met reading the handouts."""

    entries: dict[str, Entry] = dataclasses.field(default_factory=dict)
    problems: list[Problem] = dataclasses.field(default_factory=list)

    def add(self, handout: model.Handout, where: Where) -> None:
        for index, exercise in enumerate(handout.exercises, start=1):
            entry = Entry(handout, where, index, exercise)
            self.entries.setdefault(entry.id, entry)  # two exercises of one id: the first counts

    def find(self, exercise: str) -> Entry:
        """The exercise with this id; NotFound naming the close matches if there is none."""
        if exercise in self.entries:
            return self.entries[exercise]
        raise NotFound(unknown_message(exercise, list(self.entries)))


def unknown_message(exercise: str, known: list[str]) -> str:
    handout = exercise.partition("/")[0]
    close = difflib.get_close_matches(exercise, known, n=4, cutoff=0.55)
    if not close:  # a known handout: its exercises; else the ids that end the same
        close = [k for k in known if k.startswith(f"{handout}/")][:6]
    if not close:
        tail = exercise.rpartition("/")[2]
        close = [k for k in known if k.rpartition("/")[2] == tail][:4]
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    return f"no exercise {exercise!r} in the exercise library (psoaspdf exercises lists them){hint}"


def handout_files(root: Path | None = None) -> list[Path]:
    """The handouts the library knows: the clinic's own (``handouts/`` under the library root of
    the current folder) first, then the built-in ones."""
    found = find_root(Path.cwd(), root)
    own = found.path / "handouts"
    mine = yaml_files([own]) if own.is_dir() and found.why != BUILT_IN else []
    return [*mine, *bundled("handouts")]


def load_library(paths: Sequence[Path] = (), root: Path | None = None) -> Library:
    """Every exercise in the handouts given (files or folders), or in the library when none are
    given. A file that is not a valid handout is listed as a problem, not a crash."""
    library = Library()
    files = yaml_files(list(paths)) if paths else handout_files(root)
    seen: set[str] = set()
    for path in files:
        try:
            handout, where = load_located(path, model.Handout, root)
        except InvalidInput as exc:
            library.problems += exc.problems
            continue
        except NotFound as exc:
            library.problems.append(Problem(str(path), None, None, "", str(exc)))
            continue
        if handout.id in seen:
            continue  # the clinic's own handout of this id replaces the built-in one
        seen.add(handout.id)
        library.add(handout, where)
    return library


def plain_text(text: str) -> str:
    """Text without our inline marks (ReportLab is imported only when it is needed)."""
    from .render.inline import plain_text as plain

    return plain(text)
