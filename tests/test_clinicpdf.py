"""Clinics' own PDFs: refused clearly when unusable, read within fixed limits, stripped of anything
that can act, and placed undistorted into booklet pages. Every fixture is built in tmp_path."""

from __future__ import annotations

import functools
import io
import re
import subprocess
import tracemalloc
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pypdf
import pypdfium2 as pdfium
import pytest
from conftest import LIBRARY, needs_tool, visible
from PIL import Image, ImageChops
from pypdf.actions import JavaScript, PageTrigger
from pypdf.annotations import Link
from pypdf.constants import PageLabelStyle
from pypdf.generic import (
    ArrayObject,
    Destination,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    NullObject,
    NumberObject,
    PdfObject,
    RectangleObject,
    TextStringObject,
)
from reportlab.lib.pagesizes import A4, letter
from reportlab.pdfgen.canvas import Canvas

from psoaspdf import clinicpdf
from psoaspdf.clinicpdf import BadClinicPdf, load_clinic_pdf, place_pages, strip_active_content

WELCOME = LIBRARY / "forms" / "riverbend-welcome.pdf"
LETTER_AREA = (36.0, 36.0, 576.0, 756.0)  # letter with half-inch margins
RED, BLUE, GREEN = (255, 0, 0), (0, 0, 255), (0, 160, 0)

# --- building fixtures -------------------------------------------------------------------------

Draw = Callable[[Canvas, float, float], None]


def marked(canvas: Canvas, width: float, height: float) -> None:
    """A red page with a blue square in its top-left corner and a line of text near the bottom."""
    canvas.setFillColorRGB(1, 0, 0)
    canvas.rect(0, 0, width, height, stroke=0, fill=1)
    canvas.setFillColorRGB(0, 0, 1)
    canvas.rect(0, height - 40, 40, 40, stroke=0, fill=1)
    canvas.setFillColorRGB(0, 0, 0)
    canvas.setFont("Courier", 12)
    canvas.drawString(72, 72, "Hello clinic")


def reportlab_pdf(*sizes: tuple[float, float], draw: Draw = marked, title: str | None = None) -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, invariant=1)
    if title:
        canvas.setTitle(title)
    for width, height in sizes:
        canvas.setPageSize((width, height))
        draw(canvas, width, height)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def edited(data: bytes, edit: Callable[[pypdf.PdfWriter], None]) -> bytes:
    """The PDF after ``edit`` changed it with pypdf."""
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(data)))
    edit(writer)
    return written(writer)


def rotated(degrees: int) -> Callable[[pypdf.PdfWriter], None]:
    def rotate(writer: pypdf.PdfWriter) -> None:
        writer.pages[0].rotate(degrees)

    return rotate


def entry(obj: Any, *keys: str) -> Any:
    """A nested dictionary entry, following indirect references (pypdf's types stop at PdfObject)."""
    obj = obj.get_object()
    for key in keys:
        obj = obj[key].get_object()
    return obj


def written(writer: pypdf.PdfWriter) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def raw_pdf(*objects: bytes) -> bytes:
    """A PDF made of the given object bodies (object 1 is the catalog), with a correct xref table."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def stream(dictionary: bytes, data: bytes) -> bytes:
    return b"<< %s /Length %d >>\nstream\n" % (dictionary, len(data)) + data + b"\nendstream"


def one_page(content: bytes, resources: bytes = b"<< >>", *more: bytes, content_dict: bytes = b"") -> bytes:
    """A raw one-page A4 PDF; objects 5, 6... are ``more``."""
    return raw_pdf(
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources %s /Contents 4 0 R >>" % resources,
        stream(content_dict, content),
        *more,
    )


@functools.cache
def zeros_deflated(megabytes: int) -> bytes:
    """zlib data that inflates to ``megabytes`` MiB of zero bytes (about 1000:1)."""
    packer = zlib.compressobj(9)
    chunk = bytes(1024 * 1024)
    return b"".join([packer.compress(chunk) for _ in range(megabytes)] + [packer.flush()])


def save(tmp_path: Path, data: bytes, name: str = "clinic.pdf") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def load(tmp_path: Path, data: bytes) -> clinicpdf.ClinicPdf:
    return load_clinic_pdf(save(tmp_path, data))


def refusal(tmp_path: Path, data: bytes) -> str:
    with pytest.raises(BadClinicPdf) as info:
        load(tmp_path, data)
    return str(info.value)


def placed(pdf: clinicpdf.ClinicPdf, page_size: tuple[float, float], area: tuple[float, ...]) -> bytes:
    """The clinic's first page placed into ``area`` of a fresh page, stripped, as PDF bytes."""
    writer = pypdf.PdfWriter()
    writer.add_blank_page(*page_size)
    place_pages(writer, [(0, pdf.pages[0])], (area[0], area[1], area[2], area[3]))
    strip_active_content(writer)
    return written(writer)


# --- reading results back ----------------------------------------------------------------------


def picture(data: bytes, page: int = 0) -> Image.Image:
    """The page at 72 dpi: one pixel per point, y growing downwards."""
    document = pdfium.PdfDocument(data)
    try:
        image: Image.Image = document[page].render(scale=1).to_pil().convert("RGB")
    finally:
        document.close()
    return image


