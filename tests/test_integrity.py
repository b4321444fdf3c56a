"""Nothing lost, nothing locked, nothing leaked (issue #12): outputs never replace inputs, a
patients file is read as the clinic wrote it or not at all, a batch writes only into folders meant
for it, a dry run writes nothing, and a patient's details never reach a message."""

from __future__ import annotations

import io
import json
import os
import shutil
from pathlib import Path

import pypdf
import pytest
from click.testing import CliRunner, Result
from conftest import DATA, LIBRARY, short_png, visible

from psoaspdf.batch import OUTPUT_MARKER
from psoaspdf.cli import main
from psoaspdf.errors import ExitCode

HANDOUT = LIBRARY / "handouts" / "iliopsoas-back-pain.yaml"


def run(runner: CliRunner, folder: Path, args: list[str], monkeypatch: pytest.MonkeyPatch) -> Result:
    monkeypatch.chdir(folder)
    return runner.invoke(main, args)


def snapshot(folder: Path) -> dict[str, bytes | None]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() if p.is_file() else None
        for p in sorted(folder.rglob("*"))
    }


# --- an output never replaces an input ---------------------------------------------------------


def clinic_booklet(folder: Path) -> None:
    (folder / "forms").mkdir()
    shutil.copy(LIBRARY / "forms" / "riverbend-welcome.pdf", folder / "forms" / "welcome.pdf")
    shutil.copy(DATA / "minimal.yaml", folder / "knee.yaml")
    (folder / "b.yaml").write_text(
        "title: Pack\nitems:\n  - pdf: forms/welcome.pdf\n  - handout: knee.yaml\n", encoding="utf-8"
    )


