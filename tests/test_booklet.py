"""Booklets: cover, contents, page numbers and labels that agree, outline, clinic PDFs, imposition."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import pypdf
import pypdfium2
import pytest
from click.testing import CliRunner
from conftest import BUNDLED_ID, LIBRARY, needs_tool, render_bytes
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.pdfgen.canvas import Canvas

from psoaspdf.booklet import build_booklet, load_booklet, quick_booklet
from psoaspdf.cli import main
from psoaspdf.model import Personal

EXAMPLE = LIBRARY / "booklets" / "low-back-care.yaml"


@pytest.fixture(scope="module")
def example() -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(build_booklet(load_booklet(EXAMPLE))))


def page_text(reader: pypdf.PdfReader, index: int) -> str:
    return " ".join(reader.pages[index].extract_text().split())


def contents_entries(reader: pypdf.PdfReader) -> list[tuple[str, int]]:
    """(title, page) rows read back from the contents page."""
    text = reader.pages[1].extract_text()
    rows = re.findall(r"^(.+?)\s+(\d+)\s*$", text, re.M)
    return [(title.strip(), int(number)) for title, number in rows]


def outline(reader: pypdf.PdfReader) -> list[tuple[str, int, list[tuple[str, int]]]]:
    """Top-level entries (title, page index, [children as (title, page index)])."""
    out = []
    items = reader.outline
    for i, entry in enumerate(items):
        if isinstance(entry, list):
            continue
        children = items[i + 1] if i + 1 < len(items) and isinstance(items[i + 1], list) else []
        kids = [(c.title, reader.get_destination_page_number(c)) for c in children if not isinstance(c, list)]
        out.append((entry.title, reader.get_destination_page_number(entry), kids))
    return out


def labels(reader: pypdf.PdfReader) -> list[str]:
    return list(reader.page_labels)


def test_contents_numbers_are_where_each_item_starts(example: pypdf.PdfReader) -> None:
    entries = contents_entries(example)
    assert [title for title, _ in entries] == [
        "Welcome to Riverbend",
        "Your back and your hips",
        "Low back pain and your hip flexor muscle",
        "When to get help",  # under the handout, indented: the warning signs are easy to find
        "Your exercises at home",  # the program, by its item's title
    ]
    page_labels = labels(example)
    for title, number in entries:
        index = page_labels.index(str(number))
        if title != "Welcome to Riverbend":  # the clinic's page carries its own words
            assert title in page_text(example, index), (title, number)


def test_a_booklet_laid_out_again_for_another_patient_keeps_its_numbers_right() -> None:
    """A batch run lays one booklet out per patient, the later ones in one pass from where the
    parts began last time (a hint, checked): the contents must still say where each item starts,
    also when the hint is wrong."""
    from psoaspdf.render import document

    first = build_booklet(load_booklet(EXAMPLE), Personal(patient="Ann Lee", date="2026-12-04"))
    assert document._BOOKLET_HINTS  # the numbers were kept
    second = build_booklet(load_booklet(EXAMPLE), Personal(patient="Quintero Vasquez", date="2026-12-05"))
    for key in list(document._BOOKLET_HINTS):  # a wrong hint: every part one page later
        numbers, helps = document._BOOKLET_HINTS[key]
        document._BOOKLET_HINTS[key] = ([n + 1 for n in numbers], helps)
    third = build_booklet(load_booklet(EXAMPLE), Personal(patient="Bo Chen"))
    want = contents_entries(pypdf.PdfReader(io.BytesIO(first)))
    for data in (second, third):
        reader = pypdf.PdfReader(io.BytesIO(data))
        assert contents_entries(reader) == want
        assert len(reader.pages) == len(pypdf.PdfReader(io.BytesIO(first)).pages)


def test_printed_numbers_page_labels_and_outline_agree(example: pypdf.PdfReader) -> None:
    page_labels = labels(example)
    assert page_labels[:2] == ["i", "ii"]
    body = [i for i, label in enumerate(page_labels) if label.isdigit()]
    assert [page_labels[i] for i in body] == [str(n) for n in range(1, len(body) + 1)]
    for i in body:
        found = re.search(r"Page (\d+) of (\d+)", page_text(example, i))
        assert found, i
        assert found.group(1) == page_labels[i]
        assert int(found.group(2)) == len(body)
    contents = dict(contents_entries(example))
    for title, page, _ in outline(example):
        assert page_labels[page] == str(contents[title])


def test_outline_has_sections_and_the_clinic_pdf_bookmarks(example: pypdf.PdfReader) -> None:
    entries = {title: kids for title, _, kids in outline(example)}
    handout = [title for title, _ in entries["Low back pain and your hip flexor muscle"]]
    assert "How it may feel" in handout  # the symptoms section, by its heading in the YAML
    assert "Your exercises" in handout
    assert "When to get help" in handout
    assert [title for title, _ in entries["Welcome to Riverbend"]]  # the clinic PDF's own bookmarks
    assert example.trailer["/Root"]["/PageMode"] == "/UseOutlines"


def test_a_program_in_a_booklet_prints_its_files_doses_and_its_emergency_signs(
    example: pypdf.PdfReader,
) -> None:
    import yaml

    from psoaspdf import model
    from psoaspdf.wording import dose_cells, labels

    program = yaml.safe_load((LIBRARY / "programs" / "back-core-four.yaml").read_text(encoding="utf-8"))
    handout = yaml.safe_load((LIBRARY / "handouts" / "iliopsoas-back-pain.yaml").read_text(encoding="utf-8"))
    doses = {e["id"]: e["dose"] for e in handout["exercises"]}
    start = dict((title, page) for title, page, _ in outline(example))["Your exercises at home"]
    text = " ".join(page_text(example, i) for i in range(start, len(example.pages)))
    assert "Your exercises at home" in page_text(example, start)
    en = labels("en")
    for item in program["exercises"]:
        ref = item if isinstance(item, str) else item["exercise"]
        dose = {**doses[ref.split("/")[1]], **({} if isinstance(item, str) else item["dose"])}
        cells = dose_cells(model.Dose(**dose), en)
        line = " · ".join(v if k == en["dose"]["often"] else f"{k} {v}" for k, v in cells)
        assert line in text, line
    assert "Repeat 8 times" in text  # the program file's own change to the bridge
    for sign in handout["get_help"]["urgent"]:  # the handout's emergency signs, every one
        assert sign in text, sign


def test_a_booklets_program_with_a_bad_exercise_id_names_its_line(tmp_path: Path, runner: CliRunner) -> None:
    (tmp_path / "p.yaml").write_text(
        "exercises:\n  - iliopsoas-back-pain/bridge\n  - iliopsoas-back-pain/brigde\n", encoding="utf-8"
    )
    (tmp_path / "b.yaml").write_text(
        "title: Back\nitems:\n  - program: p.yaml\n  - program: no-such-program\n", encoding="utf-8"
    )
    out = tmp_path / "b.pdf"
    result = runner.invoke(main, ["booklet", str(tmp_path / "b.yaml"), "-o", str(out)])
    assert result.exit_code == 1
    assert f"{tmp_path / 'b.yaml'}:4:14: items[2].program: no-such-program:" in result.stderr
    (tmp_path / "b.yaml").write_text("title: Back\nitems:\n  - program: p.yaml\n", encoding="utf-8")
    result = runner.invoke(main, ["booklet", str(tmp_path / "b.yaml"), "-o", str(out)])
    assert result.exit_code == 1
    assert f"{tmp_path / 'p.yaml'}:3:5: exercises[2]:" in result.stderr
    assert "did you mean iliopsoas-back-pain/bridge" in result.stderr
    assert not out.exists()


def test_every_item_starts_on_a_right_hand_page(example: pypdf.PdfReader) -> None:
    page_labels = labels(example)
    for _, page, _ in outline(example):
        assert page % 2 == 0  # index 0, 2, 4...: physical pages 1, 3, 5: right-hand pages
        assert int(page_labels[page]) % 2 == 1


def test_booklet_metadata_is_the_booklets(example: pypdf.PdfReader) -> None:
    meta = example.metadata
    assert meta is not None
    assert meta["/Title"] == "Caring for your lower back"
    assert meta["/Author"] == "Riverbend Physical Therapy"
    assert example.trailer["/Root"]["/Lang"] == "en"


@needs_tool("qpdf")
def test_qpdf_accepts_the_booklet(tmp_path: Path) -> None:
    out = tmp_path / "b.pdf"
    out.write_bytes(build_booklet(load_booklet(EXAMPLE)))
    assert subprocess.run(["qpdf", "--check", str(out)], capture_output=True).returncode == 0


@pytest.fixture(scope="module")
def without_clinic_pages(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """The example booklet without its clinic PDF: laid out and finished with no pypdf pass."""
    folder = tmp_path_factory.mktemp("plain") / "booklets"
    shutil.copytree(LIBRARY, folder.parent, dirs_exist_ok=True)
    text = EXAMPLE.read_text(encoding="utf-8")
    text = text.replace("  - pdf: ../forms/riverbend-welcome.pdf\n    title: Welcome to Riverbend\n", "")
    path = folder / "plain.yaml"
    path.write_text(text, encoding="utf-8")
    return build_booklet(load_booklet(path))


def test_a_booklet_without_clinic_pages_is_never_read_again_by_pypdf(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its outline, page labels and outline panel come from the layout itself (a pypdf pass
    was a fifth of a booklet's time); with a clinic PDF to place, pypdf still writes them."""
    import pypdf as module

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the booklet was read and written again by pypdf")

    monkeypatch.setattr(module, "PdfWriter", refuse)
    data = build_booklet(quick_booklet(["iliopsoas-back-pain", "neck-pain"], None, "Two"))
    reader = pypdf.PdfReader(io.BytesIO(data))
    assert [title for title, _, _ in outline(reader)] == [
        "Low back pain and your hip flexor muscle",
        "Easing everyday neck pain",
    ]
    assert labels(reader)[:3] == ["i", "ii", "1"]