def color_box(image: Image.Image, rgb: tuple[int, int, int]) -> tuple[int, int, int, int] | None:
    """Pixel bounding box (left, top, right, bottom) of the pixels close to ``rgb``."""
    bands = image.split()
    masks = [
        band.point(lambda v, c=c: 255 if abs(v - c) <= 60 else 0) for band, c in zip(bands, rgb, strict=True)
    ]
    mask = ImageChops.multiply(ImageChops.multiply(masks[0], masks[1]), masks[2])
    return mask.getbbox()


def fitted(shown: tuple[float, float], area: tuple[float, float, float, float]) -> tuple[float, ...]:
    """Where a page of ``shown`` size must land in ``area``: scaled uniformly, centred (PDF coords)."""
    x0, y0, x1, y1 = area
    scale = min((x1 - x0) / shown[0], (y1 - y0) / shown[1])
    width, height = shown[0] * scale, shown[1] * scale
    left, bottom = x0 + (x1 - x0 - width) / 2, y0 + (y1 - y0 - height) / 2
    return scale, left, bottom, left + width, bottom + height


def assert_box_near(
    actual: tuple[int, int, int, int] | None, expected: tuple[float, float, float, float], page_height: float
) -> None:
    """Compare a pixel box with a PDF-coordinate box, allowing for anti-aliased edges."""
    assert actual is not None, "nothing of that colour on the page"
    left, bottom, right, top = expected
    wanted = (left, page_height - top, right, page_height - bottom)
    assert all(abs(a - w) <= 1.5 for a, w in zip(actual, wanted, strict=True)), f"{actual} != {wanted}"


FORBIDDEN_NAMES = (
    "JavaScript",
    "JS",
    "Launch",
    "EmbeddedFiles",
    "EmbeddedFile",
    "AcroForm",
    "AA",
    "Filespec",
)
FORBIDDEN_BYTES = re.compile(rb"/(%s)(?![A-Za-z0-9_.#+-])" % "|".join(FORBIDDEN_NAMES).encode())


