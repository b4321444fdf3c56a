"""Imposition: pages land on the right sheet side, in the right slot, at the right size.

The fixtures are small PDFs drawn here with ReportLab, each page showing its number in large
type, so that a sheet side can be read back as "left number | right number".
"""

from __future__ import annotations

import io
import re
import subprocess
from pathlib import Path

import pypdf
import pypdfium2 as pdfium
import pytest
from conftest import fonts_of, needs_tool, pdffonts, resolve, text_runs, visible
from PIL import Image, ImageChops, ImageStat
from reportlab.lib.pagesizes import A4, A5, letter
from reportlab.pdfgen.canvas import Canvas

from psoaspdf.impose import Mode, impose, side_order

LETTER_W, LETTER_H = letter
NUMBER_SIZE = 120
TITLE = "Imposition fixture"

Size = tuple[float, float]


# --- fixtures drawn here --------------------------------------------------------------------


def numbered_pdf(
    count: int,
    sizes: dict[int, Size] | None = None,
    *,
    text: bool = True,
    outline: bool = False,
    links: bool = False,
) -> bytes:
    """``count`` pages, letter unless ``sizes`` says otherwise (1-based), each with its number.

    Every page has a frame 5 pt inside its edges, so that a picture shows where the page went.
    ``text=False`` draws the frame only; ``outline`` adds bookmarks and page labels; ``links`` adds
    a web link and a link to the last page.
    """
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=letter, invariant=1, lang="en-GB")
    canvas.setTitle(TITLE)
    canvas.setAuthor("Riverbend Physical Therapy")
    canvas.setSubject("numbered pages")
    canvas.setViewerPreference("DisplayDocTitle", "true")
    for number in range(1, count + 1):
        width, height = (sizes or {}).get(number, letter)
        canvas.setPageSize((width, height))
        canvas.setLineWidth(2)
        canvas.rect(5, 5, width - 10, height - 10)
        if text:
            canvas.setFont("Helvetica-Bold", NUMBER_SIZE)
            canvas.drawCentredString(width / 2, height / 2, str(number))
        if outline:
            canvas.bookmarkPage(f"p{number}")
            canvas.addOutlineEntry(f"Page {number}", f"p{number}")
            canvas.addPageLabel(number - 1, style="D", prefix="H-")
        if links:
            canvas.linkURL("https://example.org/", (20, 20, 120, 60))
            canvas.linkAbsolute("last", f"p{count}", (20, 80, 120, 120))
        canvas.showPage()
    return canvas.getpdfdata()


def unusual_boxes_pdf() -> bytes:
    """Letter-sized pages as a viewer shows them, stored three ways.

    1: plain. 2: a landscape media box turned upright by ``/Rotate 90``, its content drawn
    sideways so that it reads upright. 3: a larger media box cropped to letter, with a black
    band outside the crop box that must not show.
    """
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=letter, invariant=1)

    def marker(number: int) -> None:
        # asymmetric, so a page turned or mirrored would not look the same
        canvas.setLineWidth(2)
        canvas.rect(5, 5, LETTER_W - 10, LETTER_H - 10)
        canvas.rect(40, LETTER_H - 140, 100, 100, fill=1)
        canvas.setFont("Helvetica-Bold", NUMBER_SIZE)
        canvas.drawCentredString(LETTER_W / 2, LETTER_H / 2, str(number))

    marker(1)
    canvas.showPage()

    # ReportLab takes the size as shown and stores a landscape media box (792 x 612)
    canvas.setPageRotation(90)
    # /Rotate 90 turns the page clockwise on screen: draw it turned anticlockwise
    canvas.translate(LETTER_H, 0)
    canvas.rotate(90)
    marker(2)
    canvas.showPage()

    canvas.setPageRotation(0)
    canvas.setPageSize((LETTER_W + 100, LETTER_H + 100))
    canvas.setCropBox((50, 50, 50 + LETTER_W, 50 + LETTER_H))
    canvas.rect(0, 0, 50, LETTER_H + 100, fill=1)  # outside the crop box, either side
    canvas.rect(LETTER_W + 50, 0, 50, LETTER_H + 100, fill=1)
    canvas.translate(50, 50)
    marker(3)
    canvas.showPage()
    return canvas.getpdfdata()


def blank_pdf(count: int) -> bytes:
    """Pages with nothing on them, not even the font ReportLab names on every page it makes."""
    writer = pypdf.PdfWriter()
    for _ in range(count):
        writer.add_blank_page(LETTER_W, LETTER_H)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def no_pages_pdf() -> bytes:
    out = io.BytesIO()
    pypdf.PdfWriter().write(out)
    return out.getvalue()