def test_without_clinic_pages_contents_labels_and_outline_agree(without_clinic_pages: bytes) -> None:
    reader = pypdf.PdfReader(io.BytesIO(without_clinic_pages))
    page_labels = labels(reader)
    assert page_labels[:2] == ["i", "ii"]
    body = [i for i, label in enumerate(page_labels) if label.isdigit()]
    assert [page_labels[i] for i in body] == [str(n) for n in range(1, len(body) + 1)]
    contents = dict(contents_entries(reader))
    entries = outline(reader)
    assert [title for title, _, _ in entries] == [
        "Your back and your hips",
        "Low back pain and your hip flexor muscle",
        "Your exercises at home",
    ]
    for title, page, kids in entries:
        assert page_labels[page] == str(contents[title])
        for kid, kid_page in kids:  # each section's entry is on the page that shows its heading
            assert kid in page_text(reader, kid_page), (kid, kid_page)
    handout = dict((t, k) for t, _, k in entries)["Low back pain and your hip flexor muscle"]
    assert [t for t, _ in handout][:2] == ["How it may feel", "What can make it worse"]
    assert "When to get help" in [t for t, _ in handout]
    assert reader.trailer["/Root"]["/PageMode"] == "/UseOutlines"
    item, closed = reader.trailer["/Root"]["/Outlines"]["/First"], []
    while item is not None:  # an entry with sections starts closed, as with clinic pages
        if "/First" in item:
            closed.append(item["/Count"] < 0)
        item = item.get("/Next")
    assert closed == [True], closed  # the handout; the divider and the program have none