def every_object(data: bytes) -> Iterator[PdfObject]:
    """Every object in the file, referenced or not."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    for generation, numbers in reader.xref.items():
        for number in numbers:
            obj = IndirectObject(number, generation, reader).get_object()
            if obj is not None:
                yield obj
    for number in reader.xref_objStm:
        obj = IndirectObject(number, 0, reader).get_object()
        if obj is not None:
            yield obj
    yield reader.trailer


def names_in(obj: Any) -> Iterator[str]:
    """Dictionary keys and name values inside one object (not following references)."""
    if isinstance(obj, dict):
        for key, value in obj.items():
            yield str(key)
            yield from names_in(value)
    elif isinstance(obj, list):
        for value in obj:
            yield from names_in(value)
    elif isinstance(obj, NameObject):
        yield str(obj)


def assert_nothing_active(data: bytes, *, open_action: bool = False) -> None:
    """Neither the bytes nor any object, referenced or not, names anything that can act."""
    data = visible(data)
    found = sorted({m.decode() for m in FORBIDDEN_BYTES.findall(data)})
    assert not found, f"the file's bytes still name {found}"
    names = {name for obj in every_object(data) for name in names_in(obj)}
    assert not names & {f"/{n}" for n in FORBIDDEN_NAMES}
    assert open_action or "/OpenAction" not in names
    assert b"evil" not in data and b"launchMe" not in data and b"MZ payload" not in data


def first_cm(data: bytes) -> list[float]:
    """The operands of the first ``cm`` on the first page."""
    page = pypdf.PdfReader(io.BytesIO(data)).pages[0]
    contents = page.get_contents()
    assert contents is not None
    for operands, operator in contents.operations:
        if operator == b"cm":
            return [float(v) for v in operands]
    raise AssertionError("no cm operator on the page")


def qpdf_check(tmp_path: Path, data: bytes) -> None:
    path = save(tmp_path, data, "checked.pdf")
    result = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


# --- placing -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "target", "area"),
    [
        pytest.param(A4, letter, LETTER_AREA, id="a4-into-letter"),
        pytest.param(letter, A4, (36.0, 36.0, A4[0] - 36, A4[1] - 36), id="letter-into-a4"),
        pytest.param(A4, letter, (50.0, 300.0, 560.0, 600.0), id="a4-into-a-wide-strip"),
        pytest.param((300.0, 200.0), A4, (36.0, 36.0, A4[0] - 36, A4[1] - 36), id="landscape-into-a4"),
    ],
)
def test_page_is_scaled_uniformly_and_centred_in_the_area(
    tmp_path: Path, source: tuple[float, float], target: tuple[float, float], area: tuple[float, ...]
) -> None:
    pdf = load(tmp_path, reportlab_pdf(source))
    data = placed(pdf, target, area)
    scale, left, bottom, right, top = fitted(source, (area[0], area[1], area[2], area[3]))

    # The transformation written into the page: a pure uniform scale and a shift
    assert first_cm(data) == pytest.approx([scale, 0, 0, scale, left, bottom], abs=1e-3)
    # What a reader draws: the red page exactly where it should be, the blue corner top-left
    image = picture(data)
    red = color_box(image, RED)
    assert_box_near(red, (left, bottom, right, top), target[1])
    assert red is not None
    assert (red[2] - red[0]) / (red[3] - red[1]) == pytest.approx(source[0] / source[1], rel=0.01)
    assert_box_near(color_box(image, BLUE), (left, top - 40 * scale, left + 40 * scale, top), target[1])


def test_text_lands_where_the_scale_puts_it(tmp_path: Path) -> None:
    pdf = load(tmp_path, reportlab_pdf(A4))
    data = placed(pdf, letter, LETTER_AREA)
    scale, left, bottom, *_ = fitted(A4, LETTER_AREA)
    positions: list[tuple[float, float]] = []

    def visit(text: str, cm: list[float], tm: list[float], font: Any, size: float) -> None:
        if "Hello" in text:
            x, y = tm[4], tm[5]
            positions.append((cm[0] * x + cm[2] * y + cm[4], cm[1] * x + cm[3] * y + cm[5]))

    page = pypdf.PdfReader(io.BytesIO(data)).pages[0]
    assert "Hello clinic" in page.extract_text(visitor_text=visit)
    assert positions == [pytest.approx((left + 72 * scale, bottom + 72 * scale), abs=0.01)]


# Where the blue top-left corner of an unrotated page appears once the page is turned clockwise.
CORNERS = {0: "top-left", 90: "top-right", 180: "bottom-right", 270: "bottom-left"}


@pytest.mark.parametrize("rotation", [0, 90, 180, 270])
def test_rotated_page_reports_its_displayed_size_and_is_placed_turned(tmp_path: Path, rotation: int) -> None:
    data = edited(reportlab_pdf(A4), rotated(rotation))
    pdf = load(tmp_path, data)
    shown = (A4[1], A4[0]) if rotation in (90, 270) else A4
    assert len(pdf.sizes) == 1
    assert pdf.sizes[0] == pytest.approx(shown)

    output = placed(pdf, letter, LETTER_AREA)
    _, left, bottom, right, top = fitted(shown, LETTER_AREA)
    image = picture(output)
    assert_box_near(color_box(image, RED), (left, bottom, right, top), letter[1])
    blue = color_box(image, BLUE)
    assert blue is not None
    middle_x, middle_y = (blue[0] + blue[2]) / 2, letter[1] - (blue[1] + blue[3]) / 2
    vertical = "top" if middle_y > (bottom + top) / 2 else "bottom"
    horizontal = "left" if middle_x < (left + right) / 2 else "right"
    assert f"{vertical}-{horizontal}" == CORNERS[rotation]
    # pdfium turns the source page the same way when it shows it on its own
    source = picture(data)
    own = color_box(source, BLUE)
    assert own is not None
    own_vertical = "top" if (own[1] + own[3]) / 2 < source.height / 2 else "bottom"
    own_horizontal = "left" if (own[0] + own[2]) / 2 < source.width / 2 else "right"
    assert f"{own_vertical}-{own_horizontal}" == CORNERS[rotation]


def test_crop_box_is_what_is_placed_and_the_rest_is_clipped(tmp_path: Path) -> None:
    crop = (100.0, 150.0, 400.0, 550.0)

    def draw(canvas: Canvas, width: float, height: float) -> None:
        canvas.setFillColorRGB(1, 0, 0)  # outside the crop box: must never show
        canvas.rect(0, 0, width, height, stroke=0, fill=1)
        canvas.setFillColorRGB(0, 160 / 255, 0)
        canvas.rect(crop[0], crop[1], crop[2] - crop[0], crop[3] - crop[1], stroke=0, fill=1)
        canvas.setFillColorRGB(0, 0, 1)
        canvas.rect(crop[0], crop[3] - 30, 30, 30, stroke=0, fill=1)

    def set_crop(writer: pypdf.PdfWriter) -> None:
        writer.pages[0].cropbox = RectangleObject(crop)

    pdf = load(tmp_path, edited(reportlab_pdf((600.0, 800.0), draw=draw), set_crop))
    assert pdf.sizes == ((300.0, 400.0),)
    output = placed(pdf, letter, LETTER_AREA)
    scale, left, bottom, right, top = fitted((300, 400), LETTER_AREA)
    image = picture(output)
    assert color_box(image, RED) is None
    assert_box_near(color_box(image, GREEN), (left, bottom, right, top), letter[1])
    assert_box_near(color_box(image, BLUE), (left, top - 30 * scale, left + 30 * scale, top), letter[1])


def test_clinic_resources_do_not_clash_with_the_booklet_page(tmp_path: Path) -> None:
    def booklet_page(canvas: Canvas, width: float, height: float) -> None:
        canvas.setFont("Times-Bold", 14)  # named /F1 on this page, as Courier is on the clinic's
        canvas.drawString(40, 20, "Booklet footer")

    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(reportlab_pdf(letter, draw=booklet_page))))
    pdf = load(tmp_path, reportlab_pdf(A4))
    place_pages(writer, [(0, pdf.pages[0])], LETTER_AREA)
    strip_active_content(writer)
    page = pypdf.PdfReader(io.BytesIO(written(writer))).pages[0]
    text = page.extract_text()
    assert "Booklet footer" in text and "Hello clinic" in text
    fonts = entry(page, "/Resources", "/Font")
    assert {"/Times-Bold", "/Courier"} <= {fonts[name]["/BaseFont"] for name in fonts}


def test_several_clinic_pages_go_to_their_own_target_pages(tmp_path: Path) -> None:
    def numbered(canvas: Canvas, width: float, height: float) -> None:
        canvas.setFont("Courier", 20)
        canvas.drawString(100, 100, f"Clinic page {canvas.getPageNumber()}")

    pdf = load(tmp_path, reportlab_pdf(A4, A4, A4, draw=numbered))
    writer = pypdf.PdfWriter()
    for _ in range(4):
        writer.add_blank_page(*letter)
    place_pages(writer, [(3, pdf.pages[0]), (1, pdf.pages[2])], LETTER_AREA)
    texts = [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(written(writer))).pages]
    assert [text.strip() for text in texts] == ["", "Clinic page 3", "", "Clinic page 1"]


def test_place_pages_rejects_a_bad_area_or_page_index(tmp_path: Path) -> None:
    pdf = load(tmp_path, reportlab_pdf(A4))
    writer = pypdf.PdfWriter()
    writer.add_blank_page(*letter)
    with pytest.raises(ValueError, match="not a rectangle"):
        place_pages(writer, [(0, pdf.pages[0])], (100, 100, 50, 700))
    with pytest.raises(ValueError, match="outside"):
        place_pages(writer, [(1, pdf.pages[0])], LETTER_AREA)


@needs_tool("qpdf")
def test_qpdf_finds_nothing_wrong_with_a_booklet_page(tmp_path: Path) -> None:
    pdf = load_clinic_pdf(WELCOME)
    qpdf_check(tmp_path, placed(pdf, letter, LETTER_AREA))


# --- what is read ------------------------------------------------------------------------------


def test_riverbend_welcome_keeps_its_bookmarks_title_and_size() -> None:
    pdf = load_clinic_pdf(WELCOME)
    assert pdf.outline == ((0, "Welcome", 0), (0, "What to bring", 0))
    assert pdf.title == "Welcome to Riverbend Physical Therapy"
    assert len(pdf.sizes) == 1
    assert pdf.sizes[0] == pytest.approx(A4)
    assert len(pdf.pages) == 1


@needs_tool("pdffonts")
def test_riverbend_welcome_embeds_every_font() -> None:
    result = subprocess.run(["pdffonts", str(WELCOME)], capture_output=True, text=True, check=True)
    rows = result.stdout.splitlines()[2:]
    assert rows, "no fonts listed"
    for row in rows:
        assert "AtkinsonHyperlegible" in row and " yes yes " in row, row


def test_nested_bookmarks_are_flattened_and_unresolved_ones_left_out(tmp_path: Path) -> None:
    def outline(writer: pypdf.PdfWriter) -> None:
        intake = writer.add_outline_item(title="Intake form", page_number=0)
        writer.add_outline_item(title="Your details", page_number=0, parent=intake)
        writer.add_outline_item(title="Consent", page_number=1, parent=intake)
        gone = writer.add_outline_item(title="Gone", page_number=1)
        item = entry(gone)
        del item["/A"]  # pypdf links bookmarks with a GoTo action; this one goes nowhere
        item[NameObject("/Dest")] = ArrayObject([NullObject(), NameObject("/Fit")])
        writer.add_outline_item(title="Child of gone", page_number=2, parent=gone)
        writer.add_outline_item(title="  Map\n\tand\x00 parking  ", page_number=2)

    pdf = load(tmp_path, edited(reportlab_pdf(A4, A4, A4), outline))
    assert pdf.outline == (
        (0, "Intake form", 0),
        (1, "Your details", 0),
        (1, "Consent", 1),
        (0, "Child of gone", 2),  # takes the level of the bookmark that was left out
        (0, "Map and parking", 2),
    )


def test_title_comes_from_metadata_and_reportlab_default_is_none(tmp_path: Path) -> None:
    assert load(tmp_path, reportlab_pdf(A4, title="Intake form")).title == "Intake form"
    assert load(tmp_path, reportlab_pdf(A4)).title is None  # ReportLab writes "untitled"


def test_pages_are_detached_from_the_clinic_file_and_keep_only_safe_keys(tmp_path: Path) -> None:
    data = edited(reportlab_pdf(A4), rotated(90))
    pdf = load(tmp_path, data)
    page = pdf.pages[0]
    assert not isinstance(page.pdf, pypdf.PdfReader)
    assert set(page) <= {"/Type", "/Parent", "/MediaBox", "/Rotate", "/Resources", "/Contents"}
    assert set(entry(page, "/Resources")) <= {"/Font", "/ProcSet", "/XObject", "/ExtGState", "/ColorSpace"}


def test_broken_cross_reference_table_is_repaired(tmp_path: Path) -> None:
    data = reportlab_pdf(A4)
    start = data.rindex(b"startxref")
    broken = data[:start] + b"startxref\n12345\n%%EOF\n"
    pdf = load(tmp_path, broken)
    assert len(pdf.pages) == 1
    assert (
        "Hello clinic"
        in pypdf.PdfReader(io.BytesIO(placed(pdf, letter, LETTER_AREA))).pages[0].extract_text()
    )


def test_owner_password_only_opens(tmp_path: Path) -> None:
    def protect(writer: pypdf.PdfWriter) -> None:
        writer.encrypt(user_password="", owner_password="owner", algorithm="RC4-128")

    pdf = load(tmp_path, edited(reportlab_pdf(A4), protect))
    output = placed(pdf, letter, LETTER_AREA)
    reader = pypdf.PdfReader(io.BytesIO(output))
    assert not reader.is_encrypted
    assert "Hello clinic" in reader.pages[0].extract_text()


# --- refusals ----------------------------------------------------------------------------------


def test_password_protected_file_is_refused_with_advice(tmp_path: Path) -> None:
    def protect(writer: pypdf.PdfWriter) -> None:
        writer.encrypt(user_password="x", owner_password="y", algorithm="RC4-128")

    assert refusal(tmp_path, edited(reportlab_pdf(A4), protect)) == clinicpdf.PASSWORD_PROTECTED
    assert clinicpdf.PASSWORD_PROTECTED == "is password-protected; save an unprotected copy"


def test_empty_file_is_refused(tmp_path: Path) -> None:
    assert refusal(tmp_path, b"") == "is empty (0 bytes)"


def test_file_without_pages_is_refused(tmp_path: Path) -> None:
    assert refusal(tmp_path, written(pypdf.PdfWriter())) == "has no pages"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        pytest.param(bytes(range(256)) * 40, "is not a PDF file", id="random-bytes"),
        pytest.param(b"PK\x03\x04 a zip file, not a pdf", "is not a PDF file", id="zip"),
        pytest.param(
            b"%PDF-1.7\n" + bytes(range(256)) * 40, "is damaged and cannot be read", id="header-then-junk"
        ),
        pytest.param(reportlab_pdf(A4)[:600], "is damaged and cannot be read", id="truncated"),
        pytest.param(
            one_page(b"0 0 m 10 10 l S", content_dict=b"/Filter /LZWDecode"),
            "is damaged and cannot be read",
            id="bad-stream",
        ),
    ],
)
def test_corrupt_files_are_refused(tmp_path: Path, data: bytes, message: str) -> None:
    assert refusal(tmp_path, data).startswith(message)


def test_missing_file_and_folder_are_refused(tmp_path: Path) -> None:
    with pytest.raises(BadClinicPdf, match=r"^does not exist$"):
        load_clinic_pdf(tmp_path / "nowhere.pdf")
    with pytest.raises(BadClinicPdf, match=r"^is a folder, not a PDF file$"):
        load_clinic_pdf(tmp_path)


def test_file_over_the_size_limit_is_refused_without_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "huge.pdf"
    with path.open("wb") as file:
        file.truncate(clinicpdf.MAX_BYTES + 5 * 1024 * 1024)  # sparse: costs no disk
    with pytest.raises(BadClinicPdf, match=r"^is 25 MB; a clinic PDF can be at most 20 MB$"):
        load_clinic_pdf(path)


def test_page_count_limit(tmp_path: Path) -> None:
    assert len(load(tmp_path, reportlab_pdf(*[A4] * clinicpdf.MAX_PAGES)).pages) == clinicpdf.MAX_PAGES
    message = refusal(tmp_path, reportlab_pdf(*[A4] * (clinicpdf.MAX_PAGES + 1)))
    assert message == "has 41 pages; a clinic PDF can have at most 40"


@pytest.mark.parametrize(
    ("size", "edit", "message"),
    [
        pytest.param((36.0, 36.0), None, "page 1 is 0.5 x 0.5 inches", id="tiny"),
        pytest.param((4000.0, 800.0), None, "page 1 is 55.6 x 11.1 inches", id="huge"),
        pytest.param(
            (600.0, 800.0), {"/UserUnit": FloatObject(10)}, "page 1 is 83.3 x 111.1 inches", id="user-unit"
        ),
        pytest.param(
            (600.0, 800.0), {"/Rotate": NumberObject(45)}, "page 1 has an invalid rotation", id="rotate-45"
        ),
    ],
)
def test_absurd_pages_are_refused(
    tmp_path: Path, size: tuple[float, float], edit: dict[str, PdfObject] | None, message: str
) -> None:
    def change(writer: pypdf.PdfWriter) -> None:
        for key, value in (edit or {}).items():
            writer.pages[0][NameObject(key)] = value

    assert refusal(tmp_path, edited(reportlab_pdf(size), change)).startswith(message)


def test_page_sizes_at_the_limits_are_accepted(tmp_path: Path) -> None:
    pdf = load(tmp_path, reportlab_pdf((72.0, 72.0), (3600.0, 3600.0)))
    assert pdf.sizes == ((72.0, 72.0), (3600.0, 3600.0))


# --- bounded in time and memory ----------------------------------------------------------------


@pytest.fixture
def decoded(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The bytes the reader's budget counted as unpacked, for each file loaded (work, not time)."""
    totals: list[int] = []
    real = clinicpdf._Budget.decode

    def counting(self: clinicpdf._Budget, size: int) -> None:
        if not hasattr(self, "_counted"):
            self._counted = len(totals)  # type: ignore[attr-defined]
            totals.append(0)
        totals[self._counted] += size  # type: ignore[attr-defined]
        real(self, size)

    monkeypatch.setattr(clinicpdf._Budget, "decode", counting)
    return totals


