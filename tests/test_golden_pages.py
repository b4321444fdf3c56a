"""Every page of every shipped handout, of the example booklet and of the example program,
compared with goldens: as a picture, and as the text printed on it.

A layout change that moves a heading, a box or a figure fails the picture and leaves a diff
picture (red where the pages differ) in the test's temporary folder; a changed word or number
(a dose, a red flag) fails the text, which the low-resolution picture cannot see. After an
intended change, look at the pages, then refresh (the refreshing tests are reported as skipped):

    pytest --update-goldens tests/test_golden_pages.py
"""

from __future__ import annotations

import dataclasses
import difflib
import io
import re
from collections.abc import Callable
from pathlib import Path

import pypdf
import pypdfium2
import pytest
from conftest import BUNDLED_ID, DATA, GOLDEN, LIBRARY, refreshed, render_bytes, updating_goldens
from PIL import Image, ImageChops

from psoaspdf import api
from psoaspdf.booklet import build_booklet, load_booklet
from psoaspdf.program import load_program_inputs, render_program_bytes

PAGES = GOLDEN / "pages"
DPI = 20  # enough to see every block move, small enough to keep in the repository
MEAN_TOLERANCE = 1.5  # average difference per pixel, of 255: anti-aliasing noise only
CHANGED_SHARE = 0.01  # at most 1 % of pixels may differ strongly
STRONG = 64  # a pixel differs strongly when it is this much darker or lighter


def pictures(data: bytes) -> list[Image.Image]:
    document = pypdfium2.PdfDocument(data)
    try:
        # greyscale: every block and line shows, and the goldens stay small
        return [document[i].render(scale=DPI / 72).to_pil().convert("L") for i in range(len(document))]
    finally:
        document.close()


def difference(page: Image.Image, golden: Image.Image) -> tuple[float, float, Image.Image]:
    """Mean difference per pixel, the share of pixels that differ strongly, and a diff picture:
    the page with those pixels in red."""
    diff = ImageChops.difference(page, golden)
    histogram = diff.histogram()
    pixels = page.size[0] * page.size[1]
    mean = sum(value * count for value, count in enumerate(histogram)) / pixels
    strong = sum(histogram[STRONG + 1 :]) / pixels
    marked = page.convert("RGB")
    marked.paste((255, 0, 0), mask=diff.point(lambda v: 255 if v > STRONG else 0))
    return mean, strong, marked


