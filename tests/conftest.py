"""Shared fixtures: paths, the CLI runner, PDFs rendered once per session, PDF readers."""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pypdf
import pytest
from click.testing import CliRunner

from psoaspdf import api, model
from psoaspdf.library import bundled_root
from psoaspdf.render.inline import spans

TESTS = Path(__file__).resolve().parent
DATA = TESTS / "data"
ERRORS = DATA / "errors"
GOLDEN = TESTS / "golden"
REPO = TESTS.parent  # the checkout: docs, examples, tools (never the package: that is installed)
LIBRARY = bundled_root()  # the built-in library of the installed package

# the developer tools (tools/) and fuzz targets (fuzz/) are imported from the checkout; appended,
# so nothing in it can stand in front of the installed package
if str(REPO) not in sys.path:
    sys.path.append(str(REPO))

BUNDLED_ID = "iliopsoas-back-pain"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-goldens",
        action="store_true",
        default=False,
        help="rewrite the golden files (messages, page pictures and page texts) from this run, after"
        " an intended change; every test that refreshes one is reported as skipped, never passed",
    )


_GOLDENS = {"update": False}


def updating_goldens() -> bool:
    """Whether this run was asked to rewrite the golden files (pytest --update-goldens)."""
    return _GOLDENS["update"]


def refreshed(*paths: Path) -> None:
    """End a test that has just rewritten its goldens: skipped, so a refresh never passes itself."""
    names = ", ".join(str(p.relative_to(TESTS)) for p in paths[:2]) + (
        f" and {len(paths) - 2} more" if len(paths) > 2 else ""
    )
    pytest.skip(f"refreshed {names}; check the change with git diff")


def golden_text(path: Path, text: str) -> None:
    """``text`` must equal the golden file; with --update-goldens it is written, and the test skipped."""
    if updating_goldens():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        refreshed(path)
    assert path.is_file(), (
        f"no golden {path.relative_to(TESTS)}: check the output, then run pytest --update-goldens"
    )
    assert text == path.read_text(encoding="utf-8")


def pytest_configure(config: pytest.Config) -> None:
    _GOLDENS["update"] = bool(config.getoption("--update-goldens"))
    # Hypothesis keeps caches in ./.hypothesis; the tests must not write into the repository
    if not os.environ.get("HYPOTHESIS_STORAGE_DIRECTORY"):
        from hypothesis.configuration import set_hypothesis_home_dir

        set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "psoaspdf-tests-hypothesis")


def hang_guard(seconds: float = 120.0) -> contextlib.AbstractContextManager[None]:
    """Fail instead of hanging for ever where the bug under test is a hang (a blocking open of a
    planted pipe): the fuzz runner's time limit. Not a speed check: the bound is far above any
    normal run (main thread, POSIX)."""
    from fuzz.targets import time_limit

    return time_limit(seconds)


def short_png(rows: int = 10, size: int = 100) -> bytes:
    """A PNG whose header promises size x size pixels and whose (valid) data holds ``rows`` rows."""
    import struct
    import zlib

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    pixels = b"".join(b"\x00" + b"\x20\x40\x60" * size for _ in range(rows))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(pixels))
        + chunk(b"IEND", b"")
    )


def needs_tool(name: str) -> pytest.MarkDecorator:
    """Skip a test, saying why, when an external PDF reader is not installed."""
    return pytest.mark.skipif(
        shutil.which(name) is None,
        reason=f"{name} is not installed (Debian: apt-get install qpdf poppler-utils)",
    )


# --- rendering ------------------------------------------------------------------------------


def render_bytes(
    handout: str | Path,
    layout: str | Path | None = None,
    paper: api.Paper | None = None,
    personal: model.Personal | None = None,
) -> bytes:
    """Load and render in-process, as the CLI does, and return the PDF bytes."""
    inputs = api.load_inputs(str(handout), str(layout) if layout else None, paper)
    return api.render_handout(inputs, personal)


def visible(data: bytes) -> bytes:
    """The file's bytes, then the decoded content of each of its object streams (read by pypdf):
    a key, name or string in a packed dictionary is then as plain as in a file written object by
    object. Page content stays compressed, as it is in the file."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    streams = sorted({stream for stream, _ in reader.xref_objStm.values()})
    assert not streams or b"/ObjStm" in data
    return data + b"".join(reader.get_object(n).get_data() for n in streams)


@dataclass(frozen=True)
class Rendered:
    """A PDF rendered once, with the inputs it came from."""

    data: bytes
    inputs: api.Inputs

    @property
    def reader(self) -> pypdf.PdfReader:
        return pypdf.PdfReader(io.BytesIO(self.data))

    def write(self, folder: Path, name: str = "out.pdf") -> Path:
        path = folder / name
        path.write_bytes(self.data)
        return path


def _rendered(handout: str | Path, layout: str | None = None, **kwargs: Any) -> Rendered:
    inputs = api.load_inputs(str(handout), layout)
    return Rendered(render_bytes(handout, layout, **kwargs), inputs)


PATIENT = "Quintero Vasquez"


@pytest.fixture(scope="session")
def bundled_pdf() -> Rendered:
    """The bundled iliopsoas handout with the built-in layout, rendered once."""
    return _rendered(BUNDLED_ID)


@pytest.fixture(scope="session")
def riverbend_pdf() -> Rendered:
    """The bundled handout in the bundled Riverbend layout, rendered once."""
    return _rendered(BUNDLED_ID, "riverbend")


@pytest.fixture(scope="session")
def patient_pdf() -> Rendered:
    """The bundled handout with a patient's name, clinician and date filled in."""
    personal = model.Personal(patient=PATIENT, clinician="J. Park, PT", date="3 March 2026")
    return _rendered(BUNDLED_ID, "riverbend", personal=personal)