def bounded_refusal(tmp_path: Path, data: bytes) -> tuple[str, int]:
    """The refusal message, and the peak of memory traced while loading."""
    path = save(tmp_path, data)
    with pytest.raises(BadClinicPdf) as info:
        load_clinic_pdf(path)
    tracemalloc.start()
    try:
        with pytest.raises(BadClinicPdf):
            load_clinic_pdf(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return str(info.value), peak


MB = 1024 * 1024


def test_decompression_bomb_in_the_page_content_is_refused_early(tmp_path: Path) -> None:
    bomb = zeros_deflated(400)  # 400 MB of drawing instructions in a file of 400 kB
    assert len(bomb) < 1 * MB
    message, peak = bounded_refusal(tmp_path, one_page(bomb, content_dict=b"/Filter /FlateDecode"))
    assert message == (
        "page 1 has drawing instructions that unpack to more than psoaspdf reads "
        "(64 MB a stream, 8 MB a page); it may be a decompression bomb"
    )
    # zlib's output buffer is copied once at the end, so the peak is about twice the stream limit
    assert peak < 3 * clinicpdf.MAX_STREAM_BYTES  # and never the whole 400 MB


def test_decompression_bomb_in_an_image_is_refused_early(tmp_path: Path) -> None:
    image = stream(
        b"/Type /XObject /Subtype /Image /Width 100 /Height 100 /ColorSpace /DeviceGray "
        b"/BitsPerComponent 8 /Filter /FlateDecode",
        zeros_deflated(400),
    )
    data = one_page(b"q 100 0 0 100 0 0 cm /Im1 Do Q", b"<< /XObject << /Im1 5 0 R >> >>", image)
    message, peak = bounded_refusal(tmp_path, data)
    assert message == "has a stream that unpacks to more than 64 MB; it may be a decompression bomb"
    assert peak < 3 * clinicpdf.MAX_STREAM_BYTES


def test_many_streams_are_held_to_one_budget_for_the_file(tmp_path: Path, decoded: list[int]) -> None:
    forms = [
        stream(b"/Type /XObject /Subtype /Form /BBox [0 0 10 10] /Filter /FlateDecode", zeros_deflated(60))
    ] * 5
    names = b" ".join(b"/X%d %d 0 R" % (i, i + 5) for i in range(5))
    data = one_page(b"/X0 Do", b"<< /XObject << %s >> >>" % names, *forms)
    message, _ = bounded_refusal(tmp_path, data)
    assert message == "unpacks to more than 256 MB of data; it may be a decompression bomb"
    # the work stopped at the budget: 5 streams of 60 MB, and the fifth was never unpacked
    assert clinicpdf.MAX_DECODED_BYTES < decoded[0] <= clinicpdf.MAX_DECODED_BYTES + 60 * MB


def test_a_stream_shared_by_every_page_is_checked_once(tmp_path: Path, decoded: list[int]) -> None:
    # 60 MB decoded, on 40 pages: 2.4 GB if each page counted it again
    pages = clinicpdf.MAX_PAGES
    form = stream(b"/Type /XObject /Subtype /Form /BBox [0 0 10 10] /Filter /FlateDecode", zeros_deflated(60))
    kids = b" ".join(b"%d 0 R" % (4 + i) for i in range(pages))
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /X 3 0 R >> >> /Contents %d 0 R >>"
    data = raw_pdf(
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, pages),
        form,
        *[page % (4 + pages) for _ in range(pages)],
        stream(b"", b"/X Do"),
    )
    assert len(load(tmp_path, data).pages) == pages
    assert 60 * MB <= decoded[0] < 61 * MB  # the shared form once, and 40 tiny page contents


