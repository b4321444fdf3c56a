"""Packed PDFs (object streams and a cross-reference stream): the same objects, read by every
reader, smaller; and the written file's page count still checked without pypdf."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from pathlib import Path

import pypdf
import pytest
from conftest import BUNDLED_ID, LIBRARY, needs_tool, render_bytes, visible
from hypothesis import given, settings
from hypothesis import strategies as st
from reportlab.pdfgen.canvas import Canvas

from psoaspdf import api
from psoaspdf.compact import compact, objects, updated
from psoaspdf.output import pdf_problem
from psoaspdf.render.document import render_pdf

# strings a careless packer would take for the end of an object, a stream or the file
TRAPS = "endobj ) stream ( endstream \\ xref %%EOF startxref 0\n7 0 obj << >> trailer"


def classic(data: bytes) -> bytes:
    """The same document written object by object, with a cross-reference table (by pypdf)."""
    out = io.BytesIO()
    pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(data))).write(out)
    return out.getvalue()


def canvas_pdf(title: str, pages: int = 2) -> bytes:
    """A small ReportLab file with ``title`` in its information dictionary."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, invariant=1)
    canvas.setTitle(title)
    canvas.setAuthor(title[::-1])
    for page in range(pages):
        canvas.drawString(72, 720, f"page {page + 1}")
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def written(obj: object) -> bytes:
    """An object as pypdf writes it: references as ``n g R``, a stream's data as it is stored."""
    out = io.BytesIO()
    obj.write_to_stream(out)  # type: ignore[attr-defined]
    return out.getvalue()


def same_objects(before: bytes, after: bytes) -> None:
    """Every object of ``before`` is in ``after`` under the same number, equal (streams decoded)."""
    old, new = pypdf.PdfReader(io.BytesIO(before)), pypdf.PdfReader(io.BytesIO(after))
    numbers = [n for n in old.xref[0] if n]
    assert numbers
    for number in numbers:
        assert written(old.get_object(number)) == written(new.get_object(number)), number
    for key in ("/Root", "/Info", "/ID"):
        assert written(old.trailer.raw_get(key)) == written(new.trailer.raw_get(key)), key


@pytest.fixture(scope="module")
def handout() -> bytes:
    return render_bytes(BUNDLED_ID)


def test_a_rendered_handout_is_packed(handout: bytes) -> None:
    assert handout.startswith(b"%PDF-1.7")
    assert b"/Type /ObjStm" in handout and b"/Type /XRef" in handout
    assert b"\nxref\n" not in handout and b"trailer" not in handout
    # the structure elements are in the object streams, not in the file one by one
    assert b"/S /LI" not in handout and b"/S /LI" in visible(handout)


def test_packing_keeps_every_object_and_shrinks_the_file(handout: bytes) -> None:
    unpacked = classic(handout)
    assert b"/ObjStm" not in unpacked
    packed = compact(unpacked)
    same_objects(unpacked, packed)
    assert len(packed) < 0.8 * len(unpacked), (len(packed), len(unpacked))
    assert compact(packed) == packed  # already packed: left alone


@pytest.mark.parametrize("title", [TRAPS, "plain", "(((", "\\)", "é ü — “quoted”"])
def test_strings_that_look_like_pdf_syntax_survive(title: str) -> None:
    data = canvas_pdf(title)
    packed = compact(data)
    assert packed != data
    same_objects(data, packed)
    meta = pypdf.PdfReader(io.BytesIO(packed)).metadata
    assert meta is not None and meta.title == title and meta.author == title[::-1]


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=80), st.integers(min_value=1, max_value=4))
def test_any_title_and_page_count_reads_back(title: str, pages: int) -> None:
    data = canvas_pdf(title, pages)
    packed = compact(data)
    same_objects(data, packed)
    assert pdf_problem(packed, pages) is None
    assert pdf_problem(packed, pages + 1) == f"it has {pages} pages, not the {pages + 1} laid out"


@needs_tool("qpdf")
@needs_tool("pdfinfo")
@needs_tool("pdftotext")
@needs_tool("mutool")
def test_independent_readers_read_the_packed_file_as_the_unpacked_one(handout: bytes, tmp_path: Path) -> None:
    packed, unpacked = tmp_path / "packed.pdf", tmp_path / "unpacked.pdf"
    packed.write_bytes(handout)
    unpacked.write_bytes(classic(handout))

    def run(*args: str) -> str:
        return subprocess.run(args, capture_output=True, text=True, check=True).stdout

    check = subprocess.run(["qpdf", "--check", str(packed)], capture_output=True, text=True, check=False)
    assert check.returncode == 0 and "No syntax or stream encoding errors" in check.stdout, check.stdout
    assert run("pdftotext", "-layout", str(packed), "-") == run("pdftotext", "-layout", str(unpacked), "-")
    tree = run("pdfinfo", "-struct-text", str(packed))
    assert tree == run("pdfinfo", "-struct-text", str(unpacked)) and "LBody" in tree
    info = run("pdfinfo", str(packed))
    assert re.search(r"PDF version:\s+1\.7", info) and re.search(r"Tagged:\s+yes", info), info
    assert "Low back pain" in run("mutool", "draw", "-F", "txt", "-o", "-", str(packed), "1")


