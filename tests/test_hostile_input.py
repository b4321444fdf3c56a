"""Bad input gets a clear error and nothing is lost (issue #7): hostile and careless INPUT.

Every case runs the real command line (``psoaspdf render``, ``validate`` or ``booklet``) on files
built in tmp_path and checks all of the promises at once: the documented exit code; a message
naming the file, the line and column where there is one, and the field; no traceback; nothing
written at the output path and an existing output byte-for-byte unchanged; no temporary
``.*.part`` file left; a bounded time. The message itself is kept as golden text in
tests/golden/hostile/<case>.txt, with the temporary folder written as ``<tmp>``. To refresh them
after an intended change of wording, run

    pytest --update-goldens tests/test_hostile_input.py

and review the diff. Families: YAML, text, images, paths (the same message whether or not the
target exists), clinic PDFs in a booklet. Narrower tests of each defence live beside the code
they test (test_errors, test_yaml_traps, test_images, test_markup, test_clinicpdf).
"""

from __future__ import annotations

import base64
import io
import os
import re
import shutil
import struct
import subprocess
import sys
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pypdf
import pytest
from click.testing import CliRunner
from conftest import (
    DATA,
    GOLDEN,
    LIBRARY,
    golden_text,
    image_xobjects,
    needs_tool,
    short_png,
    squash,
    visible,
)
from PIL import Image
from pypdf.generic import DictionaryObject, NameObject, TextStringObject
from reportlab.lib.pagesizes import LETTER
from test_clinicpdf import (
    assert_nothing_active,
    edited,
    js,
    one_page,
    raw_pdf,
    reportlab_pdf,
    stream,
    zeros_deflated,
)

from psoaspdf.cli import main
from psoaspdf.errors import ExitCode

HOSTILE = GOLDEN / "hostile"
EXISTING = b"%PDF-1.4\n% an earlier handout that a failed run must leave alone\n"
MINIMAL = (DATA / "minimal.yaml").read_text(encoding="utf-8")
ILLUSTRATED = (DATA / "illustrated.yaml").read_text(encoding="utf-8")

# --- running a case ----------------------------------------------------------------------------


def snapshot(folder: Path) -> dict[str, bytes | None]:
    """Every file and folder under ``folder`` (links not followed) with the bytes of files."""
    found: dict[str, bytes | None] = {}
    for path in sorted(folder.rglob("*")):
        key = path.relative_to(folder).as_posix()
        found[key] = path.read_bytes() if path.is_file() and not path.is_symlink() else None
    return found


def normalised(text: str, *folders: Path) -> str:
    for folder in folders:
        text = text.replace(str(folder.resolve()), "<tmp>").replace(str(folder), "<tmp>")
    # an absolute path, shortened in a message ('/tmp/pytest-of-.../test_a...')
    return re.sub(r"'/[^'\n]*'", "'<absolute path>'", text)


@dataclass(frozen=True)
class Outcome:
    code: int
    stderr: str


def refused(
    runner: CliRunner,
    monkeypatch: pytest.MonkeyPatch,
    folder: Path,
    args: list[str],
    expected: list[str],
    code: ExitCode = ExitCode.INVALID_INPUT,
) -> Outcome:
    """Run ``psoaspdf ARGS`` in ``folder`` and check every promise of a refusal.

    render and booklet run twice: once towards a new file, once over an existing one.
    """
    monkeypatch.chdir(folder)
    out = folder / "out"
    out.mkdir(exist_ok=True)
    (out / "existing.pdf").write_bytes(EXISTING)
    writes = args[0] in ("render", "booklet")
    targets = [["-o", "out/new.pdf"], ["-o", "out/existing.pdf"], []] if writes else [[]]
    messages = []
    for target in targets:
        before = snapshot(folder)
        result = runner.invoke(main, [*args, *target])
        assert result.exit_code == int(code), (result.exit_code, result.output)
        assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
        assert "Traceback" not in result.output and "internal error" not in result.output
        assert result.stdout == ""
        # nothing new, nothing changed, nothing left behind (no out/new.pdf, no .*.part)
        assert snapshot(folder) == before
        assert (out / "existing.pdf").read_bytes() == EXISTING
        assert not list(folder.rglob(".*.part"))
        messages.append(result.stderr)
    assert all(m == messages[0] for m in messages), messages  # the output path changes nothing
    stderr = messages[0]
    for words in expected:
        assert words in stderr, (words, stderr)
    return Outcome(result.exit_code, stderr)


def golden(name: str, text: str, *folders: Path) -> None:
    golden_text(HOSTILE / f"{name}.txt", normalised(text, *folders))


# --- building inputs ---------------------------------------------------------------------------


