"""Every page of every shipped handout and of the example booklet, compared as pictures with goldens.

A layout change that moves a heading, a box or a figure fails here and leaves a diff picture
(red where the pages differ) in the test's temporary folder. After an intended change, refresh:

    PSOASPDF_UPDATE_GOLDENS=1 python -m pytest tests/test_golden_pages.py
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable
from pathlib import Path

import pypdfium2
import pytest
from conftest import BUNDLED_ID, GOLDEN, LIBRARY, render_bytes
from PIL import Image, ImageChops

from psoaspdf import api
from psoaspdf.booklet import build_booklet, load_booklet

PAGES = GOLDEN / "pages"
DPI = 20  # enough to see every block move, small enough to keep in the repository
UPDATE = bool(os.environ.get("PSOASPDF_UPDATE_GOLDENS"))
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


def refresh(name: str, pages: list[Image.Image], folder: Path) -> None:
    for old in folder.glob(f"{name}-[0-9][0-9].png"):
        old.unlink()
    for number, page in enumerate(pages, start=1):
        page.save(folder / f"{name}-{number:02d}.png", optimize=True)


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
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_pages_look_as_they_did(name: str, tmp_path: Path) -> None:
    pages = pictures(CASES[name]())
    if UPDATE:
        refresh(name, pages, PAGES)
    changes = changed_pages(name, pages, PAGES, tmp_path)
    assert not changes, "\n".join(changes)


def test_every_golden_belongs_to_a_case() -> None:
    names = {p.name.rsplit("-", 1)[0] for p in PAGES.glob("*.png")}
    assert names == set(CASES), "stale golden pictures: refresh with PSOASPDF_UPDATE_GOLDENS=1"


def test_a_moved_heading_fails_and_passes_after_a_refresh(tmp_path: Path) -> None:
    inputs = api.load_inputs(BUNDLED_ID)
    goldens = tmp_path / "goldens"
    goldens.mkdir()
    refresh("handout", pictures(api.render_handout(inputs)), goldens)
    # a slightly wider margin: every heading moves a few points
    page = dataclasses.replace(inputs.layout.page, margin_mm=inputs.layout.page.margin_mm + 2)
    moved = dataclasses.replace(inputs, layout=dataclasses.replace(inputs.layout, page=page))
    pages = pictures(api.render_handout(moved))
    changes = changed_pages("handout", pages, goldens, tmp_path)
    assert changes and "changed" in changes[0]
    diff = next(tmp_path.glob("handout-*-diff.png"))
    red = Image.open(diff).convert("RGB").getcolors(1 << 16) or []
    assert any(colour == (255, 0, 0) for _, colour in red)
    refresh("handout", pages, goldens)  # what PSOASPDF_UPDATE_GOLDENS=1 does
    assert changed_pages("handout", pages, goldens, tmp_path) == []