def test_content_split_into_many_streams_is_held_to_the_page_limit(tmp_path: Path) -> None:
    parts = [stream(b"/Filter /FlateDecode", zeros_deflated(3))] * 4  # 12 MB of drawing in all
    refs = b" ".join(b"%d 0 R" % (i + 5) for i in range(4))
    data = raw_pdf(
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        b"[%s]" % refs,
        *parts,
    )
    assert refusal(tmp_path, data).startswith("page 1 has drawing instructions that unpack to more than")


def test_huge_images_are_refused_by_their_declared_size(tmp_path: Path) -> None:
    image = stream(
        b"/Type /XObject /Subtype /Image /Width 20000 /Height 20000 /ColorSpace /DeviceRGB "
        b"/BitsPerComponent 8 /Filter /DCTDecode",
        b"\xff\xd8 not really a jpeg \xff\xd9",
    )
    data = one_page(b"/Im1 Do", b"<< /XObject << /Im1 5 0 R >> >>", image)
    assert (
        refusal(tmp_path, data) == "has an image of 20000 x 20000 pixels; at most 50 megapixels are accepted"
    )


@pytest.mark.parametrize(
    ("filters", "message"),
    [
        pytest.param(
            b"[/FlateDecode /JBIG2Decode]", "has data packed in a way psoaspdf cannot check", id="flate-jbig2"
        ),
        pytest.param(b"/Fl", "has data packed in a way psoaspdf cannot check", id="abbreviation"),
        pytest.param(b"/BrotliDecode", "has data packed in a way psoaspdf cannot check", id="brotli"),
    ],
)
def test_streams_whose_size_cannot_be_checked_are_refused(
    tmp_path: Path, filters: bytes, message: str
) -> None:
    image = stream(
        b"/Type /XObject /Subtype /Image /Width 10 /Height 10 /ColorSpace /DeviceGray "
        b"/BitsPerComponent 1 /Filter %s" % filters,
        zeros_deflated(1),
    )
    data = one_page(b"/Im1 Do", b"<< /XObject << /Im1 5 0 R >> >>", image)
    assert refusal(tmp_path, data).startswith(message)