def handout(folder: Path, text: str = MINIMAL, name: str = "h.yaml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def replaced(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


def png_bytes(size: tuple[int, int] = (8, 6)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "#3A7").save(buffer, format="PNG")
    return buffer.getvalue()


def embedded_image(data: bytes, kind: str = "image/png") -> str:
    """An SVG <image> holding a picture as base64 data, as Inkscape writes it."""
    encoded = base64.b64encode(data).decode("ascii")
    return f'<image width="10" height="10" xlink:href="data:{kind};base64,{encoded}"/>'


def picture(fmt: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (30, 20), "#3A7").save(buffer, format=fmt)
    return buffer.getvalue()


def png_bomb(width: int, height: int) -> bytes:
    """A valid PNG header declaring width x height, with almost no data: a few hundred bytes."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 1000))
        + chunk(b"IEND", b"")
    )


def svg(body: str, size: str = 'width="40" height="40"', prolog: str = "") -> bytes:
    return (
        f'{prolog}<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'
        f" {size}>{body}</svg>"
    ).encode()


# === YAML ======================================================================================

LAUGHS = 'l0: &l0 "lol"\n' + "".join(f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]\n" for i in range(1, 10))
DEEP_BLOCK = "".join(" " * depth + "k:\n" for depth in range(1000)) + " " * 1000 + "v\n"

YAML_CASES: dict[str, tuple[bytes, list[str]]] = {
    "yaml-python-object": (
        replaced(
            MINIMAL, 'title: "Test handout about knee pain"', 'title: !!python/object/apply:os.system ["id"]'
        ).encode(),
        ["h.yaml:3:8: ", "python/object/apply:os.system", "not supported"],
    ),
    "yaml-python-name-in-list": (
        replaced(MINIMAL, '    - "Use an ice pack"', "    - !!python/name:os.system").encode(),
        ["h.yaml:30:7: ", "python/name:os.system", "not supported"],
    ),
    "yaml-custom-tag": (
        replaced(
            MINIMAL, 'disclaimer: "General information only."', "disclaimer: !include /etc/passwd"
        ).encode(),
        ["h.yaml:46:13: ", "!include", "not supported"],
    ),
    "yaml-self-alias": ((MINIMAL + "loop: &a [*a]\n").encode(), ["h.yaml:47:11: ", "aliases (*a)"]),
    "yaml-anchor-and-alias": (
        replaced(MINIMAL, '  - "Knee pain guideline"', "  - &s Knee pain guideline\n  - *s").encode(),
        ["h.yaml:46:5: ", "aliases (*s)"],
    ),
    "yaml-billion-laughs": ((MINIMAL + LAUGHS).encode(), ["h.yaml:48:10: ", "aliases (*l0)"]),
    "yaml-duplicate-key": (
        (MINIMAL + 'title: "Another title"\n').encode(),
        ["h.yaml:47:1: title: appears twice (first on line 3)"],
    ),
    "yaml-deep-flow-list": (
        ("deep: " + "[" * 10_000 + "]" * 10_000 + "\n" + MINIMAL).encode(),
        ["h.yaml:1:46: ", "nested more than 40 levels deep"],
    ),
    "yaml-deep-flow-mapping": (
        ("deep: " + "{a: " * 10_000 + "b" + "}" * 10_000 + "\n" + MINIMAL).encode(),
        ["h.yaml:1:163: ", "nested more than 40 levels deep"],
    ),
    "yaml-deep-block": (DEEP_BLOCK.encode(), ["h.yaml:41:41: ", "nested more than 40 levels deep"]),
    "yaml-huge-file": (
        (MINIMAL + "# " + "padding " * 130_000 + "\n").encode(),
        ["h.yaml: file is 1,041,", "the limit is 1,000,000"],
    ),
    "yaml-tab-indent": (
        replaced(MINIMAL, '  urgent:\n    - "Your', '  urgent:\n\t- "Your').encode(),
        ["h.yaml:41:1: ", "a tab character; indent with spaces, not tabs"],
    ),
    "yaml-not-utf8": (
        MINIMAL.replace("General information only.", "Información general.").encode("latin-1"),
        ["h.yaml:46:23: not UTF-8 text (bad byte 0xF3", "save the file as UTF-8"],
    ),
    "yaml-two-documents": (
        (MINIMAL + "---\n" + MINIMAL).encode(),
        ["h.yaml:47:1: ", "more than one YAML document"],
    ),
    "yaml-empty-file": (b"", ["h.yaml: the file is empty"]),
    "yaml-only-a-comment": (b"# title: Knee pain\n# (to be written)\n", ["h.yaml: the file is empty"]),
    "yaml-nul-byte": (
        replaced(MINIMAL, "General information only.", "General\0 information only.").encode(),
        ["h.yaml:46:21: ", "control character (U+0000)"],
    ),
    "yaml-boolean-on": (
        replaced(MINIMAL, "      track: true", "      track: on").encode(),
        ["h.yaml:29:14: self_care.items[1].track: expected true or false, got 'on'"],
    ),
    "yaml-exponent": (
        replaced(MINIMAL, "      sets: 2", "      sets: 1e3").encode(),
        ["h.yaml:37:13: exercises[1].dose.sets: expected a whole number, got '1e3'"],
    ),
    "yaml-sexagesimal": (
        replaced(MINIMAL, "      reps: 10", "      reps: 12:30").encode(),
        ["h.yaml:38:13: exercises[1].dose.reps: expected a whole number, got '12:30'"],
    ),
    "yaml-sexagesimal-date": (
        replaced(MINIMAL, "reviewed: 2026-01-15", "reviewed: 12:30").encode(),
        ["h.yaml:7:11: reviewed: expected a date written YYYY-MM-DD, got '12:30'"],
    ),
}


@pytest.mark.parametrize("name", sorted(YAML_CASES))
@pytest.mark.parametrize("command", ["render", "validate"])
def test_yaml_that_cannot_be_trusted_is_refused(
    name: str, command: str, runner: CliRunner, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    content, expected = YAML_CASES[name]
    (tmp_path / "h.yaml").write_bytes(content)
    outcome = refused(runner, monkeypatch, tmp_path, [command, "h.yaml"], expected)
    golden(name, outcome.stderr, tmp_path)


def test_deep_nesting_never_reaches_the_c_loader(tmp_path: Path) -> None:
    """The C loader segfaults near 30,000 levels; ours stops at 40 while streaming events."""
    deep = tmp_path / "deep.yaml"
    deep.write_text("a: " + "[" * 100_000 + "]" * 100_000 + "\n", encoding="utf-8")
    code = (
        "import sys, yaml\n"
        "def refuse(*a, **k): raise SystemExit('the C loader was used')\n"
        "for name in ('CParser', 'CLoader', 'CSafeLoader', 'CBaseLoader', 'CFullLoader', 'CUnsafeLoader'):\n"
        "    if hasattr(yaml, name): setattr(yaml, name, refuse)\n"
        "from psoaspdf.cli import main\n"
        "main(['validate', sys.argv[1]])\n"
    )
    # the timeout only guards against a hang; the depth limit is checked by the message below
    done = subprocess.run(
        [sys.executable, "-c", code, str(deep)], capture_output=True, text=True, timeout=600
    )
    assert done.returncode == ExitCode.INVALID_INPUT, done.stderr  # not -11 (SIGSEGV)
    assert "deep.yaml:1:43: nested more than 40 levels deep" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("name", "encode"),
    [
        ("bom", lambda text: b"\xef\xbb\xbf" + text.encode("utf-8")),
        ("utf16-le", lambda text: text.encode("utf-16")),  # what Windows Notepad calls "Unicode"
        ("utf16-be", lambda text: b"\xfe\xff" + text.encode("utf-16-be")),
    ],
)
def test_a_byte_order_mark_or_utf16_is_read(
    name: str, encode: Callable[[str], bytes], runner: CliRunner, tmp_path: Path
) -> None:
    text = replaced(MINIMAL, "General information only.", "Información general.")
    (tmp_path / "h.yaml").write_bytes(encode(text))
    result = runner.invoke(main, ["render", str(tmp_path / "h.yaml"), "-o", str(tmp_path / "out.pdf")])
    assert result.exit_code == 0, result.output
    reader = pypdf.PdfReader(tmp_path / "out.pdf")
    assert "Información general." in " ".join(page.extract_text() for page in reader.pages)
    # a mistake in such a file is still placed on the right line and column
    broken = replaced(text, "      sets: 2", "      sets: two")
    (tmp_path / "h.yaml").write_bytes(encode(broken))
    result = runner.invoke(main, ["validate", str(tmp_path / "h.yaml")])
    assert result.exit_code == 1
    assert "h.yaml:37:13: exercises[1].dose.sets: expected a whole number, got 'two'" in result.stderr


# === text ======================================================================================


def disclaimer(text: str) -> bytes:
    return replaced(MINIMAL, 'disclaimer: "General information only."', f'disclaimer: "{text}"').encode()


def video(url: str) -> bytes:
    return replaced(MINIMAL, "      reps: 10", f'      reps: 10\n    video: "{url}"').encode()


def source_url(url: str) -> bytes:
    new = f'  - title: "Knee pain guideline"\n    url: "{url}"'
    return replaced(MINIMAL, '  - "Knee pain guideline"', new).encode()


TEXT_CASES: dict[str, tuple[bytes, list[str]]] = {
    "text-control-character": (disclaimer("Ring\\a the bell"), ["h.yaml:46:13: disclaimer: ", "U+0007"]),
    "text-escape-character": (disclaimer("\\e[31mred"), ["h.yaml:46:13: disclaimer: ", "U+001B"]),
    "text-bidi-override": (
        disclaimer("Take 1 tablet \u202edaily"),
        ["h.yaml:46:13: disclaimer: ", "text-direction character (U+202E)"],
    ),
    "text-bidi-isolate": (
        disclaimer("Take \u2066one\u2069 tablet"),
        ["h.yaml:46:13: disclaimer: ", "text-direction character (U+2066)"],
    ),
    "text-no-font-has-it": (
        disclaimer("Knee \u4e00 pain"),
        ["h.yaml:46:13: disclaimer: ", "'\u4e00' (U+4E00)", "no embedded font"],
    ),
    "text-private-use": (disclaimer("Knee \ue000 pain"), ["h.yaml:46:13: disclaimer: ", "(U+E000)"]),
    "text-lone-surrogate": (disclaimer("Knee \\ud800 pain"), ["h.yaml:46:13: disclaimer: ", "(U+D800)"]),
    "text-right-to-left": (disclaimer("Knee \u05d0 pain"), ["h.yaml:46:13: disclaimer: ", "right-to-left"]),
    "url-video-javascript": (
        video("javascript:alert(1)"),
        ["h.yaml:39:12: exercises[1].video: ", "https://"],
    ),
    "url-video-javascript-case": (video("JavaScript:alert(1)"), ["h.yaml:39:12: exercises[1].video: "]),
    "url-video-file": (video("file:///etc/passwd"), ["h.yaml:39:12: exercises[1].video: ", "https://"]),
    "url-video-data": (
        video("data:text/html,<script>alert(1)</script>"),
        ["h.yaml:39:12: exercises[1].video: "],
    ),
    "url-video-http": (video("http://example.org/v"), ["h.yaml:39:12: exercises[1].video: ", "https://"]),
    "url-video-bidi": (
        video("https://example.org/\u202egpj.exe"),
        ["h.yaml:39:12: exercises[1].video: ", "U+202E"],
    ),
    "url-video-newline": (video("https://example.org/a\\nb"), ["h.yaml:39:12: exercises[1].video: "]),
    "url-source-javascript": (source_url("javascript:alert(1)"), ["h.yaml:46:10: sources[1].url: "]),
    "url-source-file": (source_url("file:///etc/passwd"), ["h.yaml:46:10: sources[1].url: "]),
    "url-source-data": (source_url("data:,hello"), ["h.yaml:46:10: sources[1].url: "]),
}


@pytest.mark.parametrize("name", sorted(TEXT_CASES))
def test_text_that_would_not_print_as_written_is_refused(
    name: str, runner: CliRunner, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    content, expected = TEXT_CASES[name]
    (tmp_path / "h.yaml").write_bytes(content)
    outcome = refused(runner, monkeypatch, tmp_path, ["render", "h.yaml"], expected)
    golden(name, outcome.stderr, tmp_path)


MARKUP = [
    '<img src="/etc/passwd"/>',
    '<a href="javascript:alert(1)">click</a>',
    '<font size="2" color="white">hidden</font>',
    '<link href="file:///etc/passwd">open</link>',
    "Fish &amp; chips &lt; &#65; &nbsp;",
    "<para>a</para> <b>unclosed",
    "<br/><onDraw name=x/>",
]


@needs_tool("pdftotext")
def test_markup_in_every_kind_of_field_prints_as_typed(runner: CliRunner, tmp_path: Path) -> None:
    def quoted(text: str) -> str:
        return '"' + text.replace('"', '\\"') + '"'

    text = MINIMAL
    for old, literal in zip(
        [
            '"Test handout about knee pain"',
            '"Keep moving, and **rest when it hurts**."',
            '"Pain at the front of the knee"',
            '"Lift one leg."',
            '"Your knee is hot, red and swollen"',
            '"Knee pain guideline"',
            '"General information only."',
        ],
        MARKUP,
        strict=True,
    ):
        text = replaced(text, old, quoted(literal))
    (tmp_path / "h.yaml").write_text(text, encoding="utf-8")
    result = runner.invoke(main, ["render", str(tmp_path / "h.yaml"), "-o", str(tmp_path / "out.pdf")])
    assert result.exit_code == 0, result.output
    printed = subprocess.run(
        ["pdftotext", str(tmp_path / "out.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    for literal in MARKUP:
        assert squash(literal) in squash(printed), literal
    data = visible((tmp_path / "out.pdf").read_bytes())
    assert b"/Type /Catalog" in data  # the packed dictionaries are read
    for key in (b"/URI", b"/JavaScript", b"/Launch", b"/Annots"):
        assert key not in data
    assert image_xobjects(pypdf.PdfReader(tmp_path / "out.pdf")) == []  # no <img> reached the page


@needs_tool("pdftotext")
def test_zero_width_characters_are_kept_and_never_print_as_boxes(runner: CliRunner, tmp_path: Path) -> None:
    """Decided: zero-width joiners and spaces are ordinary text (emoji and line-break hints need
    them); the fonts have them, so they print as nothing rather than as a box."""
    (tmp_path / "h.yaml").write_bytes(disclaimer("Gen\u200deral in\u200bfor\u200cmation only\u2060."))
    result = runner.invoke(main, ["render", str(tmp_path / "h.yaml"), "-o", str(tmp_path / "out.pdf")])
    assert result.exit_code == 0, result.output
    printed = subprocess.run(
        ["pdftotext", str(tmp_path / "out.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    visible = "".join(c for c in printed if c not in "\u200b\u200c\u200d\u2060")
    assert "General information only." in visible
    assert "\u25a1" not in printed and "\ufffd" not in printed


# === images ====================================================================================


def illustrated(folder: Path, image: bytes, name: str) -> None:
    """The illustrated test handout in ``folder``, its second picture replaced by ``image``."""
    shutil.copytree(DATA / "images", folder / "images")
    (folder / "images" / name).write_bytes(image)
    handout(folder, replaced(ILLUSTRATED, "images/square.png", f"images/{name}"))


def truncated(data: bytes) -> bytes:
    return data[: len(data) // 2]


def jpeg_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (300, 200), "#3A7").save(buffer, format="JPEG")
    return buffer.getvalue()


FIELD = "h.yaml:41:14: exercises[2].illustration.image: exercise 'Bridge': "
LAUGHS_SVG = (
    '<!DOCTYPE svg [<!ENTITY l0 "lol">'
    + "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    + "]>"
)

IMAGE_CASES: dict[str, tuple[str, Callable[[], bytes], list[str]]] = {
    "image-png-bomb": ("bomb.png", lambda: png_bomb(100_000, 100_000), ["images/bomb.png: ", "25,000,000"]),
    "image-png-too-many-pixels": ("big.png", lambda: png_bomb(6000, 6000), ["6000 x 6000 pixels"]),
    "image-png-truncated": (
        "cut.png",
        lambda: truncated(png_bytes((400, 300))),
        ["images/cut.png: not a valid"],
    ),
    "image-jpeg-truncated": ("cut.jpg", lambda: truncated(jpeg_bytes()), ["images/cut.jpg: not a valid"]),
    "image-empty-png": ("empty.png", lambda: b"", ["empty file"]),
    "image-text-as-png": ("text.png", lambda: b"this is not a picture\n", ["not a valid PNG or JPEG"]),
    "image-pdf-as-png": ("doc.png", lambda: reportlab_pdf(LETTER), ["it is a PDF file"]),
    "image-gif-as-png": ("gif.png", lambda: picture("GIF"), ["it is a GIF picture"]),
    "image-webp-as-png": ("webp.png", lambda: picture("WEBP"), ["it is a WebP picture"]),
    "image-tiff-as-png": ("tiff.png", lambda: picture("TIFF"), ["it is a TIFF picture"]),
    "image-bmp-as-jpeg": ("bmp.jpg", lambda: picture("BMP"), ["it is a BMP picture"]),
    "image-gif": ("pic.gif", lambda: picture("GIF"), ["images/pic.gif: use a PNG, JPEG or SVG file"]),
    "image-webp": ("pic.webp", lambda: picture("WEBP"), ["use a PNG, JPEG or SVG file"]),
    "image-tiff": ("pic.tiff", lambda: picture("TIFF"), ["use a PNG, JPEG or SVG file"]),
    "image-bmp": ("pic.bmp", lambda: picture("BMP"), ["use a PNG, JPEG or SVG file"]),
    "svg-xxe": (
        "xxe.svg",
        lambda: svg(
            '<text y="10">&x;</text>', prolog='<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        ),
        ["images/xxe.svg: declares XML entities"],
    ),
    "svg-billion-laughs": (
        "lol.svg",
        lambda: svg('<text y="10">&l9;</text>', prolog=LAUGHS_SVG),
        ["declares XML entities"],
    ),
    "svg-href-http": (
        "http.svg",
        lambda: svg('<image xlink:href="http://example.org/x.png" width="4" height="4"/>'),
        ["outside its own folder"],
    ),
    "svg-href-file": (
        "file.svg",
        lambda: svg('<image href="file:///etc/passwd" width="4" height="4"/>'),
        ["outside its own folder"],
    ),
    "svg-href-parent": (
        "up.svg",
        lambda: svg('<image xlink:href="../../secret.png" width="4" height="4"/>'),
        ["outside its own folder"],
    ),
    "svg-huge-size": (
        "huge.svg",
        lambda: svg('<rect width="4" height="4"/>', size='width="1e9" height="1e9"'),
        ["not sensible", "10,000"],
    ),
    "svg-zero-size": (
        "zero.svg",
        lambda: svg('<rect width="4" height="4"/>', size='width="0" height="-5"'),
        ["not sensible"],
    ),
    "svg-not-xml": ("text.svg", lambda: b"this is not XML", ["not a readable SVG file"]),
    "svg-too-big": (
        "big.svg",
        lambda: svg("<!--" + "x" * 5_000_001 + "-->"),
        ["larger than 5,000,000 bytes"],
    ),
    "svg-utf16-entity": (
        "u16.svg",
        lambda: (
            svg(
                '<text y="10">&x;</text>',
                prolog='<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE svg [<!ENTITY x "y">]>',
            )
            .decode()
            .encode("utf-16")
        ),
        ["images/u16.svg: declares XML entities"],
    ),
    "svg-embedded-short-png": (
        "short.svg",
        lambda: svg(embedded_image(short_png())),
        ["has an embedded picture that cannot be used: not a complete PNG file"],
    ),
    "svg-embedded-bomb": (
        "bomb.svg",
        lambda: svg(embedded_image(png_bomb(100_000, 100_000))),
        ["has an embedded picture that cannot be used", "25,000,000"],
    ),
    "svg-embedded-html": (
        "html.svg",
        lambda: svg(embedded_image(b"<script>alert(1)</script>" * 8_000, "text/html")),
        ["embeds 'text/html' data; only PNG and JPEG pictures may be embedded"],
    ),
    "image-png-short-of-pixels": (
        "rows.png",
        lambda: short_png(),
        ["not a complete PNG file (its picture data stops at"],
    ),
}


@pytest.mark.parametrize("name", sorted(IMAGE_CASES))
def test_pictures_that_are_not_what_they_claim_are_refused(
    name: str, runner: CliRunner, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    file_name, make, expected = IMAGE_CASES[name]
    illustrated(tmp_path, make(), file_name)
    (tmp_path / "secret.png").write_bytes(png_bytes())
    outcome = refused(runner, monkeypatch, tmp_path, ["render", "h.yaml"], [FIELD, *expected])
    golden(name, outcome.stderr, tmp_path)


def test_a_bad_logo_is_refused_with_the_layout_field(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    handout(tmp_path)
    (tmp_path / "logo.png").write_bytes(png_bomb(100_000, 100_000))
    (tmp_path / "layout.yaml").write_text("clinic:\n  name: Clinic\n  logo: logo.png\n", encoding="utf-8")
    expected = ["layout.yaml:3:9: clinic.logo: the logo: logo.png: ", "25,000,000"]
    outcome = refused(runner, monkeypatch, tmp_path, ["render", "h.yaml", "-l", "layout.yaml"], expected)
    golden("logo-png-bomb", outcome.stderr, tmp_path)


# === paths =====================================================================================

# Each way of naming a file outside the YAML file's folder, with (exists, missing) targets. The
# message must be the same for both: psoaspdf must not tell what exists elsewhere.
OUTSIDE_FORMS = ["absolute", "parent", "link-out", "nul", "folder-outside"]


def outside_name(form: str, folder: Path, target: Path, exists: bool) -> str:
    """A name, written in a file in ``folder``, for ``target`` (outside it), made to exist or not."""
    if exists:
        if form == "folder-outside":
            target.mkdir(parents=True)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(SECRETS[target.suffix])
    if form == "absolute":
        return str(target)
    if form == "parent":
        return os.path.relpath(target, folder)
    if form == "link-out":
        (folder / f"link{target.suffix}").symlink_to(target)
        return f"link{target.suffix}"
    if form == "nul":
        return "\\0" + os.path.relpath(target, folder)  # written as the YAML escape \0
    return os.path.relpath(target, folder)  # folder-outside: the target is a folder


SECRETS = {
    ".png": png_bytes(),
    ".pdf": reportlab_pdf(LETTER),
    ".yaml": MINIMAL.encode(),
    ".ttf": b"\0\1\0\0 not really a font",
    "": b"",
}


@dataclass(frozen=True)
class PathField:
    """A field that names a file, and how to write a case for it."""

    suffix: str
    field: str
    write: Callable[[Path, str], list[str]]  # (folder, name) -> command line


def handout_image(folder: Path, name: str) -> list[str]:
    text = replaced(ILLUSTRATED, "images/square.png", f'"{name}"')
    shutil.copytree(DATA / "images", folder / "images")
    handout(folder, text)
    return ["render", "h.yaml"]


def layout_logo(folder: Path, name: str) -> list[str]:
    handout(folder)
    (folder / "layout.yaml").write_text(f'clinic:\n  name: Clinic\n  logo: "{name}"\n', encoding="utf-8")
    return ["render", "h.yaml", "-l", "layout.yaml"]


def layout_fonts(folder: Path, name: str) -> list[str]:
    handout(folder)
    (folder / "layout.yaml").write_text(f'fonts:\n  regular: "{name}"\n  bold: "{name}"\n', encoding="utf-8")
    return ["render", "h.yaml", "-l", "layout.yaml"]


def booklet_file(folder: Path, item: str) -> list[str]:
    handout(folder)
    (folder / "b.yaml").write_text(f"title: Pack\nitems:\n  - handout: h.yaml\n{item}", encoding="utf-8")
    return ["booklet", "b.yaml"]


def booklet_layout(folder: Path, name: str) -> list[str]:
    handout(folder)
    (folder / "b.yaml").write_text(
        f'layout: "{name}"\ntitle: Pack\nitems:\n  - handout: h.yaml\n', encoding="utf-8"
    )
    return ["booklet", "b.yaml"]


PATH_FIELDS = {
    "image": PathField(".png", "h.yaml:41:14: exercises[2].illustration.image: ", handout_image),
    "logo": PathField(".png", "layout.yaml:3:9: clinic.logo: ", layout_logo),
    "font": PathField(".ttf", "layout.yaml:2:12: fonts.regular: ", layout_fonts),
    "booklet-pdf": PathField(
        ".pdf", "b.yaml:4:10: items[2].pdf: ", lambda f, n: booklet_file(f, f'  - pdf: "{n}"\n')
    ),
    "booklet-handout": PathField(
        ".yaml", "b.yaml:4:14: items[2].handout: ", lambda f, n: booklet_file(f, f'  - handout: "{n}"\n')
    ),
    "booklet-layout": PathField(".yaml", "b.yaml:1:9: layout: ", booklet_layout),
}


@pytest.mark.parametrize("form", OUTSIDE_FORMS)
@pytest.mark.parametrize("kind", sorted(PATH_FIELDS))
def test_a_file_outside_the_folder_gets_one_message_whether_or_not_it_exists(
    kind: str, form: str, runner: CliRunner, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    spec = PATH_FIELDS[kind]
    messages = []
    for exists in (True, False):
        root = tmp_path / ("exists" if exists else "missing")
        folder = root / "clinic"
        folder.mkdir(parents=True)
        suffix = "" if form == "folder-outside" else spec.suffix
        target = root / "private" / f"secret{suffix}"
        args = spec.write(folder, outside_name(form, folder, target, exists))
        outcome = refused(runner, monkeypatch, folder, args, [spec.field])
        messages.append(normalised(outcome.stderr, root))
    assert messages[0] == messages[1]  # not a file-existence oracle
    if form == "absolute":
        assert "is an absolute path" in messages[0]
    elif form != "nul":
        assert "leads outside the library root" in messages[0]
    assert "secret" not in messages[0].split(spec.field, 1)[0]
    golden(f"path-{kind}-{form}", messages[0], tmp_path)


@pytest.mark.parametrize("kind", sorted(PATH_FIELDS))
def test_a_folder_inside_is_named_as_a_folder(
    kind: str, runner: CliRunner, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    spec = PATH_FIELDS[kind]
    (tmp_path / "things.d").mkdir()
    args = spec.write(tmp_path, "things.d/")
    outcome = refused(runner, monkeypatch, tmp_path, args, [spec.field, "is a folder"])
    golden(f"path-{kind}-folder-inside", outcome.stderr, tmp_path)


def test_the_shipped_booklet_may_still_use_the_shipped_pdf(runner: CliRunner, tmp_path: Path) -> None:
    """Files psoaspdf ships may use each other (the example booklet's welcome PDF)."""

    result = runner.invoke(main, ["validate", str(LIBRARY / "booklets" / "low-back-care.yaml")])
    assert result.exit_code == 0, result.output


# === clinic PDFs in a booklet =================================================================


def deep_outline(levels: int) -> bytes:
    """A one-page PDF whose bookmarks nest ``levels`` deep (objects 5, 6...), as raw objects."""
    items = []
    for level in range(levels):
        number = 6 + level
        parent = b"5 0 R" if level == 0 else b"%d 0 R" % (number - 1)
        child = (
            b" /First %d 0 R /Last %d 0 R /Count 1" % (number + 1, number + 1) if level < levels - 1 else b""
        )
        items.append(b"<< /Title (Level %d) /Parent %s /Dest [3 0 R /Fit]%s >>" % (level, parent, child))
    return raw_pdf(
        b"<< /Type /Catalog /Pages 2 0 R /Outlines 5 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << >> /Contents 4 0 R >>",
        stream(b"", b"0 0 1 rg 72 72 200 200 re f"),
        b"<< /Type /Outlines /First 6 0 R /Last 6 0 R /Count 1 >>",
        *items,
    )


def encrypted() -> bytes:
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(reportlab_pdf(LETTER))))
    writer.encrypt(user_password="secret", owner_password="owner")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def bomb(megabytes: int = 300) -> bytes:
    return one_page(zeros_deflated(megabytes), content_dict=b"/Filter /FlateDecode")