@needs_tool("qpdf")
def test_qpdf_accepts_a_booklet_without_clinic_pages(without_clinic_pages: bytes, tmp_path: Path) -> None:
    out = tmp_path / "b.pdf"
    out.write_bytes(without_clinic_pages)
    assert subprocess.run(["qpdf", "--check", str(out)], capture_output=True).returncode == 0


def clinic_pdf(path: Path, size: tuple[float, float], pages: int = 1, colour: str = "#0000FF") -> Path:
    canvas = Canvas(str(path), pagesize=size, invariant=1)
    for _ in range(pages):
        canvas.setFillColor(colour)
        canvas.rect(0, 0, size[0], size[1], stroke=0, fill=1)
        canvas.showPage()
    canvas.save()
    return path


def coloured_box(data: bytes, index: int) -> tuple[int, int, int, int, int, int]:
    """Bounding box (x0, y0, x1, y1) of the blue pixels on a page, and the page's pixel size."""
    page = pypdfium2.PdfDocument(data)[index].render(scale=1).to_pil().convert("RGB")
    width, height = page.size
    blue = [
        (x, y)
        for x in range(0, width, 2)
        for y in range(0, height, 2)
        if page.getpixel((x, y)) == (0, 0, 255)
    ]
    xs, ys = [x for x, _ in blue], [y for _, y in blue]
    return min(xs), min(ys), max(xs), max(ys), width, height