def test_abbreviated_filter_on_the_page_content_is_damage(tmp_path: Path) -> None:
    data = one_page(zlib.compress(b"0 0 m 10 10 l S"), content_dict=b"/Filter /Fl")
    assert refusal(tmp_path, data).startswith(
        "is damaged and cannot be read (The filter name /Fl is deprecated"
    )


def test_images_with_an_invalid_size_are_refused(tmp_path: Path) -> None:
    image = stream(b"/Type /XObject /Subtype /Image /Width -100 /Height -100 /Filter /DCTDecode", b"\xff\xd8")
    data = one_page(b"/Im1 Do", b"<< /XObject << /Im1 5 0 R >> >>", image)
    assert refusal(tmp_path, data) == "has an image with an invalid size"


def test_content_parsing_is_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clinicpdf, "MAX_CONTENT_TOKENS", 1_000)
    data = one_page(b"0 0 m 1 1 l S\n" * 1_000)
    assert (
        refusal(tmp_path, data) == "page 1 has more drawing instructions than psoaspdf reads (1,000 at most)"
    )


def test_work_and_time_are_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = reportlab_pdf(A4, A4)
    monkeypatch.setattr(clinicpdf, "MAX_OBJECTS", 3)
    assert refusal(tmp_path, data) == "is too complex to read safely (more than 3 PDF objects)"
    monkeypatch.setattr(clinicpdf, "MAX_OBJECTS", 1_000_000)
    monkeypatch.setattr(clinicpdf, "MAX_SECONDS", -1.0)
    assert refusal(tmp_path, data) == "took too long to read (more than -1 seconds)"