def texts(data: bytes) -> list[str]:
    """The words on each page, line by line, spacing made uniform (extraction may space runs
    differently; words and numbers may not change)."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    pages = []
    for page in reader.pages:
        lines = (re.sub(r"\s+", " ", line).strip() for line in (page.extract_text() or "").splitlines())
        pages.append("\n".join(line for line in lines if line) + "\n")
    return pages


def refresh(name: str, pages: list[Image.Image], page_texts: list[str], folder: Path) -> list[Path]:
    for old in [*folder.glob(f"{name}-[0-9][0-9].png"), *folder.glob(f"{name}-[0-9][0-9].txt")]:
        old.unlink()
    written = []
    for number, (page, text) in enumerate(zip(pages, page_texts, strict=True), start=1):
        page.save(folder / f"{name}-{number:02d}.png", optimize=True)
        (folder / f"{name}-{number:02d}.txt").write_text(text, encoding="utf-8")
        written += [folder / f"{name}-{number:02d}.png", folder / f"{name}-{number:02d}.txt"]
    return written


def changed_texts(name: str, page_texts: list[str], folder: Path) -> list[str]:
    """Each page whose printed text differs from its golden text, with the lines that differ."""
    goldens = sorted(folder.glob(f"{name}-[0-9][0-9].txt"))
    if len(goldens) != len(page_texts):
        return [f"{name}: {len(page_texts)} pages now, {len(goldens)} golden texts"]
    changes = []
    for number, (text, golden_path) in enumerate(zip(page_texts, goldens, strict=True), start=1):
        golden = golden_path.read_text(encoding="utf-8")
        if text != golden:
            diff = difflib.unified_diff(
                golden.splitlines(), text.splitlines(), "golden", "now", lineterm="", n=0
            )
            changes.append(f"{name} page {number} text changed:\n" + "\n".join(list(diff)[2:]))
    return changes


def changed_pages(name: str, pages: list[Image.Image], folder: Path, out: Path) -> list[str]:
    """What differs from the goldens in ``folder``: one line per changed page (a diff picture of
    each is written to ``out``), or the page count."""
    goldens = sorted(folder.glob(f"{name}-[0-9][0-9].png"))
    if len(goldens) != len(pages):
        return [f"{name}: {len(pages)} pages now, {len(goldens)} golden pictures"]
    changes = []
    for number, (page, golden_path) in enumerate(zip(pages, goldens, strict=True), start=1):
        golden = Image.open(golden_path).convert("L")
        if golden.size != page.size:
            changes.append(f"{name} page {number}: size {page.size}, golden {golden.size}")
            continue
        mean, strong, marked = difference(page, golden)
        if mean > MEAN_TOLERANCE or strong > CHANGED_SHARE:
            picture = out / f"{name}-{number:02d}-diff.png"
            marked.save(picture)
            changes.append(
                f"{name} page {number} changed (mean {mean:.2f}, {strong:.1%} of pixels); see {picture}"
            )
    return changes


SHIPPED = sorted(p.stem for p in (LIBRARY / "handouts").glob("*.yaml"))
CASES: dict[str, Callable[[], bytes]] = {
    **{f"handout-{h}": (lambda h=h: render_bytes(h)) for h in SHIPPED},
    "booklet": lambda: build_booklet(load_booklet(LIBRARY / "booklets" / "low-back-care.yaml")),
    "program": lambda: render_program_bytes(load_program_inputs(["back-core-four"])),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_pages_look_and_read_as_they_did(name: str, tmp_path: Path) -> None:
    data = CASES[name]()
    pages, page_texts = pictures(data), texts(data)
    if updating_goldens():
        refreshed(*refresh(name, pages, page_texts, PAGES))
    changes = changed_texts(name, page_texts, PAGES) + changed_pages(name, pages, PAGES, tmp_path)
    assert not changes, "\n".join(changes)


def test_every_golden_belongs_to_a_case() -> None:
    for suffix in ("png", "txt"):
        names = {p.name.rsplit("-", 1)[0] for p in PAGES.glob(f"*.{suffix}")}
        assert names == set(CASES), f"stale golden {suffix} files: refresh with pytest --update-goldens"


def test_a_moved_heading_fails_and_passes_after_a_refresh(tmp_path: Path) -> None:
    inputs = api.load_inputs(str(DATA / "minimal.yaml"))  # short: a wider margin adds no page
    goldens = tmp_path / "goldens"
    goldens.mkdir()
    data = api.render_handout(inputs)
    refresh("handout", pictures(data), texts(data), goldens)
    # a slightly wider margin: every heading moves a few points
    page = dataclasses.replace(inputs.layout.page, margin_mm=inputs.layout.page.margin_mm + 2)
    moved = dataclasses.replace(inputs, layout=dataclasses.replace(inputs.layout, page=page))
    pages = pictures(api.render_handout(moved))
    changes = changed_pages("handout", pages, goldens, tmp_path)
    assert changes and "changed" in changes[0]
    diff = next(tmp_path.glob("handout-*-diff.png"))
    red = Image.open(diff).convert("RGB").getcolors(1 << 16) or []
    assert any(colour == (255, 0, 0) for _, colour in red)
    refresh("handout", pages, texts(api.render_handout(moved)), goldens)  # what --update-goldens does
    assert changed_pages("handout", pages, goldens, tmp_path) == []


def _edited(tmp_path: Path, old: str, new: str) -> bytes:
    """The shipped handout rendered after one small edit of its YAML."""
    source = (LIBRARY / "handouts" / f"{BUNDLED_ID}.yaml").read_text(encoding="utf-8")
    assert source.count(old) >= 1, f"{old!r} is not in the shipped handout any more"
    copy = tmp_path / f"{BUNDLED_ID}.yaml"
    copy.write_text(source.replace(old, new, 1), encoding="utf-8")
    return render_bytes(copy)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("reps: 3", "reps: 8"),  # a dose number: the pictures at 20 dpi cannot see it
        ("control", "contrel"),  # one word of a red flag
        ("Tuck your tailbone under", "Tuck your tailbone in"),  # one word of a step
    ],
)
def test_a_changed_word_or_number_on_a_page_fails(old: str, new: str, tmp_path: Path) -> None:
    data = render_bytes(BUNDLED_ID)
    goldens = tmp_path / "goldens"
    goldens.mkdir()
    refresh("handout", pictures(data), texts(data), goldens)
    assert changed_texts("handout", texts(data), goldens) == []
    changes = changed_texts("handout", texts(_edited(tmp_path, old, new)), goldens)
    assert changes, f"{old!r} -> {new!r} was not noticed"
    assert any(new.split()[-1] in change or new in change for change in changes), changes