def test_an_a4_page_is_centred_on_letter_without_distortion(tmp_path: Path) -> None:
    pdf = clinic_pdf(tmp_path / "a4.pdf", A4)
    data = build_booklet(quick_booklet([str(pdf)], None, "Test"))
    x0, y0, x1, y1, width, _ = coloured_box(data, 2)
    assert abs((x0 + x1) / 2 - width / 2) <= 3  # centred across the page
    aspect = (y1 - y0) / (x1 - x0)
    assert abs(aspect - A4[1] / A4[0]) < 0.02  # not stretched


def test_a_clinic_pdfs_nested_bookmarks_go_under_its_entry_on_their_pages(tmp_path: Path) -> None:
    """The layout writes the outline: a clinic's own bookmarks, nested as they were, point at
    the booklet pages their pages were placed on."""
    source = pypdf.PdfWriter(clone_from=pypdf.PdfReader(clinic_pdf(tmp_path / "c.pdf", LETTER, pages=3)))
    intake = source.add_outline_item(title="Intake form", page_number=0)
    source.add_outline_item(title="Your details", page_number=1, parent=intake)
    source.add_outline_item(title="Map", page_number=2)
    with open(tmp_path / "forms.pdf", "wb") as out:
        source.write(out)
    data = build_booklet(quick_booklet([str(tmp_path / "forms.pdf"), BUNDLED_ID], None, "Test"))
    reader = pypdf.PdfReader(io.BytesIO(data))
    items = reader.outline
    kids = items[1]
    assert [k.title for k in kids if not isinstance(k, list)] == ["Intake form", "Map"]
    assert [k.title for k in kids[1]] == ["Your details"]  # still under "Intake form"
    first = reader.get_destination_page_number(items[0])
    assert reader.get_destination_page_number(kids[0]) == first
    assert reader.get_destination_page_number(kids[1][0]) == first + 1
    assert reader.get_destination_page_number(kids[2]) == first + 2


def test_a_letter_page_is_centred_on_a4(tmp_path: Path) -> None:
    layout = tmp_path / "a4.yaml"
    layout.write_text("page:\n  paper: a4\n", encoding="utf-8")
    pdf = clinic_pdf(tmp_path / "letter.pdf", LETTER)
    data = build_booklet(quick_booklet([str(pdf)], str(layout), "Test"))
    reader = pypdf.PdfReader(io.BytesIO(data))
    assert round(float(reader.pages[0].mediabox.height)) == 842
    x0, y0, x1, y1, width, _ = coloured_box(data, 2)
    assert abs((x0 + x1) / 2 - width / 2) <= 3
    assert abs((y1 - y0) / (x1 - x0) - LETTER[1] / LETTER[0]) < 0.02


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"%PDF-1.4\n%garbage that is not a pdf at all\n", "pdf"),
        (b"", "empty"),
    ],
)
def test_a_broken_clinic_pdf_is_a_clear_error(
    content: bytes, expected: str, tmp_path: Path, runner: CliRunner
) -> None:
    bad = tmp_path / "intake.pdf"
    bad.write_bytes(content)
    out = tmp_path / "b.pdf"
    result = runner.invoke(main, ["booklet", BUNDLED_ID, str(bad), "-o", str(out)])
    assert result.exit_code == 1, result.output
    assert "intake.pdf" in result.stderr
    assert expected in result.stderr.lower()
    assert "Traceback" not in result.output
    assert not out.exists()