PDF_CASES: dict[str, tuple[Callable[[], bytes], list[str]]] = {
    "pdf-empty": (lambda: b"", ["empty"]),
    "pdf-truncated": (lambda: reportlab_pdf(LETTER)[:300], []),
    "pdf-not-a-pdf": (lambda: b"Dear patient,\nthis is a letter, not a PDF.\n", []),
    "pdf-image-renamed": (png_bytes, []),
    "pdf-encrypted": (encrypted, ["password"]),
    "pdf-decompression-bomb": (bomb, []),
}


def clinic_booklet(folder: Path, data: bytes) -> list[str]:
    (folder / "clinic.pdf").write_bytes(data)
    return booklet_file(folder, "  - pdf: clinic.pdf\n")


@pytest.mark.parametrize("name", sorted(PDF_CASES))
def test_a_clinic_pdf_that_cannot_be_used_is_refused(
    name: str, runner: CliRunner, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    make, expected = PDF_CASES[name]
    args = clinic_booklet(tmp_path, make())
    outcome = refused(
        runner, monkeypatch, tmp_path, args, ["b.yaml:4:10: items[2].pdf: clinic.pdf: ", *expected]
    )
    golden(name, outcome.stderr, tmp_path)


def armed() -> bytes:
    """A clinic PDF with scripts on opening, a page action and a Launch link."""

    def arm(writer: pypdf.PdfWriter) -> None:
        writer.root_object[NameObject("/OpenAction")] = js("evilOpen()")
        page = writer.pages[0]
        page[NameObject("/AA")] = DictionaryObject({NameObject("/O"): js("evilPageOpen()")})
        launch = DictionaryObject(
            {NameObject("/S"): NameObject("/Launch"), NameObject("/F"): TextStringObject("launchMe")}
        )
        writer.root_object[NameObject("/AA")] = DictionaryObject({NameObject("/WC"): launch})

    return edited(reportlab_pdf(LETTER), arm)


@pytest.mark.parametrize(("name", "make"), [("armed", armed), ("deep-outline", lambda: deep_outline(10_000))])
def test_a_clinic_pdf_with_actions_or_deep_bookmarks_is_used_safely(
    name: str, make: Callable[[], bytes], runner: CliRunner, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Scripts and actions are stripped, not an error; deep bookmarks are read within bounds."""
    args = clinic_booklet(tmp_path, make())
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(main, [*args, "-o", "out.pdf"])
    assert "Traceback" not in result.output
    if result.exit_code != 0:  # refusing a file too complex to read is fine too, with a message
        assert result.exit_code == ExitCode.INVALID_INPUT
        assert "b.yaml:4:10: items[2].pdf: clinic.pdf: " in result.stderr
        assert not (tmp_path / "out.pdf").exists()
        return
    data = (tmp_path / "out.pdf").read_bytes()
    assert_nothing_active(data)
    reader = pypdf.PdfReader(io.BytesIO(data))
    assert len(reader.pages) >= 3
    assert outline_depth(reader.outline) <= 12  # the clinic's bookmarks did not come through 10,000 deep


def outline_depth(outline: Sequence[object]) -> int:
    return 1 + max((outline_depth(item) for item in outline if isinstance(item, list)), default=0)


PEAK_MEMORY = """
import atexit, sys
def peak():  # this process's own high-water mark (not the parent's, as getrusage would count)
    with open("/proc/self/status") as status:
        sys.stdout.write(next(line for line in status if line.startswith("VmHWM:")))
atexit.register(peak)
from psoaspdf.cli import main
main(sys.argv[1:])
"""


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux's /proc to measure memory")
def _peak_kb(folder: Path, data: bytes) -> tuple[int, subprocess.CompletedProcess[str]]:
    """Build a booklet holding ``data`` as its clinic PDF in a fresh process: its peak memory
    (kB) and the finished process."""
    clinic_booklet(folder, data)
    done = subprocess.run(
        [sys.executable, "-c", PEAK_MEMORY, "booklet", "b.yaml", "-o", "out.pdf"],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=600,  # a guard against a hang only
    )
    return int(done.stdout.split()[-2]), done  # "VmHWM:   190000 kB"


def test_a_decompression_bomb_is_refused_within_bounded_memory(tmp_path: Path) -> None:
    """512 MB of zeros packed into half a megabyte: refused long before it is all unpacked, in a
    fresh process whose peak memory is compared with the same booklet around a harmless page."""
    (tmp_path / "good").mkdir()
    (tmp_path / "bomb").mkdir()
    baseline, _ = _peak_kb(tmp_path / "good", reportlab_pdf(LETTER))
    peak, done = _peak_kb(tmp_path / "bomb", bomb(512))
    assert done.returncode == ExitCode.INVALID_INPUT, done.stderr
    assert "b.yaml:4:10: items[2].pdf: clinic.pdf: " in done.stderr, done.stderr
    assert "decompression bomb" in done.stderr and "Traceback" not in done.stderr
    # unpacked, it would cost 512 MB more; the reader stops within a few 64 MB stream budgets
    assert peak - baseline < 3 * 64 * 1024, (peak, baseline)
    assert not (tmp_path / "bomb" / "out.pdf").exists()


# === the other files a run reads: layouts, booklets, handouts named in a booklet ===============

UNTRUSTED_YAML = {
    "python-tag": ("name: !!python/object/apply:os.system ['id']\n", ":1:7: ", "not supported"),
    "alias": ("name: &a Clinic\nfooter: *a\n", ":2:9: ", "aliases (*a)"),
    "deep": ("name: " + "[" * 10_000 + "]" * 10_000 + "\n", ":1:46: ", "nested more than 40 levels deep"),
    "two-documents": ("name: A\n---\nname: B\n", ":2:1: ", "more than one YAML document"),
    "nul-byte": ("name: A\0B\n", ":1:8: ", "control character (U+0000)"),
    "empty": ("", ": ", "the file is empty"),
}


@pytest.mark.parametrize("name", sorted(UNTRUSTED_YAML))
@pytest.mark.parametrize("role", ["layout", "booklet", "booklet-item", "booklet-layout"])
def test_every_yaml_file_a_run_reads_is_held_to_the_same_rules(
    role: str, name: str, runner: CliRunner, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    content, where, words = UNTRUSTED_YAML[name]
    handout(tmp_path)
    (tmp_path / "bad.yaml").write_bytes(content.encode())
    booklet = "title: Pack\nitems:\n  - handout: h.yaml\n"
    args = {
        "layout": ["render", "h.yaml", "-l", "bad.yaml"],
        "booklet": ["booklet", "bad.yaml"],
        "booklet-item": ["booklet", "b.yaml"],
        "booklet-layout": ["booklet", "b.yaml"],
    }[role]
    if role == "booklet-item":
        (tmp_path / "b.yaml").write_text(booklet + "  - handout: bad.yaml\n", encoding="utf-8")
    if role == "booklet-layout":
        (tmp_path / "b.yaml").write_text("layout: bad.yaml\n" + booklet, encoding="utf-8")
    if role == "booklet" and name == "empty":
        # an empty file is no booklet: it is taken as a handout, and still refused plainly
        where = ": "
    outcome = refused(runner, monkeypatch, tmp_path, args, [f"bad.yaml{where}", words])
    golden(f"yaml-{role}-{name}", outcome.stderr, tmp_path)


def test_a_folder_named_on_the_command_line_is_named_as_a_folder(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / "knee.yaml").mkdir()
    outcome = refused(runner, monkeypatch, tmp_path, ["render", "knee.yaml"], ["knee.yaml: is a folder"])
    golden("path-command-line-folder", outcome.stderr, tmp_path)


@pytest.mark.parametrize("kind", sorted(PATH_FIELDS))
def test_a_link_that_leads_round_in_a_circle_is_refused_plainly(
    kind: str, runner: CliRunner, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    spec = PATH_FIELDS[kind]
    name = f"loop{spec.suffix}"
    (tmp_path / name).symlink_to(name)  # Python raised RuntimeError here: an "internal error"
    outcome = refused(runner, monkeypatch, tmp_path, spec.write(tmp_path, name), [spec.field, "circle"])
    golden(f"path-{kind}-link-loop", outcome.stderr, tmp_path)


def test_a_link_loop_outside_the_folder_tells_nothing_about_it(tmp_path: Path) -> None:
    from psoaspdf.library import Root, inside

    home = tmp_path / "handouts"
    home.mkdir()
    root = Root(home.resolve(), "a test")
    (tmp_path / "loop").symlink_to(tmp_path / "loop")  # outside: a link that leads to itself
    assert inside(root, home, "../loop/x.png") is None
    assert inside(root, home, "../nothing-here/x.png") is None
    (home / "inner").symlink_to(home / "inner")  # inside the folder the loop is the user's to fix
    with pytest.raises(OSError, match="round in a circle"):
        inside(root, home, "inner/x.png")
