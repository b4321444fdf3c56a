"""Every page of the shipped handout and the example booklet, compared as pictures with goldens.

A layout change that moves a heading, a box or a figure fails here and leaves a diff picture
(red where the pages differ) in the test's temporary folder. After an intended change, refresh:

    PSOASPDF_UPDATE_GOLDENS=1 python -m pytest tests/test_golden_pages.py
"""

from __future__ import annotations

import os
from pathlib import Path

import pypdfium2
import pytest
from conftest import BUNDLED_ID, GOLDEN, REPO, render_bytes
from PIL import Image, ImageChops

from psoaspdf.booklet import build_booklet, load_booklet

PAGES = GOLDEN / "pages"
DPI = 20  # enough to see every block move, small enough to keep in the repository
UPDATE = bool(os.environ.get("PSOASPDF_UPDATE_GOLDENS"))
MEAN_TOLERANCE = 1.5  # average difference per pixel, of 255: anti-aliasing noise only
CHANGED_SHARE = 0.01  # at most 1 % of pixels may differ strongly


def pictures(data: bytes) -> list[Image.Image]:
    document = pypdfium2.PdfDocument(data)
    try:
        # greyscale: every block and line shows, and the goldens stay small
        return [document[i].render(scale=DPI / 72).to_pil().convert("L") for i in range(len(document))]
    finally:
        document.close()


CASES = {
    "handout": lambda: render_bytes(BUNDLED_ID),
    "booklet": lambda: build_booklet(load_booklet(REPO / "handouts" / "booklets" / "low-back-care.yaml")),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_pages_look_as_they_did(name: str, tmp_path: Path) -> None:
    pages = pictures(CASES[name]())
    if UPDATE:
        for old in PAGES.glob(f"{name}-*.png"):
            old.unlink()
        for number, page in enumerate(pages, start=1):
            page.save(PAGES / f"{name}-{number:02d}.png", optimize=True)
    goldens = sorted(PAGES.glob(f"{name}-*.png"))
    assert len(goldens) == len(pages), f"{name}: {len(pages)} pages now, {len(goldens)} golden pictures"
    for number, (page, golden_path) in enumerate(zip(pages, goldens, strict=True), start=1):
        golden = Image.open(golden_path).convert("L")
        assert golden.size == page.size, (name, number)
        diff = ImageChops.difference(page, golden)
        raw = diff.tobytes()
        mean = sum(raw) / len(raw)
        strong = sum(1 for i in range(0, len(raw), 3) if max(raw[i : i + 3]) > 64) / (len(raw) / 3)
        if mean > MEAN_TOLERANCE or strong > CHANGED_SHARE:
            marked = Image.blend(page, Image.new("RGB", page.size, "red"), 0.0)
            marked.paste(
                Image.new("RGB", page.size, "red"),
                mask=diff.convert("L").point(lambda v: 255 if v > 64 else 0),
            )
            out = tmp_path / f"{name}-{number:02d}-diff.png"
            marked.save(out)
            pytest.fail(f"{name} page {number} changed (mean {mean:.2f}, {strong:.1%} of pixels); see {out}")