@pytest.fixture(scope="session")
def minimal_pdf() -> Rendered:
    return _rendered(DATA / "minimal.yaml")


@pytest.fixture(scope="session")
def illustrated_pdf() -> Rendered:
    return _rendered(DATA / "illustrated.yaml")


@pytest.fixture(scope="session")
def markup_pdf() -> Rendered:
    return _rendered(DATA / "markup.yaml")


@pytest.fixture(scope="session")
def symbols_pdf() -> Rendered:
    return _rendered(DATA / "symbols.yaml")


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


WriteVariant = Callable[..., Path]


@pytest.fixture
def write_variant(tmp_path: Path) -> WriteVariant:
    """Copy tests/data/minimal.yaml into tmp_path with text replacements; return the copy."""

    def variant(
        replacements: dict[str, str], name: str = "variant.yaml", source: Path = DATA / "minimal.yaml"
    ) -> Path:
        text = source.read_text(encoding="utf-8")
        for old, new in replacements.items():
            assert old in text, f"{old!r} is not in {source.name}; the fixture changed"
            text = text.replace(old, new, 1)
        target = tmp_path / name
        target.write_text(text, encoding="utf-8")
        return target

    return variant


# --- reading PDFs back -----------------------------------------------------------------------


def page_texts(reader: pypdf.PdfReader) -> list[str]:
    return [page.extract_text() or "" for page in reader.pages]


def squash(text: str) -> str:
    """Text compared without line breaks, spacing or hyphens, which layout may move or add."""
    return re.sub(r"[\s\-\u00ad\u2010]+", "", text)


def plain(text: str) -> str:
    """Handout text as printed: our **bold** and *italic* markers removed."""
    return "".join(run for _, run in spans(text))


def all_text(reader: pypdf.PdfReader) -> str:
    return "\n".join(page_texts(reader))


def contains(haystack: str, needle: str) -> bool:
    return squash(plain(needle)) in squash(haystack)


def resolve(obj: Any) -> Any:
    return obj.get_object() if hasattr(obj, "get_object") else obj


def walk_resources(reader: pypdf.PdfReader) -> Iterator[tuple[str, Any]]:
    """(kind, object) for every font and XObject on every page, descending into form XObjects."""
    seen: set[int] = set()

    def visit(resources: Any) -> Iterator[tuple[str, Any]]:
        resources = resolve(resources)
        if not resources:
            return
        for font in resolve(resources.get("/Font", {})).values():
            yield "font", resolve(font)
        for _, ref in resolve(resources.get("/XObject", {})).items():
            xobject = resolve(ref)
            if id(xobject) in seen:
                continue
            seen.add(id(xobject))
            yield "xobject", xobject
            if xobject.get("/Subtype") == "/Form" and "/Resources" in xobject:
                yield from visit(xobject["/Resources"])

    for page in reader.pages:
        yield from visit(page.get("/Resources"))


def fonts_of(reader: pypdf.PdfReader) -> list[Any]:
    return [font for kind, font in walk_resources(reader) if kind == "font"]


def image_xobjects(reader: pypdf.PdfReader) -> list[Any]:
    return [x for kind, x in walk_resources(reader) if kind == "xobject" and x.get("/Subtype") == "/Image"]


def pdffonts(path: Path) -> list[dict[str, str]]:
    """pdffonts' table as dicts: name, emb (yes/no)."""
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    rows = []
    for line in out.splitlines()[2:]:
        if not line.strip():
            continue
        tokens = line.split()
        # name type... encoding emb sub uni object ID: count from the right, the type has spaces
        rows.append({"name": tokens[0], "emb": tokens[-5], "sub": tokens[-4], "uni": tokens[-3]})
    return rows


@dataclass(frozen=True)
class TextRun:
    text: str
    x: float
    y: float
    size: float
    font: str
    page: int


def text_runs(reader: pypdf.PdfReader) -> list[TextRun]:
    """Every shown string with its position and effective size (font size x text matrix x CTM)."""
    runs: list[TextRun] = []
    for number, page in enumerate(reader.pages, start=1):

        def visit(
            text: str, cm: list[float], tm: list[float], font: Any, size: float, number: int = number
        ) -> None:
            if not text.strip():
                return
            # the text matrix is applied first, then the page's current transformation matrix
            a = tm[0] * cm[0] + tm[1] * cm[2]
            b = tm[0] * cm[1] + tm[1] * cm[3]
            c = tm[2] * cm[0] + tm[3] * cm[2]
            d = tm[2] * cm[1] + tm[3] * cm[3]
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            scale = abs(a * d - b * c) ** 0.5
            name = str(resolve(font).get("/BaseFont", "?")) if font else "?"
            runs.append(TextRun(text.strip(), x, y, size * scale, name, number))

        page.extract_text(visitor_text=visit)
    return runs