# --- reading sheets back --------------------------------------------------------------------


def reader_of(data: bytes) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(data))


def sides_of(data: bytes) -> list[tuple[int | None, int | None]]:
    """Each output page as (left number, right number), ``None`` for a slot without one."""
    reader = reader_of(data)
    sides: list[list[int | None]] = [[None, None] for _ in reader.pages]
    for run in text_runs(reader):
        centre = float(reader.pages[run.page - 1].mediabox.width) / 2
        slot = 0 if run.x < centre else 1
        assert sides[run.page - 1][slot] is None, f"two numbers in one slot on side {run.page}"
        sides[run.page - 1][slot] = int(run.text)
    return [(left, right) for left, right in sides]


def sizes_of(data: bytes) -> list[Size]:
    return [(float(page.mediabox.width), float(page.mediabox.height)) for page in reader_of(data).pages]


def picture(data: bytes, index: int, scale: float = 1) -> Image.Image:
    return pdfium.PdfDocument(data)[index].render(scale=scale).to_pil().convert("L")


def difference(first: Image.Image, second: Image.Image) -> float:
    """Mean absolute difference of two greyscale pictures, 0 (same) to 255."""
    assert first.size == second.size
    return float(ImageStat.Stat(ImageChops.difference(first, second)).mean[0])


def ink_box(image: Image.Image) -> tuple[int, int, int, int] | None:
    """The bounding box of everything darker than near-white."""
    return image.point(lambda value: 255 if value < 200 else 0).getbbox()


# --- page order -----------------------------------------------------------------------------


def test_ten_page_booklet_is_three_sheets_in_signature_order() -> None:
    imposed = impose(numbered_pdf(10), "saddle-stitch")
    # 12 pages after padding; sheet 1 front, sheet 1 back, sheet 2 front, …
    assert sides_of(imposed) == [(None, 1), (2, None), (10, 3), (4, 9), (8, 5), (6, 7)]
    assert sizes_of(imposed) == [(2 * LETTER_W, LETTER_H)] * 6