def test_an_encrypted_clinic_pdf_is_a_clear_error(tmp_path: Path, runner: CliRunner) -> None:
    plain = clinic_pdf(tmp_path / "plain.pdf", LETTER)
    writer = pypdf.PdfWriter(clone_from=str(plain))
    writer.encrypt(user_password="secret", owner_password="owner")
    locked = tmp_path / "locked.pdf"
    with locked.open("wb") as handle:
        writer.write(handle)
    result = runner.invoke(main, ["booklet", BUNDLED_ID, str(locked), "-o", str(tmp_path / "b.pdf")])
    assert result.exit_code == 1
    assert "locked.pdf" in result.stderr
    assert "password" in result.stderr


def test_scripts_in_a_clinic_pdf_do_not_reach_the_booklet(tmp_path: Path) -> None:
    plain = clinic_pdf(tmp_path / "plain.pdf", LETTER)
    writer = pypdf.PdfWriter(clone_from=str(plain))
    writer._root_object[pypdf.generic.NameObject("/OpenAction")] = pypdf.generic.DictionaryObject(
        {
            pypdf.generic.NameObject("/S"): pypdf.generic.NameObject("/JavaScript"),
            pypdf.generic.NameObject("/JS"): pypdf.generic.TextStringObject("app.alert('hello');"),
        }
    )
    writer.pages[0][pypdf.generic.NameObject("/AA")] = pypdf.generic.DictionaryObject(
        {
            pypdf.generic.NameObject("/O"): pypdf.generic.DictionaryObject(
                {
                    pypdf.generic.NameObject("/S"): pypdf.generic.NameObject("/JavaScript"),
                    pypdf.generic.NameObject("/JS"): pypdf.generic.TextStringObject("app.alert(1)"),
                }
            )
        }
    )
    scripted = tmp_path / "scripted.pdf"
    with scripted.open("wb") as handle:
        writer.write(handle)
    data = build_booklet(quick_booklet([BUNDLED_ID, str(scripted)], None, "Test"))
    # every dictionary and name of every object, read by a PDF parser (a search of the raw bytes
    # also meets these letters inside compressed streams, by chance)
    reader = pypdf.PdfReader(io.BytesIO(data))
    banned = {"/JavaScript", "/JS", "/Launch", "/EmbeddedFiles", "/AA", "/OpenAction"}
    found: set[str] = set()

    def walk(obj: object, seen: set[int]) -> None:
        if isinstance(obj, pypdf.generic.IndirectObject):
            if obj.idnum in seen:
                return
            seen.add(obj.idnum)
            obj = obj.get_object()
        if isinstance(obj, dict):
            found.update(str(k) for k in obj if str(k) in banned)
            for value in obj.values():
                walk(value, seen)
        elif isinstance(obj, list):
            for value in obj:
                walk(value, seen)
        elif isinstance(obj, pypdf.generic.NameObject) and str(obj) in banned - {"/AA"}:
            found.add(str(obj))

    walk(reader.trailer, set())
    assert len(reader.pages) > 3 and found == set()


def test_saddle_stitch_of_ten_pages_gives_three_sheets(tmp_path: Path) -> None:
    pdf = clinic_pdf(tmp_path / "eight.pdf", LETTER, pages=8)
    loaded = quick_booklet([str(pdf)], None, "Ten pages")
    flat = pypdf.PdfReader(io.BytesIO(build_booklet(loaded)))
    assert len(flat.pages) == 10  # cover, contents, eight pages
    imposed = pypdf.PdfReader(io.BytesIO(build_booklet(loaded, impose="saddle-stitch")))
    assert len(imposed.pages) == 6  # three sheets, printed on both sides
    side = imposed.pages[0].mediabox
    assert round(float(side.width)) == 2 * 612 and round(float(side.height)) == 792