@pytest.mark.parametrize("output", ["forms/welcome.pdf", "./forms/../forms/welcome.pdf"])
def test_a_booklet_never_replaces_a_clinic_pdf_it_names(
    output: str, runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clinic_booklet(tmp_path)
    before = snapshot(tmp_path)
    result = run(runner, tmp_path, ["booklet", "b.yaml", "-o", output], monkeypatch)
    assert result.exit_code == ExitCode.CANNOT_WRITE, result.output
    assert "is one of the input files" in result.stderr
    assert snapshot(tmp_path) == before  # the second run cannot nest the booklet in itself


def test_preview_never_replaces_a_picture_its_handout_uses(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(DATA / "images", tmp_path / "images")
    text = (
        (DATA / "illustrated.yaml")
        .read_text(encoding="utf-8")
        .replace("square.png", "test-illustrated-page1.png")
    )
    (tmp_path / "images" / "square.png").rename(tmp_path / "images" / "test-illustrated-page1.png")
    (tmp_path / "h.yaml").write_text(text, encoding="utf-8")
    before = snapshot(tmp_path)
    result = run(runner, tmp_path, ["preview", "h.yaml", "-o", "images"], monkeypatch)
    assert result.exit_code == ExitCode.CANNOT_WRITE, result.output
    assert snapshot(tmp_path) == before  # no page was written either: all or nothing


def test_a_batch_never_replaces_its_own_inputs(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A path template that lands on the clinic PDF the booklet uses is refused before any build."""
    clinic_booklet(tmp_path)
    (tmp_path / OUTPUT_MARKER).write_text("", encoding="utf-8")  # the folder is psoaspdf's to use
    (tmp_path / "b.yaml").rename(tmp_path / "welcome.yaml")
    (tmp_path / "manifest.yaml").write_text(
        "output: .\npath: forms/{item}.pdf\nbooklets: [welcome.yaml]\n", encoding="utf-8"
    )
    before = snapshot(tmp_path)
    result = run(runner, tmp_path, ["batch", "manifest.yaml", "-q"], monkeypatch)
    assert result.exit_code == ExitCode.INVALID_INPUT, result.output
    assert (
        "manifest.yaml:2:7: path:" in result.stderr
        and "would replace one of the run's own input files" in result.stderr
    )
    assert snapshot(tmp_path) == before


# --- a patients file is read as written, or not at all ------------------------------------------


def small_batch(folder: Path, csv_text: str | bytes, name: str = "patients.csv") -> Path:
    shutil.copy(HANDOUT, folder / "knee.yaml")
    data = csv_text.encode("utf-8") if isinstance(csv_text, str) else csv_text
    (folder / name).write_bytes(data)
    manifest = folder / "manifest.yaml"
    manifest.write_text(f"clinics: [riverbend]\npatients: {name}\n", encoding="utf-8")
    return manifest


def report(out: Path) -> dict:  # type: ignore[type-arg]
    return json.loads((out / "report.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("row", "fields"),
    [
        ("P2,Bo Example,knee.yaml,Take it slowly, at first.,", 6),  # an unquoted comma in the note
        ("P2,Bo Example,knee.yaml", 3),
    ],
)
def test_a_row_with_the_wrong_number_of_fields_is_not_built(
    row: str, fields: int, runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    manifest = small_batch(
        tmp_path, f"patient_id,name,item,note,password\nP1,Ann Example,knee.yaml,,\n{row}\n"
    )
    result = run(runner, tmp_path, ["batch", str(manifest), "-q", "-j", "1"], monkeypatch)
    assert result.exit_code == ExitCode.SOME_FAILED, result.output
    assert f"patients.csv:3: has {fields} fields, the header 5; this row is not built" in result.stderr
    built = sorted(p.name for p in (tmp_path / "out").rglob("*.pdf"))
    assert built == ["P1-knee.pdf"]  # no copy locked with a password nobody gave
    assert "Bo Example" not in result.output and "slowly" not in result.output
    failed = [i for i in report(tmp_path / "out")["items"] if i["status"] == "failed"]
    assert [i["item"] for i in failed] == ["patients.csv:3"]


def test_a_patients_file_saved_by_excel_with_semicolons_and_a_bom_is_read(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = "patient_id;name;item;note\nP1;Ana Díaz;knee.yaml;Slowly, please\n"
    manifest = small_batch(tmp_path, b"\xef\xbb\xbf" + text.encode("utf-8"))
    result = run(runner, tmp_path, ["batch", str(manifest), "-q", "-j", "1"], monkeypatch)
    assert result.exit_code == 0, result.output
    copy = next((tmp_path / "out").rglob("P1-knee.pdf"))
    first = pypdf.PdfReader(io.BytesIO(copy.read_bytes())).pages[0].extract_text()
    assert "Ana Díaz" in first


def test_a_patients_file_in_another_encoding_says_which_line_and_how_to_save_it(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = "patient_id,name,item\nP1,Ann Example,knee.yaml\nP2,Ana Díaz,knee.yaml\n"
    manifest = small_batch(tmp_path, text.encode("cp1252"))
    result = run(runner, tmp_path, ["batch", str(manifest), "-q", "-j", "1"], monkeypatch)
    assert result.exit_code == ExitCode.INVALID_INPUT, result.output
    assert "patients.csv:3:1: this line is not UTF-8 text" in result.stderr
    assert "CSV UTF-8" in result.stderr
    assert "Traceback" not in result.output and "0xed" not in result.output
    assert not (tmp_path / "out").exists()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_named_pipe_for_a_patients_file_says_what_it_is(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    os.mkfifo(tmp_path / "patients.csv")
    (tmp_path / "manifest.yaml").write_text(
        "clinics: [riverbend]\npatients: patients.csv\n", encoding="utf-8"
    )
    result = run(runner, tmp_path, ["batch", "manifest.yaml", "-q"], monkeypatch)
    assert result.exit_code == ExitCode.INVALID_INPUT
    assert "patients: 'patients.csv' is a named pipe, not a file" in result.stderr


# --- a batch writes only into a folder meant for it ----------------------------------------------


@pytest.mark.parametrize("out", ["/", "~"])
def test_the_root_or_home_folder_is_never_an_output_folder(
    out: str, runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    manifest = small_batch(tmp_path, "patient_id,name,item\nP1,Ann Example,knee.yaml\n")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    (tmp_path / "home").mkdir()
    (tmp_path / "home" / "taxes.pdf").write_bytes(b"%PDF-1.4 mine")
    result = run(
        runner, tmp_path, ["batch", str(manifest), "--out", os.path.expanduser(out), "-q"], monkeypatch
    )
    assert result.exit_code == ExitCode.INVALID_INPUT, result.output
    assert "give a folder for psoaspdf's output only" in result.stderr
    assert (tmp_path / "home" / "taxes.pdf").read_bytes() == b"%PDF-1.4 mine"
    assert not (tmp_path / "home" / OUTPUT_MARKER).exists()


def test_a_folder_holding_other_files_is_refused_and_a_psoaspdf_one_is_reused(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    manifest = small_batch(tmp_path, "patient_id,name,item\nP1,Ann Example,knee.yaml\n")
    theirs = tmp_path / "documents"
    theirs.mkdir()
    (theirs / ".notes.part").write_bytes(b"someone else's temporary file")
    before = snapshot(theirs)
    result = run(runner, tmp_path, ["batch", str(manifest), "--out", str(theirs), "-q"], monkeypatch)
    assert result.exit_code == ExitCode.INVALID_INPUT
    assert "already holds files psoaspdf did not make" in result.stderr
    assert snapshot(theirs) == before  # nothing tidied, nothing written
    ours = tmp_path / "handouts-out"
    assert (
        run(runner, tmp_path, ["batch", str(manifest), "--out", str(ours), "-q"], monkeypatch).exit_code == 0
    )
    assert (ours / OUTPUT_MARKER).is_file()
    assert (
        run(runner, tmp_path, ["batch", str(manifest), "--out", str(ours), "-q"], monkeypatch).exit_code == 0
    )


# --- a dry run says what a real run will do, and writes nothing ----------------------------------


def test_a_dry_run_lists_what_changed_and_writes_nothing(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    manifest = small_batch(
        tmp_path, "patient_id,name,item\nP1,Ann Example,knee.yaml\nP2,Bo Example,knee.yaml\n"
    )
    manifest.write_text(manifest.read_text(encoding="utf-8") + "handouts: [knee.yaml]\n", encoding="utf-8")
    args = ["batch", str(manifest), "-q", "-j", "1"]
    assert run(runner, tmp_path, args, monkeypatch).exit_code == 0
    knee = tmp_path / "knee.yaml"
    knee.write_text(knee.read_text(encoding="utf-8").replace('version: "1.1"', 'version: "1.2"'))
    (tmp_path / "out" / "riverbend" / "patients" / "P2-knee.pdf").unlink()
    before = snapshot(tmp_path / "out")
    dry = run(runner, tmp_path, [*args, "--dry-run"], monkeypatch)
    assert dry.exit_code == 0, dry.output
    assert snapshot(tmp_path / "out") == before  # no report, no state, no tidying
    assert "would build" in dry.stdout and "up to date" in dry.stdout and "report:" not in dry.stdout
    assert "dry run: nothing was written" in dry.stdout
    would = {line.split(": ", 1)[1] for line in dry.stdout.splitlines() if line.startswith("would build: ")}
    assert would == {
        "riverbend/knee.pdf (an input changed)",
        "riverbend/patients/P1-knee.pdf (an input changed)",
        "riverbend/patients/P2-knee.pdf (an input changed)",
    }
    real = run(runner, tmp_path, args, monkeypatch)
    written = {i["item"] for i in report(tmp_path / "out")["items"] if i["status"] == "written"}
    assert written == {w.split(" (")[0] for w in would}, real.output


# --- a patient's details never reach a message ---------------------------------------------------


@pytest.mark.parametrize("name", ["王芳", "Ann 王", "محمد"])
def test_a_name_the_fonts_cannot_print_is_reported_by_row_and_id_only(
    name: str, runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    manifest = small_batch(
        tmp_path, f"patient_id,name,item,note\nP1,Ann Example,knee.yaml,\nP7,{name},knee.yaml,\n"
    )
    result = run(runner, tmp_path, ["batch", str(manifest), "-j", "1"], monkeypatch)
    assert result.exit_code == ExitCode.SOME_FAILED
    for text in (result.output, (tmp_path / "out" / "report.json").read_text(encoding="utf-8")):
        assert not any(c in text for c in name if not c.isspace() and c not in "Ann"), text
    assert "patients.csv:3 (patient P7)" in result.stderr
    assert "patient: the patient's name" in result.stderr
    assert "command line" not in result.stderr


def test_a_name_on_the_command_line_is_not_echoed_either(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = run(
        runner, tmp_path, ["render", str(HANDOUT), "--patient", "王芳", "--clinician", "Dr 李"], monkeypatch
    )
    assert result.exit_code == ExitCode.INVALID_INPUT
    assert "王" not in result.output and "芳" not in result.output and "李" not in result.output
    assert (
        "command line: patient: the patient's name has Chinese, Japanese or Korean letters" in result.stderr
    )
    assert "command line: clinician: the clinician's name has" in result.stderr
    assert "fonts.scripts" in result.stderr


# --- pictures carry their pixels, never their metadata -------------------------------------------


def pictures_with_metadata(folder: Path) -> None:
    """A JPEG with a comment, XMP, IPTC and EXIF GPS; a PNG with every kind of text chunk."""
    from PIL import Image, PngImagePlugin

    image = Image.new("RGB", (64, 48), (200, 100, 50))
    exif = Image.Exif()
    exif[0x010E] = "SECRET-exif-description"  # ImageDescription
    image.save(folder / "photo.jpg", format="JPEG", comment=b"SECRET-jpeg-comment", exif=exif)
    data = (folder / "photo.jpg").read_bytes()
    segments = b""
    for marker, body in (
        (b"\xff\xe1", b"http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta>SECRET-xmp</x:xmpmeta>"),
        (b"\xff\xed", b"Photoshop 3.0\x00SECRET-iptc"),
    ):
        segments += marker + (len(body) + 2).to_bytes(2, "big") + body
    (folder / "photo.jpg").write_bytes(data[:2] + segments + data[2:])
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "SECRET-png-text")
    info.add_itxt("Author", "SECRET-png-itxt")
    info.add_text("Description", "SECRET-png-ztxt", zip=True)
    image.save(folder / "pic.png", format="PNG", pnginfo=info, exif=exif)
    text = (
        (DATA / "minimal.yaml")
        .read_text(encoding="utf-8")
        .replace(
            "    dose:\n      sets: 2\n      reps: 10",
            "    illustration:\n      image: photo.jpg\n      alt: A photo\n    dose:\n      sets: 2\n      reps: 10\n"
            "  - name: Second\n    steps: [Do it.]\n    illustration:\n      image: pic.png\n      alt: A picture\n"
            "    dose:\n      sets: 2",
        )
    )
    (folder / "h.yaml").write_text(text, encoding="utf-8")


def test_only_pixels_and_colour_reach_the_pdf_and_the_html_twin(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import base64
    import re

    pictures_with_metadata(tmp_path)
    assert b"SECRET-jpeg-comment" in (tmp_path / "photo.jpg").read_bytes()  # the test's own premise
    assert run(runner, tmp_path, ["render", "h.yaml", "-o", "h.pdf"], monkeypatch).exit_code == 0
    assert (
        run(runner, tmp_path, ["render", "h.yaml", "--format", "html", "-o", "h.html"], monkeypatch).exit_code
        == 0
    )
    reader = pypdf.PdfReader(tmp_path / "h.pdf")
    streams = []
    for page in reader.pages:
        for xobject in (page["/Resources"].get("/XObject") or {}).values():
            obj = xobject.get_object()
            raw = obj._data  # as stored; JPEG data stays JPEG under its ASCII85 wrapping
            if "/ASCII85Decode" in str(obj.get("/Filter")):
                raw = base64.a85decode(raw.strip().removesuffix(b"~>"), adobe=False)
            streams.append(raw)
    assert any(s.startswith(b"\xff\xd8") for s in streams)  # the photo is in there
    page = (tmp_path / "h.html").read_text(encoding="utf-8")
    images = [
        base64.b64decode(m) for m in re.findall(r"data:image/(?:png|jpeg);base64,([A-Za-z0-9+/=]+)", page)
    ]
    assert len(images) == 2
    for blob in [*streams, *images, visible((tmp_path / "h.pdf").read_bytes()), page.encode()]:
        assert b"SECRET" not in blob


# --- clear errors instead of wrong output -----------------------------------------------------


def handout_with_picture(folder: Path, name: str) -> None:
    shutil.copytree(DATA / "images", folder / "images", dirs_exist_ok=True)
    text = (
        (DATA / "illustrated.yaml").read_text(encoding="utf-8").replace("images/square.png", f"images/{name}")
    )
    (folder / "h.yaml").write_text(text, encoding="utf-8")


def test_a_png_with_fewer_pixels_than_it_promises_is_refused(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    handout_with_picture(tmp_path, "short.png")
    (tmp_path / "images" / "short.png").write_bytes(short_png())
    result = run(runner, tmp_path, ["render", "h.yaml", "-o", "h.pdf"], monkeypatch)
    assert result.exit_code == ExitCode.INVALID_INPUT, result.output
    assert (
        "images/short.png: not a complete PNG file (its picture data stops at 10% of the picture"
        in result.stderr
    )
    assert not (tmp_path / "h.pdf").exists()
    (tmp_path / "images" / "short.png").write_bytes(short_png(rows=100))  # the whole picture
    assert run(runner, tmp_path, ["render", "h.yaml", "-o", "h.pdf"], monkeypatch).exit_code == 0


SVG_WITH_ENTITY = (
    '<?xml version="1.0" encoding="UTF-16"?>\n<!DOCTYPE svg [<!ENTITY who "x">]>\n'
    '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><text>&who;</text></svg>\n'
)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-8"])
def test_an_svg_declaring_entities_is_refused_in_any_encoding(
    encoding: str, runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    handout_with_picture(tmp_path, "e.svg")
    text = SVG_WITH_ENTITY if encoding.startswith("utf-16") else SVG_WITH_ENTITY.replace("UTF-16", "UTF-8")
    (tmp_path / "images" / "e.svg").write_bytes(text.encode(encoding))
    result = run(runner, tmp_path, ["render", "h.yaml", "-o", "h.pdf"], monkeypatch)
    assert result.exit_code == ExitCode.INVALID_INPUT, result.output
    assert "images/e.svg: declares XML entities" in result.stderr


def svg_embedding(data: bytes, kind: str = "image/png") -> str:
    import base64

    encoded = base64.b64encode(data).decode("ascii")
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="40" height="30">'
        f'<image x="0" y="0" width="40" height="30" xlink:href="data:{kind};base64,{encoded}"/></svg>'
    )


def test_an_svg_with_an_embedded_picture_is_drawn(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What Inkscape writes: the picture is part of the SVG, and it reaches the page."""
    handout_with_picture(tmp_path, "inkscape.svg")
    picture = short_png(rows=120, size=120)
    (tmp_path / "images" / "inkscape.svg").write_text(svg_embedding(picture), encoding="utf-8")
    result = run(runner, tmp_path, ["render", "h.yaml", "-o", "h.pdf"], monkeypatch)
    assert result.exit_code == 0, result.output
    import pypdfium2

    document = pypdfium2.PdfDocument(tmp_path / "h.pdf")
    try:
        colours = set()
        for index in range(len(document)):
            colours |= {
                c for _, c in document[index].render(scale=1).to_pil().convert("RGB").getcolors(1 << 20)
            }
    finally:
        document.close()
    assert (0x20, 0x40, 0x60) in colours  # the embedded picture's own colour is on a page


@pytest.mark.parametrize(
    ("data", "kind", "expected"),
    [
        (short_png(), "image/png", "has an embedded picture that cannot be used: not a complete PNG file"),
        (
            b"GIF89a" + b"\0" * 400_000,
            "image/png",
            "has an embedded picture that cannot be used: not a valid PNG or JPEG file (it is a GIF picture)",
        ),
        (
            b"<html>" * 50_000,
            "text/html",
            "embeds 'text/html' data; only PNG and JPEG pictures may be embedded",
        ),
    ],
)
def test_a_bad_embedded_picture_is_one_short_message(
    data: bytes, kind: str, expected: str, runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    handout_with_picture(tmp_path, "bad.svg")
    (tmp_path / "images" / "bad.svg").write_text(svg_embedding(data, kind), encoding="utf-8")
    result = run(runner, tmp_path, ["render", "h.yaml", "-o", "h.pdf"], monkeypatch)
    assert result.exit_code == ExitCode.INVALID_INPUT, result.output
    assert expected in result.stderr
    assert "outside its own folder" not in result.stderr
    assert max(len(line) for line in result.stderr.splitlines()) < 400  # not the 200,000-character value


@pytest.mark.parametrize("keep", [30_000, 300_000])
@pytest.mark.parametrize("command", ["render", "validate"])
def test_a_cut_short_font_is_a_clear_error(
    keep: int, command: str, runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from psoaspdf.library import package_data

    font = package_data("fonts", "DejaVuSans.ttf").read_bytes()
    (tmp_path / "cut.ttf").write_bytes(font[:keep])
    (tmp_path / "layout.yaml").write_text("fonts:\n  regular: cut.ttf\n  bold: cut.ttf\n", encoding="utf-8")
    args = ["render", str(DATA / "minimal.yaml"), "-l", "layout.yaml", "-o", "x.pdf"]
    result = run(runner, tmp_path, args if command == "render" else ["validate", "layout.yaml"], monkeypatch)
    assert result.exit_code == ExitCode.INVALID_INPUT, result.output
    assert "layout.yaml:2:12: fonts.regular:" in result.stderr
    assert "not a usable TrueType font (the file is damaged or cut short)" in result.stderr
    assert "internal error" not in result.output


# --- YAML mistakes clinicians make get a hint at the right place -------------------------------


def minimal_with(old: str, new: str) -> str:
    text = (DATA / "minimal.yaml").read_text(encoding="utf-8")
    assert old in text
    return text.replace(old, new, 1)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            '  items:\n    - "Too much',
            '\titems:\n    - "Too much',
            "h.yaml:20:1: a tab character; indent with spaces",
        ),
        (
            'title: "Test handout about knee pain"',
            'title: "Test handout about knee pain',
            "h.yaml:3:8: a quoted text starts here and is never closed",
        ),
        (
            'subtitle: "A short handout',
            "subtitle: 'A short handout",
            "h.yaml:4:11: a quoted text starts here and is never closed",
        ),
        (
            '    - "Too much running too soon"',
            "    - Note: too much running too soon",
            "h.yaml:21:7: causes.items[1]: expected text, got a mapping ('Note:' followed by a space starts a key in YAML); if this is text, put all of it in quotes",
        ),
    ],
)
def test_common_yaml_mistakes_get_a_hint(
    old: str, new: str, expected: str, runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "h.yaml").write_text(minimal_with(old, new), encoding="utf-8")
    result = run(runner, tmp_path, ["validate", "h.yaml"], monkeypatch)
    assert result.exit_code == ExitCode.INVALID_INPUT
    assert expected in result.stderr, result.stderr


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        (
            '"images\\square.png"',
            "h.yaml:41:22: a backslash (\\) inside double quotes starts a special character",
        ),
        ('"C:\\Users\\me\\square.png"', "a backslash (\\) inside double quotes"),
        ('"images\\new.png"', "contains a control character (U+000A); a backslash (\\) inside double quotes"),
        ("images\\square.png", "file not found: images\\square.png"),
    ],
)
def test_a_windows_path_says_to_use_slashes(
    written: str, expected: str, runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(DATA / "images", tmp_path / "images")
    text = (DATA / "illustrated.yaml").read_text(encoding="utf-8").replace("images/square.png", written)
    (tmp_path / "h.yaml").write_text(text, encoding="utf-8")
    result = run(runner, tmp_path, ["validate", "h.yaml"], monkeypatch)
    assert result.exit_code == ExitCode.INVALID_INPUT
    assert expected in result.stderr, result.stderr
    assert "/ between folders" in result.stderr


# --- names in Chinese, Japanese or Korean, with a font the clinic names --------------------------


def cjk_font(path: Path, chars: str) -> None:
    """A small TrueType font whose glyphs for ``chars`` are plain boxes (made here: nothing binary
    is committed, and no CJK font is downloaded)."""
    pytest.importorskip("fontTools", reason="fonttools is in the test extra: pip install '.[test]'")
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    names = [".notdef", "space", *(f"uni{ord(c):04X}" for c in chars)]

    def box() -> object:
        pen = TTGlyphPen(None)
        pen.moveTo((100, 0))
        pen.lineTo((100, 800))
        pen.lineTo((900, 800))
        pen.lineTo((900, 0))
        pen.closePath()
        return pen.glyph()

    builder = FontBuilder(1000, isTTF=True)
    builder.setupGlyphOrder(names)
    builder.setupCharacterMap({32: "space", **{ord(c): f"uni{ord(c):04X}" for c in chars}})
    glyphs = {name: box() for name in names}
    glyphs["space"] = TTGlyphPen(None).glyph()
    builder.setupGlyf(glyphs)
    builder.setupHorizontalMetrics({name: (1000, 100) for name in names})
    builder.setupHorizontalHeader(ascent=880, descent=-120)
    builder.setupNameTable({"familyName": "Test CJK", "styleName": "Regular"})
    builder.setupOS2(sTypoAscender=880, usWinAscent=880, usWinDescent=120)
    builder.setupPost()
    builder.save(str(path))


def test_a_clinic_can_name_a_font_for_chinese_japanese_and_korean_names(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cjk_font(tmp_path / "cjk.ttf", "王芳李山田花子김민")
    (tmp_path / "layout.yaml").write_text(
        "name: Clinic\nfonts:\n  scripts:\n    cjk:\n      regular: cjk.ttf\n", encoding="utf-8"
    )
    manifest = small_batch(
        tmp_path, "patient_id,name,item\nP1,王芳,knee.yaml\nP2,山田花子,knee.yaml\nP3,김민,knee.yaml\n"
    )
    manifest.write_text("clinics: [layout.yaml]\npatients: patients.csv\n", encoding="utf-8")
    result = run(runner, tmp_path, ["batch", str(manifest), "-q", "-j", "1"], monkeypatch)
    assert result.exit_code == 0, result.output
    for pid, name in (("P1", "王芳"), ("P2", "山田花子"), ("P3", "김민")):
        copy = next((tmp_path / "out").rglob(f"{pid}-knee.pdf"))
        reader = pypdf.PdfReader(copy)
        assert name in reader.pages[0].extract_text()
        assert name not in str(reader.metadata)
    single = run(
        runner,
        tmp_path,
        ["render", "knee.yaml", "-l", "layout.yaml", "--patient", "李", "-o", "one.pdf"],
        monkeypatch,
    )
    assert single.exit_code == 0, single.output
    # without the font: the message says where to name one
    (tmp_path / "plain.yaml").write_text("name: Plain\n", encoding="utf-8")
    refused = run(
        runner,
        tmp_path,
        ["render", "knee.yaml", "-l", "plain.yaml", "--patient", "李", "-o", "two.pdf"],
        monkeypatch,
    )
    assert refused.exit_code == ExitCode.INVALID_INPUT
    assert "fonts.scripts.cjk" in refused.stderr and "李" not in refused.stderr


def test_a_cjk_font_without_cjk_letters_is_refused_at_its_line(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cjk_font(tmp_path / "latin.ttf", "abc")
    (tmp_path / "layout.yaml").write_text(
        "fonts:\n  scripts:\n    cjk:\n      regular: latin.ttf\n", encoding="utf-8"
    )
    result = run(runner, tmp_path, ["validate", "layout.yaml"], monkeypatch)
    assert result.exit_code == ExitCode.INVALID_INPUT
    assert "layout.yaml:4:16: fonts.scripts.cjk.regular:" in result.stderr
    assert "has no Chinese, Japanese or Korean letters" in result.stderr


def test_a_password_is_never_echoed_and_an_untypable_one_is_refused(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    manifest = small_batch(
        tmp_path,
        'patient_id,name,item,password\nP1,Ann Example,knee.yaml,pässwörd😀\nP2,Bo Example,knee.yaml,"se\x7fcret"\n',
    )
    with caplog.at_level("DEBUG"):
        result = run(runner, tmp_path, ["batch", str(manifest), "-q", "-j", "1"], monkeypatch)
    assert result.exit_code == ExitCode.SOME_FAILED
    assert "patients.csv:3: password: has a control or invisible character" in result.stderr
    everything = result.output + caplog.text + (tmp_path / "out" / "report.json").read_text(encoding="utf-8")
    for secret in ("pässwörd", "se\x7fcret", "U+007F", "SASLprep"):
        assert secret not in everything
    copy = next((tmp_path / "out").rglob("P1-knee.pdf"))
    reader = pypdf.PdfReader(copy)
    assert reader.is_encrypted and reader.decrypt("pässwörd😀")
    assert not list((tmp_path / "out").rglob("P2-*"))
