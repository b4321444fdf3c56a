"""The accessible HTML twin: its structure read back, and axe-core in headless Chromium."""

from __future__ import annotations

import dataclasses
import itertools
import json
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from conftest import BUNDLED_ID, DATA, LIBRARY, TESTS, plain

from psoaspdf import api, model
from psoaspdf.cli import main
from psoaspdf.errors import ExitCode
from psoaspdf.library import package_data
from psoaspdf.wording import labels

SHIPPED = sorted(p.stem for p in (LIBRARY / "handouts").glob("*.yaml"))
BROWSER = TESTS / "browser"
AXE = BROWSER / "axe-check.mjs"


@dataclasses.dataclass
class Element:
    tag: str
    attrs: dict[str, str]


class Page(HTMLParser):
    """The parts of a page the tests look at: elements, text, and where text sits."""

    VOID = frozenset({"img", "input", "meta", "br", "link", "hr"})

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self.stack: list[str] = []
        self.text: list[str] = []
        self.head_text: list[str] = []
        self.label_text: dict[str, str] = {}
        self._label_for: str | None = None
        self.feed(source)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        self.elements.append(Element(tag, values))
        if tag == "label":
            self._label_for = values.get("for")
            if self._label_for:
                self.label_text[self._label_for] = ""
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag == "label":
            self._label_for = None
        if tag in self.stack:
            while self.stack.pop() != tag:
                pass

    def handle_data(self, data: str) -> None:
        if "style" in self.stack:
            return
        (self.head_text if "head" in self.stack else self.text).append(data)
        if self._label_for:
            self.label_text[self._label_for] += data

    def all(self, tag: str) -> list[Element]:
        return [e for e in self.elements if e.tag == tag]

    @property
    def body_text(self) -> str:
        return " ".join(" ".join(self.text).split())


def html_for(handout: str, layout: str | None = None, **kwargs: Any) -> str:
    inputs = api.load_inputs(handout, layout, profile=kwargs.pop("profile", None))
    return api.render_handout_html(inputs, kwargs.pop("personal", None)).decode("utf-8")


@pytest.fixture(scope="module")
def bundled() -> Page:
    return Page(html_for(BUNDLED_ID, "riverbend"))


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def printed_strings(handout: model.Handout) -> list[str]:
    """Every piece of the handout's own text that the page shows."""
    skip = {
        "id",
        "version",
        "language",
        "reviewed_by",
        "status",  # printed as the draft label (tests/test_draft.py)
        "keywords",
        "image",
        "pose",
        "url",
        "video",
        "per",
        "region",  # for searching the exercise library, not printed
        "base",
    }
    found: list[str] = []

    def walk(value: Any, name: str = "") -> None:
        if name in skip:
            return
        if isinstance(value, str):
            found.append(value)
        elif isinstance(value, tuple):
            for item in value:
                walk(item, name)
        elif dataclasses.is_dataclass(value):
            for field in dataclasses.fields(value):
                walk(getattr(value, field.name), field.name)

    walk(handout)
    return found


# --- structure ------------------------------------------------------------------------------


@pytest.mark.parametrize("handout", SHIPPED)
def test_every_word_of_the_handout_is_on_the_page(handout: str) -> None:
    inputs = api.load_inputs(handout)
    page = Page(api.render_handout_html(inputs).decode("utf-8"))
    text = page.body_text
    for piece in printed_strings(inputs.handout):
        assert squash(plain(piece)) in text, piece


def test_language_and_labels_follow_the_handout() -> None:
    english = html_for(BUNDLED_ID)
    spanish = html_for("iliopsoas-back-pain-es")
    assert '<html lang="en">' in english
    assert '<html lang="es">' in spanish
    assert "Cuándo pedir ayuda" in Page(spanish).body_text
    assert "When to get help" in Page(english).body_text
    assert "When to get help" not in Page(spanish).body_text
    # the built-in layout's placeholder clinic name is a label too
    assert "Su clínica" in Page(spanish).body_text and "Your clinic" not in Page(spanish).body_text