def test_a_booklet_is_much_smaller_than_its_handouts_rendered_alone() -> None:
    three = quick_booklet([BUNDLED_ID, BUNDLED_ID, BUNDLED_ID], None, "Three")
    booklet = build_booklet(three)
    alone = 3 * len(render_bytes(BUNDLED_ID))
    # fonts and figures are shared (each copy alone embeds its own); the structure tree is
    # not, but it is packed small in both (0.51 measured)
    assert len(booklet) < 0.56 * alone, (len(booklet), alone)


def test_the_patient_is_on_the_cover_but_not_in_the_metadata() -> None:
    data = build_booklet(load_booklet(EXAMPLE), Personal(patient="Rosa Quintero", date="25 Nov 2026"))
    reader = pypdf.PdfReader(io.BytesIO(data))
    assert "Rosa Quintero" in page_text(reader, 0)
    assert all("Rosa" not in str(value) for value in (reader.metadata or {}).values())


def test_booklet_command_writes_the_example(
    tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(main, ["booklet", str(EXAMPLE)])
    assert result.exit_code == 0, result.output
    assert len(pypdf.PdfReader("low-back-care.pdf").pages) >= 10


def test_validate_checks_a_booklet_and_what_it_names(tmp_path: Path, runner: CliRunner) -> None:
    assert runner.invoke(main, ["validate", str(EXAMPLE)]).exit_code == 0
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        "title: Broken\nitems:\n  - handout: no-such-handout\n  - divider: A\n", encoding="utf-8"
    )
    result = runner.invoke(main, ["validate", str(broken)])
    assert result.exit_code == 1
    assert "broken.yaml:3:14: items[1].handout: no-such-handout: no such file" in result.stderr
    broken.write_text("title: Broken\nitems:\n  - divider: A\n    pdf: x.pdf\n", encoding="utf-8")
    result = runner.invoke(main, ["validate", str(broken)])
    assert "broken.yaml:4:10: items[1].pdf: file not found: x.pdf" in result.stderr
    broken.write_text(
        "title: Broken\nitems:\n  - divider: A\n    title: B\n    handout: iliopsoas-back-pain\n",
        encoding="utf-8",
    )
    result = runner.invoke(main, ["validate", str(broken)])
    assert "items[1].handout: give exactly one of handout, program, pdf or divider (found 2)" in result.stderr


@pytest.mark.parametrize("language", ["en", "es"])
def test_each_handout_in_a_booklet_prints_its_own_languages_words(
    language: str, runner: CliRunner, tmp_path: Path
) -> None:
    """An English handout in a Spanish booklet says "When to get help", a Spanish one in an
    English booklet "Cuándo pedir ayuda"; the cover and contents follow the booklet's language."""
    from psoaspdf.wording import labels

    en, es = labels("en"), labels("es")
    out = tmp_path / "mixed.pdf"
    args = ["booklet", BUNDLED_ID, "iliopsoas-back-pain-es", "--language", language, "-o", str(out)]
    result = runner.invoke(main, args)
    assert result.exit_code == 0, result.stderr
    reader = pypdf.PdfReader(out)
    texts = [page_text(reader, i) for i in range(len(reader.pages))]
    own = en if language == "en" else es
    assert own["booklet_title"] in texts[0] and own["contents"] in texts[1]
    english_pages = [t for t in texts[2:] if "Low back pain and your hip flexor" in t]
    spanish_pages = [t for t in texts[2:] if "Dolor en la parte baja de la espalda" in t]
    assert english_pages and spanish_pages
    assert any(en["get_help"] in t for t in english_pages)
    assert not any(es["get_help"] in t for t in english_pages)
    assert any(es["get_help"] in t for t in spanish_pages)
    assert not any(en["get_help"] in t for t in spanish_pages)
    assert any(f"{es['exercise']} 1:" in t for t in spanish_pages)
    assert any(f"{en['exercise']} 1:" in t for t in english_pages)