@pytest.mark.parametrize("count", range(1, 18))
def test_every_booklet_side_faces_its_partner_across_the_fold(count: int) -> None:
    padded = -(-count // 4) * 4
    full = side_order(padded, "saddle-stitch")
    assert len(full) == padded // 2
    assert sorted(index for side in full for index in side) == list(range(padded))
    # across the fold, 0-based page numbers add up to the last page's; 1 is the cover's right
    assert all(left + right == padded - 1 for left, right in full)  # type: ignore[operator]
    assert full[0][1] == 0 and full[1][0] == 1
    # a shorter booklet is the padded one with blanks for the missing last pages
    blanked = tuple(tuple(i if i < count else None for i in side) for side in full)  # type: ignore[operator]
    assert side_order(count, "saddle-stitch") == blanked


def test_two_up_is_reading_order_with_a_blank_at_the_end() -> None:
    imposed = impose(numbered_pdf(3), "2-up")
    assert sides_of(imposed) == [(1, 2), (3, None)]
    assert sizes_of(imposed) == [(2 * LETTER_W, LETTER_H)] * 2
    assert sides_of(impose(numbered_pdf(4), "2-up")) == [(1, 2), (3, 4)]


def test_one_page_is_enough() -> None:
    assert sides_of(impose(numbered_pdf(1), "saddle-stitch")) == [(None, 1), (None, None)]
    assert sides_of(impose(numbered_pdf(1), "2-up")) == [(1, None)]


def test_padding_slots_are_blank() -> None:
    imposed = impose(numbered_pdf(10), "saddle-stitch")
    first = picture(imposed, 0)  # (blank | 1)
    half = first.width // 2
    assert ink_box(first.crop((0, 0, half, first.height))) is None
    assert ink_box(first.crop((half, 0, first.width, first.height))) is not None


# --- placement ------------------------------------------------------------------------------


def test_each_slot_shows_its_page_as_a_viewer_would() -> None:
    source = numbered_pdf(4)
    imposed = impose(source, "2-up")
    for side, (left, right) in enumerate([(0, 1), (2, 3)]):
        sheet = picture(imposed, side)
        half = sheet.width // 2
        assert difference(sheet.crop((0, 0, half, sheet.height)), picture(source, left)) < 0.5
        assert difference(sheet.crop((half, 0, sheet.width, sheet.height)), picture(source, right)) < 0.5


def test_rotated_and_cropped_pages_are_placed_as_shown() -> None:
    source = unusual_boxes_pdf()
    reader = reader_of(source)
    assert reader.pages[1].rotation == 90
    assert reader.pages[1].mediabox.width > reader.pages[1].mediabox.height
    assert reader.pages[2].cropbox != reader.pages[2].mediabox
    imposed = impose(source, "2-up")
    assert sizes_of(imposed) == [(2 * LETTER_W, LETTER_H)] * 2
    assert sides_of(imposed) == [(1, 2), (3, None)]
    for side, slot, page in [(0, 0, 0), (0, 1, 1), (1, 0, 2)]:
        sheet = picture(imposed, side)
        half = sheet.width // 2
        shown = sheet.crop((slot * half, 0, (slot + 1) * half, sheet.height))
        assert difference(shown, picture(source, page)) < 0.5, f"page {page + 1}"
    # nothing outside page 3's crop box spills into the slot beside it
    sheet = picture(imposed, 1)
    assert ink_box(sheet.crop((sheet.width // 2, 0, sheet.width, sheet.height))) is None


def test_a_larger_page_is_scaled_down_and_centred() -> None:
    imposed = impose(numbered_pdf(4, {3: A4}), "2-up")
    assert sizes_of(imposed) == [(2 * LETTER_W, LETTER_H)] * 2
    assert sides_of(imposed) == [(1, 2), (3, 4)]
    scale = min(LETTER_W / A4[0], LETTER_H / A4[1])
    sizes = {run.text: run.size for run in text_runs(reader_of(imposed))}
    assert sizes["3"] == pytest.approx(NUMBER_SIZE * scale, rel=1e-3)
    assert sizes["4"] == pytest.approx(NUMBER_SIZE)

    sheet = picture(imposed, 1)
    half = sheet.width // 2
    frame = ink_box(sheet.crop((0, 0, half, sheet.height)))
    assert frame is not None
    left, top, right, bottom = frame
    # A4 is taller than letter: it fills the height and leaves equal margins at the sides
    assert top <= 6 and sheet.height - bottom <= 6
    assert left > 20 and abs(left - (half - right)) <= 1


def test_a_smaller_page_is_centred_at_its_own_size() -> None:
    imposed = impose(numbered_pdf(2, {2: A5}), "2-up")
    sizes = {run.text: run.size for run in text_runs(reader_of(imposed))}
    assert sizes["2"] == pytest.approx(NUMBER_SIZE)
    sheet = picture(imposed, 0)
    half = sheet.width // 2
    frame = ink_box(sheet.crop((half, 0, sheet.width, sheet.height)))
    assert frame is not None
    left, top, right, bottom = frame
    assert abs(left - (half - right)) <= 1
    assert abs(top - (sheet.height - bottom)) <= 1
    assert right - left == pytest.approx(A5[0] - 10, abs=3)


# --- marks ----------------------------------------------------------------------------------


def test_marks_are_drawn_over_the_sheet_without_fonts() -> None:
    source = blank_pdf(4)
    plain = impose(source, "saddle-stitch")
    marked = impose(source, "saddle-stitch", marks=True)
    assert fonts_of(reader_of(marked)) == []
    for page in reader_of(marked).pages:
        resources = resolve(page["/Resources"])
        assert "/Font" not in resources or not resolve(resources["/Font"])
        content = page.get_contents()
        assert content is not None
        operators = [operator for _, operator in content.operations]
        assert b"BT" not in operators
        assert b"d" in operators  # the dashed fold line
    assert len(reader_of(marked).pages) == len(reader_of(plain).pages)


def test_marks_show_at_the_corners_and_the_fold() -> None:
    source = numbered_pdf(4, text=False)
    plain = picture(impose(source, "saddle-stitch"), 0, scale=2)
    marked = picture(impose(source, "saddle-stitch", marks=True), 0, scale=2)
    width, height = marked.size
    # the sheet's corners and the top and bottom of the fold, outside the pages' own frames
    corners = [(0, 0), (width - 1, 0), (0, height - 1), (width - 1, height - 1)]
    arms = [(abs(x - 8), y) for x, y in corners] + [(x, abs(y - 8)) for x, y in corners]
    for x, y in arms:
        assert plain.getpixel((x, y)) == 255
        assert 100 < marked.getpixel((x, y)) < 255, f"no light mark at {(x, y)}"
    for y in (4, height - 5):
        assert plain.getpixel((width // 2, y)) == 255
        assert marked.getpixel((width // 2, y)) < 255
    # the fold is dashed: along the centre line some pixels are marked and some are not
    column = [marked.getpixel((width // 2, y)) for y in range(height // 4, 3 * height // 4)]
    assert min(column) < 255 and max(column) == 255


def test_marks_keep_the_page_numbers_readable() -> None:
    source = numbered_pdf(10)
    plain = impose(source, "saddle-stitch")
    marked = impose(source, "saddle-stitch", marks=True)
    assert sides_of(marked) == sides_of(plain)
    fonts = sorted(str(resolve(font)["/BaseFont"]) for font in fonts_of(reader_of(marked)))
    assert fonts == sorted(str(resolve(font)["/BaseFont"]) for font in fonts_of(reader_of(plain)))


@needs_tool("pdffonts")
def test_pdffonts_finds_no_font_in_marks(tmp_path: Path) -> None:
    path = tmp_path / "marks.pdf"
    path.write_bytes(impose(blank_pdf(3), "2-up", marks=True))
    assert pdffonts(path) == []


# --- the document around the sheets ---------------------------------------------------------


def test_document_information_and_language_are_kept() -> None:
    reader = reader_of(impose(numbered_pdf(4), "saddle-stitch"))
    meta = reader.metadata
    assert meta is not None
    assert meta["/Title"] == TITLE
    assert meta["/Author"] == "Riverbend Physical Therapy"
    assert meta["/Subject"] == "numbered pages"
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en-GB"
    preferences = resolve(root["/ViewerPreferences"])
    assert preferences["/DisplayDocTitle"] in (True, 1)
    assert preferences["/Duplex"] == "/DuplexFlipShortEdge"


def test_two_up_asks_for_no_duplex() -> None:
    root = reader_of(impose(numbered_pdf(4), "2-up")).trailer["/Root"]
    assert "/Duplex" not in resolve(root["/ViewerPreferences"])


def test_outline_and_page_labels_are_dropped() -> None:
    source = numbered_pdf(4, outline=True)
    assert reader_of(source).outline
    assert reader_of(source).page_labels[0] == "H-1"
    reader = reader_of(impose(source, "saddle-stitch"))
    root = reader.trailer["/Root"]
    assert "/Outlines" not in root
    assert "/PageLabels" not in root
    assert "/PageMode" not in root
    assert reader.page_labels == ["1", "2"]  # pypdf's default: physical numbers


def test_links_are_dropped() -> None:
    source = numbered_pdf(4, links=True, outline=True)
    assert all("/Annots" in page for page in reader_of(source).pages)
    reader = reader_of(impose(source, "2-up"))
    assert all("/Annots" not in page for page in reader.pages)


def test_no_old_page_comes_along() -> None:
    # a link's destination names its page object: merging the link would copy that page too
    imposed = impose(numbered_pdf(4, links=True, outline=True), "2-up")
    every = visible(imposed)  # packed dictionaries too
    assert len(re.findall(rb"/Type\s*/Page\b(?!s)", every)) == len(reader_of(imposed).pages) == 2


@pytest.mark.parametrize("mode", ["saddle-stitch", "2-up"])
@pytest.mark.parametrize("marks", [False, True])
def test_same_input_gives_the_same_bytes(mode: Mode, marks: bool) -> None:
    source = numbered_pdf(6, {2: A4})
    assert impose(source, mode, marks=marks) == impose(source, mode, marks=marks)


def test_different_outputs_have_different_identifiers() -> None:
    source = numbered_pdf(4)
    readers = [reader_of(impose(source, mode)) for mode in ("saddle-stitch", "2-up")]
    ids = {getattr(first, "original_bytes", first) for first, _ in (r.trailer["/ID"] for r in readers)}
    assert len(ids) == 2


@needs_tool("qpdf")
@pytest.mark.parametrize(
    "source", [numbered_pdf(10, {3: A4}), unusual_boxes_pdf(), numbered_pdf(4, links=True, outline=True)]
)
@pytest.mark.parametrize("mode", ["saddle-stitch", "2-up"])
def test_qpdf_finds_no_problem(tmp_path: Path, source: bytes, mode: Mode) -> None:
    path = tmp_path / "imposed.pdf"
    path.write_bytes(impose(source, mode, marks=True))
    result = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


# --- refusals -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [(no_pages_pdf(), "cannot impose a PDF with no pages"), (b"", "cannot impose an empty PDF")],
    ids=["no pages", "no bytes"],
)
@pytest.mark.parametrize("mode", ["saddle-stitch", "2-up"])
def test_an_empty_pdf_is_refused(data: bytes, message: str, mode: Mode) -> None:
    with pytest.raises(ValueError, match=message):
        impose(data, mode)


def test_an_unknown_mode_is_refused() -> None:
    with pytest.raises(ValueError, match=r"'booklet'.*saddle-stitch, 2-up"):
        impose(numbered_pdf(2), "booklet")  # type: ignore[arg-type]