def test_text_in_another_language_is_marked_for_screen_readers(tmp_path: Path) -> None:
    # Riverbend without its Spanish footer line: the English one is marked on a Spanish page
    riverbend = (LIBRARY / "layouts" / "riverbend.yaml").read_text(encoding="utf-8")
    english_only = tmp_path / "riverbend-en.yaml"
    english_only.write_text(riverbend.split("\ntranslations:")[0] + "\n", encoding="utf-8")
    (tmp_path / "riverbend-logo.svg").write_bytes((LIBRARY / "layouts" / "riverbend-logo.svg").read_bytes())
    spanish = Page(html_for("iliopsoas-back-pain-es", str(english_only)))
    marked = [e for e in spanish.elements if "lang" in e.attrs and e.tag != "html"]
    sources = yaml.safe_load(
        (LIBRARY / "handouts" / "iliopsoas-back-pain-es.yaml").read_text(encoding="utf-8")
    )
    in_english = [s for s in sources["sources"] if s.get("language") == "en"]
    assert len(in_english) >= 1
    # each English source, then the English footer line of the layout
    assert [(e.tag, e.attrs["lang"]) for e in marked] == [("span", "en")] * len(in_english) + [("p", "en")]
    english = Page(html_for(BUNDLED_ID, "riverbend"))
    assert [e for e in english.elements if "lang" in e.attrs and e.tag != "html"] == []


def test_a_layout_prints_its_own_words_in_the_handouts_language() -> None:
    """Riverbend gives its footer line in Spanish too: Spanish pages print that one, unmarked,
    and English pages the English one; the PDF does the same."""
    import io

    import pypdf
    from conftest import render_bytes

    layout = yaml.safe_load((LIBRARY / "layouts" / "riverbend.yaml").read_text(encoding="utf-8"))
    english_line = layout["footer"]["disclaimer"]
    (spanish_line,) = [t["footer"] for t in layout["translations"] if t["language"] == "es"]
    spanish = html_for("iliopsoas-back-pain-es", "riverbend")
    assert spanish_line in spanish and english_line not in spanish
    english = html_for(BUNDLED_ID, "riverbend")
    assert english_line in english and spanish_line not in english
    for handout, line, other in (
        ("iliopsoas-back-pain-es", spanish_line, english_line),
        (BUNDLED_ID, english_line, spanish_line),
    ):
        pages = pypdf.PdfReader(io.BytesIO(render_bytes(handout, "riverbend"))).pages
        texts = [" ".join((p.extract_text() or "").split()) for p in pages]
        assert all(line in t and other not in t for t in texts), handout


def test_one_title_and_headings_never_skip_a_level(bundled: Page) -> None:
    levels = [int(e.tag[1]) for e in bundled.elements if re.fullmatch(r"h[1-6]", e.tag)]
    assert levels.count(1) == 1 and levels[0] == 1
    for before, after in itertools.pairwise(levels):
        assert after <= before + 1, levels


def test_landmarks_and_one_main(bundled: Page) -> None:
    assert len(bundled.all("main")) == 1
    assert bundled.all("header") and bundled.all("footer")
    ids = [e.attrs["id"] for e in bundled.elements if "id" in e.attrs]
    assert len(ids) == len(set(ids)), "ids must be unique"
    for article in bundled.all("article"):
        assert article.attrs.get("aria-labelledby") in ids
    # named regions only where a reader wants to jump: not one per section
    named = [s.attrs.get("class", "") for s in bundled.all("section") if "aria-labelledby" in s.attrs]
    assert named == ["key", "", "", "help", "contact"]  # key message, checklist, exercises, help, contact
    for section in bundled.all("section"):
        assert section.attrs.get("aria-labelledby", ids[0]) in ids


