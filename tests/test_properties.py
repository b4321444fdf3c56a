"""Property tests: any handout the schema accepts renders and reads back; any bytes load or fail
clearly; the fuzz targets still run.

Example counts come from a settings profile: a small one by default (this file adds well under a
minute to the suite on two cores), a bigger one with HYPOTHESIS_PROFILE=thorough (docs/fuzzing.md).
"""

from __future__ import annotations

import dataclasses
import datetime
import importlib.util
import io
import json
import os
import re
import shutil
import subprocess
import sys
import typing
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

import pypdf
import pytest
import yaml
from conftest import DATA, REPO, all_text, needs_tool, squash
from hypothesis import HealthCheck, Phase, event, given, settings
from hypothesis import strategies as st

from fuzz import __main__ as fuzz_main
from fuzz import targets as fuzz_targets
from fuzz.mutate import fuzz_inputs
from psoaspdf import api, model
from psoaspdf.errors import PsoasError
from psoaspdf.render.fonts import load_fonts
from psoaspdf.validate import hints, is_model, load_handout, unwrap_optional

# --- settings profiles ------------------------------------------------------------------------

# No example database: the tests must not write into the repository.
settings.register_profile(
    "psoaspdf-quick",
    max_examples=25,
    deadline=None,  # rendering time varies on a busy CI machine; hangs are bounded below instead
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ],
)
settings.register_profile("thorough", settings.get_profile("psoaspdf-quick"), max_examples=500)
PROFILE = settings.get_profile(
    "thorough" if os.environ.get("HYPOTHESIS_PROFILE") == "thorough" else "psoaspdf-quick"
)
THOROUGH = PROFILE.max_examples > 25


def examples(weight: float) -> settings:
    """The profile, with this test's share of examples (cheap tests run more)."""
    return settings(PROFILE, max_examples=max(1, round(PROFILE.max_examples * weight)))


SECONDS_PER_INPUT = 60.0  # far above any real input; only a hang gets near it

# --- text in one field: the existing properties --------------------------------------------------

LATIN1 = st.characters(min_codepoint=0x20, max_codepoint=0xFF, exclude_categories=("Cc", "Cs"))
# markup characters, and symbols from the fallback font (en and em dash, curly quotes...)
SYMBOLS = st.sampled_from(
    [*"<>&\"'*/\\;=#%{}[] →✓•…€", "\u2013", "\u2014", "\u201c", "\u201d", "\u2018", "\u2019"]
)
TEXT = st.text(st.one_of(LATIN1, SYMBOLS), min_size=1, max_size=200).filter(lambda t: t.strip())

BASE = api.load_inputs(str(DATA / "minimal.yaml"))


@examples(1)
@given(text=TEXT)
def test_any_text_in_the_summary_renders(text: str) -> None:
    summary = " ".join(text.split())
    handout = dataclasses.replace(BASE.handout, summary=summary)
    data = api.render_handout(dataclasses.replace(BASE, handout=handout))
    reader = pypdf.PdfReader(io.BytesIO(data))
    assert len(reader.pages) >= 1
    extracted = all_text(reader)
    if "*" not in summary and "\xad" not in summary:
        # Without emphasis markers every character prints as typed, markup characters included
        assert squash(summary.replace("\xa0", " ")) in squash(extracted.replace("\xa0", " "))