def test_files_it_does_not_know_are_left_alone(handout: bytes) -> None:
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(classic(handout))))
    writer.encrypt(user_password="secret-1234", owner_password=None, algorithm="AES-256")
    out = io.BytesIO()
    writer.write(out)
    encrypted = out.getvalue()
    assert compact(encrypted) == encrypted  # its dictionary may not go in an object stream
    for other in (b"", b"not a PDF", b"%PDF-1.4\n%%EOF\n", handout[:-200], canvas_pdf("x")[:-30]):
        assert compact(other) == other


def test_the_page_count_is_read_through_either_kind_without_pypdf(handout: bytes, tmp_path: Path) -> None:
    unpacked = classic(handout)
    for data in (handout, unpacked):
        read, trailer = objects(data) or (None, b"")
        assert read is not None and b"/Root" in trailer
    (tmp_path / "packed.pdf").write_bytes(handout)
    script = (
        "import sys; from pathlib import Path; from psoaspdf.output import pdf_problem; "
        f"data = Path({str(tmp_path / 'packed.pdf')!r}).read_bytes(); "
        "print(pdf_problem(data, {pages}), pdf_problem(data, {pages} + 1), 'pypdf' in sys.modules)"
    )
    pages = len(pypdf.PdfReader(io.BytesIO(handout)).pages)  # read by pypdf, in this process
    assert pages >= 5
    script = script.replace("{pages}", str(pages))
    shown = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    assert shown.split() == ["None", *f"it has {pages} pages, not the {pages + 1} laid out".split(), "False"]


def test_a_damaged_packed_file_is_refused(handout: bytes) -> None:
    assert pdf_problem(handout[: len(handout) // 2]) is not None
    broken = handout.replace(b"/Type /XRef", b"/Type /Xref")
    pages = len(pypdf.PdfReader(io.BytesIO(handout)).pages)
    assert pdf_problem(broken) is not None or len(pypdf.PdfReader(io.BytesIO(broken)).pages) == pages


@pytest.mark.parametrize("name", ["iliopsoas-back-pain", "constructive-rest", "neck-pain", "sitting-breaks"])
def test_tagging_adds_at_most_fifteen_percent_to_the_file(name: str) -> None:
    inputs = api.load_inputs(str(LIBRARY / "handouts" / f"{name}.yaml"))
    tagged = render_pdf(inputs.handout, inputs.layout)
    plain = render_pdf(inputs.handout, inputs.layout, tagged=False)
    assert b"/StructTreeRoot" in visible(tagged) and b"/StructTreeRoot" not in visible(plain)
    assert len(tagged) <= 1.15 * len(plain), (len(tagged), len(plain))


def test_every_kind_of_output_is_packed(tmp_path: Path) -> None:
    from psoaspdf.booklet import build_booklet, quick_booklet
    from psoaspdf.impose import impose

    booklet = build_booklet(quick_booklet([BUNDLED_ID, BUNDLED_ID], None, "Two"))
    imposed = impose(booklet, "2-up")
    for data in (booklet, imposed):
        assert b"/Type /ObjStm" in data and pdf_problem(data) is None
        same_objects(classic(data), compact(classic(data)))


@needs_tool("qpdf")
def test_an_update_appended_is_read_as_the_newest_version(handout: bytes, tmp_path: Path) -> None:
    """The stamp path appends a copy's changes to the blank: every reader must see them, and the
    blank's bytes stay as they were."""
    read, trailer = objects(handout) or (None, b"")
    assert read is not None
    info = int(re.search(rb"/Info (\d+) 0 R", trailer).group(1))  # type: ignore[union-attr]
    before = read(info)
    assert before is not None and b"/Title" in before
    changed = updated(
        handout, {info: b"<< /Title (Changed " + TRAPS.replace("(", "").replace(")", "").encode() + b") >>"}
    )
    assert changed is not None and changed.startswith(handout)
    pages = len(pypdf.PdfReader(io.BytesIO(handout)).pages)
    again = updated(changed, {info: b"<< /Title (Twice) >>"})  # an update of an update
    assert again is not None
    for data, title in ((changed, "Changed endobj"), (again, "Twice")):
        meta = pypdf.PdfReader(io.BytesIO(data)).metadata
        assert meta is not None and meta.title.startswith(title)
        assert (objects(data) or (None,))[0](info).startswith(b"<< /Title (" + title.encode())  # type: ignore[misc]
        assert pdf_problem(data, pages) is None and pdf_problem(data, pages - 1) is not None
        path = tmp_path / "u.pdf"
        path.write_bytes(data)
        check = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True, check=False)
        assert check.returncode == 0 and "No syntax or stream encoding errors" in check.stdout, check.stdout
    assert updated(b"not a PDF", {1: b"<< >>"}) is None