def test_pictures_have_their_alt_text_and_a_visible_caption(bundled: Page) -> None:
    inputs = api.load_inputs(BUNDLED_ID, "riverbend")
    alts = [e.illustration.alt for e in inputs.handout.exercises if e.illustration]
    images = bundled.all("img")
    logo = [img for img in images if img.attrs.get("class") == "logo"]
    assert len(logo) == 1 and logo[0].attrs["alt"] == ""  # decoration: the name is beside it
    figures = [img.attrs["alt"] for img in images if img.attrs.get("class") != "logo"]
    assert figures == [plain(a) for a in alts]
    assert len(bundled.all("figcaption")) == len(alts)
    for img in images:
        assert img.attrs["src"].startswith(("data:image/svg+xml;base64,", "data:image/png;base64,"))
        assert int(img.attrs["width"]) > 0 and int(img.attrs["height"]) > 0


def test_checklist_is_real_checkboxes_with_labels(bundled: Page) -> None:
    inputs = api.load_inputs(BUNDLED_ID)
    boxes = [e for e in bundled.all("input") if e.attrs.get("type") == "checkbox"]
    tracked = [item for item in inputs.handout.self_care.items if item.track]
    assert len(boxes) == len(inputs.handout.self_care.items) + 7 * len(tracked)
    texts = {e.attrs["id"]: e for e in bundled.elements if "id" in e.attrs}
    for box in boxes:
        if "aria-labelledby" in box.attrs:  # a chart box: named by its day and its habit
            day, habit = box.attrs["aria-labelledby"].split()
            assert texts[day].tag == "th" and day.startswith("day-") and habit.startswith("track-")
            assert texts[habit].tag == "th"
        else:
            assert bundled.label_text.get(box.attrs["id"], "").strip()
    first = inputs.handout.self_care.items[0]
    assert plain(first.text) in bundled.label_text["care-1"]


def test_steps_are_a_numbered_list_and_the_dose_is_labelled(bundled: Page) -> None:
    inputs = api.load_inputs(BUNDLED_ID)
    steps = sum(len(e.steps) for e in inputs.handout.exercises)
    ordered = bundled.elements.count(Element("ol", {}))
    assert ordered == len(inputs.handout.exercises)
    assert len([e for e in bundled.all("li")]) >= steps
    assert len(bundled.all("dl")) == len(inputs.handout.exercises)
    assert "Hold 30 seconds" in bundled.body_text


def test_self_contained_and_without_scripts(bundled: Page) -> None:
    for element in bundled.elements:
        assert element.tag not in {"script", "iframe", "object", "embed", "link", "base", "form"}
        assert not any(name.startswith("on") for name in element.attrs)
        for name in ("src", "srcset", "data", "poster"):
            if name in element.attrs:
                assert element.attrs[name].startswith("data:"), element
    for link in bundled.all("a"):
        assert link.attrs["href"].startswith(("https://", "http://", "tel:", "mailto:", "#"))


def test_links_to_the_help_section_and_phones_that_dial(bundled: Page) -> None:
    hrefs = [a.attrs["href"] for a in bundled.all("a")]
    help_box = next(e for e in bundled.all("section") if e.attrs.get("class") == "help")
    assert f"#{help_box.attrs['aria-labelledby']}" in hrefs
    assert hrefs[0].startswith("#")  # the first link on the page leads to the warning signs
    assert "tel:911" in hrefs
    assert "tel:5550142290" in hrefs  # riverbend's "(555) 014-2290"


def test_markup_in_user_text_is_shown_as_text() -> None:
    source = html_for(str(DATA / "markup.yaml"))
    page = Page(source)
    text = page.body_text
    for literal in [
        'See <img src="/etc/passwd"/> here.',
        '<a href="javascript:alert(1)">x</a>',
        "<b>unclosed",
        "Fish &amp; chips",
        '<link href="file:///etc/passwd">y</link>',
        "<br/>not a break<para>",
    ]:
        assert literal in text
    assert all(not a.attrs["href"].lower().startswith("javascript") for a in page.all("a"))
    assert len(page.all("img")) == 0  # no picture in this handout, and none from its text
    assert "<strong>Stop now</strong>" in source