@examples(1)
@given(text=TEXT)
def test_any_text_survives_the_yaml_loader(text: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    folder: Path = tmp_path_factory.mktemp("yaml")
    source = (DATA / "minimal.yaml").read_text(encoding="utf-8")
    old = 'summary: "Knee pain is common. Most people get better with simple care at home."'
    path = folder / "h.yaml"
    # a JSON string is a valid YAML double-quoted scalar
    path.write_text(source.replace(old, f"summary: {json.dumps(text)}"), encoding="utf-8")
    handout = load_handout(path)
    assert handout.summary == " ".join(text.split())


# --- whole handouts, generated from the model ----------------------------------------------------

FONTS = load_fonts(model.Fonts())


def _usable(char: str) -> bool:
    """A character a writer might type that prints left to right (no control, space or mark), in
    the Basic Multilingual Plane (psoaspdf refuses the others: see render/inline.py)."""
    return (
        ord(char) <= 0xFFFF
        and unicodedata.category(char)[0] not in "CZM"
        and unicodedata.bidirectional(char) not in ("R", "AL")
    )


BODY_CHARS = sorted(c for c in map(chr, FONTS.covered) if _usable(c))
FALLBACK_CHARS = sorted(c for c in map(chr, FONTS.fallback_covered - FONTS.covered) if _usable(c))
MARKUP = (
    "<b>",
    "</b>",
    "<i>x</i>",
    "&amp;",
    "&lt;",
    "&#65;",
    "&nbsp;",
    "<img src=x>",
    '<img src="/etc/passwd"/>',
    "javascript:alert(1)",
    '<a href="javascript:alert(1)">',
    '<font face="Courier">',
    "</para>",
    "<br/>",
    "<![CDATA[",
    "]]>",
    "<seq/>",
    "<onDraw name=x/>",
    "**",
    "*",
    "***",
    "%s",
    "{0}",
    "\\",
)
PUNCTUATION = (*".,;:!?()[]{}'\"-/", "\u2013", "\u2014", "\u2026", "\u201c", "\u201d", "\u00ad")
SEPARATORS = (" ", " ", " ", "  ", "\n", "\t", "\xa0", "\u2009", "\u3000")
# no embedded font draws these, or they cannot be printed yet: each must be a clear error
UNPRINTABLE = (
    "\u6f22\u5b57",  # CJK
    "\U0001f600",  # emoji
    "\U0001d7e8",  # a digit beyond U+FFFF that DejaVu draws but the PDF's text map would get wrong
    "\u05e9\u05dc\u05d5\u05dd",  # right to left
    "\u0627",
    "\u202e",  # a text-direction override
    "\uffff",
    "\x07",
    "\x00",
)

ASCII_WORD = st.text(
    st.sampled_from("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"), min_size=1, max_size=12
)
BODY_WORD = st.text(st.sampled_from(BODY_CHARS), min_size=1, max_size=10)
FALLBACK_WORD = st.text(st.sampled_from(FALLBACK_CHARS), min_size=1, max_size=4)


def prose(max_words: int, unprintable: bool) -> st.SearchStrategy[str]:
    """Text as a writer might type it, with markup look-alikes, symbols and odd spacing."""
    token = st.one_of(
        ASCII_WORD,
        ASCII_WORD,
        BODY_WORD,
        FALLBACK_WORD,
        st.sampled_from(MARKUP),
        st.sampled_from(PUNCTUATION),
        *([st.sampled_from(UNPRINTABLE)] if unprintable else []),
    )
    pair = st.tuples(token, st.sampled_from(SEPARATORS))
    return st.tuples(ASCII_WORD, st.lists(pair, max_size=max_words)).map(
        lambda first: first[0] + " " + "".join(t + s for t, s in first[1])
    )


URL_CHARS = st.sampled_from("abcdefghijklmnopqrstuvwxyz0123456789-._~:/?#[]@!$&'()*+,;=%<>\"")


def url(schemes: tuple[str, ...]) -> st.SearchStrategy[str]:
    body = st.text(st.one_of(URL_CHARS, st.sampled_from(BODY_CHARS)), min_size=1, max_size=60)
    return st.tuples(st.sampled_from(schemes), body).map("".join)


def normalise(text: str) -> str:
    """What the validator keeps of a line of prose: whitespace runs become one space."""
    return " ".join(text.split())


@dataclasses.dataclass
class Limits:
    """How big generated lists and texts get (small, to keep each render quick)."""

    items: int = 3
    words: int = 14
    exercises: int = 2


IMAGE_FILES = ("square.png", "stretch.svg", "photo.jpg")


class Generator:
    """Hypothesis strategies for the YAML data of any model class, read off its dataclass fields:
    types, docs and limits (spec() metadata) are the ones the validator and JSON Schema use, so a
    new field is generated as soon as it is added. The few rules that span fields (a dose needs a
    number, review_due comes after reviewed...) are kept true by FIX_UPS so most examples reach
    the renderer; the rest may fail validation, which must then be a clear error."""

    def __init__(self, limits: Limits, unprintable: bool) -> None:
        self.limits = limits
        self.unprintable = unprintable
        self.overrides: dict[tuple[type, str], Callable[[], st.SearchStrategy[Any]]] = {
            (model.Illustration, "image"): lambda: st.sampled_from(IMAGE_FILES),
            (model.Pose, "props"): lambda: st.lists(
                st.sampled_from(typing.get_args(model.Prop)), max_size=2, unique=True
            ),
            (model.Pose, "highlight"): lambda: st.lists(
                st.sampled_from(typing.get_args(model.Muscle)), max_size=2, unique=True
            ),
            (model.Handout, "exercises"): lambda: st.lists(
                self.value(model.Exercise, {}), max_size=self.limits.exercises
            ),
            (model.Handout, "key_message"): lambda: self.text({"max_length": 300}).map(_one_sentence),
        }

    def text(self, meta: dict[str, Any]) -> st.SearchStrategy[str]:
        if meta.get("pattern"):
            return st.from_regex(meta["pattern"], fullmatch=True)
        limit = meta.get("max_length")
        strategy = prose(self.limits.words, self.unprintable)
        if limit:
            strategy = strategy.map(lambda t: normalise(t)[:limit].strip() or "x")
        return strategy

    def scalar(self, tp: Any, meta: dict[str, Any]) -> st.SearchStrategy[Any]:
        if typing.get_origin(tp) is Literal:
            return st.sampled_from(typing.get_args(tp))
        if tp is bool:
            return st.booleans()
        if tp is int:
            return st.integers(meta.get("minimum", 0), meta.get("maximum", 1000))
        if tp is float:
            low, high = meta.get("minimum", 0), meta.get("maximum", 1000)
            return st.integers(low * 2, high * 2).map(lambda n: n / 2)
        if tp is datetime.date:
            return st.dates(datetime.date(2000, 1, 1), datetime.date(2099, 12, 31)).map(str)
        if tp is model.HttpsUrl:
            return url(("https://",))
        if tp is model.Url:
            return url(("https://", "http://", "HTTPS://"))
        if tp is str:
            return self.text(meta)
        raise TypeError(f"no strategy for {tp!r}: teach tests/test_properties.py's Generator about it")

    def value(self, tp: Any, meta: dict[str, Any]) -> st.SearchStrategy[Any]:
        inner, _ = unwrap_optional(tp)
        if is_model(inner):
            mapping = self.mapping(inner)
            shorthand = getattr(inner, "__shorthand__", None)
            if shorthand:
                field = next(f for f in dataclasses.fields(inner) if f.name == shorthand)
                short = self.value(hints(inner)[shorthand], dict(field.metadata))
                return st.one_of(short, mapping)
            return mapping
        if typing.get_origin(inner) is tuple:
            low = meta.get("min_items", 0)
            high = min(meta.get("max_items") or self.limits.items, max(low, self.limits.items))
            return st.lists(self.value(typing.get_args(inner)[0], {}), min_size=low, max_size=high)
        return self.scalar(inner, meta)

    def mapping(self, cls: type) -> st.SearchStrategy[dict[str, Any]]:
        @st.composite
        def build(draw: st.DrawFn) -> dict[str, Any]:
            data: dict[str, Any] = {}
            types = hints(cls)
            for f in dataclasses.fields(cls):
                required = f.default is dataclasses.MISSING
                if not required and not draw(st.booleans()):
                    continue  # optional keys are left out half of the time
                override = self.overrides.get((cls, f.name))
                strategy = override() if override else self.value(types[f.name], dict(f.metadata))
                data[f.name] = draw(strategy)
            fix_up = FIX_UPS.get(cls)
            return fix_up(data) if fix_up else data

        return build()


def _one_sentence(text: str) -> str:
    return re.sub(r"[.!?]", ",", text)


def _fix_dose(dose: dict[str, Any]) -> dict[str, Any]:
    if not any(k in dose for k in ("sets", "reps", "hold_seconds", "minutes")):
        dose["reps"] = 10
    return dose


def _fix_handout(handout: dict[str, Any]) -> dict[str, Any]:
    reviewed = datetime.date.fromisoformat(handout["reviewed"])
    if datetime.date.fromisoformat(handout["review_due"]) <= reviewed:
        handout["review_due"] = str(reviewed + datetime.timedelta(days=365))
    return handout


def _fix_pose(pose: dict[str, Any]) -> dict[str, Any]:
    from psoaspdf.pose import BASES, FRONT_VIEW_PROPS

    if BASES[pose["base"]].view == "front" and "props" in pose:
        pose["props"] = [p for p in pose["props"] if p in FRONT_VIEW_PROPS]
    if pose.get("start") and not pose["start"]["joints"]:
        pose["start"]["joints"] = {"neck": 10}
    return pose


def _fix_illustration(illustration: dict[str, Any]) -> dict[str, Any]:
    """Exactly one of image and pose; about half get each."""
    if "image" in illustration and "pose" in illustration:
        del illustration["image"]
    elif "image" not in illustration and "pose" not in illustration:
        illustration["image"] = IMAGE_FILES[0]
    return illustration


FIX_UPS: dict[type, Callable[[dict[str, Any]], dict[str, Any]]] = {
    model.Dose: _fix_dose,
    model.Handout: _fix_handout,
    model.Pose: _fix_pose,
    model.Illustration: _fix_illustration,
}


@st.composite
def handouts(draw: st.DrawFn) -> tuple[dict[str, Any], bool]:
    """(YAML data of a handout, whether it may hold characters no font can print)."""
    unprintable = draw(st.integers(0, 5)) == 0
    limits = Limits(items=5, words=24, exercises=4) if THOROUGH else Limits()
    return draw(Generator(limits, unprintable).mapping(model.Handout)), unprintable


# --- what the handout prints ---------------------------------------------------------------------

NOT_PRINTED = {
    (model.Handout, "id"),
    (model.Handout, "language"),
    (model.Source, "language"),  # marks the title for screen readers (HTML); not printed
    (model.Handout, "keywords"),  # metadata only
    (model.Handout, "reviewed_by"),  # metadata only
    (model.Exercise, "id"),  # the exercise library's id (psoaspdf exercises), not printed
}
PROSE_TYPES = (str, model.Url, model.HttpsUrl)


def printed_texts(value: Any, tp: Any, where: str = "") -> dict[str, str]:
    """{field path: text} for every printed text in a handout: generated YAML data (a dict) or the
    loaded model, walked by the model's types, so the two can be compared."""
    inner, _ = unwrap_optional(tp)
    out: dict[str, str] = {}
    if value is None:
        return out
    if is_model(inner):
        shorthand = getattr(inner, "__shorthand__", None)
        if isinstance(value, str) and shorthand:
            value = {shorthand: value}
        types = hints(inner)
        for f in dataclasses.fields(inner):
            child = value.get(f.name) if isinstance(value, dict) else getattr(value, f.name)
            if (inner, f.name) not in NOT_PRINTED:
                out.update(printed_texts(child, types[f.name], f"{where}.{f.name}" if where else f.name))
    elif typing.get_origin(inner) is tuple:
        for i, item in enumerate(value, start=1):
            out.update(printed_texts(item, typing.get_args(inner)[0], f"{where}[{i}]"))
    elif inner in PROSE_TYPES:  # not Literal choices, numbers, dates or file paths
        out[where] = normalise(value) if inner is str else value.strip()
    return out


def words(text: str) -> list[str]:
    """Runs of letters and digits, compatibility-normalised (ligatures, full-width forms)."""
    return re.findall(r"[^\W_]+", unicodedata.normalize("NFKC", text))


def extracted_text(pdf: Path) -> str:
    """The PDF's text: pdftotext in content order when installed, pypdf otherwise."""
    if shutil.which("pdftotext"):
        result = subprocess.run(
            ["pdftotext", "-raw", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, check=True
        )
        return result.stdout.decode("utf-8")
    return all_text(pypdf.PdfReader(pdf))


def squashed(text: str) -> str:
    """Letters and digits only: line breaks, hyphens and spacing that layout adds are gone."""
    return "".join(words(text))


@pytest.fixture(scope="module")
def handout_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with the pictures generated handouts name."""
    from PIL import Image

    folder = tmp_path_factory.mktemp("handouts")
    for name in ("square.png", "stretch.svg"):
        shutil.copy(DATA / "images" / name, folder / name)
    Image.linear_gradient("L").resize((40, 30)).convert("RGB").save(folder / "photo.jpg", quality=80)
    return folder


@needs_tool("qpdf")
# each example renders a PDF: shrinking a failure would take minutes, so the quick profile reports
# it as found (the thorough profile shrinks)
@settings(examples(1), phases=tuple(Phase) if THOROUGH else (Phase.explicit, Phase.reuse, Phase.generate))
@given(generated=handouts())
def test_any_handout_the_schema_accepts_renders_every_word(
    generated: tuple[dict[str, Any], bool], handout_folder: Path
) -> None:
    """A handout that validates renders to a PDF qpdf accepts, showing every word of its text;
    otherwise loading or rendering fails with psoaspdf's own error, naming the file."""
    data, unprintable = generated
    path = handout_folder / "generated.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with fuzz_targets.time_limit(SECONDS_PER_INPUT):
        try:
            inputs = api.load_inputs(str(path))
            pdf_bytes = api.render_handout(inputs)
        except PsoasError as exc:
            event(f"refused: {type(exc).__name__}")
            assert path.name in str(exc), f"the error does not name the file: {exc}"
            assert unprintable or "glyph" not in str(exc), "a character the fonts have was refused"
            return
    event("rendered")
    written = json.dumps(data, ensure_ascii=False)  # escapes only the control characters
    accepted = [u for u in UNPRINTABLE if u in written]
    assert not accepted, f"unprintable text was accepted: {accepted}"
    expected = printed_texts(data, model.Handout)
    # the loader keeps every text as written (whitespace runs aside)
    assert printed_texts(inputs.handout, model.Handout) == expected
    pdf = handout_folder / "generated.pdf"
    pdf.write_bytes(pdf_bytes)
    check = subprocess.run(["qpdf", "--check", str(pdf)], capture_output=True, text=True, check=False)
    assert check.returncode == 0, check.stdout + check.stderr
    shown = squashed(extracted_text(pdf))
    missing = {field: word for field, text in expected.items() for word in words(text) if word not in shown}
    assert not missing, f"words missing from the PDF's text: {missing}"


# --- bytes into the loader -----------------------------------------------------------------------

YAML_SEEDS = fuzz_targets.yaml_seeds()


@examples(4)
@given(data=fuzz_inputs(YAML_SEEDS))
def test_any_bytes_give_a_model_or_a_clear_error(data: bytes) -> None:
    """Mutated shipped handouts, layouts, booklets and manifests, and raw bytes, fed to
    validate_paths and load_inputs: a model, or psoaspdf's error with a message naming the file."""
    with fuzz_targets.time_limit(SECONDS_PER_INPUT):
        fuzz_targets.check_loader(data)


@examples(2)
@given(data=st.binary(max_size=2000))
def test_raw_bytes_give_a_model_or_a_clear_error(data: bytes) -> None:
    with fuzz_targets.time_limit(SECONDS_PER_INPUT):
        fuzz_targets.check_loader(data)


# --- the fuzz targets themselves ------------------------------------------------------------------


@pytest.mark.parametrize("name", ["loader", "images", "fonts", "patients"])
def test_fuzz_target_accepts_its_seeds(name: str) -> None:
    target = fuzz_targets.TARGETS[name]
    for seed in target.seeds():
        with fuzz_targets.time_limit(SECONDS_PER_INPUT):
            target.check(seed)


@pytest.mark.parametrize("name", ["loader", "images", "fonts", "patients", "render"])
def test_fuzz_target_runs_for_a_moment(
    name: str, capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The runner's hypothesis engine, for two seconds: the targets cannot rot unnoticed."""
    monkeypatch.setattr(fuzz_main, "CRASHES", tmp_path)  # reproducers of known bugs go here
    assert fuzz_main.main([name, "--seconds", "2", "--engine", "hypothesis", "--allow-known"]) == 0
    assert "nothing found" in capsys.readouterr().out


def test_fuzz_runner_saves_a_crash_and_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(data: bytes) -> None:
        if b"\n" in data:
            raise KeyError("a bug")

    target = dataclasses.replace(fuzz_targets.TARGETS["loader"], check=broken)
    monkeypatch.setitem(fuzz_targets.TARGETS, "loader", target)
    monkeypatch.setattr(fuzz_main, "TARGETS", fuzz_targets.TARGETS)
    monkeypatch.setattr(fuzz_main, "CRASHES", tmp_path)
    assert fuzz_main.main(["loader", "--seconds", "30", "--engine", "hypothesis"]) == 1
    saved = sorted(tmp_path.iterdir())
    assert saved, "no reproducer was saved"
    assert fuzz_main.main(["loader", "--replay", str(saved[0])]) == 1


@pytest.mark.skipif(
    importlib.util.find_spec("atheris") is None,
    reason="atheris is not installed (pip install -e '.[fuzz]'); the hypothesis engine is tested above",
)
def test_fuzz_runner_atheris_engine(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "fuzz",
            "images",
            "--seconds",
            "3",
            "--engine",
            "atheris",
            "--allow-known",
            "--workdir",
            str(tmp_path),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