def test_limits_apply_only_while_reading(tmp_path: Path) -> None:
    before = pypdf.get_configuration()
    load(tmp_path, reportlab_pdf(A4))
    assert pypdf.get_configuration() == before


# --- nothing active survives -------------------------------------------------------------------


def js(code: str) -> JavaScript:
    return JavaScript(code)


def hostile_pdf() -> bytes:
    """A page with every kind of active content we know of, and resources that point back."""

    def draw(canvas: Canvas, width: float, height: float) -> None:
        if canvas.getPageNumber() == 1:
            canvas.beginForm("stamp")
            canvas.setFillColorRGB(0, 0, 1)
            canvas.rect(0, 0, 40, 40, stroke=0, fill=1)
            canvas.endForm()
        canvas.doForm("stamp")
        canvas.setFont("Courier", 12)
        canvas.drawString(72, 700, "Hello clinic intake")
        page = canvas.getPageNumber()
        canvas.acroForm.checkbox(name=f"consent{page}", x=72, y=600, size=20)
        canvas.acroForm.textfield(name=f"patient{page}", x=72, y=540, width=200, height=20)
        canvas.linkURL("https://example.org/", (72, 480, 272, 500))

    def arm(writer: pypdf.PdfWriter) -> None:
        root = writer.root_object
        writer.add_open_action(js("evilNamesTree()"))
        root[NameObject("/OpenAction")] = js("evilOpen()")
        root[NameObject("/AA")] = DictionaryObject({NameObject("/WC"): js("evilClose()")})
        writer.add_attachment("payload.exe", b"MZ payload")
        page = writer.pages[0]
        page.add_action(PageTrigger.OPEN, js("evilPageOpen()"))
        writer.add_annotation(
            0,
            DictionaryObject(
                {
                    NameObject("/Type"): NameObject("/Annot"),
                    NameObject("/Subtype"): NameObject("/Link"),
                    NameObject("/Rect"): ArrayObject([NumberObject(v) for v in (0, 0, 100, 100)]),
                    NameObject("/A"): DictionaryObject(
                        {
                            NameObject("/S"): NameObject("/Launch"),
                            NameObject("/F"): TextStringObject("launchMe"),
                        }
                    ),
                }
            ),
        )
        writer.add_annotation(0, Link(rect=(0, 200, 100, 300), url="javascript:evilUri()"))
        resources = entry(page, "/Resources")
        for ref in resources["/XObject"].values():
            form = ref.get_object()
            form[NameObject("/AA")] = DictionaryObject({NameObject("/O"): js("evilForm()")})
            form[NameObject("/F")] = TextStringObject("launchMe")  # external stream data
        resources[NameObject("/ExtGState")] = DictionaryObject(
            {
                NameObject("/GSx"): DictionaryObject(
                    {
                        NameObject("/Type"): NameObject("/ExtGState"),
                        NameObject("/CA"): FloatObject(1),
                        NameObject("/Back"): root.indirect_reference,  # the whole document
                        NameObject("/Sneak"): js("evilResources()"),
                    }
                )
            }
        )

    return edited(reportlab_pdf(A4, A4, draw=draw), arm)