def test_layout_text_in_the_style_sheet_cannot_end_it(tmp_path: Path) -> None:
    layout = tmp_path / "layout.yaml"
    hostile = 'Bad</style><script>alert(1)</script> "x" \\ é'
    layout.write_text(f"name: Hostile\nclinic:\n  name: {json.dumps(hostile)}\n", encoding="utf-8")
    source = html_for(BUNDLED_ID, str(layout))
    assert source.count("</style>") == 1 and "<script" not in source
    page = Page(source)
    assert hostile in page.body_text  # shown as text in the page header
    style = source.split("<style>")[1].split("</style>")[0]
    assert (
        'content:"Bad\\3C /style\\3E \\3C script\\3E alert(1)\\3C /script\\3E  \\22 x\\22  \\5C  \\E9 "'
        in style
    )


def test_printed_pages_carry_the_contact_and_page_x_of_y() -> None:
    english = html_for(BUNDLED_ID, "riverbend")
    spanish = html_for("iliopsoas-back-pain-es")
    assert '@bottom-right{content:"Page " counter(page) " of " counter(pages)' in english
    assert '@bottom-right{content:"P\\E1 gina " counter(page) " de " counter(pages)' in spanish
    phone = api.load_inputs(BUNDLED_ID, "riverbend").layout.clinic.contact.phone
    assert phone and f'@bottom-left{{content:"Riverbend Physical Therapy \\B7  {phone}' in english


def test_personal_details_are_on_the_page_never_in_the_head() -> None:
    personal = model.Personal(patient="Ana Diaz-Private", clinician="Dr Lee", date="1 May")
    source = html_for(BUNDLED_ID, personal=personal)
    page = Page(source)
    assert "Ana Diaz-Private" in page.body_text
    assert "Ana Diaz-Private" not in " ".join(page.head_text)
    assert all("Ana" not in " ".join(m.attrs.values()) for m in page.all("meta"))


def test_large_print_and_layout_colours_reach_the_style() -> None:
    standard = html_for(BUNDLED_ID)
    large = html_for(BUNDLED_ID, profile="large-print")
    assert "--size:1.250rem" in standard and "--print-size:14pt" in standard
    assert "--size:1.607rem" in large and "--print-size:18pt" in large
    riverbend = api.load_inputs(BUNDLED_ID, "riverbend").layout
    assert f"--primary:{riverbend.colors.primary}" in html_for(BUNDLED_ID, "riverbend")


def test_the_symbol_font_comes_along_only_when_the_text_needs_it() -> None:
    assert "Handout symbols" in html_for(str(DATA / "symbols.yaml")).split("</style>")[0].split(":root")[0]
    assert '"Handout symbols";src' not in html_for(BUNDLED_ID)


def test_a_layout_font_for_a_script_is_embedded_for_that_script_only(
    tmp_path: Path, write_variant: Any
) -> None:
    font = package_data("fonts") / "DejaVuSans-Bold.ttf"
    (tmp_path / font.name).write_bytes(font.read_bytes())
    layout = tmp_path / "layout.yaml"
    layout.write_text(f"name: Scripts\nfonts:\n  scripts:\n    cyrillic: {font.name}\n", encoding="utf-8")
    handout = write_variant({"Pain at the front of the knee": "Боль в колене"})
    source = html_for(str(handout), str(layout))
    style = source.split("</style>")[0]
    scripted = [rule for rule in style.split("@font-face")[1:] if "unicode-range" in rule]
    assert len(scripted) == 4  # regular and bold, upright and italic
    assert all("unicode-range:U+0400-052F" in rule and '"Handout"' in rule for rule in scripted)
    assert "Боль в колене" in Page(source).body_text


