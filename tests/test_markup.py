"""User text is data: markup prints as typed; no links, scripts or files get into the PDF."""

from __future__ import annotations

import io

import pypdf
import pytest
from conftest import (
    Rendered,
    WriteVariant,
    all_text,
    contains,
    image_xobjects,
    render_bytes,
    resolve,
    text_runs,
    visible,
)

from psoaspdf import model
from psoaspdf.render.inline import spans

LITERALS = [
    '<img src="/etc/passwd"/>',
    '<a href="javascript:alert(1)">x</a>',
    "<b>unclosed",
    "Fish &amp; chips",
    '<link href="file:///etc/passwd">y</link>',
    '<font name="Helvetica" size="4">tiny</font>',
    "<br/>not a break<para>",
    "<onDraw name=x/>",
    "<seq/> & <u>twice</u>",
    '<img src="https://example.org/x.png" width="500"/>',
    "Markup <b>is</b> text & stays text",
    "A <i>source</i>",
]


@pytest.mark.parametrize("literal", LITERALS)
def test_markup_like_text_prints_literally(literal: str, markup_pdf: Rendered) -> None:
    text = all_text(markup_pdf.reader)
    assert contains(text, literal), literal


@pytest.mark.parametrize(
    "key", [b"/URI", b"/JavaScript", b"/JS", b"/Launch", b"/Annots", b"/AcroForm", b"/OpenAction"]
)
def test_no_links_scripts_or_actions(key: bytes, markup_pdf: Rendered) -> None:
    # every dictionary is read, in the file or in an object stream
    data = visible(markup_pdf.data)
    assert b"/Type /Catalog" in data
    assert key not in data


def test_no_page_has_annotations(markup_pdf: Rendered) -> None:
    for page in markup_pdf.reader.pages:
        assert "/Annots" not in page
        assert "/AA" not in page


def test_no_images_beyond_the_illustrations(markup_pdf: Rendered, illustrated_pdf: Rendered) -> None:
    assert image_xobjects(markup_pdf.reader) == []
    # illustrated.yaml has one PNG (an image XObject) and one SVG (drawn as vector paths)
    images = image_xobjects(illustrated_pdf.reader)
    assert len(images) == 1
    assert (int(images[0]["/Width"]), int(images[0]["/Height"])) == (8, 6)


def test_bundled_handout_has_no_images_beyond_its_bitmap_illustrations(bundled_pdf: Rendered) -> None:
    illustrations = [e.illustration for e in bundled_pdf.inputs.handout.exercises if e.illustration]
    bitmaps = [i for i in illustrations if i.image and not i.image.lower().endswith(".svg")]
    assert len(image_xobjects(bundled_pdf.reader)) == len(bitmaps)


def test_double_asterisks_make_bold_and_disappear(markup_pdf: Rendered) -> None:
    text = all_text(markup_pdf.reader)
    assert "This is Stop now in bold." in text
    assert "**" not in text
    runs = [r for r in text_runs(markup_pdf.reader) if "Stop now" in r.text]
    assert runs, "the bold run was not found"
    assert all("Bold" in r.font for r in runs), [(r.text, r.font) for r in runs]


def test_emphasis_markers_need_closing_and_no_spaces_inside() -> None:
    assert list(spans("Keep **still** now")) == [("", "Keep "), ("b", "still"), ("", " now")]
    assert list(spans("a *b* c")) == [("", "a "), ("i", "b"), ("", " c")]
    assert list(spans("2 * 3 * 4")) == [("", "2 * 3 * 4")]
    assert list(spans("**unclosed")) == [("", "**unclosed")]


def test_bold_in_a_regular_paragraph_switches_font(write_variant: WriteVariant) -> None:
    path = write_variant({"Most people get better": "Most people get **much better**"})
    reader = pypdf.PdfReader(io.BytesIO(render_bytes(path)))
    runs = text_runs(reader)
    bold = [r for r in runs if "much better" in r.text]
    regular = [r for r in runs if r.text.startswith("Knee pain is common")]
    assert bold and all("Bold" in r.font for r in bold), bold
    assert regular and all("Regular" in r.font for r in regular), regular
    assert "**" not in all_text(reader)


def test_personal_details_are_text_too(write_variant: WriteVariant) -> None:
    path = write_variant({})
    personal = model.Personal(patient='<img src="/etc/passwd"/>', clinician="<b>Dr", date="&amp;")
    data = render_bytes(path, personal=personal)
    reader = pypdf.PdfReader(io.BytesIO(data))
    text = all_text(reader)
    for literal in ('<img src="/etc/passwd"/>', "<b>Dr", "&amp;"):
        assert contains(text, literal)
    assert image_xobjects(reader) == []
    assert resolve(reader.trailer["/Root"]).get("/AcroForm") is None


def test_parsed_markup_is_reused_only_for_the_same_style() -> None:
    """Parsing is reused by text and style; a style made with ReportLab's clone() copies every
    attribute of its parent (the reuse key too) and must still be parsed for its own size."""
    from reportlab.lib.styles import ParagraphStyle

    from psoaspdf.render.tags import tagged_paragraph

    base = ParagraphStyle("reuse-base", fontName="Helvetica", fontSize=10)
    first = tagged_paragraph("The same <b>words</b>", base, None)
    again = tagged_paragraph("The same <b>words</b>", base, None)
    bigger = tagged_paragraph("The same <b>words</b>", base.clone("reuse-bigger", fontSize=20), None)
    assert [f.fontSize for f in first.frags] == [f.fontSize for f in again.frags] == [10, 10]
    assert [f.fontName for f in again.frags] == ["Helvetica", "Helvetica-Bold"]
    assert [f.fontSize for f in bigger.frags] == [20, 20]
    assert again.frags[0] is not first.frags[0]  # each paragraph has its own fragments