def test_hostile_fixture_really_is_hostile() -> None:
    data = hostile_pdf()
    for name in FORBIDDEN_NAMES:
        if name not in ("EmbeddedFile",):
            assert re.search(rb"/%s\b" % name.encode(), data), name
    for marker in (
        b"evilNamesTree",
        b"evilOpen",
        b"evilClose",
        b"evilPageOpen",
        b"evilForm",
        b"evilResources",
    ):
        assert marker in data, marker
    assert b"evilUri" in data and b"launchMe" in data and b"MZ payload" in data


def test_nothing_active_survives_load_place_and_strip(tmp_path: Path) -> None:
    pdf = load(tmp_path, hostile_pdf())
    writer = pypdf.PdfWriter()
    writer.add_blank_page(*letter)
    writer.add_blank_page(*letter)
    place_pages(writer, [(0, pdf.pages[0]), (1, pdf.pages[1])], LETTER_AREA)
    strip_active_content(writer)
    data = written(writer)

    assert_nothing_active(data)
    reader = pypdf.PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 2  # the clinic's page tree did not come along through /Back
    assert data.count(b"/Type /Catalog") == 1
    # page 1's resources pointed at the whole document, page 2 included; page 2 is intact
    assert all("Hello clinic intake" in page.extract_text() for page in reader.pages)
    assert all("/Annots" not in page for page in reader.pages)  # links and form fields are dropped
    # the form XObject (the blue stamp) is still drawn
    assert color_box(picture(data), BLUE) is not None


@needs_tool("qpdf")
def test_qpdf_finds_nothing_wrong_after_sanitising(tmp_path: Path) -> None:
    pdf = load(tmp_path, hostile_pdf())
    qpdf_check(tmp_path, placed(pdf, letter, LETTER_AREA))


def test_strip_active_content_cleans_a_whole_document(tmp_path: Path) -> None:
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(hostile_pdf())))
    writer.add_outline_item(title="Second page", page_number=1)
    writer.set_page_label(0, 1, style=PageLabelStyle.DECIMAL, start=1)
    writer.add_annotation(1, Link(rect=(0, 0, 100, 100), target_page_index=0))
    strip_active_content(writer)
    data = written(writer)

    assert_nothing_active(data)
    reader = pypdf.PdfReader(io.BytesIO(data))
    first = reader.outline[0]
    assert isinstance(first, Destination) and first.title == "Second page"
    assert reader.page_labels == ["1", "2"]
    links = [annot.get_object() for page in reader.pages for annot in page.get("/Annots", [])]
    uris = [link["/A"]["/URI"] for link in links if "/A" in link and "/URI" in link["/A"]]
    assert uris == ["https://example.org/"] * 2  # the web links stay, the javascript: one is gone
    assert any("/Dest" in link for link in links)  # so does the link within the document
    assert "Hello clinic intake" in reader.pages[0].extract_text()


@needs_tool("qpdf")
def test_qpdf_finds_nothing_wrong_with_a_stripped_document(tmp_path: Path) -> None:
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(hostile_pdf())))
    strip_active_content(writer)
    qpdf_check(tmp_path, written(writer))


def test_scripts_chained_to_a_page_open_action_or_kept_indirect_are_removed() -> None:
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(reportlab_pdf(A4, A4))))
    script = writer._add_object(js("evilChained()"))  # an indirect object, written even if unreferenced
    go_to = DictionaryObject(
        {
            NameObject("/S"): NameObject("/GoTo"),
            NameObject("/D"): ArrayObject([writer.pages[1].indirect_reference, NameObject("/Fit")]),
            NameObject("/Next"): script,
        }
    )
    writer.root_object[NameObject("/OpenAction")] = go_to
    writer.pages[0][NameObject("/AA")] = DictionaryObject({NameObject("/O"): script})
    strip_active_content(writer)
    assert_nothing_active(written(writer), open_action=True)
    assert entry(writer.root_object, "/OpenAction")["/S"] == "/GoTo"  # still opens at page 2


def test_a_scripted_open_action_kept_as_an_indirect_object_is_emptied() -> None:
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(reportlab_pdf(A4))))
    writer.root_object[NameObject("/OpenAction")] = writer._add_object(js("evilOpenIndirect()"))
    strip_active_content(writer)
    assert "/OpenAction" not in writer.root_object
    assert_nothing_active(written(writer))


def test_open_action_that_only_goes_to_a_page_is_kept() -> None:
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(reportlab_pdf(A4, A4))))
    go_to = ArrayObject([writer.pages[1].indirect_reference, NameObject("/Fit")])
    writer.root_object[NameObject("/OpenAction")] = go_to
    strip_active_content(writer)
    assert writer.root_object["/OpenAction"] == go_to