def test_pictures_are_redrawn_without_scripts_or_photo_metadata(tmp_path: Path) -> None:
    import base64
    import io
    import shutil as sh

    from PIL import Image

    sh.copytree(DATA / "images", tmp_path / "images")
    handout = tmp_path / "h.yaml"
    handout.write_text(
        (DATA / "illustrated.yaml").read_text(encoding="utf-8").replace("square.png", "photo.jpg"),
        encoding="utf-8",
    )
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # camera make; GPS tags travel the same way
    Image.new("RGB", (40, 30), "green").save(tmp_path / "images" / "photo.jpg", exif=exif.tobytes())
    svg = tmp_path / "images" / "stretch.svg"
    svg.write_text(
        svg.read_text(encoding="utf-8")
        .replace(
            "</svg>",
            '<text x="1" y="9">&lt;/svg&gt;&lt;script&gt;x&lt;/script&gt;</text><script>alert(1)</script></svg>',
        )
        .replace("<svg ", '<svg onload="alert(2)" ', 1),
        encoding="utf-8",
    )
    page = Page(html_for(str(handout)))
    sources = [img.attrs["src"] for img in page.all("img")]
    jpeg = next(src for src in sources if src.startswith("data:image/jpeg"))
    photo = Image.open(io.BytesIO(base64.b64decode(jpeg.split(",", 1)[1])))
    assert photo.size == (40, 30) and not photo.getexif()
    drawing = base64.b64decode(
        next(src for src in sources if src.startswith("data:image/svg")).split(",", 1)[1]
    )
    assert b"<path" in drawing or b"<polygon" in drawing or b"<line" in drawing
    assert b"alert" not in drawing and b"<script" not in drawing.lower()
    assert b"&lt;/svg&gt;&lt;script&gt;" in drawing  # the SVG's own text, kept as text


def test_the_same_input_gives_the_same_bytes(tmp_path: Path) -> None:
    # in separate processes (no shared caches), with different hash seeds
    outputs = []
    for seed in ("1", "2"):
        out = tmp_path / f"{seed}.html"
        subprocess.run(
            [
                sys.executable,
                "-m",
                "psoaspdf",
                "render",
                BUNDLED_ID,
                "-l",
                "riverbend",
                "--format",
                "html",
                "-o",
                str(out),
            ],
            check=True,
            capture_output=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        )
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]


@pytest.mark.parametrize(
    ("phone", "dialled"),
    [
        ("(555) 014-2290", "tel:5550142290"),
        ("+44 20 7946 0958", "tel:+442079460958"),
        ("0800 123 456 / 0800 654 321", None),  # two numbers: never run together into one
        ("112 or 999", None),
        ("...", None),
        ("12", None),
        ("1234567890123456", None),  # longer than any phone number
    ],
)
def test_only_a_single_real_phone_number_is_dialled(tmp_path: Path, phone: str, dialled: str | None) -> None:
    layout = tmp_path / "layout.yaml"
    layout.write_text(
        f"name: Phones\nclinic:\n  name: Clinic\n  contact:\n    phone: {json.dumps(phone)}\n"
        f"    emergency_number: {json.dumps(phone)}\n",
        encoding="utf-8",
    )
    page = Page(html_for(BUNDLED_ID, str(layout)))
    dials = {a.attrs["href"] for a in page.all("a") if a.attrs["href"].startswith("tel:")}
    assert dials == ({dialled} if dialled else set())
    assert phone in page.body_text


@pytest.mark.parametrize(
    ("email", "linked"),
    [
        ("help@clinic.example", True),
        ("help@clinic.example?cc=x@y.example&body=hi", False),
        ("ask at the desk", False),
    ],
)
def test_only_a_plain_email_address_is_a_mail_link(tmp_path: Path, email: str, linked: bool) -> None:
    layout = tmp_path / "layout.yaml"
    layout.write_text(
        f"name: Mail\nclinic:\n  name: Clinic\n  contact:\n    email: {json.dumps(email)}\n", encoding="utf-8"
    )
    page = Page(html_for(BUNDLED_ID, str(layout)))
    mails = [a.attrs["href"] for a in page.all("a") if a.attrs["href"].startswith("mailto:")]
    assert mails == ([f"mailto:{email}"] if linked else [])


