"""Honest status: a handout no clinician has reviewed says "Draft" on every page, in the HTML twin,
in programs and booklets made from it, and `check --strict` fails on it unless drafts are expected.
A reviewed handout says when it was reviewed instead."""

from __future__ import annotations

import io
from pathlib import Path

import pypdf
import pytest
import yaml
from click.testing import CliRunner
from conftest import BUNDLED_ID, LIBRARY, contains, page_texts, render_bytes

from psoaspdf.cli import main
from psoaspdf.errors import ExitCode
from psoaspdf.wording import labels

EN = labels("en")
SHIPPED = sorted(p.stem for p in (LIBRARY / "handouts").glob("*.yaml"))


def reviewed_copy(tmp_path: Path) -> Path:
    """The bundled handout, declared reviewed by a named clinician."""
    source = (LIBRARY / "handouts" / f"{BUNDLED_ID}.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(source)
    assert data["status"] == "draft"
    text = source.replace("\nstatus: draft", "\nstatus: reviewed", 1)
    text = text.replace(data["reviewed_by"], "Dr. Ana Lee, PT", 1)
    copy = tmp_path / f"{BUNDLED_ID}.yaml"
    copy.write_text(text, encoding="utf-8")
    return copy


@pytest.mark.parametrize("handout", SHIPPED)
def test_every_page_of_a_draft_says_so(handout: str) -> None:
    data = yaml.safe_load((LIBRARY / "handouts" / f"{handout}.yaml").read_text(encoding="utf-8"))
    assert data["status"] == "draft"  # no shipped handout has had a clinical review yet
    words = labels(data["language"])
    texts = page_texts(pypdf.PdfReader(io.BytesIO(render_bytes(handout))))
    for number, text in enumerate(texts, start=1):
        assert contains(text, words["draft"]), f"page {number} does not say it is a draft"
        assert words["draft_short"] in text, f"page {number} has no {words['draft_short']} in its header"
        assert not contains(text, words["reviewed"].format(date="")), f"page {number} claims a review"


def test_a_reviewed_handout_says_when_and_no_draft(tmp_path: Path) -> None:
    texts = page_texts(pypdf.PdfReader(io.BytesIO(render_bytes(reviewed_copy(tmp_path)))))
    for text in texts:
        assert "Reviewed November 2026" in text and "Next review November 2027" in text
        assert EN["draft_short"] not in text and not contains(text, EN["draft"])


def test_the_html_twin_says_draft_at_the_top_and_in_the_footer(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "h.html"
    assert runner.invoke(main, ["render", BUNDLED_ID, "--format", "html", "-o", str(out)]).exit_code == 0
    page = out.read_text(encoding="utf-8")
    main_start = page.index("<main>")
    assert page.index(f'<p class="draft" role="note">{EN["draft"]}</p>') == main_start + len(
        "<main>\n"
    )  # the first thing read
    assert f'<strong class="draft-mark">{EN["draft"]}</strong>' in page
    assert "Reviewed November" not in page
    reviewed = tmp_path / "r.html"
    result = runner.invoke(
        main, ["render", str(reviewed_copy(tmp_path)), "--format", "html", "-o", str(reviewed)]
    )
    assert result.exit_code == 0, result.stderr
    assert EN["draft"] not in reviewed.read_text(encoding="utf-8")


def test_a_program_or_booklet_of_draft_handouts_is_marked_draft(runner: CliRunner, tmp_path: Path) -> None:
    program = tmp_path / "p.pdf"
    assert runner.invoke(main, ["program", "back-core-four", "-o", str(program)]).exit_code == 0
    for text in page_texts(pypdf.PdfReader(program)):
        assert EN["draft_short"] in text and contains(text, EN["draft"])
    html = tmp_path / "p.html"
    assert (
        runner.invoke(main, ["program", "back-core-four", "--format", "html", "-o", str(html)]).exit_code == 0
    )
    assert f'<p class="draft" role="note">{EN["draft"]}</p>' in html.read_text(encoding="utf-8")
    booklet = tmp_path / "b.pdf"
    result = runner.invoke(main, ["booklet", "low-back-care", "-o", str(booklet)])
    assert result.exit_code == 0, result.stderr
    reader = pypdf.PdfReader(booklet)
    contents = labels("en")["contents"]
    handout_pages = [
        t for t in page_texts(reader) if "Low back pain and your hip flexor" in t and contents not in t
    ]
    assert handout_pages and all(contains(t, EN["draft"]) for t in handout_pages)


def test_check_strict_fails_on_a_draft_unless_drafts_are_expected(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(main, ["check", BUNDLED_ID, "--strict"])
    assert result.exit_code == ExitCode.INVALID_INPUT
    assert ": status: a draft" in result.stdout
    assert runner.invoke(main, ["check", BUNDLED_ID, "--strict", "--allow-drafts"]).exit_code == 0
    assert runner.invoke(main, ["check", str(reviewed_copy(tmp_path)), "--strict"]).exit_code == 0