def test_ids_stay_unique_whatever_the_headings_say(tmp_path: Path) -> None:
    source = (DATA / "minimal.yaml").read_text(encoding="utf-8")
    for key, heading in (("self_care", "Day 3"), ("causes", "Care 1"), ("why_it_hurts", "Track 1")):
        assert f"\n{key}:\n" in source
        source = source.replace(f"\n{key}:\n", f'\n{key}:\n  heading: "{heading}"\n', 1)
    clashing = tmp_path / "clashing.yaml"
    clashing.write_text(source, encoding="utf-8")
    page = Page(html_for(str(clashing)))
    ids = [e.attrs["id"] for e in page.elements if "id" in e.attrs]
    assert len(ids) == len(set(ids)), sorted(ids)
    for element in page.elements:
        for ref in element.attrs.get("aria-labelledby", "").split():
            assert ids.count(ref) == 1


def test_the_patients_own_copy_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    out = tmp_path / "ana.html"
    result = CliRunner().invoke(
        main, ["render", BUNDLED_ID, "--format", "html", "--patient", "Ana", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert out.stat().st_mode & 0o777 == 0o600
    blank = tmp_path / "blank.html"
    assert (
        CliRunner().invoke(main, ["render", BUNDLED_ID, "--format", "html", "-o", str(blank)]).exit_code == 0
    )
    assert blank.stat().st_mode & 0o077 != 0  # a blank handout for anyone: the usual permissions


def test_cli_writes_html_and_keeps_pdf_names_apart(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    result = runner.invoke(main, ["render", BUNDLED_ID, "--format", "html"])
    assert result.exit_code == 0, result.output
    written = tmp_path / f"{BUNDLED_ID}.html"
    assert written.read_bytes().startswith(b"<!DOCTYPE html>")
    result = runner.invoke(main, ["render", BUNDLED_ID, "--format", "html", "-o", "x.pdf"])
    assert result.exit_code == ExitCode.CANNOT_WRITE
    assert "give a file name ending in .html" in result.output
    assert not (tmp_path / "x.pdf").exists()


def test_cli_bad_handout_writes_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text((DATA / "minimal.yaml").read_text().replace("title:", "titel:"), encoding="utf-8")
    out = tmp_path / "out.html"
    out.write_text("keep me")
    result = CliRunner().invoke(main, ["render", str(bad), "--format", "html", "-o", str(out)])
    assert result.exit_code == ExitCode.INVALID_INPUT
    assert "titel" in result.output and "Traceback" not in result.output
    assert out.read_text() == "keep me"


# --- in a real browser ----------------------------------------------------------------------


def _browser_missing() -> str | None:
    chromium = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    if not Path(chromium).exists():
        return f"Chromium is not installed at {chromium} (Debian: apt-get install chromium)"
    if shutil.which("node") is None:
        return "Node.js is not installed (Debian: apt-get install nodejs npm)"
    if not (BROWSER / "node_modules" / "axe-core").is_dir():
        return "axe-core is not installed (npm ci --prefix tests/browser)"
    return None


def _skip_or_fail(reason: str) -> None:
    """Skip when the browser is missing; in CI (PSOASPDF_REQUIRE_BROWSER=1) that is a failure."""
    if os.environ.get("PSOASPDF_REQUIRE_BROWSER"):
        pytest.fail(f"{reason}; PSOASPDF_REQUIRE_BROWSER is set, so these tests must run")
    pytest.skip(reason)


def run_axe(files: list[Path], pdfs: Path | None = None) -> list[dict[str, Any]]:
    """axe's findings for each page; with ``pdfs``, each page printed there by Chromium too."""
    extra = ["--pdf", str(pdfs)] if pdfs else []
    result = subprocess.run(
        ["node", str(AXE), *extra, *map(str, files)], capture_output=True, text=True, timeout=300, check=False
    )
    assert result.returncode == 0, result.stderr
    pages: list[dict[str, Any]] = json.loads(result.stdout)["pages"]
    return pages


@pytest.fixture(scope="module")
def axe_pages(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    missing = _browser_missing()
    if missing:
        _skip_or_fail(missing)
    folder = tmp_path_factory.mktemp("html")
    files = []
    personal = model.Personal(
        patient="Ana Díaz", clinician="Dr Lee", date="1 May 2026", note="Try **two** sets."
    )
    cases: list[tuple[str, str | None, dict[str, Any]]] = [(h, None, {}) for h in SHIPPED]
    cases += [
        (BUNDLED_ID, "riverbend", {"personal": personal}),
        (BUNDLED_ID, "riverbend", {"profile": "large-print"}),
        (BUNDLED_ID, None, {"profile": "ink-saving"}),
        (str(DATA / "markup.yaml"), None, {}),
        (str(DATA / "symbols.yaml"), None, {}),
    ]
    for n, (handout, layout, kwargs) in enumerate(cases):
        path = folder / f"{n:02d}-{Path(handout).stem}.html"
        path.write_text(html_for(handout, layout, **kwargs), encoding="utf-8")
        files.append(path)
    # a home-exercise program's page too, personalised
    from psoaspdf.program import load_program_inputs, render_program_bytes

    program = folder / "90-program.html"
    program.write_bytes(render_program_bytes(load_program_inputs(["back-core-four"]), personal, "html"))
    files.append(program)
    broken = folder / "zz-broken.html"  # the check must be able to fail
    broken.write_text(
        files[0]
        .read_text(encoding="utf-8")
        .replace('<html lang="', '<html data-x="')
        .replace(' alt="', ' data-alt="'),
        encoding="utf-8",
    )
    files.append(broken)
    return run_axe(files, PRINTED.setdefault("folder", tmp_path_factory.mktemp("printed")))


PRINTED: dict[str, Path] = {}  # where axe_pages had Chromium print each page


def test_printed_from_a_browser_no_exercise_card_splits(axe_pages: list[dict[str, Any]]) -> None:
    """Each card's title, last step and dose on one page of Chromium's print (the review found
    every card split: box-decoration-break let them)."""
    import io

    import pypdf

    inputs = api.load_inputs(BUNDLED_ID)
    printed = next(PRINTED["folder"].glob(f"*-{BUNDLED_ID}.html.pdf"))
    pages = [
        " ".join((p.extract_text() or "").split())
        for p in pypdf.PdfReader(io.BytesIO(printed.read_bytes())).pages
    ]
    words = labels("en")
    for number, exercise in enumerate(inputs.handout.exercises, start=1):
        title = f"{words['exercise']} {number}: {exercise.name}"
        (page,) = [p for p in pages if title in p]
        assert plain(exercise.steps[-1]) in page, title
        assert plain(exercise.cautions[-1]) in page, title


def test_axe_finds_no_violations_on_screen_or_in_print(axe_pages: list[dict[str, Any]]) -> None:
    checked = [page for page in axe_pages if "zz-broken" not in page["file"]]
    assert len(checked) == len(SHIPPED) + 6  # five variants and a program
    for page in checked:
        assert page["violations"] == {"screen": [], "print": []}, page


def test_pages_load_nothing_from_outside_and_use_the_embedded_font(axe_pages: list[dict[str, Any]]) -> None:
    for page in axe_pages:
        assert page["outside"] == [], page["file"]
        assert page["fontLoaded"], page["file"]


def test_axe_reports_a_page_without_language_or_alt_text(axe_pages: list[dict[str, Any]]) -> None:
    broken = next(page for page in axe_pages if "zz-broken" in page["file"])
    found = {v["id"] for v in broken["violations"]["screen"]}
    assert {"html-has-lang", "image-alt"} <= found


def test_call_the_clinic_always_says_which_clinic() -> None:
    """With no phone number in the layout, the screen cannot offer a blank to write one on: the
    lead says which clinic instead of "Call the clinic if:" alone (review of 2026-12-04)."""
    en = labels("en")
    plain_page = Page(html_for(BUNDLED_ID)).body_text
    assert squash(en["call_clinic_unknown"]) in plain_page
    branded = Page(html_for(BUNDLED_ID, "riverbend")).body_text
    assert squash(en["call_clinic_unknown"]) not in branded
    assert squash("Call the clinic at (555) 014-2290 if:") in branded
